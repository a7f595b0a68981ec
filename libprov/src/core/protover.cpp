// SPDX-License-Identifier: Apache-2.0
// proto-ver: parsing what a device says (docs/protocol.md §2.2, §2.3) and printing it as the ESP-IDF
// managers do (cJSON formatted print), for the device role.
#include "prov/protover.h"

#include "core/logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QJsonValue>

#include <cmath>
#include <limits>

namespace prov {

namespace {

const QString kProvKey = QStringLiteral("prov");

Error malformed(const QString &what)
{
    qCDebug(lcProvCodec) << "rejected proto-ver:" << what;
    return makeError(ErrorCode::MalformedMessage, QStringLiteral("proto-ver: ") + what);
}

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// §2.3: third-party firmware appends NULs or newlines; neither is part of the answer.
QByteArray stripTrailing(QByteArray body)
{
    while (!body.isEmpty()
        && (body.back() == '\0' || isJsonSpace(body.back()) || body.back() == '\v' || body.back() == '\f'))
        body.chop(1);
    return body;
}

/// A document is treated as JSON when it starts like a JSON container. Anything else (e.g. "V0.1",
/// or a bare number) is a legacy version string, which esp_prov also compares as a whole (§2.2).
bool looksLikeJson(const QByteArray &raw)
{
    for (char c : raw) {
        if (!isJsonSpace(c))
            return c == '{' || c == '[';
    }
    return false;
}

// ---- key order: QJsonObject sorts its keys, but AppInfo must follow document order.

qsizetype skipSpace(const QByteArray &s, qsizetype i)
{
    while (i < s.size() && isJsonSpace(s.at(i)))
        ++i;
    return i;
}

/// Index one past the closing quote of the string starting at `i` (which is a quote).
qsizetype skipString(const QByteArray &s, qsizetype i)
{
    for (++i; i < s.size(); ++i) {
        if (s.at(i) == '\\')
            ++i;
        else if (s.at(i) == '"')
            return i + 1;
    }
    return s.size();
}

/// Index one past the value starting at `i`. Only called on text QJsonDocument already accepted.
qsizetype skipValue(const QByteArray &s, qsizetype i)
{
    int depth = 0;
    for (; i < s.size(); ++i) {
        const char c = s.at(i);
        if (c == '"') {
            i = skipString(s, i) - 1;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i;
            if (--depth == 0)
                return i + 1;
        } else if (depth == 0 && (c == ',' || isJsonSpace(c))) {
            return i;
        }
    }
    return i;
}

/// Decodes a quoted JSON string token (escapes included) by letting Qt parse it as an array item.
QString decodeKey(const QByteArray &token)
{
    const QJsonDocument doc = QJsonDocument::fromJson("[" + token + "]");
    return doc.array().at(0).toString();
}

/// Top-level keys of a valid JSON object text, in document order, without duplicates.
QStringList topLevelKeys(const QByteArray &json)
{
    QStringList keys;
    qsizetype i = skipSpace(json, 0) + 1; // past '{'
    while (true) {
        i = skipSpace(json, i);
        if (i >= json.size() || json.at(i) != '"')
            break;
        const qsizetype end = skipString(json, i);
        const QString key = decodeKey(json.mid(i, end - i));
        if (!keys.contains(key))
            keys.append(key);
        i = skipSpace(json, end) + 1; // past ':'
        i = skipValue(json, skipSpace(json, i));
        i = skipSpace(json, i);
        if (i >= json.size() || json.at(i) != ',')
            break;
        ++i;
    }
    return keys;
}

// ---- field readers

QStringList stringList(const QJsonValue &value)
{
    QStringList out;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        if (item.isString())
            out.append(item.toString());
    }
    return out;
}

/// §2.3: an integer, or a numeric string ("0") as some third-party firmware sends.
Result<std::optional<int>> optionalInt(const QJsonObject &object, const QString &key)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return std::optional<int> {};
    bool ok = false;
    int n = -1;
    if (value.isDouble()) {
        const double d = value.toDouble();
        ok = std::trunc(d) == d && d >= 0 && d <= std::numeric_limits<int>::max();
        n = ok ? int(d) : -1;
    } else if (value.isString()) {
        n = value.toString().trimmed().toInt(&ok);
        ok = ok && n >= 0;
    }
    if (!ok)
        return malformed(
            QStringLiteral("prov.%1 is neither a non-negative integer nor a numeric string").arg(key));
    return std::optional<int> { n };
}

std::optional<Error> readProv(ProtoVersion &pv, const QJsonObject &prov)
{
    pv.provVersion = prov.value(QStringLiteral("ver")).toString();
    pv.capabilities = stringList(prov.value(QStringLiteral("cap")));
    auto secVer = optionalInt(prov, QStringLiteral("sec_ver"));
    if (!secVer)
        return secVer.error();
    auto patch = optionalInt(prov, QStringLiteral("sec_patch_ver"));
    if (!patch)
        return patch.error();
    pv.secVer = *secVer;
    pv.secPatchVer = *patch;
    return std::nullopt;
}

/// Every object beside "prov" is an application's own entry (§2.2, e.g. RainMaker's "rmaker").
QList<AppInfo> readApps(const QJsonObject &root, const QByteArray &json)
{
    QList<AppInfo> apps;
    for (const QString &label : topLevelKeys(json)) {
        const QJsonValue value = root.value(label);
        if (label == kProvKey || !value.isObject())
            continue;
        const QJsonObject app = value.toObject();
        apps.append(AppInfo { label, app.value(QStringLiteral("ver")).toString(),
            stringList(app.value(QStringLiteral("cap"))) });
    }
    return apps;
}

Result<ProtoVersion> parseJson(ProtoVersion pv)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(pv.raw, &error);
    if (error.error != QJsonParseError::NoError)
        return malformed(
            QStringLiteral("invalid JSON at offset %1: %2").arg(error.offset).arg(error.errorString()));
    if (!doc.isObject())
        return malformed(QStringLiteral("JSON document is not an object"));
    pv.isJson = true;
    const QJsonObject root = doc.object();
    const QJsonValue prov = root.value(kProvKey);
    if (prov.isObject()) {
        if (auto err = readProv(pv, prov.toObject()))
            return *err;
    } else if (!prov.isUndefined()) {
        qCWarning(lcProvCodec) << "proto-ver: \"prov\" is not an object; ignored";
    }
    pv.apps = readApps(root, pv.raw);
    return pv;
}

// ---- cJSON formatted printing (cJSON_Print), as the managers emit proto-ver (§2.2)

/// cJSON's print_string_ptr: escapes ", \, \b \f \n \r \t, other bytes < 0x20 as \u00xx (lower-case
/// hex); everything else, UTF-8 included, verbatim. A C string ends at its first NUL.
QByteArray cjsonString(const QString &text)
{
    QByteArray utf8 = text.toUtf8();
    if (const qsizetype nul = utf8.indexOf('\0'); nul >= 0)
        utf8.truncate(nul);
    QByteArray out = "\"";
    for (char c : utf8) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (uchar(c) < 0x20)
                out += "\\u00" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
            else
                out += c;
        }
    }
    return out + "\"";
}

/// cJSON prints arrays on one line with ", " between items, even when formatting.
QByteArray cjsonStringArray(const QStringList &items)
{
    QByteArrayList printed;
    for (const QString &item : items)
        printed.append(cjsonString(item));
    return "[" + printed.join(QByteArray(", ")) + "]";
}

using Member = std::pair<QString, QByteArray>; // key, printed value

/// cJSON's print_object with format=1 at nesting `depth` (0 = top level).
QByteArray cjsonObject(const QList<Member> &members, int depth)
{
    const QByteArray indent(depth + 1, '\t');
    QByteArray out = "{\n";
    for (qsizetype i = 0; i < members.size(); ++i) {
        out += indent + cjsonString(members[i].first) + ":\t" + members[i].second;
        out += (i + 1 < members.size()) ? ",\n" : "\n";
    }
    return out + QByteArray(depth, '\t') + "}";
}

QByteArray printApp(const AppInfo &app)
{
    // wifi_prov_mgr_set_app_info(): "ver" then "cap".
    return cjsonObject({ { QStringLiteral("ver"), cjsonString(app.version) },
                           { QStringLiteral("cap"), cjsonStringArray(app.capabilities) } },
        1);
}

QByteArray printProv(const ProtoVersionSpec &spec)
{
    // Manager order: ver, sec_ver, sec_patch_ver (only with the patch-version option), cap.
    QList<Member> members { { QStringLiteral("ver"), cjsonString(spec.provVersion) },
        { QStringLiteral("sec_ver"), QByteArray::number(spec.secVer) } };
    if (spec.secPatchVer)
        members.append({ QStringLiteral("sec_patch_ver"), QByteArray::number(*spec.secPatchVer) });
    members.append({ QStringLiteral("cap"), cjsonStringArray(spec.capabilities) });
    return cjsonObject(members, 1);
}

} // namespace

int ProtoVersion::recommendedSecurity() const
{
    // §2.3 "Recommended": trust sec_ver; without it, no_sec means 0 and anything else (legacy too) 1.
    if (secVer)
        return *secVer;
    return hasCapability(QStringLiteral("no_sec")) ? 0 : 1;
}

int ProtoVersion::recommendedSec2Patch() const
{
    return secPatchVer.value_or(0); // §2.3/§8.4: absent means the legacy fixed IV
}

Result<ProtoVersion> parseProtoVersion(const QByteArray &body)
{
    ProtoVersion pv;
    pv.raw = stripTrailing(body);
    if (pv.raw.isEmpty())
        return malformed(QStringLiteral("empty response"));
    if (looksLikeJson(pv.raw))
        return parseJson(std::move(pv));
    pv.provVersion = QString::fromUtf8(pv.raw).trimmed();
    return pv;
}

QByteArray buildProtoVersion(const ProtoVersionSpec &spec)
{
    // The managers add the app objects first and "prov" last (wifi_prov_mgr_start_provisioning).
    QList<Member> members;
    for (const AppInfo &app : spec.apps)
        members.append({ app.label, printApp(app) });
    members.append({ kProvKey, printProv(spec) });
    return cjsonObject(members, 0);
}

} // namespace prov
