// SPDX-License-Identifier: Apache-2.0
#pragma once

// Synthetic camera frames for the QR tests and benchmarks: a grey scene (a rendered QR code on a
// background) written into a QVideoFrame of a given pixel format, planes and strides filled the
// way a webcam driver fills them. Shared by tests/qr and bench/qr.

#include <QImage>
#include <QPoint>
#include <QSize>
#include <QString>
#include <QVideoFrame>
#include <QVideoFrameFormat>

namespace qrtest {

/// An ESP-style Security 2 payload of about 100 bytes (docs/protocol.md §11) with a made-up PoP.
QString espPayload();

/// A QImage::Format_Grayscale8 scene of `size`: `background` grey, plus uniform noise of
/// +-`noise` grey levels (deterministic for a given `seed`), with `code` (grey) pasted at
/// `topLeft` (clipped at the edges). A null `code` gives a scene without a code.
QImage scene(
    QSize size, const QImage &code, QPoint topLeft, int background = 170, int noise = 0, quint32 seed = 1);
/// `code` centred in a scene of `size`.
QImage centredScene(QSize size, const QImage &code, int background = 170, int noise = 0, quint32 seed = 1);
/// A scene of uniformly random grey levels.
QImage noiseScene(QSize size, quint32 seed = 7);

/// A frame of `format` and the scene's size whose picture is `grey` (Grayscale8): studio-range
/// luma (16..235) and neutral chroma for YUV formats, R = G = B with opaque alpha for RGB formats,
/// the high byte for 16-bit formats. Supports Y8, Y16, P010, P016, YUYV, UYVY, NV12, NV21,
/// YUV420P, YV12, YUV422P, AYUV, and the 8-bit ARGB/BGRA/ABGR/RGBA/XRGB/BGRX/XBGR/RGBX formats;
/// an invalid frame for anything else.
QVideoFrame frameFromGrey(const QImage &grey, QVideoFrameFormat::PixelFormat format);

/// A Format_Jpeg frame holding `grey` encoded as JPEG (quality 95), the rest of the buffer zero.
QVideoFrame jpegFrame(const QImage &grey);

} // namespace qrtest
