// SPDX-License-Identifier: Apache-2.0
#pragma once

// NetworkManager's D-Bus names and numbers the SoftAP client uses (NetworkManager 1.42,
// nm-dbus-interface.h and the introspection XML in Debian's network-manager-dev), and small helpers for
// asynchronous calls. Internal to libprov.

#include "prov/error.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QMap>
#include <QObject>
#include <QVariantMap>

#include <functional>

namespace prov::nm {

inline const QString kService = QStringLiteral("org.freedesktop.NetworkManager");
inline const QString kPath = QStringLiteral("/org/freedesktop/NetworkManager");
inline const QString kManager = QStringLiteral("org.freedesktop.NetworkManager");
inline const QString kDevice = QStringLiteral("org.freedesktop.NetworkManager.Device");
inline const QString kWireless = QStringLiteral("org.freedesktop.NetworkManager.Device.Wireless");
inline const QString kAccessPoint = QStringLiteral("org.freedesktop.NetworkManager.AccessPoint");
inline const QString kActive = QStringLiteral("org.freedesktop.NetworkManager.Connection.Active");
inline const QString kIp4Config = QStringLiteral("org.freedesktop.NetworkManager.IP4Config");
inline const QString kDhcp4Config = QStringLiteral("org.freedesktop.NetworkManager.DHCP4Config");
inline const QString kSettingsConnection = QStringLiteral(
    "org.freedesktop.NetworkManager.Settings.Connection");
inline const QString kProperties = QStringLiteral("org.freedesktop.DBus.Properties");

/// NMDeviceType
constexpr uint kDeviceTypeWifi = 2;

/// NMDeviceState
enum DeviceState : uint {
    DeviceUnknown = 0,
    DeviceUnmanaged = 10,
    DeviceUnavailable = 20,
    DeviceDisconnected = 30,
    DevicePrepare = 40,
    DeviceConfig = 50,
    DeviceNeedAuth = 60,
    DeviceIpConfig = 70,
    DeviceIpCheck = 80,
    DeviceSecondaries = 90,
    DeviceActivated = 100,
    DeviceDeactivating = 110,
    DeviceFailed = 120,
};

/// NMDeviceStateReason (the ones the client tells apart)
enum DeviceStateReason : uint {
    ReasonIpConfigUnavailable = 5,
    ReasonNoSecrets = 7,
    ReasonSupplicantDisconnect = 8,
    ReasonSupplicantConfigFailed = 9,
    ReasonSupplicantFailed = 10,
    ReasonSupplicantTimeout = 11,
    ReasonDhcpStartFailed = 15,
    ReasonDhcpError = 16,
    ReasonDhcpFailed = 17,
    ReasonSsidNotFound = 53,
};

/// NMActiveConnectionState
enum ActiveState : uint {
    ActiveUnknown = 0,
    ActiveActivating = 1,
    ActiveActivated = 2,
    ActiveDeactivating = 3,
    ActiveDeactivated = 4,
};

/// NMActiveConnectionStateReason (the ones the client tells apart)
enum ActiveStateReason : uint {
    ActiveReasonNoSecrets = 9,
    ActiveReasonLoginFailed = 10,
};

/// NM80211ApFlags / NM80211ApSecurityFlags bits
constexpr uint kApFlagPrivacy = 0x1;
constexpr uint kKeyMgmtPsk = 0x100;
constexpr uint kKeyMgmt8021x = 0x200;
constexpr uint kKeyMgmtSae = 0x400;
constexpr uint kKeyMgmtOwe = 0x800;

/// The connection settings of AddAndActivateConnection2: a{sa{sv}}.
using ConnectionSettings = QMap<QString, QVariantMap>;

/// Registers ConnectionSettings with QtDBus (once per process; cheap to call again).
void registerTypes();

/// A D-Bus error reply as an Error: ServiceUnknown / NameHasNoOwner → Unavailable ("NetworkManager is
/// not running"), PermissionDenied / AccessDenied → PermissionDenied, NoReply / Timeout → Unavailable,
/// anything else → `fallback` with `what` and the error name and message.
Error errorFromReply(
    const QDBusMessage &reply, const QString &what, ErrorCode fallback = ErrorCode::Internal);

/// A method call to NetworkManager.
QDBusMessage method(
    const QString &path, const QString &interface, const QString &member, const QVariantList &arguments = {});

/// Sends `message` and calls `done` with the reply (or error reply) on `context`'s thread; nothing when
/// `context` is gone first. A call waits at most `timeoutMs` (-1: QtDBus's default, 25 s); then `done`
/// gets a NoReply error.
void call(const QDBusConnection &bus, const QDBusMessage &message, QObject *context,
    std::function<void(const QDBusMessage &reply)> done, int timeoutMs = -1);

/// Properties.GetAll(`interface`) of `path`: the reply's map, or the error.
void getAll(const QDBusConnection &bus, const QString &path, const QString &interface, QObject *context,
    std::function<void(const Result<QVariantMap> &properties)> done, int timeoutMs = -1);

/// An "o" / "ao" / "aa{sv}" / "a{sv}" property value, whether QtDBus delivered it demarshalled or as a
/// QDBusArgument.
QString objectPath(const QVariant &value);
QStringList objectPaths(const QVariant &value);
QList<QVariantMap> mapList(const QVariant &value);
QVariantMap variantMap(const QVariant &value);

/// Receives signals from NetworkManager (any object path) for one handler; disconnects on destruction.
class SignalRelay : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const QDBusMessage &message)>;
    SignalRelay(QDBusConnection bus, QObject *parent = nullptr);
    ~SignalRelay() override;
    /// Follows `interface`.`member` of every NetworkManager object. false when QtDBus refused.
    bool follow(const QString &interface, const QString &member, Handler handler);

private Q_SLOTS:
    void handle(const QDBusMessage &message);

private:
    QDBusConnection m_bus;
    QList<QPair<QString, QString>> m_followed;
    QMap<QString, Handler> m_handlers; ///< "interface.member" → handler
};

} // namespace prov::nm

Q_DECLARE_METATYPE(prov::nm::ConnectionSettings)
