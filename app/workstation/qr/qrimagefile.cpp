// SPDX-License-Identifier: Apache-2.0
#include "qrimagefile.h"

#include "qrdecoder.h"
#include "qrlogging.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>

#include <algorithm>
#include <limits>

namespace {

QString megabytes(qint64 bytes)
{
    return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 1);
}

QString megapixels(qint64 pixels)
{
    return QString::number(double(pixels) / 1e6, 'f', 1);
}

QrImageFile::Outcome tooManyPixels(const QString &name, QSize size, const QrImageLimits &limits)
{
    return QrImageFile::failure(QrImageFile::Error::ImageTooLarge,
        QrImageFile::tr("%1 is %2 × %3 pixels; images up to %4 megapixels are accepted.")
            .arg(name)
            .arg(size.width())
            .arg(size.height())
            .arg(megapixels(limits.maxPixels)));
}

bool pixelsOver(QSize size, const QrImageLimits &limits)
{
    return qint64(size.width()) * qint64(size.height()) > limits.maxPixels;
}

} // namespace

QrImageFile::Outcome QrImageFile::failure(Error error, const QString &reason)
{
    Outcome outcome;
    outcome.error = error;
    outcome.reason = reason;
    return outcome;
}

QrImageFile::Outcome QrImageFile::decodeFile(const QString &path, const QrImageLimits &limits)
{
    const QFileInfo info(path);
    const QString name = tr("“%1”").arg(info.fileName());
    if (!info.exists())
        return failure(Error::FileNotFound, tr("The file %1 does not exist.").arg(name));
    // FIFOs and devices are not regular files: reading one could block forever or never end.
    if (!info.isFile())
        return failure(Error::FileUnreadable, tr("%1 is not a regular file.").arg(name));
    if (info.size() > limits.maxFileBytes)
        return failure(Error::ImageTooLarge,
            tr("%1 is %2 MB; QR images up to %3 MB are accepted.")
                .arg(name, megabytes(info.size()), megabytes(limits.maxFileBytes)));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failure(
            Error::FileUnreadable, tr("The file %1 could not be read: %2.").arg(name, file.errorString()));
    const QByteArray data = file.read(limits.maxFileBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return failure(
            Error::FileUnreadable, tr("The file %1 could not be read: %2.").arg(name, file.errorString()));
    if (data.size() > limits.maxFileBytes)
        return failure(Error::ImageTooLarge,
            tr("%1 is larger than %2 MB, the limit for QR images.")
                .arg(name, megabytes(limits.maxFileBytes)));
    return decodeData(data, name, limits);
}

QrImageFile::Outcome QrImageFile::decodeData(
    const QByteArray &data, const QString &sourceName, const QrImageLimits &limits)
{
    if (data.isEmpty())
        return failure(Error::NotAnImage, tr("%1 is empty.").arg(sourceName));
    QBuffer buffer;
    buffer.setData(data);
    if (!buffer.open(QIODevice::ReadOnly))
        return failure(Error::FileUnreadable, tr("%1 could not be read.").arg(sourceName));
    QImageReader reader(&buffer);
    reader.setAutoTransform(true);
    // Backs up the header check below for formats that report their size late: 4 bytes a pixel.
    const qint64 limitMb = std::max<qint64>(1, (limits.maxPixels * 4 + (1 << 20) - 1) >> 20);
    reader.setAllocationLimit(int(std::min<qint64>(limitMb, std::numeric_limits<int>::max())));
    if (!reader.canRead())
        return failure(Error::NotAnImage,
            tr("%1 is not an image that can be read (PNG, JPEG, BMP or GIF, for example).").arg(sourceName));
    const QSize announced = reader.size();
    if (announced.isValid() && pixelsOver(announced, limits))
        return tooManyPixels(sourceName, announced, limits);
    QImage image;
    if (!reader.read(&image)) {
        qCDebug(lcWsQr) << "image decoding failed:" << reader.errorString();
        return failure(Error::ImageDamaged,
            tr("%1 is damaged or incomplete (%2).").arg(sourceName, reader.errorString()));
    }
    return decodeImage(image, sourceName, limits);
}

QrImageFile::Outcome QrImageFile::decodeImage(
    const QImage &image, const QString &sourceName, const QrImageLimits &limits)
{
    if (image.isNull())
        return failure(Error::NotAnImage, tr("%1 holds no picture.").arg(sourceName));
    if (pixelsOver(image.size(), limits) || image.width() > QrDecoder::kMaxSide
        || image.height() > QrDecoder::kMaxSide)
        return tooManyPixels(sourceName, image.size(), limits);
    if (image.width() < QrDecoder::kMinSide || image.height() < QrDecoder::kMinSide)
        return failure(Error::NoQrCode,
            tr("%1 is only %2 × %3 pixels, too small to hold a QR code.")
                .arg(sourceName)
                .arg(image.width())
                .arg(image.height()));
    Outcome outcome;
    outcome.text = QrDecoder::decodeImage(image);
    if (outcome.text.isEmpty())
        return failure(Error::NoQrCode,
            tr("No QR code was found in %1. Use a sharp, evenly lit picture that shows "
               "the whole code with its white border.")
                .arg(sourceName));
    return outcome;
}
