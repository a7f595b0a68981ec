// SPDX-License-Identifier: Apache-2.0
// LineSync: the station's spool pushed to the line's PostgreSQL record (docs/line-record.md).
#include "prov/linesync.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QSet>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcProvRecordSync, "prov.record.sync", QtInfoMsg)

namespace prov {

class LineSyncPrivate
{
public:
    QString spoolPath;
    LineRecordConfig config;
    LineSync::Options options;
    std::unique_ptr<RecordStore> spool;
    std::unique_ptr<RecordStore> line;
    QTimer *timer = nullptr;
    LineSyncStatus status;
    int retryMs = 0;
    bool started = false;
    bool stopped = false;
    bool offline = false; // waiting for a retry: kicks only refresh the count
};

LineSync::LineSync(const QString &spoolPath, const LineRecordConfig &config, Options options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<LineSyncPrivate>())
{
    d->spoolPath = spoolPath;
    d->config = config;
    d->options = options;
    d->options.chunk = std::max(1, d->options.chunk);
    d->options.retryMinMs = std::max(10, d->options.retryMinMs);
    d->options.retryMaxMs = std::max(d->options.retryMinMs, d->options.retryMaxMs);
    d->retryMs = d->options.retryMinMs;
    d->status.pending = -1;
    d->timer = new QTimer(this);
    d->timer->setSingleShot(true);
    connect(d->timer, &QTimer::timeout, this, &LineSync::run);
}

LineSync::LineSync(const QString &spoolPath, const LineRecordConfig &config, QObject *parent)
    : LineSync(spoolPath, config, Options {}, parent)
{ }

LineSync::~LineSync() = default;

LineSyncStatus LineSync::status() const
{
    return d->status;
}

void LineSync::start()
{
    if (d->started)
        return;
    d->started = true;
    d->stopped = false;
    qCInfo(lcProvRecordSync) << "syncing" << d->spoolPath << "to the line record"
                             << maskLineConnection(d->config.connection);
    scheduleRun(0);
}

void LineSync::kick()
{
    if (!d->started || d->stopped)
        return;
    if (d->offline) {
        // Waiting for the retry: keep the backoff, only tell how much is waiting.
        if (d->spool) {
            if (Result<qint64> n = d->spool->unsyncedCount(); n && *n != d->status.pending) {
                d->status.pending = *n;
                publish();
            }
        }
        return;
    }
    if (!d->timer->isActive() || d->timer->remainingTime() > 0)
        scheduleRun(0);
}

void LineSync::stop()
{
    d->stopped = true;
    d->started = false; // start() again opens both stores anew
    d->timer->stop();
    d->line.reset();
    d->spool.reset();
}

void LineSync::scheduleRun(int delayMs)
{
    if (d->stopped)
        return;
    d->timer->start(std::max(0, delayMs));
}

Status LineSync::ensureLine()
{
    if (d->line)
        return {};
    Result<std::unique_ptr<RecordStore>> line = RecordStore::openPostgres(d->config);
    if (!line)
        return line.error();
    d->line = std::move(*line);
    qCInfo(lcProvRecordSync) << "connected to the line record" << d->line->path();
    return {};
}

void LineSync::run()
{
    if (d->stopped)
        return;
    if (!d->spool) {
        RecordOpenOptions reader;
        reader.recoverInterrupted = false; // the attempts in progress belong to the station's writer
        Result<std::unique_ptr<RecordStore>> spool = RecordStore::openSqlite(d->spoolPath, reader);
        if (!spool) {
            qCWarning(lcProvRecordSync)
                << "cannot open the spool" << d->spoolPath << errorCodeName(spool.error().code);
            d->status.lastError = spool.error();
            d->offline = true;
            publish();
            scheduleRun(d->retryMs);
            d->retryMs = std::min(d->retryMs * 2, d->options.retryMaxMs);
            return;
        }
        d->spool = std::move(*spool);
    }
    bool more = false;
    const Status s = syncChunk(&more);
    if (!s) {
        if (!d->offline || !d->status.lastError || d->status.lastError->detail != s.error().detail)
            qCWarning(lcProvRecordSync)
                << "line record offline:" << s.error().detail << "- retry in" << d->retryMs << "ms";
        // A broken connection is reopened on the next try (the server may have restarted).
        d->line.reset();
        d->status.online = false;
        d->status.lastError = s.error();
        d->offline = true;
        if (Result<qint64> n = d->spool ? d->spool->unsyncedCount() : Result<qint64>(qint64(-1)); n)
            d->status.pending = *n;
        publish();
        scheduleRun(d->retryMs);
        d->retryMs = std::min(d->retryMs * 2, d->options.retryMaxMs);
        return;
    }
    if (d->offline)
        qCInfo(lcProvRecordSync) << "line record back online";
    d->offline = false;
    d->retryMs = d->options.retryMinMs;
    d->status.online = true;
    d->status.lastError.reset();
    publish();
    if (more) {
        scheduleRun(0); // the next chunk after the event loop has had its turn
        return;
    }
    Q_EMIT idle();
    scheduleRun(d->options.pollMs);
}

Status LineSync::syncChunk(bool *more)
{
    *more = false;
    Result<QList<SpoolBatch>> batches = d->spool->unsyncedBatches(d->options.chunk);
    if (!batches)
        return batches.error();
    Result<QList<SpoolAttempt>> attempts = d->spool->unsyncedAttempts(d->options.chunk);
    if (!attempts)
        return attempts.error();
    if (!batches->isEmpty() || !attempts->isEmpty()) {
        if (Status s = ensureLine(); !s)
            return s;
        QList<BatchInfo> batchRows;
        batchRows.reserve(batches->size());
        for (const SpoolBatch &b : std::as_const(*batches))
            batchRows.append(b.batch);
        QList<ProvisioningRecord> records;
        records.reserve(attempts->size());
        for (const SpoolAttempt &a : std::as_const(*attempts))
            records.append(a.record);
        // Batches and attempts in separate transactions: each is idempotent, and an attempt never
        // needs its batch row (attempts name batches by id).
        if (Status s = d->line->upsertBatches(batchRows); !s)
            return s;
        Result<int> changed = d->line->upsertRecords(records);
        if (!changed)
            return changed.error();
        // Committed on the server. A crash from here to the mark only repeats this push, which
        // changes nothing there.
        if (Status s = d->spool->markSynced(*attempts, *batches); !s)
            return s;
        d->status.syncedThisRun += attempts->size();
        d->status.lastSyncMs = QDateTime::currentMSecsSinceEpoch();
        qCDebug(lcProvRecordSync) << "pushed" << attempts->size() << "attempts," << *changed
                                  << "changed on the line," << batches->size() << "batches";
        *more = attempts->size() >= d->options.chunk || batches->size() >= d->options.chunk;
    } else if (!d->line) {
        // Nothing to push: still find out whether the line record is there, for the status.
        if (Status s = ensureLine(); !s)
            return s;
    }
    Result<qint64> pending = d->spool->unsyncedCount();
    if (!pending)
        return pending.error();
    d->status.pending = *pending;
    return {};
}

void LineSync::publish()
{
    Q_EMIT statusChanged(d->status);
}

Result<RecordStore *> LineSync::lineStore()
{
    if (Status s = ensureLine(); !s)
        return s.error();
    return d->line.get();
}

void LineSync::dropLine()
{
    d->line.reset();
}

namespace {

// One read of the line record's store once `opened` (ensureLine()) succeeded; a failed read may mean
// a broken connection, so the store is dropped and reopened on the next use.
template <typename Read>
auto readLine(const Status &opened, std::unique_ptr<RecordStore> &line, Read read) -> decltype(read(*line))
{
    if (!opened)
        return opened.error();
    auto result = read(*line);
    if (!result)
        line.reset();
    return result;
}

} // namespace

Result<QList<ProvisioningRecord>> LineSync::queryLine(const RecordFilter &filter)
{
    return readLine(ensureLine(), d->line, [&](RecordStore &line) { return line.query(filter); });
}

Result<qint64> LineSync::countLine(const RecordFilter &filter)
{
    return readLine(ensureLine(), d->line, [&](RecordStore &line) { return line.count(filter); });
}

Result<QStringList> LineSync::lineStations()
{
    return readLine(ensureLine(), d->line, [](RecordStore &line) { return line.stations(); });
}

DuplicateCheck LineSync::checkLine(
    const QString &serviceName, const QString &transport, const QString &address)
{
    DuplicateCheck answer;
    if (d->offline && d->status.lastError) {
        // Known to be down (the sync waits for its retry): do not wait for another connect timeout.
        answer.lineError = d->status.lastError;
    } else if (Status s = ensureLine(); !s) {
        answer.lineError = s.error();
    } else if (Result<QList<ProvisioningRecord>> line = d->line->provisionedAttempts(
                   serviceName, transport, address);
               line) {
        answer.provisioned = std::move(*line);
        answer.lineChecked = true;
    } else {
        answer.lineError = line.error();
        d->line.reset();
    }
    return answer;
}

DuplicateCheck LineSync::checkDuplicate(
    const QString &serviceName, const QString &transport, const QString &address)
{
    DuplicateCheck local;
    if (!d->spool) {
        RecordOpenOptions reader;
        reader.recoverInterrupted = false;
        if (Result<std::unique_ptr<RecordStore>> spool = RecordStore::openSqlite(d->spoolPath, reader); spool)
            d->spool = std::move(*spool);
    }
    if (d->spool) {
        Result<QList<ProvisioningRecord>> found = d->spool->provisionedAttempts(
            serviceName, transport, address);
        if (found)
            local.provisioned = std::move(*found);
        else
            local.lineError = found.error();
    }
    return mergeDuplicateChecks(local, checkLine(serviceName, transport, address));
}

DuplicateCheck mergeDuplicateChecks(const DuplicateCheck &local, const DuplicateCheck &line)
{
    DuplicateCheck answer;
    QSet<QString> seen;
    for (const QList<ProvisioningRecord> *found : { &local.provisioned, &line.provisioned }) {
        for (const ProvisioningRecord &r : *found) {
            if (!seen.contains(r.start.attemptId)) {
                seen.insert(r.start.attemptId);
                answer.provisioned.append(r);
            }
        }
    }
    std::sort(answer.provisioned.begin(), answer.provisioned.end(),
        [](const ProvisioningRecord &a, const ProvisioningRecord &b) {
            return a.start.startedAtMs > b.start.startedAtMs;
        });
    answer.lineChecked = line.lineChecked;
    answer.lineError = line.lineError ? line.lineError : local.lineError;
    return answer;
}

} // namespace prov
