// SPDX-License-Identifier: Apache-2.0
#include "provsimpayloads.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>

namespace qrtest {

namespace {

constexpr int kStartTimeoutMs = 15000;

void stop(QProcess &process)
{
    if (process.state() == QProcess::NotRunning)
        return;
    process.terminate();
    if (!process.waitForFinished(5000)) {
        process.kill();
        process.waitForFinished(5000);
    }
}

/// Starts a private bus; returns its address, or an empty string when dbus-daemon is missing.
QString startPrivateBus(QProcess &daemon)
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
    if (program.isEmpty())
        return {};
    daemon.start(program, {QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--print-address=1")});
    if (!daemon.waitForStarted(kStartTimeoutMs))
        return {};
    const QDeadlineTimer deadline(kStartTimeoutMs);
    while (!daemon.canReadLine() && !deadline.hasExpired())
        daemon.waitForReadyRead(int(deadline.remainingTime()));
    return QString::fromUtf8(daemon.readLine()).trimmed();
}

} // namespace

QList<SimPayload> provSimPayloads(const QString &provSimPath, const QString &fleetFile, QString *error)
{
    QProcess daemon;
    const QString bus = startPrivateBus(daemon);
    QStringList arguments{QStringLiteral("--fleet"), fleetFile};
    if (!bus.isEmpty())
        arguments << QStringLiteral("--bus") << bus;

    QProcess sim;
    sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    sim.start(provSimPath, arguments, QIODevice::ReadOnly);
    QList<SimPayload> payloads;
    bool ready = false;
    if (sim.waitForStarted(kStartTimeoutMs)) {
        const QDeadlineTimer deadline(kStartTimeoutMs);
        while (!ready && !deadline.hasExpired()) {
            if (!sim.canReadLine() && !sim.waitForReadyRead(int(deadline.remainingTime())))
                break;
            while (!ready && sim.canReadLine()) {
                const QJsonObject line = QJsonDocument::fromJson(sim.readLine()).object();
                ready = line.value(QStringLiteral("ready")).toBool();
                if (!ready)
                    payloads.append({line.value(QStringLiteral("service_name")).toString(),
                                     line.value(QStringLiteral("transport")).toString(),
                                     line.value(QStringLiteral("qr")).toString()});
            }
        }
    }
    const QString startError = sim.errorString();
    stop(sim);
    stop(daemon);
    if (!ready) {
        *error = QStringLiteral("prov-sim (%1) did not report ready: %2").arg(provSimPath, startError);
        return {};
    }
    return payloads;
}

} // namespace qrtest
