// SPDX-License-Identifier: Apache-2.0
// One device's run: transport and Provisioner, connect, the subcommand, one result.
#include "job.h"

#include "exitcodes.h"
#include "output.h"

#include "prov/bletransport.h"
#include "prov/softaptransport.h"

#include <QTimer>

#include <cstdio>
#include <memory>

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
    if (m_multi || m_o.transport == TransportKind::Ble || m_target.joinsSoftAp())
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
    if (auto *softAp = qobject_cast<SoftApTransport *>(m_transport.get())) {
        // The join steps (NetworkManager) as they happen; --json keeps stderr to provctl's own lines.
        if (!m_o.json) {
            QObject::connect(softAp, &Transport::linkProgress, [this](const QString &text) {
                say(QStringLiteral("[%1 ms]   %2").arg(m_clock.elapsed(), 5).arg(text));
            });
        }
        QObject::connect(softAp, &SoftApTransport::joinedLink, [this](const SoftApJoinResult &link) {
            m_joined = true;
            say(QStringLiteral("[%1 ms]   joined %2 on %3 as %4; device at %5")
                    .arg(m_clock.elapsed(), 5)
                    .arg(m_target.transport.softApSsid, link.interfaceName, link.localAddress.toString(),
                        m_transport->address()));
        });
        say(QStringLiteral("device %1 (softap SSID: joining it through NetworkManager on %2)")
                .arg(m_target.transport.softApSsid,
                    m_target.transport.wifiInterface.isEmpty() ? QStringLiteral("the first Wi-Fi interface")
                                                               : m_target.transport.wifiInterface));
    } else {
        say(QStringLiteral("device %1 (%2)")
                .arg(m_transport->kind() == TransportKind::Ble
                        ? QStringLiteral("%1 %2").arg(m_target.label, m_target.transport.bleAddress)
                        : m_transport->address(),
                    transportKindName(m_transport->kind())));
    }
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

void Job::cancel()
{
    if (m_ending)
        return;
    if (!m_provisioner) // not started, or its transport could not be built
        return fail(makeError(ErrorCode::Cancelled, QStringLiteral("interrupted")));
    m_provisioner->cancel();
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
    m_ending = true;
    // Outside of any callback of the transport itself: close the link (a BLE disconnect that
    // BlueZ confirms frees the connection slot for the next device; a joined SoftAP goes back to
    // the connection active before), then drop the objects.
    QTimer::singleShot(0, [this, exitCode] {
        if (auto *softAp = qobject_cast<SoftApTransport *>(m_transport.get()))
            return giveBackSoftAp(softAp, exitCode);
        closeBle(exitCode);
    });
}

void Job::giveBackSoftAp(SoftApTransport *softAp, int exitCode)
{
    const std::optional<SoftApJoinResult> link = softAp->joined();
    const QString interfaceName = link               ? link->interfaceName
        : m_target.transport.wifiInterface.isEmpty() ? QStringLiteral("the Wi-Fi interface")
                                                     : m_target.transport.wifiInterface;
    Pending<void> *leaving = softAp->leave();
    auto *waiting = new QTimer;
    waiting->setSingleShot(true);
    auto ended = std::make_shared<bool>(false);
    // Ends once: on the leave's result, or when it took longer than it promised.
    auto finish = [this, waiting, ended, exitCode, interfaceName](const std::optional<Result<void>> &r) {
        if (*ended)
            return;
        *ended = true;
        waiting->stop();
        waiting->deleteLater();
        if (!r) {
            std::fprintf(stderr,
                "provctl: %scould not give %s back: NetworkManager did not answer within %d s\n",
                m_multi ? qPrintable(m_target.label + QStringLiteral(": ")) : "", qPrintable(interfaceName),
                kLeaveWaitMs / 1000);
        } else if (!*r) {
            std::fprintf(stderr, "provctl: %scould not give %s back: %s\n",
                m_multi ? qPrintable(m_target.label + QStringLiteral(": ")) : "", qPrintable(interfaceName),
                qPrintable(r->error().toString()));
        } else if (m_joined) {
            say(QStringLiteral("[%1 ms] restored the connection active on %2 before joining %3")
                    .arg(m_clock.elapsed(), 5)
                    .arg(interfaceName, m_target.transport.softApSsid));
        }
        QTimer::singleShot(0, [this, exitCode] { release(exitCode); }); // not inside the link's signal
    };
    QObject::connect(waiting, &QTimer::timeout, [finish] { finish(std::nullopt); });
    waiting->start(kLeaveWaitMs);
    QObject::connect(leaving, &PendingOperation::finished, waiting,
        [finish, leaving] { finish(std::optional<Result<void>>(leaving->result())); });
}

void Job::closeBle(int exitCode)
{
    auto *ble = qobject_cast<BleTransport *>(m_transport.get());
    if (!ble || ble->linkState() == BleTransport::LinkState::Closed)
        return release(exitCode);
    auto *closing = new QTimer;
    closing->setSingleShot(true);
    auto finish = [this, closing, exitCode] {
        closing->stop();
        closing->deleteLater();
        QTimer::singleShot(0, [this, exitCode] { release(exitCode); }); // not inside the transport's signal
    };
    QObject::connect(closing, &QTimer::timeout, finish);
    QObject::connect(ble, &BleTransport::linkStateChanged, closing, [finish](BleTransport::LinkState s) {
        if (s == BleTransport::LinkState::Closed)
            finish();
    });
    closing->start(kCloseWaitMs);
    ble->disconnectFromDevice();
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
