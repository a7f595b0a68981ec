// SPDX-License-Identifier: Apache-2.0
// RecordStore on SQLite: schema and pragmas, a whole attempt written step by step and read back,
// every filter against an in-memory reference (recordMatches + sort), paging, typed errors for
// misuse, recovery of unfinished attempts on reopen, and no secret in the file. Line mode: the
// migration of a version 1 file (made with the frozen v1 DDL below), batches begun, filled, ended
// and offered again after a restart, their typed errors, and the attempts' batch filter.
#include "prov/record.h"

#include "recordtesthelpers.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <limits>

using namespace prov;
using recordtest::makeRecord;
using recordtest::sameRecord;

namespace {

// Opens the file with a separate raw connection for white-box checks.
class RawDb
{
public:
    explicit RawDb(const QString &path)
        : m_name(QStringLiteral("raw-%1").arg(quintptr(this)))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.open();
    }
    ~RawDb()
    {
        QSqlDatabase::database(m_name).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QVariant scalar(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }
    bool exec(const QString &sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        return q.exec(sql);
    }

private:
    QString m_name;
};

// Schema version 1 exactly as the first release wrote it (frozen copy: a version 1 file made by the
// old code, for the migration test).
const char *const kSchemaV1[] = {
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "INSERT INTO schema_version (version) VALUES (1)",
    "CREATE TABLE attempts ("
    " id INTEGER PRIMARY KEY,"
    " attempt_id TEXT NOT NULL UNIQUE,"
    " started_at_ms INTEGER NOT NULL,"
    " finished_at_ms INTEGER,"
    " station TEXT NOT NULL,"
    " operator_name TEXT NOT NULL,"
    " service_name TEXT NOT NULL,"
    " service_name_folded TEXT NOT NULL,"
    " transport TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " proto_ver_json TEXT,"
    " firmware_version TEXT,"
    " sec_ver INTEGER NOT NULL DEFAULT -1,"
    " sec_patch_ver INTEGER NOT NULL DEFAULT -1,"
    " ssid TEXT,"
    " outcome INTEGER NOT NULL CHECK (outcome BETWEEN 0 AND 4),"
    " failure_code INTEGER NOT NULL DEFAULT 0,"
    " failure_name TEXT,"
    " failure_detail TEXT)",
    "CREATE INDEX attempts_started ON attempts (started_at_ms)",
    "CREATE INDEX attempts_outcome_started ON attempts (outcome, started_at_ms)",
    "CREATE INDEX attempts_service ON attempts (service_name_folded)",
    "CREATE TABLE phases ("
    " id INTEGER PRIMARY KEY,"
    " attempt_row INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,"
    " phase TEXT NOT NULL,"
    " duration_ms INTEGER NOT NULL)",
    "CREATE INDEX phases_attempt ON phases (attempt_row)",
    "CREATE TABLE custom_calls ("
    " id INTEGER PRIMARY KEY,"
    " attempt_row INTEGER NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,"
    " endpoint TEXT NOT NULL,"
    " request_bytes INTEGER NOT NULL,"
    " response_bytes INTEGER NOT NULL,"
    " payload_recorded INTEGER NOT NULL,"
    " request BLOB,"
    " response BLOB,"
    " error_code INTEGER NOT NULL)",
    "CREATE INDEX custom_calls_attempt ON custom_calls (attempt_row)",
    // Two attempts as version 1 wrote them: one provisioned with a phase, one left running.
    "INSERT INTO attempts (attempt_id, started_at_ms, finished_at_ms, station, operator_name, service_name,"
    " service_name_folded, transport, address, proto_ver_json, firmware_version, sec_ver, sec_patch_ver,"
    " ssid, outcome, failure_code, failure_name, failure_detail) VALUES ('v1-done', 1000, 2500, 'Line 1',"
    " 'Ada', 'PROV_V1A', 'prov_v1a', 'softap', '192.168.4.1:80', '{}', 'rmaker v1.0', 2, 0,"
    " 'factory-net', 1, 0, NULL, NULL)",
    "INSERT INTO phases (attempt_row, phase, duration_ms) VALUES (1, 'connect', 12)",
    "INSERT INTO attempts (attempt_id, started_at_ms, station, operator_name, service_name,"
    " service_name_folded, transport, address, outcome) VALUES ('v1-running', 3000, 'Line 1', 'Ada',"
    " 'PROV_V1B', 'prov_v1b', 'ble', 'AA:BB:CC:DD:EE:01', 0)",
};

BatchStart makeBatch(int i, qint64 startedAtMs)
{
    BatchStart b;
    b.batchId = QStringLiteral("batch-%1").arg(i);
    b.startedAtMs = startedAtMs;
    b.station = QStringLiteral("Line %1").arg(i);
    b.operatorName = QStringLiteral("Ada");
    b.profileId = QStringLiteral("lamp-eu");
    b.profileVersion = QStringLiteral("1.%1").arg(i);
    b.profileJson = QByteArray(R"({"id":"lamp-eu","schema":1,"version":"1.)") + QByteArray::number(i) + "\"}";
    b.lanes = 1 + i % 4;
    return b;
}

BatchDevice makeDevice(const QString &batchId, int position, const QString &serviceName)
{
    BatchDevice d;
    d.batchId = batchId;
    d.position = position;
    d.serviceName = serviceName;
    d.transport = position % 2 ? QStringLiteral("ble") : QStringLiteral("softap");
    d.address = position % 2 ? QStringLiteral("AA:BB:CC:DD:EE:%1").arg(position, 2, 10, QLatin1Char('0'))
                             : QStringLiteral("192.168.4.1:80");
    d.source = position % 2 ? QStringLiteral("ble-scan") : QStringLiteral("manifest");
    return d;
}

bool sameStart(const BatchStart &a, const BatchStart &b)
{
    return a.batchId == b.batchId && a.startedAtMs == b.startedAtMs && a.station == b.station
        && a.operatorName == b.operatorName && a.profileId == b.profileId
        && a.profileVersion == b.profileVersion && a.profileJson == b.profileJson && a.lanes == b.lanes;
}

bool sameDevice(const BatchDevice &a, const BatchDevice &b)
{
    return a.batchId == b.batchId && a.position == b.position && a.serviceName == b.serviceName
        && a.transport == b.transport && a.address == b.address && a.source == b.source;
}

std::unique_ptr<RecordStore> openStore(const QString &path)
{
    auto r = RecordStore::openSqlite(path);
    if (!r) {
        qWarning("open failed: %s", qPrintable(r.error().toString()));
        return {};
    }
    return std::move(r.value());
}

} // namespace

class TestRecordStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void createsSchemaInWalMode();
    void writesAnAttemptStepByStep();
    void dropsPayloadsNotMarkedNonSecret();
    void rejectsMisuseWithInvalidArgument();
    void refusesPassphraseSizedSsid();
    void filtersLikeTheReference_data();
    void filtersLikeTheReference();
    void nameFilterTreatsWildcardsLiterally();
    void pagesWithLimitAndOffset();
    void countIgnoresLimit();
    void marksUnfinishedAttemptsInterruptedOnReopen();
    void insertRecordsIsAllOrNothing();
    void refusesNewerSchema();
    void refusesDirectoryAndGarbageFile();
    void keepsNoSecretInTheFile();
    void migratesAVersion1File();
    void batchesRoundTripAndSurviveARestart();
    void rejectsBatchMisuseWithInvalidArgument();
    void filtersAttemptsByBatch();

private:
    QList<ProvisioningRecord> seed(RecordStore &store);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestRecordStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("sub/dir/records.sqlite"));
}

QList<ProvisioningRecord> TestRecordStore::seed(RecordStore &store)
{
    // 300 records over 30 days, all outcomes, a few name families; out of time order on purpose.
    QList<ProvisioningRecord> records;
    const qint64 base = 1'700'000'000'000;
    const QStringList names = { QStringLiteral("PROV_%1"), QStringLiteral("prov_lamp_%1"),
        QStringLiteral("Sensor-%1"), QStringLiteral("ÄRGER_%1") };
    for (int i = 0; i < 300; ++i) {
        const qint64 t = base + qint64((i * 7919) % 300) * 2 * 3600 * 1000 + (i % 3); // some equal times
        const auto outcome = RecordOutcome(1 + i % 4);
        records.append(makeRecord(i, t, outcome, names[i % names.size()].arg(i, 4, 16, QLatin1Char('0'))));
    }
    const Status s = store.insertRecords(records);
    if (!s)
        qWarning("seed failed: %s", qPrintable(s.error().toString()));
    return records;
}

void TestRecordStore::createsSchemaInWalMode()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    QCOMPARE(store->path(), m_path);
    QCOMPARE(store->interruptedOnOpen(), 0);
    RawDb raw(m_path);
    QCOMPARE(raw.scalar(QStringLiteral("SELECT MAX(version) FROM schema_version")).toInt(), 3);
    QCOMPARE(raw.scalar(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    for (const char *table : { "attempts", "phases", "custom_calls", "batches", "batch_devices" }) {
        QCOMPARE(
            raw.scalar(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type='table' AND name='%1'")
                           .arg(QLatin1String(table)))
                .toInt(),
            1);
    }
    for (const char *index : { "attempts_started", "attempts_outcome_started", "attempts_service",
             "attempts_batch", "batches_state_started" }) {
        QCOMPARE(
            raw.scalar(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE type='index' AND name='%1'")
                           .arg(QLatin1String(index)))
                .toInt(),
            1);
    }
    // Reopening keeps the one schema_version row.
    store.reset();
    QVERIFY(openStore(m_path));
    QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), 1);
}

void TestRecordStore::writesAnAttemptStepByStep()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    ProvisioningRecord expected = makeRecord(
        7, 1'700'000'123'456, RecordOutcome::Failed, QStringLiteral("PROV_1A2B3C"));
    expected.customCalls = {
        { QStringLiteral("custom-data"), 5, 7, true, QByteArray("hello"),
            QByteArray("\x00\x01\x02\xff\"x,", 7), 0 },
        { QStringLiteral("custom-secret"), 32, 16, false, {}, {}, int(ErrorCode::Timeout) },
    };
    QVERIFY(store->begin(expected.start));

    // While running: InProgress, no end, no device facts.
    auto running = store->record(expected.start.attemptId);
    QVERIFY(running);
    QCOMPARE(running->end.outcome, RecordOutcome::InProgress);
    QCOMPARE(running->end.finishedAtMs, 0);
    QCOMPARE(running->device.secVer, -1);
    QVERIFY(running->phases.isEmpty());

    QVERIFY(store->setDeviceFacts(expected.start.attemptId, expected.device));
    for (const PhaseDuration &p : expected.phases)
        QVERIFY(store->addPhase(expected.start.attemptId, p));
    for (const CustomCallEntry &c : expected.customCalls)
        QVERIFY(store->addCustomCall(expected.start.attemptId, c));
    QVERIFY(store->finish(expected.start.attemptId, expected.end));

    auto read = store->record(expected.start.attemptId);
    QVERIFY(read);
    QString why;
    QVERIFY2(sameRecord(*read, expected, &why), qPrintable(why));
    QVERIFY(read->rowId > 0);

    auto all = store->query({});
    QVERIFY(all);
    QCOMPARE(all->size(), 1);
    QVERIFY2(sameRecord(all->first(), expected, &why), qPrintable(why));

    // Without details the list stays cheap.
    RecordFilter lean;
    lean.withDetails = false;
    auto leanRows = store->query(lean);
    QVERIFY(leanRows);
    QVERIFY(leanRows->first().phases.isEmpty());
    QVERIFY(leanRows->first().customCalls.isEmpty());
    QCOMPARE(leanRows->first().end.failureCode, int(ErrorCode::WifiAuthError));

    // Survives reopening.
    store.reset();
    store = openStore(m_path);
    QVERIFY(store);
    read = store->record(expected.start.attemptId);
    QVERIFY(read);
    QVERIFY2(sameRecord(*read, expected, &why), qPrintable(why));
}

void TestRecordStore::dropsPayloadsNotMarkedNonSecret()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    AttemptStart start = makeRecord(1, 1000, RecordOutcome::InProgress, QStringLiteral("X")).start;
    QVERIFY(store->begin(start));
    CustomCallEntry call { QStringLiteral("custom-cfg"), 9, 4, false, QByteArray("top-secret"),
        QByteArray("okay"), 0 };
    QVERIFY(store->addCustomCall(start.attemptId, call));
    auto read = store->record(start.attemptId);
    QVERIFY(read);
    QCOMPARE(read->customCalls.size(), 1);
    QVERIFY(read->customCalls[0].request.isEmpty());
    QVERIFY(read->customCalls[0].response.isEmpty());
    QCOMPARE(read->customCalls[0].requestBytes, 9);
    QCOMPARE(read->customCalls[0].responseBytes, 4);
    store.reset();
    for (const QString &suffix : { QString(), QStringLiteral("-wal") }) {
        QFile f(m_path + suffix);
        if (f.open(QIODevice::ReadOnly))
            QVERIFY(!f.readAll().contains("top-secret"));
    }
}

void TestRecordStore::rejectsMisuseWithInvalidArgument()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    const AttemptStart start = makeRecord(1, 1000, RecordOutcome::InProgress, QStringLiteral("X")).start;
    AttemptEnd end;
    end.finishedAtMs = 2000;
    end.outcome = RecordOutcome::Provisioned;

    auto expectInvalid = [](const Status &s) { return !s && s.error().code == ErrorCode::InvalidArgument; };
    QVERIFY(expectInvalid(store->begin(AttemptStart {})));
    QVERIFY(expectInvalid(store->addPhase(QStringLiteral("nope"), { QStringLiteral("connect"), 1 })));
    QVERIFY(expectInvalid(store->setDeviceFacts(QStringLiteral("nope"), {})));
    QVERIFY(expectInvalid(store->addCustomCall(QStringLiteral("nope"), {})));
    QVERIFY(expectInvalid(store->finish(QStringLiteral("nope"), end)));
    QVERIFY(expectInvalid(store->finish(QString(), end)));
    auto missing = store->record(QStringLiteral("nope"));
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, ErrorCode::InvalidArgument);

    QVERIFY(store->begin(start));
    QVERIFY(expectInvalid(store->begin(start))); // duplicate
    AttemptEnd stillRunning = end;
    stillRunning.outcome = RecordOutcome::InProgress;
    QVERIFY(expectInvalid(store->finish(start.attemptId, stillRunning)));
    QVERIFY(store->finish(start.attemptId, end));
    QVERIFY(expectInvalid(store->finish(start.attemptId, end))); // twice
    QVERIFY(expectInvalid(store->addPhase(start.attemptId, { QStringLiteral("late"), 1 })));
    QVERIFY(expectInvalid(store->setDeviceFacts(start.attemptId, {})));
    QVERIFY(expectInvalid(store->addCustomCall(start.attemptId, {})));

    // Nothing of the refused writes landed.
    auto read = store->record(start.attemptId);
    QVERIFY(read);
    QVERIFY(read->phases.isEmpty());
    QCOMPARE(read->end.outcome, RecordOutcome::Provisioned);
    QCOMPARE(store->count({}).value(), 1);
}

void TestRecordStore::refusesPassphraseSizedSsid()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    const AttemptStart start = makeRecord(1, 1000, RecordOutcome::InProgress, QStringLiteral("X")).start;
    QVERIFY(store->begin(start));
    AttemptEnd end;
    end.finishedAtMs = 2000;
    end.outcome = RecordOutcome::Provisioned;
    // A 63-character WPA passphrase handed over in the SSID field by mistake.
    end.ssid = QStringLiteral("correct-horse-battery-staple-correct-horse-battery-staple-12345");
    const Status s = store->finish(start.attemptId, end);
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
    QVERIFY(!s.error().detail.contains(end.ssid));
    // 32 bytes of non-UTF-8 SSID decode to 32 replacement characters: still accepted.
    end.ssid = QString::fromUtf8(QByteArray(32, '\xff'));
    QVERIFY(store->finish(start.attemptId, end));
    QCOMPARE(store->record(start.attemptId)->end.ssid, end.ssid);
}

void TestRecordStore::filtersLikeTheReference_data()
{
    QTest::addColumn<qint64>("fromOffsetH");
    QTest::addColumn<qint64>("toOffsetH");
    QTest::addColumn<QList<int>>("outcomes");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("newestFirst");
    QTest::addColumn<QString>("batch");

    QTest::newRow("all") << qint64(-1) << qint64(-1) << QList<int> {} << QString() << true << QString();
    QTest::newRow("oldest first") << qint64(-1) << qint64(-1) << QList<int> {} << QString() << false
                                  << QString();
    QTest::newRow("time range") << qint64(100) << qint64(300) << QList<int> {} << QString() << true
                                << QString();
    QTest::newRow("from only") << qint64(500) << qint64(-1) << QList<int> {} << QString() << true
                               << QString();
    QTest::newRow("to only") << qint64(-1) << qint64(50) << QList<int> {} << QString() << true << QString();
    QTest::newRow("failed") << qint64(-1) << qint64(-1) << QList<int> { 2 } << QString() << true << QString();
    QTest::newRow("provisioned+cancelled")
        << qint64(-1) << qint64(-1) << QList<int> { 1, 3 } << QString() << true << QString();
    QTest::newRow("name any case") << qint64(-1) << qint64(-1) << QList<int> {} << QStringLiteral("pRoV_")
                                   << true << QString();
    QTest::newRow("name non-ascii case")
        << qint64(-1) << qint64(-1) << QList<int> {} << QStringLiteral("ärger") << true << QString();
    QTest::newRow("name + outcome + time")
        << qint64(48) << qint64(400) << QList<int> { 2, 4 } << QStringLiteral("00") << true << QString();
    QTest::newRow("batch") << qint64(-1) << qint64(-1) << QList<int> {} << QString() << true
                           << QStringLiteral("batch-1");
    QTest::newRow("batch + outcome + name") << qint64(-1) << qint64(-1) << QList<int> { 1, 2 }
                                            << QStringLiteral("prov") << false << QStringLiteral("batch-2");
    QTest::newRow("unknown batch") << qint64(-1) << qint64(-1) << QList<int> {} << QString() << true
                                   << QStringLiteral("batch-9");
    QTest::newRow("no match") << qint64(-1) << qint64(-1) << QList<int> {} << QStringLiteral("zzz") << true
                              << QString();
}

void TestRecordStore::filtersLikeTheReference()
{
    QFETCH(qint64, fromOffsetH);
    QFETCH(qint64, toOffsetH);
    QFETCH(QList<int>, outcomes);
    QFETCH(QString, name);
    QFETCH(bool, newestFirst);
    QFETCH(QString, batch);

    auto store = openStore(m_path);
    QVERIFY(store);
    QList<ProvisioningRecord> all = seed(*store);
    QCOMPARE(all.size(), 300);

    const qint64 base = 1'700'000'000'000;
    RecordFilter f;
    f.fromMs = fromOffsetH < 0 ? 0 : base + fromOffsetH * 3600 * 1000;
    f.toMs = toOffsetH < 0 ? 0 : base + toOffsetH * 3600 * 1000;
    for (int o : outcomes)
        f.outcomes.append(RecordOutcome(o));
    f.nameContains = name;
    f.newestFirst = newestFirst;
    f.batchId = batch;

    // Reference: the in-memory predicate, sorted by time then insertion order.
    QList<int> expected;
    for (int i = 0; i < all.size(); ++i) {
        if (recordMatches(f, all[i]))
            expected.append(i);
    }
    std::stable_sort(expected.begin(), expected.end(), [&](int a, int b) {
        const qint64 ta = all[a].start.startedAtMs;
        const qint64 tb = all[b].start.startedAtMs;
        if (ta != tb)
            return newestFirst ? ta > tb : ta < tb;
        return newestFirst ? a > b : a < b;
    });
    const QByteArray tag(QTest::currentDataTag());
    if (tag != "no match" && tag != "unknown batch")
        QVERIFY(!expected.isEmpty());

    auto got = store->query(f);
    QVERIFY(got);
    QCOMPARE(got->size(), expected.size());
    for (int k = 0; k < expected.size(); ++k) {
        QString why;
        QVERIFY2(sameRecord(got->at(k), all[expected[k]], &why),
            qPrintable(QStringLiteral("row %1: %2").arg(k).arg(why)));
    }
    QCOMPARE(store->count(f).value(), expected.size());
}

void TestRecordStore::nameFilterTreatsWildcardsLiterally()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    QVERIFY(
        store->insertRecords({ makeRecord(1, 1000, RecordOutcome::Provisioned, QStringLiteral("a_b%c\\d")),
            makeRecord(2, 2000, RecordOutcome::Provisioned, QStringLiteral("axbyc")),
            makeRecord(3, 3000, RecordOutcome::Provisioned, QStringLiteral("plain")) }));
    for (const QString &needle : { QStringLiteral("_"), QStringLiteral("%"), QStringLiteral("\\"),
             QStringLiteral("a_b%c\\d"), QStringLiteral("b%C") }) {
        RecordFilter f;
        f.nameContains = needle;
        auto got = store->query(f);
        QVERIFY(got);
        QCOMPARE(got->size(), 1);
        QCOMPARE(got->first().start.serviceName, QStringLiteral("a_b%c\\d"));
    }
}

void TestRecordStore::pagesWithLimitAndOffset()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    seed(*store);
    RecordFilter everything;
    everything.withDetails = false;
    const QList<ProvisioningRecord> all = store->query(everything).value();
    QCOMPARE(all.size(), 300);

    QList<ProvisioningRecord> paged;
    RecordFilter page = everything;
    page.limit = 64;
    for (page.offset = 0;; page.offset += page.limit) {
        const QList<ProvisioningRecord> rows = store->query(page).value();
        paged += rows;
        if (rows.size() < page.limit)
            break;
    }
    QCOMPARE(paged.size(), all.size());
    for (int i = 0; i < all.size(); ++i)
        QCOMPARE(paged[i].start.attemptId, all[i].start.attemptId);

    page.limit = 0;
    page.offset = 0;
    QCOMPARE(store->query(page)->size(), 0);
    // Offset without limit.
    page.limit = -1;
    page.offset = 290;
    QCOMPARE(store->query(page)->size(), 10);
    QCOMPARE(store->query(page)->first().start.attemptId, all[290].start.attemptId);
    // A huge limit is an upper bound, not an allocation (a page size from QML can be anything).
    page.limit = std::numeric_limits<int>::max();
    page.offset = 0;
    QCOMPARE(store->query(page)->size(), all.size());
}

void TestRecordStore::countIgnoresLimit()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    seed(*store);
    RecordFilter f;
    f.outcomes = { RecordOutcome::Failed };
    f.limit = 3;
    f.offset = 10;
    QCOMPARE(store->count(f).value(), 75);
    QCOMPARE(store->query(f)->size(), 3);
}

void TestRecordStore::marksUnfinishedAttemptsInterruptedOnReopen()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    const ProvisioningRecord a = makeRecord(1, 1000, RecordOutcome::Provisioned, QStringLiteral("A"));
    const ProvisioningRecord b = makeRecord(2, 2000, RecordOutcome::InProgress, QStringLiteral("B"));
    const ProvisioningRecord c = makeRecord(3, 3000, RecordOutcome::InProgress, QStringLiteral("C"));
    for (const auto *r : { &a, &b, &c })
        QVERIFY(store->begin(r->start));
    QVERIFY(store->addPhase(b.start.attemptId, { QStringLiteral("connect"), 5 }));
    QVERIFY(store->finish(a.start.attemptId, a.end));
    store.reset(); // as if the process died here

    store = openStore(m_path);
    QVERIFY(store);
    QCOMPARE(store->interruptedOnOpen(), 2);
    QCOMPARE(store->record(a.start.attemptId)->end.outcome, RecordOutcome::Provisioned);
    auto rb = store->record(b.start.attemptId);
    QCOMPARE(rb->end.outcome, RecordOutcome::Interrupted);
    QCOMPARE(rb->end.finishedAtMs, 0);
    QCOMPARE(rb->phases.size(), 1);
    QCOMPARE(store->record(c.start.attemptId)->end.outcome, RecordOutcome::Interrupted);
    RecordFilter running;
    running.outcomes = { RecordOutcome::InProgress };
    QCOMPARE(store->count(running).value(), 0);
    // An interrupted attempt is closed: no more writes.
    QVERIFY(!store->addPhase(b.start.attemptId, { QStringLiteral("late"), 1 }));

    store.reset();
    store = openStore(m_path);
    QVERIFY(store);
    QCOMPARE(store->interruptedOnOpen(), 0);
}

void TestRecordStore::insertRecordsIsAllOrNothing()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    const ProvisioningRecord a = makeRecord(1, 1000, RecordOutcome::Provisioned, QStringLiteral("A"));
    const ProvisioningRecord b = makeRecord(2, 2000, RecordOutcome::Failed, QStringLiteral("B"));
    QVERIFY(store->insertRecords({ a }));
    const Status s = store->insertRecords({ b, a }); // a exists already
    QVERIFY(!s);
    QCOMPARE(s.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(store->count({}).value(), 1);
    QVERIFY(!store->record(b.start.attemptId));
    RawDb raw(m_path);
    QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM phases")).toInt(), a.phases.size());
}

void TestRecordStore::refusesNewerSchema()
{
    QVERIFY(openStore(m_path));
    {
        RawDb raw(m_path);
        QVERIFY(raw.exec(QStringLiteral("INSERT INTO schema_version (version) VALUES (99)")));
    }
    auto r = RecordStore::openSqlite(m_path);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::StorageFailed);
    QVERIFY2(r.error().detail.contains(QStringLiteral("99")), qPrintable(r.error().detail));
}

void TestRecordStore::refusesDirectoryAndGarbageFile()
{
    auto dir = RecordStore::openSqlite(m_dir->path());
    QVERIFY(!dir);
    QCOMPARE(dir.error().code, ErrorCode::StorageFailed);

    const QString garbage = m_dir->filePath(QStringLiteral("garbage.sqlite"));
    QFile f(garbage);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(8192, 'x'));
    f.close();
    auto bad = RecordStore::openSqlite(garbage);
    QVERIFY(!bad);
    QCOMPARE(bad.error().code, ErrorCode::StorageFailed);
    QVERIFY(!bad.error().detail.isEmpty());

    auto empty = RecordStore::openSqlite(QString());
    QVERIFY(!empty);
    QCOMPARE(empty.error().code, ErrorCode::StorageFailed);
}

void TestRecordStore::keepsNoSecretInTheFile()
{
    // A whole attempt as the workflow writes it: the passphrase and PoP exist in the caller only.
    const QByteArray passphrase = "Pa55phrase-never-stored";
    const QByteArray pop = "abcd1234-pop-never-stored";
    auto store = openStore(m_path);
    QVERIFY(store);
    ProvisioningRecord r = makeRecord(5, 5000, RecordOutcome::Failed, QStringLiteral("PROV_SECRET"));
    r.end.failureDetail = QStringLiteral("device reported AuthError for SSID factory-net-1");
    QVERIFY(store->begin(r.start));
    QVERIFY(store->setDeviceFacts(r.start.attemptId, r.device));
    QVERIFY(store->addCustomCall(r.start.attemptId,
        { QStringLiteral("custom-creds"), passphrase.size(), 2, false, passphrase, QByteArray("ok"), 0 }));
    // A device answer that carries a secret (not marked non-secret): the response column stays empty.
    QVERIFY(store->addCustomCall(
        r.start.attemptId, { QStringLiteral("custom-pop"), 1, pop.size(), false, QByteArray("?"), pop, 0 }));
    QVERIFY(store->finish(r.start.attemptId, r.end));
    store.reset();
    QByteArray bytes;
    for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") }) {
        QFile f(m_path + suffix);
        if (f.open(QIODevice::ReadOnly))
            bytes += f.readAll();
    }
    QVERIFY(bytes.contains("PROV_SECRET")); // the scan does see the file's text
    QVERIFY(!bytes.contains(passphrase));
    QVERIFY(!bytes.contains(pop));
}

void TestRecordStore::migratesAVersion1File()
{
    QVERIFY(QDir().mkpath(QFileInfo(m_path).absolutePath()));
    {
        RawDb raw(m_path);
        for (const char *sql : kSchemaV1)
            QVERIFY2(raw.exec(QString::fromLatin1(sql)), sql);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM attempts")).toInt(), 2);
    }

    auto store = openStore(m_path);
    QVERIFY(store);
    QCOMPARE(store->interruptedOnOpen(), 1); // the v1 attempt left running
    {
        RawDb raw(m_path);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), 1);
        QCOMPARE(raw.scalar(QStringLiteral("SELECT version FROM schema_version")).toInt(), 3);
    }

    // The v1 rows read as "not part of a batch", everything else as it was.
    auto done = store->record(QStringLiteral("v1-done"));
    QVERIFY2(done, qPrintable(done ? QString() : done.error().toString()));
    QCOMPARE(done->start.serviceName, QStringLiteral("PROV_V1A"));
    QCOMPARE(done->start.startedAtMs, 1000);
    QCOMPARE(done->end.finishedAtMs, 2500);
    QCOMPARE(done->end.outcome, RecordOutcome::Provisioned);
    QCOMPARE(done->end.ssid, QStringLiteral("factory-net"));
    QCOMPARE(done->device.firmwareVersion, QStringLiteral("rmaker v1.0"));
    QCOMPARE(done->phases.size(), 1);
    QCOMPARE(done->start.batchId, QString());
    QCOMPARE(done->start.lane, -1);
    QCOMPARE(done->start.profileId, QString());
    QCOMPARE(done->start.profileVersion, QString());
    QCOMPARE(done->start.attemptNumber, 1);
    auto running = store->record(QStringLiteral("v1-running"));
    QVERIFY(running);
    QCOMPARE(running->end.outcome, RecordOutcome::Interrupted);
    QCOMPARE(running->start.lane, -1);
    RecordFilter byName;
    byName.nameContains = QStringLiteral("v1b");
    QCOMPARE(store->count(byName).value(), 1);

    // The migrated file takes line mode's writes.
    QVERIFY(store->unfinishedBatches()->isEmpty());
    const BatchStart b = makeBatch(1, 5000);
    QVERIFY(store->beginBatch(b));
    QVERIFY(store->addBatchDevice(makeDevice(b.batchId, 0, QStringLiteral("PROV_V1C"))));
    ProvisioningRecord r = recordtest::makeRecord(
        4, 5100, RecordOutcome::InProgress, QStringLiteral("PROV_V1C"));
    r.start.batchId = b.batchId;
    r.start.lane = 0;
    r.start.attemptNumber = 2;
    QVERIFY(store->begin(r.start));
    RecordFilter inBatch;
    inBatch.batchId = b.batchId;
    auto rows = store->query(inBatch);
    QVERIFY(rows);
    QCOMPARE(rows->size(), 1);
    QCOMPARE(rows->first().start.attemptNumber, 2);

    // Opening again migrates nothing more.
    store.reset();
    store = openStore(m_path);
    QVERIFY(store);
    RawDb raw(m_path);
    QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version")).toInt(), 1);
    QCOMPARE(store->unfinishedBatches()->size(), 1);
}

void TestRecordStore::batchesRoundTripAndSurviveARestart()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    // Begun out of time order; one is finished, one aborted, two keep running.
    const BatchStart late = makeBatch(1, 9000);
    const BatchStart early = makeBatch(2, 3000);
    const BatchStart finished = makeBatch(3, 1000);
    const BatchStart aborted = makeBatch(4, 2000);
    for (const BatchStart *b : { &late, &early, &finished, &aborted })
        QVERIFY(store->beginBatch(*b));

    // Devices queued out of position order; the same device may be queued in two batches.
    const QList<BatchDevice> earlyDevices = {
        makeDevice(early.batchId, 2, QStringLiteral("PROV_C")),
        makeDevice(early.batchId, 0, QStringLiteral("PROV_A")),
        makeDevice(early.batchId, 1, QStringLiteral("PROV_B")),
    };
    for (const BatchDevice &d : earlyDevices)
        QVERIFY(store->addBatchDevice(d));
    QVERIFY(store->addBatchDevice(makeDevice(late.batchId, 0, QStringLiteral("PROV_A"))));
    QVERIFY(store->addBatchDevice(makeDevice(finished.batchId, 0, QStringLiteral("PROV_Z"))));
    QVERIFY(store->finishBatch(finished.batchId, BatchState::Finished, 1500));
    QVERIFY(store->finishBatch(aborted.batchId, BatchState::Aborted, 2600));

    auto check = [&](RecordStore &s) {
        auto open = s.unfinishedBatches();
        QVERIFY2(open, qPrintable(open ? QString() : open.error().toString()));
        QCOMPARE(open->size(), 2);
        QVERIFY(sameStart(open->at(0).start, early));
        QVERIFY(sameStart(open->at(1).start, late));
        for (const BatchInfo &b : *open) {
            QCOMPARE(b.state, BatchState::Running);
            QCOMPARE(b.finishedAtMs, 0);
        }
        const QList<BatchDevice> devices = open->at(0).devices;
        QCOMPARE(devices.size(), 3);
        QVERIFY(sameDevice(devices[0], earlyDevices[1]));
        QVERIFY(sameDevice(devices[1], earlyDevices[2]));
        QVERIFY(sameDevice(devices[2], earlyDevices[0]));
        QCOMPARE(open->at(1).devices.size(), 1);

        auto f = s.batch(finished.batchId);
        QVERIFY(f);
        QVERIFY(sameStart(f->start, finished));
        QCOMPARE(f->state, BatchState::Finished);
        QCOMPARE(f->finishedAtMs, 1500);
        QCOMPARE(f->devices.size(), 1);
        QCOMPARE(f->devices.first().serviceName, QStringLiteral("PROV_Z"));
        auto a = s.batch(aborted.batchId);
        QVERIFY(a);
        QCOMPARE(a->state, BatchState::Aborted);
        QCOMPARE(a->finishedAtMs, 2600);
        QVERIFY(a->devices.isEmpty());
    };
    check(*store);
    if (QTest::currentTestFailed())
        return;

    // A crash: the running batches are offered again, with their queues.
    store.reset();
    store = openStore(m_path);
    QVERIFY(store);
    check(*store);
    if (QTest::currentTestFailed())
        return;

    // A resumed batch takes more devices, then ends.
    QVERIFY(store->addBatchDevice(makeDevice(early.batchId, 3, QStringLiteral("PROV_D"))));
    QCOMPARE(store->batch(early.batchId)->devices.size(), 4);
    QVERIFY(store->finishBatch(early.batchId, BatchState::Finished, 12000));
    auto open = store->unfinishedBatches();
    QVERIFY(open);
    QCOMPARE(open->size(), 1);
    QCOMPARE(open->first().start.batchId, late.batchId);
}

void TestRecordStore::rejectsBatchMisuseWithInvalidArgument()
{
    auto store = openStore(m_path);
    QVERIFY(store);
    auto expectInvalid = [](const Status &s) { return !s && s.error().code == ErrorCode::InvalidArgument; };
    const BatchStart b = makeBatch(1, 1000);
    const BatchDevice device = makeDevice(b.batchId, 0, QStringLiteral("PROV_A"));

    QVERIFY(expectInvalid(store->beginBatch(BatchStart {})));
    QVERIFY(expectInvalid(store->addBatchDevice(device))); // unknown batch
    QVERIFY(expectInvalid(store->addBatchDevice(BatchDevice {}))); // empty batch id
    QVERIFY(expectInvalid(store->finishBatch(b.batchId, BatchState::Finished, 2000)));
    QVERIFY(expectInvalid(store->finishBatch(QString(), BatchState::Finished, 2000)));
    for (const QString &id : { QString(), QStringLiteral("nope") }) {
        auto missing = store->batch(id);
        QVERIFY(!missing);
        QCOMPARE(missing.error().code, ErrorCode::InvalidArgument);
    }

    QVERIFY(store->beginBatch(b));
    QVERIFY(expectInvalid(store->beginBatch(b))); // duplicate
    QVERIFY(store->addBatchDevice(device));
    QVERIFY(expectInvalid(store->addBatchDevice(device))); // the same device twice
    BatchDevice samePlace = device;
    samePlace.position = 7;
    samePlace.source = QStringLiteral("qr");
    QVERIFY(expectInvalid(store->addBatchDevice(samePlace))); // identity is name + transport + address
    BatchDevice otherAddress = device;
    otherAddress.address = QStringLiteral("192.168.4.2:80");
    QVERIFY(store->addBatchDevice(otherAddress));
    QVERIFY(expectInvalid(store->finishBatch(b.batchId, BatchState::Running, 2000)));
    QVERIFY(expectInvalid(store->finishBatch(b.batchId, BatchState(7), 2000)));
    QVERIFY(store->finishBatch(b.batchId, BatchState::Aborted, 2000));
    QVERIFY(expectInvalid(store->finishBatch(b.batchId, BatchState::Finished, 3000))); // twice
    BatchDevice late = device;
    late.serviceName = QStringLiteral("PROV_LATE");
    QVERIFY(expectInvalid(store->addBatchDevice(late))); // ended batch

    // Nothing of the refused writes landed.
    auto read = store->batch(b.batchId);
    QVERIFY(read);
    QCOMPARE(read->state, BatchState::Aborted);
    QCOMPARE(read->finishedAtMs, 2000);
    QCOMPARE(read->devices.size(), 2);
    QVERIFY(sameStart(read->start, b));
    RawDb raw(m_path);
    QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM batches")).toInt(), 1);
    QCOMPARE(raw.scalar(QStringLiteral("SELECT COUNT(*) FROM batch_devices")).toInt(), 2);
}

void TestRecordStore::filtersAttemptsByBatch()
{
    // What a resumed batch asks: which devices of this batch were provisioned already?
    auto store = openStore(m_path);
    QVERIFY(store);
    const QList<ProvisioningRecord> all = seed(*store);
    QHash<QString, QSet<QString>> provisioned; // batch id -> service names
    for (const ProvisioningRecord &r : all) {
        if (r.end.outcome == RecordOutcome::Provisioned)
            provisioned[r.start.batchId].insert(r.start.serviceName);
    }
    QVERIFY(provisioned.size() == 3); // "", batch-1, batch-2

    for (const QString &batchId : { QStringLiteral("batch-1"), QStringLiteral("batch-2") }) {
        RecordFilter f;
        f.batchId = batchId;
        f.outcomes = { RecordOutcome::Provisioned };
        f.withDetails = false;
        auto rows = store->query(f);
        QVERIFY(rows);
        QSet<QString> names;
        for (const ProvisioningRecord &r : *rows) {
            QCOMPARE(r.start.batchId, batchId);
            names.insert(r.start.serviceName);
        }
        QCOMPARE(names, provisioned.value(batchId));
        QCOMPARE(store->count(f).value(), rows->size());
    }
    // An empty batch id selects every attempt.
    RecordFilter any;
    QCOMPARE(store->count(any).value(), all.size());
}

QTEST_GUILESS_MAIN(TestRecordStore)
#include "tst_recordstore.moc"
