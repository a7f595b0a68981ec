// SPDX-License-Identifier: Apache-2.0
// Stations as processes (pg-station-child: its own SQLite spool, a LineSync thread) against one real
// PostgreSQL (pgserver.h), with every attempt on the line exactly once, field by field equal to the
// spool that wrote it:
// - three stations writing 1,000 attempts each at once;
// - the server stopped (pg_ctl stop -m immediate) in the middle of a tray and started again: the
//   station keeps writing while the line is offline, then the backlog syncs once;
// - a station killed with SIGKILL in the middle of syncing a backlog of 2,000 attempts and started
//   again on the same spool, and killed again the same way before a last run;
// - a station killed in the middle of a device whose attempt in progress was synced: started again,
//   the line shows it Interrupted.
// No process prints the database password (it only ever is in the PGPASSFILE).
#include "linetesthelpers.h"
#include "pgserver.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/types.h>

using namespace prov;
using pgtest::PgServer;

namespace {

struct SyncReport
{
    bool online = false;
    qint64 pending = -1;
    qint64 synced = 0;
    QString error; ///< error code name, "" when none
    int written = 0; ///< W lines seen before this status
};

/// One pg-station-child process and what it printed.
class Station
{
public:
    Station(const PgServer &server, const QString &db, const QString &spool, const QString &name)
        : m_spool(spool)
        , m_name(name)
    {
        QProcessEnvironment env = server.clientEnvironment();
        env.insert(QStringLiteral("PROV_LINE_CONNECTION"), server.connectionString(db));
        m_process.setProcessEnvironment(env);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, [this] { readLines(); });
        QObject::connect(&m_process, &QProcess::readyReadStandardError,
            [this] { m_stderr += m_process.readAllStandardError(); });
    }
    ~Station()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    void start(int count, const QStringList &extra = {})
    {
        m_done = false;
        m_process.start(QStringLiteral(PG_STATION_CHILD),
            QStringList { QStringLiteral("--spool"), m_spool, QStringLiteral("--station"), m_name,
                QStringLiteral("--count"), QString::number(count) }
                + extra);
    }
    bool waitStarted() { return m_process.waitForStarted(10000); }
    void sigkill()
    {
        const qint64 pid = m_process.processId(); // 0 once it ended: kill(0) would hit our own group
        if (pid > 0)
            ::kill(pid_t(pid), SIGKILL);
        m_process.waitForFinished(10000);
        readLines();
    }
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    bool done() const { return m_done; }
    int exitCode() const { return m_process.exitCode(); }
    QProcess::ExitStatus exitStatus() const { return m_process.exitStatus(); }
    int written() const { return m_written; }
    QString heldAttempt() const { return m_held; }
    bool holding() const { return m_holding; }
    const QList<SyncReport> &reports() const { return m_reports; }
    const SyncReport lastReport() const { return m_reports.isEmpty() ? SyncReport() : m_reports.last(); }
    /// Everything the process printed (stdout and stderr).
    QByteArray output() const { return m_stdout + m_stderr; }
    /// Why it ended, for failure messages: exit status and code, the last lines it printed.
    QByteArray ending() const
    {
        return QByteArray("exit status ") + QByteArray::number(int(m_process.exitStatus())) + " code "
            + QByteArray::number(m_process.exitCode()) + "\n" + m_stdout.right(600) + "\n--- stderr ---\n"
            + m_stderr.right(1500);
    }
    QString spool() const { return m_spool; }

private:
    void readLines()
    {
        m_pending += m_process.readAllStandardOutput();
        qsizetype nl;
        while ((nl = m_pending.indexOf('\n')) >= 0) {
            const QByteArray line = m_pending.left(nl);
            m_pending.remove(0, nl + 1);
            m_stdout += line + '\n';
            const QList<QByteArray> f = line.split(' ');
            if (f.value(0) == "W") {
                m_written = f.value(1).toInt();
            } else if (f.value(0) == "S" && f.size() >= 5) {
                SyncReport r;
                r.online = f[1] == "1";
                r.pending = f[2].toLongLong();
                r.synced = f[3].toLongLong();
                r.error = f[4] == "-" ? QString() : QString::fromLatin1(f[4]);
                r.written = m_written;
                m_reports.append(r);
            } else if (f.value(0) == "DONE") {
                m_done = true;
            } else if (f.value(0) == "H") {
                m_held = QString::fromLatin1(f.value(1));
            } else if (f.value(0) == "HELD") {
                m_holding = true;
            }
        }
    }

    QString m_spool;
    QString m_name;
    QProcess m_process;
    QByteArray m_pending;
    QByteArray m_stdout;
    QByteArray m_stderr;
    QList<SyncReport> m_reports;
    int m_written = 0;
    bool m_done = false;
    QString m_held;
    bool m_holding = false;
};

} // namespace

class TestLineStations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void threeStationsWriteAtOnceNoneLostNoneDuplicated();
    void serverOutageMidTrayBacklogSyncsOnce();
    void stationKilledMidSyncEveryAttemptOnce();
    void stationKilledMidAttemptLineSeesItInterrupted();

private:
    QString freshDatabase();
    void checkNoPassword(const Station &station);

    std::unique_ptr<PgServer> m_server;
    QTemporaryDir m_dir { pgtest::spoolDirTemplate() };
    int m_databases = 0;
};

void TestLineStations::initTestCase()
{
    PGTEST_REQUIRE_POSTGRES();
    QVERIFY(m_dir.isValid());
    m_server = std::make_unique<PgServer>();
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_server->applyClientEnvironment(); // for this process's own reads of the line record
}

QString TestLineStations::freshDatabase()
{
    const QString name = QStringLiteral("line_%1").arg(++m_databases);
    QString error;
    if (!m_server->createDatabase(name, &error))
        qWarning("%s", qPrintable(error));
    return name;
}

void TestLineStations::checkNoPassword(const Station &station)
{
    QVERIFY(!station.output().isEmpty());
    QVERIFY2(
        !station.output().contains(m_server->password().toUtf8()), "the database password reached a log");
}

void TestLineStations::threeStationsWriteAtOnceNoneLostNoneDuplicated()
{
    const QString db = freshDatabase();
    constexpr int kAttempts = 1000;
    std::vector<std::unique_ptr<Station>> stations;
    for (const char *name : { "A", "B", "C" }) {
        stations.push_back(std::make_unique<Station>(*m_server, db,
            m_dir.filePath(QStringLiteral("three-%1.sqlite").arg(QLatin1String(name))),
            QString::fromLatin1(name)));
    }
    for (auto &s : stations)
        s->start(kAttempts);
    for (auto &s : stations)
        QVERIFY(s->waitStarted());
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(stations.begin(), stations.end(), [](auto &s) { return !s->running(); }), 120000);
    QStringList spools;
    qint64 synced = 0;
    for (auto &s : stations) {
        QVERIFY2(s->exitStatus() == QProcess::NormalExit && s->exitCode() == 0, s->ending().constData());
        QVERIFY(s->done());
        QCOMPARE(s->written(), kAttempts);
        // The stations synced while they wrote (several chunks), not once at the end.
        QVERIFY(s->reports().size() > 1);
        synced += s->lastReport().synced;
        spools << s->spool();
        checkNoPassword(*s);
    }
    QVERIFY(synced >= 3 * kAttempts); // repeated pushes (an attempt's later revisions) included

    pgtest::verifyLineHoldsSpools(*m_server, db, spools);
    QString error;
    QCOMPARE(m_server->scalar(QStringLiteral("SELECT COUNT(*) FROM attempts"), &error, db),
        QStringLiteral("3000"));
    QCOMPARE(
        m_server->scalar(QStringLiteral("SELECT string_agg(station || '=' || n, ',' ORDER BY station) FROM "
                                        "(SELECT station, COUNT(*) AS n FROM attempts GROUP BY station) s"),
            &error, db),
        QStringLiteral("A=1000,B=1000,C=1000"));
    // Phases and custom calls arrived once each (2 phases per attempt, a call on one in ten).
    QCOMPARE(
        m_server->scalar(QStringLiteral("SELECT COUNT(*) FROM phases"), &error, db), QStringLiteral("6000"));
    QCOMPARE(m_server->scalar(QStringLiteral("SELECT COUNT(*) FROM custom_calls"), &error, db),
        QStringLiteral("300"));
    // Each station's batch, ended, with its 1,000 devices.
    QCOMPARE(
        m_server->scalar(QStringLiteral("SELECT COUNT(*) || '/' || SUM(state) FROM batches"), &error, db),
        QStringLiteral("3/3"));
    QCOMPARE(m_server->scalar(QStringLiteral("SELECT COUNT(*) FROM batch_devices"), &error, db),
        QStringLiteral("3000"));
}

void TestLineStations::serverOutageMidTrayBacklogSyncsOnce()
{
    const QString db = freshDatabase();
    constexpr int kAttempts = 300;
    Station station(*m_server, db, m_dir.filePath(QStringLiteral("outage.sqlite")), QStringLiteral("outage"));
    station.start(kAttempts,
        { QStringLiteral("--delay-ms"), QStringLiteral("10"), QStringLiteral("--chunk"),
            QStringLiteral("50") });
    QVERIFY(station.waitStarted());
    // Online and syncing, with the tray under way.
    QTRY_VERIFY_WITH_TIMEOUT(
        station.written() >= 40 && station.lastReport().online && station.lastReport().synced > 0, 30000);
    QString error;
    QVERIFY2(m_server->stop(&error), qPrintable(error));
    const int writtenAtStop = station.written();
    const qsizetype reportsAtStop = station.reports().size();
    QVERIFY(writtenAtStop < kAttempts);

    // The station notices, and goes on writing into its spool while the line is offline.
    QTRY_VERIFY_WITH_TIMEOUT(!station.lastReport().online && station.lastReport().pending > 0, 15000);
    QCOMPARE(station.lastReport().error, QStringLiteral("storage_failed"));
    QTRY_VERIFY_WITH_TIMEOUT(station.written() >= writtenAtStop + 50 || !station.running(), 30000);
    QVERIFY(station.running());
    QVERIFY(!station.done());
    {
        auto spool = pgtest::openSpool(station.spool());
        QVERIFY(spool);
        QVERIFY(spool->count({}).value() >= writtenAtStop + 50);
        QVERIFY(spool->unsyncedCount().value() > 0);
    }
    // While down, every report says offline, and the pending count grew with the writes.
    qint64 maxPendingWhileDown = 0;
    for (qsizetype i = reportsAtStop; i < station.reports().size(); ++i) {
        const SyncReport &r = station.reports()[i];
        if (r.online)
            continue; // a chunk that committed just before the stop
        maxPendingWhileDown = std::max(maxPendingWhileDown, r.pending);
    }
    QVERIFY(maxPendingWhileDown > 0);

    QVERIFY2(m_server->restart(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(!station.running(), 60000);
    QVERIFY2(station.exitStatus() == QProcess::NormalExit && station.exitCode() == 0,
        station.ending().constData());
    QVERIFY(station.done());
    QCOMPARE(station.written(), kAttempts);
    QVERIFY(station.lastReport().online);
    checkNoPassword(station);
    pgtest::verifyLineHoldsSpools(*m_server, db, { station.spool() });
}

void TestLineStations::stationKilledMidSyncEveryAttemptOnce()
{
    const QString db = freshDatabase();
    constexpr int kAttempts = 2000;
    const QString spool = m_dir.filePath(QStringLiteral("killed.sqlite"));
    QString error;

    // The backlog: 2,000 attempts written with the server down.
    QVERIFY2(m_server->stop(&error), qPrintable(error));
    Station writer(*m_server, db, spool, QStringLiteral("killed"));
    writer.start(kAttempts, { QStringLiteral("--chunk"), QStringLiteral("100") });
    QVERIFY(writer.waitStarted());
    QTRY_VERIFY_WITH_TIMEOUT(writer.written() == kAttempts || !writer.running(), 90000);
    QVERIFY(writer.running());
    QTRY_VERIFY_WITH_TIMEOUT(!writer.lastReport().online && writer.lastReport().pending == kAttempts, 10000);

    // Up again: kill the station as soon as the first chunk has landed, twice over.
    QVERIFY2(m_server->restart(&error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(writer.lastReport().synced > 0 || !writer.running(), 30000);
    writer.sigkill();
    QCOMPARE(writer.exitStatus(), QProcess::CrashExit);
    checkNoPassword(writer);
    const qint64 onLine = m_server->scalar(QStringLiteral("SELECT COUNT(*) FROM attempts"), &error, db)
                              .toLongLong();
    QVERIFY2(onLine > 0 && onLine < kAttempts,
        qPrintable(QStringLiteral("%1 on the line at the kill").arg(onLine)));

    {
        // Started again on the same spool, and killed again as soon as it pushed a chunk.
        Station again(*m_server, db, spool, QStringLiteral("killed"));
        again.start(0, { QStringLiteral("--chunk"), QStringLiteral("100") });
        QVERIFY(again.waitStarted());
        QTRY_VERIFY_WITH_TIMEOUT(again.lastReport().synced > 0 || !again.running(), 30000);
        again.sigkill();
        checkNoPassword(again);
        const qint64 now = m_server->scalar(QStringLiteral("SELECT COUNT(*) FROM attempts"), &error, db)
                               .toLongLong();
        QVERIFY(now >= onLine);
    }

    Station last(*m_server, db, spool, QStringLiteral("killed"));
    last.start(0, { QStringLiteral("--chunk"), QStringLiteral("100") });
    QVERIFY(last.waitStarted());
    QTRY_VERIFY_WITH_TIMEOUT(!last.running(), 60000);
    QVERIFY2(last.exitStatus() == QProcess::NormalExit && last.exitCode() == 0, last.ending().constData());
    QVERIFY(last.done());
    checkNoPassword(last);
    pgtest::verifyLineHoldsSpools(*m_server, db, { spool });
    QCOMPARE(m_server->scalar(QStringLiteral("SELECT COUNT(*) FROM attempts"), &error, db),
        QString::number(kAttempts));
    QCOMPARE(m_server->scalar(QStringLiteral("SELECT COUNT(*) FROM phases"), &error, db),
        QString::number(2 * kAttempts));
}

void TestLineStations::stationKilledMidAttemptLineSeesItInterrupted()
{
    const QString db = freshDatabase();
    const QString spool = m_dir.filePath(QStringLiteral("held.sqlite"));
    QString error;
    Station station(*m_server, db, spool, QStringLiteral("held"));
    station.start(5, { QStringLiteral("--hold") });
    QVERIFY(station.waitStarted());
    // The attempt in progress reached the line as such (the spool is clean with it running).
    QTRY_VERIFY_WITH_TIMEOUT(station.holding() || !station.running(), 30000);
    QVERIFY2(station.holding(), station.ending().constData());
    const QString held = station.heldAttempt();
    QVERIFY(!held.isEmpty());
    const QString outcomeSql = QStringLiteral("SELECT outcome FROM attempts WHERE attempt_id = '%1'")
                                   .arg(held);
    QCOMPARE(m_server->scalar(outcomeSql, &error, db), QStringLiteral("0"));
    station.sigkill();
    QCOMPARE(station.exitStatus(), QProcess::CrashExit);

    // Started again: the spool turns it Interrupted, and the line follows (an attempt in progress
    // there takes the later revision), while the five ended ones stay as they were.
    Station again(*m_server, db, spool, QStringLiteral("held"));
    again.start(0);
    QVERIFY(again.waitStarted());
    QTRY_VERIFY_WITH_TIMEOUT(!again.running(), 30000);
    QVERIFY2(again.exitStatus() == QProcess::NormalExit && again.exitCode() == 0, again.ending().constData());
    QVERIFY(again.output().startsWith("O 1\n")); // one attempt turned Interrupted on open
    QCOMPARE(m_server->scalar(outcomeSql, &error, db), QString::number(int(RecordOutcome::Interrupted)));
    pgtest::verifyLineHoldsSpools(*m_server, db, { spool });
    QCOMPARE(
        m_server->scalar(QStringLiteral("SELECT COUNT(*) FROM attempts"), &error, db), QStringLiteral("6"));
    // The batch the station died in stays running on the line (it is offered for resumption).
    QCOMPARE(m_server->scalar(QStringLiteral("SELECT state FROM batches"), &error, db), QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(TestLineStations)
#include "tst_linestations.moc"
