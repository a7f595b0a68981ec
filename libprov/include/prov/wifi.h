// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

/// Typed Wi-Fi and Thread provisioning values (docs/protocol.md §3.3, §9, §10). These are libprov's
/// public types; protobuf never appears in public headers.
namespace prov {

/// Holds the meta-object of the Wi-Fi enums (so they reach QML by name): `prov` already has its
/// Q_NAMESPACE in error.h and a namespace can have only one. Use them as prov::X.
namespace wifimeta {
Q_NAMESPACE

/// ESP-IDF `wifi_auth_mode_t` values as sent in `WiFiScanResult.auth` / `WifiConnectedState.auth_mode`.
/// The wire can carry values above 7 (WAPI, OWE, WPA3-Enterprise, §9.3 item 3): they are kept as raw
/// ints in `ScanEntry::authMode`, never rejected.
enum class AuthMode : int {
    Open = 0,
    WEP = 1,
    WPA_PSK = 2,
    WPA2_PSK = 3,
    WPA_WPA2_PSK = 4,
    WPA2_Enterprise = 5,
    WPA3_PSK = 6,
    WPA2_WPA3_PSK = 7,
};

Q_ENUM_NS(AuthMode)

/// `WifiStationState` (§9.2).
enum class WifiState : int { Connected = 0, Connecting = 1, Disconnected = 2, ConnectionFailed = 3 };
/// `WifiConnectFailedReason` (§9.2).
enum class WifiFailReason : int { AuthError = 0, NetworkNotFound = 1 };
Q_ENUM_NS(WifiState)
Q_ENUM_NS(WifiFailReason)
} // namespace wifimeta

using wifimeta::AuthMode;

/// Human name of a raw auth mode: "Open", "WPA2-PSK", ..., "unknown (9)".
QString authModeName(int rawAuthMode);
/// Parses the names used by authModeName() and the proto enum names ("WPA2_PSK"); -1 when unknown.
int authModeFromName(const QString &name);

/// One access point as the device saw it (`WiFiScanResult`, §9.3).
struct ScanEntry
{
    QByteArray ssid; ///< Raw SSID bytes, 0..32 B, not necessarily UTF-8; trailing NULs stripped.
    int channel = 0; ///< Primary channel, 1..14 (2.4 GHz) or 36..177 (5 GHz).
    int rssi = 0; ///< Signal strength in dBm (negative).
    QByteArray bssid; ///< 6 bytes (or empty if the device sent none).
    int authMode = 0; ///< Raw `wifi_auth_mode_t`, see AuthMode.
};

/// Options for a device-side Wi-Fi scan (`CmdScanWifiStart`, §9.3).
struct ScanOptions
{
    bool blocking = true; ///< The device answers ScanStart only when the scan has finished.
    bool passive = false; ///< Passive scan instead of active.
    int groupChannels = 5; ///< Channels per group; 0 = one all-channel scan. esp_prov: 5 on SoftAP, 0 on BLE.
    int periodMs = 120; ///< Per-channel dwell in ms.
    int pageSize = 4; ///< Entries per ScanResult request (1..255). Keep 4 over BLE (§7.4).
    int statusPollMs = 200; ///< Delay between ScanStatus polls in ms when not blocking.
};

using wifimeta::WifiFailReason;
using wifimeta::WifiState;

QString wifiStateName(WifiState state);

/// A decoded `RespGetWifiStatus` (§9.2).
struct WifiStatus
{
    WifiState state = WifiState::Disconnected;
    std::optional<WifiFailReason> failReason; ///< Set with ConnectionFailed.
    std::optional<int> attemptsRemaining; ///< Set with Connecting after a failed attempt (`attempt_failed`).
    // Connected only:
    QString ip4; ///< Dotted IPv4 address.
    QByteArray ssid; ///< Raw SSID bytes.
    QByteArray bssid; ///< 6 bytes; informational (§9.2: may carry garbage after a 00 byte).
    int channel = 0;
    int authMode = 0; ///< Raw `wifi_auth_mode_t`.
};

/// What SetConfig sends (`CmdSetWifiConfig`, §9.1 step 5). Holds a secret: never log `passphrase`.
struct WifiCredentials
{
    QByteArray ssid; ///< 1..32 bytes.
    QByteArray
        passphrase; ///< 0 (open) or 8..63 bytes; 64 hex digits are rejected by the device (§13 item 16).
    QByteArray bssid; ///< Empty or exactly 6 bytes (ignored by stock firmware).
    int channel = 0; ///< 0 = any (ignored by stock firmware).
};

/// Checks SSID/passphrase/BSSID lengths as the device does (§9.1): InvalidArgument otherwise.
/// `authMode` (raw, or -1 if unknown) additionally enforces "open networks take no passphrase" and
/// "WPA*-PSK needs 8..63 printable ASCII".
std::optional<Error> validateWifiCredentials(const WifiCredentials &credentials, int authMode = -1);

// ---- Thread (network_provisioning only, §10)

/// One Thread network (`ThreadScanResult`).
struct ThreadScanEntry
{
    quint32 panId = 0;
    int channel = 0;
    int rssi = 0; ///< dBm
    int lqi = 0;
    QByteArray extAddr; ///< 8 bytes
    QString networkName; ///< padding NULs stripped
    QByteArray extPanId; ///< 8 bytes
};

enum class ThreadState : int { Attached = 0, Attaching = 1, Detached = 2, AttachingFailed = 3 };
enum class ThreadFailReason : int { DatasetInvalid = 0, NetworkNotFound = 1 };

/// A decoded `RespGetThreadStatus`.
struct ThreadStatus
{
    ThreadState state = ThreadState::Detached;
    std::optional<ThreadFailReason> failReason;
    quint32 panId = 0;
    QByteArray extPanId;
    int channel = 0;
    QString name;
};

} // namespace prov
