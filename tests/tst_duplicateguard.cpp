// SPDX-License-Identifier: Apache-2.0
// The duplicate guard (GuardedJobKind around EspJobKind) in the lane engine over real HTTP, against a
// real SQLite record that already holds a Provisioned attempt: refuse, warn, off, BLE by address, a
// lookup that never answers, and a cancel while the line record is being asked.
#include "linetray.h"

#include "prov/duplicateguard.h"
#include "prov/laneengine.h"
#include "prov/record.h"
#include "prov/recordsink.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <utility>
#include <vector>

using namespace prov;
using namespace linetray;

namespace {

/// When the earlier attempt of the seeded device ended: 2026-12-06 10:31:20 UTC.
const qint64 kEarlierMs = QDateTime(QDate(2026, 12, 6), QTime(10, 31, 20), Qt::UTC).toMSecsSinceEpoch();
const QString kEarlierId = QStringLiteral("1a2b3c4d-0000-4000-8000-000000000001");
const QString kEarlierDetail = QStringLiteral(
    "provisioned at station station-3 on 2026-12-06 10:31 UTC (attempt 1a2b3c4d)");

/// Forwards to another lookup and counts the questions.
class CountingLookup : public DuplicateLookup
{
public:
    explicit CountingLookup(DuplicateLookup *inner)
        : m_inner(inner)
    { }
    Pending<DuplicateCheck> *check(
        const QString &serviceName, const QString &transport, const QString &address) override
    {
        ++calls;
        return m_inner->check(serviceName, transport, address);
    }
    int calls = 0;

private:
    DuplicateLookup *m_inner;
};

/// A lookup whose answer never comes (a worker stuck on an unreachable server).
class SilentLookup : public QObject, public DuplicateLookup
{
public:
    Pending<DuplicateCheck> *check(const QString &, const QString &, const QString &) override
    {
        ++calls;
        m_promises.emplace_back(this); // kept, never finished
        return m_promises.back().pending();
    }
    int calls = 0;

private:
    std::vector<Promise<DuplicateCheck>> m_promises;
};

ProductProfile profileWith(ProductProfile::DuplicatePolicy policy)
{
    auto profile = ProductProfile::fromJson(profileJson(0, 2));
    if (!profile)
        qFatal("%s", qPrintable(profile.error().toString()));
    profile->duplicates = policy;
    return *profile;
}

} // namespace

class TestDuplicateGuard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        QVERIFY(openTestRecord(m_dir, ++m_run, m_store, m_sink));
        m_lookup = std::make_unique<StoreDuplicateLookup>(m_store.get());
    }
    void cleanup()
    {
        m_lookup.reset();
        m_sink.reset();
        m_store.reset();
    }

    /// Refuse: the device provisioned before is not touched; it ends Failed with AlreadyProvisioned
    /// naming the earlier station, time and attempt, and the refused attempt is in the record with the
    /// batch's identity. A new device of the same tray is provisioned.
    void refuseEndsWithAlreadyProvisionedAndRecordsTheAttempt()
    {
        Tray tray;
        CountingLookup counting(m_lookup.get());
        LaneEngine engine;
        QStringList steps;
        QVERIFY(runTray(tray, engine, ProductProfile::DuplicatePolicy::Refuse, &counting, steps));

        QCOMPARE(counting.calls, 2);
        QCOMPARE(steps, QStringList { QStringLiteral("checking the line record") }); // and nothing else
        const auto refused = engine.device(tray.lineDevice(0).key());
        QVERIFY(refused);
        QCOMPARE(refused->state, LineDeviceState::Failed);
        QCOMPARE(refused->attempts, 1);
        QVERIFY(refused->lastError);
        QCOMPARE(refused->lastError->code, ErrorCode::AlreadyProvisioned);
        QCOMPARE(refused->lastError->detail, kEarlierDetail);
        QCOMPARE(tray.devices.at(0)->requests, 0); // never touched
        QCOMPARE(engine.device(tray.lineDevice(1).key())->state, LineDeviceState::Succeeded);

        const QList<ProvisioningRecord> rows = batchRows(engine.batchId(), QStringLiteral("PROV_T0"));
        QCOMPARE(rows.size(), 1);
        const ProvisioningRecord &r = rows.first();
        QCOMPARE(r.end.outcome, RecordOutcome::Failed);
        QCOMPARE(r.end.failureCode, 48);
        QCOMPARE(r.end.failureCode, int(ErrorCode::AlreadyProvisioned));
        QCOMPARE(r.end.failureDetail, kEarlierDetail);
        QCOMPARE(r.start.station, QStringLiteral("station-7"));
        QCOMPARE(r.start.profileId, QStringLiteral("test-tray"));
        QCOMPARE(r.start.profileVersion, QStringLiteral("3"));
        QCOMPARE(r.start.attemptNumber, 1);
        QVERIFY(r.start.lane >= 0 && r.start.lane < 2);
        QVERIFY(r.end.finishedAtMs >= r.start.startedAtMs);
        QCOMPARE(recordErrorName(r.end.failureCode), QStringLiteral("already_provisioned"));
        const QList<ProvisioningRecord> fresh = batchRows(engine.batchId(), QStringLiteral("PROV_T1"));
        QCOMPARE(fresh.size(), 1);
        QCOMPARE(fresh.first().end.outcome, RecordOutcome::Provisioned);
    }

    /// Warn: the device is provisioned again; the step text and the JobResult's note name the station
    /// it was provisioned at. A device not in the record gets no note.
    void warnProvisionsAgainWithANote()
    {
        Tray tray;
        CountingLookup counting(m_lookup.get());
        LaneEngine engine;
        QStringList steps;
        QVERIFY(runTray(tray, engine, ProductProfile::DuplicatePolicy::Warn, &counting, steps));
        const QString k0 = tray.lineDevice(0).key();

        QCOMPARE(counting.calls, 2);
        const auto again = engine.device(k0);
        QCOMPARE(again->state, LineDeviceState::Succeeded);
        QVERIFY(again->result);
        QCOMPARE(again->result->duplicateNote,
            QStringLiteral(
                "provisioned before at station station-3 on 2026-12-06 10:31 UTC (attempt 1a2b3c4d)"));
        QVERIFY(tray.devices.at(0)->requests > 0);
        QVERIFY2(steps.contains(QStringLiteral("checking the line record")), qPrintable(steps.join(u'|')));
        QVERIFY2(std::any_of(steps.cbegin(), steps.cend(),
                     [](const QString &s) { return s.contains(QLatin1String("station station-3")); }),
            qPrintable(steps.join(u'|')));
        QVERIFY(steps.contains(QStringLiteral("connect"))); // the inner job's progress is forwarded
        const auto fresh = engine.device(tray.lineDevice(1).key());
        QCOMPARE(fresh->state, LineDeviceState::Succeeded);
        QVERIFY(fresh->result);
        QVERIFY(fresh->result->duplicateNote.isEmpty());

        const QList<ProvisioningRecord> rows = batchRows(engine.batchId(), QStringLiteral("PROV_T0"));
        QCOMPARE(rows.size(), 1); // the inner job's attempt only: the guard adds no row
        QCOMPARE(rows.first().end.outcome, RecordOutcome::Provisioned);
        QCOMPARE(rows.first().end.ssid, QString::fromUtf8(kSsid));
    }

    /// Off: the lookup is never asked, the device provisioned before is provisioned again without a note.
    void offNeverAsks()
    {
        Tray tray;
        CountingLookup counting(m_lookup.get());
        LaneEngine engine;
        QStringList steps;
        QVERIFY(runTray(tray, engine, ProductProfile::DuplicatePolicy::Off, &counting, steps));
        QCOMPARE(counting.calls, 0);
        QVERIFY2(!steps.contains(QStringLiteral("checking the line record")), qPrintable(steps.join(u'|')));
        QVERIFY(steps.contains(QStringLiteral("connect")));
        const auto s = engine.device(tray.lineDevice(0).key());
        QCOMPARE(s->state, LineDeviceState::Succeeded);
        QVERIFY(s->result->duplicateNote.isEmpty());
    }

    /// A BLE device is the same device when its address matches without regard to case, under another
    /// name: refused before any link is made. The store lookup answers from the event loop.
    void bleMatchedByAddressIgnoringCase()
    {
        seedProvisioned(
            QStringLiteral("PROV_OLDNAME"), QStringLiteral("ble"), QStringLiteral("AA:BB:CC:DD:EE:01"));
        Pending<DuplicateCheck> *byAddress = m_lookup->check(
            QStringLiteral("PROV_TBLE"), QStringLiteral("ble"), QStringLiteral("aa:bb:cc:dd:ee:01"));
        QVERIFY(!byAddress->isFinished()); // never from the call that started it
        const Result<DuplicateCheck> found = byAddress->waitForResult(5000);
        QVERIFY(found);
        QCOMPARE(found->provisioned.size(), 1);
        QCOMPARE(found->provisioned.first().start.attemptId, kEarlierId);
        QVERIFY(!found->lineChecked);
        const Result<DuplicateCheck> other = m_lookup
                                                 ->check(QStringLiteral("PROV_TBLE"), QStringLiteral("ble"),
                                                     QStringLiteral("aa:bb:cc:dd:ee:02"))
                                                 ->waitForResult(5000);
        QVERIFY(other);
        QVERIFY(other->provisioned.isEmpty());

        LaneEngine engine;
        ProductProfile profile = profileWith(ProductProfile::DuplicatePolicy::Refuse);
        profile.match.transports.append(TransportKind::Ble);
        QVERIFY(startGuarded(engine, profile, m_lookup.get()));
        LineDevice d;
        d.serviceName = QStringLiteral("PROV_TBLE");
        d.transport = TransportKind::Ble;
        d.address = QStringLiteral("aa:bb:cc:dd:ee:01");
        d.rssiDbm = -40;
        d.source = QStringLiteral("ble-scan");
        QVERIFY(engine.offer(d));
        engine.finish();
        QVERIFY(waitForEnd(engine, 30000));
        const auto s = engine.device(d.key());
        QCOMPARE(s->state, LineDeviceState::Failed);
        QCOMPARE(s->lastError->code, ErrorCode::AlreadyProvisioned);
        QCOMPARE(s->lastError->detail, kEarlierDetail);
        const QList<ProvisioningRecord> rows = batchRows(engine.batchId(), d.serviceName);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().start.transport, QStringLiteral("ble"));
        QCOMPARE(rows.first().start.address, d.address);
        QCOMPARE(rows.first().end.failureCode, int(ErrorCode::AlreadyProvisioned));
    }

    /// A lookup that never answers holds the device only for the guard's timeout: it is provisioned as if
    /// nothing had been found (even with `refuse`), and the step says the line record is offline.
    void silentLookupProceedsAfterTheTimeout()
    {
        Tray tray;
        SilentLookup silent;
        LaneEngine engine;
        QStringList steps;
        QElapsedTimer clock;
        clock.start();
        QVERIFY(runTray(tray, engine, ProductProfile::DuplicatePolicy::Refuse, &silent, steps, 300));
        const QString k0 = tray.lineDevice(0).key();
        QVERIFY(clock.elapsed() >= 300);
        QCOMPARE(silent.calls, 2);
        const auto s = engine.device(k0);
        QCOMPARE(s->state, LineDeviceState::Succeeded);
        QVERIFY(s->result->duplicateNote.isEmpty());
        QCOMPARE(engine.device(tray.lineDevice(1).key())->state, LineDeviceState::Succeeded);
        QVERIFY2(
            steps.contains(QStringLiteral("line record offline: not checked")), qPrintable(steps.join(u'|')));
        QCOMPARE(batchRows(engine.batchId(), QStringLiteral("PROV_T0")).first().end.outcome,
            RecordOutcome::Provisioned);
    }

    /// A cancel (abort) while the line record is being asked ends the device Aborted and records its
    /// attempt Cancelled; so does the engine going away then. The device is never touched.
    void cancelWhileCheckingRecordsCancelled()
    {
        Tray tray;
        tray.add(QStringLiteral("PROV_T0"), Fault::None);
        tray.add(QStringLiteral("PROV_T1"), Fault::None);
        SilentLookup silent;
        // A batch with device `i` whose look-up is under way (the lookup never answers).
        auto checking = [&](LaneEngine &engine, int i) {
            GuardedJobKind *kind = startGuarded(engine, ProductProfile::DuplicatePolicy::Warn, &silent);
            if (!kind)
                return false;
            kind->setTimeoutMs(60000); // before the offer: the job is created when a lane takes it
            if (!engine.offer(tray.lineDevice(i)))
                return false;
            return QTest::qWaitFor([&] {
                return engine.device(tray.lineDevice(i).key())->stepName
                    == QLatin1String("checking the line record");
            });
        };
        QString firstBatch;
        {
            LaneEngine engine;
            QVERIFY(checking(engine, 0));
            firstBatch = engine.batchId();
            engine.abort();
            QVERIFY(waitForEnd(engine, 10000));
            QCOMPARE(engine.device(tray.lineDevice(0).key())->state, LineDeviceState::Aborted);
        }
        QString secondBatch;
        {
            LaneEngine engine;
            QVERIFY(checking(engine, 1));
            secondBatch = engine.batchId();
        } // the station stops while asking
        QCOMPARE(silent.calls, 2);
        for (const auto &[batch, name] : { std::pair { firstBatch, QStringLiteral("PROV_T0") },
                 std::pair { secondBatch, QStringLiteral("PROV_T1") } }) {
            const QList<ProvisioningRecord> rows = batchRows(batch, name);
            QCOMPARE(rows.size(), 1);
            QCOMPARE(rows.first().end.outcome, RecordOutcome::Cancelled);
            QCOMPARE(rows.first().end.failureCode, int(ErrorCode::Cancelled));
            QCOMPARE(rows.first().start.attemptNumber, 1);
        }
        QCOMPARE(tray.devices.at(0)->requests, 0);
        QCOMPARE(tray.devices.at(1)->requests, 0);
    }

    /// The kind is the inner kind's to the engine; without a lookup its jobs are the inner kind's own.
    void kindForwardsNameAndHandles()
    {
        GuardedJobKind kind(std::make_unique<EspJobKind>(), nullptr);
        QCOMPARE(kind.name(), EspJobKind().name());
        LineDevice d;
        d.transport = TransportKind::Ble;
        QVERIFY(kind.handles(d));
        kind.setTimeoutMs(-5);
        QCOMPARE(kind.timeoutMs(), 0);
        QVERIFY(!kind.lookup());
        kind.setLookup(m_lookup.get());
        QVERIFY(kind.lookup() == m_lookup.get());
    }

private:
    /// A tray of PROV_T0 (provisioned before at station-3: seeded here) and PROV_T1 (new), run to its
    /// end under `policy` with `lookup`, waiting at most `timeoutMs` for it; PROV_T0's step names go to
    /// `steps`. False when the batch could not start or did not end.
    bool runTray(Tray &tray, LaneEngine &engine, ProductProfile::DuplicatePolicy policy,
        DuplicateLookup *lookup, QStringList &steps, int timeoutMs = GuardedJobKind::kDefaultTimeoutMs)
    {
        tray.add(QStringLiteral("PROV_T0"), Fault::None);
        tray.add(QStringLiteral("PROV_T1"), Fault::None);
        seedProvisioned(
            QStringLiteral("PROV_T0"), QStringLiteral("softap"), QStringLiteral("192.168.4.1:80"));
        GuardedJobKind *kind = startGuarded(engine, policy, lookup);
        if (!kind || tray.devices.size() != 2)
            return false;
        if (kind->timeoutMs() != GuardedJobKind::kDefaultTimeoutMs)
            return false; // the default until set
        kind->setTimeoutMs(timeoutMs);
        const QString k0 = tray.lineDevice(0).key();
        connect(&engine, &LaneEngine::deviceChanged, this, [&engine, &steps, k0](const QString &key) {
            const auto s = engine.device(key);
            if (key == k0 && s && !s->stepName.isEmpty() && !steps.contains(s->stepName))
                steps << s->stepName;
        });
        if (!engine.offer(tray.lineDevice(0)) || !engine.offer(tray.lineDevice(1)))
            return false;
        engine.finish();
        return waitForEnd(engine, 30000);
    }

    /// A Provisioned attempt of another station, earlier (kEarlierMs, id kEarlierId).
    void seedProvisioned(const QString &name, const QString &transport, const QString &address)
    {
        AttemptStart start;
        start.attemptId = kEarlierId;
        start.startedAtMs = kEarlierMs - 4000;
        start.station = QStringLiteral("station-3");
        start.operatorName = QStringLiteral("earlier");
        start.serviceName = name;
        start.transport = transport;
        start.address = address;
        QVERIFY(m_store->begin(start));
        AttemptEnd end;
        end.finishedAtMs = kEarlierMs;
        end.outcome = RecordOutcome::Provisioned;
        end.ssid = QString::fromUtf8(kSsid);
        QVERIFY(m_store->finish(kEarlierId, end));
    }

    GuardedJobKind *startGuarded(LaneEngine &engine, const ProductProfile &profile, DuplicateLookup *lookup)
    {
        auto kind = std::make_unique<GuardedJobKind>(std::make_unique<EspJobKind>(), lookup);
        GuardedJobKind *raw = kind.get();
        engine.addJobKind(std::move(kind));
        engine.setRecordSink(m_sink.get());
        const Status started = engine.start(settingsFor(profile));
        if (!started)
            qWarning("start: %s", qPrintable(started.error().toString()));
        return started ? raw : nullptr;
    }
    GuardedJobKind *startGuarded(
        LaneEngine &engine, ProductProfile::DuplicatePolicy policy, DuplicateLookup *lookup)
    {
        return startGuarded(engine, profileWith(policy), lookup);
    }

    QList<ProvisioningRecord> batchRows(const QString &batchId, const QString &name) const
    {
        RecordFilter filter;
        filter.batchId = batchId;
        filter.nameContains = name;
        auto rows = m_store->query(filter);
        return rows ? *rows : QList<ProvisioningRecord>();
    }

    QTemporaryDir m_dir;
    int m_run = 0;
    std::unique_ptr<RecordStore> m_store;
    std::unique_ptr<StoreRecordSink> m_sink;
    std::unique_ptr<StoreDuplicateLookup> m_lookup;
};

QTEST_MAIN(TestDuplicateGuard)
#include "tst_duplicateguard.moc"
