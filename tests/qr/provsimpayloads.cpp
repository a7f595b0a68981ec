// SPDX-License-Identifier: Apache-2.0
#include "provsimpayloads.h"

#include "privatebus.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

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

} // namespace

QList<SimPayload> provSimPayloads(const QString &provSimPath, const QString &fleetFile, QString *error)
{
    // The fleet's BLE devices need a bus for prov-sim's fake BlueZ; without dbus-daemon, prov-sim serves
    // only the SoftAP devices (and the caller compares those).
    prov::test::PrivateBus bus;
    QStringList arguments { QStringLiteral("--fleet"), fleetFile };
    if (bus.start(kStartTimeoutMs))
        arguments << QStringLiteral("--bus") << bus.address();

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
                    payloads.append({ line.value(QStringLiteral("service_name")).toString(),
                        line.value(QStringLiteral("transport")).toString(),
                        line.value(QStringLiteral("qr")).toString() });
            }
        }
    }
    const QString startError = sim.errorString();
    stop(sim);
    if (!ready) {
        *error = QStringLiteral("prov-sim (%1) did not report ready: %2").arg(provSimPath, startError);
        return {};
    }
    return payloads;
}

} // namespace qrtest
