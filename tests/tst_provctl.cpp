// SPDX-License-Identifier: Apache-2.0
// provctl as a whole process against prov-sim on 127.0.0.1: exit codes per error class, --json
// output, esp_prov's underscore flags, and no secret on stdout or stderr.

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

namespace {
struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run provctl(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(PROV_CTL_PATH), args);
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
    const Run r = provctl({ QStringLiteral("--transport"), QStringLiteral("softap"),
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
    const Run r = provctl({ QStringLiteral("provision"), QStringLiteral("--service-name"), service(1),
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
    const Run r = provctl({ QStringLiteral("status"), QStringLiteral("--service-name"), service(2),
        QStringLiteral("--sec2-username"), QStringLiteral("wifiprov"), QStringLiteral("--sec2-pwd"),
        QStringLiteral("not-it") });
    QCOMPARE(r.exitCode, 30);
    QVERIFY(r.err.contains("authentication_failed"));
}

void TestProvctl::unreachableDeviceExitsWithUnreachableCode()
{
    const Run r = provctl({ QStringLiteral("status"), QStringLiteral("--service-name"),
        QStringLiteral("127.0.0.1:1"), QStringLiteral("--sec-ver"), QStringLiteral("0") });
    QCOMPARE(r.exitCode, 10);
}

void TestProvctl::badUsageExitsWithUsageCode()
{
    QCOMPARE(provctl({ QStringLiteral("provision") }).exitCode, 2); // no --service-name
    QCOMPARE(
        provctl({ QStringLiteral("frobnicate"), QStringLiteral("--service-name"), service(0) }).exitCode, 2);
}

void TestProvctl::qrCommandMasksSecrets()
{
    const Run r = provctl({ QStringLiteral("qr"), QStringLiteral("--qr"),
        QStringLiteral(R"({"ver":"v1","name":"PROV_1A2B3C","pop":"abcd1234","transport":"ble"})") });
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("PROV_1A2B3C"));
    QVERIFY(!r.out.contains("abcd1234"));
    const Run bad = provctl({ QStringLiteral("qr"), QStringLiteral("--qr"), QStringLiteral("{not json") });
    QCOMPARE(bad.exitCode, 2);
}

QTEST_GUILESS_MAIN(TestProvctl)
void TestProvctl::transportNameIsCaseInsensitive()
{
    // --transport goes through transportKindFromName(): any case, and esp_prov's "httpd" for softap.
    for (const QString &name : { QStringLiteral("SoftAP"), QStringLiteral("HTTPD") }) {
        const Run r = provctl(
            { QStringLiteral("status"), QStringLiteral("--transport"), name, QStringLiteral("--service-name"),
                service(2), QStringLiteral("--sec2-username"), QStringLiteral("wifiprov"),
                QStringLiteral("--sec2-pwd"), QStringLiteral("s3cret-pw"), QStringLiteral("--json") });
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("command")).toString(),
            QStringLiteral("status"));
    }
    // BLE without a name: the BLE usage text, so "Ble" was read as BLE.
    const Run ble = provctl(
        { QStringLiteral("status"), QStringLiteral("--transport"), QStringLiteral("Ble") });
    QCOMPARE(ble.exitCode, 2);
    QVERIFY2(ble.err.contains("--service-name NAME"), ble.err.constData());
    const Run bogus = provctl({ QStringLiteral("status"), QStringLiteral("--transport"),
        QStringLiteral("wifi"), QStringLiteral("--service-name"), service(2) });
    QCOMPARE(bogus.exitCode, 2);
    QVERIFY2(bogus.err.contains("--transport must be softap or ble, got 'wifi'"), bogus.err.constData());
}

#include "tst_provctl.moc"
