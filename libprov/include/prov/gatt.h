// SPDX-License-Identifier: Apache-2.0
#pragma once

/// @file gatt.h
/// GATT mapping of protocomm endpoints (protocol §7.2), shared by the BLE client (BleTransport) and the
/// simulator's fake BlueZ. Pure functions over QUuid: no Qt Bluetooth here (docs/architecture.md principle
/// 3).

#include <QList>
#include <QString>
#include <QUuid>

#include <optional>

namespace prov::gatt {

/// The service UUID firmware uses when the application does not override it (§7.2):
/// `1775244d-6b43-439b-877c-060f2d9bed07`.
QUuid defaultServiceUuid();

/// The service UUID the ESP-IDF examples set and esp_prov falls back to (§7.2):
/// `021a9004-0382-4aea-bff4-6b3f1c5adfb4`.
QUuid exampleServiceUuid();

/// The 0x2901 Characteristic User Description descriptor UUID (§7.2).
inline constexpr quint16 userDescriptionDescriptor = 0x2901;

/// The 16-bit id firmware gives a standard endpoint (§7.2 table): prov-ctrl FF4F, prov-scan FF50,
/// prov-session FF51, prov-config FF52, proto-ver FF53. std::nullopt for any other name.
std::optional<quint16> standardEndpointId(const QString &endpoint);

/// The 16-bit id of the first custom endpoint (FF54); later custom endpoints count up in the order the
/// firmware registered them (§7.2).
inline constexpr quint16 firstCustomEndpointId = 0xFF54;

/// Characteristic UUID for an endpoint: @p service with the low 16 bits of its first 32-bit group
/// (LSB-first bytes 12 and 13) replaced by @p id16 (§7.2). Substitution, not esp_prov's bitwise AND.
QUuid characteristicUuid(const QUuid &service, quint16 id16);

/// The 16-bit id carried by a characteristic UUID derived from @p service, or std::nullopt when
/// @p characteristic does not share the other 112 bits of @p service.
std::optional<quint16> endpointIdOf(const QUuid &service, const QUuid &characteristic);

/// Fallback endpoint → characteristic map when a device exposes no 0x2901 descriptors (§7.2 step 4):
/// the five standard endpoints, plus @p customEndpoints numbered from FF54 in the given order.
QList<QPair<QString, QUuid>> derivedEndpointMap(
    const QUuid &service, const QStringList &customEndpoints = {});

} // namespace prov::gatt
