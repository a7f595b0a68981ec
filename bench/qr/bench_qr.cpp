// SPDX-License-Identifier: Apache-2.0
// QR decoding cost per camera frame and per still image (bench/qr/RESULTS.md).
//
// Frames are 1280x720 in the formats webcams deliver (NV12, YUYV, BGRA8888), built like the tests
// build them (tests/qr/qrframefactory.h): a ~100-byte §11 payload at 4-6 px/module (what a sticker
// 15-25 cm from a 720p webcam gives), turned 7 degrees, soft-edged and at paper contrast, on a
// textured, noisy background; and the same kind of scene without a code, which is what the camera
// shows most of the time. Each iteration is
// timed on its own (manual time) so the median and 95th percentile per frame can be reported.
// Every iteration checks the result; a wrong result fails the benchmark.
#include "qr/qrdecoder.h"
#include "qr/qrimagefile.h"
#include "qr/qrrenderer.h"
#include "qrframefactory.h"

#include <benchmark/benchmark.h>

#include <QBuffer>
#include <QPainter>
#include <QRandomGenerator>

#include <algorithm>
#include <chrono>
#include <vector>

namespace {

using F = QVideoFrameFormat;

const QSize kFrameSize(1280, 720);

/// The code as a 720p webcam sees a sticker: turned by a few degrees, smoothly resampled to
/// `pixelsPerModule` (soft, anti-aliased edges) and with the contrast of paper under office light
/// (modules about 55, paper about 205). Transparent outside the sticker.
QImage cameraView(const QString &payload, qreal pixelsPerModule)
{
    const QImage sharp = QrRenderer::render(payload, 10, 4);
    const qreal scale = pixelsPerModule / 10.0;
    QImage view = sharp.convertToFormat(QImage::Format_ARGB32)
                      .transformed(QTransform().rotate(7).scale(scale, scale), Qt::SmoothTransformation);
    for (int y = 0; y < view.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(view.scanLine(y));
        for (int x = 0; x < view.width(); ++x) {
            const int grey = 55 + qGray(line[x]) * 150 / 255;
            line[x] = qRgba(grey, grey, grey, qAlpha(line[x]));
        }
    }
    return view;
}

/// A desk-like grey scene: a brightness gradient and some rectangles (objects, paper edges), the
/// optional `code` at `topLeft`, then sensor noise over everything.
QImage deskScene(QSize size, const QImage &code, QPoint topLeft)
{
    QImage image(size, QImage::Format_RGB32);
    QRandomGenerator random(42);
    for (int y = 0; y < size.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(image.scanLine(y));
        for (int x = 0; x < size.width(); ++x) {
            const int grey = 90 + 80 * x / size.width() + 30 * y / size.height();
            line[x] = qRgb(grey, grey, grey);
        }
    }
    {
        QPainter painter(&image);
        for (int i = 0; i < 12; ++i) {
            const QRect rect(random.bounded(size.width()), random.bounded(size.height()),
                40 + random.bounded(300), 20 + random.bounded(200));
            painter.fillRect(rect, QColor::fromHsv(0, 0, random.bounded(30, 230)));
        }
        if (!code.isNull())
            painter.drawImage(topLeft, code);
    }
    QImage grey = image.convertToFormat(QImage::Format_Grayscale8);
    for (int y = 0; y < size.height(); ++y) {
        uchar *line = grey.scanLine(y);
        for (int x = 0; x < size.width(); ++x)
            line[x] = uchar(std::clamp(int(line[x]) + random.bounded(-10, 11), 0, 255));
    }
    return grey;
}

void reportPercentiles(benchmark::State &state, std::vector<double> &ms)
{
    if (ms.empty())
        return;
    std::sort(ms.begin(), ms.end());
    state.counters["median_ms"] = ms[ms.size() / 2];
    state.counters["p95_ms"] = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
}

/// args: pixel format, px/module (0 = no code in the frame)
void BM_DecodeFrame(benchmark::State &state)
{
    const auto format = F::PixelFormat(state.range(0));
    const int pixelsPerModule = int(state.range(1));
    const QString payload = qrtest::espPayload();
    const QImage code = pixelsPerModule > 0 ? cameraView(payload, pixelsPerModule) : QImage();
    const QVideoFrame frame = qrtest::frameFromGrey(deskScene(kFrameSize, code, QPoint(700, 260)), format);
    if (!frame.isValid()) {
        state.SkipWithError("cannot build the frame");
        return;
    }
    std::vector<double> ms;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        const QString text = QrDecoder::decodeFrame(frame);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        state.SetIterationTime(took.count());
        ms.push_back(took.count() * 1000.0);
        if ((pixelsPerModule > 0) != (text == payload)) {
            state.SkipWithError(pixelsPerModule > 0 ? "code not decoded" : "phantom code decoded");
            break;
        }
    }
    state.SetLabel(QStringLiteral("%1 %2x%3 %4")
                       .arg(F::pixelFormatToString(format))
                       .arg(kFrameSize.width())
                       .arg(kFrameSize.height())
                       .arg(pixelsPerModule > 0 ? QStringLiteral("code %1 px/module").arg(pixelsPerModule)
                                                : QStringLiteral("no code"))
                       .toStdString());
    reportPercentiles(state, ms);
}

/// A QR image file as the user would pick it: args: 0 = the 8 px/module PNG sticker, 1 = a 12 MP
/// JPEG photo with the code at 12 px/module.
void BM_DecodeImageFile(benchmark::State &state)
{
    const QString payload = qrtest::espPayload();
    QImage image;
    const char *format = "PNG";
    if (state.range(0) == 0) {
        image = QrRenderer::render(payload);
    } else {
        image = deskScene(QSize(4000, 3000), cameraView(payload, 12), QPoint(2300, 1200));
        format = "JPG";
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format, 90);
    std::vector<double> ms;
    for (auto _ : state) {
        const auto start = std::chrono::steady_clock::now();
        const QrImageFile::Outcome outcome = QrImageFile::decodeData(bytes, QStringLiteral("bench"));
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        state.SetIterationTime(took.count());
        ms.push_back(took.count() * 1000.0);
        if (!outcome.ok() || outcome.text != payload) {
            state.SkipWithError("code not decoded");
            break;
        }
    }
    state.SetLabel(state.range(0) == 0 ? "PNG sticker 8 px/module" : "12 MP JPEG photo, 12 px/module");
    reportPercentiles(state, ms);
}

void BM_RenderSticker(benchmark::State &state)
{
    const QString payload = qrtest::espPayload();
    for (auto _ : state)
        benchmark::DoNotOptimize(QrRenderer::render(payload));
}

} // namespace

BENCHMARK(BM_DecodeFrame)
    ->ArgsProduct({ { F::Format_NV12, F::Format_YUYV, F::Format_BGRA8888 }, { 3, 4, 5, 6, 0 } })
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.0);
BENCHMARK(BM_DecodeImageFile)->DenseRange(0, 1)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_RenderSticker)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
