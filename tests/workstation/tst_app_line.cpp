// SPDX-License-Identifier: Apache-2.0
// The Line page's controller on the real composition (Workstation, as main.cpp wires it), without
// QML: prov-sim serves a tray of eight SoftAP devices (one cannot find the profile's network), the
// manifest it prints is loaded, and LineController provisions the tray with the demo profile on four
// lanes to the end. Checks the counters, the failure banner's typed reason and advice, the record
// (one row per attempt), and the intake rules: the RSSI gate and other products are counted, not
// errors; a sticker waits for the BLE scan to fill in the address.
#include "demoworkstation.h"
#include "simfleet.h"
#include "workstation.h"

#include "devices/blesource.h"
#include "devices/manifestsource.h"
#include "line/linecontroller.h"
#include "records/recordlog.h"
#include "settings/settingscontroller.h"

#include "prov/record.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {
constexpr int kTray = 8;
const QString kFailing = QStringLiteral("PROV_DEMO17");

/// A tray of Security 2 SoftAP devices; the last one sees no "myssid" (WifiNetworkNotFound, which
/// the demo profile does not retry).
QByteArray trayFleet()
{
    QByteArray devices;
    for (int i = 0; i < kTray; ++i) {
        const QByteArray name = QStringLiteral("PROV_DEMO1%1").arg(i).toUtf8();
        QByteArray line = R"({"service_name": ")" + name
            + R"(", "sec_ver": 2, "sec_patch_ver": 1, "username": "wifiprov", "password": "abcd1234", )"
              R"("connect_delay_ms": 200, "dhcp_delay_ms": 100)";
        if (name == kFailing.toUtf8())
            line
                += R"(, "access_points": [{"ssid": "Other", "passphrase": "otherpass1", "auth": "WPA2-PSK", "channel": 1, "rssi": -40}])";
        devices += line + "}" + (i + 1 < kTray ? ",\n" : "\n");
    }
    return "{\"devices\": [\n" + devices + "]}\n";
}

DeviceEntry bleReport(const QString &name, const QString &address, int rssi)
{
    DeviceEntry e;
    e.serviceName = name;
    e.transport = prov::TransportKind::Ble;
    e.host = address;
    e.rssi = rssi;
    e.origins = int(DeviceOrigin::Ble);
    return e;
}
} // namespace

class TestAppLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void listsTheShippedProfiles();
    void refusesAShortPassphrase();
    void provisionsTheTrayOnFourLanes();
    void failureBannerHasTheTypedReason();
    void devicesTheProfileDoesNotTakeAreCounted();
    void stickerWaitsForTheBleScan();
    void finishEndsTheBatch();
    void recordHoldsOneRowPerAttempt();
    void cleanupTestCase();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SimFleet> m_fleet;
    std::unique_ptr<Workstation> m_ws;
    LineController *m_line = nullptr;
};

void TestAppLine::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("prov-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_app_line"));
    const QString fleetPath = m_dir.filePath(QStringLiteral("tray.json"));
    QFile fleet(fleetPath);
    QVERIFY(fleet.open(QIODevice::WriteOnly));
    fleet.write(trayFleet());
    fleet.close();
    m_fleet = std::make_unique<SimFleet>(QStringList { QStringLiteral("--fleet"), fleetPath });
    QVERIFY2(m_fleet->start(), qPrintable(m_fleet->errorString()));
    // No Bluetooth here, whatever the machine has (see tst_app_headless).
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + m_dir.filePath(QStringLiteral("no-bus")).toLocal8Bit());
    QString error;
    const std::optional<WorkstationOptions> options = demoWorkstationOptions(
        *m_fleet, QDir(m_dir.path()), QStringLiteral("line-station"), &error);
    QVERIFY2(options, qPrintable(error));
    m_ws = std::make_unique<Workstation>(*options);
    m_ws->settings()->setOperatorName(QStringLiteral("ci"));
    m_line = m_ws->line();
    QVERIFY(m_line);
    QVERIFY(m_ws->initialProperties().contains(QStringLiteral("line")));
}

void TestAppLine::listsTheShippedProfiles()
{
    QVERIFY(m_line->profiles().size() >= 2);
    QVERIFY(m_line->selectProfile(QStringLiteral("demo-tray")));
    QCOMPARE(m_line->profileId(), QStringLiteral("demo-tray"));
    QCOMPARE(m_line->profileVersion(), QStringLiteral("1.0"));
    QCOMPARE(m_line->profileError(), QString());
    QCOMPARE(m_line->profileSsid(), QStringLiteral("myssid"));
    QVERIFY(!m_line->credentialsPrompt());
    QCOMPARE(m_line->lanes(), 4);
    QCOMPARE(m_line->operatorName(), QStringLiteral("ci"));
    QCOMPARE(m_line->stationName(), QStringLiteral("line-station"));
    QVERIFY(m_line->stationLocked());
}

void TestAppLine::refusesAShortPassphrase()
{
    QVERIFY(!m_line->start(QStringLiteral("short"), {}, {}));
    QCOMPARE(m_line->lastErrorCode(), int(prov::ErrorCode::InvalidArgument));
    QVERIFY(m_line->lastError().contains(QStringLiteral("8 to 64")));
    QVERIFY(!m_line->shiftStarted());
    QCOMPARE(m_line->state(), prov::LineState::Idle);
}

void TestAppLine::provisionsTheTrayOnFourLanes()
{
    QSignalSpy ended(m_line, &LineController::deviceEnded);
    QVERIFY2(m_line->start(QStringLiteral("mypassword"), {}, {}), qPrintable(m_line->lastError()));
    QVERIFY(m_line->shiftStarted());
    QCOMPARE(m_line->lastErrorCode(), 0);
    QCOMPARE(m_line->lanesModel()->rowCount(), 4);
    // The manifest was loaded before the shift started: the whole tray is offered at start.
    QCOMPARE(m_line->totalCount(), kTray);
    QCOMPARE(m_line->devicesModel()->rowCount(), kTray);
    QTRY_VERIFY(m_line->runningCount() > 1); // lanes in parallel
    QVERIFY(m_line->runningCount() <= 4);
    QTRY_VERIFY_WITH_TIMEOUT(m_line->doneCount() + m_line->failedCount() == kTray, 90000);
    QCOMPARE(m_line->doneCount(), kTray - 1);
    QCOMPARE(m_line->failedCount(), 1);
    QCOMPARE(ended.size(), kTray);
    QVERIFY(m_line->throughputPerHour() > 0);
    QCOMPARE(m_line->state(), prov::LineState::Running); // no more intake only after finish()
    for (int lane = 0; lane < m_line->lanesModel()->rowCount(); ++lane)
        QTRY_VERIFY(!m_line->lanesModel()->index(lane).data(LaneListModel::BusyRole).toBool());
    QCOMPARE(m_line->failedModel()->rowCount(), 1);
}

void TestAppLine::failureBannerHasTheTypedReason()
{
    QVERIFY(m_line->hasFailure());
    QCOMPARE(m_line->failureDevice(), kFailing);
    QCOMPARE(m_line->failureCode(), prov::ErrorCode::WifiNetworkNotFound);
    QCOMPARE(m_line->failureName(), prov::errorCodeName(prov::ErrorCode::WifiNetworkNotFound));
    QVERIFY(!m_line->failureHeadline().isEmpty());
    QVERIFY(!m_line->failureAdvice().isEmpty());
    QCOMPARE(m_line->failureAttempts(), 1); // the demo profile does not retry it
    const int row = m_line->devicesModel()->rowOf(m_line->failureKey());
    QVERIFY(row >= 0);
    const QModelIndex i = m_line->devicesModel()->index(row);
    QCOMPARE(i.data(LineDeviceModel::StateRole).toInt(), int(prov::LineDeviceState::Failed));
    QCOMPARE(i.data(LineDeviceModel::ErrorCodeRole).toInt(), int(prov::ErrorCode::WifiNetworkNotFound));
    QCOMPARE(i.data(LineDeviceModel::ErrorAdviceRole).toString(), m_line->failureAdvice());
}

void TestAppLine::devicesTheProfileDoesNotTakeAreCounted()
{
    BleSource *ble = m_ws->bleSource();
    QCOMPARE(m_line->ignoredCount(), 0);
    // The neighbouring line's device, twice (a scan reports it repeatedly): one device ignored.
    Q_EMIT ble->deviceSeen(
        bleReport(QStringLiteral("PROV_DEMO99"), QStringLiteral("24:0A:C4:00:00:99"), -90));
    Q_EMIT ble->deviceSeen(
        bleReport(QStringLiteral("PROV_DEMO99"), QStringLiteral("24:0A:C4:00:00:99"), -88));
    Q_EMIT ble->deviceSeen(bleReport(QStringLiteral("OTHER_1"), QStringLiteral("24:0A:C4:00:00:01"), -40));
    QCOMPARE(m_line->ignored(LineController::IgnoreReason::BelowRssiGate), 1);
    QCOMPARE(m_line->ignored(LineController::IgnoreReason::OtherProduct), 1);
    QCOMPARE(m_line->ignoredCount(), 2);
    QCOMPARE(m_line->ignoredText(), QStringLiteral("ignored: 1 below the RSSI gate, 1 not for this profile"));
    QCOMPARE(m_line->totalCount(), kTray);
    QCOMPARE(m_line->lastErrorCode(), 0); // not an error for the technician
    // The manifest loaded again: the devices provisioned in this batch are not taken twice.
    QVERIFY(m_line->loadManifest(m_ws->manifestSource()->path()));
    QCOMPARE(m_line->ignored(LineController::IgnoreReason::AlreadyProvisioned), kTray - 1);
    QCOMPARE(m_line->totalCount(), kTray);
    QCOMPARE(m_line->doneCount(), kTray - 1);
}

void TestAppLine::stickerWaitsForTheBleScan()
{
    m_line->pause(); // nothing starts: no Bluetooth here
    QCOMPARE(m_line->state(), prov::LineState::Paused);
    QVERIFY(!m_line->submitSticker(QStringLiteral("not a sticker")));
    QVERIFY(m_line->stickerRejected());
    QVERIFY(m_line->submitSticker(QStringLiteral(
        R"({"ver":"v1","name":"PROV_B1E777","username":"wifiprov","pop":"abcd1234","transport":"ble","security":2})")));
    QVERIFY(!m_line->stickerRejected());
    QCOMPARE(m_line->waitingCount(), 1);
    QCOMPARE(m_line->totalCount(), kTray + 1);
    // The BLE scan finds it: the address is filled in, the device is queued.
    Q_EMIT m_ws->bleSource()->deviceSeen(
        bleReport(QStringLiteral("PROV_B1E777"), QStringLiteral("24:0A:C4:00:07:77"), -50));
    QCOMPARE(m_line->waitingCount(), 0);
    QCOMPARE(m_line->queuedCount(), 1);
    const int row = m_line->devicesModel()->rowOf(QStringLiteral("ble:PROV_B1E777"));
    QVERIFY(row >= 0);
    QCOMPARE(m_line->devicesModel()->index(row).data(LineDeviceModel::AddressRole).toString(),
        QStringLiteral("24:0A:C4:00:07:77"));
    QCOMPARE(m_line->devicesModel()->index(row).data(LineDeviceModel::RssiDbmRole).toInt(), -50);
    QVERIFY(m_line->skip(QStringLiteral("ble:PROV_B1E777")));
    QCOMPARE(m_line->skippedCount(), 1);
}

void TestAppLine::finishEndsTheBatch()
{
    QSignalSpy ended(m_line, &LineController::batchEnded);
    m_line->resume();
    QVERIFY(m_line->skip(m_line->failureKey()));
    QVERIFY(!m_line->hasFailure());
    m_line->finish();
    QTRY_COMPARE(m_line->state(), prov::LineState::Finished);
    QCOMPARE(ended.size(), 1);
    QVERIFY(!m_line->active());
    QVERIFY(m_line->closeBatch());
    QVERIFY(!m_line->shiftStarted());
}

void TestAppLine::recordHoldsOneRowPerAttempt()
{
    QSignalSpy drained(m_ws->recordLog(), &RecordLog::drained);
    m_ws->recordLog()->requestDrain();
    QVERIFY(drained.wait(10000));
    auto store = prov::RecordStore::openSqlite(m_dir.filePath(QStringLiteral("factory-record.sqlite")));
    QVERIFY(store);
    prov::RecordFilter filter;
    filter.nameContains = QStringLiteral("PROV_DEMO1");
    auto rows = (*store)->query(filter);
    QVERIFY(rows);
    QCOMPARE(rows->size(), kTray);
    int provisioned = 0;
    for (const prov::ProvisioningRecord &r : *rows) {
        QCOMPARE(r.start.station, QStringLiteral("line-station"));
        QCOMPARE(r.start.operatorName, QStringLiteral("ci"));
        if (r.end.outcome == prov::RecordOutcome::Provisioned)
            ++provisioned;
        else
            QCOMPARE(r.end.failureCode, int(prov::ErrorCode::WifiNetworkNotFound));
        QCOMPARE(r.end.ssid, QStringLiteral("myssid"));
    }
    QCOMPARE(provisioned, kTray - 1);
}

void TestAppLine::cleanupTestCase()
{
    m_ws.reset();
    m_fleet.reset();
}

QTEST_MAIN(TestAppLine)
#include "tst_app_line.moc"
