// SPDX-License-Identifier: Apache-2.0
#include "prov/gatt.h"

namespace prov::gatt {

namespace {
struct StandardEndpoint
{
    const char *name;
    quint16 id;
};
constexpr StandardEndpoint kStandard[] = {
    { "prov-ctrl", 0xFF4F },
    { "prov-scan", 0xFF50 },
    { "prov-session", 0xFF51 },
    { "prov-config", 0xFF52 },
    { "proto-ver", 0xFF53 },
};
} // namespace

QUuid defaultServiceUuid()
{
    return QUuid(QStringLiteral("{1775244d-6b43-439b-877c-060f2d9bed07}"));
}

QUuid exampleServiceUuid()
{
    return QUuid(QStringLiteral("{021a9004-0382-4aea-bff4-6b3f1c5adfb4}"));
}

std::optional<quint16> standardEndpointId(const QString &endpoint)
{
    for (const auto &e : kStandard) {
        if (endpoint == QLatin1String(e.name))
            return e.id;
    }
    return std::nullopt;
}

QUuid characteristicUuid(const QUuid &service, quint16 id16)
{
    QUuid c = service;
    // data1 is the first 32-bit group of the canonical form; its low 16 bits are LSB-first bytes 12..13.
    c.data1 = (service.data1 & 0xFFFF0000u) | id16;
    return c;
}

std::optional<quint16> endpointIdOf(const QUuid &service, const QUuid &characteristic)
{
    if (characteristicUuid(service, 0) != characteristicUuid(characteristic, 0))
        return std::nullopt;
    return quint16(characteristic.data1 & 0xFFFFu);
}

QList<QPair<QString, QUuid>> derivedEndpointMap(const QUuid &service, const QStringList &customEndpoints)
{
    QList<QPair<QString, QUuid>> map;
    for (const auto &e : kStandard)
        map.append({ QString::fromLatin1(e.name), characteristicUuid(service, e.id) });
    quint16 id = firstCustomEndpointId;
    for (const QString &name : customEndpoints)
        map.append({ name, characteristicUuid(service, id++) });
    return map;
}

} // namespace prov::gatt
