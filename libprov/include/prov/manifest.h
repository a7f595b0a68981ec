// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/provisioningjob.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

class QIODevice;

namespace prov {

/// One device line of a manifest, as written.
struct ManifestEntry
{
    int lineNumber = 0; ///< 1-based line of the manifest
    /// The device for the line: source "manifest"; transport from `transport` (default softap);
    /// address "host:port" for SoftAP (port 80 when absent; "" when `host` is absent), the `address`
    /// field for BLE ("" when absent); credentials from the `qr` payload's pop / username; `fields`.
    LineDevice device;
    QString host; ///< the `host` field; "" when absent
    quint16 port = 0; ///< the `port` field; 0 when absent
    std::optional<int> secVer; ///< the `sec_ver` field (0..2), when present
};

/// A parsed manifest: the device lines that were good, and a problem per line that was not.
struct Manifest
{
    QList<ManifestEntry> entries; ///< in file order
    /// "line 3: not a JSON object", ...: display text in English. Never holds a secret (a PoP or
    /// password is never quoted back, a bad `qr` payload only by the field it lacks).
    QStringList problems;
    /// The devices of `entries`, in file order.
    QList<LineDevice> devices() const;
};

/// Reads a JSON-lines device manifest, the format prov-sim prints on stdout (docs/prov-sim.md,
/// docs/provctl.md "Manifest format") and an MES export can produce. One JSON object per line:
/// `service_name` (1..32 bytes, required), `transport` ("softap" | "ble"), `host`, `port` (1..65535),
/// `sec_ver` (0..2), `qr` (the device's QR payload JSON as a string, §11: its `pop` / `username`
/// become the credentials; ignored with a problem when it names another device), `fields` (object of
/// strings or numbers, for `${field:NAME}`), BLE `address` ("AA:BB:CC:DD:EE:FF"); other keys are
/// ignored. Blank lines and the `{"ready":true,...}` line are skipped. A malformed line is reported in
/// Manifest::problems and skipped; it never makes the read fail.
///
/// Limits: a line longer than kMaxLineBytes is reported and skipped; at most kMaxLines lines and about
/// kMaxBytes bytes are read (a tray, not a database), the rest is reported as not read.
namespace manifest {
inline constexpr qint64 kMaxLineBytes = 64 * 1024; ///< bytes per line
inline constexpr int kMaxLines = 10000; ///< lines per manifest
inline constexpr qint64 kMaxBytes = 4 * 1024 * 1024; ///< bytes per manifest
} // namespace manifest

/// Reads manifest lines from `in` (open for reading) until its end or a limit. Synchronous; no error
/// beyond the problems of the result.
Manifest readManifest(QIODevice &in);

/// Reads the manifest file at `path`. Errors: StorageFailed (the file cannot be opened; the detail
/// names the path and the reason).
Result<Manifest> loadManifest(const QString &path);

} // namespace prov
