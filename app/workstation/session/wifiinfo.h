// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/wifi.h"

#include <QByteArray>
#include <QString>

#include <optional>

/// Presentation rules for the device's own Wi-Fi scan (docs/protocol.md §9.3): signal bars, band,
/// security words, and the app-side credential checks that complement prov::validateWifiCredentials.
/// Pure functions, any thread.
namespace ws {

/// Signal bars 0..4 from an RSSI in dBm. Thresholds (the usual Android/ESP-IDF example steps):
/// >= -55 dBm: 4, >= -67: 3, >= -78: 2, >= -89: 1, below: 0.
int signalBars(int rssiDbm);

/// Wi-Fi band of a primary channel. The scan result carries no band field (§9.3), so the channel
/// number decides: 1..14 -> 2.4 GHz, 32..177 -> 5 GHz, 181..233 -> 6 GHz (the only 6 GHz numbers
/// that cannot be 5 GHz ones; ESP32 parts do not use 6 GHz), anything else -> Unknown.
enum class WifiBand : int { Unknown = 0, Band2_4GHz = 1, Band5GHz = 2, Band6GHz = 3 };
WifiBand bandForChannel(int channel);
/// "2.4 GHz", "5 GHz", "6 GHz" or "" (unknown).
QString bandName(WifiBand band);

/// Words a technician recognises for a raw `wifi_auth_mode_t` (§3.3, values above 7 kept, §9.3
/// item 3): "Open", "WEP", "WPA2-Personal", "WPA2/WPA3-Personal", "WPA2-Enterprise", "OWE", ...
QString authWords(int rawAuthMode);
/// true when the link is encrypted (anything but Open).
bool isSecured(int rawAuthMode);
/// true when joining needs a passphrase (WEP, WPA*/WPA3 personal, WAPI-PSK).
bool needsPassphrase(int rawAuthMode);
/// true for enterprise (802.1X) networks, which the stock provisioning handlers cannot join
/// (they only carry an SSID and a passphrase, §9.1).
bool isEnterprise(int rawAuthMode);

/// "aa:bb:cc:dd:ee:ff" (lower-case), or "" for an empty BSSID.
QString formatBssid(const QByteArray &bssid);
/// SSID bytes for display: UTF-8 when valid, otherwise printable ASCII with \xNN escapes.
/// An empty SSID (hidden network) gives "".
QString displaySsid(const QByteArray &ssid);

/// Checks credentials before anything is sent: prov::validateWifiCredentials (lengths §9.1, open
/// takes no passphrase, WPA*-PSK 8..63 printable ASCII; a 64-hex PSK is refused because the device
/// refuses it, §13 item 16) plus the app's rules for WEP (5 or 13 ASCII characters, or 10 or 26
/// hex digits) and enterprise networks (not provisionable). `rawAuthMode` -1 = unknown (hidden
/// network typed by hand): only the length rules apply. Returns nullopt when the credentials may
/// be sent, else an InvalidArgument error whose detail is a sentence for the technician.
std::optional<prov::Error> checkCredentials(const prov::WifiCredentials &credentials, int rawAuthMode);

} // namespace ws
