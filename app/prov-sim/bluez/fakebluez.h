// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bleperipheral.h"
#include "journal.h"
#include "objecttree.h"

#include "prov/error.h"

#include <QDBusConnection>
#include <QDBusVirtualObject>
#include <QHash>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

/// prov-sim's fake bluetoothd: owns `org.bluez` on a (private) bus and publishes the object tree
/// Qt Bluetooth's BlueZ D-Bus backend reads (docs/ble-testing.md §2): the
/// ObjectManager at "/", adapter /org/bluez/hci0 and one BlePeripheral per simulated device. Also
/// serves the control object /org/provsim (org.provsim.Control1: journal, power, RSSI, scenarios).
/// Every reply that involves a delay is a delayed D-Bus reply sent from a timer, so many clients
/// are served concurrently. Single-threaded (the prov-sim main thread).
class FakeBluez : public QDBusVirtualObject, private BleAdapterContext
{
    Q_OBJECT
public:
    struct Settings
    {
        BleTimings timings;
        bool poweredOff = false; ///< adapter-off
        bool adapterAbsent = false; ///< adapter-absent
    };

    explicit FakeBluez(const Settings &settings, QObject *parent = nullptr);
    ~FakeBluez() override;

    /// Adds a peripheral served by @p device (not owned; must outlive this). Before start() only.
    BlePeripheral *addPeripheral(prov::SimulatedDevice *device, const BlePeripheralConfig &config);
    /// Appends the journal to @p path too. Errors: InvalidArgument (cannot open the file).
    prov::Result<void> openJournalFile(const QString &path);
    /// Hands every journal entry to @p echo as well (--verbose).
    void setJournalEcho(std::function<void(const QString &)> echo) { m_journal.setEcho(std::move(echo)); }
    /// Publishes the tree on @p connection, then takes the names org.bluez and org.provsim.FakeBluez.
    /// Errors: Unavailable (the connection is down, or another process owns org.bluez).
    prov::Result<void> start(const QDBusConnection &connection);

    QString introspect(const QString &path) const override;
    bool handleMessage(const QDBusMessage &message, const QDBusConnection &connection) override;

private Q_SLOTS:
    void handleNameOwnerChanged(const QString &name, const QString &oldOwner, const QString &newOwner);

private:
    struct DiscoverySession
    {
        QString transport = QStringLiteral("auto");
        QStringList uuids; ///< lower-case; empty = no UUID filter
    };

    // BleAdapterContext
    ObjectTree &tree() override { return *m_tree; }
    Journal &journal() override { return m_journal; }
    const BleTimings &timings() const override { return m_settings.timings; }
    bool isPowered() const override { return m_powered; }
    bool isDiscovering() const override { return !m_sessions.isEmpty(); }
    bool passesDiscoveryFilter(const QStringList &uuids) const override;
    void send(const QDBusMessage &message) override;

    QString introspectNode(const QString &path) const;
    void handleProperties(const QDBusMessage &call);
    void handleAdapter(const QDBusMessage &call);
    void handleControl(const QDBusMessage &call);
    void setPowered(bool on);
    void startDiscovery(const QDBusMessage &call);
    void stopDiscoveryFor(const QString &client);
    BlePeripheral *peripheralAt(const QString &path) const;
    BlePeripheral *peripheralWithAddress(const QString &address) const;
    void record(const QDBusMessage &call, const QString &details, const QString &outcome);
    void reply(const QDBusMessage &call, const QString &details, const QVariantList &arguments = {});
    void error(const QDBusMessage &call, const QString &details, const QString &name, const QString &text);

    Settings m_settings;
    std::optional<QDBusConnection> m_connection;
    std::unique_ptr<ObjectTree> m_tree;
    Journal m_journal;
    std::vector<std::unique_ptr<BlePeripheral>> m_peripherals;
    bool m_powered = true;
    QHash<QString, DiscoverySession> m_filters; ///< per client, from SetDiscoveryFilter
    QHash<QString, DiscoverySession> m_sessions; ///< per client with an active StartDiscovery
    QTimer m_advertiseTimer;
};
