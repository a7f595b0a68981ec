// SPDX-License-Identifier: Apache-2.0
// The PostgreSQL fixture itself (pgserver.h): a TCP client gets in with the PGPASSFILE and only with
// it, the server listens on 127.0.0.1 and its own socket directory only, runs as 'postgres' when the
// test runs as root, keeps its data and port across an immediate stop and a restart, and is gone
// (process and directory) when the fixture is destroyed.
#include "pgserver.h"

#include <QFile>
#include <QProcess>
#include <QTest>

#include <pwd.h>
#include <unistd.h>

using pgtest::PgServer;

namespace {

/// psql over TCP as the station role on `db` ("" = line), with `passFile` as PGPASSFILE and no
/// password prompt (-w).
/// Returns the exit code; `out` gets stdout and stderr.
int psqlOverTcp(
    const PgServer &server, const QString &passFile, const QString &sql, QString *out, const QString &db = {})
{
    QProcessEnvironment env = server.clientEnvironment();
    env.insert(QStringLiteral("PGPASSFILE"), passFile);
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(PgServer::binDir() + QStringLiteral("/psql"),
        { QStringLiteral("-X"), QStringLiteral("-w"), QStringLiteral("-A"), QStringLiteral("-t"),
            QStringLiteral("-d"), server.connectionString(db), QStringLiteral("-c"), sql });
    if (!p.waitForFinished(30000))
        return -1;
    *out = QString::fromLocal8Bit(p.readAll()).trimmed();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

bool alive(qint64 pid)
{
    return PgServer::processAlive(pid);
}

} // namespace

class TestPgServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void tcpLoginNeedsThePassFile();
    void listensOnLoopbackAndItsOwnSocketOnly();
    void keepsDataAndPortAcrossImmediateStop();
    void createsDatabasesForTheRole();
    // Last: destroys the server the others share.
    void destructorStopsTheServerByPid();

private:
    std::unique_ptr<PgServer> m_server;
};

void TestPgServer::initTestCase()
{
    const QString reason = PgServer::unavailableReason();
    if (!reason.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(qPrintable(reason));
        QSKIP(qPrintable(reason));
    }
    m_server = std::make_unique<PgServer>();
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    QVERIFY(m_server->isRunning());
}

void TestPgServer::tcpLoginNeedsThePassFile()
{
    const PgServer &server = *m_server;
    QVERIFY(!server.connectionString().contains(server.password()));
    QVERIFY(!server.connectionString().contains(QLatin1String("password")));
    QCOMPARE(QFile::permissions(server.passFile()) & 0x0077, QFileDevice::Permissions());

    QString out;
    QCOMPARE(psqlOverTcp(server, server.passFile(),
                 QStringLiteral("SELECT current_user || '@' || current_database()"), &out),
        0);
    QCOMPARE(out, QStringLiteral("station@line"));

    // An empty password file: the server asks for the password and the login fails.
    const QString empty = server.directory() + QStringLiteral("/empty.pgpass");
    {
        QFile f(empty);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    }
    QVERIFY(psqlOverTcp(server, empty, QStringLiteral("SELECT 1"), &out) != 0);
    QVERIFY2(out.contains(QLatin1String("password")), qPrintable(out));
}

void TestPgServer::listensOnLoopbackAndItsOwnSocketOnly()
{
    const PgServer &server = *m_server;
    QString error;
    QCOMPARE(server.scalar(QStringLiteral("SHOW listen_addresses"), &error), QStringLiteral("127.0.0.1"));
    QCOMPARE(server.scalar(QStringLiteral("SHOW port"), &error), QString::number(server.port()));
    QCOMPARE(server.scalar(QStringLiteral("SHOW unix_socket_directories"), &error), server.directory());
    QVERIFY(server.port() > 1024);

    // As root, the server runs as 'postgres' (PostgreSQL refuses root).
    QFile status(QStringLiteral("/proc/%1/status").arg(server.pid()));
    QVERIFY(status.open(QIODevice::ReadOnly));
    const QByteArray text = status.readAll();
    const qsizetype at = text.indexOf("\nUid:\t");
    QVERIFY(at >= 0);
    const uid_t uid = uid_t(text.mid(at + 6).split('\t').first().toUInt());
    if (::geteuid() == 0) {
        const passwd *pw = ::getpwnam("postgres");
        QVERIFY(pw);
        QCOMPARE(uid, pw->pw_uid);
    } else {
        QCOMPARE(uid, ::geteuid());
    }
}

void TestPgServer::keepsDataAndPortAcrossImmediateStop()
{
    PgServer &server = *m_server;
    QString error;
    QStringList rows;
    QVERIFY2(server.psql(QStringLiteral("CREATE TABLE kept (v INTEGER); INSERT INTO kept VALUES (42);"),
                 &rows, &error),
        qPrintable(error));
    const int port = server.port();
    const qint64 firstPid = server.pid();

    QVERIFY2(server.stop(&error), qPrintable(error));
    QVERIFY(!server.isRunning());
    QVERIFY(!alive(firstPid));
    QString out;
    QVERIFY(psqlOverTcp(server, server.passFile(), QStringLiteral("SELECT 1"), &out) != 0);

    QVERIFY2(server.restart(&error), qPrintable(error));
    QVERIFY(server.isRunning());
    QCOMPARE(server.port(), port);
    QVERIFY(server.pid() != firstPid);
    QCOMPARE(server.scalar(QStringLiteral("SELECT v FROM kept"), &error), QStringLiteral("42"));
    QCOMPARE(psqlOverTcp(server, server.passFile(), QStringLiteral("SELECT 7"), &out), 0);
    QCOMPARE(out, QStringLiteral("7"));
}

void TestPgServer::createsDatabasesForTheRole()
{
    const PgServer &server = *m_server;
    QString error;
    QVERIFY2(server.createDatabase(QStringLiteral("line_two"), &error), qPrintable(error));
    QVERIFY(server.connectionString(QStringLiteral("line_two")).contains(QLatin1String("dbname=line_two")));
    // The same PGPASSFILE serves every database of the server.
    QString out;
    QCOMPARE(psqlOverTcp(server, server.passFile(), QStringLiteral("SELECT current_database()"), &out,
                 QStringLiteral("line_two")),
        0);
    QCOMPARE(out, QStringLiteral("line_two"));
}

void TestPgServer::destructorStopsTheServerByPid()
{
    const qint64 pid = m_server->pid();
    const QString dir = m_server->directory();
    QVERIFY(alive(pid));
    m_server.reset();
    QTRY_VERIFY_WITH_TIMEOUT(!alive(pid), 5000);
    QVERIFY(!QFile::exists(dir));
}

QTEST_GUILESS_MAIN(TestPgServer)
#include "tst_pgserver.moc"
