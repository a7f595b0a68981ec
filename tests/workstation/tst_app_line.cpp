// SPDX-License-Identifier: Apache-2.0
// The Line page's controller on the real composition (Workstation, as main.cpp wires it), without
// QML: prov-sim serves a tray of eight SoftAP devices (one cannot find the profile's network), the
// manifest it prints is loaded, and LineController provisions the tray with the demo profile on four
// lanes to the end. Checks the counters, the failure banner's typed reason and advice, the record
// (one row per attempt), and the intake rules: the RSSI gate and other products are counted, not
// errors; a sticker waits for the BLE scan to fill in the address. Then a second tray on a second
// station: the station stops mid-tray (destroyed), a new one on the same record offers the batch for
// resumption and finishes it without provisioning a device twice; an interrupted batch can be
// closed instead; the chosen profile and the profiles folder are remembered.
#include "demoworkstation.h"
#include "simfleet.h"
#include "workstation.h"

#include "devices/blesource.h"
#include "devices/manifestsource.h"
#include "line/linecontroller.h"
#include "records/recordlog.h"
#include "settings/settingscontroller.h"

#include "prov/record.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

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

constexpr int kResumeTray = 6;

/// A slower tray (the station is stopped in the middle of it), all devices good.
QByteArray resumeFleet()
{
    QByteArray devices;
    for (int i = 0; i < kResumeTray; ++i) {
        const QByteArray name = QStringLiteral("PROV_DEMO2%1").arg(i).toUtf8();
        devices += R"({"service_name": ")" + name
            + R"(", "sec_ver": 2, "sec_patch_ver": 1, "username": "wifiprov", "password": "abcd1234", )"
              R"("connect_delay_ms": 700, "dhcp_delay_ms": 100})"
            + (i + 1 < kResumeTray ? ",\n" : "\n");
    }
    return "{\"devices\": [\n" + devices + "]}\n";
}

bool drainRecord(RecordLog *log)
{
    QSignalSpy drained(log, &RecordLog::drained);
    log->requestDrain();
    return drained.wait(10000);
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
    void resumesAnInterruptedBatchAfterARestart();
    void closesAnInterruptedBatch();
    void remembersTheProfileAndItsFolder();
    void cleanupTestCase();

private:
    /// A new station (Workstation) on the second tray's record and settings.
    void restartStation();

    std::unique_ptr<SimFleet> m_resumeFleet;
    std::optional<WorkstationOptions> m_resumeOptions;
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

void TestAppLine::restartStation()
{
    m_line = nullptr;
    m_ws.reset(); // running jobs are cancelled; a running batch stays Running in the record
    m_ws = std::make_unique<Workstation>(*m_resumeOptions);
    m_line = m_ws->line();
}

void TestAppLine::resumesAnInterruptedBatchAfterARestart()
{
    // The second tray, its own record and settings.
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("resume")));
    const QDir dir(m_dir.filePath(QStringLiteral("resume")));
    QFile fleet(dir.filePath(QStringLiteral("tray.json")));
    QVERIFY(fleet.open(QIODevice::WriteOnly));
    fleet.write(resumeFleet());
    fleet.close();
    m_resumeFleet = std::make_unique<SimFleet>(QStringList { QStringLiteral("--fleet"), fleet.fileName() });
    QVERIFY2(m_resumeFleet->start(), qPrintable(m_resumeFleet->errorString()));
    QString error;
    m_resumeOptions = demoWorkstationOptions(*m_resumeFleet, dir, QStringLiteral("line-station"), &error);
    QVERIFY2(m_resumeOptions, qPrintable(error));
    restartStation();
    m_ws->settings()->setOperatorName(QStringLiteral("ci"));
    QVERIFY(drainRecord(m_ws->recordLog()));
    QVERIFY(!m_line->hasInterrupted()); // a new record: nothing to resume
    QVERIFY(m_line->selectProfile(QStringLiteral("demo-tray")));
    m_line->setLanes(2);

    QVERIFY2(m_line->start(QStringLiteral("mypassword"), {}, {}), qPrintable(m_line->lastError()));
    const QString batchId = m_line->batchId();
    QCOMPARE(m_line->totalCount(), kResumeTray);
    QTRY_VERIFY_WITH_TIMEOUT(m_line->doneCount() >= 2, 60000);
    const int doneBefore = m_line->doneCount();
    const int runningBefore = m_line->runningCount();
    QVERIFY(doneBefore < kResumeTray);

    // The station stops mid-tray; a new one on the same record offers the batch.
    restartStation();
    QTRY_VERIFY(m_line->hasInterrupted());
    QVERIFY(!m_line->shiftStarted());
    QCOMPARE(m_line->interruptedBatchId(), batchId);
    QVERIFY(m_line->interruptedProfileAvailable());
    QCOMPARE(m_line->profileId(), QStringLiteral("demo-tray"));
    QCOMPARE(m_line->interruptedTotalCount(), kResumeTray);
    QCOMPARE(m_line->interruptedDoneCount(), doneBefore);
    const QString text = m_line->interruptedText();
    QVERIFY2(text.contains(batchId.left(8)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Demo tray (prov-sim fleet) 1.0")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("%1 of %2 devices done").arg(doneBefore).arg(kResumeTray)),
        qPrintable(text));

    // The same checks as a start; then the batch goes on under its id.
    // Enter on the form (a new batch) is refused while the offer shows: it would provision again what
    // the interrupted batch has done.
    QVERIFY(!m_line->start(QStringLiteral("mypassword"), {}, {}));
    QVERIFY(m_line->lastError().contains(QLatin1String("interrupted")));
    QVERIFY(!m_line->active());
    QVERIFY(!m_line->resumeInterrupted(QStringLiteral("short"), {}, {}));
    QVERIFY(m_line->lastError().contains(QStringLiteral("8 to 64")));
    QVERIFY(m_line->hasInterrupted());
    QVERIFY2(
        m_line->resumeInterrupted(QStringLiteral("mypassword"), {}, {}), qPrintable(m_line->lastError()));
    QVERIFY(!m_line->hasInterrupted());
    QVERIFY(m_line->shiftStarted());
    QCOMPARE(m_line->batchId(), batchId);
    const int remaining = kResumeTray - doneBefore;
    QCOMPARE(m_line->totalCount(), remaining);
    // The manifest's devices that were provisioned before are not taken again.
    QCOMPARE(m_line->ignored(LineController::IgnoreReason::AlreadyProvisioned), doneBefore);
    QTRY_VERIFY_WITH_TIMEOUT(m_line->doneCount() + m_line->failedCount() == remaining, 90000);
    // A device whose attempt the stop cut after ApplyConfig may refuse a second SetConfig.
    QVERIFY(m_line->failedCount() <= runningBefore);
    while (m_line->hasFailure())
        QVERIFY(m_line->skip(m_line->failureKey()));
    m_line->finish();
    QTRY_COMPARE(m_line->state(), prov::LineState::Finished);
    QVERIFY(m_line->closeBatch());
    QVERIFY(drainRecord(m_ws->recordLog()));
    QVERIFY(!m_line->hasInterrupted()); // finished: not offered again

    // No device provisioned twice: at most one Provisioned row per device, one for each done.
    auto store = prov::RecordStore::openSqlite(m_resumeOptions->recordPath);
    QVERIFY(store);
    prov::RecordFilter filter;
    filter.batchId = batchId;
    auto rows = (*store)->query(filter);
    QVERIFY(rows);
    QHash<QString, int> provisioned;
    for (const prov::ProvisioningRecord &r : *rows)
        provisioned[r.start.serviceName] += r.end.outcome == prov::RecordOutcome::Provisioned ? 1 : 0;
    int total = 0;
    for (auto it = provisioned.cbegin(); it != provisioned.cend(); ++it) {
        QVERIFY2(it.value() <= 1, qPrintable(it.key()));
        total += it.value();
    }
    QCOMPARE(total, doneBefore + m_line->doneCount());
    QCOMPARE((*store)->batch(batchId)->state, prov::BatchState::Finished);
}

void TestAppLine::closesAnInterruptedBatch()
{
    // Two batches left Running by an earlier station: one of this profile, one of a profile that
    // is not here (another version).
    m_line = nullptr;
    m_ws.reset();
    {
        auto store = prov::RecordStore::openSqlite(m_resumeOptions->recordPath);
        QVERIFY(store);
        prov::BatchStart a;
        a.batchId = QStringLiteral("closeme-1");
        a.startedAtMs = QDateTime::currentMSecsSinceEpoch() - 2000;
        a.profileId = QStringLiteral("demo-tray");
        a.profileVersion = QStringLiteral("1.0");
        a.lanes = 1;
        QVERIFY((*store)->beginBatch(a));
        prov::BatchStart b = a;
        b.batchId = QStringLiteral("closeme-2");
        b.startedAtMs = a.startedAtMs + 1000;
        b.profileVersion = QStringLiteral("9.9");
        QVERIFY((*store)->beginBatch(b));
    }
    restartStation();
    QTRY_COMPARE(m_line->interruptedBatchId(), QStringLiteral("closeme-1")); // the oldest first
    QVERIFY(m_line->interruptedProfileAvailable());
    QVERIFY(m_line->interruptedText().contains(QStringLiteral("0 of 0 devices done")));
    QVERIFY(m_line->closeInterrupted());
    QTRY_COMPARE(m_line->interruptedBatchId(), QStringLiteral("closeme-2"));
    QVERIFY(!m_line->interruptedProfileAvailable());
    QVERIFY(!m_line->resumeInterrupted(QStringLiteral("mypassword"), {}, {}));
    QVERIFY2(m_line->lastError().contains(QStringLiteral("version 9.9")), qPrintable(m_line->lastError()));
    QVERIFY(!m_line->shiftStarted());
    QVERIFY(m_line->closeInterrupted());
    QVERIFY(drainRecord(m_ws->recordLog()));
    QVERIFY(!m_line->hasInterrupted());
    QVERIFY(!m_line->closeInterrupted());

    auto store = prov::RecordStore::openSqlite(m_resumeOptions->recordPath);
    QVERIFY(store);
    QCOMPARE((*store)->batch(QStringLiteral("closeme-1"))->state, prov::BatchState::Aborted);
    QCOMPARE((*store)->batch(QStringLiteral("closeme-2"))->state, prov::BatchState::Aborted);
}

void TestAppLine::remembersTheProfileAndItsFolder()
{
    // A profiles folder with a second version of the demo profile under another id.
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("profiles")));
    const QString profilesDir = m_dir.filePath(QStringLiteral("profiles"));
    QFile shipped(LineController::builtInProfilesDir() + QStringLiteral("/demo-tray.json"));
    QVERIFY(shipped.open(QIODevice::ReadOnly));
    QByteArray json = shipped.readAll();
    json.replace(R"("id": "demo-tray")", R"("id": "zz-remembered")");
    QFile copy(profilesDir + QStringLiteral("/zz-remembered.json"));
    QVERIFY(copy.open(QIODevice::WriteOnly));
    copy.write(json);
    copy.close();

    m_line->setProfilesDir(profilesDir);
    QVERIFY(m_line->selectProfile(QStringLiteral("zz-remembered")));
    m_ws->settings()->sync();

    restartStation();
    QCOMPARE(m_line->profilesDir(), profilesDir);
    QCOMPARE(m_line->profileId(), QStringLiteral("zz-remembered"));
    // Never a secret in the settings (the resumed batch's passphrase was typed on this station).
    QFile settings(m_resumeOptions->settingsFile);
    QVERIFY(settings.open(QIODevice::ReadOnly));
    const QByteArray stored = settings.readAll();
    QVERIFY(stored.contains("zz-remembered"));
    QVERIFY(!stored.contains("mypassword"));
}

void TestAppLine::cleanupTestCase()
{
    m_line = nullptr;
    m_ws.reset();
    m_resumeFleet.reset();
    m_fleet.reset();
}

QTEST_MAIN(TestAppLine)
#include "tst_app_line.moc"
