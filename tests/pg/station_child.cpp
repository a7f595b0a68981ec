// SPDX-License-Identifier: Apache-2.0
// One station of the line record tests, as its own process: opens its SQLite spool, runs a
// prov::LineSync on a thread of its own against the line's PostgreSQL, writes N complete attempts
// (stationattempts.h: in one batch, through StoreRecordSink, ids made by the sink), optionally with
// a delay between attempts, then waits until the spool is clean. The connection string comes from
// --connection or $PROV_LINE_CONNECTION; it has no password (libpq reads PGPASSFILE).
//
//   pg-station-child --spool FILE --station NAME --count N [--delay-ms MS] [--chunk N]
//                    [--retry-max-ms MS] [--sync-timeout-ms MS] [--connection STR] [--hold]
//
// --hold: after the N attempts, begin one more (begin, device facts) and never finish it: once the
// spool is clean (that attempt synced in progress), say HELD and wait to be killed, as a station
// that dies in the middle of a device.
//
// stdout, one line each, flushed at once (the tests react to them):
//   O <interrupted on open>
//   B <batch id>                                    the batch the attempts are queued in (count > 0)
//   W <n> <attempt id>                              attempt n (1-based) finished in the spool
//   S <online 0|1> <pending> <synced this run> <error code name or -> [detail]   statusChanged()
//   H <attempt id>                                  the held attempt begun (--hold)
//   DONE written=N synced=M ms=T                    the spool is clean; exit 0
//   HELD                                            the spool is clean with the held attempt (--hold)
//   TIMEOUT pending=N                               not clean after --sync-timeout-ms; exit 3
//   TIMEOUT held                                    --hold and not killed by then; exit 4
#include "prov/linesync.h"
#include "prov/record.h"
#include "prov/recordsink.h"

#include "stationattempts.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QThread>
#include <QTimer>
#include <QUuid>

#include <cstdio>

namespace {

void say(const QString &line)
{
    std::fputs(qPrintable(line + QLatin1Char('\n')), stdout);
    std::fflush(stdout);
}

void pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    qRegisterMetaType<prov::LineSyncStatus>();

    QCommandLineParser parser;
    parser.addOptions({
        { QStringLiteral("spool"), QStringLiteral("station's SQLite record"), QStringLiteral("file") },
        { QStringLiteral("station"), QStringLiteral("station name"), QStringLiteral("name") },
        { QStringLiteral("count"), QStringLiteral("attempts to write"), QStringLiteral("n"),
            QStringLiteral("0") },
        { QStringLiteral("delay-ms"), QStringLiteral("pause after each attempt"), QStringLiteral("ms"),
            QStringLiteral("0") },
        { QStringLiteral("chunk"), QStringLiteral("attempts per server transaction"), QStringLiteral("n"),
            QStringLiteral("250") },
        { QStringLiteral("retry-max-ms"), QStringLiteral("longest retry interval"), QStringLiteral("ms"),
            QStringLiteral("500") },
        { QStringLiteral("sync-timeout-ms"), QStringLiteral("how long to wait for a clean spool"),
            QStringLiteral("ms"), QStringLiteral("60000") },
        { QStringLiteral("connection"),
            QStringLiteral("libpq connection string (default $PROV_LINE_CONNECTION)"),
            QStringLiteral("str") },
        { QStringLiteral("hold"), QStringLiteral("leave one more attempt running and wait to be killed") },
    });
    parser.process(app);
    const QString spoolPath = parser.value(QStringLiteral("spool"));
    const QString station = parser.value(QStringLiteral("station"));
    const int count = parser.value(QStringLiteral("count")).toInt();
    const int delayMs = parser.value(QStringLiteral("delay-ms")).toInt();
    prov::LineRecordConfig config;
    config.connection = parser.isSet(QStringLiteral("connection"))
        ? parser.value(QStringLiteral("connection"))
        : qEnvironmentVariable("PROV_LINE_CONNECTION");
    config.connectTimeoutMs = 2000;
    if (spoolPath.isEmpty() || station.isEmpty() || !config.isConfigured()) {
        std::fprintf(stderr, "pg-station-child: --spool, --station and a connection are required\n");
        return 2;
    }

    auto opened = prov::RecordStore::openSqlite(spoolPath);
    if (!opened) {
        std::fprintf(stderr, "open failed: %s\n", qPrintable(opened.error().toString()));
        return 1;
    }
    prov::RecordStore &spool = **opened;
    say(QStringLiteral("O %1").arg(spool.interruptedOnOpen()));

    prov::LineSync::Options options;
    options.chunk = parser.value(QStringLiteral("chunk")).toInt();
    options.pollMs = 200;
    options.retryMinMs = 100;
    options.retryMaxMs = parser.value(QStringLiteral("retry-max-ms")).toInt();
    QThread worker;
    auto *sync = new prov::LineSync(spoolPath, config, options);
    sync->moveToThread(&worker);
    prov::LineSyncStatus last;
    last.pending = -1;
    QObject::connect(sync, &prov::LineSync::statusChanged, &app, [&last](const prov::LineSyncStatus &s) {
        last = s;
        say(QStringLiteral("S %1 %2 %3 %4 %5")
                .arg(s.online ? 1 : 0)
                .arg(s.pending)
                .arg(s.syncedThisRun)
                .arg(s.lastError ? prov::errorCodeName(s.lastError->code) : QStringLiteral("-"),
                    s.lastError ? s.lastError->detail.simplified() : QString()));
    });
    QObject::connect(&worker, &QThread::started, sync, &prov::LineSync::start);
    worker.start();

    QElapsedTimer elapsed;
    elapsed.start();
    prov::StoreRecordSink sink(&spool);
    const QString batchId = count > 0 ? QUuid::createUuid().toString(QUuid::WithoutBraces) : QString();
    if (count > 0) {
        sink.beginBatch({ batchId, 0, station, QStringLiteral("op-") + station, QStringLiteral("lamp-eu"),
            QStringLiteral("1.2"), QByteArray(R"({"id":"lamp-eu","version":"1.2"})"), 4 });
        say(QStringLiteral("B %1").arg(batchId));
    }
    int rc = 0;
    for (int seq = 0; seq < count && rc == 0; ++seq) {
        const QString id = pgtest::writeStationAttempt(sink, station, seq, batchId);
        if (id.isEmpty() || sink.lastError()) {
            std::fprintf(stderr, "write failed: %s\n",
                sink.lastError() ? qPrintable(sink.lastError()->toString()) : "no attempt id");
            rc = 1;
            break;
        }
        say(QStringLiteral("W %1 %2").arg(seq + 1).arg(id));
        QMetaObject::invokeMethod(sync, &prov::LineSync::kick, Qt::QueuedConnection);
        if (delayMs > 0)
            pause(delayMs);
        else
            QCoreApplication::processEvents();
    }
    const bool hold = parser.isSet(QStringLiteral("hold"));
    if (hold && rc == 0) {
        const QString id = sink.beginAttempt(pgtest::stationAttemptStart(station, count, batchId));
        sink.recordFacts(id, { QStringLiteral("{}"), QStringLiteral("1.0.0"), 2, 1 });
        say(QStringLiteral("H %1").arg(id));
    } else if (count > 0 && rc == 0) {
        sink.finishBatch(batchId, prov::BatchState::Finished, 0);
    }
    QMetaObject::invokeMethod(sync, &prov::LineSync::kick, Qt::QueuedConnection);

    // Clean when both agree: the worker says pending 0 and the spool itself has nothing unsynced.
    QDeadlineTimer deadline(parser.value(QStringLiteral("sync-timeout-ms")).toInt());
    while (rc == 0) {
        pause(20);
        const auto unsynced = spool.unsyncedCount();
        if (last.pending == 0 && unsynced && *unsynced == 0 && hold) {
            say(QStringLiteral("HELD"));
            pause(int(deadline.remainingTime())); // until killed
            say(QStringLiteral("TIMEOUT held"));
            rc = 4;
            break;
        }
        if (last.pending == 0 && unsynced && *unsynced == 0) {
            say(QStringLiteral("DONE written=%1 synced=%2 ms=%3")
                    .arg(count)
                    .arg(last.syncedThisRun)
                    .arg(elapsed.elapsed()));
            break;
        }
        if (deadline.hasExpired()) {
            say(QStringLiteral("TIMEOUT pending=%1").arg(unsynced ? *unsynced : -1));
            rc = 3;
            break;
        }
    }
    QMetaObject::invokeMethod(
        sync,
        [sync] {
            sync->stop();
            delete sync;
        },
        Qt::BlockingQueuedConnection);
    worker.quit();
    worker.wait();
    return rc;
}
