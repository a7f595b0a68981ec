// SPDX-License-Identifier: Apache-2.0
// QrScanPanel.qml with a real CameraController on this machine (no camera): the plain no-camera
// message shows, the preview's sink is lent to the controller, and the image and clipboard buttons
// work without a camera and update the result line.
#include "qr/cameracontroller.h"
#include "qr/qrrenderer.h"
#include "qrframefactory.h"

#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QMediaDevices>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickView>
#include <QSGRendererInterface>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QVideoSink>
#include <QtQml/QQmlExtensionPlugin>

#include <memory>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

class TestQrScanPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void showsPlainMessageWithoutCamera();
    void lendsPreviewSinkToController();
    void pasteButtonDecodesClipboard();
    void pasteButtonShowsFailure();
    void imageDialogDecodesChosenFile();

private:
    template <typename T = QObject> T *child(const char *objectName) const
    {
        return m_view->rootObject()->findChild<T *>(QLatin1String(objectName));
    }

    std::unique_ptr<CameraController> m_camera;
    std::unique_ptr<QQuickView> m_view;
    QString m_payload;
};

void TestQrScanPanel::initTestCase()
{
    // The offscreen platform has no GPU; the software scene graph renders without one.
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    m_payload = qrtest::espPayload();
}

void TestQrScanPanel::init()
{
    m_camera = std::make_unique<CameraController>();
    m_view = std::make_unique<QQuickView>();
    m_view->setInitialProperties({ { QStringLiteral("camera"), QVariant::fromValue(m_camera.get()) } });
    m_view->setResizeMode(QQuickView::SizeRootObjectToView);
    m_view->resize(340, 600); // the width DevicesPage.qml gives the panel
    m_view->setSource(QUrl(QStringLiteral("qrc:/qt/qml/Prov/Workstation/QrScanPanel.qml")));
    const auto errors = m_view->errors();
    for (const QQmlError &error : errors)
        qWarning() << error.toString();
    QCOMPARE(m_view->status(), QQuickView::Ready);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
}

void TestQrScanPanel::cleanup()
{
    m_view.reset();
    m_camera.reset();
}

void TestQrScanPanel::showsPlainMessageWithoutCamera()
{
    if (!QMediaDevices::videoInputs().isEmpty())
        QSKIP("this machine has a camera");
    auto *message = child<QQuickItem>("cameraMessage");
    QVERIFY(message);
    QVERIFY(message->isVisible());
    QCOMPARE(message->property("text").toString(), m_camera->statusText());
    QVERIFY(message->property("text").toString().startsWith(QLatin1String("No camera detected")));
    QVERIFY(!child<QQuickItem>("preview")->isVisible());
    QVERIFY(!child<QQuickItem>("cameraButton")->isVisible()); // nothing to start
    for (const char *name : { "openImageButton", "pasteButton" }) {
        auto *button = child<QQuickItem>(name);
        QVERIFY(button);
        QVERIFY(button->isVisible());
        QVERIFY(button->isEnabled());
    }
    QCOMPARE(
        child<QQuickItem>("openImageButton")->property("text").toString(), QStringLiteral("Open QR image…"));
    QCOMPARE(child<QQuickItem>("pasteButton")->property("text").toString(),
        QStringLiteral("Paste from clipboard"));
    QVERIFY(!child<QQuickItem>("resultLine")->isVisible()); // nothing read yet

    const QImage shot = m_view->grabWindow();
    QVERIFY(!shot.isNull());
    QCOMPARE(shot.size(), m_view->size() * m_view->devicePixelRatio());
}

void TestQrScanPanel::lendsPreviewSinkToController()
{
    auto *preview = child<QQuickItem>("preview");
    QVERIFY(preview);
    auto *previewSink = preview->property("videoSink").value<QVideoSink *>();
    QVERIFY(previewSink);
    QCOMPARE(m_camera->videoSink(), previewSink);
    QCOMPARE(m_camera->scanner()->videoSink(), previewSink);
}

void TestQrScanPanel::pasteButtonDecodesClipboard()
{
    QGuiApplication::clipboard()->setImage(QrRenderer::render(m_payload));
    QSignalSpy decoded(m_camera.get(), &CameraController::payloadDecoded);
    auto *paste = child<QQuickItem>("pasteButton");
    QVERIFY(QMetaObject::invokeMethod(paste, "clicked"));
    QTRY_COMPARE(decoded.count(), 1);
    QVERIFY(decoded.at(0).at(0).toString() == m_payload);
    auto *result = child<QQuickItem>("resultLine");
    QTRY_VERIFY(result->isVisible());
    QCOMPARE(result->property("text").toString(), m_camera->resultText());
    QVERIFY(result->property("text").toString().contains(QLatin1String("PROV_3C71BF")));
}

void TestQrScanPanel::pasteButtonShowsFailure()
{
    QGuiApplication::clipboard()->setText(QStringLiteral("not an image"));
    QSignalSpy failed(m_camera.get(), &CameraController::decodeFailed);
    QVERIFY(QMetaObject::invokeMethod(child<QQuickItem>("pasteButton"), "clicked"));
    QTRY_COMPARE(failed.count(), 1);
    auto *result = child<QQuickItem>("resultLine");
    QTRY_VERIFY(result->isVisible());
    QCOMPARE(result->property("text").toString(), failed.at(0).at(0).toString());
    QVERIFY(m_camera->resultIsError());
}

void TestQrScanPanel::imageDialogDecodesChosenFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("sticker.png"));
    QVERIFY(QrRenderer::render(m_payload).save(path, "PNG"));
    QObject *dialog = child("imageDialog");
    QVERIFY(dialog);
    QSignalSpy decoded(m_camera.get(), &CameraController::payloadDecoded);
    // What the user's choice does: selectedFile set, accepted() emitted.
    QVERIFY(dialog->setProperty("selectedFile", QUrl::fromLocalFile(path)));
    QVERIFY(QMetaObject::invokeMethod(dialog, "accepted"));
    QTRY_COMPARE(decoded.count(), 1);
    QVERIFY(decoded.at(0).at(0).toString() == m_payload);
}

QTEST_MAIN(TestQrScanPanel)
#include "tst_qrscanpanel.moc"
