// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QCoreApplication>
#include <QImage>
#include <QObject>
#include <QString>

/// Caps on untrusted QR images (files, clipboard): the file size in bytes and the decoded size in
/// pixels (width * height). The defaults allow any phone photo and stop decompression bombs.
struct QrImageLimits
{
    qint64 maxFileBytes = 20 * 1024 * 1024;
    qint64 maxPixels = 40'000'000;
};

/// Reads a QR code from an untrusted image file or an image from the clipboard.
///
/// Synchronous and thread-safe: call it on a worker thread (CameraController does). Files are
/// read whole into memory (at most QrImageLimits::maxFileBytes + 1 bytes, so a growing file cannot
/// get past the cap), the header is checked against maxPixels before anything is decoded, and
/// QImageReader's allocation limit backs that up for formats whose size is only known late.
/// Every call ends in an Outcome: the payload, or an Error with a plain-words reason for the user.
class QrImageFile
{
    Q_GADGET
    Q_DECLARE_TR_FUNCTIONS(QrImageFile)

public:
    /// Why no payload came out of an image. Values are stable (they may be logged or recorded).
    enum class Error : int {
        None = 0,
        FileNotFound = 1, ///< no such file
        FileUnreadable = 2, ///< not a regular file, no permission, I/O error, not a local file
        NotAnImage = 3, ///< empty, or no image format recognises the data
        ImageDamaged = 4, ///< an image format recognises it but decoding fails (e.g. truncated)
        ImageTooLarge = 5, ///< over QrImageLimits::maxFileBytes or maxPixels
        NoQrCode = 6, ///< a readable image without a readable QR code
        ClipboardHasNoImage = 7, ///< the clipboard holds no image and no image file
    };
    Q_ENUM(Error)

    struct Outcome
    {
        QString text; ///< the QR code's raw text when error is None (holds secrets, §11)
        Error error = Error::None;
        QString reason; ///< one sentence for the user when error is not None
        bool ok() const { return error == Error::None; }
    };

    /// Reads the file at `path` (a local path) and decodes the QR code in it.
    static Outcome decodeFile(const QString &path, const QrImageLimits &limits = {});
    /// Decodes encoded image data (PNG, JPEG, ...); `sourceName` names it in reasons.
    static Outcome decodeData(
        const QByteArray &data, const QString &sourceName, const QrImageLimits &limits = {});
    /// Decodes an image already in memory (the clipboard's); `sourceName` names it in reasons.
    static Outcome decodeImage(
        const QImage &image, const QString &sourceName, const QrImageLimits &limits = {});

    /// Outcome with `error` and `reason` (used for failures found before any decoding).
    static Outcome failure(Error error, const QString &reason);
};
