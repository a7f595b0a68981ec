// SPDX-License-Identifier: Apache-2.0
// proto-ver: parsing per §2.2/§2.3 and cJSON-exact printing against shared/vectors.
#include "prov/protover.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace prov;

namespace {

QJsonObject loadVector(const QString &file)
{
    QFile f(QStringLiteral(PROV_VECTORS_DIR "/") + file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QByteArray protoVerResponse(const QJsonObject &vector)
{
    for (const QJsonValue &v : vector.value(QStringLiteral("exchanges")).toArray()) {
        const QJsonObject e = v.toObject();
        if (e.value(QStringLiteral("endpoint")).toString() == QLatin1String("proto-ver"))
            return QByteArray::fromHex(e.value(QStringLiteral("response_hex")).toString().toLatin1());
    }
    return {};
}

ProtoVersion parsed(const QByteArray &body)
{
    const auto result = parseProtoVersion(body);
    if (!result) {
        qWarning("parse failed: %s", qPrintable(result.error().toString()));
        return {};
    }
    return result.value();
}

} // namespace

class TestProtoVer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vectorResponsesParse_data();
    void vectorResponsesParse();
    void buildReproducesVectorsByteForByte_data();
    void buildReproducesVectorsByteForByte();
    void buildPrintsAppsFirstThenProv();
    void buildOmitsPatchVersionForOldFirmware();
    void buildEscapesStringsLikeCjson();
    void parsesLegacyPlainString();
    void stripsTrailingNulsAndWhitespace();
    void acceptsNumericStrings();
    void readsAppsBesideProvInDocumentOrder();
    void acceptsJsonWithoutProv();
    void securityFallsBackToCapabilitiesWhenSecVerMissing();
    void secVerWinsOverNoSec();
    void noPopAndCapabilityHelpers();
    void rejectsMalformed_data();
    void rejectsMalformed();
};

void TestProtoVer::vectorResponsesParse_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("secVer");
    QTest::addColumn<int>("patch");
    QTest::addColumn<QStringList>("caps");
    QTest::newRow("sec0") << QStringLiteral("sec0.json") << 0 << 0 << QStringList { "no_sec", "wifi_scan" };
    QTest::newRow("sec1") << QStringLiteral("sec1.json") << 1 << 0 << QStringList { "wifi_scan" };
    QTest::newRow("sec2") << QStringLiteral("sec2.json") << 2 << 1 << QStringList { "wifi_scan" };
}

void TestProtoVer::vectorResponsesParse()
{
    QFETCH(QString, file);
    QFETCH(int, secVer);
    QFETCH(int, patch);
    QFETCH(QStringList, caps);
    const QJsonObject vector = loadVector(file);
    const QByteArray body = protoVerResponse(vector);
    QVERIFY2(!body.isEmpty(), qPrintable(file));
    const auto result = parseProtoVersion(body);
    QVERIFY(result);
    QVERIFY(result->isJson);
    QCOMPARE(result->raw, body);
    QCOMPARE(result->provVersion, QStringLiteral("v1.1"));
    QCOMPARE(result->secVer, std::optional<int>(secVer));
    QCOMPARE(result->secPatchVer, std::optional<int>(patch));
    QCOMPARE(result->capabilities, caps);
    QVERIFY(result->apps.isEmpty());
    QCOMPARE(result->recommendedSecurity(), secVer);
    QCOMPARE(result->recommendedSecurity(), vector.value(QStringLiteral("security_version")).toInt());
    QCOMPARE(result->recommendedSec2Patch(), patch);
    QVERIFY(result->canScanWifi());
}

void TestProtoVer::buildReproducesVectorsByteForByte_data()
{
    vectorResponsesParse_data();
}

void TestProtoVer::buildReproducesVectorsByteForByte()
{
    QFETCH(QString, file);
    QFETCH(int, secVer);
    QFETCH(int, patch);
    QFETCH(QStringList, caps);
    ProtoVersionSpec spec;
    spec.provVersion = QStringLiteral("v1.1");
    spec.secVer = secVer;
    spec.secPatchVer = patch;
    spec.capabilities = caps;
    QCOMPARE(buildProtoVersion(spec), protoVerResponse(loadVector(file)));
}

void TestProtoVer::buildPrintsAppsFirstThenProv()
{
    ProtoVersionSpec spec;
    spec.capabilities = { QStringLiteral("wifi_prov"), QStringLiteral("wifi_scan") };
    spec.apps = { AppInfo { QStringLiteral("rmaker"), QStringLiteral("1.0"), { QStringLiteral("claim") } },
        AppInfo { QStringLiteral("custom"), QStringLiteral("2"), {} } };
    const QByteArray expected = "{\n"
                                "\t\"rmaker\":\t{\n"
                                "\t\t\"ver\":\t\"1.0\",\n"
                                "\t\t\"cap\":\t[\"claim\"]\n"
                                "\t},\n"
                                "\t\"custom\":\t{\n"
                                "\t\t\"ver\":\t\"2\",\n"
                                "\t\t\"cap\":\t[]\n"
                                "\t},\n"
                                "\t\"prov\":\t{\n"
                                "\t\t\"ver\":\t\"v1.1\",\n"
                                "\t\t\"sec_ver\":\t2,\n"
                                "\t\t\"sec_patch_ver\":\t1,\n"
                                "\t\t\"cap\":\t[\"wifi_prov\", \"wifi_scan\"]\n"
                                "\t}\n"
                                "}";
    QCOMPARE(buildProtoVersion(spec), expected);
}

void TestProtoVer::buildOmitsPatchVersionForOldFirmware()
{
    ProtoVersionSpec spec;
    spec.secVer = 1;
    spec.secPatchVer = std::nullopt;
    spec.capabilities = { QStringLiteral("no_pop"), QStringLiteral("wifi_scan") };
    const QByteArray expected = "{\n\t\"prov\":\t{\n\t\t\"ver\":\t\"v1.1\",\n\t\t\"sec_ver\":\t1,\n"
                                "\t\t\"cap\":\t[\"no_pop\", \"wifi_scan\"]\n\t}\n}";
    QCOMPARE(buildProtoVersion(spec), expected);
    const ProtoVersion pv = parsed(expected);
    QVERIFY(!pv.secPatchVer);
    QCOMPARE(pv.recommendedSec2Patch(), 0);
    QVERIFY(pv.noPop());
}

void TestProtoVer::buildEscapesStringsLikeCjson()
{
    ProtoVersionSpec spec;
    spec.provVersion = QStringLiteral("a\"b\\c/d\te\nf\x01g\u00e9");
    spec.capabilities = { QStringLiteral("x\ry") };
    const QByteArray out = buildProtoVersion(spec);
    // cJSON: \" \\ \t \n \r escaped, other control bytes as lower-case \u00xx, '/' and UTF-8 verbatim.
    QVERIFY2(out.contains("\"ver\":\t\"a\\\"b\\\\c/d\\te\\nf\\u0001g\xc3\xa9\""), out.constData());
    QVERIFY(out.contains("[\"x\\ry\"]"));
    const ProtoVersion pv = parsed(out);
    QCOMPARE(pv.provVersion, spec.provVersion);
    QCOMPARE(pv.capabilities, spec.capabilities);
}

void TestProtoVer::parsesLegacyPlainString()
{
    const auto result = parseProtoVersion("V0.1");
    QVERIFY(result);
    QVERIFY(!result->isJson);
    QCOMPARE(result->provVersion, QStringLiteral("V0.1"));
    QCOMPARE(result->raw, QByteArray("V0.1"));
    QVERIFY(!result->secVer);
    QVERIFY(result->capabilities.isEmpty());
    QCOMPARE(result->recommendedSecurity(), 1); // §2.3: legacy means Security 1
    QCOMPARE(result->recommendedSec2Patch(), 0);
    QVERIFY(!result->canScanWifi());
    // A bare number is a legacy string too, not a JSON document.
    QCOMPARE(parsed("1.0").provVersion, QStringLiteral("1.0"));
    QVERIFY(!parsed("1.0").isJson);
}

void TestProtoVer::stripsTrailingNulsAndWhitespace()
{
    const QByteArray json = "{\"prov\":{\"ver\":\"v1.1\",\"sec_ver\":2,\"cap\":[\"wifi_scan\"]}}";
    const ProtoVersion pv = parsed(json + QByteArray("\r\n\0\0 \0", 6));
    QVERIFY(pv.isJson);
    QCOMPARE(pv.raw, json);
    QCOMPARE(pv.secVer, std::optional<int>(2));
    const ProtoVersion legacy = parsed(QByteArray("V0.1\0\n", 6));
    QCOMPARE(legacy.provVersion, QStringLiteral("V0.1"));
    QCOMPARE(legacy.raw, QByteArray("V0.1"));
}

void TestProtoVer::acceptsNumericStrings()
{
    // §2.3: third-party firmware sends "sec_patch_ver": "0".
    const ProtoVersion pv = parsed(R"({"prov":{"ver":"v1.1","sec_ver":"2","sec_patch_ver":"1","cap":[]}})");
    QCOMPARE(pv.secVer, std::optional<int>(2));
    QCOMPARE(pv.secPatchVer, std::optional<int>(1));
    QCOMPARE(pv.recommendedSecurity(), 2);
    QCOMPARE(pv.recommendedSec2Patch(), 1);
    QCOMPARE(parsed(R"({"prov":{"sec_ver":" 0 ","sec_patch_ver":"0"}})").secVer, std::optional<int>(0));
    QCOMPARE(parsed(R"({"prov":{"sec_ver":1.0}})").secVer, std::optional<int>(1));
}

void TestProtoVer::readsAppsBesideProvInDocumentOrder()
{
    // RainMaker-style firmware: the app's own object beside "prov" (§2.2). Keys deliberately not
    // alphabetical, one with an escape, to prove document order is kept.
    const QByteArray body = R"({
        "zeta": {"ver": "3.1", "cap": ["a", "b"]},
        "rmaker": {"ver": "1.0", "cap": ["claim", "wifi_scan_ext"], "extra": {"nested": [1, {"x": "}"}]}},
        "prov": {"ver": "v1.1", "sec_ver": 1, "cap": ["wifi_scan"]},
        "not_an_app": "string values are not apps",
        "q\"uote": {"ver": "0"}
    })";
    const ProtoVersion pv = parsed(body);
    QCOMPARE(pv.apps.size(), 3);
    QCOMPARE(pv.apps[0].label, QStringLiteral("zeta"));
    QCOMPARE(pv.apps[0].version, QStringLiteral("3.1"));
    QCOMPARE(pv.apps[0].capabilities, (QStringList { "a", "b" }));
    QCOMPARE(pv.apps[1].label, QStringLiteral("rmaker"));
    QCOMPARE(pv.apps[1].capabilities, (QStringList { "claim", "wifi_scan_ext" }));
    QCOMPARE(pv.apps[2].label, QStringLiteral("q\"uote"));
    QVERIFY(pv.apps[2].capabilities.isEmpty());
    // App capabilities never leak into prov's.
    QCOMPARE(pv.capabilities, QStringList { "wifi_scan" });
    QCOMPARE(pv.recommendedSecurity(), 1);

    // And the device role round-trips them.
    ProtoVersionSpec spec;
    spec.apps = pv.apps;
    const ProtoVersion again = parsed(buildProtoVersion(spec));
    QCOMPARE(again.apps.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(again.apps[i].label, pv.apps[i].label);
        QCOMPARE(again.apps[i].version, pv.apps[i].version);
        QCOMPARE(again.apps[i].capabilities, pv.apps[i].capabilities);
    }
}

void TestProtoVer::acceptsJsonWithoutProv()
{
    const ProtoVersion pv = parsed(R"({"rmaker":{"ver":"1.0","cap":[]}})");
    QVERIFY(pv.isJson);
    QVERIFY(pv.provVersion.isEmpty());
    QVERIFY(!pv.secVer);
    QCOMPARE(pv.apps.size(), 1);
    QCOMPARE(pv.recommendedSecurity(), 1);
    QCOMPARE(parsed("{}").recommendedSecurity(), 1);
}

void TestProtoVer::securityFallsBackToCapabilitiesWhenSecVerMissing()
{
    // §2.3 "JSON, sec_ver missing": 0 if no_sec, else 1 (v1.0 managers have no sec_ver).
    QCOMPARE(parsed(R"({"prov":{"ver":"v1.0","cap":["no_sec"]}})").recommendedSecurity(), 0);
    QCOMPARE(parsed(R"({"prov":{"ver":"v1.0","cap":["no_pop"]}})").recommendedSecurity(), 1);
    QCOMPARE(parsed(R"({"prov":{"ver":"v1.0","cap":[]}})").recommendedSecurity(), 1);
    QCOMPARE(parsed(R"({"prov":{"ver":"v1.0"}})").recommendedSecurity(), 1);
    QCOMPARE(parsed(R"({"prov":{"ver":"v1.0","sec_ver":null}})").recommendedSecurity(), 1);
}

void TestProtoVer::secVerWinsOverNoSec()
{
    // Unlike esp_prov (§13 item 7), sec_ver is trusted when present.
    QCOMPARE(parsed(R"({"prov":{"sec_ver":2,"cap":["no_sec"]}})").recommendedSecurity(), 2);
    QCOMPARE(parsed(R"({"prov":{"sec_ver":0,"cap":[]}})").recommendedSecurity(), 0);
    // Unknown future schemes are passed on; the caller refuses them (VersionMismatch).
    QCOMPARE(parsed(R"({"prov":{"sec_ver":3,"sec_patch_ver":7}})").recommendedSecurity(), 3);
    QCOMPARE(parsed(R"({"prov":{"sec_ver":3,"sec_patch_ver":7}})").recommendedSec2Patch(), 7);
}

void TestProtoVer::noPopAndCapabilityHelpers()
{
    const ProtoVersion pv = parsed(
        R"({"prov":{"ver":"netprov-v1.2","sec_ver":1,"cap":["no_pop","thread_prov","thread_scan"]}})");
    QVERIFY(pv.noPop());
    QVERIFY(pv.isThread());
    QVERIFY(!pv.canScanWifi());
    QVERIFY(pv.hasCapability(QStringLiteral("thread_scan")));
    QCOMPARE(pv.provVersion, QStringLiteral("netprov-v1.2"));
    // Non-string capability entries are skipped, not fatal.
    QCOMPARE(
        parsed(R"({"prov":{"cap":["wifi_scan",5,null,{"a":1}]}})").capabilities, QStringList { "wifi_scan" });
}

void TestProtoVer::rejectsMalformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("only NULs") << QByteArray(4, '\0');
    QTest::newRow("only whitespace") << QByteArray(" \n\t ");
    QTest::newRow("truncated object") << QByteArray("{\"prov\":{\"ver\":\"v1.1\"");
    QTest::newRow("junk after brace") << QByteArray("{junk}");
    QTest::newRow("trailing garbage") << QByteArray("{} x");
    QTest::newRow("array") << QByteArray("[\"prov\"]");
    QTest::newRow("sec_ver word") << QByteArray(R"({"prov":{"sec_ver":"two"}})");
    QTest::newRow("sec_ver fraction") << QByteArray(R"({"prov":{"sec_ver":1.5}})");
    QTest::newRow("sec_ver negative") << QByteArray(R"({"prov":{"sec_ver":-1}})");
    QTest::newRow("sec_ver bool") << QByteArray(R"({"prov":{"sec_ver":true}})");
    QTest::newRow("sec_ver object") << QByteArray(R"({"prov":{"sec_ver":{}}})");
    QTest::newRow("sec_patch_ver word") << QByteArray(R"({"prov":{"sec_ver":2,"sec_patch_ver":"one"}})");
    QTest::newRow("sec_patch_ver huge") << QByteArray(R"({"prov":{"sec_patch_ver":1e30}})");
}

void TestProtoVer::rejectsMalformed()
{
    QFETCH(QByteArray, body);
    const auto result = parseProtoVersion(body);
    QVERIFY(!result);
    QCOMPARE(result.error().code, ErrorCode::MalformedMessage);
    QVERIFY(result.error().detail.startsWith(QStringLiteral("proto-ver")));
}

QTEST_APPLESS_MAIN(TestProtoVer)
#include "tst_protover.moc"
