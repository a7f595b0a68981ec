// SPDX-License-Identifier: Apache-2.0
#include "session/erroradvice.h"

#include <QCoreApplication>

#include <array>

namespace ws {

namespace {
using prov::ErrorCode;

struct Row
{
    ErrorCode code;
    ErrorContext context;
    const char *headline;
    const char *advice;
};

// Context-specific rows first: adviceFor() takes the first match, then the ErrorContext::Any row.
constexpr std::array kTable {
    Row { ErrorCode::ConnectFailed, ErrorContext::BleLink,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Cannot reach the device"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The BLE connection failed. Bring the device within a few metres, check that it still "
            "advertises (scan again: it should show an RSSI) and that no phone holds its link, then "
            "connect again. Power-cycle it if it left provisioning mode.") },
    Row { ErrorCode::Timeout, ErrorContext::BleLink,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Device did not answer in time"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "No answer over BLE within the timeout. Move closer (RSSI above about -80 dBm), keep "
            "fewer BLE devices connected at once, or raise the timeout in Settings, then retry.") },
    Row { ErrorCode::Disconnected, ErrorContext::Apply,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Link dropped after apply"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device dropped the link after apply. This is normal while it switches to the "
            "network's channel (SoftAP). Rejoin the device's SoftAP and connect again to read its "
            "status; if it reports a failure, reset and re-provision.") },
    Row { ErrorCode::DeviceRefused, ErrorContext::Apply,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Device closed the link during apply"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device dropped the link after apply without answering. Connect again (the "
            "workstation redoes the handshake) and re-provision; if it keeps happening, power-cycle "
            "the device.") },
    Row { ErrorCode::DeviceRejected, ErrorContext::Apply,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Configuration refused"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device refused the Wi-Fi configuration. It accepts credentials once per run: "
            "after a failed attempt press Reset, after a successful one use Re-provision, then "
            "apply again.") },
    Row { ErrorCode::DeviceRejected, ErrorContext::Control,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Command refused"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device refused the command. Reset works only after a failed connection attempt; "
            "Re-provision only on firmware that keeps provisioning running after success.") },
    Row { ErrorCode::DeviceRejected, ErrorContext::Scan, QT_TRANSLATE_NOOP("ErrorAdvice", "Scan refused"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device refused the Wi-Fi scan. Try again in a few seconds, or type the network "
            "name with \"Other network…\".") },
    Row { ErrorCode::HttpStatus, ErrorContext::Control,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Command not supported"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "This firmware has no prov-ctrl endpoint (older ESP-IDF). Power-cycle the device to "
            "start provisioning again.") },
    Row { ErrorCode::HttpStatus, ErrorContext::Custom, QT_TRANSLATE_NOOP("ErrorAdvice", "Endpoint not found"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device does not serve this endpoint (HTTP 404). Check the endpoint name against "
            "the firmware's documentation.") },
    Row { ErrorCode::VersionMismatch, ErrorContext::Scan, QT_TRANSLATE_NOOP("ErrorAdvice", "No Wi-Fi scan"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "This firmware does not offer a Wi-Fi scan. Type the network name with \"Other "
            "network…\".") },

    // NetworkManager: the Wi-Fi scan (WifiSource) and the SoftAP join (SoftApTransport, softap.h).
    Row { ErrorCode::Unavailable, ErrorContext::WifiScan,
        QT_TRANSLATE_NOOP("ErrorAdvice", "NetworkManager is not running"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The Wi-Fi scan needs NetworkManager (systemctl start NetworkManager). Without it, join "
            "the device's SoftAP by hand and type its address (192.168.4.1:80); BLE and manifest "
            "devices work as usual.") },
    Row { ErrorCode::Unavailable, ErrorContext::SoftApJoin,
        QT_TRANSLATE_NOOP("ErrorAdvice", "NetworkManager is not running"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "Joining the device's SoftAP needs NetworkManager (systemctl start NetworkManager). "
            "Without it, join the SoftAP by hand and set the device's address (192.168.4.1:80) on "
            "this page.") },
    Row { ErrorCode::PermissionDenied, ErrorContext::WifiScan,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Not allowed to scan for Wi-Fi"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "NetworkManager (polkit) refused a fresh scan for this user; the access points it already "
            "knew are listed. Run the workstation in the local seat's session, or ask the admin for a "
            "polkit rule allowing org.freedesktop.NetworkManager.wifi.scan.") },
    Row { ErrorCode::PermissionDenied, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Not allowed to change the Wi-Fi connection"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "NetworkManager (polkit) refused to let this user join the device's SoftAP. Run the "
            "workstation in the local seat's session, or ask the admin for a polkit rule allowing "
            "org.freedesktop.NetworkManager.network-control.") },
    Row { ErrorCode::NoWifiInterface, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "No Wi-Fi interface"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "NetworkManager has no usable Wi-Fi interface (or not the one chosen in Settings). Plug in "
            "a Wi-Fi adapter, or pick \"Automatic\" as the Wi-Fi interface in Settings, then try again.") },
    Row { ErrorCode::WifiDisabled, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Wi-Fi is off"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "Wi-Fi is switched off on this workstation. Turn it on (nmcli radio wifi on, or the "
            "hardware switch), then scan again.") },
    Row { ErrorCode::AccessPointNotFound, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Device's SoftAP not found"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The Wi-Fi interface does not see the device's access point. Check that the device is "
            "powered and still in provisioning mode (power-cycle it), bring it closer, then scan Wi-Fi "
            "again and retry.") },
    Row { ErrorCode::SoftApAuthFailed, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Wrong SoftAP password"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device's SoftAP refused its password. Scan the device's QR sticker again (its "
            "\"password\" field) and retry.") },
    Row { ErrorCode::JoinTimeout, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Joining the SoftAP timed out"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The workstation could not join the device's SoftAP in time. Bring the device closer, "
            "check that no other station holds its SoftAP, or raise the join timeout in Settings, "
            "then retry.") },
    Row { ErrorCode::DhcpTimeout, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "No address from the device"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The workstation joined the device's SoftAP but got no IP address from it (DHCP). "
            "Power-cycle the device, then retry; raise the join timeout in Settings if it is slow.") },

    // Unavailable comes from the BLE side (no adapter, or BlueZ not running); an HTTP address that
    // cannot be used at all is refused before anything is sent.
    Row { ErrorCode::Unavailable, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Bluetooth not available"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "This workstation has no usable Bluetooth adapter (none plugged in, or the Bluetooth "
            "service bluetoothd is not running), so BLE devices cannot be found or reached. Plug in "
            "an adapter or start the Bluetooth service, then scan again; SoftAP devices still work.") },
    Row { ErrorCode::ConnectFailed, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Cannot reach the device"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "Join this workstation to the device's SoftAP (its service name) and check the address "
            "(default 192.168.4.1:80). The device may have left provisioning mode: power-cycle it.") },
    Row { ErrorCode::Disconnected, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Device went away"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device stopped answering (rebooted or out of range). Check its power and distance, "
            "then connect again.") },
    Row { ErrorCode::Timeout, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Device did not answer in time"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "No answer within the request timeout. Move closer, check that the workstation is still "
            "on the device's SoftAP, or raise the request timeout in Settings, then retry.") },
    Row { ErrorCode::DeviceRefused, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Device refused the request"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device closed the connection without answering. Connect again; if it repeats, "
            "power-cycle the device.") },
    Row { ErrorCode::PayloadTooLarge, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Request too large"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The request is larger than the link allows (4096 bytes over SoftAP). "
            "Send a smaller payload.") },
    Row { ErrorCode::HttpStatus, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Endpoint not available"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device answered with an HTTP error: this firmware does not serve "
            "that endpoint.") },
    Row { ErrorCode::SessionLost, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Session restarted"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device started a new session (it rebooted, or a phone connected to it). Make sure "
            "nobody else is provisioning this device, then connect again.") },
    Row { ErrorCode::PairingRequired, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Pairing required"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device only accepts an encrypted (paired) BLE link. Pair it in the system's Bluetooth "
            "settings (or with bluetoothctl pair), then connect again.") },
    Row { ErrorCode::AdapterPoweredOff, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Bluetooth is off"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The Bluetooth adapter is powered off. Turn it on in the system settings (or with "
            "bluetoothctl power on), then scan or connect again.") },
    Row { ErrorCode::VersionMismatch, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Unsupported firmware"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device asks for a protocol or security version this workstation does not speak. "
            "Check the firmware version against the supported list.") },
    Row { ErrorCode::MalformedMessage, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Garbled answer"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device sent something that does not parse. Retry; if it repeats the "
            "firmware may be incompatible: report it with the record.") },
    Row { ErrorCode::UnexpectedMessage, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Unexpected answer"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device answered out of turn. Connect again; if it repeats, "
            "power-cycle the device.") },
    Row { ErrorCode::HandshakeFailed, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Security handshake failed"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device's proof did not verify: it is not the device the QR sticker belongs to, or "
            "its firmware holds other credentials. Check the sticker and the device, then retry.") },
    Row { ErrorCode::AuthenticationFailed, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Wrong PoP / SRP password"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "Wrong PoP / SRP password — check the QR sticker. Scan it again or correct the "
            "credentials in manual entry.") },
    Row { ErrorCode::DecryptFailed, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Encrypted answer corrupted"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "An answer failed its integrity check (interference or another client). Retry: the "
            "workstation redoes the handshake automatically.") },
    Row { ErrorCode::SecurityDowngrade, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Security too weak"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device offers a weaker security scheme than the product profile requires. Check that "
            "this is the right product and firmware; do not lower the profile's minimum.") },
    Row { ErrorCode::WifiAuthError, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Wrong Wi-Fi password"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "Wrong Wi-Fi password. Check the passphrase and re-provision (press Reset, then Apply).") },
    Row { ErrorCode::WifiNetworkNotFound, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Network not found"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "Network not found: check the SSID, that the AP is on and in range (2.4 GHz). Then "
            "press Reset and apply again.") },
    Row { ErrorCode::DeviceRejected, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Device refused"),
        QT_TRANSLATE_NOOP(
            "ErrorAdvice", "The device answered with an error status. Check its state and retry.") },
    Row { ErrorCode::WifiConnectTimeout, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Still connecting"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device kept trying without success until the connect timeout: weak signal, an AP "
            "that refuses it (MAC filter, client limit) or no DHCP address. Check the AP, then "
            "reset and retry, or raise the connect timeout in Settings.") },
    Row { ErrorCode::ThreadAttachFailed, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Thread attach failed"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device could not join the Thread network. Check the dataset and that "
            "a border router is in range.") },
    Row { ErrorCode::ThreadAttachTimeout, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Still attaching"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device kept trying to join the Thread network until the timeout: check that a "
            "border router is in range and the dataset is current, then retry.") },
    Row { ErrorCode::FirmwareMismatch, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Wrong firmware"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device's firmware version does not match the product profile. Put the device aside "
            "for reflashing, or pick the profile for this firmware.") },
    Row { ErrorCode::CustomResponseMismatch, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Unexpected answer to a custom step"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The device answered a custom step of the product profile differently than the profile "
            "expects: check the device's firmware and the profile's custom steps.") },
    Row { ErrorCode::AlreadyProvisioned, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Already provisioned"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The line record shows this device provisioned before (the detail says where and when), and "
            "the product profile refuses to provision it twice. Put it aside for the line lead; do not "
            "relabel it.") },
    Row { ErrorCode::InvalidArgument, ErrorContext::Any,
        QT_TRANSLATE_NOOP("ErrorAdvice", "Check the entered values"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "Something entered is not allowed by the protocol: see the detail, correct "
            "it and try again.") },
    Row { ErrorCode::Cancelled, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Cancelled"),
        QT_TRANSLATE_NOOP("ErrorAdvice", "Cancelled by the operator. Connect again to continue.") },
    Row { ErrorCode::Internal, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Internal error"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "Something went wrong inside the workstation. Retry; report it with the "
            "log if it repeats.") },
    Row { ErrorCode::StorageFailed, ErrorContext::Any, QT_TRANSLATE_NOOP("ErrorAdvice", "Record not saved"),
        QT_TRANSLATE_NOOP("ErrorAdvice",
            "The factory record could not be written. Check free disk space and the "
            "record path (Settings).") },
};

ErrorAdvice toAdvice(const Row &row)
{
    return { QCoreApplication::translate("ErrorAdvice", row.headline),
        QCoreApplication::translate("ErrorAdvice", row.advice) };
}
} // namespace

ErrorAdvice adviceFor(prov::ErrorCode code, ErrorContext context, bool overBle)
{
    return adviceForLink(code, context, overBle ? ErrorContext::BleLink : ErrorContext::Any);
}

ErrorAdvice adviceForLink(prov::ErrorCode code, ErrorContext context, ErrorContext link)
{
    if (link != ErrorContext::Any) {
        for (const Row &row : kTable) {
            if (row.code == code && row.context == link)
                return toAdvice(row);
        }
    }
    return adviceFor(code, context);
}

ErrorAdvice adviceFor(prov::ErrorCode code, ErrorContext context)
{
    for (const Row &row : kTable) {
        if (row.code == code && row.context == context)
            return toAdvice(row);
    }
    for (const Row &row : kTable) {
        if (row.code == code && row.context == ErrorContext::Any)
            return toAdvice(row);
    }
    return { QCoreApplication::translate("ErrorAdvice", "Error"),
        QCoreApplication::translate("ErrorAdvice", "The operation failed. Retry; report it if it repeats.") };
}

} // namespace ws
