// SPDX-License-Identifier: Apache-2.0
// tst_fakebluez: the real Qt Bluetooth BlueZ D-Bus backend (QBluetoothDeviceDiscoveryAgent,
// QLowEnergyController, QLowEnergyService) against prov-sim's fake org.bluez on a private bus. Proves
// the fake is faithful enough for the BLE client's tests: discovery, backend selection, 0x2901 roles,
// write-then-read exchanges served by the simulated device (§7.3), and each scenario's raw Qt-level
// symptom (docs/prov-sim.md "BLE scenarios").

#include "privatebus.h"

#include "codec/networkcodec.h"
#include "codec/sessioncodec.h"
#include "prov/gatt.h"
#include "prov/security.h"

#include <QBluetoothDeviceDiscoveryAgent>
#include <QBluetoothUuid>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLowEnergyController>
#include <QLowEnergyService>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QVersionNumber>

#include <memory>
#include <optional>

using namespace prov;
using prov::test::PrivateBus;

namespace {
constexpr int kWaitMs = 5000;
const QStringList kFast { QStringLiteral("--ble-scan-delay"), QStringLiteral("2"),
    QStringLiteral("--ble-connect-delay"), QStringLiteral("10"), QStringLiteral("--ble-op-delay"),
    QStringLiteral("1") };

/// One connected central: controller, the provisioning service and its roles from 0x2901.
struct Link
{
    ~Link()
    {
        // Disconnect like a well-behaved client (Qt warns about controllers deleted while connected).
        service.reset();
        if (controller && controller->state() != QLowEnergyController::UnconnectedState) {
            controller->disconnectFromDevice();
            const bool closed = QTest::qWaitFor(
                [this] { return controller->state() == QLowEnergyController::UnconnectedState; }, kWaitMs);
            Q_UNUSED(closed);
        }
    }

    QJsonObject device; ///< prov-sim's line for the device
    QBluetoothDeviceInfo info;
    std::unique_ptr<QLowEnergyController> controller;
    std::unique_ptr<QLowEnergyService> service; // destroyed before the controller
    QMap<QString, QLowEnergyCharacteristic> roles;
};

QStringList backendMessages;
QtMessageHandler previousHandler = nullptr;

/// Records Qt Bluetooth's "Using BlueZ LE DBus API" / "Using BlueZ kernel ATT interface" line.
void captureBackendChoice(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (message.contains(QLatin1String("Using BlueZ")))
        backendMessages << message;
    else if (previousHandler)
        previousHandler(type, context, message);
}
} // namespace

class TestFakeBluez : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void cleanupTestCase();

    void versionMakesQtPickTheDBusBackend();
    void findsDeviceByNameAndServiceUuid();
    void mapsRolesFromUserDescriptions();
    void protoVerExchangeWritesThenReads();
    void sec0SessionExchange();
    void sec2HandshakeAndEncryptedStatus();
    void servesClientsConcurrently();
    void emptyAndOversizeWrites();

    void adapterOffGivesPoweredOffError();
    void adapterAbsentGivesNoAdapterError();
    void cachedDeviceIsReportedAtOnceButUnreachable();
    void lateNameArrivesWithRssiChange();
    void rssiDriftUpdatesDevice();
    void connectErrorFailsController();
    void servicesUnresolvedStaysConnecting();
    void notPermittedFailsWriteAndRead();
    void hungReplyNeverAnswers();
    void hungReadAfterWrite();
    void disconnectMidExchangeDropsLink();
    void refusedRequestDropsLink();
    void bluedroid481ReturnsStaleValue();
    void dropAfterApplyDisconnectsButDeviceApplies();
    void rebootFaultTakesDeviceOffline();
    void controlInterfaceSetsScenarios();
    void rejectsMistypedDictionaryWithoutCrashing();

private:
    QList<QJsonObject> startSim(const QStringList &args);
    std::optional<QBluetoothDeviceInfo> discover(const QString &address);
    /// prov-sim with @p args serving one device, which is then discovered; *device = its JSON line.
    std::optional<QBluetoothDeviceInfo> startAndDiscover(const QStringList &args, QJsonObject *device);
    /// Connects, discovers the service (SkipValueDiscovery) and maps roles from 0x2901.
    bool connectLink(Link &link, const QBluetoothDeviceInfo &info);
    /// startAndDiscover() + connectLink().
    bool startAndConnect(const QStringList &args, Link &link);
    std::optional<QByteArray> exchange(Link &link, const QString &endpoint, const QByteArray &request);
    bool establishSec0(Link &link);
    /// Waits until the journal has an entry matching @p pattern, then lets queued signals arrive.
    bool waitForJournal(const QString &pattern);

    PrivateBus m_bus;
};

void TestFakeBluez::initTestCase()
{
    // Before any Qt Bluetooth / QtDBus system-bus object exists (privatebus.h).
    QVERIFY2(m_bus.start(), qPrintable(m_bus.error()));
    QVERIFY(qEnvironmentVariableIsEmpty("BLUETOOTH_FORCE_DBUS_LE_VERSION"));
    previousHandler = qInstallMessageHandler(captureBackendChoice);
}

void TestFakeBluez::cleanup()
{
    m_bus.stopSim();
}

void TestFakeBluez::cleanupTestCase()
{
    qInstallMessageHandler(previousHandler);
    m_bus.stop();
}

QList<QJsonObject> TestFakeBluez::startSim(const QStringList &args)
{
    const QList<QJsonObject> devices = m_bus.startSim(kFast + args);
    if (devices.isEmpty())
        qWarning("prov-sim: %s", qPrintable(m_bus.error()));
    return devices;
}

std::optional<QBluetoothDeviceInfo> TestFakeBluez::discover(const QString &address)
{
    QBluetoothDeviceDiscoveryAgent agent;
    agent.setLowEnergyDiscoveryTimeout(kWaitMs);
    std::optional<QBluetoothDeviceInfo> found;
    connect(&agent, &QBluetoothDeviceDiscoveryAgent::deviceDiscovered, this,
        [&](const QBluetoothDeviceInfo &info) {
            if (info.address().toString() == address)
                found = info;
        });
    agent.start(QBluetoothDeviceDiscoveryAgent::LowEnergyMethod);
    const bool done = QTest::qWaitFor([&] { return found.has_value() || !agent.isActive(); }, kWaitMs);
    Q_UNUSED(done); // found tells
    agent.stop();
    return found;
}

std::optional<QBluetoothDeviceInfo> TestFakeBluez::startAndDiscover(
    const QStringList &args, QJsonObject *device)
{
    const QList<QJsonObject> devices = startSim(args);
    if (devices.size() != 1)
        return std::nullopt;
    *device = devices.first();
    return discover(device->value(QStringLiteral("address")).toString());
}

bool TestFakeBluez::startAndConnect(const QStringList &args, Link &link)
{
    const std::optional<QBluetoothDeviceInfo> info = startAndDiscover(args, &link.device);
    return info && connectLink(link, *info);
}

bool TestFakeBluez::connectLink(Link &link, const QBluetoothDeviceInfo &info)
{
    link.info = info;
    link.controller.reset(QLowEnergyController::createCentral(info));
    QLowEnergyController *controller = link.controller.get();
    controller->connectToDevice();
    if (!QTest::qWaitFor(
            [&] { return controller->state() == QLowEnergyController::ConnectedState; }, kWaitMs))
        return false;
    QSignalSpy discovered(controller, &QLowEnergyController::discoveryFinished);
    controller->discoverServices();
    if (!QTest::qWaitFor([&] { return !discovered.isEmpty(); }, kWaitMs))
        return false;
    link.service.reset(controller->createServiceObject(QBluetoothUuid(gatt::exampleServiceUuid())));
    if (!link.service)
        return false;
    QLowEnergyService *service = link.service.get();
    service->discoverDetails(QLowEnergyService::SkipValueDiscovery);
    if (!QTest::qWaitFor(
            [&] { return service->state() == QLowEnergyService::RemoteServiceDiscovered; }, kWaitMs))
        return false;
    // Roles from the 0x2901 user descriptions only (§7.2 recommended discovery).
    QSignalSpy descriptorRead(service, &QLowEnergyService::descriptorRead);
    for (const QLowEnergyCharacteristic &c : service->characteristics()) {
        const QLowEnergyDescriptor d = c.descriptor(
            QBluetoothUuid::DescriptorType::CharacteristicUserDescription);
        if (!d.isValid())
            return false;
        const qsizetype before = descriptorRead.size();
        service->readDescriptor(d);
        if (!QTest::qWaitFor([&] { return descriptorRead.size() > before; }, kWaitMs))
            return false;
        link.roles.insert(QString::fromLatin1(descriptorRead.last().at(1).toByteArray()), c);
    }
    return true;
}

std::optional<QByteArray> TestFakeBluez::exchange(
    Link &link, const QString &endpoint, const QByteArray &request)
{
    QLowEnergyService *service = link.service.get();
    const QLowEnergyCharacteristic c = link.roles.value(endpoint);
    QSignalSpy written(service, &QLowEnergyService::characteristicWritten);
    QSignalSpy read(service, &QLowEnergyService::characteristicRead);
    QSignalSpy failed(service, &QLowEnergyService::errorOccurred);
    service->writeCharacteristic(c, request, QLowEnergyService::WriteWithResponse);
    if (!QTest::qWaitFor([&] { return !written.isEmpty() || !failed.isEmpty(); }, kWaitMs)
        || written.isEmpty())
        return std::nullopt;
    service->readCharacteristic(c);
    if (!QTest::qWaitFor([&] { return !read.isEmpty() || !failed.isEmpty(); }, kWaitMs) || read.isEmpty())
        return std::nullopt;
    return read.first().at(1).toByteArray();
}

bool TestFakeBluez::establishSec0(Link &link)
{
    auto security = makeClientSecurity0();
    const Result<QByteArray> cmd0 = security->begin();
    const std::optional<QByteArray> resp0 = cmd0 ? exchange(link, QStringLiteral("prov-session"), *cmd0)
                                                 : std::nullopt;
    return resp0 && security->handleResponse(*resp0) && security->isEstablished();
}

bool TestFakeBluez::waitForJournal(const QString &pattern)
{
    const QRegularExpression re(pattern);
    const bool seen = QTest::qWaitFor(
        [&] {
            const QStringList entries = m_bus.journal();
            return std::any_of(
                entries.begin(), entries.end(), [&](const QString &e) { return re.match(e).hasMatch(); });
        },
        kWaitMs);
    // Signals that bluetoothd would have sent before that entry are queued behind the journal reply.
    QTest::qWait(0);
    QCoreApplication::processEvents();
    return seen;
}

// ---- the happy path

void TestFakeBluez::versionMakesQtPickTheDBusBackend()
{
    QProcess version;
    version.start(QStringLiteral(PROV_SIM_PATH), { QStringLiteral("--version") });
    QVERIFY(version.waitForFinished(kWaitMs));
    const QString output = QString::fromLocal8Bit(version.readAllStandardOutput());
    QVERIFY2(output.startsWith(QLatin1String("5.66\n")), qPrintable(output));
    // What bluez5_helper.cpp does with it:
    QVERIFY(QVersionNumber::fromString(output) >= QVersionNumber(5, 42));

    Link link;
    QVERIFY(startAndConnect({ QStringLiteral("--service-name"), QStringLiteral("PROV_ABC123") }, link));
    // The kernel ATT backend never calls Device1.Connect; the D-Bus backend does.
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")),
        QStringList { QStringLiteral("Connect /org/bluez/hci0/dev_24_0A_C4_AB_C1_23 => ok") });
    // Qt also says so, unless qt.bluetooth warnings are filtered out by logging rules.
    for (const QString &message : std::as_const(backendMessages))
        QVERIFY2(message.contains(QLatin1String("DBus")), qPrintable(message));
}

void TestFakeBluez::findsDeviceByNameAndServiceUuid()
{
    const QList<QJsonObject> devices = startSim(
        { QStringLiteral("--service-name"), QStringLiteral("PROV_ABC123") });
    QCOMPARE(devices.size(), 1);
    const QJsonObject line = devices.first();
    QCOMPARE(line.value(QStringLiteral("transport")).toString(), QStringLiteral("ble"));
    QCOMPARE(line.value(QStringLiteral("address")).toString(), QStringLiteral("24:0A:C4:AB:C1:23"));
    QCOMPARE(line.value(QStringLiteral("service_uuid")).toString(),
        QStringLiteral("021a9004-0382-4aea-bff4-6b3f1c5adfb4"));
    QCOMPARE(line.value(QStringLiteral("rssi")).toInt(), -60);
    QVERIFY(line.value(QStringLiteral("qr")).toString().contains(QLatin1String("\"transport\":\"ble\"")));

    const auto info = discover(QStringLiteral("24:0A:C4:AB:C1:23"));
    QVERIFY(info);
    QCOMPARE(info->name(), QStringLiteral("PROV_ABC123"));
    QVERIFY(info->serviceUuids().contains(QBluetoothUuid(gatt::exampleServiceUuid())));
    QCOMPARE(info->rssi(), qint16(-60));
    QVERIFY(info->coreConfigurations() & QBluetoothDeviceInfo::LowEnergyCoreConfiguration);
    // The discovery calls Qt makes, in bluetoothd's order (docs/ble-testing.md sequence 1).
    const QStringList journal = m_bus.journal();
    const auto index = [&](const QString &prefix) {
        return std::find_if(journal.begin(), journal.end(), [&](const QString &e) {
            return e.startsWith(prefix);
        }) - journal.begin();
    };
    QVERIFY(index(QStringLiteral("SetDiscoveryFilter /org/bluez/hci0 Transport=le => ok")) < journal.size());
    QVERIFY(index(QStringLiteral("SetDiscoveryFilter ")) < index(QStringLiteral("StartDiscovery ")));
    QVERIFY(index(QStringLiteral("StartDiscovery ")) < index(QStringLiteral("event advertised ")));
    QVERIFY(index(QStringLiteral("event advertised ")) < index(QStringLiteral("StopDiscovery ")));
}

void TestFakeBluez::mapsRolesFromUserDescriptions()
{
    Link link;
    QVERIFY(startAndConnect({ QStringLiteral("--service-name"), QStringLiteral("PROV_ABC123") }, link));
    const QStringList expected { QStringLiteral("custom-data"), QStringLiteral("proto-ver"),
        QStringLiteral("prov-config"), QStringLiteral("prov-ctrl"), QStringLiteral("prov-scan"),
        QStringLiteral("prov-session") };
    QCOMPARE(link.roles.keys(), expected);
    const QUuid service = gatt::exampleServiceUuid();
    for (const QString &role : expected) {
        const quint16 id = gatt::standardEndpointId(role).value_or(gatt::firstCustomEndpointId);
        QCOMPARE(link.roles.value(role).uuid(), QBluetoothUuid(gatt::characteristicUuid(service, id)));
        QCOMPARE(link.roles.value(role).properties(),
            QLowEnergyCharacteristic::Read | QLowEnergyCharacteristic::Write);
    }
    QCOMPARE(m_bus.journal(QStringLiteral("ReadValue ")).size(), expected.size());
    QVERIFY(m_bus.journal(QStringLiteral("ReadValue ")).first().contains(QLatin1String("descriptor=2901")));
}

void TestFakeBluez::protoVerExchangeWritesThenReads()
{
    Link link;
    QVERIFY(startAndConnect({ QStringLiteral("--service-name"), QStringLiteral("PROV_ABC123") }, link));
    QVERIFY(m_bus.clearJournal());

    const std::optional<QByteArray> response = exchange(link, QStringLiteral("proto-ver"), "ESP");
    QVERIFY(response);
    const QJsonObject prov = QJsonDocument::fromJson(*response)
                                 .object()
                                 .value(QStringLiteral("prov"))
                                 .toObject();
    QCOMPARE(prov.value(QStringLiteral("ver")).toString(), QStringLiteral("v1.1"));
    QCOMPARE(prov.value(QStringLiteral("sec_ver")).toInt(), 2);
    QCOMPARE(prov.value(QStringLiteral("sec_patch_ver")).toInt(), 1);

    const QStringList ops = m_bus.journal(QStringLiteral("WriteValue "))
        + m_bus.journal(QStringLiteral("ReadValue "));
    QCOMPARE(ops.size(), 2);
    const QString path = ops.first().section(QLatin1Char(' '), 1, 1);
    QVERIFY(path.startsWith(QLatin1String("/org/bluez/hci0/dev_24_0A_C4_AB_C1_23/service0001/char")));
    QCOMPARE(
        ops.first(), QStringLiteral("WriteValue %1 endpoint=proto-ver type=request len=3 => ok").arg(path));
    QCOMPARE(ops.last(),
        QStringLiteral("ReadValue %1 endpoint=proto-ver len=%2 => ok").arg(path).arg(response->size()));
    // Order in the whole journal: the write comes before the read of the same characteristic.
    const QStringList journal = m_bus.journal();
    QVERIFY(journal.indexOf(ops.first()) < journal.indexOf(ops.last()));
}

void TestFakeBluez::sec0SessionExchange()
{
    Link link;
    QVERIFY(startAndConnect({ QStringLiteral("--sec-ver"), QStringLiteral("0") }, link));
    const std::optional<QByteArray> response = exchange(
        link, QStringLiteral("prov-session"), codec::encodeSession(codec::Sec0Cmd {}));
    QVERIFY(response);
    const Result<codec::SessionMessage> decoded = codec::decodeSession(*response);
    QVERIFY(decoded);
    QVERIFY(std::holds_alternative<codec::Sec0Resp>(*decoded));
    QCOMPARE(std::get<codec::Sec0Resp>(*decoded).status, 0);
    // Then a plaintext prov-config request in that session.
    const std::optional<QByteArray> status = exchange(
        link, QStringLiteral("prov-config"), codec::encodeConfigRequest(codec::GetWifiStatus {}));
    QVERIFY(status);
    const auto wifi = codec::decodeConfigResponse(*status);
    QVERIFY(wifi && std::holds_alternative<codec::WifiStatusResponse>(*wifi));
    QCOMPARE(std::get<codec::WifiStatusResponse>(*wifi).wifi.state, WifiState::Disconnected);
}

void TestFakeBluez::sec2HandshakeAndEncryptedStatus()
{
    Link link;
    QVERIFY(startAndConnect({}, link));
    auto security = makeClientSecurity2("wifiprov", "abcd1234", 1);
    Result<QByteArray> cmd0 = security->begin();
    QVERIFY(cmd0);
    QVERIFY(cmd0->size() > 400); // needs a long write on a real link (§7.4)
    std::optional<QByteArray> resp0 = exchange(link, QStringLiteral("prov-session"), *cmd0);
    QVERIFY(resp0);
    auto cmd1 = security->handleResponse(*resp0);
    QVERIFY(cmd1 && cmd1->has_value());
    std::optional<QByteArray> resp1 = exchange(link, QStringLiteral("prov-session"), **cmd1);
    QVERIFY(resp1);
    QVERIFY(security->handleResponse(*resp1));
    QVERIFY(security->isEstablished());
    const auto request = security->encrypt(codec::encodeConfigRequest(codec::GetWifiStatus {}));
    QVERIFY(request);
    const std::optional<QByteArray> response = exchange(link, QStringLiteral("prov-config"), *request);
    QVERIFY(response);
    const auto plain = security->decrypt(*response);
    QVERIFY(plain);
    const auto wifi = codec::decodeConfigResponse(*plain);
    QVERIFY(wifi && std::holds_alternative<codec::WifiStatusResponse>(*wifi));
    QVERIFY(!m_bus.journal(QStringLiteral("WriteValue "))
                 .filter(QStringLiteral("len=%1 ").arg(cmd0->size()))
                 .isEmpty());
}

void TestFakeBluez::servesClientsConcurrently()
{
    // Slow links: if the fake served one call at a time, Connect #8 would arrive after #1 resolved.
    QList<QJsonObject> devices = m_bus.startSim(
        { QStringLiteral("--devices"), QStringLiteral("8"), QStringLiteral("--ble-connect-delay"),
            QStringLiteral("300"), QStringLiteral("--ble-scan-delay"), QStringLiteral("2") });
    QCOMPARE(devices.size(), 8);
    QBluetoothDeviceDiscoveryAgent agent;
    agent.setLowEnergyDiscoveryTimeout(kWaitMs);
    QHash<QString, QBluetoothDeviceInfo> found;
    connect(&agent, &QBluetoothDeviceDiscoveryAgent::deviceDiscovered, this,
        [&](const QBluetoothDeviceInfo &info) { found.insert(info.address().toString(), info); });
    agent.start(QBluetoothDeviceDiscoveryAgent::LowEnergyMethod);
    QTRY_COMPARE_WITH_TIMEOUT(found.size(), 8, kWaitMs);
    agent.stop();

    std::vector<Link> links(found.size());
    auto link = links.begin();
    for (const QBluetoothDeviceInfo &info : std::as_const(found)) {
        link->controller.reset(QLowEnergyController::createCentral(info));
        (link++)->controller->connectToDevice();
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(links.begin(), links.end(),
            [](const Link &l) { return l.controller->state() == QLowEnergyController::ConnectedState; }),
        kWaitMs);
    const QStringList journal = m_bus.journal();
    const QStringList connects = journal.filter(QRegularExpression(QStringLiteral("^Connect ")));
    QCOMPARE(connects.size(), 8);
    const qsizetype firstResolved = std::find_if(journal.begin(), journal.end(), [](const QString &e) {
        return e.startsWith(QLatin1String("event services-resolved"));
    }) - journal.begin();
    QVERIFY2(journal.indexOf(connects.last()) < firstResolved, qPrintable(journal.join(QLatin1Char('\n'))));
}

void TestFakeBluez::emptyAndOversizeWrites()
{
    Link link;
    QVERIFY(startAndConnect({}, link));
    QLowEnergyService *service = link.service.get();
    QSignalSpy written(service, &QLowEnergyService::characteristicWritten);
    QSignalSpy failed(service, &QLowEnergyService::errorOccurred);
    const QLowEnergyCharacteristic session = link.roles.value(QStringLiteral("prov-session"));

    service->writeCharacteristic(session, QByteArray(), QLowEnergyService::WriteWithResponse);
    QTRY_COMPARE_WITH_TIMEOUT(written.size() + failed.size(), 1, kWaitMs);
    QCOMPARE(written.size(), 1);
    QCOMPARE(m_bus.journal(QStringLiteral("WriteValue ")).size(), 1);
    QVERIFY(m_bus.journal(QStringLiteral("WriteValue ")).first().endsWith(QLatin1String("len=0 => ignored")));

    service->writeCharacteristic(session, QByteArray(513, 'x'), QLowEnergyService::WriteWithResponse);
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kWaitMs);
    QCOMPARE(failed.first().at(0).value<QLowEnergyService::ServiceError>(),
        QLowEnergyService::CharacteristicWriteError);
    QVERIFY(m_bus.journal(QStringLiteral("WriteValue "))
                .last()
                .endsWith(QLatin1String("len=513 => error org.bluez.Error.InvalidValueLength")));
}

// ---- scenarios: each one's raw Qt-level symptom

void TestFakeBluez::adapterOffGivesPoweredOffError()
{
    const QList<QJsonObject> devices = startSim(
        { QStringLiteral("--ble-scenario"), QStringLiteral("adapter-off") });
    QCOMPARE(devices.size(), 1);
    {
        QBluetoothDeviceDiscoveryAgent agent;
        QSignalSpy error(&agent, &QBluetoothDeviceDiscoveryAgent::errorOccurred);
        agent.start(QBluetoothDeviceDiscoveryAgent::LowEnergyMethod); // emitted inside start()
                                                                      // (docs/ble-testing.md §4.11)
        QTRY_COMPARE_WITH_TIMEOUT(error.size(), 1, kWaitMs);
        QCOMPARE(agent.error(), QBluetoothDeviceDiscoveryAgent::PoweredOffError);
    }
    // Switched on through the control interface, the same device is found.
    QVERIFY2(m_bus.control(QStringLiteral("SetPowered"), { true }), qPrintable(m_bus.error()));
    QVERIFY(discover(devices.first().value(QStringLiteral("address")).toString()));
}

void TestFakeBluez::adapterAbsentGivesNoAdapterError()
{
    const QList<QJsonObject> devices = startSim(
        { QStringLiteral("--ble-scenario"), QStringLiteral("adapter-absent") });
    QCOMPARE(devices.size(), 1);
    QBluetoothDeviceDiscoveryAgent agent;
    QSignalSpy error(&agent, &QBluetoothDeviceDiscoveryAgent::errorOccurred);
    agent.start(QBluetoothDeviceDiscoveryAgent::LowEnergyMethod);
    QTRY_COMPARE_WITH_TIMEOUT(error.size(), 1, kWaitMs);
    // Qt 6.4's BlueZ backend: "Cannot find valid Bluetooth adapter." as an InputOutputError.
    QCOMPARE(agent.error(), QBluetoothDeviceDiscoveryAgent::InputOutputError);
    QVERIFY2(agent.errorString().contains(QLatin1String("adapter")), qPrintable(agent.errorString()));
    QVERIFY(m_bus.journal(QStringLiteral("StartDiscovery ")).isEmpty());
}

void TestFakeBluez::cachedDeviceIsReportedAtOnceButUnreachable()
{
    QJsonObject device;
    const auto info = startAndDiscover(
        { QStringLiteral("--ble-scenario"), QStringLiteral("cached") }, &device);
    QVERIFY(info);
    QCOMPARE(info->name(), device.value(QStringLiteral("service_name")).toString());
    QCOMPARE(info->rssi(), qint16(0)); // from the cache: never advertised
    QVERIFY(m_bus.journal(QStringLiteral("event advertised")).isEmpty());

    std::unique_ptr<QLowEnergyController> controller(QLowEnergyController::createCentral(*info));
    QSignalSpy error(controller.get(), &QLowEnergyController::errorOccurred);
    controller->connectToDevice();
    QTRY_COMPARE_WITH_TIMEOUT(error.size(), 1, kWaitMs);
    QVERIFY(controller->state() != QLowEnergyController::ConnectedState);
    QCOMPARE(m_bus.journal(QStringLiteral("Connect ")).size(), 1);
    QVERIFY(m_bus.journal(QStringLiteral("Connect "))
                .first()
                .endsWith(QLatin1String("=> error org.bluez.Error.Failed")));
}

void TestFakeBluez::lateNameArrivesWithRssiChange()
{
    const QList<QJsonObject> devices = startSim({ QStringLiteral("--service-name"),
        QStringLiteral("PROV_LATE01"), QStringLiteral("--ble-scenario"), QStringLiteral("late-name:50") });
    QCOMPARE(devices.size(), 1);
    const QString address = devices.first().value(QStringLiteral("address")).toString();
    QBluetoothDeviceDiscoveryAgent agent;
    agent.setLowEnergyDiscoveryTimeout(0); // continuous: the late name comes with the RSSI change
    QStringList names;
    QList<qint16> rssis;
    auto seen = [&](const QBluetoothDeviceInfo &info) {
        if (info.address().toString() == address) {
            names << info.name();
            rssis << info.rssi();
        }
    };
    connect(&agent, &QBluetoothDeviceDiscoveryAgent::deviceDiscovered, this, seen);
    connect(&agent, &QBluetoothDeviceDiscoveryAgent::deviceUpdated, this,
        [&](const QBluetoothDeviceInfo &info, QBluetoothDeviceInfo::Fields) { seen(info); });
    agent.start(QBluetoothDeviceDiscoveryAgent::LowEnergyMethod);
    QTRY_VERIFY_WITH_TIMEOUT(names.contains(QStringLiteral("PROV_LATE01")), kWaitMs);
    agent.stop();
    QCOMPARE(names.first(), QString(address).replace(QLatin1Char(':'), QLatin1Char('-')));
    QCOMPARE(rssis.first(), qint16(-60));
    QCOMPARE(rssis.last(), qint16(-61));
}

void TestFakeBluez::rssiDriftUpdatesDevice()
{
    const QList<QJsonObject> devices = startSim({ QStringLiteral("--ble-scenario"),
        QStringLiteral("rssi-drift"), QStringLiteral("--ble-advertise-interval"), QStringLiteral("20") });
    QCOMPARE(devices.size(), 1);
    const QString address = devices.first().value(QStringLiteral("address")).toString();
    QBluetoothDeviceDiscoveryAgent agent;
    agent.setLowEnergyDiscoveryTimeout(kWaitMs);
    QList<qint16> updates;
    connect(&agent, &QBluetoothDeviceDiscoveryAgent::deviceUpdated, this,
        [&](const QBluetoothDeviceInfo &info, QBluetoothDeviceInfo::Fields fields) {
            if (info.address().toString() == address && (fields & QBluetoothDeviceInfo::Field::RSSI))
                updates << info.rssi();
        });
    agent.start(QBluetoothDeviceDiscoveryAgent::LowEnergyMethod);
    QTRY_VERIFY_WITH_TIMEOUT(updates.size() >= 3, kWaitMs);
    agent.stop();
    for (qsizetype i = 1; i < updates.size(); ++i)
        QVERIFY(updates.at(i) != updates.at(i - 1));

    // SetRssi moves the device as a test wants it.
    QVERIFY(m_bus.control(QStringLiteral("SetRssi"), { address, -42 }));
    QVERIFY(!m_bus.journal(QStringLiteral("event rssi ")).isEmpty());
}

void TestFakeBluez::connectErrorFailsController()
{
    QJsonObject device;
    const auto info = startAndDiscover(
        { QStringLiteral("--ble-scenario"), QStringLiteral("connect-error") }, &device);
    QVERIFY(info);
    std::unique_ptr<QLowEnergyController> controller(QLowEnergyController::createCentral(*info));
    QSignalSpy error(controller.get(), &QLowEnergyController::errorOccurred);
    controller->connectToDevice();
    QTRY_COMPARE_WITH_TIMEOUT(error.size(), 1, kWaitMs);
    QCOMPARE(controller->error(), QLowEnergyController::UnknownError); // Qt 6.4's mapping of a Connect error
    QTRY_COMPARE_WITH_TIMEOUT(controller->state(), QLowEnergyController::UnconnectedState, kWaitMs);
}

void TestFakeBluez::servicesUnresolvedStaysConnecting()
{
    QJsonObject device;
    const auto info = startAndDiscover(
        { QStringLiteral("--ble-scenario"), QStringLiteral("services-unresolved") }, &device);
    QVERIFY(info);
    std::unique_ptr<QLowEnergyController> controller(QLowEnergyController::createCentral(*info));
    controller->connectToDevice();
    QVERIFY(waitForJournal(QStringLiteral("^event services-withheld ")));
    QCOMPARE(controller->state(), QLowEnergyController::ConnectingState); // Qt has no connect timeout
    QCOMPARE(controller->error(), QLowEnergyController::NoError);
    controller->disconnectFromDevice(); // the client's own watchdog gives up
    QTRY_COMPARE_WITH_TIMEOUT(controller->state(), QLowEnergyController::UnconnectedState, kWaitMs);
}

void TestFakeBluez::notPermittedFailsWriteAndRead()
{
    Link link;
    QVERIFY(startAndConnect({ QStringLiteral("--ble-scenario"), QStringLiteral("not-permitted") },
        link)); // 0x2901 descriptors stay readable
    QLowEnergyService *service = link.service.get();
    QSignalSpy failed(service, &QLowEnergyService::errorOccurred);
    service->writeCharacteristic(link.roles.value(QStringLiteral("proto-ver")), "ESP");
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, kWaitMs);
    QCOMPARE(failed.at(0).at(0).value<QLowEnergyService::ServiceError>(),
        QLowEnergyService::CharacteristicWriteError);
    service->readCharacteristic(link.roles.value(QStringLiteral("proto-ver")));
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 2, kWaitMs);
    QCOMPARE(failed.at(1).at(0).value<QLowEnergyService::ServiceError>(),
        QLowEnergyService::CharacteristicReadError);
    const QStringList ops = m_bus.journal(QStringLiteral("WriteValue "))
        + m_bus.journal(QStringLiteral("ReadValue ")).filter(QStringLiteral("endpoint=proto-ver"));
    QCOMPARE(ops.filter(QStringLiteral("=> error org.bluez.Error.NotPermitted")).size(), 2);
}

void TestFakeBluez::hungReplyNeverAnswers()
{
    Link link;
    QVERIFY(startAndConnect(
        { QStringLiteral("--ble-scenario"), QStringLiteral("hung-reply:proto-ver:1") }, link));
    QLowEnergyService *service = link.service.get();
    QSignalSpy written(service, &QLowEnergyService::characteristicWritten);
    QSignalSpy failed(service, &QLowEnergyService::errorOccurred);
    service->writeCharacteristic(link.roles.value(QStringLiteral("proto-ver")), "ESP");
    QVERIFY(waitForJournal(QStringLiteral("^WriteValue .* endpoint=proto-ver .*=> no-reply$")));
    QVERIFY(waitForJournal(QStringLiteral("^event reply-withheld ")));
    QCOMPARE(written.size(), 0);
    QCOMPARE(failed.size(), 0); // Qt would wait for libdbus's 25 s timeout: clients need their own
}

void TestFakeBluez::hungReadAfterWrite()
{
    Link link;
    QVERIFY(startAndConnect(
        { QStringLiteral("--ble-scenario"), QStringLiteral("hung-reply:prov-session:1:read") }, link));
    QLowEnergyService *service = link.service.get();
    QSignalSpy written(service, &QLowEnergyService::characteristicWritten);
    QSignalSpy read(service, &QLowEnergyService::characteristicRead);
    QSignalSpy failed(service, &QLowEnergyService::errorOccurred);
    const QLowEnergyCharacteristic session = link.roles.value(QStringLiteral("prov-session"));
    service->writeCharacteristic(
        session, codec::encodeSession(codec::Sec2Cmd0 { "wifiprov", QByteArray(384, '\x01') }));
    QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, kWaitMs); // the write is answered...
    service->readCharacteristic(session);
    QVERIFY(waitForJournal(QStringLiteral("^event reply-withheld .* endpoint=prov-session$")));
    QCOMPARE(read.size(), 0); // ...the read of its response is not
    QCOMPARE(failed.size(), 0);
    QVERIFY(m_bus.journal(QStringLiteral("ReadValue "))
                .last()
                .endsWith(QLatin1String("endpoint=prov-session => no-reply")));
}

void TestFakeBluez::disconnectMidExchangeDropsLink()
{
    Link link;
    QVERIFY(startAndConnect(
        { QStringLiteral("--ble-scenario"), QStringLiteral("disconnect-mid-exchange:proto-ver:1") }, link));
    QSignalSpy disconnected(link.controller.get(), &QLowEnergyController::disconnected);
    link.service->writeCharacteristic(link.roles.value(QStringLiteral("proto-ver")), "ESP");
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, kWaitMs);
    QCOMPARE(link.controller->state(), QLowEnergyController::UnconnectedState);
    QCOMPARE(link.service->state(), QLowEnergyService::InvalidService);
    QCOMPARE(m_bus.journal(QStringLiteral("event disconnected ")).size(), 1);
    QVERIFY(m_bus.journal(QStringLiteral("event disconnected "))
                .first()
                .endsWith(QLatin1String("reason=disconnect-mid-exchange")));
    // Reconnecting works: the device advertises again after the link drops (§7.1).
    Link again;
    QVERIFY(connectLink(again, link.info));
    QVERIFY(exchange(again, QStringLiteral("proto-ver"), "ESP"));
}

void TestFakeBluez::refusedRequestDropsLink()
{
    Link link;
    QVERIFY(startAndConnect({}, link));
    QSignalSpy disconnected(link.controller.get(), &QLowEnergyController::disconnected);
    // Not a SessionData: the device's handler fails and Bluedroid kills the connection (§7.6).
    link.service->writeCharacteristic(
        link.roles.value(QStringLiteral("prov-session")), QByteArray(8, '\xff'));
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, kWaitMs);
    QVERIFY(m_bus.journal(QStringLiteral("WriteValue "))
                .first()
                .endsWith(QLatin1String("=> error org.bluez.Error.Failed")));
    QVERIFY(m_bus.journal(QStringLiteral("event disconnected "))
                .first()
                .endsWith(QLatin1String("reason=refused")));
}

void TestFakeBluez::bluedroid481ReturnsStaleValue()
{
    // 12 networks with 32-byte SSIDs: a 12-entry scan result is ~700 bytes, more than Bluedroid stores.
    QStringList args { QStringLiteral("--sec-ver"), QStringLiteral("0"), QStringLiteral("--ble-scenario"),
        QStringLiteral("bluedroid-481") };
    for (int i = 0; i < 12; ++i)
        args << QStringLiteral("--ap")
             << QStringLiteral("%1,password%2").arg(QString(32, QLatin1Char('a' + i))).arg(i);
    Link link;
    QVERIFY(startAndConnect(args, link));
    QVERIFY(establishSec0(link));
    const QString scan = QStringLiteral("prov-scan");
    QVERIFY(exchange(link, scan, codec::encodeScanRequest(codec::ScanWifiStart {})));
    const std::optional<QByteArray> status = exchange(
        link, scan, codec::encodeScanRequest(codec::ScanWifiStatus {}));
    QVERIFY(status);
    const auto decodedStatus = codec::decodeScanResponse(*status);
    QVERIFY(decodedStatus && std::holds_alternative<codec::ScanWifiStatusResponse>(*decodedStatus));
    QCOMPARE(std::get<codec::ScanWifiStatusResponse>(*decodedStatus).resultCount, 12u);

    const std::optional<QByteArray> result = exchange(
        link, scan, codec::encodeScanRequest(codec::ScanWifiResult { 0, 12 }));
    QVERIFY(result);
    QCOMPARE(*result, *status); // the write was acknowledged; the read returns the previous value (§7.4)
    QVERIFY(m_bus.journal(QStringLiteral("WriteValue ")).last().endsWith(QLatin1String("=> stale")));
    QCOMPARE(m_bus.journal(QStringLiteral("event value-not-stored ")).size(), 1);
    // Four at a time (what the references request over BLE) fits.
    const std::optional<QByteArray> four = exchange(
        link, scan, codec::encodeScanRequest(codec::ScanWifiResult { 0, 4 }));
    QVERIFY(four);
    const auto decoded = codec::decodeScanResponse(*four);
    QVERIFY(decoded && std::holds_alternative<codec::ScanWifiResultResponse>(*decoded));
    QCOMPARE(std::get<codec::ScanWifiResultResponse>(*decoded).entries.size(), 4);
}

void TestFakeBluez::dropAfterApplyDisconnectsButDeviceApplies()
{
    Link link;
    QVERIFY(
        startAndConnect({ QStringLiteral("--sec-ver"), QStringLiteral("0"), QStringLiteral("--ble-scenario"),
                            QStringLiteral("drop-after-apply"), QStringLiteral("--connect-delay"),
                            QStringLiteral("20"), QStringLiteral("--dhcp-delay"), QStringLiteral("10") },
            link));
    QVERIFY(establishSec0(link));
    const QString config = QStringLiteral("prov-config");
    QVERIFY(exchange(link, config,
        codec::encodeConfigRequest(
            codec::SetWifiConfig { WifiCredentials { "myssid", "mypassword", {}, 0 } })));
    QSignalSpy disconnected(link.controller.get(), &QLowEnergyController::disconnected);
    const std::optional<QByteArray> applied = exchange(
        link, config, codec::encodeConfigRequest(codec::ApplyWifiConfig {}));
    QVERIFY(applied); // the response is read first, then the link drops
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, kWaitMs);
    QVERIFY(m_bus.journal(QStringLiteral("event disconnected "))
                .first()
                .endsWith(QLatin1String("reason=drop-after-apply")));

    // The device kept applying: after a reconnect and a new session, it reports Connected.
    Link again;
    QVERIFY(connectLink(again, link.info));
    QVERIFY(establishSec0(again));
    WifiState state = WifiState::Disconnected;
    QVERIFY(QTest::qWaitFor(
        [&] {
            const auto r = exchange(again, config, codec::encodeConfigRequest(codec::GetWifiStatus {}));
            const auto d = r ? codec::decodeConfigResponse(*r)
                             : Result<codec::ConfigResponse>(makeError(ErrorCode::Internal));
            if (d && std::holds_alternative<codec::WifiStatusResponse>(*d))
                state = std::get<codec::WifiStatusResponse>(*d).wifi.state;
            return state == WifiState::Connected;
        },
        kWaitMs));
    // Provisioning stops 1 s after Connected was read (auto-stop): the device tears BLE down.
    QSignalSpy stopped(again.controller.get(), &QLowEnergyController::disconnected);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, kWaitMs);
    QVERIFY(m_bus.journal(QStringLiteral("event disconnected "))
                .last()
                .endsWith(QLatin1String("reason=provisioning-stopped")));
}

void TestFakeBluez::rebootFaultTakesDeviceOffline()
{
    // --fault specs work over BLE: a reboot drops the link and the device stops advertising.
    Link link;
    QVERIFY(
        startAndConnect({ QStringLiteral("--fault"), QStringLiteral("reboot=400:prov-session:1") }, link));
    QCOMPARE(link.device.value(QStringLiteral("faults")).toArray().size(), 1);
    QSignalSpy disconnected(link.controller.get(), &QLowEnergyController::disconnected);
    link.service->writeCharacteristic(link.roles.value(QStringLiteral("prov-session")), QByteArray(8, 'x'));
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, kWaitMs);
    {
        std::unique_ptr<QLowEnergyController> offline(QLowEnergyController::createCentral(link.info));
        QSignalSpy error(offline.get(), &QLowEnergyController::errorOccurred);
        offline->connectToDevice();
        QTRY_COMPARE_WITH_TIMEOUT(error.size(), 1, kWaitMs);
    }
    QVERIFY(m_bus.journal(QStringLiteral("Connect "))
                .last()
                .endsWith(QLatin1String("=> error org.bluez.Error.Failed")));
    QVERIFY(waitForJournal(QStringLiteral("^event online ")));
    Link again;
    QVERIFY(connectLink(again, link.info));
    QVERIFY(exchange(again, QStringLiteral("proto-ver"), "ESP"));
}

void TestFakeBluez::controlInterfaceSetsScenarios()
{
    const QList<QJsonObject> devices = startSim({});
    QCOMPARE(devices.size(), 1);
    const QString address = devices.first().value(QStringLiteral("address")).toString();
    QVERIFY(!m_bus.control(QStringLiteral("SetScenario"), { address, QStringLiteral("no-such-scenario") }));
    QVERIFY(m_bus.error().startsWith(QLatin1String("org.provsim.Error.InvalidArguments")));
    QVERIFY(!m_bus.control(QStringLiteral("SetScenario"), { address, QStringLiteral("adapter-off") }));
    QVERIFY(
        !m_bus.control(QStringLiteral("SetScenario"), { QStringLiteral("00:00:00:00:00:00"), QString() }));
    QVERIFY2(m_bus.control(QStringLiteral("SetScenario"), { address, QStringLiteral("connect-error") }),
        qPrintable(m_bus.error()));
    const auto info = discover(address);
    QVERIFY(info);
    std::unique_ptr<QLowEnergyController> controller(QLowEnergyController::createCentral(*info));
    QSignalSpy error(controller.get(), &QLowEnergyController::errorOccurred);
    controller->connectToDevice();
    QTRY_COMPARE_WITH_TIMEOUT(error.size(), 1, kWaitMs);
    QVERIFY(m_bus.control(QStringLiteral("SetScenario"), { address, QStringLiteral("none") }));
    Link link;
    QVERIFY(connectLink(link, *info));
}

void TestFakeBluez::rejectsMistypedDictionaryWithoutCrashing()
{
    QVERIFY(!startSim({}).isEmpty());
    // a{si} where bluetoothd takes a{sv}: demarshalling it as a{sv} makes libdbus abort the process.
    using IntMap = QMap<QString, int>;
    qDBusRegisterMetaType<IntMap>();
    auto setFilter = [](const QVariant &filter) {
        QDBusMessage call = QDBusMessage::createMethodCall(QStringLiteral("org.bluez"),
            QStringLiteral("/org/bluez/hci0"), QStringLiteral("org.bluez.Adapter1"),
            QStringLiteral("SetDiscoveryFilter"));
        call << filter;
        return QDBusConnection::systemBus().call(call, QDBus::Block, kWaitMs);
    };
    for (const QVariant &bad : { QVariant::fromValue(IntMap { { QStringLiteral("RSSI"), -60 } }),
             QVariant(QStringList { QStringLiteral("UUIDs") }), QVariant(42) }) {
        const QDBusMessage reply = setFilter(bad);
        QCOMPARE(reply.type(), QDBusMessage::ErrorMessage);
        QCOMPARE(reply.errorName(), QStringLiteral("org.bluez.Error.InvalidArguments"));
    }
    QVERIFY(m_bus.isSimRunning());
    const QStringList refused = m_bus.journal(QStringLiteral("SetDiscoveryFilter "))
                                    .filter(QStringLiteral("=> error org.bluez.Error.InvalidArguments"));
    QCOMPARE(refused.size(), 3);
    // The well-typed call still works.
    const QDBusMessage ok = setFilter(
        QVariant(QVariantMap { { QStringLiteral("Transport"), QStringLiteral("le") } }));
    QVERIFY2(ok.type() == QDBusMessage::ReplyMessage, qPrintable(ok.errorMessage()));
}

QTEST_GUILESS_MAIN(TestFakeBluez)
#include "tst_fakebluez.moc"
