// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "blescenario.h"

#include <QDBusMessage>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUuid>

#include <functional>
#include <optional>

class Journal;
class ObjectTree;
namespace prov {
class SimulatedDevice;
}

/// Latencies of the fake radio, in ms (docs/prov-sim.md "BLE flags").
struct BleTimings
{
    int connectDelayMs = 30; ///< Connect() -> ServicesResolved (Connected=true at half of it)
    int opDelayMs = 5; ///< each ReadValue/WriteValue/Disconnect reply
    int advertiseIntervalMs = 500; ///< RSSI updates (rssi-drift)
    int scanDelayMs = 20; ///< StartDiscovery -> first advertisement report of each device
};

/// What a peripheral needs from the fake adapter it is seen through.
class BleAdapterContext
{
public:
    virtual ~BleAdapterContext() = default;
    virtual ObjectTree &tree() = 0;
    virtual Journal &journal() = 0;
    virtual const BleTimings &timings() const = 0;
    virtual bool isPowered() const = 0;
    virtual bool isDiscovering() const = 0;
    /// true if an active discovery session's filter lets a device advertising @p uuids through.
    virtual bool passesDiscoveryFilter(const QStringList &uuids) const = 0;
    virtual void send(const QDBusMessage &message) = 0;
};

/// A simulated device's BLE identity (fleet keys ble_address, ble_service_uuid, rssi, ble_scenarios).
struct BlePeripheralConfig
{
    QString address; ///< "24:0A:C4:12:34:56"
    QUuid serviceUuid;
    int rssi = -60; ///< dBm
    QList<BleScenario> scenarios;
};

/// One SimulatedDevice as an LE peripheral behind the fake org.bluez: its Device1 object, its GATT
/// database (one service, one read|write characteristic per endpoint with a 0x2901 descriptor, §7.2),
/// the link state machine of bluetoothd (Connect -> Connected -> services exported ->
/// ServicesResolved -> reply) and the write-then-read exchange of §7.3 served by SimulatedDevice::handle().
/// Each link is a new transport session (§7.6). Single-threaded. `device` is not owned.
class BlePeripheral : public QObject
{
    Q_OBJECT
public:
    BlePeripheral(prov::SimulatedDevice *device, const BlePeripheralConfig &config,
        BleAdapterContext &adapter, QObject *parent = nullptr);
    ~BlePeripheral() override;

    QString path() const { return m_path; }
    QString address() const { return m_config.address; }
    QString serviceName() const;
    const BlePeripheralConfig &config() const { return m_config; }
    /// true for the device object and every GATT object below it.
    bool owns(const QString &objectPath) const;

    /// Device1 / GattCharacteristic1 / GattDescriptor1 method calls (Properties are the adapter's).
    void handleCall(const QDBusMessage &call);

    /// At start-up: a `cached` device is in BlueZ's cache before anyone scans.
    void publishCached();
    void discoveryStarted();
    void discoveryStopped();
    void advertiseTick();
    void adapterPoweredOff();
    /// Adapter1.RemoveDevice: out of BlueZ's cache until the next advertisement is seen.
    void removeFromCache();
    /// A bus client disappeared: its link goes down (see docs/prov-sim.md, "Simplifications").
    void clientVanished(const QString &uniqueName);
    void setRssi(int dBm);
    void setScenarios(const QList<BleScenario> &scenarios);

private:
    struct Characteristic
    {
        QString endpoint;
        QUuid uuid;
        QString path;
        QString descriptorPath;
        QByteArray value;
    };
    enum class Link { Idle, Connecting, Connected };

    bool has(BleScenarioKind kind) const;
    const BleScenario *scenario(BleScenarioKind kind) const;
    /// Counts a write to @p endpoint against every counting scenario of @p kind; true if one fires.
    bool fires(BleScenarioKind kind, const QString &endpoint);
    bool encryptionRequired(const QString &endpoint, QString *errorName) const;
    QString alias() const;
    /// Device1 properties as bluetoothd exports a device it knows (no RSSI).
    QVariantMap deviceProperties() const;
    bool isAdvertising() const;
    void reportAdvertisement();
    void receiveScanResponse();

    void connectDevice(const QDBusMessage &call);
    void disconnectDevice(const QDBusMessage &call);
    void finishConnect(quint64 generation);
    void exportGatt();
    /// The link goes down (remote or local): ServicesResolved=false, GATT objects removed,
    /// Connected=false, pending operations failed, security session closed (§7.6).
    void dropLink(const QString &reason);
    void goOffline(int ms);

    void writeValue(Characteristic &c, const QDBusMessage &call);
    void readValue(Characteristic &c, const QDBusMessage &call);
    void readDescriptor(const Characteristic &c, const QDBusMessage &call);
    /// A call that is never answered (hung-reply, drop fault).
    void withhold(const Characteristic &c);
    /// Runs @p complete (which answers @p call) after @p delayMs, unless the link drops first: then
    /// @p call is failed with org.bluez.Error.Failed instead.
    void completeLater(const QDBusMessage &call, int delayMs, std::function<void()> complete);
    /// An empty success reply to @p call after @p delayMs (same rule).
    void replyAfter(const QDBusMessage &call, int delayMs);
    void sendError(const QDBusMessage &call, const QString &name, const QString &text);
    /// Journals @p call with outcome "error <name>" and answers it with that error.
    void reject(const QDBusMessage &call, const QString &details, const QString &name, const QString &text);
    void record(const QDBusMessage &call, const QString &details, const QString &outcome);

    prov::SimulatedDevice *m_device;
    BlePeripheralConfig m_config;
    BleAdapterContext &m_adapter;
    QString m_path;
    QString m_servicePath;
    QList<Characteristic> m_characteristics;

    bool m_known = false; ///< the Device1 object is exported (BlueZ has seen it)
    bool m_named = true; ///< the scan response (name) has been received
    bool m_offline = false; ///< rebooting: not advertising
    int m_rssi = -60;
    int m_driftStep = 0;
    Link m_link = Link::Idle;
    bool m_resolved = false;
    quint64 m_generation = 0; ///< bumped on every link drop; timers of an old link do nothing
    std::optional<QDBusMessage> m_connectCall;
    QString m_linkOwner; ///< unique bus name that called Connect
    QHash<quint64, QDBusMessage> m_pending; ///< delayed replies still to send
    quint64 m_nextPending = 0;
    QHash<int, int> m_scenarioCounts; ///< scenario index -> matching writes so far
    QString m_hangReadOn; ///< hung-reply:...:read armed for this endpoint
    bool m_dropAfterApplyArmed = false;
    QTimer m_stopWatch; ///< while linked: has provisioning stopped (the link then drops)?
};
