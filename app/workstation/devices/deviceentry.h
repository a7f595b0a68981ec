// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/transportconfig.h"

#include <QByteArray>
#include <QHash>
#include <QMetaType>
#include <QString>

#include <optional>

/// Where a device row came from. Bit flags: a row merged from several sources keeps them all.
/// The numbers are stable (shown and filtered on), never reuse one.
enum class DeviceOrigin : int {
    None = 0,
    Manual = 1, ///< typed in by the technician
    Qr = 2, ///< QR sticker: camera, image file, clipboard or keyboard-wedge scanner
    Manifest = 4, ///< JSON-lines manifest (prov-sim's stdout format)
    Ble = 8, ///< a BLE scan (BleSource)
    Wifi = 16, ///< a Wi-Fi scan through NetworkManager (WifiSource): the device's SoftAP
};

/// How to authenticate to a device (docs/protocol.md §5, §8, §11). Secrets: held in memory only,
/// never written to QSettings, records or logs.
struct DeviceCredentials
{
    QByteArray pop; ///< Security 1 PoP; in a QR code also the Security 2 password (§11)
    QByteArray username; ///< Security 2 username
    QByteArray password; ///< Security 2 password (manual entry); empty: use `pop`
    /// The device's SoftAP WPA2 passphrase (QR `password`, §11) for joining it through
    /// NetworkManager; empty = an open SoftAP.
    QByteArray softApPassword;

    /// True when no session credential is set (the SoftAP passphrase opens the link, not the session).
    bool isEmpty() const { return pop.isEmpty() && username.isEmpty() && password.isEmpty(); }
    bool operator==(const DeviceCredentials &) const = default;
};

/// One provisionable device as a DeviceSource reports it. Unknown fields are empty/nullopt; when a
/// second source reports the same service name, DeviceListModel merges the known fields in.
struct DeviceEntry
{
    /// SoftAP default port of ESP-IDF's protocomm_httpd (§6.1).
    static constexpr quint16 kDefaultSoftApPort = 80;

    QString serviceName; ///< SoftAP SSID / BLE name ("PROV_1A2B3C"): the row key
    /// Parsed once where the row enters the app (manifest, QR payload, BLE scan, manual entry).
    prov::TransportKind transport = prov::TransportKind::SoftAp;
    QString host; ///< IP or host name; empty: unknown (SoftAP: 192.168.4.1 is assumed)
    quint16 port = 0; ///< 0: unknown (SoftAP: 80)
    std::optional<int> rssi; ///< dBm, when a scanner saw the device; never set while `cached`
    /// BLE only: BlueZ remembers the device (its cache) but the scan did not hear it advertising,
    /// so there is no RSSI and connecting will probably fail (docs/protocol.md §7.1). Set and cleared
    /// only by BLE scan reports (BleSource, from prov::BleDeviceInfo::cached).
    bool cached = false;
    std::optional<int> secVer; ///< 0/1/2 when a source says so (proto-ver decides in the end)
    // ---- Wi-Fi scan (WifiSource): the device's SoftAP as NetworkManager sees it
    QString bssid; ///< "AA:BB:CC:DD:EE:FF" of its access point; "" unknown
    /// Signal strength in PERCENT (0..100) as NetworkManager reports it; never dBm (that is `rssi`).
    std::optional<int> signalPercent;
    /// int(prov::ApSecurity) of the access point; nullopt unknown.
    std::optional<int> apSecurity;
    QString wifiInterface; ///< the Wi-Fi interface that saw it last, "wlan0"; "" unknown
    int origins = int(DeviceOrigin::None); ///< DeviceOrigin bits
    DeviceCredentials credentials; ///< secret
    /// The manifest's `fields` for the line's `${field:NAME}` placeholders (not secret).
    QHash<QString, QString> fields;

    QString key() const { return serviceName; }
    bool isSoftAp() const { return transport == prov::TransportKind::SoftAp; }
    bool addressKnown() const { return !host.isEmpty(); }
    /// True when the device is reached by joining its SoftAP through NetworkManager (by SSID, and
    /// the BSSID when known): a SoftAP device without a known host that a Wi-Fi scan or a QR
    /// sticker reported (a row whose access point the scan lost keeps its BSSID). A host:port device
    /// (manifest, manual entry, an edited address) is reached directly, as before.
    bool joinsSoftAp() const
    {
        return isSoftAp() && host.isEmpty()
            && (!bssid.isEmpty() || (origins & (int(DeviceOrigin::Wifi) | int(DeviceOrigin::Qr))));
    }
    /// Host to connect to: `host`, or the SoftAP default 192.168.4.1 when unknown.
    QString effectiveHost() const;
    /// Port to connect to: `port`, or 80 when unknown.
    quint16 effectivePort() const { return port != 0 ? port : kDefaultSoftApPort; }
    /// "host:port" for display and records; SoftAP devices with no known address show the
    /// default "192.168.4.1:80", or, when joined through NetworkManager (joinsSoftAp()), the BSSID of
    /// their access point (the SSID while unknown); BLE devices show their Bluetooth address (their
    /// service name while the address is unknown).
    QString displayAddress() const;
    /// Fills this entry's unknown fields from `other` and takes `other`'s known ones (non-empty
    /// credential parts replace ours; `other`'s fields are added to ours). Used when two sources
    /// report the same device.
    /// A report from the BLE scan (`other.origins` has DeviceOrigin::Ble) also decides `cached`:
    /// a cached report clears the RSSI to unknown (the last one is stale), an advertising one
    /// sets cached = false and takes its RSSI. Other sources never touch `cached`.
    /// A report from the Wi-Fi scan (DeviceOrigin::Wifi) brings the BSSID, signal, security and
    /// interface; a report without them (QR, manifest) keeps ours.
    void mergeFrom(const DeviceEntry &other);
};
Q_DECLARE_METATYPE(DeviceEntry)

/// Parses "host:port", "host" (port 80) or "[v6]:port". Returns false for an empty host or a port
/// outside 1..65535.
bool parseHostPort(const QString &text, QString *host, quint16 *port);
