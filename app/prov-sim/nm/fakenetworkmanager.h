// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bluez/journal.h"
#include "bluez/objecttree.h"
#include "nmdbus.h"

#include "prov/error.h"

#include <QDBusConnection>
#include <QDBusVirtualObject>
#include <QHostAddress>

#include <memory>
#include <optional>
#include <vector>

namespace prov {
class HttpDeviceServer;
class SimulatedDevice;
} // namespace prov

/// --nm-scenario values (docs/prov-sim.md "NetworkManager front end").
enum class NmScenario {
    ActivationHang, ///< activation stays at 50 CONFIG
    DhcpHang, ///< activation stays at 70 IP_CONFIG
    ApVanishAfterApply, ///< the device's AP disappears after ApplyConfig (+ vanish delay)
    ApMovesAfterApply, ///< as vanish, then back 1000 ms later on 2462 MHz
    WifiDisabled, ///< WirelessEnabled false, devices UNAVAILABLE
    PermissionDenied, ///< polkit refuses RequestScan and (de)activation
};
/// Errors: InvalidArgument (unknown name).
prov::Result<NmScenario> parseNmScenario(const QString &text);

/// One simulated device's SoftAP as the fake NetworkManager shows it and prov-sim serves it.
struct NmSoftApConfig
{
    QString ssid; ///< the device's service name
    QString bssid; ///< "AA:BB:CC:DD:EE:FF"
    QByteArray password; ///< WPA2 passphrase; empty = open. Secret.
    QHostAddress gateway; ///< where the device's HTTP server listens (127.0.0.(2+i))
    quint16 port = 80;
    int strength = 60; ///< percent
};

/// prov-sim's fake NetworkManager (1.42): owns `org.freedesktop.NetworkManager` on a private bus and
/// publishes the manager, N Wi-Fi devices, their access points (every SoftAP device of the fleet plus
/// "HomeNet"), settings connections, active connections and IP4Configs, with NetworkManager's
/// activation state machine. Serves each SoftAP device's HTTP on its gateway address, to peers joined
/// to its access point only. Control object /org/provsim/nm (org.provsim.NetworkManagerControl1).
/// Single-threaded (the prov-sim main thread).
class FakeNetworkManager : public QDBusVirtualObject
{
    Q_OBJECT
public:
    struct Settings
    {
        int interfaces = 1;
        QList<NmScenario> scenarios;
        int scanDelayMs = 400;
        int stepDelayMs = 60;
        int vanishDelayMs = 300;
    };

    explicit FakeNetworkManager(const Settings &settings, QObject *parent = nullptr);
    ~FakeNetworkManager() override;

    /// Adds a SoftAP served by @p device (not owned; must outlive this). Before start() only.
    void addSoftAp(prov::SimulatedDevice *device, const NmSoftApConfig &config);
    void setJournalEcho(std::function<void(const QString &)> echo) { m_journal.setEcho(std::move(echo)); }
    /// Listens on every SoftAP's gateway:port, publishes the tree on @p connection and takes the name.
    /// Errors: Unavailable (bus down, name owned, a port taken).
    prov::Result<void> start(const QDBusConnection &connection);

    QString introspect(const QString &path) const override;
    bool handleMessage(const QDBusMessage &message, const QDBusConnection &connection) override;

private:
    struct SoftAp;
    struct Interface;
    struct SavedConnection;
    struct ActiveConnection;

    bool has(NmScenario s) const { return m_settings.scenarios.contains(s); }
    void send(const QDBusMessage &message) { m_connection->send(message); }
    void reply(const QDBusMessage &call, const QString &details, const QVariantList &out = {});
    void fail(const QDBusMessage &call, const QString &details, const QString &name, const QString &text);
    void signal(
        const QString &path, const QString &interface, const QString &member, const QVariantList &args);

    void handleProperties(const QDBusMessage &call);
    void handleManager(const QDBusMessage &call);
    void handleDevice(const QDBusMessage &call, Interface &iface);
    void handleSettings(const QDBusMessage &call);
    void handleConnection(const QDBusMessage &call, SavedConnection &connection);
    void handleControl(const QDBusMessage &call);
    void addAndActivate(const QDBusMessage &call);
    void activate(const QDBusMessage &call);

    // model
    QString nextPath(const char *kind);
    void publishInterface(Interface &iface);
    QString addAccessPoint(Interface &iface, const QString &ssid, const QString &bssid, bool secured,
        quint32 frequency, int strength);
    void removeAccessPoint(Interface &iface, const QString &ssid);
    void addSoftApToInterfaces(int index);
    SavedConnection *addConnection(SavedConnection connection);
    void deleteConnection(QString path); ///< by value: it may be the erased connection's own path
    QString addIp4Config(const QHostAddress &address, const QHostAddress &gateway);
    void setDeviceState(Interface &iface, quint32 state, quint32 reason);
    void setActiveState(ActiveConnection &active, quint32 state, quint32 reason);
    void updateManagerState();
    void setWirelessEnabled(bool on);

    // activation
    ActiveConnection &startActivation(Interface &iface, SavedConnection &connection, const QString &specific);
    void step(int ifaceIndex, quint64 generation);
    void finishFailed(Interface &iface, quint32 deviceReason, quint32 activeReason);
    /// Takes the interface down through DEACTIVATING (user deactivation, connection removed).
    void deactivate(Interface &iface, quint32 deviceReason, quint32 activeReason);
    /// The active connection of @p iface leaves the bus's list; its volatile connection is deleted.
    void dropActive(Interface &iface, quint32 activeReason);
    void retireActive(QString path); ///< by value: it may be the retired object's own path
    void vanish(int softAp, bool comesBack);

    Interface *interfaceAt(const QString &path);
    Interface *interfaceWithActive(const QString &activePath);
    SavedConnection *connectionAt(const QString &path);
    bool joinedTo(int softAp, const QHostAddress &peer) const;
    QString stateJson() const;

    Settings m_settings;
    std::optional<QDBusConnection> m_connection;
    std::unique_ptr<ObjectTree> m_tree;
    Journal m_journal;
    std::vector<std::unique_ptr<SoftAp>> m_softAps;
    std::vector<std::unique_ptr<Interface>> m_interfaces;
    std::vector<std::unique_ptr<SavedConnection>> m_connections;
    std::vector<std::unique_ptr<ActiveConnection>> m_active;
    QMap<QString, int> m_counters;
    bool m_wirelessEnabled = true;
};
