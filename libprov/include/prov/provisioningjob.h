// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/pending.h"
#include "prov/productprofile.h"
#include "prov/provisioner.h"
#include "prov/record.h"
#include "prov/transportconfig.h"

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace prov {

class RecordSink;
struct BleDeviceInfo;
struct SoftApInfo;

/// A device's credentials for the handshake. Secrets: never logged, recorded or exported.
struct DeviceCredentials
{
    QByteArray pop; ///< Security 1 PoP; for Security 2 the password when `password` is empty (QR `pop`, §11)
    QByteArray username; ///< Security 2 username; empty = "wifiprov", the examples' default (§8)
    QByteArray password; ///< Security 2 password
    /// The device's SoftAP WPA2 passphrase (QR `password`, §11) for joining it through NetworkManager;
    /// empty: the shift's (ShiftSecrets::softApPassword), or an open SoftAP.
    QByteArray softApPassword;
    /// True when no credential part is set (the SoftAP passphrase does not count: it opens the link,
    /// not the session).
    bool isEmpty() const { return pop.isEmpty() && username.isEmpty() && password.isEmpty(); }
};

/// What the operator types at the start of a shift, held in memory only (never stored, logged or
/// passed on a command line).
struct ShiftSecrets
{
    QByteArray passphrase; ///< the profile network's Wi-Fi passphrase (0 or 8..64 bytes, §9.1)
    /// The device credentials when the profile's `security.credentials_from` is `prompt`.
    DeviceCredentials credentials;
    /// The devices' SoftAP passphrase for devices joined through NetworkManager whose sticker gives
    /// none; empty = open SoftAPs.
    QByteArray softApPassword;
};

/// One device of a tray as the line knows it.
struct LineDevice
{
    QString serviceName; ///< advertised name / SoftAP SSID, e.g. "PROV_1A2B3C"
    TransportKind transport = TransportKind::Ble;
    /// BLE: "AA:BB:CC:DD:EE:FF"; SoftAP: "host:port" (or "host", port 80), or the BSSID
    /// "AA:BB:CC:DD:EE:FF" of its access point when a Wi-Fi scan found it (SoftApJobKind joins it).
    /// Empty until known (a QR sticker scanned before the BLE or Wi-Fi scan found the device).
    QString address;
    std::optional<int> rssiDbm; ///< last advertised RSSI in dBm; nullopt when unknown (manifest, Wi-Fi)
    /// Wi-Fi scan: the access point's strength in PERCENT as NetworkManager reports it (not dBm).
    std::optional<int> signalPercent;
    QString source; ///< where it came from: "ble-scan", "qr", "manifest", "resume", "cli"
    DeviceCredentials credentials; ///< from the QR sticker or the manifest; empty for `prompt`
    /// True when a sticker or a manifest row gave the credentials, also when they are empty because the
    /// device needs none (Security 0). A BLE scan gives none (false).
    bool credentialsGiven = false;
    QHash<QString, QString> fields; ///< manifest / QR fields for `${field:NAME}` (not secret)

    /// The device's identity within a batch: "<transport>:<service name>" (the address when there is
    /// no name). Two offers with the same key are the same device.
    QString key() const;
    /// A BLE scan's report as a line device (source "ble-scan", no credentials): name, address, and
    /// the RSSI in dBm unless the device is only in BlueZ's cache (not advertising: no RSSI).
    static LineDevice fromBleScan(const BleDeviceInfo &info);
    /// A Wi-Fi scan's access point as a line device (source "wifi-scan", transport SoftAp, address =
    /// BSSID, strength in percent, no credentials).
    static LineDevice fromSoftApScan(const SoftApInfo &accessPoint);
};

/// Everything one job needs for one attempt on one device. Holds secrets (credentials, passphrase).
struct JobRequest
{
    ProductProfile profile;
    LineDevice device;
    ShiftSecrets secrets;
    PlaceholderValues placeholders; ///< filled in by the engine (service name, counter, batch, ...)
    /// The record identity of the attempt: station, operator, device, batch, lane, profile, attempt
    /// number (record.h).
    AttemptStart identity;
    /// Send a Wi-Fi reset (prov-ctrl, §9.4) after the handshake and before SetConfig: the retry rule
    /// of the last failure asked for it.
    bool resetFirst = false;
    /// An earlier attempt on this device got as far as ApplyConfig (it was cut, or failed while
    /// waiting): read the status first, the device may already be on the network.
    bool earlierAttemptApplied = false;
    /// Timeouts and limits for the link; kind and address are taken from `device`.
    TransportConfig transport;
    /// Status polling after ApplyConfig; `afterApplyLinkClosed` is taken from the profile.
    ProvisionOptions provisionOptions;
};

/// What a successful job learnt.
struct JobResult
{
    ProvisionResult provision; ///< how Apply ended (Connected, ConfirmedAfterReconnect, AppliedLinkClosed)
    DeviceInfo device; ///< proto-ver and the scheme used
    QString firmwareVersion; ///< "label version" of proto-ver's first application entry, "" when none
    /// Set by the duplicate guard (GuardedJobKind, profile `duplicates`: `warn`) when the line record
    /// already held a Provisioned attempt of the device, e.g. "provisioned before at station S on
    /// 2026-12-06 10:31 UTC (attempt 1a2b3c4d)"; "" otherwise. English, no secret.
    QString duplicateNote;
};

/// One device's whole provisioning run, one attempt (connect, proto-ver, the profile's guards,
/// handshake, custom steps, SetConfig, ApplyConfig, wait, record). A job kind per transport or
/// vendor (ESP-IDF over SoftAP/BLE here; SoftAP joined through NetworkManager, Microchip's tunnel and
/// the ESP-NOW bridge later) implements it; the LaneEngine only sees this interface.
///
/// A job writes its own attempt to the RecordSink it was created with (the identity of the request)
/// and ends it exactly once. Use it on the thread that created it.
class ProvisioningJob : public QObject
{
    Q_OBJECT
public:
    ~ProvisioningJob() override = default;

    /// Starts the attempt (once). The Pending (owned by the job) ends once, from the event loop:
    /// the JobResult, or the error that ended the attempt (any ErrorCode of the job kind; Cancelled
    /// after cancel()).
    virtual Pending<JobResult> *start() = 0;
    /// Cancels the attempt: the link drops and start()'s Pending ends with Cancelled (from the event
    /// loop); the attempt is recorded as Cancelled. No-op once ended.
    virtual void cancel() = 0;

    /// What the job is doing now, for a lane tile: a short English step name ("handshake").
    QString stepName() const { return m_stepName; }
    /// Rough progress through the job, 0..100 (%).
    int progressPercent() const { return m_progressPercent; }
    /// True once the attempt has sent the configuration to apply (ApplyConfig, §9.1, or the job kind's
    /// equivalent): a later attempt must not assume the device is untouched.
    bool reachedApply() const { return m_reachedApply; }

Q_SIGNALS:
    void progressChanged(const QString &stepName, int percent);

protected:
    explicit ProvisioningJob(QObject *parent = nullptr)
        : QObject(parent)
    { }
    /// Sets the step and progress and emits progressChanged() when either changed.
    void setProgress(const QString &stepName, int percent);
    void setReachedApply() { m_reachedApply = true; }

private:
    QString m_stepName;
    int m_progressPercent = 0;
    bool m_reachedApply = false;
};

/// Makes the jobs of one kind. The LaneEngine asks each registered kind in turn and uses the first
/// that handles() a device.
class JobKind
{
public:
    virtual ~JobKind() = default;
    /// A stable name for logs and docs, e.g. "esp-idf".
    virtual QString name() const = 0;
    /// True when this kind can provision `device` (its transport).
    virtual bool handles(const LineDevice &device) const = 0;
    /// A new job for one attempt; `sink` (not owned, may be null) receives the attempt's record.
    virtual std::unique_ptr<ProvisioningJob> create(const JobRequest &request, RecordSink *sink) = 0;

protected:
    JobKind() = default;
};

/// The ESP-IDF unified provisioning job kind (protocomm, docs/protocol.md §9.1) over SoftAP/HTTP and
/// BLE, built with makeTransport(). The job: proto-ver and the profile's guards (sec_ver below
/// `security.min_sec_ver` → SecurityDowngrade; an application version the profile's firmware pattern
/// refuses → FirmwareMismatch; both before anything derived from a secret is sent), the handshake
/// (Security 1/2 with the device's or the shift's credentials), a prov-ctrl reset when asked (its
/// refusal is ignored: the device only accepts it after a failure, §9.4); when an earlier attempt got
/// as far as ApplyConfig (JobRequest::earlierAttemptApplied) first GetStatus (§9.2), waiting while
/// Connecting: a device already Connected
/// to the profile's SSID (the cut attempt's Apply went through) ends the job with success without
/// sending the credentials again, one that reports ConnectionFailed is reset first; then each custom step
/// (CustomResponseMismatch when the answer does not match `expect`), then provision() with the
/// profile's network and after-apply rule. Errors: those of Provisioner::connectDevice(),
/// customRequest() and provision(), SecurityDowngrade, FirmwareMismatch, CustomResponseMismatch,
/// InvalidArgument (no address; a `${field:NAME}` missing), Cancelled.
class EspJobKind : public JobKind
{
public:
    QString name() const override;
    bool handles(const LineDevice &device) const override;
    std::unique_ptr<ProvisioningJob> create(const JobRequest &request, RecordSink *sink) override;
};

/// SoftAP devices that a Wi-Fi scan found (LineDevice address = the access point's BSSID): each attempt
/// joins the device's SoftAP through NetworkManager on its lane's Wi-Fi interface (lane modulo the
/// number of interfaces), runs the inner kind's job (ESP-IDF by default) over SoftApTransport, and gives
/// the interface back (the connection active before comes back). One interface joins one access point
/// at a time, so a batch's SoftAP lanes should not exceed the interfaces (a lane that shares one waits
/// for it within the join timeout). The SoftAP passphrase is the device's (sticker / manifest), else the
/// shift's. Errors: the inner kind's, and SoftApTransport's (AccessPointNotFound, SoftApAuthFailed,
/// JoinTimeout, DhcpTimeout, PermissionDenied, NoWifiInterface, WifiDisabled, Unavailable).
class SoftApJobKind : public JobKind
{
public:
    struct Settings
    {
        QStringList interfaces; ///< Wi-Fi interfaces to use, "wlan0", ...; empty = NetworkManager's first
        quint16 port = 80; ///< the devices' HTTP port on their SoftAP (§6.1)
        int joinTimeoutMs = 30000; ///< SoftApJoinRequest::joinTimeoutMs, in ms
    };
    /// `inner`: the job kind run over the joined link; null = EspJobKind.
    explicit SoftApJobKind(Settings settings, std::unique_ptr<JobKind> inner = nullptr);
    ~SoftApJobKind() override;
    QString name() const override;
    /// SoftAP devices whose address is a BSSID.
    bool handles(const LineDevice &device) const override;
    std::unique_ptr<ProvisioningJob> create(const JobRequest &request, RecordSink *sink) override;
    const Settings &settings() const { return m_settings; }

private:
    Settings m_settings;
    std::unique_ptr<JobKind> m_inner;
};

/// True when `text` is a MAC address "AA:BB:CC:DD:EE:FF" (either case): a BLE address or a BSSID.
bool isMacAddress(const QString &text);

} // namespace prov
