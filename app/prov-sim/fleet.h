// SPDX-License-Identifier: Apache-2.0
#pragma once

// Building the simulated fleet from prov-sim's flags or a fleet file (docs/prov-sim.md).

#include "bluez/fakebluez.h"
#include "nm/fakenetworkmanager.h"

#include "prov/device.h"
#include "prov/transportconfig.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QList>

#include <optional>

/// One simulated device and where it is served: HTTP on `port` (0 = ephemeral or the next of
/// --port) for TransportKind::SoftAp, or BLE through the fake org.bluez for TransportKind::Ble
/// (`--ble`, or `"transport": "ble"`).
struct FleetDevice
{
    prov::DeviceConfig config;
    quint16 port = 0;
    prov::TransportKind transport = prov::TransportKind::SoftAp;
    BlePeripheralConfig bleConfig; ///< address filled in by fleetFromCommandLine()
    /// Tray devices (tray.h): 1-based index on the tray, 0 for other devices.
    int trayIndex = 0;
    /// The tray faults this device got ("firmware", "pop", "link-drop", "wifi-auth").
    QStringList trayFaults;
    bool neighbour = false; ///< a neighbouring line's device (weak RSSI), not on the tray
    /// The credentials printed on the device's sticker (QR) when they differ from the device's own
    /// (a "pop" tray fault). Holds secrets.
    std::optional<prov::DeviceConfig> sticker;
    /// The SoftAP's WPA2 passphrase (fleet file "softap_password", 8..63 chars); empty = open SoftAP.
    /// Only the fake NetworkManager (--nm) uses it. Secret: never printed.
    QByteArray softApPassword;
};

/// The device's description for prov-sim's start-up line and --list-json (no secrets but the QR
/// payload, whose PoP / password are simulated credentials): service_name, transport, sec_ver,
/// sec_patch_ver, app_version, and for BLE address, service_uuid, rssi, scenarios; for tray
/// devices tray_index, tray_faults, neighbour.
QJsonObject describeFleetDevice(const FleetDevice &member);
/// The QR payload on the device's sticker (§11): the sticker's credentials (see FleetDevice::sticker).
QByteArray stickerQrPayload(const FleetDevice &member);

void addFleetOptions(QCommandLineParser &parser);
/// Errors: InvalidArgument (bad flag value, unreadable or malformed fleet file).
prov::Result<QList<FleetDevice>> fleetFromCommandLine(const QCommandLineParser &parser);
/// The access points every device sees unless configured otherwise (same as shared/vectors).
QList<prov::SimAccessPoint> defaultAccessPoints();
/// Deterministic BD address for a service name: Espressif's OUI 24:0A:C4 plus the name's 6-hex-digit
/// suffix (PROV_1A2B3C -> 24:0A:C4:1A:2B:3C, the MAC bytes the name is made from, §6.1), else 3 bytes
/// of the name's SHA-256.
QString bleAddressFor(const QString &serviceName);
/// Deterministic SoftAP BSSID for a service name: bleAddressFor()'s scheme with the locally
/// administered OUI 26:0A:C4 (PROV_1A2B3C -> 26:0A:C4:1A:2B:3C).
QString softApBssidFor(const QString &serviceName);
/// The fake NetworkManager's settings from the command line (--nm-interfaces, --nm-scenario,
/// --nm-*-delay). Errors: InvalidArgument.
prov::Result<FakeNetworkManager::Settings> nmSettingsFromCommandLine(const QCommandLineParser &parser);
/// The fake org.bluez's settings from the command line (--ble-*-delay, --ble-advertise-interval,
/// --ble-scenario adapter-off|adapter-absent). Errors: InvalidArgument.
prov::Result<FakeBluez::Settings> bleSettingsFromCommandLine(const QCommandLineParser &parser);
