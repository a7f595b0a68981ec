// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "simfleet.h"
#include "workstation.h"

#include <QDir>
#include <QFile>
#include <QString>

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
