// SPDX-License-Identifier: Apache-2.0
// GATT mapping of protocomm endpoints (docs/protocol.md §7.2): characteristic UUIDs are the service UUID
// with the endpoint's 16-bit id substituted (never esp_prov's bitwise AND), for both service UUIDs.

#include "prov/gatt.h"

#include <QTest>

using namespace prov;

namespace {
/// LSB-first byte order, as §7.2 and the firmware write UUIDs.
QByteArray lsbFirst(const QByteArray &bytes)
{
    QByteArray out;
    for (auto it = bytes.crbegin(); it != bytes.crend(); ++it)
        out.append(*it);
    return out;
}
} // namespace

class TestGattMapping : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void serviceUuidsAreTheDocumentedOnes();
    void standardEndpointIdsFollowTheTable_data();
    void standardEndpointIdsFollowTheTable();
    void characteristicUuidSubstitutesTheId_data();
    void characteristicUuidSubstitutesTheId();
    void substitutionIsNotABitwiseAnd();
    void derivedMapListsStandardThenCustomEndpoints();
    void endpointIdOfRoundTrips();
    void endpointIdOfRejectsForeignUuids_data();
    void endpointIdOfRejectsForeignUuids();
};

void TestGattMapping::serviceUuidsAreTheDocumentedOnes()
{
    QCOMPARE(gatt::defaultServiceUuid().toString(QUuid::WithoutBraces),
        QStringLiteral("1775244d-6b43-439b-877c-060f2d9bed07"));
    QCOMPARE(gatt::exampleServiceUuid().toString(QUuid::WithoutBraces),
        QStringLiteral("021a9004-0382-4aea-bff4-6b3f1c5adfb4"));
    // §7.2 gives them as LSB-first bytes as well.
    const QByteArray example = QByteArray::fromHex("b4df5a1c3f6bf4bfea4a820304901a02");
    QCOMPARE(lsbFirst(gatt::exampleServiceUuid().toRfc4122()), example);
    const QByteArray def = QByteArray::fromHex("07ed9b2d0f067c879b43436b4d247517");
    QCOMPARE(lsbFirst(gatt::defaultServiceUuid().toRfc4122()), def);
    QCOMPARE(int(gatt::userDescriptionDescriptor), 0x2901);
    QCOMPARE(int(gatt::firstCustomEndpointId), 0xFF54);
}

void TestGattMapping::standardEndpointIdsFollowTheTable_data()
{
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<int>("id");
    QTest::newRow("prov-ctrl") << QStringLiteral("prov-ctrl") << 0xFF4F;
    QTest::newRow("prov-scan") << QStringLiteral("prov-scan") << 0xFF50;
    QTest::newRow("prov-session") << QStringLiteral("prov-session") << 0xFF51;
    QTest::newRow("prov-config") << QStringLiteral("prov-config") << 0xFF52;
    QTest::newRow("proto-ver") << QStringLiteral("proto-ver") << 0xFF53;
}

void TestGattMapping::standardEndpointIdsFollowTheTable()
{
    QFETCH(QString, endpoint);
    QFETCH(int, id);
    const auto got = gatt::standardEndpointId(endpoint);
    QVERIFY(got.has_value());
    QCOMPARE(int(*got), id);
    QVERIFY(!gatt::standardEndpointId(QStringLiteral("custom-data")).has_value());
    QVERIFY(!gatt::standardEndpointId(QStringLiteral("PROV-SESSION")).has_value());
    QVERIFY(!gatt::standardEndpointId(QString()).has_value());
}

void TestGattMapping::characteristicUuidSubstitutesTheId_data()
{
    QTest::addColumn<QUuid>("service");
    QTest::addColumn<int>("id");
    QTest::addColumn<QString>("expected");
    const QUuid ex = gatt::exampleServiceUuid();
    const QUuid def = gatt::defaultServiceUuid();
    // The §7.2 table, example service column...
    QTest::newRow("example prov-ctrl") << ex << 0xFF4F << "021aff4f-0382-4aea-bff4-6b3f1c5adfb4";
    QTest::newRow("example prov-scan") << ex << 0xFF50 << "021aff50-0382-4aea-bff4-6b3f1c5adfb4";
    QTest::newRow("example prov-session") << ex << 0xFF51 << "021aff51-0382-4aea-bff4-6b3f1c5adfb4";
    QTest::newRow("example prov-config") << ex << 0xFF52 << "021aff52-0382-4aea-bff4-6b3f1c5adfb4";
    QTest::newRow("example proto-ver") << ex << 0xFF53 << "021aff53-0382-4aea-bff4-6b3f1c5adfb4";
    QTest::newRow("example custom") << ex << 0xFF54 << "021aff54-0382-4aea-bff4-6b3f1c5adfb4";
    // ...and the default service column.
    QTest::newRow("default prov-ctrl") << def << 0xFF4F << "1775ff4f-6b43-439b-877c-060f2d9bed07";
    QTest::newRow("default prov-scan") << def << 0xFF50 << "1775ff50-6b43-439b-877c-060f2d9bed07";
    QTest::newRow("default prov-session") << def << 0xFF51 << "1775ff51-6b43-439b-877c-060f2d9bed07";
    QTest::newRow("default prov-config") << def << 0xFF52 << "1775ff52-6b43-439b-877c-060f2d9bed07";
    QTest::newRow("default proto-ver") << def << 0xFF53 << "1775ff53-6b43-439b-877c-060f2d9bed07";
    QTest::newRow("default custom") << def << 0xFF54 << "1775ff54-6b43-439b-877c-060f2d9bed07";
    QTest::newRow("custom service") << QUuid(QStringLiteral("{12345678-9abc-def0-1234-56789abcdef0}"))
                                    << 0xFF51 << "1234ff51-9abc-def0-1234-56789abcdef0";
}

void TestGattMapping::characteristicUuidSubstitutesTheId()
{
    QFETCH(QUuid, service);
    QFETCH(int, id);
    QFETCH(QString, expected);
    const QUuid c = gatt::characteristicUuid(service, quint16(id));
    QCOMPARE(c.toString(QUuid::WithoutBraces), expected);
    // LSB-first bytes 12 and 13 carry the id little-endian; every other byte is the service's.
    const QByteArray sl = lsbFirst(service.toRfc4122());
    const QByteArray bl = lsbFirst(c.toRfc4122());
    QCOMPARE(quint8(bl.at(12)), quint8(id & 0xFF));
    QCOMPARE(quint8(bl.at(13)), quint8(id >> 8));
    for (int i = 0; i < 16; ++i) {
        if (i != 12 && i != 13)
            QCOMPARE(bl.at(i), sl.at(i));
    }
}

void TestGattMapping::substitutionIsNotABitwiseAnd()
{
    // esp_prov's fallback ANDs the id into the service string; for 1775244d that would give
    // 1775244d & ff51 = 2441, not ff51 (§7.2).
    const QUuid c = gatt::characteristicUuid(gatt::defaultServiceUuid(), 0xFF51);
    QVERIFY(c.toString(QUuid::WithoutBraces).startsWith(QLatin1String("1775ff51")));
    QVERIFY(!c.toString(QUuid::WithoutBraces).startsWith(QLatin1String("17752441")));
}

void TestGattMapping::derivedMapListsStandardThenCustomEndpoints()
{
    const QUuid ex = gatt::exampleServiceUuid();
    const auto map = gatt::derivedEndpointMap(
        ex, { QStringLiteral("custom-data"), QStringLiteral("custom-config") });
    QCOMPARE(map.size(), 7);
    QStringList names;
    for (const auto &e : map)
        names.append(e.first);
    QCOMPARE(names,
        (QStringList { QStringLiteral("prov-ctrl"), QStringLiteral("prov-scan"),
            QStringLiteral("prov-session"), QStringLiteral("prov-config"), QStringLiteral("proto-ver"),
            QStringLiteral("custom-data"), QStringLiteral("custom-config") }));
    for (const auto &e : map) {
        if (auto id = gatt::standardEndpointId(e.first))
            QCOMPARE(e.second, gatt::characteristicUuid(ex, *id));
    }
    QCOMPARE(map.at(5).second, gatt::characteristicUuid(ex, 0xFF54));
    QCOMPARE(map.at(6).second, gatt::characteristicUuid(ex, 0xFF55));
    QCOMPARE(gatt::derivedEndpointMap(gatt::defaultServiceUuid()).size(), 5);
    // All characteristic UUIDs are distinct: Qt resolves GATT objects by UUID (docs/ble-testing.md §4.7).
    QSet<QUuid> unique;
    for (const auto &e : map)
        unique.insert(e.second);
    QCOMPARE(unique.size(), map.size());
}

void TestGattMapping::endpointIdOfRoundTrips()
{
    for (const QUuid &service : { gatt::exampleServiceUuid(), gatt::defaultServiceUuid() }) {
        for (int id : { 0xFF4F, 0xFF50, 0xFF51, 0xFF52, 0xFF53, 0xFF54, 0x0000, 0xFFFF }) {
            const auto got = gatt::endpointIdOf(service, gatt::characteristicUuid(service, quint16(id)));
            QVERIFY(got.has_value());
            QCOMPARE(int(*got), id);
        }
    }
}

void TestGattMapping::endpointIdOfRejectsForeignUuids_data()
{
    QTest::addColumn<QUuid>("service");
    QTest::addColumn<QUuid>("characteristic");
    const QUuid ex = gatt::exampleServiceUuid();
    const QUuid def = gatt::defaultServiceUuid();
    QTest::newRow("other service's characteristic") << ex << gatt::characteristicUuid(def, 0xFF51);
    QTest::newRow("default's char vs example") << def << gatt::characteristicUuid(ex, 0xFF52);
    QTest::newRow("SIG 16-bit UUID") << ex << QUuid(QStringLiteral("{00002901-0000-1000-8000-00805f9b34fb}"));
    QTest::newRow("high bits differ")
        << ex << QUuid(QStringLiteral("{021bff51-0382-4aea-bff4-6b3f1c5adfb4}"));
    QTest::newRow("last byte differs")
        << ex << QUuid(QStringLiteral("{021aff51-0382-4aea-bff4-6b3f1c5adfb5}"));
    QTest::newRow("null") << ex << QUuid();
}

void TestGattMapping::endpointIdOfRejectsForeignUuids()
{
    QFETCH(QUuid, service);
    QFETCH(QUuid, characteristic);
    QVERIFY(!gatt::endpointIdOf(service, characteristic).has_value());
}

QTEST_GUILESS_MAIN(TestGattMapping)
#include "tst_gattmapping.moc"
