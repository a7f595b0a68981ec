// SPDX-License-Identifier: Apache-2.0
// CSV and JSON exports. The CSV is read back by a small RFC 4180 reader written here (independent
// of the exporter): hostile values round-trip with only the defensive quote added to cells that a
// spreadsheet would run as formulas (OWASP CSV injection). The JSON parses with QJsonDocument and
// carries the same values, with payloads only for calls marked non-secret. Both carry the line
// mode columns (batch, lane, profile, attempt number).
#include "prov/record.h"

#include "recordtesthelpers.h"

#include <QBuffer>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace prov;

namespace {

// RFC 4180 reader: records end in CRLF, fields are separated by commas, a quoted field may
// contain commas, CR, LF and doubled quotes. Returns false on malformed input.
bool parseCsv(const QString &text, QList<QStringList> *rows)
{
    QStringList row;
    QString field;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        if (text[i] == u'"') {
            ++i;
            for (;;) {
                if (i >= n)
                    return false; // unterminated quote
                if (text[i] == u'"') {
                    if (i + 1 < n && text[i + 1] == u'"') {
                        field += u'"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
        } else {
            while (i < n && text[i] != u',' && text[i] != u'\r') {
                if (text[i] == u'"' || text[i] == u'\n')
                    return false; // bare quote or LF outside quotes
                field += text[i++];
            }
        }
        if (i < n && text[i] == u',') {
            row << field;
            field.clear();
            ++i;
        } else if (i + 1 < n && text[i] == u'\r' && text[i + 1] == u'\n') {
            row << field;
            field.clear();
            *rows << row;
            row.clear();
            i += 2;
        } else {
            return false;
        }
    }
    return row.isEmpty() && field.isEmpty();
}

bool dangerousStart(const QString &s)
{
    static const QString starts = QStringLiteral("=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20");
    return !s.isEmpty() && starts.contains(s.front());
}

QString defended(const QString &s)
{
    return dangerousStart(s) ? u'\'' + s : s;
}

QStringList hostileStrings()
{
    return {
        QStringLiteral("=CMD|'/C calc'!A0"),
        QStringLiteral("+1"),
        QStringLiteral("-1"),
        QStringLiteral("@SUM(A1:A9)"),
        QStringLiteral("\t=1+1"),
        QStringLiteral("\r=1+1"),
        QStringLiteral("\uFF1D1+1"),
        QStringLiteral("say \"hi\", then \"\"bye\"\""),
        QStringLiteral("a,b,c"),
        QStringLiteral("line1\nline2\r\nline3\r"),
        QStringLiteral("'already quoted"),
        QStringLiteral(" =leading space is harmless"),
        QString::fromUtf8("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"),
        QString(10'000, QLatin1Char('x')) + QStringLiteral("\",\n") + QString(10'000, QLatin1Char('y')),
        QString(),
    };
}

QList<ProvisioningRecord> hostileRecords()
{
    QList<ProvisioningRecord> records;
    const QStringList hostile = hostileStrings();
    for (int i = 0; i < hostile.size(); ++i) {
        ProvisioningRecord r = recordtest::makeRecord(
            i, 1'700'000'000'000 + i * 1001, RecordOutcome::Failed, hostile[i]);
        r.start.station = hostile[(i + 1) % hostile.size()];
        r.start.operatorName = hostile[(i + 2) % hostile.size()];
        r.start.address = hostile[(i + 3) % hostile.size()];
        r.device.firmwareVersion = hostile[(i + 4) % hostile.size()];
        r.device.protoVerJson = hostile[(i + 5) % hostile.size()];
        r.end.failureDetail = hostile[(i + 6) % hostile.size()];
        // Custom endpoint names come from the firmware: the summary cell starts with one.
        r.customCalls = { { hostile[(i + 7) % hostile.size()], 1, 1, false, {}, {}, 0 } };
        r.start.batchId = hostile[(i + 8) % hostile.size()];
        r.start.profileId = hostile[(i + 9) % hostile.size()];
        r.start.profileVersion = hostile[(i + 10) % hostile.size()];
        r.start.lane = i % 3 - 1; // -1 (none), 0, 1
        r.start.attemptNumber = 1 + i % 4;
        // SSIDs are raw bytes (§9.2): not UTF-8 in general. The workflow decodes them with fromUtf8.
        r.end.ssid = i % 2 ? QString::fromUtf8(QByteArray("\xff\xfe-net\x80", 7)) : hostile[i].left(32);
        records << r;
    }
    records.last().end.outcome = RecordOutcome::InProgress;
    records.last().end.finishedAtMs = 0;
    records.last().end.failureCode = 0;
    return records;
}

QString isoUtc(qint64 ms)
{
    return ms == 0 ? QString() : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

} // namespace

class TestRecordExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void csvRoundTripsHostileValues();
    void csvHasHeaderAndCrlf();
    void csvOfNothingIsTheHeader();
    void jsonMatchesRecords();
    void jsonOmitsPayloadsNotMarkedNonSecret();
    void refusesUnwritableDevice();
};

void TestRecordExport::csvRoundTripsHostileValues()
{
    const QList<ProvisioningRecord> records = hostileRecords();
    QBuffer buf;
    QVERIFY(buf.open(QIODevice::WriteOnly));
    QVERIFY(exportCsv(records, buf));
    const QByteArray bytes = buf.data();
    // Valid UTF-8 through and through.
    QCOMPARE(QString::fromUtf8(bytes).toUtf8(), bytes);

    QList<QStringList> rows;
    QVERIFY(parseCsv(QString::fromUtf8(bytes), &rows));
    QCOMPARE(rows.size(), records.size() + 1);
    const QStringList header = rows.takeFirst();
    for (const QStringList &row : std::as_const(rows))
        QCOMPARE(row.size(), header.size());

    auto col = [&](const char *name) {
        const qsizetype c = header.indexOf(QString::fromLatin1(name));
        if (c < 0)
            qWarning("no column %s", name);
        return c;
    };
    for (int i = 0; i < records.size(); ++i) {
        const ProvisioningRecord &r = records[i];
        const QStringList &row = rows[i];
        QCOMPARE(row[col("attempt_id")], r.start.attemptId);
        QCOMPARE(row[col("started_at_utc")], isoUtc(r.start.startedAtMs));
        QCOMPARE(row[col("finished_at_utc")], isoUtc(r.end.finishedAtMs));
        QCOMPARE(row[col("service_name")], defended(r.start.serviceName));
        QCOMPARE(row[col("station")], defended(r.start.station));
        QCOMPARE(row[col("operator")], defended(r.start.operatorName));
        QCOMPARE(row[col("address")], defended(r.start.address));
        QCOMPARE(row[col("firmware_version")], defended(r.device.firmwareVersion));
        QCOMPARE(row[col("proto_ver_json")], defended(r.device.protoVerJson));
        QCOMPARE(row[col("failure_detail")], defended(r.end.failureDetail));
        QCOMPARE(row[col("ssid")], defended(r.end.ssid));
        QCOMPARE(row[col("outcome")], recordOutcomeName(r.end.outcome));
        QCOMPARE(
            row[col("failure_code")], r.end.failureCode ? QString::number(r.end.failureCode) : QString());
        QCOMPARE(row[col("failure_name")],
            r.end.failureCode ? errorCodeName(ErrorCode(r.end.failureCode)) : QString());
        QCOMPARE(row[col("sec_ver")], QString::number(r.device.secVer));
        if (r.end.finishedAtMs)
            QCOMPARE(row[col("duration_ms")], QString::number(r.end.finishedAtMs - r.start.startedAtMs));
        QCOMPARE(row[col("phases")],
            QStringLiteral("connect=%1;handshake=%2")
                .arg(r.phases[0].durationMs)
                .arg(r.phases[1].durationMs));
        QCOMPARE(row[col("custom_calls")], defended(r.customCalls[0].endpoint + QStringLiteral(":1/1:ok")));
        QCOMPARE(row[col("batch_id")], defended(r.start.batchId));
        QCOMPARE(row[col("lane")], r.start.lane < 0 ? QString() : QString::number(r.start.lane));
        QCOMPARE(row[col("profile_id")], defended(r.start.profileId));
        QCOMPARE(row[col("profile_version")], defended(r.start.profileVersion));
        QCOMPARE(row[col("attempt_number")], QString::number(r.start.attemptNumber));
        // No cell a spreadsheet would evaluate.
        for (const QString &cell : row)
            QVERIFY2(!dangerousStart(cell), qPrintable(cell.left(40)));
    }
    // The formula cell really was defended (not dropped or altered otherwise).
    QCOMPARE(rows[0][col("service_name")], QStringLiteral("'=CMD|'/C calc'!A0"));
    QCOMPARE(rows[1][col("service_name")], QStringLiteral("'+1"));
}

void TestRecordExport::csvHasHeaderAndCrlf()
{
    QBuffer buf;
    QVERIFY(buf.open(QIODevice::WriteOnly));
    QList<ProvisioningRecord> one = { recordtest::makeRecord(
        1, 1'700'000'000'123, RecordOutcome::Provisioned, QStringLiteral("PROV_1")) };
    QVERIFY(exportCsv(one, buf));
    const QList<QByteArray> lines = buf.data().split('\n');
    QCOMPARE(lines.size(), 3); // header, record, empty after the last CRLF
    QVERIFY(lines[0].startsWith("\"attempt_id\",\"started_at_utc\","));
    // Line mode's columns come last, so the earlier columns keep their positions.
    QVERIFY(lines[0].endsWith(
        "\"custom_calls\",\"batch_id\",\"lane\",\"profile_id\",\"profile_version\",\"attempt_number\"\r"));
    QVERIFY(lines[0].endsWith('\r'));
    QVERIFY(lines[1].endsWith('\r'));
    QVERIFY(lines[1].contains("\"2023-11-14T22:13:20.123Z\""));
    QVERIFY(lines[2].isEmpty());
}

void TestRecordExport::csvOfNothingIsTheHeader()
{
    QBuffer buf;
    QVERIFY(buf.open(QIODevice::WriteOnly));
    QVERIFY(exportCsv({}, buf));
    QList<QStringList> rows;
    QVERIFY(parseCsv(QString::fromUtf8(buf.data()), &rows));
    QCOMPARE(rows.size(), 1);
    QVERIFY(rows[0].contains(QStringLiteral("ssid")));
    QVERIFY(!rows[0].contains(QStringLiteral("passphrase")));
}

void TestRecordExport::jsonMatchesRecords()
{
    QList<ProvisioningRecord> records = hostileRecords();
    records[0].customCalls = { { QStringLiteral("custom-data"), 3, 2, true, QByteArray("\x00\x01\xff", 3),
        QByteArray("ok"), 0 } };
    QBuffer buf;
    QVERIFY(buf.open(QIODevice::WriteOnly));
    QVERIFY(exportJson(records, buf));
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(buf.data(), &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    QVERIFY(doc.isArray());
    const QJsonArray arr = doc.array();
    QCOMPARE(arr.size(), records.size());
    for (int i = 0; i < records.size(); ++i) {
        const ProvisioningRecord &r = records[i];
        const QJsonObject o = arr[i].toObject();
        QCOMPARE(o.value(u"attempt_id").toString(), r.start.attemptId);
        QCOMPARE(o.value(u"started_at_ms").toInteger(), r.start.startedAtMs);
        QCOMPARE(o.value(u"started_at_utc").toString(), isoUtc(r.start.startedAtMs));
        // JSON needs no formula defence: values are exact.
        QCOMPARE(o.value(u"service_name").toString(), r.start.serviceName);
        QCOMPARE(o.value(u"station").toString(), r.start.station);
        QCOMPARE(o.value(u"operator").toString(), r.start.operatorName);
        QCOMPARE(o.value(u"address").toString(), r.start.address);
        QCOMPARE(o.value(u"proto_ver_json").toString(), r.device.protoVerJson);
        QCOMPARE(o.value(u"firmware_version").toString(), r.device.firmwareVersion);
        QCOMPARE(o.value(u"sec_ver").toInt(), r.device.secVer);
        QCOMPARE(o.value(u"ssid").toString(), r.end.ssid);
        QCOMPARE(o.value(u"outcome").toString(), recordOutcomeName(r.end.outcome));
        QCOMPARE(o.value(u"failure_code").toInt(), r.end.failureCode);
        QCOMPARE(o.value(u"failure_detail").toString(), r.end.failureDetail);
        QVERIFY(o.value(u"batch_id").isString());
        QCOMPARE(o.value(u"batch_id").toString(), r.start.batchId);
        if (r.start.lane < 0)
            QVERIFY(o.value(u"lane").isNull());
        else
            QCOMPARE(o.value(u"lane").toInt(-1), r.start.lane);
        QCOMPARE(o.value(u"profile_id").toString(), r.start.profileId);
        QCOMPARE(o.value(u"profile_version").toString(), r.start.profileVersion);
        QCOMPARE(o.value(u"attempt_number").toInt(), r.start.attemptNumber);
        if (r.end.finishedAtMs) {
            QCOMPARE(o.value(u"finished_at_ms").toInteger(), r.end.finishedAtMs);
            QCOMPARE(o.value(u"duration_ms").toInteger(), r.end.finishedAtMs - r.start.startedAtMs);
        } else {
            QVERIFY(o.value(u"finished_at_ms").isNull());
            QVERIFY(o.value(u"duration_ms").isNull());
        }
        const QJsonArray phases = o.value(u"phases").toArray();
        QCOMPARE(phases.size(), r.phases.size());
        for (int p = 0; p < phases.size(); ++p) {
            QCOMPARE(phases[p].toObject().value(u"phase").toString(), r.phases[p].phase);
            QCOMPARE(phases[p].toObject().value(u"duration_ms").toInteger(), r.phases[p].durationMs);
        }
        QCOMPARE(o.value(u"custom_calls").toArray().size(), r.customCalls.size());
    }
    const QJsonObject call = arr[0].toObject().value(u"custom_calls").toArray()[0].toObject();
    QCOMPARE(call.value(u"endpoint").toString(), QStringLiteral("custom-data"));
    QCOMPARE(call.value(u"request_hex").toString(), QStringLiteral("0001ff"));
    QCOMPARE(call.value(u"response_hex").toString(), QStringLiteral("6f6b"));
    QCOMPARE(call.value(u"payload_recorded").toBool(), true);
}

void TestRecordExport::jsonOmitsPayloadsNotMarkedNonSecret()
{
    ProvisioningRecord r = recordtest::makeRecord(1, 1000, RecordOutcome::Provisioned, QStringLiteral("P"));
    const QByteArray secret = "wifi-passphrase-xyz";
    r.customCalls = { { QStringLiteral("custom-creds"), secret.size(), 2, false, secret, QByteArray("ok"),
        0 } };
    QBuffer json;
    QVERIFY(json.open(QIODevice::WriteOnly));
    QVERIFY(exportJson({ r }, json));
    QVERIFY(!json.data().contains(secret));
    QVERIFY(!json.data().contains(secret.toHex()));
    const QJsonObject call = QJsonDocument::fromJson(json.data())
                                 .array()[0]
                                 .toObject()
                                 .value(u"custom_calls")
                                 .toArray()[0]
                                 .toObject();
    QVERIFY(!call.contains(u"request_hex"));
    QCOMPARE(call.value(u"request_bytes").toInteger(), secret.size());
    QBuffer csv;
    QVERIFY(csv.open(QIODevice::WriteOnly));
    QVERIFY(exportCsv({ r }, csv));
    QVERIFY(!csv.data().contains(secret));
    QVERIFY(!csv.data().contains(secret.toHex()));
}

void TestRecordExport::refusesUnwritableDevice()
{
    QBuffer closed;
    const Status csv = exportCsv({}, closed);
    QVERIFY(!csv);
    QCOMPARE(csv.error().code, ErrorCode::StorageFailed);
    QBuffer readOnly;
    QVERIFY(readOnly.open(QIODevice::ReadOnly));
    const Status json = exportJson({}, readOnly);
    QVERIFY(!json);
    QCOMPARE(json.error().code, ErrorCode::StorageFailed);
}

QTEST_GUILESS_MAIN(TestRecordExport)
#include "tst_recordexport.moc"
