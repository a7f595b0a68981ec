// SPDX-License-Identifier: Apache-2.0
#include "prov/error.h"

namespace prov {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Unavailable:
        return QStringLiteral("unavailable");
    case ErrorCode::ConnectFailed:
        return QStringLiteral("connect_failed");
    case ErrorCode::Disconnected:
        return QStringLiteral("disconnected");
    case ErrorCode::Timeout:
        return QStringLiteral("timeout");
    case ErrorCode::DeviceRefused:
        return QStringLiteral("device_refused");
    case ErrorCode::PayloadTooLarge:
        return QStringLiteral("payload_too_large");
    case ErrorCode::HttpStatus:
        return QStringLiteral("http_status");
    case ErrorCode::SessionLost:
        return QStringLiteral("session_lost");
    case ErrorCode::PairingRequired:
        return QStringLiteral("pairing_required");
    case ErrorCode::AdapterPoweredOff:
        return QStringLiteral("adapter_powered_off");
    case ErrorCode::VersionMismatch:
        return QStringLiteral("version_mismatch");
    case ErrorCode::MalformedMessage:
        return QStringLiteral("malformed_message");
    case ErrorCode::UnexpectedMessage:
        return QStringLiteral("unexpected_message");
    case ErrorCode::AccessPointNotFound:
        return QStringLiteral("access_point_not_found");
    case ErrorCode::SoftApAuthFailed:
        return QStringLiteral("softap_auth_failed");
    case ErrorCode::JoinTimeout:
        return QStringLiteral("join_timeout");
    case ErrorCode::DhcpTimeout:
        return QStringLiteral("dhcp_timeout");
    case ErrorCode::PermissionDenied:
        return QStringLiteral("permission_denied");
    case ErrorCode::NoWifiInterface:
        return QStringLiteral("no_wifi_interface");
    case ErrorCode::WifiDisabled:
        return QStringLiteral("wifi_disabled");
    case ErrorCode::HandshakeFailed:
        return QStringLiteral("handshake_failed");
    case ErrorCode::AuthenticationFailed:
        return QStringLiteral("authentication_failed");
    case ErrorCode::DecryptFailed:
        return QStringLiteral("decrypt_failed");
    case ErrorCode::SecurityDowngrade:
        return QStringLiteral("security_downgrade");
    case ErrorCode::WifiAuthError:
        return QStringLiteral("wifi_auth_error");
    case ErrorCode::WifiNetworkNotFound:
        return QStringLiteral("wifi_network_not_found");
    case ErrorCode::DeviceRejected:
        return QStringLiteral("device_rejected");
    case ErrorCode::WifiConnectTimeout:
        return QStringLiteral("wifi_connect_timeout");
    case ErrorCode::ThreadAttachFailed:
        return QStringLiteral("thread_attach_failed");
    case ErrorCode::ThreadAttachTimeout:
        return QStringLiteral("thread_attach_timeout");
    case ErrorCode::FirmwareMismatch:
        return QStringLiteral("firmware_mismatch");
    case ErrorCode::CustomResponseMismatch:
        return QStringLiteral("custom_response_mismatch");
    case ErrorCode::AlreadyProvisioned:
        return QStringLiteral("already_provisioned");
    case ErrorCode::InvalidArgument:
        return QStringLiteral("invalid_argument");
    case ErrorCode::Cancelled:
        return QStringLiteral("cancelled");
    case ErrorCode::Internal:
        return QStringLiteral("internal");
    case ErrorCode::StorageFailed:
        return QStringLiteral("storage_failed");
    }
    return QStringLiteral("unknown_%1").arg(int(code));
}

QString Error::toString() const
{
    return detail.isEmpty() ? errorCodeName(code) : errorCodeName(code) + QStringLiteral(": ") + detail;
}

} // namespace prov
