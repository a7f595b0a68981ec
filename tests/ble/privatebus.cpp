// SPDX-License-Identifier: Apache-2.0
#include "privatebus.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonDocument>

namespace prov::test {

namespace {
const QString kService = QStringLiteral("org.bluez");
const QString kControlPath = QStringLiteral("/org/provsim");
const QString kControl = QStringLiteral("org.provsim.Control1");
constexpr int kControlTimeoutMs = 5000;
constexpr qsizetype kMaxStderr = 1 << 20;

void kill(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.kill(); // SIGKILL to this PID only
    process.waitForFinished(3000);
}
} // namespace

PrivateBus::PrivateBus()
{
    // Drain prov-sim's stderr as it comes (a --verbose prov-sim would block on a full pipe).
    QObject::connect(&m_sim, &QProcess::readyReadStandardError, &m_sim, [this] {
        m_simStderr.append(m_sim.readAllStandardError());
        if (m_simStderr.size() > kMaxStderr)
            m_simStderr = m_simStderr.right(kMaxStderr);
    });
}

PrivateBus::~PrivateBus()
{
    stop();
}

bool PrivateBus::start(int timeoutMs)
{
    if (!m_address.isEmpty())
        return true;
    m_dir = std::make_unique<QTemporaryDir>();
    if (!m_dir->isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    const QString configPath = m_dir->filePath(QStringLiteral("bus.conf"));
    QFile config(configPath);
    if (!config.open(QIODevice::WriteOnly)) {
        m_error = config.errorString();
        return false;
    }
    config.write(
        QStringLiteral("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\"\n"
                       " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                       "<busconfig>\n"
                       "  <type>session</type>\n"
                       "  <listen>unix:tmpdir=%1</listen>\n"
                       "  <auth>EXTERNAL</auth>\n"
                       "  <policy context=\"default\">\n"
                       "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                       "    <allow eavesdrop=\"true\"/>\n"
                       "    <allow own=\"*\"/>\n"
                       "  </policy>\n"
                       "</busconfig>\n")
            .arg(m_dir->path())
            .toUtf8());
    config.close();

    m_daemon.setProcessChannelMode(QProcess::SeparateChannels);
    m_daemon.start(QStringLiteral("dbus-daemon"),
        { QStringLiteral("--config-file=") + configPath, QStringLiteral("--nofork"),
            QStringLiteral("--print-address=1") });
    if (!m_daemon.waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("cannot start dbus-daemon: %1").arg(m_daemon.errorString());
        return false;
    }
    const QDeadlineTimer deadline(timeoutMs);
    while (!m_daemon.canReadLine() && !deadline.hasExpired() && m_daemon.state() == QProcess::Running)
        m_daemon.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
    const QString address = QString::fromUtf8(m_daemon.readLine()).trimmed();
    if (address.isEmpty()) {
        m_error = QStringLiteral("dbus-daemon printed no address: %1")
                      .arg(QString::fromUtf8(m_daemon.readAllStandardError()));
        kill(m_daemon);
        return false;
    }
    m_address = address;
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", m_address.toUtf8());
    return true;
}

QList<QJsonObject> PrivateBus::startSim(const QStringList &args, int timeoutMs, const QString &program)
{
    return startSimWith(QStringList { QStringLiteral("--ble"), QStringLiteral("--bus"), m_address } + args,
        timeoutMs, program);
}

QList<QJsonObject> PrivateBus::startSimWith(const QStringList &args, int timeoutMs, const QString &program)
{
    stopSim();
    if (m_address.isEmpty()) {
        m_error = QStringLiteral("the private bus is not started");
        return {};
    }
#ifdef PROV_SIM_PATH
    const QString sim = program.isEmpty() ? QStringLiteral(PROV_SIM_PATH) : program;
#else
    const QString sim = program;
#endif
    m_sim.setProcessChannelMode(QProcess::SeparateChannels);
    m_simStderr.clear();
    m_sim.start(sim, args);
    if (!m_sim.waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(sim, m_sim.errorString());
        return {};
    }
    QList<QJsonObject> devices;
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!m_sim.canReadLine()) {
            if (m_sim.state() != QProcess::Running)
                break;
            m_sim.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
            continue;
        }
        const QJsonObject line = QJsonDocument::fromJson(m_sim.readLine()).object();
        if (line.value(QStringLiteral("ready")).toBool())
            return devices;
        if (!line.isEmpty())
            devices.append(line);
    }
    m_error = QStringLiteral("prov-sim not ready (exit code %1): %2")
                  .arg(m_sim.state() == QProcess::NotRunning ? m_sim.exitCode() : -1)
                  .arg(QString::fromUtf8(simStderr()));
    kill(m_sim);
    return {};
}

void PrivateBus::stopSim()
{
    kill(m_sim);
}

void PrivateBus::stop()
{
    stopSim();
    kill(m_daemon);
    m_dir.reset();
    m_address.clear();
}

bool PrivateBus::isSimRunning() const
{
    return m_sim.state() == QProcess::Running;
}

QByteArray PrivateBus::simStderr()
{
    m_simStderr.append(m_sim.readAllStandardError());
    return m_simStderr;
}

QStringList PrivateBus::journal() const
{
    const QDBusMessage reply = QDBusConnection::systemBus().call(
        QDBusMessage::createMethodCall(kService, kControlPath, kControl, QStringLiteral("Journal")),
        QDBus::Block, kControlTimeoutMs);
    if (reply.type() != QDBusMessage::ReplyMessage) {
        m_error = reply.errorMessage();
        return {};
    }
    return reply.arguments().value(0).toStringList();
}

QStringList PrivateBus::journal(const QString &prefix) const
{
    QStringList matching;
    for (const QString &entry : journal()) {
        if (entry.startsWith(prefix))
            matching << entry;
    }
    return matching;
}

bool PrivateBus::clearJournal() const
{
    return control(QStringLiteral("ClearJournal"));
}

bool PrivateBus::control(const QString &method, const QVariantList &args) const
{
    QDBusMessage call = QDBusMessage::createMethodCall(kService, kControlPath, kControl, method);
    call.setArguments(args);
    const QDBusMessage reply = QDBusConnection::systemBus().call(call, QDBus::Block, kControlTimeoutMs);
    if (reply.type() != QDBusMessage::ReplyMessage) {
        m_error = reply.errorName() + QStringLiteral(": ") + reply.errorMessage();
        return false;
    }
    return true;
}

} // namespace prov::test
