// SPDX-License-Identifier: Apache-2.0
#pragma once

// Trays: many simulated devices from one template, with faults by rate chosen by a seed, plus
// neighbouring-line devices (docs/prov-sim.md "Trays").

#include "prov/device.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

struct FleetDevice;

/// Fractions (0..1) of a tray's devices that get each fault: round(rate x count) devices each, distinct
/// devices, chosen by the seed.
struct TrayFaultRates
{
    double firmware = 0; ///< proto-ver names a wrong application version (kTrayWrongAppVersion)
    double pop = 0; ///< the device's PoP / SRP password differs from the template's (AuthenticationFailed)
    double linkDrop = 0; ///< the link drops after ApplyConfig (BLE: drop-after-apply; HTTP: close)
    double wifiAuth = 0; ///< the device's access points refuse any passphrase (WifiAuthError)
};

/// A tray's template (the command line's --devices N with --name-pattern etc., or a fleet file's "tray").
/// Holds secrets (through `base`).
struct TraySpec
{
    int count = 0; ///< devices on the tray, 1..256
    QString namePattern = QStringLiteral("PROV_T%03d"); ///< printf-style %d / %0Nd, 1-based index
    QString transport = QStringLiteral("softap"); ///< "softap", "ble" or "both" (alternating)
    prov::DeviceConfig base; ///< security, credentials, radio of every device
    QString appVersion = QStringLiteral("2.3.1"); ///< proto-ver application version ("app")
    int rssi = -55; ///< BLE devices' RSSI, dBm
    TrayFaultRates rates;
    quint64 seed = 1;
    int neighbours = 0; ///< extra BLE devices of the neighbouring line (weak RSSI)
    int neighbourRssi = -85; ///< their RSSI, dBm
};

/// The application version a `firmware` fault announces in proto-ver.
inline constexpr const char *kTrayWrongAppVersion = "0.9.0-wrong";

/// The tray's devices (then its neighbours), faults assigned. Deterministic for a given spec and
/// seed. Errors: InvalidArgument (bad pattern, name > 28 characters, rates out of 0..1 or adding up
/// to more devices than the tray holds, count out of range).
prov::Result<QList<FleetDevice>> buildTray(const TraySpec &spec);

/// A fleet file's "tray" object over `base` (the command-line defaults). Errors: InvalidArgument
/// naming the key.
prov::Result<TraySpec> traySpecFromJson(const QJsonObject &tray, const prov::DeviceConfig &base);
