// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/httptransport.h"
#include "prov/softap.h"

#include <QDBusConnection>

#include <memory>
#include <optional>

namespace prov {

/// SoftAP transport that joins the device's access point first (SoftApLink, through NetworkManager)
/// and then speaks HTTP to the link's gateway (docs/protocol.md §6) with an HttpTransport whose socket
/// is bound to this station's address on that link, so requests go over the SoftAP even while another
/// interface holds the default route (esp-idf-provisioning-android#64, #104).
///
/// - The first exchange joins (the join has its own limit, SoftApJoinRequest::joinTimeoutMs; the
///   per-exchange timeout starts once joined). linkProgress() reports the steps.
/// - The joined link going down (lost(): the access point vanished, often right after ApplyConfig when
///   the device moves its radio to the home network's channel, esp-idf-provisioning-android#25, #95)
///   ends an exchange in flight with Disconnected and emits linkClosed(), exactly like a BLE link: the
///   Provisioner then confirms by reconnecting (the next exchange joins again when the access point is
///   still there) or reports the honest outcome (AfterApplyLinkClosed). An HTTP failure (connect
///   refused, connection dropped, timeout) first asks NetworkManager for up to 2 s whether the link is
///   still up: TCP often learns of the loss before NetworkManager does.
/// - leave() (or the destructor) gives the interface back: the volatile connection goes, the
///   connection active before comes back.
///
/// Errors of an exchange: those of SoftApLink::join() (AccessPointNotFound, SoftApAuthFailed,
/// JoinTimeout, DhcpTimeout, PermissionDenied, NoWifiInterface, WifiDisabled, Unavailable) and of
/// HttpTransport, Disconnected when the link went down.
class SoftApTransport : public Transport
{
    Q_OBJECT
public:
    /// `join`: what to join (holds the SoftAP password); `port`: the device's HTTP port (0 = 80).
    SoftApTransport(const SoftApJoinRequest &join, quint16 port,
        QDBusConnection bus = QDBusConnection::systemBus(), QObject *parent = nullptr);
    ~SoftApTransport() override;

    void resetSession() override;
    TransportKind kind() const override { return TransportKind::SoftAp; }
    /// "127.0.0.2:80" (gateway:port) once joined, "PROV_1A2B3C" (the SSID) before.
    QString address() const override;
    int maxRequestSize() const override { return HttpTransport::kMaxBodyBytes; }

    /// The SSID this transport joins.
    QString ssid() const;
    /// The joined link, nullopt while not joined.
    std::optional<SoftApJoinResult> joined() const;
    /// Gives the interface back now (SoftApLink::leave()). Later exchanges join again.
    Pending<void> *leave();

Q_SIGNALS:
    /// Joined (also after a re-join).
    void joinedLink(const prov::SoftApJoinResult &link);

protected:
    void startExchange(const QString &endpoint, const QByteArray &request) override;
    void abortExchange() override;

private:
    void linkLost(const Error &reason);
    void httpFailed(const Error &error, quint64 generation, int checksLeft);
    void linkChecked(bool up, const Error &error, quint64 generation, int checksLeft);

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace prov
