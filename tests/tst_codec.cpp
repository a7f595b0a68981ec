// SPDX-License-Identifier: Apache-2.0
// Wi-Fi/Thread message codec: the §3.4 wire examples and the shared/vectors plaintexts in both
// directions, proto3 edge cases (§3, §9.2, §9.3), and hostile input to every decoder.
#include "codec/networkcodec.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

#include <functional>

using namespace prov;
using namespace prov::codec;

namespace {

QByteArray hex(const char *text)
{
    return QByteArray::fromHex(text);
}

/// The alternative T of a decoded variant, or nullopt (with the error printed) when absent.
template <typename T, typename V> std::optional<T> alt(const Result<V> &result)
{
    if (!result) {
        qWarning("decode failed: %s", qPrintable(result.error().toString()));
        return std::nullopt;
    }
    if (const T *value = std::get_if<T>(&result.value()))
        return *value;
    qWarning("decoded to alternative %d", int(result.value().index()));
    return std::nullopt;
}

template <typename V> bool isMalformed(const Result<V> &result)
{
    return !result && result.error().code == ErrorCode::MalformedMessage;
}

/// A decoder applied to bytes: ok, malformed, or (a test failure) some other error code.
enum class Outcome { Ok, Malformed, OtherError };

struct Decoder
{
    const char *name;
    std::function<Outcome(const QByteArray &)> run;
};

template <typename V> Outcome outcomeOf(const Result<V> &result)
{
    if (result)
        return Outcome::Ok;
    return result.error().code == ErrorCode::MalformedMessage ? Outcome::Malformed : Outcome::OtherError;
}

QList<Decoder> allDecoders()
{
    return {
        { "configRequest", [](const QByteArray &b) { return outcomeOf(decodeConfigRequest(b)); } },
        { "configResponse", [](const QByteArray &b) { return outcomeOf(decodeConfigResponse(b)); } },
        { "scanRequest", [](const QByteArray &b) { return outcomeOf(decodeScanRequest(b)); } },
        { "scanResponse", [](const QByteArray &b) { return outcomeOf(decodeScanResponse(b)); } },
        { "ctrlRequest", [](const QByteArray &b) { return outcomeOf(decodeCtrlRequest(b)); } },
        { "ctrlResponse", [](const QByteArray &b) { return outcomeOf(decodeCtrlResponse(b)); } },
    };
}

Decoder decoderNamed(const char *name)
{
    for (const Decoder &d : allDecoders()) {
        if (qstrcmp(d.name, name) == 0)
            return d;
    }
    return {};
}

/// Every valid message of this file, paired with the decoder that accepts it.
QList<std::pair<const char *, QByteArray>> validMessages()
{
    return {
        { "configRequest", hex("5200") },
        { "configRequest", hex("08047200") },
        { "configRequest", hex("0804") },
        { "configRequest", hex("080262140a066d7973736964120a6d7970617373776f7264") },
        { "configResponse", hex("08036a00") },
        { "configResponse", hex("08036a020804") },
        { "configResponse", hex("08057a00") },
        { "configResponse", hex("08015a021001") },
        { "configResponse", hex("08015a06100162020802") },
        { "configResponse", hex("08015a0410035000") },
        { "configResponse", hex("08015a0410035001") },
        { "configResponse",
            hex("08015a255a230a0c3139322e3136382e312e343210031a07486f6d654e657422061122334455662806") },
        { "scanRequest", hex("5206080118052078") },
        { "scanRequest", hex("08026200") },
        { "scanRequest", hex("080472021004") },
        { "scanRequest", hex("08068201020801") },
        { "scanResponse", hex("08015a00") },
        { "scanResponse", hex("08036a0408011005") },
        { "scanResponse",
            hex("08057a220a200a07486f6d654e6574100618d3ffffffffffffffff0122061122334455662803") },
        { "ctrlRequest", hex("08015a00") },
        { "ctrlRequest", hex("08036a00") },
        { "ctrlResponse", hex("08026200") },
        { "ctrlResponse", hex("080210056200") },
    };
}

QJsonObject loadVector(const QString &file)
{
    QFile f(QStringLiteral(PROV_VECTORS_DIR "/") + file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QList<QJsonObject> exchangesFor(const QJsonObject &vector, const QString &endpoint)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : vector.value(QStringLiteral("exchanges")).toArray()) {
        if (v.toObject().value(QStringLiteral("endpoint")).toString() == endpoint)
            out.append(v.toObject());
    }
    return out;
}

QByteArray plaintext(const QJsonObject &exchange, const char *direction)
{
    return QByteArray::fromHex(
        exchange.value(QLatin1String(direction) + QStringLiteral("_plaintext_hex")).toString().toLatin1());
}

ScanEntry entryFromJson(const QJsonObject &o)
{
    ScanEntry e;
    e.ssid = o.value(QStringLiteral("ssid")).toString().toUtf8();
    e.bssid = QByteArray::fromHex(o.value(QStringLiteral("bssid")).toString().toLatin1());
    e.channel = o.value(QStringLiteral("channel")).toInt();
    e.rssi = o.value(QStringLiteral("rssi")).toInt();
    e.authMode = authModeFromName(o.value(QStringLiteral("auth")).toString());
    return e;
}

void compareEntry(const ScanEntry &actual, const ScanEntry &expected)
{
    QCOMPARE(actual.ssid, expected.ssid);
    QCOMPARE(actual.channel, expected.channel);
    QCOMPARE(actual.rssi, expected.rssi);
    QCOMPARE(actual.bssid, expected.bssid);
    QCOMPARE(actual.authMode, expected.authMode);
}

WifiStatusResponse statusResponse(WifiState state)
{
    WifiStatusResponse r;
    r.wifi.state = state;
    return r;
}

QByteArray vectorFileName(int index)
{
    return QByteArrayLiteral("sec") + QByteArray::number(index) + ".json";
}

} // namespace

class TestCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // ---- §3.4 wire examples, both directions
    void getWifiStatusRequestIsSubMessageOnly();
    void applyConfigRequestIsBareMsgLikeEspProv();
    void setConfigRequestMatchesWireExample();
    void configResponsesMatchWireExamples();
    void connectingWithoutAttemptsLeavesOneofUnset();
    void connectingWithAttemptsCarriesAttemptFailed();
    void connectionFailedAlwaysEncodesReasonEvenAuthError();
    void connectedStatusMatchesWireExample();
    void scanStartMatchesWireExample();
    void scanStatusRequestIsBareMsgLikeEspProv();
    void scanResponsesMatchWireExamples();
    void scanResultRequestMatchesWireExample();
    void scanResultResponseMatchesWireExample();
    void ctrlMessagesMatchWireExamples();
    void threadScanStartMatchesWireExample();

    // ---- shared/vectors plaintexts
    void vectorScanExchangesDecodeAndReencode_data();
    void vectorScanExchangesDecodeAndReencode();
    void vectorConfigExchangesDecodeAndReencode_data();
    void vectorConfigExchangesDecodeAndReencode();

    // ---- edge cases
    void scanEntryKeepsAuthAboveSeven();
    void scanEntryStripsTrailingNulsFromSsid();
    void scanEntryNegativeRssiTakesTenBytes();
    void setConfigDecodeKeepsRawBytesUnvalidated();
    void threadConfigMessagesRoundTrip();
    void threadStatusRoundTrips();
    void threadScanMessagesRoundTrip();
    void threadCtrlMessagesRoundTrip();
    void statusValuesPassThrough();

    // ---- hostile input
    void rejectsMalformedInput_data();
    void rejectsMalformedInput();
    void acceptsErrorResponsesWithoutSubMessage();
    void rejectsOversizedInput();
    void everyTruncationIsRejectedOrValid();
    void randomJunkNeverCrashes();
    void mutatedMessagesNeverCrash();
};

// ============================================================================ §3.4 examples

void TestCodec::getWifiStatusRequestIsSubMessageOnly()
{
    QCOMPARE(encodeConfigRequest(GetWifiStatus {}), hex("5200"));
    QVERIFY(alt<GetWifiStatus>(decodeConfigRequest(hex("5200"))));
}

void TestCodec::applyConfigRequestIsBareMsgLikeEspProv()
{
    QCOMPARE(encodeConfigRequest(ApplyWifiConfig {}), hex("0804"));
    // Both forms a client may send are accepted by the device (§3.3).
    QVERIFY(alt<ApplyWifiConfig>(decodeConfigRequest(hex("0804"))));
    QVERIFY(alt<ApplyWifiConfig>(decodeConfigRequest(hex("08047200"))));
}

void TestCodec::setConfigRequestMatchesWireExample()
{
    const QByteArray wire = hex("080262140a066d7973736964120a6d7970617373776f7264");
    SetWifiConfig request;
    request.credentials.ssid = "myssid";
    request.credentials.passphrase = "mypassword";
    QCOMPARE(encodeConfigRequest(request), wire);

    const auto decoded = alt<SetWifiConfig>(decodeConfigRequest(wire));
    QVERIFY(decoded);
    QCOMPARE(decoded->credentials.ssid, QByteArray("myssid"));
    QCOMPARE(decoded->credentials.passphrase, QByteArray("mypassword"));
    QVERIFY(decoded->credentials.bssid.isEmpty());
    QCOMPARE(decoded->credentials.channel, 0);
}

void TestCodec::configResponsesMatchWireExamples()
{
    QCOMPARE(encodeConfigResponse(SetWifiConfigResponse { 0 }), hex("08036a00"));
    QCOMPARE(encodeConfigResponse(SetWifiConfigResponse { 4 }), hex("08036a020804"));
    QCOMPARE(encodeConfigResponse(ApplyWifiConfigResponse { 0 }), hex("08057a00"));

    QCOMPARE(alt<SetWifiConfigResponse>(decodeConfigResponse(hex("08036a00"))).value().status, 0);
    QCOMPARE(alt<SetWifiConfigResponse>(decodeConfigResponse(hex("08036a020804"))).value().status, 4);
    QCOMPARE(alt<ApplyWifiConfigResponse>(decodeConfigResponse(hex("08057a00"))).value().status, 0);
}

void TestCodec::connectingWithoutAttemptsLeavesOneofUnset()
{
    QCOMPARE(encodeConfigResponse(statusResponse(WifiState::Connecting)), hex("08015a021001"));
    const auto decoded = alt<WifiStatusResponse>(decodeConfigResponse(hex("08015a021001")));
    QVERIFY(decoded);
    QCOMPARE(decoded->wifi.state, WifiState::Connecting);
    QVERIFY(!decoded->wifi.attemptsRemaining);
    QVERIFY(!decoded->wifi.failReason);
}

void TestCodec::connectingWithAttemptsCarriesAttemptFailed()
{
    WifiStatusResponse r = statusResponse(WifiState::Connecting);
    r.wifi.attemptsRemaining = 2;
    QCOMPARE(encodeConfigResponse(r), hex("08015a06100162020802"));
    const auto decoded = alt<WifiStatusResponse>(decodeConfigResponse(hex("08015a06100162020802")));
    QVERIFY(decoded);
    QCOMPARE(decoded->wifi.state, WifiState::Connecting);
    QCOMPARE(decoded->wifi.attemptsRemaining, std::optional<int>(2));
}

void TestCodec::connectionFailedAlwaysEncodesReasonEvenAuthError()
{
    WifiStatusResponse r = statusResponse(WifiState::ConnectionFailed);
    r.wifi.failReason = WifiFailReason::AuthError;
    QCOMPARE(encodeConfigResponse(r), hex("08015a0410035000"));
    r.wifi.failReason = WifiFailReason::NetworkNotFound;
    QCOMPARE(encodeConfigResponse(r), hex("08015a0410035001"));

    const auto auth = alt<WifiStatusResponse>(decodeConfigResponse(hex("08015a0410035000")));
    QVERIFY(auth);
    QCOMPARE(auth->wifi.state, WifiState::ConnectionFailed);
    QCOMPARE(auth->wifi.failReason, std::optional<WifiFailReason>(WifiFailReason::AuthError));
    const auto notFound = alt<WifiStatusResponse>(decodeConfigResponse(hex("08015a0410035001")));
    QVERIFY(notFound);
    QCOMPARE(notFound->wifi.failReason, std::optional<WifiFailReason>(WifiFailReason::NetworkNotFound));
}

void TestCodec::connectedStatusMatchesWireExample()
{
    const QByteArray wire = hex(
        "08015a255a230a0c3139322e3136382e312e343210031a07486f6d654e657422061122334455662806");
    WifiStatusResponse r = statusResponse(WifiState::Connected);
    r.wifi.ip4 = QStringLiteral("192.168.1.42");
    r.wifi.authMode = int(AuthMode::WPA2_PSK);
    r.wifi.ssid = "HomeNet";
    r.wifi.bssid = hex("112233445566");
    r.wifi.channel = 6;
    QCOMPARE(encodeConfigResponse(r), wire);

    const auto decoded = alt<WifiStatusResponse>(decodeConfigResponse(wire));
    QVERIFY(decoded);
    QCOMPARE(decoded->status, 0);
    QCOMPARE(decoded->wifi.state, WifiState::Connected);
    QCOMPARE(decoded->wifi.ip4, QStringLiteral("192.168.1.42"));
    QCOMPARE(decoded->wifi.authMode, int(AuthMode::WPA2_PSK));
    QCOMPARE(decoded->wifi.ssid, QByteArray("HomeNet"));
    QCOMPARE(decoded->wifi.bssid, hex("112233445566"));
    QCOMPARE(decoded->wifi.channel, 6);
}

void TestCodec::scanStartMatchesWireExample()
{
    const QByteArray wire = hex("5206080118052078");
    QCOMPARE(encodeScanRequest(ScanWifiStart { true, false, 5, 120 }), wire);
    const auto decoded = alt<ScanWifiStart>(decodeScanRequest(wire));
    QVERIFY(decoded);
    QCOMPARE(decoded->blocking, true);
    QCOMPARE(decoded->passive, false);
    QCOMPARE(decoded->groupChannels, 5u);
    QCOMPARE(decoded->periodMs, 120u);
}

void TestCodec::scanStatusRequestIsBareMsgLikeEspProv()
{
    QCOMPARE(encodeScanRequest(ScanWifiStatus {}), hex("0802"));
    QVERIFY(alt<ScanWifiStatus>(decodeScanRequest(hex("0802"))));
    QVERIFY(alt<ScanWifiStatus>(decodeScanRequest(hex("08026200")))); // §3.4 form
}

void TestCodec::scanResponsesMatchWireExamples()
{
    QCOMPARE(encodeScanResponse(ScanWifiStartResponse { 0 }), hex("08015a00"));
    QCOMPARE(alt<ScanWifiStartResponse>(decodeScanResponse(hex("08015a00"))).value().status, 0);

    QCOMPARE(encodeScanResponse(ScanWifiStatusResponse { 0, true, 5 }), hex("08036a0408011005"));
    const auto status = alt<ScanWifiStatusResponse>(decodeScanResponse(hex("08036a0408011005")));
    QVERIFY(status);
    QCOMPARE(status->finished, true);
    QCOMPARE(status->resultCount, 5u);
}

void TestCodec::scanResultRequestMatchesWireExample()
{
    QCOMPARE(encodeScanRequest(ScanWifiResult { 0, 4 }), hex("080472021004"));
    const auto decoded = alt<ScanWifiResult>(decodeScanRequest(hex("080472021004")));
    QVERIFY(decoded);
    QCOMPARE(decoded->startIndex, 0u);
    QCOMPARE(decoded->count, 4u);
}

void TestCodec::scanResultResponseMatchesWireExample()
{
    const QByteArray wire = hex(
        "08057a220a200a07486f6d654e6574100618d3ffffffffffffffff0122061122334455662803");
    const ScanEntry entry { "HomeNet", 6, -45, hex("112233445566"), int(AuthMode::WPA2_PSK) };
    QCOMPARE(encodeScanResponse(ScanWifiResultResponse { 0, { entry } }), wire);
    const auto decoded = alt<ScanWifiResultResponse>(decodeScanResponse(wire));
    QVERIFY(decoded);
    QCOMPARE(decoded->entries.size(), 1);
    compareEntry(decoded->entries.at(0), entry);
}

void TestCodec::ctrlMessagesMatchWireExamples()
{
    QCOMPARE(encodeCtrlRequest(CtrlRequest { CtrlCommand::WifiReset }), hex("08015a00"));
    QCOMPARE(encodeCtrlRequest(CtrlRequest { CtrlCommand::WifiReprov }), hex("08036a00"));
    QCOMPARE(encodeCtrlResponse(CtrlResponse { CtrlCommand::WifiReset, 0 }), hex("08026200"));
    QCOMPARE(encodeCtrlResponse(CtrlResponse { CtrlCommand::WifiReset, 5 }), hex("080210056200"));

    QCOMPARE(decodeCtrlRequest(hex("08015a00"))->command, CtrlCommand::WifiReset);
    QCOMPARE(decodeCtrlRequest(hex("0801"))->command, CtrlCommand::WifiReset); // msg only (§3.3)
    QCOMPARE(decodeCtrlRequest(hex("08036a00"))->command, CtrlCommand::WifiReprov);
    const auto ok = decodeCtrlResponse(hex("08026200"));
    QVERIFY(ok);
    QCOMPARE(ok->command, CtrlCommand::WifiReset);
    QCOMPARE(ok->status, 0);
    const auto failed = decodeCtrlResponse(hex("080210056200"));
    QVERIFY(failed);
    QCOMPARE(failed->command, CtrlCommand::WifiReset);
    QCOMPARE(failed->status, 5);
}

void TestCodec::threadScanStartMatchesWireExample()
{
    QCOMPARE(encodeScanRequest(ScanThreadStart { true, 0 }), hex("08068201020801"));
    const auto decoded = alt<ScanThreadStart>(decodeScanRequest(hex("08068201020801")));
    QVERIFY(decoded);
    QCOMPARE(decoded->blocking, true);
    QCOMPARE(decoded->channelMask, 0u);
}

// ============================================================================ shared/vectors

void TestCodec::vectorScanExchangesDecodeAndReencode_data()
{
    QTest::addColumn<QString>("file");
    for (int i = 0; i < 3; ++i)
        QTest::newRow(vectorFileName(i).constData()) << QString::fromLatin1(vectorFileName(i));
}

void TestCodec::vectorScanExchangesDecodeAndReencode()
{
    QFETCH(QString, file);
    const QJsonObject vector = loadVector(file);
    QVERIFY2(!vector.isEmpty(), qPrintable(file));
    const QList<QJsonObject> scans = exchangesFor(vector, QStringLiteral("prov-scan"));
    QCOMPARE(scans.size(), 3);
    QList<ScanEntry> expected;
    for (const QJsonValue &v : vector.value(QStringLiteral("scan_results")).toArray())
        expected.append(entryFromJson(v.toObject()));
    QCOMPARE(expected.size(), 4);

    // Client requests: decoded by the device role, re-encoded by the client role.
    const auto start = alt<ScanWifiStart>(decodeScanRequest(plaintext(scans[0], "request")));
    QVERIFY(start);
    QCOMPARE(start->blocking, true);
    QCOMPARE(start->passive, false);
    QCOMPARE(start->groupChannels, 5u);
    QCOMPARE(start->periodMs, 120u);
    QCOMPARE(encodeScanRequest(*start), plaintext(scans[0], "request"));
    QVERIFY(alt<ScanWifiStatus>(decodeScanRequest(plaintext(scans[1], "request"))));
    QCOMPARE(encodeScanRequest(ScanWifiStatus {}), plaintext(scans[1], "request"));
    const auto page = alt<ScanWifiResult>(decodeScanRequest(plaintext(scans[2], "request")));
    QVERIFY(page);
    QCOMPARE(page->startIndex, 0u);
    QCOMPARE(page->count, 4u);
    QCOMPARE(encodeScanRequest(*page), plaintext(scans[2], "request"));

    // Device responses: decoded by the client role, re-encoded by the device role.
    const auto started = alt<ScanWifiStartResponse>(decodeScanResponse(plaintext(scans[0], "response")));
    QVERIFY(started);
    QCOMPARE(started->status, 0);
    QCOMPARE(encodeScanResponse(*started), plaintext(scans[0], "response"));
    const auto status = alt<ScanWifiStatusResponse>(decodeScanResponse(plaintext(scans[1], "response")));
    QVERIFY(status);
    QCOMPARE(status->finished, true);
    QCOMPARE(status->resultCount, quint32(expected.size()));
    QCOMPARE(encodeScanResponse(*status), plaintext(scans[1], "response"));
    const auto result = alt<ScanWifiResultResponse>(decodeScanResponse(plaintext(scans[2], "response")));
    QVERIFY(result);
    QCOMPARE(result->entries.size(), expected.size());
    for (qsizetype i = 0; i < expected.size(); ++i) {
        compareEntry(result->entries.at(i), expected.at(i));
        if (QTest::currentTestFailed())
            return;
    }
    QCOMPARE(encodeScanResponse(*result), plaintext(scans[2], "response"));
}

void TestCodec::vectorConfigExchangesDecodeAndReencode_data()
{
    vectorScanExchangesDecodeAndReencode_data();
}

void TestCodec::vectorConfigExchangesDecodeAndReencode()
{
    QFETCH(QString, file);
    const QJsonObject vector = loadVector(file);
    QVERIFY2(!vector.isEmpty(), qPrintable(file));
    const QList<QJsonObject> configs = exchangesFor(vector, QStringLiteral("prov-config"));
    QCOMPARE(configs.size(), 3);

    const auto set = alt<SetWifiConfig>(decodeConfigRequest(plaintext(configs[0], "request")));
    QVERIFY(set);
    QCOMPARE(set->credentials.ssid, vector.value(QStringLiteral("ssid")).toString().toUtf8());
    QCOMPARE(set->credentials.passphrase, vector.value(QStringLiteral("passphrase")).toString().toUtf8());
    QCOMPARE(encodeConfigRequest(*set), plaintext(configs[0], "request"));
    QVERIFY(alt<ApplyWifiConfig>(decodeConfigRequest(plaintext(configs[1], "request"))));
    QCOMPARE(encodeConfigRequest(ApplyWifiConfig {}), plaintext(configs[1], "request"));
    QVERIFY(alt<GetWifiStatus>(decodeConfigRequest(plaintext(configs[2], "request"))));
    QCOMPARE(encodeConfigRequest(GetWifiStatus {}), plaintext(configs[2], "request"));

    const auto setResp = alt<SetWifiConfigResponse>(decodeConfigResponse(plaintext(configs[0], "response")));
    QVERIFY(setResp);
    QCOMPARE(setResp->status, 0);
    QCOMPARE(encodeConfigResponse(*setResp), plaintext(configs[0], "response"));
    const auto applyResp = alt<ApplyWifiConfigResponse>(
        decodeConfigResponse(plaintext(configs[1], "response")));
    QVERIFY(applyResp);
    QCOMPARE(applyResp->status, 0);
    QCOMPARE(encodeConfigResponse(*applyResp), plaintext(configs[1], "response"));

    const QJsonObject connected = configs[2]
                                      .value(QStringLiteral("response_decoded"))
                                      .toObject()
                                      .value(QStringLiteral("resp_get_status"))
                                      .toObject()
                                      .value(QStringLiteral("connected"))
                                      .toObject();
    const auto status = alt<WifiStatusResponse>(decodeConfigResponse(plaintext(configs[2], "response")));
    QVERIFY(status);
    QCOMPARE(status->status, 0);
    QCOMPARE(status->wifi.state, WifiState::Connected);
    QCOMPARE(status->wifi.ip4, connected.value(QStringLiteral("ip4_addr")).toString());
    QCOMPARE(status->wifi.ip4, QStringLiteral("192.168.1.100"));
    QCOMPARE(
        status->wifi.authMode, authModeFromName(connected.value(QStringLiteral("auth_mode")).toString()));
    QCOMPARE(status->wifi.ssid,
        QByteArray::fromBase64(connected.value(QStringLiteral("ssid")).toString().toLatin1()));
    QCOMPARE(status->wifi.bssid,
        QByteArray::fromBase64(connected.value(QStringLiteral("bssid")).toString().toLatin1()));
    QCOMPARE(status->wifi.channel, connected.value(QStringLiteral("channel")).toInt());
    QCOMPARE(encodeConfigResponse(*status), plaintext(configs[2], "response"));
}

// ============================================================================ edge cases

void TestCodec::scanEntryKeepsAuthAboveSeven()
{
    // §9.3 item 3: WAPI/OWE/WPA3-Enterprise values (> 7) are real and must survive a round trip.
    for (int auth : { 8, 9, 12, 127, 300 }) {
        const ScanEntry entry { "owe-net", 36, -60, hex("a0b1c2d3e4f5"), auth };
        const QByteArray wire = encodeScanResponse(ScanWifiResultResponse { 0, { entry } });
        const auto decoded = alt<ScanWifiResultResponse>(decodeScanResponse(wire));
        QVERIFY(decoded);
        QCOMPARE(decoded->entries.at(0).authMode, auth);
        QCOMPARE(encodeScanResponse(*decoded), wire);
    }
    // Hand-built: entry {auth = 9} only.
    const auto decoded = alt<ScanWifiResultResponse>(decodeScanResponse(hex("08057a040a022809")));
    QVERIFY(decoded);
    QCOMPARE(decoded->entries.at(0).authMode, 9);
    QCOMPARE(authModeName(decoded->entries.at(0).authMode), QStringLiteral("unknown (9)"));
}

void TestCodec::scanEntryStripsTrailingNulsFromSsid()
{
    const QByteArray ssid32(32, 'S');
    QByteArray padded = QByteArray("short") + QByteArray(27, '\0');
    QByteArray embedded("a\0b", 3);
    const ScanEntry full { ssid32, 1, -30, hex("010203040506"), 3 };
    const ScanEntry nulPadded { padded, 2, -31, hex("010203040507"), 3 };
    const ScanEntry innerNul { embedded + QByteArray(2, '\0'), 3, -32, {}, 0 };
    const ScanEntry tooLong { QByteArray(40, 'L'), 4, -33, {}, 0 }; // the codec does not police lengths
    const auto decoded = alt<ScanWifiResultResponse>(decodeScanResponse(
        encodeScanResponse(ScanWifiResultResponse { 0, { full, nulPadded, innerNul, tooLong } })));
    QVERIFY(decoded);
    QCOMPARE(decoded->entries.size(), 4);
    QCOMPARE(decoded->entries.at(0).ssid, ssid32);
    QCOMPARE(decoded->entries.at(1).ssid, QByteArray("short"));
    QCOMPARE(decoded->entries.at(2).ssid, embedded);
    QCOMPARE(decoded->entries.at(3).ssid, QByteArray(40, 'L'));
}

void TestCodec::scanEntryNegativeRssiTakesTenBytes()
{
    // §3: negative int32 is a 10-byte varint; -45 -> d3ffffffffffffffff01.
    const ScanEntry entry { "x", 1, -45, {}, 0 };
    const QByteArray wire = encodeScanResponse(ScanWifiResultResponse { 0, { entry } });
    QVERIFY(wire.contains(hex("18d3ffffffffffffffff01")));
    for (int rssi : { -1, -100, -128, 0, 5 }) {
        const ScanEntry e { "x", 1, rssi, {}, 0 };
        const auto decoded = alt<ScanWifiResultResponse>(
            decodeScanResponse(encodeScanResponse(ScanWifiResultResponse { 0, { e } })));
        QVERIFY(decoded);
        QCOMPARE(decoded->entries.at(0).rssi, rssi);
    }
}

void TestCodec::setConfigDecodeKeepsRawBytesUnvalidated()
{
    // Length checks are the device handler's job (§9.1 step 5), so the codec passes everything on.
    SetWifiConfig request;
    request.credentials.ssid = QByteArray("abc\0def", 7) + QByteArray(40, 'x');
    request.credentials.passphrase = QByteArray(64, 'f');
    request.credentials.bssid = hex("0102030405");
    request.credentials.channel = -3;
    const auto decoded = alt<SetWifiConfig>(decodeConfigRequest(encodeConfigRequest(request)));
    QVERIFY(decoded);
    QCOMPARE(decoded->credentials.ssid, request.credentials.ssid);
    QCOMPARE(decoded->credentials.passphrase, request.credentials.passphrase);
    QCOMPARE(decoded->credentials.bssid, request.credentials.bssid);
    QCOMPARE(decoded->credentials.channel, -3);
}

void TestCodec::threadConfigMessagesRoundTrip()
{
    const QByteArray dataset = hex("0e080000000000010000000300000f35060004001fffe0");
    const QByteArray setWire = encodeConfigRequest(SetThreadConfig { dataset });
    QCOMPARE(setWire.left(2), hex("0808"));
    QCOMPARE(alt<SetThreadConfig>(decodeConfigRequest(setWire))->dataset, dataset);
    QCOMPARE(encodeConfigRequest(GetThreadStatus {}),
        hex("08068201"
            "00"));
    QVERIFY(alt<GetThreadStatus>(decodeConfigRequest(hex("0806820100"))));
    QCOMPARE(encodeConfigRequest(ApplyThreadConfig {}), hex("080aa20100"));
    QVERIFY(alt<ApplyThreadConfig>(decodeConfigRequest(hex("080aa20100"))));
    QVERIFY(alt<ApplyThreadConfig>(decodeConfigRequest(hex("080a"))));

    QCOMPARE(encodeConfigResponse(SetThreadConfigResponse { 0 }), hex("08099a0100"));
    QCOMPARE(alt<SetThreadConfigResponse>(decodeConfigResponse(hex("08099a01020804"))).value().status, 4);
    QCOMPARE(encodeConfigResponse(ApplyThreadConfigResponse { 5 }), hex("080baa01020805"));
    QCOMPARE(alt<ApplyThreadConfigResponse>(decodeConfigResponse(hex("080baa01020805"))).value().status, 5);
}

void TestCodec::threadStatusRoundTrips()
{
    ThreadStatusResponse attached;
    attached.thread.state = ThreadState::Attached;
    attached.thread.panId = 0x1234;
    attached.thread.extPanId = hex("dead00beef00cafe");
    attached.thread.channel = 15;
    attached.thread.name = QStringLiteral("OpenThread-ESP");
    const QByteArray wire = encodeConfigResponse(attached);
    const auto decoded = alt<ThreadStatusResponse>(decodeConfigResponse(wire));
    QVERIFY(decoded);
    QCOMPARE(decoded->thread.state, ThreadState::Attached);
    QCOMPARE(decoded->thread.panId, 0x1234u);
    QCOMPARE(decoded->thread.extPanId, attached.thread.extPanId);
    QCOMPARE(decoded->thread.channel, 15);
    QCOMPARE(decoded->thread.name, attached.thread.name);
    QCOMPARE(encodeConfigResponse(*decoded), wire);

    ThreadStatusResponse attaching;
    attaching.thread.state = ThreadState::Attaching;
    QCOMPARE(encodeConfigResponse(attaching),
        hex("08078a0102"
            "1001")); // no oneof, like Wi-Fi Connecting

    ThreadStatusResponse failed;
    failed.thread.state = ThreadState::AttachingFailed;
    failed.thread.failReason = ThreadFailReason::DatasetInvalid; // enum 0, still on the wire
    QCOMPARE(encodeConfigResponse(failed), hex("08078a010410035000"));
    const auto failedDecoded = alt<ThreadStatusResponse>(decodeConfigResponse(hex("08078a010410035000")));
    QVERIFY(failedDecoded);
    QCOMPARE(failedDecoded->thread.state, ThreadState::AttachingFailed);
    QCOMPARE(
        failedDecoded->thread.failReason, std::optional<ThreadFailReason>(ThreadFailReason::DatasetInvalid));
}

void TestCodec::threadScanMessagesRoundTrip()
{
    QCOMPARE(encodeScanRequest(ScanThreadStatus {}),
        hex("08089201"
            "00"));
    QVERIFY(alt<ScanThreadStatus>(decodeScanRequest(hex("0808"))));
    const QByteArray pageWire = encodeScanRequest(ScanThreadResult { 4, 4 });
    const auto page = alt<ScanThreadResult>(decodeScanRequest(pageWire));
    QVERIFY(page);
    QCOMPARE(page->startIndex, 4u);
    QCOMPARE(page->count, 4u);
    QCOMPARE(encodeScanRequest(ScanThreadStart { false, 0x07fff800 }), hex("08068201051080f0ff3f"));

    QCOMPARE(encodeScanResponse(ScanThreadStartResponse { 0 }), hex("08078a0100"));
    QCOMPARE(encodeScanResponse(ScanThreadStatusResponse { 0, true, 2 }), hex("08099a010408011002"));
    const auto status = alt<ScanThreadStatusResponse>(decodeScanResponse(hex("08099a010408011002")));
    QVERIFY(status);
    QCOMPARE(status->finished, true);
    QCOMPARE(status->resultCount, 2u);

    ThreadScanEntry entry;
    entry.panId = 0xface;
    entry.channel = 11;
    entry.rssi = -70;
    entry.lqi = 200;
    entry.extAddr = hex("1122334455667788");
    entry.networkName = QStringLiteral("MyThread") + QString(8, QChar(0)); // padding NULs (§10)
    entry.extPanId = hex("0102030405060708");
    const QByteArray wire = encodeScanResponse(ScanThreadResultResponse { 0, { entry } });
    const auto decoded = alt<ScanThreadResultResponse>(decodeScanResponse(wire));
    QVERIFY(decoded);
    QCOMPARE(decoded->entries.size(), 1);
    const ThreadScanEntry &e = decoded->entries.at(0);
    QCOMPARE(e.panId, 0xfaceu);
    QCOMPARE(e.channel, 11);
    QCOMPARE(e.rssi, -70);
    QCOMPARE(e.lqi, 200);
    QCOMPARE(e.extAddr, entry.extAddr);
    QCOMPARE(e.networkName, QStringLiteral("MyThread"));
    QCOMPARE(e.extPanId, entry.extPanId);
}

void TestCodec::threadCtrlMessagesRoundTrip()
{
    for (CtrlCommand c : { CtrlCommand::ThreadReset, CtrlCommand::ThreadReprov, CtrlCommand::WifiReprov }) {
        const auto request = decodeCtrlRequest(encodeCtrlRequest(CtrlRequest { c }));
        QVERIFY(request);
        QCOMPARE(request->command, c);
        const auto response = decodeCtrlResponse(encodeCtrlResponse(CtrlResponse { c, 5 }));
        QVERIFY(response);
        QCOMPARE(response->command, c);
        QCOMPARE(response->status, 5);
    }
    QCOMPARE(encodeCtrlRequest(CtrlRequest { CtrlCommand::ThreadReset }), hex("08057a00"));
    QCOMPARE(encodeCtrlResponse(CtrlResponse { CtrlCommand::ThreadReprov, 0 }), hex("0808920100"));
}

void TestCodec::statusValuesPassThrough()
{
    // Status is kept raw (§3.1), including values outside the enum.
    for (int status : { 0, 1, 4, 5, 7, 42 }) {
        QCOMPARE(alt<SetWifiConfigResponse>(
                     decodeConfigResponse(encodeConfigResponse(SetWifiConfigResponse { status })))
                     .value()
                     .status,
            status);
        QCOMPARE(alt<ScanWifiStatusResponse>(
                     decodeScanResponse(encodeScanResponse(ScanWifiStatusResponse { status, false, 0 })))
                     .value()
                     .status,
            status);
    }
}

// ============================================================================ hostile input

void TestCodec::rejectsMalformedInput_data()
{
    QTest::addColumn<QString>("decoder");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("detail");
    auto row = [](const char *name, const char *decoder, const QByteArray &bytes, const char *detail) {
        QTest::newRow(name) << QString::fromLatin1(decoder) << bytes << QString::fromLatin1(detail);
    };
    row("config req: not protobuf", "configRequest", hex("ff"), "not a valid protobuf");
    row("config req: text", "configRequest", QByteArray("hello, world"), "not a valid protobuf");
    row("config req: response msg", "configRequest", hex("08036a00"), "is a response");
    row("config req: unknown msg", "configRequest", hex("0863"), "unknown msg 99");
    row("config req: negative msg", "configRequest", hex("08ffffffffffffffffff01"), "unknown msg -1");
    row("config req: set without sub-message", "configRequest", hex("0802"),
        "lacks its required sub-message");
    row("config req: thread set without sub-message", "configRequest", hex("0808"), "lacks its required");
    row("config req: payload mismatch", "configRequest", hex("08025200"), "carries payload field 10");
    row("config resp: request msg", "configResponse", hex("5200"), "is a request");
    row("config resp: empty", "configResponse", QByteArray(), "is a request");
    row("config resp: status without sub-message", "configResponse", hex("0801"), "lacks its required");
    row("config resp: set without sub-message", "configResponse", hex("0803"), "lacks its required");
    row("config resp: unknown station state", "configResponse", hex("08015a021009"),
        "unknown wifi_sta_state 9");
    row("config resp: unknown thread state", "configResponse", hex("08078a01021004"),
        "unknown thread_state 4");
    row("config resp: payload mismatch", "configResponse", hex("08037a00"), "carries payload field 15");
    row("config resp: truncated sub-message", "configResponse", hex("08015a25"), "not a valid protobuf");
    row("scan req: empty", "scanRequest", QByteArray(), "lacks its required sub-message");
    row("scan req: result without sub-message", "scanRequest", hex("0804"), "lacks its required");
    row("scan req: thread start without sub-message", "scanRequest", hex("0806"), "lacks its required");
    row("scan req: response msg", "scanRequest", hex("08015a00"), "is a response");
    row("scan req: unknown msg", "scanRequest", hex("080c"), "unknown msg 12");
    row("scan resp: request msg", "scanResponse", hex("5206080118052078"), "is a request");
    row("scan resp: success without sub-message", "scanResponse", hex("0803"), "lacks its required");
    row("scan resp: payload mismatch", "scanResponse", hex("08036200"), "carries payload field 12");
    row("scan resp: bad varint", "scanResponse", hex("08ffffffffffffffffffff01"), "not a valid protobuf");
    row("ctrl req: empty", "ctrlRequest", QByteArray(), "unknown msg 0");
    row("ctrl req: response msg", "ctrlRequest", hex("08026200"), "is a response");
    row("ctrl req: unknown msg", "ctrlRequest", hex("0809"), "unknown msg 9");
    row("ctrl req: payload mismatch", "ctrlRequest", hex("08016a00"), "carries payload field 13");
    row("ctrl resp: request msg", "ctrlResponse", hex("08015a00"), "is a request");
    row("ctrl resp: success without sub-message", "ctrlResponse", hex("0802"), "lacks its required");
    row("ctrl resp: msg with wrong wire type is unknown", "ctrlResponse", hex("0a0102"), "unknown msg 0");
    row("ctrl resp: deep group nesting", "ctrlResponse", QByteArray(200, '\x0b'), "not a valid protobuf");
}

void TestCodec::rejectsMalformedInput()
{
    QFETCH(QString, decoder);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, detail);
    std::optional<Error> error;
    auto take = [&error](const auto &result) {
        if (!result)
            error = result.error();
    };
    if (decoder == QLatin1String("configRequest"))
        take(decodeConfigRequest(bytes));
    else if (decoder == QLatin1String("configResponse"))
        take(decodeConfigResponse(bytes));
    else if (decoder == QLatin1String("scanRequest"))
        take(decodeScanRequest(bytes));
    else if (decoder == QLatin1String("scanResponse"))
        take(decodeScanResponse(bytes));
    else if (decoder == QLatin1String("ctrlRequest"))
        take(decodeCtrlRequest(bytes));
    else
        take(decodeCtrlResponse(bytes));
    QVERIFY2(error, "decoded successfully");
    QCOMPARE(error->code, ErrorCode::MalformedMessage);
    QVERIFY2(error->detail.contains(detail), qPrintable(error->detail));
}

void TestCodec::acceptsErrorResponsesWithoutSubMessage()
{
    // Scan/ctrl keep status at the top level (§3.3): an error answer is meaningful without payload.
    const auto scan = alt<ScanWifiResultResponse>(decodeScanResponse(hex("08051005")));
    QVERIFY(scan);
    QCOMPARE(scan->status, 5);
    QVERIFY(scan->entries.isEmpty());
    const auto ctrl = decodeCtrlResponse(hex("08021005"));
    QVERIFY(ctrl);
    QCOMPARE(ctrl->status, 5);
}

void TestCodec::rejectsOversizedInput()
{
    SetWifiConfig big;
    big.credentials.ssid = QByteArray(8000, 'a');
    const QByteArray fits = encodeConfigRequest(big);
    QVERIFY(fits.size() <= 8192);
    QVERIFY(decodeConfigRequest(fits));

    const QByteArray tooBig = fits + QByteArray(8193 - fits.size(), '\0');
    for (const Decoder &d : allDecoders())
        QVERIFY2(d.run(tooBig) == Outcome::Malformed, d.name);
    const auto error = decodeConfigRequest(tooBig);
    QVERIFY(error.error().detail.contains(QStringLiteral("limit")));
}

void TestCodec::everyTruncationIsRejectedOrValid()
{
    // A prefix that ends on a field boundary can itself be a valid message; only these are.
    const QList<std::pair<QByteArray, QByteArray>> validPrefixes {
        // Requests the device dispatches on msg alone (§3.3); msg 0 = GetWifiStatus is the empty string.
        { "configRequest", QByteArray() },
        { "configRequest", hex("0804") },
        { "scanRequest", hex("0802") },
        { "ctrlRequest", hex("0801") },
        { "ctrlRequest", hex("0803") },
        // An error response without its (empty) sub-message: status is at the top level.
        { "ctrlResponse", hex("08021005") },
    };
    QList<std::pair<const char *, QByteArray>> messages = validMessages();
    for (int i = 0; i < 3; ++i) {
        const QJsonObject vector = loadVector(QString::fromLatin1(vectorFileName(i)));
        for (const QJsonObject &e : exchangesFor(vector, QStringLiteral("prov-scan"))) {
            messages.append({ "scanRequest", plaintext(e, "request") });
            messages.append({ "scanResponse", plaintext(e, "response") });
        }
        for (const QJsonObject &e : exchangesFor(vector, QStringLiteral("prov-config"))) {
            messages.append({ "configRequest", plaintext(e, "request") });
            messages.append({ "configResponse", plaintext(e, "response") });
        }
    }
    QCOMPARE(messages.size(), validMessages().size() + 36);
    int checked = 0;
    for (const auto &[decoderName, message] : messages) {
        const Decoder decoder = decoderNamed(decoderName);
        QVERIFY2(decoder.run(message) == Outcome::Ok, decoderName);
        for (qsizetype n = 0; n < message.size(); ++n) {
            const QByteArray prefix = message.left(n);
            const Outcome outcome = decoder.run(prefix);
            const bool allowed = validPrefixes.contains({ QByteArray(decoderName), prefix });
            const QByteArray what = QByteArray(decoderName) + ": " + prefix.toHex();
            QVERIFY2(outcome == (allowed ? Outcome::Ok : Outcome::Malformed), what.constData());
            ++checked;
        }
    }
    QVERIFY(checked > 900); // ~980 prefixes
}

void TestCodec::randomJunkNeverCrashes()
{
    QRandomGenerator rng(0x5eed1234);
    const QList<Decoder> decoders = allDecoders();
    int rejected = 0;
    for (int i = 0; i < 4000; ++i) {
        QByteArray junk(rng.bounded(1, 96), '\0');
        for (char &c : junk)
            c = char(rng.bounded(256));
        for (const Decoder &d : decoders) {
            const Outcome outcome = d.run(junk);
            QVERIFY2(outcome != Outcome::OtherError, d.name);
            rejected += outcome == Outcome::Malformed;
        }
    }
    // Random bytes are almost never a well-formed payload with a matching msg.
    QVERIFY2(rejected > 4000 * 6 * 95 / 100, QByteArray::number(rejected).constData());
}

void TestCodec::mutatedMessagesNeverCrash()
{
    QRandomGenerator rng(0xc0dec);
    for (const auto &[decoderName, message] : validMessages()) {
        const Decoder decoder = decoderNamed(decoderName);
        for (int i = 0; i < 300; ++i) {
            QByteArray mutated = message;
            const int flips = rng.bounded(1, 4);
            for (int f = 0; f < flips; ++f)
                mutated[rng.bounded(int(mutated.size()))] = char(rng.bounded(256));
            if (rng.bounded(4) == 0)
                mutated.append(char(rng.bounded(256)));
            for (const Decoder &d : allDecoders())
                QVERIFY2(d.run(mutated) != Outcome::OtherError, d.name);
        }
        QVERIFY(decoder.run(message) == Outcome::Ok);
    }
}

QTEST_APPLESS_MAIN(TestCodec)
#include "tst_codec.moc"
