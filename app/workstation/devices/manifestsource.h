// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/devicesource.h"

#include "prov/manifest.h"

#include <QStringList>
#include <QtQml/qqmlregistration.h>

class QIODevice;

/// Devices from a JSON-lines manifest, the format prov-sim prints on stdout (docs/prov-sim.md),
/// parsed by libprov's prov::readManifest() (the format's one parser, docs/provctl.md "Manifest
/// format"): one object per device with `service_name`, `transport`, `host`, `port`, `sec_ver` and
/// `qr` (whose PoP/password become the row's in-memory credentials). The `{"ready":true}` line and
/// blank lines are skipped; a malformed line is reported in problems() and skipped, never fatal.
/// GUI thread; files are small (a tray of devices), so reading is synchronous.
class ManifestSource : public DeviceSource
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ManifestSource is created by the workstation")
    /// "line 3: not a JSON object", ... from the last load (display text, no secrets).
    Q_PROPERTY(QStringList problems READ problems NOTIFY loaded)
    /// Devices found by the last load.
    Q_PROPERTY(int deviceCount READ deviceCount NOTIFY loaded)
    /// The file of the last load() ("" when read from a stream).
    Q_PROPERTY(QString path READ path NOTIFY loaded)
public:
    /// Lines longer than this (bytes) are reported and skipped.
    static constexpr qint64 kMaxLineBytes = prov::manifest::kMaxLineBytes;
    /// At most this many lines, and this many bytes, are read from one manifest (a tray of
    /// devices, not a database): the GUI thread never chews on a hostile multi-GB file.
    static constexpr int kMaxLines = prov::manifest::kMaxLines;
    static constexpr qint64 kMaxBytes = prov::manifest::kMaxBytes;

    using DeviceSource::DeviceSource;
    DeviceOrigin origin() const override { return DeviceOrigin::Manifest; }

    /// Reads the manifest at `pathOrUrl` (a local path or a file: URL). Returns false when the
    /// file cannot be opened (reported in problems()); malformed lines do not make it fail.
    Q_INVOKABLE bool load(const QString &pathOrUrl);
    /// Reads manifest lines from `in` until its end. Returns the number of devices found.
    int read(QIODevice &in);

    QStringList problems() const { return m_problems; }
    int deviceCount() const { return m_deviceCount; }
    QString path() const { return m_path; }

Q_SIGNALS:
    void loaded(int devices, int problems);

private:
    int take(const prov::Manifest &manifest);
    QStringList m_problems;
    int m_deviceCount = 0;
    QString m_path;
};
