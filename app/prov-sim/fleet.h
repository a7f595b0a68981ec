// SPDX-License-Identifier: Apache-2.0
#pragma once

// Building the simulated fleet from prov-sim's flags or a fleet file (docs/prov-sim.md).

#include "prov/device.h"

#include <QCommandLineParser>
#include <QList>

/// One simulated device and where it listens (0 = ephemeral or the next of --port).
struct FleetDevice
{
    prov::DeviceConfig config;
    quint16 port = 0;
};

void addFleetOptions(QCommandLineParser &parser);
/// Errors: InvalidArgument (bad flag value, unreadable or malformed fleet file).
prov::Result<QList<FleetDevice>> fleetFromCommandLine(const QCommandLineParser &parser);
/// The access points every device sees unless configured otherwise (same as shared/vectors).
QList<prov::SimAccessPoint> defaultAccessPoints();
