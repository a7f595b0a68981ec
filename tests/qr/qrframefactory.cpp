// SPDX-License-Identifier: Apache-2.0
#include "qrframefactory.h"

#include "prov/qrpayload.h"

#include <QBuffer>
#include <QPainter>
#include <QRandomGenerator>

#include <algorithm>
#include <cstring>

namespace qrtest {

namespace {

uchar studioLuma(uchar grey)
{
    return uchar(16 + (int(grey) * 219 + 127) / 255);
}

/// Byte offsets of R, G, B and alpha inside one 4-byte pixel, in Qt's memory byte order.
struct Rgb32Layout
{
    int r, g, b, a;
};

bool rgb32Layout(QVideoFrameFormat::PixelFormat format, Rgb32Layout *layout)
{
    using F = QVideoFrameFormat;
    switch (format) {
    case F::Format_ARGB8888:
    case F::Format_ARGB8888_Premultiplied:
    case F::Format_XRGB8888:
        *layout = { 1, 2, 3, 0 };
        return true;
    case F::Format_BGRA8888:
    case F::Format_BGRA8888_Premultiplied:
    case F::Format_BGRX8888:
        *layout = { 2, 1, 0, 3 };
        return true;
    case F::Format_ABGR8888:
    case F::Format_XBGR8888:
        *layout = { 3, 2, 1, 0 };
        return true;
    case F::Format_RGBA8888:
    case F::Format_RGBX8888:
        *layout = { 0, 1, 2, 3 };
        return true;
    default:
        return false;
    }
}

/// How each luma sample goes into plane 0: bytes per pixel and the byte that carries it.
struct LumaPlacement
{
    int pixelStride = 1;
    int lumaOffset = 0;
    bool sixteenBit = false;
    bool packedChroma = false; // the other bytes of plane 0 are chroma (YUYV, UYVY, AYUV)
};

bool lumaPlacement(QVideoFrameFormat::PixelFormat format, LumaPlacement *placement)
{
    using F = QVideoFrameFormat;
    switch (format) {
    case F::Format_Y8:
    case F::Format_NV12:
    case F::Format_NV21:
    case F::Format_YUV420P:
    case F::Format_YV12:
    case F::Format_YUV422P:
        *placement = { 1, 0, false, false };
        return true;
    case F::Format_Y16:
    case F::Format_P010:
    case F::Format_P016:
        *placement = { 2, 0, true, false };
        return true;
    case F::Format_YUYV:
        *placement = { 2, 0, false, true };
        return true;
    case F::Format_UYVY:
        *placement = { 2, 1, false, true };
        return true;
    case F::Format_AYUV: // A Y U V in memory
        *placement = { 4, 1, false, true };
        return true;
    default:
        return false;
    }
}

} // namespace

QString espPayload()
{
    prov::QrPayload payload;
    payload.name = QStringLiteral("PROV_3C71BF");
    payload.username = QStringLiteral("wifiprov");
    payload.pop = QStringLiteral("f3Kq9x2Lm8Vt4Zp1Rb7Nc5Hd");
    payload.transport = QStringLiteral("ble");
    payload.security = 2;
    payload.network = QStringLiteral("wifi");
    return QString::fromUtf8(prov::toJson(payload));
}

QImage scene(QSize size, const QImage &code, QPoint topLeft, int background, int noise, quint32 seed)
{
    QImage image(size, QImage::Format_Grayscale8);
    image.fill(uchar(std::clamp(background, 0, 255)));
    if (noise > 0) {
        QRandomGenerator random(seed);
        for (int y = 0; y < image.height(); ++y) {
            uchar *line = image.scanLine(y);
            for (int x = 0; x < image.width(); ++x)
                line[x] = uchar(std::clamp(background + random.bounded(-noise, noise + 1), 0, 255));
        }
    }
    if (!code.isNull()) {
        QPainter painter(&image);
        painter.drawImage(topLeft, code.convertToFormat(QImage::Format_Grayscale8));
    }
    return image;
}

QImage centredScene(QSize size, const QImage &code, int background, int noise, quint32 seed)
{
    const QPoint topLeft((size.width() - code.width()) / 2, (size.height() - code.height()) / 2);
    return scene(size, code, topLeft, background, noise, seed);
}

QImage noiseScene(QSize size, quint32 seed)
{
    QImage image(size, QImage::Format_Grayscale8);
    QRandomGenerator random(seed);
    for (int y = 0; y < image.height(); ++y) {
        uchar *line = image.scanLine(y);
        for (int x = 0; x < image.width(); ++x)
            line[x] = uchar(random.bounded(256));
    }
    return image;
}

QVideoFrame frameFromGrey(const QImage &grey, QVideoFrameFormat::PixelFormat format)
{
    const QImage source = grey.convertToFormat(QImage::Format_Grayscale8);
    Rgb32Layout rgb {};
    LumaPlacement luma;
    const bool isRgb = rgb32Layout(format, &rgb);
    if (!isRgb && !lumaPlacement(format, &luma))
        return {};

    QVideoFrame frame(QVideoFrameFormat(source.size(), format));
    if (!frame.map(QVideoFrame::WriteOnly))
        return {};
    const int width = source.width();
    const int height = source.height();
    uchar *plane = frame.bits(0);
    const int stride = frame.bytesPerLine(0);
    // Chroma planes are neutral grey; sized as Qt 6.4 allocates them (mappedBytes), which for odd
    // heights is one row less than a driver would give.
    for (int p = 1; p < frame.planeCount(); ++p)
        std::memset(frame.bits(p), 0x80, size_t(frame.mappedBytes(p)));
    std::memset(plane, 0x80, size_t(frame.mappedBytes(0)));

    for (int y = 0; y < height; ++y) {
        const uchar *in = source.constScanLine(y);
        uchar *out = plane + qsizetype(y) * stride;
        for (int x = 0; x < width; ++x) {
            if (isRgb) {
                uchar *pixel = out + 4 * x;
                pixel[rgb.r] = pixel[rgb.g] = pixel[rgb.b] = in[x];
                pixel[rgb.a] = 0xFF;
            } else if (luma.sixteenBit) {
                const quint16 value = quint16(studioLuma(in[x]) << 8);
                std::memcpy(out + 2 * x, &value, sizeof value); // native byte order, as Qt stores it
            } else {
                uchar *pixel = out + luma.pixelStride * x;
                pixel[luma.lumaOffset] = studioLuma(in[x]);
                if (format == QVideoFrameFormat::Format_AYUV)
                    pixel[0] = 0xFF;
            }
        }
    }
    frame.unmap();
    return frame;
}

QVideoFrame jpegFrame(const QImage &grey)
{
    QByteArray jpeg;
    QBuffer buffer(&jpeg);
    buffer.open(QIODevice::WriteOnly);
    if (!grey.save(&buffer, "JPG", 95))
        return {};
    QVideoFrame frame(QVideoFrameFormat(grey.size(), QVideoFrameFormat::Format_Jpeg));
    if (!frame.map(QVideoFrame::WriteOnly))
        return {};
    if (jpeg.size() > frame.mappedBytes(0)) {
        frame.unmap();
        return {};
    }
    std::memset(frame.bits(0), 0, size_t(frame.mappedBytes(0)));
    std::memcpy(frame.bits(0), jpeg.constData(), size_t(jpeg.size()));
    frame.unmap();
    return frame;
}

} // namespace qrtest
