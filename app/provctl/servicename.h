// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a SoftAP `--service-name` means (docs/provctl.md "SoftAP: address or SSID"). esp_prov's
// meaning stays: HOST:PORT of a device already reachable. Anything that does not look like an address
// is the SSID of the device's SoftAP, which provctl joins through NetworkManager first.

#include <QString>

#include <optional>
#include <utility>

namespace provctl {

/// HOST or HOST:PORT (port 80 when absent). nullopt when the host is empty or the port is not
/// 1..65535.
std::optional<std::pair<QString, quint16>> parseHostPort(const QString &service);

/// A SoftAP `--service-name`, classified once.
struct SoftApService
{
    enum class Kind {
        Address, ///< HOST[:PORT]: HTTP to it directly (esp_prov's meaning)
        Ssid, ///< the SSID of the device's SoftAP: join it first (NetworkManager)
        Invalid, ///< has a ':' but is not HOST:PORT, or an SSID longer than 32 bytes
    };
    Kind kind = Kind::Invalid;
    QString host; ///< Address
    quint16 port = 80; ///< Address
};

/// The rule: an **address** when the text contains a ':' (then it must be HOST:PORT with a port
/// 1..65535) or a '.' (an IPv4 literal, a DNS name), or is "localhost"; anything else is an **SSID**
/// (1..32 bytes of UTF-8). So "192.168.4.1:80", "127.0.0.1:8080", "192.168.4.1", "esp32.local" and
/// "espdevice:80" are addresses; "PROV_1A2B3C" and "My Device" are SSIDs.
SoftApService classifySoftApService(const QString &service);

} // namespace provctl
