// SPDX-License-Identifier: Apache-2.0
#pragma once

// Finding and joining a device's SoftAP through NetworkManager's D-Bus API (as shipped in Debian 12,
// NetworkManager 1.42; docs/softap-join.md). The station's Wi-Fi belongs to NetworkManager, so the
// station asks it to scan, to join the device's access point with a volatile connection, and to bring
// back what was active before (docs/protocol.md §6.1: the device's SoftAP and its web server).

#include "prov/error.h"
#include "prov/pending.h"

#include <QByteArray>
#include <QDBusConnection>
#include <QHostAddress>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace prov {

/// Wi-Fi security of an access point as NetworkManager describes it (AccessPoint `Flags`, `WpaFlags`,
/// `RsnFlags`). Values are stable (shown and recorded).
enum class ApSecurity : int {
    Open = 0, ///< no privacy flag, no WPA/RSN key management
    Wep = 1, ///< privacy flag without WPA/RSN
    Wpa = 2, ///< WPA (v1) personal only: PSK in WpaFlags, none in RsnFlags
    Wpa2 = 3, ///< WPA2 personal: PSK in RsnFlags (what ESP-IDF's SoftAP uses with a password)
    Wpa3 = 4, ///< WPA3 personal: SAE in RsnFlags (also WPA2/WPA3 transition: SAE wins)
    Enterprise = 5, ///< 802.1X key management (not a device SoftAP; listed, never joined)
    Owe = 6, ///< Enhanced Open (OWE)
};

/// "open", "wep", "wpa", "wpa2", "wpa3", "enterprise", "owe".
QString apSecurityName(ApSecurity security);
/// "Open", "WEP", "WPA", "WPA2", "WPA3", "802.1X", "OWE".
QString apSecurityDisplayName(ApSecurity security);
/// Security from NetworkManager's NM80211ApFlags / NM80211ApSecurityFlags bit sets (nm-dbus-interface.h:
/// PRIVACY 0x1; KEY_MGMT_PSK 0x100, KEY_MGMT_802_1X 0x200, KEY_MGMT_SAE 0x400, KEY_MGMT_OWE 0x800).
ApSecurity apSecurityFromFlags(quint32 flags, quint32 wpaFlags, quint32 rsnFlags);
/// IEEE 802.11 channel number of a centre frequency in MHz: 2412..2472 → 1..13, 2484 → 14,
/// 5 GHz (5000 + 5·ch), 6 GHz (5950 + 5·ch); 0 when the frequency is none of these.
int wifiChannelForFrequency(int frequencyMhz);

/// True when `password` is a WPA-PSK key NetworkManager accepts (802-11-wireless-security.psk): a
/// passphrase of 8..63 bytes, or 64 hexadecimal digits (the raw key).
bool isValidWpaPsk(const QByteArray &password);

/// One Wi-Fi interface (a NetworkManager device of type Wi-Fi).
struct WifiInterfaceInfo
{
    QString name; ///< kernel interface name, "wlan0"
    QString path; ///< its NetworkManager object path, "/org/freedesktop/NetworkManager/Devices/3"
    QString hwAddress; ///< "AA:BB:CC:DD:EE:FF"
    int state = 0; ///< NMDeviceState (20 unavailable, 30 disconnected, 100 activated, ...)
    /// The connection active on it now ("" when none): the id NetworkManager shows, e.g. "Home".
    QString activeConnectionId;
    bool operator==(const WifiInterfaceInfo &) const = default;
};

/// One access point as a SoftApScanner last saw it. A plain value.
struct SoftApInfo
{
    QString ssid; ///< the SSID as text (UTF-8; invalid bytes shown as U+FFFD), e.g. "PROV_1A2B3C"
    QByteArray ssidBytes; ///< the SSID's bytes (0..32 B), what is joined
    QString bssid; ///< "AA:BB:CC:DD:EE:FF" (upper case)
    int frequencyMhz = 0; ///< centre frequency in MHz
    int channel = 0; ///< wifiChannelForFrequency(frequencyMhz); 0 unknown
    /// Signal strength in PERCENT (0..100) as NetworkManager reports it; NOT dBm, never converted.
    int strengthPercent = 0;
    ApSecurity security = ApSecurity::Open;
    QString interfaceName; ///< the Wi-Fi interface that sees it, "wlan0"
    QString path; ///< NetworkManager object path of the access point (per interface)
    bool operator==(const SoftApInfo &) const = default;
};

/// Lists Wi-Fi interfaces and the access points they see through NetworkManager
/// (org.freedesktop.NetworkManager, .Device, .Device.Wireless, .AccessPoint), asks for fresh scans
/// (Device.Wireless.RequestScan) and follows AccessPointAdded / AccessPointRemoved and property
/// changes (org.freedesktop.DBus.Properties.PropertiesChanged) live until stop().
///
/// Only access points whose SSID matches the filter are reported: the prefix "PROV_" by default, or
/// the patterns given (setSsidPatterns(): a product profile's prefix or anchored regex). Each access point
/// (interface + BSSID) is reported by accessPointSeen() when found and again when its strength,
/// frequency or security change, and by accessPointLost() when NetworkManager drops it.
///
/// All D-Bus calls are asynchronous; the scanner lives in, and is used from, the thread that created
/// it. Errors never throw: they end the scan with errorOccurred() (see start()).
class SoftApScanner : public QObject
{
    Q_OBJECT
public:
    /// How long start() waits for the interfaces' scans to end (LastScan changing) before it
    /// reports scanFinished() anyway, in ms. A real scan takes 2..10 s (docs/softap-hardware-checklist.md).
    static constexpr int kDefaultScanTimeoutMs = 15000;

    /// The ESP-IDF examples' SoftAP SSID prefix (§6.1), the default filter.
    static QString defaultSsidPrefix() { return QStringLiteral("PROV_"); }

    /// `bus`: the system bus (default) or a test's private bus (tests/nm/).
    explicit SoftApScanner(QDBusConnection bus = QDBusConnection::systemBus(), QObject *parent = nullptr);
    ~SoftApScanner() override;

    /// SSID filter: each entry is a prefix ("PROV_"), or an anchored regular expression when it is
    /// written "/.../" (a profile's `service_name_regex`). Empty list = every access point.
    void setSsidPatterns(const QStringList &patterns);
    QStringList ssidPatterns() const { return m_patterns; }
    /// Restricts the scan to one interface ("wlan0"); "" (default) = every Wi-Fi interface.
    void setInterfaceName(const QString &name);
    QString interfaceName() const { return m_interfaceName; }
    void setScanTimeoutMs(int ms) { m_scanTimeoutMs = ms; }

    /// Lists the Wi-Fi interfaces, reports the access points NetworkManager already knows, asks each
    /// interface for a fresh scan and reports what it finds. scanFinished() follows once every
    /// interface's scan ended or the scan timeout passed; live updates continue until stop().
    /// Errors (errorOccurred(), then scanFinished()): Unavailable (NetworkManager is not running on
    /// the bus), NoWifiInterface (no Wi-Fi device, or not the one set), WifiDisabled
    /// (WirelessEnabled false, or every interface unavailable), PermissionDenied (polkit refused
    /// RequestScan: the access points already known are still reported), Internal (an unexpected
    /// D-Bus reply).
    void start();
    /// Stops following updates. No signal after it returns. No-op when idle.
    void stop();
    bool isActive() const { return m_active; }

    /// The Wi-Fi interfaces found by the last start().
    QList<WifiInterfaceInfo> interfaces() const;
    /// The matching access points currently known, by interface then BSSID.
    QList<SoftApInfo> accessPoints() const;
    /// True when `ssid` passes the SSID filter.
    bool matches(const QString &ssid) const;

Q_SIGNALS:
    void interfacesChanged();
    /// A matching access point was found, or changed (strength in percent, frequency, security).
    void accessPointSeen(const prov::SoftApInfo &accessPoint);
    /// NetworkManager no longer lists the access point (out of range, switched off, moved).
    void accessPointLost(const prov::SoftApInfo &accessPoint);
    /// The requested scans ended (or the timeout passed); live updates go on until stop().
    void scanFinished();
    void errorOccurred(const prov::Error &error);

private:
    struct Private;
    friend struct Private;
    std::unique_ptr<Private> d;
    QStringList m_patterns { QStringLiteral("PROV_") };
    QString m_interfaceName;
    int m_scanTimeoutMs = kDefaultScanTimeoutMs;
    bool m_active = false;
};

/// What SoftApLink::join() joins. Holds a secret (`password`).
struct SoftApJoinRequest
{
    static constexpr int kDefaultJoinTimeoutMs = 30000;
    static constexpr quint16 kDefaultPort = 80; ///< protocomm_httpd's default port (§6.1)

    QByteArray ssid; ///< the device's SoftAP SSID (1..32 B), e.g. "PROV_1A2B3C"
    /// Prefer the access point with this BSSID ("AA:BB:..."); "" = any access point with the SSID.
    QString bssid;
    /// The SoftAP's WPA2 passphrase (QR `password`, §11, or the profile's); empty for an open SoftAP.
    /// Secret: never logged; NetworkManager receives it in the volatile connection's settings only.
    QByteArray password;
    QString interfaceName; ///< "wlan0"; "" = the first Wi-Fi interface
    /// From AddAndActivateConnection2 to "activated" with an IPv4 configuration, in ms.
    int joinTimeoutMs = kDefaultJoinTimeoutMs;
};

/// A joined SoftAP: where the device is.
struct SoftApJoinResult
{
    QString interfaceName; ///< "wlan0"
    QHostAddress
        localAddress; ///< this station's IPv4 address on the SoftAP link (DHCP), the HTTP socket binds to it
    int prefixLength = 0; ///< of localAddress
    /// The link's IPv4 gateway: the device itself (192.168.4.1 on ESP-IDF firmware).
    QHostAddress gateway;
    QString activeConnectionPath; ///< NetworkManager's active connection, for logs
};

/// Joins one device's SoftAP on one Wi-Fi interface with a volatile NetworkManager connection and
/// gives the interface back afterwards.
///
/// join(): remembers the connection active on the interface (to restore it), then
/// AddAndActivateConnection2 with options {persist: "volatile", bind-activation: "dbus-client"} (if this
/// process dies, NetworkManager takes the connection down itself) and a connection that never
/// autoconnects, never takes the default route or DNS (ipv4.never-default, ignore-auto-dns) and ignores
/// IPv6; then waits for the active connection's state "activated" and its IPv4 configuration: the
/// address, and the device's address (IP4Config.Gateway, else the DHCP lease's "routers": NetworkManager
/// >= 1.32 takes Gateway from the default route, which never-default leaves out). One interface joins one
/// access point at a time: a join waits (within its timeout) until an earlier SoftApLink of this process on
/// the same interface has left.
///
/// leave(): deactivates the volatile connection (NetworkManager deletes it; leave() deletes it when it
/// is still there) and re-activates the connection that was active before join(). The destructor
/// leaves on its own when needed (asynchronously; the interface stays held until it is done).
///
/// lost(): the joined connection left "activated" without leave(): the access point vanished (the
/// device switched its radio to the home network's channel after ApplyConfig, or rebooted).
///
/// Lives in, and is used from, the thread that created it.
class SoftApLink : public QObject
{
    Q_OBJECT
public:
    explicit SoftApLink(QDBusConnection bus = QDBusConnection::systemBus(), QObject *parent = nullptr);
    ~SoftApLink() override;

    /// Joins (once at a time; after leave() or lost() it may join again). Ends with the link, or:
    /// Unavailable (no NetworkManager), NoWifiInterface, WifiDisabled, PermissionDenied (polkit refused
    /// AddAndActivateConnection2), AccessPointNotFound (no access point with the SSID/BSSID on the
    /// interface), SoftApAuthFailed (device state reason no-secrets / supplicant failure),
    /// JoinTimeout (not activated within joinTimeoutMs), DhcpTimeout (the device was in the IP
    /// configuration state when the timeout passed), Disconnected (activation failed otherwise),
    /// Cancelled (cancel()), InvalidArgument (SSID empty or > 32 B, a busy link). A failed join
    /// leaves nothing behind: the interface is given back as by leave().
    Pending<SoftApJoinResult> *join(const SoftApJoinRequest &request);
    /// Gives the interface back (see the class). Ends without error when there is nothing to do;
    /// Internal when NetworkManager refused to re-activate the earlier connection (logged; the
    /// volatile connection is gone anyway). Waits at most 10 s.
    Pending<void> *leave();
    /// Ends a running join() with Cancelled (and leaves). No-op otherwise.
    void cancel();

    /// Asks NetworkManager whether the joined connection is still activated and calls `done` (on this
    /// thread, from the event loop) with the answer: false when not joined, when the connection left
    /// "activated" or is gone, or when NetworkManager does not answer. For telling a dead device from a
    /// dead link after an HTTP failure: the TCP error can arrive before lost().
    void checkLinkUp(std::function<void(bool up)> done);

    bool isJoined() const;
    /// True while this link holds its Wi-Fi interface: joining, joined, lost, or still giving it back.
    bool holdsInterface() const;
    std::optional<SoftApJoinResult> joined() const;
    /// Wi-Fi interfaces that SoftApLinks of this process hold now (joining, joined, lost, or still giving
    /// them back, also after their SoftApTransport was destroyed): a program waits for 0 before it exits,
    /// so every interface is back on its earlier connection.
    static int interfacesHeld();
    /// Runs a local event loop until interfacesHeld() is 0 or `timeoutMs` passed (for a program about to
    /// exit: the links still giving interfaces back need the event loop). True when none is held. A link
    /// still holding one at the deadline stays so; NetworkManager takes its connection down when the
    /// process exits (bind-activation "dbus-client").
    static bool waitForInterfacesReleased(int timeoutMs);
    /// The longest leave() takes, in ms: a sensible `timeoutMs` above.
    static constexpr int kLeaveTimeoutMs = 10000;
    /// The connection id that was active on the interface before join(), "" when none or unknown.
    QString previousConnectionId() const;

Q_SIGNALS:
    /// One short English line for a step indicator: "Joining PROV_1A2B3C on wlan0…",
    /// "Waiting for an address from PROV_1A2B3C…", "Restoring Home on wlan0…".
    void progress(const QString &text);
    /// The joined link went down without leave(). `reason`: AccessPointNotFound (NetworkManager's device
    /// state reason: SSID not found or supplicant disconnect, what beacon loss gives) or Disconnected.
    void lost(const prov::Error &reason);

private:
    struct Private;
    friend struct Private;
    std::unique_ptr<Private> d;
};

} // namespace prov

Q_DECLARE_METATYPE(prov::SoftApInfo)
Q_DECLARE_METATYPE(prov::WifiInterfaceInfo)
