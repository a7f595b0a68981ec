// SPDX-License-Identifier: Apache-2.0
#pragma once

// The slice of bluetoothd's D-Bus API that prov-sim's fake org.bluez publishes (docs/prov-sim.md
// "BLE front end"; docs/ble-testing.md §2): names, paths, error names and the exact
// D-Bus container types Qt Bluetooth's BlueZ backend demarshals.

#include <QDBusObjectPath>
#include <QDBusVariant>
#include <QMap>
#include <QString>
#include <QVariantMap>

#include <optional>

class QDBusMessage;

namespace bluez {

inline const QString kService = QStringLiteral("org.bluez");
inline const QString kAdapterPath = QStringLiteral("/org/bluez/hci0");

inline const QString kObjectManager = QStringLiteral("org.freedesktop.DBus.ObjectManager");
inline const QString kProperties = QStringLiteral("org.freedesktop.DBus.Properties");
inline const QString kAdapter = QStringLiteral("org.bluez.Adapter1");
inline const QString kDevice = QStringLiteral("org.bluez.Device1");
inline const QString kGattService = QStringLiteral("org.bluez.GattService1");
inline const QString kGattCharacteristic = QStringLiteral("org.bluez.GattCharacteristic1");
inline const QString kGattDescriptor = QStringLiteral("org.bluez.GattDescriptor1");

/// The simulator's own control object on the same connection (not part of BlueZ).
inline const QString kControlPath = QStringLiteral("/org/provsim");
inline const QString kControl = QStringLiteral("org.provsim.Control1");

/// org.bluez.Error.* names bluetoothd uses (src/error.c).
namespace error {
inline const QString Failed = QStringLiteral("org.bluez.Error.Failed");
inline const QString NotPermitted = QStringLiteral("org.bluez.Error.NotPermitted");
inline const QString NotAuthorized = QStringLiteral("org.bluez.Error.NotAuthorized");
inline const QString InProgress = QStringLiteral("org.bluez.Error.InProgress");
inline const QString NotReady = QStringLiteral("org.bluez.Error.NotReady");
inline const QString NotConnected = QStringLiteral("org.bluez.Error.NotConnected");
inline const QString NotSupported = QStringLiteral("org.bluez.Error.NotSupported");
inline const QString InvalidArguments = QStringLiteral("org.bluez.Error.InvalidArguments");
inline const QString InvalidOffset = QStringLiteral("org.bluez.Error.InvalidOffset");
inline const QString InvalidValueLength = QStringLiteral("org.bluez.Error.InvalidValueLength");
inline const QString DoesNotExist = QStringLiteral("org.bluez.Error.DoesNotExist");
} // namespace error

/// a{sa{sv}}: interface name -> properties.
using InterfaceMap = QMap<QString, QVariantMap>;
/// a{oa{sa{sv}}}: GetManagedObjects().
using ManagedObjects = QMap<QDBusObjectPath, InterfaceMap>;
/// a{qv}: Device1.ManufacturerData (company id -> bytes).
using ManufacturerData = QMap<quint16, QDBusVariant>;

/// Registers the container types above with QtDBus (idempotent).
void registerDBusTypes();

/// Argument `index` of `call` as an a{sv} dictionary (ReadValue/WriteValue options,
/// SetDiscoveryFilter's filter); an absent argument is an empty dictionary. std::nullopt when the
/// argument has any other D-Bus type: demarshalling it as a{sv} would make libdbus abort prov-sim,
/// so a hostile or buggy caller gets an error reply instead.
std::optional<QVariantMap> dictArgument(const QDBusMessage &call, int index);

} // namespace bluez
