// SPDX-License-Identifier: Apache-2.0
// Camera frames -> QR payload: synthetic frames in the pixel formats webcams deliver, pushed through a
// real QVideoSink into QrFrameScanner (the same path as the camera), and QrDecoder::decodeFrame
// directly. Malformed frames give nothing and never crash; the scanner keeps one pending frame
// (latest wins), caps its decode rate and suppresses repeats. Payloads hold a PoP: compared with
// QVERIFY(a == b) so a failure never prints them.
#include "qr/qrdecoder.h"
#include "qr/qrframescanner.h"
#include "qr/qrrenderer.h"
#include "qrframefactory.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QVideoSink>

#include <cstring>

using F = QVideoFrameFormat;

namespace {

constexpr int kPixelsPerModule = 5; // typical webcam scale (docs/ble-testing.md §8: 4-6 px/module)

/// Two frames with the same picture but separate buffers: QVideoSink ignores a frame equal to the
/// one it shows, while a camera delivers a new buffer every time, so feeds alternate between them.
struct FramePair
{
    FramePair(const QImage &scene, F::PixelFormat format)
        : frames { qrtest::frameFromGrey(scene, format), qrtest::frameFromGrey(scene, format) }
    { }
    const QVideoFrame &next() { return frames[flip++ % 2]; }
    QVideoFrame frames[2];
    int flip = 0;
};

/// Feeds `frames` to `sink`, one new buffer per turn of the event loop, for `ms`.
void feedFor(QVideoSink &sink, FramePair &frames, int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms) {
        sink.setVideoFrame(frames.next());
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
}

/// A real QVideoSink feeding a scanner that decodes every frame at once, with spies on it.
struct Rig
{
    Rig()
        : decoded(&scanner, &QrFrameScanner::payloadDecoded)
        , scanned(&scanner, &QrFrameScanner::frameScanned)
    {
        scanner.setDecodeIntervalMs(0);
        scanner.setVideoSink(&sink);
    }
    QVideoSink sink;
    QrFrameScanner scanner;
    QSignalSpy decoded;
    QSignalSpy scanned;
};

} // namespace

class TestQrFrames : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void decodesFrameDirectly_data();
    void decodesFrameDirectly();
    void decodesFrameThroughVideoSink_data();
    void decodesFrameThroughVideoSink();
    void decodesJpegFrame();
    void decodesFallbackFormatThroughToImage();
    void blankAndNoiseFramesGiveNothing();
    void malformedFramesGiveNothingAndDoNotCrash();
    void frameMappedForWritingElsewhereGivesNothing();
    void keepsOnlyTheLatestFrameWhileBusy();
    void capsDecodeRate();
    void suppressesRepeatsOfTheSamePayload();
    void reportsPayloadAgainAfterItWasOutOfSight();
    void stopsListeningToAReplacedSink();

private:
    QString m_payload;
    QImage m_code;
};

void TestQrFrames::initTestCase()
{
    m_payload = qrtest::espPayload();
    QVERIFY(m_payload.size() >= 90);
    m_code = QrRenderer::render(m_payload, kPixelsPerModule, 4);
    QVERIFY(!m_code.isNull());
}

static void addFrameRows()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QSize>("size");
    const QList<F::PixelFormat> webcamFormats { F::Format_YUYV, F::Format_NV12, F::Format_YUV420P,
        F::Format_BGRA8888, F::Format_UYVY, F::Format_Y8 };
    for (const QSize size : { QSize(640, 480), QSize(1280, 720) }) {
        for (F::PixelFormat format : webcamFormats) {
            QTest::addRow("%s %dx%d", qPrintable(F::pixelFormatToString(format)), size.width(), size.height())
                << int(format) << size;
        }
    }
    // Qt 6.4 aligns rows to 16 bytes: 1004 px rows get a padded stride (bytesPerLine > width * bpp).
    QTest::newRow("NV12 padded stride 1004x600") << int(F::Format_NV12) << QSize(1004, 600);
    QTest::newRow("YUYV padded stride 1004x600") << int(F::Format_YUYV) << QSize(1004, 600);
    QTest::newRow("YUV420P odd size 641x481") << int(F::Format_YUV420P) << QSize(641, 481);
    for (F::PixelFormat format : { F::Format_NV21, F::Format_YV12, F::Format_YUV422P, F::Format_Y16,
             F::Format_P010, F::Format_BGRX8888, F::Format_ARGB8888, F::Format_XRGB8888, F::Format_RGBA8888,
             F::Format_RGBX8888, F::Format_ABGR8888, F::Format_XBGR8888 }) {
        QTest::addRow("%s 640x480", qPrintable(F::pixelFormatToString(format)))
            << int(format) << QSize(640, 480);
    }
}

void TestQrFrames::decodesFrameDirectly_data()
{
    addFrameRows();
}

void TestQrFrames::decodesFrameDirectly()
{
    QFETCH(int, format);
    QFETCH(QSize, size);
    const QVideoFrame frame = qrtest::frameFromGrey(
        qrtest::centredScene(size, m_code, 170, 12), F::PixelFormat(format));
    QVERIFY(frame.isValid());
    QCOMPARE(frame.size(), size);
    if (size.width() == 1004) {
        QVideoFrame probe(frame);
        QVERIFY(probe.map(QVideoFrame::ReadOnly));
        const int bytesPerPixel = format == F::Format_YUYV ? 2 : 1;
        QVERIFY2(probe.bytesPerLine(0) > size.width() * bytesPerPixel, "expected a padded stride");
        probe.unmap();
    }
    const QString decoded = QrDecoder::decodeFrame(frame);
    QVERIFY2(!decoded.isEmpty(), "no QR code found");
    QVERIFY2(decoded == m_payload, "decoded text differs from the rendered payload");
}

void TestQrFrames::decodesFrameThroughVideoSink_data()
{
    addFrameRows();
}

void TestQrFrames::decodesFrameThroughVideoSink()
{
    QFETCH(int, format);
    QFETCH(QSize, size);
    Rig rig;
    QCOMPARE(rig.scanner.videoSink(), &rig.sink);

    // Start the code away from the centre, as a hand-held sticker would be.
    const QPoint topLeft(size.width() / 5, size.height() / 6);
    rig.sink.setVideoFrame(
        qrtest::frameFromGrey(qrtest::scene(size, m_code, topLeft, 150, 10), F::PixelFormat(format)));
    QTRY_COMPARE(rig.scanned.count(), 1);
    QCOMPARE(rig.scanned.at(0).at(0).toBool(), true);
    QCOMPARE(rig.decoded.count(), 1);
    QVERIFY2(
        rig.decoded.at(0).at(0).toString() == m_payload, "decoded text differs from the rendered payload");
    QCOMPARE(rig.scanner.framesReceived(), 1);
    QCOMPARE(rig.scanner.decodesStarted(), 1);
    QVERIFY(!rig.scanner.isBusy());
}

void TestQrFrames::decodesJpegFrame()
{
    const QVideoFrame frame = qrtest::jpegFrame(qrtest::centredScene(QSize(640, 480), m_code));
    QVERIFY(frame.isValid());
    QCOMPARE(frame.pixelFormat(), F::Format_Jpeg);
    QVERIFY2(QrDecoder::decodeFrame(frame) == m_payload, "JPEG frame not decoded to the payload");
}

void TestQrFrames::decodesFallbackFormatThroughToImage()
{
    // AYUV has no direct luma path; QVideoFrame::toImage() converts it (QGuiApplication exists).
    const QVideoFrame frame = qrtest::frameFromGrey(
        qrtest::centredScene(QSize(640, 480), m_code), F::Format_AYUV);
    QVERIFY(frame.isValid());
    QVERIFY2(QrDecoder::decodeFrame(frame) == m_payload, "AYUV frame not decoded through toImage()");
}

void TestQrFrames::blankAndNoiseFramesGiveNothing()
{
    const QSize size(1280, 720);
    const QImage blank = qrtest::scene(size, {}, {}, 128);
    const QImage noise = qrtest::noiseScene(size);
    for (F::PixelFormat format : { F::Format_NV12, F::Format_YUYV, F::Format_BGRA8888 }) {
        QVERIFY(QrDecoder::decodeFrame(qrtest::frameFromGrey(blank, format)).isEmpty());
        QVERIFY(QrDecoder::decodeFrame(qrtest::frameFromGrey(noise, format)).isEmpty());
    }

    Rig rig;
    rig.sink.setVideoFrame(qrtest::frameFromGrey(blank, F::Format_NV12));
    QTRY_COMPARE(rig.scanned.count(), 1);
    rig.sink.setVideoFrame(qrtest::frameFromGrey(noise, F::Format_NV12));
    QTRY_COMPARE(rig.scanned.count(), 2);
    QCOMPARE(rig.scanned.at(0).at(0).toBool(), false);
    QCOMPARE(rig.scanned.at(1).at(0).toBool(), false);
    QCOMPARE(rig.decoded.count(), 0);
}

void TestQrFrames::malformedFramesGiveNothingAndDoNotCrash()
{
    // Invalid and empty frames.
    QVERIFY(QrDecoder::decodeFrame(QVideoFrame()).isEmpty());
    QVERIFY(QrDecoder::decodeFrame(QVideoFrame(QVideoFrameFormat(QSize(0, 0), F::Format_NV12))).isEmpty());
    QVERIFY(QrDecoder::decodeFrame(QVideoFrame(QVideoFrameFormat(QSize(-4, 8), F::Format_YUYV))).isEmpty());
    // Qt 6.4's QVideoFrame::map() divides by zero on 4:2:0 frames one row high: never mapped.
    for (F::PixelFormat format : { F::Format_YUV420P, F::Format_YV12, F::Format_NV12, F::Format_YUYV }) {
        for (const QSize size :
            { QSize(1, 1), QSize(2, 1), QSize(100, 1), QSize(1, 100), QSize(20, 20), QSize(3, 3) })
            QVERIFY(QrDecoder::decodeFrame(QVideoFrame(QVideoFrameFormat(size, format))).isEmpty());
    }
    // Odd sizes and texture-only formats.
    QVERIFY(
        QrDecoder::decodeFrame(QVideoFrame(QVideoFrameFormat(QSize(21, 21), F::Format_YUV420P))).isEmpty());
    QVERIFY(QrDecoder::decodeFrame(QVideoFrame(QVideoFrameFormat(QSize(333, 77), F::Format_UYVY))).isEmpty());
    QVERIFY(QrDecoder::decodeFrame(QVideoFrame(QVideoFrameFormat(QSize(64, 64), F::Format_SamplerRect)))
                .isEmpty());
    QVERIFY(QrDecoder::decodeFrame(QVideoFrame(QVideoFrameFormat(QSize(64, 64), F::Format_Jpeg))).isEmpty());
    // A Jpeg frame whose buffer holds garbage.
    QVideoFrame garbage(QVideoFrameFormat(QSize(64, 64), F::Format_Jpeg));
    QVERIFY(garbage.map(QVideoFrame::WriteOnly));
    std::memset(garbage.bits(0), 0xFF, size_t(garbage.mappedBytes(0)));
    garbage.unmap();
    QVERIFY(QrDecoder::decodeFrame(garbage).isEmpty());

    // Through the scanner too: nothing decoded, nothing queued, no crash.
    Rig rig;
    rig.sink.setVideoFrame(QVideoFrame());
    rig.sink.setVideoFrame(QVideoFrame(QVideoFrameFormat(QSize(1, 1), F::Format_YUV420P)));
    QTRY_COMPARE(rig.scanned.count(), 1);
    QCOMPARE(rig.scanned.at(0).at(0).toBool(), false);
    QCOMPARE(rig.scanner.framesReceived(), 1); // the invalid frame is not counted
}

void TestQrFrames::frameMappedForWritingElsewhereGivesNothing()
{
    // A frame another owner holds mapped write-only cannot be mapped for reading: no result.
    QVideoFrame frame = qrtest::frameFromGrey(qrtest::centredScene(QSize(640, 480), m_code), F::Format_NV12);
    QVERIFY(frame.map(QVideoFrame::WriteOnly));
    QVERIFY(QrDecoder::decodeFrame(frame).isEmpty());
    frame.unmap();
    QVERIFY2(QrDecoder::decodeFrame(frame) == m_payload, "decodes once unmapped");
}

void TestQrFrames::keepsOnlyTheLatestFrameWhileBusy()
{
    const QSize size(1280, 720);
    FramePair blank(qrtest::scene(size, {}, {}, 128, 20), F::Format_NV12);
    const QVideoFrame withCode = qrtest::frameFromGrey(qrtest::centredScene(size, m_code), F::Format_NV12);
    Rig rig;

    // 50 frames without returning to the event loop: the first starts a decode, each later one
    // replaces the pending frame, so only the first and the last (the one with the code) decode.
    for (int i = 0; i < 49; ++i)
        rig.sink.setVideoFrame(blank.next());
    rig.sink.setVideoFrame(withCode);
    QCOMPARE(rig.scanner.framesReceived(), 50);
    QCOMPARE(rig.scanner.decodesStarted(), 1);
    QCOMPARE(rig.scanner.framesReplaced(), 48);
    QVERIFY(rig.scanner.isBusy());

    QTRY_COMPARE(rig.decoded.count(), 1);
    QVERIFY2(rig.decoded.at(0).at(0).toString() == m_payload, "the latest frame was decoded");
    QTRY_VERIFY(!rig.scanner.isBusy());
    QCOMPARE(rig.scanner.decodesStarted(), 2);
    QCOMPARE(rig.scanned.count(), 2);
    QCOMPARE(rig.scanned.at(0).at(0).toBool(), false);
    QCOMPARE(rig.scanned.at(1).at(0).toBool(), true);
}

void TestQrFrames::capsDecodeRate()
{
    FramePair blank(qrtest::scene(QSize(640, 480), {}, {}, 128, 20), F::Format_YUYV);
    Rig rig;
    rig.scanner.setDecodeIntervalMs(250);
    QCOMPARE(rig.scanner.decodeIntervalMs(), 250);

    QElapsedTimer clock;
    clock.start();
    feedFor(rig.sink, blank, 800);
    const qint64 elapsed = clock.elapsed();
    QTRY_VERIFY(!rig.scanner.isBusy());
    // Decodes start at least 250 ms apart: at most one per started 250 ms of feeding.
    const int allowed = int(elapsed / 250) + 1;
    QVERIFY2(rig.scanner.decodesStarted() <= allowed,
        qPrintable(QStringLiteral("%1 decodes in %2 ms").arg(rig.scanner.decodesStarted()).arg(elapsed)));
    QVERIFY(rig.scanner.decodesStarted() >= 2);
    QVERIFY(rig.scanner.framesReceived() > rig.scanner.decodesStarted());
}

void TestQrFrames::suppressesRepeatsOfTheSamePayload()
{
    const QSize size(640, 480);
    const QString otherPayload = QStringLiteral(R"({"ver":"v1","name":"PROV_OTHER","transport":"softap"})");
    FramePair first(qrtest::centredScene(size, m_code), F::Format_NV12);
    const QVideoFrame second = qrtest::frameFromGrey(
        qrtest::centredScene(size, QrRenderer::render(otherPayload, 5)), F::Format_NV12);
    Rig rig;
    QCOMPARE(rig.scanner.repeatSuppressionMs(), 3000);
    rig.scanner.setRepeatSuppressionMs(60000);

    for (int i = 1; i <= 3; ++i) {
        rig.sink.setVideoFrame(first.next());
        QTRY_COMPARE(rig.scanned.count(), i);
    }
    QCOMPARE(rig.decoded.count(), 1); // seen three times, reported once

    rig.sink.setVideoFrame(second);
    QTRY_COMPARE(rig.scanned.count(), 4);
    QCOMPARE(rig.decoded.count(), 2);
    QCOMPARE(rig.decoded.at(1).at(0).toString(), otherPayload); // no secret in this one

    rig.sink.setVideoFrame(first.next()); // differs from the last payload: reported again
    QTRY_COMPARE(rig.scanned.count(), 5);
    QCOMPARE(rig.decoded.count(), 3);

    rig.scanner.setRepeatSuppressionMs(0); // every decode reported
    rig.sink.setVideoFrame(first.next());
    QTRY_COMPARE(rig.scanned.count(), 6);
    QCOMPARE(rig.decoded.count(), 4);
    for (int i : { 0, 2, 3 })
        QVERIFY(rig.decoded.at(i).at(0).toString() == m_payload);
}

void TestQrFrames::reportsPayloadAgainAfterItWasOutOfSight()
{
    const QSize size(640, 480);
    FramePair withCode(qrtest::centredScene(size, m_code), F::Format_YUYV);
    FramePair blank(qrtest::scene(size, {}, {}, 128, 20), F::Format_YUYV);
    Rig rig;
    rig.scanner.setRepeatSuppressionMs(400);

    // Held in view for longer than the window: each sighting restarts it, one report.
    feedFor(rig.sink, withCode, 1000);
    QTRY_VERIFY(!rig.scanner.isBusy());
    QCOMPARE(rig.decoded.count(), 1);

    // Out of sight for longer than the window, then back: reported again.
    feedFor(rig.sink, blank, 600);
    QTRY_VERIFY(!rig.scanner.isBusy());
    QCOMPARE(rig.decoded.count(), 1);
    rig.sink.setVideoFrame(withCode.next());
    QTRY_COMPARE(rig.decoded.count(), 2);
    QVERIFY(rig.decoded.at(1).at(0).toString() == m_payload);
}

void TestQrFrames::stopsListeningToAReplacedSink()
{
    const QVideoFrame withCode = qrtest::frameFromGrey(
        qrtest::centredScene(QSize(640, 480), m_code), F::Format_NV12);
    QVideoSink oldSink;
    QVideoSink newSink;
    QrFrameScanner scanner;
    scanner.setDecodeIntervalMs(0);
    scanner.setVideoSink(&oldSink);
    scanner.setVideoSink(&newSink);
    QSignalSpy scanned(&scanner, &QrFrameScanner::frameScanned);
    oldSink.setVideoFrame(withCode);
    QCOMPARE(scanner.framesReceived(), 0);
    newSink.setVideoFrame(withCode);
    QTRY_COMPARE(scanned.count(), 1);

    {
        QVideoSink shortLived;
        scanner.setVideoSink(&shortLived);
    }
    QCOMPARE(scanner.videoSink(), nullptr); // the sink went away; the scanner does not dangle
}

QTEST_MAIN(TestQrFrames)
#include "tst_qrframes.moc"
