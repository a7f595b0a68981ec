// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>

/// Runs prov-sim as a separate process on 127.0.0.1 with ephemeral ports (--port 0) and reads its
/// JSON lines (docs/prov-sim.md): one per device, then {"ready":true}. For the workstation tests,
/// the screenshot tool and the start-up benchmark. Kills the simulator on destruction.
class SimFleet
{
public:
    /// `arguments` are prov-sim's flags (e.g. {"--fleet", path} or {"--sec-ver", "1", ...});
    /// "--port 0" is added unless a port is given.
    explicit SimFleet(QStringList arguments = {});
    ~SimFleet();
    SimFleet(const SimFleet &) = delete;
    SimFleet &operator=(const SimFleet &) = delete;

    /// Starts prov-sim and waits (event loop) for its ready line. False with errorString() set
    /// when it does not start, exits, or stays silent for `timeoutMs`.
    bool start(int timeoutMs = 15000);
    QString errorString() const { return m_error; }

    /// The device lines, in output order.
    QList<QJsonObject> devices() const { return m_devices; }
    /// The line of `serviceName` (empty object when unknown).
    QJsonObject device(const QString &serviceName) const;
    quint16 port(const QString &serviceName) const;
    /// Everything prov-sim printed on stdout up to the ready line: a manifest as ManifestSource reads it.
    QByteArray manifest() const { return m_stdout; }
    /// The simulator's stderr so far (for failure messages).
    QByteArray log();

    static QString simulatorPath();
    /// resources/demo/fleet.json of the source tree.
    static QString demoFleetPath();

private:
    QProcess m_process;
    QStringList m_arguments;
    QByteArray m_stdout;
    QList<QJsonObject> m_devices;
    QString m_error;
};
