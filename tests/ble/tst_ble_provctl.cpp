// SPDX-License-Identifier: Apache-2.0
// provctl --transport ble as a whole process against prov-sim's fake org.bluez: scan-devices with
// RSSI and the cached marker, provisioning by exact service name, several devices in parallel with
// one result line each, the after-Apply link drop, the exit codes of the adapter, pairing and
// not-found errors, and `batch --ble-scan` behind the profile's RSSI gate (docs/provctl.md).

#include "bletesthelpers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>

using namespace prov::test;

namespace {
struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QList<QJsonObject> lines() const
    {
        QList<QJsonObject> out;
        for (const QByteArray &line : this->out.split('\n')) {
            if (!line.trimmed().isEmpty())
                out.append(QJsonDocument::fromJson(line).object());
        }
        return out;
    }
};

Run provctl(const QStringList &args, int ms = 20000)
{
    QProcess p;
    p.start(QStringLiteral(PROV_CTL_PATH), args);
    Run r;
    if (!p.waitForFinished(ms)) {
        p.kill();
        p.waitForFinished(1000);
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QStringList sec2(const QStringList &more = {})
{
    return QStringList { QStringLiteral("--transport"), QStringLiteral("ble"), QStringLiteral("--sec_ver"),
        QStringLiteral("2"), QStringLiteral("--sec2_username"), QStringLiteral("wifiprov"),
        QStringLiteral("--sec2_pwd"), QString::fromLatin1(kSec2Password), QStringLiteral("--timeout"),
        QStringLiteral("2000"), QStringLiteral("--ble-connect-timeout"), QStringLiteral("2000"),
        QStringLiteral("--scan-timeout"), QStringLiteral("2000"), QStringLiteral("--poll-interval"),
        QStringLiteral("20"), QStringLiteral("--json") }
    + more;
}

QStringList provisionArgs(const QStringList &names, const QStringList &more = {})
{
    QStringList args { QStringLiteral("provision") };
    for (const QString &n : names)
        args << QStringLiteral("--service-name") << n;
    return args
        + sec2({ QStringLiteral("--ssid"), QStringLiteral("myssid"), QStringLiteral("--passphrase"),
            QStringLiteral("mypassword") })
        + more;
}

void verifyNoSecrets(const Run &r)
{
    for (const QByteArray &secret : { QByteArray("mypassword"), kSec2Password }) {
        QVERIFY(!r.out.contains(secret));
        QVERIFY(!r.err.contains(secret));
    }
}
} // namespace

class TestBleProvctl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void scanDevicesListsRssiAndCachedMarker();
    void provisionsByExactServiceName();
    void provisionsByAddress();
    void provisionsSeveralDevicesInParallel();
    void oneMissingDeviceFailsOnlyItsLine();
    void reportsTheLinkDropAfterApply();
    void exitCodeForError_data();
    void exitCodeForError();
    void batchTakesScannedDevicesAboveTheRssiGate();

private:
    QList<QJsonObject> startFleet(const QJsonArray &devices, const QStringList &args = {});
    PrivateBus m_bus;
    QTemporaryDir m_dir;
};

void TestBleProvctl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(m_bus.start(), qPrintable(m_bus.error()));
}

void TestBleProvctl::cleanupTestCase()
{
    m_bus.stop();
}

void TestBleProvctl::cleanup()
{
    m_bus.stopSim();
}

QList<QJsonObject> TestBleProvctl::startFleet(const QJsonArray &devices, const QStringList &args)
{
    const QString path = m_dir.filePath(QStringLiteral("fleet.json"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return {};
    f.write(QJsonDocument(QJsonObject { { QStringLiteral("devices"), devices } }).toJson());
    f.close();
    return m_bus.startSim(simArgs(QStringList { QStringLiteral("--fleet"), path } + args));
}

void TestBleProvctl::scanDevicesListsRssiAndCachedMarker()
{
    const auto devices = startFleet(
        { QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_AAA001") },
              { QStringLiteral("rssi"), -55 } },
            QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_AAA002") },
                { QStringLiteral("ble_scenarios"), QJsonArray { QStringLiteral("cached") } } },
            QJsonObject { { QStringLiteral("service_name"), QStringLiteral("OTHER_00003") } } });
    QCOMPARE(devices.size(), 3);
    const Run r = provctl({ QStringLiteral("scan-devices"), QStringLiteral("--timeout"),
        QStringLiteral("400"), QStringLiteral("--json") });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject result = QJsonDocument::fromJson(r.out).object();
    QVERIFY(result.value(QStringLiteral("ok")).toBool());
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &v : result.value(QStringLiteral("devices")).toArray())
        byName.insert(v.toObject().value(QStringLiteral("name")).toString(), v.toObject());
    // By default a device matches by the PROV_ prefix or by advertising a provisioning service UUID.
    QCOMPARE(byName.size(), 3);
    QVERIFY(byName.contains(QStringLiteral("OTHER_00003")));
    QCOMPARE(byName.value(QStringLiteral("PROV_AAA001")).value(QStringLiteral("rssi_dbm")).toInt(), -55);
    QCOMPARE(byName.value(QStringLiteral("PROV_AAA001")).value(QStringLiteral("cached")).toBool(), false);
    QCOMPARE(byName.value(QStringLiteral("PROV_AAA002")).value(QStringLiteral("cached")).toBool(), true);
    QVERIFY(byName.value(QStringLiteral("PROV_AAA002")).value(QStringLiteral("rssi_dbm")).isNull());
    QCOMPARE(byName.value(QStringLiteral("PROV_AAA001")).value(QStringLiteral("address")).toString(),
        devices.first().value(QStringLiteral("address")).toString());

    const Run text = provctl({ QStringLiteral("scan-devices"), QStringLiteral("--transport"),
        QStringLiteral("ble"), QStringLiteral("--timeout"), QStringLiteral("300"), QStringLiteral("--prefix"),
        QStringLiteral("PROV_AAA00") });
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains("PROV_AAA001") && text.out.contains("-55 dBm"), text.out.constData());
    QVERIFY(text.out.contains("cached"));
    QVERIFY(!text.out.contains("OTHER_00003")); // an explicit --prefix matches by name only
    QVERIFY2(!text.err.contains("qt.bluetooth"), text.err.constData()); // Qt's noise stays out of the way
}

void TestBleProvctl::provisionsByExactServiceName()
{
    const auto devices = m_bus.startSim(simArgs({ QStringLiteral("--devices"), QStringLiteral("2"),
        QStringLiteral("--sec-ver"), QStringLiteral("2") }));
    QCOMPARE(devices.size(), 2);
    const QString name = devices.at(1).value(QStringLiteral("service_name")).toString();
    const Run r = provctl(provisionArgs({ name }));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject result = QJsonDocument::fromJson(r.out).object();
    QVERIFY(result.value(QStringLiteral("ok")).toBool());
    QCOMPARE(result.value(QStringLiteral("service_name")).toString(), name);
    QCOMPARE(result.value(QStringLiteral("address")).toString(),
        devices.at(1).value(QStringLiteral("address")).toString());
    QCOMPARE(result.value(QStringLiteral("outcome")).toString(), QStringLiteral("connected"));
    QCOMPARE(result.value(QStringLiteral("status")).toObject().value(QStringLiteral("state")).toString(),
        QStringLiteral("Connected"));
    QCOMPARE(result.value(QStringLiteral("device")).toObject().value(QStringLiteral("sec_ver")).toInt(), 2);
    verifyNoSecrets(r);
    // Only the named device was connected to.
    const QStringList connects = m_bus.journal(QStringLiteral("Connect "));
    QCOMPARE(connects.size(), 1);
    QVERIFY(connects.first().contains(
        devices.at(1).value(QStringLiteral("address")).toString().replace(u':', u'_')));
    QVERIFY(r.err.contains("(ble)"));
}

void TestBleProvctl::provisionsByAddress()
{
    const auto devices = m_bus.startSim(simArgs({ QStringLiteral("--sec-ver"), QStringLiteral("1") }));
    QCOMPARE(devices.size(), 1);
    const Run r = provctl({ QStringLiteral("status"), QStringLiteral("--transport"), QStringLiteral("ble"),
        QStringLiteral("--service-name"), devices.first().value(QStringLiteral("address")).toString(),
        QStringLiteral("--pop"), QString::fromLatin1(kPop), QStringLiteral("--json") });
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("ok")).toBool());
}

void TestBleProvctl::provisionsSeveralDevicesInParallel()
{
    const auto devices = m_bus.startSim(simArgs({ QStringLiteral("--devices"), QStringLiteral("4"),
        QStringLiteral("--sec-ver"), QStringLiteral("2") }));
    QCOMPARE(devices.size(), 4);
    QStringList names;
    for (const QJsonObject &d : devices)
        names << d.value(QStringLiteral("service_name")).toString();
    const Run r = provctl(provisionArgs(names, { QStringLiteral("--parallel"), QStringLiteral("2") }));
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QList<QJsonObject> lines = r.lines();
    QCOMPARE(lines.size(), 4);
    QSet<QString> seen;
    for (const QJsonObject &line : lines) {
        QVERIFY(line.value(QStringLiteral("ok")).toBool());
        QCOMPARE(line.value(QStringLiteral("status")).toObject().value(QStringLiteral("state")).toString(),
            QStringLiteral("Connected"));
        seen.insert(line.value(QStringLiteral("service_name")).toString());
    }
    QCOMPARE(seen, QSet<QString>(names.cbegin(), names.cend()));
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), 4);
    verifyNoSecrets(r);
    // Progress lines say which device they are about.
    QVERIFY(r.err.contains(QStringLiteral("[%1]").arg(names.first()).toUtf8()));
}

void TestBleProvctl::oneMissingDeviceFailsOnlyItsLine()
{
    const auto devices = m_bus.startSim(simArgs({ QStringLiteral("--sec-ver"), QStringLiteral("2") }));
    QCOMPARE(devices.size(), 1);
    const QString present = devices.first().value(QStringLiteral("service_name")).toString();
    const Run r = provctl(provisionArgs({ QStringLiteral("PROV_NOSUCH"), present },
        { QStringLiteral("--scan-timeout"), QStringLiteral("300") }));
    QCOMPARE(r.exitCode, 10); // the first failing device decides: not found = unreachable
    const QList<QJsonObject> lines = r.lines();
    QCOMPARE(lines.size(), 2);
    for (const QJsonObject &line : lines) {
        const bool missing = line.value(QStringLiteral("service_name")).toString()
            == QLatin1String("PROV_NOSUCH");
        QCOMPARE(line.value(QStringLiteral("ok")).toBool(), !missing);
        if (missing)
            QCOMPARE(line.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(),
                QStringLiteral("connect_failed"));
    }
}

void TestBleProvctl::reportsTheLinkDropAfterApply()
{
    const auto devices = m_bus.startSim(simArgs({ QStringLiteral("--sec-ver"), QStringLiteral("2"),
        QStringLiteral("--ble-scenario"), QStringLiteral("drop-after-apply") }));
    QCOMPARE(devices.size(), 1);
    const QString name = devices.first().value(QStringLiteral("service_name")).toString();
    const Run confirmed = provctl(provisionArgs({ name }));
    QVERIFY2(confirmed.exitCode == 0, confirmed.err.constData());
    QCOMPARE(QJsonDocument::fromJson(confirmed.out).object().value(QStringLiteral("outcome")).toString(),
        QStringLiteral("confirmed_after_reconnect"));

    cleanup();
    const auto again = m_bus.startSim(simArgs({ QStringLiteral("--sec-ver"), QStringLiteral("2"),
        QStringLiteral("--ble-scenario"), QStringLiteral("drop-after-apply") }));
    QCOMPARE(again.size(), 1);
    const Run reported = provctl(
        provisionArgs({ again.first().value(QStringLiteral("service_name")).toString() },
            { QStringLiteral("--after-link-drop"), QStringLiteral("report") }));
    QVERIFY2(reported.exitCode == 0, reported.err.constData());
    QCOMPARE(QJsonDocument::fromJson(reported.out).object().value(QStringLiteral("outcome")).toString(),
        QStringLiteral("applied_link_closed"));
}

void TestBleProvctl::exitCodeForError_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("code");
    QTest::addColumn<bool>("advice");
    QTest::newRow("adapter off") << "adapter-off" << 10 << "adapter_powered_off" << true;
    QTest::newRow("adapter absent") << "adapter-absent" << 10 << "unavailable" << true;
    QTest::newRow("pairing required") << "not-permitted" << 30 << "pairing_required" << true;
    QTest::newRow("connect error") << "connect-error" << 10 << "connect_failed" << true;
    QTest::newRow("link dropped") << "disconnect-mid-exchange:prov-session:1" << 13 << "disconnected"
                                  << false;
    QTest::newRow("hung reply") << "hung-reply:prov-config:1" << 11 << "timeout" << false;
    QTest::newRow("services never resolved") << "services-unresolved" << 11 << "timeout" << false;
}

void TestBleProvctl::exitCodeForError()
{
    QFETCH(QString, scenario);
    QFETCH(int, exitCode);
    QFETCH(QString, code);
    QFETCH(bool, advice);
    const auto devices = m_bus.startSim(simArgs(
        { QStringLiteral("--sec-ver"), QStringLiteral("2"), QStringLiteral("--ble-scenario"), scenario }));
    QCOMPARE(devices.size(), 1);
    const Run r = provctl(provisionArgs({ devices.first().value(QStringLiteral("service_name")).toString() },
        { QStringLiteral("--timeout"), QStringLiteral("300"), QStringLiteral("--ble-connect-timeout"),
            QStringLiteral("500") }));
    QCOMPARE(r.exitCode, exitCode);
    const QJsonObject error = QJsonDocument::fromJson(r.out)
                                  .object()
                                  .value(QStringLiteral("error"))
                                  .toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), code);
    QCOMPARE(error.value(QStringLiteral("exit_code")).toInt(), exitCode);
    QCOMPARE(error.contains(QStringLiteral("advice")), advice);
    if (advice)
        QVERIFY(r.err.contains("advice: "));
    verifyNoSecrets(r);
}

void TestBleProvctl::batchTakesScannedDevicesAboveTheRssiGate()
{
    // Two devices of the line and a neighbour line's device below the profile's RSSI gate.
    const auto devices = startFleet(
        { QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_AAA101") },
              { QStringLiteral("rssi"), -50 }, { QStringLiteral("sec_ver"), 2 } },
            QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_AAA102") },
                { QStringLiteral("rssi"), -55 }, { QStringLiteral("sec_ver"), 2 } },
            QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_AAA199") },
                { QStringLiteral("rssi"), -85 }, { QStringLiteral("sec_ver"), 2 } } });
    QCOMPARE(devices.size(), 3);
    const QString profile = m_dir.filePath(QStringLiteral("ble-profile.json"));
    QFile f(profile);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(R"({"schema": 1, "name": "BLE line", "id": "ble-line", "version": "1",
        "match": {"service_name_prefix": "PROV_AAA", "transports": ["ble"], "min_rssi_dbm": -70},
        "security": {"min_sec_ver": 2, "credentials_from": "prompt"},
        "network": {"ssid": "myssid", "auth_mode": "WPA2-PSK"},
        "after_apply": "accept_link_closed_confirmed", "lanes": {"ble": 2, "softap": 1}})");
    f.close();

    QProcess p;
    p.start(QStringLiteral(PROV_CTL_PATH),
        { QStringLiteral("batch"), QStringLiteral("--profile"), profile, QStringLiteral("--ble-scan"),
            QStringLiteral("2"), QStringLiteral("--record"), m_dir.filePath(QStringLiteral("ble-batch.db")),
            QStringLiteral("--timeout"), QStringLiteral("2000"), QStringLiteral("--ble-connect-timeout"),
            QStringLiteral("2000"), QStringLiteral("--poll-interval"), QStringLiteral("20"),
            QStringLiteral("--json") });
    QVERIFY(p.waitForStarted(5000));
    p.write("passphrase=mypassword\nusername=wifiprov\npassword=" + kSec2Password + "\n");
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(30000));
    Run r;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QList<QJsonObject> lines = r.lines();
    QCOMPARE(lines.size(), 3); // two devices and the summary
    QSet<QString> provisioned;
    for (const QJsonObject &line : lines) {
        if (line.value(QStringLiteral("summary")).toBool()) {
            QCOMPARE(line.value(QStringLiteral("succeeded")).toInt(), 2);
            QCOMPARE(line.value(QStringLiteral("total")).toInt(), 2);
            continue;
        }
        QCOMPARE(line.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(line.value(QStringLiteral("source")).toString(), QStringLiteral("ble-scan"));
        QCOMPARE(line.value(QStringLiteral("transport")).toString(), QStringLiteral("ble"));
        QVERIFY(line.value(QStringLiteral("rssi_dbm")).toInt() >= -70);
        provisioned.insert(line.value(QStringLiteral("service_name")).toString());
    }
    QCOMPARE(provisioned, (QSet<QString> { QStringLiteral("PROV_AAA101"), QStringLiteral("PROV_AAA102") }));
    // The neighbour was seen, reported once as ignored, and never connected to.
    QCOMPARE(r.err.count("PROV_AAA199: ignored"), 1);
    QVERIFY(r.err.contains("-85 dBm"));
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), 2);
    verifyNoSecrets(r);
}

QTEST_GUILESS_MAIN(TestBleProvctl)
#include "tst_ble_provctl.moc"
