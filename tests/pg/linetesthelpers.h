// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared by the line record tests: skipping without PostgreSQL, capturing this process's log, opening
// the line record and proving that it holds every spool's attempts exactly once, field by field.
#include "pgserver.h"
#include "prov/record.h"

#include "../record/recordtesthelpers.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QMutex>
#include <QSet>
#include <QTest>

#include <memory>

namespace pgtest {

/// In initTestCase(): skip without a PostgreSQL server, except under CI, which must have one.
#define PGTEST_REQUIRE_POSTGRES()                                                                            \
    do {                                                                                                     \
        const QString pgReason = pgtest::PgServer::unavailableReason();                                      \
        if (!pgReason.isEmpty()) {                                                                           \
            if (qEnvironmentVariableIsSet("CI"))                                                             \
                QFAIL(qPrintable(pgReason));                                                                 \
            QSKIP(qPrintable(pgReason));                                                                     \
        }                                                                                                    \
    } while (false)

/// Every message logged in this process from any thread after install() (and still printed as
/// before), for the checks that a secret never reaches a log.
class LogCapture
{
public:
    static void install()
    {
        QMutexLocker lock(&mutex());
        if (!previous())
            previous() = qInstallMessageHandler(&handle);
    }
    static QString text()
    {
        QMutexLocker lock(&mutex());
        return lines().join(QLatin1Char('\n'));
    }
    static qsizetype size()
    {
        QMutexLocker lock(&mutex());
        return lines().size();
    }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        {
            QMutexLocker lock(&mutex());
            lines().append(QString::fromLatin1(context.category ? context.category : "") + QLatin1String(": ")
                + message);
        }
        previous()(type, context, message);
    }
    static QMutex &mutex()
    {
        static QMutex m;
        return m;
    }
    static QStringList &lines()
    {
        static QStringList l;
        return l;
    }
    static QtMessageHandler &previous()
    {
        static QtMessageHandler h = nullptr;
        return h;
    }
};

/// A template for the spools' temporary directory: in /dev/shm when there is one. Every spool write
/// is an fsync'd SQLite transaction (synchronous=FULL), some 4 ms each on a busy virtual disk, and
/// the stations' 15,000 writes here test the sync, not the disk (tst_recordcrash tests the spool's
/// durability).
inline QString spoolDirTemplate()
{
    const QFileInfo shm(QStringLiteral("/dev/shm"));
    const QString base = shm.isDir() && shm.isWritable() ? shm.filePath() : QDir::tempPath();
    return base + QStringLiteral("/prov-line-spools-XXXXXX");
}

/// The line record on database `db` ("" = line) of `server`.
inline std::unique_ptr<prov::RecordStore> openLine(const PgServer &server, const QString &db = {})
{
    prov::LineRecordConfig config;
    config.connection = server.connectionString(db);
    config.connectTimeoutMs = 2000;
    auto opened = prov::RecordStore::openPostgres(config);
    if (!opened) {
        qWarning("openPostgres failed: %s", qPrintable(opened.error().toString()));
        return nullptr;
    }
    return std::move(*opened);
}

/// A second connection to a station's spool that changes nothing (no recovery of attempts in progress).
inline std::unique_ptr<prov::RecordStore> openSpool(const QString &path)
{
    auto opened = prov::RecordStore::openSqlite(path, prov::RecordOpenOptions { false });
    if (!opened) {
        qWarning("openSqlite failed: %s", qPrintable(opened.error().toString()));
        return nullptr;
    }
    return std::move(*opened);
}

/// The line record of `server` (database `db`) holds exactly the attempts of the spools at
/// `spoolPaths`: as many rows, every attempt id once (also counted in SQL, beside the store's own
/// read), every field, phase and custom call equal to the spool's; and every spool is clean.
inline void verifyLineHoldsSpools(const PgServer &server, const QString &db, const QStringList &spoolPaths)
{
    auto line = openLine(server, db);
    QVERIFY(line);
    auto lineRows = line->query({});
    QVERIFY2(lineRows, qPrintable(lineRows ? QString() : lineRows.error().toString()));
    QHash<QString, prov::ProvisioningRecord> onLine;
    for (const prov::ProvisioningRecord &r : *lineRows) {
        QVERIFY2(
            !onLine.contains(r.start.attemptId), qPrintable(QStringLiteral("twice: ") + r.start.attemptId));
        onLine.insert(r.start.attemptId, r);
    }

    qsizetype expected = 0;
    for (const QString &path : spoolPaths) {
        auto spool = openSpool(path);
        QVERIFY(spool);
        QCOMPARE(spool->unsyncedCount().value(), 0);
        auto rows = spool->query({});
        QVERIFY(rows);
        expected += rows->size();
        for (const prov::ProvisioningRecord &r : *rows) {
            const auto it = onLine.constFind(r.start.attemptId);
            QVERIFY2(it != onLine.constEnd(), qPrintable(QStringLiteral("lost: ") + r.start.attemptId));
            QString why;
            QVERIFY2(recordtest::sameRecord(*it, r, &why),
                qPrintable(QStringLiteral("%1 differs in %2").arg(r.start.attemptId, why)));
        }
    }
    QCOMPARE(qsizetype(onLine.size()), expected);

    QString error;
    QStringList sqlRows;
    QVERIFY2(server.psql(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT attempt_id) FROM attempts"),
                 &sqlRows, &error, db),
        qPrintable(error));
    QCOMPARE(sqlRows.value(0), QStringLiteral("%1\t%1").arg(expected));
}

} // namespace pgtest
