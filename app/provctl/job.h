// SPDX-License-Identifier: Apache-2.0
#pragma once

// One device's run: its own transport (built by prov::makeTransport()) and Provisioner, connect,
// the subcommand, then one result and an exit code.

#include "options.h"

#include "prov/pending.h"
#include "prov/provisioner.h"
#include "prov/transport.h"

#include <QElapsedTimer>
#include <QJsonObject>

#include <functional>
#include <memory>
#include <type_traits>

namespace prov {
class BleConnectionLimit;
class SoftApTransport;
} // namespace prov

namespace provctl {

class Job;

/// A subcommand's part of a device run: called once the device is connected (proto-ver and the
/// handshake done); it ends the job with Job::succeed(), Job::finishWith() or Job::fail().
using DeviceCommand = void (*)(Job &job);

/// One device's command, end to end, asynchronously. Not copyable; lives until `finished` ran.
class Job
{
public:
    /// `limit` (shared per adapter, may be null) queues BLE connections; `multi`: several devices
    /// run, so lines are prefixed with the target's label. `finished` gets the exit code, from the
    /// event loop, after the transport is closed and released.
    Job(const Options &o, Target target, DeviceCommand command, prov::BleConnectionLimit *limit, bool multi,
        std::function<void(int)> finished);
    ~Job();
    Job(const Job &) = delete;
    Job &operator=(const Job &) = delete;

    /// Builds the transport, connects and runs the command.
    void start();
    /// Ctrl-C: ends the running operation with Cancelled (a job not started yet ends at once); the
    /// link is then closed and a joined SoftAP given back as after any end. No-op once ending.
    void cancel();

    const Options &options() const { return m_o; }
    const Target &target() const { return m_target; }
    bool isMulti() const { return m_multi; }
    prov::Provisioner &provisioner() { return *m_provisioner; }
    /// The result object printed with --json; commands add their members.
    QJsonObject &result() { return m_result; }
    /// Milliseconds since start().
    qint64 elapsedMs() const { return m_clock.elapsed(); }

    /// A progress line on stderr, prefixed with the label when several devices run.
    void say(const QString &line) const;

    /// Calls `then` with the result when `op` finishes.
    template <typename T>
    void await(prov::Pending<T> *op, std::type_identity_t<std::function<void(prov::Result<T>)>> then)
    {
        QObject::connect(op, &prov::PendingOperation::finished, [op, then] { then(op->result()); });
    }

    /// Ends with exit code Ok; `summary` is the one-line result shown when several devices run.
    void succeed(const QString &summary);
    /// Ends with `exitCode`; `ok` false adds `exit_code` and prints `summary` on stderr.
    void finishWith(int exitCode, bool ok, const QString &summary);
    /// Ends with the exit code for `e` (reportFailure()).
    void fail(const prov::Error &e);

private:
    void connectDevice();
    void done(int exitCode);
    void closeBle(int exitCode);
    void giveBackSoftAp(prov::SoftApTransport *softAp, int exitCode);
    void release(int exitCode);

    static constexpr int kCloseWaitMs = 2000;
    /// SoftApLink::leave() ends within 10 s; a little more before the process goes on without it.
    static constexpr int kLeaveWaitMs = 12000;

    const Options &m_o;
    Target m_target;
    DeviceCommand m_command;
    bool m_multi = false;
    bool m_released = false;
    bool m_ending = false; ///< done() ran: the link is being closed or given back
    bool m_joined = false; ///< SoftAP SSID: the access point was joined at least once
    std::function<void(int)> m_finished;
    std::unique_ptr<prov::Transport> m_transport;
    std::unique_ptr<prov::Provisioner> m_provisioner;
    QJsonObject m_result;
    QElapsedTimer m_clock;
};

} // namespace provctl
