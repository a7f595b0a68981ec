// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/provisioner.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>
#include <optional>

namespace prov {

class ClientSecurity;
class Transport;

/// Errors after which the cipher stream may be out of step with the device's (§5.2, §8.4) or the link
/// is gone: Timeout, DeviceRefused, Disconnected, ConnectFailed, SessionLost, DecryptFailed,
/// MalformedMessage, Cancelled. The session needs a new handshake after them.
bool isLinkError(ErrorCode code);

/// The secured session under the Provisioner's flows (docs/architecture.md "session" layer), in the way
/// libimobiledevice keeps its lockdown session apart from the services: proto-ver (§2), the Security
/// 0/1/2 handshake on prov-session (§4, §5.1, §8.3), the encrypted request path (§5.2, §8.4) and the
/// re-handshake after a link or decrypt error. It knows nothing of Wi-Fi, scans or Thread.
///
/// Every callback is called at most once, from the event loop; after cancel(), reset() or the
/// destruction of the session, callbacks of work already started are dropped (never called), also when
/// that happens in a slot of stepEntered() emitted by the operation itself. One request at a time, like
/// the transport under it. The session cancels its own in-flight exchange on reset() and destruction,
/// so the transport is never left busy with a request nobody waits for.
class SecureSession : public QObject
{
    Q_OBJECT
public:
    template <typename T> using Callback = std::function<void(Result<T>)>;

    /// `transport` is not owned; if it goes first, the session's requests fail (Internal).
    explicit SecureSession(Transport *transport, QObject *parent = nullptr);
    ~SecureSession() override;

    Transport *transport() const { return m_transport.data(); }

    /// Secrets for the next handshake; forgets the current session. Never logged.
    void setSecurityOptions(const SecurityOptions &options);
    void setRandomSource(std::shared_ptr<RandomSource> rng);

    /// What open() learnt, if it ran.
    const std::optional<DeviceInfo> &deviceInfo() const { return m_info; }

    /// proto-ver, then a new handshake with the scheme it asks for (or SecurityOptions::secVer).
    /// Errors: the transport's, MalformedMessage (proto-ver), those of SecurityOptions::versionGuard,
    /// VersionMismatch (sec_ver > 2,
    /// sec_patch_ver > 1), InvalidArgument (Security 1 without PoP, Security 2 without username or
    /// password), AuthenticationFailed (the device refused our proof, or closed the link on it, §7.6),
    /// HandshakeFailed (wrong device proof), DeviceRefused (scheme mismatch).
    void open(Callback<DeviceInfo> done);

    /// Ends with success once a session is usable: at once if it is, after a new handshake if the last
    /// request may have desynchronised the cipher stream (§5.2, §8.4) or the link closed (§7.6), after
    /// open() if there never was one. Errors: those of open().
    void ensure(Callback<void> done);

    /// encrypt -> exchange on `endpoint` -> decrypt. Value: the plaintext response. Errors: the
    /// transport's, UnexpectedMessage (no session), DecryptFailed. A link or decrypt error marks the
    /// session for a new handshake (ensure() redoes it).
    void request(const QString &endpoint, const QByteArray &plaintext, Callback<QByteArray> done);

    /// Forgets the scheme and the session: the next ensure() starts with proto-ver. Work in flight is
    /// dropped (its callbacks are never called) and the session's own exchange is cancelled.
    void reset();
    /// Marks the session for a new handshake.
    void invalidate() { m_valid = false; }
    /// Drops the work in flight (its callbacks are never called), cancels the transport's exchange (the
    /// link drops, §5.2) and marks the session for a new handshake.
    void cancel();

    /// True once the transport reported that the device closed the link (BLE, §7.6) since the last
    /// handshake or clearLinkClosed() (called before ApplyConfig, to tell a close in answer to Apply).
    bool linkClosed() const { return m_linkClosed; }
    void clearLinkClosed() { m_linkClosed = false; }

    /// Wraps `f` so that it is dropped if cancel() or reset() ran or the session was destroyed after
    /// this call.
    template <typename F> auto guarded(F f) const
    {
        const quint64 generation = m_generation;
        QPointer<const SecureSession> self(this);
        return [self, generation, f = std::move(f)](auto &&...args) {
            if (self && self->m_generation == generation)
                f(std::forward<decltype(args)>(args)...);
        };
    }

Q_SIGNALS:
    /// ReadingVersion or Handshake, as the session enters it.
    void stepEntered(prov::ProvisionStep step);

private:
    /// Emits stepEntered(step); false if a slot cancelled, reset or destroyed the session meanwhile
    /// (the caller then drops its work and touches nothing).
    bool enter(ProvisionStep step);
    /// Cancels the transport's exchange if it is this session's own (in flight).
    void dropOwnExchange();
    void exchange(const QString &endpoint, const QByteArray &request, Callback<QByteArray> done);
    void handshake(Callback<void> done);
    void handshakeStep(const QByteArray &request, int roundTrip, Callback<void> done);
    Result<std::unique_ptr<ClientSecurity>> makeSecurity(const ProtoVersion &pv, DeviceInfo &out) const;

    QPointer<Transport> m_transport;
    SecurityOptions m_options;
    std::shared_ptr<RandomSource> m_rng;
    std::unique_ptr<ClientSecurity> m_security;
    std::optional<DeviceInfo> m_info;
    bool m_valid = false;
    bool m_linkClosed = false;
    bool m_exchanging = false; ///< an exchange this session started is in flight
    quint64 m_generation = 0; ///< bumped by cancel(), reset(), the destructor: stale callbacks see a new
                              ///< value
};

} // namespace prov
