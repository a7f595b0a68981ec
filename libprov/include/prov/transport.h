// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/transportconfig.h"

#include <QObject>
#include <QString>

#include <functional>

QT_FORWARD_DECLARE_CLASS(QTimer)

namespace prov {

/// Moves opaque bytes to a named protocomm endpoint and back (docs/protocol.md §1): the lowest layer.
/// It knows nothing of protobuf or security. One exchange is in flight at a time; each has its own
/// timeout. Lives in, and must be used from, the thread that created it.
class Transport : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(Result<QByteArray>)>;

    explicit Transport(QObject *parent = nullptr);
    ~Transport() override;

    /// Sends `request` to `endpoint` (e.g. "prov-session") and calls `done` exactly once, always
    /// asynchronously (never from inside exchange()), with the response bytes or an error.
    /// Errors: InvalidArgument (empty request: devices reject 0-byte bodies/writes, §13 item 2),
    /// PayloadTooLarge (request > maxRequestSize()), Internal ("busy": another exchange in flight),
    /// and the transport-specific errors documented by each implementation (Timeout,
    /// DeviceRefused, Disconnected, ConnectFailed, SessionLost, HttpStatus, Cancelled).
    void exchange(const QString &endpoint, const QByteArray &request, Callback done);

    /// Ends the in-flight exchange (if any) with Cancelled. The link is dropped, since a late
    /// response would desynchronise the session cipher (§5.2).
    void cancel();

    /// Forgets the transport session (HTTP cookie / BLE link); the next exchange starts a new one,
    /// which resets the device's security session (§6.3, §7.6).
    virtual void resetSession() = 0;

    /// Per-exchange timeout in ms (default 5000). Applies from the moment exchange() is called
    /// until the whole response has arrived, including connecting, unless the implementation
    /// documents a separate limit for connecting (BleTransport: connectTimeout()).
    void setTimeout(int ms) { m_timeoutMs = ms; }
    int timeout() const { return m_timeoutMs; }

    bool isBusy() const { return static_cast<bool>(m_done); }

    /// Which link this is (transportKindName() gives the QR payload's spelling, §11).
    virtual TransportKind kind() const = 0;
    /// Human-readable peer address: "127.0.0.1:8080", "AA:BB:...".
    virtual QString address() const = 0;
    /// Largest request body the link accepts, in bytes (HTTP: 4096, §6.2).
    virtual int maxRequestSize() const = 0;
    /// Most Wi-Fi scan entries one ScanResult request should ask for on this link (§7.4, §9.3:
    /// 4 over BLE, where a response must fit the device's attribute buffer). The Provisioner caps
    /// ScanOptions::pageSize to it. Default 255: no limit beyond the protocol's.
    virtual int maxScanEntriesPerRequest() const { return 255; }

Q_SIGNALS:
    /// The device started a new transport session on its own (new Set-Cookie, reconnect): any
    /// security session is gone and the handshake must be redone.
    void sessionReset();
    /// The device closed the link (BLE disconnect, §7.6). The device's security session is gone
    /// with it; an exchange in flight ends in Disconnected. The next exchange opens a new link.
    /// HttpTransport never emits it: over HTTP the cookie, not the TCP connection, is the session.
    void linkClosed();
    /// One short English line about the link's own set-up, for a step display ("Joining PROV_1A2B3C on
    /// wlan0…": SoftApTransport). Transports that connect in one step never emit it.
    void linkProgress(const QString &text);

protected:
    /// Implementations start the exchange; they finish it by calling complete() exactly once.
    virtual void startExchange(const QString &endpoint, const QByteArray &request) = 0;
    /// Implementations abort the link (used by cancel() and on timeout).
    virtual void abortExchange() = 0;
    /// Finishes the in-flight exchange (no-op if none). Safe to call from any implementation path.
    void complete(Result<QByteArray> result);
    /// Stops the per-exchange timer while the implementation runs a phase with its own limit
    /// (BLE: waiting for a connection slot, connecting). No-op when no exchange is in flight.
    void pauseTimeout();
    /// Restarts the per-exchange timer with the full timeout(), e.g. once the link is up.
    /// No-op when no exchange is in flight.
    void restartTimeout();

private:
    void handleTimeout();

    Callback m_done;
    QTimer *m_timer = nullptr;
    int m_timeoutMs = 5000;
    quint64 m_generation = 0;
};

} // namespace prov
