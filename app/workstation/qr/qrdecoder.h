// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

class QImage;
class QVideoFrame;

/// Finds a QR code in an image or a camera frame and returns its text (ZXing-C++, QR codes only).
///
/// Stateless: every function is reentrant and thread-safe, so callers decode on a worker thread
/// (QrFrameScanner, CameraController). Nothing here ever runs an event loop or keeps a reference
/// to its input after returning. Hostile or malformed input (empty, tiny, odd-sized, unmappable
/// frames; undersized planes) gives an empty string, never a crash.
///
/// The returned text is the code's raw content, usually the provisioning JSON of docs/protocol.md §11,
/// which holds secrets (PoP, SRP password, SoftAP passphrase): never log it. Byte-mode content
/// without an ECI marker is read as UTF-8 when it is valid UTF-8 (what ESP-IDF firmware and
/// libqrencode write); otherwise ZXing's character-set guess is used.
class QrDecoder
{
public:
    /// Smallest frame or image side (px) that is decoded. A QR code needs 21 modules; and Qt 6.4's
    /// QVideoFrame::map() divides by zero on planar 4:2:0 frames one row high, so such frames are
    /// refused before they are mapped.
    static constexpr int kMinSide = 21;
    /// Largest frame or image side (px) that is decoded.
    static constexpr int kMaxSide = 16384;

    /// Decodes a still image (file, clipboard) of any QImage format; transparent pixels count as
    /// white. Tries harder than decodeFrame() and also tries the inverted image (light modules on
    /// a dark ground), since a still image gets one attempt. Empty when no QR code is found or the
    /// image is null or outside kMinSide..kMaxSide.
    static QString decodeImage(const QImage &image);

    /// Decodes one camera frame. Maps the frame read-only (the frame is implicitly shared; the
    /// caller's copy stays valid) and reads the luma directly: plane 0 of NV12, NV21, YUV420P,
    /// YV12, YUV422P, IMC1-4, Y8; the high byte of Y16, P010, P016; every second byte of YUYV and
    /// UYVY; ZXing's 4-byte RGB layouts for (A|X)RGB, BGR(A|X), (A|X)BGR and RGB(A|X). Jpeg frames
    /// are decoded from their bytes. Any other format falls back to QVideoFrame::toImage(), and
    /// only when a QGuiApplication exists (toImage() crashes without one). Empty when no QR code
    /// is found, the frame is invalid, smaller than kMinSide, cannot be mapped or its planes are
    /// smaller than its size says. Typical cost for 1280x720: see bench/qr/RESULTS.md.
    static QString decodeFrame(const QVideoFrame &frame);
};
