// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHostAddress>
#include <QObject>

#include <functional>
#include <memory>

namespace prov {

class SimulatedDevice;

/// The device's HTTP front end, behaving like ESP-IDF's protocomm_httpd on esp_http_server
/// (docs/protocol.md §6): POST only (405 otherwise), 404 for unknown endpoints, bodies of 1..4096
/// bytes, keep-alive, one open socket (a new connection closes the older one, LRU purge), and the
/// cookie-first session binding of §6.3 (Set-Cookie `session=<u32>` on each new session). A
/// request the device cannot handle is answered by closing the socket without a response (§6.4).
/// Simulator faults (drop, delay, reboot, new cookie) are carried out here.
class HttpDeviceServer : public QObject
{
    Q_OBJECT
public:
    /// `device` is not owned and must outlive the server.
    explicit HttpDeviceServer(SimulatedDevice *device, QObject *parent = nullptr);
    ~HttpDeviceServer() override;

    /// Listens on `address`:`port` (0 = ephemeral). Returns false with errorString() on failure.
    bool listen(const QHostAddress &address, quint16 port = 0);
    quint16 port() const;
    QString errorString() const;

    /// Decides, per accepted TCP connection, whether it is served: false closes it at once, before
    /// any byte is read (prov-sim --nm: only a station joined to the device's access point reaches it).
    /// Unset = every connection is served.
    void setConnectionFilter(std::function<bool(const QHostAddress &peer)> filter);
    /// Aborts every open connection (the access point went away under the client).
    void dropConnections();
    /// The peer of the connection served last (null before the first).
    QHostAddress lastPeer() const;

Q_SIGNALS:
    /// One line per request for the simulator's log (endpoint, sizes, outcome; never secrets).
    void requestHandled(const QString &summary);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace prov
