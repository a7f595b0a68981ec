// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/record.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>

/// The line record sync (docs/line-record.md): a station's local SQLite store is the spool, every
/// write lands there first; this worker pushes what the line's PostgreSQL record has not received
/// yet, in row order, in chunks (a chunk: one server transaction for its batches, one for its
/// attempts), then marks it synced in the spool. A push is idempotent (RecordStore::upsertRecords(): keyed by
/// the attempt's UUID, state only moves forward), so a crash between the server's commit and the spool's mark
/// costs one repeated push and no duplicate row: every attempt reaches the line record exactly once.
namespace prov {

/// What the sync worker last saw.
struct LineSyncStatus
{
    bool online = false; ///< the last contact with the server succeeded
    qint64 pending = 0; ///< attempts in the spool not synced in their latest revision; -1 unknown
    qint64 syncedThisRun = 0; ///< attempts pushed since start() (repeated pushes included)
    qint64 lastSyncMs = 0; ///< UTC, ms since the epoch, of the last chunk committed; 0 never
    std::optional<Error> lastError; ///< why the line record is offline (StorageFailed, InvalidArgument)
};

/// Answer to a duplicate check: has this device succeeded anywhere on the line?
struct DuplicateCheck
{
    QList<ProvisioningRecord> provisioned; ///< Provisioned attempts found (spool and line), newest first
    bool lineChecked = false; ///< the line record answered; false: only this station's spool was asked
    std::optional<Error> lineError; ///< why the line record could not be asked (when !lineChecked)
};

/// One answer from two: this station's (`local`: its Provisioned attempts; a read error in its
/// lineError) and the line's (`line`, LineSync::checkLine()). Attempts found in both once, newest
/// first; lineChecked as the line's; lineError the line's, else the local one.
DuplicateCheck mergeDuplicateChecks(const DuplicateCheck &local, const DuplicateCheck &line);

class LineSyncPrivate;

/// Pushes a station's spool to the line record. Lives on a thread of its own (the owner moves it
/// there and calls its slots through queued invocations): it owns a second connection to the spool
/// file (no recovery of interrupted attempts) and the PostgreSQL connection, and never blocks the
/// thread that writes the spool. Network waits are bounded by the connection's connect timeout
/// (LineRecordConfig::connectTimeoutMs) and the server's answers.
///
/// Sync loop: on start(), kick(), and every `pollMs`, read up to `chunk` unsynced batches and
/// attempts, upsert them (a server transaction for the batches, one for the attempts), mark them synced,
/// repeat until the spool is clean (yielding to the event loop between chunks). A failure (server down, login
/// refused, schema too new) closes the connection, reports statusChanged() with the error, and retries after
/// `retryMinMs`, doubling up to `retryMaxMs`. Logs (prov.record.sync) carry counts, ids and the masked
/// connection string, never a password or field values.
///
/// Limits: a broken network is noticed through TCP keepalives and tcp_user_timeout (about 20 s,
/// record::lineConnectOptions()); a server that keeps the connection but never answers (stopped with
/// SIGSTOP) holds this worker, not the station's writes, until the operating system gives up.
class LineSync : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        int chunk = 250; ///< attempts (and batches) per server transaction
        int pollMs = 2000; ///< spool poll interval while online and idle, ms
        int retryMinMs = 1000; ///< first retry after a failure, ms
        int retryMaxMs = 10000; ///< longest retry interval, ms (how late a backlog may start after an outage)
    };

    /// `spoolPath`: the station's SQLite record file (RecordStore::openSqlite()); `config`: the line
    /// record. Nothing is opened before start().
    LineSync(
        const QString &spoolPath, const LineRecordConfig &config, Options options, QObject *parent = nullptr);
    LineSync(const QString &spoolPath, const LineRecordConfig &config, QObject *parent = nullptr);
    ~LineSync() override;

    /// The last status (also sent by statusChanged()). Call on the worker's thread.
    LineSyncStatus status() const;

    /// The line record's store (opening the connection when needed), for reads on the worker's thread;
    /// valid until the next call of a slot or dropLine(). Errors: StorageFailed (offline).
    Result<RecordStore *> lineStore();
    /// Closes the line connection after a failed read (reopened on the next use).
    void dropLine();

    /// Runs `filter` on the line record (every station), on the worker's thread. Errors:
    /// StorageFailed (offline: the connection cannot be opened, or the query failed).
    Result<QList<ProvisioningRecord>> queryLine(const RecordFilter &filter);
    /// Counts `filter` on the line record. Errors as queryLine().
    Result<qint64> countLine(const RecordFilter &filter);
    /// The line's stations, sorted. Errors as queryLine().
    Result<QStringList> lineStations();
    /// Asks the spool and, when reachable, the line record whether a device (service name, or BLE
    /// address for transport "ble") has a Provisioned attempt. Never fails: an unreachable line
    /// record is reported in the answer. Errors of the spool read are in `lineError` too.
    DuplicateCheck checkDuplicate(
        const QString &serviceName, const QString &transport, const QString &address);
    /// checkDuplicate()'s line half: the line record only (not the spool). When the sync already
    /// knows the line is down it answers at once with that error instead of waiting for another
    /// connect timeout.
    DuplicateCheck checkLine(const QString &serviceName, const QString &transport, const QString &address);

public Q_SLOTS:
    /// Opens the spool and starts the loop. Emits statusChanged().
    void start();
    /// New writes landed in the spool: sync soon (coalesced).
    void kick();
    /// Stops the loop and closes both connections (a chunk in flight completes first).
    void stop();

Q_SIGNALS:
    /// After every chunk, every failure and every change of `pending`.
    void statusChanged(const prov::LineSyncStatus &status);
    /// The spool was clean at the last look (pending 0).
    void idle();

private:
    void scheduleRun(int delayMs);
    void run();
    Status syncChunk(bool *more);
    Status ensureLine();
    void publish();

    std::unique_ptr<LineSyncPrivate> d;
};

} // namespace prov

Q_DECLARE_METATYPE(prov::LineSyncStatus)
Q_DECLARE_METATYPE(prov::DuplicateCheck)
