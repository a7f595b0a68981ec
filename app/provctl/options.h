// SPDX-License-Identifier: Apache-2.0
#pragma once

// provctl's command line (docs/provctl.md): parsed and checked once into Options, the devices into
// Targets, before anything runs.

#include "prov/provisioner.h"
#include "prov/transportconfig.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

class QCoreApplication;

namespace provctl {

/// The subcommands, in the order `provctl --help` lists them.
enum class Command {
    Provision, ///< proto-ver, handshake, SetConfig, Apply, wait for Connected (the default)
    Scan, ///< the Wi-Fi networks the device sees (§9.3)
    Status, ///< the device's Wi-Fi status, read once (§9.1)
    Reset, ///< prov-ctrl reset (§9.4)
    Reprov, ///< prov-ctrl re-provision (§9.4)
    Custom, ///< --data to a custom --endpoint (§9.5)
    Qr, ///< parse a QR payload (§11), no device
    ScanDevices, ///< list nearby BLE provisioning devices or SoftAP access points, no device
    Batch, ///< a tray from a product profile on parallel lanes (issue 9), batch.cpp
};

/// The command's name as typed and as printed ("provision", "scan-devices", ...).
QString commandName(Command command);

/// One device to work on: where it is and how it is shown.
struct Target
{
    QString label; ///< what the user typed (service name, address or HOST:PORT)
    /// How to reach it: SoftAP host and port from the command line; BLE address and service UUID
    /// once lookUpBleDevices() found it. Timeouts and limits come from the options.
    prov::TransportConfig transport;
    /// BLE: `label` is an address, not a name (decided once, when parsing)
    bool byBleAddress = false;
    std::optional<prov::Error> lookupError; ///< BLE: the device was not found
    /// batch: the device's service name (SoftAP `NAME@HOST:PORT`; BLE: the name, or the advertised
    /// name lookUpBleDevices() found for an address)
    QString serviceName;
    std::optional<int> rssiDbm; ///< BLE: the RSSI in dBm lookUpBleDevices() saw; nullopt when cached

    /// SoftAP: `label` is the SSID of the device's access point, joined through NetworkManager first
    /// (transport.softApSsid; servicename.h has the rule).
    bool joinsSoftAp() const { return !transport.softApSsid.isEmpty(); }
};

/// What `provctl batch` adds to the command line (docs/provctl.md "batch"). Holds no secret: the
/// batch reads its secrets from stdin or a prompt (batch.cpp).
struct BatchOptions
{
    QString profilePath; ///< --profile FILE (required)
    QString manifestPath; ///< --manifest FILE; "" none
    int bleScanSeconds = 0; ///< --ble-scan SECONDS; 0: no open scan
    /// --softap-scan SECONDS: SoftAP devices a NetworkManager Wi-Fi scan finds; 0: no open Wi-Fi scan
    int softApScanSeconds = 0;
    bool parallelSet = false; ///< --parallel given: it overrides the profile's lanes
    QString station; ///< --station ID (default: the host name)
    QString operatorName; ///< --operator NAME (default: $USER)
    QString recordPath; ///< --record FILE.db (default: the workstation's record)
    QString resumeBatchId; ///< --resume BATCH_ID; "" a new batch
    /// --timeout, --ble-connect-timeout, --ble-max-request for every job (kind and address per device)
    prov::TransportConfig transport;
};

/// Everything the command line says. Holds secrets (PoP, passwords, the Wi-Fi passphrase): never
/// print an Options.
struct Options
{
    Command command = Command::Provision;
    prov::TransportKind transport = prov::TransportKind::SoftAp;
    QList<Target> targets; ///< one per --service-name, in command-line order
    prov::SecurityOptions security;
    prov::WifiCredentials credentials;
    prov::ProvisionOptions provision;
    prov::ScanOptions scan;
    QString endpoint;
    QByteArray data;
    QByteArray qr;
    int parallel = 1;
    /// BLE: finding the devices by name (and scan-devices' duration), in ms; scan-devices over SoftAP:
    /// the Wi-Fi scan's limit (default SoftApScanner::kDefaultScanTimeoutMs)
    int scanTimeoutMs = 10000;
    /// scan-devices: name prefix to list (default BleScanner::defaultNamePrefix(); SoftAP: "PROV_")
    QString prefix;
    bool prefixSet = false; ///< --prefix given: match by name only
    bool json = false;
    bool verbose = false; ///< --verbose: keep Qt Bluetooth's own warnings on stderr
    bool quiet = false;
    /// --wifi-interface (repeatable, or a comma list): the Wi-Fi interfaces NetworkManager joins SoftAPs
    /// on and scan-devices scans; empty = NetworkManager's first. At most one outside `batch`.
    QStringList wifiInterfaces;
    quint16 softApPort = 80; ///< --softap-port: the device's HTTP port on its SoftAP
    int joinTimeoutMs = 30000; ///< --join-timeout-ms: joining a SoftAP, DHCP included, in ms
    /// --softap-password -: the SoftAP's WPA2 passphrase, read from stdin (never from argv). Secret.
    QByteArray softApPassword;
    BatchOptions batch; ///< the batch command's own options

    /// What the user typed for the devices (Target::label), in order.
    QStringList labels() const;
};

/// Parses and checks the command line into `o` (including the passphrase from stdin for
/// `--passphrase -`, then the SoftAP password for `--softap-password -`, one line each, in that order).
/// Returns std::nullopt to go on, or the exit code to end with: usage errors are reported on stderr and give
/// ExitCode::Usage; --help and --version end the process.
std::optional<int> parseOptions(const QCoreApplication &app, Options &o);

} // namespace provctl
