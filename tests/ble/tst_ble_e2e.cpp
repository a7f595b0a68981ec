// SPDX-License-Identifier: Apache-2.0
// Whole provisioning over BLE: BleScanner finds the devices, BleTransport + Provisioner run
// proto-ver, the Security 1/2 handshake, a Wi-Fi scan paged 4 entries at a time (§7.4, §9.3),
// SetConfig/Apply/GetStatus, a custom endpoint; a device that drops the link after Apply
// (§7.6); and 8 devices provisioned in parallel, each with its own session.

#include "bletesthelpers.h"

#include "prov/bleconnectionlimit.h"
#include "prov/bletransport.h"

#include <QElapsedTimer>

using namespace prov;
using namespace prov::test;

namespace {
/// One device's client side.
struct Session
{
    std::unique_ptr<BleTransport> transport;
    std::unique_ptr<Provisioner> provisioner;
};

Session open(const BleDeviceInfo &device, int secVer, BleConnectionLimit *limit = nullptr)
{
    Session s;
    s.transport = std::make_unique<BleTransport>(device.address, device.primaryServiceUuid(), limit);
    s.transport->setTimeout(2000);
    s.transport->setConnectTimeout(3000);
    s.provisioner = std::make_unique<Provisioner>(s.transport.get());
    s.provisioner->setSecurityOptions(credentialsFor(secVer));
    return s;
}
} // namespace

class TestBleE2E : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void provisionsWithScanOverBle_data();
    void provisionsWithScanOverBle();
    void customEndpointRoundTrip();
    void wrongPasswordIsAnAuthenticationFailure_data();
    void wrongPasswordIsAnAuthenticationFailure();
    void pairingRequiredEndsTheConnect();
    void linkDropMidSessionIsDisconnectedAndRecovers();
    void linkClosedAfterApply_data();
    void linkClosedAfterApply();
    void provisionWifiConfirmsAfterTheLinkDrop();
    void provisionsEightDevicesInParallel();

private:
    QList<BleDeviceInfo> startDevices(const QStringList &args);
    PrivateBus m_bus;
};

void TestBleE2E::initTestCase()
{
    QVERIFY2(m_bus.start(), qPrintable(m_bus.error()));
}

void TestBleE2E::cleanupTestCase()
{
    m_bus.stop();
}

void TestBleE2E::cleanup()
{
    m_bus.stopSim();
}

QList<BleDeviceInfo> TestBleE2E::startDevices(const QStringList &args)
{
    return startAndScan(m_bus, args);
}

void TestBleE2E::provisionsWithScanOverBle_data()
{
    QTest::addColumn<int>("secVer");
    QTest::newRow("Security 1") << 1;
    QTest::newRow("Security 2") << 2;
}

void TestBleE2E::provisionsWithScanOverBle()
{
    QFETCH(int, secVer);
    // Ten networks: ScanResult pages of 4 -> 3 requests (4 + 4 + 2).
    QStringList args { QStringLiteral("--sec-ver"), QString::number(secVer) };
    for (int i = 0; i < 9; ++i)
        args << QStringLiteral("--ap")
             << QStringLiteral("net%1,password%1,WPA2-PSK,%2,-%3").arg(i).arg(1 + i).arg(50 + i);
    args << QStringLiteral("--ap") << QStringLiteral("myssid,mypassword,WPA2-PSK,6,-40");
    const auto devices = startDevices(args);
    QCOMPARE(devices.size(), 1);
    QVERIFY(devices.first().name.startsWith(QLatin1String("PROV_")));
    Session s = open(devices.first(), -1); // the scheme comes from proto-ver
    QSignalSpy steps(s.provisioner.get(), &Provisioner::stepChanged);

    const auto info = s.provisioner->connectDevice()->waitForResult(kWaitMs);
    QVERIFY2(info, describe(info).constData());
    QCOMPARE(info->secVer, secVer);
    ScanOptions scan;
    scan.groupChannels = 0; // esp_prov on BLE (§9.3)
    scan.pageSize = 16; // asked for more: the BLE transport caps it at 4
    const auto networks = s.provisioner->scanWifi(scan)->waitForResult(kWaitMs);
    QVERIFY2(networks, describe(networks).constData());
    QCOMPARE(networks->size(), 10);
    QCOMPARE(networks->first().ssid, QByteArray("myssid")); // strongest first
    const QStringList scanWrites = m_bus.journal(QStringLiteral("WriteValue "))
                                       .filter(QStringLiteral("endpoint=prov-scan"));
    // ScanStart + ScanStatus + 3 x ScanResult (count 4, 4, 2).
    QCOMPARE(scanWrites.size(), 5);

    const auto status = s.provisioner->provisionWifi(homeNetwork(), fastProvisioning())
                            ->waitForResult(kWaitMs);
    QVERIFY2(status, describe(status).constData());
    QCOMPARE(status->state, WifiState::Connected);
    QCOMPARE(status->ssid, QByteArray("myssid"));
    QVERIFY(!status->ip4.isEmpty());

    // Every exchange: WriteValue type=request, then ReadValue of the same characteristic.
    QStringList gatt;
    for (const QString &line : m_bus.journal()) {
        if ((line.startsWith(QLatin1String("WriteValue ")) || line.startsWith(QLatin1String("ReadValue ")))
            && !line.contains(QLatin1String("descriptor=")))
            gatt.append(line);
    }
    QVERIFY(gatt.size() >= 2 * (2 + 5 + 3));
    for (int i = 0; i + 1 < gatt.size(); i += 2) {
        QVERIFY2(gatt.at(i).startsWith(QLatin1String("WriteValue "))
                && gatt.at(i).contains(QLatin1String("type=request")),
            qPrintable(gatt.at(i)));
        QVERIFY2(gatt.at(i + 1).startsWith(QLatin1String("ReadValue ")), qPrintable(gatt.at(i + 1)));
        QCOMPARE(gatt.at(i + 1).section(QLatin1Char(' '), 1, 1), gatt.at(i).section(QLatin1Char(' '), 1, 1));
    }
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), 1); // one link, one session (§7.6)
    // No secret crosses the bus in clear.
    for (const QString &line : m_bus.journal()) {
        QVERIFY(!line.contains(QLatin1String("mypassword")));
        QVERIFY(!line.contains(QLatin1String(kSec2Password)));
    }
}

void TestBleE2E::customEndpointRoundTrip()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("2") });
    QCOMPARE(devices.size(), 1);
    Session s = open(devices.first(), 2);
    const auto r = s.provisioner->customRequest(QStringLiteral("custom-data"), "hello")
                       ->waitForResult(kWaitMs);
    QVERIFY2(r, describe(r).constData());
    QCOMPARE(*r, QByteArray("SUCCESS", 8)); // strlen + 1: the example handler's NUL (§9.5)
    QCOMPARE(
        m_bus.journal(QStringLiteral("WriteValue ")).filter(QStringLiteral("endpoint=custom-data")).size(),
        1);
}

void TestBleE2E::wrongPasswordIsAnAuthenticationFailure_data()
{
    QTest::addColumn<int>("secVer");
    QTest::newRow("Security 1, wrong PoP") << 1;
    QTest::newRow("Security 2, wrong password") << 2;
}

void TestBleE2E::wrongPasswordIsAnAuthenticationFailure()
{
    QFETCH(int, secVer);
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QString::number(secVer) });
    QCOMPARE(devices.size(), 1);
    Session s = open(devices.first(), secVer);
    SecurityOptions wrong = credentialsFor(secVer);
    wrong.password = "not-the-password";
    wrong.pop = "not-the-pop";
    s.provisioner->setSecurityOptions(wrong);
    const auto r = s.provisioner->connectDevice()->waitForResult(kWaitMs);
    QVERIFY(!r);
    // The device drops the link on a failed handshake (Bluedroid, §7.6): that is a refusal of
    // our proof, not a transport problem.
    QCOMPARE(r.error().code, ErrorCode::AuthenticationFailed);
    QVERIFY(!r.error().detail.contains(QLatin1String("not-the")));
}

void TestBleE2E::pairingRequiredEndsTheConnect()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("2"),
        QStringLiteral("--ble-scenario"), QStringLiteral("not-permitted") });
    QCOMPARE(devices.size(), 1);
    Session s = open(devices.first(), 2);
    const auto r = s.provisioner->connectDevice()->waitForResult(kWaitMs);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::PairingRequired);
    QVERIFY2(r.error().detail.contains(QLatin1String("NotPermitted")), qPrintable(r.error().detail));
}

void TestBleE2E::linkDropMidSessionIsDisconnectedAndRecovers()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("2"),
        QStringLiteral("--ble-scenario"), QStringLiteral("disconnect-mid-exchange:prov-config:1") });
    QCOMPARE(devices.size(), 1);
    Session s = open(devices.first(), 2);
    QSignalSpy closed(s.transport.get(), &Transport::linkClosed);
    QVERIFY(s.provisioner->connectDevice()->waitForResult(kWaitMs));
    const auto first = s.provisioner->wifiStatus()->waitForResult(kWaitMs);
    QVERIFY(!first);
    QCOMPARE(first.error().code, ErrorCode::Disconnected);
    QCOMPARE(closed.size(), 1);
    // The next operation reconnects and redoes the handshake on the new link (§7.6).
    const auto second = s.provisioner->wifiStatus()->waitForResult(kWaitMs);
    QVERIFY2(second, describe(second).constData());
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), 2);
}

void TestBleE2E::linkClosedAfterApply_data()
{
    QTest::addColumn<int>("policy");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<int>("connects");
    QTest::newRow("confirm") << int(AfterApplyLinkClosed::Confirm)
                             << int(ProvisionOutcome::ConfirmedAfterReconnect) << 2;
    QTest::newRow("report") << int(AfterApplyLinkClosed::Report) << int(ProvisionOutcome::AppliedLinkClosed)
                            << 1;
}

void TestBleE2E::linkClosedAfterApply()
{
    QFETCH(int, policy);
    QFETCH(int, outcome);
    QFETCH(int, connects);
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("2"),
        QStringLiteral("--ble-scenario"), QStringLiteral("drop-after-apply") });
    QCOMPARE(devices.size(), 1);
    Session s = open(devices.first(), 2);
    ProvisionOptions options = fastProvisioning();
    options.firstPollDelayMs = 50; // the device drops the link right after answering Apply
    options.afterApplyLinkClosed = AfterApplyLinkClosed(policy);
    const auto r = s.provisioner->provision(homeNetwork(), options)->waitForResult(kWaitMs);
    QVERIFY2(r, describe(r).constData());
    QCOMPARE(int(r->outcome), outcome);
    if (r->outcome == ProvisionOutcome::ConfirmedAfterReconnect) {
        QCOMPARE(r->status.state, WifiState::Connected);
        QCOMPARE(r->status.ssid, QByteArray("myssid"));
    } else {
        QVERIFY(!r->confirmationError);
    }
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), connects);
    QCOMPARE(
        m_bus.journal(QStringLiteral("event disconnected")).filter(QStringLiteral("drop-after-apply")).size(),
        1);
}

void TestBleE2E::provisionWifiConfirmsAfterTheLinkDrop()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("1"),
        QStringLiteral("--ble-scenario"), QStringLiteral("drop-after-apply") });
    QCOMPARE(devices.size(), 1);
    Session s = open(devices.first(), 1);
    // The default policy (Confirm) hands provisionWifi()'s callers a plain Connected.
    const auto status = s.provisioner->provisionWifi(homeNetwork(), fastProvisioning())
                            ->waitForResult(kWaitMs);
    QVERIFY2(status, describe(status).constData());
    QCOMPARE(status->state, WifiState::Connected);
    // With Fail, the same drop is an error, as over HTTP.
    cleanup();
    const auto again = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("1"),
        QStringLiteral("--ble-scenario"), QStringLiteral("drop-after-apply") });
    Session t = open(again.first(), 1);
    ProvisionOptions fail = fastProvisioning();
    fail.afterApplyLinkClosed = AfterApplyLinkClosed::Fail;
    const auto failed = t.provisioner->provisionWifi(homeNetwork(), fail)->waitForResult(kWaitMs);
    QVERIFY(!failed);
    QCOMPARE(failed.error().code, ErrorCode::Disconnected);
}

void TestBleE2E::provisionsEightDevicesInParallel()
{
    constexpr int kDevices = 8;
    const auto devices = startDevices({ QStringLiteral("--devices"), QString::number(kDevices),
        QStringLiteral("--sec-ver"), QStringLiteral("2"), QStringLiteral("--ble-connect-delay"),
        QStringLiteral("30"), QStringLiteral("--ble-op-delay"), QStringLiteral("5") });
    QCOMPARE(devices.size(), kDevices);
    BleConnectionLimit limit(kDevices);
    std::vector<Session> sessions;
    for (const BleDeviceInfo &d : devices)
        sessions.push_back(open(d, 2, &limit));
    QList<std::optional<Result<WifiStatus>>> results(kDevices);
    int maxActive = 0;
    connect(&limit, &BleConnectionLimit::countsChanged, this,
        [&] { maxActive = std::max(maxActive, limit.activeCount()); });
    QElapsedTimer clock;
    clock.start();
    for (int i = 0; i < kDevices; ++i) {
        auto *op = sessions.at(size_t(i)).provisioner->provisionWifi(homeNetwork(), fastProvisioning());
        connect(op, &PendingOperation::finished, this, [&results, op, i] { results[i] = op->result(); });
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(results.cbegin(), results.cend(), [](const auto &r) { return r.has_value(); }), 15000);
    const qint64 elapsed = clock.elapsed();
    for (int i = 0; i < kDevices; ++i) {
        const Result<WifiStatus> &r = *results.at(i);
        QVERIFY2(r, describe(r).constData());
        QCOMPARE(r->state, WifiState::Connected);
    }
    QVERIFY2(maxActive > 1, "the sessions never overlapped");
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), kDevices);
    qInfo("8 devices provisioned in parallel in %lld ms (up to %d links at once)", elapsed, maxActive);
}

QTEST_GUILESS_MAIN(TestBleE2E)
#include "tst_ble_e2e.moc"
