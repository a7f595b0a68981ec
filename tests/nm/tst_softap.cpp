// SPDX-License-Identifier: Apache-2.0
// libprov's SoftAP side (SoftApScanner, SoftApLink, SoftApTransport, SoftApJobKind) against prov-sim's
// fake NetworkManager on a private dbus-daemon (docs/softap-join.md): every join goes through the real
// NetworkManager D-Bus API, every HTTP request to the device's own loopback gateway, and the device's
// server only answers a client bound to the joined interface's address.

#include "nmsim.h"

#include "prov/laneengine.h"
#include "prov/provisioner.h"
#include "prov/record.h"
#include "prov/recordsink.h"
#include "prov/softap.h"
#include "prov/softaptransport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace prov;
using namespace prov::test;

namespace {

constexpr int kWaitMs = 30000;
constexpr const char *kPassphrase = "mypassword"; // the home network's Wi-Fi passphrase (prov-sim's --ap)
constexpr const char *kSoftApPassword = "softap-pw-1"; // the devices' SoftAP password (fleet file)
constexpr const char *kPop = "abcd1234";

QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previous = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(message);
    }
    if (g_previous)
        g_previous(type, context, message);
}

SoftApJoinRequest joinRequest(const QString &ssid, int timeoutMs = 8000)
{
    SoftApJoinRequest r;
    r.ssid = ssid.toUtf8();
    r.joinTimeoutMs = timeoutMs;
    return r;
}

/// A SoftAP line profile: devices "PROV_…" over SoftAP, provisioned onto myssid.
Result<ProductProfile> softApProfile(
    const char *id, int minSecVer, const char *credentialsFrom, int softApLanes)
{
    return ProductProfile::fromJson(QStringLiteral(R"({
      "schema": 1, "name": "%1", "id": "%1", "version": "1",
      "match": {"service_name_prefix": "PROV_", "transports": ["softap"]},
      "security": {"min_sec_ver": %2, "credentials_from": "%3"},
      "network": {"ssid": "myssid", "auth_mode": "WPA2-PSK"},
      "lanes": {"ble": 1, "softap": %4}
    })")
                                        .arg(QLatin1String(id))
                                        .arg(minSecVer)
                                        .arg(QLatin1String(credentialsFrom))
                                        .arg(softApLanes)
                                        .toUtf8());
}

WifiCredentials homeNetwork()
{
    WifiCredentials c;
    c.ssid = "myssid";
    c.passphrase = kPassphrase;
    return c;
}

} // namespace

class TestSoftAp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup() { m_sim.stopSim(); }

    void scanListsProvAccessPointsInPercent();
    void provisionsThroughJoinedSoftAp_data();
    void provisionsThroughJoinedSoftAp();
    void softApPasswordChecked();
    void joinFailuresAreTypedAndRestore_data();
    void joinFailuresAreTypedAndRestore();
    void scannerErrorsAreTyped_data();
    void scannerErrorsAreTyped();
    void accessPointVanishingAfterApply_data();
    void accessPointVanishingAfterApply();
    void trayOfSixOnTwoInterfaces();
    void stickerFirstThenWifiScanJoins();

private:
    /// Starts prov-sim --nm with `args` (plus the SoftAP port); its device lines by service name.
    QHash<QString, QJsonObject> start(const QStringList &args);
    /// Writes a fleet file `fileName` with `device` and starts prov-sim --nm on it.
    QHash<QString, QJsonObject> startFleet(const QString &fileName, const QJsonObject &device);
    /// The lane engine's kinds for SoftAP devices found by a Wi-Fi scan: SoftApJobKind on `interfaces`
    /// (the devices' port, an 8 s join timeout), then the ESP-IDF kind.
    void addJobKinds(LaneEngine &engine, const QStringList &interfaces = {}) const;
    /// wlan0 is back on "Home" and no volatile connection is left (State() of the fake).
    void verifyRestored(const QString &interfaceName = QStringLiteral("wlan0"),
        const QString &expectedId = QStringLiteral("Home"));
    Result<void> leave(SoftApLink &link);

    NmSim m_sim;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
};

void TestSoftAp::initTestCase()
{
    g_previous = qInstallMessageHandler(captureLog);
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_sim.startBus(), qPrintable(m_sim.error()));
    m_port = NmSim::freePort();
    QVERIFY(m_port != 0);
}

void TestSoftAp::cleanupTestCase()
{
    m_sim.stop();
    qInstallMessageHandler(g_previous);
    // No secret in anything this process logged.
    QMutexLocker lock(&g_logMutex);
    QVERIFY(!g_log.isEmpty());
    for (const QString &line : std::as_const(g_log)) {
        for (const char *secret : { kPassphrase, kSoftApPassword, kPop, "wrong-pass-2" })
            QVERIFY2(!line.contains(QLatin1String(secret)), qPrintable(line));
    }
}

QHash<QString, QJsonObject> TestSoftAp::start(const QStringList &args)
{
    QHash<QString, QJsonObject> byName;
    const QList<QJsonObject> lines = m_sim.startSim(
        args + QStringList { QStringLiteral("--softap-port"), QString::number(m_port) });
    for (const QJsonObject &line : lines)
        byName.insert(line.value(QStringLiteral("service_name")).toString(), line);
    return byName;
}

QHash<QString, QJsonObject> TestSoftAp::startFleet(const QString &fileName, const QJsonObject &device)
{
    const QString path = m_dir.filePath(fileName);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(QJsonDocument(QJsonObject { { QStringLiteral("devices"), QJsonArray { device } } }).toJson());
    file.close();
    return start({ QStringLiteral("--fleet"), path });
}

void TestSoftAp::addJobKinds(LaneEngine &engine, const QStringList &interfaces) const
{
    SoftApJobKind::Settings joinSettings;
    joinSettings.interfaces = interfaces;
    joinSettings.port = m_port;
    joinSettings.joinTimeoutMs = 8000;
    engine.addJobKind(std::make_unique<SoftApJobKind>(joinSettings));
    engine.addJobKind(std::make_unique<EspJobKind>());
}

void TestSoftAp::verifyRestored(const QString &interfaceName, const QString &expectedId)
{
    // Restoring is NetworkManager's activation: allow it its steps.
    QJsonObject state;
    QJsonObject wifi;
    const auto settled = [&] {
        state = m_sim.state();
        for (const QJsonValue &v : state.value(QStringLiteral("interfaces")).toArray()) {
            if (v.toObject().value(QStringLiteral("name")).toString() == interfaceName)
                wifi = v.toObject();
        }
        return wifi.value(QStringLiteral("active_connection_id")).toString() == expectedId
            && !wifi.value(QStringLiteral("volatile")).toBool();
    };
    QTRY_VERIFY2_WITH_TIMEOUT(
        settled(), qPrintable(QJsonDocument(state).toJson(QJsonDocument::Compact)), 5000);
    for (const QJsonValue &c : state.value(QStringLiteral("connections")).toArray()) {
        // NetworkManager's NM_SETTINGS_CONNECTION_FLAG_VOLATILE (0x4): none may be left.
        QVERIFY2(!(c.toObject().value(QStringLiteral("flags")).toInt() & 0x4),
            qPrintable(QJsonDocument(c.toObject()).toJson(QJsonDocument::Compact)));
    }
}

Result<void> TestSoftAp::leave(SoftApLink &link)
{
    return link.leave()->waitForResult(15000);
}

void TestSoftAp::scanListsProvAccessPointsInPercent()
{
    const auto sim = start({ QStringLiteral("--devices"), QStringLiteral("3"), QStringLiteral("--sec-ver"),
        QStringLiteral("0") });
    QCOMPARE(sim.size(), 3);

    SoftApScanner scanner;
    QSignalSpy finished(&scanner, &SoftApScanner::scanFinished);
    QSignalSpy errors(&scanner, &SoftApScanner::errorOccurred);
    scanner.start();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(errors.count(), 0);
    QCOMPARE(scanner.interfaces().size(), 1);
    QCOMPARE(scanner.interfaces().first().name, QStringLiteral("wlan0"));
    const QList<SoftApInfo> aps = scanner.accessPoints();
    QCOMPARE(aps.size(), 3);
    for (const SoftApInfo &ap : aps) {
        QVERIFY2(sim.contains(ap.ssid), qPrintable(ap.ssid));
        const QJsonObject line = sim.value(ap.ssid);
        QCOMPARE(ap.bssid, line.value(QStringLiteral("bssid")).toString().toUpper());
        QCOMPARE(ap.interfaceName, QStringLiteral("wlan0"));
        QCOMPARE(ap.frequencyMhz, 2437);
        QCOMPARE(ap.channel, 6);
        QVERIFY(ap.strengthPercent >= 0 && ap.strengthPercent <= 100);
        QCOMPARE(ap.security, ApSecurity::Open);
    }
    // The home network does not match PROV_; without a filter it is there, as WPA2.
    QVERIFY(std::none_of(aps.cbegin(), aps.cend(), [](const SoftApInfo &a) { return a.ssid == "HomeNet"; }));
    scanner.setSsidPatterns({});
    scanner.start();
    QVERIFY(finished.wait(kWaitMs));
    const QList<SoftApInfo> all = scanner.accessPoints();
    const auto home = std::find_if(
        all.cbegin(), all.cend(), [](const SoftApInfo &a) { return a.ssid == "HomeNet"; });
    QVERIFY(home != all.cend());
    QCOMPARE(home->security, ApSecurity::Wpa2);

    // A profile's regex pattern.
    scanner.setSsidPatterns({ QStringLiteral("/PROV_[0-9A-F]{6}/") });
    QVERIFY(scanner.matches(sim.keys().first()));
    QVERIFY(!scanner.matches(QStringLiteral("PROV_1A2B3C_x")));

    // Live updates: an access point NetworkManager drops is reported lost.
    scanner.setSsidPatterns({ QStringLiteral("PROV_") });
    QSignalSpy lost(&scanner, &SoftApScanner::accessPointLost);
    scanner.start();
    QVERIFY(finished.wait(kWaitMs));
    const QString gone = sim.keys().first();
    QVERIFY2(m_sim.control(QStringLiteral("RemoveAccessPoint"), { gone }), qPrintable(m_sim.error()));
    QTRY_COMPARE_WITH_TIMEOUT(lost.count(), 1, 5000);
    QCOMPARE(lost.first().first().value<SoftApInfo>().ssid, gone);
    QCOMPARE(scanner.accessPoints().size(), 2);
}

void TestSoftAp::provisionsThroughJoinedSoftAp_data()
{
    QTest::addColumn<int>("secVer");
    QTest::newRow("Security 0") << 0;
    QTest::newRow("Security 1") << 1;
    QTest::newRow("Security 2") << 2;
}

void TestSoftAp::provisionsThroughJoinedSoftAp()
{
    QFETCH(int, secVer);
    const auto sim = start({ QStringLiteral("--devices"), QStringLiteral("1"), QStringLiteral("--sec-ver"),
        QString::number(secVer), QStringLiteral("--pop"), QLatin1String(kPop),
        QStringLiteral("--sec2-username"), QStringLiteral("wifiprov"), QStringLiteral("--sec2-pwd"),
        QLatin1String(kPop) });
    QCOMPARE(sim.size(), 1);
    const QString name = sim.keys().first();
    const QJsonObject device = sim.value(name);

    TransportConfig config;
    config.kind = TransportKind::SoftAp;
    config.softApSsid = name;
    config.port = m_port;
    config.softApJoinTimeoutMs = 8000;
    auto made = makeTransport(config);
    QVERIFY2(made, qPrintable(made ? QString() : made.error().toString()));
    auto *transport = qobject_cast<SoftApTransport *>(made->get());
    QVERIFY(transport);
    QSignalSpy progress(transport, &Transport::linkProgress);
    Provisioner provisioner(transport);
    SecurityOptions security;
    security.pop = kPop;
    security.username = "wifiprov";
    security.password = kPop;
    provisioner.setSecurityOptions(security);

    const Result<DeviceInfo> info = provisioner.connectDevice()->waitForResult(kWaitMs);
    QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
    QCOMPARE(info->secVer, secVer);
    QVERIFY(!progress.isEmpty());
    QCOMPARE(progress.first().first().toString(), QStringLiteral("Joining %1 on wlan0…").arg(name));
    const std::optional<SoftApJoinResult> joined = transport->joined();
    QVERIFY(joined);
    QCOMPARE(joined->gateway.toString(), device.value(QStringLiteral("gateway")).toString());
    QCOMPARE(joined->localAddress.toString(), QStringLiteral("127.0.100.1"));
    QCOMPARE(transport->address(), QStringLiteral("%1:%2").arg(joined->gateway.toString()).arg(m_port));
    // While joined, NetworkManager shows the volatile connection on wlan0.
    const QJsonObject during = m_sim.state();
    const QJsonObject wlan0 = during.value(QStringLiteral("interfaces")).toArray().first().toObject();
    QVERIFY(wlan0.value(QStringLiteral("volatile")).toBool());

    const Result<ProvisionResult> result = provisioner.provision(homeNetwork())->waitForResult(kWaitMs);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QCOMPARE(result->outcome, ProvisionOutcome::Connected);

    // Every request reached the device's own gateway from the joined interface's address.
    const QStringList http = m_sim.journal(QStringLiteral("http "));
    QVERIFY(!http.isEmpty());
    for (const QString &line : http)
        QVERIFY2(line.contains(QLatin1String("from 127.0.100.1")), qPrintable(line));
    QVERIFY(m_sim.journal(QStringLiteral("http-refused")).isEmpty());

    QVERIFY(transport->leave()->waitForResult(15000));
    verifyRestored();
}

void TestSoftAp::softApPasswordChecked()
{
    const auto sim = startFleet(QStringLiteral("fleet-password.json"),
        QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_5EC0A1") },
            { QStringLiteral("sec_ver"), 0 },
            { QStringLiteral("softap_password"), QLatin1String(kSoftApPassword) } });
    QCOMPARE(sim.value(QStringLiteral("PROV_5EC0A1")).value(QStringLiteral("softap_security")).toString(),
        QStringLiteral("wpa2"));

    // No password for a WPA2 SoftAP: refused before NetworkManager is asked to join.
    SoftApLink link;
    QElapsedTimer clock;
    clock.start();
    Result<SoftApJoinResult> r = link.join(joinRequest(QStringLiteral("PROV_5EC0A1")))
                                     ->waitForResult(kWaitMs);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::SoftApAuthFailed);
    QVERIFY(m_sim.journal(QStringLiteral("AddAndActivateConnection2")).isEmpty());

    // A wrong one: NetworkManager's no-secrets failure, within the join timeout, and wlan0 back on Home.
    SoftApJoinRequest wrong = joinRequest(QStringLiteral("PROV_5EC0A1"), 6000);
    wrong.password = "wrong-pass-2";
    clock.restart();
    r = link.join(wrong)->waitForResult(kWaitMs);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::SoftApAuthFailed);
    QVERIFY2(clock.elapsed() < 6000 + 1000, qPrintable(QString::number(clock.elapsed())));
    verifyRestored();

    // The right one joins.
    SoftApJoinRequest right = joinRequest(QStringLiteral("PROV_5EC0A1"));
    right.password = kSoftApPassword;
    r = link.join(right)->waitForResult(kWaitMs);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QCOMPARE(link.previousConnectionId(), QStringLiteral("Home"));
    QVERIFY(leave(link));
    verifyRestored();

    // The fake saw the passwords; its journal masks them, and so does everything this process logged.
    for (const QString &line : m_sim.journal()) {
        QVERIFY2(
            !line.contains(QLatin1String(kSoftApPassword)) && !line.contains(QLatin1String("wrong-pass-2")),
            qPrintable(line));
    }
}

void TestSoftAp::joinFailuresAreTypedAndRestore_data()
{
    QTest::addColumn<QStringList>("simArgs");
    QTest::addColumn<QString>("ssid"); // "" = the device's
    QTest::addColumn<int>("timeoutMs");
    QTest::addColumn<ErrorCode>("expected");
    QTest::addColumn<bool>("homeStays"); // NetworkManager refused before touching wlan0

    QTest::newRow("activation hangs")
        << QStringList { QStringLiteral("--nm-scenario"), QStringLiteral("activation-hang") } << QString()
        << 1500 << ErrorCode::JoinTimeout << false;
    QTest::newRow("DHCP never completes")
        << QStringList { QStringLiteral("--nm-scenario"), QStringLiteral("dhcp-hang") } << QString() << 1500
        << ErrorCode::DhcpTimeout << false;
    QTest::newRow("no such access point")
        << QStringList {} << QStringLiteral("PROV_NOPE00") << 6000 << ErrorCode::AccessPointNotFound << true;
    QTest::newRow("permission denied")
        << QStringList { QStringLiteral("--nm-scenario"), QStringLiteral("permission-denied") } << QString()
        << 6000 << ErrorCode::PermissionDenied << true;
    QTest::newRow("Wi-Fi disabled") << QStringList { QStringLiteral("--nm-scenario"),
        QStringLiteral("wifi-disabled") }
                                    << QString() << 6000 << ErrorCode::WifiDisabled << true;
    QTest::newRow("no Wi-Fi interface")
        << QStringList { QStringLiteral("--nm-interfaces"), QStringLiteral("0") } << QString() << 6000
        << ErrorCode::NoWifiInterface << true;
    QTest::newRow("NetworkManager absent")
        << QStringList {} << QString() << 6000 << ErrorCode::Unavailable << true;
}

void TestSoftAp::joinFailuresAreTypedAndRestore()
{
    QFETCH(QStringList, simArgs);
    QFETCH(QString, ssid);
    QFETCH(int, timeoutMs);
    QFETCH(ErrorCode, expected);
    QFETCH(bool, homeStays);
    const bool absent = expected == ErrorCode::Unavailable;
    QString name = QStringLiteral("PROV_ABSENT");
    if (!absent) {
        const auto sim = start(QStringList { QStringLiteral("--devices"), QStringLiteral("1") } + simArgs);
        QCOMPARE(sim.size(), 1);
        name = sim.keys().first();
    }
    SoftApLink link;
    QElapsedTimer clock;
    clock.start();
    const Result<SoftApJoinResult> r = link.join(joinRequest(ssid.isEmpty() ? name : ssid, timeoutMs))
                                           ->waitForResult(kWaitMs);
    QVERIFY(!r);
    QVERIFY2(r.error().code == expected, qPrintable(r.error().toString()));
    QVERIFY2(clock.elapsed() < timeoutMs + 1000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(!link.isJoined());
    if (absent)
        return;
    if (homeStays && expected != ErrorCode::NoWifiInterface)
        QVERIFY(m_sim.journal(QStringLiteral("ActivateConnection ")).isEmpty()); // nothing to bring back
    if (expected != ErrorCode::NoWifiInterface && expected != ErrorCode::WifiDisabled)
        verifyRestored();
}

void TestSoftAp::scannerErrorsAreTyped_data()
{
    QTest::addColumn<QStringList>("simArgs");
    QTest::addColumn<ErrorCode>("expected");
    QTest::addColumn<int>("listed"); // access points still reported
    QTest::newRow("permission denied")
        << QStringList { QStringLiteral("--nm-scenario"), QStringLiteral("permission-denied") }
        << ErrorCode::PermissionDenied << 2;
    QTest::newRow("Wi-Fi disabled") << QStringList { QStringLiteral("--nm-scenario"),
        QStringLiteral("wifi-disabled") }
                                    << ErrorCode::WifiDisabled << 0;
    QTest::newRow("no Wi-Fi interface")
        << QStringList { QStringLiteral("--nm-interfaces"), QStringLiteral("0") }
        << ErrorCode::NoWifiInterface << 0;
    QTest::newRow("NetworkManager absent") << QStringList {} << ErrorCode::Unavailable << 0;
}

void TestSoftAp::scannerErrorsAreTyped()
{
    QFETCH(QStringList, simArgs);
    QFETCH(ErrorCode, expected);
    QFETCH(int, listed);
    if (expected != ErrorCode::Unavailable)
        QCOMPARE(start(QStringList { QStringLiteral("--devices"), QStringLiteral("2") } + simArgs).size(), 2);
    SoftApScanner scanner;
    QSignalSpy finished(&scanner, &SoftApScanner::scanFinished);
    QSignalSpy errors(&scanner, &SoftApScanner::errorOccurred);
    scanner.start();
    QVERIFY(finished.wait(kWaitMs));
    QCOMPARE(errors.count(), 1);
    const Error e = errors.first().first().value<Error>();
    QVERIFY2(e.code == expected, qPrintable(e.toString()));
    QTRY_COMPARE_WITH_TIMEOUT(int(scanner.accessPoints().size()), listed, 3000);
}

void TestSoftAp::accessPointVanishingAfterApply_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<AfterApplyLinkClosed>("rule");
    QTest::addColumn<ProvisionOutcome>("expected");
    QTest::newRow("moves: confirmed after re-joining")
        << QStringLiteral("ap-moves-after-apply") << AfterApplyLinkClosed::Confirm
        << ProvisionOutcome::ConfirmedAfterReconnect;
    QTest::newRow("vanishes: unconfirmed") << QStringLiteral("ap-vanish-after-apply")
                                           << AfterApplyLinkClosed::Confirm << ProvisionOutcome::Unconfirmed;
    QTest::newRow("vanishes: reported")
        << QStringLiteral("ap-vanish-after-apply") << AfterApplyLinkClosed::Report
        << ProvisionOutcome::AppliedLinkClosed;
}

void TestSoftAp::accessPointVanishingAfterApply()
{
    QFETCH(QString, scenario);
    QFETCH(AfterApplyLinkClosed, rule);
    QFETCH(ProvisionOutcome, expected);
    // The device takes a while to join the home network, so the access point goes while the client polls.
    const auto sim = start({ QStringLiteral("--devices"), QStringLiteral("1"), QStringLiteral("--sec-ver"),
        QStringLiteral("0"), QStringLiteral("--connect-delay"), QStringLiteral("1500"),
        QStringLiteral("--nm-scenario"), scenario });
    QCOMPARE(sim.size(), 1);
    TransportConfig config;
    config.softApSsid = sim.keys().first();
    config.port = m_port;
    config.softApJoinTimeoutMs = 8000;
    config.requestTimeoutMs = 2000;
    auto made = makeTransport(config);
    QVERIFY(made);
    auto *transport = qobject_cast<SoftApTransport *>(made->get());
    QVERIFY(transport);
    QSignalSpy closed(transport, &Transport::linkClosed);
    Provisioner provisioner(transport);
    QVERIFY(provisioner.connectDevice()->waitForResult(kWaitMs));
    ProvisionOptions options;
    options.afterApplyLinkClosed = rule;
    options.connectTimeoutMs = 15000;
    const Result<ProvisionResult> r = provisioner.provision(homeNetwork(), options)->waitForResult(kWaitMs);
    QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
    QVERIFY(closed.count() >= 1);
    QCOMPARE(r->outcome, expected);
    QVERIFY(transport->leave()->waitForResult(15000));
    verifyRestored();
}

void TestSoftAp::trayOfSixOnTwoInterfaces()
{
    const auto sim = start(
        { QStringLiteral("--devices"), QStringLiteral("6"), QStringLiteral("--sec-ver"), QStringLiteral("2"),
            QStringLiteral("--sec2-username"), QStringLiteral("wifiprov"), QStringLiteral("--sec2-pwd"),
            QLatin1String(kPop), QStringLiteral("--nm-interfaces"), QStringLiteral("2") });
    QCOMPARE(sim.size(), 6);
    auto profile = softApProfile("softap-tray", 2, "prompt", 2);
    QVERIFY2(profile, qPrintable(profile ? QString() : profile.error().toString()));
    QTemporaryDir dir;
    auto store = RecordStore::openSqlite(dir.filePath(QStringLiteral("record.db")));
    QVERIFY(store);
    StoreRecordSink sink(store->get());

    SoftApScanner scanner;
    QSignalSpy scanned(&scanner, &SoftApScanner::scanFinished);
    scanner.start();
    QVERIFY(scanned.wait(kWaitMs));
    QCOMPARE(scanner.interfaces().size(), 2);
    QStringList interfaces;
    for (const WifiInterfaceInfo &i : scanner.interfaces())
        interfaces.append(i.name);

    LaneEngine engine;
    addJobKinds(engine, interfaces);
    engine.setRecordSink(&sink);
    BatchSettings settings;
    settings.profile = *profile;
    settings.secrets.passphrase = kPassphrase;
    settings.secrets.credentials.password = kPop;
    settings.station = QStringLiteral("softap-station");
    settings.lanes = int(interfaces.size());
    QVERIFY(engine.start(settings));
    QCOMPARE(engine.laneCount(), 2);
    // Two access points per interface name: each device is offered once per interface; the engine dedupes.
    for (const SoftApInfo &ap : scanner.accessPoints())
        QVERIFY2(engine.offer(LineDevice::fromSoftApScan(ap)), qPrintable(ap.ssid));
    QCOMPARE(engine.counters().total(), 6);
    engine.finish();
    QSignalSpy ended(&engine, &LaneEngine::batchEnded);
    QVERIFY(engine.state() == LineState::Finished || ended.wait(120000));
    QCOMPARE(engine.counters().succeeded, 6);

    // Both interfaces carried devices; every request came from a joined interface's address.
    const QStringList http = m_sim.journal(QStringLiteral("http "));
    QVERIFY(std::any_of(http.cbegin(), http.cend(),
        [](const QString &l) { return l.contains(QLatin1String("from 127.0.100.1")); }));
    QVERIFY(std::any_of(http.cbegin(), http.cend(),
        [](const QString &l) { return l.contains(QLatin1String("from 127.0.100.2")); }));
    QVERIFY(m_sim.journal(QStringLiteral("http-refused")).isEmpty());
    auto rows = store.value()->query(RecordFilter {});
    QVERIFY(rows);
    QCOMPARE(rows->size(), 6);
    for (const ProvisioningRecord &row : *rows) {
        QCOMPARE(row.end.outcome, RecordOutcome::Provisioned);
        QCOMPARE(row.start.transport, QStringLiteral("softap"));
    }
    // Each interface is back where it was: wlan0 on Home, wlan1 on nothing.
    verifyRestored(QStringLiteral("wlan0"), QStringLiteral("Home"));
    verifyRestored(QStringLiteral("wlan1"), QString());
}

void TestSoftAp::stickerFirstThenWifiScanJoins()
{
    // A sticker scanned before the Wi-Fi scan found the device: the device waits without an address,
    // then the scan's BSSID makes it a SoftAP to join (the job kind is chosen again), and the sticker's
    // SoftAP password opens it.
    QCOMPARE(startFleet(QStringLiteral("fleet-sticker.json"),
                 QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_5C0001") },
                     { QStringLiteral("sec_ver"), 1 }, { QStringLiteral("pop"), QLatin1String(kPop) },
                     { QStringLiteral("softap_password"), QLatin1String(kSoftApPassword) } })
                 .size(),
        1);
    auto profile = softApProfile("softap-stickers", 1, "qr", 1);
    QVERIFY2(profile, qPrintable(profile ? QString() : profile.error().toString()));
    LaneEngine engine;
    addJobKinds(engine);
    BatchSettings settings;
    settings.profile = *profile;
    settings.secrets.passphrase = kPassphrase;
    settings.lanes = 1;
    QVERIFY(engine.start(settings));

    LineDevice sticker;
    sticker.serviceName = QStringLiteral("PROV_5C0001");
    sticker.transport = TransportKind::SoftAp;
    sticker.source = QStringLiteral("qr");
    sticker.credentials.pop = kPop;
    sticker.credentials.softApPassword = kSoftApPassword;
    sticker.credentialsGiven = true;
    QVERIFY(engine.offer(sticker));
    QCOMPARE(engine.device(sticker.key())->state, LineDeviceState::Waiting);

    SoftApScanner scanner;
    QSignalSpy scanned(&scanner, &SoftApScanner::scanFinished);
    scanner.start();
    QVERIFY(scanned.wait(kWaitMs));
    QCOMPARE(scanner.accessPoints().size(), 1);
    QVERIFY(engine.offer(LineDevice::fromSoftApScan(scanner.accessPoints().first())));
    engine.finish();
    QSignalSpy ended(&engine, &LaneEngine::batchEnded);
    QVERIFY(engine.state() == LineState::Finished || ended.wait(60000));
    const auto status = engine.device(sticker.key());
    QVERIFY2(status->state == LineDeviceState::Succeeded,
        qPrintable(status->lastError ? status->lastError->toString() : QString()));
    QVERIFY(!m_sim.journal(QStringLiteral("http PROV_5C0001 from 127.0.100.1")).isEmpty());
    verifyRestored();
}

QTEST_GUILESS_MAIN(TestSoftAp)
#include "tst_softap.moc"
