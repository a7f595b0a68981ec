// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QObject>
#include <QString>
#include <QStringView>
#include <QUuid>

#include <memory>
#include <optional>

namespace prov {

class BleConnectionLimit;
class Transport;

/// Holds the meta-object of TransportKind: `prov` already has its Q_NAMESPACE in error.h and a
/// namespace can have only one. Use the enum as prov::TransportKind.
namespace transportmeta {
Q_NAMESPACE

/// Which link carries the protocomm endpoints (docs/protocol.md §6, §7). The numbers never change;
/// new transports and vendor links are appended.
enum class TransportKind : int {
    SoftAp = 0, ///< HTTP/1.1 to the device's SoftAP web server (§6)
    Ble = 1, ///< GATT characteristics of the provisioning service (§7)
};
Q_ENUM_NS(TransportKind)
} // namespace transportmeta

using transportmeta::TransportKind;

/// The wire and record spelling: "softap", "ble" (the QR payload's `transport`, §11); the number as
/// text for a value this build does not know (a record written by a newer build).
QString transportKindName(TransportKind kind);
/// Display text: "SoftAP", "BLE".
QString transportKindDisplayName(TransportKind kind);
/// Parses user or wire input, case-insensitively and exactly (no trimming): "softap" (esp_prov's
/// alias "httpd" too) and "ble". nullopt for anything else.
std::optional<TransportKind> transportKindFromName(QStringView name);

/// Everything needed to build a Transport to one device: the saved settings of a link, apart from
/// the live link (in the way of QGroundControl's LinkConfiguration). Holds one secret only, the
/// SoftAP password of a device joined through NetworkManager (`softApPassword`): never logged.
struct TransportConfig
{
    static constexpr int kDefaultBleConnectTimeoutMs = 15000; ///< BleTransport::kDefaultConnectTimeoutMs
    static constexpr int kDefaultBleMaxRequestBytes = 481; ///< BleTransport::kDefaultMaxRequestBytes

    TransportKind kind = TransportKind::SoftAp;

    // ---- SoftAP (§6.1)
    QString host; ///< host name or IPv4 address; empty = the SoftAP default 192.168.4.1
    quint16 port = 80; ///< TCP port; 0 = 80
    /// HTTP: bind the socket to this local IPv4 address first ("" = any): the address of the interface
    /// that joined the device's SoftAP, so requests take that link whatever the routes say.
    QString localAddress;

    // ---- SoftAP joined through NetworkManager (softap.h, SoftApTransport)
    /// Non-empty: join this SoftAP SSID first; `host` is then ignored (the link's gateway is the
    /// device) and `port` is the device's HTTP port.
    QString softApSsid;
    QString softApBssid; ///< prefer this access point ("AA:BB:..."); "" = any with the SSID
    QString wifiInterface; ///< "wlan0"; "" = the first Wi-Fi interface
    int softApJoinTimeoutMs = 30000; ///< SoftApJoinRequest::joinTimeoutMs, in ms
    QByteArray softApPassword; ///< the SoftAP's WPA2 passphrase; empty = open. Secret.

    // ---- BLE (§7)
    QString bleAddress; ///< "AA:BB:CC:DD:EE:FF", as BleScanner reports it; required for BLE
    QUuid bleService; ///< the advertised provisioning service UUID, tried first (§7.2); may be null
    int bleConnectTimeoutMs = kDefaultBleConnectTimeoutMs; ///< connect + service discovery + 0x2901 reads, in
                                                           ///< ms
    int bleMaxRequestBytes = kDefaultBleMaxRequestBytes; ///< largest request in bytes, 1..512 (481:
                                                         ///< Bluedroid, §7.4)
    /// Shared per-adapter connection limit; not owned, may be null (no limit), must outlive the
    /// transport.
    BleConnectionLimit *bleLimit = nullptr;

    // ---- every transport
    int requestTimeoutMs = 5000; ///< per exchange, in ms (Transport::setTimeout())

    /// The address shown to people: "192.168.4.1:80" (the defaults filled in) / "AA:BB:CC:DD:EE:FF"
    /// (upper case, as BleTransport::address() reports it).
    QString displayAddress() const;
};

/// Builds the transport `config` describes: HttpTransport (bound to `localAddress` when set),
/// SoftApTransport (SoftAP with `softApSsid`: join through NetworkManager on the system bus first) or
/// BleTransport, with its timeouts and limits applied. The one place that constructs transports. The caller
/// owns the result and may hand it to a QObject parent with release() + setParent(); it has no parent, so it
/// is never owned twice. Lives in the calling thread. Errors: InvalidArgument (BLE without an address; a
/// timeout or size out of range; an unknown kind; a `localAddress` that is not an IP address; a `softApSsid`
/// longer than 32 bytes).
Result<std::unique_ptr<Transport>> makeTransport(const TransportConfig &config);

} // namespace prov
