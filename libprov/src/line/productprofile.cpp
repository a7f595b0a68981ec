// SPDX-License-Identifier: Apache-2.0
#include "prov/productprofile.h"

#include "prov/wifi.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QMetaEnum>
#include <QRegularExpression>
#include <QSet>
#include <QUuid>

#include <algorithm>
#include <cmath>
#include <optional>

namespace prov {

namespace {

using Fail = std::optional<Error>;

Error fieldError(const QString &field, const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("\"%1\" %2").arg(field, what));
}

QString join(const QString &parent, const QString &key)
{
    return parent.isEmpty() ? key : parent + QLatin1Char('.') + key;
}

bool isSecretKey(const QString &key)
{
    const QString k = key.toLower();
    return k == QLatin1String("pop") || k.endsWith(QLatin1String("_pop"))
        || k.contains(QLatin1String("password")) || k.contains(QLatin1String("passphrase"));
}

/// A secret key anywhere in the document (objects inside arrays too) is refused first.
Fail findSecret(const QJsonValue &v, const QString &path)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString p = join(path, it.key());
            if (isSecretKey(it.key()))
                return fieldError(p, QStringLiteral("is refused: secrets are never stored in a profile"));
            if (Fail f = findSecret(it.value(), p))
                return f;
        }
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (Fail f = findSecret(a.at(i), QStringLiteral("%1[%2]").arg(path).arg(i)))
                return f;
        }
    }
    return std::nullopt;
}

Fail onlyKeys(const QJsonObject &o, const QString &path, std::initializer_list<const char *> allowed)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool known = false;
        for (const char *a : allowed)
            known = known || it.key() == QLatin1String(a);
        if (!known)
            return fieldError(join(path, it.key()), QStringLiteral("is not a known field"));
    }
    return std::nullopt;
}

Fail readObject(
    const QJsonObject &parent, const QString &path, const char *key, bool required, QJsonObject &out)
{
    const QJsonValue v = parent.value(QLatin1String(key));
    if (v.isUndefined()) {
        if (required)
            return fieldError(join(path, QLatin1String(key)), QStringLiteral("is required (an object)"));
        return std::nullopt;
    }
    if (!v.isObject())
        return fieldError(join(path, QLatin1String(key)), QStringLiteral("must be an object"));
    out = v.toObject();
    return std::nullopt;
}

Fail readString(const QJsonObject &o, const QString &path, const char *key, bool required, QString &out,
    bool nonEmpty = true)
{
    const QString p = join(path, QLatin1String(key));
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        if (required)
            return fieldError(p, QStringLiteral("is required (a string)"));
        return std::nullopt;
    }
    if (!v.isString() || (nonEmpty && v.toString().isEmpty()))
        return fieldError(
            p, nonEmpty ? QStringLiteral("must be a non-empty string") : QStringLiteral("must be a string"));
    out = v.toString();
    return std::nullopt;
}

Fail readInt(
    const QJsonObject &o, const QString &path, const char *key, bool required, int lo, int hi, int &out)
{
    const QString p = join(path, QLatin1String(key));
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        if (required)
            return fieldError(p, QStringLiteral("is required (a number between %1 and %2)").arg(lo).arg(hi));
        return std::nullopt;
    }
    const double d = v.toDouble(std::nan(""));
    if (!v.isDouble() || std::floor(d) != d || d < lo || d > hi)
        return fieldError(p, QStringLiteral("must be a number between %1 and %2").arg(lo).arg(hi));
    out = int(d);
    return std::nullopt;
}

Fail readBool(const QJsonObject &o, const QString &path, const char *key, bool &out)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return std::nullopt;
    if (!v.isBool())
        return fieldError(join(path, QLatin1String(key)), QStringLiteral("must be true or false"));
    out = v.toBool();
    return std::nullopt;
}

Fail checkRegex(const QString &pattern, const QString &field)
{
    const QRegularExpression re(pattern);
    if (!re.isValid())
        return fieldError(
            field, QStringLiteral("must be a valid regular expression (%1)").arg(re.errorString()));
    return std::nullopt;
}

const QRegularExpression &idPattern()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]+$"));
    return re;
}

const QRegularExpression &placeholderPattern()
{
    static const QRegularExpression re(QStringLiteral("\\$\\{([^}]*)\\}"));
    return re;
}

/// The field name of a `${field:NAME}` placeholder, or an empty string for the fixed ones; nullopt when
/// the placeholder is unknown.
std::optional<QString> placeholderField(const QString &inner)
{
    static const QStringList fixed { QStringLiteral("service_name"), QStringLiteral("station"),
        QStringLiteral("operator"), QStringLiteral("counter"), QStringLiteral("batch") };
    if (fixed.contains(inner))
        return QString();
    if (inner.startsWith(QLatin1String("field:"))) {
        const QString name = inner.mid(6);
        if (idPattern().match(name).hasMatch())
            return name;
    }
    return std::nullopt;
}

struct NamedValue
{
    const char *name;
    int value;
};

template <typename E, std::size_t N>
Fail readChoice(const QJsonObject &o, const QString &path, const char *key, bool required,
    const NamedValue (&names)[N], E &out)
{
    const QString p = join(path, QLatin1String(key));
    QStringList all;
    for (const NamedValue &n : names)
        all << QStringLiteral("\"%1\"").arg(QLatin1String(n.name));
    const QString what = QStringLiteral("must be one of %1").arg(all.join(QStringLiteral(", ")));
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined()) {
        if (required)
            return fieldError(p, QStringLiteral("is required: ") + what);
        return std::nullopt;
    }
    for (const NamedValue &n : names) {
        if (v.isString() && v.toString() == QLatin1String(n.name)) {
            out = E(n.value);
            return std::nullopt;
        }
    }
    return fieldError(p, what);
}

template <typename E, std::size_t N> QString choiceName(const NamedValue (&names)[N], E value)
{
    for (const NamedValue &n : names) {
        if (n.value == int(value))
            return QLatin1String(n.name);
    }
    return {};
}

constexpr NamedValue kCredentialsNames[] = {
    { "qr", int(ProductProfile::CredentialsSource::Qr) },
    { "manifest", int(ProductProfile::CredentialsSource::Manifest) },
    { "prompt", int(ProductProfile::CredentialsSource::Prompt) },
};

constexpr NamedValue kAfterApplyNames[] = {
    { "wait_connected", int(ProductProfile::AfterApply::WaitConnected) },
    { "accept_link_closed", int(ProductProfile::AfterApply::AcceptLinkClosed) },
    { "accept_link_closed_confirmed", int(ProductProfile::AfterApply::AcceptLinkClosedConfirmed) },
};

constexpr NamedValue kExpectNames[] = {
    { "exact", int(ProductProfile::ExpectKind::Exact) },
    { "prefix", int(ProductProfile::ExpectKind::Prefix) },
    { "regex", int(ProductProfile::ExpectKind::Regex) },
};

constexpr NamedValue kDuplicateNames[] = {
    { "off", int(ProductProfile::DuplicatePolicy::Off) },
    { "warn", int(ProductProfile::DuplicatePolicy::Warn) },
    { "refuse", int(ProductProfile::DuplicatePolicy::Refuse) },
};

std::optional<ErrorCode> errorCodeFromName(const QString &name)
{
    const QMetaEnum me = QMetaEnum::fromType<ErrorCode>();
    for (int i = 0; i < me.keyCount(); ++i) {
        const auto code = ErrorCode(me.value(i));
        if (errorCodeName(code) == name)
            return code;
    }
    return std::nullopt;
}

Fail parseMatch(const QJsonObject &root, ProductProfile &p)
{
    const QString path = QStringLiteral("match");
    QJsonObject o;
    if (Fail f = readObject(root, {}, "match", true, o))
        return f;
    if (Fail f = onlyKeys(o, path,
            { "service_name_prefix", "service_name_regex", "transports", "ble_service_uuid",
                "min_rssi_dbm" }))
        return f;
    if (Fail f = readString(o, path, "service_name_prefix", false, p.match.serviceNamePrefix))
        return f;
    if (Fail f = readString(o, path, "service_name_regex", false, p.match.serviceNameRegex))
        return f;
    const bool hasPrefix = o.contains(QLatin1String("service_name_prefix"));
    const bool hasRegex = o.contains(QLatin1String("service_name_regex"));
    if (hasPrefix == hasRegex)
        return fieldError(QStringLiteral("match.service_name_prefix"),
            QStringLiteral("or \"match.service_name_regex\": exactly one must be given"));
    if (hasRegex) {
        if (Fail f = checkRegex(p.match.serviceNameRegex, QStringLiteral("match.service_name_regex")))
            return f;
    }

    const QString tp = QStringLiteral("match.transports");
    const QJsonValue tv = o.value(QLatin1String("transports"));
    if (!tv.isArray() || tv.toArray().isEmpty())
        return fieldError(tp, QStringLiteral("must be a non-empty list of \"ble\" / \"softap\""));
    const QJsonArray ta = tv.toArray();
    for (qsizetype i = 0; i < ta.size(); ++i) {
        const QString field = QStringLiteral("%1[%2]").arg(tp).arg(i);
        const QString text = ta.at(i).toString();
        const std::optional<TransportKind> kind = ta.at(i).isString() ? transportKindFromName(text)
                                                                      : std::optional<TransportKind>();
        if (!kind || (text.toLower() != QLatin1String("ble") && text.toLower() != QLatin1String("softap")))
            return fieldError(field, QStringLiteral("must be \"ble\" or \"softap\""));
        if (p.match.transports.contains(*kind))
            return fieldError(field, QStringLiteral("repeats a transport"));
        p.match.transports.append(*kind);
    }

    if (Fail f = readString(o, path, "ble_service_uuid", false, p.match.bleServiceUuid))
        return f;
    if (!p.match.bleServiceUuid.isEmpty()) {
        const QUuid uuid = QUuid::fromString(p.match.bleServiceUuid);
        if (uuid.isNull())
            return fieldError(
                QStringLiteral("match.ble_service_uuid"), QStringLiteral("must be a valid UUID"));
        p.match.bleServiceUuid = uuid.toString(QUuid::WithoutBraces);
    }
    return readInt(o, path, "min_rssi_dbm", false, -127, 0, p.match.minRssiDbm);
}

Fail parseSecurity(const QJsonObject &root, ProductProfile &p)
{
    const QString path = QStringLiteral("security");
    QJsonObject o;
    if (Fail f = readObject(root, {}, "security", true, o))
        return f;
    if (Fail f = onlyKeys(o, path, { "min_sec_ver", "credentials_from" }))
        return f;
    if (Fail f = readInt(o, path, "min_sec_ver", true, 0, 2, p.security.minSecVer))
        return f;
    return readChoice(o, path, "credentials_from", true, kCredentialsNames, p.security.credentialsFrom);
}

Fail parseFirmware(const QJsonObject &root, ProductProfile &p)
{
    const QString path = QStringLiteral("firmware");
    QJsonObject o;
    if (Fail f = readObject(root, {}, "firmware", false, o))
        return f;
    if (Fail f = onlyKeys(o, path, { "app_version_regex" }))
        return f;
    if (Fail f = readString(o, path, "app_version_regex", false, p.firmware.appVersionRegex))
        return f;
    if (!p.firmware.appVersionRegex.isEmpty())
        return checkRegex(p.firmware.appVersionRegex, QStringLiteral("firmware.app_version_regex"));
    return std::nullopt;
}

Fail parseNetwork(const QJsonObject &root, ProductProfile &p)
{
    const QString path = QStringLiteral("network");
    QJsonObject o;
    if (Fail f = readObject(root, {}, "network", true, o))
        return f;
    if (Fail f = onlyKeys(o, path, { "ssid", "auth_mode" }))
        return f;
    if (Fail f = readString(o, path, "ssid", true, p.network.ssid))
        return f;
    if (p.network.ssid.toUtf8().size() > 32)
        return fieldError(QStringLiteral("network.ssid"), QStringLiteral("must be 1 to 32 bytes as UTF-8"));
    QString mode;
    if (Fail f = readString(o, path, "auth_mode", true, mode))
        return f;
    p.network.authMode = authModeFromName(mode);
    if (p.network.authMode < 0)
        return fieldError(QStringLiteral("network.auth_mode"),
            QStringLiteral("must be a Wi-Fi auth mode name such as \"WPA2-PSK\""));
    return std::nullopt;
}

Fail parseStep(const QJsonValue &v, int index, ProductProfile::CustomStep &s)
{
    const QString path = QStringLiteral("custom_steps[%1]").arg(index);
    if (!v.isObject())
        return fieldError(path, QStringLiteral("must be an object"));
    const QJsonObject o = v.toObject();
    if (Fail f = onlyKeys(o, path, { "endpoint", "payload", "payload_hex", "expect", "secret_payload" }))
        return f;
    if (Fail f = readString(o, path, "endpoint", true, s.endpoint))
        return f;
    const bool hasText = o.contains(QLatin1String("payload"));
    const bool hasHex = o.contains(QLatin1String("payload_hex"));
    if (hasText == hasHex)
        return fieldError(join(path, QStringLiteral("payload")),
            QStringLiteral("or \"%1.payload_hex\": exactly one must be given").arg(path));
    if (hasText) {
        if (Fail f = readString(o, path, "payload", true, s.payload, false))
            return f;
        for (auto it = placeholderPattern().globalMatch(s.payload); it.hasNext();) {
            const QString inner = it.next().captured(1);
            if (!placeholderField(inner))
                return fieldError(join(path, QStringLiteral("payload")),
                    QStringLiteral("uses an unknown placeholder ${%1} in step %2").arg(inner).arg(index));
        }
    } else {
        QString hex;
        if (Fail f = readString(o, path, "payload_hex", true, hex))
            return f;
        static const QRegularExpression hexRe(QStringLiteral("^([0-9A-Fa-f]{2})+$"));
        if (!hexRe.match(hex).hasMatch())
            return fieldError(join(path, QStringLiteral("payload_hex")),
                QStringLiteral("must be an even number of hex digits"));
        s.payloadBytes = QByteArray::fromHex(hex.toLatin1());
        s.payloadIsHex = true;
    }
    if (o.contains(QLatin1String("expect"))) {
        const QString ep = join(path, QStringLiteral("expect"));
        const QJsonValue ev = o.value(QLatin1String("expect"));
        const QJsonObject eo = ev.toObject();
        if (!ev.isObject() || eo.size() != 1)
            return fieldError(
                ep, QStringLiteral("must be an object with exactly one of \"exact\", \"prefix\", \"regex\""));
        if (Fail f = onlyKeys(eo, ep, { "exact", "prefix", "regex" }))
            return f;
        QJsonObject kindObject;
        kindObject.insert(QStringLiteral("kind"), eo.begin().key());
        ProductProfile::ExpectKind kind = ProductProfile::ExpectKind::None;
        if (Fail f = readChoice(kindObject, ep, "kind", true, kExpectNames, kind))
            return f;
        s.expectKind = kind;
        if (Fail f = readString(eo, ep, eo.begin().key().toLatin1().constData(), true, s.expectValue, false))
            return f;
        if (kind == ProductProfile::ExpectKind::Regex) {
            if (Fail f = checkRegex(s.expectValue, join(ep, QStringLiteral("regex"))))
                return f;
        }
    }
    return readBool(o, path, "secret_payload", s.secretPayload);
}

Fail parseSteps(const QJsonObject &root, ProductProfile &p)
{
    const QJsonValue v = root.value(QLatin1String("custom_steps"));
    if (v.isUndefined())
        return std::nullopt;
    if (!v.isArray())
        return fieldError(QStringLiteral("custom_steps"), QStringLiteral("must be a list"));
    const QJsonArray a = v.toArray();
    for (qsizetype i = 0; i < a.size(); ++i) {
        ProductProfile::CustomStep s;
        if (Fail f = parseStep(a.at(i), int(i), s))
            return f;
        p.customSteps.append(s);
    }
    return std::nullopt;
}

Fail parseRetry(const QJsonObject &root, ProductProfile &p)
{
    QJsonObject o;
    if (Fail f = readObject(root, {}, "retry", false, o))
        return f;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString path = join(QStringLiteral("retry"), it.key());
        const std::optional<ErrorCode> code = errorCodeFromName(it.key());
        if (!code)
            return fieldError(
                path, QStringLiteral("is not an error code name (such as \"wifi_connect_timeout\")"));
        if (*code == ErrorCode::FirmwareMismatch || *code == ErrorCode::SecurityDowngrade
            || *code == ErrorCode::AuthenticationFailed || *code == ErrorCode::AlreadyProvisioned)
            return fieldError(path, QStringLiteral("is never retried"));
        if (!it.value().isObject())
            return fieldError(path, QStringLiteral("must be an object"));
        const QJsonObject r = it.value().toObject();
        if (Fail f = onlyKeys(r, path, { "retries", "reset_first" }))
            return f;
        ProductProfile::RetryRule rule;
        if (Fail f = readInt(r, path, "retries", true, 0, 10, rule.retries))
            return f;
        if (Fail f = readBool(r, path, "reset_first", rule.resetFirst))
            return f;
        p.retry.insert(*code, rule);
    }
    return std::nullopt;
}

Fail parseLanes(const QJsonObject &root, ProductProfile &p)
{
    const QString path = QStringLiteral("lanes");
    QJsonObject o;
    if (Fail f = readObject(root, {}, "lanes", false, o))
        return f;
    if (Fail f = onlyKeys(o, path, { "ble", "softap" }))
        return f;
    if (Fail f = readInt(o, path, "ble", false, 1, 8, p.lanes.ble))
        return f;
    return readInt(o, path, "softap", false, 1, 16, p.lanes.softap);
}

Fail parseLabel(const QJsonObject &root, ProductProfile &p)
{
    const QString path = QStringLiteral("label");
    QJsonObject o;
    if (Fail f = readObject(root, {}, "label", false, o))
        return f;
    if (Fail f = onlyKeys(o, path, { "auto_print" }))
        return f;
    return readBool(o, path, "auto_print", p.label.autoPrint);
}

Fail parseRoot(const QJsonObject &root, ProductProfile &p)
{
    if (Fail f = findSecret(root, {}))
        return f;
    // The schema first: a newer file's new fields are reported as a newer schema, not as unknown keys.
    const QJsonValue schema = root.value(QLatin1String("schema"));
    if (!schema.isDouble() || schema.toDouble() != ProductProfile::kSchemaVersion)
        return fieldError(QStringLiteral("schema"),
            QStringLiteral("must be %1 (the profile schema version this build reads)")
                .arg(ProductProfile::kSchemaVersion));
    if (Fail f = onlyKeys(root, {},
            { "schema", "name", "id", "version", "match", "security", "firmware", "network", "custom_steps",
                "after_apply", "retry", "lanes", "duplicates", "label" }))
        return f;
    if (Fail f = readString(root, {}, "name", true, p.name))
        return f;
    if (Fail f = readString(root, {}, "id", true, p.id))
        return f;
    if (!idPattern().match(p.id).hasMatch())
        return fieldError(
            QStringLiteral("id"), QStringLiteral("may only hold A-Z, a-z, 0-9, '_', '.' and '-'"));
    if (Fail f = readString(root, {}, "version", true, p.version))
        return f;
    for (auto parse : { parseMatch, parseSecurity, parseFirmware, parseNetwork, parseSteps }) {
        if (Fail f = parse(root, p))
            return f;
    }
    if (Fail f = readChoice(root, {}, "after_apply", false, kAfterApplyNames, p.afterApply))
        return f;
    if (Fail f = parseRetry(root, p))
        return f;
    if (Fail f = readChoice(root, {}, "duplicates", false, kDuplicateNames, p.duplicates))
        return f;
    if (Fail f = parseLabel(root, p))
        return f;
    return parseLanes(root, p);
}

} // namespace

Result<ProductProfile> ProductProfile::fromJson(const QByteArray &json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return makeError(ErrorCode::MalformedMessage,
            QStringLiteral("profile is not JSON: %1 at offset %2").arg(err.errorString()).arg(err.offset));
    if (!doc.isObject())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a profile must be a JSON object"));
    ProductProfile p;
    if (Fail f = parseRoot(doc.object(), p))
        return *f;
    return p;
}

Result<ProductProfile> ProductProfile::load(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists() || !info.isFile())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("%1: no such profile file").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::StorageFailed, QStringLiteral("%1: %2").arg(path, file.errorString()));
    Result<ProductProfile> p = fromJson(file.readAll());
    if (!p)
        return makeError(p.error().code, QStringLiteral("%1: %2").arg(path, p.error().detail));
    return p;
}

QByteArray ProductProfile::toJson() const
{
    QJsonObject m;
    if (!match.serviceNameRegex.isEmpty())
        m.insert(QStringLiteral("service_name_regex"), match.serviceNameRegex);
    else
        m.insert(QStringLiteral("service_name_prefix"), match.serviceNamePrefix);
    QJsonArray transports;
    for (TransportKind k : match.transports)
        transports.append(transportKindName(k));
    m.insert(QStringLiteral("transports"), transports);
    if (!match.bleServiceUuid.isEmpty())
        m.insert(QStringLiteral("ble_service_uuid"), match.bleServiceUuid);
    m.insert(QStringLiteral("min_rssi_dbm"), match.minRssiDbm);

    QJsonArray steps;
    for (const CustomStep &s : customSteps) {
        QJsonObject o { { QStringLiteral("endpoint"), s.endpoint },
            { QStringLiteral("secret_payload"), s.secretPayload } };
        if (s.payloadIsHex)
            o.insert(QStringLiteral("payload_hex"), QString::fromLatin1(s.payloadBytes.toHex()));
        else
            o.insert(QStringLiteral("payload"), s.payload);
        if (s.expectKind != ExpectKind::None)
            o.insert(QStringLiteral("expect"),
                QJsonObject { { choiceName(kExpectNames, s.expectKind), s.expectValue } });
        steps.append(o);
    }

    QJsonObject retries;
    for (auto it = retry.begin(); it != retry.end(); ++it)
        retries.insert(errorCodeName(it.key()),
            QJsonObject { { QStringLiteral("retries"), it->retries },
                { QStringLiteral("reset_first"), it->resetFirst } });

    QJsonObject root {
        { QStringLiteral("schema"), kSchemaVersion },
        { QStringLiteral("name"), name },
        { QStringLiteral("id"), id },
        { QStringLiteral("version"), version },
        { QStringLiteral("match"), m },
        { QStringLiteral("security"),
            QJsonObject { { QStringLiteral("min_sec_ver"), security.minSecVer },
                { QStringLiteral("credentials_from"),
                    choiceName(kCredentialsNames, security.credentialsFrom) } } },
        { QStringLiteral("network"),
            QJsonObject { { QStringLiteral("ssid"), network.ssid },
                { QStringLiteral("auth_mode"), authModeName(network.authMode) } } },
        { QStringLiteral("custom_steps"), steps },
        { QStringLiteral("after_apply"), choiceName(kAfterApplyNames, afterApply) },
        { QStringLiteral("retry"), retries },
        { QStringLiteral("lanes"),
            QJsonObject {
                { QStringLiteral("ble"), lanes.ble }, { QStringLiteral("softap"), lanes.softap } } },
        { QStringLiteral("duplicates"), choiceName(kDuplicateNames, duplicates) },
        { QStringLiteral("label"), QJsonObject { { QStringLiteral("auto_print"), label.autoPrint } } },
    };
    if (!firmware.appVersionRegex.isEmpty())
        root.insert(QStringLiteral("firmware"),
            QJsonObject { { QStringLiteral("app_version_regex"), firmware.appVersionRegex } });
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool ProductProfile::matches(const QString &serviceName, TransportKind transport, int rssiDbm) const
{
    if (!match.transports.contains(transport) || rssiDbm < match.minRssiDbm)
        return false;
    if (!match.serviceNameRegex.isEmpty()) {
        const QRegularExpression re(QRegularExpression::anchoredPattern(match.serviceNameRegex));
        return re.match(serviceName).hasMatch();
    }
    return serviceName.startsWith(match.serviceNamePrefix);
}

bool ProductProfile::firmwareMatches(const QString &appVersion) const
{
    if (firmware.appVersionRegex.isEmpty())
        return true;
    return QRegularExpression(firmware.appVersionRegex).match(appVersion).hasMatch();
}

int ProductProfile::lanesFor(TransportKind transport) const
{
    return transport == TransportKind::Ble ? lanes.ble : lanes.softap;
}

int ProductProfile::defaultLanes() const
{
    int most = 1;
    for (TransportKind t : match.transports)
        most = std::max(most, lanesFor(t));
    return most;
}

AfterApplyLinkClosed ProductProfile::afterApplyLinkClosed() const
{
    switch (afterApply) {
    case AfterApply::WaitConnected:
        return AfterApplyLinkClosed::Fail;
    case AfterApply::AcceptLinkClosed:
        return AfterApplyLinkClosed::Report;
    case AfterApply::AcceptLinkClosedConfirmed:
        return AfterApplyLinkClosed::Confirm;
    }
    return AfterApplyLinkClosed::Confirm;
}

Result<QByteArray> ProductProfile::expandPayload(int stepIndex, const PlaceholderValues &values) const
{
    if (stepIndex < 0 || stepIndex >= customSteps.size())
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("custom step %1 does not exist (the profile has %2)")
                .arg(stepIndex)
                .arg(customSteps.size()));
    const CustomStep &s = customSteps.at(stepIndex);
    if (s.payloadIsHex)
        return s.payloadBytes;
    QString out;
    qsizetype last = 0;
    for (auto it = placeholderPattern().globalMatch(s.payload); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(s.payload).mid(last, m.capturedStart() - last);
        last = m.capturedEnd();
        const QString inner = m.captured(1);
        const std::optional<QString> field = placeholderField(inner);
        if (!field)
            return fieldError(QStringLiteral("custom_steps[%1].payload").arg(stepIndex),
                QStringLiteral("uses an unknown placeholder ${%1} in step %2").arg(inner).arg(stepIndex));
        if (!field->isEmpty()) {
            if (!values.fields.contains(*field))
                return makeError(ErrorCode::InvalidArgument,
                    QStringLiteral("custom step %1 needs field \"%2\", which this device has none of")
                        .arg(stepIndex)
                        .arg(*field));
            out += values.fields.value(*field);
        } else if (inner == QLatin1String("service_name")) {
            out += values.serviceName;
        } else if (inner == QLatin1String("station")) {
            out += values.station;
        } else if (inner == QLatin1String("operator")) {
            out += values.operatorName;
        } else if (inner == QLatin1String("counter")) {
            out += QString::number(values.counter);
        } else {
            out += values.batch;
        }
    }
    out += QStringView(s.payload).mid(last);
    return out.toUtf8();
}

} // namespace prov
