// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/devicesource.h"

#include "prov/blescanner.h"
#include "prov/error.h"

#include <QHash>
#include <QUuid>
#include <QtQml/qqmlregistration.h>

#include <optional>

/// Devices found by a BLE scan (docs/protocol.md §7.1) through prov::BleScanner: names starting with
/// "PROV_" or advertising one of the provisioning service UUIDs. Each device is reported with
/// transport Ble, host = its Bluetooth address ("AA:BB:CC:DD:EE:FF") and its RSSI in dBm, and
/// again whenever the RSSI changes. A device BlueZ only remembers (its cache: not heard advertising
/// in this scan) is reported with DeviceEntry::cached set and without RSSI (the list shows "not
/// advertising"), and isCached() says so; when it advertises again, the next report clears
/// `cached` and brings the RSSI back. A device whose name has not arrived yet is held back until it
/// has one (the name is the row key).
///
/// A scan runs when the user starts it (startScan(), the "Scan BLE" button, F6) or at start-up
/// when the setting "scan BLE on start" is on (Workstation). Adapter problems never throw or crash:
/// they become the typed status below (errorCode + the app's advice, erroradvice.h); without any
/// adapter (no Bluetooth, BlueZ not running) the rest of the app works as before.
/// GUI thread (BleScanner keeps Qt's blocking D-Bus calls on its own worker thread).
class BleSource : public DeviceSource
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("BleSource is created by the workstation")
    Q_PROPERTY(bool scanning READ isScanning NOTIFY scanningChanged)
    /// int(prov::ErrorCode) of the last scan's failure (Unavailable, AdapterPoweredOff, Internal),
    /// 0 when it did not fail.
    Q_PROPERTY(int errorCode READ errorCode NOTIFY statusChanged)
    /// False once a scan reported that there is no usable adapter (Unavailable); true again after
    /// a scan that worked.
    Q_PROPERTY(bool adapterAvailable READ isAdapterAvailable NOTIFY statusChanged)
    /// One plain sentence for the status line ("Scanning for BLE devices…", "No Bluetooth adapter …").
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    /// Headline and advice of the failure (erroradvice), "" when none.
    Q_PROPERTY(QString errorHeadline READ errorHeadline NOTIFY statusChanged)
    Q_PROPERTY(QString errorAdvice READ errorAdvice NOTIFY statusChanged)
    /// Named devices reported by the scans so far (kept across scans, like the list's rows).
    Q_PROPERTY(int deviceCount READ deviceCount NOTIFY statusChanged)
    /// Length of a scan in ms (0 = until stopScan()).
    Q_PROPERTY(int scanDurationMs READ scanDurationMs WRITE setScanDurationMs NOTIFY scanDurationMsChanged)
public:
    explicit BleSource(QObject *parent = nullptr);
    ~BleSource() override;

    DeviceOrigin origin() const override { return DeviceOrigin::Ble; }

    /// Starts a scan (restarts a running one). Ends in scanFinished(errorCode) exactly once:
    /// 0, or int(Unavailable / AdapterPoweredOff / Internal) (BleScanner::start()).
    Q_INVOKABLE void startScan();
    /// Ends a running scan early (scanFinished(0)). No-op when idle.
    Q_INVOKABLE void stopScan();
    /// stopScan() when scanning, else startScan() (the button and F6).
    Q_INVOKABLE void toggleScan();

    bool isScanning() const { return m_scanner->isActive(); }
    int errorCode() const { return m_error ? int(m_error->code) : 0; }
    std::optional<prov::Error> error() const { return m_error; }
    bool isAdapterAvailable() const { return !m_error || m_error->code != prov::ErrorCode::Unavailable; }
    QString statusText() const;
    QString errorHeadline() const;
    QString errorAdvice() const;
    int deviceCount() const { return int(m_byName.size()); }
    int scanDurationMs() const { return m_scanner->duration(); }
    void setScanDurationMs(int ms);

    /// What the scan last reported for service name `serviceName`, if anything.
    std::optional<prov::BleDeviceInfo> device(const QString &serviceName) const;
    /// The provisioning service UUID `serviceName` advertises (null when unknown): BleTransport
    /// tries it first (§7.2).
    QUuid serviceUuidFor(const QString &serviceName) const;
    /// True when the device is only in BlueZ's cache: not heard advertising during this scan.
    Q_INVOKABLE bool isCached(const QString &serviceName) const;

    /// The list entry for a scanned device (transport Ble, host = address, `cached` from
    /// prov::BleDeviceInfo::cached, RSSI in dBm unless cached).
    static DeviceEntry entryFor(const prov::BleDeviceInfo &device);

Q_SIGNALS:
    void scanningChanged();
    void statusChanged();
    void scanDurationMsChanged();
    /// A scan started by startScan() ended; `errorCode` = int(prov::ErrorCode), 0 = ok.
    void scanFinished(int errorCode);

private:
    void handleDevice(const prov::BleDeviceInfo &device);
    void handleFinished();
    void handleError(const prov::Error &error);
    void setError(const std::optional<prov::Error> &error);

    prov::BleScanner *m_scanner;
    QHash<QString, prov::BleDeviceInfo> m_byName; ///< service name -> last report
    std::optional<prov::Error> m_error;
};
