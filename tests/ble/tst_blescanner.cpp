// SPDX-License-Identifier: Apache-2.0
// BleScanner against prov-sim's fake org.bluez through Qt's real discovery agent: matching by name
// prefix and by service UUID, RSSI in dBm and its updates, a name that arrives late (Qt 6.4 quirk,
// docs/ble-testing.md §4.10), BlueZ's cached devices, and adapter errors (which Qt emits synchronously
// inside start(), docs/ble-testing.md §4.11) as typed, asynchronous errors.

#include "bletesthelpers.h"

#include "prov/gatt.h"

#include <QElapsedTimer>

using namespace prov;
using namespace prov::test;

class TestBleScanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void discoversByNamePrefixWithRssi();
    void discoversByServiceUuid();
    void ignoresDevicesMatchingNeither();
    void reportsRssiChanges();
    void reportsALateNameAsAnUpdate();
    void reportsALateNamedDeviceOnceItsNameMatches();
    void marksCachedDevicesThatDoNotAdvertise();
    void adapterPoweredOffIsATypedAsynchronousError();
    void absentAdapterIsUnavailable();
    void endsAfterItsDurationAndCanRunAgain();
    void stopEndsTheScanEarly();

private:
    PrivateBus m_bus;
};

void TestBleScanner::initTestCase()
{
    qRegisterMetaType<prov::BleDeviceInfo>();
    QVERIFY2(m_bus.start(), qPrintable(m_bus.error()));
}

void TestBleScanner::cleanupTestCase()
{
    m_bus.stop();
}

void TestBleScanner::cleanup()
{
    m_bus.stopSim();
}

void TestBleScanner::discoversByNamePrefixWithRssi()
{
    const auto devices = m_bus.startSim(simArgs({ QStringLiteral("--devices"), QStringLiteral("3") }));
    QCOMPARE(devices.size(), 3);
    BleScanner scanner;
    scanner.setServiceUuids({}); // by name only
    scanner.setDuration(3000);
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(discovered.size(), 3, 2000);
    for (const QJsonObject &d : devices) {
        const auto seen = std::find_if(
            scanner.devices().cbegin(), scanner.devices().cend(), [&](const BleDeviceInfo &i) {
                return i.address == d.value(QStringLiteral("address")).toString();
            });
        QVERIFY(seen != scanner.devices().cend());
        QCOMPARE(seen->name, d.value(QStringLiteral("service_name")).toString());
        QVERIFY(seen->name.startsWith(QLatin1String("PROV_")));
        QCOMPARE(seen->rssi, d.value(QStringLiteral("rssi")).toInt());
        QVERIFY(seen->rssi < 0);
        QVERIFY(!seen->cached);
        QVERIFY(seen->serviceUuids.contains(gatt::exampleServiceUuid()));
        QCOMPARE(seen->primaryServiceUuid(), gatt::exampleServiceUuid());
    }
    QVERIFY(scanner.isActive());
}

void TestBleScanner::discoversByServiceUuid()
{
    const QUuid custom(QStringLiteral("{5a7e0000-1111-4222-8333-944455556666}"));
    const auto devices = m_bus.startSim(
        simArgs({ QStringLiteral("--service-name"), QStringLiteral("THING_0001"),
            QStringLiteral("--ble-service-uuid"), custom.toString(QUuid::WithoutBraces) }));
    QCOMPARE(devices.size(), 1);
    BleScanner scanner;
    scanner.setServiceUuids({ custom }); // the name does not start with PROV_
    scanner.setDuration(3000);
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(discovered.size(), 1, 2000);
    const auto d = discovered.first().first().value<BleDeviceInfo>();
    QCOMPARE(d.name, QStringLiteral("THING_0001"));
    QCOMPARE(d.primaryServiceUuid(), custom);
}

void TestBleScanner::ignoresDevicesMatchingNeither()
{
    const auto devices = m_bus.startSim(
        simArgs({ QStringLiteral("--service-name"), QStringLiteral("THING_0002"),
            QStringLiteral("--ble-service-uuid"), QStringLiteral("5a7e0000-1111-4222-8333-944455556666") }));
    QCOMPARE(devices.size(), 1);
    BleScanner scanner; // PROV_ and the two provisioning UUIDs
    scanner.setDuration(400);
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    QSignalSpy finished(&scanner, &BleScanner::finished);
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 2000);
    QCOMPARE(discovered.size(), 0);
    QVERIFY(!m_bus.journal(QStringLiteral("event advertised")).isEmpty()); // it was there all along
}

void TestBleScanner::reportsRssiChanges()
{
    const auto devices = m_bus.startSim(simArgs({ QStringLiteral("--ble-scenario"),
        QStringLiteral("rssi-drift"), QStringLiteral("--ble-advertise-interval"), QStringLiteral("40") }));
    QCOMPARE(devices.size(), 1);
    BleScanner scanner;
    scanner.setDuration(3000);
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    QSignalSpy updated(&scanner, &BleScanner::deviceUpdated);
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(discovered.size(), 1, 2000);
    const int first = discovered.first().first().value<BleDeviceInfo>().rssi;
    QTRY_VERIFY_WITH_TIMEOUT(updated.size() >= 2, 2000);
    QSet<int> values { first };
    for (const auto &args : std::as_const(updated)) {
        const auto d = args.first().value<BleDeviceInfo>();
        QCOMPARE(d.address, devices.first().value(QStringLiteral("address")).toString());
        QVERIFY(d.rssi < 0 && d.rssi > -127);
        QVERIFY(!d.cached);
        values.insert(d.rssi);
    }
    QVERIFY2(values.size() >= 2, "the RSSI never changed");
    QCOMPARE(discovered.size(), 1); // de-duplicated by address, although Qt re-reports it
    QCOMPARE(scanner.devices().size(), 1);
    QCOMPARE(scanner.devices().first().rssi, updated.last().first().value<BleDeviceInfo>().rssi);
}

void TestBleScanner::reportsALateNameAsAnUpdate()
{
    const auto devices = m_bus.startSim(
        simArgs({ QStringLiteral("--ble-scenario"), QStringLiteral("late-name:150") }));
    QCOMPARE(devices.size(), 1);
    const QString name = devices.first().value(QStringLiteral("service_name")).toString();
    BleScanner scanner; // PROV_ or the provisioning UUIDs: the UUID matches before the name arrives
    scanner.setDuration(3000);
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    QSignalSpy updated(&scanner, &BleScanner::deviceUpdated);
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(discovered.size(), 1, 2000);
    const auto first = discovered.first().first().value<BleDeviceInfo>();
    QVERIFY2(first.name.isEmpty(), qPrintable(first.name)); // not "24-0A-C4-..": no name yet
    QVERIFY(first.serviceUuids.contains(gatt::exampleServiceUuid()));
    QTRY_VERIFY_WITH_TIMEOUT(
        !updated.isEmpty() && updated.last().first().value<BleDeviceInfo>().name == name, 2000);
    QCOMPARE(scanner.devices().first().name, name);
}

void TestBleScanner::reportsALateNamedDeviceOnceItsNameMatches()
{
    const auto devices = m_bus.startSim(
        simArgs({ QStringLiteral("--ble-scenario"), QStringLiteral("late-name:150") }));
    QCOMPARE(devices.size(), 1);
    BleScanner scanner;
    scanner.setServiceUuids({}); // by name only: nothing to report until the scan response
    scanner.setDuration(3000);
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    QElapsedTimer clock;
    clock.start();
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(discovered.size(), 1, 2000);
    QCOMPARE(discovered.first().first().value<BleDeviceInfo>().name,
        devices.first().value(QStringLiteral("service_name")).toString());
    QVERIFY(clock.elapsed() >= 140);
    QVERIFY(!m_bus.journal(QStringLiteral("event name")).isEmpty());
}

void TestBleScanner::marksCachedDevicesThatDoNotAdvertise()
{
    const auto devices = m_bus.startSim(
        simArgs({ QStringLiteral("--ble-scenario"), QStringLiteral("cached") }));
    QCOMPARE(devices.size(), 1);
    BleScanner scanner;
    scanner.setDuration(500);
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    QSignalSpy finished(&scanner, &BleScanner::finished);
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 2000);
    QCOMPARE(discovered.size(), 1);
    const auto d = discovered.first().first().value<BleDeviceInfo>();
    QCOMPARE(d.address, devices.first().value(QStringLiteral("address")).toString());
    QVERIFY(d.cached);
    QCOMPARE(scanner.devices().first().cached, true); // never heard during the whole scan
}

void TestBleScanner::adapterPoweredOffIsATypedAsynchronousError()
{
    QVERIFY(!m_bus.startSim(simArgs({ QStringLiteral("--ble-scenario"), QStringLiteral("adapter-off") }))
                 .isEmpty());
    BleScanner scanner;
    QSignalSpy failed(&scanner, &BleScanner::errorOccurred);
    QSignalSpy finished(&scanner, &BleScanner::finished);
    scanner.start();
    QCOMPARE(
        failed.size(), 0); // Qt reports it inside its start(); BleScanner delivers it from the event loop
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 2000);
    QCOMPARE(failed.first().first().value<prov::Error>().code, ErrorCode::AdapterPoweredOff);
    QVERIFY(!scanner.isActive());
    QTest::qWait(50);
    QCOMPARE(finished.size(), 0); // exactly one ending
    // Powered on through the fake's control interface, the same scanner works.
    QVERIFY(m_bus.control(QStringLiteral("SetPowered"), { true }));
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(discovered.size(), 1, 2000);
}

void TestBleScanner::absentAdapterIsUnavailable()
{
    QVERIFY(!m_bus.startSim(simArgs({ QStringLiteral("--ble-scenario"), QStringLiteral("adapter-absent") }))
                 .isEmpty());
    BleScanner scanner;
    QSignalSpy failed(&scanner, &BleScanner::errorOccurred);
    scanner.start();
    QCOMPARE(failed.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 2000);
    QCOMPARE(failed.first().first().value<prov::Error>().code, ErrorCode::Unavailable);
}

void TestBleScanner::endsAfterItsDurationAndCanRunAgain()
{
    QCOMPARE(m_bus.startSim(simArgs()).size(), 1);
    BleScanner scanner;
    scanner.setDuration(200);
    QSignalSpy finished(&scanner, &BleScanner::finished);
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    QElapsedTimer clock;
    clock.start();
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 2000);
    QVERIFY(clock.elapsed() >= 190);
    QVERIFY(clock.elapsed() < 1500);
    QCOMPARE(discovered.size(), 1);
    QVERIFY(!scanner.isActive());
    // Second run: the device is in BlueZ's cache now and is reported again (the list was cleared).
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 2000);
    QCOMPARE(discovered.size(), 2);
    QVERIFY(!m_bus.journal(QStringLiteral("StopDiscovery ")).isEmpty());
}

void TestBleScanner::stopEndsTheScanEarly()
{
    QCOMPARE(m_bus.startSim(simArgs()).size(), 1);
    BleScanner scanner;
    scanner.setDuration(0); // until stop()
    QSignalSpy finished(&scanner, &BleScanner::finished);
    QSignalSpy discovered(&scanner, &BleScanner::deviceDiscovered);
    scanner.start();
    QTRY_COMPARE_WITH_TIMEOUT(discovered.size(), 1, 2000);
    QTest::qWait(100);
    QCOMPARE(finished.size(), 0);
    scanner.stop();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 1000);
    scanner.stop(); // no-op when idle
    QTest::qWait(50);
    QCOMPARE(finished.size(), 1);
}

QTEST_GUILESS_MAIN(TestBleScanner)
#include "tst_blescanner.moc"
