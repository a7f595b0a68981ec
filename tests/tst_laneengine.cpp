// SPDX-License-Identifier: Apache-2.0
// The lane engine over real HTTP: a tray of simulated devices, each behind its own HttpDeviceServer on
// 127.0.0.1 (ephemeral ports), provisioned by EspJobKind jobs, recorded in a real SQLite record.
#include "linetray.h"

#include "prov/laneengine.h"
#include "prov/record.h"
#include "prov/recordsink.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace prov;
using namespace linetray;

class TestLaneEngine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(openTestRecord(m_dir, ++m_run, m_store, m_sink)); }
    void cleanup()
    {
        m_sink.reset();
        m_store.reset();
    }

    /// A tray with every kind of fault: each device ends as the profile's policy says, retries happen
    /// exactly as it says, the device below the RSSI gate is never touched, and the record holds one
    /// row per attempt with the batch, lane, profile and attempt number.
    void trayWithFaults()
    {
        Tray tray;
        // 50 devices (the HTTP tray), faults at fixed places.
        QList<Fault> faults(50, Fault::None);
        for (int i : { 1, 17, 33 })
            faults[i] = Fault::Firmware;
        for (int i : { 3, 29 })
            faults[i] = Fault::WrongPassword;
        for (int i : { 5, 41 })
            faults[i] = Fault::DropOnce;
        for (int i : { 7, 46 })
            faults[i] = Fault::WifiAuth;
        for (int i = 0; i < faults.size(); ++i)
            tray.add(QStringLiteral("PROV_T%1").arg(i, 3, 10, QLatin1Char('0')), faults.at(i));
        tray.add(QStringLiteral("PROV_TNEIGHBOUR"), Fault::None);
        const int neighbour = int(tray.devices.size()) - 1;

        auto profile = ProductProfile::fromJson(profileJson(1, 4));
        QVERIFY2(profile, qPrintable(profile ? QString() : profile.error().toString()));
        LaneEngine engine;
        engine.addJobKind(std::make_unique<EspJobKind>());
        engine.setRecordSink(m_sink.get());
        QVERIFY(engine.start(settingsFor(*profile)));
        QCOMPARE(engine.laneCount(), 4);

        QSignalSpy ended(&engine, &LaneEngine::deviceEnded);
        for (int i = 0; i < faults.size(); ++i)
            QVERIFY(engine.offer(tray.lineDevice(i)));
        const Status refused = engine.offer(tray.lineDevice(neighbour, -85));
        QVERIFY(!refused);
        QVERIFY2(
            refused.error().detail.contains(QLatin1String("-85 dBm")), qPrintable(refused.error().detail));
        QVERIFY(engine.offer(tray.lineDevice(0))); // offered twice (a scan repeats): still one device
        engine.finish();
        QVERIFY(waitForEnd(engine, 60000));
        QCOMPARE(engine.state(), LineState::Finished);

        // Each device ended exactly once.
        QCOMPARE(ended.size(), faults.size());
        QSet<QString> endedKeys;
        for (const auto &args : ended)
            endedKeys.insert(args.at(0).toString());
        QCOMPARE(endedKeys.size(), faults.size());
        QCOMPARE(tray.devices.at(size_t(neighbour))->requests, 0);

        const LineCounters c = engine.counters();
        QCOMPARE(c.total(), faults.size());
        QCOMPARE(c.failed, 3 + 2 + 2); // firmware, password, Wi-Fi auth (after its retry)
        QCOMPARE(c.succeeded, faults.size() - 7);

        auto rows = m_store->query(RecordFilter {});
        QVERIFY(rows);
        QHash<QString, QList<ProvisioningRecord>> byName;
        for (const ProvisioningRecord &r : *rows)
            byName[r.start.serviceName].append(r);
        for (int i = 0; i < faults.size(); ++i) {
            const LineDevice d = tray.lineDevice(i);
            const auto status = engine.device(d.key());
            QVERIFY(status);
            QList<ProvisioningRecord> attempts = byName.value(d.serviceName);
            std::sort(attempts.begin(), attempts.end(),
                [](const auto &a, const auto &b) { return a.start.attemptNumber < b.start.attemptNumber; });
            int expectedAttempts = 1;
            LineDeviceState expectedState = LineDeviceState::Succeeded;
            ErrorCode expectedCode = ErrorCode::Internal;
            switch (faults.at(i)) {
            case Fault::None:
            case Fault::SlowConnect:
            case Fault::Hang:
                break;
            case Fault::Firmware:
                expectedState = LineDeviceState::Failed;
                expectedCode = ErrorCode::FirmwareMismatch;
                break;
            case Fault::WrongPassword:
                expectedState = LineDeviceState::Failed;
                expectedCode = ErrorCode::AuthenticationFailed;
                break;
            case Fault::WifiAuth:
                expectedState = LineDeviceState::Failed;
                expectedCode = ErrorCode::WifiAuthError;
                expectedAttempts = 2; // one retry, with a reset first
                break;
            case Fault::DropOnce:
                expectedAttempts = 2; // the Timeout is retried once, then it succeeds
                break;
            }
            QCOMPARE(status->state, expectedState);
            QCOMPARE(status->attempts, expectedAttempts);
            QCOMPARE(attempts.size(), expectedAttempts);
            for (int a = 0; a < attempts.size(); ++a) {
                const ProvisioningRecord &r = attempts.at(a);
                QCOMPARE(r.start.batchId, engine.batchId());
                QCOMPARE(r.start.profileId, QStringLiteral("test-tray"));
                QCOMPARE(r.start.profileVersion, QStringLiteral("3"));
                QCOMPARE(r.start.attemptNumber, a + 1);
                QVERIFY(r.start.lane >= 0 && r.start.lane < 4);
                QVERIFY(r.end.outcome != RecordOutcome::InProgress);
                const bool last = a == attempts.size() - 1;
                if (last && expectedState == LineDeviceState::Succeeded) {
                    QCOMPARE(r.end.outcome, RecordOutcome::Provisioned);
                    QCOMPARE(r.end.ssid, QString::fromUtf8(kSsid));
                } else {
                    QCOMPARE(r.end.outcome, RecordOutcome::Failed);
                }
                if (last && expectedState == LineDeviceState::Failed)
                    QCOMPARE(ErrorCode(r.end.failureCode), expectedCode);
            }
            if (expectedState == LineDeviceState::Failed) {
                QVERIFY(status->lastError);
                QCOMPARE(status->lastError->code, expectedCode);
            }
        }
        // The guards refuse before the handshake: the firmware-mismatch device saw proto-ver only.
        QCOMPARE(tray.devices.at(1)->requests, 1);
        // No secret in the record.
        for (const ProvisioningRecord &r : *rows) {
            QVERIFY(!r.end.failureDetail.contains(QString::fromUtf8(kPassphrase)));
            QVERIFY(!r.end.failureDetail.contains(QString::fromUtf8(kPassword)));
        }
    }

    /// Lanes: never more jobs at once than the profile allows for the transport.
    void lanesCapConcurrency()
    {
        Tray tray;
        for (int i = 0; i < 6; ++i)
            tray.add(QStringLiteral("PROV_T%1").arg(i), Fault::SlowConnect);
        auto profile = ProductProfile::fromJson(profileJson(0, 2));
        QVERIFY(profile);
        LaneEngine engine;
        engine.addJobKind(std::make_unique<EspJobKind>());
        engine.setRecordSink(m_sink.get());
        BatchSettings settings = settingsFor(*profile);
        settings.lanes = 3; // more lanes than the profile's SoftAP cap: the cap wins
        QVERIFY(engine.start(settings));
        int most = 0;
        connect(&engine, &LaneEngine::countersChanged, this,
            [&] { most = std::max(most, engine.counters().running); });
        for (int i = 0; i < 6; ++i)
            QVERIFY(engine.offer(tray.lineDevice(i)));
        engine.finish();
        QVERIFY(waitForEnd(engine, 60000));
        QCOMPARE(most, 2);
        QCOMPARE(engine.counters().succeeded, 6);
    }

    /// Pause stops new starts, resume continues; drain lets the running jobs finish and skips the rest.
    void pauseResumeDrain()
    {
        Tray tray;
        for (int i = 0; i < 6; ++i)
            tray.add(QStringLiteral("PROV_T%1").arg(i), Fault::SlowConnect);
        LaneEngine engine;
        QVERIFY(startTwoLanes(engine, tray));
        QCOMPARE(engine.counters().running, 2);
        engine.pause();
        QCOMPARE(engine.state(), LineState::Paused);
        QTRY_COMPARE_WITH_TIMEOUT(engine.counters().running, 0, 20000);
        QCOMPARE(engine.counters().succeeded, 2);
        QTest::qWait(100);
        QCOMPARE(engine.counters().running, 0); // paused: nothing new started
        engine.resume();
        QCOMPARE(engine.counters().running, 2);
        engine.drain();
        QCOMPARE(engine.state(), LineState::Draining);
        QVERIFY(waitForEnd(engine, 20000));
        QCOMPARE(engine.state(), LineState::Finished);
        const LineCounters c = engine.counters();
        QCOMPARE(c.succeeded, 4);
        QCOMPARE(c.skipped, 2);
        auto rows = m_store->query(RecordFilter {});
        QVERIFY(rows);
        QCOMPARE(rows->size(), 4); // skipped devices never started: no attempt
    }

    /// Abort cancels what runs (the attempts are recorded Cancelled) and ends the rest Aborted.
    void abortCancelsRunningJobs()
    {
        Tray tray;
        for (int i = 0; i < 4; ++i)
            tray.add(QStringLiteral("PROV_T%1").arg(i), Fault::Hang);
        LaneEngine engine;
        QVERIFY(startTwoLanes(engine, tray));
        // Both lanes wait for a device that never reaches Connected within the test.
        QTRY_VERIFY_WITH_TIMEOUT(engine.device(tray.lineDevice(0).key())->progressPercent >= 75
                && engine.device(tray.lineDevice(1).key())->progressPercent >= 75,
            10000);
        engine.abort();
        QVERIFY(waitForEnd(engine, 10000));
        QCOMPARE(engine.state(), LineState::Aborted);
        const LineCounters c = engine.counters();
        QCOMPARE(c.aborted, 4);
        QCOMPARE(c.running, 0);
        auto rows = m_store->query(RecordFilter {});
        QVERIFY(rows);
        QCOMPARE(rows->size(), 2);
        for (const ProvisioningRecord &r : *rows)
            QCOMPARE(r.end.outcome, RecordOutcome::Cancelled);
        QVERIFY(!engine.offer(tray.lineDevice(0))); // the batch has ended
    }

    /// A Failed device can be retried by the operator (its attempt numbers go on) or skipped.
    void operatorRetryAndSkip()
    {
        Tray tray;
        tray.add(QStringLiteral("PROV_T0"), Fault::WrongPassword);
        tray.add(QStringLiteral("PROV_T1"), Fault::WrongPassword);
        auto profile = ProductProfile::fromJson(profileJson(0, 2));
        QVERIFY(profile);
        LaneEngine engine;
        engine.addJobKind(std::make_unique<EspJobKind>());
        engine.setRecordSink(m_sink.get());
        QVERIFY(engine.start(settingsFor(*profile)));
        QVERIFY(engine.offer(tray.lineDevice(0)));
        QVERIFY(engine.offer(tray.lineDevice(1)));
        QTRY_COMPARE_WITH_TIMEOUT(engine.counters().failed, 2, 20000);
        const QString k0 = tray.lineDevice(0).key();
        const QString k1 = tray.lineDevice(1).key();
        QVERIFY(engine.retry(k0));
        QVERIFY(!engine.retry(k0)); // no longer Failed
        QTRY_COMPARE_WITH_TIMEOUT(engine.device(k0)->state, LineDeviceState::Failed, 20000);
        QCOMPARE(engine.device(k0)->attempts, 2);
        QSignalSpy ended(&engine, &LaneEngine::deviceEnded);
        QVERIFY(engine.skip(k1));
        QCOMPARE(engine.device(k1)->state, LineDeviceState::Skipped);
        QCOMPARE(ended.size(), 0); // it had ended (Failed) already: reclassified, not ended twice
        engine.finish();
        QVERIFY(waitForEnd(engine, 10000));
        QVERIFY(!engine.skip(k0)); // the batch has ended
        QCOMPARE(engine.device(k0)->state, LineDeviceState::Failed);
        const qint64 elapsed = engine.elapsedMs();
        QTest::qWait(20);
        QCOMPARE(engine.elapsedMs(), elapsed); // frozen at the end
        auto rows = m_store->query(RecordFilter {});
        QVERIFY(rows);
        QCOMPARE(rows->size(), 3);
    }

    /// The station stops mid-tray (the engine goes away with jobs running, the record is reopened as
    /// after a crash): the batch is offered for resumption, the devices that succeeded are never
    /// provisioned again, the others are, with their attempt numbers going on; no attempt is lost.
    void resumeAfterStop()
    {
        Tray tray;
        const int n = 8;
        for (int i = 0; i < n; ++i)
            tray.add(QStringLiteral("PROV_T%1").arg(i), Fault::SlowConnect);
        auto profile = ProductProfile::fromJson(profileJson(0, 2));
        QVERIFY(profile);
        const QString path = m_store->path();
        QString batchId;
        {
            LaneEngine engine;
            engine.addJobKind(std::make_unique<EspJobKind>());
            engine.setRecordSink(m_sink.get());
            QVERIFY(engine.start(settingsFor(*profile)));
            batchId = engine.batchId();
            for (int i = 0; i < n; ++i)
                QVERIFY(engine.offer(tray.lineDevice(i)));
            QTRY_VERIFY_WITH_TIMEOUT(
                engine.counters().succeeded >= 3 && engine.counters().running > 0, 30000);
        } // the station stops: running attempts end Cancelled, the batch stays Running
        m_sink.reset();
        m_store.reset();
        auto reopened = RecordStore::openSqlite(path);
        QVERIFY(reopened);
        m_store = std::move(reopened.value());
        m_sink = std::make_unique<StoreRecordSink>(m_store.get());

        auto unfinished = m_store->unfinishedBatches();
        QVERIFY(unfinished);
        QCOMPARE(unfinished->size(), 1);
        QCOMPARE(unfinished->first().start.batchId, batchId);
        auto resume = readBatchResume(*m_store, batchId);
        QVERIFY2(resume, qPrintable(resume ? QString() : resume.error().toString()));
        const int doneBefore = int(resume->succeeded.size());
        QVERIFY(doneBefore >= 3);
        QCOMPARE(resume->pending().size(), n - doneBefore);
        QHash<QString, int> requestsBefore;
        for (const auto &d : tray.devices)
            requestsBefore[d->name] = d->requests;

        LaneEngine engine;
        engine.addJobKind(std::make_unique<EspJobKind>());
        engine.setRecordSink(m_sink.get());
        BatchSettings other = settingsFor(*profile);
        other.profile.version = QStringLiteral("4");
        QVERIFY(!engine.resumeBatch(other, *resume)); // another profile version: refused
        QVERIFY(engine.resumeBatch(settingsFor(*profile), *resume));
        QCOMPARE(engine.batchId(), batchId);
        QVERIFY(!engine.offer(tray.lineDevice(int(std::distance(
            tray.devices.begin(), std::find_if(tray.devices.begin(), tray.devices.end(), [&](const auto &d) {
                return resume->succeeded.contains(QStringLiteral("softap:") + d->name);
            }))))));
        engine.finish();
        QVERIFY(waitForEnd(engine, 60000));
        QCOMPARE(engine.counters().succeeded, n - doneBefore);

        RecordFilter filter;
        filter.batchId = batchId;
        auto rows = m_store->query(filter);
        QVERIFY(rows);
        QHash<QString, int> provisioned;
        QHash<QString, int> lastAttempt;
        for (const ProvisioningRecord &r : *rows) {
            QVERIFY(r.end.outcome != RecordOutcome::InProgress);
            if (r.end.outcome == RecordOutcome::Provisioned)
                ++provisioned[r.start.serviceName];
            lastAttempt[r.start.serviceName] = std::max(
                lastAttempt.value(r.start.serviceName), r.start.attemptNumber);
        }
        for (const auto &d : tray.devices) {
            QCOMPARE(provisioned.value(d->name), 1); // every device exactly once
            if (resume->succeeded.contains(QStringLiteral("softap:") + d->name))
                QCOMPARE(d->requests, requestsBefore.value(d->name)); // never touched again
        }
        // A device interrupted by the stop was tried again as attempt 2.
        QVERIFY(std::any_of(lastAttempt.cbegin(), lastAttempt.cend(), [](int a) { return a == 2; }));
        auto batch = m_store->batch(batchId);
        QVERIFY(batch);
        QCOMPARE(batch->state, BatchState::Finished);
    }

    /// Credentials from a sticker are kept when a manifest row without them names the same device;
    /// a scan alone gives none (the device waits), a paused batch with nothing startable finishes.
    void credentialsMergeAndPausedFinish()
    {
        Tray tray;
        tray.add(QStringLiteral("PROV_T0"), Fault::None);
        tray.add(QStringLiteral("PROV_T1"), Fault::None);
        auto profile = ProductProfile::fromJson(profileJson(0, 2, "manifest"));
        QVERIFY2(profile, qPrintable(profile ? QString() : profile.error().toString()));
        LaneEngine engine;
        engine.addJobKind(std::make_unique<EspJobKind>());
        engine.setRecordSink(m_sink.get());
        QVERIFY(engine.start(settingsFor(*profile)));
        engine.pause();
        LineDevice scanned = tray.lineDevice(0);
        scanned.source = QStringLiteral("ble-scan");
        QVERIFY(engine.offer(scanned));
        QCOMPARE(engine.device(scanned.key())->state, LineDeviceState::Waiting);
        LineDevice sticker = tray.lineDevice(0);
        sticker.source = QStringLiteral("qr");
        sticker.credentials.password = kPassword;
        QVERIFY(engine.offer(sticker));
        QCOMPARE(engine.device(scanned.key())->state, LineDeviceState::Queued);
        LineDevice row = tray.lineDevice(0);
        row.credentialsGiven = true; // a manifest row whose sticker part was unusable: empty credentials
        QVERIFY(engine.offer(row));
        LineDevice waiting = tray.lineDevice(1);
        waiting.source = QStringLiteral("ble-scan");
        QVERIFY(engine.offer(waiting));
        engine.resume();
        QTRY_COMPARE_WITH_TIMEOUT(engine.device(scanned.key())->state, LineDeviceState::Succeeded, 20000);
        engine.pause();
        engine.finish(); // paused, nothing startable left: the batch ends, the waiting device is skipped
        QCOMPARE(engine.state(), LineState::Finished);
        QCOMPARE(engine.device(waiting.key())->state, LineDeviceState::Skipped);
    }

    void offerIsRefusedWithReasons()
    {
        auto profile = ProductProfile::fromJson(profileJson(0, 2));
        QVERIFY(profile);
        LaneEngine engine;
        LineDevice d;
        d.serviceName = QStringLiteral("PROV_T1");
        d.transport = TransportKind::SoftAp;
        d.address = QStringLiteral("127.0.0.1:1");
        QVERIFY(!engine.start(settingsFor(*profile))); // no job kind
        engine.addJobKind(std::make_unique<EspJobKind>());
        QVERIFY(!engine.offer(d)); // no batch
        QVERIFY(engine.start(settingsFor(*profile)));
        engine.pause(); // nothing starts: the checks only
        LineDevice other = d;
        other.serviceName = QStringLiteral("ESP_1");
        QVERIFY(engine.offer(other).error().detail.contains(QLatin1String("does not match")));
        other = d;
        other.transport = TransportKind::Ble;
        QVERIFY(engine.offer(other).error().detail.contains(QLatin1String("does not allow ble")));
        other = d;
        other.rssiDbm = -71;
        QVERIFY(engine.offer(other).error().detail.contains(QLatin1String("-70 dBm")));
        other.rssiDbm = -70; // the gate itself is inside
        QVERIFY(engine.offer(other));
        QCOMPARE(engine.counters().queued, 1);
        QVERIFY(!engine.start(settingsFor(*profile))); // a batch is running
        engine.abort();
        QCOMPARE(engine.state(), LineState::Aborted);
    }

private:
    /// Starts `engine` (the ESP-IDF job kind, the test's record) on a 2-lane profile and offers every
    /// device of `tray`.
    bool startTwoLanes(LaneEngine &engine, const Tray &tray)
    {
        auto profile = ProductProfile::fromJson(profileJson(0, 2));
        if (!profile)
            return false;
        engine.addJobKind(std::make_unique<EspJobKind>());
        engine.setRecordSink(m_sink.get());
        if (!engine.start(settingsFor(*profile)))
            return false;
        for (int i = 0; i < int(tray.devices.size()); ++i) {
            if (!engine.offer(tray.lineDevice(i)))
                return false;
        }
        return true;
    }

    QTemporaryDir m_dir;
    int m_run = 0;
    std::unique_ptr<RecordStore> m_store;
    std::unique_ptr<StoreRecordSink> m_sink;
};

QTEST_MAIN(TestLaneEngine)
#include "tst_laneengine.moc"
