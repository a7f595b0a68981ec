// SPDX-License-Identifier: Apache-2.0
#include "records/recordlog.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QPointer>
#include <QSaveFile>
#include <QThread>
#include <QTimer>

#include <QUuid>
#include <memory>
#include <utility>

Q_LOGGING_CATEGORY(lcRecords, "prov.workstation.records", QtInfoMsg)

/// Lives on the worker thread and owns the store there. Only the tasks posted by RecordLog touch it.
class RecordLogWorker : public QObject
{
public:
    std::unique_ptr<prov::RecordStore> store;

    prov::Error notOpen() const
    {
        return prov::makeError(
            prov::ErrorCode::StorageFailed, QStringLiteral("the record store is not open"));
    }
};

namespace {

void registerMetaTypes()
{
    static const bool done = [] {
        qRegisterMetaType<prov::ProvisioningRecord>();
        qRegisterMetaType<QList<prov::ProvisioningRecord>>();
        qRegisterMetaType<prov::RecordFilter>();
        qRegisterMetaType<prov::BatchInfo>();
        qRegisterMetaType<QList<prov::BatchInfo>>();
        qRegisterMetaType<prov::Error>();
        qRegisterMetaType<prov::Status>();
        qRegisterMetaType<prov::LineSyncStatus>();
        qRegisterMetaType<prov::DuplicateCheck>();
        return true;
    }();
    Q_UNUSED(done);
}

} // namespace

RecordLog::RecordLog(QObject *parent)
    : QObject(parent)
    , m_thread(new QThread)
    , m_worker(new RecordLogWorker)
{
    registerMetaTypes();
    m_lineStatus.pending = -1;
    m_thread->setObjectName(QStringLiteral("RecordLog"));
    m_worker->moveToThread(m_thread);
    m_thread->start();
    // Every write that landed in the spool wakes the sync (coalesced there).
    auto kick = [this] {
        if (m_lineSync)
            QMetaObject::invokeMethod(m_lineSync, &prov::LineSync::kick, Qt::QueuedConnection);
    };
    connect(this, &RecordLog::recordChanged, this, kick);
    // check()'s answers (a queued signal: the Pending ends from the event loop).
    connect(this, &RecordLog::duplicateChecked, this, [this](quint64 id, const prov::DuplicateCheck &answer) {
        if (auto it = m_duplicatePromises.find(id); it != m_duplicatePromises.end()) {
            const prov::Promise<prov::DuplicateCheck> promise = *it;
            m_duplicatePromises.erase(it);
            promise.finish(answer);
        }
    });
    connect(this, &RecordLog::batchChanged, this, kick);
}

RecordLog::~RecordLog()
{
    stopLineSync(true);
    for (const QPointer<QThread> &retiring : std::as_const(m_retiringThreads)) {
        if (retiring)
            waitForSyncThread(retiring.data());
    }
    // Posted after every queued task, so they all run first (drain); the store closes on its thread.
    RecordLogWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker] {
            worker->store.reset();
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

template <typename F> void RecordLog::post(F &&task)
{
    RecordLogWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, task = std::forward<F>(task)]() mutable { task(*worker); }, Qt::QueuedConnection);
}

void RecordLog::open(const QString &sqlitePath)
{
    // A line record set before the first open, or a spool that moves to another file.
    const bool restartSync = m_lineConfig.isConfigured() && (m_lineSync == nullptr || sqlitePath != m_path);
    m_path = sqlitePath;
    if (restartSync) {
        // The spool is the store: the sync follows it to the new file (after the open below).
        const prov::LineRecordConfig config = m_lineConfig;
        stopLineSync();
        m_lineConfig = {};
        QMetaObject::invokeMethod(
            this, [this, config] { setLineRecord(config); }, Qt::QueuedConnection);
    }
    post([this, sqlitePath](RecordLogWorker &w) {
        w.store.reset();
        auto store = prov::RecordStore::openSqlite(sqlitePath);
        prov::Status status;
        int interrupted = 0;
        if (store) {
            w.store = std::move(store.value());
            interrupted = w.store->interruptedOnOpen();
        } else {
            status = store.error();
            qCWarning(lcRecords) << "cannot open the record store:" << store.error().toString();
        }
        QMetaObject::invokeMethod(this, [this, status, interrupted] {
            m_interruptedOnOpen = status ? interrupted : 0;
            Q_EMIT opened(status);
        });
    });
}

QString RecordLog::begin(prov::AttemptStart start)
{
    if (start.attemptId.isEmpty())
        start.attemptId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (start.startedAtMs == 0)
        start.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    const QString id = start.attemptId;
    post([this, start](RecordLogWorker &w) {
        const prov::Status s = w.store ? w.store->begin(start) : prov::Status(w.notOpen());
        if (s)
            QMetaObject::invokeMethod(this, [this, id = start.attemptId] { Q_EMIT recordChanged(id); });
        else
            reportWriteFailure(start.attemptId, s.error());
    });
    return id;
}

void RecordLog::setDeviceFacts(const QString &attemptId, const prov::DeviceFacts &facts)
{
    post([this, attemptId, facts](RecordLogWorker &w) {
        const prov::Status s = w.store ? w.store->setDeviceFacts(attemptId, facts)
                                       : prov::Status(w.notOpen());
        reportWrite(attemptId, s);
    });
}

void RecordLog::addPhase(const QString &attemptId, const QString &phase, qint64 durationMs)
{
    post([this, attemptId, phase, durationMs](RecordLogWorker &w) {
        const prov::Status s = w.store
            ? w.store->addPhase(attemptId, prov::PhaseDuration { phase, durationMs })
            : prov::Status(w.notOpen());
        reportWrite(attemptId, s);
    });
}

void RecordLog::addCustomCall(const QString &attemptId, const prov::CustomCallEntry &call)
{
    post([this, attemptId, call](RecordLogWorker &w) {
        const prov::Status s = w.store ? w.store->addCustomCall(attemptId, call) : prov::Status(w.notOpen());
        reportWrite(attemptId, s);
    });
}

void RecordLog::finish(const QString &attemptId, const prov::AttemptEnd &end)
{
    prov::AttemptEnd e = end;
    if (e.finishedAtMs == 0)
        e.finishedAtMs = QDateTime::currentMSecsSinceEpoch();
    post([this, attemptId, e](RecordLogWorker &w) {
        const prov::Status s = w.store ? w.store->finish(attemptId, e) : prov::Status(w.notOpen());
        reportWrite(attemptId, s);
    });
}

void RecordLog::beginBatch(const prov::BatchStart &start)
{
    prov::BatchStart b = start;
    if (b.startedAtMs == 0)
        b.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    post([this, b](RecordLogWorker &w) {
        reportBatchWrite(b.batchId, w.store ? w.store->beginBatch(b) : prov::Status(w.notOpen()));
    });
}

void RecordLog::addBatchDevice(const prov::BatchDevice &device)
{
    post([this, device](RecordLogWorker &w) {
        reportBatchWrite(
            device.batchId, w.store ? w.store->addBatchDevice(device) : prov::Status(w.notOpen()));
    });
}

void RecordLog::finishBatch(const QString &batchId, prov::BatchState state, qint64 finishedAtMs)
{
    const qint64 at = finishedAtMs != 0 ? finishedAtMs : QDateTime::currentMSecsSinceEpoch();
    post([this, batchId, state, at](RecordLogWorker &w) {
        reportBatchWrite(
            batchId, w.store ? w.store->finishBatch(batchId, state, at) : prov::Status(w.notOpen()));
    });
}

QString RecordLog::path() const
{
    return m_path;
}

int RecordLog::interruptedOnOpen() const
{
    return m_interruptedOnOpen;
}

void RecordLog::setLineRecord(const prov::LineRecordConfig &config)
{
    if (config.connection == m_lineConfig.connection
        && config.connectTimeoutMs == m_lineConfig.connectTimeoutMs
        && (m_lineSync != nullptr) == config.isConfigured())
        return;
    stopLineSync();
    m_lineConfig = config;
    m_lineStatus = prov::LineSyncStatus {};
    m_lineStatus.pending = -1;
    if (config.isConfigured()) {
        if (const prov::Status checked = prov::checkLineConnection(config.connection); !checked) {
            // Not started: the status says why (the check names keywords, never values).
            m_lineStatus.lastError = checked.error();
            qCWarning(lcRecords) << "line record not started:" << checked.error().detail;
            Q_EMIT lineStatusChanged(m_lineStatus);
            return;
        }
    }
    if (config.isConfigured() && !m_path.isEmpty()) {
        m_lineThread = new QThread;
        m_lineThread->setObjectName(QStringLiteral("LineSync"));
        m_lineSync = new prov::LineSync(m_path, config);
        m_lineSync->moveToThread(m_lineThread);
        connect(m_lineSync, &prov::LineSync::statusChanged, this, [this](const prov::LineSyncStatus &status) {
            m_lineStatus = status;
            Q_EMIT lineStatusChanged(status);
        });
        m_lineThread->start();
        // Behind the store's open(): the spool's schema exists and interrupted attempts are marked.
        // Back on this thread, and only if this very worker still runs (it may have been stopped
        // and deleted while the open was under way).
        const quint64 generation = ++m_lineGeneration;
        post([this, generation](RecordLogWorker &) {
            QMetaObject::invokeMethod(
                this,
                [this, generation] {
                    if (generation == m_lineGeneration && m_lineSync)
                        QMetaObject::invokeMethod(m_lineSync, &prov::LineSync::start, Qt::QueuedConnection);
                },
                Qt::QueuedConnection);
        });
        qCInfo(lcRecords) << "line record:" << prov::maskLineConnection(config.connection);
    }
    Q_EMIT lineStatusChanged(m_lineStatus);
}

void RecordLog::stopLineSync(bool wait)
{
    if (!m_lineSync)
        return;
    prov::LineSync *sync = m_lineSync;
    QThread *thread = m_lineThread;
    m_lineSync = nullptr;
    m_lineThread = nullptr;
    sync->disconnect(this);
    // A chunk in flight completes first; the connections close on their thread.
    QMetaObject::invokeMethod(
        sync,
        [sync] {
            sync->stop();
            delete sync;
            QThread::currentThread()->quit();
        },
        Qt::QueuedConnection);
    if (wait) {
        waitForSyncThread(thread);
    } else {
        // The GUI does not wait for a server that is slow to answer: the old worker ends on its own
        // (a push it repeats meanwhile is idempotent).
        connect(thread, &QThread::finished, thread, &QObject::deleteLater);
        m_retiringThreads.append(thread);
    }
}

void RecordLog::waitForSyncThread(QThread *thread)
{
    // A server that holds the connection without answering must not hold the workstation's exit:
    // after the deadline the thread is left to the process's end (it only holds its connections).
    if (thread->wait(QDeadlineTimer(kSyncStopWaitMs))) {
        delete thread;
        return;
    }
    thread->disconnect();
    qCWarning(lcRecords) << "the line record sync did not stop within" << kSyncStopWaitMs
                         << "ms (the server does not answer); leaving it";
}

template <typename F> void RecordLog::postRead(RecordScope scope, F &&task)
{
    if (scope == RecordScope::Station) {
        post(
            [task = std::forward<F>(task)](RecordLogWorker &w) mutable { task(w.store.get(), w.notOpen()); });
        return;
    }
    if (!m_lineSync) {
        post([task = std::forward<F>(task)](RecordLogWorker &) mutable {
            task(nullptr,
                prov::makeError(
                    prov::ErrorCode::StorageFailed, QStringLiteral("no line record is configured")));
        });
        return;
    }
    prov::LineSync *sync = m_lineSync;
    QMetaObject::invokeMethod(
        sync,
        [sync, task = std::forward<F>(task)]() mutable {
            prov::Result<prov::RecordStore *> line = sync->lineStore();
            if (line)
                task(*line, prov::Error {});
            else
                task(nullptr, line.error());
        },
        Qt::QueuedConnection);
}

quint64 RecordLog::requestQuery(const prov::RecordFilter &filter, bool withCount, RecordScope scope)
{
    const quint64 id = m_nextRequestId++;
    postRead(
        scope, [this, id, filter, withCount](const prov::RecordStore *store, const prov::Error &whyNone) {
            QList<prov::ProvisioningRecord> records;
            qint64 total = -1;
            prov::Status status;
            if (!store) {
                status = whyNone;
            } else {
                auto r = store->query(filter);
                if (!r) {
                    status = r.error();
                } else {
                    records = std::move(r.value());
                    if (withCount) {
                        auto c = store->count(filter);
                        if (c) {
                            total = *c;
                        } else {
                            status = c.error();
                            records.clear();
                        }
                    }
                }
            }
            QMetaObject::invokeMethod(this, [this, id, records = std::move(records), total, status] {
                Q_EMIT queryFinished(id, records, total, status);
            });
        });
    return id;
}

quint64 RecordLog::requestRecord(const QString &attemptId, RecordScope scope)
{
    const quint64 id = m_nextRequestId++;
    postRead(scope, [this, id, attemptId](const prov::RecordStore *store, const prov::Error &whyNone) {
        prov::ProvisioningRecord record;
        prov::Status status;
        if (!store) {
            status = whyNone;
        } else {
            auto r = store->record(attemptId);
            if (r)
                record = std::move(r.value());
            else
                status = r.error();
        }
        QMetaObject::invokeMethod(this,
            [this, id, record = std::move(record), status] { Q_EMIT recordFetched(id, record, status); });
    });
    return id;
}

quint64 RecordLog::requestExport(
    const prov::RecordFilter &filter, ExportFormat format, const QString &filePath, RecordScope scope)
{
    const quint64 id = m_nextRequestId++;
    postRead(scope,
        [this, id, filter, format, filePath](const prov::RecordStore *store, const prov::Error &whyNone) {
            qint64 rows = 0;
            prov::Status status;
            auto fail = [&status](const prov::Error &e) { status = e; };
            if (!store) {
                fail(whyNone);
            } else if (auto r = store->query(filter); !r) {
                fail(r.error());
            } else {
                // QSaveFile: a failed or interrupted export never leaves a truncated file behind.
                QSaveFile file(filePath);
                if (!file.open(QIODevice::WriteOnly)) {
                    fail(prov::makeError(prov::ErrorCode::StorageFailed,
                        QStringLiteral("cannot create %1: %2").arg(filePath, file.errorString())));
                } else {
                    const prov::Status s = format == ExportFormat::Csv ? prov::exportCsv(*r, file)
                                                                       : prov::exportJson(*r, file);
                    if (!s) {
                        file.cancelWriting();
                        fail(s.error());
                    } else if (!file.commit()) {
                        fail(prov::makeError(prov::ErrorCode::StorageFailed,
                            QStringLiteral("cannot write %1: %2").arg(filePath, file.errorString())));
                    } else {
                        rows = r->size();
                    }
                }
            }
            if (status)
                qCInfo(lcRecords) << "exported" << rows << "records to" << filePath;
            else
                qCWarning(lcRecords) << "export failed:" << status.error().toString();
            QMetaObject::invokeMethod(
                this, [this, id, rows, status] { Q_EMIT exportFinished(id, rows, status); });
        });
    return id;
}

quint64 RecordLog::requestStations(RecordScope scope)
{
    const quint64 id = m_nextRequestId++;
    postRead(scope, [this, id](const prov::RecordStore *store, const prov::Error &whyNone) {
        QStringList stations;
        prov::Status status;
        if (!store) {
            status = whyNone;
        } else if (auto r = store->stations(); r) {
            stations = std::move(r.value());
        } else {
            status = r.error();
        }
        QMetaObject::invokeMethod(this, [this, id, stations = std::move(stations), status] {
            Q_EMIT stationsFetched(id, stations, status);
        });
    });
    return id;
}

quint64 RecordLog::requestDuplicateCheck(
    const QString &serviceName, const QString &transport, const QString &address)
{
    const quint64 id = m_nextRequestId++;
    // This station's record first, on the worker: after every write queued before this call, and
    // never behind the server.
    post([this, id, serviceName, transport, address](RecordLogWorker &w) {
        prov::DuplicateCheck local;
        if (!w.store) {
            local.lineError = w.notOpen();
        } else if (auto r = w.store->provisionedAttempts(serviceName, transport, address); r) {
            local.provisioned = std::move(r.value());
        } else {
            local.lineError = r.error();
        }
        QMetaObject::invokeMethod(this, [this, id, local, serviceName, transport, address] {
            askLine(id, local, serviceName, transport, address);
        });
    });
    return id;
}

void RecordLog::askLine(quint64 id, const prov::DuplicateCheck &local, const QString &serviceName,
    const QString &transport, const QString &address)
{
    if (!m_lineSync) {
        Q_EMIT duplicateChecked(id, local); // no line record: this station's answer is the answer
        return;
    }
    // The line's half on the sync thread, which may be busy with a push or waiting on the server:
    // whichever comes first, its answer or the budget, is delivered (once).
    auto delivered = std::make_shared<bool>(false);
    QTimer::singleShot(kLineCheckBudgetMs, this, [this, id, local, delivered] {
        if (std::exchange(*delivered, true))
            return;
        prov::DuplicateCheck answer = local;
        answer.lineChecked = false;
        answer.lineError = prov::makeError(prov::ErrorCode::Timeout,
            QStringLiteral("the line record did not answer within %1 ms").arg(kLineCheckBudgetMs));
        Q_EMIT duplicateChecked(id, answer);
    });
    prov::LineSync *sync = m_lineSync;
    QMetaObject::invokeMethod(
        sync,
        [this, sync, id, local, delivered, serviceName, transport, address] {
            const prov::DuplicateCheck line = sync->checkLine(serviceName, transport, address);
            QMetaObject::invokeMethod(this, [this, id, local, line, delivered] {
                if (!std::exchange(*delivered, true))
                    Q_EMIT duplicateChecked(id, prov::mergeDuplicateChecks(local, line));
            });
        },
        Qt::QueuedConnection);
}

prov::Pending<prov::DuplicateCheck> *RecordLog::check(
    const QString &serviceName, const QString &transport, const QString &address)
{
    prov::Promise<prov::DuplicateCheck> promise(this);
    m_duplicatePromises.insert(requestDuplicateCheck(serviceName, transport, address), promise);
    return promise.pending();
}

quint64 RecordLog::requestUnfinishedBatches()
{
    const quint64 id = m_nextRequestId++;
    post([this, id](RecordLogWorker &w) {
        QList<prov::BatchInfo> batches;
        prov::Status status;
        if (!w.store) {
            status = w.notOpen();
        } else if (auto r = w.store->unfinishedBatches(); r) {
            batches = std::move(r.value());
        } else {
            status = r.error();
        }
        QMetaObject::invokeMethod(this, [this, id, batches = std::move(batches), status] {
            Q_EMIT unfinishedBatchesFetched(id, batches, status);
        });
    });
    return id;
}

quint64 RecordLog::requestBatchResume(const QString &batchId)
{
    const quint64 id = m_nextRequestId++;
    post([this, id, batchId](RecordLogWorker &w) {
        prov::BatchResume resume;
        prov::Status status;
        if (!w.store) {
            status = w.notOpen();
        } else if (auto r = prov::readBatchResume(*w.store, batchId); r) {
            resume = std::move(r.value());
        } else {
            status = r.error();
        }
        QMetaObject::invokeMethod(this, [this, id, resume = std::move(resume), status] {
            Q_EMIT batchResumeFetched(id, resume, status);
        });
    });
    return id;
}

quint64 RecordLog::requestDrain()
{
    const quint64 id = m_nextRequestId++;
    post([this, id](
             RecordLogWorker &) { QMetaObject::invokeMethod(this, [this, id] { Q_EMIT drained(id); }); });
    return id;
}

// Worker thread.
void RecordLog::reportWrite(const QString &attemptId, const prov::Status &status)
{
    if (status)
        QMetaObject::invokeMethod(this, [this, attemptId] { Q_EMIT recordChanged(attemptId); });
    else
        reportWriteFailure(attemptId, status.error());
}

// Worker thread.
void RecordLog::reportWriteFailure(const QString &attemptId, const prov::Error &error)
{
    // Error details name attempt ids and driver text only (never field values).
    qCWarning(lcRecords) << "record write for attempt" << attemptId << "failed:" << error.toString();
    QMetaObject::invokeMethod(this, [this, error] { Q_EMIT storageFailed(error); });
}

// Worker thread.
void RecordLog::reportBatchWrite(const QString &batchId, const prov::Status &status)
{
    if (status) {
        QMetaObject::invokeMethod(this, [this, batchId] { Q_EMIT batchChanged(batchId); });
        return;
    }
    qCWarning(lcRecords) << "record write for batch" << batchId << "failed:" << status.error().toString();
    QMetaObject::invokeMethod(this, [this, error = status.error()] { Q_EMIT storageFailed(error); });
}
