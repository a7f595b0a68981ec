// SPDX-License-Identifier: Apache-2.0
// Client and device roles of Security 0/1/2 against each other in process: happy paths, every
// credential/authenticity failure, malformed input, and the SRP leading-zero encodings of §8.5 /
// §13 item 5 (found by a deterministic search and asserted to have been hit).

#include "codec/sessioncodec.h"
#include "prov/security.h"
#include "security/srp.h"
#include "securitytesthelpers.h"

#include <QElapsedTimer>
#include <QTest>

using namespace prov;
using provtest::CounterRandom;
using provtest::hex;
using provtest::ReplayRandom;

namespace {

const QByteArray kUser = "wifiprov";
const QByteArray kPassword = "abcd1234";
const QByteArray kRequest = "\x52\x00"; // GetStatus (§3.4)
const QByteArray kResponse = hex(
    "08015a255a230a0c3139322e3136382e312e343210031a07486f6d654e657422061122334455662806");

/// Handshake transcript: requests[i] was answered by responses[i].
struct Transcript
{
    QList<QByteArray> requests;
    QList<QByteArray> responses;
};

/// Drives a full handshake between the two roles. Returns the first error from either side.
Status handshake(ClientSecurity &client, DeviceSecurity &device, Transcript *transcript = nullptr)
{
    auto first = client.begin();
    if (!first)
        return first.error();
    QByteArray request = *first;
    for (int round = 0; round < 4; ++round) {
        auto response = device.handleSession(request);
        if (!response)
            return response.error();
        if (transcript != nullptr) {
            transcript->requests << request;
            transcript->responses << *response;
        }
        auto next = client.handleResponse(*response);
        if (!next)
            return next.error();
        if (!next->has_value())
            return {};
        request = **next;
    }
    return makeError(ErrorCode::Internal, QStringLiteral("handshake did not finish"));
}

/// One encrypted request/response pair; checks both directions decrypt to what was sent.
Status exchange(
    ClientSecurity &client, DeviceSecurity &device, const QByteArray &request, const QByteArray &response)
{
    auto sealedRequest = client.encrypt(request);
    if (!sealedRequest)
        return sealedRequest.error();
    auto openedRequest = device.decrypt(*sealedRequest);
    if (!openedRequest)
        return openedRequest.error();
    auto sealedResponse = device.encrypt(response);
    if (!sealedResponse)
        return sealedResponse.error();
    auto openedResponse = client.decrypt(*sealedResponse);
    if (!openedResponse)
        return openedResponse.error();
    if (*openedRequest != request || *openedResponse != response)
        return makeError(ErrorCode::Internal, QStringLiteral("round trip changed the payload"));
    return {};
}

QString describe(const Status &status)
{
    return status ? QStringLiteral("ok") : status.error().toString();
}

/// The §12.1 credentials (wifiprov / abcd1234).
Sec2Verifier upstreamCredentials()
{
    const QByteArray salt = hex("036ee0c7bcb9eda84c9eac97d93decf4");
    return { salt, *srp::computeVerifier(salt, kUser, kPassword) };
}

/// A security 2 client draw with bit 255 already set, as the client will use it.
QByteArray clientSecret(QByteArray draw)
{
    draw[0] = static_cast<char>(draw[0] | 0x80);
    return draw;
}

/// M1 recomputed independently of libprov's SRP code (Qt's SHA-512, formula of §8.2) from the wire
/// values and S: catches an encoding mistake that client and device would otherwise share, such as
/// padding S before hashing or trimming K.
QByteArray independentClientProof(
    const QByteArray &A, const QByteArray &B, const QByteArray &salt, const QByteArray &minimalS)
{
    const auto sha512 = [](const QByteArray &data) {
        return QCryptographicHash::hash(data, QCryptographicHash::Sha512);
    };
    QByteArray paddedG(srp::kModulusBytes, '\0');
    paddedG[srp::kModulusBytes - 1] = 5;
    QByteArray groupHash = sha512(srp::modulus());
    const QByteArray gHash = sha512(paddedG);
    for (int i = 0; i < groupHash.size(); ++i)
        groupHash[i] = static_cast<char>(groupHash[i] ^ gHash[i]);
    return sha512(groupHash + sha512(kUser) + salt + A + B + sha512(minimalS));
}

QByteArray setByte(QByteArray bytes, qsizetype index, char value)
{
    bytes[index] = value;
    return bytes;
}

} // namespace

class TestSecurityRoundTrip : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { m_credentials = upstreamCredentials(); }

    // ---- happy paths
    void establishesAndExchanges_data()
    {
        QTest::addColumn<int>("scheme");
        QTest::addColumn<int>("patch");
        QTest::addColumn<QByteArray>("pop");
        QTest::newRow("sec0") << 0 << 0 << QByteArray();
        QTest::newRow("sec1 with PoP") << 1 << 0 << QByteArray("abcd1234");
        QTest::newRow("sec1 without PoP") << 1 << 0 << QByteArray();
        QTest::newRow("sec2 patch 0") << 2 << 0 << QByteArray();
        QTest::newRow("sec2 patch 1") << 2 << 1 << QByteArray();
    }

    void establishesAndExchanges()
    {
        QFETCH(int, scheme);
        QFETCH(int, patch);
        QFETCH(QByteArray, pop);
        std::unique_ptr<ClientSecurity> client;
        std::unique_ptr<DeviceSecurity> device;
        switch (scheme) {
        case 0:
            client = makeClientSecurity0();
            device = makeDeviceSecurity0();
            break;
        case 1:
            client = makeClientSecurity1(pop);
            device = makeDeviceSecurity1(pop);
            break;
        default:
            client = makeClientSecurity2(kUser, kPassword, patch);
            device = makeDeviceSecurity2(m_credentials, patch);
        }
        QCOMPARE(client->version(), scheme);
        QCOMPARE(device->version(), scheme);
        QVERIFY(!client->isEstablished());
        QCOMPARE(client->encrypt(kRequest).error().code, ErrorCode::UnexpectedMessage);

        Transcript transcript;
        const Status status = handshake(*client, *device, &transcript);
        QVERIFY2(status, qPrintable(describe(status)));
        QCOMPARE(transcript.requests.size(), client->handshakeRoundTrips());
        QVERIFY(client->isEstablished());
        QVERIFY(device->isEstablished());

        // Odd sizes on purpose: the sec1 keystream is not block-aligned between messages (§5.2).
        for (int size : { 0, 1, 2, 15, 16, 17, 33, 300 }) {
            const QByteArray request(size, 'q');
            const Status result = exchange(
                *client, *device, request, kResponse.left(size % kResponse.size()));
            QVERIFY2(result, qPrintable(QStringLiteral("size %1: %2").arg(size).arg(describe(result))));
        }

        // Re-keying on the same connection: Cmd0 in any state restarts (§5.3, §8.3).
        if (scheme != 0) {
            const Status again = handshake(*client, *device);
            QVERIFY2(again, qPrintable(describe(again)));
            QVERIFY(exchange(*client, *device, kRequest, kResponse));
        }
    }

    void deviceRestartsOnNewCommand0()
    {
        auto device = makeDeviceSecurity2(m_credentials, 1);
        auto first = makeClientSecurity2(kUser, kPassword, 1);
        QVERIFY(handshake(*first, *device));
        auto second = makeClientSecurity2(kUser, kPassword, 1);
        QVERIFY(handshake(*second, *device));
        QVERIFY(exchange(*second, *device, kRequest, kResponse));
        // The first client's key is gone from the device.
        QCOMPARE(device->decrypt(*first->encrypt(kRequest)).error().code, ErrorCode::DecryptFailed);

        device->resetSession();
        QVERIFY(!device->isEstablished());
        QCOMPARE(device->decrypt(*second->encrypt(kRequest)).error().code, ErrorCode::UnexpectedMessage);
    }

    // ---- credentials and authenticity
    void rejectsWrongProofOfPossession_data()
    {
        QTest::addColumn<QByteArray>("clientPop");
        QTest::addColumn<QByteArray>("devicePop");
        QTest::newRow("wrong PoP") << QByteArray("abcd1235") << QByteArray("abcd1234");
        QTest::newRow("stale PoP for a no_pop device") << QByteArray("abcd1234") << QByteArray();
        QTest::newRow("missing PoP") << QByteArray() << QByteArray("abcd1234");
    }

    void rejectsWrongProofOfPossession()
    {
        QFETCH(QByteArray, clientPop);
        QFETCH(QByteArray, devicePop);
        auto client = makeClientSecurity1(clientPop);
        auto device = makeDeviceSecurity1(devicePop);
        const Status status = handshake(*client, *device);
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::AuthenticationFailed);
        QVERIFY(!device->isEstablished());
        QCOMPARE(device->decrypt("x").error().code, ErrorCode::UnexpectedMessage);
    }

    void rejectsWrongSrpPassword_data()
    {
        QTest::addColumn<QByteArray>("username");
        QTest::addColumn<QByteArray>("password");
        QTest::newRow("wrong password") << kUser << QByteArray("abcd1235");
        QTest::newRow("wrong username") << QByteArray("wifiprov2") << kPassword;
        QTest::newRow("empty password") << kUser << QByteArray();
    }

    void rejectsWrongSrpPassword()
    {
        QFETCH(QByteArray, username);
        QFETCH(QByteArray, password);
        auto client = makeClientSecurity2(username, password, 1);
        auto device = makeDeviceSecurity2(m_credentials, 1);
        const Status status = handshake(*client, *device);
        QVERIFY(!status);
        QCOMPARE(status.error().code, ErrorCode::AuthenticationFailed);
        QVERIFY(!device->isEstablished());
    }

    void detectsTamperedDeviceProof()
    {
        auto client = makeClientSecurity2(kUser, kPassword, 1);
        auto device = makeDeviceSecurity2(m_credentials, 1);
        auto resp0 = device->handleSession(*client->begin());
        QVERIFY(resp0);
        auto cmd1 = client->handleResponse(*resp0);
        QVERIFY(cmd1 && cmd1->has_value());
        auto resp1 = device->handleSession(**cmd1);
        QVERIFY(resp1);
        auto decoded = codec::decodeSession(*resp1);
        QVERIFY(decoded);
        auto tampered = std::get<codec::Sec2Resp1>(*decoded);
        tampered.deviceProof[17] = static_cast<char>(tampered.deviceProof[17] ^ 0x01);
        const auto result = client->handleResponse(codec::encodeSession(tampered));
        QVERIFY(!result);
        QCOMPARE(result.error().code, ErrorCode::HandshakeFailed);
        QVERIFY(!client->isEstablished());
        QCOMPARE(client->encrypt(kRequest).error().code, ErrorCode::UnexpectedMessage);
    }

    void detectsTamperedDeviceVerifyData()
    {
        auto client = makeClientSecurity1("abcd1234");
        auto device = makeDeviceSecurity1("abcd1234");
        auto resp0 = device->handleSession(*client->begin());
        auto cmd1 = client->handleResponse(*resp0);
        QVERIFY(cmd1 && cmd1->has_value());
        auto resp1 = device->handleSession(**cmd1);
        QVERIFY(resp1);
        auto tampered = std::get<codec::Sec1Resp1>(*codec::decodeSession(*resp1));
        tampered.deviceVerifyData[0] = static_cast<char>(tampered.deviceVerifyData[0] ^ 0x80);
        const auto result = client->handleResponse(codec::encodeSession(tampered));
        QCOMPARE(result.error().code, ErrorCode::HandshakeFailed);
        QVERIFY(result.error().detail.contains(QStringLiteral("not authentic")));
    }

    void tamperedCiphertextFailsToDecrypt_data()
    {
        QTest::addColumn<int>("patch");
        QTest::newRow("patch 0") << 0;
        QTest::newRow("patch 1") << 1;
    }

    void tamperedCiphertextFailsToDecrypt()
    {
        QFETCH(int, patch);
        auto client = makeClientSecurity2(kUser, kPassword, patch);
        auto device = makeDeviceSecurity2(m_credentials, patch);
        QVERIFY(handshake(*client, *device));

        const QByteArray sealed = *client->encrypt(kResponse);
        for (qsizetype index : { qsizetype(0), sealed.size() / 2, sealed.size() - 1 }) { // body and tag
            const auto result = device->decrypt(
                setByte(sealed, index, static_cast<char>(sealed[index] ^ 0x04)));
            QCOMPARE(result.error().code, ErrorCode::DecryptFailed);
        }
        QCOMPARE(device->decrypt(sealed.left(15)).error().code, ErrorCode::DecryptFailed);
        QCOMPARE(device->decrypt({}).error().code, ErrorCode::DecryptFailed);
        // Failures do not advance the shared counter (§8.4), so the genuine message still opens.
        QCOMPARE(*device->decrypt(sealed), kResponse);

        const QByteArray reply = *device->encrypt(kRequest);
        QCOMPARE(client->decrypt(setByte(reply, 0, static_cast<char>(reply[0] ^ 1))).error().code,
            ErrorCode::DecryptFailed);
        QCOMPARE(*client->decrypt(reply), kRequest);
        if (patch == 1) // a replayed message no longer authenticates: the counter moved on
            QCOMPARE(client->decrypt(reply).error().code, ErrorCode::DecryptFailed);
    }

    void patchVersionMismatchIsDetected_data()
    {
        QTest::addColumn<int>("clientPatch");
        QTest::addColumn<int>("devicePatch");
        QTest::newRow("patch 1 client, legacy device") << 1 << 0;
        QTest::newRow("patch 0 client, patch 1 device") << 0 << 1;
    }

    void patchVersionMismatchIsDetected()
    {
        QFETCH(int, clientPatch);
        QFETCH(int, devicePatch);
        auto client = makeClientSecurity2(kUser, kPassword, clientPatch);
        auto device = makeDeviceSecurity2(m_credentials, devicePatch);
        const Status status = handshake(*client, *device);
        QCOMPARE(status.error().code, ErrorCode::VersionMismatch);
        QCOMPARE(makeClientSecurity2(kUser, kPassword, 2)->begin().error().code, ErrorCode::VersionMismatch);
    }

    // ---- malformed input: clear errors, never a crash
    void deviceRejectsMalformedSessionData_data()
    {
        QTest::addColumn<int>("scheme");
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<ErrorCode>("expected");
        const QByteArray sec1Cmd0 = codec::encodeSession(codec::Sec1Cmd0 { QByteArray(32, '\x09') });
        const QByteArray sec2Cmd0 = codec::encodeSession(codec::Sec2Cmd0 { kUser, QByteArray(384, '\x07') });
        for (int scheme : { 0, 1, 2 }) {
            const QByteArray tag = "sec" + QByteArray::number(scheme) + ": ";
            QTest::newRow(tag + "empty") << scheme << QByteArray() << ErrorCode::MalformedMessage;
            QTest::newRow(tag + "junk")
                << scheme << QByteArray("\xff\xff\xff\xff\xff") << ErrorCode::MalformedMessage;
            QTest::newRow(tag + "text") << scheme << QByteArray("hello world") << ErrorCode::MalformedMessage;
            QTest::newRow(tag + "oversize")
                << scheme << QByteArray(9000, '\0') << ErrorCode::MalformedMessage;
            QTest::newRow(tag + "truncated")
                << scheme << sec2Cmd0.left(sec2Cmd0.size() / 2) << ErrorCode::MalformedMessage;
            // sec1 payload whose msg says Response0 but whose member is sc0.
            QTest::newRow(tag + "msg contradicts member")
                << scheme << hex("10015a050801a20100") << ErrorCode::MalformedMessage;
        }
        QTest::newRow("sec0: sec1 command") << 0 << sec1Cmd0 << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec1: sec0 command") << 1 << hex("5203a20100") << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec1: sec2 command") << 1 << sec2Cmd0 << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec2: sec1 command") << 2 << sec1Cmd0 << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec2: sec_ver 2 with a sec1 payload")
            << 2 << setByte(sec1Cmd0, 1, 2) << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec2: sec_ver 7") << 2 << setByte(sec2Cmd0, 1, 7) << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec1: response sent to device")
            << 1 << codec::encodeSession(codec::Sec1Resp1 { 0, QByteArray(32, 'x') })
            << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec1: Cmd1 before Cmd0")
            << 1 << codec::encodeSession(codec::Sec1Cmd1 { QByteArray(32, 'x') })
            << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec1: short pubkey")
            << 1 << codec::encodeSession(codec::Sec1Cmd0 { QByteArray(31, 'x') })
            << ErrorCode::InvalidArgument;
        QTest::newRow("sec1: low-order pubkey")
            << 1 << codec::encodeSession(codec::Sec1Cmd0 { QByteArray(32, '\0') })
            << ErrorCode::InvalidArgument;
        QTest::newRow("sec2: Cmd1 before Cmd0")
            << 2 << codec::encodeSession(codec::Sec2Cmd1 { QByteArray(64, 'x') })
            << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec2: 383-byte A")
            << 2 << codec::encodeSession(codec::Sec2Cmd0 { kUser, QByteArray(383, '\x07') })
            << ErrorCode::InvalidArgument;
        QTest::newRow("sec2: 385-byte A")
            << 2 << codec::encodeSession(codec::Sec2Cmd0 { kUser, QByteArray(385, '\x07') })
            << ErrorCode::InvalidArgument;
        QTest::newRow("sec2: A = 0") << 2
                                     << codec::encodeSession(codec::Sec2Cmd0 { kUser, QByteArray(384, '\0') })
                                     << ErrorCode::InvalidArgument;
        QTest::newRow("sec2: A = N") << 2 << codec::encodeSession(codec::Sec2Cmd0 { kUser, srp::modulus() })
                                     << ErrorCode::InvalidArgument;
        QTest::newRow("sec2: empty username")
            << 2 << codec::encodeSession(codec::Sec2Cmd0 { {}, QByteArray(384, '\x07') })
            << ErrorCode::InvalidArgument;
    }

    void deviceRejectsMalformedSessionData()
    {
        QFETCH(int, scheme);
        QFETCH(QByteArray, request);
        QFETCH(ErrorCode, expected);
        std::unique_ptr<DeviceSecurity> device = scheme == 0 ? makeDeviceSecurity0()
            : scheme == 1                                    ? makeDeviceSecurity1("abcd1234")
                                                             : makeDeviceSecurity2(m_credentials, 1);
        const auto result = device->handleSession(request);
        QVERIFY(!result);
        QCOMPARE(result.error().code, expected);
        QVERIFY(!result.error().detail.isEmpty());
        QVERIFY(!device->isEstablished());
    }

    void deviceRejectsBadClientProof()
    {
        auto device = makeDeviceSecurity2(m_credentials, 1);
        auto client = makeClientSecurity2(kUser, kPassword, 1);
        QVERIFY(device->handleSession(*client->begin()));
        const auto shortProof = device->handleSession(
            codec::encodeSession(codec::Sec2Cmd1 { QByteArray(63, 'x') }));
        QCOMPARE(shortProof.error().code, ErrorCode::InvalidArgument);
        // After a failed step the device wants a new Cmd0.
        const auto late = device->handleSession(
            codec::encodeSession(codec::Sec2Cmd1 { QByteArray(64, 'x') }));
        QCOMPARE(late.error().code, ErrorCode::UnexpectedMessage);
    }

    void clientRejectsMalformedResponses_data()
    {
        QTest::addColumn<int>("scheme");
        QTest::addColumn<QByteArray>("response");
        QTest::addColumn<ErrorCode>("expected");
        const QByteArray B(384, '\x33');
        const QByteArray salt = hex("036ee0c7bcb9eda84c9eac97d93decf4");
        for (int scheme : { 0, 1, 2 }) {
            const QByteArray tag = "sec" + QByteArray::number(scheme) + ": ";
            QTest::newRow(tag + "empty") << scheme << QByteArray() << ErrorCode::MalformedMessage;
            QTest::newRow(tag + "junk")
                << scheme << QByteArray("\xff\xff\xff\xff\xff") << ErrorCode::MalformedMessage;
            QTest::newRow(tag + "oversize")
                << scheme << QByteArray(9000, '\x01') << ErrorCode::MalformedMessage;
            QTest::newRow(tag + "truncated")
                << scheme << hex("10015a390801aa013412") << ErrorCode::MalformedMessage;
            QTest::newRow(tag + "own command echoed")
                << scheme << codec::encodeSession(codec::Sec2Cmd1 { QByteArray(64, 'x') })
                << ErrorCode::UnexpectedMessage;
        }
        QTest::newRow("sec0: rejected")
            << 0 << codec::encodeSession(codec::Sec0Resp { 5 }) << ErrorCode::DeviceRejected;
        QTest::newRow("sec0: sec1 response")
            << 0 << codec::encodeSession(codec::Sec1Resp1 { 0, QByteArray(32, 'x') })
            << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec1: rejected")
            << 1 << codec::encodeSession(codec::Sec1Resp0 { 4, {}, {} }) << ErrorCode::DeviceRejected;
        QTest::newRow("sec1: short device pubkey")
            << 1 << codec::encodeSession(codec::Sec1Resp0 { 0, QByteArray(31, 'x'), QByteArray(16, 'r') })
            << ErrorCode::MalformedMessage;
        QTest::newRow("sec1: short device_random")
            << 1 << codec::encodeSession(codec::Sec1Resp0 { 0, QByteArray(32, 'x'), QByteArray(12, 'r') })
            << ErrorCode::MalformedMessage;
        QTest::newRow("sec1: low-order device pubkey")
            << 1 << codec::encodeSession(codec::Sec1Resp0 { 0, QByteArray(32, '\0'), QByteArray(16, 'r') })
            << ErrorCode::HandshakeFailed;
        QTest::newRow("sec1: Resp1 first")
            << 1 << codec::encodeSession(codec::Sec1Resp1 { 0, QByteArray(32, 'x') })
            << ErrorCode::UnexpectedMessage;
        QTest::newRow("sec2: rejected")
            << 2 << codec::encodeSession(codec::Sec2Resp0 { 5, B, salt }) << ErrorCode::DeviceRejected;
        QTest::newRow("sec2: B = N") << 2
                                     << codec::encodeSession(codec::Sec2Resp0 { 0, srp::modulus(), salt })
                                     << ErrorCode::HandshakeFailed;
        QTest::newRow("sec2: B = 0") << 2
                                     << codec::encodeSession(
                                            codec::Sec2Resp0 { 0, QByteArray(1, '\0'), salt })
                                     << ErrorCode::HandshakeFailed;
        QTest::newRow("sec2: empty B")
            << 2 << codec::encodeSession(codec::Sec2Resp0 { 0, {}, salt }) << ErrorCode::MalformedMessage;
        QTest::newRow("sec2: 385-byte B")
            << 2 << codec::encodeSession(codec::Sec2Resp0 { 0, QByteArray(385, 'b'), salt })
            << ErrorCode::MalformedMessage;
        QTest::newRow("sec2: empty salt")
            << 2 << codec::encodeSession(codec::Sec2Resp0 { 0, B, {} }) << ErrorCode::MalformedMessage;
        QTest::newRow("sec2: sec_ver 1")
            << 2 << setByte(codec::encodeSession(codec::Sec2Resp0 { 0, B, salt }), 1, 1)
            << ErrorCode::UnexpectedMessage;
    }

    void clientRejectsMalformedResponses()
    {
        QFETCH(int, scheme);
        QFETCH(QByteArray, response);
        QFETCH(ErrorCode, expected);
        std::unique_ptr<ClientSecurity> client = scheme == 0 ? makeClientSecurity0()
            : scheme == 1                                    ? makeClientSecurity1("abcd1234")
                                                             : makeClientSecurity2(kUser, kPassword, 1);
        QCOMPARE(
            client->handleResponse(response).error().code, ErrorCode::UnexpectedMessage); // before begin()
        QVERIFY(client->begin());
        const auto result = client->handleResponse(response);
        QVERIFY(!result);
        QCOMPARE(result.error().code, expected);
        QVERIFY(!result.error().detail.isEmpty());
        QVERIFY(!client->isEstablished());
        // The failed handshake is over; another response is out of place until begin().
        QCOMPARE(client->handleResponse(response).error().code, ErrorCode::UnexpectedMessage);
    }

    void clientRejectsBadResp1()
    {
        auto client = makeClientSecurity2(kUser, kPassword, 1);
        auto device = makeDeviceSecurity2(m_credentials, 1);
        QVERIFY(client->handleResponse(*device->handleSession(*client->begin())));
        const auto result = client->handleResponse(
            codec::encodeSession(codec::Sec2Resp1 { 0, QByteArray(63, 'p'), QByteArray(12, 'n') }));
        QCOMPARE(result.error().code, ErrorCode::MalformedMessage);
        QVERIFY(!makeClientSecurity2({}, kPassword, 1)->begin());
    }

    // ---- SRP leading-zero encodings (§8.5, §13 item 5)
    void coversClientPublicWithLeadingZero()
    {
        // Search client draws for an A whose first byte is 00: it must still be sent as 384 bytes.
        CounterRandom search("prov-test-leading-zero-A");
        QByteArray draw;
        for (int i = 0; i < 8192 && draw.isEmpty(); ++i) {
            const QByteArray candidate = search.bytes(srp::kPrivateBytes);
            if (srp::computeClientPublic(clientSecret(candidate))->at(0) == '\0')
                draw = candidate;
        }
        QVERIFY2(!draw.isEmpty(), "no A with a leading zero byte found");

        auto client = makeClientSecurity2(
            kUser, kPassword, 1, std::make_shared<ReplayRandom>(QList<QByteArray> { draw }));
        auto device = makeDeviceSecurity2(m_credentials, 1, std::make_shared<CounterRandom>("device-A"));
        Transcript transcript;
        const Status status = handshake(*client, *device, &transcript);
        QVERIFY2(status, qPrintable(describe(status)));
        const auto cmd0 = std::get<codec::Sec2Cmd0>(*codec::decodeSession(transcript.requests.first()));
        QCOMPARE(cmd0.clientPubkey.size(), srp::kModulusBytes);
        QCOMPARE(cmd0.clientPubkey.at(0), '\0'); // the condition was really hit on the wire
        QVERIFY(exchange(*client, *device, kRequest, kResponse));
    }

    void coversShortDevicePublicPremasterAndKey()
    {
        // One fixed client; search device draws b for: B shorter than 384 bytes (sent minimal),
        // S whose minimal encoding is shorter than 384 bytes (K = H(S) must not pad), and K
        // starting with 00 (K is used as a fixed 64-byte digest, the AES key its first 32 bytes).
        const QByteArray clientDraw = CounterRandom("prov-test-client").bytes(srp::kPrivateBytes);
        const QByteArray A = *srp::computeClientPublic(clientSecret(clientDraw));
        CounterRandom search("prov-test-leading-zero-b");
        QByteArray shortB, shortS, zeroK;
        for (int i = 0; i < 8192 && (shortB.isEmpty() || shortS.isEmpty() || zeroK.isEmpty()); ++i) {
            const QByteArray b = search.bytes(srp::kPrivateBytes);
            const QByteArray B = *srp::computeDevicePublic(b, m_credentials.verifier);
            if (B.size() < srp::kModulusBytes && shortB.isEmpty())
                shortB = b;
            const auto S = srp::devicePremaster(b, A, B, m_credentials.verifier);
            QVERIFY(S);
            if (S->size() < srp::kModulusBytes && shortS.isEmpty())
                shortS = b;
            if (srp::sessionKey(S->view())->constData()[0] == '\0' && zeroK.isEmpty())
                zeroK = b;
        }
        QVERIFY2(!shortB.isEmpty(), "no short B found");
        QVERIFY2(!shortS.isEmpty(), "no short S found");
        QVERIFY2(!zeroK.isEmpty(), "no K with a leading zero found");

        struct Case
        {
            const char *name;
            QByteArray b;
        };
        for (const Case &c :
            { Case { "short B", shortB }, Case { "short S", shortS }, Case { "K starts with 00", zeroK } }) {
            auto client = makeClientSecurity2(
                kUser, kPassword, 1, std::make_shared<ReplayRandom>(QList<QByteArray> { clientDraw }));
            auto rng = std::make_shared<ReplayRandom>(QList<QByteArray> { c.b, hex("a1a2a3a4a5a6a7a8") });
            auto device = makeDeviceSecurity2(m_credentials, 1, rng);
            Transcript transcript;
            const Status status = handshake(*client, *device, &transcript);
            QVERIFY2(
                status, qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(c.name), describe(status))));
            QVERIFY(rng->allConsumed());
            QVERIFY(exchange(*client, *device, kRequest, kResponse));

            // Re-derive the case's property from the wire transcript: it was really hit.
            const auto resp0 = std::get<codec::Sec2Resp0>(
                *codec::decodeSession(transcript.responses.first()));
            const auto cmd1 = std::get<codec::Sec2Cmd1>(*codec::decodeSession(transcript.requests.last()));
            const auto S = srp::devicePremaster(c.b, A, resp0.devicePubkey, m_credentials.verifier);
            QVERIFY(S && S->constData()[0] != '\0'); // minimal encoding
            QCOMPARE(cmd1.clientProof.toHex(),
                independentClientProof(A, resp0.devicePubkey, resp0.deviceSalt, S->toByteArray()).toHex());
            if (c.b == shortB)
                QVERIFY(resp0.devicePubkey.size() < srp::kModulusBytes && resp0.devicePubkey.at(0) != '\0');
            if (c.b == shortS)
                QVERIFY(S->size() < srp::kModulusBytes);
            if (c.b == zeroK)
                QCOMPARE(srp::sessionKey(S->view())->constData()[0], '\0');
        }
    }

    void usesSaltWithLeadingZeroRaw()
    {
        // A device may be provisioned with a salt starting 00 (generated elsewhere); the client must
        // hash it exactly as received (§8.5: esp_prov and Android fail here).
        const QByteArray salt = hex("00a1b2c3d4e5f60718293a4b5c6d7e8f");
        const Sec2Verifier credentials { salt, *srp::computeVerifier(salt, kUser, kPassword) };
        const QByteArray clientDraw = CounterRandom("prov-test-salt-client").bytes(srp::kPrivateBytes);
        for (int patch : { 0, 1 }) {
            auto client = makeClientSecurity2(
                kUser, kPassword, patch, std::make_shared<ReplayRandom>(QList<QByteArray> { clientDraw }));
            auto device = makeDeviceSecurity2(
                credentials, patch, std::make_shared<CounterRandom>("prov-test-salt"));
            Transcript transcript;
            const Status status = handshake(*client, *device, &transcript);
            QVERIFY2(status, qPrintable(describe(status)));
            QVERIFY(exchange(*client, *device, kRequest, kResponse));

            // The proof on the wire hashes the salt with its leading 00 (independent recomputation).
            const auto cmd0 = std::get<codec::Sec2Cmd0>(*codec::decodeSession(transcript.requests.first()));
            const auto resp0 = std::get<codec::Sec2Resp0>(
                *codec::decodeSession(transcript.responses.first()));
            const auto cmd1 = std::get<codec::Sec2Cmd1>(*codec::decodeSession(transcript.requests.last()));
            QCOMPARE(resp0.deviceSalt, salt);
            const auto S = srp::clientPremaster(
                clientSecret(clientDraw), cmd0.clientPubkey, resp0.devicePubkey, salt, kUser, kPassword);
            QVERIFY(S);
            QCOMPARE(cmd1.clientProof.toHex(),
                independentClientProof(cmd0.clientPubkey, resp0.devicePubkey, salt, S->toByteArray())
                    .toHex());
        }
    }

    // ---- volume
    void thousandRandomSec2Sessions()
    {
        constexpr int kSessions = 1000;
        int failures = 0;
        int shortA = 0;
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < kSessions; ++i) {
            const int patch = i % 2;
            auto client = makeClientSecurity2(kUser, kPassword, patch);
            auto device = makeDeviceSecurity2(m_credentials, patch);
            Transcript transcript;
            Status status = handshake(*client, *device, &transcript);
            if (status)
                status = exchange(*client, *device, kRequest, kResponse);
            if (!status) {
                ++failures;
                qWarning("session %d failed: %s", i, qPrintable(describe(status)));
            }
            if (!transcript.requests.isEmpty()
                && transcript.requests.first().at(22) == '\0') // first byte of A
                ++shortA;
        }
        qInfo("%d random sec2 sessions in %lld ms (%d with a leading-zero A)", kSessions, timer.elapsed(),
            shortA);
        QCOMPARE(failures, 0);
    }

private:
    Sec2Verifier m_credentials;
};

QTEST_GUILESS_MAIN(TestSecurityRoundTrip)
#include "tst_security_roundtrip.moc"
