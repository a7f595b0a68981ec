// SPDX-License-Identifier: Apache-2.0
// The SoftAP --service-name rule: address (esp_prov's HOST:PORT) or SSID (join first).
#include "servicename.h"

namespace provctl {

std::optional<std::pair<QString, quint16>> parseHostPort(const QString &service)
{
    const qsizetype colon = service.lastIndexOf(QLatin1Char(':'));
    const QString host = colon < 0 ? service : service.left(colon);
    bool ok = true;
    const uint port = colon < 0 ? 80 : service.mid(colon + 1).toUInt(&ok);
    if (!ok || port == 0 || port > 65535 || host.isEmpty())
        return std::nullopt;
    return std::pair { host, quint16(port) };
}

SoftApService classifySoftApService(const QString &service)
{
    SoftApService s;
    // Every IPv4 literal has a '.', every HOST:PORT a ':'; a single-label host name needs its port.
    const bool looksLikeAddress = service.contains(QLatin1Char(':')) || service.contains(QLatin1Char('.'))
        || service.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0;
    if (looksLikeAddress) {
        if (const auto hostPort = parseHostPort(service)) {
            s.kind = SoftApService::Kind::Address;
            s.host = hostPort->first;
            s.port = hostPort->second;
        }
        return s;
    }
    // 802.11 allows 1..32 bytes of SSID.
    const qsizetype bytes = service.toUtf8().size();
    if (bytes >= 1 && bytes <= 32)
        s.kind = SoftApService::Kind::Ssid;
    return s;
}

} // namespace provctl
