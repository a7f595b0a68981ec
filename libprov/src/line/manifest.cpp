// SPDX-License-Identifier: Apache-2.0
// The JSON-lines device manifest (prov-sim's stdout, an MES export): one parser for the workstation's
// ManifestSource and provctl batch.
#include "prov/manifest.h"

#include "prov/qrpayload.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace prov {

namespace {

bool isBleAddress(const QString &s)
{
    static const QRegularExpression re(QStringLiteral("^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$"));
    return re.match(s).hasMatch();
}

/// Parses one trimmed, non-empty line: an entry, or nothing with the problems of the line appended.
std::optional<ManifestEntry> readLine(const QByteArray &line, int lineNumber, QStringList &problems)
{
    auto problem = [&](const QString &what) {
        problems << QStringLiteral("line %1: %2").arg(lineNumber).arg(what);
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return problem(QStringLiteral("not a JSON object"));
    const QJsonObject o = doc.object();
    if (o.contains(QLatin1String("ready")) && !o.contains(QLatin1String("service_name")))
        return std::nullopt; // prov-sim's closing {"ready":true,"devices":N}

    ManifestEntry entry;
    entry.lineNumber = lineNumber;
    LineDevice &d = entry.device;
    d.source = QStringLiteral("manifest");
    d.transport = TransportKind::SoftAp;
    const QJsonValue name = o.value(QLatin1String("service_name"));
    if (!name.isString() || name.toString().isEmpty() || name.toString().toUtf8().size() > 32)
        return problem(QStringLiteral("\"service_name\" must be a string of 1 to 32 bytes"));
    d.serviceName = name.toString();

    const QJsonValue transport = o.value(QLatin1String("transport"));
    if (!transport.isUndefined()) {
        const std::optional<TransportKind> kind = transport.isString()
            ? transportKindFromName(transport.toString())
            : std::nullopt;
        if (!kind)
            return problem(QStringLiteral("\"transport\" must be \"softap\" or \"ble\""));
        d.transport = *kind;
    }
    const QJsonValue host = o.value(QLatin1String("host"));
    if (!host.isUndefined()) {
        if (!host.isString() || host.toString().contains(QLatin1Char(' ')))
            return problem(QStringLiteral("\"host\" must be a host name or an IP address"));
        entry.host = host.toString();
    }
    const QJsonValue port = o.value(QLatin1String("port"));
    if (!port.isUndefined()) {
        const double p = port.toDouble(-1);
        if (!port.isDouble() || p < 1 || p > 65535 || p != double(int(p)))
            return problem(QStringLiteral("\"port\" must be a number from 1 to 65535"));
        entry.port = quint16(p);
    }
    const QJsonValue secVer = o.value(QLatin1String("sec_ver"));
    if (!secVer.isUndefined()) {
        const int v = secVer.toInt(-1);
        if (!secVer.isDouble() || v < 0 || v > 2)
            return problem(QStringLiteral("\"sec_ver\" must be 0, 1 or 2"));
        entry.secVer = v;
    }
    const QJsonValue address = o.value(QLatin1String("address"));
    if (!address.isUndefined() && d.transport == TransportKind::Ble) {
        if (!address.isString() || !isBleAddress(address.toString()))
            return problem(QStringLiteral("\"address\" must be a Bluetooth address (AA:BB:CC:DD:EE:FF)"));
        d.address = address.toString().toUpper();
    }
    if (d.transport == TransportKind::SoftAp && !entry.host.isEmpty())
        d.address = QStringLiteral("%1:%2").arg(entry.host).arg(entry.port != 0 ? entry.port : 80);
    const QJsonValue fields = o.value(QLatin1String("fields"));
    if (!fields.isUndefined()) {
        if (!fields.isObject())
            return problem(QStringLiteral("\"fields\" must be an object of strings or numbers"));
        const QJsonObject f = fields.toObject();
        for (auto it = f.constBegin(); it != f.constEnd(); ++it) {
            if (it.value().isString())
                d.fields.insert(it.key(), it.value().toString());
            else if (it.value().isDouble())
                d.fields.insert(it.key(), QString::number(it.value().toDouble(), 'g', 17));
            else
                return problem(
                    QStringLiteral("\"fields\": \"%1\" must be a string or a number").arg(it.key()));
        }
    }
    const QJsonValue qr = o.value(QLatin1String("qr"));
    if (qr.isString()) {
        // parseQrPayload()'s details name the offending field, never the PoP (error.h).
        const Result<QrPayload> payload = parseQrPayload(qr.toString().toUtf8());
        if (!payload)
            problem(QStringLiteral("\"qr\" ignored: %1").arg(payload.error().detail));
        else if (payload->name != d.serviceName)
            problem(QStringLiteral("\"qr\" ignored: it names another device"));
        else {
            d.credentials.pop = payload->pop.toUtf8();
            d.credentials.username = payload->username.toUtf8();
        }
    } else if (!qr.isUndefined()) {
        problem(QStringLiteral("\"qr\" ignored: not a string"));
    }
    // The row speaks for the credentials when its sticker gave them, or when the device needs none.
    d.credentialsGiven = !d.credentials.isEmpty() || entry.secVer == 0;
    return entry;
}

} // namespace

QList<LineDevice> Manifest::devices() const
{
    QList<LineDevice> out;
    out.reserve(entries.size());
    for (const ManifestEntry &e : entries)
        out << e.device;
    return out;
}

Manifest readManifest(QIODevice &in)
{
    using namespace manifest;
    Manifest m;
    int lineNumber = 0;
    qint64 bytes = 0;
    while (!in.atEnd() && lineNumber < kMaxLines && bytes < kMaxBytes) {
        ++lineNumber;
        // readLine(n) returns at most n - 1 bytes: this reads one byte past the limit.
        QByteArray line = in.readLine(kMaxLineBytes + 2);
        bytes += line.size();
        if (line.size() - (line.endsWith('\n') ? 1 : 0) > kMaxLineBytes) {
            m.problems << QStringLiteral("line %1: longer than %2 bytes, skipped")
                              .arg(lineNumber)
                              .arg(kMaxLineBytes);
            while (!in.atEnd() && !line.endsWith('\n') && bytes < kMaxBytes) {
                line = in.readLine(kMaxLineBytes + 2); // skip the rest of the long line
                bytes += line.size();
            }
            continue;
        }
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        if (std::optional<ManifestEntry> entry = readLine(line, lineNumber, m.problems))
            m.entries << *entry;
    }
    if (!in.atEnd())
        m.problems << QStringLiteral("more than %1 lines or %2 bytes: the rest was not read")
                          .arg(kMaxLines)
                          .arg(kMaxBytes);
    return m;
}

Result<Manifest> loadManifest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(
            ErrorCode::StorageFailed, QStringLiteral("cannot open %1: %2").arg(path, file.errorString()));
    return readManifest(file);
}

} // namespace prov
