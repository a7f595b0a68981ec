// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/deviceentry.h"
#include "session/erroradvice.h"
#include "session/wifiscanmodel.h"

#include "prov/error.h"
#include "prov/provisioner.h"
#include "prov/transportconfig.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUuid>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <optional>

namespace prov {
class AttemptRecorder;
class RecordSink;
class BleConnectionLimit;
class Transport;
} // namespace prov
class SoftApLeaves;

/// What a DeviceSession needs from the settings: timeouts (ms) and who is provisioning.
struct SessionConfig
{
    int requestTimeoutMs = 5000; ///< per request (Transport::setTimeout)
    int connectTimeoutMs = 60000; ///< Apply -> Connected/ConnectionFailed overall limit (§13 item 18)
    /// Apply -> first GetStatus; then fast polling for a few seconds (prov::ProvisionOptions), ms.
    int firstPollDelayMs = 200;
    int pollIntervalMs = 1000; ///< between GetStatus polls once the fast window is over
    QString station;
    QString operatorName;
    // ---- BLE rows (prov::TransportKind::Ble)
    /// Shared limit on open BLE links (owned by DeviceController; null = no limit).
    prov::BleConnectionLimit *bleLimit = nullptr;
    int bleConnectTimeoutMs = 15000; ///< connect + service discovery (BleTransport::setConnectTimeout)
    /// After Apply the device closed the link (§7.6): true = reconnect and confirm Connected
    /// (AfterApplyLinkClosed::Confirm), false = take the acknowledged Apply as done (Report).
    bool confirmAfterBleLinkClosed = true;
    /// The service UUID a device advertised, by service name (BleSource); may be empty.
    std::function<QUuid(const QString &serviceName)> bleServiceFor;
    // ---- SoftAP rows joined through NetworkManager (DeviceEntry::joinsSoftAp())
    QString wifiInterface; ///< "wlan0"; "" = NetworkManager's first Wi-Fi interface
    quint16 softApPort = 80; ///< the devices' HTTP port on their SoftAP (§6.1)
    int softApJoinTimeoutMs = 30000; ///< SoftApJoinRequest::joinTimeoutMs
    /// Where a closed session's SoftApTransport goes to give the interface back (owned by
    /// DeviceController; null = the transport's destructor leaves on its own, unawaited).
    SoftApLeaves *softApLeaves = nullptr;
};

/// One device being provisioned: the thin QML-facing adapter over a prov::Transport (HttpTransport
/// for SoftAP rows with a host, SoftApTransport for SoftAP rows joined through NetworkManager (a
/// Wi-Fi scan's or a QR sticker's row without a host: SSID, BSSID when known, the QR's SoftAP
/// password, the settings' interface, port and join timeout), BleTransport for BLE rows: address = the
/// Bluetooth address, the advertised service UUID, the shared BleConnectionLimit) + prov::Provisioner
/// (docs/protocol.md §9.1). Every verb starts one asynchronous operation (nothing blocks the GUI thread),
/// returns false when another one runs or the input is refused, and ends exactly once in finished() with a
/// typed error code. Failures are exposed as a prov::ErrorCode number plus the app's advice text
/// (erroradvice.h): QML never compares error text.
///
/// Every attempt is written to the factory record by a prov::AttemptRecorder into the given
/// prov::RecordSink (the workstation's RecordLog; none: nothing recorded): begin at the first
/// operation, device facts after proto-ver, one phase row per workflow phase with its duration in
/// ms, custom calls (sizes; payloads only when the operator said "not secret"), and the end with the
/// outcome, the SSID and the error code + detail. Passphrases, PoPs and SRP passwords never reach the
/// record or a log.
///
/// An attempt ends with Provisioned (Connected), Failed (connect or apply failure), or Cancelled
/// (cancel(), or the session closed with nothing provisioned); the next operation opens a new one.
/// Apply runs Provisioner::provision(): when a BLE device closes the link after a successful Apply
/// (§7.6) the outcome (prov::ProvisionOutcome) is recorded as follows (AttemptRecorder):
/// - Connected, ConfirmedAfterReconnect: Provisioned (applyState Connected);
/// - AppliedLinkClosed (confirmation turned off in the settings): Provisioned (applyState
///   AppliedLinkClosed). The technician chose to trust the acknowledged Apply, which is what
///   the firmware's own "provisioning done" teardown means;
/// - Unconfirmed (reconnect or status read failed): Failed with the confirmation error's code.
/// GUI thread. Created and owned by DeviceController.
class DeviceSession : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("DeviceSession is created by DeviceController")

    Q_PROPERTY(QString serviceName READ serviceName NOTIFY entryChanged)
    Q_PROPERTY(QString address READ address NOTIFY entryChanged)
    /// QML: Transport.SoftAp / Transport.Ble.
    Q_PROPERTY(prov::TransportKind transportKind READ transportKind NOTIFY entryChanged)
    /// The transport as shown: "SoftAP", "BLE".
    Q_PROPERTY(QString transportText READ transportText NOTIFY entryChanged)

    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(Operation operation READ operation NOTIFY busyChanged)
    /// proto-ver read and handshake done at least once (facts below are valid).
    Q_PROPERTY(bool connected READ isConnected NOTIFY factsChanged)

    // ---- named steps of the workflow (§9.1) for the progress display
    /// The link's own set-up step in words while it runs ("Joining PROV_1A2B3C on wlan0…":
    /// Transport::linkProgress), "" otherwise. Only SoftAP rows joined through NetworkManager have one.
    Q_PROPERTY(QString linkProgress READ linkProgress NOTIFY linkProgressChanged)
    /// The device is reached by joining its SoftAP through NetworkManager (DeviceEntry::joinsSoftAp()).
    Q_PROPERTY(bool joinsSoftAp READ joinsSoftAp NOTIFY entryChanged)
    /// The six workflow steps, in order: proto-ver, handshake, scan, credentials, apply, wait.
    Q_PROPERTY(QStringList stepNames READ stepNames CONSTANT)
    /// StepState per entry of stepNames (ints).
    Q_PROPERTY(QList<int> stepStates READ stepStates NOTIFY stepChanged)
    /// The running step (QML: Provision.Idle ... Provision.Done).
    Q_PROPERTY(prov::ProvisionStep step READ step NOTIFY stepChanged)
    /// Human name of the running step ("security handshake"), "" when idle.
    Q_PROPERTY(QString stepName READ stepName NOTIFY stepChanged)
    /// Fraction 0..1 of the workflow steps done (or skipped).
    Q_PROPERTY(double progress READ progress NOTIFY stepChanged)

    // ---- proto-ver facts (§2.2, §2.3)
    Q_PROPERTY(QString provVersion READ provVersion NOTIFY factsChanged)
    /// First application entry of proto-ver ("rmaker v1.0"), "" if the firmware reports none.
    Q_PROPERTY(QString firmwareVersion READ firmwareVersion NOTIFY factsChanged)
    Q_PROPERTY(QStringList capabilities READ capabilities NOTIFY factsChanged)
    /// Security scheme in use; -1 before connecting.
    Q_PROPERTY(int secVer READ secVer NOTIFY factsChanged)
    /// Security 2 patch level; -1 when not applicable.
    Q_PROPERTY(int secPatchVer READ secPatchVer NOTIFY factsChanged)
    Q_PROPERTY(bool canScan READ canScan NOTIFY factsChanged)

    // ---- the device's Wi-Fi scan (§9.3)
    Q_PROPERTY(WifiScanProxyModel *scanModel READ scanModel CONSTANT)
    Q_PROPERTY(bool scanned READ hasScanned NOTIFY scanFinished)

    // ---- live apply status (§9.2)
    Q_PROPERTY(ApplyState applyState READ applyState NOTIFY applyStateChanged)
    /// Attempts left while Connecting after a failed attempt; -1 unknown.
    Q_PROPERTY(int attemptsRemaining READ attemptsRemaining NOTIFY applyStateChanged)
    Q_PROPERTY(QString appliedSsid READ appliedSsid NOTIFY applyStateChanged)
    Q_PROPERTY(QString connectedIp READ connectedIp NOTIFY applyStateChanged)
    Q_PROPERTY(int connectedChannel READ connectedChannel NOTIFY applyStateChanged)
    Q_PROPERTY(QString connectedBssid READ connectedBssid NOTIFY applyStateChanged)
    Q_PROPERTY(QString connectedAuth READ connectedAuth NOTIFY applyStateChanged)
    /// An apply succeeded since the last one started: provisionOutcome is valid.
    Q_PROPERTY(bool hasProvisionOutcome READ hasProvisionOutcome NOTIFY applyStateChanged)
    /// How the last successful apply ended (QML: Provision.Connected ... Provision.Unconfirmed);
    /// Connected when hasProvisionOutcome is false.
    Q_PROPERTY(prov::ProvisionOutcome provisionOutcome READ provisionOutcome NOTIFY applyStateChanged)
    /// The last apply's outcome in words ("Applied — the device closed the link (normal for BLE)"),
    /// "" when no apply succeeded.
    Q_PROPERTY(QString outcomeText READ outcomeText NOTIFY applyStateChanged)

    // ---- the last failure: a typed code + the app's advice
    /// int(prov::ErrorCode), 0 when the last operation did not fail.
    Q_PROPERTY(int errorCode READ errorCode NOTIFY errorChanged)
    /// Stable name ("wifi_auth_error"), for logs and support.
    Q_PROPERTY(QString errorName READ errorName NOTIFY errorChanged)
    Q_PROPERTY(QString errorDetail READ errorDetail NOTIFY errorChanged)
    Q_PROPERTY(QString errorHeadline READ errorHeadline NOTIFY errorChanged)
    Q_PROPERTY(QString errorAdvice READ errorAdvice NOTIFY errorChanged)
    /// Why the last verb was refused before anything was sent (credentials, payload); "" if none.
    Q_PROPERTY(QString validationMessage READ validationMessage NOTIFY validationMessageChanged)

    // ---- custom endpoint console (§9.5)
    Q_PROPERTY(bool hasCustomResponse READ hasCustomResponse NOTIFY customResponseChanged)
    Q_PROPERTY(QString customEndpoint READ customEndpoint NOTIFY customResponseChanged)
    /// Response as text (trailing NULs stripped, invalid UTF-8 replaced).
    Q_PROPERTY(QString customResponseText READ customResponseText NOTIFY customResponseChanged)
    /// Response as space-separated hex bytes, as received.
    Q_PROPERTY(QString customResponseHex READ customResponseHex NOTIFY customResponseChanged)
    /// Response size in bytes, as received (a trailing NUL counts).
    Q_PROPERTY(int customResponseSize READ customResponseSize NOTIFY customResponseChanged)

public:
    enum class Operation : int {
        None = 0,
        Connect = 1,
        Scan = 2,
        Apply = 3,
        Reset = 4,
        Reprovision = 5,
        Custom = 6
    };
    Q_ENUM(Operation)
    /// AppliedLinkClosed: Apply acknowledged, then the BLE device closed the link and confirmation
    /// was off (ProvisionOutcome::AppliedLinkClosed): counted as provisioned.
    enum class ApplyState : int {
        Idle = 0,
        Sending = 1,
        Connecting = 2,
        Connected = 3,
        Failed = 4,
        AppliedLinkClosed = 5
    };
    Q_ENUM(ApplyState)
    /// Names carry a "Step" prefix: QML puts every enum of a type in one scope (ApplyState has Failed).
    enum class StepState : int {
        StepPending = 0,
        StepRunning = 1,
        StepDone = 2,
        StepFailed = 3,
        StepSkipped = 4
    };
    Q_ENUM(StepState)
    enum class PayloadFormat : int { Text = 0, Hex = 1, File = 2 };
    Q_ENUM(PayloadFormat)

    /// `entry` holds the address and the (in-memory) credentials. `records` is not owned and may be
    /// null (nothing recorded); it must outlive the session.
    DeviceSession(const DeviceEntry &entry, const SessionConfig &config, prov::RecordSink *records,
        QObject *parent = nullptr);
    /// Cancels a running operation and ends an open attempt (Failed with the last error, else
    /// Cancelled). A SoftApTransport goes to SessionConfig::softApLeaves to give the interface back.
    ~DeviceSession() override;

    /// proto-ver, then the handshake (§9.1 steps 1-2). Errors: those of Provisioner::connectDevice
    /// (ConnectFailed, Timeout, AuthenticationFailed, HandshakeFailed, VersionMismatch, ...).
    Q_INVOKABLE bool connectDevice();
    /// The device's Wi-Fi scan (§9.3); connects first if needed. Errors: VersionMismatch (no
    /// wifi_scan), DeviceRejected, transport errors.
    Q_INVOKABLE bool refreshScan();
    /// "" when `ssid`/`passphrase` may be sent for `authMode` (-1: the scan's auth mode for that
    /// SSID, unknown if not scanned), else the reason (ws::checkCredentials). Sends nothing.
    Q_INVOKABLE QString validate(const QString &ssid, const QString &passphrase, int authMode = -1) const;
    /// Checks the credentials (validate()), then SetConfig, ApplyConfig and GetStatus polling
    /// until Connected or a typed failure (WifiAuthError, WifiNetworkNotFound, WifiConnectTimeout,
    /// DeviceRejected, transport errors). Returns false without sending when validation fails
    /// (validationMessage says why). The passphrase is not kept after the operation.
    Q_INVOKABLE bool apply(const QString &ssid, const QString &passphrase, int authMode = -1);
    /// prov-ctrl Reset (§9.4), after a failed connection. Errors: DeviceRejected, HttpStatus.
    Q_INVOKABLE bool reset();
    /// prov-ctrl Reprov (§9.4). Errors: DeviceRejected (auto-stop firmware), HttpStatus.
    Q_INVOKABLE bool reprovision();
    /// Sends `payload` (text, hex digits, or a file path/URL of at most 4096 bytes) to custom
    /// `endpoint` (§9.5). `recordPayload`: the operator marked the payload "not secret": the
    /// request and response bytes go into the record (sizes are always recorded).
    Q_INVOKABLE bool sendCustom(const QString &endpoint, const QString &payload,
        DeviceSession::PayloadFormat format, bool recordPayload);
    /// As sendCustom() with raw bytes.
    bool customRequest(const QString &endpoint, const QByteArray &payload, bool recordPayload);
    /// Cancels the running operation (it ends with Cancelled) and drops the link.
    Q_INVOKABLE void cancel();
    /// Raw wifi_auth_mode_t of the strongest scanned AP named `ssid`, -1 when not in the scan.
    Q_INVOKABLE int authModeFor(const QString &ssid) const;
    /// Whether the form must ask for a passphrase for raw auth mode `authMode` (-1 = unknown: yes).
    Q_INVOKABLE bool needsPassphrase(int authMode) const;
    /// Clears the last failure and validation message (the technician dismissed them).
    Q_INVOKABLE void clearError();

    /// New timeouts/identity; they apply from the next operation.
    void setConfig(const SessionConfig &config);
    /// The device's entry changed (address edited, QR credentials merged). Ignored while busy;
    /// a new address starts a new link; new credentials force a new handshake.
    bool updateEntry(const DeviceEntry &entry);
    const DeviceEntry &entry() const { return m_entry; }
    /// The factory record attempt in progress, "" when none.
    QString attemptId() const;

    QString serviceName() const { return m_entry.serviceName; }
    /// "host:port" for SoftAP rows, the Bluetooth address for BLE rows (service name if unknown).
    QString address() const;
    prov::TransportKind transportKind() const { return m_entry.transport; }
    QString transportText() const { return prov::transportKindDisplayName(m_entry.transport); }
    QString linkProgress() const { return m_linkProgress; }
    bool joinsSoftAp() const { return m_entry.joinsSoftAp(); }
    /// The transport in use (null when the row has none); for tests and diagnostics.
    prov::Transport *transport() const { return m_transport; }
    bool isBusy() const { return m_operation != Operation::None; }
    Operation operation() const { return m_operation; }
    bool isConnected() const { return m_info.has_value(); }
    QStringList stepNames() const;
    QList<int> stepStates() const;
    prov::ProvisionStep step() const { return m_step; }
    QString stepName() const;
    double progress() const;
    QString provVersion() const;
    QString firmwareVersion() const;
    QStringList capabilities() const;
    int secVer() const { return m_info ? m_info->secVer : -1; }
    int secPatchVer() const { return m_info && m_info->secVer == 2 ? m_info->sec2PatchVer : -1; }
    bool canScan() const;
    WifiScanProxyModel *scanModel() const { return m_scanProxy; }
    WifiScanModel *scanSourceModel() const { return m_scan; }
    bool hasScanned() const { return m_scanned; }
    ApplyState applyState() const { return m_applyState; }
    int attemptsRemaining() const { return m_attemptsRemaining; }
    QString appliedSsid() const { return m_appliedSsid; }
    QString connectedIp() const { return m_connected.ip4; }
    int connectedChannel() const { return m_connected.channel; }
    QString connectedBssid() const;
    QString connectedAuth() const;
    bool hasProvisionOutcome() const { return m_outcome.has_value(); }
    prov::ProvisionOutcome provisionOutcome() const
    {
        return m_outcome.value_or(prov::ProvisionOutcome::Connected);
    }
    QString outcomeText() const;
    /// True when the last apply ended as provisioned (Connected or AppliedLinkClosed).
    bool isProvisioned() const
    {
        return m_applyState == ApplyState::Connected || m_applyState == ApplyState::AppliedLinkClosed;
    }
    int errorCode() const { return m_error ? int(m_error->code) : 0; }
    QString errorName() const;
    QString errorDetail() const { return m_error ? m_error->detail : QString(); }
    QString errorHeadline() const { return m_advice.headline; }
    QString errorAdvice() const { return m_advice.advice; }
    std::optional<prov::Error> error() const { return m_error; }
    QString validationMessage() const { return m_validationMessage; }
    bool hasCustomResponse() const { return m_customResponse.has_value(); }
    QString customEndpoint() const { return m_customEndpoint; }
    QString customResponseText() const;
    QString customResponseHex() const;
    int customResponseSize() const { return m_customResponse ? int(m_customResponse->size()) : 0; }

Q_SIGNALS:
    void entryChanged();
    void busyChanged();
    void stepChanged();
    void factsChanged();
    void scanFinished();
    void applyStateChanged();
    void errorChanged();
    void validationMessageChanged();
    void customResponseChanged();
    void linkProgressChanged();
    /// Every verb that returned true ends here exactly once. `errorCode` = int(prov::ErrorCode), 0 = ok.
    void finished(DeviceSession::Operation operation, int errorCode);

private:
    /// Credentials as sent: the SSID's raw bytes from the strongest scan entry of that name (else UTF-8),
    /// and *authMode filled from that entry when it is < 0 (auto).
    prov::WifiCredentials credentialsFor(const QString &ssid, const QString &passphrase, int *authMode) const;
    void buildTransport();
    /// Deletes the Provisioner and the transport (a SoftApTransport leaves through softApLeaves).
    void dropTransport();
    void setLinkProgress(const QString &text);
    bool begin(Operation operation);
    bool failWithoutTransport();
    bool runControl(Operation operation);
    void end(const std::optional<prov::Error> &error, ws::ErrorContext context);
    void setError(const std::optional<prov::Error> &error, ws::ErrorContext context);
    void setValidation(const QString &message);
    void setApplyState(ApplyState state);
    void handleStep(prov::ProvisionStep step);
    void handleWifiStatus(const prov::WifiStatus &status);
    void setFacts(const prov::DeviceInfo &info);
    template <typename T, typename F> void watch(prov::Pending<T> *op, F onFinished);

    DeviceEntry m_entry;
    SessionConfig m_config;
    /// The factory record of this device's attempts (child).
    prov::AttemptRecorder *m_recorder = nullptr;
    prov::Transport *m_transport = nullptr;
    /// Why there is no transport (BLE address unknown, a kind this build does not know).
    std::optional<prov::Error> m_transportError;
    prov::Provisioner *m_provisioner = nullptr;
    WifiScanModel *m_scan = nullptr;
    WifiScanProxyModel *m_scanProxy = nullptr;

    Operation m_operation = Operation::None;
    prov::ProvisionStep m_step = prov::ProvisionStep::Idle;
    QList<StepState> m_stepStates;
    std::optional<prov::DeviceInfo> m_info;
    bool m_scanned = false;
    ApplyState m_applyState = ApplyState::Idle;
    int m_attemptsRemaining = -1;
    QString m_appliedSsid;
    prov::WifiStatus m_connected;
    std::optional<prov::ProvisionOutcome> m_outcome;
    std::optional<prov::Error> m_error;
    ws::ErrorAdvice m_advice;
    QString m_validationMessage;
    std::optional<QByteArray> m_customResponse;
    QString m_customEndpoint;
    QString m_linkProgress;
};
