// SPDX-License-Identifier: Apache-2.0
// The factory record store on Qt Sql: a station's SQLite file (the spool) and the line's PostgreSQL
// record. One DDL text serves both dialects through three column-type placeholders (kSchemaV1, then
// the migrations kMigrationV2...; a statement may be limited to one dialect); every DML statement below
// is plain SQL that both accept (positional binds, LIMIT/OFFSET, LIKE ... ESCAPE on a pre-folded
// column, INSERT ... ON CONFLICT ... DO UPDATE ... WHERE: SQLite >= 3.24, PostgreSQL >= 9.5).
#include "prov/record.h"

#include "record/recordcommon.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QVariant>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>

// The record store's category (libprov's others live in core/logging.cpp). Logs name attempt ids
// and paths only, never field values.
Q_LOGGING_CATEGORY(lcProvRecord, "prov.record", QtInfoMsg)

namespace prov {

namespace {

constexpr int kSchemaVersion = 3;
constexpr int kInClauseChunk = 500; // well under SQLite's host parameter limit
constexpr int kReserveRows = 1000; // query(): rows reserved up front at most

enum class Dialect { Sqlite, Postgres };

// Column-type placeholders of the DDL: ${ID} the row id (insertion order), ${I64} a 64-bit integer
// (ms times, sizes, row references), ${BLOB} bytes. SQLite's INTEGER is 64-bit already, so the
// SQLite text is exactly what versions 1 and 2 created.
QString ddlText(const char *ddl, Dialect dialect)
{
    QString text = QString::fromLatin1(ddl);
    const bool pg = dialect == Dialect::Postgres;
    text.replace(QStringLiteral("${ID}"),
        pg ? QStringLiteral("BIGSERIAL PRIMARY KEY") : QStringLiteral("INTEGER PRIMARY KEY"));
    text.replace(QStringLiteral("${I64}"), pg ? QStringLiteral("BIGINT") : QStringLiteral("INTEGER"));
    text.replace(QStringLiteral("${BLOB}"), pg ? QStringLiteral("BYTEA") : QStringLiteral("BLOB"));
    return text;
}

// One DDL statement, for both dialects unless `only` names one.
struct Ddl
{
    const char *text;
    std::optional<Dialect> only = std::nullopt;
};

// Version 1 of the schema. attempts.id is the row id (insertion order). service_name_folded holds
// the case-folded service name so that the substring filter is a plain LIKE in every dialect.
const Ddl kSchemaV1[] = {
    { "CREATE TABLE attempts ("
      " id ${ID},"
      " attempt_id TEXT NOT NULL UNIQUE,"
      " started_at_ms ${I64} NOT NULL,"
      " finished_at_ms ${I64},"
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
      " failure_detail TEXT)" },
    { "CREATE INDEX attempts_started ON attempts (started_at_ms)" },
    { "CREATE INDEX attempts_outcome_started ON attempts (outcome, started_at_ms)" },
    { "CREATE INDEX attempts_service ON attempts (service_name_folded)" },
    { "CREATE TABLE phases ("
      " id ${ID},"
      " attempt_row ${I64} NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,"
      " phase TEXT NOT NULL,"
      " duration_ms ${I64} NOT NULL)" },
    { "CREATE INDEX phases_attempt ON phases (attempt_row)" },
    { "CREATE TABLE custom_calls ("
      " id ${ID},"
      " attempt_row ${I64} NOT NULL REFERENCES attempts (id) ON DELETE CASCADE,"
      " endpoint TEXT NOT NULL,"
      " request_bytes ${I64} NOT NULL,"
      " response_bytes ${I64} NOT NULL,"
      " payload_recorded INTEGER NOT NULL,"
      " request ${BLOB},"
      " response ${BLOB},"
      " error_code INTEGER NOT NULL)" },
    { "CREATE INDEX custom_calls_attempt ON custom_calls (attempt_row)" },
};

// Version 1 -> 2: batches (line mode). Attempts name their batch, lane, profile and attempt number;
// a v1 row reads as "not part of a batch" (batch_id '', lane -1, first attempt). Attempts name a
// batch by id without a foreign key: an imported attempt may name a batch that lives in another
// store. A new store runs v1 and then this, so new and migrated stores are alike.
const Ddl kMigrationV2[] = {
    { "ALTER TABLE attempts ADD COLUMN batch_id TEXT NOT NULL DEFAULT ''" },
    { "ALTER TABLE attempts ADD COLUMN lane INTEGER NOT NULL DEFAULT -1" },
    { "ALTER TABLE attempts ADD COLUMN profile_id TEXT NOT NULL DEFAULT ''" },
    { "ALTER TABLE attempts ADD COLUMN profile_version TEXT NOT NULL DEFAULT ''" },
    { "ALTER TABLE attempts ADD COLUMN attempt_number INTEGER NOT NULL DEFAULT 1" },
    { "CREATE INDEX attempts_batch ON attempts (batch_id, started_at_ms)" },
    { "CREATE TABLE batches ("
      " id ${ID},"
      " batch_id TEXT NOT NULL UNIQUE,"
      " started_at_ms ${I64} NOT NULL,"
      " finished_at_ms ${I64},"
      " station TEXT NOT NULL,"
      " operator_name TEXT NOT NULL,"
      " profile_id TEXT NOT NULL,"
      " profile_version TEXT NOT NULL,"
      " profile_json ${BLOB} NOT NULL,"
      " lanes INTEGER NOT NULL,"
      " state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 2))" },
    { "CREATE INDEX batches_state_started ON batches (state, started_at_ms)" },
    { "CREATE TABLE batch_devices ("
      " id ${ID},"
      " batch_row ${I64} NOT NULL REFERENCES batches (id) ON DELETE CASCADE,"
      " position INTEGER NOT NULL,"
      " service_name TEXT NOT NULL,"
      " transport TEXT NOT NULL,"
      " address TEXT NOT NULL,"
      " source TEXT NOT NULL,"
      " UNIQUE (batch_row, service_name, transport, address))" },
};

// Version 2 -> 3: the line record. Lookups by exact service name (duplicate guard) and by station
// (the line's Records page). On the spool (SQLite) every attempt and batch carries a revision that
// each write raises, and the revision the line record has received (0: none); the partial indexes
// keep the sync's "what is left" query cheap however long the spool grows.
const Ddl kMigrationV3[] = {
    { "CREATE INDEX attempts_service_exact ON attempts (service_name)" },
    { "CREATE INDEX attempts_station_started ON attempts (station, started_at_ms)" },
    { "ALTER TABLE attempts ADD COLUMN revision INTEGER NOT NULL DEFAULT 1", Dialect::Sqlite },
    { "ALTER TABLE attempts ADD COLUMN synced_revision INTEGER NOT NULL DEFAULT 0", Dialect::Sqlite },
    { "CREATE INDEX attempts_unsynced ON attempts (id) WHERE synced_revision < revision", Dialect::Sqlite },
    { "ALTER TABLE batches ADD COLUMN revision INTEGER NOT NULL DEFAULT 1", Dialect::Sqlite },
    { "ALTER TABLE batches ADD COLUMN synced_revision INTEGER NOT NULL DEFAULT 0", Dialect::Sqlite },
    { "CREATE INDEX batches_unsynced ON batches (id) WHERE synced_revision < revision", Dialect::Sqlite },
};

struct Migration
{
    int toVersion;
    const Ddl *ddl;
    std::size_t count;
};

// Applied in order to a store older than `toVersion`, each in the same transaction as the check.
const Migration kMigrations[] = {
    { 2, kMigrationV2, std::size(kMigrationV2) },
    { 3, kMigrationV3, std::size(kMigrationV3) },
};

// Serialises schema creation and migration across the stations that open one PostgreSQL record at
// the same time (pg_advisory_xact_lock; an arbitrary constant of this project: "PROV").
constexpr qint64 kSchemaLockKey = 0x50524F56;

const QString kAttemptColumns = QStringLiteral(
    "id, attempt_id, started_at_ms, finished_at_ms, station, operator_name, service_name, transport, address,"
    " proto_ver_json, firmware_version, sec_ver, sec_patch_ver, ssid, outcome, failure_code, failure_detail,"
    " batch_id, lane, profile_id, profile_version, attempt_number");

const QString kBatchColumns = QStringLiteral(
    "id, batch_id, started_at_ms, finished_at_ms, station, operator_name,"
    " profile_id, profile_version, profile_json, lanes, state");

const QString kInsertAttemptColumns = QStringLiteral(
    "attempt_id, started_at_ms, finished_at_ms, station, operator_name, service_name, service_name_folded,"
    " transport, address, proto_ver_json, firmware_version, sec_ver, sec_patch_ver, ssid, outcome, "
    "failure_code,"
    " failure_name, failure_detail, batch_id, lane, profile_id, profile_version, attempt_number");
constexpr int kInsertAttemptColumnCount = 23;

const QString kInsertPhaseSql = QStringLiteral(
    "INSERT INTO phases (attempt_row, phase, duration_ms) VALUES (?, ?, ?)");
const QString kInsertCustomCallSql = QStringLiteral(
    "INSERT INTO custom_calls (attempt_row, endpoint, request_bytes, response_bytes, payload_recorded,"
    " request, response, error_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");

// "?, ?, ?" with `n` marks.
QString placeholders(int n)
{
    QStringList marks;
    for (int i = 0; i < n; ++i)
        marks << QStringLiteral("?");
    return marks.join(u", ");
}

Error storageError(const QString &what, const QSqlError &err)
{
    // QSqlError text is the driver's message ("database is locked", "disk I/O error"); it never
    // contains bound values.
    return makeError(ErrorCode::StorageFailed, what + QStringLiteral(": ") + err.text());
}

Error unknownAttempt(const QString &attemptId)
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("unknown attempt id %1").arg(attemptId));
}

Error unknownBatch(const QString &batchId)
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("unknown batch id %1").arg(batchId));
}

// SQL NOT NULL text columns: a null QString would bind as NULL.
QString nonNull(const QString &s)
{
    return s.isNull() ? QStringLiteral("") : s;
}

// Null for a null string so that "never set" and "set to empty" read back the same way.
QVariant textOrNull(const QString &s)
{
    return s.isNull() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

QString likePattern(const QString &needle)
{
    QString escaped;
    escaped.reserve(needle.size() + 2);
    for (const QChar c : needle) {
        if (c == u'\\' || c == u'%' || c == u'_')
            escaped += u'\\';
        escaped += c;
    }
    return u'%' + escaped + u'%';
}

} // namespace

class RecordStorePrivate
{
public:
    QString connectionName;
    QString path;
    QSqlDatabase db;
    Dialect dialect = Dialect::Sqlite;
    int interruptedOnOpen = 0;

    bool isSpool() const { return dialect == Dialect::Sqlite; }

    ~RecordStorePrivate()
    {
        if (db.isValid()) {
            db.close();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(connectionName);
        }
    }

    // A transaction that rolls back unless committed.
    class Transaction
    {
    public:
        explicit Transaction(QSqlDatabase &db)
            : m_db(db)
            , m_open(begin(db, &m_beginError))
        { }
        // SQLite: BEGIN IMMEDIATE takes the write lock up front, waiting for it up to the busy
        // timeout. A deferred BEGIN reads first and upgrades to a writer later; when another
        // connection to the file (the line sync's markSynced()) committed in between, SQLite fails
        // the upgrade at once with SQLITE_BUSY (waiting could not help: the snapshot is stale),
        // whatever the busy timeout, and the station's write is lost.
        static bool begin(QSqlDatabase &db, QSqlError *error)
        {
            if (db.driverName() != QLatin1String("QSQLITE")) {
                const bool ok = db.transaction();
                *error = db.lastError();
                return ok;
            }
            QSqlQuery q(db);
            const bool ok = q.exec(QStringLiteral("BEGIN IMMEDIATE"));
            *error = q.lastError();
            return ok;
        }
        ~Transaction()
        {
            if (m_open)
                m_db.rollback();
        }
        bool isOpen() const { return m_open; }
        /// Why the transaction could not begin (the driver's error).
        const QSqlError &beginError() const { return m_beginError; }
        Status commit()
        {
            m_open = false;
            if (!m_db.commit()) {
                const QSqlError err = m_db.lastError();
                m_db.rollback();
                return storageError(QStringLiteral("commit failed"), err);
            }
            return {};
        }

    private:
        QSqlDatabase &m_db;
        QSqlError m_beginError;
        bool m_open;
    };

    Status exec(QSqlQuery &q, const char *what) const
    {
        if (!q.exec())
            return storageError(QString::fromLatin1(what), q.lastError());
        return {};
    }

    Status execSql(const QString &sql, const char *what) const
    {
        QSqlQuery q(db);
        if (!q.exec(sql))
            return storageError(QString::fromLatin1(what), q.lastError());
        return {};
    }

    Status execDdl(const Ddl &ddl, const char *what) const
    {
        if (ddl.only && *ddl.only != dialect)
            return {};
        return execSql(ddlText(ddl.text, dialect), what);
    }

    // Spool only: the next revision of an attempt (row) after a write; the line sync pushes it.
    Status bumpAttempt(qint64 row) const
    {
        if (!isSpool())
            return {};
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE attempts SET revision = revision + 1 WHERE id = ?"));
        q.addBindValue(row);
        return exec(q, "cannot raise the attempt's revision");
    }

    Status bumpBatch(qint64 row) const
    {
        if (!isSpool())
            return {};
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE batches SET revision = revision + 1 WHERE id = ?"));
        q.addBindValue(row);
        return exec(q, "cannot raise the batch's revision");
    }

    Status beginTransaction(Transaction &tx) const
    {
        if (!tx.isOpen())
            return storageError(QStringLiteral("cannot begin a transaction"), tx.beginError());
        return {};
    }

    struct AttemptRow
    {
        qint64 row = 0;
        RecordOutcome outcome = RecordOutcome::InProgress;
    };

    // The row of an attempt. InvalidArgument when unknown.
    Result<AttemptRow> findAttempt(const QString &attemptId) const
    {
        if (attemptId.isEmpty())
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("empty attempt id"));
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, outcome FROM attempts WHERE attempt_id = ?"));
        q.addBindValue(attemptId);
        if (Status s = exec(q, "cannot look up attempt"); !s)
            return s.error();
        if (!q.next())
            return unknownAttempt(attemptId);
        return AttemptRow { q.value(0).toLongLong(), RecordOutcome(q.value(1).toInt()) };
    }

    // The row of an attempt that may still be written to.
    Result<qint64> openAttempt(const QString &attemptId) const
    {
        Result<AttemptRow> row = findAttempt(attemptId);
        if (!row)
            return row.error();
        if (row->outcome != RecordOutcome::InProgress)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("attempt %1 is already %2").arg(attemptId, recordOutcomeName(row->outcome)));
        return row->row;
    }

    // InvalidArgument when `attemptId` is in the store already.
    Status checkNewAttemptId(const QString &attemptId) const
    {
        Result<AttemptRow> existing = findAttempt(attemptId);
        if (existing)
            return makeError(
                ErrorCode::InvalidArgument, QStringLiteral("attempt id %1 exists already").arg(attemptId));
        if (existing.error().code == ErrorCode::StorageFailed)
            return existing.error();
        return {};
    }

    // One transaction: look up the unfinished attempt, run `write(row)`, commit.
    template <typename Write> Status writeOpenAttempt(const QString &attemptId, Write &&write)
    {
        Transaction tx(db);
        if (Status s = beginTransaction(tx); !s)
            return s;
        Result<qint64> row = openAttempt(attemptId);
        if (!row)
            return row.error();
        if (Status s = write(*row); !s)
            return s;
        if (Status s = bumpAttempt(*row); !s)
            return s;
        return tx.commit();
    }

    static void bindAttempt(QSqlQuery &q, const ProvisioningRecord &r)
    {
        const bool finished = r.end.outcome != RecordOutcome::InProgress;
        q.addBindValue(r.start.attemptId);
        q.addBindValue(r.start.startedAtMs);
        q.addBindValue(finished ? QVariant(r.end.finishedAtMs) : QVariant(QMetaType(QMetaType::LongLong)));
        q.addBindValue(nonNull(r.start.station));
        q.addBindValue(nonNull(r.start.operatorName));
        q.addBindValue(nonNull(r.start.serviceName));
        q.addBindValue(nonNull(record::foldName(r.start.serviceName)));
        q.addBindValue(nonNull(r.start.transport));
        q.addBindValue(nonNull(r.start.address));
        q.addBindValue(textOrNull(r.device.protoVerJson));
        q.addBindValue(textOrNull(r.device.firmwareVersion));
        q.addBindValue(r.device.secVer);
        q.addBindValue(r.device.secPatchVer);
        q.addBindValue(finished ? textOrNull(r.end.ssid) : QVariant(QMetaType(QMetaType::QString)));
        q.addBindValue(int(r.end.outcome));
        q.addBindValue(finished ? r.end.failureCode : 0);
        q.addBindValue(finished ? textOrNull(recordErrorName(r.end.failureCode))
                                : QVariant(QMetaType(QMetaType::QString)));
        q.addBindValue(finished ? textOrNull(r.end.failureDetail) : QVariant(QMetaType(QMetaType::QString)));
        q.addBindValue(nonNull(r.start.batchId));
        q.addBindValue(r.start.lane);
        q.addBindValue(nonNull(r.start.profileId));
        q.addBindValue(nonNull(r.start.profileVersion));
        q.addBindValue(r.start.attemptNumber);
    }

    Status insertAttempt(const ProvisioningRecord &r) const
    {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("INSERT INTO attempts (") + kInsertAttemptColumns
            + QStringLiteral(") VALUES (") + placeholders(kInsertAttemptColumnCount) + u')');
        bindAttempt(q, r);
        return exec(q, "cannot insert attempt");
    }

    static void bindPhase(QSqlQuery &q, qint64 row, const PhaseDuration &phase)
    {
        q.addBindValue(row);
        q.addBindValue(nonNull(phase.phase));
        q.addBindValue(phase.durationMs);
    }

    Status insertPhase(qint64 row, const PhaseDuration &phase) const
    {
        QSqlQuery q(db);
        q.prepare(kInsertPhaseSql);
        bindPhase(q, row, phase);
        return exec(q, "cannot insert phase");
    }

    static void bindCustomCall(QSqlQuery &q, qint64 row, const CustomCallEntry &call)
    {
        const QVariant nullBlob(QMetaType(QMetaType::QByteArray));
        q.addBindValue(row);
        q.addBindValue(nonNull(call.endpoint));
        q.addBindValue(call.requestBytes);
        q.addBindValue(call.responseBytes);
        q.addBindValue(call.payloadRecorded ? 1 : 0);
        // Payloads stay out of the store unless the operator marked the call non-secret.
        q.addBindValue(call.payloadRecorded ? QVariant(call.request.isNull() ? QByteArray("") : call.request)
                                            : nullBlob);
        q.addBindValue(call.payloadRecorded
                ? QVariant(call.response.isNull() ? QByteArray("") : call.response)
                : nullBlob);
        q.addBindValue(call.errorCode);
    }

    Status insertCustomCall(qint64 row, const CustomCallEntry &call) const
    {
        QSqlQuery q(db);
        q.prepare(kInsertCustomCallSql);
        bindCustomCall(q, row, call);
        return exec(q, "cannot insert custom call");
    }

    // WHERE clause + binds for a filter.
    QString whereClause(const RecordFilter &f, QVariantList *binds) const
    {
        QStringList conds;
        if (f.fromMs != 0) {
            conds << QStringLiteral("started_at_ms >= ?");
            binds->append(f.fromMs);
        }
        if (f.toMs != 0) {
            conds << QStringLiteral("started_at_ms < ?");
            binds->append(f.toMs);
        }
        if (!f.outcomes.isEmpty()) {
            QStringList marks;
            for (const RecordOutcome o : f.outcomes) {
                marks << QStringLiteral("?");
                binds->append(int(o));
            }
            conds << QStringLiteral("outcome IN (%1)").arg(marks.join(u", "));
        }
        if (!f.nameContains.isEmpty()) {
            conds << QStringLiteral("service_name_folded LIKE ? ESCAPE '\\'");
            binds->append(likePattern(record::foldName(f.nameContains)));
        }
        if (!f.batchId.isEmpty()) {
            conds << QStringLiteral("batch_id = ?");
            binds->append(f.batchId);
        }
        if (!f.station.isEmpty()) {
            conds << QStringLiteral("station = ?");
            binds->append(f.station);
        }
        return conds.isEmpty() ? QString() : QStringLiteral(" WHERE ") + conds.join(QStringLiteral(" AND "));
    }

    static ProvisioningRecord readAttempt(const QSqlQuery &q)
    {
        ProvisioningRecord r;
        r.rowId = q.value(0).toLongLong();
        r.start.attemptId = q.value(1).toString();
        r.start.startedAtMs = q.value(2).toLongLong();
        r.end.finishedAtMs = q.value(3).isNull() ? 0 : q.value(3).toLongLong();
        r.start.station = q.value(4).toString();
        r.start.operatorName = q.value(5).toString();
        r.start.serviceName = q.value(6).toString();
        r.start.transport = q.value(7).toString();
        r.start.address = q.value(8).toString();
        r.device.protoVerJson = q.value(9).toString();
        r.device.firmwareVersion = q.value(10).toString();
        r.device.secVer = q.value(11).toInt();
        r.device.secPatchVer = q.value(12).toInt();
        r.end.ssid = q.value(13).toString();
        const int outcome = q.value(14).toInt();
        r.end.outcome = record::isKnownOutcome(outcome) ? RecordOutcome(outcome) : RecordOutcome::Interrupted;
        r.end.failureCode = q.value(15).toInt();
        r.end.failureDetail = q.value(16).toString();
        r.start.batchId = q.value(17).toString();
        r.start.lane = q.value(18).toInt();
        r.start.profileId = q.value(19).toString();
        r.start.profileVersion = q.value(20).toString();
        r.start.attemptNumber = q.value(21).toInt();
        return r;
    }

    struct BatchRow
    {
        qint64 row = 0;
        BatchState state = BatchState::Running;
    };

    // The row of a batch. InvalidArgument when empty or unknown.
    Result<BatchRow> findBatch(const QString &batchId) const
    {
        if (batchId.isEmpty())
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("empty batch id"));
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT id, state FROM batches WHERE batch_id = ?"));
        q.addBindValue(batchId);
        if (Status s = exec(q, "cannot look up batch"); !s)
            return s.error();
        if (!q.next())
            return unknownBatch(batchId);
        return BatchRow { q.value(0).toLongLong(), BatchState(q.value(1).toInt()) };
    }

    // The row of a batch that is still Running. InvalidArgument when unknown or ended.
    Result<qint64> runningBatch(const QString &batchId) const
    {
        Result<BatchRow> row = findBatch(batchId);
        if (!row)
            return row.error();
        if (row->state != BatchState::Running)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("batch %1 is already %2").arg(batchId, batchStateName(row->state)));
        return row->row;
    }

    static BatchInfo readBatch(const QSqlQuery &q)
    {
        BatchInfo b;
        b.start.batchId = q.value(1).toString();
        b.start.startedAtMs = q.value(2).toLongLong();
        b.finishedAtMs = q.value(3).isNull() ? 0 : q.value(3).toLongLong();
        b.start.station = q.value(4).toString();
        b.start.operatorName = q.value(5).toString();
        b.start.profileId = q.value(6).toString();
        b.start.profileVersion = q.value(7).toString();
        b.start.profileJson = q.value(8).toByteArray();
        b.start.lanes = q.value(9).toInt();
        const int state = q.value(10).toInt();
        // An unknown (newer) state is not resumable: read it as ended.
        b.state = record::isKnownBatchState(state) ? BatchState(state) : BatchState::Aborted;
        return b;
    }

    // Reads the batches selected by `where` (with `binds`) and their devices, oldest first, at most
    // `limit` (-1: all). With `revisions`, also their spool revisions.
    Result<QList<BatchInfo>> readBatches(const QString &where, const QVariantList &binds,
        QList<qint64> *revisions = nullptr, int limit = -1) const
    {
        QList<BatchInfo> batches;
        QList<qint64> rows;
        {
            QSqlQuery q(db);
            q.setForwardOnly(true);
            QString sql = QStringLiteral("SELECT ") + kBatchColumns
                + (revisions ? QStringLiteral(", revision") : QString())
                + QStringLiteral(" FROM batches WHERE ") + where
                + QStringLiteral(" ORDER BY started_at_ms ASC, id ASC");
            if (limit >= 0)
                sql += QStringLiteral(" LIMIT %1").arg(limit);
            q.prepare(sql);
            for (const QVariant &b : binds)
                q.addBindValue(b);
            if (Status s = exec(q, "cannot read batches"); !s)
                return s.error();
            while (q.next()) {
                rows.append(q.value(0).toLongLong());
                batches.append(readBatch(q));
                if (revisions)
                    revisions->append(q.value(11).toLongLong());
            }
        }
        // A handful of batches at most (the Running ones, or one): one query each.
        for (qsizetype i = 0; i < batches.size(); ++i) {
            QSqlQuery d(db);
            d.setForwardOnly(true);
            d.prepare(
                QStringLiteral("SELECT position, service_name, transport, address, source FROM batch_devices"
                               " WHERE batch_row = ? ORDER BY position ASC, id ASC"));
            d.addBindValue(rows[i]);
            if (Status s = exec(d, "cannot read batch devices"); !s)
                return s.error();
            while (d.next()) {
                BatchDevice dev;
                dev.batchId = batches[i].start.batchId;
                dev.position = d.value(0).toInt();
                dev.serviceName = d.value(1).toString();
                dev.transport = d.value(2).toString();
                dev.address = d.value(3).toString();
                dev.source = d.value(4).toString();
                batches[i].devices.append(dev);
            }
        }
        return batches;
    }

    // Fills phases and custom calls of `records` (chunks of row ids).
    Status readDetails(QList<ProvisioningRecord> &records) const
    {
        QHash<qint64, qsizetype> index;
        index.reserve(records.size());
        for (qsizetype i = 0; i < records.size(); ++i)
            index.insert(records[i].rowId, i);
        for (qsizetype start = 0; start < records.size(); start += kInClauseChunk) {
            const qsizetype n = std::min<qsizetype>(kInClauseChunk, records.size() - start);
            const QString in = placeholders(int(n));

            QSqlQuery p(db);
            p.setForwardOnly(true);
            p.prepare(
                QStringLiteral("SELECT attempt_row, phase, duration_ms FROM phases WHERE attempt_row IN (%1)"
                               " ORDER BY id")
                    .arg(in));
            for (qsizetype i = 0; i < n; ++i)
                p.addBindValue(records[start + i].rowId);
            if (Status s = exec(p, "cannot read phases"); !s)
                return s;
            while (p.next()) {
                const auto it = index.constFind(p.value(0).toLongLong());
                if (it != index.cend())
                    records[*it].phases.append(
                        PhaseDuration { p.value(1).toString(), p.value(2).toLongLong() });
            }

            QSqlQuery c(db);
            c.setForwardOnly(true);
            c.prepare(QStringLiteral(
                "SELECT attempt_row, endpoint, request_bytes, response_bytes, payload_recorded,"
                " request, response, error_code FROM custom_calls WHERE attempt_row IN (%1)"
                " ORDER BY id")
                          .arg(in));
            for (qsizetype i = 0; i < n; ++i)
                c.addBindValue(records[start + i].rowId);
            if (Status s = exec(c, "cannot read custom calls"); !s)
                return s;
            while (c.next()) {
                const auto it = index.constFind(c.value(0).toLongLong());
                if (it == index.cend())
                    continue;
                CustomCallEntry e;
                e.endpoint = c.value(1).toString();
                e.requestBytes = c.value(2).toLongLong();
                e.responseBytes = c.value(3).toLongLong();
                e.payloadRecorded = c.value(4).toInt() != 0;
                if (e.payloadRecorded) {
                    e.request = c.value(5).toByteArray();
                    e.response = c.value(6).toByteArray();
                }
                e.errorCode = c.value(7).toInt();
                records[*it].customCalls.append(e);
            }
        }
        return {};
    }

    Status createOrCheckSchema()
    {
        Transaction tx(db);
        if (Status s = beginTransaction(tx); !s)
            return s;
        if (dialect == Dialect::Postgres) {
            // Held to the end of this transaction: a second station waits here, then finds the
            // schema current.
            QSqlQuery lock(db);
            lock.prepare(QStringLiteral("SELECT pg_advisory_xact_lock(?)"));
            lock.addBindValue(kSchemaLockKey);
            if (Status s = exec(lock, "cannot lock the schema"); !s)
                return s;
        }
        // On PostgreSQL, CREATE … IF NOT EXISTS needs CREATE on the schema even when the table is
        // there: ask first, so that a station with row rights only can open a current record.
        bool haveVersionTable = false;
        if (dialect == Dialect::Postgres) {
            QSqlQuery exists(db);
            if (!exists.exec(QStringLiteral("SELECT to_regclass('schema_version') IS NOT NULL"))
                || !exists.next())
                return storageError(QStringLiteral("cannot look for schema_version"), exists.lastError());
            haveVersionTable = exists.value(0).toBool();
        }
        if (!haveVersionTable) {
            if (Status s = execSql(
                    QStringLiteral("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"),
                    "cannot create schema_version");
                !s)
                return s;
        }
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT MAX(version) FROM schema_version")))
            return storageError(QStringLiteral("cannot read schema_version"), q.lastError());
        const int version = q.next() && !q.value(0).isNull() ? q.value(0).toInt() : 0;
        q.finish();
        if (version > kSchemaVersion)
            return makeError(ErrorCode::StorageFailed,
                QStringLiteral("schema_version %1 of %2 is newer than this build understands (%3): update "
                               "this station's software")
                    .arg(version)
                    .arg(path)
                    .arg(kSchemaVersion));
        if (version == kSchemaVersion)
            return tx.commit();
        if (version == 0) {
            for (const Ddl &ddl : kSchemaV1) {
                if (Status s = execDdl(ddl, "cannot create schema"); !s)
                    return s;
            }
        }
        for (const Migration &m : kMigrations) {
            if (version >= m.toVersion)
                continue;
            for (std::size_t i = 0; i < m.count; ++i) {
                if (Status s = execDdl(m.ddl[i], "cannot migrate schema"); !s)
                    return s;
            }
        }
        // One row holds the version (a v1 file had one row with 1).
        if (Status s = execSql(QStringLiteral("DELETE FROM schema_version"), "cannot write schema_version");
            !s)
            return s;
        QSqlQuery v(db);
        v.prepare(QStringLiteral("INSERT INTO schema_version (version) VALUES (?)"));
        v.addBindValue(kSchemaVersion);
        if (Status s = exec(v, "cannot write schema_version"); !s)
            return s;
        if (Status s = tx.commit(); !s)
            return s;
        if (version != 0)
            qCInfo(lcProvRecord) << "migrated the record schema from version" << version << "to"
                                 << kSchemaVersion << "in" << path;
        return {};
    }

    // Attempts that a previous run left InProgress ended with that run: mark them Interrupted.
    Status recoverInterrupted()
    {
        Transaction tx(db);
        if (Status s = beginTransaction(tx); !s)
            return s;
        QSqlQuery q(db);
        q.prepare(isSpool()
                ? QStringLiteral("UPDATE attempts SET outcome = ?, revision = revision + 1 WHERE outcome = ?")
                : QStringLiteral("UPDATE attempts SET outcome = ? WHERE outcome = ?"));
        q.addBindValue(int(RecordOutcome::Interrupted));
        q.addBindValue(int(RecordOutcome::InProgress));
        if (Status s = exec(q, "cannot recover interrupted attempts"); !s)
            return s;
        interruptedOnOpen = q.numRowsAffected();
        return tx.commit();
    }
};

RecordStore::RecordStore(std::unique_ptr<RecordStorePrivate> dd)
    : d(std::move(dd))
{ }

RecordStore::~RecordStore() = default;

Result<std::unique_ptr<RecordStore>> RecordStore::openSqlite(
    const QString &path, const RecordOpenOptions &options)
{
    if (path.isEmpty())
        return makeError(ErrorCode::StorageFailed, QStringLiteral("empty database path"));
    const QFileInfo info(path);
    if (info.isDir())
        return makeError(ErrorCode::StorageFailed, QStringLiteral("%1 is a directory").arg(path));
    if (!QDir().mkpath(info.absolutePath()))
        return makeError(
            ErrorCode::StorageFailed, QStringLiteral("cannot create directory %1").arg(info.absolutePath()));

    static QAtomicInteger<quint64> counter;
    auto d = std::make_unique<RecordStorePrivate>();
    d->path = path;
    d->connectionName = QStringLiteral("prov.record.%1").arg(counter.fetchAndAddRelaxed(1));
    d->db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d->connectionName);
    if (!d->db.isValid())
        return makeError(
            ErrorCode::StorageFailed, QStringLiteral("the Qt SQLite driver (QSQLITE) is not available"));
    d->db.setDatabaseName(path);
    // Another connection (a second process, a reader) may hold the write lock briefly: wait for it.
    d->db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!d->db.open())
        return storageError(QStringLiteral("cannot open %1").arg(path), d->db.lastError());

    // WAL: readers never block the writer and a commit is one append; synchronous=FULL fsyncs the
    // WAL at every commit, so a committed attempt survives power loss too, not only a crash of
    // the process (a record is written a handful of times per device: the cost does not matter).
    {
        QSqlQuery q(d->db);
        if (!q.exec(QStringLiteral("PRAGMA journal_mode=WAL")))
            return storageError(QStringLiteral("cannot open %1").arg(path), q.lastError());
        if (!q.next() || q.value(0).toString().compare(u"wal", Qt::CaseInsensitive) != 0)
            return makeError(
                ErrorCode::StorageFailed, QStringLiteral("cannot switch %1 to WAL mode").arg(path));
    }
    if (Status s = d->execSql(QStringLiteral("PRAGMA synchronous=FULL"), "cannot set synchronous"); !s)
        return s.error();
    if (Status s = d->execSql(QStringLiteral("PRAGMA foreign_keys=ON"), "cannot enable foreign keys"); !s)
        return s.error();
    if (Status s = d->createOrCheckSchema(); !s)
        return s.error();
    if (options.recoverInterrupted) {
        if (Status s = d->recoverInterrupted(); !s)
            return s.error();
    }
    if (d->interruptedOnOpen > 0)
        qCInfo(lcProvRecord) << "marked" << d->interruptedOnOpen << "unfinished attempts as interrupted in"
                             << path;
    return std::unique_ptr<RecordStore>(new RecordStore(std::move(d)));
}

Result<std::unique_ptr<RecordStore>> RecordStore::openPostgres(const LineRecordConfig &config)
{
    Result<QString> options = record::lineConnectOptions(config);
    if (!options)
        return options.error();
    static QAtomicInteger<quint64> counter;
    auto d = std::make_unique<RecordStorePrivate>();
    d->dialect = Dialect::Postgres;
    d->path = maskLineConnection(config.connection);
    d->connectionName = QStringLiteral("prov.line.%1").arg(counter.fetchAndAddRelaxed(1));
    d->db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), d->connectionName);
    if (!d->db.isValid())
        return makeError(ErrorCode::StorageFailed,
            QStringLiteral(
                "the Qt PostgreSQL driver (QPSQL, Debian package libqt6sql6-psql) is not available"));
    // Qt's driver appends the options to its own (empty) host/dbname/user part and hands the whole
    // string to libpq's PQconnectdb, which reads the password from ~/.pgpass, PGPASSFILE or the
    // service file.
    d->db.setConnectOptions(*options);
    if (!d->db.open())
        return storageError(QStringLiteral("cannot open the line record %1").arg(d->path), d->db.lastError());
    // The server's NOTICEs ("relation schema_version already exists, skipping") would go to stderr.
    if (Status s = d->execSql(
            QStringLiteral("SET client_min_messages TO warning"), "cannot set client_min_messages");
        !s)
        return s.error();
    if (Status s = d->createOrCheckSchema(); !s)
        return s.error();
    return std::unique_ptr<RecordStore>(new RecordStore(std::move(d)));
}

Status RecordStore::begin(const AttemptStart &start)
{
    if (start.attemptId.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("empty attempt id"));
    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s;
    if (Status s = d->checkNewAttemptId(start.attemptId); !s)
        return s;
    ProvisioningRecord r;
    r.start = start;
    r.end.outcome = RecordOutcome::InProgress;
    if (Status s = d->insertAttempt(r); !s)
        return s;
    return tx.commit();
}

Status RecordStore::setDeviceFacts(const QString &attemptId, const DeviceFacts &facts)
{
    return d->writeOpenAttempt(attemptId, [&](qint64 row) {
        QSqlQuery q(d->db);
        q.prepare(QStringLiteral("UPDATE attempts SET proto_ver_json = ?, firmware_version = ?, sec_ver = ?,"
                                 " sec_patch_ver = ? WHERE id = ?"));
        q.addBindValue(textOrNull(facts.protoVerJson));
        q.addBindValue(textOrNull(facts.firmwareVersion));
        q.addBindValue(facts.secVer);
        q.addBindValue(facts.secPatchVer);
        q.addBindValue(row);
        return d->exec(q, "cannot write device facts");
    });
}

Status RecordStore::addPhase(const QString &attemptId, const PhaseDuration &phase)
{
    return d->writeOpenAttempt(attemptId, [&](qint64 row) { return d->insertPhase(row, phase); });
}

Status RecordStore::addCustomCall(const QString &attemptId, const CustomCallEntry &call)
{
    return d->writeOpenAttempt(attemptId, [&](qint64 row) { return d->insertCustomCall(row, call); });
}

Status RecordStore::finish(const QString &attemptId, const AttemptEnd &end)
{
    if (end.outcome == RecordOutcome::InProgress || !record::isKnownOutcome(int(end.outcome)))
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("attempt %1 cannot finish as %2").arg(attemptId, recordOutcomeName(end.outcome)));
    if (end.ssid.size() > record::kMaxSsidChars)
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("attempt %1: the SSID field holds %2 characters, more than an SSID can have")
                .arg(attemptId)
                .arg(end.ssid.size()));
    return d->writeOpenAttempt(attemptId, [&](qint64 row) {
        QSqlQuery q(d->db);
        q.prepare(
            QStringLiteral("UPDATE attempts SET finished_at_ms = ?, outcome = ?, ssid = ?, failure_code = ?,"
                           " failure_name = ?, failure_detail = ? WHERE id = ?"));
        q.addBindValue(end.finishedAtMs);
        q.addBindValue(int(end.outcome));
        q.addBindValue(textOrNull(end.ssid));
        q.addBindValue(end.failureCode);
        q.addBindValue(textOrNull(recordErrorName(end.failureCode)));
        q.addBindValue(textOrNull(end.failureDetail));
        q.addBindValue(row);
        return d->exec(q, "cannot finish attempt");
    });
}

namespace {

// Prepares each query with its SQL; StorageFailed with the driver's text for the first that fails.
Status prepareAll(std::initializer_list<std::pair<QSqlQuery *, QString>> queries)
{
    for (const auto &[query, sql] : queries) {
        if (!query->prepare(sql))
            return storageError(QStringLiteral("cannot prepare a statement"), query->lastError());
    }
    return {};
}

// The checks of insertRecords() and upsertRecords(): InvalidArgument for the first bad record.
Status checkCompleteRecords(const QList<ProvisioningRecord> &records)
{
    for (const ProvisioningRecord &r : records) {
        if (r.start.attemptId.isEmpty())
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("empty attempt id"));
        if (!record::isKnownOutcome(int(r.end.outcome)))
            return makeError(
                ErrorCode::InvalidArgument, QStringLiteral("unknown outcome %1").arg(int(r.end.outcome)));
        if (r.end.ssid.size() > record::kMaxSsidChars)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("attempt %1: the SSID field holds more than 32 characters")
                    .arg(r.start.attemptId));
    }
    return {};
}

} // namespace

Status RecordStore::insertRecords(const QList<ProvisioningRecord> &records)
{
    if (Status s = checkCompleteRecords(records); !s)
        return s;
    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s;
    for (const ProvisioningRecord &r : records) {
        if (Status s = d->checkNewAttemptId(r.start.attemptId); !s)
            return s;
        if (Status s = d->insertAttempt(r); !s)
            return s;
        Result<RecordStorePrivate::AttemptRow> inserted = d->findAttempt(r.start.attemptId);
        if (!inserted)
            return inserted.error().code == ErrorCode::StorageFailed
                ? inserted.error()
                : makeError(
                    ErrorCode::StorageFailed, QStringLiteral("attempt %1 vanished").arg(r.start.attemptId));
        const qint64 row = inserted->row;
        for (const PhaseDuration &p : r.phases) {
            if (Status s = d->insertPhase(row, p); !s)
                return s;
        }
        for (const CustomCallEntry &c : r.customCalls) {
            if (Status s = d->insertCustomCall(row, c); !s)
                return s;
        }
    }
    return tx.commit();
}

Result<QList<ProvisioningRecord>> RecordStore::query(const RecordFilter &filter) const
{
    QVariantList binds;
    QString sql = QStringLiteral("SELECT ") + kAttemptColumns + QStringLiteral(" FROM attempts")
        + d->whereClause(filter, &binds);
    sql += filter.newestFirst ? QStringLiteral(" ORDER BY started_at_ms DESC, id DESC")
                              : QStringLiteral(" ORDER BY started_at_ms ASC, id ASC");
    if (filter.limit >= 0 || filter.offset > 0) {
        // LIMIT/OFFSET with binds is accepted by SQLite and PostgreSQL alike ("all" = max int64).
        sql += QStringLiteral(" LIMIT ? OFFSET ?");
        binds.append(filter.limit >= 0 ? qint64(filter.limit) : std::numeric_limits<qint64>::max());
        binds.append(qint64(std::max(0, filter.offset)));
    }
    QList<ProvisioningRecord> records;
    {
        QSqlQuery q(d->db);
        q.setForwardOnly(true);
        q.prepare(sql);
        for (const QVariant &b : std::as_const(binds))
            q.addBindValue(b);
        if (Status s = d->exec(q, "cannot query attempts"); !s)
            return s.error();
        // limit is only an upper bound (a caller may pass INT_MAX for "all"): never reserve
        // more than one chunk ahead of the rows actually read.
        if (filter.limit > 0)
            records.reserve(std::min(filter.limit, kReserveRows));
        while (q.next())
            records.append(RecordStorePrivate::readAttempt(q));
    }
    if (filter.withDetails && !records.isEmpty()) {
        if (Status s = d->readDetails(records); !s)
            return s.error();
    }
    return records;
}

Result<qint64> RecordStore::count(const RecordFilter &filter) const
{
    QVariantList binds;
    const QString sql = QStringLiteral("SELECT COUNT(*) FROM attempts") + d->whereClause(filter, &binds);
    QSqlQuery q(d->db);
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const QVariant &b : std::as_const(binds))
        q.addBindValue(b);
    if (Status s = d->exec(q, "cannot count attempts"); !s)
        return s.error();
    if (!q.next())
        return makeError(ErrorCode::StorageFailed, QStringLiteral("COUNT(*) returned no row"));
    return q.value(0).toLongLong();
}

Result<ProvisioningRecord> RecordStore::record(const QString &attemptId) const
{
    if (attemptId.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("empty attempt id"));
    QList<ProvisioningRecord> records;
    {
        QSqlQuery q(d->db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT ") + kAttemptColumns
            + QStringLiteral(" FROM attempts WHERE attempt_id = ?"));
        q.addBindValue(attemptId);
        if (Status s = d->exec(q, "cannot read attempt"); !s)
            return s.error();
        if (!q.next())
            return unknownAttempt(attemptId);
        records.append(RecordStorePrivate::readAttempt(q));
    }
    if (Status s = d->readDetails(records); !s)
        return s.error();
    return records.takeFirst();
}

Status RecordStore::beginBatch(const BatchStart &start)
{
    if (start.batchId.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("empty batch id"));
    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s;
    Result<RecordStorePrivate::BatchRow> existing = d->findBatch(start.batchId);
    if (existing)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("batch id %1 exists already").arg(start.batchId));
    if (existing.error().code == ErrorCode::StorageFailed)
        return existing.error();
    QSqlQuery q(d->db);
    q.prepare(
        QStringLiteral("INSERT INTO batches (batch_id, started_at_ms, finished_at_ms, station, operator_name,"
                       " profile_id, profile_version, profile_json, lanes, state)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(start.batchId);
    q.addBindValue(start.startedAtMs);
    q.addBindValue(QVariant(QMetaType(QMetaType::LongLong)));
    q.addBindValue(nonNull(start.station));
    q.addBindValue(nonNull(start.operatorName));
    q.addBindValue(nonNull(start.profileId));
    q.addBindValue(nonNull(start.profileVersion));
    q.addBindValue(start.profileJson.isNull() ? QByteArray("") : start.profileJson);
    q.addBindValue(start.lanes);
    q.addBindValue(int(BatchState::Running));
    if (Status s = d->exec(q, "cannot insert batch"); !s)
        return s;
    return tx.commit();
}

Status RecordStore::addBatchDevice(const BatchDevice &device)
{
    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s;
    Result<qint64> row = d->runningBatch(device.batchId);
    if (!row)
        return row.error();
    {
        QSqlQuery dup(d->db);
        dup.prepare(
            QStringLiteral("SELECT COUNT(*) FROM batch_devices WHERE batch_row = ? AND service_name = ?"
                           " AND transport = ? AND address = ?"));
        dup.addBindValue(*row);
        dup.addBindValue(nonNull(device.serviceName));
        dup.addBindValue(nonNull(device.transport));
        dup.addBindValue(nonNull(device.address));
        if (Status s = d->exec(dup, "cannot look up batch device"); !s)
            return s;
        if (dup.next() && dup.value(0).toLongLong() > 0)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("batch %1 has this device queued already").arg(device.batchId));
    }
    QSqlQuery q(d->db);
    q.prepare(
        QStringLiteral("INSERT INTO batch_devices (batch_row, position, service_name, transport, address,"
                       " source) VALUES (?, ?, ?, ?, ?, ?)"));
    q.addBindValue(*row);
    q.addBindValue(device.position);
    q.addBindValue(nonNull(device.serviceName));
    q.addBindValue(nonNull(device.transport));
    q.addBindValue(nonNull(device.address));
    q.addBindValue(nonNull(device.source));
    if (Status s = d->exec(q, "cannot insert batch device"); !s)
        return s;
    if (Status s = d->bumpBatch(*row); !s)
        return s;
    return tx.commit();
}

Status RecordStore::finishBatch(const QString &batchId, BatchState state, qint64 finishedAtMs)
{
    if (state == BatchState::Running || !record::isKnownBatchState(int(state)))
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("batch %1 cannot end as %2").arg(batchId, batchStateName(state)));
    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s;
    Result<qint64> row = d->runningBatch(batchId);
    if (!row)
        return row.error();
    QSqlQuery q(d->db);
    q.prepare(QStringLiteral("UPDATE batches SET state = ?, finished_at_ms = ? WHERE id = ?"));
    q.addBindValue(int(state));
    q.addBindValue(finishedAtMs);
    q.addBindValue(*row);
    if (Status s = d->exec(q, "cannot finish batch"); !s)
        return s;
    if (Status s = d->bumpBatch(*row); !s)
        return s;
    return tx.commit();
}

Result<QList<BatchInfo>> RecordStore::unfinishedBatches() const
{
    return d->readBatches(QStringLiteral("state = ?"), { int(BatchState::Running) });
}

Result<BatchInfo> RecordStore::batch(const QString &batchId) const
{
    if (batchId.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("empty batch id"));
    Result<QList<BatchInfo>> batches = d->readBatches(QStringLiteral("batch_id = ?"), { batchId });
    if (!batches)
        return batches.error();
    if (batches->isEmpty())
        return unknownBatch(batchId);
    return batches->takeFirst();
}

namespace {

// PostgreSQL's text type cannot hold U+0000, which SQLite stores and a hostile device or sticker can
// put into a name or a detail: the line record gets U+FFFD (the replacement character) there, so
// that one such row never stops the sync behind it. The spool keeps the text as received.
void replaceNul(QString &text)
{
    if (text.contains(QChar(0)))
        text.replace(QChar(0), QChar(0xFFFD));
}

ProvisioningRecord withoutNul(ProvisioningRecord r)
{
    for (QString *t : { &r.start.attemptId, &r.start.station, &r.start.operatorName, &r.start.serviceName,
             &r.start.transport, &r.start.address, &r.start.batchId, &r.start.profileId,
             &r.start.profileVersion, &r.device.protoVerJson, &r.device.firmwareVersion, &r.end.ssid,
             &r.end.failureDetail })
        replaceNul(*t);
    for (PhaseDuration &p : r.phases)
        replaceNul(p.phase);
    for (CustomCallEntry &c : r.customCalls)
        replaceNul(c.endpoint);
    return r;
}

BatchInfo withoutNul(BatchInfo b)
{
    for (QString *t : { &b.start.batchId, &b.start.station, &b.start.operatorName, &b.start.profileId,
             &b.start.profileVersion })
        replaceNul(*t);
    for (BatchDevice &dev : b.devices) {
        for (QString *t : { &dev.batchId, &dev.serviceName, &dev.transport, &dev.address, &dev.source })
            replaceNul(*t);
    }
    return b;
}

template <typename T> QList<T> withoutNul(const QList<T> &rows)
{
    QList<T> out;
    out.reserve(rows.size());
    for (const T &row : rows)
        out.append(withoutNul(row));
    return out;
}

} // namespace

Result<int> RecordStore::upsertRecords(const QList<ProvisioningRecord> &records)
{
    if (!d->isSpool())
        return upsertRecordsAsGiven(withoutNul(records));
    return upsertRecordsAsGiven(records);
}

Result<int> RecordStore::upsertRecordsAsGiven(const QList<ProvisioningRecord> &records)
{
    if (Status s = checkCompleteRecords(records); !s)
        return s.error();
    // Every column but the key takes the new value, and only while the stored attempt is in
    // progress: an attempt that has ended never goes back (nor changes its end). A spool raises the
    // revision so that the change is synced on.
    static const QString kUpsertTail = [] {
        QStringList sets;
        for (const QString &column : kInsertAttemptColumns.split(u',')) {
            const QString c = column.trimmed();
            if (c != u"attempt_id")
                sets << c + QStringLiteral(" = excluded.") + c;
        }
        return sets.join(u", ");
    }();
    QString sql = QStringLiteral("INSERT INTO attempts (") + kInsertAttemptColumns
        + QStringLiteral(") VALUES (") + placeholders(kInsertAttemptColumnCount)
        + QStringLiteral(") ON CONFLICT (attempt_id) DO UPDATE SET ") + kUpsertTail;
    if (d->isSpool())
        sql += QStringLiteral(", revision = attempts.revision + 1");
    sql += QStringLiteral(" WHERE attempts.outcome = %1").arg(int(RecordOutcome::InProgress));

    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s.error();
    // Prepared once for the whole chunk: on PostgreSQL each prepare is a round trip.
    QSqlQuery upsert(d->db);
    QSqlQuery rowOf(d->db);
    QSqlQuery dropPhases(d->db);
    QSqlQuery dropCalls(d->db);
    QSqlQuery addPhase(d->db);
    QSqlQuery addCall(d->db);
    if (Status s = prepareAll(
            { { &upsert, sql }, { &rowOf, QStringLiteral("SELECT id FROM attempts WHERE attempt_id = ?") },
                { &dropPhases, QStringLiteral("DELETE FROM phases WHERE attempt_row = ?") },
                { &dropCalls, QStringLiteral("DELETE FROM custom_calls WHERE attempt_row = ?") },
                { &addPhase, kInsertPhaseSql }, { &addCall, kInsertCustomCallSql } });
        !s)
        return s.error();
    int changed = 0;
    for (const ProvisioningRecord &r : records) {
        RecordStorePrivate::bindAttempt(upsert, r);
        if (Status s = d->exec(upsert, "cannot upsert attempt"); !s)
            return s.error();
        if (upsert.numRowsAffected() <= 0)
            continue; // ended there already: left as it is
        ++changed;
        rowOf.addBindValue(r.start.attemptId);
        if (Status s = d->exec(rowOf, "cannot look up attempt"); !s)
            return s.error();
        if (!rowOf.next())
            return makeError(
                ErrorCode::StorageFailed, QStringLiteral("attempt %1 vanished").arg(r.start.attemptId));
        const qint64 row = rowOf.value(0).toLongLong();
        rowOf.finish();
        dropPhases.addBindValue(row);
        if (Status s = d->exec(dropPhases, "cannot replace phases"); !s)
            return s.error();
        dropCalls.addBindValue(row);
        if (Status s = d->exec(dropCalls, "cannot replace custom calls"); !s)
            return s.error();
        for (const PhaseDuration &p : r.phases) {
            RecordStorePrivate::bindPhase(addPhase, row, p);
            if (Status s = d->exec(addPhase, "cannot insert phase"); !s)
                return s.error();
        }
        for (const CustomCallEntry &c : r.customCalls) {
            RecordStorePrivate::bindCustomCall(addCall, row, c);
            if (Status s = d->exec(addCall, "cannot insert custom call"); !s)
                return s.error();
        }
    }
    if (Status s = tx.commit(); !s)
        return s.error();
    return changed;
}

Status RecordStore::upsertBatches(const QList<BatchInfo> &batches)
{
    if (!d->isSpool())
        return upsertBatchesAsGiven(withoutNul(batches));
    return upsertBatchesAsGiven(batches);
}

Status RecordStore::upsertBatchesAsGiven(const QList<BatchInfo> &batches)
{
    for (const BatchInfo &b : batches) {
        if (b.start.batchId.isEmpty())
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("empty batch id"));
        if (!record::isKnownBatchState(int(b.state)))
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("batch %1: unknown state %2").arg(b.start.batchId).arg(int(b.state)));
    }
    QString sql = QStringLiteral(
        "INSERT INTO batches (batch_id, started_at_ms, finished_at_ms, station, operator_name, profile_id,"
        " profile_version, profile_json, lanes, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (batch_id) DO UPDATE SET state = excluded.state, finished_at_ms = "
        "excluded.finished_at_ms");
    if (d->isSpool())
        sql += QStringLiteral(", revision = batches.revision + 1");
    sql += QStringLiteral(" WHERE batches.state = %1").arg(int(BatchState::Running));

    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s;
    QSqlQuery upsert(d->db);
    QSqlQuery rowOf(d->db);
    QSqlQuery addDevice(d->db);
    if (Status s = prepareAll(
            { { &upsert, sql }, { &rowOf, QStringLiteral("SELECT id FROM batches WHERE batch_id = ?") },
                { &addDevice,
                    QStringLiteral(
                        "INSERT INTO batch_devices (batch_row, position, service_name, transport, address,"
                        " source) VALUES (?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (batch_row, service_name, transport, address) DO NOTHING") } });
        !s)
        return s;
    for (const BatchInfo &b : batches) {
        const bool ended = b.state != BatchState::Running;
        upsert.addBindValue(b.start.batchId);
        upsert.addBindValue(b.start.startedAtMs);
        upsert.addBindValue(ended ? QVariant(b.finishedAtMs) : QVariant(QMetaType(QMetaType::LongLong)));
        upsert.addBindValue(nonNull(b.start.station));
        upsert.addBindValue(nonNull(b.start.operatorName));
        upsert.addBindValue(nonNull(b.start.profileId));
        upsert.addBindValue(nonNull(b.start.profileVersion));
        upsert.addBindValue(b.start.profileJson.isNull() ? QByteArray("") : b.start.profileJson);
        upsert.addBindValue(b.start.lanes);
        upsert.addBindValue(int(b.state));
        if (Status s = d->exec(upsert, "cannot upsert batch"); !s)
            return s;
        rowOf.addBindValue(b.start.batchId);
        if (Status s = d->exec(rowOf, "cannot look up batch"); !s)
            return s;
        if (!rowOf.next())
            return makeError(
                ErrorCode::StorageFailed, QStringLiteral("batch %1 vanished").arg(b.start.batchId));
        const qint64 row = rowOf.value(0).toLongLong();
        rowOf.finish();
        for (const BatchDevice &dev : b.devices) {
            addDevice.addBindValue(row);
            addDevice.addBindValue(dev.position);
            addDevice.addBindValue(nonNull(dev.serviceName));
            addDevice.addBindValue(nonNull(dev.transport));
            addDevice.addBindValue(nonNull(dev.address));
            addDevice.addBindValue(nonNull(dev.source));
            if (Status s = d->exec(addDevice, "cannot insert batch device"); !s)
                return s;
        }
    }
    return tx.commit();
}

namespace {

Error notASpool()
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("only a station's SQLite store is a spool"));
}

} // namespace

Result<QList<SpoolAttempt>> RecordStore::unsyncedAttempts(int max) const
{
    if (!d->isSpool())
        return notASpool();
    // One read transaction: the revisions and the rows (with details) come from one snapshot.
    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s.error();
    QList<ProvisioningRecord> records;
    QList<qint64> revisions;
    {
        QSqlQuery q(d->db);
        q.setForwardOnly(true);
        q.prepare(QStringLiteral("SELECT ") + kAttemptColumns
            + QStringLiteral(
                ", revision FROM attempts WHERE synced_revision < revision ORDER BY id LIMIT ?"));
        q.addBindValue(std::max(0, max));
        if (Status s = d->exec(q, "cannot read unsynced attempts"); !s)
            return s.error();
        while (q.next()) {
            records.append(RecordStorePrivate::readAttempt(q));
            revisions.append(q.value(22).toLongLong());
        }
    }
    if (!records.isEmpty()) {
        if (Status s = d->readDetails(records); !s)
            return s.error();
    }
    if (Status s = tx.commit(); !s)
        return s.error();
    QList<SpoolAttempt> out;
    out.reserve(records.size());
    for (qsizetype i = 0; i < records.size(); ++i)
        out.append(SpoolAttempt { std::move(records[i]), revisions[i] });
    return out;
}

Result<QList<SpoolBatch>> RecordStore::unsyncedBatches(int max) const
{
    if (!d->isSpool())
        return notASpool();
    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s.error();
    QList<qint64> revisions;
    Result<QList<BatchInfo>> batches = d->readBatches(
        QStringLiteral("synced_revision < revision"), {}, &revisions, std::max(0, max));
    if (!batches)
        return batches.error();
    if (Status s = tx.commit(); !s)
        return s.error();
    QList<SpoolBatch> out;
    out.reserve(batches->size());
    for (qsizetype i = 0; i < batches->size(); ++i)
        out.append(SpoolBatch { std::move((*batches)[i]), revisions[i] });
    return out;
}

Status RecordStore::markSynced(const QList<SpoolAttempt> &attempts, const QList<SpoolBatch> &batches)
{
    if (!d->isSpool())
        return notASpool();
    RecordStorePrivate::Transaction tx(d->db);
    if (Status s = d->beginTransaction(tx); !s)
        return s;
    QSqlQuery a(d->db);
    a.prepare(QStringLiteral(
        "UPDATE attempts SET synced_revision = ? WHERE attempt_id = ? AND synced_revision < ?"));
    for (const SpoolAttempt &s : attempts) {
        a.addBindValue(s.revision);
        a.addBindValue(s.record.start.attemptId);
        a.addBindValue(s.revision);
        if (Status st = d->exec(a, "cannot mark attempt synced"); !st)
            return st;
    }
    QSqlQuery b(d->db);
    b.prepare(
        QStringLiteral("UPDATE batches SET synced_revision = ? WHERE batch_id = ? AND synced_revision < ?"));
    for (const SpoolBatch &s : batches) {
        b.addBindValue(s.revision);
        b.addBindValue(s.batch.start.batchId);
        b.addBindValue(s.revision);
        if (Status st = d->exec(b, "cannot mark batch synced"); !st)
            return st;
    }
    return tx.commit();
}

Result<qint64> RecordStore::unsyncedCount() const
{
    if (!d->isSpool())
        return notASpool();
    QSqlQuery q(d->db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM attempts WHERE synced_revision < revision")))
        return storageError(QStringLiteral("cannot count unsynced attempts"), q.lastError());
    if (!q.next())
        return makeError(ErrorCode::StorageFailed, QStringLiteral("COUNT(*) returned no row"));
    return q.value(0).toLongLong();
}

Result<QList<ProvisioningRecord>> RecordStore::provisionedAttempts(
    const QString &serviceName, const QString &transport, const QString &address, int limit) const
{
    const bool byAddress = transport == u"ble" && !address.isEmpty();
    if (serviceName.isEmpty() && !byAddress)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("no service name and no BLE address to look up"));
    QStringList who;
    QVariantList binds { int(RecordOutcome::Provisioned) };
    if (!serviceName.isEmpty()) {
        who << QStringLiteral("service_name = ?");
        binds << serviceName;
    }
    if (byAddress) {
        // BLE addresses compare without regard to case ("aa:bb…" and "AA:BB…" are one device).
        who << QStringLiteral("(transport = 'ble' AND UPPER(address) = ?)");
        binds << address.toUpper();
    }
    QSqlQuery q(d->db);
    q.setForwardOnly(true);
    q.prepare(QStringLiteral("SELECT ") + kAttemptColumns
        + QStringLiteral(" FROM attempts WHERE outcome = ? AND (") + who.join(QStringLiteral(" OR "))
        + QStringLiteral(") ORDER BY started_at_ms DESC, id DESC LIMIT ?"));
    binds << std::max(0, limit);
    for (const QVariant &b : std::as_const(binds))
        q.addBindValue(b);
    if (Status s = d->exec(q, "cannot look up provisioned attempts"); !s)
        return s.error();
    QList<ProvisioningRecord> out;
    while (q.next())
        out.append(RecordStorePrivate::readAttempt(q));
    return out;
}

Result<QStringList> RecordStore::stations() const
{
    QSqlQuery q(d->db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("SELECT DISTINCT station FROM attempts ORDER BY station")))
        return storageError(QStringLiteral("cannot list stations"), q.lastError());
    QStringList out;
    while (q.next())
        out << q.value(0).toString();
    return out;
}

int RecordStore::interruptedOnOpen() const
{
    return d->interruptedOnOpen;
}

QString RecordStore::path() const
{
    return d->path;
}

} // namespace prov
