// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal to the BLE transport and scanner (the only place Qt Bluetooth and BlueZ's D-Bus names
// appear, docs/architecture.md principle 3).

#include "prov/error.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcProvBle) // prov.transport.ble
Q_DECLARE_LOGGING_CATEGORY(lcProvBleScan) // prov.ble.scanner

namespace prov::ble {

/// Serialises Qt Bluetooth's process-wide lazy initialisation (bluetoothdVersion(), isBluez5():
/// unsynchronised globals in Qt 6.4) when controllers and agents are created on several threads.
QMutex &qtBluetoothInitMutex();

/// How a BlueZ D-Bus error name maps to a libprov error for an access to `what` (§7.5, §7.6):
/// NotPermitted/NotAuthorized → PairingRequired, InvalidValueLength/InvalidOffset →
/// PayloadTooLarge, NotConnected/UnknownObject → Disconnected, anything else (or "" = the probe
/// read worked) → DeviceRefused.
Error accessError(const QString &dbusErrorName, const QString &what);

/// "24-0A-C4-12-34-56" is what Qt reports as the name of a device BlueZ has no name for (its
/// Alias defaults to the address): that is no name.
bool isPlaceholderName(const QString &name, const QString &address);

} // namespace prov::ble
