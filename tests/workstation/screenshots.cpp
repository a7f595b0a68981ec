// SPDX-License-Identifier: Apache-2.0
// ws-screenshots: runs the real workstation composition offscreen against a demo fleet of
// prov-sim devices, walks the main pages the way a technician would (the same verbs QML calls)
// and saves a PNG of each: docs/screenshots/*.png.
//
//   ws-screenshots OUTPUT_DIR [--fleet FILE] [--size WxH]
#include "demoworkstation.h"
#include "privatebus.h"
#include "simfleet.h"
#include "workstation.h"

#include "devices/devicelistmodel.h"
#include "devices/wifisource.h"
#include "line/linecontroller.h"
#include "qr/cameracontroller.h"
#include "records/recordlog.h"
#include "records/recordscontroller.h"
#include "session/devicecontroller.h"
#include "settings/settingscontroller.h"

#include <QCommandLineParser>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTcpServer>
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

/// The Line page's demo tray: twelve Security 2 SoftAP devices; the first three connect fast, the
/// fourth sees no "myssid" (WifiNetworkNotFound: the failure banner), the rest take a few seconds,
/// so the lanes are busy when the screenshot is taken.
QByteArray lineTrayFleet()
{
    QByteArray devices;
    constexpr int kTray = 12;
    for (int i = 0; i < kTray; ++i) {
        const QByteArray name = QStringLiteral("PROV_DEMO%1").arg(20 + i).toUtf8();
        const QByteArray delay = i < 4 ? "300" : "6000";
        QByteArray line = R"({"service_name": ")" + name
            + R"(", "sec_ver": 2, "sec_patch_ver": 1, "username": "wifiprov", "password": "abcd1234", "connect_delay_ms": )"
            + delay + R"(, "dhcp_delay_ms": 300)";
        if (i == 3)
            line
                += R"(, "access_points": [{"ssid": "Line-3", "passphrase": "otherpass1", "auth": "WPA2-PSK", "channel": 1, "rssi": -40}])";
        devices += line + "}" + (i + 1 < kTray ? ",\n" : "\n");
    }
    return "{\"devices\": [\n" + devices + "]}\n";
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

    // The Wi-Fi side: prov-sim's fake NetworkManager with the demo's SoftAP devices on a private bus that
    // is this process's system bus (started before anything touches the system bus).
    prov::test::PrivateBus bus;
    if (!bus.start())
        return fail(bus.error());
    quint16 softApPort = 0;
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return fail(QStringLiteral("no free port for the SoftAP devices"));
        softApPort = probe.serverPort();
    }
    const QString softApFleet = QFileInfo(SimFleet::demoFleetPath())
                                    .dir()
                                    .filePath(QStringLiteral("softap.json"));
    if (bus.startSimWith(
               { QStringLiteral("--nm"), QStringLiteral("--bus"), bus.address(), QStringLiteral("--fleet"),
                   softApFleet, QStringLiteral("--softap-port"), QString::number(softApPort) })
            .isEmpty())
        return fail(QStringLiteral("prov-sim --nm: %1").arg(bus.error()));
    SimFleet fleet({ QStringLiteral("--fleet"), parser.value(fleetOption) });
    if (!fleet.start())
        return fail(fleet.errorString());
    QTemporaryDir tmp;
    QString error;
    const std::optional<WorkstationOptions> options = demoWorkstationOptions(
        fleet, QDir(tmp.path()), QStringLiteral("Line 4 / Station 2"), &error);
    if (!options)
        return fail(error);
    WorkstationOptions withSoftAp = *options;
    withSoftAp.softApPort = softApPort;
    Workstation::applyStyle();
    Workstation ws(withSoftAp);
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
    //    With the SoftAP devices a Wi-Fi scan (F7) found through NetworkManager: signal in %.
    showPage(0);
    {
        QObject ctx;
        bool scanned = false;
        QObject::connect(ws.wifiSource(), &WifiSource::scanFinished, &ctx, [&scanned] { scanned = true; });
        ws.wifiSource()->startScan();
        if (!waitFor([&scanned] { return scanned; }, 20000))
            return fail(QStringLiteral("the Wi-Fi scan did not finish"));
    }
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

    // 8. The Line page during a running demo tray with one failure showing: its own fleet and
    //    workstation (a fresh device list and record), the demo profile on four lanes.
    {
        QTemporaryDir lineDir;
        const QString trayPath = QDir(lineDir.path()).filePath(QStringLiteral("tray.json"));
        QFile tray(trayPath);
        if (!tray.open(QIODevice::WriteOnly) || tray.write(lineTrayFleet()) <= 0)
            return fail(QStringLiteral("cannot write %1").arg(trayPath));
        tray.close();
        SimFleet lineFleet({ QStringLiteral("--fleet"), trayPath });
        if (!lineFleet.start())
            return fail(lineFleet.errorString());
        const std::optional<WorkstationOptions> lineOptions = demoWorkstationOptions(
            lineFleet, QDir(lineDir.path()), QStringLiteral("Line 4 / Station 2"), &error);
        if (!lineOptions)
            return fail(error);
        Workstation lineWs(*lineOptions);
        lineWs.settings()->setOperatorName(QStringLiteral("A. Technician"));
        lineWs.settings()->setLastPage(4);
        QQmlApplicationEngine lineEngine;
        Workstation::prepareEngine(&lineEngine);
        lineEngine.setInitialProperties(lineWs.initialProperties());
        lineEngine.load(QUrl(Workstation::mainQmlUrl()));
        if (lineEngine.rootObjects().isEmpty())
            return fail(QStringLiteral("Main.qml did not load (line)"));
        auto *lineWindow = qobject_cast<QQuickWindow *>(lineEngine.rootObjects().constFirst());
        lineWindow->resize(window->size());
        LineController *line = lineWs.line();
        if (!line->selectProfile(QStringLiteral("demo-tray")))
            return fail(QStringLiteral("no demo-tray profile"));
        line->setLanes(4);
        if (!line->start(QStringLiteral("mypassword"), {}, {}))
            return fail(QStringLiteral("line start failed: %1").arg(line->lastError()));
        if (!waitFor(
                [line] {
                    return line->failedCount() == 1 && line->doneCount() >= 2 && line->runningCount() == 4;
                },
                30000))
            return fail(QStringLiteral("the demo tray did not reach one failure with four busy lanes"));
        settle(2000); // the lanes' elapsed time and progress move on
        const QImage image = lineWindow->grabWindow();
        const QString path = out.filePath(QStringLiteral("line.png"));
        if (image.isNull() || !image.save(path))
            return fail(QStringLiteral("cannot save %1").arg(path));
        std::printf("%s\n", qPrintable(path));
        ++shots;
        line->abort();
        waitFor([line] { return !line->active(); }, 10000);
    }

    std::printf("%d screenshots\n", shots);
    return 0;
}
