// SPDX-License-Identifier: Apache-2.0
// Whole-session known-answer tests (shared/vectors): the client role's Provisioner workflow and
// the device role's SimulatedDevice dispatch, each on its own, byte for byte against the exchanges
// Espressif's esp_prov and device code recorded.

#include "securitytesthelpers.h"

#include "prov/device.h"
#include "prov/provisioner.h"
#include "prov/transport.h"

#include <QSignalSpy>
#include <QTest>

using namespace prov;
using provtest::hexField;

namespace {

/// A Transport that plays the device's side of a recorded session: each request must equal the
/// recorded request bytes for the same endpoint; the recorded response is returned.
class ReplayTransport : public Transport
{
public:
    explicit ReplayTransport(QList<QJsonObject> exchanges)
        : m_exchanges(std::move(exchanges))
    { }
    void resetSession() override { }
    TransportKind kind() const override { return TransportKind::SoftAp; } // replays an HTTP capture
    QString address() const override { return QStringLiteral("vectors"); }
    int maxRequestSize() const override { return 4096; }

    QStringList mismatches;
    int served = 0;

protected:
    void startExchange(const QString &endpoint, const QByteArray &request) override
    {
        if (served >= m_exchanges.size()) {
            mismatches << QStringLiteral("unexpected extra request to %1").arg(endpoint);
            return complete(makeError(ErrorCode::DeviceRefused, QStringLiteral("not in the recording")));
        }
        const QJsonObject ex = m_exchanges.at(served++);
        if (ex.value(QStringLiteral("endpoint")).toString() != endpoint)
            mismatches << QStringLiteral("request %1: endpoint %2, recorded %3")
                              .arg(served)
                              .arg(endpoint, ex.value(QStringLiteral("endpoint")).toString());
        if (hexField(ex, QStringLiteral("request_hex")) != request)
            mismatches << QStringLiteral("request %1 (%2): %3 != recorded %4")
                              .arg(served)
                              .arg(endpoint, QString::fromLatin1(request.toHex()),
                                  ex.value(QStringLiteral("request_hex")).toString());
        complete(hexField(ex, QStringLiteral("response_hex")));
    }
    void abortExchange() override { }

private:
    QList<QJsonObject> m_exchanges;
};

QList<QJsonObject> allExchanges(const QJsonObject &vector)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : vector.value(QStringLiteral("exchanges")).toArray())
        out << v.toObject();
    return out;
}

/// How long a replayed operation may take (ms): Pending<T>::waitForResult() does the waiting.
constexpr int kWaitMs = 5000;

QList<QByteArray> clientDraws(const QJsonObject &vector)
{
    QList<QByteArray> draws;
    for (const QJsonValue &v : vector.value(QStringLiteral("client_randomness"))
                                   .toObject()
                                   .value(QStringLiteral("draws_hex"))
                                   .toArray())
        draws << QByteArray::fromHex(v.toString().toLatin1());
    return draws;
}

} // namespace

class TestSessionVectors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void clientRoleReproducesEspProvSession_data();
    void clientRoleReproducesEspProvSession();
    void deviceRoleReproducesEspIdfDevice_data();
    void deviceRoleReproducesEspIdfDevice();
};

void TestSessionVectors::clientRoleReproducesEspProvSession_data()
{
    QTest::addColumn<QString>("file");
    QTest::newRow("sec0") << QStringLiteral("sec0.json");
    QTest::newRow("sec1") << QStringLiteral("sec1.json");
    QTest::newRow("sec2 patch 1") << QStringLiteral("sec2.json");
}

void TestSessionVectors::clientRoleReproducesEspProvSession()
{
    QFETCH(QString, file);
    const QJsonObject v = provtest::loadVector(file);
    QVERIFY2(!v.isEmpty(), "vector file missing");

    ReplayTransport transport(allExchanges(v));
    Provisioner provisioner(&transport);
    auto rng = std::make_shared<provtest::ReplayRandom>(clientDraws(v));
    provisioner.setRandomSource(rng);
    SecurityOptions sec; // the scheme comes from proto-ver, as it should (§2.3)
    sec.pop = v.value(QStringLiteral("pop")).toString().toUtf8();
    sec.username = v.value(QStringLiteral("username")).toString().toUtf8();
    sec.password = v.value(QStringLiteral("password")).toString().toUtf8();
    provisioner.setSecurityOptions(sec);

    auto info = provisioner.connectDevice()->waitForResult(kWaitMs);
    QVERIFY2(info, qPrintable(info ? QString() : info.error().toString()));
    QCOMPARE(info->secVer, v.value(QStringLiteral("security_version")).toInt());

    // The recorded session: blocking scan, 5 channels per group, 120 ms, 4 results per page.
    ScanOptions scan;
    scan.blocking = true;
    scan.groupChannels = 5;
    scan.periodMs = 120;
    scan.pageSize = 4;
    auto entries = provisioner.scanWifi(scan)->waitForResult(kWaitMs);
    QVERIFY2(entries, qPrintable(entries ? QString() : entries.error().toString()));
    const QJsonArray expected = v.value(QStringLiteral("scan_results")).toArray();
    QCOMPARE(entries->size(), expected.size());
    for (int i = 0; i < expected.size(); ++i) {
        const QJsonObject e = expected.at(i).toObject();
        QCOMPARE(QString::fromUtf8(entries->at(i).ssid), e.value(QStringLiteral("ssid")).toString());
        QCOMPARE(entries->at(i).rssi, e.value(QStringLiteral("rssi")).toInt());
        QCOMPARE(entries->at(i).channel, e.value(QStringLiteral("channel")).toInt());
        QCOMPARE(entries->at(i).bssid.toHex(), e.value(QStringLiteral("bssid")).toString().toLatin1());
        QCOMPARE(entries->at(i).authMode, authModeFromName(e.value(QStringLiteral("auth")).toString()));
    }

    auto custom = provisioner.customRequest(QStringLiteral("custom-data"), "hello from gen_vectors")
                      ->waitForResult(kWaitMs);
    QVERIFY2(custom, qPrintable(custom ? QString() : custom.error().toString()));
    QCOMPARE(*custom, QByteArray("SUCCESS", 8));

    ProvisionOptions timing;
    timing.firstPollDelayMs = 0;
    auto status = provisioner.provisionWifi({ "myssid", "mypassword", {}, 0 }, timing)
                      ->waitForResult(kWaitMs);
    QVERIFY2(status, qPrintable(status ? QString() : status.error().toString()));
    QCOMPARE(status->state, WifiState::Connected);
    QCOMPARE(status->ip4, QStringLiteral("192.168.1.100"));
    QCOMPARE(status->channel, 6);

    QVERIFY2(transport.mismatches.isEmpty(), qPrintable(transport.mismatches.join(u'\n')));
    QCOMPARE(transport.served, allExchanges(v).size());
    QVERIFY2(rng->problems().isEmpty(), qPrintable(rng->problems().join(u'\n')));
    QVERIFY(rng->allConsumed());
}

void TestSessionVectors::deviceRoleReproducesEspIdfDevice_data()
{
    clientRoleReproducesEspProvSession_data();
}

void TestSessionVectors::deviceRoleReproducesEspIdfDevice()
{
    QFETCH(QString, file);
    const QJsonObject v = provtest::loadVector(file);
    QVERIFY2(!v.isEmpty(), "vector file missing");
    const QJsonObject crypto = v.value(QStringLiteral("crypto")).toObject();

    DeviceConfig config;
    config.serviceName = QStringLiteral("PROV_KAT");
    config.secVer = v.value(QStringLiteral("security_version")).toInt();
    config.sec2PatchVer = v.value(QStringLiteral("sec_patch_ver")).toInt(0);
    config.pop = v.value(QStringLiteral("pop")).toString().toUtf8();
    config.username = v.value(QStringLiteral("username")).toString().toUtf8();
    if (config.secVer == 2)
        config.verifier = Sec2Verifier { hexField(crypto, QStringLiteral("salt")),
            hexField(crypto, QStringLiteral("verifier")) };
    config.radio.connectDelayMs = 0;
    config.radio.dhcpDelayMs = 0;
    config.radio.ipAddress = QStringLiteral("192.168.1.100");
    int index = 0;
    for (const QJsonValue &value : v.value(QStringLiteral("scan_results")).toArray()) {
        const QJsonObject ap = value.toObject();
        config.radio.accessPoints.append(
            SimAccessPoint { ap.value(QStringLiteral("ssid")).toString().toUtf8(),
                index++ == 0 ? QByteArray("mypassword") : QByteArray("other-passphrase"),
                authModeFromName(ap.value(QStringLiteral("auth")).toString()),
                ap.value(QStringLiteral("channel")).toInt(), ap.value(QStringLiteral("rssi")).toInt(),
                hexField(ap, QStringLiteral("bssid")) });
    }

    // The device's random draws, in the order the device role makes them (security.h).
    QList<QByteArray> draws;
    if (config.secVer == 1)
        draws << hexField(crypto, QStringLiteral("device_private_key"))
              << hexField(crypto, QStringLiteral("device_random"));
    if (config.secVer == 2)
        draws << hexField(crypto, QStringLiteral("device_secret_b"))
              << hexField(crypto, QStringLiteral("device_nonce")).left(8);
    auto rng = std::make_shared<provtest::ReplayRandom>(draws);
    auto device = SimulatedDevice::create(config, rng);
    QVERIFY2(device, qPrintable(device ? QString() : device.error().toString()));
    (*device)->newTransportSession();

    for (const QJsonObject &ex : allExchanges(v)) {
        const QString endpoint = ex.value(QStringLiteral("endpoint")).toString();
        const DeviceReply reply = (*device)->handle(endpoint, hexField(ex, QStringLiteral("request_hex")));
        QVERIFY2(reply.action == DeviceReply::Action::Respond,
            qPrintable(endpoint + QStringLiteral(": ") + reply.reason));
        QCOMPARE(reply.body.toHex(), ex.value(QStringLiteral("response_hex")).toString().toLatin1());
    }
    QVERIFY2(rng->problems().isEmpty(), qPrintable(rng->problems().join(u'\n')));
    QVERIFY(rng->allConsumed());
}

QTEST_GUILESS_MAIN(TestSessionVectors)
#include "tst_session_vectors.moc"
