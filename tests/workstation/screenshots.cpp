// SPDX-License-Identifier: Apache-2.0
// ws-screenshots: runs the real workstation composition offscreen against a demo fleet of
// prov-sim devices, walks the main pages the way a technician would (the same verbs QML calls)
// and saves a PNG of each: docs/screenshots/*.png.
//
//   ws-screenshots OUTPUT_DIR [--fleet FILE] [--size WxH]
#include "demoworkstation.h"
#include "simfleet.h"
#include "workstation.h"

#include "devices/devicelistmodel.h"
#include "qr/cameracontroller.h"
#include "records/recordlog.h"
#include "records/recordscontroller.h"
#include "session/devicecontroller.h"
#include "settings/settingscontroller.h"

#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QThread>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>
#include <functional>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

namespace {
bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

void settle(int ms)
{
    waitFor([] { return false; }, ms);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete); // replaced per-session forms
}

int fail(const QString &why)
{
    std::fprintf(stderr, "ws-screenshots: %s\n", qPrintable(why));
    return 1;
}
} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("prov"));
    QCoreApplication::setApplicationName(QStringLiteral("prov-workstation-screenshots"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Screenshots of the workstation's main pages."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("output"), QStringLiteral("Folder for the PNG files."));
    const QCommandLineOption fleetOption(QStringLiteral("fleet"), QStringLiteral("prov-sim fleet file."),
        QStringLiteral("file"), SimFleet::demoFleetPath());
    parser.addOption(fleetOption);
    const QCommandLineOption sizeOption(QStringLiteral("size"),
        QStringLiteral("Window size (default 1280x800)."), QStringLiteral("WxH"), QStringLiteral("1280x800"));
    parser.addOption(sizeOption);
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);
    const QDir out(parser.positionalArguments().constFirst());
    if (!QDir().mkpath(out.path()))
        return fail(QStringLiteral("cannot create %1").arg(out.path()));

    SimFleet fleet({ QStringLiteral("--fleet"), parser.value(fleetOption) });
    if (!fleet.start())
        return fail(fleet.errorString());
    QTemporaryDir tmp;
    QString error;
    const std::optional<WorkstationOptions> options = demoWorkstationOptions(
        fleet, QDir(tmp.path()), QStringLiteral("Line 4 / Station 2"), &error);
    if (!options)
        return fail(error);
    Workstation::applyStyle();
    Workstation ws(*options);
    ws.settings()->setOperatorName(QStringLiteral("A. Technician"));
    ws.settings()->setRememberNetwork(true);
    ws.settings()->setDefaultSsid(QStringLiteral("myssid"));

    QQmlApplicationEngine engine;
    Workstation::prepareEngine(&engine);
    engine.setInitialProperties(ws.initialProperties());
    engine.load(QUrl(Workstation::mainQmlUrl()));
    if (engine.rootObjects().isEmpty())
        return fail(QStringLiteral("Main.qml did not load"));
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    const QStringList size = parser.value(sizeOption).split(QLatin1Char('x'));
    window->resize(size.value(0).toInt(), size.value(1).toInt());

    int shots = 0;
    auto shoot = [&](const QString &name) {
        settle(500);
        const QImage image = window->grabWindow();
        const QString path = out.filePath(name + QStringLiteral(".png"));
        if (image.isNull() || !image.save(path))
            return fail(QStringLiteral("cannot save %1").arg(path));
        std::printf("%s\n", qPrintable(path));
        ++shots;
        return 0;
    };
    auto showPage = [&](int page) { QMetaObject::invokeMethod(window, "showPage", Q_ARG(QVariant, page)); };
    QObject *page = window->findChild<QObject *>(QStringLiteral("devicePage"));
    if (!page)
        return fail(QStringLiteral("no devicePage"));
    auto setText = [&](const char *objectName, const QString &text) {
        QObject *field = page->findChild<QObject *>(QString::fromLatin1(objectName));
        if (field)
            field->setProperty("text", text);
        return field != nullptr;
    };
    auto run = [&](DeviceSession *s, const std::function<bool()> &verb) {
        QObject ctx;
        bool finished = false;
        QObject::connect(s, &DeviceSession::finished, &ctx, [&finished] { finished = true; });
        return verb() && waitFor([&finished] { return finished; }, 30000);
    };
    DeviceController *devices = ws.deviceController();

    // 1. The device page of a Security 2 device after connect + scan, with the form filled in.
    if (!devices->select(QStringLiteral("PROV_DEMO02")))
        return fail(QStringLiteral("PROV_DEMO02 is not in the list"));
    showPage(1);
    DeviceSession *s = devices->session();
    if (!run(s, [s] { return s->connectDevice(); }) || !run(s, [s] { return s->refreshScan(); }))
        return fail(QStringLiteral("connect/scan failed: %1").arg(s->errorDetail()));
    setText("ssidField", QStringLiteral("myssid"));
    setText("passphraseField", QStringLiteral("mypassword"));
    if (int rc = shoot(QStringLiteral("device-scan")))
        return rc;

    // 2. Apply: live status to Connected.
    if (!run(s, [page] { return QMetaObject::invokeMethod(page, "applyNow"); }))
        return fail(QStringLiteral("apply did not finish"));
    if (int rc = shoot(QStringLiteral("device-connected")))
        return rc;

    // 3. A wrong passphrase on another device: the typed failure and its advice.
    devices->select(QStringLiteral("PROV_DEMO01"));
    s = devices->session();
    settle(200);
    run(s, [s] { return s->refreshScan(); });
    setText("ssidField", QStringLiteral("myssid"));
    setText("passphraseField", QStringLiteral("not-the-password"));
    run(s, [page] { return QMetaObject::invokeMethod(page, "applyNow"); });
    if (int rc = shoot(QStringLiteral("device-failed")))
        return rc;

    // 4. The custom endpoint console on a Security 0 device.
    devices->select(QStringLiteral("PROV_DEMO00"));
    s = devices->session();
    settle(200);
    if (QObject *tabs = page->findChild<QObject *>(QStringLiteral("deviceTabs")))
        tabs->setProperty("currentIndex", 1);
    setText("payloadArea", QStringLiteral("hello"));
    if (QObject *box = page->findChild<QObject *>(QStringLiteral("recordPayloadBox")))
        box->setProperty("checked", true);
    run(s, [s] {
        return s->sendCustom(
            QStringLiteral("custom-data"), QStringLiteral("hello"), DeviceSession::PayloadFormat::Text, true);
    });
    if (int rc = shoot(QStringLiteral("device-custom")))
        return rc;

    // 5. The device list with the states the sessions left, then with the QR panel and the
    //    manual-entry dialog.
    showPage(0);
    if (int rc = shoot(QStringLiteral("devices")))
        return rc;
    QObject *devicesPage = window->findChild<QObject *>(QStringLiteral("devicesPage"));
    if (QObject *toggle = devicesPage->findChild<QObject *>(QStringLiteral("cameraToggle")))
        toggle->setProperty("checked", true);
    if (int rc = shoot(QStringLiteral("devices-qr-panel")))
        return rc;
    if (QObject *toggle = devicesPage->findChild<QObject *>(QStringLiteral("cameraToggle")))
        toggle->setProperty("checked", false);
    QMetaObject::invokeMethod(devicesPage, "openManualEntry");
    if (int rc = shoot(QStringLiteral("devices-manual-entry")))
        return rc;
    QKeyEvent escape(QEvent::KeyPress, Qt::Key_Escape, Qt::NoModifier);
    QCoreApplication::sendEvent(window, &escape);

    // 6. Records with rows (the record log writes on its worker thread).
    bool drained = false;
    QObject::connect(ws.recordLog(), &RecordLog::drained, window, [&drained] { drained = true; });
    ws.recordLog()->requestDrain();
    waitFor([&drained] { return drained; }, 10000);
    ws.records()->refresh();
    showPage(2);
    waitFor([&ws] { return ws.records()->loadedCount() > 0 && !ws.records()->busy(); }, 10000);
    // Open the details of the demo fleet's failed attempt (second row, newest first).
    QObject *recordsPage = window->findChild<QObject *>(QStringLiteral("recordsPage"));
    if (QObject *list = recordsPage ? recordsPage->findChild<QObject *>(QStringLiteral("recordsList"))
                                    : nullptr)
        list->setProperty("currentIndex", 1);
    waitFor([&ws] { return !ws.records()->selectedRecord().isEmpty(); }, 5000);
    if (int rc = shoot(QStringLiteral("records")))
        return rc;

    // 7. Settings.
    showPage(3);
    if (int rc = shoot(QStringLiteral("settings")))
        return rc;

    std::printf("%d screenshots\n", shots);
    return 0;
}
