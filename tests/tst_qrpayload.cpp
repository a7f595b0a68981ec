// SPDX-License-Identifier: Apache-2.0
// QR payload (§11): the firmware examples parse and print back byte for byte; bad payloads are
// refused with a detail naming the field; secrets never show in describeMasked().
#include "prov/qrpayload.h"

#include <QTest>

using namespace prov;

namespace {

QrPayload parsed(const QByteArray &json)
{
    const auto result = parseQrPayload(json);
    if (!result) {
        qWarning("parse failed: %s", qPrintable(result.error().toString()));
        return {};
    }
    return result.value();
}

bool samePayload(const QrPayload &a, const QrPayload &b)
{
    return a.ver == b.ver && a.name == b.name && a.transport == b.transport && a.pop == b.pop
        && a.username == b.username && a.security == b.security && a.password == b.password
        && a.network == b.network;
}

} // namespace

class TestQrPayload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firmwareExamplesRoundTripByteForByte_data();
    void firmwareExamplesRoundTripByteForByte();
    void readsSecurity2Fields();
    void transportIsCaseInsensitive();
    void acceptsOptionalPhoneLibraryKeys();
    void ignoresUnknownKeys();
    void toJsonOmitsEmptyFieldsInExampleOrder();
    void toJsonEscapesStrings();
    void rejectsInvalidPayloads_data();
    void rejectsInvalidPayloads();
    void describeMaskedHidesSecrets();
};

void TestQrPayload::firmwareExamplesRoundTripByteForByte_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("sec1 with pop") << QByteArray(
        R"({"ver":"v1","name":"PROV_XXXXXX","pop":"abcd1234","transport":"ble"})");
    QTest::newRow("sec2 dev mode") << QByteArray(
        R"({"ver":"v1","name":"PROV_XXXXXX","username":"wifiprov","pop":"abcd1234","transport":"ble"})");
    QTest::newRow("no credentials, network")
        << QByteArray(R"({"ver":"v1","name":"PROV_XXXXXX","transport":"softap","network":"wifi"})");
    QTest::newRow("no pop (thread example)")
        << QByteArray(R"({"ver":"v1","name":"PROV_XXXXXX","transport":"ble"})");
}

void TestQrPayload::firmwareExamplesRoundTripByteForByte()
{
    QFETCH(QByteArray, json);
    const auto result = parseQrPayload(json);
    QVERIFY2(result, result ? "" : qPrintable(result.error().toString()));
    QCOMPARE(result->ver, QStringLiteral("v1"));
    QCOMPARE(result->name, QStringLiteral("PROV_XXXXXX"));
    QCOMPARE(toJson(*result), json);
    QVERIFY(samePayload(parsed(toJson(*result)), *result));
}

void TestQrPayload::readsSecurity2Fields()
{
    const QrPayload p = parsed(
        R"({"ver":"v1","name":"PROV_XXXXXX","username":"wifiprov","pop":"abcd1234","transport":"ble"})");
    QCOMPARE(p.transport, QStringLiteral("ble"));
    QCOMPARE(p.username, QStringLiteral("wifiprov"));
    QCOMPARE(p.pop, QStringLiteral("abcd1234")); // the Security 2 password travels in "pop" (§11)
    QVERIFY(!p.security);
    QVERIFY(p.network.isEmpty());
    const QrPayload softap = parsed(
        R"({"ver":"v1","name":"PROV_XXXXXX","transport":"softap","network":"wifi"})");
    QCOMPARE(softap.transport, QStringLiteral("softap"));
    QCOMPARE(softap.network, QStringLiteral("wifi"));
    QVERIFY(softap.pop.isEmpty());
}

void TestQrPayload::transportIsCaseInsensitive()
{
    QCOMPARE(parsed(R"({"name":"n","transport":"BLE"})").transport, QStringLiteral("ble"));
    QCOMPARE(parsed(R"({"name":"n","transport":"SoftAP"})").transport, QStringLiteral("softap"));
    QCOMPARE(
        parsed(R"({"name":"n","transport":"softAP","network":"Thread"})").network, QStringLiteral("thread"));
}

void TestQrPayload::acceptsOptionalPhoneLibraryKeys()
{
    const QrPayload p = parsed(
        R"({"ver":"v1","name":"PROV_1","transport":"softap","security":1,"password":"apsecret","pop":"p"})");
    QCOMPARE(p.security, std::optional<int>(1));
    QCOMPARE(p.password, QStringLiteral("apsecret"));
    // Android's optInt also reads a numeric string.
    QCOMPARE(parsed(R"({"name":"n","transport":"ble","security":"2"})").security, std::optional<int>(2));
    QCOMPARE(parsed(R"({"name":"n","transport":"ble","security":0})").security, std::optional<int>(0));
    // Without "ver" nothing is invented.
    QVERIFY(parsed(R"({"name":"n","transport":"ble"})").ver.isEmpty());
    QCOMPARE(
        toJson(parsed(R"({"name":"n","transport":"ble"})")), QByteArray(R"({"name":"n","transport":"ble"})"));
}

void TestQrPayload::ignoresUnknownKeys()
{
    const auto result = parseQrPayload(R"({"name":"n","transport":"ble","future":{"x":[1]},"n2":5})");
    QVERIFY(result);
    QCOMPARE(toJson(*result), QByteArray(R"({"name":"n","transport":"ble"})"));
}

void TestQrPayload::toJsonOmitsEmptyFieldsInExampleOrder()
{
    QrPayload p;
    p.name = QStringLiteral("PROV_1A2B3C");
    p.transport = QStringLiteral("softap");
    p.pop = QStringLiteral("pop");
    p.username = QStringLiteral("user");
    p.security = 2;
    p.password = QStringLiteral("appass");
    p.network = QStringLiteral("wifi");
    const QByteArray expected = R"({"ver":"v1","name":"PROV_1A2B3C","username":"user","pop":"pop",)"
                                R"("transport":"softap","security":2,"password":"appass","network":"wifi"})";
    QCOMPARE(toJson(p), expected);
    QVERIFY(samePayload(parsed(expected), p));
}

void TestQrPayload::toJsonEscapesStrings()
{
    QrPayload p;
    p.name = QStringLiteral("a\"b\\c\u00e9");
    p.transport = QStringLiteral("ble");
    p.pop = QStringLiteral("x\ny");
    const QByteArray json = toJson(p);
    QCOMPARE(json,
        QByteArray("{\"ver\":\"v1\",\"name\":\"a\\\"b\\\\c\xc3\xa9\",\"pop\":\"x\\u000ay\","
                   "\"transport\":\"ble\"}"));
    QVERIFY(samePayload(parsed(json), p));
}

void TestQrPayload::rejectsInvalidPayloads_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field");
    auto row = [](const char *name, const char *json, const char *field) {
        QTest::newRow(name) << QByteArray(json) << QString::fromLatin1(field);
    };
    row("not json", "PROV_XXXXXX", "JSON object");
    row("empty", "", "JSON object");
    row("array", R"(["name"])", "JSON object");
    row("truncated", R"({"name":"n","transport":"ble")", "JSON object");
    row("name missing", R"({"transport":"ble"})", "\"name\"");
    row("name empty", R"({"name":"","transport":"ble"})", "\"name\"");
    row("name not string", R"({"name":42,"transport":"ble"})", "\"name\"");
    row("name too long", R"({"name":"123456789012345678901234567890123","transport":"ble"})", "\"name\"");
    row("transport missing", R"({"name":"n"})", "\"transport\"");
    row("transport unknown", R"({"name":"n","transport":"wifi"})", "\"transport\"");
    row("transport not string", R"({"name":"n","transport":1})", "\"transport\"");
    row("security 3", R"({"name":"n","transport":"ble","security":3})", "\"security\"");
    row("security -1", R"({"name":"n","transport":"ble","security":-1})", "\"security\"");
    row("security fraction", R"({"name":"n","transport":"ble","security":1.5})", "\"security\"");
    row("security word", R"({"name":"n","transport":"ble","security":"two"})", "\"security\"");
    row("security bool", R"({"name":"n","transport":"ble","security":true})", "\"security\"");
    row("pop not string", R"({"name":"n","transport":"ble","pop":1234})", "\"pop\"");
    row("username not string", R"({"name":"n","transport":"ble","username":null})", "\"username\"");
    row("password not string", R"({"name":"n","transport":"ble","password":[]})", "\"password\"");
    row("ver not string", R"({"ver":1,"name":"n","transport":"ble"})", "\"ver\"");
    row("network unknown", R"({"name":"n","transport":"ble","network":"zigbee"})", "\"network\"");
    row("network not string", R"({"name":"n","transport":"ble","network":{}})", "\"network\"");
}

void TestQrPayload::rejectsInvalidPayloads()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    const auto result = parseQrPayload(json);
    QVERIFY(!result);
    QCOMPARE(result.error().code, ErrorCode::MalformedMessage);
    QVERIFY2(result.error().detail.contains(field), qPrintable(result.error().detail));
}

void TestQrPayload::describeMaskedHidesSecrets()
{
    const QrPayload p = parsed(R"({"ver":"v1","name":"PROV_1","username":"wifiprov","pop":"s3cr3tPoP",)"
                               R"("transport":"ble","security":2,"password":"ApPassw0rd","network":"wifi"})");
    const QString line = p.describeMasked();
    QVERIFY2(!line.contains(QStringLiteral("s3cr3tPoP")), qPrintable(line));
    QVERIFY2(!line.contains(QStringLiteral("ApPassw0rd")), qPrintable(line));
    QCOMPARE(line,
        QStringLiteral("name=PROV_1 transport=ble pop=*** username=wifiprov security=2 password=*** "
                       "network=wifi"));
    const QrPayload noSecrets = parsed(R"({"name":"PROV_1","transport":"softap"})");
    QCOMPARE(noSecrets.describeMasked(), QStringLiteral("name=PROV_1 transport=softap"));
}

QTEST_APPLESS_MAIN(TestQrPayload)
#include "tst_qrpayload.moc"
