// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QIODevice;

/// The factory record: one row per provisioning attempt, written as the attempt goes (begin, device
/// facts, phase durations, custom endpoint calls, finish) so that a crash leaves either the previous
/// consistent state or the next one, never a half-written row.
///
/// Secrets never reach the store: callers pass no passphrase, PoP, SRP password or session key, and
/// `failureDetail` must already be masked (libprov error details never carry secrets, see error.h).
/// The store stores what it is given; it only refuses an SSID longer than 32 characters (an SSID
/// is at most 32 bytes, §9.2) as a defence against a passphrase passed in the wrong field.
namespace prov {

/// Holds the meta-object of RecordOutcome and BatchState: `prov` already has its Q_NAMESPACE in
/// error.h and a namespace can have only one. Use the enums as prov::RecordOutcome, prov::BatchState.
namespace recordmeta {
Q_NAMESPACE

/// Outcome of one attempt. The numbers are persisted in the `outcome` column and never change.
enum class RecordOutcome : int {
    InProgress = 0, ///< begun, not finished yet (or the process died: see Interrupted)
    Provisioned = 1, ///< the device reported Connected
    Failed = 2, ///< ended with an error (failureCode says which)
    Cancelled = 3, ///< the technician cancelled
    Interrupted = 4, ///< the workstation died while the attempt ran; set when the store is reopened
};
Q_ENUM_NS(RecordOutcome)

/// State of a batch (line mode). The numbers are persisted in the `state` column of `batches` and
/// never change.
enum class BatchState : int {
    Running = 0, ///< begun, not ended: offered for resumption after a crash or restart
    Finished = 1, ///< every queued device was worked on
    Aborted = 2, ///< the operator stopped the batch
};
Q_ENUM_NS(BatchState)
} // namespace recordmeta

using recordmeta::BatchState;
using recordmeta::RecordOutcome;

/// Stable lower-case name: "in_progress", "provisioned", "failed", "cancelled", "interrupted".
QString recordOutcomeName(RecordOutcome outcome);
/// Name of a persisted error code (failureCode, CustomCallEntry::errorCode): empty for 0, else
/// errorCodeName(ErrorCode(code)).
QString recordErrorName(int code);
/// Inverse of recordOutcomeName(); false when `name` is unknown.
bool recordOutcomeFromName(const QString &name, RecordOutcome *outcome);
/// Stable lower-case name: "running", "finished", "aborted".
QString batchStateName(BatchState state);

/// What is known when an attempt starts.
struct AttemptStart
{
    QString attemptId; ///< UUID text, unique in the store; must not be empty
    qint64 startedAtMs = 0; ///< UTC, ms since the epoch
    QString station; ///< workstation name (host or configured station id)
    QString operatorName; ///< technician
    QString serviceName; ///< device service name (e.g. "PROV_1A2B3C")
    QString transport; ///< "softap" | "ble"
    QString address; ///< "192.168.4.1:80" or a BLE address
    QString batchId; ///< the batch (BatchStart::batchId) this attempt belongs to; "" = not part of a batch
    int lane = -1; ///< lane of the batch that ran the attempt, 0-based; -1 = none
    QString profileId; ///< product profile id; "" = none
    QString profileVersion; ///< product profile version; "" = none
    int attemptNumber = 1; ///< 1-based count of this device's attempts within the batch
};

/// What the device told us about itself (proto-ver §2.3).
struct DeviceFacts
{
    QString protoVerJson; ///< the proto-ver answer as received (JSON text)
    QString firmwareVersion;
    int secVer = -1; ///< security scheme used; -1 unknown
    int secPatchVer = -1; ///< Security 2 patch level; -1 unknown / not applicable
};

/// Duration of one workflow phase.
struct PhaseDuration
{
    QString phase; ///< "connect","handshake","scan","apply","wait_connected","custom" ...
    qint64 durationMs = 0; ///< ms
};

/// One custom endpoint call (§11).
struct CustomCallEntry
{
    QString endpoint;
    qint64 requestBytes = 0; ///< plaintext request size in bytes
    qint64 responseBytes = 0; ///< plaintext response size in bytes
    bool payloadRecorded = false; ///< only when the operator marked the call non-secret
    QByteArray request; ///< stored only when payloadRecorded
    QByteArray response; ///< stored only when payloadRecorded
    int errorCode = 0; ///< 0 = ok, else int(prov::ErrorCode)
};

/// What is known when an attempt ends.
struct AttemptEnd
{
    qint64 finishedAtMs = 0; ///< UTC, ms since the epoch
    RecordOutcome outcome = RecordOutcome::Failed; ///< anything but InProgress
    QString ssid; ///< the network configured; never the passphrase. At most 32 characters (§9.2).
    int failureCode = 0; ///< 0 = none, else int(prov::ErrorCode)
    QString failureDetail; ///< English one-liner, already masked by the caller
};

/// One attempt as read back.
struct ProvisioningRecord
{
    qint64 rowId = 0; ///< database row id (insertion order)
    AttemptStart start;
    DeviceFacts device;
    AttemptEnd end; ///< outcome InProgress / finishedAtMs 0 while the attempt runs
    QList<PhaseDuration> phases; ///< in insertion order
    QList<CustomCallEntry> customCalls; ///< in insertion order
};

/// Selection for query() / count(). All conditions are ANDed.
struct RecordFilter
{
    qint64 fromMs = 0; ///< startedAtMs >= fromMs; 0 = open
    qint64 toMs = 0; ///< startedAtMs < toMs; 0 = open
    QList<RecordOutcome> outcomes; ///< empty = all
    /// service name substring, case-insensitive (Unicode case folding); SQL wildcards are literal
    QString nameContains;
    QString batchId; ///< exactly this batch id (AttemptStart::batchId); empty = any
    QString station; ///< exactly this station (AttemptStart::station); empty = every station
    int limit = -1; ///< rows at most; -1 = all
    int offset = 0; ///< rows skipped
    bool newestFirst = true; ///< order by startedAtMs (then row id) descending
    bool withDetails = true; ///< also read phases and custom calls (false: lists stay cheap)
};

/// True when `record` passes the conditions of `filter` (time, outcomes, name, batch, station; limit/offset
/// ignored), with the same semantics as RecordStore::query(). For live list models.
bool recordMatches(const RecordFilter &filter, const ProvisioningRecord &record);

/// What is known when a batch (line mode: many devices, one profile, several lanes) starts.
struct BatchStart
{
    QString batchId; ///< unique in the store (e.g. a UUID); must not be empty
    qint64 startedAtMs = 0; ///< UTC, ms since the epoch
    QString station; ///< workstation name (host or configured station id)
    QString operatorName; ///< technician
    QString profileId; ///< product profile id
    QString profileVersion; ///< product profile version
    QByteArray profileJson; ///< canonical product profile JSON (UTF-8); holds no secret
    int lanes = 0; ///< number of lanes the batch runs on
};

/// One device queued in a batch.
struct BatchDevice
{
    QString batchId; ///< the batch it is queued in
    int position = 0; ///< queue order, 0-based
    QString serviceName; ///< device service name (e.g. "PROV_1A2B3C")
    QString transport; ///< "softap" | "ble"
    QString address; ///< "192.168.4.1:80" or a BLE address
    QString source; ///< where it came from: "ble-scan", "qr", "manifest", "resume"
};

/// One batch as read back.
struct BatchInfo
{
    BatchStart start;
    BatchState state = BatchState::Running;
    qint64 finishedAtMs = 0; ///< UTC, ms since the epoch; 0 while Running
    QList<BatchDevice> devices; ///< by position, then in insertion order
};

/// Where the line's shared record lives: a PostgreSQL server (docs/line-record.md).
///
/// `connection` is a libpq keyword/value connection string ("host=db.line port=5432 dbname=prov
/// user=station3 sslmode=require") or a service name from pg_service.conf ("service=line3"). The
/// URI form (postgresql://…) is not accepted. It never holds the password: libpq finds that itself
/// in ~/.pgpass, PGPASSFILE or the service file, so nothing the station stores or logs carries it.
struct LineRecordConfig
{
    QString connection; ///< libpq keyword/value string or "service=NAME"; never a password
    /// How long opening the connection may take, in ms (libpq's connect_timeout, whole seconds, at
    /// least 2 s; a `connect_timeout` in `connection` wins).
    int connectTimeoutMs = 5000;

    /// True when a connection string is set.
    bool isConfigured() const { return !connection.trimmed().isEmpty(); }
};

/// Checks a connection string before it is stored or used. Errors (InvalidArgument, naming the
/// keyword, never a value): empty; a URI; a `password` keyword (use ~/.pgpass, PGPASSFILE or a
/// service file); a keyword that is not libpq's; a `;` (Qt's driver splits options on it); an
/// unterminated quote.
Status checkLineConnection(const QString &connection);

/// The connection string with every value of a secret-bearing keyword (password, sslpassword)
/// masked as "***", for logs and the settings page; "***" as a whole when it cannot be parsed (a
/// URI, which may carry user:password@).
QString maskLineConnection(const QString &connection);

/// One attempt of the spool (a station's local store) whose latest revision the line record has not
/// received yet. `revision` grows by one with every write to the attempt.
struct SpoolAttempt
{
    ProvisioningRecord record; ///< with phases and custom calls
    qint64 revision = 0;
};

/// One batch of the spool not synced in its latest revision (every device queued and the end bump
/// the revision).
struct SpoolBatch
{
    BatchInfo batch; ///< with its devices
    qint64 revision = 0;
};

/// How a store is opened.
struct RecordOpenOptions
{
    /// Turn attempts left InProgress into Interrupted (the station's own store, opened once by
    /// its owner). False for a second connection to the same file (the line sync's reader): the
    /// attempts in progress belong to the process that is running them.
    bool recoverInterrupted = true;
};

class RecordStorePrivate;

/// Synchronous factory record store. One instance per thread (it owns its own database connection
/// under a unique connection name and must be used and destroyed on the thread that opened it).
/// Every write is one transaction. Errors: StorageFailed (driver text in detail; SQL values are
/// never in it) and InvalidArgument (empty or unknown attemptId, duplicate begin, write after
/// finish, finish with InProgress, SSID > 32 characters; the batch errors below).
///
/// Batches (line mode) are kept beside the attempts: a batch row with its profile and a queue of
/// devices. A batch stays Running until finishBatch(), across restarts, so that unfinishedBatches()
/// can offer it for resumption; which of its devices succeeded is answered by the attempts
/// (query() with RecordFilter::batchId). Attempts name their batch by id only: an attempt may name
/// a batch that is not in this store (an import).
class RecordStore
{
public:
    /// Opens (creating directories, file and schema as needed) an SQLite store at `path`, in WAL
    /// mode with synchronous=FULL and foreign keys on. Rows left InProgress by an earlier run are
    /// turned into Interrupted (see interruptedOnOpen()): so one workstation process owns a file,
    /// and opens it once (RecordLog does). Errors: StorageFailed (unwritable path, a directory,
    /// not a database, newer schema_version than this build knows).
    static Result<std::unique_ptr<RecordStore>> openSqlite(
        const QString &path, const RecordOpenOptions &options = {});
    /// Opens the line's record on a PostgreSQL server (QPSQL driver), creating or migrating the schema
    /// under an advisory lock (several stations may open it at once). Attempts in progress are left
    /// as they are: they belong to stations that may be running. Errors: InvalidArgument (the
    /// connection string, see checkLineConnection()), StorageFailed (the QPSQL driver missing,
    /// the server unreachable or refusing the login: libpq's message, which carries no password;
    /// a newer schema_version than this build knows: "update this station").
    static Result<std::unique_ptr<RecordStore>> openPostgres(const LineRecordConfig &config);
    ~RecordStore();
    RecordStore(const RecordStore &) = delete;
    RecordStore &operator=(const RecordStore &) = delete;

    /// Inserts a new InProgress attempt. Errors: InvalidArgument (empty/duplicate id), StorageFailed.
    Status begin(const AttemptStart &start);
    /// Sets the device facts of an unfinished attempt (replaces earlier ones).
    /// Errors: InvalidArgument (unknown/finished id), StorageFailed.
    Status setDeviceFacts(const QString &attemptId, const DeviceFacts &facts);
    /// Appends a phase duration. Errors: InvalidArgument (unknown/finished id), StorageFailed.
    Status addPhase(const QString &attemptId, const PhaseDuration &phase);
    /// Appends a custom call; payloads are dropped unless payloadRecorded.
    /// Errors: InvalidArgument (unknown/finished id), StorageFailed.
    Status addCustomCall(const QString &attemptId, const CustomCallEntry &call);
    /// Ends an attempt. Errors: InvalidArgument (unknown id, already finished, outcome InProgress,
    /// SSID > 32 characters), StorageFailed.
    Status finish(const QString &attemptId, const AttemptEnd &end);

    /// Inserts complete records (as read from another store: import or migration) in one
    /// transaction; all or none. `rowId` is ignored. Errors: InvalidArgument (empty or duplicate
    /// attemptId, SSID > 32 characters), StorageFailed.
    Status insertRecords(const QList<ProvisioningRecord> &records);

    /// Records matching `filter`, with their phases and custom calls when filter.withDetails.
    /// Errors: StorageFailed.
    Result<QList<ProvisioningRecord>> query(const RecordFilter &filter) const;
    /// Number of records matching `filter` (limit/offset ignored). Errors: StorageFailed.
    Result<qint64> count(const RecordFilter &filter) const;
    /// Reads one record by attempt id. Errors: InvalidArgument (unknown id), StorageFailed.
    Result<ProvisioningRecord> record(const QString &attemptId) const;

    /// Inserts a new Running batch (no devices yet); `start.startedAtMs` is stored as given.
    /// Errors: InvalidArgument (empty or duplicate batch id), StorageFailed.
    Status beginBatch(const BatchStart &start);
    /// Queues one device in a Running batch. Errors: InvalidArgument (unknown batch, batch already
    /// ended, the same serviceName + transport + address queued in that batch already),
    /// StorageFailed.
    Status addBatchDevice(const BatchDevice &device);
    /// Ends a batch with `state` (Finished or Aborted) at `finishedAtMs` (UTC, ms since the epoch,
    /// stored as given). Errors: InvalidArgument (unknown batch, already ended, `state` Running or
    /// unknown), StorageFailed.
    Status finishBatch(const QString &batchId, BatchState state, qint64 finishedAtMs);
    /// The Running batches with their devices, oldest (startedAtMs, then insertion) first.
    /// Errors: StorageFailed.
    Result<QList<BatchInfo>> unfinishedBatches() const;
    /// Reads one batch with its devices. Errors: InvalidArgument (empty or unknown id), StorageFailed.
    Result<BatchInfo> batch(const QString &batchId) const;

    /// Writes `records` into the store as one transaction, all or none: an attempt not in the store
    /// is inserted; one in the store is replaced (fields, phases, custom calls) only while it is
    /// InProgress there, so state only moves forward and writing the same records twice changes
    /// nothing (the line sync relies on this: INSERT … ON CONFLICT … WHERE outcome = InProgress).
    /// On PostgreSQL, a U+0000 in any text (which its text type cannot hold) is written as U+FFFD.
    /// Returns how many attempts were inserted or replaced. Errors: InvalidArgument (empty
    /// attemptId, unknown outcome, SSID > 32 characters), StorageFailed.
    Result<int> upsertRecords(const QList<ProvisioningRecord> &records);
    /// Writes `batches` (with their devices) as one transaction, all or none: a batch not in the
    /// store is inserted, a Running one takes the new state and end time, an ended one is left;
    /// devices not queued yet are added (U+0000 written as U+FFFD on PostgreSQL, as above).
    /// Errors: InvalidArgument (empty batch id, unknown state),
    /// StorageFailed.
    Status upsertBatches(const QList<BatchInfo> &batches);

    /// Spool side (a station's SQLite store). Up to `max` attempts whose latest revision is not
    /// marked synced, oldest row first, with phases and custom calls. Errors: StorageFailed.
    Result<QList<SpoolAttempt>> unsyncedAttempts(int max) const;
    /// Up to `max` batches whose latest revision is not marked synced, oldest first, with devices.
    /// Errors: StorageFailed.
    Result<QList<SpoolBatch>> unsyncedBatches(int max) const;
    /// Marks these revisions synced in one transaction (a revision lower than one marked already
    /// is ignored; a later write leaves the attempt unsynced). Errors: StorageFailed.
    Status markSynced(const QList<SpoolAttempt> &attempts, const QList<SpoolBatch> &batches);
    /// Attempts not synced in their latest revision. Errors: StorageFailed.
    Result<qint64> unsyncedCount() const;

    /// The Provisioned attempts of one device, newest first, at most `limit`: same service name,
    /// or, for BLE (`transport` "ble"), the same BLE address (a SoftAP address such as
    /// 192.168.4.1:80 names no device). Errors: InvalidArgument (both empty), StorageFailed.
    Result<QList<ProvisioningRecord>> provisionedAttempts(
        const QString &serviceName, const QString &transport, const QString &address, int limit = 5) const;
    /// The stations that have attempts, sorted. Errors: StorageFailed.
    Result<QStringList> stations() const;

    /// How many InProgress rows openSqlite() turned into Interrupted.
    int interruptedOnOpen() const;
    /// The database file path as given to openSqlite(); the masked connection string for
    /// openPostgres().
    QString path() const;

private:
    explicit RecordStore(std::unique_ptr<RecordStorePrivate> d);
    Result<int> upsertRecordsAsGiven(const QList<ProvisioningRecord> &records);
    Status upsertBatchesAsGiven(const QList<BatchInfo> &batches);
    std::unique_ptr<RecordStorePrivate> d;
};

/// Writes `records` as CSV (RFC 4180: CRLF line ends, header row, every field quoted, quotes
/// doubled, line breaks kept inside quotes), UTF-8 without BOM. Columns: attempt_id,
/// started_at_utc, finished_at_utc, duration_ms, station, operator, service_name, transport,
/// address, firmware_version, sec_ver, sec_patch_ver, proto_ver_json, ssid, outcome, failure_code,
/// failure_name, failure_detail, phases ("connect=12;handshake=310"), custom_calls
/// ("endpoint:reqBytes/respBytes:ok|error_name;..."; never payloads), batch_id, lane (0-based;
/// empty for none), profile_id, profile_version, attempt_number (1-based). Times are UTC ISO-8601
/// with ms. Any field that a spreadsheet could run as a formula (starting with = + - @ TAB CR or a
/// full-width ＝＋－＠) gets a leading single quote (OWASP CSV injection); nothing else is altered.
/// Errors: StorageFailed (device not open for writing / write failed).
Status exportCsv(const QList<ProvisioningRecord> &records, QIODevice &out);
/// Writes `records` as a UTF-8 JSON array of objects with nested "phases" and "custom_calls";
/// payloads (hex) only for calls with payloadRecorded. Keys as the CSV columns (plus started_at_ms,
/// finished_at_ms); "batch_id" is "" outside a batch, "lane" null for none (else 0-based),
/// "attempt_number" 1-based. Errors: StorageFailed (write failed).
Status exportJson(const QList<ProvisioningRecord> &records, QIODevice &out);

} // namespace prov

Q_DECLARE_METATYPE(prov::AttemptStart)
Q_DECLARE_METATYPE(prov::DeviceFacts)
Q_DECLARE_METATYPE(prov::PhaseDuration)
Q_DECLARE_METATYPE(prov::CustomCallEntry)
Q_DECLARE_METATYPE(prov::AttemptEnd)
Q_DECLARE_METATYPE(prov::ProvisioningRecord)
Q_DECLARE_METATYPE(prov::RecordFilter)
Q_DECLARE_METATYPE(prov::BatchStart)
Q_DECLARE_METATYPE(prov::BatchDevice)
Q_DECLARE_METATYPE(prov::BatchInfo)
Q_DECLARE_METATYPE(prov::LineRecordConfig)
