// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/pending.h"
#include "prov/protover.h"
#include "prov/random.h"
#include "prov/wifi.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <functional>
#include <memory>
#include <optional>

namespace prov {

class Transport;

/// How to secure the session. Holds secrets: never log it.
struct SecurityOptions
{
    /// Force a scheme (0/1/2). nullopt: follow proto-ver (§2.3 "Recommended"; unlike esp_prov,
    /// `prov.sec_ver` is honoured).
    std::optional<int> secVer;
    /// Force the Security 2 patch level (0: fixed IV, 1: counter nonce). nullopt: proto-ver's
    /// sec_patch_ver, absent => 0 (§8.4).
    std::optional<int> sec2PatchVer;
    QByteArray pop; ///< Security 1 PoP (ignored when the device says "no_pop", §13 item 8).
    QByteArray username; ///< Security 2 username (the examples use "wifiprov").
    QByteArray password; ///< Security 2 password (often called PoP in QR codes).
    /// Checked after proto-ver and before the handshake, so nothing derived from a secret has been
    /// sent yet: an error it returns ends connectDevice() with that error (a product line refuses a
    /// lower sec_ver with SecurityDowngrade, a wrong firmware with FirmwareMismatch). Empty: no check.
    std::function<std::optional<Error>(const ProtoVersion &)> versionGuard;
};

/// What connectDevice() learnt.
struct DeviceInfo
{
    ProtoVersion protoVersion;
    int secVer = 0; ///< scheme actually used
    int sec2PatchVer = 0; ///< patch actually used (Security 2 only)
};

/// Holds the meta-object of the Provisioner's enums (so they reach QML and logs by name): `prov`
/// already has its Q_NAMESPACE in error.h and a namespace can have only one. Use them as prov::X.
namespace provisionmeta {
Q_NAMESPACE

/// What provisionWifi()/provision() do when the device closes the link after a successful
/// ApplyConfig: most BLE firmware tears BLE down once provisioning ends (§7.6). Only transports
/// that report linkClosed() (BleTransport) trigger this; over HTTP nothing changes.
enum class AfterApplyLinkClosed : int {
    /// Reconnect, redo the handshake and poll GetStatus (ConfirmedAfterReconnect / Unconfirmed).
    Confirm = 0,
    Report = 1, ///< end at once with ProvisionOutcome::AppliedLinkClosed
    Fail = 2, ///< end in Disconnected, like any other link loss
};

Q_ENUM_NS(AfterApplyLinkClosed)

/// How a successful provision() ended (values are persisted in records: never renumber).
enum class ProvisionOutcome : int {
    /// GetStatus reported Connected on the provisioning link.
    Connected = 0,
    /// Apply succeeded, then the device closed the link; not checked (AfterApplyLinkClosed::Report).
    AppliedLinkClosed = 1,
    /// The link closed after Apply; a new link and a new session read Connected.
    ConfirmedAfterReconnect = 2,
    /// The link closed after Apply and reconnecting or reading the status failed: result unknown.
    Unconfirmed = 3,
};
Q_ENUM_NS(ProvisionOutcome)

/// Named steps, for progress display.
enum class ProvisionStep : int {
    Idle = 0,
    ReadingVersion = 1, ///< proto-ver
    Handshake = 2, ///< prov-session
    Scanning = 3, ///< prov-scan
    SendingConfig = 4, ///< SetConfig
    Applying = 5, ///< ApplyConfig
    WaitingForConnection = 6, ///< GetStatus polling
    Control = 7, ///< prov-ctrl
    Custom = 8, ///< custom endpoint
    Done = 9,
};
Q_ENUM_NS(ProvisionStep)
} // namespace provisionmeta

using provisionmeta::AfterApplyLinkClosed;
using provisionmeta::ProvisionOutcome;
using provisionmeta::ProvisionStep;

/// Timing of provisionWifi()/provision()/provisionThread() (§9.1 step 7). All in ms. Status polling
/// tracks the device: a short first wait after Apply's answer, then a fast interval while the device
/// is most likely to finish (it starts connecting about 1 s after ApplyConfig, §9.1), then the slow
/// interval. Every interval counts from the END of the previous answer, so at most one GetStatus is
/// outstanding and a slow link (BLE: 2 GATT operations per GetStatus) is never flooded. The same
/// schedule, counted from Apply's answer, serves the after-apply confirmation (§7.6) and Thread
/// polling. Negative values count as 0.
struct ProvisionOptions
{
    /// Apply's answer -> the first GetStatus, ms.
    int firstPollDelayMs = 200;
    /// Between GetStatus polls (answer -> next request) while within fastPollWindowMs of Apply's
    /// answer, ms. Connected is reported at most this long (plus one exchange) after the device
    /// reached it.
    int fastPollIntervalMs = 100;
    /// How long after Apply's answer fastPollIntervalMs applies, ms; 0 = never (slow polling only).
    int fastPollWindowMs = 6000;
    /// Between GetStatus polls (answer -> next request) after the fast window, ms.
    int pollIntervalMs = 1000;
    int connectTimeoutMs = 60000; ///< overall limit for reaching Connected/ConnectionFailed (§13 item 18)
    /// The link closed by the device after Apply; default: confirm by reconnecting.
    AfterApplyLinkClosed afterApplyLinkClosed = AfterApplyLinkClosed::Confirm;
};

/// "connected", "applied_link_closed", "confirmed_after_reconnect", "unconfirmed".
QString provisionOutcomeName(ProvisionOutcome outcome);

/// The value of provision().
struct ProvisionResult
{
    ProvisionOutcome outcome = ProvisionOutcome::Connected;
    /// Connected / ConfirmedAfterReconnect: the Connected status. Otherwise the last status read
    /// before the link closed, or Connecting when none was (the device starts connecting after
    /// Apply, §9.1).
    WifiStatus status;
    /// Unconfirmed: why the confirmation failed (ConnectFailed, Timeout, ...).
    std::optional<Error> confirmationError;
};

QString provisionStepName(ProvisionStep step);

/// The client role's workflow over one Transport: proto-ver, handshake, scan, configure, apply,
/// status, control and custom endpoints (docs/protocol.md §9.1). One operation at a time; starting a
/// second while one runs fails it with Internal ("busy"). Every operation returns a Pending<T>
/// owned by the Provisioner (deleted after finished()). Errors of each operation are those of the
/// transport (see HttpTransport) plus the ones listed on the method. After any transport or
/// decrypt error the cipher stream may be out of step (§5.2, §8.4), so the next operation first
/// redoes the handshake automatically. Destroying the Provisioner deletes its operations (they do not
/// emit finished()); a flow in progress unwinds without touching it.
class Provisioner : public QObject
{
    Q_OBJECT
public:
    /// `transport` is not owned and must outlive the Provisioner.
    explicit Provisioner(Transport *transport, QObject *parent = nullptr);
    ~Provisioner() override;

    /// Secrets for the next handshake; the current security session is forgotten (the next
    /// operation starts with proto-ver). A running operation is cancelled first (it ends with
    /// Cancelled, see cancel()).
    void setSecurityOptions(const SecurityOptions &options);
    /// Randomness for key generation (tests inject a deterministic source).
    void setRandomSource(std::shared_ptr<RandomSource> rng);

    /// proto-ver, SecurityOptions::versionGuard, then the handshake. Errors: those of the guard,
    /// VersionMismatch (sec_ver > 2, sec_patch_ver > 1),
    /// InvalidArgument (Security 2 without username/password), AuthenticationFailed (the device
    /// refused our PoP/password), HandshakeFailed (device proof wrong), MalformedMessage,
    /// DeviceRefused (the device refused the handshake: scheme mismatch), and the transport's.
    Pending<DeviceInfo> *connectDevice();

    /// Device-side Wi-Fi scan (§9.3). Requires cap "wifi_scan". ScanResult pages are
    /// options.pageSize entries, capped to Transport::maxScanEntriesPerRequest() (4 over BLE,
    /// §7.4). Errors: VersionMismatch (no wifi_scan capability), DeviceRejected (status != Success),
    /// Timeout (the device did not report the scan finished within 30 s of ScanStart's answer, or
    /// an exchange timed out; a blocking ScanStart is allowed at least 20 s).
    Pending<QList<ScanEntry>> *scanWifi(const ScanOptions &options = {});

    /// SetConfig, ApplyConfig, then GetStatus polling until a terminal state (§9.1).
    /// Value: the Connected status (IP, SSID, BSSID, channel, auth mode). Errors: InvalidArgument
    /// (validateWifiCredentials), DeviceRejected (SetConfig/Apply status != Success: e.g. Apply
    /// twice without reset), WifiAuthError, WifiNetworkNotFound, WifiConnectTimeout.
    /// wifiStatusChanged() reports every intermediate status (Connecting, attempts remaining).
    /// If the device closes the link after a successful Apply (BLE, §7.6), see
    /// ProvisionOptions::afterApplyLinkClosed: a confirmed Connected is the value; an outcome that
    /// stays unknown (AppliedLinkClosed, Unconfirmed) ends in Disconnected. Use provision() to tell
    /// those apart from a failure.
    Pending<WifiStatus> *provisionWifi(
        const WifiCredentials &credentials, const ProvisionOptions &options = {});

    /// provisionWifi() with the full outcome: AppliedLinkClosed and Unconfirmed are values here,
    /// not errors. Errors: as provisionWifi(), plus Disconnected when afterApplyLinkClosed is Fail.
    Pending<ProvisionResult> *provision(
        const WifiCredentials &credentials, const ProvisionOptions &options = {});

    /// One GetStatus (§9.2). Value: whatever the device reports (no terminal-state mapping).
    Pending<WifiStatus> *wifiStatus();

    /// prov-ctrl Reset (§9.4): only accepted by the device after ConnectionFailed.
    /// Errors: DeviceRejected (InternalError: wrong state), HttpStatus 404 (no prov-ctrl).
    Pending<void> *resetWifi();
    /// prov-ctrl Reprov (§9.4): only if the firmware disabled auto-stop. Errors as resetWifi().
    Pending<void> *reprovisionWifi();

    /// Sends `data` to a custom endpoint (§9.5), encrypted like any request endpoint.
    /// Value: the decrypted response bytes as sent (a trailing NUL is kept).
    Pending<QByteArray> *customRequest(const QString &endpoint, const QByteArray &data);

    /// Thread scan (§10): ScanThreadStart, status polling, then the result pages. Errors:
    /// DeviceRejected (status != Success, e.g. a Wi-Fi-only build), Timeout (the scan did not finish
    /// within 30 s of ScanThreadStart's answer).
    Pending<QList<ThreadScanEntry>> *scanThread(const ScanOptions &options = {});
    /// Thread provisioning (§10): SetThreadConfig with `dataset` (the operational dataset TLVs, bytes),
    /// ApplyThreadConfig, then GetThreadStatus on the schedule of ProvisionOptions until Attached (the
    /// value). Errors: DeviceRejected, ThreadAttachFailed (DatasetInvalid / network not found),
    /// ThreadAttachTimeout (still attaching after options.connectTimeoutMs ms).
    Pending<ThreadStatus> *provisionThread(const QByteArray &dataset, const ProvisionOptions &options = {});

    /// Cancels the running operation: it ends with Cancelled, exactly once and from the event loop. The
    /// link drops: an exchange in flight is aborted (a late answer would desynchronise the cipher, §5.2)
    /// and the after-apply confirmation drops the link it opened. Settings the operation changed on the
    /// transport (the blocking scan's timeout) are restored.
    void cancel();

    /// What connectDevice() learnt, if it ran.
    const std::optional<DeviceInfo> &deviceInfo() const;
    ProvisionStep step() const;

Q_SIGNALS:
    void stepChanged(prov::ProvisionStep step);
    void wifiStatusChanged(const prov::WifiStatus &status);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace prov

Q_DECLARE_METATYPE(prov::WifiStatus)
