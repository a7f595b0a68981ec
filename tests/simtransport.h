// SPDX-License-Identifier: Apache-2.0
#pragma once

// An in-process Transport in front of a SimulatedDevice (the device role of the same protocol): the
// Provisioner's real code paths without a socket. Test knobs: hold the next request to an endpoint
// (never answered until the exchange is cancelled, like a device that went silent), answer some
// requests from a script instead of the device, and close the link after a successful ApplyConfig as
// BLE firmware does (§7.6).

#include "prov/device.h"
#include "prov/transport.h"

#include <QPointer>
#include <QTimer>

#include <functional>
#include <optional>

namespace prov::test {

class SimTransport : public Transport
{
    Q_OBJECT
public:
    explicit SimTransport(SimulatedDevice *device, QObject *parent = nullptr)
        : Transport(parent)
        , m_device(device)
    {
        connect(device, &SimulatedDevice::configApplied, this, [this] { m_applied = true; });
    }

    /// As BleTransport: an exchange in flight ends with Cancelled and the link closes.
    void resetSession() override
    {
        if (isBusy())
            cancel();
        ++resets;
        ++m_generation;
        m_device->newTransportSession();
    }
    TransportKind kind() const override { return TransportKind::Ble; }
    QString address() const override { return QStringLiteral("in-process"); }
    int maxRequestSize() const override { return 4096; }

    /// Answers instead of the device when it returns a reply (endpoint, request bytes).
    std::function<std::optional<DeviceReply>(const QString &, const QByteArray &)> script;
    /// The next request to this endpoint (after `holdSkip` more of them) is never answered.
    QString holdEndpoint;
    int holdSkip = 0;
    /// After a successful ApplyConfig has been answered, close the link (BleTransport: linkClosed()).
    bool closeLinkAfterApply = false;

    QStringList requests; ///< endpoints, in order
    int resets = 0; ///< resetSession() calls
    int aborts = 0; ///< abortExchange() calls (cancel, timeout)

Q_SIGNALS:
    /// A request is being held (see holdEndpoint).
    void held(const QString &endpoint);

protected:
    void startExchange(const QString &endpoint, const QByteArray &request) override
    {
        requests << endpoint;
        const quint64 generation = ++m_generation;
        if (!holdEndpoint.isEmpty() && endpoint == holdEndpoint) {
            if (holdSkip-- <= 0) {
                holdEndpoint.clear();
                Q_EMIT held(endpoint);
                return;
            }
        }
        m_applied = false;
        std::optional<DeviceReply> scripted = script ? script(endpoint, request) : std::nullopt;
        const DeviceReply reply = scripted ? *scripted : m_device->handle(endpoint, request);
        const bool dropAfter = m_applied && closeLinkAfterApply;
        m_applied = false;
        QTimer::singleShot(reply.delayMs, this, [this, reply, generation, dropAfter] {
            if (generation != m_generation)
                return;
            switch (reply.action) {
            case DeviceReply::Action::Respond:
                complete(reply.body);
                break;
            case DeviceReply::Action::NotFound:
                complete(makeError(ErrorCode::HttpStatus, QStringLiteral("404")));
                break;
            case DeviceReply::Action::Refuse:
                complete(makeError(ErrorCode::DeviceRefused, reply.reason));
                break;
            case DeviceReply::Action::Drop:
                return;
            case DeviceReply::Action::Reboot:
                complete(makeError(ErrorCode::Disconnected, QStringLiteral("rebooted")));
                break;
            }
            if (dropAfter) {
                m_device->newTransportSession();
                Q_EMIT linkClosed();
            }
        });
    }

    void abortExchange() override
    {
        ++aborts;
        ++m_generation;
    }

private:
    QPointer<SimulatedDevice> m_device;
    quint64 m_generation = 0;
    bool m_applied = false;
};

} // namespace prov::test
