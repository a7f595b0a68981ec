// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace prov {

/// An application's own entry in proto-ver, beside "prov" (e.g. "rmaker": {"ver":..., "cap":[...]}).
struct AppInfo
{
    QString label;
    QString version;
    QStringList capabilities;
};

/// What the `proto-ver` endpoint said (docs/protocol.md §2.2, §2.3).
struct ProtoVersion
{
    QByteArray raw; ///< The response as received (trailing NULs/whitespace stripped).
    bool isJson = false; ///< false: legacy plain string such as "V0.1".
    QString provVersion; ///< prov.ver, e.g. "v1.1", "netprov-v1.2"; the whole string for legacy.
    std::optional<int> secVer; ///< prov.sec_ver (integer or numeric string accepted).
    std::optional<int> secPatchVer; ///< prov.sec_patch_ver.
    QStringList capabilities; ///< prov.cap
    QList<AppInfo> apps; ///< every other top-level object, in document order

    bool hasCapability(const QString &name) const { return capabilities.contains(name); }

    /// The security scheme to use, by §2.3 "Recommended": prov.sec_ver if present; else 0 if
    /// "no_sec", else 1 (also for legacy non-JSON answers).
    int recommendedSecurity() const;
    /// The Security 2 patch level: sec_patch_ver, absent => 0 (§8.4).
    int recommendedSec2Patch() const;
    /// true if the device wants no PoP (cap "no_pop", §2.3): use an empty PoP even if one is known.
    bool noPop() const { return hasCapability(QStringLiteral("no_pop")); }
    /// true if `prov-scan` may be called (cap "wifi_scan").
    bool canScanWifi() const { return hasCapability(QStringLiteral("wifi_scan")); }
    /// Thread-capable network_provisioning firmware (cap "thread_prov").
    bool isThread() const { return hasCapability(QStringLiteral("thread_prov")); }
};

/// Parses a proto-ver response. Strips trailing NULs and whitespace; accepts pretty-printed JSON,
/// numeric strings for sec_ver/sec_patch_ver, and legacy non-JSON strings (isJson=false).
/// Errors: MalformedMessage for an empty body, a JSON document that is not an object, or a
/// sec_ver/sec_patch_ver that is neither an integer nor a numeric string.
Result<ProtoVersion> parseProtoVersion(const QByteArray &body);

/// What a device's proto-ver answer contains (device role, §2.2).
struct ProtoVersionSpec
{
    QString provVersion = QStringLiteral("v1.1");
    int secVer = 2;
    std::optional<int> secPatchVer = 1; ///< nullopt: field omitted (old firmware)
    QStringList capabilities = { QStringLiteral("wifi_scan") };
    QList<AppInfo> apps;
};

/// Builds the proto-ver JSON exactly as the ESP-IDF manager prints it with cJSON (tabs and
/// newlines, `"key":\t value`, arrays as `["a", "b"]`), apps first, then "prov".
QByteArray buildProtoVersion(const ProtoVersionSpec &spec);

} // namespace prov
