// SPDX-License-Identifier: Apache-2.0
// Line record benchmark (docs/performance.md, "Line record (PostgreSQL)"): a station's SQLite spool
// pushed by prov::LineSync to a real PostgreSQL (the tests' fixture, tests/pg/pgserver.h, with fsync
// on) on 127.0.0.1. A plain executable: it measures wall-clock times of whole runs.
//
//   bench_line_sync [--attempts N] [--latency-attempts N] [--chunk N]
//
// 1. Sync throughput: N attempts (default 10,000; 3 phases each) already in the spool, LineSync
//    started with the server up; the time until the spool is clean, and the steady rate between
//    the first and the last chunk (connection set-up excluded).
// 2. Backlog after an outage: LineSync running, the server stopped (pg_ctl stop -m immediate), N
//    attempts written into the spool meanwhile, the server started again; the time until the spool
//    is clean, split into the wait for the next retry (LineSync's back-off, default options) and
//    the push itself.
// 3. Write latency on the writing thread: M attempts (default 1,000) written call by call (begin,
//    device facts, two phases, finish: what a lane engine writes) into the spool, without LineSync,
//    with LineSync online and syncing them as they come, and with the server down (LineSync
//    retrying). Median / p99 / max per RecordStore call: the writer never waits on the server.
#include "prov/linesync.h"
#include "prov/record.h"

#include "benchrecords.h"
#include "pgserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QMutex>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace prov;

namespace {

QElapsedTimer g_clock;

struct StatusEvent
{
    qint64 atNs = 0; ///< g_clock
    LineSyncStatus status;
};

/// A LineSync on a thread of its own, as the workstation runs it; statuses are stamped on the
/// worker's thread as they are emitted.
class SyncWorker
{
public:
    SyncWorker(const QString &spool, const LineRecordConfig &config, LineSync::Options options)
    {
        m_sync = new LineSync(spool, config, options);
        m_sync->moveToThread(&m_thread);
        QObject::connect(
            m_sync, &LineSync::statusChanged, m_sync,
            [this](const LineSyncStatus &s) {
                QMutexLocker lock(&m_mutex);
                m_events.push_back({ g_clock.nsecsElapsed(), s });
            },
            Qt::DirectConnection);
        QObject::connect(&m_thread, &QThread::started, m_sync, &LineSync::start);
        m_thread.start();
    }
    ~SyncWorker()
    {
        QMetaObject::invokeMethod(
            m_sync,
            [this] {
                m_sync->stop();
                delete m_sync;
            },
            Qt::BlockingQueuedConnection);
        m_thread.quit();
        m_thread.wait();
    }
    void kick() { QMetaObject::invokeMethod(m_sync, &LineSync::kick, Qt::QueuedConnection); }
    std::vector<StatusEvent> events()
    {
        QMutexLocker lock(&m_mutex);
        return m_events;
    }

private:
    QThread m_thread;
    LineSync *m_sync = nullptr;
    QMutex m_mutex;
    std::vector<StatusEvent> m_events;
};

bool fail(const char *what, const QString &why)
{
    std::fprintf(stderr, "bench_line_sync: %s: %s\n", what, qPrintable(why));
    return false;
}

/// `count` complete attempts into the spool, 500 per transaction (the filling is not measured).
bool fillSpool(RecordStore &spool, int count, int idBase)
{
    const qint64 t0 = QDateTime::currentMSecsSinceEpoch() - qint64(count) * 5000;
    for (int i = 0; i < count; i += 500) {
        QList<ProvisioningRecord> chunk;
        for (int j = i; j < std::min(count, i + 500); ++j)
            chunk << benchrecords::makeRecord(idBase + j, t0 + qint64(j) * 5000);
        if (Status s = spool.insertRecords(chunk); !s)
            return fail("insertRecords", s.error().toString());
    }
    return true;
}

bool waitClean(RecordStore &spool, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        auto n = spool.unsyncedCount();
        if (n && *n == 0)
            return true;
        QThread::msleep(5);
    }
    return false;
}

/// A fresh database `bench_NAME` on the server and a fresh spool NAME.sqlite in `dir`.
std::unique_ptr<RecordStore> prepare(const pgtest::PgServer &server, const QString &dir, const QString &name)
{
    QString error;
    if (!server.createDatabase(QStringLiteral("bench_") + name, &error)) {
        fail("createdb", error);
        return nullptr;
    }
    auto opened = RecordStore::openSqlite(dir + QLatin1Char('/') + name + QStringLiteral(".sqlite"));
    if (!opened) {
        fail("openSqlite", opened.error().toString());
        return nullptr;
    }
    return std::move(*opened);
}

LineRecordConfig configFor(const pgtest::PgServer &server, const QString &db)
{
    LineRecordConfig c;
    c.connection = server.connectionString(db);
    return c;
}

double ms(qint64 ns)
{
    return double(ns) / 1e6;
}

void printLatency(const char *label, std::vector<qint64> ns)
{
    std::sort(ns.begin(), ns.end());
    const auto at = [&ns](double q) { return ns[std::min(ns.size() - 1, size_t(q * double(ns.size())))]; };
    std::printf("  %-34s %6zu writes: median %7.3f ms, p90 %7.3f ms, p99 %7.3f ms, max %8.3f ms\n", label,
        ns.size(), ms(at(0.5)), ms(at(0.9)), ms(at(0.99)), ms(ns.back()));
}

/// Writes `count` attempts call by call; returns each call's duration (ns).
std::vector<qint64> timedWrites(RecordStore &spool, int count, SyncWorker *worker)
{
    std::vector<qint64> ns;
    ns.reserve(size_t(count) * 5);
    QElapsedTimer t;
    auto timed = [&](auto &&write) {
        t.start();
        const Status s = write();
        ns.push_back(t.nsecsElapsed());
        if (!s)
            fail("write", s.error().toString());
    };
    for (int i = 0; i < count; ++i) {
        ProvisioningRecord r = benchrecords::makeRecord(i, QDateTime::currentMSecsSinceEpoch());
        r.start.attemptId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        timed([&] { return spool.begin(r.start); });
        timed([&] { return spool.setDeviceFacts(r.start.attemptId, r.device); });
        timed([&] { return spool.addPhase(r.start.attemptId, r.phases[0]); });
        timed([&] { return spool.addPhase(r.start.attemptId, r.phases[1]); });
        timed([&] { return spool.finish(r.start.attemptId, r.end); });
        if (worker)
            worker->kick();
    }
    return ns;
}

bool benchThroughput(pgtest::PgServer &server, const QString &dir, int attempts, int chunk)
{
    QString error;
    auto spool = prepare(server, dir, QStringLiteral("throughput"));
    if (!spool || !fillSpool(*spool, attempts, 0))
        return false;
    if (const auto unsynced = spool->unsyncedCount(); !unsynced || *unsynced != attempts)
        return fail("spool", QStringLiteral("not every attempt is unsynced"));
    LineSync::Options options;
    options.chunk = chunk;
    const qint64 t0 = g_clock.nsecsElapsed();
    SyncWorker worker(spool->path(), configFor(server, QStringLiteral("bench_throughput")), options);
    if (!waitClean(*spool, 600000))
        return fail("throughput", QStringLiteral("the spool did not get clean"));
    const qint64 t1 = g_clock.nsecsElapsed();
    const auto events = worker.events();
    // Chunks: statuses whose syncedThisRun grew.
    std::vector<std::pair<qint64, qint64>> chunks; // (at, synced)
    qint64 lastSynced = 0;
    for (const StatusEvent &e : events) {
        if (e.status.syncedThisRun > lastSynced) {
            chunks.push_back({ e.atNs, e.status.syncedThisRun });
            lastSynced = e.status.syncedThisRun;
        }
    }
    const QString onLine = server.scalar(
        QStringLiteral("SELECT COUNT(*) FROM attempts"), &error, QStringLiteral("bench_throughput"));
    std::printf("sync throughput: %d attempts already in the spool, chunk %d\n", attempts, chunk);
    std::printf("  start -> spool clean: %.0f ms = %.0f attempts/s end to end (on the server: %s rows)\n",
        ms(t1 - t0), attempts / (ms(t1 - t0) / 1000.0), qPrintable(onLine));
    if (chunks.size() >= 2) {
        const auto &[firstAt, firstSynced] = chunks.front();
        const auto &[lastAt, lastCount] = chunks.back();
        std::vector<qint64> gaps;
        for (size_t i = 1; i < chunks.size(); ++i)
            gaps.push_back(chunks[i].first - chunks[i - 1].first);
        std::sort(gaps.begin(), gaps.end());
        std::printf("  steady state (chunk 2..%zu): %.0f attempts/s; median chunk %.1f ms; first chunk after "
                    "%.0f ms\n",
            chunks.size(), double(lastCount - firstSynced) / (ms(lastAt - firstAt) / 1000.0),
            ms(gaps[gaps.size() / 2]), ms(firstAt - t0));
    }
    return true;
}

bool benchBacklog(pgtest::PgServer &server, const QString &dir, int attempts)
{
    QString error;
    auto spool = prepare(server, dir, QStringLiteral("backlog"));
    if (!spool)
        return false;
    const LineSync::Options options; // the defaults: chunk 250, retry 1 s doubling to 30 s
    SyncWorker worker(spool->path(), configFor(server, QStringLiteral("bench_backlog")), options);
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 10000 && (worker.events().empty() || !worker.events().back().status.online))
        QThread::msleep(10);
    if (!server.stop(&error))
        return fail("pg_ctl stop", error);
    const qint64 down = g_clock.nsecsElapsed();
    if (!fillSpool(*spool, attempts, 1'000'000))
        return false;
    worker.kick(); // the writer's kick: the worker notices the outage now, not at its next poll
    t.restart();
    while (t.elapsed() < 10000 && (worker.events().empty() || worker.events().back().status.online))
        QThread::msleep(10);
    if (!server.restart(&error))
        return fail("pg_ctl start", error);
    const qint64 up = g_clock.nsecsElapsed();
    if (!waitClean(*spool, 600000))
        return fail("backlog", QStringLiteral("the spool did not get clean"));
    const qint64 clean = g_clock.nsecsElapsed();
    qint64 firstOnline = 0;
    int failures = 0;
    for (const StatusEvent &e : worker.events()) {
        if (e.atNs > down && e.atNs < up && e.status.lastError)
            ++failures;
        if (e.atNs > up && e.status.online && !firstOnline)
            firstOnline = e.atNs;
    }
    const QString onLine = server.scalar(
        QStringLiteral("SELECT COUNT(*) FROM attempts"), &error, QStringLiteral("bench_backlog"));
    std::printf("backlog after an outage: %d attempts written while the server was down for %.1f s "
                "(%d failed tries, default back-off 1 s doubling to 30 s)\n",
        attempts, ms(up - down) / 1000.0, failures);
    std::printf("  server up -> spool clean: %.0f ms = next retry %.0f ms + push %.0f ms (%.0f attempts/s); "
                "on the server: %s rows\n",
        ms(clean - up), ms(firstOnline - up), ms(clean - firstOnline),
        attempts / (ms(clean - firstOnline) / 1000.0), qPrintable(onLine));
    return true;
}

bool benchLatency(pgtest::PgServer &server, const QString &dir, int attempts)
{
    QString error;
    auto spool = prepare(server, dir, QStringLiteral("latency"));
    if (!spool)
        return false;
    std::printf("write latency on the writing thread: %d attempts x 5 RecordStore calls each "
                "(begin, facts, 2 phases, finish)\n",
        attempts);
    printLatency("no line record (SQLite only)", timedWrites(*spool, attempts, nullptr));
    {
        LineSync::Options options;
        options.pollMs = 200;
        SyncWorker worker(spool->path(), configFor(server, QStringLiteral("bench_latency")), options);
        printLatency("LineSync online, syncing", timedWrites(*spool, attempts, &worker));
        const qint64 before = g_clock.nsecsElapsed();
        if (!waitClean(*spool, 120000))
            return fail("latency", QStringLiteral("the spool did not get clean"));
        std::printf("  (the line had every attempt %.0f ms after the last write)\n",
            ms(g_clock.nsecsElapsed() - before));
        if (!server.stop(&error))
            return fail("pg_ctl stop", error);
        printLatency("server down, LineSync retrying", timedWrites(*spool, attempts, &worker));
    }
    if (!server.restart(&error))
        return fail("pg_ctl start", error);
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    qRegisterMetaType<LineSyncStatus>();
    g_clock.start();
    QCommandLineParser parser;
    parser.addOptions({
        { QStringLiteral("attempts"), QStringLiteral("attempts for throughput and backlog"),
            QStringLiteral("n"), QStringLiteral("10000") },
        { QStringLiteral("latency-attempts"), QStringLiteral("attempts per latency run"), QStringLiteral("n"),
            QStringLiteral("1000") },
        { QStringLiteral("chunk"), QStringLiteral("LineSync chunk for the throughput run"),
            QStringLiteral("n"), QStringLiteral("250") },
    });
    parser.process(app);
    const int attempts = parser.value(QStringLiteral("attempts")).toInt();

    if (const QString reason = pgtest::PgServer::unavailableReason(); !reason.isEmpty()) {
        std::fprintf(stderr, "bench_line_sync: %s\n", qPrintable(reason));
        return 2;
    }
    pgtest::PgServer server(true);
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "bench_line_sync: %s\n", qPrintable(error));
        return 1;
    }
    server.applyClientEnvironment();
    QTemporaryDir spools;
    const QString dir = spools.path();
    // Quiet: the worker logs every outage and reconnect at info level.
    QLoggingCategory::setFilterRules(QStringLiteral("prov.record*.info=false"));
    QStringList rows;
    server.psql(QStringLiteral("SELECT version()"), &rows, &error, QStringLiteral("postgres"));
    std::printf("%s; PostgreSQL fsync on, 127.0.0.1; load average at start: ",
        qPrintable(rows.value(0).section(QLatin1Char(','), 0, 0)));
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    std::printf("%s\n", loadavg.open(QIODevice::ReadOnly) ? loadavg.readAll().trimmed().constData() : "?");

    const bool ok = benchThroughput(server, dir, attempts, parser.value(QStringLiteral("chunk")).toInt())
        && benchBacklog(server, dir, attempts)
        && benchLatency(server, dir, parser.value(QStringLiteral("latency-attempts")).toInt());
    return ok ? 0 : 1;
}
