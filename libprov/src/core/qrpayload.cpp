// SPDX-License-Identifier: Apache-2.0
// The provisioning QR payload (docs/protocol.md §11): parsed as leniently as the phone libraries where
// that is harmless, strictly where a wrong value would send the client down the wrong transport.
#include "prov/qrpayload.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>
#include <QStringList>

#include <cmath>

namespace prov {

namespace {

// BLE device names and SoftAP SSIDs are both capped at 32 bytes (§7.1, §9.1).
constexpr qsizetype kMaxNameBytes = 32;

Error malformed(const QString &what)
{
    return makeError(ErrorCode::MalformedMessage, QStringLiteral("QR payload: ") + what);
}

/// Reads an optional string key into `out`. A present non-string value is an error.
std::optional<Error> readString(const QJsonObject &object, const QString &key, QString &out)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return std::nullopt;
    if (!value.isString())
        return malformed(QStringLiteral("\"%1\" is not a string").arg(key));
    out = value.toString();
    return std::nullopt;
}

std::optional<Error> readStrings(const QJsonObject &object, QrPayload &p)
{
    const std::pair<const char *, QString *> fields[] = {
        { "ver", &p.ver },
        { "name", &p.name },
        { "transport", &p.transport },
        { "pop", &p.pop },
        { "username", &p.username },
        { "password", &p.password },
        { "network", &p.network },
    };
    for (const auto &[key, out] : fields) {
        if (auto err = readString(object, QLatin1String(key), *out))
            return err;
    }
    return std::nullopt;
}

/// Android reads `security` with optInt, which also takes a numeric string; so do we.
std::optional<Error> readSecurity(const QJsonObject &object, QrPayload &p)
{
    const QJsonValue value = object.value(QStringLiteral("security"));
    if (value.isUndefined())
        return std::nullopt;
    bool ok = false;
    int n = -1;
    if (value.isDouble()) {
        ok = std::trunc(value.toDouble()) == value.toDouble();
        n = ok ? value.toInt(-1) : -1;
    } else if (value.isString()) {
        n = value.toString().trimmed().toInt(&ok);
    }
    if (!ok || n < 0 || n > 2)
        return malformed(QStringLiteral("\"security\" must be 0, 1 or 2"));
    p.security = n;
    return std::nullopt;
}

std::optional<Error> validate(QrPayload &p)
{
    if (p.name.isEmpty())
        return malformed(QStringLiteral("\"name\" is missing or empty"));
    if (p.name.toUtf8().size() > kMaxNameBytes)
        return malformed(QStringLiteral("\"name\" is longer than %1 bytes").arg(kMaxNameBytes));
    // §11: both phone libraries accept exactly these two, case-insensitively.
    // transportKindFromName() also takes esp_prov's "httpd" alias: §11 does not, so only the canonical
    // names pass.
    p.transport = p.transport.toLower();
    const std::optional<TransportKind> kind = transportKindFromName(p.transport);
    if (!kind || transportKindName(*kind) != p.transport)
        return malformed(QStringLiteral("\"transport\" must be \"softap\" or \"ble\""));
    p.network = p.network.toLower();
    if (!p.network.isEmpty() && p.network != QLatin1String("wifi") && p.network != QLatin1String("thread"))
        return malformed(QStringLiteral("\"network\" must be \"wifi\" or \"thread\""));
    return std::nullopt;
}

/// JSON string with the minimal escapes; non-ASCII stays UTF-8, as the firmware's printf does.
QByteArray jsonString(const QString &text)
{
    QByteArray out = "\"";
    for (char c : text.toUtf8()) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (uchar(c) < 0x20)
            out += "\\u00" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
        else
            out += c;
    }
    return out + "\"";
}

void appendMember(QByteArray &out, const char *key, const QByteArray &printedValue)
{
    out += (out.size() > 1 ? ",\"" : "\"") + QByteArray(key) + "\":" + printedValue;
}

void appendString(QByteArray &out, const char *key, const QString &value)
{
    if (!value.isEmpty())
        appendMember(out, key, jsonString(value));
}

} // namespace

std::optional<TransportKind> QrPayload::transportKind() const
{
    const std::optional<TransportKind> kind = transportKindFromName(transport);
    if (!kind || transportKindName(*kind) != transport)
        return std::nullopt;
    return kind;
}

QString QrPayload::describeMasked() const
{
    // Secrets are shown only as present/absent, never by value or length.
    QStringList parts { QStringLiteral("name=") + name, QStringLiteral("transport=") + transport };
    if (!pop.isEmpty())
        parts << QStringLiteral("pop=***");
    if (!username.isEmpty())
        parts << QStringLiteral("username=") + username;
    if (security)
        parts << QStringLiteral("security=%1").arg(*security);
    if (!password.isEmpty())
        parts << QStringLiteral("password=***");
    if (!network.isEmpty())
        parts << QStringLiteral("network=") + network;
    return parts.join(QLatin1Char(' '));
}

Result<QrPayload> parseQrPayload(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return malformed(QStringLiteral("not a JSON object"));
    const QJsonObject object = doc.object();
    QrPayload p;
    p.ver.clear(); // keep what the payload says: an absent "ver" stays absent in toJson()
    if (auto err = readStrings(object, p))
        return *err;
    if (auto err = readSecurity(object, p))
        return *err;
    if (auto err = validate(p))
        return *err;
    return p;
}

QByteArray toJson(const QrPayload &payload)
{
    // Key order of the ESP-IDF examples' printf (§11), extended with the optional phone-library keys.
    QByteArray out = "{";
    appendString(out, "ver", payload.ver);
    appendString(out, "name", payload.name);
    appendString(out, "username", payload.username);
    appendString(out, "pop", payload.pop);
    appendString(out, "transport", payload.transport);
    if (payload.security)
        appendMember(out, "security", QByteArray::number(*payload.security));
    appendString(out, "password", payload.password);
    appendString(out, "network", payload.network);
    return out + "}";
}

} // namespace prov
