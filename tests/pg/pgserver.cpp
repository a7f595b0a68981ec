// SPDX-License-Identifier: Apache-2.0
// PgServer: a throw-away PostgreSQL cluster for the line record tests (see pgserver.h).
#include "pgserver.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

namespace pgtest {

namespace {

constexpr int kStartAttempts = 5; // ports tried when the one picked was taken in between
const QString kAdmin = QStringLiteral("prov_admin"); // the cluster's superuser (local socket only)

bool isExecutable(const QString &path)
{
    const QFileInfo fi(path);
    return fi.isFile() && fi.isExecutable();
}

bool hasServerBinaries(const QString &dir)
{
    for (const char *tool : { "initdb", "pg_ctl", "postgres", "psql" }) {
        if (!isExecutable(dir + QLatin1Char('/') + QLatin1String(tool)))
            return false;
    }
    return true;
}

QString randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    for (char &c : raw)
        c = char(QRandomGenerator::system()->bounded(256));
    return QString::fromLatin1(raw.toHex());
}

/// A port nobody listens on right now (the kernel's pick); the caller retries if it is taken
/// before the server binds it.
int freeLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    const int port = probe.serverPort();
    probe.close();
    return port;
}

} // namespace

bool PgServer::processAlive(qint64 pid)
{
    if (pid <= 0 || ::kill(pid_t(pid), 0) != 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray line = stat.readAll();
    const qsizetype close = line.lastIndexOf(')');
    return close < 0 || line.mid(close + 2, 1) != "Z";
}

namespace {

bool waitGone(qint64 pid, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (PgServer::processAlive(pid)) {
        if (deadline.hasExpired())
            return false;
        QThread::msleep(20);
    }
    return true;
}

QProcessEnvironment withoutLibpqVariables(QProcessEnvironment env)
{
    for (const QString &key : env.keys()) {
        if (key.startsWith(QLatin1String("PG")))
            env.remove(key);
    }
    return env;
}

bool writePrivateFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    if (!f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
        return false;
    return f.write(content) == content.size() && f.flush();
}

} // namespace

PgServer::PgServer(bool durable)
    : m_bin(binDir())
    , m_asRoot(::geteuid() == 0)
    , m_durable(durable)
{ }

PgServer::~PgServer()
{
    killByPid();
}

QString PgServer::binDir()
{
    const QString fromEnv = qEnvironmentVariable("PROV_PG_BINDIR");
    if (!fromEnv.isEmpty())
        return hasServerBinaries(fromEnv) ? fromEnv : QString();
    QDir versions(QStringLiteral("/usr/lib/postgresql"));
    QStringList names = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(
        names.begin(), names.end(), [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
    for (const QString &v : names) {
        const QString dir = versions.filePath(v + QStringLiteral("/bin"));
        if (hasServerBinaries(dir))
            return dir;
    }
    const QString initdb = QStandardPaths::findExecutable(QStringLiteral("initdb"));
    if (!initdb.isEmpty() && hasServerBinaries(QFileInfo(initdb).absolutePath()))
        return QFileInfo(initdb).absolutePath();
    return {};
}

QString PgServer::unavailableReason()
{
    if (binDir().isEmpty())
        return QStringLiteral("PostgreSQL server binaries not found (initdb, pg_ctl, postgres, psql: Debian "
                              "package postgresql, installed by scripts/deps.sh; or set PROV_PG_BINDIR)");
    if (::geteuid() == 0) {
        if (!::getpwnam("postgres"))
            return QStringLiteral("running as root without a 'postgres' user: PostgreSQL refuses to run as "
                                  "root (Debian's postgresql package creates the user)");
        if (QStandardPaths::findExecutable(QStringLiteral("runuser")).isEmpty()
            && !isExecutable(QStringLiteral("/usr/sbin/runuser"))
            && !isExecutable(QStringLiteral("/sbin/runuser")))
            return QStringLiteral(
                "running as root without runuser (util-linux) to start PostgreSQL as 'postgres'");
    }
    return {};
}

QString PgServer::directory() const
{
    return m_dir ? m_dir->path() : QString();
}

qint64 PgServer::pid() const
{
    if (!m_dir)
        return 0;
    QFile f(m_dir->filePath(QStringLiteral("data/postmaster.pid")));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    return f.readLine().trimmed().toLongLong();
}

bool PgServer::isRunning() const
{
    return processAlive(pid());
}

QString PgServer::connectionString(const QString &db) const
{
    return QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=%3")
        .arg(m_port)
        .arg(db.isEmpty() ? database() : db, user());
}

bool PgServer::createDatabase(const QString &name, QString *error) const
{
    return psql(QStringLiteral("CREATE DATABASE %1 OWNER %2;\n").arg(name, user()), nullptr, error,
        QStringLiteral("postgres"));
}

QProcessEnvironment PgServer::clientEnvironment() const
{
    QProcessEnvironment env = withoutLibpqVariables(QProcessEnvironment::systemEnvironment());
    env.insert(QStringLiteral("PGPASSFILE"), m_passFile);
    return env;
}

void PgServer::applyClientEnvironment() const
{
    for (const QString &key : QProcessEnvironment::systemEnvironment().keys()) {
        if (key.startsWith(QLatin1String("PG")))
            qunsetenv(key.toLocal8Bit().constData());
    }
    qputenv("PGPASSFILE", QFile::encodeName(m_passFile));
}

QByteArray PgServer::serverLog() const
{
    if (!m_dir)
        return {};
    QFile f(m_dir->filePath(QStringLiteral("server.log")));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool PgServer::runServerCommand(const QStringList &args, QString *error, int timeoutMs) const
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setWorkingDirectory(m_dir->path()); // the postgres user may not enter the caller's directory
    QProcessEnvironment env = withoutLibpqVariables(QProcessEnvironment::systemEnvironment());
    env.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    p.setProcessEnvironment(env);
    QStringList argv = args;
    argv[0] = m_bin + QLatin1Char('/') + argv[0];
    if (m_asRoot) {
        argv = QStringList { QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--") } + argv;
        p.start(QStringLiteral("runuser"), argv);
    } else {
        const QString program = argv.takeFirst();
        p.start(program, argv);
    }
    const bool ok = p.waitForStarted(10000) && p.waitForFinished(timeoutMs)
        && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    if (!ok && error) {
        QByteArray log = serverLog();
        if (log.size() > 2000)
            log = log.right(2000);
        *error = QStringLiteral("%1 failed (%2): %3\n--- server.log (tail) ---\n%4")
                     .arg(args.join(QLatin1Char(' ')), p.errorString(), QString::fromLocal8Bit(p.readAll()),
                         QString::fromLocal8Bit(log));
    }
    if (p.state() != QProcess::NotRunning) {
        p.kill();
        p.waitForFinished(5000);
    }
    return ok;
}

bool PgServer::start(QString *error)
{
    if (m_dir) {
        *error = QStringLiteral("PgServer::start() called twice");
        return false;
    }
    // As root the directory must be reachable by 'postgres': /tmp is, a TMPDIR under /root is not.
    // The socket path (DIR/.s.PGSQL.NNNNN) must also stay under the 107 bytes of sockaddr_un.
    QString base = m_asRoot ? QStringLiteral("/tmp") : QDir::tempPath();
    if (base.size() > 60)
        base = QStringLiteral("/tmp");
    m_dir = std::make_unique<QTemporaryDir>(base + QStringLiteral("/prov-pg-XXXXXX"));
    if (!m_dir->isValid()) {
        *error = QStringLiteral("cannot create a temporary directory under %1: %2")
                     .arg(base, m_dir->errorString());
        return false;
    }
    const QString dir = m_dir->path();
    startWatchdog();
    if (m_asRoot) {
        const passwd *pw = ::getpwnam("postgres");
        if (!pw || ::chown(QFile::encodeName(dir).constData(), pw->pw_uid, pw->pw_gid) != 0) {
            *error = QStringLiteral("cannot hand %1 to the postgres user").arg(dir);
            return false;
        }
    }

    // The superuser's password exists only in this file, for initdb, and is gone before the server
    // starts: the fixture administers through the trusted local socket.
    const QString adminPwFile = m_dir->filePath(QStringLiteral("admin.pw"));
    if (!writePrivateFile(adminPwFile, randomHex(16).toLatin1() + '\n')) {
        *error = QStringLiteral("cannot write %1").arg(adminPwFile);
        return false;
    }
    if (m_asRoot) {
        const passwd *pw = ::getpwnam("postgres");
        if (::chown(QFile::encodeName(adminPwFile).constData(), pw->pw_uid, pw->pw_gid) != 0) {
            *error = QStringLiteral("cannot hand %1 to the postgres user").arg(adminPwFile);
            return false;
        }
    }
    const bool initialised = runServerCommand(
        { QStringLiteral("initdb"), QStringLiteral("-D"), m_dir->filePath(QStringLiteral("data")),
            QStringLiteral("-U"), kAdmin, QStringLiteral("--pwfile=") + adminPwFile,
            QStringLiteral("--auth-local=trust"), QStringLiteral("--auth-host=scram-sha-256"),
            QStringLiteral("-E"), QStringLiteral("UTF8"), QStringLiteral("--locale=C"),
            QStringLiteral("--no-sync"), QStringLiteral("--no-instructions") },
        error);
    QFile::remove(adminPwFile);
    if (!initialised)
        return false;

    bool started = false;
    for (int i = 0; i < kStartAttempts && !started; ++i) {
        m_port = freeLoopbackPort();
        if (m_port == 0) {
            *error = QStringLiteral("no free port on 127.0.0.1");
            return false;
        }
        started = startOnce(error);
        if (!started && !serverLog().contains("could not bind"))
            return false;
    }
    if (!started)
        return false;

    m_password = randomHex(16);
    m_passFile = m_dir->filePath(QStringLiteral("client.pgpass"));
    // The role's password travels on psql's stdin, never on a command line.
    QStringList rows;
    if (!psql(QStringLiteral("CREATE ROLE %1 LOGIN PASSWORD '%2';\nCREATE DATABASE %3 OWNER %1;\n")
                  .arg(user(), m_password, database()),
            &rows, error, QStringLiteral("postgres")))
        return false;
    if (!writePrivateFile(m_passFile,
            QStringLiteral("127.0.0.1:%1:*:%2:%3\n").arg(m_port).arg(user(), m_password).toUtf8())) {
        *error = QStringLiteral("cannot write %1").arg(m_passFile);
        return false;
    }
    return true;
}

bool PgServer::startOnce(QString *error)
{
    const QString dir = m_dir->path();
    if (dir.contains(QLatin1Char(' ')) || dir.contains(QLatin1Char('\''))) {
        *error = QStringLiteral("the temporary directory %1 has characters pg_ctl -o cannot pass").arg(dir);
        return false;
    }
    const bool ok = runServerCommand(
        { QStringLiteral("pg_ctl"), QStringLiteral("start"), QStringLiteral("-w"), QStringLiteral("-t"),
            QStringLiteral("60"), QStringLiteral("-D"), m_dir->filePath(QStringLiteral("data")),
            QStringLiteral("-l"), m_dir->filePath(QStringLiteral("server.log")), QStringLiteral("-o"),
            QStringLiteral("-k %1 -p %2 -c listen_addresses=127.0.0.1 -c fsync=%3")
                .arg(dir)
                .arg(m_port)
                .arg(m_durable ? QStringLiteral("on") : QStringLiteral("off")) },
        error, 90000);
    return ok;
}

void PgServer::startWatchdog() const
{
    // The destructor stops the server; a test process that dies without it (SIGKILL by ctest's
    // timeout, a crash) would leave it running. This shell outlives us: once our PID is gone (and a
    // pg_ctl start in flight has had a second to write its PID), it stops the postmaster that
    // postmaster.pid names, if that is a postgres process (a frozen one is woken first), then
    // removes the directory unless a server still holds it.
    static const QString script = QStringLiteral(
        "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done\n"
        "sleep 1\n"
        "pidfile=\"$2/data/postmaster.pid\"\n"
        "pm=$(head -n 1 \"$pidfile\" 2>/dev/null)\n"
        "if [ -n \"$pm\" ] && [ \"$(cat /proc/$pm/comm 2>/dev/null)\" = postgres ]; then\n"
        "  kill -CONT \"$pm\" $(ps -o pid= --ppid \"$pm\") 2>/dev/null\n"
        "  kill -QUIT \"$pm\"\n"
        "  for i in $(seq 1 100); do kill -0 \"$pm\" 2>/dev/null || break; sleep 0.1; done\n"
        "fi\n"
        "case \"$2\" in */prov-pg-*) [ -e \"$pidfile\" ] || rm -rf -- \"$2\" ;; esac\n");
    QProcess watchdog;
    watchdog.setProgram(QStringLiteral("/bin/sh"));
    watchdog.setArguments({ QStringLiteral("-c"), script, QStringLiteral("prov-pg-watchdog"),
        QString::number(::getpid()), m_dir->path() });
    // Not on the test's pipes: ctest would wait for them to close.
    watchdog.setStandardInputFile(QProcess::nullDevice());
    watchdog.setStandardOutputFile(QProcess::nullDevice());
    watchdog.setStandardErrorFile(QProcess::nullDevice());
    watchdog.startDetached();
}

bool PgServer::stop(QString *error)
{
    if (!m_dir) {
        *error = QStringLiteral("not started");
        return false;
    }
    const qint64 postmaster = pid();
    if (!runServerCommand(
            { QStringLiteral("pg_ctl"), QStringLiteral("stop"), QStringLiteral("-D"),
                m_dir->filePath(QStringLiteral("data")), QStringLiteral("-m"), QStringLiteral("immediate"),
                QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60") },
            error))
        return false;
    // pg_ctl returns once postmaster.pid is gone; the process itself may take a moment longer.
    if (!waitGone(postmaster, 10000)) {
        *error = QStringLiteral("the postmaster (PID %1) outlived pg_ctl stop").arg(postmaster);
        return false;
    }
    return true;
}

bool PgServer::restart(QString *error)
{
    if (!m_dir || m_port == 0) {
        *error = QStringLiteral("not started");
        return false;
    }
    return startOnce(error);
}

bool PgServer::psql(const QString &sql, QStringList *rows, QString *error, const QString &db) const
{
    QProcess p;
    p.setProcessEnvironment(withoutLibpqVariables(QProcessEnvironment::systemEnvironment()));
    p.start(m_bin + QStringLiteral("/psql"),
        { QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-A"), QStringLiteral("-t"),
            QStringLiteral("-F"), QStringLiteral("\t"), QStringLiteral("-v"),
            QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-h"), m_dir->path(), QStringLiteral("-p"),
            QString::number(m_port), QStringLiteral("-U"), kAdmin, QStringLiteral("-d"),
            db.isEmpty() ? database() : db, QStringLiteral("-f"), QStringLiteral("-") });
    if (!p.waitForStarted(10000)) {
        if (error)
            *error = QStringLiteral("psql: %1").arg(p.errorString());
        return false;
    }
    p.write(sql.toUtf8());
    p.closeWriteChannel();
    const bool ok = p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    if (!ok) {
        if (error)
            *error = QStringLiteral("psql failed: %1 %2")
                         .arg(QString::fromLocal8Bit(p.readAllStandardError()), out);
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished(5000);
        }
        return false;
    }
    if (rows)
        *rows = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return true;
}

QString PgServer::scalar(const QString &sql, QString *error, const QString &db) const
{
    QStringList rows;
    QString why;
    if (!psql(sql, &rows, &why, db)) {
        if (error)
            *error = why;
        return {};
    }
    if (rows.isEmpty()) {
        if (error)
            *error = QStringLiteral("no row: %1").arg(sql);
        return {};
    }
    return rows.first().section(QLatin1Char('\t'), 0, 0);
}

bool PgServer::setFrozen(bool frozen)
{
    const qint64 postmaster = pid();
    if (!processAlive(postmaster))
        return false;
    // The postmaster and its children (backends, checkpointer, ...), by PID from /proc.
    QList<qint64> pids { postmaster };
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const qint64 candidate = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile stat(QStringLiteral("/proc/%1/stat").arg(candidate));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const qsizetype close = line.lastIndexOf(')');
        if (close < 0)
            continue;
        // After "pid (comm) ": state, then the parent's PID.
        const QList<QByteArray> fields = line.mid(close + 2).split(' ');
        if (fields.size() > 1 && fields[1].toLongLong() == postmaster)
            pids << candidate;
    }
    for (const qint64 p : std::as_const(pids))
        ::kill(pid_t(p), frozen ? SIGSTOP : SIGCONT);
    m_frozen = frozen;
    return true;
}

void PgServer::killByPid()
{
    if (m_frozen)
        setFrozen(false);
    // Only the PID the running postmaster wrote, and only if that process is a postgres: a PID from
    // an earlier run may belong to another process by now.
    const qint64 target = pid();
    if (!processAlive(target))
        return;
    QFile comm(QStringLiteral("/proc/%1/comm").arg(target));
    if (comm.open(QIODevice::ReadOnly) && !comm.readAll().startsWith("postgres"))
        return;
    // SIGQUIT is PostgreSQL's immediate shutdown (what pg_ctl stop -m immediate sends); the postmaster
    // takes its backends down with it. SIGKILL only if it does not go.
    ::kill(pid_t(target), SIGQUIT);
    if (!waitGone(target, 10000)) {
        ::kill(pid_t(target), SIGKILL);
        waitGone(target, 5000);
    }
}

} // namespace pgtest
