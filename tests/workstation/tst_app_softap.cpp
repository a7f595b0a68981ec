// SPDX-License-Identifier: Apache-2.0
// SoftAP devices in the workstation through NetworkManager: a private dbus-daemon as the system bus and
// prov-sim's fake NetworkManager on it (tests/nm/nmsim.h). The same Workstation composition as
// main.cpp; "Scan Wi-Fi" (WifiSource::toggleScan, F7) lists the access points, a device is opened and
// provisioned through the verbs the QML calls (DeviceController::select, DeviceSession::apply), and
// closing it brings the station's previous network back. The attempts are then in the SQLite record.
#include "nmsim.h"
#include "workstation.h"

#include "devices/devicelistmodel.h"
#include "devices/qrsource.h"
#include "devices/wifisource.h"
#include "records/recordlog.h"
#include "session/devicecontroller.h"
#include "session/devicesession.h"
#include "session/softapleaves.h"
#include "settings/settingscontroller.h"

#include "prov/record.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using prov::test::NmSim;

namespace {
const QByteArray kWifiPassphrase = "mypassword";
const QByteArray kSoftApPassword = "prov-softap-1";
} // namespace

class TestAppSoftAp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scanWifiListsTheSoftApDevicesInPercent();
    void provisionsByJoiningThenRestoresTheNetwork();
    void qrPasswordOpensAProtectedSoftAp();
    void recordHoldsTheSoftApAttempts();
    void cleanupTestCase();

private:
    int apply(const QString &key, QStringList *progress = nullptr);
    void verifyHomeRestored();

    NmSim m_sim;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    QList<QJsonObject> m_devices;
    std::unique_ptr<Workstation> m_ws;
};

void TestAppSoftAp::initTestCase()
{
    // The bus first: Qt caches the system bus connection for the life of the process.
    QVERIFY2(m_sim.startBus(), qPrintable(m_sim.error()));
    QCoreApplication::setOrganizationName(QStringLiteral("prov-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_app_softap"));
    const QJsonObject fleet { { QStringLiteral("devices"),
        QJsonArray {
            QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_A1F001") },
                { QStringLiteral("sec_ver"), 1 }, { QStringLiteral("pop"), QStringLiteral("abcd1234") } },
            QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_A1F002") },
                { QStringLiteral("sec_ver"), 2 }, { QStringLiteral("username"), QStringLiteral("wifiprov") },
                { QStringLiteral("password"), QStringLiteral("abcd1234") },
                { QStringLiteral("softap_password"), QString::fromLatin1(kSoftApPassword) } } } } };
    const QString fleetPath = m_dir.filePath(QStringLiteral("fleet.json"));
    QFile f(fleetPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(fleet).toJson());
    f.close();
    m_port = NmSim::freePort();
    m_devices = m_sim.startSim(
        { QStringLiteral("--fleet"), fleetPath, QStringLiteral("--softap-port"), QString::number(m_port) });
    QVERIFY2(m_devices.size() == 2, qPrintable(m_sim.error()));

    WorkstationOptions options;
    options.recordPath = m_dir.filePath(QStringLiteral("factory-record.sqlite"));
    options.station = QStringLiteral("ci-softap");
    options.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
    options.softApPort = m_port; // --softap-port: this run only
    m_ws = std::make_unique<Workstation>(options);
    m_ws->settings()->setOperatorName(QStringLiteral("ci"));
    QCOMPARE(m_ws->settings()->softApPort(), int(m_port));
}

void TestAppSoftAp::cleanupTestCase()
{
    if (m_ws)
        m_ws->shutdown();
    m_ws.reset();
    // Nothing secret in the settings file (the QR's SoftAP password and the passphrase stay in memory).
    QFile settings(m_dir.filePath(QStringLiteral("settings.ini")));
    QVERIFY(settings.open(QIODevice::ReadOnly));
    const QByteArray text = settings.readAll();
    QVERIFY(!text.contains(kSoftApPassword));
    QVERIFY(!text.contains(kWifiPassphrase));
    QVERIFY(!text.contains(QByteArray::number(m_port))); // the override is never stored
    m_sim.stop();
}

int TestAppSoftAp::apply(const QString &key, QStringList *progress)
{
    DeviceController *devices = m_ws->deviceController();
    if (!devices->select(key))
        return -1;
    DeviceSession *s = devices->session();
    if (progress) {
        connect(s, &DeviceSession::linkProgressChanged, this, [s, progress] {
            if (!s->linkProgress().isEmpty())
                progress->append(s->linkProgress());
        });
    }
    QSignalSpy finished(s, &DeviceSession::finished);
    if (!s->apply(QStringLiteral("myssid"), QString::fromLatin1(kWifiPassphrase)) || !finished.wait(30000))
        return -1;
    return finished.first().at(1).toInt();
}

void TestAppSoftAp::verifyHomeRestored()
{
    QJsonObject wlan0;
    QTRY_VERIFY_WITH_TIMEOUT(
        (wlan0 = m_sim.state().value(QStringLiteral("interfaces")).toArray().first().toObject(),
            wlan0.value(QStringLiteral("active_connection_id")).toString() == QLatin1String("Home")
                && !wlan0.value(QStringLiteral("volatile")).toBool()),
        8000);
}

void TestAppSoftAp::scanWifiListsTheSoftApDevicesInPercent()
{
    WifiSource *wifi = m_ws->wifiSource();
    QCOMPARE(m_ws->deviceController()->wifiSource(), wifi);
    QSignalSpy finished(wifi, &WifiSource::scanFinished);
    wifi->toggleScan(); // the "Scan Wi-Fi" button / F7
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().first().toInt(), 0);
    QCOMPARE(wifi->errorCode(), 0);
    QCOMPARE(wifi->interfaceNames(), QStringList { QStringLiteral("wlan0") });

    DeviceListModel *model = m_ws->deviceModel();
    for (const QJsonObject &d : std::as_const(m_devices)) {
        const QString name = d.value(QStringLiteral("service_name")).toString();
        QTRY_VERIFY(model->rowOf(name) >= 0);
        const QModelIndex index = model->index(model->rowOf(name));
        QCOMPARE(index.data(DeviceListModel::TransportRole).value<prov::TransportKind>(),
            prov::TransportKind::SoftAp);
        QVERIFY(index.data(DeviceListModel::OriginsRole).toInt() & int(DeviceOrigin::Wifi));
        const auto entry = model->entry(name);
        QVERIFY(entry->joinsSoftAp());
        QCOMPARE(entry->bssid, d.value(QStringLiteral("bssid")).toString().toUpper());
        QVERIFY(entry->signalPercent.has_value());
        QVERIFY(!entry->rssi.has_value()); // percent never goes into the dBm field
        QCOMPARE(index.data(DeviceListModel::SignalTextRole).toString(),
            QStringLiteral("%1 %").arg(*entry->signalPercent));
        QCOMPARE(entry->wifiInterface, QStringLiteral("wlan0"));
    }
    QVERIFY(model->rowOf(QStringLiteral("HomeNet")) < 0);
}

void TestAppSoftAp::provisionsByJoiningThenRestoresTheNetwork()
{
    const QString key = QStringLiteral("PROV_A1F001");
    // Its sticker gives the PoP (prov-sim prints the device's QR payload).
    const auto device = std::find_if(m_devices.cbegin(), m_devices.cend(),
        [&](const QJsonObject &d) { return d.value(QStringLiteral("service_name")).toString() == key; });
    QVERIFY(device != m_devices.cend());
    QVERIFY(m_ws->qrSource()->submit(device->value(QStringLiteral("qr")).toString()));
    QVERIFY(m_ws->deviceController()->select(key));
    DeviceSession *s = m_ws->deviceController()->session();
    QVERIFY(s && s->joinsSoftAp());
    QStringList progress;
    QCOMPARE(apply(key, &progress), 0);
    QVERIFY2(progress.contains(QStringLiteral("Joining PROV_A1F001 on wlan0…")),
        qPrintable(progress.join(QLatin1Char('|'))));
    QCOMPARE(m_ws->deviceModel()->state(key), DeviceListModel::State::Provisioned);
    // While the device is open, wlan0 is on its SoftAP; every request came from wlan0's address on it.
    const QJsonObject wlan0 = m_sim.state().value(QStringLiteral("interfaces")).toArray().first().toObject();
    QVERIFY(wlan0.value(QStringLiteral("volatile")).toBool());
    const QStringList http = m_sim.journal(QStringLiteral("http PROV_A1F001"));
    QVERIFY(!http.isEmpty());
    for (const QString &line : http)
        QVERIFY2(line.contains(QLatin1String("from 127.0.100.1")), qPrintable(line));

    // Leaving the device gives wlan0 back to "Home".
    m_ws->deviceController()->close(key);
    QTRY_COMPARE_WITH_TIMEOUT(m_ws->deviceController()->softApLeaves()->pendingCount(), 0, 10000);
    verifyHomeRestored();
}

void TestAppSoftAp::qrPasswordOpensAProtectedSoftAp()
{
    // The sticker carries the Security 2 password in "pop" and the SoftAP's WPA2 password in "password"
    // (§11); it merges into the scanned row.
    const QString key = QStringLiteral("PROV_A1F002");
    QVERIFY(m_ws->qrSource()->submit(QStringLiteral(
        R"({"ver":"v1","name":"PROV_A1F002","username":"wifiprov","pop":"abcd1234","transport":"softap","password":"%1"})")
                                         .arg(QString::fromLatin1(kSoftApPassword))));
    const auto entry = m_ws->deviceModel()->entry(key);
    QVERIFY(entry && entry->joinsSoftAp());
    QCOMPARE(entry->credentials.softApPassword, kSoftApPassword);
    QCOMPARE(apply(key), 0);
    m_ws->deviceController()->close(key);
    QTRY_COMPARE_WITH_TIMEOUT(m_ws->deviceController()->softApLeaves()->pendingCount(), 0, 10000);
    verifyHomeRestored();
    for (const QString &line : m_sim.journal())
        QVERIFY2(!line.contains(QLatin1String(kSoftApPassword)), qPrintable(line));
}

void TestAppSoftAp::recordHoldsTheSoftApAttempts()
{
    QSignalSpy drained(m_ws->recordLog(), &RecordLog::drained);
    m_ws->recordLog()->requestDrain();
    QVERIFY(drained.wait(10000));
    const QString path = m_dir.filePath(QStringLiteral("factory-record.sqlite"));
    auto store = prov::RecordStore::openSqlite(path);
    QVERIFY(store);
    for (const QString &name : { QStringLiteral("PROV_A1F001"), QStringLiteral("PROV_A1F002") }) {
        prov::RecordFilter filter;
        filter.nameContains = name;
        const auto rows = (*store)->query(filter);
        QVERIFY(rows);
        QVERIFY(std::any_of(rows->cbegin(), rows->cend(), [](const prov::ProvisioningRecord &r) {
            return r.end.outcome == prov::RecordOutcome::Provisioned
                && r.start.transport == QLatin1String("softap");
        }));
    }
    store->reset(); // close the store before reading its files
    // No secret in any file of the store (the database and its WAL): not the SoftAP password, not the
    // passphrase, not the PoP / Security 2 password.
    for (const QString &file : { path, path + QStringLiteral("-wal") }) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = f.readAll();
        QVERIFY(!bytes.isEmpty() || file.endsWith(QLatin1String("-wal")));
        for (const QByteArray &secret : { kSoftApPassword, kWifiPassphrase, QByteArray("abcd1234") })
            QVERIFY2(!bytes.contains(secret), qPrintable(file));
    }
}

QTEST_MAIN(TestAppSoftAp)
#include "tst_app_softap.moc"
