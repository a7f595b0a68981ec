// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared by the BLE client tests: waiting for a Pending, finding a device with BleScanner, and the
// credentials prov-sim is started with. Every executable starts its PrivateBus in initTestCase()
// before any of these run (Qt caches the system bus connection).

#include "privatebus.h"

#include "prov/blescanner.h"
#include "prov/pending.h"
#include "prov/provisioner.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <optional>

namespace prov::test {

inline const QByteArray kPop = "abcd1234";
inline const QByteArray kSec2Password = "s3cret-pw";

/// prov-sim arguments every BLE test uses: fast radio, known credentials, instant Wi-Fi.
inline QStringList simArgs(const QStringList &extra = {})
{
    return QStringList { QStringLiteral("--pop"), QString::fromLatin1(kPop), QStringLiteral("--sec2-pwd"),
        QString::fromLatin1(kSec2Password), QStringLiteral("--connect-delay"), QStringLiteral("0"),
        QStringLiteral("--dhcp-delay"), QStringLiteral("0"), QStringLiteral("--ble-connect-delay"),
        QStringLiteral("5"), QStringLiteral("--ble-op-delay"), QStringLiteral("1"),
        QStringLiteral("--ble-scan-delay"), QStringLiteral("5"), QStringLiteral("--ble-advertise-interval"),
        QStringLiteral("100") }
    + extra;
}

inline SecurityOptions credentialsFor(int secVer)
{
    SecurityOptions s;
    s.pop = kPop;
    s.username = "wifiprov";
    s.password = kSec2Password;
    if (secVer >= 0)
        s.secVer = secVer;
    return s;
}

/// Fast provisioning polls (the simulated station connects at once).
inline ProvisionOptions fastProvisioning()
{
    ProvisionOptions o;
    o.firstPollDelayMs = 0;
    o.pollIntervalMs = 20;
    o.fastPollIntervalMs = 20;
    o.connectTimeoutMs = 5000;
    return o;
}

inline WifiCredentials homeNetwork()
{
    WifiCredentials c;
    c.ssid = "myssid";
    c.passphrase = "mypassword";
    return c;
}

/// For QVERIFY2 messages (which Qt evaluates even when the check passes).
template <typename T> QByteArray describe(const Result<T> &r)
{
    return r ? QByteArray("ok") : r.error().toString().toUtf8();
}

/// How long one operation may take in the BLE tests (ms): Pending<T>::waitForResult() does the waiting.
inline constexpr int kWaitMs = 10000;

/// Scans until every address in @p addresses has been reported; the devices seen, in order.
inline QList<BleDeviceInfo> scanFor(const QStringList &addresses, int ms = 5000)
{
    BleScanner scanner;
    scanner.setNamePrefix(QString());
    scanner.setServiceUuids({});
    scanner.setDuration(ms);
    QList<BleDeviceInfo> found;
    QObject::connect(&scanner, &BleScanner::deviceDiscovered, [&](const BleDeviceInfo &d) {
        if (addresses.contains(d.address))
            found.append(d);
        if (found.size() == addresses.size())
            scanner.stop();
    });
    QSignalSpy finished(&scanner, &BleScanner::finished);
    QSignalSpy failed(&scanner, &BleScanner::errorOccurred);
    scanner.start();
    if (!QTest::qWaitFor([&] { return !finished.isEmpty() || !failed.isEmpty(); }, ms + 3000))
        qWarning("scanFor: the scan did not end");
    return found;
}

inline QStringList addressesOf(const QList<QJsonObject> &devices)
{
    QStringList out;
    for (const QJsonObject &d : devices)
        out.append(d.value(QStringLiteral("address")).toString());
    return out;
}

/// Starts prov-sim (simArgs() + @p args), scans its devices into the fake BlueZ's cache (Qt can only
/// connect to a device BlueZ knows), then clears the journal. The devices as the scan saw them.
inline QList<BleDeviceInfo> startAndScan(PrivateBus &bus, const QStringList &args)
{
    const QList<QJsonObject> devices = bus.startSim(simArgs(args));
    if (devices.isEmpty()) {
        qWarning("prov-sim: %s", qPrintable(bus.error()));
        return {};
    }
    const QList<BleDeviceInfo> found = scanFor(addressesOf(devices));
    if (found.size() != devices.size())
        qWarning("only %d of %d devices were seen by the scan", int(found.size()), int(devices.size()));
    bus.clearJournal();
    return found;
}

} // namespace prov::test
