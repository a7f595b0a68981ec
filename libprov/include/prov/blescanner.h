// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QUuid>

QT_FORWARD_DECLARE_CLASS(QThread)

namespace prov {

/// One BLE device as BleScanner last saw it. A plain value, easy to put in a list model.
struct BleDeviceInfo
{
    QString address; ///< "AA:BB:CC:DD:EE:FF": what BleTransport takes
    QString name; ///< the advertised name (scan response, §7.1); empty while not yet received
    int rssi = 0; ///< signal strength in dBm; meaningful only when `cached` is false
    QList<QUuid> serviceUuids; ///< advertised service UUIDs (the provisioning service, §7.1)
    /// Known to BlueZ (its device cache) but not heard advertising during this scan: no RSSI. The
    /// device may be out of range or off; connecting will probably fail.
    bool cached = false;

    /// The first advertised UUID that is a provisioning service candidate, else the first one,
    /// else null. Hand it to BleTransport as the advertised service (§7.2).
    QUuid primaryServiceUuid() const;
    bool operator==(const BleDeviceInfo &other) const = default;
};

/// Finds provisioning devices over BLE through Qt Bluetooth's BlueZ backend (docs/protocol.md §7.1).
/// A device matches when its name starts with namePrefix() or it advertises one of
/// serviceUuids() (either list may be empty; both empty = every device). Matching by UUID too is
/// what finds a device whose name has not arrived yet: the name comes in the scan response, and
/// Qt 6.4 reports a late name only with a later RSSI change (docs/ble-testing.md §4.10). Devices are
/// de-duplicated by address; each is reported once by deviceDiscovered(), then by
/// deviceUpdated() whenever its name, RSSI, UUIDs or cached flag changes.
///
/// The scan runs continuously (Qt's discovery timeout 0) for duration() ms, then finished().
/// Qt's discovery agent makes blocking D-Bus calls in start() and for each device it reports, so
/// it lives on a worker thread owned by the scanner; the BleScanner itself lives in, and is used
/// from, the thread that created it, where all its signals arrive. Run one scan at a time per
/// process: BlueZ has one discovery session per adapter, and Qt's discovery bookkeeping is global.
///
/// Ownership: plain QObject ownership. Thread: see above.
class BleScanner : public QObject
{
    Q_OBJECT
public:
    static constexpr int kDefaultDurationMs = 10000;
    /// The ESP-IDF examples' service-name prefix (§7.1).
    static QString defaultNamePrefix() { return QStringLiteral("PROV_"); }

    explicit BleScanner(QObject *parent = nullptr);
    ~BleScanner() override;

    /// Name prefix to match (default "PROV_"; "" = do not match by name).
    void setNamePrefix(const QString &prefix) { m_prefix = prefix; }
    QString namePrefix() const { return m_prefix; }
    /// Service UUIDs to match (default: the examples' and the default provisioning service UUIDs,
    /// §7.2; empty = do not match by UUID).
    void setServiceUuids(const QList<QUuid> &uuids) { m_uuids = uuids; }
    QList<QUuid> serviceUuids() const { return m_uuids; }
    /// How long start() scans, in ms (default 10000; 0 = until stop()).
    void setDuration(int ms) { m_durationMs = std::max(0, ms); }
    int duration() const { return m_durationMs; }

    bool isActive() const { return m_active; }
    /// Matching devices seen since the last start(), in discovery order.
    QList<BleDeviceInfo> devices() const { return m_devices; }

    /// Starts a scan (restarts it if one runs: the device list is cleared). Ends in exactly one
    /// finished() or errorOccurred(), always from the event loop — Qt reports adapter errors
    /// synchronously inside its own start() (docs/ble-testing.md §4.11); they are re-delivered here.
    /// Errors: AdapterPoweredOff (adapter off), Unavailable (no adapter, BlueZ not running, or the
    /// adapter vanished during the scan), Internal (anything else Qt reports).
    void start();
    /// Ends a running scan early with finished(). No-op when idle.
    void stop();

Q_SIGNALS:
    void deviceDiscovered(const prov::BleDeviceInfo &device);
    void deviceUpdated(const prov::BleDeviceInfo &device);
    void finished();
    void errorOccurred(const prov::Error &error);

private:
    void handleSeen(quint64 token, const prov::BleDeviceInfo &device);
    void handleEnded(quint64 token, bool ok, const prov::Error &error);
    bool matches(const BleDeviceInfo &device) const;

    QString m_prefix = defaultNamePrefix();
    QList<QUuid> m_uuids;
    int m_durationMs = kDefaultDurationMs;
    bool m_active = false;
    quint64 m_token = 0;
    QList<BleDeviceInfo> m_devices; ///< reported (matching) devices
    QList<BleDeviceInfo> m_unmatched; ///< seen but not (yet) matching: a late name may change that
    QObject *m_worker = nullptr;
    QThread *m_thread = nullptr;
};

} // namespace prov

Q_DECLARE_METATYPE(prov::BleDeviceInfo)
