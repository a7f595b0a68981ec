// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/duplicateguard.h"
#include "prov/laneengine.h"
#include "prov/linesync.h"
#include "prov/record.h"
#include "prov/recordsink.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>

class QThread;

class RecordLogWorker;

/// The workstation's factory record: a thread-owning facade over prov::RecordStore.
///
/// RecordLog owns a worker QThread that holds the store. Every call is queued and executed in
/// call order on the worker; nothing blocks the caller (the GUI thread). Results come back as
/// signals emitted on the thread RecordLog lives in; call its methods from that thread only.
/// Calls made before open() has completed are queued behind it; writes made when no store could
/// be opened fail with storageFailed() (StorageFailed), queries with their answer's status. Every
/// error travels typed (prov::Error / prov::Status); user-facing text is composed by the consumers.
///
/// Secrets never pass through here: callers give no passphrase/PoP, and `failureDetail` must be
/// masked already (prov::Error details are). Logs (category prov.workstation.records) name attempt
/// ids and file paths only.
///
/// It is the workstation's prov::RecordSink: an AttemptRecorder (DeviceSession's) writes through it;
/// every write is queued, its failure comes back as storageFailed().
///
/// The line record (docs/line-record.md): with setLineRecord(), the store opened here is the spool
/// of a prov::LineSync running on a second thread, which pushes every write to the line's
/// PostgreSQL record; the GUI thread never waits on the server. Reads can address this station's
/// store or the whole line (RecordScope).
class RecordLog : public QObject, public prov::RecordSink, public prov::DuplicateLookup
{
    Q_OBJECT
public:
    explicit RecordLog(QObject *parent = nullptr);
    /// Drains queued writes (they all run), then stops the worker thread.
    ~RecordLog() override;

    /// Opens the SQLite store at `sqlitePath` (directories and schema are created). Emits opened().
    /// A second open() closes the previous store first (after its queued writes).
    void open(const QString &sqlitePath);
    /// Queues the start of an attempt. Generates `start.attemptId` (QUuid, without braces) if
    /// empty, and `startedAtMs` (now, UTC) if 0. Returns the attempt id.
    QString begin(prov::AttemptStart start);
    void setDeviceFacts(const QString &attemptId, const prov::DeviceFacts &facts);
    void addPhase(const QString &attemptId, const QString &phase, qint64 durationMs);
    void addCustomCall(const QString &attemptId, const prov::CustomCallEntry &call) override;
    /// Queues the end of an attempt; `finishedAtMs` 0 means now (UTC).
    void finish(const QString &attemptId, const prov::AttemptEnd &end);

    // ---- prov::RecordSink: the calls above under the sink's names (queued, never blocking)
    /// begin(); never "" (the write may still fail later: storageFailed()).
    QString beginAttempt(prov::AttemptStart start) override { return begin(std::move(start)); }
    void recordFacts(const QString &attemptId, const prov::DeviceFacts &facts) override
    {
        setDeviceFacts(attemptId, facts);
    }
    void addPhase(const QString &attemptId, const prov::PhaseDuration &phase) override
    {
        addPhase(attemptId, phase.phase, phase.durationMs);
    }
    void finishAttempt(const QString &attemptId, const prov::AttemptEnd &end) override
    {
        finish(attemptId, end);
    }
    /// Queues the start of a batch; `startedAtMs` 0 means now (UTC). On success batchChanged(),
    /// else storageFailed() (InvalidArgument: empty or duplicate id; StorageFailed).
    void beginBatch(const prov::BatchStart &start) override;
    /// Queues one device of a running batch. On success batchChanged(), else storageFailed()
    /// (InvalidArgument: unknown or ended batch, device queued twice; StorageFailed).
    void addBatchDevice(const prov::BatchDevice &device) override;
    /// Queues the end of a batch (`state` Finished or Aborted); `finishedAtMs` 0 means now (UTC).
    /// On success batchChanged(), else storageFailed() (InvalidArgument: unknown or ended batch,
    /// `state` Running; StorageFailed).
    void finishBatch(const QString &batchId, prov::BatchState state, qint64 finishedAtMs) override;

    /// Longest wait for the line record's half of a duplicate check, in ms: below the duplicate
    /// guard's own bound (prov::GuardedJobKind::kDefaultTimeoutMs), so that this station's answer
    /// always arrives in time.
    static constexpr int kLineCheckBudgetMs = 2000;
    /// Longest wait for the sync worker to stop at destruction, in ms.
    static constexpr int kSyncStopWaitMs = 3000;

    /// Which store a read addresses: this station's (the spool) or the line's PostgreSQL record.
    enum class RecordScope : int { Station = 0, Line = 1 };
    Q_ENUM(RecordScope)

    /// Syncs the store of the last open() to the line record `config` (its connection string has
    /// been checked: checkLineConnection()); an unconfigured `config` stops syncing. Restarts the
    /// sync worker when the connection changes. Call after open(). lineStatusChanged() follows.
    void setLineRecord(const prov::LineRecordConfig &config);
    /// True while a line record is configured (setLineRecord()).
    bool lineRecordConfigured() const { return m_lineSync != nullptr; }
    /// The last status the sync worker reported (default: offline, pending -1).
    prov::LineSyncStatus lineStatus() const { return m_lineStatus; }

    /// The path given to the last open() (empty before).
    QString path() const;
    /// Rows turned from InProgress into Interrupted by the last successful open (0 before).
    int interruptedOnOpen() const;

    /// Runs `filter` on the worker; the answer is queryFinished() with the returned id. When
    /// `withCount` the total matching count (ignoring limit/offset) is computed too, else it is -1.
    /// `scope` Line reads the line record (StorageFailed when none is configured or it is offline).
    quint64 requestQuery(
        const prov::RecordFilter &filter, bool withCount = false, RecordScope scope = RecordScope::Station);
    /// Reads one record with its details on the worker; the answer is recordFetched().
    quint64 requestRecord(const QString &attemptId, RecordScope scope = RecordScope::Station);
    /// The stations with attempts in `scope`, sorted; the answer is stationsFetched().
    quint64 requestStations(RecordScope scope);
    /// Asks this station's store (on the worker, after every write queued before) and then, when a
    /// line record is configured, the line record (on the sync thread, at most kLineCheckBudgetMs)
    /// whether a device (service name, or BLE address for transport "ble") has a Provisioned
    /// attempt. The answer is duplicateChecked(); it never fails: a line record that cannot be
    /// asked or does not answer in time is said in the answer (lineChecked false, lineError), and
    /// without a line record lineError is empty.
    quint64 requestDuplicateCheck(
        const QString &serviceName, const QString &transport, const QString &address);
    /// prov::DuplicateLookup for the line's duplicate guard (GuardedJobKind): requestDuplicateCheck()
    /// with its answer as a Pending (owned by this log, ended from the event loop). Never fails.
    prov::Pending<prov::DuplicateCheck> *check(
        const QString &serviceName, const QString &transport, const QString &address) override;
    /// Format of requestExport().
    enum class ExportFormat : int { Csv = 0, Json = 1 };
    Q_ENUM(ExportFormat)
    /// Queries `filter` and writes the records to `filePath` on the worker (atomically, through
    /// QSaveFile). The answer is exportFinished() with the returned id.
    quint64 requestExport(const prov::RecordFilter &filter, ExportFormat format, const QString &filePath,
        RecordScope scope = RecordScope::Station);
    /// Reads the Running batches (RecordStore::unfinishedBatches()) on the worker; the answer is
    /// unfinishedBatchesFetched() with the returned id.
    quint64 requestUnfinishedBatches();
    /// Reads what LaneEngine::resumeBatch() needs for the Running batch `batchId`
    /// (prov::readBatchResume()) on the worker, where the store lives; the answer is
    /// batchResumeFetched() with the returned id.
    quint64 requestBatchResume(const QString &batchId);
    /// Queues a no-op; `drained(id)` is emitted when every call queued before it has run.
    quint64 requestDrain();

Q_SIGNALS:
    /// Answer to open(): success, or StorageFailed (cannot create the directory, open or migrate
    /// the database). Typed: the app turns the code into words (session/erroradvice.h).
    void opened(const prov::Status &status);
    /// After each successful write (for live models).
    void recordChanged(const QString &attemptId);
    /// After each successful batch write (beginBatch(), addBatchDevice(), finishBatch()).
    void batchChanged(const QString &batchId);
    /// A write failed: StorageFailed (store not open, SQL/driver error) or InvalidArgument (unknown
    /// attempt id, finish() twice). The detail carries no secrets.
    void storageFailed(const prov::Error &error);
    /// Answer to requestQuery(). On failure (StorageFailed) `records` is empty and `totalCount` -1.
    void queryFinished(quint64 requestId, const QList<prov::ProvisioningRecord> &records, qint64 totalCount,
        const prov::Status &status);
    /// Answer to requestRecord(). Fails with StorageFailed, or InvalidArgument for an unknown id.
    void recordFetched(quint64 requestId, const prov::ProvisioningRecord &record, const prov::Status &status);
    /// Answer to requestExport(): `rows` written. Fails with StorageFailed (store not open, file
    /// cannot be created or committed) or the exporter's error.
    void exportFinished(quint64 requestId, qint64 rows, const prov::Status &status);
    /// Answer to requestUnfinishedBatches(): oldest first, with their devices. On failure
    /// (StorageFailed, also when no store is open) `batches` is empty.
    void unfinishedBatchesFetched(
        quint64 requestId, const QList<prov::BatchInfo> &batches, const prov::Status &status);
    /// Answer to requestBatchResume(). Fails with InvalidArgument (unknown batch, or not Running) or
    /// StorageFailed (also when no store is open); `resume` is then empty.
    void batchResumeFetched(quint64 requestId, const prov::BatchResume &resume, const prov::Status &status);
    /// Answer to requestDrain().
    void drained(quint64 requestId);
    /// Answer to requestStations(). On failure (StorageFailed) `stations` is empty.
    void stationsFetched(quint64 requestId, const QStringList &stations, const prov::Status &status);
    /// Answer to requestDuplicateCheck().
    void duplicateChecked(quint64 requestId, const prov::DuplicateCheck &answer);
    /// The sync worker's status changed (online, pending attempts, last error), or a line record
    /// was configured or removed.
    void lineStatusChanged(const prov::LineSyncStatus &status);

private:
    template <typename F> void post(F &&task);
    /// Runs `task(const prov::RecordStore *store, const prov::Error &whyNone)` on the thread that
    /// owns the store of `scope` (`store` null when there is none).
    template <typename F> void postRead(RecordScope scope, F &&task);
    /// Stops the sync worker; `wait`: until its thread has ended (at destruction), else it ends on
    /// its own.
    void stopLineSync(bool wait = false);
    void waitForSyncThread(QThread *thread);
    void askLine(quint64 id, const prov::DuplicateCheck &local, const QString &serviceName,
        const QString &transport, const QString &address);
    void reportWrite(const QString &attemptId, const prov::Status &status);
    void reportWriteFailure(const QString &attemptId, const prov::Error &error);
    void reportBatchWrite(const QString &batchId, const prov::Status &status);

    QThread *m_thread = nullptr;
    RecordLogWorker *m_worker = nullptr;
    QThread *m_lineThread = nullptr;
    prov::LineSync *m_lineSync = nullptr;
    quint64 m_lineGeneration = 0; ///< counts sync workers started: a late start() of an old one is dropped
    QList<QPointer<QThread>> m_retiringThreads; ///< stopped sync workers still ending
    prov::LineRecordConfig m_lineConfig;
    prov::LineSyncStatus m_lineStatus;
    QHash<quint64, prov::Promise<prov::DuplicateCheck>> m_duplicatePromises; ///< check() answers due
    QString m_path;
    int m_interruptedOnOpen = 0;
    quint64 m_nextRequestId = 1;
};
