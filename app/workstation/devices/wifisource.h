// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/devicesource.h"

#include "prov/error.h"
#include "prov/softap.h"

#include <QHash>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include <optional>

/// Devices found by a Wi-Fi scan through NetworkManager (prov::SoftApScanner on the system bus): access
/// points whose SSID starts with "PROV_" (the scanner's filter), i.e. devices in SoftAP provisioning
/// mode (docs/protocol.md §6.1). Each device is reported with transport SoftAp, no host (the Device page
/// joins its SoftAP by SSID: DeviceEntry::joinsSoftAp()), the BSSID, the signal in PERCENT (never dBm),
/// the access point's security and the interface that saw it, and again when one of them changes. When
/// no interface sees a device any more, deviceLost() follows.
///
/// A scan runs when the user starts it (startScan(), the "Scan Wi-Fi" button, F7). Problems never
/// throw or crash: they become the typed status below (errorCode + the app's advice, erroradvice.h):
/// NetworkManager not running (Unavailable), no Wi-Fi interface, Wi-Fi switched off, polkit refusing the
/// scan (PermissionDenied: the access points NetworkManager already knows are still listed). Without
/// NetworkManager the rest of the app works as before. GUI thread.
class WifiSource : public DeviceSource
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("WifiSource is created by the workstation")
    Q_PROPERTY(bool scanning READ isScanning NOTIFY scanningChanged)
    /// int(prov::ErrorCode) of the last scan's failure (Unavailable, NoWifiInterface, WifiDisabled,
    /// PermissionDenied, Internal), 0 when it did not fail.
    Q_PROPERTY(int errorCode READ errorCode NOTIFY statusChanged)
    /// One plain sentence for the status line ("Scanning for SoftAP devices…", "NetworkManager is not
    /// running …").
    Q_PROPERTY(QString statusText READ statusText NOTIFY statusChanged)
    /// Headline and advice of the failure (erroradvice), "" when none.
    Q_PROPERTY(QString errorHeadline READ errorHeadline NOTIFY statusChanged)
    Q_PROPERTY(QString errorAdvice READ errorAdvice NOTIFY statusChanged)
    /// Devices (SSIDs) some interface sees now.
    Q_PROPERTY(int deviceCount READ deviceCount NOTIFY statusChanged)
    /// The Wi-Fi interface names the last scan found ("wlan0", ...), for the Settings page.
    Q_PROPERTY(QStringList interfaceNames READ interfaceNames NOTIFY interfacesChanged)
public:
    /// `scanner`: null = a prov::SoftApScanner on the system bus (tests pass one on a private bus).
    /// Owned either way.
    explicit WifiSource(prov::SoftApScanner *scanner = nullptr, QObject *parent = nullptr);
    ~WifiSource() override;

    DeviceOrigin origin() const override { return DeviceOrigin::Wifi; }

    /// Starts a scan (restarts a running one) on the interface set by setInterfaceName(). Ends in
    /// scanFinished(errorCode) exactly once: 0, or int(ErrorCode) (SoftApScanner::start()).
    /// Adds SSID patterns to the default "PROV_" (prov::SoftApScanner::setSsidPatterns(): a prefix, or
    /// "/regex/"; "" = every access point): the line's product profile names its own devices. Takes
    /// effect from the next scan.
    void setExtraSsidPatterns(const QStringList &patterns);
    Q_INVOKABLE void startScan();
    /// Ends a running scan (scanFinished(0)); the devices found stay listed. No-op when idle.
    Q_INVOKABLE void stopScan();
    /// stopScan() when scanning, else startScan() (the button and F7).
    Q_INVOKABLE void toggleScan();

    /// Restricts the next scans to one interface ("" = all; the setting "Wi-Fi interface").
    void setInterfaceName(const QString &name);
    QString interfaceName() const { return m_scanner->interfaceName(); }

    bool isScanning() const { return m_scanning; }
    int errorCode() const { return m_error ? int(m_error->code) : 0; }
    std::optional<prov::Error> error() const { return m_error; }
    QString statusText() const;
    QString errorHeadline() const;
    QString errorAdvice() const;
    int deviceCount() const;
    QStringList interfaceNames() const;
    prov::SoftApScanner *scanner() const { return m_scanner; }

    /// The list entry for an access point (transport SoftAp, no host, BSSID, signal in percent,
    /// security, interface).
    static DeviceEntry entryFor(const prov::SoftApInfo &accessPoint);

Q_SIGNALS:
    void scanningChanged();
    void statusChanged();
    void interfacesChanged();
    /// A scan started by startScan() ended; `errorCode` = int(prov::ErrorCode), 0 = ok.
    void scanFinished(int errorCode);
    /// An access point (one interface's view of a device) was found or changed: for the line.
    void accessPointSeen(const prov::SoftApInfo &accessPoint);

private:
    void handleSeen(const prov::SoftApInfo &accessPoint);
    void handleLost(const prov::SoftApInfo &accessPoint);
    void handleFinished();
    void handleError(const prov::Error &error);
    void setScanning(bool scanning);

    prov::SoftApScanner *m_scanner;
    /// SSID -> (interface + BSSID -> last report): a device is lost when no interface sees it.
    QHash<QString, QHash<QString, prov::SoftApInfo>> m_bySsid;
    std::optional<prov::Error> m_error;
    bool m_scanning = false;
};
