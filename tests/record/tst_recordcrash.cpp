// SPDX-License-Identifier: Apache-2.0
// Crash safety of the record store: record-crash-child writes attempts and is killed with SIGKILL
// at random points (during open, between steps, inside commits). After each kill the store is
// reopened: the file passes integrity_check, every row is complete (each field equals what the
// child derived from the attempt id, or is still unset), nothing the child reported as committed
// is missing, and the attempt left running becomes Interrupted and is counted.
#include "prov/record.h"

#include "crashchildfields.h"

#include <QElapsedTimer>
#include <QHash>
#include <QLoggingCategory>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>
#include <sys/types.h>

using namespace prov;

namespace {

struct Reported
{
    bool begun = false;
    bool facts = false;
    int phases = 0;
    bool call = false;
    bool finished = false;
};

bool sameStart(const AttemptStart &a, const AttemptStart &b)
{
    return a.attemptId == b.attemptId && a.startedAtMs == b.startedAtMs && a.station == b.station
        && a.operatorName == b.operatorName && a.serviceName == b.serviceName && a.transport == b.transport
        && a.address == b.address;
}

} // namespace

class TestRecordCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyCommittedStepSurvivesSigkill();

private:
    void parseLines(const QByteArray &out, int *steps);
    void verify(int run, int interruptedOnOpen, const QList<ProvisioningRecord> &records);

    QHash<QString, Reported> m_reported;
};

void TestRecordCrash::initTestCase()
{
    // One "marked 1 unfinished attempts as interrupted" line per kill is noise here.
    QLoggingCategory::setFilterRules(QStringLiteral("prov.record.info=false"));
}

void TestRecordCrash::parseLines(const QByteArray &out, int *steps)
{
    for (const QByteArray &line : out.split('\n')) {
        const QList<QByteArray> parts = line.trimmed().split(' ');
        if (parts.size() < 2 || parts[0] == "O")
            continue;
        const QString id = QString::fromLatin1(parts[1]);
        Reported &r = m_reported[id];
        if (parts[0] == "B")
            r.begun = true;
        else if (parts[0] == "D")
            r.facts = true;
        else if (parts[0] == "P" && parts.size() == 3)
            r.phases = parts[2].toInt();
        else if (parts[0] == "C")
            r.call = true;
        else if (parts[0] == "F")
            r.finished = true;
        if (steps)
            ++*steps;
    }
}

void TestRecordCrash::verify(int run, int interruptedOnOpen, const QList<ProvisioningRecord> &records)
{
    QHash<QString, const ProvisioningRecord *> byId;
    int interruptedThisRun = 0;
    const QString runPrefix = QStringLiteral("run%1-").arg(run);
    for (const ProvisioningRecord &r : records) {
        const QString &id = r.start.attemptId;
        QVERIFY2(!byId.contains(id), qPrintable(id));
        byId.insert(id, &r);
        // Complete start fields: the row was inserted whole.
        QVERIFY2(sameStart(r.start, crashchild::start(id)), qPrintable(id));
        // Device facts: unset or complete.
        const DeviceFacts f = crashchild::facts(id);
        const bool factsSet = r.device.secVer != -1;
        if (factsSet) {
            QCOMPARE(r.device.protoVerJson, f.protoVerJson);
            QCOMPARE(r.device.firmwareVersion, f.firmwareVersion);
            QCOMPARE(r.device.secPatchVer, f.secPatchVer);
        } else {
            QVERIFY(r.device.protoVerJson.isEmpty());
            QVERIFY(r.device.firmwareVersion.isEmpty());
        }
        // Phases: a prefix of what the child writes, in order.
        QVERIFY(r.phases.size() <= crashchild::kPhases);
        for (int n = 0; n < r.phases.size(); ++n) {
            QCOMPARE(r.phases[n].phase, crashchild::phase(n).phase);
            QCOMPARE(r.phases[n].durationMs, crashchild::phase(n).durationMs);
        }
        QVERIFY(r.customCalls.size() <= 1);
        if (r.customCalls.size() == 1) {
            const CustomCallEntry c = crashchild::call(id);
            QCOMPARE(r.customCalls[0].request, c.request);
            QCOMPARE(r.customCalls[0].response, c.response);
            QCOMPARE(r.customCalls[0].requestBytes, c.requestBytes);
        }
        QVERIFY2(r.end.outcome != RecordOutcome::InProgress, qPrintable(id));
        if (r.end.outcome == RecordOutcome::Interrupted) {
            QCOMPARE(r.end.finishedAtMs, 0);
            QVERIFY(r.end.ssid.isEmpty());
            if (id.startsWith(runPrefix))
                ++interruptedThisRun;
        } else {
            const AttemptEnd e = crashchild::end(id);
            QCOMPARE(r.end.outcome, e.outcome);
            QCOMPARE(r.end.finishedAtMs, e.finishedAtMs);
            QCOMPARE(r.end.ssid, e.ssid);
            QCOMPARE(r.end.failureCode, e.failureCode);
            QCOMPARE(r.end.failureDetail, e.failureDetail);
            // The child finishes only after all other steps.
            QVERIFY(factsSet);
            QCOMPARE(r.phases.size(), crashchild::kPhases);
            QCOMPARE(r.customCalls.size(), 1);
        }
    }
    // The child runs one attempt at a time: at most one was left running, and reopening counted it.
    QVERIFY(interruptedThisRun <= 1);
    QCOMPARE(interruptedOnOpen, interruptedThisRun);

    // Nothing reported as committed is missing.
    for (auto it = m_reported.cbegin(); it != m_reported.cend(); ++it) {
        const ProvisioningRecord *r = byId.value(it.key());
        QVERIFY2(r, qPrintable(QStringLiteral("committed attempt %1 lost").arg(it.key())));
        if (it->facts)
            QVERIFY(r->device.secVer != -1);
        QVERIFY(r->phases.size() >= it->phases);
        if (it->call)
            QCOMPARE(r->customCalls.size(), 1);
        if (it->finished)
            QVERIFY(r->end.outcome != RecordOutcome::Interrupted);
    }
}

void TestRecordCrash::everyCommittedStepSurvivesSigkill()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("crash.sqlite"));
    const quint32 seed = QRandomGenerator::global()->generate();
    qInfo("random seed %u", seed);
    QRandomGenerator rng(seed);
    const int stepsPerAttempt = 3 + crashchild::kPhases + 1;

    QElapsedTimer budget;
    budget.start();
    int runs = 0;
    int killedMidAttempt = 0;
    // As many kills as fit in ~8 s (at least 10, at most 150), so the test stays fast on a loaded machine.
    for (int run = 0; run < 150 && (run < 10 || budget.elapsed() < 8000); ++run, ++runs) {
        QProcess child;
        child.setProcessChannelMode(QProcess::SeparateChannels);
        child.start(QStringLiteral(RECORD_CRASH_CHILD), { path, QString::number(run) });
        QVERIFY2(child.waitForStarted(5000), qPrintable(child.errorString()));

        // Kill after a random number of reported steps; 0 kills it while it opens the store.
        const int killAfter = rng.bounded(0, 3 * stepsPerAttempt);
        QByteArray out;
        int steps = 0;
        QElapsedTimer waited;
        waited.start();
        while (steps < killAfter) {
            QVERIFY2(child.state() == QProcess::Running,
                qPrintable(QString::fromLocal8Bit(child.readAllStandardError())));
            QVERIFY2(waited.elapsed() < 20000, "child made no progress");
            child.waitForReadyRead(100);
            out += child.readAllStandardOutput();
            steps = int(out.count("\n")) - (out.startsWith("O ") ? 1 : 0);
        }
        // Jitter, so the kill lands anywhere in the next step (often inside its commit's fsync).
        QThread::usleep(rng.bounded(0, 4000));
        ::kill(pid_t(child.processId()), SIGKILL);
        QVERIFY(child.waitForFinished(5000));
        QCOMPARE(child.exitStatus(), QProcess::CrashExit);
        out += child.readAllStandardOutput();
        int parsed = 0;
        parseLines(out, &parsed);
        const Reported *last = nullptr;
        for (auto it = m_reported.cbegin(); it != m_reported.cend(); ++it) {
            if (it.key().startsWith(QStringLiteral("run%1-").arg(run)) && !it->finished)
                last = &*it;
        }
        if (last)
            ++killedMidAttempt;

        auto store = RecordStore::openSqlite(path);
        QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
        auto records = (*store)->query({});
        QVERIFY(records);
        verify(run, (*store)->interruptedOnOpen(), *records);
        if (QTest::currentTestFailed()) {
            qWarning("failed after run %d (killed after %d steps)", run, killAfter);
            return;
        }
        store.value().reset();

        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
            QVERIFY(q.exec(QStringLiteral("PRAGMA foreign_key_check")));
            QVERIFY(!q.next());
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
    }
    qInfo("%d kills, %d of them with an attempt running, %lld attempts reported", runs, killedMidAttempt,
        qint64(m_reported.size()));
    QVERIFY(runs >= 10);
    // The random kill points did hit running attempts (else the test proved little).
    QVERIFY(killedMidAttempt > 0);
}

QTEST_GUILESS_MAIN(TestRecordCrash)
#include "tst_recordcrash.moc"
