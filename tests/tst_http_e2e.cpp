// SPDX-License-Identifier: Apache-2.0
// End to end over real HTTP on 127.0.0.1: prov-sim runs as a separate process serving a fleet on
// ephemeral ports; the client role (HttpTransport + Provisioner) provisions each device and every
// injected fault must end in its own typed error within the configured timeout.

#include "prov/httptransport.h"
#include "prov/provisioner.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace prov;

namespace {

constexpr int kRequestTimeoutMs = 800;

QJsonObject device(const QString &name, int secVer, const QStringList &faults = {}, QJsonObject extra = {})
{
    QJsonObject o { { QStringLiteral("service_name"), name }, { QStringLiteral("sec_ver"), secVer } };
    if (!faults.isEmpty())
        o.insert(QStringLiteral("faults"), QJsonArray::fromStringList(faults));
    for (auto it = extra.begin(); it != extra.end(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

/// How long one operation may take in these tests (ms): Pending<T>::waitForResult() does the waiting.
constexpr int kWaitMs = 20000;

} // namespace

class TestHttpE2E : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void scansThenProvisions_data();
    void scansThenProvisions();
    void wrongPassphraseGivesWifiAuthError();
    void unknownSsidGivesWifiNetworkNotFound();
    void wrongProofOfPossessionGivesAuthenticationFailed_data();
    void wrongProofOfPossessionGivesAuthenticationFailed();
    void injectedFaultGivesItsError_data();
    void injectedFaultGivesItsError();
    void resetAfterFailureThenSucceeds();
    void customEndpointRoundTrip();
    void missingEndpointGivesHttp404();

private:
    struct Session
    {
        std::unique_ptr<HttpTransport> transport;
        std::unique_ptr<Provisioner> provisioner;
    };
    Session open(const QString &name, SecurityOptions sec = {});
    static SecurityOptions credentialsFor(int secVer);

    QTemporaryDir m_dir;
    QProcess m_sim;
    QHash<QString, QJsonObject> m_devices; // service name -> prov-sim's JSON line
};

void TestHttpE2E::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QJsonArray devices {
        device(QStringLiteral("PROV_SEC0"), 0),
        device(QStringLiteral("PROV_SEC1"), 1),
        device(QStringLiteral("PROV_SEC2"), 2),
        device(QStringLiteral("PROV_SEC2P0"), 2, {}, { { QStringLiteral("sec_patch_ver"), 0 } }),
        device(QStringLiteral("PROV_BADPASS"), 2),
        device(QStringLiteral("PROV_NOSSID"), 2),
        device(QStringLiteral("PROV_WRONGPOP"), 1),
        device(QStringLiteral("PROV_WRONGPWD"), 2),
        device(QStringLiteral("PROV_RESET"), 2),
        device(QStringLiteral("PROV_CUSTOM"), 2),
        device(QStringLiteral("PROV_F_DROP"), 2, { QStringLiteral("drop:prov-config:1") }),
        device(QStringLiteral("PROV_F_DELAY"), 2, { QStringLiteral("delay=3000:prov-config:1") }),
        device(QStringLiteral("PROV_F_CORRUPT"), 2, { QStringLiteral("corrupt:prov-config:1") }),
        device(QStringLiteral("PROV_F_CLOSE"), 2, { QStringLiteral("close:prov-config:1") }),
        device(QStringLiteral("PROV_F_PROOF"), 2, { QStringLiteral("wrong-proof") }),
        device(QStringLiteral("PROV_F_PROOF1"), 1, { QStringLiteral("wrong-proof") }),
        device(QStringLiteral("PROV_F_REBOOT"), 2, { QStringLiteral("reboot=3000:prov-config:1") }),
        device(QStringLiteral("PROV_F_COOKIE"), 2, { QStringLiteral("new-cookie:prov-config:1") }),
        device(QStringLiteral("PROV_F_NEVER"), 2, { QStringLiteral("never-connect") }),
    };
    QJsonObject fleet { { QStringLiteral("devices"), devices } };
    const QString path = m_dir.filePath(QStringLiteral("fleet.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(fleet).toJson());
    f.close();

    m_sim.setProgram(QStringLiteral(PROV_SIM_PATH));
    m_sim.setArguments({ QStringLiteral("--fleet"), path, QStringLiteral("--host"),
        QStringLiteral("127.0.0.1"), QStringLiteral("--connect-delay"), QStringLiteral("60"),
        QStringLiteral("--dhcp-delay"), QStringLiteral("20"), QStringLiteral("--pop"),
        QStringLiteral("abcd1234"), QStringLiteral("--sec2-pwd"), QStringLiteral("abcd1234") });
    m_sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_sim.start();
    QVERIFY(m_sim.waitForStarted(5000));
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10000) {
        if (!m_sim.canReadLine() && !m_sim.waitForReadyRead(1000))
            continue;
        const QJsonObject line = QJsonDocument::fromJson(m_sim.readLine()).object();
        if (line.value(QStringLiteral("ready")).toBool())
            break;
        m_devices.insert(line.value(QStringLiteral("service_name")).toString(), line);
    }
    QCOMPARE(m_devices.size(), devices.size());
    for (const QJsonObject &d : std::as_const(m_devices)) {
        QCOMPARE(d.value(QStringLiteral("host")).toString(), QStringLiteral("127.0.0.1"));
        QVERIFY(d.value(QStringLiteral("port")).toInt() > 0);
    }
}

void TestHttpE2E::cleanupTestCase()
{
    m_sim.terminate();
    if (!m_sim.waitForFinished(3000))
        m_sim.kill();
}

SecurityOptions TestHttpE2E::credentialsFor(int secVer)
{
    SecurityOptions sec;
    if (secVer == 1)
        sec.pop = "abcd1234";
    if (secVer == 2) {
        sec.username = "wifiprov";
        sec.password = "abcd1234";
    }
    return sec;
}

TestHttpE2E::Session TestHttpE2E::open(const QString &name, SecurityOptions sec)
{
    const QJsonObject d = m_devices.value(name);
    Session s;
    s.transport = std::make_unique<HttpTransport>(
        QStringLiteral("127.0.0.1"), quint16(d.value(QStringLiteral("port")).toInt()));
    s.transport->setTimeout(kRequestTimeoutMs);
    s.provisioner = std::make_unique<Provisioner>(s.transport.get());
    s.provisioner->setSecurityOptions(sec);
    return s;
}

namespace {
ProvisionOptions fastPolling()
{
    ProvisionOptions o;
    o.firstPollDelayMs = 0;
    o.pollIntervalMs = 30;
    o.fastPollIntervalMs = 30;
    o.connectTimeoutMs = 3000;
    return o;
}
const WifiCredentials kGood { "myssid", "mypassword", {}, 0 };
} // namespace

void TestHttpE2E::scansThenProvisions_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("secVer");
    QTest::addColumn<int>("patch");
    QTest::newRow("sec0") << QStringLiteral("PROV_SEC0") << 0 << 0;
    QTest::newRow("sec1") << QStringLiteral("PROV_SEC1") << 1 << 0;
    QTest::newRow("sec2 patch 1") << QStringLiteral("PROV_SEC2") << 2 << 1;
    QTest::newRow("sec2 patch 0") << QStringLiteral("PROV_SEC2P0") << 2 << 0;
}

void TestHttpE2E::scansThenProvisions()
{
    QFETCH(QString, name);
    QFETCH(int, secVer);
    QFETCH(int, patch);
    Session s = open(name, credentialsFor(secVer));
    auto info = s.provisioner->connectDevice()->waitForResult(kWaitMs);
    QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
    QCOMPARE(info->secVer, secVer); // chosen from proto-ver, not forced
    QCOMPARE(info->sec2PatchVer, patch);
    QVERIFY(!s.transport->sessionCookie().isEmpty());

    auto scan = s.provisioner->scanWifi()->waitForResult(kWaitMs);
    QVERIFY2(scan, qPrintable(scan ? QString() : scan.error().toString()));
    QCOMPARE(scan->size(), 4); // prov-sim's default demo networks, paged 4 at a time
    QCOMPARE(scan->first().ssid, QByteArray("myssid"));
    QVERIFY(scan->first().rssi >= scan->last().rssi); // strongest first

    QSignalSpy statuses(s.provisioner.get(), &Provisioner::wifiStatusChanged);
    auto status = s.provisioner->provisionWifi(kGood, fastPolling())->waitForResult(kWaitMs);
    QVERIFY2(status, qPrintable(status ? QString() : status.error().toString()));
    QCOMPARE(status->state, WifiState::Connected);
    QVERIFY(!status->ip4.isEmpty());
    QCOMPARE(status->ssid, QByteArray("myssid"));
    QCOMPARE(status->channel, 6);
    QCOMPARE(status->authMode, int(AuthMode::WPA2_PSK));
    QVERIFY(statuses.size() >= 2); // at least one Connecting before Connected
}

void TestHttpE2E::wrongPassphraseGivesWifiAuthError()
{
    Session s = open(QStringLiteral("PROV_BADPASS"), credentialsFor(2));
    auto status = s.provisioner->provisionWifi({ "myssid", "wrong-pass", {}, 0 }, fastPolling())
                      ->waitForResult(kWaitMs);
    QVERIFY(!status);
    QCOMPARE(status.error().code, ErrorCode::WifiAuthError);
}

void TestHttpE2E::unknownSsidGivesWifiNetworkNotFound()
{
    Session s = open(QStringLiteral("PROV_NOSSID"), credentialsFor(2));
    auto status = s.provisioner->provisionWifi({ "no-such-net", "whatever1", {}, 0 }, fastPolling())
                      ->waitForResult(kWaitMs);
    QVERIFY(!status);
    QCOMPARE(status.error().code, ErrorCode::WifiNetworkNotFound);
}

void TestHttpE2E::wrongProofOfPossessionGivesAuthenticationFailed_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("secVer");
    QTest::newRow("sec1 wrong PoP") << QStringLiteral("PROV_WRONGPOP") << 1;
    QTest::newRow("sec2 wrong password") << QStringLiteral("PROV_WRONGPWD") << 2;
}

void TestHttpE2E::wrongProofOfPossessionGivesAuthenticationFailed()
{
    QFETCH(QString, name);
    QFETCH(int, secVer);
    SecurityOptions sec = credentialsFor(secVer);
    sec.pop = "not-the-pop";
    sec.password = "not-the-password";
    Session s = open(name, sec);
    auto info = s.provisioner->connectDevice()->waitForResult(kWaitMs);
    QVERIFY(!info);
    QCOMPARE(info.error().code, ErrorCode::AuthenticationFailed);
    QVERIFY(!info.error().detail.contains(QStringLiteral("not-the")));
}

void TestHttpE2E::injectedFaultGivesItsError_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("secVer");
    QTest::addColumn<ErrorCode>("expected");
    QTest::newRow("drop response") << QStringLiteral("PROV_F_DROP") << 2 << ErrorCode::Timeout;
    QTest::newRow("delay past timeout") << QStringLiteral("PROV_F_DELAY") << 2 << ErrorCode::Timeout;
    QTest::newRow("corrupt ciphertext") << QStringLiteral("PROV_F_CORRUPT") << 2 << ErrorCode::DecryptFailed;
    QTest::newRow("close without response")
        << QStringLiteral("PROV_F_CLOSE") << 2 << ErrorCode::DeviceRefused;
    QTest::newRow("wrong device proof sec2")
        << QStringLiteral("PROV_F_PROOF") << 2 << ErrorCode::HandshakeFailed;
    QTest::newRow("wrong device proof sec1")
        << QStringLiteral("PROV_F_PROOF1") << 1 << ErrorCode::HandshakeFailed;
    QTest::newRow("reboot mid-session") << QStringLiteral("PROV_F_REBOOT") << 2 << ErrorCode::Disconnected;
    QTest::newRow("new cookie mid-session") << QStringLiteral("PROV_F_COOKIE") << 2 << ErrorCode::SessionLost;
    QTest::newRow("never connects") << QStringLiteral("PROV_F_NEVER") << 2 << ErrorCode::WifiConnectTimeout;
}

void TestHttpE2E::injectedFaultGivesItsError()
{
    QFETCH(QString, name);
    QFETCH(int, secVer);
    QFETCH(ErrorCode, expected);
    Session s = open(name, credentialsFor(secVer));
    QElapsedTimer clock;
    clock.start();
    ProvisionOptions timing = fastPolling();
    timing.connectTimeoutMs = 1000;
    auto status = s.provisioner->provisionWifi(kGood, timing)->waitForResult(kWaitMs);
    QVERIFY(!status);
    QCOMPARE(status.error().code, expected);
    // Every fault ends within the configured limits: one request timeout per step plus the
    // Wi-Fi connect timeout, never the 20 s test guard.
    QVERIFY2(clock.elapsed() < 4 * kRequestTimeoutMs + timing.connectTimeoutMs,
        qPrintable(QStringLiteral("took %1 ms").arg(clock.elapsed())));
}

void TestHttpE2E::resetAfterFailureThenSucceeds()
{
    Session s = open(QStringLiteral("PROV_RESET"), credentialsFor(2));
    auto failed = s.provisioner->provisionWifi({ "myssid", "wrong-pass", {}, 0 }, fastPolling())
                      ->waitForResult(kWaitMs);
    QVERIFY(!failed);
    QCOMPARE(failed.error().code, ErrorCode::WifiAuthError);

    // A second Apply without reset is refused by the device (§9.1 step 6).
    auto again = s.provisioner->provisionWifi(kGood, fastPolling())->waitForResult(kWaitMs);
    QVERIFY(!again);
    QCOMPARE(again.error().code, ErrorCode::DeviceRejected);

    auto reset = s.provisioner->resetWifi()->waitForResult(kWaitMs);
    QVERIFY2(reset, qPrintable(reset ? QString() : reset.error().toString()));
    auto ok = s.provisioner->provisionWifi(kGood, fastPolling())->waitForResult(kWaitMs);
    QVERIFY2(ok, qPrintable(ok ? QString() : ok.error().toString()));
    QCOMPARE(ok->state, WifiState::Connected);
}

void TestHttpE2E::customEndpointRoundTrip()
{
    Session s = open(QStringLiteral("PROV_CUSTOM"), credentialsFor(2));
    auto reply = s.provisioner->customRequest(QStringLiteral("custom-data"), "hello")->waitForResult(kWaitMs);
    QVERIFY2(reply, qPrintable(reply ? QString() : reply.error().toString()));
    QCOMPARE(*reply, QByteArray("SUCCESS", 8));
}

void TestHttpE2E::missingEndpointGivesHttp404()
{
    Session s = open(QStringLiteral("PROV_CUSTOM"), credentialsFor(2));
    auto reply = s.provisioner->customRequest(QStringLiteral("no-such-endpoint"), "x")
                     ->waitForResult(kWaitMs);
    QVERIFY(!reply);
    QCOMPARE(reply.error().code, ErrorCode::HttpStatus);
}

QTEST_GUILESS_MAIN(TestHttpE2E)
#include "tst_http_e2e.moc"
