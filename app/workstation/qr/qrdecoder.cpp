// SPDX-License-Identifier: Apache-2.0
#include "qrdecoder.h"

#include "qrlogging.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QScopeGuard>
#include <QStringDecoder>
#include <QVideoFrame>
#include <QVideoFrameFormat>

#include <ZXing/ReadBarcode.h>

#include <exception>

namespace {

/// How the luma of one pixel format is read: plane 0, starting `offset` bytes into each pixel,
/// `pixelStride` bytes from one pixel to the next.
struct LumaLayout
{
    enum class Kind { Direct, Jpeg, Fallback };
    Kind kind = Kind::Fallback;
    ZXing::ImageFormat format = ZXing::ImageFormat::Lum;
    int offset = 0;
    int pixelStride = 1;
};

// 16-bit samples are stored in native byte order; the high byte is enough for a QR code.
constexpr int kHighByteOffset = Q_BYTE_ORDER == Q_LITTLE_ENDIAN ? 1 : 0;

LumaLayout lumaLayout(QVideoFrameFormat::PixelFormat format)
{
    using F = QVideoFrameFormat;
    using Z = ZXing::ImageFormat;
    const auto direct = [](Z zxFormat, int offset, int pixelStride) {
        return LumaLayout { LumaLayout::Kind::Direct, zxFormat, offset, pixelStride };
    };
    switch (format) {
    case F::Format_NV12:
    case F::Format_NV21:
    case F::Format_YUV420P:
    case F::Format_YV12:
    case F::Format_YUV422P:
    case F::Format_IMC1:
    case F::Format_IMC2:
    case F::Format_IMC3:
    case F::Format_IMC4:
    case F::Format_Y8:
        return direct(Z::Lum, 0, 1);
    case F::Format_Y16:
    case F::Format_P010:
    case F::Format_P016:
        return direct(Z::Lum, kHighByteOffset, 2);
    case F::Format_YUYV: // Y0 U Y1 V
        return direct(Z::Lum, 0, 2);
    case F::Format_UYVY: // U Y0 V Y1
        return direct(Z::Lum, 1, 2);
    // Qt names these in memory byte order (checked against QVideoFrame::toImage() on Qt 6.4).
    case F::Format_ARGB8888:
    case F::Format_ARGB8888_Premultiplied:
    case F::Format_XRGB8888:
        return direct(Z::XRGB, 0, 4);
    case F::Format_BGRA8888:
    case F::Format_BGRA8888_Premultiplied:
    case F::Format_BGRX8888:
        return direct(Z::BGRX, 0, 4);
    case F::Format_ABGR8888:
    case F::Format_XBGR8888:
        return direct(Z::XBGR, 0, 4);
    case F::Format_RGBA8888:
    case F::Format_RGBX8888:
        return direct(Z::RGBX, 0, 4);
    case F::Format_Jpeg:
        return { LumaLayout::Kind::Jpeg };
    default:
        // AYUV, YUV420P10 (Qt 6.4 allocates it with an 8-bit stride) and texture-only formats.
        return {};
    }
}

ZXing::DecodeHints hints(bool tryHarder)
{
    // tryRotate only matters for linear codes; QR detection is rotation invariant. Downscaling
    // helps codes held close to the camera and large photos.
    return ZXing::DecodeHints()
        .setFormats(ZXing::BarcodeFormat::QRCode)
        .setTryHarder(tryHarder)
        .setTryRotate(false)
        .setTryDownscale(true);
}

QString textOf(const ZXing::Result &result)
{
    const ZXing::ByteArray &bytes = result.bytes();
    if (!result.hasECI()) {
        // Without an ECI, ZXing 1.4 guesses the character set of byte-mode data and may pick
        // ISO-8859-1 or Shift_JIS for UTF-8 names; ESP-IDF firmware and libqrencode write UTF-8.
        QStringDecoder utf8(QStringDecoder::Utf8);
        QString text = utf8.decode(
            QByteArrayView(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size())));
        if (!utf8.hasError())
            return text;
    }
    return QString::fromStdString(result.text());
}

QString decodeView(const ZXing::ImageView &view, bool tryHarder)
{
    try {
        const ZXing::Result result = ZXing::ReadBarcode(view, hints(tryHarder));
        if (!result.isValid())
            return {};
        return textOf(result);
    } catch (const std::exception &e) {
        // ZXing throws on inconsistent views; keep exceptions out of Qt's event loop.
        qCWarning(lcWsQr) << "ZXing failed:" << e.what();
        return {};
    }
}

bool sizeAcceptable(QSize size)
{
    return size.width() >= QrDecoder::kMinSide && size.height() >= QrDecoder::kMinSide
        && size.width() <= QrDecoder::kMaxSide && size.height() <= QrDecoder::kMaxSide;
}

/// An 8-bit grey copy of `image` with transparency composited onto white (QR images are often
/// black modules on a transparent ground).
QImage greyOf(const QImage &image)
{
    if (image.format() == QImage::Format_Grayscale8)
        return image;
    if (!image.hasAlphaChannel())
        return image.convertToFormat(QImage::Format_Grayscale8);
    QImage opaque(image.size(), QImage::Format_RGB32);
    opaque.fill(Qt::white);
    {
        QPainter painter(&opaque);
        painter.drawImage(0, 0, image);
    }
    return opaque.convertToFormat(QImage::Format_Grayscale8);
}

QString decodeGrey(const QImage &grey, bool tryHarder)
{
    const ZXing::ImageView view(
        grey.constBits(), grey.width(), grey.height(), ZXing::ImageFormat::Lum, int(grey.bytesPerLine()));
    return decodeView(view, tryHarder);
}

QString decodeImageWith(const QImage &image, bool tryHarder)
{
    if (image.isNull() || !sizeAcceptable(image.size()))
        return {};
    const QImage grey = greyOf(image);
    if (grey.isNull())
        return {};
    return decodeGrey(grey, tryHarder);
}

} // namespace

QString QrDecoder::decodeImage(const QImage &image)
{
    if (image.isNull() || !sizeAcceptable(image.size()))
        return {};
    QImage grey = greyOf(image);
    if (grey.isNull())
        return {};
    QString text = decodeGrey(grey, true);
    if (text.isEmpty()) {
        grey.invertPixels();
        text = decodeGrey(grey, true);
    }
    return text;
}

QString QrDecoder::decodeFrame(const QVideoFrame &frame)
{
    if (!frame.isValid() || !sizeAcceptable(frame.size()))
        return {};
    const LumaLayout layout = lumaLayout(frame.pixelFormat());
    if (layout.kind == LumaLayout::Kind::Fallback) {
        // toImage() converts through Qt's GUI machinery and crashes without a QGuiApplication.
        if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
            return {};
        return decodeImageWith(frame.toImage(), false);
    }

    QVideoFrame mapped(frame); // shares the buffer; map() needs a non-const handle
    if (!mapped.map(QVideoFrame::ReadOnly))
        return {};
    const auto unmap = qScopeGuard([&mapped] { mapped.unmap(); });
    const uchar *bits = mapped.bits(0);
    const qint64 planeBytes = mapped.mappedBytes(0);
    if (!bits || planeBytes <= 0)
        return {};

    if (layout.kind == LumaLayout::Kind::Jpeg)
        return decodeImageWith(QImage::fromData(bits, int(planeBytes), "JPG"), false);

    const int width = frame.width();
    const int height = frame.height();
    const qint64 rowStride = mapped.bytesPerLine(0);
    const qint64 rowBytes = qint64(width) * layout.pixelStride;
    // The last row may end right after its pixels; every row must lie inside the plane.
    if (rowStride < rowBytes || rowStride * (height - 1) + rowBytes > planeBytes)
        return {};
    const ZXing::ImageView view(
        bits + layout.offset, width, height, layout.format, int(rowStride), layout.pixelStride);
    return decodeView(view, false);
}
