// SPDX-License-Identifier: Apache-2.0
// SoftAP devices found by the Wi-Fi scan (WifiSource over prov::SoftApScanner): the list entries (signal
// in percent, never dBm; security; interface; BSSID), merging with a QR sticker's row, lost devices, typed
// scan errors with advice; the transport a DeviceSession builds for such a row (SoftApTransport with the
// settings) and for a host:port row (HttpTransport, as before); closing a joined session gives the
// interface back (SoftApLeaves); the SoftAP settings persist. No NetworkManager and no network: the
// scanner's reports are its own signals, emitted here as NetworkManager's client would.
#include "devices/devicelistmodel.h"
#include "devices/qrsource.h"
#include "devices/wifisource.h"
#include "line/linecontroller.h"
#include "session/devicecontroller.h"
#include "session/devicesession.h"
#include "session/erroradvice.h"
#include "session/softapleaves.h"
#include "settings/settingscontroller.h"

#include "prov/httptransport.h"
#include "prov/softaptransport.h"

#include <QDBusConnection>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {
prov::SoftApInfo accessPoint(const QString &ssid, const QString &bssid, int percent,
    prov::ApSecurity security = prov::ApSecurity::Wpa2,
    const QString &interfaceName = QStringLiteral("wlan0"))
{
    prov::SoftApInfo ap;
    ap.ssid = ssid;
    ap.ssidBytes = ssid.toUtf8();
    ap.bssid = bssid;
    ap.frequencyMhz = 2437;
    ap.channel = 6;
    ap.strengthPercent = percent;
    ap.security = security;
    ap.interfaceName = interfaceName;
    ap.path = QStringLiteral("/org/freedesktop/NetworkManager/AccessPoint/1");
    return ap;
}

QVariant role(const QAbstractItemModel &m, int row, int role)
{
    return m.index(row, 0).data(role);
}

/// A scanner on a bus without NetworkManager: it never reports on its own.
prov::SoftApScanner *quietScanner()
{
    return new prov::SoftApScanner(QDBusConnection(QStringLiteral("no-bus")));
}

const QByteArray kQrWithSoftApPassword
    = R"({"ver":"v1","name":"PROV_1A2B3C","pop":"abcd1234","transport":"softap","security":1,"password":"ap-secret-99"})";
} // namespace

class TestWifiSource : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void entryHasPercentNotDbm();
    void securityNamesShown();
    void mergesWithQrRowOfTheSameName();
    void lostOnlyWhenNoInterfaceSeesIt();
    void scanErrorsAreTypedWithAdvice_data();
    void scanErrorsAreTypedWithAdvice();
    void joinErrorsHaveAdvice();
    void wifiRowBuildsSoftApTransportWithSettings();
    void hostPortRowKeepsHttpTransport();
    void closingAJoinedSessionGivesTheInterfaceBack();
    void softApSettingsPersist();
    void lineTakesTheSoftApSettingsAndPassword();
};

void TestWifiSource::entryHasPercentNotDbm()
{
    const DeviceEntry e = WifiSource::entryFor(
        accessPoint(QStringLiteral("PROV_1A2B3C"), QStringLiteral("aa:bb:cc:dd:ee:01"), 62));
    QCOMPARE(e.serviceName, QStringLiteral("PROV_1A2B3C"));
    QCOMPARE(e.transport, prov::TransportKind::SoftAp);
    QCOMPARE(e.bssid, QStringLiteral("AA:BB:CC:DD:EE:01"));
    QCOMPARE(e.signalPercent, std::optional<int>(62));
    QVERIFY(!e.rssi); // percent never lands in the dBm field
    QCOMPARE(e.apSecurity, std::optional<int>(int(prov::ApSecurity::Wpa2)));
    QCOMPARE(e.wifiInterface, QStringLiteral("wlan0"));
    QCOMPARE(e.origins, int(DeviceOrigin::Wifi));
    QVERIFY(e.host.isEmpty());
    QVERIFY(e.joinsSoftAp());
    QCOMPARE(e.displayAddress(), QStringLiteral("AA:BB:CC:DD:EE:01"));

    DeviceListModel model;
    WifiSource source(quietScanner());
    model.addSource(&source);
    Q_EMIT source.scanner()->accessPointSeen(
        accessPoint(QStringLiteral("PROV_1A2B3C"), QStringLiteral("AA:BB:CC:DD:EE:01"), 62));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(role(model, 0, DeviceListModel::SignalTextRole).toString(), QStringLiteral("62 %"));
    QCOMPARE(role(model, 0, DeviceListModel::SignalPercentRole).toInt(), 62);
    QVERIFY(!role(model, 0, DeviceListModel::RssiRole).isValid());
    QCOMPARE(role(model, 0, DeviceListModel::RssiTextRole).toString(), QStringLiteral("—"));
    QCOMPARE(role(model, 0, DeviceListModel::TransportTextRole).toString(), QStringLiteral("SoftAP"));
    QCOMPARE(role(model, 0, DeviceListModel::SourceRole).toString(), QStringLiteral("Wi-Fi scan"));
    QCOMPARE(role(model, 0, DeviceListModel::JoinsSoftApRole).toBool(), true);
    QCOMPARE(role(model, 0, DeviceListModel::WifiInterfaceRole).toString(), QStringLiteral("wlan0"));
    QCOMPARE(role(model, 0, DeviceListModel::AddressKnownRole).toBool(), false);
    QCOMPARE(source.deviceCount(), 1);

    // A stronger report updates the row; a BLE RSSI still shows in dBm.
    Q_EMIT source.scanner()->accessPointSeen(
        accessPoint(QStringLiteral("PROV_1A2B3C"), QStringLiteral("AA:BB:CC:DD:EE:01"), 80));
    QCOMPARE(role(model, 0, DeviceListModel::SignalTextRole).toString(), QStringLiteral("80 %"));
    DeviceEntry ble;
    ble.serviceName = QStringLiteral("PROV_BLE01");
    ble.transport = prov::TransportKind::Ble;
    ble.host = QStringLiteral("24:0A:C4:B2:00:01");
    ble.rssi = -52;
    model.upsert(ble);
    QCOMPARE(
        role(model, model.rowOf(QStringLiteral("PROV_BLE01")), DeviceListModel::SignalTextRole).toString(),
        QStringLiteral("-52 dBm"));
}

void TestWifiSource::securityNamesShown()
{
    if (prov::apSecurityDisplayName(prov::ApSecurity::Wpa2).isEmpty())
        QSKIP("prov::apSecurityDisplayName() is still the NetworkManager client stub in this branch");
    DeviceListModel model;
    WifiSource source(quietScanner());
    model.addSource(&source);
    const QList<std::pair<prov::ApSecurity, QString>> cases {
        { prov::ApSecurity::Open, QStringLiteral("Open") },
        { prov::ApSecurity::Wpa2, QStringLiteral("WPA2") }, { prov::ApSecurity::Wpa3, QStringLiteral("WPA3") }
    };
    for (const auto &[security, text] : cases) {
        const QString ssid = QStringLiteral("PROV_%1").arg(text.toUpper());
        Q_EMIT source.scanner()->accessPointSeen(
            accessPoint(ssid, QStringLiteral("AA:BB:CC:DD:EE:0%1").arg(int(security)), 50, security));
        QCOMPARE(role(model, model.rowOf(ssid), DeviceListModel::ApSecurityTextRole).toString(), text);
    }
}

void TestWifiSource::mergesWithQrRowOfTheSameName()
{
    DeviceListModel model;
    QrSource qr;
    WifiSource source(quietScanner());
    model.addSource(&qr);
    model.addSource(&source);
    QVERIFY(qr.submit(QString::fromUtf8(kQrWithSoftApPassword)));
    auto e = model.entry(QStringLiteral("PROV_1A2B3C"));
    QVERIFY(e);
    // A QR sticker's SoftAP device with no address joins by SSID, with the sticker's SoftAP password.
    QVERIFY(e->joinsSoftAp());
    QCOMPARE(e->credentials.softApPassword, QByteArray("ap-secret-99"));
    QCOMPARE(e->displayAddress(), QStringLiteral("PROV_1A2B3C"));

    Q_EMIT source.scanner()->accessPointSeen(
        accessPoint(QStringLiteral("PROV_1A2B3C"), QStringLiteral("AA:BB:CC:DD:EE:01"), 40));
    QCOMPARE(model.rowCount(), 1);
    e = model.entry(QStringLiteral("PROV_1A2B3C"));
    QCOMPARE(e->bssid, QStringLiteral("AA:BB:CC:DD:EE:01"));
    QCOMPARE(e->credentials.pop, QByteArray("abcd1234"));
    QCOMPARE(e->credentials.softApPassword, QByteArray("ap-secret-99"));
    QCOMPARE(e->secVer, std::optional<int>(1));
    QCOMPARE(e->origins, int(DeviceOrigin::Qr) | int(DeviceOrigin::Wifi));
    QCOMPARE(role(model, 0, DeviceListModel::SourceRole).toString(), QStringLiteral("QR + Wi-Fi scan"));
    QCOMPARE(role(model, 0, DeviceListModel::AddressRole).toString(), QStringLiteral("AA:BB:CC:DD:EE:01"));
    QCOMPARE(role(model, 0, DeviceListModel::HasCredentialsRole).toBool(), true);
    // The Wi-Fi scan losing it leaves the sticker's row (and its BSSID) in place.
    Q_EMIT source.scanner()->accessPointLost(
        accessPoint(QStringLiteral("PROV_1A2B3C"), QStringLiteral("AA:BB:CC:DD:EE:01"), 40));
    QCOMPARE(model.rowCount(), 1);
    QVERIFY(model.entry(QStringLiteral("PROV_1A2B3C"))->joinsSoftAp());
}

void TestWifiSource::lostOnlyWhenNoInterfaceSeesIt()
{
    DeviceListModel model;
    WifiSource source(quietScanner());
    model.addSource(&source);
    QSignalSpy lost(&source, &DeviceSource::deviceLost);
    const auto on0 = accessPoint(QStringLiteral("PROV_AAAAAA"), QStringLiteral("AA:BB:CC:DD:EE:0A"), 30,
        prov::ApSecurity::Open, QStringLiteral("wlan0"));
    const auto on1 = accessPoint(QStringLiteral("PROV_AAAAAA"), QStringLiteral("AA:BB:CC:DD:EE:0A"), 70,
        prov::ApSecurity::Open, QStringLiteral("wlan1"));
    Q_EMIT source.scanner()->accessPointSeen(on0);
    Q_EMIT source.scanner()->accessPointSeen(on1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(source.deviceCount(), 1);
    // The strongest view wins.
    QCOMPARE(model.entry(QStringLiteral("PROV_AAAAAA"))->wifiInterface, QStringLiteral("wlan1"));
    QCOMPARE(model.entry(QStringLiteral("PROV_AAAAAA"))->signalPercent, std::optional<int>(70));
    Q_EMIT source.scanner()->accessPointLost(on1);
    QCOMPARE(lost.size(), 0);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.entry(QStringLiteral("PROV_AAAAAA"))->wifiInterface, QStringLiteral("wlan0"));
    Q_EMIT source.scanner()->accessPointLost(on0);
    QCOMPARE(lost.size(), 1);
    QCOMPARE(lost.first().at(0).toString(), QStringLiteral("PROV_AAAAAA"));
    QCOMPARE(model.rowCount(), 0); // nobody worked on it, no other source knew it
    QCOMPARE(source.deviceCount(), 0);
}

void TestWifiSource::scanErrorsAreTypedWithAdvice_data()
{
    QTest::addColumn<prov::ErrorCode>("code");
    QTest::addColumn<QString>("status");
    QTest::addColumn<QString>("headline");
    QTest::newRow("no NetworkManager")
        << prov::ErrorCode::Unavailable << QStringLiteral("NetworkManager is not running")
        << QStringLiteral("NetworkManager is not running");
    QTest::newRow("no interface") << prov::ErrorCode::NoWifiInterface << QStringLiteral("No Wi-Fi interface")
                                  << QStringLiteral("No Wi-Fi interface");
    QTest::newRow("Wi-Fi off") << prov::ErrorCode::WifiDisabled << QStringLiteral("Wi-Fi is switched off")
                               << QStringLiteral("Wi-Fi is off");
    QTest::newRow("polkit") << prov::ErrorCode::PermissionDenied << QStringLiteral("Not allowed to scan")
                            << QStringLiteral("Not allowed to scan for Wi-Fi");
}

void TestWifiSource::scanErrorsAreTypedWithAdvice()
{
    QFETCH(prov::ErrorCode, code);
    QFETCH(QString, status);
    QFETCH(QString, headline);
    WifiSource source(quietScanner());
    QSignalSpy finished(&source, &WifiSource::scanFinished);
    source.startScan();
    QVERIFY(source.isScanning());
    QVERIFY(source.statusText().startsWith(QStringLiteral("Scanning")));
    // SoftApScanner::start(): errorOccurred(), then scanFinished().
    Q_EMIT source.scanner()->errorOccurred(prov::makeError(code, QStringLiteral("test")));
    Q_EMIT source.scanner()->scanFinished();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).toInt(), int(code));
    QVERIFY(!source.isScanning());
    QCOMPARE(source.errorCode(), int(code));
    QVERIFY2(source.statusText().startsWith(status), qPrintable(source.statusText()));
    QCOMPARE(source.errorHeadline(), headline);
    QVERIFY(source.errorAdvice().size() > 40);
    // The next scan starts clean.
    source.startScan();
    QCOMPARE(source.errorCode(), 0);
    source.stopScan();
    QCOMPARE(finished.size(), 2);
    QCOMPARE(finished.last().at(0).toInt(), 0);
}

void TestWifiSource::joinErrorsHaveAdvice()
{
    using prov::ErrorCode;
    // Over a SoftAP joined through NetworkManager, Unavailable is NetworkManager, not Bluetooth.
    QCOMPARE(
        ws::adviceForLink(ErrorCode::Unavailable, ws::ErrorContext::Connect, ws::ErrorContext::SoftApJoin)
            .headline,
        QStringLiteral("NetworkManager is not running"));
    QVERIFY(ws::adviceFor(ErrorCode::Unavailable, ws::ErrorContext::Connect)
                .headline.contains(QStringLiteral("Bluetooth")));
    for (ErrorCode code : { ErrorCode::AccessPointNotFound, ErrorCode::SoftApAuthFailed,
             ErrorCode::JoinTimeout, ErrorCode::DhcpTimeout, ErrorCode::PermissionDenied,
             ErrorCode::NoWifiInterface, ErrorCode::WifiDisabled }) {
        const ws::ErrorAdvice a = ws::adviceForLink(
            code, ws::ErrorContext::Connect, ws::ErrorContext::SoftApJoin);
        QVERIFY2(a.headline != QStringLiteral("Error"), qPrintable(prov::errorCodeName(code)));
        QVERIFY2(a.advice.size() > 40, qPrintable(prov::errorCodeName(code)));
    }
    QVERIFY(ws::adviceFor(ErrorCode::JoinTimeout, ws::ErrorContext::Any)
                .advice.contains(QStringLiteral("join timeout in Settings")));
}

void TestWifiSource::wifiRowBuildsSoftApTransportWithSettings()
{
    QTemporaryDir dir;
    SettingsController settings(
        std::make_unique<QSettings>(dir.filePath(QStringLiteral("ws.ini")), QSettings::IniFormat), {});
    settings.setWifiInterface(QStringLiteral("wlan1"));
    settings.setSoftApPort(8080);
    settings.setSoftApJoinTimeoutS(12);
    DeviceListModel model;
    WifiSource source(quietScanner());
    model.addSource(&source);
    DeviceController controller(&model, &settings, nullptr);
    Q_EMIT source.scanner()->accessPointSeen(
        accessPoint(QStringLiteral("PROV_1A2B3C"), QStringLiteral("AA:BB:CC:DD:EE:01"), 62));
    QVERIFY(controller.select(QStringLiteral("PROV_1A2B3C")));
    DeviceSession *session = controller.session();
    QVERIFY(session);
    QVERIFY(session->joinsSoftAp());
    auto *softAp = qobject_cast<prov::SoftApTransport *>(session->transport());
    QVERIFY(softAp);
    QCOMPARE(softAp->kind(), prov::TransportKind::SoftAp);
    QCOMPARE(softAp->ssid(), QStringLiteral("PROV_1A2B3C"));
    QCOMPARE(softAp->address(), QStringLiteral("PROV_1A2B3C")); // not joined yet
    QCOMPARE(session->address(), QStringLiteral("AA:BB:CC:DD:EE:01"));
    QCOMPARE(session->linkProgress(), QString());
    // The transport's progress line is the session's step text while the link is set up.
    QSignalSpy progress(session, &DeviceSession::linkProgressChanged);
    Q_EMIT softAp->linkProgress(QStringLiteral("Joining PROV_1A2B3C on wlan1…"));
    QCOMPARE(progress.size(), 1);
    QCOMPARE(session->linkProgress(), QStringLiteral("Joining PROV_1A2B3C on wlan1…"));

    // An address typed on the Device page reaches the device directly instead (HTTP, as before).
    QVERIFY(controller.setAddress(QStringLiteral("PROV_1A2B3C"), QStringLiteral("192.168.4.1:80")));
    QVERIFY(!session->joinsSoftAp());
    QVERIFY(qobject_cast<prov::HttpTransport *>(session->transport()));
    QCOMPARE(session->linkProgress(), QString());
    // The replaced SoftApTransport gave the interface back.
    QVERIFY(controller.shutdown(5000));
}

void TestWifiSource::hostPortRowKeepsHttpTransport()
{
    DeviceEntry manifest;
    manifest.serviceName = QStringLiteral("PROV_DEMO01");
    manifest.host = QStringLiteral("127.0.0.1");
    manifest.port = 40155;
    manifest.origins = int(DeviceOrigin::Manifest);
    DeviceSession direct(manifest, SessionConfig {}, nullptr);
    auto *http = qobject_cast<prov::HttpTransport *>(direct.transport());
    QVERIFY(http);
    QCOMPARE(http->address(), QStringLiteral("127.0.0.1:40155"));
    QVERIFY(!direct.joinsSoftAp());

    // A sticker for a manifest device (host known) keeps the manifest's address.
    manifest.origins |= int(DeviceOrigin::Qr);
    manifest.credentials.softApPassword = "ap-secret-99";
    DeviceSession merged(manifest, SessionConfig {}, nullptr);
    QVERIFY(qobject_cast<prov::HttpTransport *>(merged.transport()));

    // A manifest row without a host keeps today's SoftAP default, 192.168.4.1:80, over HTTP.
    DeviceEntry bare;
    bare.serviceName = QStringLiteral("PROV_DEMO02");
    bare.origins = int(DeviceOrigin::Manifest);
    DeviceSession fallback(bare, SessionConfig {}, nullptr);
    http = qobject_cast<prov::HttpTransport *>(fallback.transport());
    QVERIFY(http);
    QCOMPARE(http->address(), QStringLiteral("192.168.4.1:80"));

    // A QR sticker's SoftAP row without a host joins by SSID.
    bare.origins = int(DeviceOrigin::Qr);
    DeviceSession byQr(bare, SessionConfig {}, nullptr);
    auto *softAp = qobject_cast<prov::SoftApTransport *>(byQr.transport());
    QVERIFY(softAp);
    QCOMPARE(softAp->ssid(), QStringLiteral("PROV_DEMO02"));
}

void TestWifiSource::closingAJoinedSessionGivesTheInterfaceBack()
{
    QTemporaryDir dir;
    SettingsController settings(
        std::make_unique<QSettings>(dir.filePath(QStringLiteral("ws.ini")), QSettings::IniFormat), {});
    DeviceListModel model;
    WifiSource source(quietScanner());
    model.addSource(&source);
    DeviceController controller(&model, &settings, nullptr);
    Q_EMIT source.scanner()->accessPointSeen(
        accessPoint(QStringLiteral("PROV_AAAAAA"), QStringLiteral("AA:BB:CC:DD:EE:0A"), 50));
    Q_EMIT source.scanner()->accessPointSeen(
        accessPoint(QStringLiteral("PROV_BBBBBB"), QStringLiteral("AA:BB:CC:DD:EE:0B"), 50));
    QVERIFY(controller.select(QStringLiteral("PROV_AAAAAA")));
    QPointer<prov::Transport> first = controller.session()->transport();
    QVERIFY(first);
    // Opening another joined device first gives the interface back (one interface, one SoftAP).
    QVERIFY(controller.select(QStringLiteral("PROV_BBBBBB")));
    QVERIFY(!controller.sessionFor(QStringLiteral("PROV_AAAAAA")));
    QVERIFY(first); // kept alive until its leave() ended
    QCOMPARE(controller.softApLeaves()->pendingCount(), 1);
    QVERIFY(controller.shutdown(5000)); // at quit: closes the rest and waits
    QCOMPARE(controller.softApLeaves()->pendingCount(), 0);
    QVERIFY(!controller.session());
    QTRY_VERIFY(!first); // deleted once left
}

void TestWifiSource::softApSettingsPersist()
{
    QTemporaryDir dir;
    const QString ini = dir.filePath(QStringLiteral("ws.ini"));
    {
        SettingsController s(std::make_unique<QSettings>(ini, QSettings::IniFormat), {});
        QCOMPARE(s.wifiInterface(), QString()); // Automatic
        QCOMPARE(s.softApPort(), 80);
        QCOMPARE(s.softApJoinTimeoutS(), 30);
        QSignalSpy changed(&s, &SettingsController::wifiInterfaceChanged);
        s.setWifiInterface(QStringLiteral("wlan1"));
        s.setWifiInterface(QStringLiteral("wlan1"));
        QCOMPARE(changed.size(), 1);
        s.setSoftApPort(8080);
        s.setSoftApJoinTimeoutS(1); // clamped
        QCOMPARE(s.softApJoinTimeoutS(), SettingsController::kMinJoinTimeoutS);
        s.setSoftApJoinTimeoutS(45);
    }
    {
        SettingsController s(std::make_unique<QSettings>(ini, QSettings::IniFormat), {});
        QCOMPARE(s.wifiInterface(), QStringLiteral("wlan1"));
        QCOMPARE(s.softApPort(), 8080);
        QCOMPARE(s.softApJoinTimeoutS(), 45);
        s.setWifiInterface({});
    }
    SettingsController s(std::make_unique<QSettings>(ini, QSettings::IniFormat), {});
    QCOMPARE(s.wifiInterface(), QString());
}

void TestWifiSource::lineTakesTheSoftApSettingsAndPassword()
{
    QTemporaryDir dir;
    SettingsController settings(
        std::make_unique<QSettings>(dir.filePath(QStringLiteral("ws.ini")), QSettings::IniFormat), {});
    LineController line(&settings, nullptr, nullptr, nullptr);
    WifiSource source(quietScanner());
    line.setWifiSource(&source);
    QVERIFY(line.selectProfile(QStringLiteral("demo-tray")));
    QVERIFY(line.profileAllowsSoftAp());
    // Automatic: every interface the Wi-Fi scan found (none here); the defaults for port and timeout.
    prov::SoftApJobKind::Settings s = line.softApJobSettings();
    QVERIFY(s.interfaces.isEmpty());
    QCOMPARE(s.port, quint16(80));
    QCOMPARE(s.joinTimeoutMs, 30000);
    settings.setWifiInterface(QStringLiteral("wlan1"));
    settings.setSoftApPort(8080);
    settings.setSoftApJoinTimeoutS(12);
    s = line.softApJobSettings();
    QCOMPARE(s.interfaces, QStringList { QStringLiteral("wlan1") });
    QCOMPARE(s.port, quint16(8080));
    QCOMPARE(s.joinTimeoutMs, 12000);
    // The shift's SoftAP password is a WPA2 passphrase or nothing.
    QVERIFY(!line.start(QStringLiteral("mypassword"), {}, {}, QStringLiteral("short")));
    QCOMPARE(line.lastErrorCode(), int(prov::ErrorCode::InvalidArgument));
    QVERIFY(line.lastError().contains(QStringLiteral("SoftAP password")));
    QVERIFY(!line.lastError().contains(QStringLiteral("short")));
    QVERIFY(line.start(QStringLiteral("mypassword"), {}, {}, QStringLiteral("ap-secret-99")));
    line.abort();
}

QTEST_GUILESS_MAIN(TestWifiSource)
#include "tst_wifisource.moc"
