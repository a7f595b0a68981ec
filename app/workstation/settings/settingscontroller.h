// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/label.h"

#include <QObject>
#include <QString>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <memory>

class QSettings;

/// The workstation's remembered settings (QSettings): station, operator, default network profile,
/// timeouts, the SoftAP join (Wi-Fi interface, port, join timeout), last page. Nothing secret is ever stored:
/// the default profile keeps the SSID and the expected auth mode; the passphrase lives in
/// `sessionPassphrase`, in memory, for this run only. Every setter writes through at once. GUI thread.
class SettingsController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("SettingsController is created by the workstation")
    /// Name of this workstation in records. `stationFromCommandLine`: set by --station for this
    /// run (not stored; the stored name shows again without the option).
    Q_PROPERTY(QString stationName READ stationName WRITE setStationName NOTIFY stationNameChanged)
    Q_PROPERTY(bool stationFromCommandLine READ stationFromCommandLine CONSTANT)
    Q_PROPERTY(QString operatorName READ operatorName WRITE setOperatorName NOTIFY operatorNameChanged)
    /// Remember the default network (SSID + auth mode, never the passphrase) across runs.
    Q_PROPERTY(
        bool rememberNetwork READ rememberNetwork WRITE setRememberNetwork NOTIFY rememberNetworkChanged)
    Q_PROPERTY(QString defaultSsid READ defaultSsid WRITE setDefaultSsid NOTIFY defaultSsidChanged)
    /// Raw wifi_auth_mode_t the default network is expected to use; -1 = take it from the scan.
    Q_PROPERTY(
        int defaultAuthMode READ defaultAuthMode WRITE setDefaultAuthMode NOTIFY defaultAuthModeChanged)
    /// In memory only, for this run: pre-fills the passphrase field. Never written anywhere.
    Q_PROPERTY(QString sessionPassphrase READ sessionPassphrase WRITE setSessionPassphrase NOTIFY
            sessionPassphraseChanged)
    /// Per-request timeout in ms (kMinRequestTimeoutMs..kMaxRequestTimeoutMs).
    Q_PROPERTY(
        int requestTimeoutMs READ requestTimeoutMs WRITE setRequestTimeoutMs NOTIFY requestTimeoutMsChanged)
    /// Overall wait for Connected after Apply, in ms (kMinConnectTimeoutMs..kMaxConnectTimeoutMs).
    Q_PROPERTY(
        int connectTimeoutMs READ connectTimeoutMs WRITE setConnectTimeoutMs NOTIFY connectTimeoutMsChanged)
    /// Start a BLE scan when the workstation starts (default on).
    Q_PROPERTY(bool scanBleOnStart READ scanBleOnStart WRITE setScanBleOnStart NOTIFY scanBleOnStartChanged)
    /// Most BLE links open at once through the adapter (kMinBleConnections..kMaxBleConnections,
    /// default 4): further sessions wait for a slot (prov::BleConnectionLimit).
    Q_PROPERTY(int maxBleConnections READ maxBleConnections WRITE setMaxBleConnections NOTIFY
            maxBleConnectionsChanged)
    /// When a BLE device closes the link after Apply (§7.6): reconnect and read the status to
    /// confirm Connected (default on). Off: the acknowledged Apply counts as provisioned.
    Q_PROPERTY(bool confirmAfterBleLinkClosed READ confirmAfterBleLinkClosed WRITE
            setConfirmAfterBleLinkClosed NOTIFY confirmAfterBleLinkClosedChanged)
    /// The Wi-Fi interface that scans for and joins SoftAP devices through NetworkManager ("wlan0");
    /// "" = Automatic (every interface scans, NetworkManager's first one joins).
    Q_PROPERTY(QString wifiInterface READ wifiInterface WRITE setWifiInterface NOTIFY wifiInterfaceChanged)
    /// The devices' HTTP port on their SoftAP (§6.1; default 80), for devices joined by SSID.
    Q_PROPERTY(int softApPort READ softApPort WRITE setSoftApPort NOTIFY softApPortChanged)
    /// How long joining a device's SoftAP may take, in seconds (kMinJoinTimeoutS..kMaxJoinTimeoutS,
    /// default 30): association and the DHCP address.
    Q_PROPERTY(int softApJoinTimeoutS READ softApJoinTimeoutS WRITE setSoftApJoinTimeoutS NOTIFY
            softApJoinTimeoutSChanged)
    /// The factory record file (from --record); read-only here.
    Q_PROPERTY(QString recordPath READ recordPath CONSTANT)
    /// Page index shown last (restored at start).
    Q_PROPERTY(int lastPage READ lastPage WRITE setLastPage NOTIFY lastPageChanged)
    /// Auth modes a technician can pick for a network typed by hand: [{text, value}], value = raw
    /// wifi_auth_mode_t or -1 ("not known: take it from the scan").
    Q_PROPERTY(QVariantList authModeChoices READ authModeChoices CONSTANT)
    /// The line's PostgreSQL record (docs/line-record.md): a libpq keyword/value connection string or
    /// a service name; "" = this station's record only. Never a password (refused: libpq reads it
    /// from ~/.pgpass, PGPASSFILE or the service file). Set with applyLineConnection().
    Q_PROPERTY(QString lineConnection READ lineConnection NOTIFY lineConnectionChanged)
    /// Why the last applyLineConnection() was refused; "" when it was taken.
    Q_PROPERTY(QString lineConnectionError READ lineConnectionError NOTIFY lineConnectionChanged)
    /// Where the settings live (file path or registry-like location), for the Settings page.
    Q_PROPERTY(QString storageLocation READ storageLocation CONSTANT)
public:
    static constexpr int kDefaultRequestTimeoutMs = 5000;
    static constexpr int kMinRequestTimeoutMs = 500;
    static constexpr int kMaxRequestTimeoutMs = 60000;
    static constexpr int kDefaultConnectTimeoutMs = 60000;
    static constexpr int kMinConnectTimeoutMs = 5000;
    static constexpr int kMaxConnectTimeoutMs = 300000;
    static constexpr int kDefaultMaxBleConnections = 4;
    static constexpr int kMinBleConnections = 1;
    static constexpr int kMaxBleConnections = 16;
    static constexpr int kDefaultSoftApPort = 80;
    static constexpr int kDefaultJoinTimeoutS = 30;
    static constexpr int kMinJoinTimeoutS = 5;
    static constexpr int kMaxJoinTimeoutS = 300;

    /// Takes ownership of `settings` (tests pass an INI file in a temporary folder).
    /// `recordPath` is shown read-only; a non-empty `stationOverride` (--station) wins over the
    /// stored station name for this run.
    SettingsController(std::unique_ptr<QSettings> settings, const QString &recordPath,
        const QString &stationOverride = {}, QObject *parent = nullptr);
    ~SettingsController() override;

    QString stationName() const;
    void setStationName(const QString &name);
    bool stationFromCommandLine() const { return !m_stationOverride.isEmpty(); }
    QString operatorName() const;
    void setOperatorName(const QString &name);
    bool rememberNetwork() const;
    void setRememberNetwork(bool remember);
    QString defaultSsid() const { return m_defaultSsid; }
    void setDefaultSsid(const QString &ssid);
    int defaultAuthMode() const { return m_defaultAuthMode; }
    void setDefaultAuthMode(int authMode);
    QString sessionPassphrase() const { return m_sessionPassphrase; }
    void setSessionPassphrase(const QString &passphrase);
    int requestTimeoutMs() const;
    void setRequestTimeoutMs(int ms);
    int connectTimeoutMs() const;
    void setConnectTimeoutMs(int ms);
    bool scanBleOnStart() const;
    void setScanBleOnStart(bool scan);
    int maxBleConnections() const;
    void setMaxBleConnections(int connections);
    bool confirmAfterBleLinkClosed() const;
    void setConfirmAfterBleLinkClosed(bool confirm);
    QString wifiInterface() const;
    void setWifiInterface(const QString &name);
    /// The SoftAP port: the override of this run when set (--softap-port), else the stored one.
    int softApPort() const;
    /// Stores `port` (1..65535) and drops this run's override.
    void setSoftApPort(int port);
    /// `--softap-port`: the SoftAP port for this run only (0 = none); never stored.
    void overrideSoftApPort(int port);
    int softApJoinTimeoutS() const;
    void setSoftApJoinTimeoutS(int seconds);
    QString recordPath() const { return m_recordPath; }
    int lastPage() const;
    void setLastPage(int page);
    QString storageLocation() const;
    QVariantList authModeChoices() const;
    /// The Line page's last chosen product profile (its id; "" none) and its extra profiles folder
    /// ("" none): remembered for the next start, C++ only (LineController restores them).
    QString lineProfileId() const;
    void setLineProfileId(const QString &id);
    QString lineProfilesDir() const;
    void setLineProfilesDir(const QString &dir);

    QString lineConnection() const;
    QString lineConnectionError() const { return m_lineConnectionError; }
    /// Checks (prov::checkLineConnection()) and stores `connection` ("" turns the line record off).
    /// False, with lineConnectionError set, when refused; nothing is stored then.
    Q_INVOKABLE bool applyLineConnection(const QString &connection);
    /// The label template (issue 10, docs/labels.md), stored as its JSON; the default template when
    /// none is stored or the stored one no longer validates. C++ only (LabelController).
    prov::LabelTemplate labelTemplate() const;
    void setLabelTemplate(const prov::LabelTemplate &labelTemplate);
    /// Where labels go: int(LabelController::Output); Pdf when none is stored.
    int labelOutput() const;
    void setLabelOutput(int output);
    /// The label outputs' text settings (LabelController reads and writes them).
    enum class LabelText : int {
        PdfFolder = 0, ///< the folder of the PDF labels; "" = the documents folder's "labels"
        PrinterName = 1, ///< the system printer's name (Qt Print Support); "" = the default printer
        ZplAddress = 2, ///< the ZPL printer as "host:port" (raw TCP, port 9100 when none is given)
        ZplFile = 3, ///< the file ZPL labels are written to (a file or a device such as /dev/usb/lp0)
    };
    /// The stored value of `which`; "" when none.
    QString labelText(LabelText which) const;
    void setLabelText(LabelText which, const QString &value);

    /// Writes pending changes to disk now (QSettings also does it on its own and on exit).
    Q_INVOKABLE void sync();

Q_SIGNALS:
    void stationNameChanged();
    void operatorNameChanged();
    void rememberNetworkChanged();
    void defaultSsidChanged();
    void defaultAuthModeChanged();
    void sessionPassphraseChanged();
    void requestTimeoutMsChanged();
    void connectTimeoutMsChanged();
    void scanBleOnStartChanged();
    void maxBleConnectionsChanged();
    void confirmAfterBleLinkClosedChanged();
    void wifiInterfaceChanged();
    void softApPortChanged();
    void softApJoinTimeoutSChanged();
    void lastPageChanged();
    void lineConnectionChanged();

private:
    void storeNetwork();
    int clampedValue(const QString &key, int fallback, int min, int max) const;
    std::unique_ptr<QSettings> m_settings;
    QString m_recordPath;
    QString m_stationOverride;
    int m_softApPortOverride = 0; ///< --softap-port for this run; 0 = none
    QString m_defaultSsid;
    int m_defaultAuthMode = -1;
    QString m_sessionPassphrase;
    QString m_lineConnectionError;
};
