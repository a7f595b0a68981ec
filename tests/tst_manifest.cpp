// SPDX-License-Identifier: Apache-2.0
// prov::readManifest(): the JSON-lines device manifest (docs/provctl.md "Manifest format"): good
// lines become LineDevices, malformed ones are reported by line number (never with a secret) and
// skipped, and the size limits hold.
#include "prov/manifest.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace prov;

namespace {

/// A manifest line's `qr` value: the QR payload JSON as a JSON string.
QByteArray qrField(
    const QString &name, const QString &pop, const QString &transport = QStringLiteral("softap"))
{
    const QByteArray payload = QJsonDocument(
        QJsonObject { { QStringLiteral("ver"), QStringLiteral("v1") }, { QStringLiteral("name"), name },
            { QStringLiteral("username"), QStringLiteral("wifiprov") }, { QStringLiteral("pop"), pop },
            { QStringLiteral("transport"),
                transport } }).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(
        QJsonObject { { QStringLiteral("qr"), QString::fromUtf8(payload) } })
                                   .toJson(QJsonDocument::Compact);
    return wrapped.mid(6, wrapped.size() - 7); // the quoted string value
}

Manifest read(const QByteArray &text)
{
    QByteArray copy = text;
    QBuffer in(&copy);
    in.open(QIODevice::ReadOnly);
    return readManifest(in);
}

} // namespace

class TestManifest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsGoodLinesIntoLineDevices();
    void reportsMalformedLinesByNumberWithoutSecrets();
    void skipsOverlongLinesAndStopsAtItsLimits();
    void loadNamesTheFileThatCannotBeOpened();
};

void TestManifest::readsGoodLinesIntoLineDevices()
{
    QByteArray text;
    text
        += R"({"service_name":"PROV_A00001","transport":"softap","host":"127.0.0.1","port":40155,"sec_ver":2,"qr":)"
        + qrField(QStringLiteral("PROV_A00001"), QStringLiteral("pw-one")) + R"(,"faults":[]})" + "\n";
    text += "\n";
    text += R"({"service_name":"PROV_A00002","host":"10.0.0.7","fields":{"serial":"SN-2","lot":42}})"
            "\n";
    text += R"({"service_name":"PROV_B00003","transport":"ble","address":"24:0a:c4:00:00:03","rssi":-60})"
            "\n";
    text += R"({"service_name":"PROV_B00004","transport":"ble"})"
            "\n";
    text += R"({"ready":true,"devices":4})"
            "\n";
    const Manifest m = read(text);
    QVERIFY2(m.problems.isEmpty(), qPrintable(m.problems.join(u'\n')));
    QCOMPARE(m.entries.size(), 4);
    const QList<LineDevice> devices = m.devices();
    QCOMPARE(devices.size(), 4);

    QCOMPARE(m.entries.at(0).lineNumber, 1);
    QCOMPARE(devices.at(0).serviceName, QStringLiteral("PROV_A00001"));
    QCOMPARE(devices.at(0).transport, TransportKind::SoftAp);
    QCOMPARE(devices.at(0).address, QStringLiteral("127.0.0.1:40155"));
    QCOMPARE(devices.at(0).source, QStringLiteral("manifest"));
    QCOMPARE(devices.at(0).credentials.pop, QByteArray("pw-one"));
    QCOMPARE(devices.at(0).credentials.username, QByteArray("wifiprov"));
    QVERIFY(!devices.at(0).rssiDbm);
    QCOMPARE(m.entries.at(0).secVer, std::optional<int>(2));

    QCOMPARE(m.entries.at(1).lineNumber, 3);
    QCOMPARE(devices.at(1).address, QStringLiteral("10.0.0.7:80")); // port 80 when absent
    QCOMPARE(m.entries.at(1).port, quint16(0));
    QVERIFY(devices.at(1).credentials.isEmpty());
    QCOMPARE(devices.at(1).fields.value(QStringLiteral("serial")), QStringLiteral("SN-2"));
    QCOMPARE(devices.at(1).fields.value(QStringLiteral("lot")), QStringLiteral("42"));

    QCOMPARE(devices.at(2).transport, TransportKind::Ble);
    QCOMPARE(devices.at(2).address, QStringLiteral("24:0A:C4:00:00:03"));
    QCOMPARE(devices.at(2).key(), QStringLiteral("ble:PROV_B00003"));
    QVERIFY(devices.at(3).address.isEmpty()); // BLE without address: found by a scan later
}

void TestManifest::reportsMalformedLinesByNumberWithoutSecrets()
{
    const QByteArray secret = "top-secret-pop";
    QByteArray text;
    text += "this is not json\n"; // 1
    text += R"({"transport":"softap","host":"127.0.0.1"})"
            "\n"; // 2: no name
    text += R"({"service_name":"PROV_X","port":0})"
            "\n"; // 3
    text += R"({"service_name":"PROV_X","transport":"zigbee"})"
            "\n"; // 4
    text += R"({"service_name":"PROV_X","sec_ver":3})"
            "\n"; // 5
    text += R"({"service_name":"PROV_X","transport":"ble","address":"nope"})"
            "\n"; // 6
    text += R"({"service_name":"PROV_X","fields":{"a":[1]}})"
            "\n"; // 7
    text += R"({"service_name":"PROV_OTHER","qr":)"
        + qrField(QStringLiteral("PROV_X"), QString::fromUtf8(secret)) + "}\n"; // 8: kept, qr ignored
    text += R"({"service_name":"PROV_BADQR","qr":"{\"ver\":\"v1\",\"pop\":\"top-secret-pop\"}"})"
            "\n"; // 9: kept, qr ignored
    text += R"([1,2])"
            "\n"; // 10
    text += R"({"service_name":"PROV_THIRTY_THREE_BYTES_LONG_NAME_"})"
            "\n"; // 11
    const Manifest m = read(text);
    QCOMPARE(m.entries.size(), 2);
    QCOMPARE(m.entries.at(0).device.serviceName, QStringLiteral("PROV_OTHER"));
    QVERIFY(m.entries.at(0).device.credentials.isEmpty());
    QCOMPARE(m.entries.at(1).device.serviceName, QStringLiteral("PROV_BADQR"));
    QCOMPARE(m.problems.size(), 11);
    const QList<int> lines = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
    for (int i = 0; i < lines.size(); ++i)
        QVERIFY2(m.problems.at(i).startsWith(QStringLiteral("line %1:").arg(lines.at(i))),
            qPrintable(m.problems.at(i)));
    QVERIFY(m.problems.at(7).contains(QStringLiteral("another device")));
    for (const QString &p : m.problems)
        QVERIFY2(!p.contains(QString::fromUtf8(secret)), qPrintable(p));
}

void TestManifest::skipsOverlongLinesAndStopsAtItsLimits()
{
    QByteArray text;
    text += "{\"service_name\":\"PROV_LONG\",\"pad\":\"" + QByteArray(manifest::kMaxLineBytes, 'x') + "\"}\n";
    text += R"({"service_name":"PROV_AFTER","host":"127.0.0.1"})"
            "\n";
    Manifest m = read(text);
    QCOMPARE(m.entries.size(), 1);
    QCOMPARE(m.entries.at(0).lineNumber, 2);
    QCOMPARE(m.problems.size(), 1);
    QVERIFY(m.problems.at(0).startsWith(QStringLiteral("line 1: longer than")));

    // More lines than kMaxLines: the rest is not read, and that is said.
    QByteArray many;
    const QByteArray line = R"({"service_name":"PROV_M","host":"127.0.0.1"})"
                            "\n";
    for (int i = 0; i < manifest::kMaxLines + 5; ++i)
        many += line;
    m = read(many);
    QCOMPARE(m.entries.size(), manifest::kMaxLines);
    QCOMPARE(m.problems.size(), 1);
    QVERIFY(m.problems.constLast().contains(QStringLiteral("not read")));

    // More bytes than kMaxBytes: reading stops near the limit.
    QByteArray big;
    const QByteArray padded = R"({"service_name":"PROV_X","pad":")" + QByteArray(60000, 'x') + "\"}\n";
    while (big.size() < manifest::kMaxBytes + 10 * padded.size())
        big += padded;
    QBuffer in(&big);
    in.open(QIODevice::ReadOnly);
    m = readManifest(in);
    QVERIFY(m.problems.constLast().contains(QStringLiteral("not read")));
    QVERIFY(in.pos() <= manifest::kMaxBytes + manifest::kMaxLineBytes + 2);
}

void TestManifest::loadNamesTheFileThatCannotBeOpened()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("missing.jsonl"));
    const Result<Manifest> m = loadManifest(missing);
    QVERIFY(!m);
    QCOMPARE(m.error().code, ErrorCode::StorageFailed);
    QVERIFY(m.error().detail.contains(missing));
}

QTEST_GUILESS_MAIN(TestManifest)
#include "tst_manifest.moc"
