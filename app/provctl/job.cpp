// SPDX-License-Identifier: Apache-2.0
// One device's run: transport and Provisioner, connect, the subcommand, one result.
#include "job.h"

#include "exitcodes.h"
#include "output.h"

#include "prov/bletransport.h"

#include <QTimer>

#include <cstdio>

using namespace prov;

namespace provctl {

Job::Job(const Options &o, Target target, DeviceCommand command, BleConnectionLimit *limit, bool multi,
    std::function<void(int)> finished)
    : m_o(o)
    , m_target(std::move(target))
    , m_command(command)
    , m_multi(multi)
    , m_finished(std::move(finished))
{
    m_target.transport.bleLimit = limit;
    m_result = QJsonObject { { QStringLiteral("command"), commandName(m_o.command) } };
    if (m_multi || m_o.transport == TransportKind::Ble)
        m_result.insert(QStringLiteral("service_name"), m_target.label);
}

Job::~Job() = default;

void Job::start()
{
    m_clock.start();
    if (m_target.lookupError)
        return QTimer::singleShot(0, [this] { fail(*m_target.lookupError); });
    auto transport = makeTransport(m_target.transport);
    if (!transport) {
        const Error error = transport.error();
        return QTimer::singleShot(0, [this, error] { fail(error); });
    }
    m_transport = std::move(*transport);
    m_provisioner = std::make_unique<Provisioner>(m_transport.get());
    m_provisioner->setSecurityOptions(m_o.security);
    QObject::connect(m_provisioner.get(), &Provisioner::stepChanged, [this](ProvisionStep step) {
        if (step != ProvisionStep::Done && step != ProvisionStep::Idle)
            say(QStringLiteral("[%1 ms] %2").arg(m_clock.elapsed(), 5).arg(provisionStepName(step)));
    });
    QObject::connect(m_provisioner.get(), &Provisioner::wifiStatusChanged, [this](const WifiStatus &s) {
        if (s.state != WifiState::Connected)
            say(QStringLiteral("[%1 ms]   status: %2").arg(m_clock.elapsed(), 5).arg(statusLine(s)));
    });
    say(QStringLiteral("device %1 (%2)")
            .arg(m_transport->kind() == TransportKind::Ble
                    ? QStringLiteral("%1 %2").arg(m_target.label, m_target.transport.bleAddress)
                    : m_transport->address(),
                transportKindName(m_transport->kind())));
    connectDevice();
}

void Job::connectDevice()
{
    await(m_provisioner->connectDevice(), [this](Result<DeviceInfo> info) {
        if (!info)
            return fail(info.error());
        say(QStringLiteral("[%1 ms]   %2, Security %3%4, capabilities: %5")
                .arg(m_clock.elapsed(), 5)
                .arg(info->protoVersion.provVersion)
                .arg(info->secVer)
                .arg(info->secVer == 2 ? QStringLiteral(" patch %1").arg(info->sec2PatchVer) : QString())
                .arg(info->protoVersion.capabilities.join(u", ")));
        m_result.insert(QStringLiteral("device"), deviceJson(*info));
        m_result.insert(QStringLiteral("address"), m_transport->address());
        m_command(*this);
    });
}

void Job::say(const QString &line) const
{
    progress(m_o, m_multi ? QStringLiteral("[%1] %2").arg(m_target.label, line) : line);
}

void Job::succeed(const QString &summary)
{
    finishWith(Ok, true, summary);
}

void Job::finishWith(int exitCode, bool ok, const QString &summary)
{
    m_result.insert(QStringLiteral("ok"), ok);
    m_result.insert(QStringLiteral("elapsed_ms"), double(m_clock.elapsed()));
    if (!ok)
        m_result.insert(QStringLiteral("exit_code"), exitCode);
    if (m_o.json)
        printJson(m_result);
    else if (m_multi)
        std::printf("%s: %s %s\n", qPrintable(m_target.label), ok ? "ok" : "failed", qPrintable(summary));
    if (!ok)
        std::fprintf(stderr, "provctl: %s%s\n",
            m_multi ? qPrintable(m_target.label + QStringLiteral(": ")) : "", qPrintable(summary));
    std::fflush(stdout);
    done(exitCode);
}

void Job::fail(const Error &e)
{
    done(reportFailure(m_o, m_result, e, m_multi ? m_target.label : QString()));
}

void Job::done(int exitCode)
{
    // Outside of any callback of the transport itself: close the link (a BLE disconnect that
    // BlueZ confirms frees the connection slot for the next device), then drop the objects.
    QTimer::singleShot(0, [this, exitCode] {
        auto *ble = qobject_cast<BleTransport *>(m_transport.get());
        if (!ble || ble->linkState() == BleTransport::LinkState::Closed)
            return release(exitCode);
        auto *closing = new QTimer;
        closing->setSingleShot(true);
        auto finish = [this, closing, exitCode] {
            closing->stop();
            closing->deleteLater();
            QTimer::singleShot(
                0, [this, exitCode] { release(exitCode); }); // not inside the transport's signal
        };
        QObject::connect(closing, &QTimer::timeout, finish);
        QObject::connect(ble, &BleTransport::linkStateChanged, closing, [finish](BleTransport::LinkState s) {
            if (s == BleTransport::LinkState::Closed)
                finish();
        });
        closing->start(kCloseWaitMs);
        ble->disconnectFromDevice();
    });
}

void Job::release(int exitCode)
{
    if (m_released)
        return;
    m_released = true;
    m_provisioner.reset();
    m_transport.reset();
    m_finished(exitCode);
}

} // namespace provctl
