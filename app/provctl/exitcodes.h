// SPDX-License-Identifier: Apache-2.0
#pragma once

// provctl's exit codes: one per error class, stable across releases (scripts depend on them).
// Documented in docs/provctl.md.

#include "prov/error.h"

namespace provctl {

enum ExitCode : int {
    Ok = 0,
    InternalFailure = 1,
    Usage = 2, ///< bad flags or arguments (InvalidArgument)
    /// ConnectFailed, Unavailable, AdapterPoweredOff; NoWifiInterface, WifiDisabled, AccessPointNotFound
    Unreachable = 10,
    Timeout = 11, ///< Timeout, JoinTimeout, DhcpTimeout
    Refused = 12, ///< DeviceRefused, HttpStatus, PayloadTooLarge
    LinkLost = 13, ///< Disconnected, SessionLost
    /// VersionMismatch, MalformedMessage, UnexpectedMessage, FirmwareMismatch, CustomResponseMismatch
    Protocol = 20,
    /// AuthenticationFailed (wrong PoP / SRP password), PairingRequired (BLE link security)
    Authentication = 30,
    /// HandshakeFailed, DecryptFailed (device not authentic or corrupt data), SecurityDowngrade
    Handshake = 31,
    WifiAuth = 40, ///< WifiAuthError (wrong Wi-Fi passphrase)
    WifiNotFound = 41, ///< WifiNetworkNotFound
    DeviceRejected = 42, ///< DeviceRejected (non-Success status)
    WifiTimeout = 43, ///< WifiConnectTimeout, ThreadAttachFailed, ThreadAttachTimeout
    /// Not an ErrorCode: Apply succeeded, then the device closed the link and the result could not be
    /// confirmed.
    Unconfirmed = 44,
    /// Not an ErrorCode: `batch` ended with some devices not provisioned (failed, skipped, refused).
    SomeFailed = 45,
    /// AlreadyProvisioned: the record shows the device provisioned before and the profile's
    /// `duplicates` is `refuse` (a device's result in `batch`).
    AlreadyProvisioned = 46,
    Cancelled = 50,
    /// SoftApAuthFailed: the SoftAP's password was refused (NetworkManager: secrets / supplicant).
    SoftApAuth = 47,
    /// PermissionDenied: NetworkManager (polkit) refused to scan or change connections.
    PermissionDenied = 48,
};

inline ExitCode exitCodeFor(prov::ErrorCode code)
{
    using prov::ErrorCode;
    switch (code) {
    case ErrorCode::Unavailable:
    case ErrorCode::AdapterPoweredOff:
    case ErrorCode::ConnectFailed:
    case ErrorCode::NoWifiInterface:
    case ErrorCode::WifiDisabled:
    case ErrorCode::AccessPointNotFound:
        return Unreachable;
    case ErrorCode::Timeout:
    case ErrorCode::JoinTimeout:
    case ErrorCode::DhcpTimeout:
        return Timeout;
    case ErrorCode::SoftApAuthFailed:
        return SoftApAuth;
    case ErrorCode::PermissionDenied:
        return PermissionDenied;
    case ErrorCode::DeviceRefused:
    case ErrorCode::HttpStatus:
    case ErrorCode::PayloadTooLarge:
        return Refused;
    case ErrorCode::Disconnected:
    case ErrorCode::SessionLost:
        return LinkLost;
    case ErrorCode::VersionMismatch:
    case ErrorCode::MalformedMessage:
    case ErrorCode::UnexpectedMessage:
    case ErrorCode::FirmwareMismatch:
    case ErrorCode::CustomResponseMismatch:
        return Protocol;
    case ErrorCode::PairingRequired:
    case ErrorCode::AuthenticationFailed:
        return Authentication;
    case ErrorCode::HandshakeFailed:
    case ErrorCode::DecryptFailed:
    case ErrorCode::SecurityDowngrade:
        return Handshake;
    case ErrorCode::WifiAuthError:
        return WifiAuth;
    case ErrorCode::WifiNetworkNotFound:
        return WifiNotFound;
    case ErrorCode::DeviceRejected:
        return DeviceRejected;
    case ErrorCode::WifiConnectTimeout:
    case ErrorCode::ThreadAttachFailed:
    case ErrorCode::ThreadAttachTimeout:
        return WifiTimeout;
    case ErrorCode::AlreadyProvisioned:
        return AlreadyProvisioned;
    case ErrorCode::InvalidArgument:
        return Usage;
    case ErrorCode::Cancelled:
        return Cancelled;
    case ErrorCode::Internal:
    case ErrorCode::StorageFailed:
        return InternalFailure;
    }
    return InternalFailure;
}

} // namespace provctl
