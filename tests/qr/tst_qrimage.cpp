// SPDX-License-Identifier: Apache-2.0
// QR images and the clipboard: CameraController::decodeImageFile()/decodeClipboard() end exactly once,
// in payloadDecoded() or in decodeFailed() with the right QrImageFile::Error, for good images (PNG,
// JPEG, rotated, transparent, inverted) and hostile ones (not an image, truncated, huge header, too
// big, missing). Round trips with unicode, maximum-length names and secrets; the committed sample
// stickers match prov-sim's payloads; on this machine (no camera) the controller says so plainly.
// Payloads hold secrets: compared with QVERIFY(a == b) so a failure never prints them.
#include "provsimpayloads.h"
#include "qr/cameracontroller.h"
#include "qr/qrdecoder.h"
#include "qr/qrrenderer.h"
#include "qrframefactory.h"

#include "prov/qrpayload.h"

#include <QBuffer>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QMediaDevices>
#include <QMimeData>
#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QVideoSink>

#include <array>

namespace {

/// CRC-32 (ISO-HDLC, as PNG uses) so a hand-made PNG header passes libpng's check.
quint32 crc32(const QByteArray &data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (const char c : data) {
        crc ^= quint8(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray bigEndian32(quint32 value)
{
    QByteArray bytes(4, '\0');
    for (int i = 0; i < 4; ++i)
        bytes[i] = char((value >> (24 - 8 * i)) & 0xFF);
    return bytes;
}

/// A PNG signature and IHDR claiming `width` x `height` (8-bit grey), then an IDAT with a few
/// bytes: a decompression bomb's header.
QByteArray hugePngHeader(quint32 width, quint32 height)
{
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    const QByteArray ihdr = QByteArray("IHDR") + bigEndian32(width) + bigEndian32(height)
        + QByteArray("\x08\x00\x00\x00\x00", 5);
    png += bigEndian32(13) + ihdr + bigEndian32(crc32(ihdr));
    const QByteArray idat = QByteArray("IDAT") + QByteArray("\x78\x9c\x01\x00\x00\xff\xff", 7);
    png += bigEndian32(7) + idat + bigEndian32(crc32(idat));
    return png;
}

QByteArray encoded(const QImage &image, const char *format, int quality = -1)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, format, quality))
        return {};
    return bytes;
}

/// The image on a white page, turned by `degrees` (smooth), as a photo of a tilted sticker.
QImage rotated(const QImage &code, qreal degrees)
{
    const QImage turned = code.convertToFormat(QImage::Format_RGB32)
                              .transformed(QTransform().rotate(degrees), Qt::SmoothTransformation);
    QImage page(turned.size() + QSize(80, 80), QImage::Format_RGB32);
    page.fill(Qt::white);
    QPainter painter(&page);
    painter.drawImage(40, 40, turned);
    return page;
}

} // namespace

class TestQrImage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void decodesImageFiles_data();
    void decodesImageFiles();
    void reportsBadFiles_data();
    void reportsBadFiles();
    void reportsFileOverSizeCap();
    void reportsNonLocalUrl();
    void decodesClipboardImage();
    void decodesImageFileCopiedToClipboard();
    void reportsClipboardWithoutImage();
    void everyRequestEndsExactlyOnce();
    void roundTripsPayloads_data();
    void roundTripsPayloads();
    void rendererRefusesWhatItCannotDraw();
    void samplesMatchProvSimPayloads();
    void reportsNoCameraOnThisMachine();
    void decodesFramesShownInItsVideoSink();

private:
    /// Decodes `file` through the controller; returns the payload, or sets `error`/`reason`.
    QString decodeFileThroughController(
        const QString &file, QrImageFile::Error *error, QString *reason = nullptr);
    QString writeFile(const QString &name, const QByteArray &bytes);

    QTemporaryDir m_dir;
    QString m_payload;
    QImage m_code;
};

void TestQrImage::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_payload = qrtest::espPayload();
    m_code = QrRenderer::render(m_payload);
    QVERIFY(!m_code.isNull());
    QCOMPARE(m_code.format(), QImage::Format_Grayscale8);
}

QString TestQrImage::writeFile(const QString &name, const QByteArray &bytes)
{
    const QString path = m_dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        return {};
    return path;
}

QString TestQrImage::decodeFileThroughController(
    const QString &file, QrImageFile::Error *error, QString *reason)
{
    CameraController controller;
    QSignalSpy decoded(&controller, &CameraController::payloadDecoded);
    QSignalSpy failed(&controller, &CameraController::decodeFailed);
    controller.decodeImageFile(QUrl::fromLocalFile(file));
    // Asynchronous: nothing is reported before the event loop runs.
    if (decoded.count() + failed.count() != 0) {
        *error = QrImageFile::Error::None;
        return QStringLiteral("<synchronous>");
    }
    if (!QTest::qWaitFor([&] { return decoded.count() + failed.count() > 0; }, 15000))
        return QStringLiteral("<timeout>");
    QCoreApplication::processEvents(); // a second (wrong) report would arrive here
    if (decoded.count() + failed.count() != 1)
        return QStringLiteral("<reported twice>");
    if (!failed.isEmpty()) {
        *error = failed.at(0).at(1).value<QrImageFile::Error>();
        if (reason)
            *reason = failed.at(0).at(0).toString();
        if (controller.resultText() != failed.at(0).at(0).toString() || !controller.resultIsError())
            return QStringLiteral("<result line not updated>");
        return {};
    }
    *error = QrImageFile::Error::None;
    if (controller.resultIsError() || !controller.resultText().contains(QLatin1String("PROV_3C71BF")))
        return QStringLiteral("<result line not updated>");
    return decoded.at(0).at(0).toString();
}

void TestQrImage::decodesImageFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    const QImage code = QrRenderer::render(qrtest::espPayload());
    QTest::newRow("png") << "code.png" << encoded(code, "PNG");
    QTest::newRow("jpeg") << "code.jpg" << encoded(code, "JPG", 80);
    QTest::newRow("bmp, misleading suffix") << "code.txt" << encoded(code, "BMP");
    QTest::newRow("rotated 30 degrees") << "tilted.png" << encoded(rotated(code, 30), "PNG");
    QTest::newRow("rotated 90 degrees") << "turned.png" << encoded(rotated(code, 90), "PNG");
    QTest::newRow("jpeg photo, rotated 170 degrees") << "photo.jpg" << encoded(rotated(code, 170), "JPG", 75);

    // Black modules on a transparent ground (what many generators export).
    QImage transparent(code.size(), QImage::Format_ARGB32);
    transparent.fill(Qt::transparent);
    for (int y = 0; y < code.height(); ++y) {
        for (int x = 0; x < code.width(); ++x) {
            if (qGray(code.pixel(x, y)) < 128)
                transparent.setPixel(x, y, qRgba(0, 0, 0, 255));
        }
    }
    QTest::newRow("transparent ground") << "transparent.png" << encoded(transparent, "PNG");

    QImage inverted = code;
    inverted.invertPixels();
    QTest::newRow("inverted (light modules on dark)") << "inverted.png" << encoded(inverted, "PNG");

    // A camera-sized photo with the code small in it.
    QTest::newRow("code small in a large noisy picture")
        << "scene.png"
        << encoded(qrtest::scene(QSize(2000, 1500), QrRenderer::render(qrtest::espPayload(), 4),
                       QPoint(1300, 900), 140, 25),
               "PNG");
}

void TestQrImage::decodesImageFiles()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QVERIFY(!bytes.isEmpty());
    const QString path = writeFile(name, bytes);
    QVERIFY(!path.isEmpty());
    QrImageFile::Error error = QrImageFile::Error::NoQrCode;
    QString reason;
    const QString text = decodeFileThroughController(path, &error, &reason);
    QVERIFY2(error == QrImageFile::Error::None, qPrintable(reason));
    QVERIFY2(text == m_payload, "decoded text differs from the rendered payload");
}

void TestQrImage::reportsBadFiles_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QrImageFile::Error>("error");
    const QByteArray png = encoded(QrRenderer::render(qrtest::espPayload()), "PNG");
    QTest::newRow("text file named .png")
        << "notes.png" << QByteArray("This is not an image.\n") << QrImageFile::Error::NotAnImage;
    QTest::newRow("empty file") << "empty.png" << QByteArray() << QrImageFile::Error::NotAnImage;
    QTest::newRow("truncated png") << "truncated.png" << png.left(png.size() / 2)
                                   << QrImageFile::Error::ImageDamaged;
    QTest::newRow("png header only") << "header.png" << png.left(40) << QrImageFile::Error::ImageDamaged;
    QTest::newRow("50000 x 50000 header")
        << "bomb.png" << hugePngHeader(50000, 50000) << QrImageFile::Error::ImageTooLarge;
    QTest::newRow("7000 x 7000 header (49 MP)")
        << "big.png" << hugePngHeader(7000, 7000) << QrImageFile::Error::ImageTooLarge;
    QTest::newRow("image without a code")
        << "blank.png" << encoded(qrtest::scene(QSize(800, 600), {}, {}, 200, 30), "PNG")
        << QrImageFile::Error::NoQrCode;
    QTest::newRow("image too small for a code")
        << "tiny.png" << encoded(qrtest::scene(QSize(12, 12), {}, {}, 0), "PNG")
        << QrImageFile::Error::NoQrCode;
    QTest::newRow("missing file") << QString() << QByteArray() << QrImageFile::Error::FileNotFound;
    QTest::newRow("directory") << "." << QByteArray() << QrImageFile::Error::FileUnreadable;
}

void TestQrImage::reportsBadFiles()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, bytes);
    QFETCH(QrImageFile::Error, error);
    QString path;
    if (name.isEmpty())
        path = m_dir.filePath(QStringLiteral("does-not-exist.png"));
    else if (name == QLatin1String("."))
        path = m_dir.path();
    else
        path = writeFile(name, bytes);
    QVERIFY(!path.isEmpty());
    QrImageFile::Error actual = QrImageFile::Error::None;
    QString reason;
    const QString text = decodeFileThroughController(path, &actual, &reason);
    QVERIFY2(text.isEmpty(), "unexpected payload or protocol error");
    QCOMPARE(actual, error);
    QVERIFY(!reason.isEmpty());
    if (!name.isEmpty() && name != QLatin1String("."))
        QVERIFY2(reason.contains(name), qPrintable(reason)); // the reason names the file
}

void TestQrImage::reportsFileOverSizeCap()
{
    const QString path = writeFile(QStringLiteral("capped.png"), encoded(m_code, "PNG"));
    CameraController controller;
    QCOMPARE(controller.imageLimits().maxFileBytes, 20 * 1024 * 1024);
    QCOMPARE(controller.imageLimits().maxPixels, 40'000'000);
    QrImageLimits limits;
    limits.maxFileBytes = 100;
    controller.setImageLimits(limits);
    QSignalSpy failed(&controller, &CameraController::decodeFailed);
    controller.decodeImageFile(QUrl::fromLocalFile(path));
    QTRY_COMPARE(failed.count(), 1);
    QCOMPARE(failed.at(0).at(1).value<QrImageFile::Error>(), QrImageFile::Error::ImageTooLarge);

    // The pixel cap applies to images whose header is fine too.
    limits = {};
    limits.maxPixels = 100 * 100;
    QCOMPARE(QrImageFile::decodeImage(m_code, QStringLiteral("x"), limits).error,
        QrImageFile::Error::ImageTooLarge);
    QVERIFY(QrImageFile::decodeImage(m_code, QStringLiteral("x")).ok());
}

void TestQrImage::reportsNonLocalUrl()
{
    CameraController controller;
    QSignalSpy failed(&controller, &CameraController::decodeFailed);
    controller.decodeImageFile(QUrl(QStringLiteral("https://example.com/code.png")));
    controller.decodeImageFile(QUrl());
    QCOMPARE(failed.count(), 0);
    QTRY_COMPARE(failed.count(), 2);
    QCOMPARE(failed.at(0).at(1).value<QrImageFile::Error>(), QrImageFile::Error::FileUnreadable);
    QCOMPARE(failed.at(1).at(1).value<QrImageFile::Error>(), QrImageFile::Error::FileNotFound);
}

void TestQrImage::decodesClipboardImage()
{
    QGuiApplication::clipboard()->setImage(qrtest::centredScene(QSize(640, 480), m_code, 230));
    CameraController controller;
    QSignalSpy decoded(&controller, &CameraController::payloadDecoded);
    QSignalSpy failed(&controller, &CameraController::decodeFailed);
    QSignalSpy busy(&controller, &CameraController::busyChanged);
    controller.decodeClipboard();
    QVERIFY(controller.isBusy());
    QTRY_COMPARE(decoded.count() + failed.count(), 1);
    QCOMPARE(failed.count(), 0);
    QVERIFY2(decoded.at(0).at(0).toString() == m_payload, "clipboard payload differs");
    QVERIFY(!controller.isBusy());
    QCOMPARE(busy.count(), 2);
    QVERIFY(controller.resultText().contains(QLatin1String("clipboard")));
    QVERIFY(!controller.resultText().contains(QLatin1String("f3Kq9x2Lm8Vt4Zp1Rb7Nc5Hd"))); // never the PoP
}

void TestQrImage::decodesImageFileCopiedToClipboard()
{
    const QString path = writeFile(QStringLiteral("copied.png"), encoded(m_code, "PNG"));
    auto *mime = new QMimeData;
    mime->setUrls({ QUrl::fromLocalFile(path) });
    QGuiApplication::clipboard()->setMimeData(mime); // takes ownership
    CameraController controller;
    QSignalSpy decoded(&controller, &CameraController::payloadDecoded);
    controller.decodeClipboard();
    QTRY_COMPARE(decoded.count(), 1);
    QVERIFY(decoded.at(0).at(0).toString() == m_payload);
}

void TestQrImage::reportsClipboardWithoutImage()
{
    CameraController controller;
    QSignalSpy failed(&controller, &CameraController::decodeFailed);
    QGuiApplication::clipboard()->setText(QStringLiteral("just some text"));
    controller.decodeClipboard();
    QGuiApplication::clipboard()->clear();
    controller.decodeClipboard();
    QTRY_COMPARE(failed.count(), 2);
    for (int i = 0; i < 2; ++i)
        QCOMPARE(failed.at(i).at(1).value<QrImageFile::Error>(), QrImageFile::Error::ClipboardHasNoImage);
    QVERIFY(failed.at(0).at(0).toString().contains(QLatin1String("text")));
    QVERIFY(controller.resultIsError());
}

void TestQrImage::everyRequestEndsExactlyOnce()
{
    const QString good = writeFile(QStringLiteral("again.png"), encoded(m_code, "PNG"));
    const QString bad = writeFile(QStringLiteral("again.jpg"), QByteArray("garbage"));
    CameraController controller;
    QSignalSpy decoded(&controller, &CameraController::payloadDecoded);
    QSignalSpy failed(&controller, &CameraController::decodeFailed);
    QSignalSpy busy(&controller, &CameraController::busyChanged);
    controller.decodeImageFile(QUrl::fromLocalFile(good));
    controller.decodeImageFile(QUrl::fromLocalFile(bad));
    controller.decodeImageFile(QUrl::fromLocalFile(good));
    controller.decodeImageFile(QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("gone.png"))));
    QTRY_COMPARE(decoded.count() + failed.count(), 4);
    QTRY_VERIFY(!controller.isBusy());
    QCoreApplication::processEvents();
    QCOMPARE(decoded.count(), 2);
    QCOMPARE(failed.count(), 2);
    // Requests end in the order they were made (one worker).
    QCOMPARE(failed.at(0).at(1).value<QrImageFile::Error>(), QrImageFile::Error::NotAnImage);
    QCOMPARE(failed.at(1).at(1).value<QrImageFile::Error>(), QrImageFile::Error::FileNotFound);
    QCOMPARE(busy.count(), 2); // busy once for the whole batch
}

void TestQrImage::roundTripsPayloads_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("pop");
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("security");
    QTest::newRow("ascii sec1") << "PROV_1A2B3C"
                                << "abcd1234" << QString() << "ble" << 1;
    QTest::newRow("unicode name") << QStringLiteral("Gerät-Küche-Ω") << "abcd1234" << QString() << "softap"
                                  << 1;
    QTest::newRow("cjk and emoji name")
        << QStringLiteral("設備🙂") << QString() << QString() << "ble" << 0;
    QTest::newRow("maximum-length name (32 bytes)")
        << QString(32, QLatin1Char('N')) << "abcd1234" << QString() << "ble" << 2;
    QTest::newRow("maximum-length unicode name (32 bytes)")
        << QString(16, QChar(0x00E9)) << QString() << QString() << "ble" << 0;
    QTest::newRow("secrets with quotes, backslashes, unicode")
        << "PROV_SECRET" << QStringLiteral("p\"o\\p/\u00e4\u20ac\U0001F511 x")
        << QStringLiteral("pass \"phrase\" 🔐") << "softap" << 2;
    QTest::newRow("long secrets") << "PROV_LONG" << QString(128, QLatin1Char('s'))
                                  << QString(63, QLatin1Char('w')) << "softap" << 2;
}

void TestQrImage::roundTripsPayloads()
{
    QFETCH(QString, name);
    QFETCH(QString, pop);
    QFETCH(QString, password);
    QFETCH(QString, transport);
    QFETCH(int, security);
    prov::QrPayload payload;
    payload.name = name;
    payload.pop = pop;
    payload.password = password;
    payload.transport = transport;
    payload.security = security;
    if (security == 2)
        payload.username = QStringLiteral("wifiprov");
    const QString json = QString::fromUtf8(prov::toJson(payload));
    const auto parsedInput = prov::parseQrPayload(json.toUtf8());
    QVERIFY2(parsedInput, "test payload must be valid (§11)");

    const QImage code = QrRenderer::render(json, 4);
    QVERIFY(!code.isNull());
    // As an image, a camera frame and a PNG file.
    const QString fromImage = QrDecoder::decodeImage(code);
    QVERIFY2(fromImage == json, "decodeImage differs");
    const QString fromFrame = QrDecoder::decodeFrame(
        qrtest::frameFromGrey(qrtest::centredScene(QSize(1280, 720), code), QVideoFrameFormat::Format_NV12));
    QVERIFY2(fromFrame == json, "decodeFrame differs");
    const QString path = writeFile(QStringLiteral("roundtrip.png"), encoded(code, "PNG"));
    const QrImageFile::Outcome outcome = QrImageFile::decodeFile(path);
    QVERIFY2(outcome.ok(), qPrintable(outcome.reason));
    QVERIFY2(outcome.text == json, "decodeFile differs");

    const auto parsed = prov::parseQrPayload(outcome.text.toUtf8());
    QVERIFY(parsed);
    QVERIFY(parsed->name == name);
    QVERIFY(parsed->pop == pop);
    QVERIFY(parsed->password == password);
    QCOMPARE(parsed->security, std::optional<int>(security));
}

void TestQrImage::rendererRefusesWhatItCannotDraw()
{
    QVERIFY(QrRenderer::render(QString()).isNull());
    QVERIFY(QrRenderer::render(QStringLiteral("x"), 0).isNull());
    QVERIFY(QrRenderer::render(QStringLiteral("x"), QrRenderer::kMaxPixelsPerModule + 1).isNull());
    QVERIFY(QrRenderer::render(QStringLiteral("x"), 4, -1).isNull());
    QVERIFY(QrRenderer::render(QString(2332, QLatin1Char('a'))).isNull()); // over version 40-M capacity
    const QImage largest = QrRenderer::render(QString(2331, QLatin1Char('a')), 1, 4);
    QCOMPARE(largest.width(), 177 + 8); // version 40 is 177 modules
    const QImage small = QrRenderer::render(QStringLiteral("x"), 3, 2);
    QCOMPARE(small.size(), QSize((21 + 4) * 3, (21 + 4) * 3)); // version 1
    QCOMPARE(qGray(small.pixel(0, 0)), 255); // quiet zone
    QCOMPARE(qGray(small.pixel(6, 6)), 0); // finder pattern corner
}

void TestQrImage::samplesMatchProvSimPayloads()
{
    // prov-sim prints each device's QR payload; the committed stickers must encode exactly that.
    QString error;
    QList<qrtest::SimPayload> payloads = qrtest::provSimPayloads(
        QStringLiteral(PROV_SIM_PATH), QStringLiteral(PROV_FLEET_FILE), &error);
    QVERIFY2(!payloads.isEmpty(), qPrintable(error));
    // The SoftAP devices the demo's Wi-Fi scan finds: their stickers carry the SoftAP password too.
    const QList<qrtest::SimPayload> softAp = qrtest::provSimPayloads(
        QStringLiteral(PROV_SIM_PATH), QStringLiteral(PROV_SOFTAP_FLEET_FILE), &error);
    QVERIFY2(!softAp.isEmpty(), qPrintable(error));
    payloads += softAp;
    QStringList names;
    for (const qrtest::SimPayload &device : payloads) {
        names.append(device.serviceName);
        const QString path = QDir(QStringLiteral(PROV_SAMPLES_DIR))
                                 .filePath(device.serviceName + QStringLiteral(".png"));
        QVERIFY2(QFile::exists(path), qPrintable(path + QStringLiteral(" missing: run ninja qr_samples")));
        const QrImageFile::Outcome outcome = QrImageFile::decodeFile(path);
        QVERIFY2(outcome.ok(), qPrintable(outcome.reason));
        QVERIFY2(outcome.text == device.payload,
            qPrintable(device.serviceName
                + QStringLiteral(": sticker differs from prov-sim; run ninja qr_samples")));
        const auto parsed = prov::parseQrPayload(outcome.text.toUtf8());
        QVERIFY(parsed);
        QCOMPARE(parsed->transport, device.transport);
    }
    for (const char *softAp : { "PROV_DEMO00", "PROV_DEMO01", "PROV_DEMO02", "PROV_DEMO03", "PROV_A1F001",
             "PROV_A1F002", "PROV_A1F003" })
        QVERIFY2(names.contains(QLatin1String(softAp)), softAp);
    const auto protectedSoftAp = std::find_if(softAp.cbegin(), softAp.cend(),
        [](const qrtest::SimPayload &d) { return d.serviceName == QLatin1String("PROV_A1F002"); });
    QVERIFY(protectedSoftAp != softAp.cend());
    QCOMPARE(
        prov::parseQrPayload(protectedSoftAp->payload.toUtf8())->password, QStringLiteral("prov-softap-1"));
}

void TestQrImage::reportsNoCameraOnThisMachine()
{
    if (!QMediaDevices::videoInputs().isEmpty())
        QSKIP("this machine has a camera");
    CameraController controller;
    QSignalSpy active(&controller, &CameraController::activeChanged);
    QVERIFY(!controller.isAvailable());
    QVERIFY(!controller.isActive());
    QVERIFY(controller.cameraNames().isEmpty());
    QCOMPARE(controller.cameraIndex(), -1);
    const QString noCamera = QStringLiteral(
        "No camera detected — use a QR image, the clipboard, a handheld scanner or manual entry");
    QCOMPARE(controller.statusText(), noCamera);
    QVERIFY(controller.videoSink() != nullptr); // the internal sink

    controller.start();
    QVERIFY(!controller.isActive());
    controller.setCameraIndex(0); // out of range: ignored
    QCOMPARE(controller.cameraIndex(), -1);
    controller.start();
    controller.stop();
    QCoreApplication::processEvents();
    QVERIFY(!controller.isActive());
    QCOMPARE(active.count(), 0);
    QCOMPARE(controller.statusText(), noCamera);

    // Files keep working without a camera.
    const QString path = writeFile(QStringLiteral("nocamera.png"), encoded(m_code, "PNG"));
    QSignalSpy decoded(&controller, &CameraController::payloadDecoded);
    controller.decodeImageFile(QUrl::fromLocalFile(path));
    QTRY_COMPARE(decoded.count(), 1);
}

void TestQrImage::decodesFramesShownInItsVideoSink()
{
    // The camera path without a camera: frames shown in the controller's sink (its own, or the
    // one a VideoOutput lends it) reach payloadDecoded().
    // A camera hands over a new buffer each time (QVideoSink ignores the frame it already shows).
    const QImage scene = qrtest::centredScene(QSize(1280, 720), QrRenderer::render(m_payload, 5));
    const auto frame = [&scene] { return qrtest::frameFromGrey(scene, QVideoFrameFormat::Format_YUYV); };
    CameraController controller;
    controller.scanner()->setDecodeIntervalMs(0);
    controller.scanner()->setRepeatSuppressionMs(0);
    QSignalSpy decoded(&controller, &CameraController::payloadDecoded);
    QSignalSpy sinkChanged(&controller, &CameraController::videoSinkChanged);
    QVideoSink *own = controller.videoSink();
    QVERIFY(own);
    own->setVideoFrame(frame());
    QTRY_COMPARE(decoded.count(), 1);
    QVERIFY(decoded.at(0).at(0).toString() == m_payload);
    QVERIFY(controller.resultText().contains(QLatin1String("camera")));

    {
        QVideoSink preview; // what a VideoOutput would lend
        controller.setVideoSink(&preview);
        QCOMPARE(controller.videoSink(), &preview);
        QCOMPARE(controller.scanner()->videoSink(), &preview);
        own->setVideoFrame(frame()); // no longer listened to
        preview.setVideoFrame(frame());
        QTRY_COMPARE(decoded.count(), 2);
        QCOMPARE(controller.scanner()->framesReceived(), 2);
    }
    // The preview went away: back to the internal sink, nothing dangles.
    QCOMPARE(controller.videoSink(), own);
    QCOMPARE(controller.scanner()->videoSink(), own);
    QCOMPARE(sinkChanged.count(), 2);
    own->setVideoFrame(frame());
    QTRY_COMPARE(decoded.count(), 3);
}

QTEST_MAIN(TestQrImage)
#include "tst_qrimage.moc"
