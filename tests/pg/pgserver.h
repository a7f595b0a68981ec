// SPDX-License-Identifier: Apache-2.0
#pragma once

// A real PostgreSQL server for the line record tests (style guide, tests item 6): initdb into a
// temporary directory, pg_ctl start on an ephemeral port on 127.0.0.1 with its socket in that
// directory, a database "line" owned by a login role "station" whose password exists only in the
// PGPASSFILE this fixture writes. Run as root (CI), every server command runs as Debian's `postgres`
// user (runuser), because PostgreSQL refuses to run as root, and the directory is theirs.
//
// Authentication: TCP (every client of the tests) needs the password (scram-sha-256); the local
// socket in the directory trusts (the fixture's own admin commands through psql). So a test that
// connects through TCP proves the password came from the PGPASSFILE. The password never appears on
// a command line: initdb reads a pwfile, psql reads its SQL from stdin, clients read PGPASSFILE.
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace pgtest {

/// One PostgreSQL cluster in a temporary directory. Not copyable; stopped by PID in the destructor
/// (also when a test failed half-way), and by a watchdog shell when the test process dies without
/// it (killed by ctest's timeout, crashed), so no server outlives its test.
class PgServer
{
public:
    /// `durable`: the server flushes to disk (fsync on), for benchmarks. Off by default: the tests
    /// stop the server, never the machine, so no test relies on the flush, and crash recovery after
    /// `pg_ctl stop -m immediate` otherwise fsyncs the whole data directory (seconds on a busy disk).
    explicit PgServer(bool durable = false);
    ~PgServer();
    PgServer(const PgServer &) = delete;
    PgServer &operator=(const PgServer &) = delete;

    /// Why no server can be started here ("" when one can): the PostgreSQL binaries (initdb, pg_ctl,
    /// postgres, psql) not found, or running as root without a `postgres` user or `runuser`. Tests
    /// QSKIP with it, except under CI (the environment variable CI set), where they fail: CI
    /// installs PostgreSQL (scripts/deps.sh), so a skip there would hide a broken setup.
    static QString unavailableReason();
    /// The directory holding initdb, pg_ctl, postgres and psql: $PROV_PG_BINDIR, else the newest
    /// /usr/lib/postgresql/N/bin, else the directory of an initdb on PATH; "" when none.
    static QString binDir();

    /// initdb, start on a free port (retrying on a port taken in between), create the role and the
    /// database, write the PGPASSFILE. False with `error` (the command, its output and the server
    /// log's tail) on failure.
    bool start(QString *error);
    /// `pg_ctl stop -m immediate`: the server dies as in a power cut of the database host (no
    /// checkpoint), clients see their connections drop.
    bool stop(QString *error);
    /// Starts the stopped server again on the same data directory and port.
    bool restart(QString *error);
    /// SIGSTOP (`frozen` true) or SIGCONT the postmaster and its backends: a hung server, whose
    /// connections stay open and whose kernel still acknowledges TCP, but which answers nothing.
    /// The destructor thaws a frozen server before stopping it. False when not running.
    bool setFrozen(bool frozen);
    /// True while the postmaster of postmaster.pid is alive.
    bool isRunning() const;
    /// True while process `pid` exists and is not a zombie (a postmaster that exited is reparented
    /// and may linger as one until it is reaped).
    static bool processAlive(qint64 pid);

    /// "host=127.0.0.1 port=N dbname=DB user=station" (DB: `db`, "" = line): no password.
    QString connectionString(const QString &db = {}) const;
    /// Creates another database owned by the role (one per test, on one server per test program).
    bool createDatabase(const QString &name, QString *error) const;
    /// The PGPASSFILE for the role, any database of this server (mode 0600).
    QString passFile() const { return m_passFile; }
    /// The role's password, for tests that look for it where it must not be.
    QString password() const { return m_password; }
    QString user() const { return QStringLiteral("station"); }
    QString database() const { return QStringLiteral("line"); }
    int port() const { return m_port; }
    /// The temporary directory (socket, data/, server.log).
    QString directory() const;
    /// The postmaster's PID from postmaster.pid; 0 when none.
    qint64 pid() const;

    /// This process's environment with every libpq variable (PG*) removed and PGPASSFILE set: for
    /// child processes that connect to the server.
    QProcessEnvironment clientEnvironment() const;
    /// Same for this process (qputenv): in-process clients (RecordStore::openPostgres()).
    void applyClientEnvironment() const;

    /// Runs `sql` as the cluster's superuser on database `db` ("" = line) over the local socket
    /// (psql, SQL on stdin, unaligned, tab-separated). Returns the rows, one string per row; false
    /// with `error` on failure.
    bool psql(const QString &sql, QStringList *rows, QString *error, const QString &db = {}) const;
    /// The first column of the first row of `sql` on `db` ("" = line), or "" with `error` set.
    QString scalar(const QString &sql, QString *error = nullptr, const QString &db = {}) const;

    /// The server log so far.
    QByteArray serverLog() const;

private:
    bool runServerCommand(const QStringList &args, QString *error, int timeoutMs = 60000) const;
    bool startOnce(QString *error);
    void startWatchdog() const;
    void killByPid();

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_bin;
    QString m_passFile;
    QString m_password;
    int m_port = 0;
    bool m_asRoot = false;
    bool m_durable = false;
    bool m_frozen = false;
};

} // namespace pgtest
