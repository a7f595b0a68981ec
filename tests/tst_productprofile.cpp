// SPDX-License-Identifier: Apache-2.0
// prov::ProductProfile: every field good and bad (the error names the field), secrets refused, round
// trip, matches() with its RSSI gate, placeholder expansion, and the two shipped example profiles.
#include "prov/productprofile.h"
#include "prov/wifi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace prov;

namespace {

/// JSON written with single quotes (moc does not read raw string literals), e.g. q("{'a': 1}").
QByteArray q(const char *json)
{
    return QByteArray(json).replace('\'', '"');
}

/// A valid profile that uses every field.
QJsonObject goodProfile()
{
    return QJsonDocument::fromJson(
        q("{ "
          "        'schema': 1, 'name': 'Test product', 'id': 'test-product_1.0', 'version': '1.2.3', "
          "        'match': {'service_name_prefix': 'PROV_', 'transports': ['ble', 'softap'], "
          "                  'ble_service_uuid': '021a9004-0382-4aea-bff4-6b3f1c5adfb4', 'min_rssi_dbm': "
          "-70}, "
          "        'security': {'min_sec_ver': 1, 'credentials_from': 'qr'}, "
          "        'firmware': {'app_version_regex': '^v1\\\\.'}, "
          "        'network': {'ssid': 'myssid', 'auth_mode': 'WPA2-PSK'}, "
          "        'custom_steps': [ "
          "            {'endpoint': 'custom-data', 'payload': 'sn=${field:serial};n=${counter}', 'expect': "
          "{'exact': 'SUCCESS'}, "
          "             'secret_payload': true}, "
          "            {'endpoint': 'raw', 'payload_hex': '00ff10', 'expect': {'regex': '^OK'}} "
          "        ], "
          "        'after_apply': 'accept_link_closed', "
          "        'retry': {'wifi_connect_timeout': {'retries': 2, 'reset_first': true}, 'timeout': "
          "{'retries': 0}}, "
          "        'lanes': {'ble': 2, 'softap': 16}, "
          "        'duplicates': 'refuse' "
          "    }"))
        .object();
}

/// Sets (or with an undefined value removes) the value at a '/'-separated path; numbers index arrays.
QJsonValue patched(const QJsonValue &node, QStringList path, const QJsonValue &value)
{
    if (path.isEmpty())
        return value;
    const QString head = path.takeFirst();
    if (node.isArray()) {
        QJsonArray a = node.toArray();
        const int i = head.toInt();
        a[i] = patched(a.at(i), path, value);
        return a;
    }
    QJsonObject o = node.toObject();
    if (path.isEmpty() && value.isUndefined())
        o.remove(head);
    else
        o[head] = patched(o.value(head), path, value);
    return o;
}

QByteArray withPatch(const QString &path, const QByteArray &valueJson)
{
    QJsonValue value = QJsonValue::Undefined;
    if (!valueJson.isEmpty())
        value = QJsonDocument::fromJson("[" + valueJson + "]").array().at(0);
    return QJsonDocument(patched(goodProfile(), path.split(QLatin1Char('/')), value).toObject()).toJson();
}

} // namespace

class TestProductProfile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goodProfileParses()
    {
        const Result<ProductProfile> r = ProductProfile::fromJson(QJsonDocument(goodProfile()).toJson());
        QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
        const ProductProfile &p = *r;
        QCOMPARE(p.name, QStringLiteral("Test product"));
        QCOMPARE(p.id, QStringLiteral("test-product_1.0"));
        QCOMPARE(p.version, QStringLiteral("1.2.3"));
        QCOMPARE(p.match.serviceNamePrefix, QStringLiteral("PROV_"));
        QCOMPARE(p.match.transports, (QList<TransportKind> { TransportKind::Ble, TransportKind::SoftAp }));
        QCOMPARE(p.match.bleServiceUuid, QStringLiteral("021a9004-0382-4aea-bff4-6b3f1c5adfb4"));
        QCOMPARE(p.match.minRssiDbm, -70);
        QCOMPARE(p.security.minSecVer, 1);
        QCOMPARE(p.security.credentialsFrom, ProductProfile::CredentialsSource::Qr);
        QCOMPARE(p.firmware.appVersionRegex, QStringLiteral("^v1\\."));
        QCOMPARE(p.network.ssid, QStringLiteral("myssid"));
        QCOMPARE(p.network.authMode, int(AuthMode::WPA2_PSK));
        QCOMPARE(p.customSteps.size(), 2);
        QCOMPARE(p.customSteps[0].endpoint, QStringLiteral("custom-data"));
        QCOMPARE(p.customSteps[0].expectKind, ProductProfile::ExpectKind::Exact);
        QCOMPARE(p.customSteps[0].expectValue, QStringLiteral("SUCCESS"));
        QVERIFY(p.customSteps[0].secretPayload);
        QVERIFY(p.customSteps[1].payloadIsHex);
        QCOMPARE(p.customSteps[1].payloadBytes, QByteArray("\x00\xff\x10", 3));
        QCOMPARE(p.customSteps[1].expectKind, ProductProfile::ExpectKind::Regex);
        QVERIFY(!p.customSteps[1].secretPayload);
        QCOMPARE(p.afterApply, ProductProfile::AfterApply::AcceptLinkClosed);
        QCOMPARE(p.afterApplyLinkClosed(), AfterApplyLinkClosed::Report);
        QCOMPARE(p.retry.size(), 2);
        QCOMPARE(p.retry.value(ErrorCode::WifiConnectTimeout).retries, 2);
        QVERIFY(p.retry.value(ErrorCode::WifiConnectTimeout).resetFirst);
        QCOMPARE(p.retry.value(ErrorCode::Timeout).retries, 0);
        QCOMPARE(p.lanes.ble, 2);
        QCOMPARE(p.lanes.softap, 16);
        QCOMPARE(p.duplicates, ProductProfile::DuplicatePolicy::Refuse);
        QVERIFY(p.firmwareMatches(QStringLiteral("v1.4")));
        QVERIFY(!p.firmwareMatches(QStringLiteral("v2.0")));
    }

    void defaults()
    {
        const QByteArray json = q(
            "{'schema': 1, 'name': 'n', 'id': 'i', 'version': '1', "
            "            'match': {'service_name_regex': 'PROV_[0-9]+', 'transports': ['softap']}, "
            "            'security': {'min_sec_ver': 2, 'credentials_from': 'prompt'}, "
            "            'network': {'ssid': 's', 'auth_mode': 'Open'}}");
        const Result<ProductProfile> r = ProductProfile::fromJson(json);
        QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->match.minRssiDbm, -65);
        QCOMPARE(r->lanes.ble, 4);
        QCOMPARE(r->lanes.softap, 4);
        QVERIFY(r->customSteps.isEmpty());
        QVERIFY(r->retry.isEmpty());
        QVERIFY(r->firmware.appVersionRegex.isEmpty());
        QVERIFY(r->firmwareMatches(QStringLiteral("anything")));
        QCOMPARE(r->afterApplyLinkClosed(), AfterApplyLinkClosed::Confirm);
        QCOMPARE(r->duplicates, ProductProfile::DuplicatePolicy::Warn);
    }

    void goodVariants_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("transport alias case") << "match/transports" << QByteArray(q("['BLE']"));
        QTest::newRow("rssi -127") << "match/min_rssi_dbm" << QByteArray("-127");
        QTest::newRow("rssi 0") << "match/min_rssi_dbm" << QByteArray("0");
        QTest::newRow("no uuid") << "match/ble_service_uuid" << QByteArray();
        QTest::newRow("braced uuid") << "match/ble_service_uuid"
                                     << QByteArray(q("'{021A9004-0382-4AEA-BFF4-6B3F1C5ADFB4}'"));
        QTest::newRow("sec 0") << "security/min_sec_ver" << QByteArray("0");
        QTest::newRow("manifest") << "security/credentials_from" << QByteArray(q("'manifest'"));
        QTest::newRow("no firmware") << "firmware" << QByteArray();
        QTest::newRow("ssid 32 bytes")
            << "network/ssid" << QByteArray(q("'abcdefghijklmnopqrstuvwxyz012345'"));
        QTest::newRow("auth wire name") << "network/auth_mode" << QByteArray(q("'WPA2_WPA3_PSK'"));
        QTest::newRow("empty payload") << "custom_steps/0/payload" << QByteArray(q("''"));
        QTest::newRow("all placeholders")
            << "custom_steps/0/payload"
            << QByteArray(q("'${service_name}${station}${operator}${counter}${batch}${field:a.b-c_d}'"));
        QTest::newRow("no expect") << "custom_steps/0/expect" << QByteArray();
        QTest::newRow("expect prefix") << "custom_steps/0/expect" << QByteArray(q("{'prefix': 'OK'}"));
        QTest::newRow("no steps") << "custom_steps" << QByteArray("[]");
        QTest::newRow("wait_connected") << "after_apply" << QByteArray(q("'wait_connected'"));
        QTest::newRow("no after_apply") << "after_apply" << QByteArray();
        QTest::newRow("retries 10") << "retry/timeout/retries" << QByteArray("10");
        QTest::newRow("no retry") << "retry" << QByteArray();
        QTest::newRow("lanes ble 8") << "lanes/ble" << QByteArray("8");
        QTest::newRow("lanes softap 1") << "lanes/softap" << QByteArray("1");
        QTest::newRow("no lanes") << "lanes" << QByteArray();
        QTest::newRow("duplicates off") << "duplicates" << QByteArray(q("'off'"));
        QTest::newRow("duplicates warn") << "duplicates" << QByteArray(q("'warn'"));
        QTest::newRow("no duplicates") << "duplicates" << QByteArray();
        QTest::newRow("label auto_print") << "label/auto_print" << QByteArray("true");
        QTest::newRow("label empty") << "label" << QByteArray("{}");
    }
    void goodVariants()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, value);
        const Result<ProductProfile> r = ProductProfile::fromJson(withPatch(path, value));
        QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
        QVERIFY(*ProductProfile::fromJson(r->toJson()) == *r);
    }

    /// Lanes per transport, and a batch's default: the largest of the allowed transports'.
    void lanesPerTransport()
    {
        ProductProfile p;
        p.lanes.ble = 3;
        p.lanes.softap = 6;
        QCOMPARE(p.lanesFor(TransportKind::Ble), 3);
        QCOMPARE(p.lanesFor(TransportKind::SoftAp), 6);
        p.match.transports = { TransportKind::Ble };
        QCOMPARE(p.defaultLanes(), 3);
        p.match.transports = { TransportKind::Ble, TransportKind::SoftAp };
        QCOMPARE(p.defaultLanes(), 6);
        p.match.transports.clear();
        QCOMPARE(p.defaultLanes(), 1);
    }

    void badField_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("field");
        auto row = [](const char *name, const char *path, const QByteArray &value, const char *field) {
            QTest::newRow(name) << QString::fromLatin1(path) << QByteArray(value)
                                << QString::fromLatin1(field);
        };
        row("schema missing", "schema", "", "schema");
        row("schema 2", "schema", "2", "schema");
        row("schema text", "schema", q("'1'"), "schema");
        row("name missing", "name", "", "name");
        row("name empty", "name", q("''"), "name");
        row("id bad chars", "id", q("'a b'"), "id");
        row("id empty", "id", q("''"), "id");
        row("version number", "version", "1", "version");
        row("unknown top key", "colour", q("'red'"), "colour");
        row("match missing", "match", "", "match");
        row("match not object", "match", "[]", "match");
        row("prefix and regex", "match/service_name_regex", q("'x'"), "match.service_name_prefix");
        row("neither prefix nor regex", "match/service_name_prefix", "", "match.service_name_prefix");
        row("prefix empty", "match/service_name_prefix", q("''"), "match.service_name_prefix");
        row("transports missing", "match/transports", "", "match.transports");
        row("transports empty", "match/transports", "[]", "match.transports");
        row("transport unknown", "match/transports", q("['ble', 'zigbee']"), "match.transports[1]");
        row("transport httpd alias", "match/transports", q("['httpd']"), "match.transports[0]");
        row("transport repeated", "match/transports", q("['ble', 'ble']"), "match.transports[1]");
        row("uuid bad", "match/ble_service_uuid", q("'not-a-uuid'"), "match.ble_service_uuid");
        row("rssi too low", "match/min_rssi_dbm", "-128", "match.min_rssi_dbm");
        row("rssi positive", "match/min_rssi_dbm", "1", "match.min_rssi_dbm");
        row("rssi fraction", "match/min_rssi_dbm", "-60.5", "match.min_rssi_dbm");
        row("rssi text", "match/min_rssi_dbm", q("'-60'"), "match.min_rssi_dbm");
        row("match unknown key", "match/name", q("'x'"), "match.name");
        row("security missing", "security", "", "security");
        row("sec_ver 3", "security/min_sec_ver", "3", "security.min_sec_ver");
        row("sec_ver missing", "security/min_sec_ver", "", "security.min_sec_ver");
        row("credentials_from bad", "security/credentials_from", q("'sticker'"), "security.credentials_from");
        row("credentials_from missing", "security/credentials_from", "", "security.credentials_from");
        row("firmware regex bad", "firmware/app_version_regex", q("'('"), "firmware.app_version_regex");
        row("network missing", "network", "", "network");
        row("ssid empty", "network/ssid", q("''"), "network.ssid");
        row("ssid 33 bytes", "network/ssid", q("'abcdefghijklmnopqrstuvwxyz0123456'"), "network.ssid");
        row("ssid 33 utf8 bytes", "network/ssid", q("'ééééééééééééééééé'"), "network.ssid");
        row("auth_mode bad", "network/auth_mode", q("'WPA9'"), "network.auth_mode");
        row("auth_mode missing", "network/auth_mode", "", "network.auth_mode");
        row("steps not list", "custom_steps", "{}", "custom_steps");
        row("step not object", "custom_steps/0", q("'x'"), "custom_steps[0]");
        row("endpoint missing", "custom_steps/0/endpoint", "", "custom_steps[0].endpoint");
        row("endpoint empty", "custom_steps/1/endpoint", q("''"), "custom_steps[1].endpoint");
        row("payload and hex", "custom_steps/0/payload_hex", q("'00'"), "custom_steps[0].payload");
        row("no payload", "custom_steps/1/payload_hex", "", "custom_steps[1].payload");
        row("hex odd", "custom_steps/1/payload_hex", q("'abc'"), "custom_steps[1].payload_hex");
        row("hex not hex", "custom_steps/1/payload_hex", q("'zz'"), "custom_steps[1].payload_hex");
        row("unknown placeholder", "custom_steps/0/payload", q("'${serial}'"), "custom_steps[0].payload");
        row("field without name", "custom_steps/0/payload", q("'${field:}'"), "custom_steps[0].payload");
        row("expect two kinds", "custom_steps/0/expect", q("{'exact': 'a', 'prefix': 'b'}"),
            "custom_steps[0].expect");
        row("expect unknown kind", "custom_steps/0/expect", q("{'suffix': 'a'}"),
            "custom_steps[0].expect.suffix");
        row("expect regex bad", "custom_steps/1/expect", q("{'regex': '[a'}"),
            "custom_steps[1].expect.regex");
        row("secret_payload text", "custom_steps/0/secret_payload", q("'yes'"),
            "custom_steps[0].secret_payload");
        row("after_apply bad", "after_apply", q("'hope'"), "after_apply");
        row("retry unknown code", "retry/wifi_kaputt", q("{'retries': 1}"), "retry.wifi_kaputt");
        row("retry enum spelling", "retry/WifiConnectTimeout", q("{'retries': 1}"),
            "retry.WifiConnectTimeout");
        row("retry 11", "retry/timeout/retries", "11", "retry.timeout.retries");
        row("retry negative", "retry/timeout/retries", "-1", "retry.timeout.retries");
        row("retry missing count", "retry/timeout", "{}", "retry.timeout.retries");
        row("reset_first text", "retry/timeout/reset_first", q("'no'"), "retry.timeout.reset_first");
        row("retry firmware_mismatch", "retry/firmware_mismatch", q("{'retries': 1}"),
            "retry.firmware_mismatch");
        row("retry security_downgrade", "retry/security_downgrade", q("{'retries': 0}"),
            "retry.security_downgrade");
        row("retry authentication_failed", "retry/authentication_failed", q("{'retries': 1}"),
            "retry.authentication_failed");
        row("lanes ble 0", "lanes/ble", "0", "lanes.ble");
        row("lanes ble 9", "lanes/ble", "9", "lanes.ble");
        row("lanes softap 17", "lanes/softap", "17", "lanes.softap");
        row("lanes unknown", "lanes/thread", "1", "lanes.thread");
        row("retry already_provisioned", "retry/already_provisioned", q("{'retries': 1}"),
            "retry.already_provisioned");
        row("duplicates unknown", "duplicates", q("'ask'"), "duplicates");
        row("duplicates case", "duplicates", q("'Refuse'"), "duplicates");
        row("duplicates bool", "duplicates", "true", "duplicates");
        row("duplicates object", "duplicates", q("{'policy': 'warn'}"), "duplicates");
        row("label not object", "label", "true", "label");
        row("label unknown key", "label/printer", q("'zebra'"), "label.printer");
        row("auto_print text", "label/auto_print", q("'yes'"), "label.auto_print");
    }
    void badField()
    {
        QFETCH(QString, path);
        QFETCH(QByteArray, value);
        QFETCH(QString, field);
        const Result<ProductProfile> r = ProductProfile::fromJson(withPatch(path, value));
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        const QString quoted = QLatin1Char('"') + field + QLatin1Char('"');
        QVERIFY2(r.error().detail.startsWith(quoted), qPrintable(r.error().detail));
    }

    /// The optional `label` section: off unless the profile asks, and written back by toJson().
    void labelAutoPrint()
    {
        const auto without = ProductProfile::fromJson(QJsonDocument(goodProfile()).toJson());
        QVERIFY(without.has_value());
        QVERIFY(!without->label.autoPrint);
        const auto with = ProductProfile::fromJson(withPatch(QStringLiteral("label/auto_print"), "true"));
        QVERIFY2(with.has_value(), qPrintable(with ? QString() : with.error().toString()));
        QVERIFY(with->label.autoPrint);
        const auto again = ProductProfile::fromJson(with->toJson());
        QVERIFY(again.has_value());
        QVERIFY(again->label.autoPrint);
        QVERIFY(!(*with == *without));
    }

    void newerSchemaReportedAsSchema()
    {
        QJsonObject o = goodProfile();
        o.insert(QStringLiteral("schema"), 2);
        o.insert(QStringLiteral("fixture"), QStringLiteral("tray-b"));
        const auto r = ProductProfile::fromJson(QJsonDocument(o).toJson());
        QVERIFY(!r.has_value());
        QVERIFY2(
            r.error().detail.startsWith(QLatin1String("\"schema\" must be 1")), qPrintable(r.error().detail));
    }

    void rssiMessage()
    {
        const auto r = ProductProfile::fromJson(withPatch(QStringLiteral("match/min_rssi_dbm"), "5"));
        QVERIFY(!r.has_value());
        QCOMPARE(
            r.error().detail, QStringLiteral("\"match.min_rssi_dbm\" must be a number between -127 and 0"));
    }

    void unknownPlaceholderNamesStep()
    {
        const auto r = ProductProfile::fromJson(
            withPatch(QStringLiteral("custom_steps/1"), q("{'endpoint': 'e', 'payload': 'x=${nonsense}'}")));
        QVERIFY(!r.has_value());
        QVERIFY2(r.error().detail.contains(QLatin1String("step 1")), qPrintable(r.error().detail));
        QVERIFY2(r.error().detail.contains(QLatin1String("${nonsense}")), qPrintable(r.error().detail));
    }

    void notJson_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<int>("code");
        QTest::newRow("garbage") << QByteArray("{schema: 1") << int(ErrorCode::MalformedMessage);
        QTest::newRow("empty") << QByteArray() << int(ErrorCode::MalformedMessage);
        QTest::newRow("array") << QByteArray("[1]") << int(ErrorCode::InvalidArgument);
    }
    void notJson()
    {
        QFETCH(QByteArray, json);
        QFETCH(int, code);
        const auto r = ProductProfile::fromJson(json);
        QVERIFY(!r.has_value());
        QCOMPARE(int(r.error().code), code);
    }

    void secretsRefused_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("field");
        QTest::newRow("top pop") << "pop"
                                 << "pop";
        QTest::newRow("network passphrase") << "network/passphrase"
                                            << "network.passphrase";
        QTest::newRow("security password") << "security/password"
                                           << "security.password";
        QTest::newRow("srp_password") << "security/srp_password"
                                      << "security.srp_password";
        QTest::newRow("in a step") << "custom_steps/0/PoP"
                                   << "custom_steps[0].PoP";
        QTest::newRow("deep") << "retry/timeout/wifi_passphrase"
                              << "retry.timeout.wifi_passphrase";
    }
    void secretsRefused()
    {
        QFETCH(QString, path);
        QFETCH(QString, field);
        const auto r = ProductProfile::fromJson(withPatch(path, q("'abcd1234'")));
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().detail.startsWith(QLatin1Char('"') + field + QLatin1Char('"')),
            qPrintable(r.error().detail));
        QVERIFY(r.error().detail.contains(QLatin1String("secrets are never stored in a profile")));
        QVERIFY2(!r.error().detail.contains(QLatin1String("abcd1234")), "a detail never carries the secret");
    }

    void roundTrip()
    {
        const auto r = ProductProfile::fromJson(QJsonDocument(goodProfile()).toJson());
        QVERIFY(r.has_value());
        const QByteArray json = r->toJson();
        const auto again = ProductProfile::fromJson(json);
        QVERIFY2(again.has_value(), qPrintable(again ? QString() : again.error().toString()));
        QVERIFY(*again == *r);
        QCOMPARE(again->toJson(), json);

        ProductProfile changed = *r;
        changed.lanes.ble = 7;
        QVERIFY(!(changed == *r));
    }

    /// `duplicates` is written back (also the default) and read again.
    void duplicatesRoundTrip()
    {
        auto r = ProductProfile::fromJson(QJsonDocument(goodProfile()).toJson());
        QVERIFY(r.has_value());
        for (auto policy : { ProductProfile::DuplicatePolicy::Off, ProductProfile::DuplicatePolicy::Warn,
                 ProductProfile::DuplicatePolicy::Refuse }) {
            ProductProfile p = *r;
            p.duplicates = policy;
            const QJsonObject written = QJsonDocument::fromJson(p.toJson()).object();
            const char *name = policy == ProductProfile::DuplicatePolicy::Off ? "off"
                : policy == ProductProfile::DuplicatePolicy::Warn             ? "warn"
                                                                              : "refuse";
            QCOMPARE(written.value(QStringLiteral("duplicates")).toString(), QLatin1String(name));
            const auto again = ProductProfile::fromJson(p.toJson());
            QVERIFY(again.has_value());
            QCOMPARE(again->duplicates, policy);
        }
    }

    void matches()
    {
        auto r = ProductProfile::fromJson(QJsonDocument(goodProfile()).toJson());
        QVERIFY(r.has_value());
        ProductProfile p = *r;
        QVERIFY(p.matches(QStringLiteral("PROV_1234"), TransportKind::Ble, -50));
        QVERIFY(p.matches(QStringLiteral("PROV_1234"), TransportKind::SoftAp, -70)); // the gate is inclusive
        QVERIFY(!p.matches(QStringLiteral("PROV_1234"), TransportKind::Ble, -71)); // too weak
        QVERIFY(!p.matches(QStringLiteral("OTHER_1"), TransportKind::Ble, -40));
        QVERIFY(!p.matches(QStringLiteral("prov_1234"), TransportKind::Ble, -40)); // case matters

        p.match.transports = { TransportKind::Ble };
        QVERIFY(!p.matches(QStringLiteral("PROV_1234"), TransportKind::SoftAp, -40));

        p.match.serviceNamePrefix.clear();
        p.match.serviceNameRegex = QStringLiteral("PROV_[0-9]{2}");
        QVERIFY(p.matches(QStringLiteral("PROV_12"), TransportKind::Ble, -40));
        QVERIFY(!p.matches(QStringLiteral("PROV_123"), TransportKind::Ble, -40)); // whole name
        QVERIFY(!p.matches(QStringLiteral("XPROV_12"), TransportKind::Ble, -40));
    }

    void expandPayload()
    {
        auto r = ProductProfile::fromJson(withPatch(QStringLiteral("custom_steps/0/payload"),
            q("'${service_name}|${station}|${operator}|${counter}|${batch}|${field:serial}|${field:serial}|"
              "€'")));
        QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
        PlaceholderValues v;
        v.serviceName = QStringLiteral("PROV_42");
        v.station = QStringLiteral("st-3");
        v.operatorName = QStringLiteral("ana");
        v.counter = 1207;
        v.batch = QStringLiteral("B-9");
        v.fields.insert(QStringLiteral("serial"), QStringLiteral("SN1"));
        const Result<QByteArray> text = r->expandPayload(0, v);
        QVERIFY2(text.has_value(), qPrintable(text ? QString() : text.error().toString()));
        QCOMPARE(*text, QStringLiteral("PROV_42|st-3|ana|1207|B-9|SN1|SN1|€").toUtf8());

        const Result<QByteArray> hex = r->expandPayload(1, v);
        QVERIFY(hex.has_value());
        QCOMPARE(*hex, QByteArray("\x00\xff\x10", 3));

        v.fields.clear();
        const Result<QByteArray> missing = r->expandPayload(0, v);
        QVERIFY(!missing.has_value());
        QCOMPARE(missing.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(
            missing.error().detail.contains(QLatin1String("\"serial\"")), qPrintable(missing.error().detail));
        QVERIFY(missing.error().detail.contains(QLatin1String("step 0")));

        QCOMPARE(r->expandPayload(2, v).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(r->expandPayload(-1, v).error().code, ErrorCode::InvalidArgument);
    }

    void expandRefusesUnknownPlaceholder()
    {
        // A profile built in code (not parsed) can still hold an unknown placeholder: refused on expansion.
        auto r = ProductProfile::fromJson(QJsonDocument(goodProfile()).toJson());
        QVERIFY(r.has_value());
        ProductProfile p = *r;
        p.customSteps[0].payload = QStringLiteral("a=${bogus}");
        const auto e = p.expandPayload(0, {});
        QVERIFY(!e.has_value());
        QVERIFY2(e.error().detail.contains(QLatin1String("step 0")), qPrintable(e.error().detail));
        QVERIFY(e.error().detail.contains(QLatin1String("${bogus}")));
    }

    void load()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString missing = dir.filePath(QStringLiteral("none.json"));
        auto r = ProductProfile::load(missing);
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY(r.error().detail.startsWith(missing));

        r = ProductProfile::load(dir.path());
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);

        const QString bad = dir.filePath(QStringLiteral("bad.json"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(withPatch(QStringLiteral("lanes/ble"), "99"));
        f.close();
        r = ProductProfile::load(bad);
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().detail.startsWith(bad + QStringLiteral(": \"lanes.ble\"")),
            qPrintable(r.error().detail));
    }

    void shippedDemoTray()
    {
        const auto r = ProductProfile::load(QStringLiteral(PROV_PROFILES_DIR "/demo-tray.json"));
        QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->id, QStringLiteral("demo-tray"));
        QCOMPARE(r->network.ssid, QStringLiteral("myssid"));
        QCOMPARE(r->network.authMode, int(AuthMode::WPA2_PSK));
        QCOMPARE(r->security.credentialsFrom, ProductProfile::CredentialsSource::Manifest);
        // resources/demo/fleet.json: SoftAP PROV_DEMO00..03, BLE PROV_B1E001 (-52 dBm), PROV_B1E002 (-74 dBm)
        for (const char *name : { "PROV_DEMO00", "PROV_DEMO01", "PROV_DEMO02", "PROV_DEMO03" })
            QVERIFY2(r->matches(QLatin1String(name), TransportKind::SoftAp, -40), name);
        QVERIFY(r->matches(QStringLiteral("PROV_B1E001"), TransportKind::Ble, -52));
        QVERIFY(r->matches(QStringLiteral("PROV_B1E002"), TransportKind::Ble, -74));
        QVERIFY(!r->matches(QStringLiteral("ESP_123"), TransportKind::Ble, -40));
        QVERIFY(*ProductProfile::fromJson(r->toJson()) == *r);
    }

    void shippedFactorySensor()
    {
        const auto r = ProductProfile::load(QStringLiteral(PROV_PROFILES_DIR "/factory-sensor.json"));
        QVERIFY2(r.has_value(), qPrintable(r ? QString() : r.error().toString()));
        QCOMPARE(r->match.transports, QList<TransportKind> { TransportKind::Ble });
        QCOMPARE(r->security.credentialsFrom, ProductProfile::CredentialsSource::Qr);
        QCOMPARE(r->customSteps.size(), 1);
        PlaceholderValues v;
        v.serviceName = QStringLiteral("PROV_7");
        v.station = QStringLiteral("s1");
        v.operatorName = QStringLiteral("op");
        v.counter = 3;
        v.batch = QStringLiteral("b");
        v.fields.insert(QStringLiteral("serial"), QStringLiteral("X9"));
        const auto payload = r->expandPayload(0, v);
        QVERIFY2(payload.has_value(), qPrintable(payload ? QString() : payload.error().toString()));
        QCOMPARE(*payload, QByteArray("station=s1;operator=op;batch=b;n=3;sn=X9;dev=PROV_7"));
        QVERIFY(!r->matches(QStringLiteral("PROV_7"), TransportKind::SoftAp, -40));
        QVERIFY(*ProductProfile::fromJson(r->toJson()) == *r);
    }
};

QTEST_GUILESS_MAIN(TestProductProfile)
#include "tst_productprofile.moc"
