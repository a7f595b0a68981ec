// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>

#include <optional>
#include <utility>
#include <variant>

/// The one error vocabulary of libprov (docs/architecture.md "Errors"). Every operation that can fail ends
/// in exactly one `prov::Error`, whose `code` is stable and machine-readable and whose `detail` is
/// an English sentence for logs (never user advice: the apps turn codes into advice). No detail
/// ever carries a secret (PoP, passphrase, SRP password, session key).
namespace prov {
Q_NAMESPACE

/// Error codes, grouped by layer. The numeric values are persisted in factory records and mapped to
/// provctl exit codes, so they never change once released.
enum class ErrorCode : int {
    // transport
    Unavailable = 10, ///< The transport cannot be used at all (no adapter, bad address).
    ConnectFailed = 11, ///< TCP connect / BLE connect failed or was refused.
    Disconnected = 12, ///< The link dropped (reset, BLE disconnect) while a request was in flight.
    Timeout = 13, ///< No complete response within the per-request timeout.
    /// The device closed the connection without a response (§6.4): it refused the request.
    DeviceRefused = 14,
    /// Request larger than the transport allows (HTTP 4096 B §6.2, BLE 481/512 B §7.4).
    PayloadTooLarge = 15,
    HttpStatus = 16, ///< The HTTP layer answered with a non-200 status (404/405: missing endpoint).
    /// The device started a new transport session (new Set-Cookie, §6.3): redo the handshake.
    SessionLost = 17,
    /// The BLE device demands an encrypted/paired link (NotPermitted/NotAuthorized, §7.5).
    PairingRequired = 18,
    /// The local Bluetooth adapter exists but is powered off (absent adapter: Unavailable).
    AdapterPoweredOff = 19,
    // protocol
    VersionMismatch = 20, ///< proto-ver or sec_ver/sec_patch_ver not supported by this client.
    MalformedMessage = 21, ///< Bytes that do not parse (protobuf, JSON, QR payload).
    UnexpectedMessage = 22, ///< A well-formed message of the wrong type or in the wrong state.
    // joining a device's SoftAP through NetworkManager (softap.h)
    /// The device's access point is not (or no longer) in the Wi-Fi interface's scan results.
    AccessPointNotFound = 23,
    /// Joining the SoftAP failed on its password: NetworkManager reported missing or wrong secrets or a
    /// supplicant failure (device state reasons 7..11).
    SoftApAuthFailed = 24,
    /// The SoftAP connection did not reach "activated" within the join timeout.
    JoinTimeout = 25,
    /// Associated with the SoftAP, but no IPv4 configuration (DHCP) within the join timeout.
    DhcpTimeout = 26,
    /// NetworkManager (polkit) refused the call: the user may not scan or change connections.
    PermissionDenied = 27,
    /// NetworkManager runs but has no usable Wi-Fi interface (none, or not the one asked for).
    NoWifiInterface = 28,
    /// Wi-Fi is switched off (NetworkManager's WirelessEnabled false, or rfkill).
    WifiDisabled = 29,
    // security
    /// The handshake failed for a reason other than credentials (e.g. bad device proof).
    HandshakeFailed = 30,
    AuthenticationFailed = 31, ///< The device rejected our PoP / SRP password.
    DecryptFailed = 32, ///< AES-GCM tag mismatch or cipher failure on a response.
    /// The device offers a lower sec_ver than the product profile's `security.min_sec_ver` (§4).
    SecurityDowngrade = 33,
    // device outcomes
    WifiAuthError = 40, ///< The device could not join: wrong passphrase (§9.2 AuthError).
    WifiNetworkNotFound = 41, ///< The device could not find the SSID (§9.2 NetworkNotFound).
    DeviceRejected = 42, ///< The device answered with a non-Success `Status` (§3.1).
    /// The device stayed "Connecting" past the client's overall timeout (§13 item 18).
    WifiConnectTimeout = 43,
    ThreadAttachFailed = 44, ///< Thread attach failed (DatasetInvalid / ThreadNetworkNotFound, §10).
    /// The device stayed "Attaching" past the client's overall timeout (§10; Thread's WifiConnectTimeout).
    ThreadAttachTimeout = 45,
    /// The device's firmware (proto-ver application version, §5) does not match the product profile.
    FirmwareMismatch = 46,
    /// A product profile's custom step (§9.5) got an answer that does not match its `expect`.
    CustomResponseMismatch = 47,
    /// The line record holds a Provisioned attempt of this device and the product profile's duplicate
    /// guard refuses it (`duplicates`: `refuse`); the detail names the station, time and attempt.
    AlreadyProvisioned = 48,
    // general
    InvalidArgument = 50, ///< The caller passed something the protocol forbids (SSID > 32 B, ...).
    Cancelled = 51, ///< The caller cancelled the operation.
    Internal = 52, ///< A bug or an OpenSSL/protobuf failure that should not happen.
    // factory record
    /// The factory record store could not open, write or read (SQL/driver error text in detail).
    StorageFailed = 60,
};
Q_ENUM_NS(ErrorCode)

/// Stable lower-case name of a code, e.g. "wifi_auth_error". Used in JSON output and records.
QString errorCodeName(ErrorCode code);

/// An error: a code plus a one-line English detail for logs. Never contains secrets.
struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString detail;

    /// "code_name: detail".
    QString toString() const;
};

/// Shorthand to build an error.
inline Error makeError(ErrorCode code, QString detail = {})
{
    return Error { code, std::move(detail) };
}

/// A value or an Error, shaped like std::expected (C++23). No exceptions in libprov.
template <typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_v(std::in_place_index<0>, std::move(value))
    { }
    Result(Error error)
        : m_v(std::in_place_index<1>, std::move(error))
    { }

    bool has_value() const { return m_v.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &std::get<0>(m_v); }
    const T *operator->() const { return &std::get<0>(m_v); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

/// Result of an operation with no value.
template <> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
        , m_failed(true)
    { }
    bool has_value() const { return !m_failed; }
    explicit operator bool() const { return has_value(); }
    const Error &error() const { return m_error; }

private:
    // Not std::optional<Error>: GCC 12 reports false -Wmaybe-uninitialized through it.
    Error m_error;
    bool m_failed = false;
};

using Status = Result<void>;

} // namespace prov

Q_DECLARE_METATYPE(prov::Error)
Q_DECLARE_METATYPE(prov::Status)
