// SPDX-License-Identifier: Apache-2.0
// provctl as a whole process against prov-sim on 127.0.0.1: exit codes per error class, --json
// output, esp_prov's underscore flags, and no secret on stdout or stderr. SoftAP by SSID: the
// HOST:PORT-vs-SSID rule and the SoftAP password's way in (no NetworkManager needed; the children never
// see the real system bus).

#include "privatebus.h"
#include "servicename.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QTest>

namespace {
struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

/// A system bus address where nothing listens: a child that tries NetworkManager gets no bus, never
/// the machine's.
QString noSystemBus()
{
    static const QTemporaryDir dir;
    return QStringLiteral("unix:path=%1/no-system-bus").arg(dir.path());
}

/// Runs provctl with `input` on its stdin (closed after it) and the system bus at `systemBus`
/// (default: none).
Run runProvctl(const QStringList &args, const QByteArray &input = {}, const QString &systemBus = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SYSTEM_BUS_ADDRESS"), systemBus.isEmpty() ? noSystemBus() : systemBus);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(PROV_CTL_PATH), args);
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    Run r;
    if (!p.waitForFinished(30000)) {
        p.kill();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}
} // namespace

class TestProvctl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void provisionsWithEspProvFlagsAndJson();
    void wrongPassphraseExitsWithWifiAuthCode();
    void wrongPasswordExitsWithAuthenticationCode();
    void unreachableDeviceExitsWithUnreachableCode();
    void badUsageExitsWithUsageCode();
    void qrCommandMasksSecrets();
    void transportNameIsCaseInsensitive();
    void softApServiceNameIsAddressOrSsid_data();
    void softApServiceNameIsAddressOrSsid();
    void softApSsidIsJoinedAndAddressIsNot();
    void softApPasswordValueOnCommandLineIsRefused();
    void softApPasswordIsReadFromStdinAndNeverPrinted();
    void scanDevicesSoftApWithoutNetworkManagerExitsUnreachable();

private:
    QString service(int index) const { return QStringLiteral("127.0.0.1:%1").arg(m_ports.value(index)); }
    QProcess m_sim;
    QList<int> m_ports;
};

void TestProvctl::initTestCase()
{
    m_sim.start(QStringLiteral(PROV_SIM_PATH),
        { QStringLiteral("--devices"), QStringLiteral("3"), QStringLiteral("--connect-delay"),
            QStringLiteral("0"), QStringLiteral("--dhcp-delay"), QStringLiteral("0"),
            QStringLiteral("--sec2-pwd"), QStringLiteral("s3cret-pw") });
    QVERIFY(m_sim.waitForStarted(5000));
    while (m_ports.size() < 3 && (m_sim.canReadLine() || m_sim.waitForReadyRead(5000))) {
        const QJsonObject line = QJsonDocument::fromJson(m_sim.readLine()).object();
        if (line.contains(QStringLiteral("port")))
            m_ports << line.value(QStringLiteral("port")).toInt();
    }
    QCOMPARE(m_ports.size(), 3);
}

void TestProvctl::cleanupTestCase()
{
    m_sim.terminate();
    if (!m_sim.waitForFinished(3000))
        m_sim.kill();
}

void TestProvctl::provisionsWithEspProvFlagsAndJson()
{
    const Run r = runProvctl({ QStringLiteral("--transport"), QStringLiteral("softap"),
        QStringLiteral("--service_name"), service(0), QStringLiteral("--sec_ver"), QStringLiteral("2"),
        QStringLiteral("--sec2_username"), QStringLiteral("wifiprov"), QStringLiteral("--sec2_pwd"),
        QStringLiteral("s3cret-pw"), QStringLiteral("--ssid"), QStringLiteral("myssid"),
        QStringLiteral("--passphrase"), QStringLiteral("mypassword"), QStringLiteral("--poll-interval"),
        QStringLiteral("50"), QStringLiteral("--json") });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject result = QJsonDocument::fromJson(r.out).object();
    QVERIFY(result.value(QStringLiteral("ok")).toBool());
    const QJsonObject status = result.value(QStringLiteral("status")).toObject();
    QCOMPARE(status.value(QStringLiteral("state")).toString(), QStringLiteral("Connected"));
    QCOMPARE(status.value(QStringLiteral("ssid")).toString(), QStringLiteral("myssid"));
    QVERIFY(!status.value(QStringLiteral("ip4")).toString().isEmpty());
    for (const QByteArray &secret : { QByteArray("mypassword"), QByteArray("s3cret-pw") }) {
        QVERIFY(!r.out.contains(secret));
        QVERIFY(!r.err.contains(secret));
    }
}

void TestProvctl::wrongPassphraseExitsWithWifiAuthCode()
{
    const Run r = runProvctl({ QStringLiteral("provision"), QStringLiteral("--service-name"), service(1),
        QStringLiteral("--sec2-username"), QStringLiteral("wifiprov"), QStringLiteral("--sec2-pwd"),
        QStringLiteral("s3cret-pw"), QStringLiteral("--ssid"), QStringLiteral("myssid"),
        QStringLiteral("--passphrase"), QStringLiteral("wrong-pass"), QStringLiteral("--poll-interval"),
        QStringLiteral("50"), QStringLiteral("--json") });
    QCOMPARE(r.exitCode, 40);
    const QJsonObject error = QJsonDocument::fromJson(r.out)
                                  .object()
                                  .value(QStringLiteral("error"))
                                  .toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("wifi_auth_error"));
    QVERIFY(!r.err.contains("wrong-pass"));
}

void TestProvctl::wrongPasswordExitsWithAuthenticationCode()
{
    const Run r = runProvctl({ QStringLiteral("status"), QStringLiteral("--service-name"), service(2),
        QStringLiteral("--sec2-username"), QStringLiteral("wifiprov"), QStringLiteral("--sec2-pwd"),
        QStringLiteral("not-it") });
    QCOMPARE(r.exitCode, 30);
    QVERIFY(r.err.contains("authentication_failed"));
}

void TestProvctl::unreachableDeviceExitsWithUnreachableCode()
{
    const Run r = runProvctl({ QStringLiteral("status"), QStringLiteral("--service-name"),
        QStringLiteral("127.0.0.1:1"), QStringLiteral("--sec-ver"), QStringLiteral("0") });
    QCOMPARE(r.exitCode, 10);
}

void TestProvctl::badUsageExitsWithUsageCode()
{
    QCOMPARE(runProvctl({ QStringLiteral("provision") }).exitCode, 2); // no --service-name
    QCOMPARE(
        runProvctl({ QStringLiteral("frobnicate"), QStringLiteral("--service-name"), service(0) }).exitCode,
        2);
}

void TestProvctl::qrCommandMasksSecrets()
{
    const Run r = runProvctl({ QStringLiteral("qr"), QStringLiteral("--qr"),
        QStringLiteral(R"({"ver":"v1","name":"PROV_1A2B3C","pop":"abcd1234","transport":"ble"})") });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("PROV_1A2B3C"));
    QVERIFY(!r.out.contains("abcd1234"));
    const Run bad = runProvctl({ QStringLiteral("qr"), QStringLiteral("--qr"), QStringLiteral("{not json") });
    QCOMPARE(bad.exitCode, 2);
}

void TestProvctl::transportNameIsCaseInsensitive()
{
    // --transport goes through transportKindFromName(): any case, and esp_prov's "httpd" for softap.
    for (const QString &name : { QStringLiteral("SoftAP"), QStringLiteral("HTTPD") }) {
        const Run r = runProvctl(
            { QStringLiteral("status"), QStringLiteral("--transport"), name, QStringLiteral("--service-name"),
                service(2), QStringLiteral("--sec2-username"), QStringLiteral("wifiprov"),
                QStringLiteral("--sec2-pwd"), QStringLiteral("s3cret-pw"), QStringLiteral("--json") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("command")).toString(),
            QStringLiteral("status"));
    }
    // BLE without a name: the BLE usage text, so "Ble" was read as BLE.
    const Run ble = runProvctl(
        { QStringLiteral("status"), QStringLiteral("--transport"), QStringLiteral("Ble") });
    QCOMPARE(ble.exitCode, 2);
    QVERIFY2(ble.err.contains("--service-name NAME"), ble.err.constData());
    const Run bogus = runProvctl({ QStringLiteral("status"), QStringLiteral("--transport"),
        QStringLiteral("wifi"), QStringLiteral("--service-name"), service(2) });
    QCOMPARE(bogus.exitCode, 2);
    QVERIFY2(bogus.err.contains("--transport must be softap or ble, got 'wifi'"), bogus.err.constData());
}

void TestProvctl::softApServiceNameIsAddressOrSsid_data()
{
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("kind"); // "address", "ssid" or "invalid"
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    // esp_prov's meaning stays: anything with a ':' or a '.' (or localhost) is where the device answers.
    QTest::newRow("softap default") << "192.168.4.1:80"
                                    << "address"
                                    << "192.168.4.1" << 80;
    QTest::newRow("loopback sim") << "127.0.0.1:8080"
                                  << "address"
                                  << "127.0.0.1" << 8080;
    QTest::newRow("ip without port") << "192.168.4.1"
                                     << "address"
                                     << "192.168.4.1" << 80;
    QTest::newRow("dns name") << "esp32.local"
                              << "address"
                              << "esp32.local" << 80;
    QTest::newRow("dns name and port") << "esp32.local:8080"
                                       << "address"
                                       << "esp32.local" << 8080;
    QTest::newRow("single label with port") << "espdevice:80"
                                            << "address"
                                            << "espdevice" << 80;
    QTest::newRow("localhost") << "localhost"
                               << "address"
                               << "localhost" << 80;
    // Everything else is the SSID of the device's SoftAP.
    QTest::newRow("prov ssid") << "PROV_1A2B3C"
                               << "ssid"
                               << "" << 0;
    QTest::newRow("ssid with space") << "My Device"
                                     << "ssid"
                                     << "" << 0;
    QTest::newRow("ssid with dash") << "acme-sensor-01"
                                    << "ssid"
                                    << "" << 0;
    QTest::newRow("ssid of 32 bytes") << QString(32, u'A') << "ssid"
                                      << "" << 0;
    // Neither.
    QTest::newRow("bad port") << "192.168.4.1:0"
                              << "invalid"
                              << "" << 0;
    QTest::newRow("port not a number") << "foo:bar"
                                       << "invalid"
                                       << "" << 0;
    QTest::newRow("empty host") << ":80"
                                << "invalid"
                                << "" << 0;
    QTest::newRow("ble address") << "24:0A:C4:1A:2B:3C"
                                 << "invalid"
                                 << "" << 0;
    QTest::newRow("ssid of 33 bytes") << QString(33, u'A') << "invalid"
                                      << "" << 0;
    QTest::newRow("empty") << ""
                           << "invalid"
                           << "" << 0;
}

void TestProvctl::softApServiceNameIsAddressOrSsid()
{
    QFETCH(QString, service);
    QFETCH(QString, kind);
    QFETCH(QString, host);
    QFETCH(int, port);
    using Kind = provctl::SoftApService::Kind;
    const provctl::SoftApService s = provctl::classifySoftApService(service);
    const Kind expected = kind == u"address" ? Kind::Address : kind == u"ssid" ? Kind::Ssid : Kind::Invalid;
    QCOMPARE(s.kind, expected);
    if (expected == Kind::Address) {
        QCOMPARE(s.host, host);
        QCOMPARE(int(s.port), port);
    }
}

void TestProvctl::softApSsidIsJoinedAndAddressIsNot()
{
    // An SSID goes through the join (NetworkManager, absent here: the run fails, but not as a usage
    // error), an address straight to HTTP as esp_prov does.
    const Run ssid = runProvctl(
        { QStringLiteral("status"), QStringLiteral("--service-name"), QStringLiteral("PROV_T00001"),
            QStringLiteral("--sec-ver"), QStringLiteral("0"), QStringLiteral("--wifi-interface"),
            QStringLiteral("wlan7"), QStringLiteral("--join-timeout-ms"), QStringLiteral("2000") });
    QVERIFY2(ssid.exitCode != 0 && ssid.exitCode != 2, ssid.err.constData());
    QVERIFY2(
        ssid.err.contains("device PROV_T00001 (softap SSID: joining it through NetworkManager on wlan7)"),
        ssid.err.constData());
    const Run address = runProvctl({ QStringLiteral("status"), QStringLiteral("--service-name"),
        QStringLiteral("127.0.0.1:1"), QStringLiteral("--sec-ver"), QStringLiteral("0") });
    QCOMPARE(address.exitCode, 10);
    QVERIFY2(address.err.contains("device 127.0.0.1:1 (softap)"), address.err.constData());
    QVERIFY(!address.err.contains("NetworkManager"));
    // Usage errors: neither an address nor an SSID; one interface outside batch; a bad port.
    const Run bad = runProvctl(
        { QStringLiteral("status"), QStringLiteral("--service-name"), QStringLiteral("foo:bar") });
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("HOST:PORT or a SoftAP SSID"), bad.err.constData());
    QCOMPARE(
        runProvctl({ QStringLiteral("status"), QStringLiteral("--service-name"), QStringLiteral("PROV_T1"),
                       QStringLiteral("--wifi-interface"), QStringLiteral("wlan0,wlan1") })
            .exitCode,
        2);
    QCOMPARE(
        runProvctl({ QStringLiteral("status"), QStringLiteral("--service-name"), QStringLiteral("PROV_T1"),
                       QStringLiteral("--softap-port"), QStringLiteral("70000") })
            .exitCode,
        2);
}

void TestProvctl::softApPasswordValueOnCommandLineIsRefused()
{
    const Run r = runProvctl({ QStringLiteral("status"), QStringLiteral("--service-name"),
        QStringLiteral("PROV_T00002"), QStringLiteral("--softap-password"), QStringLiteral("ap-secret-42") });
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("--softap-password takes '-'"), r.err.constData());
    QVERIFY(!r.err.contains("ap-secret-42"));
    QVERIFY(!r.out.contains("ap-secret-42"));
    // batch takes its secrets from its own stdin lines.
    const Run batch = runProvctl({ QStringLiteral("batch"), QStringLiteral("--profile"),
        QStringLiteral("x.json"), QStringLiteral("--softap-password"), QStringLiteral("-") });
    QCOMPARE(batch.exitCode, 2);
}

void TestProvctl::softApPasswordIsReadFromStdinAndNeverPrinted()
{
    const QStringList status { QStringLiteral("status"), QStringLiteral("--service-name"),
        QStringLiteral("PROV_T00003"), QStringLiteral("--sec-ver"), QStringLiteral("0"),
        QStringLiteral("--join-timeout-ms"), QStringLiteral("2000"), QStringLiteral("--softap-password"),
        QStringLiteral("-") };
    // Read (not a usage error), and never printed, with or without --json.
    for (const bool json : { false, true }) {
        const Run r = runProvctl(json ? status + QStringList { QStringLiteral("--json") } : status,
            QByteArrayLiteral("ap-secret-4242\n"));
        QVERIFY2(r.exitCode != 0 && r.exitCode != 2, r.err.constData());
        QVERIFY(!r.out.contains("ap-secret-4242"));
        QVERIFY(!r.err.contains("ap-secret-4242"));
    }
    // It really comes from stdin: none there, or one too short for WPA2, is a usage error (naming no value).
    const Run none = runProvctl(status);
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.err.contains("stdin ended before the SoftAP password"), none.err.constData());
    const Run shortOne = runProvctl(status, QByteArrayLiteral("short\n"));
    QCOMPARE(shortOne.exitCode, 2);
    QVERIFY(!shortOne.err.contains("short\n"));
    // With --passphrase -, the passphrase is the first line and the SoftAP password the second.
    const QStringList provision { QStringLiteral("provision"), QStringLiteral("--service-name"),
        QStringLiteral("PROV_T00004"), QStringLiteral("--sec-ver"), QStringLiteral("0"),
        QStringLiteral("--ssid"), QStringLiteral("Factory"), QStringLiteral("--passphrase"),
        QStringLiteral("-"), QStringLiteral("--join-timeout-ms"), QStringLiteral("2000"),
        QStringLiteral("--softap-password"), QStringLiteral("-") };
    const Run oneLine = runProvctl(provision, QByteArrayLiteral("wifi-secret-1\n"));
    QCOMPARE(oneLine.exitCode, 2);
    QVERIFY2(oneLine.err.contains("stdin ended before the SoftAP password"), oneLine.err.constData());
    const Run twoLines = runProvctl(provision, QByteArrayLiteral("wifi-secret-1\nap-secret-4242\n"));
    QVERIFY2(twoLines.exitCode != 0 && twoLines.exitCode != 2, twoLines.err.constData());
    for (const QByteArray &secret : { QByteArray("wifi-secret-1"), QByteArray("ap-secret-4242") }) {
        QVERIFY(!twoLines.out.contains(secret));
        QVERIFY(!twoLines.err.contains(secret));
    }
}

void TestProvctl::scanDevicesSoftApWithoutNetworkManagerExitsUnreachable()
{
    // A bus without org.freedesktop.NetworkManager: the scan ends Unavailable, exit 10, with advice.
    prov::test::PrivateBus bus; // a bus of our own: never the machine's system bus
    QVERIFY2(bus.start(), qPrintable(bus.error()));
    const Run r = runProvctl(
        { QStringLiteral("scan-devices"), QStringLiteral("--transport"), QStringLiteral("softap"),
            QStringLiteral("--timeout"), QStringLiteral("2000"), QStringLiteral("--json") },
        {}, bus.address());
    QCOMPARE(r.exitCode, 10);
    QVERIFY2(r.err.contains("NetworkManager is not running"), r.err.constData());
    const QJsonObject result = QJsonDocument::fromJson(r.out).object();
    QCOMPARE(result.value(QStringLiteral("ok")).toBool(true), false);
    QCOMPARE(result.value(QStringLiteral("transport")).toString(), QStringLiteral("softap"));
    QCOMPARE(result.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
        QStringLiteral("unavailable"));
}

QTEST_GUILESS_MAIN(TestProvctl)
#include "tst_provctl.moc"
