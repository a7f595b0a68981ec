// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/transportconfig.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace prov {

/// The provisioning QR payload printed by ESP-IDF examples (docs/protocol.md §11). Holds secrets
/// (`pop`, `password`): never log a QrPayload; use describeMasked().
struct QrPayload
{
    QString ver = QStringLiteral("v1");
    QString name; ///< BLE device name or SoftAP SSID (service name), e.g. "PROV_1A2B3C". Required.
    /// The wire value of §11, "softap" or "ble" (lower-cased on parse; transportKindName()). Required.
    QString transport;
    QString pop; ///< Security 1 PoP or Security 2 password. Secret.
    QString username; ///< Security 2 username.
    std::optional<int> security; ///< 0, 1 or 2 when the payload says so.
    QString password; ///< SoftAP Wi-Fi passphrase (not the SRP password). Secret.
    QString network; ///< "wifi" / "thread" or empty.

    /// `transport` as a kind; nullopt when it is not a §11 value (only for a payload not from
    /// parseQrPayload(), which refuses those).
    std::optional<TransportKind> transportKind() const;

    /// One line for logs with secrets masked: `name=PROV_1 transport=ble pop=*** username=wifiprov`.
    QString describeMasked() const;
};

/// Parses a QR payload. Errors (MalformedMessage, with a detail naming the field): not a JSON
/// object; `name` missing/empty/not a string or longer than 32 B; `transport` missing or not
/// "softap"/"ble" (case-insensitive); `security` not 0/1/2; a known key with a non-string value;
/// `network` not "wifi"/"thread". Unknown keys are ignored (forward compatibility).
Result<QrPayload> parseQrPayload(const QByteArray &json);

/// Produces the compact JSON the ESP-IDF examples print: keys in the order ver, name, username,
/// pop, transport, security, password, network; empty/absent fields omitted. parse(toJson(p)) == p.
QByteArray toJson(const QrPayload &payload);

} // namespace prov
