// SPDX-License-Identifier: Apache-2.0
// TransportConfig and makeTransport(), the one place that builds transports: kind names round trip
// (the §11 wire values), user input parses case-insensitively, and the factory applies the settings
// or refuses them with InvalidArgument. Nothing connects: building a transport does no I/O.
#include "prov/bleconnectionlimit.h"
#include "prov/bletransport.h"
#include "prov/httptransport.h"
#include "prov/qrpayload.h"
#include "prov/transportconfig.h"

#include <QMetaEnum>
#include <QPointer>
#include <QTest>

using namespace prov;

Q_DECLARE_METATYPE(std::optional<prov::TransportKind>)
Q_DECLARE_METATYPE(prov::TransportConfig)

class TestTransportConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void namesRoundTrip();
    void parsesUserInput_data();
    void parsesUserInput();
    void displayNames();
    void qrPayloadTransportKind();
    void displayAddressDefaults();
    void buildsSoftAp();
    void softApDefaultsHostAndPort();
    void buildsBleWithLimits();
    void callerOwnsTheTransport();
    void refusesBadConfig_data();
    void refusesBadConfig();
};

void TestTransportConfig::namesRoundTrip()
{
    // Every enumerator, so a new kind cannot be added without a name.
    const QMetaEnum meta = QMetaEnum::fromType<TransportKind>();
    QVERIFY(meta.keyCount() >= 2);
    for (int i = 0; i < meta.keyCount(); ++i) {
        const auto kind = TransportKind(meta.value(i));
        const QString name = transportKindName(kind);
        QVERIFY2(!name.isEmpty() && name == name.toLower(), meta.key(i));
        QCOMPARE(transportKindFromName(name), std::optional<TransportKind>(kind));
    }
    QCOMPARE(transportKindName(TransportKind::SoftAp), QStringLiteral("softap"));
    QCOMPARE(transportKindName(TransportKind::Ble), QStringLiteral("ble"));
}

void TestTransportConfig::parsesUserInput_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<std::optional<TransportKind>>("expected");
    const std::optional<TransportKind> none;
    QTest::newRow("softap") << "softap" << std::optional(TransportKind::SoftAp);
    QTest::newRow("SoftAP") << "SoftAP" << std::optional(TransportKind::SoftAp);
    QTest::newRow("SOFTAP") << "SOFTAP" << std::optional(TransportKind::SoftAp);
    QTest::newRow("httpd (esp_prov)") << "httpd" << std::optional(TransportKind::SoftAp);
    QTest::newRow("HTTPD") << "HTTPD" << std::optional(TransportKind::SoftAp);
    QTest::newRow("ble") << "ble" << std::optional(TransportKind::Ble);
    QTest::newRow("BLE") << "BLE" << std::optional(TransportKind::Ble);
    QTest::newRow("Ble, padded") << " Ble " << std::optional(TransportKind::Ble);
    QTest::newRow("empty") << "" << none;
    QTest::newRow("wifi") << "wifi" << none;
    QTest::newRow("bluetooth") << "bluetooth" << none;
    QTest::newRow("soft ap") << "soft ap" << none;
    QTest::newRow("number") << "1" << none;
}

void TestTransportConfig::parsesUserInput()
{
    QFETCH(QString, input);
    QFETCH(std::optional<TransportKind>, expected);
    QCOMPARE(transportKindFromName(input), expected);
}

void TestTransportConfig::displayNames()
{
    QCOMPARE(transportKindDisplayName(TransportKind::SoftAp), QStringLiteral("SoftAP"));
    QCOMPARE(transportKindDisplayName(TransportKind::Ble), QStringLiteral("BLE"));
}

void TestTransportConfig::qrPayloadTransportKind()
{
    // §11 takes exactly the two wire names; esp_prov's "httpd" alias is a CLI spelling, not a QR one.
    auto ble = parseQrPayload(R"({"name":"n","transport":"BLE"})");
    QVERIFY(ble);
    QCOMPARE(ble->transportKind(), std::optional(TransportKind::Ble));
    auto softAp = parseQrPayload(R"({"name":"n","transport":"softap"})");
    QVERIFY(softAp);
    QCOMPARE(softAp->transportKind(), std::optional(TransportKind::SoftAp));
    QVERIFY(!parseQrPayload(R"({"name":"n","transport":"httpd"})"));
    QrPayload handMade;
    handMade.transport = QStringLiteral("httpd");
    QCOMPARE(handMade.transportKind(), std::optional<TransportKind>());
}

void TestTransportConfig::displayAddressDefaults()
{
    TransportConfig softAp;
    QCOMPARE(softAp.kind, TransportKind::SoftAp);
    QCOMPARE(softAp.displayAddress(), QStringLiteral("192.168.4.1:80"));
    softAp.port = 0;
    QCOMPARE(softAp.displayAddress(), QStringLiteral("192.168.4.1:80"));
    softAp.host = QStringLiteral("127.0.0.1");
    softAp.port = 40155;
    QCOMPARE(softAp.displayAddress(), QStringLiteral("127.0.0.1:40155"));

    TransportConfig ble;
    ble.kind = TransportKind::Ble;
    ble.bleAddress = QStringLiteral("24:0A:C4:1A:2B:3C");
    QCOMPARE(ble.displayAddress(), QStringLiteral("24:0A:C4:1A:2B:3C"));
    ble.bleAddress = QStringLiteral("24:0a:c4:1a:2b:3c");
    QCOMPARE(ble.displayAddress(), QStringLiteral("24:0A:C4:1A:2B:3C")); // as BleTransport::address()
}

void TestTransportConfig::buildsSoftAp()
{
    TransportConfig config;
    config.host = QStringLiteral("127.0.0.1");
    config.port = 40155;
    config.requestTimeoutMs = 1234;
    auto built = makeTransport(config);
    QVERIFY2(built, qPrintable(built ? QString() : built.error().toString()));
    const std::unique_ptr<Transport> &transport = *built;
    QVERIFY(qobject_cast<HttpTransport *>(transport.get()));
    QCOMPARE(transport->kind(), TransportKind::SoftAp);
    QCOMPARE(transport->address(), QStringLiteral("127.0.0.1:40155"));
    QCOMPARE(transport->address(), config.displayAddress());
    QCOMPARE(transport->timeout(), 1234);
    QCOMPARE(transport->maxRequestSize(), HttpTransport::kMaxBodyBytes);
}

void TestTransportConfig::softApDefaultsHostAndPort()
{
    TransportConfig config;
    config.port = 0;
    auto built = makeTransport(config);
    QVERIFY(built);
    QCOMPARE((*built)->address(), QStringLiteral("192.168.4.1:80"));
    QCOMPARE((*built)->timeout(), 5000);
}

void TestTransportConfig::buildsBleWithLimits()
{
    BleConnectionLimit limit(2);
    TransportConfig config;
    config.kind = TransportKind::Ble;
    config.bleAddress = QStringLiteral("24:0a:c4:1a:2b:3c");
    config.bleService = QUuid(QStringLiteral("021a9004-0382-4aea-bff4-6b3f1c5adfb4"));
    config.bleConnectTimeoutMs = 7000;
    config.bleMaxRequestBytes = 512;
    config.bleLimit = &limit;
    config.requestTimeoutMs = 800;
    auto built = makeTransport(config);
    QVERIFY2(built, qPrintable(built ? QString() : built.error().toString()));
    auto *ble = qobject_cast<BleTransport *>(built->get());
    QVERIFY(ble);
    QCOMPARE(ble->kind(), TransportKind::Ble);
    QCOMPARE(ble->address(), QStringLiteral("24:0A:C4:1A:2B:3C"));
    QCOMPARE(ble->connectTimeout(), 7000);
    QCOMPARE(ble->maxRequestSize(), 512);
    QCOMPARE(ble->timeout(), 800);
    QCOMPARE(ble->linkState(), BleTransport::LinkState::Closed);

    TransportConfig defaults;
    defaults.kind = TransportKind::Ble;
    defaults.bleAddress = QStringLiteral("24:0A:C4:00:00:01");
    auto plain = makeTransport(defaults);
    QVERIFY(plain);
    auto *plainBle = qobject_cast<BleTransport *>(plain->get());
    QVERIFY(plainBle);
    QCOMPARE(plainBle->connectTimeout(), BleTransport::kDefaultConnectTimeoutMs);
    QCOMPARE(plainBle->maxRequestSize(), BleTransport::kDefaultMaxRequestBytes);
}

void TestTransportConfig::callerOwnsTheTransport()
{
    TransportConfig config;
    auto built = makeTransport(config);
    QVERIFY(built);
    QVERIFY(!(*built)->parent()); // never owned twice
    QPointer<Transport> handedOver = built->release();
    {
        QObject parent;
        handedOver->setParent(&parent); // the caller may hand it to a parent
        QCOMPARE(parent.children().size(), 1);
    }
    QVERIFY(handedOver.isNull());
}

void TestTransportConfig::refusesBadConfig_data()
{
    QTest::addColumn<TransportConfig>("config");
    QTest::addColumn<QString>("detailContains");
    TransportConfig ble;
    ble.kind = TransportKind::Ble;
    ble.bleAddress = QStringLiteral("24:0A:C4:1A:2B:3C");

    TransportConfig noAddress = ble;
    noAddress.bleAddress.clear();
    QTest::newRow("BLE without address") << noAddress << "address";
    TransportConfig zeroRequest = ble;
    zeroRequest.bleMaxRequestBytes = 0;
    QTest::newRow("BLE request 0 bytes") << zeroRequest << "request limit";
    TransportConfig hugeRequest = ble;
    hugeRequest.bleMaxRequestBytes = BleTransport::kAttMaxAttributeBytes + 1;
    QTest::newRow("BLE request 513 bytes") << hugeRequest << "request limit";
    TransportConfig zeroConnect = ble;
    zeroConnect.bleConnectTimeoutMs = 0;
    QTest::newRow("BLE connect timeout 0") << zeroConnect << "connect timeout";
    TransportConfig bleZeroRequestTimeout = ble;
    bleZeroRequestTimeout.requestTimeoutMs = 0;
    QTest::newRow("BLE request timeout 0") << bleZeroRequestTimeout << "request timeout";
    TransportConfig softApNegativeTimeout;
    softApNegativeTimeout.requestTimeoutMs = -5;
    QTest::newRow("SoftAP request timeout -5") << softApNegativeTimeout << "request timeout";
    TransportConfig unknownKind;
    unknownKind.kind = TransportKind(99);
    QTest::newRow("unknown kind") << unknownKind << "unknown transport kind";
}

void TestTransportConfig::refusesBadConfig()
{
    QFETCH(TransportConfig, config);
    QFETCH(QString, detailContains);
    auto built = makeTransport(config);
    QVERIFY(!built);
    QCOMPARE(built.error().code, ErrorCode::InvalidArgument);
    QVERIFY2(built.error().detail.contains(detailContains), qPrintable(built.error().detail));
}

QTEST_GUILESS_MAIN(TestTransportConfig)
#include "tst_transportconfig.moc"
