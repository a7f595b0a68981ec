// SPDX-License-Identifier: Apache-2.0
#include "prov/wifi.h"

#include <array>

namespace prov {

namespace {
struct AuthName
{
    const char *display;
    const char *wire;
};
// Index = wifi_auth_mode_t value (§3.3 WifiAuthMode).
constexpr std::array<AuthName, 8> kAuthNames { {
    { "Open", "Open" },
    { "WEP", "WEP" },
    { "WPA-PSK", "WPA_PSK" },
    { "WPA2-PSK", "WPA2_PSK" },
    { "WPA/WPA2-PSK", "WPA_WPA2_PSK" },
    { "WPA2-Enterprise", "WPA2_ENTERPRISE" },
    { "WPA3-PSK", "WPA3_PSK" },
    { "WPA2/WPA3-PSK", "WPA2_WPA3_PSK" },
} };
} // namespace

QString authModeName(int rawAuthMode)
{
    if (rawAuthMode >= 0 && rawAuthMode < int(kAuthNames.size()))
        return QString::fromLatin1(kAuthNames[rawAuthMode].display);
    return QStringLiteral("unknown (%1)").arg(rawAuthMode);
}

int authModeFromName(const QString &name)
{
    for (int i = 0; i < int(kAuthNames.size()); ++i) {
        if (name.compare(QLatin1String(kAuthNames[i].display), Qt::CaseInsensitive) == 0
            || name.compare(QLatin1String(kAuthNames[i].wire), Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

QString wifiStateName(WifiState state)
{
    switch (state) {
    case WifiState::Connected:
        return QStringLiteral("Connected");
    case WifiState::Connecting:
        return QStringLiteral("Connecting");
    case WifiState::Disconnected:
        return QStringLiteral("Disconnected");
    case WifiState::ConnectionFailed:
        return QStringLiteral("ConnectionFailed");
    }
    return QStringLiteral("Unknown");
}

std::optional<Error> validateWifiCredentials(const WifiCredentials &c, int authMode)
{
    // Device-side limits (§9.1 step 5): ssid <= 32 B, passphrase <= 63 B, bssid empty or 6 B.
    if (c.ssid.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("SSID is empty"));
    if (c.ssid.size() > 32)
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("SSID is %1 bytes; at most 32 are allowed").arg(c.ssid.size()));
    if (c.passphrase.size() > 63)
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("passphrase is %1 bytes; the device accepts at most 63 "
                           "(a 64-hex-digit PSK is rejected)")
                .arg(c.passphrase.size()));
    if (!c.bssid.isEmpty() && c.bssid.size() != 6)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("BSSID must be 6 bytes, got %1").arg(c.bssid.size()));
    if (c.channel < 0 || c.channel > 196)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("channel %1 is out of range").arg(c.channel));
    if (authMode == int(AuthMode::Open) && !c.passphrase.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("open network takes no passphrase"));
    const bool psk = authMode == int(AuthMode::WPA_PSK) || authMode == int(AuthMode::WPA2_PSK)
        || authMode == int(AuthMode::WPA_WPA2_PSK) || authMode == int(AuthMode::WPA3_PSK)
        || authMode == int(AuthMode::WPA2_WPA3_PSK);
    if (psk) {
        if (c.passphrase.size() < 8)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("WPA passphrase must be 8..63 characters, got %1").arg(c.passphrase.size()));
        for (char ch : c.passphrase) {
            if (ch < 0x20 || ch > 0x7e)
                return makeError(
                    ErrorCode::InvalidArgument, QStringLiteral("WPA passphrase must be printable ASCII"));
        }
    }
    return std::nullopt;
}

} // namespace prov
