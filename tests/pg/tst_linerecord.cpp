// SPDX-License-Identifier: Apache-2.0
// The line record on a real PostgreSQL (pgserver.h), in process: RecordStore::openPostgres() and
// LineSync against one server, a fresh database per test.
// - Upserts: the same records twice change nothing; an ended attempt stays ended; an attempt in
//   progress takes its later revision whole (phases replaced, not appended); batches likewise; all
//   or none on a bad record. The same on SQLite (the contract is the store's, not the backend's).
// - The Records page's source: the station filter and stations().
// - Migrations: a version 2 spool (frozen v2 DDL below) opens as version 3 and syncs every old row;
//   a line record whose schema_version is 99 is refused ("newer"), and left as it was.
// - The duplicate guard across two stations, by service name and by BLE address, and with the
//   server stopped (the spool still answers, lineChecked false).
// - The writer never waits on the server: with the server hung (SIGSTOP), spool writes stay fast
//   while LineSync's thread waits, and the backlog reaches the line once the server answers.
// - Secrets: the password comes from PGPASSFILE only; a wrong or missing one fails with
//   StorageFailed whose detail has no password; checkLineConnection() refuses `password=`; no log
//   line of this process, and no status error, carries the password.
#include "prov/linesync.h"
#include "prov/record.h"
#include "prov/recordsink.h"

#include "linetesthelpers.h"
#include "pgserver.h"
#include "stationattempts.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

using namespace prov;
using pgtest::PgServer;
using recordtest::makeRecord;
using recordtest::sameRecord;

namespace {

// Schema version 2 exactly as the line-mode release wrote it (frozen copy of kSqliteSchemaV1 plus
// kSqliteMigrationV2 of recordstore.cpp before version 3), with rows as that release wrote them: a
// provisioned attempt with a phase and a custom call in a finished batch of two devices, a failed
// one outside any batch, one left running.
const char *const kSpoolSchemaV2[] = {
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "INSERT INTO schema_version (version) VALUES (2)",
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
    " failure_detail TEXT,"
    " batch_id TEXT NOT NULL DEFAULT '',"
    " lane INTEGER NOT NULL DEFAULT -1,"
    " profile_id TEXT NOT NULL DEFAULT '',"
    " profile_version TEXT NOT NULL DEFAULT '',"
    " attempt_number INTEGER NOT NULL DEFAULT 1)",
    "CREATE INDEX attempts_started ON attempts (started_at_ms)",
    "CREATE INDEX attempts_outcome_started ON attempts (outcome, started_at_ms)",
    "CREATE INDEX attempts_service ON attempts (service_name_folded)",
    "CREATE INDEX attempts_batch ON attempts (batch_id, started_at_ms)",
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
    "CREATE TABLE batches ("
    " id INTEGER PRIMARY KEY,"
    " batch_id TEXT NOT NULL UNIQUE,"
    " started_at_ms INTEGER NOT NULL,"
    " finished_at_ms INTEGER,"
    " station TEXT NOT NULL,"
    " operator_name TEXT NOT NULL,"
    " profile_id TEXT NOT NULL,"
    " profile_version TEXT NOT NULL,"
    " profile_json BLOB NOT NULL,"
    " lanes INTEGER NOT NULL,"
    " state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 2))",
    "CREATE INDEX batches_state_started ON batches (state, started_at_ms)",
    "CREATE TABLE batch_devices ("
    " id INTEGER PRIMARY KEY,"
    " batch_row INTEGER NOT NULL REFERENCES batches (id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " service_name TEXT NOT NULL,"
    " transport TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " UNIQUE (batch_row, service_name, transport, address))",
    "INSERT INTO batches (batch_id, started_at_ms, finished_at_ms, station, operator_name, profile_id,"
    " profile_version, profile_json, lanes, state) VALUES ('v2-batch', 1000, 9000, 'Line 2', 'Ada', "
    "'lamp-eu',"
    " '1.0', '{\"id\":\"lamp-eu\"}', 2, 1)",
    "INSERT INTO batch_devices (batch_row, position, service_name, transport, address, source) VALUES"
    " (1, 0, 'PROV_V2A', 'softap', '192.168.4.1:80', 'qr'), (1, 1, 'PROV_V2B', 'ble', 'AA:BB:CC:DD:EE:02', "
    "'ble-scan')",
    "INSERT INTO attempts (attempt_id, started_at_ms, finished_at_ms, station, operator_name, service_name,"
    " service_name_folded, transport, address, proto_ver_json, firmware_version, sec_ver, sec_patch_ver, "
    "ssid,"
    " outcome, failure_code, failure_name, failure_detail, batch_id, lane, profile_id, profile_version,"
    " attempt_number) VALUES ('v2-done', 1100, 2500, 'Line 2', 'Ada', 'PROV_V2A', 'prov_v2a', 'softap',"
    " '192.168.4.1:80', '{}', 'rmaker v2.0', 2, 1, 'factory-net', 1, 0, NULL, NULL, 'v2-batch', 1, 'lamp-eu',"
    " '1.0', 2)",
    "INSERT INTO phases (attempt_row, phase, duration_ms) VALUES (1, 'connect', 12), (1, 'handshake', 310)",
    "INSERT INTO custom_calls (attempt_row, endpoint, request_bytes, response_bytes, payload_recorded, "
    "request,"
    " response, error_code) VALUES (1, 'custom-data', 5, 2, 1, X'68656C6C6F', X'6F6B', 0)",
    "INSERT INTO attempts (attempt_id, started_at_ms, finished_at_ms, station, operator_name, service_name,"
    " service_name_folded, transport, address, ssid, outcome, failure_code, failure_name, failure_detail)"
    " VALUES ('v2-failed', 3000, 4000, 'Line 2', 'Ada', 'PROV_V2B', 'prov_v2b', 'ble', 'AA:BB:CC:DD:EE:02',"
    " 'factory-net', 2, 40, 'wifi_auth_error', 'device reported AuthError')",
    "INSERT INTO attempts (attempt_id, started_at_ms, station, operator_name, service_name,"
    " service_name_folded, transport, address, outcome) VALUES ('v2-running', 5000, 'Line 2', 'Ada',"
    " 'PROV_V2C', 'prov_v2c', 'softap', '192.168.4.1:80', 0)",
};

LineSync::Options quickOptions()
{
    LineSync::Options o;
    o.chunk = 50;
    o.pollMs = 100;
    o.retryMinMs = 100;
    o.retryMaxMs = 400;
    return o;
}

ProvisioningRecord ended(ProvisioningRecord r, RecordOutcome outcome)
{
    r.end.outcome = outcome;
    r.end.finishedAtMs = r.start.startedAtMs + 1500;
    r.end.ssid = QStringLiteral("factory-net");
    return r;
}

} // namespace

class TestLineRecord : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void upsertTwiceChangesNothingAndStateOnlyMovesForward_data();
    void upsertTwiceChangesNothingAndStateOnlyMovesForward();
    void upsertBatchesKeepsDevicesOnceAndEndsOnce_data();
    void upsertBatchesKeepsDevicesOnceAndEndsOnce();
    void provisionedAttemptsByNameOrBleAddress_data();
    void provisionedAttemptsByNameOrBleAddress();
    void recordsPageSourceFiltersByStation();
    void migratesAVersion2SpoolAndSyncsEveryOldRow();
    void refusesALineRecordWithANewerSchema();
    void stationWithRowRightsOnlyOpensACurrentRecord();
    void textWithNulDoesNotStopTheSync();
    void duplicateGuardAcrossStations();
    void connectionStringWithPasswordIsRefused();
    void wrongOrMissingPasswordFailsWithoutShowingIt();
    void unopenableSpoolIsReportedAndRetried();
    void writerNeverWaitsOnAHungServer();

private:
    std::unique_ptr<RecordStore> storeFor(const QString &backend);
    QString freshDatabase();
    QString spoolPath(const QString &name) const { return m_dir.filePath(name + QStringLiteral(".sqlite")); }
    LineRecordConfig config() const;

    std::unique_ptr<PgServer> m_server;
    QTemporaryDir m_dir { pgtest::spoolDirTemplate() };
    QString m_db;
    int m_databases = 0;
    QStringList m_wrongPasswords; ///< passwords written into bad PGPASSFILEs, never to be logged either
};

void TestLineRecord::initTestCase()
{
    PGTEST_REQUIRE_POSTGRES();
    pgtest::LogCapture::install();
    qRegisterMetaType<LineSyncStatus>();
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<PgServer>();
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_server->applyClientEnvironment();
}

void TestLineRecord::init()
{
    m_db = freshDatabase();
    QVERIFY(!m_db.isEmpty());
}

void TestLineRecord::cleanup()
{
    // A test that stopped the server and failed half-way leaves it running for the next one.
    if (!m_server)
        return;
    QString error;
    if (!m_server->isRunning())
        QVERIFY2(m_server->restart(&error), qPrintable(error));
    m_server->applyClientEnvironment();
}

void TestLineRecord::cleanupTestCase()
{
    if (!m_server)
        return;
    // The capture works (this line is in it), and no line logged by this process, from any
    // thread, carries a password: the real one nor the wrong ones of the failing logins.
    qInfo("line record test: log capture check");
    const QString log = pgtest::LogCapture::text();
    QVERIFY(log.contains(QLatin1String("log capture check")));
    QVERIFY2(!log.contains(m_server->password()), "the database password reached this process's log");
    for (const QString &wrong : std::as_const(m_wrongPasswords))
        QVERIFY2(!log.contains(wrong), "a PGPASSFILE password reached this process's log");
    // Nor did the stations send it in a statement the server logged.
    QVERIFY(!m_server->serverLog().isEmpty());
    QVERIFY(!m_server->serverLog().contains(m_server->password().toUtf8()));
}

QString TestLineRecord::freshDatabase()
{
    const QString name = QStringLiteral("line_%1").arg(++m_databases);
    QString error;
    if (!m_server->createDatabase(name, &error)) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    return name;
}

LineRecordConfig TestLineRecord::config() const
{
    LineRecordConfig c;
    c.connection = m_server->connectionString(m_db);
    c.connectTimeoutMs = 2000;
    return c;
}

std::unique_ptr<RecordStore> TestLineRecord::storeFor(const QString &backend)
{
    if (backend == QLatin1String("postgres"))
        return pgtest::openLine(*m_server, m_db);
    auto opened = RecordStore::openSqlite(spoolPath(m_db));
    return opened ? std::move(*opened) : nullptr;
}

void TestLineRecord::upsertTwiceChangesNothingAndStateOnlyMovesForward_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("postgres") << QStringLiteral("postgres");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
}

void TestLineRecord::upsertTwiceChangesNothingAndStateOnlyMovesForward()
{
    QFETCH(QString, backend);
    auto store = storeFor(backend);
    QVERIFY(store);

    QList<ProvisioningRecord> records;
    for (int i = 0; i < 12; ++i) {
        const RecordOutcome outcome = i % 4 == 0 ? RecordOutcome::InProgress
            : i % 4 == 1                         ? RecordOutcome::Failed
                                                 : RecordOutcome::Provisioned;
        ProvisioningRecord r = makeRecord(
            i, 1'700'000'000'000 + i * 1000, outcome, QStringLiteral("PROV_U%1").arg(i));
        if (i == 2)
            r.customCalls = { { QStringLiteral("custom-data"), 5, 2, true, "hello", "ok", 0 } };
        records << r;
    }
    auto readAll = [&store] {
        RecordFilter oldestFirst;
        oldestFirst.newestFirst = false;
        return store->query(oldestFirst).value();
    };
    auto sameAs = [](const QList<ProvisioningRecord> &got, const QList<ProvisioningRecord> &want) {
        if (got.size() != want.size())
            return QStringLiteral("%1 rows, want %2").arg(got.size()).arg(want.size());
        for (qsizetype i = 0; i < got.size(); ++i) {
            QString why;
            if (!sameRecord(got[i], want[i], &why))
                return QStringLiteral("%1: %2").arg(want[i].start.attemptId, why);
        }
        return QString();
    };

    auto written = store->upsertRecords(records);
    QVERIFY2(written, qPrintable(written ? QString() : written.error().toString()));
    QCOMPARE(*written, 12);
    QCOMPARE(sameAs(readAll(), records), QString());

    // The same records again: nothing inserted, nothing appended, nothing changed; at most the
    // attempts still in progress are rewritten (with what they hold already).
    written = store->upsertRecords(records);
    QVERIFY(written);
    QVERIFY2(*written <= 3, qPrintable(QString::number(*written)));
    QCOMPARE(sameAs(readAll(), records), QString());

    // An ended attempt pushed again as in progress (an older revision, other fields): it stays ended.
    ProvisioningRecord regressed = records[1]; // Failed
    regressed.end = {};
    regressed.end.outcome = RecordOutcome::InProgress;
    regressed.start.operatorName = QStringLiteral("someone else");
    regressed.phases.append({ QStringLiteral("apply"), 99 });
    // Another ended one pushed as a different end: the first end stays.
    ProvisioningRecord reEnded = ended(records[2], RecordOutcome::Failed);
    reEnded.end.failureCode = int(ErrorCode::WifiNetworkNotFound);
    written = store->upsertRecords({ regressed, reEnded });
    QVERIFY(written);
    QCOMPARE(*written, 0);
    QCOMPARE(sameAs(readAll(), records), QString());

    // An attempt in progress takes its later revision whole: fields, phases (replaced, not appended),
    // custom calls; and a new attempt in the same push is inserted.
    ProvisioningRecord progressed = ended(records[0], RecordOutcome::Provisioned);
    progressed.device.firmwareVersion = QStringLiteral("2.0.0");
    progressed.phases.append({ QStringLiteral("apply"), 42 });
    progressed.customCalls = { { QStringLiteral("custom-data"), 3, 2, false, {}, {}, 0 } };
    const ProvisioningRecord fresh = makeRecord(
        12, 1'700'000'100'000, RecordOutcome::Provisioned, QStringLiteral("PROV_U12"));
    written = store->upsertRecords({ progressed, fresh });
    QVERIFY(written);
    QCOMPARE(*written, 2);
    QList<ProvisioningRecord> expected = records;
    expected[0] = progressed;
    expected << fresh;
    QCOMPARE(sameAs(readAll(), expected), QString());
    QCOMPARE(store->record(progressed.start.attemptId)->phases.size(), 3);

    // All or none: a bad record (empty id) rejects the whole push, the good new one included.
    ProvisioningRecord bad = makeRecord(
        13, 1'700'000'200'000, RecordOutcome::Failed, QStringLiteral("PROV_U13"));
    bad.start.attemptId.clear();
    const ProvisioningRecord good = makeRecord(
        14, 1'700'000'300'000, RecordOutcome::Provisioned, QStringLiteral("PROV_U14"));
    written = store->upsertRecords({ good, bad });
    QVERIFY(!written);
    QCOMPARE(written.error().code, ErrorCode::InvalidArgument);
    ProvisioningRecord longSsid = good;
    longSsid.end.ssid = QString(33, QLatin1Char('s'));
    written = store->upsertRecords({ longSsid });
    QVERIFY(!written);
    QCOMPARE(written.error().code, ErrorCode::InvalidArgument);
    QCOMPARE(sameAs(readAll(), expected), QString());
}

void TestLineRecord::upsertBatchesKeepsDevicesOnceAndEndsOnce_data()
{
    upsertTwiceChangesNothingAndStateOnlyMovesForward_data();
}

void TestLineRecord::upsertBatchesKeepsDevicesOnceAndEndsOnce()
{
    QFETCH(QString, backend);
    auto store = storeFor(backend);
    QVERIFY(store);

    BatchInfo b;
    b.start = { QStringLiteral("batch-up"), 1'700'000'000'000, QStringLiteral("A"), QStringLiteral("Ada"),
        QStringLiteral("lamp-eu"), QStringLiteral("1.2"), QByteArray(R"({"id":"lamp-eu"})"), 4 };
    b.state = BatchState::Running;
    for (int i = 0; i < 2; ++i) {
        b.devices << BatchDevice { b.start.batchId, i, QStringLiteral("PROV_B%1").arg(i),
            QStringLiteral("softap"), QStringLiteral("192.168.4.1:80"), QStringLiteral("qr") };
    }
    QVERIFY(store->upsertBatches({ b }));
    QVERIFY(store->upsertBatches({ b }));
    auto read = store->batch(b.start.batchId);
    QVERIFY2(read, qPrintable(read ? QString() : read.error().toString()));
    QCOMPARE(read->state, BatchState::Running);
    QCOMPARE(read->devices.size(), 2);
    QCOMPARE(read->start.profileJson, b.start.profileJson);
    QCOMPARE(read->start.lanes, 4);

    // A later revision: one more device queued and the batch finished.
    BatchInfo later = b;
    later.devices << BatchDevice { b.start.batchId, 2, QStringLiteral("PROV_B2"), QStringLiteral("ble"),
        QStringLiteral("AA:BB:CC:DD:EE:03"), QStringLiteral("ble-scan") };
    later.state = BatchState::Finished;
    later.finishedAtMs = 1'700'000'900'000;
    QVERIFY(store->upsertBatches({ later }));
    // The older revision again (a repeated push after a crash): the batch stays finished.
    QVERIFY(store->upsertBatches({ b }));
    read = store->batch(b.start.batchId);
    QVERIFY(read);
    QCOMPARE(read->state, BatchState::Finished);
    QCOMPARE(read->finishedAtMs, later.finishedAtMs);
    QCOMPARE(read->devices.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(read->devices[i].position, i);
        QCOMPARE(read->devices[i].serviceName, later.devices[i].serviceName);
        QCOMPARE(read->devices[i].address, later.devices[i].address);
        QCOMPARE(read->devices[i].source, later.devices[i].source);
    }
    // An ended batch is not taken back by another end.
    BatchInfo aborted = later;
    aborted.state = BatchState::Aborted;
    aborted.finishedAtMs = 1'700'000'999'000;
    QVERIFY(store->upsertBatches({ aborted }));
    QCOMPARE(store->batch(b.start.batchId)->state, BatchState::Finished);
    QVERIFY(store->unfinishedBatches()->isEmpty());

    BatchInfo noId = b;
    noId.start.batchId.clear();
    QCOMPARE(store->upsertBatches({ noId }).error().code, ErrorCode::InvalidArgument);
}

void TestLineRecord::provisionedAttemptsByNameOrBleAddress_data()
{
    upsertTwiceChangesNothingAndStateOnlyMovesForward_data();
}

void TestLineRecord::provisionedAttemptsByNameOrBleAddress()
{
    QFETCH(QString, backend);
    auto store = storeFor(backend);
    QVERIFY(store);
    const QString bleAddress = QStringLiteral("AA:BB:CC:00:00:01");
    auto attempt = [](int i, const QString &name, const QString &transport, const QString &address,
                       RecordOutcome outcome) {
        ProvisioningRecord r = makeRecord(i, 1'700'000'000'000 + i * 1000, outcome, name);
        r.start.transport = transport;
        r.start.address = address;
        return r;
    };
    const QString softap = QStringLiteral("softap");
    const QString ble = QStringLiteral("ble");
    const QString ap = QStringLiteral("192.168.4.1:80");
    QList<ProvisioningRecord> records = {
        attempt(0, QStringLiteral("PROV_A"), softap, ap, RecordOutcome::Provisioned),
        attempt(1, QStringLiteral("PROV_A"), softap, ap, RecordOutcome::Failed),
        attempt(2, QStringLiteral("PROV_A"), softap, ap, RecordOutcome::Provisioned),
        attempt(3, QStringLiteral("PROV_B"), softap, ap, RecordOutcome::Provisioned),
        attempt(4, QStringLiteral("PROV_OLDNAME"), ble, bleAddress, RecordOutcome::Provisioned),
        attempt(
            5, QStringLiteral("PROV_C"), ble, QStringLiteral("AA:BB:CC:00:00:02"), RecordOutcome::InProgress),
    };
    QCOMPARE(store->upsertRecords(records).value(), 6);

    auto ids = [](const Result<QList<ProvisioningRecord>> &found) {
        QStringList out;
        for (const ProvisioningRecord &r : found.value())
            out << r.start.serviceName + QLatin1Char('#')
                    + QString::number(r.start.startedAtMs % 100'000 / 1000);
        return out;
    };
    // By name, newest first, successes only; the shared SoftAP address matches nothing else.
    QCOMPARE(ids(store->provisionedAttempts(QStringLiteral("PROV_A"), softap, ap)),
        (QStringList { QStringLiteral("PROV_A#2"), QStringLiteral("PROV_A#0") }));
    QCOMPARE(ids(store->provisionedAttempts(QStringLiteral("PROV_A"), softap, ap, 1)),
        QStringList { QStringLiteral("PROV_A#2") });
    QVERIFY(store->provisionedAttempts(QStringLiteral("PROV_NEW"), softap, ap)->isEmpty());
    // BLE: by address too, whatever the name; an attempt still running is no success.
    QCOMPARE(ids(store->provisionedAttempts(QStringLiteral("PROV_NEWNAME"), ble, bleAddress)),
        QStringList { QStringLiteral("PROV_OLDNAME#4") });
    QVERIFY(store->provisionedAttempts(QStringLiteral("PROV_C"), ble, QStringLiteral("AA:BB:CC:00:00:02"))
                ->isEmpty());
    QCOMPARE(store->provisionedAttempts({}, ble, {}).error().code, ErrorCode::InvalidArgument);
}

void TestLineRecord::recordsPageSourceFiltersByStation()
{
    auto line = pgtest::openLine(*m_server, m_db);
    QVERIFY(line);
    QList<ProvisioningRecord> records;
    for (int i = 0; i < 30; ++i) {
        records << makeRecord(i, 1'700'000'000'000 + i * 1000,
            i % 5 == 1 ? RecordOutcome::Failed : RecordOutcome::Provisioned,
            QStringLiteral("Prov_Lamp%1").arg(i));
    }
    QCOMPARE(line->upsertRecords(records).value(), 30);

    QCOMPARE(line->stations().value(),
        (QStringList {
            QStringLiteral("station-0"), QStringLiteral("station-1"), QStringLiteral("station-2") }));

    RecordFilter one;
    one.station = QStringLiteral("station-1");
    auto rows = line->query(one);
    QVERIFY(rows);
    QCOMPARE(rows->size(), 10);
    for (qsizetype i = 0; i < rows->size(); ++i) {
        QCOMPARE(rows->at(i).start.station, one.station);
        QVERIFY(recordMatches(one, rows->at(i)));
        if (i > 0)
            QVERIFY(rows->at(i - 1).start.startedAtMs > rows->at(i).start.startedAtMs); // newest first
    }
    QCOMPARE(line->count(one).value(), 10);
    QVERIFY(!recordMatches(one, records[0])); // station-0: the live model's filter agrees

    // With the page's other conditions: every one against the in-memory reference.
    RecordFilter combined = one;
    combined.outcomes = { RecordOutcome::Failed };
    combined.nameContains = QStringLiteral("PROV_LAMP");
    combined.withDetails = false;
    qsizetype expected = 0;
    for (const ProvisioningRecord &r : records)
        expected += recordMatches(combined, r) ? 1 : 0;
    QVERIFY(expected > 0);
    QCOMPARE(line->count(combined).value(), expected);
    QCOMPARE(line->query(combined)->size(), expected);

    RecordFilter nobody;
    nobody.station = QStringLiteral("station-9");
    QCOMPARE(line->count(nobody).value(), 0);
    QCOMPARE(line->count({}).value(), 30);
}

void TestLineRecord::migratesAVersion2SpoolAndSyncsEveryOldRow()
{
    const QString path = spoolPath(QStringLiteral("v2"));
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v2"));
        raw.setDatabaseName(path);
        QVERIFY(raw.open());
        QSqlQuery q(raw);
        for (const char *sql : kSpoolSchemaV2)
            QVERIFY2(q.exec(QString::fromLatin1(sql)), sql);
        q.finish();
        raw.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v2"));

    auto opened = RecordStore::openSqlite(path);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().toString()));
    RecordStore &spool = **opened;
    QCOMPARE(spool.interruptedOnOpen(), 1); // v2-running
    {
        QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v3"));
        raw.setDatabaseName(path);
        QVERIFY(raw.open());
        QSqlQuery q(raw);
        QVERIFY(q.exec(QStringLiteral("SELECT version FROM schema_version")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 3);
        QVERIFY(!q.next());
        q.finish();
        raw.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("v3"));

    // Every old row is waiting for the line, and reads as it was written.
    QCOMPARE(spool.unsyncedCount().value(), 3);
    auto pending = spool.unsyncedAttempts(10);
    QVERIFY(pending);
    QCOMPARE(pending->size(), 3);
    QCOMPARE(pending->first().record.start.attemptId, QStringLiteral("v2-done")); // oldest row first
    QCOMPARE(spool.unsyncedBatches(10)->size(), 1);
    auto done = spool.record(QStringLiteral("v2-done"));
    QVERIFY(done);
    QCOMPARE(done->start.batchId, QStringLiteral("v2-batch"));
    QCOMPARE(done->start.attemptNumber, 2);
    QCOMPARE(done->phases.size(), 2);
    QCOMPARE(done->customCalls.value(0).request, QByteArray("hello"));

    LineSync sync(path, config(), quickOptions());
    sync.start();
    QTRY_VERIFY_WITH_TIMEOUT(sync.status().online && sync.status().pending == 0, 20000);
    QVERIFY(!sync.status().lastError);
    QVERIFY(sync.status().lastSyncMs > 0);
    QVERIFY(sync.status().syncedThisRun >= 3);
    QCOMPARE(spool.unsyncedCount().value(), 0);
    sync.stop();

    pgtest::verifyLineHoldsSpools(*m_server, m_db, { path });
    auto line = pgtest::openLine(*m_server, m_db);
    QVERIFY(line);
    QCOMPARE(line->record(QStringLiteral("v2-running"))->end.outcome, RecordOutcome::Interrupted);
    QCOMPARE(line->record(QStringLiteral("v2-failed"))->end.failureCode, 40);
    auto batch = line->batch(QStringLiteral("v2-batch"));
    QVERIFY2(batch, qPrintable(batch ? QString() : batch.error().toString()));
    QCOMPARE(batch->state, BatchState::Finished);
    QCOMPARE(batch->finishedAtMs, 9000);
    QCOMPARE(batch->devices.size(), 2);
    QCOMPARE(batch->devices[1].address, QStringLiteral("AA:BB:CC:DD:EE:02"));
    QCOMPARE(batch->start.profileJson, QByteArray(R"({"id":"lamp-eu"})"));
}

void TestLineRecord::refusesALineRecordWithANewerSchema()
{
    QString error;
    QStringList rows;
    QVERIFY2(m_server->psql(QStringLiteral("SET ROLE station;\n"
                                           "CREATE TABLE schema_version (version INTEGER NOT NULL);\n"
                                           "INSERT INTO schema_version (version) VALUES (99);\n"),
                 &rows, &error, m_db),
        qPrintable(error));

    auto opened = RecordStore::openPostgres(config());
    QVERIFY(!opened);
    QCOMPARE(opened.error().code, ErrorCode::StorageFailed);
    QVERIFY2(opened.error().detail.contains(QLatin1String("newer")), qPrintable(opened.error().detail));
    QVERIFY2(opened.error().detail.contains(QLatin1String("99")), qPrintable(opened.error().detail));

    // The sync worker reports the same and stays offline; the server is left as it was.
    QVERIFY(RecordStore::openSqlite(spoolPath(QStringLiteral("newer"))));
    LineSync sync(spoolPath(QStringLiteral("newer")), config(), quickOptions());
    sync.start();
    QTRY_VERIFY_WITH_TIMEOUT(sync.status().lastError.has_value(), 10000);
    QCOMPARE(sync.status().lastError->code, ErrorCode::StorageFailed);
    QVERIFY(sync.status().lastError->detail.contains(QLatin1String("newer")));
    QVERIFY(!sync.status().online);
    sync.stop();
    QCOMPARE(m_server->scalar(
                 QStringLiteral("SELECT string_agg(version::text, ',') FROM schema_version"), &error, m_db),
        QStringLiteral("99"));
    QCOMPARE(m_server->scalar(QStringLiteral("SELECT to_regclass('attempts') IS NULL"), &error, m_db),
        QStringLiteral("t"));
}

// The documented grants (docs/line-record.md): once the schema exists, a role with row rights on the
// tables and USAGE on their sequences (no CREATE anywhere) opens the record and syncs into it.
void TestLineRecord::stationWithRowRightsOnlyOpensACurrentRecord()
{
    QVERIFY(RecordStore::openPostgres(config())); // the owner creates the schema
    const QString clerk = QStringLiteral("clerk%1").arg(m_databases);
    QString error;
    QStringList rows;
    // The password travels on psql's stdin (PgServer::psql), never on a command line.
    QVERIFY2(m_server->psql(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2';\n"
                                           "GRANT CONNECT ON DATABASE %3 TO %1;\n")
                                .arg(clerk, m_server->password(), m_db),
                 &rows, &error, QStringLiteral("postgres")),
        qPrintable(error));
    QVERIFY2(m_server->psql(
                 QStringLiteral("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %1;\n"
                                "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %1;\n")
                     .arg(clerk),
                 &rows, &error, m_db),
        qPrintable(error));
    // The clerk's password line in the same PGPASSFILE.
    QFile pass(m_server->passFile());
    QVERIFY(pass.open(QIODevice::ReadOnly));
    const QString stationLine = QString::fromUtf8(pass.readAll()).split(u'\n').first();
    pass.close();
    QVERIFY2(
        stationLine.contains(QStringLiteral(":station:")), "the fixture's PGPASSFILE names the station role");
    QVERIFY(pass.open(QIODevice::WriteOnly | QIODevice::Append));
    pass.write(
        QString(stationLine).replace(QStringLiteral(":station:"), u':' + clerk + u':').toUtf8() + '\n');
    pass.close();

    LineRecordConfig c = config();
    c.connection.replace(QStringLiteral("user=station"), QStringLiteral("user=") + clerk);
    QVERIFY(c.connection.contains(clerk));
    auto opened = RecordStore::openPostgres(c);
    QVERIFY2(opened, qPrintable(opened ? QString() : opened.error().detail));
    auto spool = RecordStore::openSqlite(spoolPath(QStringLiteral("clerk")));
    QVERIFY(spool);
    StoreRecordSink sink(spool->get());
    const QString id = pgtest::writeStationAttempt(sink, clerk, 1, {});
    QVERIFY(!id.isEmpty());
    auto pending = (*spool)->unsyncedAttempts(10);
    QVERIFY(pending);
    QCOMPARE(pending->size(), 1);
    QList<ProvisioningRecord> records { pending->first().record };
    auto changed = (*opened)->upsertRecords(records);
    QVERIFY2(changed, qPrintable(changed ? QString() : changed.error().detail));
    QCOMPARE(*changed, 1);
    auto back = (*opened)->record(id);
    QVERIFY(back);
    QCOMPARE(back->start.station, clerk);
    QCOMPARE(back->phases.size(), 2);
}

// PostgreSQL text cannot hold U+0000; a hostile device's name with one must not stop the sync of the
// rows behind it: the line gets U+FFFD there, the spool keeps what it received, every row arrives.
void TestLineRecord::textWithNulDoesNotStopTheSync()
{
    const QString path = spoolPath(QStringLiteral("nul"));
    auto spool = RecordStore::openSqlite(path);
    QVERIFY(spool);
    StoreRecordSink sink(spool->get());
    AttemptStart start = pgtest::stationAttemptStart(QStringLiteral("st-nul"), 0, {});
    start.serviceName = QStringLiteral("PROV_") + QChar(0) + QStringLiteral("EVIL");
    const QString evil = sink.beginAttempt(start);
    QVERIFY(!evil.isEmpty());
    sink.addPhase(evil, { QStringLiteral("con") + QChar(0) + QStringLiteral("nect"), 5 });
    AttemptEnd end;
    end.outcome = RecordOutcome::Failed;
    end.failureCode = int(ErrorCode::MalformedMessage);
    end.failureDetail = QStringLiteral("bad") + QChar(0) + QStringLiteral("byte");
    sink.finishAttempt(evil, end);
    const QString after = pgtest::writeStationAttempt(sink, QStringLiteral("st-nul"), 1, {});
    QVERIFY(!after.isEmpty());
    QVERIFY((*spool)->record(evil)->start.serviceName.contains(QChar(0))); // the spool keeps it

    LineSync sync(path, config(), quickOptions());
    sync.start();
    QTRY_VERIFY_WITH_TIMEOUT(sync.status().online && sync.status().pending == 0, 15000);
    sync.stop();
    auto line = RecordStore::openPostgres(config());
    QVERIFY(line);
    auto got = (*line)->record(evil);
    QVERIFY2(got, qPrintable(got ? QString() : got.error().detail));
    QCOMPARE(got->start.serviceName, QStringLiteral("PROV_") + QChar(0xFFFD) + QStringLiteral("EVIL"));
    QCOMPARE(got->phases.size(), 1);
    QCOMPARE(got->phases.first().phase, QStringLiteral("con") + QChar(0xFFFD) + QStringLiteral("nect"));
    QVERIFY(!got->end.failureDetail.contains(QChar(0)));
    QVERIFY((*line)->record(after)); // the row behind it arrived too
}

void TestLineRecord::duplicateGuardAcrossStations()
{
    // Station A provisions PROV_X (SoftAP) and a BLE device, fails PROV_F, and syncs.
    auto storeA = RecordStore::openSqlite(spoolPath(QStringLiteral("dupA")));
    QVERIFY(storeA);
    StoreRecordSink sinkA(storeA->get());
    auto provision = [](StoreRecordSink &sink, const QString &station, const QString &name,
                         const QString &transport, const QString &address, RecordOutcome outcome) {
        AttemptStart s = pgtest::stationAttemptStart(station, 0, {});
        s.serviceName = name;
        s.transport = transport;
        s.address = address;
        const QString id = sink.beginAttempt(s);
        AttemptEnd e;
        e.outcome = outcome;
        e.ssid = QStringLiteral("factory-net");
        if (outcome == RecordOutcome::Failed)
            e.failureCode = int(ErrorCode::WifiAuthError);
        sink.finishAttempt(id, e);
        return id;
    };
    const QString softap = QStringLiteral("softap");
    const QString ble = QStringLiteral("ble");
    const QString apAddress = QStringLiteral("192.168.4.1:80");
    const QString xId = provision(
        sinkA, QStringLiteral("A"), QStringLiteral("PROV_X"), softap, apAddress, RecordOutcome::Provisioned);
    const QString bleId = provision(sinkA, QStringLiteral("A"), QStringLiteral("PROV_BLE1"), ble,
        QStringLiteral("AA:BB:CC:00:11:22"), RecordOutcome::Provisioned);
    provision(sinkA, QStringLiteral("A"), QStringLiteral("PROV_F"), softap, apAddress, RecordOutcome::Failed);
    QVERIFY(!sinkA.lastError());
    LineSync syncA(spoolPath(QStringLiteral("dupA")), config(), quickOptions());
    syncA.start();
    QTRY_VERIFY_WITH_TIMEOUT(syncA.status().online && syncA.status().pending == 0, 20000);
    syncA.stop();

    // Station B has provisioned PROV_Z itself.
    auto storeB = RecordStore::openSqlite(spoolPath(QStringLiteral("dupB")));
    QVERIFY(storeB);
    StoreRecordSink sinkB(storeB->get());
    const QString zId = provision(
        sinkB, QStringLiteral("B"), QStringLiteral("PROV_Z"), softap, apAddress, RecordOutcome::Provisioned);
    LineSync syncB(spoolPath(QStringLiteral("dupB")), config(), quickOptions());
    syncB.start();

    DuplicateCheck x = syncB.checkDuplicate(QStringLiteral("PROV_X"), softap, apAddress);
    QVERIFY(x.lineChecked);
    QVERIFY(!x.lineError);
    QCOMPARE(x.provisioned.size(), 1);
    QCOMPARE(x.provisioned[0].start.attemptId, xId);
    QCOMPARE(x.provisioned[0].start.station, QStringLiteral("A"));
    QCOMPARE(x.provisioned[0].end.outcome, RecordOutcome::Provisioned);

    // BLE: the address names the device, whatever name it advertises now.
    DuplicateCheck byAddress = syncB.checkDuplicate(
        QStringLiteral("PROV_RENAMED"), ble, QStringLiteral("AA:BB:CC:00:11:22"));
    QVERIFY(byAddress.lineChecked);
    QCOMPARE(byAddress.provisioned.size(), 1);
    QCOMPARE(byAddress.provisioned[0].start.attemptId, bleId);

    // A SoftAP address names no device; a failed attempt is no success.
    DuplicateCheck other = syncB.checkDuplicate(QStringLiteral("PROV_NEW"), softap, apAddress);
    QVERIFY(other.lineChecked);
    QVERIFY(other.provisioned.isEmpty());
    DuplicateCheck failed = syncB.checkDuplicate(QStringLiteral("PROV_F"), softap, apAddress);
    QVERIFY(failed.lineChecked);
    QVERIFY(failed.provisioned.isEmpty());

    // B's own success, found once although it is in the spool and (once synced) on the line too.
    QTRY_VERIFY_WITH_TIMEOUT(syncB.status().online && syncB.status().pending == 0, 20000);
    DuplicateCheck own = syncB.checkDuplicate(QStringLiteral("PROV_Z"), softap, apAddress);
    QVERIFY(own.lineChecked);
    QCOMPARE(own.provisioned.size(), 1);
    QCOMPARE(own.provisioned[0].start.attemptId, zId);

    // The Records page's whole-line view through the worker: every station, or one.
    QCOMPARE(syncB.lineStations().value(), (QStringList { QStringLiteral("A"), QStringLiteral("B") }));
    RecordFilter onlyA;
    onlyA.station = QStringLiteral("A");
    QCOMPARE(syncB.countLine(onlyA).value(), 3);
    auto rowsA = syncB.queryLine(onlyA);
    QVERIFY(rowsA);
    QCOMPARE(rowsA->size(), 3);
    for (const ProvisioningRecord &r : *rowsA)
        QCOMPARE(r.start.station, QStringLiteral("A"));
    QCOMPARE(syncB.countLine({}).value(), 4);

    // Server down: only the spool answers, and says so; promptly.
    QString error;
    QVERIFY2(m_server->stop(&error), qPrintable(error));
    QElapsedTimer timer;
    timer.start();
    DuplicateCheck offline = syncB.checkDuplicate(QStringLiteral("PROV_Z"), softap, apAddress);
    QVERIFY(timer.elapsed() < 5000);
    QVERIFY(!offline.lineChecked);
    QVERIFY(offline.lineError);
    QCOMPARE(offline.lineError->code, ErrorCode::StorageFailed);
    QCOMPARE(offline.provisioned.size(), 1);
    QCOMPARE(offline.provisioned[0].start.attemptId, zId);
    DuplicateCheck unknown = syncB.checkDuplicate(QStringLiteral("PROV_X"), softap, apAddress);
    QVERIFY(!unknown.lineChecked);
    QVERIFY(unknown.provisioned.isEmpty());
    auto offlineRows = syncB.queryLine(onlyA);
    QVERIFY(!offlineRows);
    QCOMPARE(offlineRows.error().code, ErrorCode::StorageFailed);
    syncB.stop();

    QVERIFY2(m_server->restart(&error), qPrintable(error));
}

void TestLineRecord::connectionStringWithPasswordIsRefused()
{
    const QString secret = QStringLiteral("hunter2-%1").arg(m_server->port());
    // The last one does not parse (an unterminated quote): masked whole.
    const QStringList connections = { QStringLiteral("host=127.0.0.1 password=%1 dbname=line").arg(secret),
        QStringLiteral("host=127.0.0.1 password='%1 x' dbname=line").arg(secret),
        QStringLiteral("host=127.0.0.1 dbname=line password = %1").arg(secret),
        QStringLiteral("host=127.0.0.1 password='x\\' %1' dbname=line").arg(secret),
        QStringLiteral("host=127.0.0.1 dbname=line password='%1").arg(secret) };
    for (const QString &connection : connections) {
        const bool parses = connection != connections.last();
        const Status checked = checkLineConnection(connection);
        QVERIFY2(!checked, qPrintable(connection));
        QCOMPARE(checked.error().code, ErrorCode::InvalidArgument);
        if (parses)
            QVERIFY2(checked.error().detail.contains(QLatin1String("password")),
                qPrintable(checked.error().detail));
        QVERIFY(!checked.error().detail.contains(secret));

        LineRecordConfig c;
        c.connection = connection;
        auto opened = RecordStore::openPostgres(c);
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!opened.error().detail.contains(secret));

        const QString masked = maskLineConnection(connection);
        QVERIFY2(!masked.contains(secret), qPrintable(masked));
        QVERIFY(masked.contains(QLatin1String("***")));
        if (parses)
            QVERIFY2(masked.contains(QLatin1String("host=127.0.0.1")),
                qPrintable(connection + QStringLiteral(" -> ") + masked));
    }
    QVERIFY(!maskLineConnection(QStringLiteral("host=a sslpassword=%1").arg(secret)).contains(secret));
    // The fixture's own string is fine as it is.
    QVERIFY(checkLineConnection(m_server->connectionString(m_db)));
    QCOMPARE(maskLineConnection(m_server->connectionString(m_db)), m_server->connectionString(m_db));
    QCOMPARE(checkLineConnection(QStringLiteral("postgresql://station@127.0.0.1/line")).error().code,
        ErrorCode::InvalidArgument);
}

void TestLineRecord::wrongOrMissingPasswordFailsWithoutShowingIt()
{
    // The right PGPASSFILE first: the login works with nothing but it.
    QVERIFY(pgtest::openLine(*m_server, m_db));

    const QString wrongPassword = QStringLiteral("wrong-%1").arg(QUuid::createUuid().toString(QUuid::Id128));
    m_wrongPasswords << wrongPassword;
    const QString wrongFile = m_dir.filePath(QStringLiteral("wrong.pgpass"));
    const QString emptyFile = m_dir.filePath(QStringLiteral("empty.pgpass"));
    for (const auto &[file, content] :
        { std::pair { wrongFile,
              QStringLiteral("127.0.0.1:%1:*:station:%2\n").arg(m_server->port()).arg(wrongPassword) },
            std::pair { emptyFile, QString() } }) {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        f.write(content.toUtf8());
    }
    QVERIFY(RecordStore::openSqlite(spoolPath(QStringLiteral("wrongpw"))));

    for (const QString &file : { wrongFile, emptyFile }) {
        qputenv("PGPASSFILE", QFile::encodeName(file));
        auto opened = RecordStore::openPostgres(config());
        QVERIFY2(!opened, qPrintable(file));
        QCOMPARE(opened.error().code, ErrorCode::StorageFailed);
        QVERIFY2(
            opened.error().detail.contains(QLatin1String("password")), qPrintable(opened.error().detail));
        QVERIFY(!opened.error().detail.contains(wrongPassword));
        QVERIFY(!opened.error().detail.contains(m_server->password()));

        LineSync sync(spoolPath(QStringLiteral("wrongpw")), config(), quickOptions());
        QList<LineSyncStatus> statuses;
        connect(
            &sync, &LineSync::statusChanged, this, [&statuses](const LineSyncStatus &s) { statuses << s; });
        sync.start();
        QTRY_VERIFY_WITH_TIMEOUT(sync.status().lastError.has_value(), 10000);
        QVERIFY(!sync.status().online);
        QCOMPARE(sync.status().lastError->code, ErrorCode::StorageFailed);
        // Let it retry a few times: no error text of any status carries a password.
        QTest::qWait(500);
        sync.stop();
        QVERIFY(!statuses.isEmpty());
        for (const LineSyncStatus &s : std::as_const(statuses)) {
            QVERIFY(!s.online);
            if (!s.lastError)
                continue;
            QVERIFY(!s.lastError->detail.contains(wrongPassword));
            QVERIFY(!s.lastError->detail.contains(m_server->password()));
            QVERIFY(!s.lastError->toString().contains(wrongPassword));
        }
    }
    m_server->applyClientEnvironment();
    QVERIFY(pgtest::openLine(*m_server, m_db));
}

void TestLineRecord::unopenableSpoolIsReportedAndRetried()
{
    // A directory where the spool file should be: the worker says why it cannot sync, and keeps trying.
    const QString notAFile = m_dir.filePath(QStringLiteral("spool-is-a-directory"));
    QVERIFY(QDir().mkpath(notAFile));
    LineSync sync(notAFile, config(), quickOptions());
    QSignalSpy statuses(&sync, &LineSync::statusChanged);
    sync.start();
    QTRY_VERIFY_WITH_TIMEOUT(statuses.size() >= 2, 10000);
    QVERIFY(!sync.status().online);
    QVERIFY(sync.status().lastError);
    QCOMPARE(sync.status().lastError->code, ErrorCode::StorageFailed);
    DuplicateCheck check = sync.checkDuplicate(
        QStringLiteral("PROV_X"), QStringLiteral("softap"), QStringLiteral("192.168.4.1:80"));
    QVERIFY(check.provisioned.isEmpty());
    sync.stop();
}

void TestLineRecord::writerNeverWaitsOnAHungServer()
{
    // The station writes on its own thread, LineSync runs on another, as in the workstation.
    auto opened = RecordStore::openSqlite(spoolPath(QStringLiteral("hung")));
    QVERIFY(opened);
    RecordStore &spool = **opened;
    StoreRecordSink sink(&spool);
    QThread worker;
    auto *sync = new LineSync(spool.path(), config(), quickOptions());
    sync->moveToThread(&worker);
    connect(&worker, &QThread::started, sync, &LineSync::start);
    connect(&worker, &QThread::finished, sync, &QObject::deleteLater);
    worker.start();
    auto cleanUp = qScopeGuard([&] {
        m_server->setFrozen(false);
        QMetaObject::invokeMethod(sync, &LineSync::stop, Qt::BlockingQueuedConnection);
        worker.quit();
        worker.wait();
    });
    auto writeSome = [&](int from, int count) {
        qint64 slowest = 0;
        for (int seq = from; seq < from + count; ++seq) {
            QElapsedTimer t;
            t.start();
            pgtest::writeStationAttempt(sink, QStringLiteral("hung"), seq, {});
            slowest = std::max(slowest, t.elapsed());
            QMetaObject::invokeMethod(sync, &LineSync::kick, Qt::QueuedConnection);
        }
        return slowest;
    };
    writeSome(0, 20);
    QTRY_COMPARE_WITH_TIMEOUT(spool.unsyncedCount().value(), 0, 20000);

    // The server hangs: connections stay open, nothing answers. The worker waits for the server;
    // the writer does not wait for the worker.
    QVERIFY(m_server->setFrozen(true));
    const qint64 slowest = writeSome(20, 100);
    QVERIFY(!sink.lastError());
    QVERIFY2(slowest < 1000, qPrintable(QStringLiteral("a write took %1 ms").arg(slowest)));
    QTest::qWait(300);
    QCOMPARE(spool.count({}).value(), 120);
    QVERIFY(spool.unsyncedCount().value() > 0);

    // The server answers again: the backlog reaches the line, once.
    QVERIFY(m_server->setFrozen(false));
    QTRY_COMPARE_WITH_TIMEOUT(spool.unsyncedCount().value(), 0, 30000);
    pgtest::verifyLineHoldsSpools(*m_server, m_db, { spool.path() });
}

QTEST_GUILESS_MAIN(TestLineRecord)
#include "tst_linerecord.moc"
