// SPDX-License-Identifier: Apache-2.0
// The whole controller graph, wired exactly as main.cpp wires it (Workstation), without QML:
// prov-sim serves the demo fleet (resources/demo/fleet.json), the manifest it prints is loaded,
// PROV_DEMO02 is provisioned through the same verbs the QML calls, and its row is found in the
// SQLite factory record with outcome Provisioned.
#include "demoworkstation.h"
#include "simfleet.h"
#include "workstation.h"

#include "devices/blesource.h"
#include "devices/devicelistmodel.h"
#include "devices/manifestsource.h"
#include "records/recordlog.h"
#include "session/devicecontroller.h"
#include "settings/settingscontroller.h"

#include "prov/record.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestAppHeadless : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void manifestListsTheFleet();
    void noBluetoothAdapterIsAPlainStatus();
    void provisionsDemo02ThroughTheControllers();
    void faultyDeviceIsMarkedFailed();
    void recordHoldsTheProvisionedAttempt();
    void unwritableRecordIsReported();
    void cleanupTestCase();

private:
    static int runVerb(DeviceSession *s, const std::function<bool()> &verb);
    QTemporaryDir m_dir;
    std::unique_ptr<SimFleet> m_fleet;
    std::unique_ptr<Workstation> m_ws;
};

int TestAppHeadless::runVerb(DeviceSession *s, const std::function<bool()> &verb)
{
    QSignalSpy finished(s, &DeviceSession::finished);
    if (!verb() || !finished.wait(30000))
        return -1;
    return finished.first().at(1).toInt();
}

void TestAppHeadless::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("prov-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_app_headless"));
    m_fleet = std::make_unique<SimFleet>(
        QStringList { QStringLiteral("--fleet"), SimFleet::demoFleetPath() });
    QVERIFY2(m_fleet->start(), qPrintable(m_fleet->errorString()));
    // No Bluetooth here, whatever the machine has: a system bus address where no bus listens
    // (read once by QtDBus, so set before anything touches Bluetooth; after prov-sim started, which
    // would take it for its fake BlueZ).
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + m_dir.filePath(QStringLiteral("no-bus")).toLocal8Bit());
    QString error;
    const std::optional<WorkstationOptions> options = demoWorkstationOptions(
        *m_fleet, QDir(m_dir.path()), QStringLiteral("ci-station"), &error);
    QVERIFY2(options, qPrintable(error));
    m_ws = std::make_unique<Workstation>(*options);
    m_ws->settings()->setOperatorName(QStringLiteral("ci"));
    QVERIFY(!m_ws->initialProperties().isEmpty());
}

void TestAppHeadless::manifestListsTheFleet()
{
    QCOMPARE(m_ws->manifestSource()->deviceCount(), 4);
    QVERIFY(m_ws->manifestSource()->problems().isEmpty());
    DeviceListModel *model = m_ws->deviceModel();
    QCOMPARE(model->rowCount(), 4);
    const auto demo02 = model->entry(QStringLiteral("PROV_DEMO02"));
    QVERIFY(demo02);
    QCOMPARE(demo02->port, m_fleet->port(QStringLiteral("PROV_DEMO02")));
    QCOMPARE(demo02->credentials.username, QByteArray("wifiprov")); // from the device's QR payload
    QCOMPARE(*demo02->secVer, 2);
    QCOMPARE(m_ws->settings()->stationName(), QStringLiteral("ci-station"));
}

void TestAppHeadless::noBluetoothAdapterIsAPlainStatus()
{
    // The start-up BLE scan (setting on by default) ends in a typed status, and nothing else breaks.
    BleSource *ble = m_ws->deviceController()->bleSource();
    QVERIFY(ble);
    QTRY_COMPARE_WITH_TIMEOUT(ble->errorCode(), int(prov::ErrorCode::Unavailable), 10000);
    QVERIFY(!ble->isScanning());
    QVERIFY(!ble->isAdapterAvailable());
    QVERIFY(ble->statusText().startsWith(QStringLiteral("No Bluetooth adapter")));
    QCOMPARE(ble->errorHeadline(), QStringLiteral("Bluetooth not available"));
    QVERIFY(!ble->errorAdvice().isEmpty());
    // A second try by the technician (button / F6) ends the same way.
    QSignalSpy finished(ble, &BleSource::scanFinished);
    ble->toggleScan();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().at(0).toInt(), int(prov::ErrorCode::Unavailable));
    QCOMPARE(m_ws->deviceModel()->rowCount(), 4);
}

void TestAppHeadless::provisionsDemo02ThroughTheControllers()
{
    DeviceController *devices = m_ws->deviceController();
    QSignalSpy sessionChanged(devices, &DeviceController::sessionChanged);
    QVERIFY(devices->select(QStringLiteral("PROV_DEMO02")));
    QCOMPARE(sessionChanged.size(), 1);
    DeviceSession *s = devices->session();
    QVERIFY(s);
    QCOMPARE(s->serviceName(), QStringLiteral("PROV_DEMO02"));

    QCOMPARE(runVerb(s, [s] { return s->connectDevice(); }), 0);
    QCOMPARE(s->secVer(), 2);
    QCOMPARE(runVerb(s, [s] { return s->refreshScan(); }), 0);
    QVERIFY(s->scanModel()->rowCount() > 0);
    QVERIFY(s->validate(QStringLiteral("myssid"), QStringLiteral("mypassword")).isEmpty());

    QSignalSpy listChanged(m_ws->deviceModel(), &QAbstractItemModel::dataChanged);
    QCOMPARE(runVerb(s, [s] { return s->apply(QStringLiteral("myssid"), QStringLiteral("mypassword")); }), 0);
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::Connected);
    QCOMPARE(m_ws->deviceModel()->state(QStringLiteral("PROV_DEMO02")), DeviceListModel::State::Provisioned);
    QVERIFY(listChanged.size() >= 2); // Connecting, then Provisioned
}

void TestAppHeadless::faultyDeviceIsMarkedFailed()
{
    // PROV_DEMO03 closes the connection on its first prov-config request (fault close:prov-config:1).
    DeviceController *devices = m_ws->deviceController();
    QVERIFY(devices->select(QStringLiteral("PROV_DEMO03")));
    DeviceSession *s = devices->session();
    QCOMPARE(runVerb(s, [s] { return s->apply(QStringLiteral("myssid"), QStringLiteral("mypassword")); }),
        int(prov::ErrorCode::DeviceRefused));
    const int row = m_ws->deviceModel()->rowOf(QStringLiteral("PROV_DEMO03"));
    const QModelIndex index = m_ws->deviceModel()->index(row);
    QCOMPARE(index.data(DeviceListModel::StateRole).toInt(), int(DeviceListModel::State::Failed));
    QCOMPARE(index.data(DeviceListModel::FailureRole).toString(), s->errorHeadline());
    // The first session is still there, untouched.
    QCOMPARE(devices->sessionFor(QStringLiteral("PROV_DEMO02"))->applyState(),
        DeviceSession::ApplyState::Connected);
}

void TestAppHeadless::recordHoldsTheProvisionedAttempt()
{
    QSignalSpy drained(m_ws->recordLog(), &RecordLog::drained);
    m_ws->recordLog()->requestDrain();
    QVERIFY(drained.wait(10000));

    auto store = prov::RecordStore::openSqlite(m_dir.filePath(QStringLiteral("factory-record.sqlite")));
    QVERIFY(store);
    prov::RecordFilter filter;
    filter.nameContains = QStringLiteral("PROV_DEMO02");
    auto rows = (*store)->query(filter);
    QVERIFY(rows);
    QCOMPARE(rows->size(), 1);
    const prov::ProvisioningRecord &r = rows->constFirst();
    QCOMPARE(r.end.outcome, prov::RecordOutcome::Provisioned);
    QCOMPARE(r.end.ssid, QStringLiteral("myssid"));
    QCOMPARE(r.start.station, QStringLiteral("ci-station"));
    QCOMPARE(r.start.operatorName, QStringLiteral("ci"));
    QCOMPARE(r.start.transport, QStringLiteral("softap"));
    QCOMPARE(
        r.start.address, QStringLiteral("127.0.0.1:%1").arg(m_fleet->port(QStringLiteral("PROV_DEMO02"))));
    QCOMPARE(r.device.secVer, 2);
    QVERIFY(r.phases.size() >= 5);

    filter.nameContains = QStringLiteral("PROV_DEMO03");
    rows = (*store)->query(filter);
    QVERIFY(rows);
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->constFirst().end.outcome, prov::RecordOutcome::Failed);
    QCOMPARE(rows->constFirst().end.failureCode, int(prov::ErrorCode::DeviceRefused));
}

void TestAppHeadless::unwritableRecordIsReported()
{
    // A file where the record's folder should be: the store cannot be created.
    const QString blocker = m_dir.filePath(QStringLiteral("not-a-folder"));
    QFile f(blocker);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.close();
    WorkstationOptions options;
    options.recordPath = blocker + QStringLiteral("/record.sqlite");
    options.settingsFile = m_dir.filePath(QStringLiteral("settings2.ini"));
    Workstation ws(options);
    QTRY_VERIFY_WITH_TIMEOUT(!ws.deviceController()->recordProblem().isEmpty(), 10000);
    QVERIFY(ws.deviceController()->recordProblem().contains(QStringLiteral("not recorded")));
    ws.deviceController()->dismissRecordProblem();
    QVERIFY(ws.deviceController()->recordProblem().isEmpty());
}

void TestAppHeadless::cleanupTestCase()
{
    m_ws.reset();
    m_fleet.reset();
}

QTEST_MAIN(TestAppHeadless)
#include "tst_app_headless.moc"
