// SPDX-License-Identifier: Apache-2.0
// provctl: provision ESP-IDF unified-provisioning devices from scripts and CI lines (docs/provctl.md).
// SoftAP (HTTP) and BLE; several devices at once with a repeated --service-name and --parallel N.
// This file only dispatches: options.cpp parses, jobrunner.cpp runs one Job per device, and each
// subcommand has its own file (commands.h).

#include "commands.h"
#include "exitcodes.h"
#include "jobrunner.h"
#include "options.h"

#include <QCoreApplication>
#include <QLoggingCategory>

using namespace provctl;

namespace {

/// The device part of a command that works on devices; nullptr for qr and scan-devices.
DeviceCommand deviceCommandFor(Command command)
{
    switch (command) {
    case Command::Provision:
        return runProvision;
    case Command::Scan:
        return runScan;
    case Command::Status:
        return runStatus;
    case Command::Reset:
    case Command::Reprov:
        return runControl;
    case Command::Custom:
        return runCustom;
    case Command::Qr:
    case Command::ScanDevices:
    case Command::Batch:
        return nullptr;
    }
    return nullptr;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("provctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROV_VERSION));

    Options o;
    if (const std::optional<int> rc = parseOptions(app, o))
        return *rc;
    // Qt Bluetooth warns about normal things ("Using BlueZ LE DBus API", no mgmt socket, a
    // controller deleted while connected): keep stderr for provctl's own progress and errors.
    if (!o.verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("qt.bluetooth*.warning=false"));
    switch (o.command) {
    case Command::Qr:
        return runQr(o);
    case Command::ScanDevices:
        return runScanDevices(app, o);
    case Command::Batch:
        return runBatch(app, o);
    default:
        break;
    }
    const DeviceCommand command = deviceCommandFor(o.command);
    return command ? runJobs(app, o, command) : InternalFailure;
}
