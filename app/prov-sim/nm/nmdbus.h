// SPDX-License-Identifier: Apache-2.0
#pragma once

// The slice of NetworkManager 1.42's D-Bus API that prov-sim's fake publishes (docs/prov-sim.md
// "NetworkManager front end"): names, paths, error names, enum values (nm-dbus-interface.h) and the
// D-Bus types of /usr/share/dbus-1/interfaces/org.freedesktop.NetworkManager*.xml.

#include <QDBusArgument>
#include <QMetaType>
#include <QString>

namespace nm {

inline const QString kService = QStringLiteral("org.freedesktop.NetworkManager");
inline const QString kPath = QStringLiteral("/org/freedesktop/NetworkManager");
inline const QString kObjectManagerPath = QStringLiteral("/org/freedesktop");
inline const QString kSettingsPath = QStringLiteral("/org/freedesktop/NetworkManager/Settings");

inline const QString kManager = QStringLiteral("org.freedesktop.NetworkManager");
inline const QString kDevice = QStringLiteral("org.freedesktop.NetworkManager.Device");
inline const QString kWireless = QStringLiteral("org.freedesktop.NetworkManager.Device.Wireless");
inline const QString kAccessPoint = QStringLiteral("org.freedesktop.NetworkManager.AccessPoint");
inline const QString kSettings = QStringLiteral("org.freedesktop.NetworkManager.Settings");
inline const QString kConnection = QStringLiteral("org.freedesktop.NetworkManager.Settings.Connection");
inline const QString kActive = QStringLiteral("org.freedesktop.NetworkManager.Connection.Active");
inline const QString kIp4Config = QStringLiteral("org.freedesktop.NetworkManager.IP4Config");
inline const QString kDhcp4Config = QStringLiteral("org.freedesktop.NetworkManager.DHCP4Config");

/// The simulator's own control object on the same connection (not part of NetworkManager).
inline const QString kControlPath = QStringLiteral("/org/provsim/nm");
inline const QString kControl = QStringLiteral("org.provsim.NetworkManagerControl1");

/// Error names NetworkManager replies with (NMManagerError, NMDeviceError, NMConnectionError).
namespace error {
inline const QString PermissionDenied = QStringLiteral("org.freedesktop.NetworkManager.PermissionDenied");
inline const QString UnknownDevice = QStringLiteral("org.freedesktop.NetworkManager.UnknownDevice");
inline const QString UnknownConnection = QStringLiteral("org.freedesktop.NetworkManager.UnknownConnection");
inline const QString ConnectionNotActive = QStringLiteral(
    "org.freedesktop.NetworkManager.ConnectionNotActive");
inline const QString InvalidArguments = QStringLiteral("org.freedesktop.NetworkManager.InvalidArguments");
inline const QString DeviceNotAllowed = QStringLiteral("org.freedesktop.NetworkManager.Device.NotAllowed");
inline const QString DeviceNotActive = QStringLiteral("org.freedesktop.NetworkManager.Device.NotActive");
inline const QString InvalidProperty = QStringLiteral(
    "org.freedesktop.NetworkManager.Settings.Connection.InvalidProperty");
inline const QString InvalidConnection = QStringLiteral(
    "org.freedesktop.NetworkManager.Settings.Connection.InvalidConnection");
} // namespace error

/// NMState.
enum State : quint32 { StateDisconnected = 20, StateConnecting = 40, StateConnectedGlobal = 70 };

/// NMDeviceState.
enum DeviceState : quint32 {
    DeviceUnavailable = 20,
    DeviceDisconnected = 30,
    DevicePrepare = 40,
    DeviceConfig = 50,
    DeviceNeedAuth = 60,
    DeviceIpConfig = 70,
    DeviceActivated = 100,
    DeviceDeactivating = 110,
    DeviceFailed = 120,
};

/// NMDeviceStateReason (the ones the fake uses).
enum DeviceReason : quint32 {
    DeviceReasonNone = 0,
    DeviceReasonNoSecrets = 7,
    DeviceReasonSupplicantDisconnect = 8,
    DeviceReasonConnectionRemoved = 38,
    DeviceReasonUserRequested = 39,
    DeviceReasonSsidNotFound = 53,
    DeviceReasonNewActivation = 60,
};

/// NMActiveConnectionState and NMActiveConnectionStateReason.
enum ActiveState : quint32 {
    ActiveActivating = 1,
    ActiveActivated = 2,
    ActiveDeactivating = 3,
    ActiveDeactivated = 4
};
enum ActiveReason : quint32 {
    ActiveReasonNone = 1,
    ActiveReasonUserDisconnected = 2,
    ActiveReasonDeviceDisconnected = 3,
    ActiveReasonNoSecrets = 9,
    ActiveReasonConnectionRemoved = 11,
};

/// NMSettingsConnectionFlags.
enum ConnectionFlag : quint32 { FlagUnsaved = 0x1, FlagNmGenerated = 0x2, FlagVolatile = 0x4 };

/// NM80211ApFlags / NM80211ApSecurityFlags of a WPA2-PSK (CCMP) access point.
constexpr quint32 kApFlagPrivacy = 0x1;
constexpr quint32 kApRsnWpa2Psk = 0x8 | 0x80 | 0x100; // PAIR_CCMP | GROUP_CCMP | KEY_MGMT_PSK
constexpr quint32 kDeviceTypeWifi = 2;

/// Device.StateReason, D-Bus (uu).
struct StateReason
{
    quint32 state = 0;
    quint32 reason = 0;
    bool operator==(const StateReason &) const = default;
};

QDBusArgument &operator<<(QDBusArgument &argument, const StateReason &value);
const QDBusArgument &operator>>(const QDBusArgument &argument, StateReason &value);

/// Registers the container types the fake publishes (idempotent).
void registerDBusTypes();

} // namespace nm

Q_DECLARE_METATYPE(nm::StateReason)
