// SPDX-License-Identifier: Apache-2.0
// BleTransport against prov-sim's fake org.bluez on a private bus, through the unmodified Qt
// Bluetooth BlueZ D-Bus backend: endpoint mapping from 0x2901, write-then-read exchanges (journal),
// size limits (§7.4), and every misbehaviour ending in its typed error within the configured
// timeouts (a hung D-Bus call must not cost Qt's 25 s).

#include "bletesthelpers.h"

#include "prov/bleconnectionlimit.h"
#include "prov/bletransport.h"
#include "prov/gatt.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTimer>

using namespace prov;
using namespace prov::test;

namespace {
constexpr int kExchangeTimeoutMs = 400;
constexpr int kConnectTimeoutMs = 600;

/// One raw exchange, waited for.
Result<QByteArray> exchange(Transport &t, const QString &endpoint, const QByteArray &request, int ms = 5000)
{
    std::optional<Result<QByteArray>> out;
    t.exchange(endpoint, request, [&out](Result<QByteArray> r) { out = std::move(r); });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, ms))
        return makeError(ErrorCode::Internal, QStringLiteral("the test's wait expired"));
    return *out;
}

/// "WriteValue <path> endpoint=prov-session type=request len=N => ok" -> {member, endpoint}.
struct Call
{
    QString member;
    QString endpoint;
    QString line;
};

QList<Call> gattCalls(const QStringList &journal)
{
    static const QRegularExpression endpoint(QStringLiteral("endpoint=(\\S+)"));
    QList<Call> out;
    for (const QString &line : journal) {
        if (!line.startsWith(QLatin1String("WriteValue ")) && !line.startsWith(QLatin1String("ReadValue ")))
            continue;
        if (line.contains(QLatin1String("descriptor=")))
            continue;
        const auto m = endpoint.match(line);
        out.append({ line.section(QLatin1Char(' '), 0, 0), m.captured(1), line });
    }
    return out;
}
} // namespace

class TestBleTransport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void cleanup();

    void mapsEndpointsFromUserDescriptions();
    void exchangeIsWriteRequestThenReadOfTheSameCharacteristic();
    void findsTheServiceByAdvertisedUuid();
    void refusesEmptyRequestWithoutWriting();
    void refusesOversizeRequestWithoutWriting();
    void acceptsUpTo512BytesWhenConfigured();
    void scenarioEndsInTypedError_data();
    void scenarioEndsInTypedError();
    void hungReplyTimesOutAndNextExchangeUsesAFreshLink();
    void bluedroidStaleValueSurfacesAsDecryptFailure();
    void linkDropWhileIdleIsReported();
    void connectionLimitQueuesInFifoOrder();
    void workerAndCallerThreadingBothWork_data();
    void workerAndCallerThreadingBothWork();

private:
    QList<BleDeviceInfo> startDevices(const QStringList &args);
    PrivateBus m_bus;
};

void TestBleTransport::initTestCase()
{
    QVERIFY2(m_bus.start(), qPrintable(m_bus.error()));
}

void TestBleTransport::cleanupTestCase()
{
    m_bus.stop();
}

void TestBleTransport::cleanup()
{
    m_bus.stopSim();
}

QList<BleDeviceInfo> TestBleTransport::startDevices(const QStringList &args)
{
    return startAndScan(m_bus, args);
}

void TestBleTransport::mapsEndpointsFromUserDescriptions()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("0") });
    QCOMPARE(devices.size(), 1);
    BleTransport t(devices.first().address);
    t.setTimeout(kExchangeTimeoutMs);
    t.setConnectTimeout(kConnectTimeoutMs);
    QSignalSpy states(&t, &BleTransport::linkStateChanged);
    const auto version = exchange(t, QStringLiteral("proto-ver"), "---");
    QVERIFY2(version, describe(version).constData());
    QVERIFY(version->contains("prov"));
    QCOMPARE(t.linkState(), BleTransport::LinkState::Open);
    QCOMPARE(t.serviceUuid(), gatt::exampleServiceUuid());
    QVERIFY(!t.endpointsDerived());
    QStringList names;
    for (const auto &e : t.endpointMap()) {
        names.append(e.first);
        if (auto id = gatt::standardEndpointId(e.first))
            QCOMPARE(e.second, gatt::characteristicUuid(gatt::exampleServiceUuid(), *id));
    }
    for (const char *n :
        { "prov-session", "prov-config", "proto-ver", "prov-scan", "prov-ctrl", "custom-data" })
        QVERIFY2(names.contains(QLatin1String(n)), n);
    QCOMPARE(states.first().first().value<BleTransport::LinkState>(), BleTransport::LinkState::Connecting);
    // Only 0x2901 descriptors were read during discovery: no characteristic ReadValue before the
    // first exchange's write (SkipValueDiscovery, §7.2).
    const QStringList journal = m_bus.journal();
    qsizetype firstWrite = -1;
    for (qsizetype i = 0; i < journal.size() && firstWrite < 0; ++i) {
        if (journal.at(i).startsWith(QLatin1String("WriteValue ")))
            firstWrite = i;
    }
    QVERIFY(firstWrite > 0);
    for (qsizetype i = 0; i < firstWrite; ++i) {
        if (journal.at(i).startsWith(QLatin1String("ReadValue ")))
            QVERIFY2(journal.at(i).contains(QLatin1String("descriptor=2901")), qPrintable(journal.at(i)));
    }
    QCOMPARE(
        m_bus.journal(QStringLiteral("ReadValue ")).filter(QStringLiteral("descriptor=2901")).size() >= 6,
        true);
}

void TestBleTransport::exchangeIsWriteRequestThenReadOfTheSameCharacteristic()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("0") });
    BleTransport t(devices.first().address);
    t.setTimeout(kExchangeTimeoutMs);
    for (int i = 0; i < 3; ++i) {
        // proto-ver is the one endpoint a device serves before a session exists (§2.3).
        const auto r = exchange(t, QStringLiteral("proto-ver"), QByteArray("hello ") + QByteArray::number(i));
        QVERIFY2(r, describe(r).constData());
        QVERIFY(r->startsWith("{"));
        QVERIFY(!r->startsWith("hello")); // the device's answer, not Qt's cached value after the write
                                          // (docs/ble-testing.md §4.4)
    }
    const auto calls = gattCalls(m_bus.journal());
    QCOMPARE(calls.size(), 6);
    for (int i = 0; i < calls.size(); i += 2) {
        QCOMPARE(calls.at(i).member, QStringLiteral("WriteValue"));
        QVERIFY2(calls.at(i).line.contains(QLatin1String("type=request")), qPrintable(calls.at(i).line));
        QCOMPARE(calls.at(i + 1).member, QStringLiteral("ReadValue"));
        QCOMPARE(calls.at(i + 1).endpoint, calls.at(i).endpoint);
        QCOMPARE(calls.at(i).endpoint, QStringLiteral("proto-ver"));
    }
    // One connection for all three exchanges.
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), 1);
}

void TestBleTransport::findsTheServiceByAdvertisedUuid()
{
    const QUuid custom(QStringLiteral("{5a7e0000-1111-4222-8333-944455556666}"));
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("0"),
        QStringLiteral("--ble-service-uuid"), custom.toString(QUuid::WithoutBraces) });
    QCOMPARE(devices.first().primaryServiceUuid(), custom);
    {
        // Without the advertised UUID, neither the example nor the default UUID is there.
        BleTransport t(devices.first().address);
        t.setConnectTimeout(kConnectTimeoutMs);
        const auto r = exchange(t, QStringLiteral("proto-ver"), "---");
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::ConnectFailed);
        QVERIFY2(r.error().detail.contains(QLatin1String("no provisioning service")),
            qPrintable(r.error().detail));
    }
    BleTransport t(devices.first().address, custom);
    const auto r = exchange(t, QStringLiteral("proto-ver"), "---");
    QVERIFY2(r, describe(r).constData());
    QCOMPARE(t.serviceUuid(), custom);
}

void TestBleTransport::refusesEmptyRequestWithoutWriting()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("0") });
    BleTransport t(devices.first().address);
    const auto r = exchange(t, QStringLiteral("proto-ver"), QByteArray());
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
    QVERIFY(m_bus.journal(QStringLiteral("WriteValue ")).isEmpty());
}

void TestBleTransport::refusesOversizeRequestWithoutWriting()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("0") });
    BleTransport t(devices.first().address);
    QCOMPARE(t.maxRequestSize(), 481);
    QCOMPARE(t.maxScanEntriesPerRequest(), 4);
    const auto r = exchange(t, QStringLiteral("proto-ver"), QByteArray(482, 'x'));
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::PayloadTooLarge);
    QVERIFY2(r.error().detail.contains(QLatin1String("481")), qPrintable(r.error().detail));
    QVERIFY(m_bus.journal(QStringLiteral("WriteValue ")).isEmpty());
    const auto ok = exchange(t, QStringLiteral("proto-ver"), QByteArray(481, 'x'));
    QVERIFY2(ok, describe(ok).constData());
    t.setMaxRequestSize(4096);
    QCOMPARE(t.maxRequestSize(), 512); // the ATT attribute limit
}

void TestBleTransport::acceptsUpTo512BytesWhenConfigured()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("0") });
    BleTransport t(devices.first().address);
    t.setMaxRequestSize(512);
    const auto r = exchange(t, QStringLiteral("proto-ver"), QByteArray(512, 'y'));
    QVERIFY2(r, describe(r).constData());
    QCOMPARE(m_bus.journal(QStringLiteral("WriteValue ")).filter(QStringLiteral("len=512")).size(), 1);
    QCOMPARE(exchange(t, QStringLiteral("proto-ver"), QByteArray(513, 'y')).error().code,
        ErrorCode::PayloadTooLarge);
}

void TestBleTransport::scenarioEndsInTypedError_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("endpoint");
    QTest::addColumn<int>("code");
    QTest::addColumn<int>("withinMs");
    const QStringList sec0 { QStringLiteral("--sec-ver"), QStringLiteral("0") };
    auto scenario = [&sec0](const char *s) {
        return sec0 + QStringList { QStringLiteral("--ble-scenario"), QLatin1String(s) };
    };
    QTest::newRow("connect-error") << scenario("connect-error") << "proto-ver"
                                   << int(ErrorCode::ConnectFailed) << kConnectTimeoutMs;
    QTest::newRow("services-unresolved") << scenario("services-unresolved") << "proto-ver"
                                         << int(ErrorCode::Timeout) << kConnectTimeoutMs + 300;
    QTest::newRow("disconnect-mid-exchange") << scenario("disconnect-mid-exchange:proto-ver") << "proto-ver"
                                             << int(ErrorCode::Disconnected) << kExchangeTimeoutMs;
    QTest::newRow("not-permitted") << scenario("not-permitted") << "proto-ver"
                                   << int(ErrorCode::PairingRequired) << kExchangeTimeoutMs;
    QTest::newRow("not-permitted on one endpoint") << scenario("not-permitted:proto-ver") << "proto-ver"
                                                   << int(ErrorCode::PairingRequired) << kExchangeTimeoutMs;
    QTest::newRow("not-authorized") << scenario("not-authorized:proto-ver") << "proto-ver"
                                    << int(ErrorCode::PairingRequired) << kExchangeTimeoutMs;
    QTest::newRow("hung write") << scenario("hung-reply:proto-ver") << "proto-ver" << int(ErrorCode::Timeout)
                                << kExchangeTimeoutMs + 300;
    QTest::newRow("hung read") << scenario("hung-reply:proto-ver:1:read") << "proto-ver"
                               << int(ErrorCode::Timeout) << kExchangeTimeoutMs + 300;
    QTest::newRow("cached, not advertising")
        << scenario("cached") << "proto-ver" << int(ErrorCode::ConnectFailed) << kConnectTimeoutMs + 300;
    QTest::newRow("adapter off") << scenario("adapter-off") << "proto-ver"
                                 << int(ErrorCode::AdapterPoweredOff) << 300;
    QTest::newRow("adapter absent") << scenario("adapter-absent") << "proto-ver"
                                    << int(ErrorCode::Unavailable) << 300;
    QTest::newRow("no such endpoint")
        << sec0 << "no-such-endpoint" << int(ErrorCode::DeviceRefused) << kExchangeTimeoutMs;
}

void TestBleTransport::scenarioEndsInTypedError()
{
    QFETCH(QStringList, args);
    QFETCH(QString, endpoint);
    QFETCH(int, code);
    QFETCH(int, withinMs);
    QList<QJsonObject> devices = m_bus.startSim(simArgs(args));
    QVERIFY2(!devices.isEmpty(), qPrintable(m_bus.error()));
    const QString address = devices.first().value(QStringLiteral("address")).toString();
    const bool adapterScenario = args.join(u' ').contains(QLatin1String("adapter-"));
    if (!adapterScenario)
        scanFor({ address }, 1500); // cached: reported from the cache, never advertising
    m_bus.clearJournal();
    BleTransport t(address);
    t.setTimeout(kExchangeTimeoutMs);
    t.setConnectTimeout(kConnectTimeoutMs);
    QElapsedTimer clock;
    clock.start();
    const auto r = exchange(t, endpoint, "request");
    const qint64 elapsed = clock.elapsed();
    QVERIFY(!r);
    QVERIFY2(r.error().code == ErrorCode(code),
        qPrintable(QStringLiteral("got %1 (%2 ms)").arg(r.error().toString()).arg(elapsed)));
    QVERIFY2(elapsed < withinMs + 500, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));
    QVERIFY(!r.error().detail.isEmpty());
    QCOMPARE(t.isBusy(), false);
}

void TestBleTransport::hungReplyTimesOutAndNextExchangeUsesAFreshLink()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("0"),
        QStringLiteral("--ble-scenario"), QStringLiteral("hung-reply:proto-ver:2") });
    BleTransport t(devices.first().address);
    t.setTimeout(kExchangeTimeoutMs);
    QSignalSpy closed(&t, &Transport::linkClosed);
    QVERIFY(exchange(t, QStringLiteral("proto-ver"), "one"));
    QElapsedTimer clock;
    clock.start();
    const auto hung = exchange(t, QStringLiteral("proto-ver"), "two");
    QCOMPARE(hung.error().code, ErrorCode::Timeout);
    QVERIFY(clock.elapsed() < kExchangeTimeoutMs + 300);
    // Not queued behind the hung D-Bus call (Qt would wait 25 s): a new link answers at once.
    clock.restart();
    const auto third = exchange(t, QStringLiteral("proto-ver"), "three");
    QVERIFY2(third, describe(third).constData());
    QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), 2);
    QVERIFY(!m_bus.journal(QStringLiteral("Disconnect ")).isEmpty());
    QCOMPARE(closed.size(), 0); // we closed it, the device did not
}

void TestBleTransport::bluedroidStaleValueSurfacesAsDecryptFailure()
{
    // 12 networks with 32-byte SSIDs: a page of more than 8 entries exceeds Bluedroid's 481-byte
    // attribute buffer, so the device acknowledges the write but serves the previous value (§7.4).
    QStringList args { QStringLiteral("--sec-ver"), QStringLiteral("2"), QStringLiteral("--ble-scenario"),
        QStringLiteral("bluedroid-481") };
    for (int i = 0; i < 12; ++i)
        args << QStringLiteral("--ap")
             << QStringLiteral("%1,password%2,WPA2-PSK,6,-%3")
                    .arg(QString(32, QChar(u'A' + i)))
                    .arg(i)
                    .arg(40 + i);
    const auto devices = startDevices(args);

    // A transport that lets a careless caller ask for 16 entries per request.
    class Careless : public BleTransport
    {
    public:
        using BleTransport::BleTransport;
        int maxScanEntriesPerRequest() const override { return 255; }
    };
    auto scanSixteenPerPage = [](BleTransport &t) {
        t.setTimeout(kExchangeTimeoutMs);
        Provisioner p(&t);
        p.setSecurityOptions(credentialsFor(2));
        ScanOptions scan;
        scan.pageSize = 16;
        return p.scanWifi(scan)->waitForResult(kWaitMs);
    };
    {
        Careless t(devices.first().address);
        QElapsedTimer clock;
        clock.start();
        const auto r = scanSixteenPerPage(t);
        QVERIFY(!r);
        QVERIFY2(r.error().code == ErrorCode::DecryptFailed || r.error().code == ErrorCode::MalformedMessage,
            describe(r).constData());
        QVERIFY(clock.elapsed() < 3000); // an error, not a hang
        QVERIFY(!m_bus.journal(QStringLiteral("event value-not-stored")).isEmpty());
    }
    // The real BleTransport caps pages at 4 entries (§7.4): every page fits.
    m_bus.clearJournal();
    BleTransport t(devices.first().address);
    const auto r = scanSixteenPerPage(t);
    QVERIFY2(r, describe(r).constData());
    QCOMPARE(r->size(), 12);
    QVERIFY(m_bus.journal(QStringLiteral("event value-not-stored")).isEmpty());
}

void TestBleTransport::linkDropWhileIdleIsReported()
{
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("0") });
    BleTransport t(devices.first().address);
    QSignalSpy closed(&t, &Transport::linkClosed);
    QVERIFY(exchange(t, QStringLiteral("proto-ver"), "---"));
    // The adapter goes down under the open link: BlueZ drops every connection.
    QVERIFY2(m_bus.control(QStringLiteral("SetPowered"), { false }), qPrintable(m_bus.error()));
    QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, 2000);
    QCOMPARE(t.linkState(), BleTransport::LinkState::Closed);
    const auto r = exchange(t, QStringLiteral("proto-ver"), "---");
    QCOMPARE(r.error().code, ErrorCode::AdapterPoweredOff);
    QVERIFY(m_bus.control(QStringLiteral("SetPowered"), { true }));
    const auto again = exchange(t, QStringLiteral("proto-ver"), "---");
    QVERIFY2(again, describe(again).constData());
}

void TestBleTransport::connectionLimitQueuesInFifoOrder()
{
    const auto devices = startDevices({ QStringLiteral("--devices"), QStringLiteral("4"),
        QStringLiteral("--sec-ver"), QStringLiteral("0") });
    QCOMPARE(devices.size(), 4);
    BleConnectionLimit limit(2);
    std::vector<std::unique_ptr<BleTransport>> transports;
    QList<int> connectingOrder;
    int answered = 0;
    int maxActive = 0;
    connect(&limit, &BleConnectionLimit::countsChanged, this,
        [&] { maxActive = std::max(maxActive, limit.activeCount()); });
    for (int i = 0; i < 4; ++i) {
        transports.push_back(std::make_unique<BleTransport>(devices.at(i).address, QUuid(), &limit));
        BleTransport *t = transports.back().get();
        t->setTimeout(2000);
        connect(t, &BleTransport::linkStateChanged, this, [&connectingOrder, i](BleTransport::LinkState s) {
            if (s == BleTransport::LinkState::Connecting)
                connectingOrder.append(i);
        });
    }
    for (int i = 0; i < 4; ++i) {
        BleTransport *t = transports.at(size_t(i)).get();
        t->exchange(QStringLiteral("proto-ver"), "---", [&answered, t](Result<QByteArray> r) {
            if (!r)
                qWarning("exchange failed: %s", describe(r).constData());
            ++answered;
            // Hold the link a little, then close it: that frees the slot for the next in line.
            QTimer::singleShot(20, t, [t] { t->disconnectFromDevice(); });
        });
    }
    QTRY_COMPARE(limit.activeCount(), 2);
    QCOMPARE(limit.waitingCount(), 2);
    QCOMPARE(transports.at(2)->linkState(), BleTransport::LinkState::WaitingForSlot);
    QCOMPARE(transports.at(3)->linkState(), BleTransport::LinkState::WaitingForSlot);
    QTRY_COMPARE_WITH_TIMEOUT(answered, 4, 5000);
    QCOMPARE(maxActive, 2);
    // The first two connected at once; the waiting ones were let in in the order they asked.
    QCOMPARE(connectingOrder.size(), 4);
    QCOMPARE((QSet<int> { connectingOrder.at(0), connectingOrder.at(1) }), (QSet<int> { 0, 1 }));
    QCOMPARE(connectingOrder.mid(2), (QList<int> { 2, 3 }));
    QTRY_COMPARE(limit.activeCount(), 0);
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), 4);
}

void TestBleTransport::workerAndCallerThreadingBothWork_data()
{
    QTest::addColumn<int>("threading");
    QTest::newRow("worker thread") << int(BleTransport::Threading::WorkerThread);
    QTest::newRow("caller thread") << int(BleTransport::Threading::CallerThread);
}

void TestBleTransport::workerAndCallerThreadingBothWork()
{
    QFETCH(int, threading);
    const auto devices = startDevices({ QStringLiteral("--sec-ver"), QStringLiteral("1") });
    BleTransport t(devices.first().address);
    t.setThreading(BleTransport::Threading(threading));
    Provisioner p(&t);
    p.setSecurityOptions(credentialsFor(1));
    const auto info = p.connectDevice()->waitForResult(kWaitMs);
    QVERIFY2(info, describe(info).constData());
    QCOMPARE(info->secVer, 1);
    const auto custom = p.customRequest(QStringLiteral("custom-data"), "hi")->waitForResult(kWaitMs);
    QVERIFY2(custom, describe(custom).constData());
    QVERIFY(custom->startsWith("SUCCESS"));
}

QTEST_GUILESS_MAIN(TestBleTransport)
#include "tst_bletransport.moc"
