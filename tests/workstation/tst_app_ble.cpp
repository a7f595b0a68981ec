// SPDX-License-Identifier: Apache-2.0
// BLE devices in the workstation, through the real Qt Bluetooth stack: a private dbus-daemon as the
// system bus and prov-sim's fake org.bluez on it (tests/ble/privatebus.h). The same Workstation
// composition as main.cpp; the BLE scan is started and the devices provisioned through the verbs the
// QML calls (BleSource::toggleScan/startScan, DeviceController::select, DeviceSession::apply); the
// attempts are then found in the SQLite factory record.
#include "bletesthelpers.h"
#include "privatebus.h"
#include "workstation.h"

#include "devices/blesource.h"
#include "devices/devicelistmodel.h"
#include "devices/qrsource.h"
#include "records/recordlog.h"
#include "session/devicecontroller.h"
#include "settings/settingscontroller.h"

#include "prov/bleconnectionlimit.h"
#include "prov/record.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using prov::test::PrivateBus;

using prov::test::kPop;
using prov::test::kSec2Password;
using prov::test::simArgs;

namespace {
const QByteArray kWifiPassphrase = "mypassword";
} // namespace

class TestAppBle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void scanListsTheBleDevicesWithRssi();
    void cachedBleDeviceListedAsNotAdvertising();
    void qrForABleDeviceMergesIntoItsRow();
    void provisionsSec2DeviceOverBle();
    void linkClosedAfterApplyIsProvisioned();
    void linkClosedAfterApplyConfirmedByReconnect();
    void recordHoldsTheBleAttempts();
    void provisionsEightDevicesInParallel();
    void cleanupTestCase();

private:
    bool scanUntilListed(const QStringList &names);
    int apply(const QString &key);
    QJsonObject simDevice(const QString &name) const;

    PrivateBus m_bus;
    QTemporaryDir m_dir;
    QList<QJsonObject> m_devices;
    std::unique_ptr<Workstation> m_ws;
};

void TestAppBle::initTestCase()
{
    // The bus first: Qt caches the system bus connection for the life of the process.
    QVERIFY2(m_bus.start(), qPrintable(m_bus.error()));
    QCoreApplication::setOrganizationName(QStringLiteral("prov-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_app_ble"));

    const QJsonObject fleet { { QStringLiteral("devices"),
        QJsonArray { QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_B20001") },
                         { QStringLiteral("transport"), QStringLiteral("ble") },
                         { QStringLiteral("sec_ver"), 2 }, { QStringLiteral("rssi"), -52 } },
            QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_B10002") },
                { QStringLiteral("transport"), QStringLiteral("ble") }, { QStringLiteral("sec_ver"), 1 },
                { QStringLiteral("ble_scenarios"), QJsonArray { QStringLiteral("drop-after-apply") } } },
            QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_B10003") },
                { QStringLiteral("transport"), QStringLiteral("ble") }, { QStringLiteral("sec_ver"), 1 },
                { QStringLiteral("ble_scenarios"), QJsonArray { QStringLiteral("drop-after-apply") } } },
            // Only in BlueZ's cache: never advertises, so no RSSI (docs/prov-sim.md).
            QJsonObject { { QStringLiteral("service_name"), QStringLiteral("PROV_B10004") },
                { QStringLiteral("transport"), QStringLiteral("ble") }, { QStringLiteral("sec_ver"), 1 },
                { QStringLiteral("ble_scenarios"), QJsonArray { QStringLiteral("cached") } } } } } };
    const QString fleetPath = m_dir.filePath(QStringLiteral("fleet.json"));
    QFile f(fleetPath);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(fleet).toJson());
    f.close();
    m_devices = m_bus.startSim(simArgs({ QStringLiteral("--fleet"), fleetPath }));
    QVERIFY2(m_devices.size() == 4, qPrintable(m_bus.error() + QString::fromUtf8(m_bus.simStderr())));

    WorkstationOptions options;
    options.recordPath = m_dir.filePath(QStringLiteral("factory-record.sqlite"));
    options.station = QStringLiteral("ci-ble");
    options.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
    m_ws = std::make_unique<Workstation>(options);
    m_ws->settings()->setOperatorName(QStringLiteral("ci"));
    QVERIFY(m_ws->settings()->scanBleOnStart()); // the default
    QCOMPARE(m_ws->settings()->maxBleConnections(), 4);
    QCOMPARE(m_ws->deviceController()->bleSource(), m_ws->bleSource());
    QCOMPARE(m_ws->deviceController()->bleConnectionLimit()->maxConcurrent(), 4);
}

QJsonObject TestAppBle::simDevice(const QString &name) const
{
    for (const QJsonObject &d : m_devices) {
        if (d.value(QStringLiteral("service_name")).toString() == name)
            return d;
    }
    return {};
}

bool TestAppBle::scanUntilListed(const QStringList &names)
{
    BleSource *ble = m_ws->deviceController()->bleSource();
    ble->setScanDurationMs(8000);
    if (!ble->isScanning())
        ble->toggleScan(); // the "Scan BLE" button / F6
    DeviceListModel *model = m_ws->deviceModel();
    const bool listed = QTest::qWaitFor(
        [&] {
            return std::all_of(names.cbegin(), names.cend(), [&](const QString &n) {
                const auto e = model->entry(n);
                return e && e->rssi.has_value() && !e->host.isEmpty();
            });
        },
        10000);
    ble->stopScan();
    return listed;
}

int TestAppBle::apply(const QString &key)
{
    DeviceController *devices = m_ws->deviceController();
    if (!devices->select(key))
        return -1;
    DeviceSession *s = devices->session();
    QSignalSpy finished(s, &DeviceSession::finished);
    if (!s->apply(QStringLiteral("myssid"), QString::fromLatin1(kWifiPassphrase)) || !finished.wait(20000))
        return -1;
    return finished.first().at(1).toInt();
}

void TestAppBle::scanListsTheBleDevicesWithRssi()
{
    BleSource *ble = m_ws->bleSource();
    // The start-up scan (setting on by default) already runs, or ran, on the private bus.
    QTRY_VERIFY_WITH_TIMEOUT(ble->isScanning() || ble->deviceCount() > 0, 5000);
    QCOMPARE(ble->errorCode(), 0);
    QVERIFY(ble->isAdapterAvailable());
    QVERIFY(scanUntilListed(
        { QStringLiteral("PROV_B20001"), QStringLiteral("PROV_B10002"), QStringLiteral("PROV_B10003") }));
    QTRY_VERIFY(!ble->isScanning());

    DeviceListModel *model = m_ws->deviceModel();
    const int row = model->rowOf(QStringLiteral("PROV_B20001"));
    QVERIFY(row >= 0);
    const QModelIndex index = model->index(row);
    QCOMPARE(
        index.data(DeviceListModel::TransportRole).value<prov::TransportKind>(), prov::TransportKind::Ble);
    QCOMPARE(index.data(DeviceListModel::RssiRole).toInt(), -52);
    QCOMPARE(index.data(DeviceListModel::RssiTextRole).toString(), QStringLiteral("-52 dBm"));
    QVERIFY(index.data(DeviceListModel::OriginsRole).toInt() & int(DeviceOrigin::Ble));
    const auto entry = model->entry(QStringLiteral("PROV_B20001"));
    QCOMPARE(
        entry->host, simDevice(QStringLiteral("PROV_B20001")).value(QStringLiteral("address")).toString());
    QVERIFY(!ble->isCached(QStringLiteral("PROV_B20001")));
    QCOMPARE(ble->serviceUuidFor(QStringLiteral("PROV_B20001")),
        QUuid(simDevice(QStringLiteral("PROV_B20001")).value(QStringLiteral("service_uuid")).toString()));
    QVERIFY(ble->statusText().contains(QLatin1String("4"))); // the three advertising + the cached one
}

void TestAppBle::cachedBleDeviceListedAsNotAdvertising()
{
    // Reported by the scan above at once (BlueZ's cache), without RSSI: no stale value in the list.
    const QString key = QStringLiteral("PROV_B10004");
    DeviceListModel *model = m_ws->deviceModel();
    QTRY_VERIFY(model->rowOf(key) >= 0);
    const QModelIndex index = model->index(model->rowOf(key));
    QCOMPARE(index.data(DeviceListModel::CachedRole).toBool(), true);
    QVERIFY(!index.data(DeviceListModel::RssiRole).isValid());
    QCOMPARE(index.data(DeviceListModel::RssiTextRole).toString(), QStringLiteral("—"));
    QCOMPARE(
        index.data(DeviceListModel::TransportRole).value<prov::TransportKind>(), prov::TransportKind::Ble);
    QVERIFY(m_ws->bleSource()->isCached(key));
    // The advertising devices are not marked.
    QCOMPARE(
        model->index(model->rowOf(QStringLiteral("PROV_B20001"))).data(DeviceListModel::CachedRole).toBool(),
        false);
}

void TestAppBle::qrForABleDeviceMergesIntoItsRow()
{
    DeviceListModel *model = m_ws->deviceModel();
    const int rows = model->rowCount();
    for (const QString &name :
        { QStringLiteral("PROV_B20001"), QStringLiteral("PROV_B10002"), QStringLiteral("PROV_B10003") }) {
        const QString qr = simDevice(name).value(QStringLiteral("qr")).toString();
        QVERIFY(qr.contains(QLatin1String("\"ble\"")));
        QVERIFY(m_ws->qrSource()->submit(qr));
    }
    QCOMPARE(model->rowCount(), rows); // merged by service name, no new rows
    const auto e = model->entry(QStringLiteral("PROV_B20001"));
    QCOMPARE(e->transport, prov::TransportKind::Ble);
    QVERIFY(!e->host.isEmpty()); // the scanned address survives the QR's (address-less) report
    QVERIFY(e->origins & int(DeviceOrigin::Qr));
    QVERIFY(e->origins & int(DeviceOrigin::Ble));
    QVERIFY(!e->credentials.isEmpty());
}

void TestAppBle::provisionsSec2DeviceOverBle()
{
    const QString key = QStringLiteral("PROV_B20001");
    QCOMPARE(apply(key), 0);
    DeviceSession *s = m_ws->deviceController()->session();
    QCOMPARE(s->transportKind(), prov::TransportKind::Ble);
    QCOMPARE(s->address(), simDevice(key).value(QStringLiteral("address")).toString());
    QCOMPARE(s->secVer(), 2);
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::Connected);
    QVERIFY(s->hasProvisionOutcome());
    QCOMPARE(s->provisionOutcome(), prov::ProvisionOutcome::Connected);
    QVERIFY(!s->connectedIp().isEmpty());
    QCOMPARE(m_ws->deviceModel()->state(key), DeviceListModel::State::Provisioned);
}

void TestAppBle::linkClosedAfterApplyIsProvisioned()
{
    // Confirmation off: the device's teardown after an acknowledged Apply is taken as done.
    m_ws->settings()->setConfirmAfterBleLinkClosed(false);
    const QString key = QStringLiteral("PROV_B10002");
    QCOMPARE(apply(key), 0);
    DeviceSession *s = m_ws->deviceController()->session();
    QCOMPARE(s->secVer(), 1);
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::AppliedLinkClosed);
    QVERIFY(s->hasProvisionOutcome());
    QCOMPARE(s->provisionOutcome(), prov::ProvisionOutcome::AppliedLinkClosed);
    QCOMPARE(s->outcomeText(), QStringLiteral("Applied — the device closed the link (normal for BLE)"));
    QCOMPARE(m_ws->deviceModel()->state(key), DeviceListModel::State::Provisioned);
    m_ws->settings()->setConfirmAfterBleLinkClosed(true);
}

void TestAppBle::linkClosedAfterApplyConfirmedByReconnect()
{
    const QString key = QStringLiteral("PROV_B10003");
    QCOMPARE(apply(key), 0);
    DeviceSession *s = m_ws->deviceController()->session();
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::Connected);
    QVERIFY(s->hasProvisionOutcome());
    QCOMPARE(s->provisionOutcome(), prov::ProvisionOutcome::ConfirmedAfterReconnect);
    QVERIFY(s->outcomeText().startsWith(QLatin1String("Connected")));
    QCOMPARE(m_ws->deviceModel()->state(key), DeviceListModel::State::Provisioned);
}

void TestAppBle::recordHoldsTheBleAttempts()
{
    QSignalSpy drained(m_ws->recordLog(), &RecordLog::drained);
    m_ws->recordLog()->requestDrain();
    QVERIFY(drained.wait(10000));

    const QString path = m_dir.filePath(QStringLiteral("factory-record.sqlite"));
    auto store = prov::RecordStore::openSqlite(path);
    QVERIFY(store);
    for (const QString &name :
        { QStringLiteral("PROV_B20001"), QStringLiteral("PROV_B10002"), QStringLiteral("PROV_B10003") }) {
        prov::RecordFilter filter;
        filter.nameContains = name;
        const auto rows = (*store)->query(filter);
        QVERIFY(rows);
        QCOMPARE(rows->size(), 1);
        const prov::ProvisioningRecord &r = rows->constFirst();
        QCOMPARE(r.end.outcome, prov::RecordOutcome::Provisioned);
        QCOMPARE(r.start.transport, QStringLiteral("ble"));
        QCOMPARE(r.start.address, simDevice(name).value(QStringLiteral("address")).toString());
        QCOMPARE(r.start.station, QStringLiteral("ci-ble"));
        QCOMPARE(r.end.ssid, QStringLiteral("myssid"));
        QCOMPARE(r.device.secVer, name == QLatin1String("PROV_B20001") ? 2 : 1);
        QStringList phases;
        for (const auto &p : r.phases)
            phases << p.phase;
        QVERIFY2(phases.contains(QStringLiteral("handshake")) && phases.contains(QStringLiteral("apply")),
            qPrintable(phases.join(QLatin1Char(','))));
    }
    store->reset(); // Result<unique_ptr>: close the store before reading its files
    // No secret in any file of the store (the database and its WAL).
    for (const QString &file : { path, path + QStringLiteral("-wal") }) {
        QFile f(file);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QByteArray bytes = f.readAll();
        QVERIFY(!bytes.isEmpty() || file.endsWith(QLatin1String("-wal")));
        QVERIFY2(!bytes.contains(kWifiPassphrase), qPrintable(file));
        QVERIFY2(!bytes.contains(kSec2Password), qPrintable(file));
        QVERIFY2(!bytes.contains(kPop), qPrintable(file));
    }
}

void TestAppBle::provisionsEightDevicesInParallel()
{
    constexpr int kDevices = 8;
    m_devices = m_bus.startSim(simArgs({ QStringLiteral("--devices"), QString::number(kDevices),
        QStringLiteral("--sec-ver"), QStringLiteral("2"), QStringLiteral("--ble-connect-delay"),
        QStringLiteral("30"), QStringLiteral("--ble-op-delay"), QStringLiteral("5") }));
    QCOMPARE(m_devices.size(), kDevices);
    QStringList names;
    for (const QJsonObject &d : std::as_const(m_devices)) {
        names << d.value(QStringLiteral("service_name")).toString();
        QVERIFY(m_ws->qrSource()->submit(d.value(QStringLiteral("qr")).toString()));
    }
    QVERIFY(scanUntilListed(names));

    DeviceController *devices = m_ws->deviceController();
    prov::BleConnectionLimit *limit = devices->bleConnectionLimit();
    int maxActive = 0;
    const QMetaObject::Connection counting = connect(limit, &prov::BleConnectionLimit::countsChanged, this,
        [&] { maxActive = std::max(maxActive, limit->activeCount()); });
    QHash<QString, int> results;
    for (const QString &name : std::as_const(names)) {
        QVERIFY(devices->select(name));
        DeviceSession *s = devices->session();
        connect(s, &DeviceSession::finished, this,
            [&results, name](DeviceSession::Operation, int code) { results.insert(name, code); });
        QVERIFY(s->apply(QStringLiteral("myssid"), QString::fromLatin1(kWifiPassphrase)));
    }
    QTRY_VERIFY_WITH_TIMEOUT(results.size() == kDevices, 20000);
    // The counter captures locals of this function: the sessions release their slots (and the
    // limit emits countsChanged()) later, when the workstation goes.
    disconnect(counting);
    for (const QString &name : std::as_const(names)) {
        QVERIFY2(results.value(name, -1) == 0, qPrintable(name));
        QCOMPARE(m_ws->deviceModel()->state(name), DeviceListModel::State::Provisioned);
    }
    QVERIFY2(maxActive > 1, "the sessions never overlapped");
    QVERIFY(maxActive <= m_ws->settings()->maxBleConnections()); // the shared limit held

    QSignalSpy drained(m_ws->recordLog(), &RecordLog::drained);
    m_ws->recordLog()->requestDrain();
    QVERIFY(drained.wait(10000));
    auto store = prov::RecordStore::openSqlite(m_dir.filePath(QStringLiteral("factory-record.sqlite")));
    QVERIFY(store);
    int provisioned = 0;
    for (const QString &name : std::as_const(names)) {
        prov::RecordFilter filter;
        filter.nameContains = name;
        const auto rows = (*store)->query(filter);
        QVERIFY(rows);
        for (const auto &r : *rows)
            provisioned += r.end.outcome == prov::RecordOutcome::Provisioned
                && r.start.transport == QLatin1String("ble");
    }
    QCOMPARE(provisioned, kDevices);
}

void TestAppBle::cleanupTestCase()
{
    m_ws.reset();
    m_bus.stop();
}

QTEST_MAIN(TestAppBle)
#include "tst_app_ble.moc"
