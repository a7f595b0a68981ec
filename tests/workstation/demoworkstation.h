// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "simfleet.h"
#include "workstation.h"

#include <QDir>
#include <QFile>
#include <QString>

#include <memory>
#include <optional>

/// What the whole-app tests and ws-screenshots start from: a started `fleet` written into `dir` as
/// the manifest (prov-sim's JSON lines), and WorkstationOptions that keep the factory record, the
/// settings file and that manifest in `dir`, for `station`. nullopt, with `*error` set, when the
/// manifest cannot be written.
inline std::optional<WorkstationOptions> demoWorkstationOptions(
    const SimFleet &fleet, const QDir &dir, const QString &station, QString *error)
{
    const QString manifestPath = dir.filePath(QStringLiteral("fleet.jsonl"));
    QFile manifest(manifestPath);
    if (!manifest.open(QIODevice::WriteOnly) || manifest.write(fleet.manifest()) != fleet.manifest().size()) {
        *error = QStringLiteral("cannot write the manifest %1: %2").arg(manifestPath, manifest.errorString());
        return std::nullopt;
    }
    manifest.close();
    WorkstationOptions options;
    options.recordPath = dir.filePath(QStringLiteral("factory-record.sqlite"));
    options.manifestPath = manifestPath;
    options.station = station;
    options.settingsFile = dir.filePath(QStringLiteral("settings.ini"));
    return options;
}

/// Writes `fleetJson` (a prov-sim fleet file) to `dir`/`fileName` and starts prov-sim on it. Null, with
/// `*error` set, when the file cannot be written or prov-sim does not start.
inline std::unique_ptr<SimFleet> startFleetFile(
    const QDir &dir, const QString &fileName, const QByteArray &fleetJson, QString *error)
{
    const QString path = dir.filePath(fileName);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(fleetJson) != fleetJson.size()) {
        *error = QStringLiteral("cannot write the fleet %1: %2").arg(path, file.errorString());
        return nullptr;
    }
    file.close();
    auto fleet = std::make_unique<SimFleet>(QStringList { QStringLiteral("--fleet"), path });
    if (!fleet->start()) {
        *error = fleet->errorString();
        return nullptr;
    }
    return fleet;
}

/// No Bluetooth for the workstation under test, whatever the machine has: a system bus address in
/// `dir` where no bus listens. QtDBus reads it once: call it after prov-sim started (which would take
/// it for its fake BlueZ) and before anything touches Bluetooth.
inline void withoutBluetooth(const QDir &dir)
{
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + dir.filePath(QStringLiteral("no-bus")).toLocal8Bit());
}
