// SPDX-License-Identifier: Apache-2.0
#include "session/wifiinfo.h"

#include <QStringDecoder>

namespace ws {

int signalBars(int rssiDbm)
{
    if (rssiDbm >= -55)
        return 4;
    if (rssiDbm >= -67)
        return 3;
    if (rssiDbm >= -78)
        return 2;
    if (rssiDbm >= -89)
        return 1;
    return 0;
}

WifiBand bandForChannel(int channel)
{
    if (channel >= 1 && channel <= 14)
        return WifiBand::Band2_4GHz;
    if (channel >= 32 && channel <= 177)
        return WifiBand::Band5GHz;
    if (channel >= 181 && channel <= 233)
        return WifiBand::Band6GHz;
    return WifiBand::Unknown;
}

QString bandName(WifiBand band)
{
    switch (band) {
    case WifiBand::Band2_4GHz:
        return QStringLiteral("2.4 GHz");
    case WifiBand::Band5GHz:
        return QStringLiteral("5 GHz");
    case WifiBand::Band6GHz:
        return QStringLiteral("6 GHz");
    case WifiBand::Unknown:
        break;
    }
    return {};
}

QString authWords(int raw)
{
    // wifi_auth_mode_t of ESP-IDF 5.x (esp_wifi_types.h); values past the table stay numeric.
    switch (raw) {
    case 0:
        return QStringLiteral("Open");
    case 1:
        return QStringLiteral("WEP");
    case 2:
        return QStringLiteral("WPA-Personal");
    case 3:
        return QStringLiteral("WPA2-Personal");
    case 4:
        return QStringLiteral("WPA/WPA2-Personal");
    case 5:
        return QStringLiteral("WPA2-Enterprise");
    case 6:
        return QStringLiteral("WPA3-Personal");
    case 7:
        return QStringLiteral("WPA2/WPA3-Personal");
    case 8:
        return QStringLiteral("WAPI-Personal");
    case 9:
        return QStringLiteral("OWE (Enhanced Open)");
    case 10:
        return QStringLiteral("WPA3-Enterprise 192-bit");
    case 11:
    case 12:
        return QStringLiteral("WPA3-Personal (extended)");
    case 13:
        return QStringLiteral("DPP");
    case 14:
        return QStringLiteral("WPA3-Enterprise");
    case 15:
        return QStringLiteral("WPA2/WPA3-Enterprise");
    case 16:
        return QStringLiteral("WPA-Enterprise");
    default:
        break;
    }
    return QStringLiteral("Unknown security (%1)").arg(raw);
}

bool isSecured(int raw)
{
    return raw != int(prov::AuthMode::Open);
}

bool isEnterprise(int raw)
{
    return raw == 5 || raw == 10 || raw == 14 || raw == 15 || raw == 16;
}

bool needsPassphrase(int raw)
{
    return raw == 1 || raw == 2 || raw == 3 || raw == 4 || raw == 6 || raw == 7 || raw == 8 || raw == 11
        || raw == 12;
}

QString formatBssid(const QByteArray &bssid)
{
    return QString::fromLatin1(bssid.toHex(':'));
}

QString displaySsid(const QByteArray &ssid)
{
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8.decode(ssid);
    if (!utf8.hasError())
        return text;
    QString out;
    for (char c : ssid) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f && u != '\\')
            out += QLatin1Char(c);
        else
            out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
    }
    return out;
}

std::optional<prov::Error> checkCredentials(const prov::WifiCredentials &credentials, int rawAuthMode)
{
    using prov::ErrorCode;
    if (isEnterprise(rawAuthMode))
        return prov::makeError(ErrorCode::InvalidArgument,
            QStringLiteral("%1 networks need 802.1X credentials, which Wi-Fi provisioning "
                           "cannot send. Choose a personal (PSK) network.")
                .arg(authWords(rawAuthMode)));
    if (rawAuthMode == int(prov::AuthMode::WEP)) {
        const QByteArray &p = credentials.passphrase;
        const bool hex = !p.isEmpty() && QByteArray::fromHex(p).toHex() == p.toLower();
        const bool ok = p.size() == 5 || p.size() == 13 || (hex && (p.size() == 10 || p.size() == 26));
        if (!ok)
            return prov::makeError(ErrorCode::InvalidArgument,
                QStringLiteral("A WEP key is 5 or 13 characters, or 10 or 26 hex digits "
                               "(this one has %1).")
                    .arg(p.size()));
    }
    // Unknown or non-PSK modes (OWE, WAPI, ...) only get the device's length rules.
    const int libMode = rawAuthMode >= 0 && rawAuthMode <= 7 ? rawAuthMode : -1;
    if (auto e = prov::validateWifiCredentials(credentials, libMode)) {
        QString sentence = e->detail;
        if (!sentence.isEmpty())
            sentence[0] = sentence[0].toUpper();
        return prov::makeError(e->code, sentence + QLatin1Char('.'));
    }
    return std::nullopt;
}

} // namespace ws
