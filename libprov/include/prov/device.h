// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/protover.h"
#include "prov/random.h"
#include "prov/security.h"
#include "prov/transportconfig.h"
#include "prov/wifi.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>

/// The device role of the protocol (docs/protocol.md §14): endpoint dispatch, the security schemes'
/// device side, the prov-config / prov-scan / prov-ctrl handlers and a simulated radio. Used by
/// prov-sim and the tests; front ends (HTTP, later BLE) sit where a real device's transport would.
namespace prov {

/// One access point of the simulated radio. Holds a secret (`passphrase`).
struct SimAccessPoint
{
    QByteArray ssid;
    QByteArray passphrase; ///< empty for Open
    int authMode = int(AuthMode::WPA2_PSK); ///< raw wifi_auth_mode_t
    int channel = 6;
    int rssi = -50; ///< dBm
    QByteArray bssid; ///< 6 bytes
};

/// Behaviour of the simulated station (§9.2).
struct SimRadioConfig
{
    QList<SimAccessPoint> accessPoints;
    int connectDelayMs = 1000; ///< Apply -> association result (the device itself waits 1 s, §9.1)
    int dhcpDelayMs = 500; ///< association -> got IP (Connected)
    int maxAttempts = 0; ///< network_provisioning attempt budget; 0 = fail on first AuthError/NotFound
    QString ipAddress = QStringLiteral("192.168.1.100"); ///< reported in WifiConnectedState (display only)
};

/// Injected faults (a simulator feature, shown on the device's first line of output).
enum class FaultKind : int {
    DropResponse, ///< process the request, never answer (client: Timeout)
    Delay, ///< answer after delayMs
    CorruptCiphertext, ///< flip a byte of the encrypted response (Security 2: DecryptFailed)
    CloseWithoutResponse, ///< close the connection unanswered (client: DeviceRefused)
    WrongDeviceProof, ///< corrupt M2 / device_verify_data in every completed handshake (HandshakeFailed)
    Reboot, ///< drop every connection, forget all state, stay offline for delayMs (default 1500)
    NewCookie, ///< answer, but with a new Set-Cookie: a new session (SessionLost)
    NeverConnect, ///< the station stays "Connecting" forever (WifiConnectTimeout)
};

/// "drop[:ENDPOINT[:N]]", "delay=MS[:ENDPOINT[:N]]", "corrupt", "close", "wrong-proof", "reboot[=MS]",
/// "new-cookie", "never-connect". ENDPOINT empty = any endpoint but proto-ver; N = the Nth matching
/// request (1-based), 0 = every one.
struct FaultSpec
{
    FaultKind kind = FaultKind::DropResponse;
    QString endpoint;
    int occurrence = 1;
    int delayMs = 0;
};
/// Errors: InvalidArgument naming the bad part.
Result<FaultSpec> parseFaultSpec(const QString &text);
QString faultSpecToString(const FaultSpec &fault);

/// A simulated device's configuration. Holds secrets (PoP, SRP password, AP passphrases).
struct DeviceConfig
{
    QString serviceName = QStringLiteral("PROV_000000"); ///< SoftAP SSID / BLE name, <= 28 chars
    int secVer = 2;
    int sec2PatchVer = 1; ///< 0: legacy fixed IV; 1: counter nonce (announced as sec_patch_ver)
    bool announcePatchVer = true; ///< false: omit sec_patch_ver from proto-ver (pre-5.4.1 firmware)
    QByteArray pop; ///< Security 1 PoP (empty = "no_pop")
    QByteArray username = "wifiprov"; ///< Security 2
    QByteArray password; ///< Security 2 (used to generate the verifier unless `verifier` is set)
    std::optional<Sec2Verifier> verifier;
    bool wifiScan = true; ///< announce "wifi_scan" and serve prov-scan
    bool autoStop = true; ///< stop provisioning 1 s after Connected is read; Reprov refused (§9.4)
    QString provVersion = QStringLiteral("v1.1");
    QList<AppInfo> apps;
    QStringList customEndpoints = { QStringLiteral("custom-data") }; ///< each answers "SUCCESS\0" (§9.5)
    SimRadioConfig radio;
    QList<FaultSpec> faults;
};

/// What a front end must do with a request.
struct DeviceReply
{
    enum class Action {
        Respond, ///< send `body` (after `delayMs`)
        NotFound, ///< HTTP 404 / no such characteristic
        Refuse, ///< close without a response (§6.4) / disconnect (§7.6)
        Drop, ///< never answer, keep the link open
        Reboot, ///< drop every link, go offline for `delayMs`
    };
    Action action = Action::Respond;
    QByteArray body;
    int delayMs = 0;
    bool newSession = false; ///< HTTP: attach a new Set-Cookie after answering
    QString reason; ///< why it refused (for the simulator's log; never secret)
};

/// The device role. Single-threaded (lives in the thread of its front end).
class SimulatedDevice : public QObject
{
    Q_OBJECT
public:
    /// Errors of create(): InvalidArgument (secVer not 0..2, Security 2 without password or
    /// verifier, bad fault).
    static Result<std::unique_ptr<SimulatedDevice>> create(
        const DeviceConfig &config, std::shared_ptr<RandomSource> rng = systemRandom());
    ~SimulatedDevice() override;

    /// Handles one request for `endpoint` (protocomm dispatch, §1): proto-ver plaintext,
    /// prov-session to the security scheme, everything else decrypted -> handler -> encrypted.
    DeviceReply handle(const QString &endpoint, const QByteArray &request);

    /// A new transport session (new cookie / BLE connect): the security session restarts.
    void newTransportSession();
    /// Forget everything volatile (security session, stored credentials, radio state, stop).
    void reboot();
    /// true once provisioning has stopped (1 s after Connected was read, with autoStop).
    bool isStopped() const;

    const DeviceConfig &config() const { return m_config; }
    /// The proto-ver answer (§2.2).
    QByteArray protoVersion() const { return m_protoVer; }
    /// Endpoints this device serves, in registration order.
    QStringList endpoints() const;
    /// The QR payload of §11 for a device reached over `transport` (its `transport` key is
    /// transportKindName()). Contains the PoP/password.
    QByteArray qrPayload(TransportKind transport) const;
    /// Random 32-bit session id for a new HTTP session (§6.3), drawn from the device's RNG.
    quint32 newSessionId();
    /// When the simulated station reached (or will reach) Connected after the last ApplyConfig: ms on
    /// the monotonic clock of QElapsedTimer::msecsSinceReference() (Apply + connectDelayMs +
    /// dhcpDelayMs). nullopt before an Apply, after a reboot, or when the station will not connect
    /// (wrong passphrase, unknown SSID, never-connect). Tests and benchmarks measure a client's status
    /// latency against it; after a successful Apply, event() also says it ("station reaches Connected
    /// at N ms (monotonic clock)"), for a client in another process (CLOCK_MONOTONIC on Linux).
    std::optional<qint64> wifiConnectedAtMs() const;

Q_SIGNALS:
    /// Human-readable event for the simulator log (never contains secrets).
    void event(const QString &text);
    /// Emitted inside handle() when ApplyConfig succeeds (§9.1 step 6), before its response is returned.
    /// Front ends use it for behaviour tied to a successful apply (e.g. BLE drop-after-apply, §7.6).
    void configApplied();

private:
    SimulatedDevice(const DeviceConfig &config, std::shared_ptr<RandomSource> rng);
    QByteArray corruptProof(const QByteArray &sessionResponse) const;
    Result<QByteArray> dispatch(const QString &endpoint, const QByteArray &plaintext);
    Result<QByteArray> handleConfig(const QByteArray &plaintext);
    Result<QByteArray> handleScan(const QByteArray &plaintext);
    Result<QByteArray> handleCtrl(const QByteArray &plaintext);
    bool hasFault(FaultKind kind) const;
    struct Private;
    std::unique_ptr<Private> d;
    DeviceConfig m_config;
    QByteArray m_protoVer;
};

} // namespace prov
