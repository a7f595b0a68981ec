// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/transport.h"

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <memory>

namespace prov {

/// SoftAP transport: `POST http://<host>:<port>/<endpoint>` over one persistent HTTP/1.1
/// connection (docs/protocol.md §6). Applies the session-cookie rules of §6.3 exactly: the first
/// `Set-Cookie: session=<n>` is kept and sent back as exactly `Cookie: session=<n>` (no other
/// cookie) on every later request, even on a new TCP connection; a *different* Set-Cookie later
/// means the device started a new session (SessionLost + sessionReset()).
///
/// Error classification of an exchange:
/// - ConnectFailed: TCP connect refused / unreachable;
/// - DeviceRefused: the device closed the connection without any response bytes (§6.4: that is
///   how protocomm rejects a request: bad body, decrypt/handshake failure, unknown msg);
/// - SessionLost: as DeviceRefused, but a follow-up `proto-ver` probe carrying our cookie shows the
///   device has started a new session (rebooted, or another client took over), or a response
///   carried a new Set-Cookie;
/// - Disconnected: the connection dropped mid-response, or after a refusal the device stopped
///   answering altogether (it went away: reboot, out of range);
/// - Timeout: no complete response within timeout() ms (the connection is then dropped);
/// - HttpStatus: a non-200 status (404: endpoint missing on this firmware, 405);
/// - MalformedMessage: an unparseable HTTP response or one over 64 KiB;
/// - PayloadTooLarge: request body > 4096 B (§6.2), InvalidArgument: empty body.
///
/// Latency: the device writes each response in several small parts with Nagle on (§6.2). On Linux
/// the transport re-arms `TCP_QUICKACK` on connect and after every read, so no part waits for a
/// delayed ACK (about 40 ms per request otherwise; docs/performance.md). Elsewhere the system's ACK
/// timing applies.
class HttpTransport : public Transport
{
    Q_OBJECT
public:
    /// Request bodies must be 1..4096 bytes (§6.2).
    static constexpr int kMaxBodyBytes = 4096;
    /// Responses larger than this are treated as malformed (no stock endpoint comes close).
    static constexpr int kMaxResponseBytes = 64 * 1024;
    /// Default SoftAP address of ESP-IDF devices (display only; §6.1).
    static constexpr const char *kDefaultHost = "192.168.4.1";

    /// `host`: IP literal or name; `port`: 1..65535 (device default 80).
    HttpTransport(const QString &host, quint16 port, QObject *parent = nullptr);
    ~HttpTransport() override;

    void resetSession() override;
    TransportKind kind() const override { return TransportKind::SoftAp; }
    QString address() const override;
    int maxRequestSize() const override { return kMaxBodyBytes; }

    /// The session cookie value currently held ("session=123"), or empty. Not a secret: it is a
    /// plain HTTP session id, but it is only logged at debug level.
    QByteArray sessionCookie() const { return m_cookie; }

    /// Binds every new connection to `address` (a local IPv4 address: the interface that joined the
    /// device's SoftAP) before connecting; a null address (default) lets the system choose. A bind
    /// that fails ends the exchange in ConnectFailed. Takes effect from the next connection.
    void setLocalAddress(const QHostAddress &address);
    QHostAddress localAddress() const;

protected:
    void startExchange(const QString &endpoint, const QByteArray &request) override;
    void abortExchange() override;

private:
    void openSocket();
    void dropSocket();
    void sendRequest(const QString &endpoint, const QByteArray &body);
    void handleReadyRead();
    void handleResponse(const struct HttpResponseView &response);
    void handleClosed();
    void handleSocketError();
    void startProbe();

    struct Private;
    std::unique_ptr<Private> d;
    QByteArray m_cookie;
};

} // namespace prov
