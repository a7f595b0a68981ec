// SPDX-License-Identifier: Apache-2.0
// Known-answer tests of Security 0/1/2 in both roles: shared/vectors/secN.json (recorded esp_prov
// and ESP-IDF v5.5.5 device bytes) and the tables of docs/protocol.md §12.1/§12.2.

#include "codec/sessioncodec.h"
#include "crypto/crypto.h"
#include "prov/security.h"
#include "security/srp.h"
#include "securitytesthelpers.h"

#include <QTest>

using namespace prov;
using provtest::hex;
using provtest::hexField;
using provtest::ReplayRandom;

namespace {

// ---- docs/protocol.md §12.2, Security 1 (PoP "abcd1234")
const char kSec1ClientPrivate[] = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";
const char kSec1ClientPublic[] = "07a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
const char kSec1DevicePrivate[] = "4142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60";
const char kSec1DevicePublic[] = "64b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d9846d48466";
const char kSec1DeviceRandom[] = "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";
const char kSec1Shared[] = "26c2c17fdb82161cb21ad16e721315355b64d1763119b10bfc962530dc7cc163";
const char kSec1PopHash[] = "e9cee71ab932fde863338d08be4de9dfe39ea049bdafb342ce659ec5450b69ae";
const char kSec1SymKey[] = "cf0c266562b0ebf4d1295c66cc5efceab8fa713f8cb6024932f3bbf59977a8cd";
const char kSec1ClientVerify[] = "c4a89b1acc9f181421f27ada88e1d81b23233eedb4ad011f5b4f5eeac83ee6c9";
const char kSec1DeviceVerify[] = "29a2e4c89371f5f6e4f0d90538f211db81918ef1eb68cea8db0bc6b0135214f8";
const char kSec1Cmd0[] = "10015a25a201220a2007a37cbc142093c8b755dc1b10e86cb426374ad16aa853ed0bdfc0b2b86d1c7c";
const char kSec1Resp0[] = "10015a390801aa0134122064b101b1d0be5a8704bd078f9895001fc03e8e9f9522f188dd128d9846d4"
                          "8466"
                          "1a10a0a1a2a3a4a5a6a7a8a9aaabacadaeaf";
const char kSec1Cmd1[] = "10015a270802b201221220c4a89b1acc9f181421f27ada88e1d81b23233eedb4ad011f5b4f5eeac83ee"
                         "6c9";
const char kSec1Resp1[] = "10015a270803ba01221a2029a2e4c89371f5f6e4f0d90538f211db81918ef1eb68cea8db0bc6b01352"
                          "14f8";
const char kSec1NoPopClientVerify[] = "c364240633b64680305b0c74e4d30071e6f9535255998e14d5b9f69db503ef7e";

// ---- docs/protocol.md §12.1 (upstream dev-mode credentials wifiprov / abcd1234)
const char kSalt[] = "036ee0c7bcb9eda84c9eac97d93decf4";
const char kVerifier[]
    = "7c7c85476508946dd636af37d7e8914378cffd616c59d2f83908127238de9e24a470261cdfa903c2b270e7b13224da11"
      "1d9718dc607208cc9ac90c4827e2ae89aa1625b804d21a9b3a8f37f6e43a712ee127866eadce28ff5446601fb99687dc"
      "5740a7d46cc97754dc1682f0ed356ac470ad3d90b5819470d7bc65b2d518e02ec3a5f968dd647bb8b73c9cfc00d8717e"
      "b79a7cb1b7c2c318342932433e0099e98294e3d82ab09629b7df0e5f08334076529132009f972c896c391ec828054417"
      "3f68028a9f4461d1f5a17e5a70d2c72381cb3868e42c20bc40577617bd08b896bc26eb32466935058c1570d91be9becc"
      "a938a667f0ad5013197264bf52c234e21b11797472bd345bb1e2fd6673fe716474d04ebc51241940870e9240e621e72d"
      "4e37762f2ee268c789e8321342068484534ab30c1b4c8d1c519719abae77ffdbecf0109534336bcb3e840fb9d85fb8a0"
      "b855533e70f718f5ce7b4ebf27cecea8b3be40c5c532293e71649ede8cf675a1e6f653c831a878de5040f762de36b2ba";
const char kX[] = "869b97a7399bdc2e9e2943dbf1f5347a10108ea60e278cafb5849aa0c14f6b735aa186d260e779838af03d4393"
                  "961086"
                  "dabe3321c01c58672f186b698f83314a";

// ---- docs/protocol.md §12.2, Security 2 (wifiprov / abcd1234 with the §12.1 salt and verifier)
const char kSec2A[] = "101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f";
const char kSec2B[] = "505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f";
const char kSec2PublicA[] = "6e08063dfd1a6bbfc6422fe2f5209c65cddc53c28a93df8dc9ffe34cf4d873fd86e9c24ac84f1c3d"
                            "5d73a6bd640636923360a0cc2b5b"
                            "4f82933238b9b3e691648b37077c944dc502b789642efccb565de76a54f73c2a2a9284af59b29c8e"
                            "ea47434d62c67699b4072b08d287"
                            "df798ee6186f467cf6a8bcb90d64be509d979d1d8643945f16412f940a48dd68b42782d0ab7e486d"
                            "e6d72c84ab3fe49c9bb7e071ce0b"
                            "60e9bf4c4925e5184f5a4b9ad09e2f3d0676dcf5b057821b44f7f172962c12d23d57ddea9ed9acbb"
                            "945a9ccd6a36f49d15f591004ad8"
                            "ece7e147ace5c7e0db8d13fdc7baa737d875ae518d08f6b3ae5a703472fdfe1d2459a79e33a46a61"
                            "5bbc24ad7069e5ac2c5ae10b8a6a"
                            "296e052ac49174e7730ed1b7225eed43d8b82c28d7aa4d06826de2768b3a434719363d6a4e2fea50"
                            "fa62dc5d02a64c0c1aefd0fe6644"
                            "76b1f7da1e329db6da7dfb395be32611a5423c74a8fff54d7a33642e87a5723df5985cada6d9af2c"
                            "c1e71af17c1b00858526a3df0b86"
                            "6fcb67dc6307";
const char kSec2PublicB[] = "d4c95711512e6cdc19024d6cb9a9210677f2e6c3a98af761715c5374548d1554304b6c2041cae86e"
                            "092fc2127695cb30d6158d1552fe"
                            "4c1704c0ffb7b0b0636325ca711806088ff6e0243468cceb7f3794a9672660fc332fe9a221714ddb"
                            "4fecf0e04a532efb8f7c232b6ec3"
                            "58f75d3040832631f4b630c853282810f8f59a3d82b34078ad7361a1b84d8ae95d899a8ea2fbf054"
                            "41d35435ddd247fc979156bdba48"
                            "5c64255675d916c0d40adb9eea04d065bebb290f499f24091e7dd68f0bc242efebc6e2b28d76bb79"
                            "3f2823258f0523922f14f448780b"
                            "65c2202af0cd0166c95a3d6a6c7bcb0d2653f701c0de9cce19768c601057ffeab3447d0e61f40734"
                            "06a99edfbf80e94c9673554e1153"
                            "6baf849e321c6780ba883ba5397e9e2718297e5365ff33f602065d36df8e1ad8582d2e95ea94eb86"
                            "4b627449bebe90053dbb13671761"
                            "03726fd5c8edc8b8a384850cff4d598fc80df556a0e072d6b603c1c25c07963cfdd86a2bb6f68371"
                            "5eb011b5d9d5534dc5e33fb66fcf"
                            "a97bde519bcb";
const char kSec2U[] = "3658d117a90e23b39506d3e261da3e34d4aa4040d6880bbead5f00ac0f9a383bdee8e342d1b81a4fdb071c"
                      "89699380875b"
                      "f9a5f5ec8befabbc050360ff9100ed";
const char kSec2S[] = "628c53f911a41cdacfffad75eab707069a5ad9bf5ac1c5edcf2bf4678fdac6d548b5dd0b988800b68185a8"
                      "bc0d1f18fc077758eb4455"
                      "37412df415c2073d2dfb58acfe8cfa2d07209c25538d97f4b6ccbd4e1c19e777ed95024e61325b339a9902"
                      "810a3d14f9078aeaa31317"
                      "f58f59d3db73eb1c957b16f06619762cb13f66eb12764d9811ac0e8b95cdc9d8a672dfc0cb079b92e82350"
                      "5b09e502685a9b9523f956"
                      "87e256c941fb50abeefa38d528c576127b95a48eeee735d60e982011ce2b0f00566f85311607b10adae7fe"
                      "328281b71254679baf6de1"
                      "53df2cd978ee7cadae97423c46b4239ac5090f9e414e87a9351244a6b5b891d586a9eaaeca4c46593281eb"
                      "ace4f0bd92d4727e09f6e8"
                      "4db52b049fdc2a42896d83351c951ca9dc57edf597c9649c96e9200d77195435c5edd1c1489b127ded0442"
                      "647c11074984483e963872"
                      "88dc660fdde41000fa672fab6d412917f39b1d8b6628cf32daf36923705848471b07b0f4273b99c1f030bc"
                      "32eb5c6c4e31e6a7604f09"
                      "364245b2b5ba";
const char kSec2K[] = "3cbd32e5b9b38abfbb448774ecb22a9e17f1c91f82744855c9a9e7b240c44bfbfb7e6bd4e9830592af97b8"
                      "759fa71d26fe"
                      "e1d343a110c53c78778c52f440a259";
const char kSec2M1[] = "3edd051916e7b02d5ebcfb2a4dd090326d7aa9b859cf00b459a1e16d4ee69ce23cf927eb76c852ca2323f"
                       "d1fddb58271"
                       "76cb3ec50ce13f637931e96a28b3da32";
const char kSec2M2[] = "e1170fc87aea50a285970c1c24c4aeecabebc42693b80810268524ee3490faf40ee994d03a2298ddee9e7"
                       "ed46053e345"
                       "f0b712673cb9acaea7da4f3dbe481248";
const char kSec2AesKey[] = "3cbd32e5b9b38abfbb448774ecb22a9e17f1c91f82744855c9a9e7b240c44bfb";
const char kSec2Cmd0Prefix[] = "1002629103a2018d030a087769666970726f76128003";
const char kSec2Resp0Prefix[] = "1002629b030801aa019503128003";
const char kSec2Resp0Suffix[] = "1a10036ee0c7bcb9eda84c9eac97d93decf4";
const char kSec2Cmd1[] = "100262470802b201420a403edd051916e7b02d5ebcfb2a4dd090326d7aa9b859cf00b459a1e16d4ee69"
                         "ce23cf927eb"
                         "76c852ca2323fd1fddb5827176cb3ec50ce13f637931e96a28b3da32";
const char kSec2Resp1Patch1[]
    = "100262550803ba01501240e1170fc87aea50a285970c1c24c4aeecabebc42693b80810268524ee3490faf4"
      "0ee994d03a2298ddee9e7ed46053e345f0b712673cb9acaea7da4f3dbe4812481a0c0102030405060708"
      "00000001";
const char kPatch1SessionId[] = "0102030405060708";
const char kPatch0Iv[] = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
const char kGetStatus[] = "5200";
const char kStatusResponse[] = "08015a06100162020802";

QByteArray toHex(const Result<QByteArray> &result)
{
    return result ? result->toHex() : QByteArray("error: ") + result.error().toString().toUtf8();
}

QByteArray toHex(const Result<crypto::SecureBytes> &result)
{
    return result ? result->toByteArray().toHex()
                  : QByteArray("error: ") + result.error().toString().toUtf8();
}

QByteArray toHex(const Result<std::optional<QByteArray>> &result)
{
    if (!result)
        return QByteArray("error: ") + result.error().toString().toUtf8();
    return result->has_value() ? (*result)->toHex() : QByteArray("(established)");
}

} // namespace

class TestSecurityVectors : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ClientSecurity> makeClient(const QJsonObject &vector, std::shared_ptr<RandomSource> rng)
    {
        const int secVer = vector.value(QStringLiteral("security_version")).toInt();
        if (secVer == 1)
            return makeClientSecurity1(vector.value(QStringLiteral("pop")).toString().toUtf8(), rng);
        if (secVer == 2)
            return makeClientSecurity2(vector.value(QStringLiteral("username")).toString().toUtf8(),
                vector.value(QStringLiteral("password")).toString().toUtf8(),
                vector.value(QStringLiteral("sec_patch_ver")).toInt(), rng);
        return makeClientSecurity0();
    }

    /// The device's recorded draws in the order the device role makes them (security.h).
    QList<QByteArray> deviceDraws(const QJsonObject &vector)
    {
        const QJsonObject crypto = vector.value(QStringLiteral("crypto")).toObject();
        switch (vector.value(QStringLiteral("security_version")).toInt()) {
        case 1:
            return { hexField(crypto, QStringLiteral("device_private_key")),
                hexField(crypto, QStringLiteral("device_random")) };
        case 2:
            return { hexField(crypto, QStringLiteral("device_secret_b")),
                hexField(crypto, QStringLiteral("device_nonce")).first(8) };
        default:
            return {};
        }
    }

    std::unique_ptr<DeviceSecurity> makeDevice(const QJsonObject &vector, std::shared_ptr<RandomSource> rng)
    {
        const QJsonObject crypto = vector.value(QStringLiteral("crypto")).toObject();
        switch (vector.value(QStringLiteral("security_version")).toInt()) {
        case 1:
            return makeDeviceSecurity1(vector.value(QStringLiteral("pop")).toString().toUtf8(), rng);
        case 2:
            return makeDeviceSecurity2(Sec2Verifier { hexField(crypto, QStringLiteral("salt")),
                                           hexField(crypto, QStringLiteral("verifier")) },
                vector.value(QStringLiteral("sec_patch_ver")).toInt(), rng);
        default:
            return makeDeviceSecurity0();
        }
    }

private Q_SLOTS:
    void clientReproducesRecordedSession_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("sec0") << QStringLiteral("sec0.json");
        QTest::newRow("sec1") << QStringLiteral("sec1.json");
        QTest::newRow("sec2 patch 1") << QStringLiteral("sec2.json");
    }

    void clientReproducesRecordedSession()
    {
        QFETCH(QString, file);
        const QJsonObject vector = provtest::loadVector(file);
        QVERIFY2(!vector.isEmpty(),
            qPrintable(QStringLiteral("cannot load %1 from %2").arg(file, PROV_VECTORS_DIR)));

        QList<QByteArray> draws;
        for (const QJsonValue &draw : vector.value(QStringLiteral("client_randomness"))
                                          .toObject()
                                          .value(QStringLiteral("draws_hex"))
                                          .toArray())
            draws << QByteArray::fromHex(draw.toString().toLatin1());
        auto rng = std::make_shared<ReplayRandom>(draws);
        auto client = makeClient(vector, rng);

        const auto session = provtest::exchangesFor(vector, QStringLiteral("prov-session"));
        QCOMPARE(session.size(), client->handshakeRoundTrips());
        QCOMPARE(toHex(client->begin()),
            session.first().value(QStringLiteral("request_hex")).toString().toLatin1());
        for (qsizetype i = 0; i < session.size(); ++i) {
            const auto next = client->handleResponse(hexField(session.at(i), QStringLiteral("response_hex")));
            const QByteArray expected = i + 1 < session.size()
                ? session.at(i + 1).value(QStringLiteral("request_hex")).toString().toLatin1()
                : QByteArray("(established)");
            QCOMPARE(toHex(next), expected);
        }
        QVERIFY(client->isEstablished());
        QVERIFY2(rng->problems().isEmpty(), qPrintable(rng->problems().join(u'\n')));
        QVERIFY(rng->allConsumed());

        // Every later request/response, in wire order: one keystream (sec1) or one counter (sec2).
        const auto data = provtest::dataExchanges(vector);
        QVERIFY(data.size() >= 7);
        for (const QJsonObject &exchange : data) {
            QCOMPARE(toHex(client->encrypt(hexField(exchange, QStringLiteral("request_plaintext_hex")))),
                exchange.value(QStringLiteral("request_hex")).toString().toLatin1());
            QCOMPARE(toHex(client->decrypt(hexField(exchange, QStringLiteral("response_hex")))),
                exchange.value(QStringLiteral("response_plaintext_hex")).toString().toLatin1());
        }
    }

    void deviceReproducesRecordedSession_data() { clientReproducesRecordedSession_data(); }

    void deviceReproducesRecordedSession()
    {
        QFETCH(QString, file);
        const QJsonObject vector = provtest::loadVector(file);
        QVERIFY(!vector.isEmpty());
        auto rng = std::make_shared<ReplayRandom>(deviceDraws(vector));
        auto device = makeDevice(vector, rng);

        for (const QJsonObject &exchange : provtest::exchangesFor(vector, QStringLiteral("prov-session")))
            QCOMPARE(toHex(device->handleSession(hexField(exchange, QStringLiteral("request_hex")))),
                exchange.value(QStringLiteral("response_hex")).toString().toLatin1());
        QVERIFY(device->isEstablished());
        QVERIFY2(rng->problems().isEmpty(), qPrintable(rng->problems().join(u'\n')));
        QVERIFY(rng->allConsumed());

        for (const QJsonObject &exchange : provtest::dataExchanges(vector)) {
            QCOMPARE(toHex(device->decrypt(hexField(exchange, QStringLiteral("request_hex")))),
                exchange.value(QStringLiteral("request_plaintext_hex")).toString().toLatin1());
            QCOMPARE(toHex(device->encrypt(hexField(exchange, QStringLiteral("response_plaintext_hex")))),
                exchange.value(QStringLiteral("response_hex")).toString().toLatin1());
        }
    }

    void recordedCryptoValuesMatch()
    {
        // The intermediate values recorded next to the sec1/sec2 sessions, through the crypto seam.
        const QJsonObject sec1 = provtest::loadVector(QStringLiteral("sec1.json"))
                                     .value(QStringLiteral("crypto"))
                                     .toObject();
        auto clientKey = crypto::X25519Key::fromPrivate(hexField(sec1, QStringLiteral("client_private_key")));
        QVERIFY(clientKey);
        QCOMPARE(clientKey->publicKey().toHex(),
            sec1.value(QStringLiteral("client_public_key")).toString().toLatin1());
        QCOMPARE(toHex(clientKey->derive(hexField(sec1, QStringLiteral("device_public_key")))),
            sec1.value(QStringLiteral("x25519_shared_secret")).toString().toLatin1());

        const QJsonObject sec2 = provtest::loadVector(QStringLiteral("sec2.json"))
                                     .value(QStringLiteral("crypto"))
                                     .toObject();
        const QByteArray A = hexField(sec2, QStringLiteral("client_public_A"));
        const QByteArray B = hexField(sec2, QStringLiteral("device_public_B"));
        QCOMPARE(
            toHex(srp::computeClientPublic(hexField(sec2, QStringLiteral("client_secret_a")))), A.toHex());
        QCOMPARE(toHex(srp::computeDevicePublic(hexField(sec2, QStringLiteral("device_secret_b")),
                     hexField(sec2, QStringLiteral("verifier")))),
            B.toHex());
        auto S = srp::devicePremaster(hexField(sec2, QStringLiteral("device_secret_b")), A, B,
            hexField(sec2, QStringLiteral("verifier")));
        QVERIFY(S);
        QCOMPARE(
            toHex(srp::sessionKey(S->view())), sec2.value(QStringLiteral("srp_K")).toString().toLatin1());
    }

    // ---- docs/protocol.md §12.2, Security 1 table
    void sec1DocumentVectorsThroughCryptoSeam()
    {
        auto client = crypto::X25519Key::fromPrivate(hex(kSec1ClientPrivate));
        auto device = crypto::X25519Key::fromPrivate(hex(kSec1DevicePrivate));
        QVERIFY(client && device);
        QCOMPARE(client->publicKey().toHex(), QByteArray(kSec1ClientPublic));
        QCOMPARE(device->publicKey().toHex(), QByteArray(kSec1DevicePublic));
        QCOMPARE(toHex(client->derive(hex(kSec1DevicePublic))), QByteArray(kSec1Shared));
        QCOMPARE(toHex(device->derive(hex(kSec1ClientPublic))), QByteArray(kSec1Shared));
        QCOMPARE(toHex(crypto::sha256("abcd1234")), QByteArray(kSec1PopHash));

        auto stream = crypto::AesCtrStream::create(hex(kSec1SymKey), hex(kSec1DeviceRandom));
        QVERIFY(stream);
        QCOMPARE(
            toHex(stream->apply(hex(kSec1DevicePublic))), QByteArray(kSec1ClientVerify)); // keystream 0..31
        QCOMPARE(toHex(stream->apply(hex(kSec1ClientPublic))), QByteArray(kSec1DeviceVerify)); // 32..63
        QCOMPARE(toHex(stream->apply(hex(kGetStatus))), QByteArray("018f")); // 64..65
        QCOMPARE(toHex(stream->apply(hex(kStatusResponse))), QByteArray("bd7e870288b49adac807")); // 66..75
    }

    void sec1DocumentVectorsClientRole()
    {
        auto rng = std::make_shared<ReplayRandom>(QList<QByteArray> { hex(kSec1ClientPrivate) });
        auto client = makeClientSecurity1("abcd1234", rng);
        QCOMPARE(toHex(client->begin()), QByteArray(kSec1Cmd0));
        QCOMPARE(toHex(client->handleResponse(hex(kSec1Resp0))), QByteArray(kSec1Cmd1));
        QCOMPARE(toHex(client->handleResponse(hex(kSec1Resp1))), QByteArray("(established)"));
        QCOMPARE(toHex(client->encrypt(hex(kGetStatus))), QByteArray("018f"));
        QCOMPARE(toHex(client->decrypt(hex("bd7e870288b49adac807"))), QByteArray(kStatusResponse));
        QVERIFY(rng->problems().isEmpty() && rng->allConsumed());
    }

    void sec1DocumentVectorsDeviceRole()
    {
        auto rng = std::make_shared<ReplayRandom>(
            QList<QByteArray> { hex(kSec1DevicePrivate), hex(kSec1DeviceRandom) });
        auto device = makeDeviceSecurity1("abcd1234", rng);
        QCOMPARE(toHex(device->handleSession(hex(kSec1Cmd0))), QByteArray(kSec1Resp0));
        QCOMPARE(toHex(device->handleSession(hex(kSec1Cmd1))), QByteArray(kSec1Resp1));
        QVERIFY(device->isEstablished());
        QCOMPARE(toHex(device->decrypt(hex("018f"))), QByteArray(kGetStatus));
        QCOMPARE(toHex(device->encrypt(hex(kStatusResponse))), QByteArray("bd7e870288b49adac807"));
        QVERIFY(rng->problems().isEmpty() && rng->allConsumed());
    }

    void sec1DocumentVectorsWithoutPop()
    {
        // §12.2 "no-PoP variant": sym_key = shared secret, so only client_verify_data changes.
        const QByteArray cmd1 = codec::encodeSession(codec::Sec1Cmd1 { hex(kSec1NoPopClientVerify) });
        auto client = makeClientSecurity1(
            {}, std::make_shared<ReplayRandom>(QList<QByteArray> { hex(kSec1ClientPrivate) }));
        QCOMPARE(toHex(client->begin()), QByteArray(kSec1Cmd0));
        QCOMPARE(toHex(client->handleResponse(hex(kSec1Resp0))), cmd1.toHex());

        auto device = makeDeviceSecurity1({},
            std::make_shared<ReplayRandom>(
                QList<QByteArray> { hex(kSec1DevicePrivate), hex(kSec1DeviceRandom) }));
        QCOMPARE(toHex(device->handleSession(hex(kSec1Cmd0))), QByteArray(kSec1Resp0));
        auto resp1 = device->handleSession(cmd1);
        QVERIFY2(resp1, qPrintable(resp1 ? QString() : resp1.error().toString()));
        QCOMPARE(toHex(client->handleResponse(*resp1)), QByteArray("(established)"));
        QVERIFY(device->isEstablished());
    }

    // ---- docs/protocol.md §12.1
    void verifierMatchesUpstreamCredentials()
    {
        QCOMPARE(toHex(crypto::sha512("wifiprov:abcd1234")),
            QByteArray(
                "714242d85f632d879099ff6ad0a090f2ea6da5af6b1b24cd2326ac73472f97e95ab9b2c537cbae0ea5ef10e384"
                "9b616269a3fadf8e193745008648e2efb01447"));
        QCOMPARE(toHex(srp::computeX(hex(kSalt), "wifiprov", "abcd1234")), QByteArray(kX));
        QCOMPARE(toHex(srp::computeVerifier(hex(kSalt), "wifiprov", "abcd1234")), QByteArray(kVerifier));

        auto rng = std::make_shared<ReplayRandom>(QList<QByteArray> { hex(kSalt) });
        auto generated = generateSec2Verifier("wifiprov", "abcd1234", 16, rng);
        QVERIFY(generated);
        QCOMPARE(generated->salt.toHex(), QByteArray(kSalt));
        QCOMPARE(generated->verifier.toHex(), QByteArray(kVerifier));
        QVERIFY(rng->allConsumed());
    }

    void generatorRedrawsSaltWithLeadingZero()
    {
        // §8.5: esp_prov and Android strip a leading 00 salt byte, so such salts are never produced.
        auto rng = std::make_shared<ReplayRandom>(
            QList<QByteArray> { hex("00112233445566778899aabbccddeeff"), hex(kSalt) });
        auto generated = generateSec2Verifier("wifiprov", "abcd1234", 16, rng);
        QVERIFY(generated);
        QCOMPARE(generated->salt.toHex(), QByteArray(kSalt));
        QCOMPARE(generated->verifier.toHex(), QByteArray(kVerifier));
        QVERIFY(rng->allConsumed());

        QCOMPARE(generateSec2Verifier({}, "pw").error().code, ErrorCode::InvalidArgument);
        QCOMPARE(generateSec2Verifier("user", "pw", 0).error().code, ErrorCode::InvalidArgument);
    }

    // ---- docs/protocol.md §12.2, Security 2
    void sec2DocumentSrpValues()
    {
        const QByteArray verifier = hex(kVerifier);
        QCOMPARE(toHex(srp::computeClientPublic(hex(kSec2A))), QByteArray(kSec2PublicA));
        QCOMPARE(toHex(srp::computeDevicePublic(hex(kSec2B), verifier)), QByteArray(kSec2PublicB));
        QCOMPARE(toHex(srp::computeU(hex(kSec2PublicA), hex(kSec2PublicB))), QByteArray(kSec2U));
        QCOMPARE(toHex(srp::clientPremaster(
                     hex(kSec2A), hex(kSec2PublicA), hex(kSec2PublicB), hex(kSalt), "wifiprov", "abcd1234")),
            QByteArray(kSec2S));
        QCOMPARE(toHex(srp::devicePremaster(hex(kSec2B), hex(kSec2PublicA), hex(kSec2PublicB), verifier)),
            QByteArray(kSec2S));
        QCOMPARE(toHex(srp::sessionKey(hex(kSec2S))), QByteArray(kSec2K));
        QCOMPARE(toHex(srp::clientProof(
                     "wifiprov", hex(kSalt), hex(kSec2PublicA), hex(kSec2PublicB), hex(kSec2K))),
            QByteArray(kSec2M1));
        QCOMPARE(toHex(srp::deviceProof(hex(kSec2PublicA), hex(kSec2M1), hex(kSec2K))), QByteArray(kSec2M2));
    }

    void sec2DocumentVectorsDeviceRolePatch1()
    {
        auto rng = std::make_shared<ReplayRandom>(QList<QByteArray> { hex(kSec2B), hex(kPatch1SessionId) });
        auto device = makeDeviceSecurity2({ hex(kSalt), hex(kVerifier) }, 1, rng);
        const QByteArray cmd0 = hex(kSec2Cmd0Prefix) + hex(kSec2PublicA);
        QCOMPARE(cmd0.size(), 406);
        QCOMPARE(toHex(device->handleSession(cmd0)),
            (hex(kSec2Resp0Prefix) + hex(kSec2PublicB) + hex(kSec2Resp0Suffix)).toHex());
        QCOMPARE(toHex(device->handleSession(hex(kSec2Cmd1))), QByteArray(kSec2Resp1Patch1));
        QVERIFY(rng->problems().isEmpty() && rng->allConsumed());

        // §12.2 patch 1 table: one counter shared by both directions (1, 2, 3).
        QCOMPARE(toHex(device->decrypt(hex("3c8b6cbb29c085192435ac8cc86898acf0aa"))), QByteArray(kGetStatus));
        QCOMPARE(toHex(device->encrypt(hex(kStatusResponse))),
            QByteArray("15eec7f7631021c7f742763798b430bc321fbb2e39e12b074995"));
        QCOMPARE(toHex(device->decrypt(hex("a0a40e8628c3c6eb482b662fb290241d3741"))), QByteArray(kGetStatus));
    }

    void sec2DocumentVectorsGcmPatch1()
    {
        const QByteArray key = hex(kSec2AesKey);
        const QByteArray id = hex(kPatch1SessionId);
        QCOMPARE(toHex(crypto::gcmSeal(key, id + hex("00000001"), hex(kGetStatus))),
            QByteArray("3c8b6cbb29c085192435ac8cc86898acf0aa"));
        QCOMPARE(toHex(crypto::gcmOpen(
                     key, id + hex("00000002"), hex("15eec7f7631021c7f742763798b430bc321fbb2e39e12b074995"))),
            QByteArray(kStatusResponse));
        QCOMPARE(toHex(crypto::gcmSeal(key, id + hex("00000003"), hex(kGetStatus))),
            QByteArray("a0a40e8628c3c6eb482b662fb290241d3741"));
        // The wrong counter must not authenticate.
        QCOMPARE(crypto::gcmOpen(
                     key, id + hex("00000001"), hex("15eec7f7631021c7f742763798b430bc321fbb2e39e12b074995"))
                     .error()
                     .code,
            ErrorCode::DecryptFailed);
    }

    void sec2DocumentVectorsGcmPatch0()
    {
        // §12.2 patch 0: one 16-byte IV (J0 via GHASH) for every message in both directions.
        const QByteArray key = hex(kSec2AesKey);
        const QByteArray iv = hex(kPatch0Iv);
        QCOMPARE(toHex(crypto::gcmSeal(key, iv, hex(kGetStatus))),
            QByteArray("f454ca16a9afd519c8dec8ef00c34094bbd9"));
        QCOMPARE(toHex(crypto::gcmOpen(key, iv, hex("f454ca16a9afd519c8dec8ef00c34094bbd9"))),
            QByteArray(kGetStatus));
        QCOMPARE(toHex(crypto::gcmSeal(key, iv, hex(kStatusResponse))),
            QByteArray("ae55d05c939922131071d2f110e203c0ba5a666a68ea5b17603e"));
        QCOMPARE(toHex(crypto::gcmOpen(key, iv, hex("ae55d05c939922131071d2f110e203c0ba5a666a68ea5b17603e"))),
            QByteArray(kStatusResponse));
    }

    void sec2DocumentVectorsDeviceRolePatch0()
    {
        auto rng = std::make_shared<ReplayRandom>(QList<QByteArray> { hex(kSec2B), hex(kPatch0Iv) });
        auto device = makeDeviceSecurity2({ hex(kSalt), hex(kVerifier) }, 0, rng);
        QVERIFY(device->handleSession(hex(kSec2Cmd0Prefix) + hex(kSec2PublicA)));
        const QByteArray resp1 = codec::encodeSession(codec::Sec2Resp1 { 0, hex(kSec2M2), hex(kPatch0Iv) });
        QCOMPARE(toHex(device->handleSession(hex(kSec2Cmd1))), resp1.toHex());
        for (int round = 0; round < 2; ++round) { // the IV never changes
            QCOMPARE(
                toHex(device->decrypt(hex("f454ca16a9afd519c8dec8ef00c34094bbd9"))), QByteArray(kGetStatus));
            QCOMPARE(toHex(device->encrypt(hex(kStatusResponse))),
                QByteArray("ae55d05c939922131071d2f110e203c0ba5a666a68ea5b17603e"));
        }
    }

    // ---- crypto seam properties that the vectors above do not pin down
    void ctrKeystreamIgnoresMessageBoundaries()
    {
        const QByteArray key = hex(kSec1SymKey);
        const QByteArray zeros(100, '\0');
        auto whole = crypto::AesCtrStream::create(key, hex(kSec1DeviceRandom));
        auto pieces = crypto::AesCtrStream::create(key, hex(kSec1DeviceRandom));
        QVERIFY(whole && pieces);
        const auto all = whole->apply(zeros);
        QVERIFY(all);
        QByteArray joined;
        for (int size : { 5, 11, 1, 16, 30, 37 })
            joined += *pieces->apply(zeros.first(size));
        QCOMPARE(joined.toHex(), all->toHex());
    }

    void ctrCounterCarriesAcrossAllSixteenBytes()
    {
        // mbedtls semantics: ff..ff + 1 wraps to 00..00 (a 128-bit big-endian counter).
        const QByteArray key = hex(kSec1SymKey);
        auto high = crypto::AesCtrStream::create(key, QByteArray(16, '\xff'));
        auto zero = crypto::AesCtrStream::create(key, QByteArray(16, '\0'));
        auto carry = crypto::AesCtrStream::create(key, hex("000000000000000100000000000000ff"));
        auto carried = crypto::AesCtrStream::create(key, hex("00000000000000010000000000000100"));
        QVERIFY(high && zero && carry && carried);
        const QByteArray blocks = *high->apply(QByteArray(32, '\0'));
        QCOMPARE(blocks.mid(16).toHex(), zero->apply(QByteArray(16, '\0'))->toHex());
        QCOMPARE(carry->apply(QByteArray(32, '\0'))->mid(16).toHex(),
            carried->apply(QByteArray(16, '\0'))->toHex());
    }

    void secureBytesAndComparisonHelpers()
    {
        QVERIFY(crypto::constantTimeEqual("abc", "abc"));
        QVERIFY(!crypto::constantTimeEqual("abc", "abd"));
        QVERIFY(!crypto::constantTimeEqual("abc", "abcd"));
        QByteArray shared("secret");
        const QByteArray other = shared; // implicitly shared copy
        crypto::SecureBytes owned { QByteArray(shared) };
        QCOMPARE(owned.toByteArray(), QByteArray("secret"));
        owned.wipe();
        QVERIFY(owned.isEmpty());
        QCOMPARE(other, QByteArray("secret")); // wiping our copy never touches another owner's
        crypto::secureWipe(shared);
        QVERIFY(shared.isEmpty());
        QCOMPARE(other, QByteArray("secret"));

        const auto big = crypto::BigNum::fromBytes(hex("00000102"));
        QCOMPARE(big.byteLength(), 2);
        QCOMPARE(big.toBytes(4).toByteArray().toHex(), QByteArray("00000102"));
        QVERIFY(big.toBytes(1).isEmpty()); // does not fit
        QCOMPARE(big.toMinimalBytes().toByteArray().toHex(), QByteArray("0102"));
    }
};

QTEST_GUILESS_MAIN(TestSecurityVectors)
#include "tst_security_vectors.moc"
