// SPDX-License-Identifier: Apache-2.0
#pragma once

// Test fixture for the SoftAP client tests (label nm): a private dbus-daemon as the system bus of the
// test process (PrivateBus, tests/ble/privatebus.h) with `prov-sim --nm` on it, the fake NetworkManager
// (docs/prov-sim.md, "NetworkManager front end"); its control object through nmtesthelpers.h.

#include "nmtesthelpers.h"
#include "privatebus.h"

#include <QTcpServer>

namespace prov::test {

class NmSim
{
public:
    /// Starts the private bus (once per test executable, before any system-bus object exists).
    bool startBus() { return m_bus.start(); }

    /// Starts `prov-sim --nm --bus <address> <args>` (stopping a running one) and returns its device
    /// lines; empty with error() set when it fails.
    QList<QJsonObject> startSim(const QStringList &args, int timeoutMs = 15000)
    {
        return m_bus.startSimWith(
            QStringList { QStringLiteral("--nm"), QStringLiteral("--bus"), m_bus.address() } + args,
            timeoutMs);
    }
    void stopSim() { m_bus.stopSim(); }
    void stop() { m_bus.stop(); }
    QString error() const { return m_bus.error(); }

    /// The fake's journal entries starting with `prefix`.
    QStringList journal(const QString &prefix = {}) const
    {
        QStringList out;
        for (const QString &line : nm::journal()) {
            if (line.startsWith(prefix))
                out.append(line);
        }
        return out;
    }
    QJsonObject state() const { return nm::state(); }
    /// org.provsim.NetworkManagerControl1.<method>(args); false (error() in the message) on failure.
    bool control(const QString &method, const QVariantList &args)
    {
        const QDBusMessage reply = nm::call(QStringLiteral("/org/provsim/nm"),
            QStringLiteral("org.provsim.NetworkManagerControl1"), method, args);
        return reply.type() == QDBusMessage::ReplyMessage;
    }

    /// A TCP port free on 127.0.0.1 now (the fake's devices listen on 127.0.0.2.. with it).
    static quint16 freePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

private:
    PrivateBus m_bus;
};

} // namespace prov::test
