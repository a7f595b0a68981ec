// SPDX-License-Identifier: Apache-2.0
// CSV (RFC 4180) and JSON exports of factory records.
#include "prov/record.h"

#include <QDateTime>
#include <QIODevice>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace prov {

namespace {

QString isoUtc(qint64 ms)
{
    if (ms == 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

qint64 durationMs(const ProvisioningRecord &r)
{
    return r.end.finishedAtMs != 0 ? r.end.finishedAtMs - r.start.startedAtMs : 0;
}

// OWASP "CSV injection": a cell starting with one of these is run as a formula by spreadsheets
// (full-width forms too, which some spreadsheet locales normalise).
bool startsLikeFormula(const QString &field)
{
    if (field.isEmpty())
        return false;
    switch (field.front().unicode()) {
    case u'=':
    case u'+':
    case u'-':
    case u'@':
    case u'\t':
    case u'\r':
    case 0xFF1D: // ＝
    case 0xFF0B: // ＋
    case 0xFF0D: // －
    case 0xFF20: // ＠
        return true;
    default:
        return false;
    }
}

QString csvField(const QString &value)
{
    QString v = startsLikeFormula(value) ? u'\'' + value : value;
    v.replace(u'"', QStringLiteral("\"\""));
    return u'"' + v + u'"';
}

Status writeAll(QIODevice &out, const QByteArray &bytes)
{
    qint64 done = 0;
    while (done < bytes.size()) {
        const qint64 n = out.write(bytes.constData() + done, bytes.size() - done);
        if (n <= 0)
            return makeError(
                ErrorCode::StorageFailed, QStringLiteral("write failed: %1").arg(out.errorString()));
        done += n;
    }
    return {};
}

Status checkWritable(const QIODevice &out)
{
    if (!out.isOpen() || !out.isWritable())
        return makeError(
            ErrorCode::StorageFailed, QStringLiteral("the export target is not open for writing"));
    return {};
}

const QStringList &csvHeader()
{
    static const QStringList header = {
        QStringLiteral("attempt_id"),
        QStringLiteral("started_at_utc"),
        QStringLiteral("finished_at_utc"),
        QStringLiteral("duration_ms"),
        QStringLiteral("station"),
        QStringLiteral("operator"),
        QStringLiteral("service_name"),
        QStringLiteral("transport"),
        QStringLiteral("address"),
        QStringLiteral("firmware_version"),
        QStringLiteral("sec_ver"),
        QStringLiteral("sec_patch_ver"),
        QStringLiteral("proto_ver_json"),
        QStringLiteral("ssid"),
        QStringLiteral("outcome"),
        QStringLiteral("failure_code"),
        QStringLiteral("failure_name"),
        QStringLiteral("failure_detail"),
        QStringLiteral("phases"),
        QStringLiteral("custom_calls"),
        QStringLiteral("batch_id"),
        QStringLiteral("lane"),
        QStringLiteral("profile_id"),
        QStringLiteral("profile_version"),
        QStringLiteral("attempt_number"),
    };
    return header;
}

QString phasesSummary(const ProvisioningRecord &r)
{
    QStringList parts;
    for (const PhaseDuration &p : r.phases)
        parts << p.phase + u'=' + QString::number(p.durationMs);
    return parts.join(u';');
}

QString customCallsSummary(const ProvisioningRecord &r)
{
    QStringList parts;
    for (const CustomCallEntry &c : r.customCalls) {
        parts << QStringLiteral("%1:%2/%3:%4")
                     .arg(c.endpoint)
                     .arg(c.requestBytes)
                     .arg(c.responseBytes)
                     .arg(c.errorCode == 0 ? QStringLiteral("ok") : recordErrorName(c.errorCode));
    }
    return parts.join(u';');
}

QJsonValue intOrNull(int v)
{
    return v < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(v);
}

} // namespace

Status exportCsv(const QList<ProvisioningRecord> &records, QIODevice &out)
{
    if (Status s = checkWritable(out); !s)
        return s;
    QStringList header;
    for (const QString &h : csvHeader())
        header << csvField(h);
    if (Status s = writeAll(out, header.join(u',').toUtf8() + "\r\n"); !s)
        return s;
    for (const ProvisioningRecord &r : records) {
        const QStringList fields = {
            r.start.attemptId,
            isoUtc(r.start.startedAtMs),
            isoUtc(r.end.finishedAtMs),
            r.end.finishedAtMs != 0 ? QString::number(durationMs(r)) : QString(),
            r.start.station,
            r.start.operatorName,
            r.start.serviceName,
            r.start.transport,
            r.start.address,
            r.device.firmwareVersion,
            r.device.secVer < 0 ? QString() : QString::number(r.device.secVer),
            r.device.secPatchVer < 0 ? QString() : QString::number(r.device.secPatchVer),
            r.device.protoVerJson,
            r.end.ssid,
            recordOutcomeName(r.end.outcome),
            r.end.failureCode == 0 ? QString() : QString::number(r.end.failureCode),
            recordErrorName(r.end.failureCode),
            r.end.failureDetail,
            phasesSummary(r),
            customCallsSummary(r),
            r.start.batchId,
            r.start.lane < 0 ? QString() : QString::number(r.start.lane),
            r.start.profileId,
            r.start.profileVersion,
            QString::number(r.start.attemptNumber),
        };
        QString line;
        for (const QString &f : fields) {
            if (!line.isEmpty())
                line += u',';
            line += csvField(f);
        }
        line += QStringLiteral("\r\n");
        if (Status s = writeAll(out, line.toUtf8()); !s)
            return s;
    }
    return {};
}

Status exportJson(const QList<ProvisioningRecord> &records, QIODevice &out)
{
    if (Status s = checkWritable(out); !s)
        return s;
    // One object at a time: an export of 100,000 records never builds one big document.
    if (Status s = writeAll(out, "[\n"); !s)
        return s;
    bool first = true;
    for (const ProvisioningRecord &r : records) {
        QJsonArray phases;
        for (const PhaseDuration &p : r.phases)
            phases.append(QJsonObject {
                { QStringLiteral("phase"), p.phase }, { QStringLiteral("duration_ms"), p.durationMs } });
        QJsonArray calls;
        for (const CustomCallEntry &c : r.customCalls) {
            QJsonObject o {
                { QStringLiteral("endpoint"), c.endpoint },
                { QStringLiteral("request_bytes"), c.requestBytes },
                { QStringLiteral("response_bytes"), c.responseBytes },
                { QStringLiteral("error_code"), c.errorCode },
                { QStringLiteral("error_name"),
                    c.errorCode == 0 ? QJsonValue(QJsonValue::Null)
                                     : QJsonValue(recordErrorName(c.errorCode)) },
                { QStringLiteral("payload_recorded"), c.payloadRecorded },
            };
            if (c.payloadRecorded) {
                o.insert(QStringLiteral("request_hex"), QString::fromLatin1(c.request.toHex()));
                o.insert(QStringLiteral("response_hex"), QString::fromLatin1(c.response.toHex()));
            }
            calls.append(o);
        }
        const QJsonObject obj {
            { QStringLiteral("attempt_id"), r.start.attemptId },
            { QStringLiteral("started_at_utc"), isoUtc(r.start.startedAtMs) },
            { QStringLiteral("started_at_ms"), r.start.startedAtMs },
            { QStringLiteral("finished_at_utc"),
                r.end.finishedAtMs ? QJsonValue(isoUtc(r.end.finishedAtMs)) : QJsonValue(QJsonValue::Null) },
            { QStringLiteral("finished_at_ms"),
                r.end.finishedAtMs ? QJsonValue(r.end.finishedAtMs) : QJsonValue(QJsonValue::Null) },
            { QStringLiteral("duration_ms"),
                r.end.finishedAtMs ? QJsonValue(durationMs(r)) : QJsonValue(QJsonValue::Null) },
            { QStringLiteral("station"), r.start.station },
            { QStringLiteral("operator"), r.start.operatorName },
            { QStringLiteral("service_name"), r.start.serviceName },
            { QStringLiteral("transport"), r.start.transport },
            { QStringLiteral("address"), r.start.address },
            { QStringLiteral("firmware_version"), r.device.firmwareVersion },
            { QStringLiteral("sec_ver"), intOrNull(r.device.secVer) },
            { QStringLiteral("sec_patch_ver"), intOrNull(r.device.secPatchVer) },
            { QStringLiteral("proto_ver_json"), r.device.protoVerJson },
            { QStringLiteral("ssid"), r.end.ssid },
            { QStringLiteral("outcome"), recordOutcomeName(r.end.outcome) },
            { QStringLiteral("failure_code"), r.end.failureCode },
            { QStringLiteral("failure_name"),
                r.end.failureCode == 0 ? QJsonValue(QJsonValue::Null)
                                       : QJsonValue(recordErrorName(r.end.failureCode)) },
            { QStringLiteral("failure_detail"), r.end.failureDetail },
            { QStringLiteral("phases"), phases },
            { QStringLiteral("custom_calls"), calls },
            { QStringLiteral("batch_id"), r.start.batchId },
            { QStringLiteral("lane"), intOrNull(r.start.lane) },
            { QStringLiteral("profile_id"), r.start.profileId },
            { QStringLiteral("profile_version"), r.start.profileVersion },
            { QStringLiteral("attempt_number"), r.start.attemptNumber },
        };
        QByteArray chunk = first ? QByteArray() : QByteArray(",\n");
        first = false;
        chunk += QJsonDocument(obj).toJson(QJsonDocument::Compact);
        if (Status s = writeAll(out, chunk); !s)
            return s;
    }
    return writeAll(out, "\n]\n");
}

} // namespace prov
