// SPDX-License-Identifier: Apache-2.0
#pragma once

// Test fixture for the SoftAP tests (label nm): a private dbus-daemon as the system bus of the test
// process (PrivateBus, tests/ble/privatebus.h) and `prov-sim --nm` on it: the fake NetworkManager
// (docs/prov-sim.md, "NetworkManager front end"). Header-only; link prov_test_privatebus.

#include "privatebus.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>

namespace prov::test {

class NmSim
{
public:
    NmSim() = default;
    ~NmSim() { stop(); }
    NmSim(const NmSim &) = delete;
    NmSim &operator=(const NmSim &) = delete;

    /// Starts the private bus (once per test executable, before any system-bus object exists).
    bool startBus()
    {
        if (!m_bus.start()) {
            m_error = m_bus.error();
            return false;
        }
        return true;
    }
    QString busAddress() const { return m_bus.address(); }

    /// Starts `prov-sim --nm --bus <address> <args>` (stopping a running one), reads its JSON lines until
    /// {"ready":true} and returns the device lines. Empty with error() set when it fails.
    QList<QJsonObject> startSim(const QStringList &args, int timeoutMs = 15000)
    {
        stopSim();
        m_sim.setProcessChannelMode(QProcess::SeparateChannels);
        m_sim.start(QStringLiteral(PROV_SIM_PATH),
            QStringList { QStringLiteral("--nm"), QStringLiteral("--bus"), m_bus.address() } + args);
        if (!m_sim.waitForStarted(timeoutMs)) {
            m_error = m_sim.errorString();
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
        m_error = QStringLiteral("prov-sim --nm did not get ready: %1")
                      .arg(QString::fromLocal8Bit(m_sim.readAllStandardError()));
        stopSim();
        return {};
    }

    void stopSim()
    {
        if (m_sim.state() == QProcess::NotRunning)
            return;
        m_sim.kill();
        m_sim.waitForFinished(5000);
    }

    void stop()
    {
        stopSim();
        m_bus.stop();
    }

    /// org.provsim.NetworkManagerControl1.Journal() entries starting with `prefix`.
    QStringList journal(const QString &prefix = {}) const
    {
        const QDBusMessage reply = callControl(QStringLiteral("Journal"), {});
        QStringList out;
        if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
            return out;
        for (const QString &line : reply.arguments().constFirst().toStringList()) {
            if (line.startsWith(prefix))
                out.append(line);
        }
        return out;
    }

    /// org.provsim.NetworkManagerControl1.State() as JSON.
    QJsonObject state() const
    {
        const QDBusMessage reply = callControl(QStringLiteral("State"), {});
        if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty())
            return {};
        return QJsonDocument::fromJson(reply.arguments().constFirst().toString().toUtf8()).object();
    }

    bool control(const QString &method, const QVariantList &args) const
    {
        const QDBusMessage reply = callControl(method, args);
        if (reply.type() != QDBusMessage::ReplyMessage) {
            m_error = reply.errorMessage();
            return false;
        }
        return true;
    }

    QString error() const { return m_error; }

    /// A TCP port free on every 127.0.0.x address now (bound once on 127.0.0.1 and released).
    static quint16 freePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

private:
    QDBusMessage callControl(const QString &method, const QVariantList &args) const
    {
        QDBusMessage m = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.NetworkManager"),
            QStringLiteral("/org/provsim/nm"), QStringLiteral("org.provsim.NetworkManagerControl1"), method);
        m.setArguments(args);
        return QDBusConnection::systemBus().call(m, QDBus::Block, 5000);
    }

    PrivateBus m_bus;
    QProcess m_sim;
    mutable QString m_error;
};

} // namespace prov::test
