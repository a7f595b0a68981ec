// SPDX-License-Identifier: Apache-2.0
#include "bleperipheral.h"

#include "bluezdbus.h"
#include "journal.h"
#include "objecttree.h"

#include "prov/device.h"
#include "prov/gatt.h"

#include <QDBusArgument>
#include <QDBusMetaType>
#include <QTimer>

using namespace prov;

namespace {
constexpr int kAttMaxValue = 512; // ATT maximum attribute value (§7.4, NimBLE)
constexpr int kBluedroidMaxValue = 481; // CHAR_VAL_LEN_MAX with Security 2 (§7.4)
constexpr int kAttMtu = 500; // Bluedroid's local MTU (§7.4): min(client 517, 500)
constexpr quint16 kFirstHandle = 0x0001;
constexpr int kStopPollMs = 100;
// rssi-drift: offsets from the configured RSSI; consecutive values always differ.
constexpr int kDrift[] = { 0, -3, -5, -2, 1, 3, 2, -1 };

QString uuidText(const QUuid &uuid)
{
    return uuid.toString(QUuid::WithoutBraces);
}

QString userDescriptionUuid()
{
    return QStringLiteral("00002901-0000-1000-8000-00805f9b34fb");
}

bool isProtoVer(const QString &endpoint)
{
    return endpoint == QLatin1String("proto-ver");
}

const QString kBadOptions = QStringLiteral("Invalid arguments in method call");
} // namespace

BlePeripheral::BlePeripheral(
    SimulatedDevice *device, const BlePeripheralConfig &config, BleAdapterContext &adapter, QObject *parent)
    : QObject(parent)
    , m_device(device)
    , m_config(config)
    , m_adapter(adapter)
    , m_rssi(config.rssi)
{
    m_path = bluez::kAdapterPath + QStringLiteral("/dev_")
        + QString(config.address).replace(QLatin1Char(':'), QLatin1Char('_'));
    m_servicePath = m_path + QStringLiteral("/service%1").arg(kFirstHandle, 4, 16, QLatin1Char('0'));
    m_named = !has(BleScenarioKind::LateName);
    // After provisioning stops (auto-stop, §9.2) the manager tears down BLE: the link drops.
    m_stopWatch.setInterval(kStopPollMs);
    connect(&m_stopWatch, &QTimer::timeout, this, [this] {
        if (m_device->isStopped())
            dropLink(QStringLiteral("provisioning-stopped"));
    });

    // Attribute table as firmware registers it: per endpoint a declaration, a value and a 0x2901
    // descriptor handle; the object paths carry the handles like bluetoothd's (char = declaration).
    quint16 handle = kFirstHandle + 1;
    quint16 nextCustom = gatt::firstCustomEndpointId;
    for (const QString &endpoint : device->endpoints()) {
        const quint16 id = gatt::standardEndpointId(endpoint).value_or(0);
        Characteristic c;
        c.endpoint = endpoint;
        c.uuid = gatt::characteristicUuid(config.serviceUuid, id != 0 ? id : nextCustom++);
        c.path = m_servicePath + QStringLiteral("/char%1").arg(handle, 4, 16, QLatin1Char('0'));
        c.descriptorPath = c.path + QStringLiteral("/desc%1").arg(handle + 2, 4, 16, QLatin1Char('0'));
        m_characteristics.append(c);
        handle += 3;
    }
}

BlePeripheral::~BlePeripheral() = default;

QString BlePeripheral::serviceName() const
{
    return m_device->config().serviceName;
}

bool BlePeripheral::owns(const QString &objectPath) const
{
    return objectPath == m_path || objectPath.startsWith(m_path + QLatin1Char('/'));
}

bool BlePeripheral::has(BleScenarioKind kind) const
{
    return scenario(kind) != nullptr;
}

const BleScenario *BlePeripheral::scenario(BleScenarioKind kind) const
{
    for (const BleScenario &s : m_config.scenarios) {
        if (s.kind == kind)
            return &s;
    }
    return nullptr;
}

bool BlePeripheral::fires(BleScenarioKind kind, const QString &endpoint)
{
    bool fired = false;
    for (int i = 0; i < m_config.scenarios.size(); ++i) {
        const BleScenario &s = m_config.scenarios.at(i);
        if (s.kind != kind)
            continue;
        if (s.endpoint.isEmpty() ? isProtoVer(endpoint) : s.endpoint != endpoint)
            continue;
        const int n = ++m_scenarioCounts[i];
        if (s.occurrence == 0 || s.occurrence == n) {
            if (s.onRead)
                m_hangReadOn = endpoint;
            else
                fired = true;
        }
    }
    return fired;
}

bool BlePeripheral::encryptionRequired(const QString &endpoint, QString *errorName) const
{
    for (const BleScenario &s : m_config.scenarios) {
        if (s.kind != BleScenarioKind::NotPermitted && s.kind != BleScenarioKind::NotAuthorized)
            continue;
        if (!s.endpoint.isEmpty() && s.endpoint != endpoint)
            continue;
        *errorName = s.kind == BleScenarioKind::NotPermitted ? bluez::error::NotPermitted
                                                             : bluez::error::NotAuthorized;
        return true;
    }
    return false;
}

QString BlePeripheral::alias() const
{
    // bluetoothd's alias of an unnamed device is its address with dashes.
    return m_named ? serviceName() : QString(m_config.address).replace(QLatin1Char(':'), QLatin1Char('-'));
}

bool BlePeripheral::isAdvertising() const
{
    // The firmware stops advertising while a central is connected and re-advertises after (§7.1);
    // once provisioning has stopped it tears the BLE stack down (§7.6).
    return !has(BleScenarioKind::Cached) && !m_offline && m_link == Link::Idle && !m_device->isStopped();
}

// ---- advertising as seen by a scanning adapter

QVariantMap BlePeripheral::deviceProperties() const
{
    QVariantMap device {
        { QStringLiteral("Address"), m_config.address },
        { QStringLiteral("AddressType"), QStringLiteral("public") },
        { QStringLiteral("Alias"), alias() },
        { QStringLiteral("Class"), quint32(0) },
        { QStringLiteral("Paired"), false },
        { QStringLiteral("Bonded"), false },
        { QStringLiteral("Trusted"), false },
        { QStringLiteral("Blocked"), false },
        { QStringLiteral("LegacyPairing"), false },
        { QStringLiteral("Connected"), false },
        { QStringLiteral("ServicesResolved"), false },
        { QStringLiteral("UUIDs"), QStringList { uuidText(m_config.serviceUuid) } },
        { QStringLiteral("Adapter"), QVariant::fromValue(QDBusObjectPath(bluez::kAdapterPath)) },
        { QStringLiteral("ManufacturerData"), QVariant::fromValue(bluez::ManufacturerData {}) },
        { QStringLiteral("ServiceData"), QVariantMap {} },
    };
    if (m_named)
        device.insert(QStringLiteral("Name"), serviceName());
    return device;
}

void BlePeripheral::publishCached()
{
    if (!has(BleScenarioKind::Cached) || m_known)
        return;
    m_known = true;
    m_named = true; // bluetoothd caches the name with the device
    m_adapter.tree().add(m_path, { { bluez::kDevice, deviceProperties() } });
    m_adapter.journal().event(QStringLiteral("cached"), m_path);
}

void BlePeripheral::discoveryStarted()
{
    if (!isAdvertising())
        return;
    QTimer::singleShot(m_adapter.timings().scanDelayMs, this, [this] { reportAdvertisement(); });
}

void BlePeripheral::reportAdvertisement()
{
    if (!m_adapter.isDiscovering() || !isAdvertising()
        || !m_adapter.passesDiscoveryFilter({ uuidText(m_config.serviceUuid) }))
        return;
    ObjectTree &tree = m_adapter.tree();
    if (!m_known) {
        m_known = true;
        QVariantMap device = deviceProperties();
        device.insert(QStringLiteral("RSSI"), QVariant::fromValue(qint16(m_rssi)));
        tree.add(m_path, { { bluez::kDevice, device } });
    } else {
        tree.set(m_path, bluez::kDevice, QStringLiteral("RSSI"), QVariant::fromValue(qint16(m_rssi)));
    }
    m_adapter.journal().event(QStringLiteral("advertised"), m_path, QStringLiteral("rssi=%1").arg(m_rssi));
    if (!m_named) {
        const BleScenario *late = scenario(BleScenarioKind::LateName); // null if SetScenario removed it
        QTimer::singleShot(late ? late->delayMs : 0, this, [this] { receiveScanResponse(); });
    }
}

void BlePeripheral::receiveScanResponse()
{
    if (m_named || !m_known || !m_adapter.isDiscovering() || !isAdvertising())
        return;
    m_named = true;
    m_rssi -= 1; // the scan response is a new report: a new RSSI
    m_adapter.tree().set(m_path, bluez::kDevice,
        { { QStringLiteral("Name"), serviceName() }, { QStringLiteral("Alias"), serviceName() },
            { QStringLiteral("RSSI"), QVariant::fromValue(qint16(m_rssi)) } });
    m_adapter.journal().event(QStringLiteral("name"), m_path, QStringLiteral("name=%1").arg(serviceName()));
}

void BlePeripheral::discoveryStopped()
{
    // bluetoothd invalidates RSSI of the devices it found once discovery ends (adapter.c).
    if (m_known && !has(BleScenarioKind::Cached))
        m_adapter.tree().set(m_path, bluez::kDevice, QVariantMap {}, { QStringLiteral("RSSI") });
}

void BlePeripheral::advertiseTick()
{
    if (!m_known || !has(BleScenarioKind::RssiDrift) || !isAdvertising() || !m_adapter.isDiscovering())
        return;
    m_driftStep = (m_driftStep + 1) % int(std::size(kDrift));
    m_rssi = m_config.rssi + kDrift[m_driftStep];
    m_adapter.tree().set(m_path, bluez::kDevice, QStringLiteral("RSSI"), QVariant::fromValue(qint16(m_rssi)));
}

void BlePeripheral::setRssi(int dBm)
{
    m_config.rssi = dBm;
    m_rssi = dBm;
    m_adapter.journal().event(QStringLiteral("rssi"), m_path, QStringLiteral("rssi=%1").arg(dBm));
    if (m_known && isAdvertising() && m_adapter.isDiscovering())
        m_adapter.tree().set(
            m_path, bluez::kDevice, QStringLiteral("RSSI"), QVariant::fromValue(qint16(m_rssi)));
}

void BlePeripheral::setScenarios(const QList<BleScenario> &scenarios)
{
    m_config.scenarios = scenarios;
    m_scenarioCounts.clear();
    m_hangReadOn.clear();
    m_dropAfterApplyArmed = false;
    if (!m_known)
        m_named = !has(BleScenarioKind::LateName);
    QStringList names;
    for (const BleScenario &s : scenarios)
        names << bleScenarioToString(s);
    m_adapter.journal().event(
        QStringLiteral("scenario"), m_path, QStringLiteral("scenarios=%1").arg(names.join(QLatin1Char(','))));
}

void BlePeripheral::adapterPoweredOff()
{
    dropLink(QStringLiteral("adapter-powered-off"));
}

void BlePeripheral::removeFromCache()
{
    dropLink(QStringLiteral("device-removed"));
    if (!m_known)
        return;
    m_adapter.tree().removeTree(m_path);
    m_known = false;
    m_named = !has(BleScenarioKind::LateName);
}

void BlePeripheral::clientVanished(const QString &uniqueName)
{
    if (m_link != Link::Idle && m_linkOwner == uniqueName)
        dropLink(QStringLiteral("client-left-bus"));
}

// ---- calls

void BlePeripheral::record(const QDBusMessage &call, const QString &details, const QString &outcome)
{
    m_adapter.journal().appendCall(call, details, outcome);
}

void BlePeripheral::sendError(const QDBusMessage &call, const QString &name, const QString &text)
{
    m_adapter.send(call.createErrorReply(name, text));
}

void BlePeripheral::reject(
    const QDBusMessage &call, const QString &details, const QString &name, const QString &text)
{
    record(call, details, QStringLiteral("error ") + name);
    sendError(call, name, text);
}

void BlePeripheral::completeLater(const QDBusMessage &call, int delayMs, std::function<void()> complete)
{
    const quint64 id = ++m_nextPending;
    m_pending.insert(id, call);
    QTimer::singleShot(std::max(0, delayMs), this, [this, id, complete = std::move(complete)] {
        if (m_pending.remove(id))
            complete(); // else the link dropped and the call has been failed already
    });
}

void BlePeripheral::replyAfter(const QDBusMessage &call, int delayMs)
{
    completeLater(call, delayMs, [this, call] { m_adapter.send(call.createReply()); });
}

void BlePeripheral::handleCall(const QDBusMessage &call)
{
    const QString path = call.path();
    const QString member = call.member();
    if (path == m_path) {
        if (member == QLatin1String("Connect"))
            return connectDevice(call);
        if (member == QLatin1String("Disconnect"))
            return disconnectDevice(call);
        return reject(
            call, {}, bluez::error::NotSupported, QStringLiteral("%1 is not simulated").arg(member));
    }
    for (Characteristic &c : m_characteristics) {
        if (path == c.path && m_resolved) {
            if (member == QLatin1String("WriteValue"))
                return writeValue(c, call);
            if (member == QLatin1String("ReadValue"))
                return readValue(c, call);
            return reject(call, QStringLiteral("endpoint=%1").arg(c.endpoint), bluez::error::NotSupported,
                QStringLiteral("Operation is not supported"));
        }
        if (path == c.descriptorPath && m_resolved) {
            if (member == QLatin1String("ReadValue"))
                return readDescriptor(c, call);
            return reject(call, QStringLiteral("descriptor=2901 endpoint=%1").arg(c.endpoint),
                bluez::error::NotPermitted, QStringLiteral("Write not permitted"));
        }
    }
    reject(call, {}, QStringLiteral("org.freedesktop.DBus.Error.UnknownObject"),
        QStringLiteral("No such object %1").arg(path));
}

// ---- the link

void BlePeripheral::connectDevice(const QDBusMessage &call)
{
    const int delay = m_adapter.timings().connectDelayMs;
    if (!m_adapter.isPowered())
        return reject(call, {}, bluez::error::NotReady, QStringLiteral("Resource Not Ready"));
    if (m_link == Link::Connected && m_resolved) {
        record(call, {}, QStringLiteral("ok"));
        return m_adapter.send(call.createReply());
    }
    if (m_link != Link::Idle)
        return reject(call, {}, bluez::error::InProgress, QStringLiteral("In Progress"));
    const bool reachable = isAdvertising();
    m_link = Link::Connecting;
    m_connectCall = call;
    m_linkOwner = call.service();
    const quint64 generation = m_generation;

    // Page/connection failures: bluetoothd answers Connect with Failed and the errno/HCI reason text.
    QString failure;
    if (!reachable)
        failure = QStringLiteral("Host is down");
    else if (has(BleScenarioKind::ConnectError))
        failure = QStringLiteral("le-connection-abort-by-local");
    if (!failure.isEmpty()) {
        record(call, {}, QStringLiteral("error ") + bluez::error::Failed);
        QTimer::singleShot(delay, this, [this, generation, failure] {
            if (generation != m_generation || !m_connectCall)
                return;
            const QDBusMessage pending = *std::exchange(m_connectCall, std::nullopt);
            m_link = Link::Idle;
            sendError(pending, bluez::error::Failed, failure);
        });
        return;
    }
    const bool unresolved = has(BleScenarioKind::ServicesUnresolved);
    record(call, {}, unresolved ? QStringLiteral("no-reply") : QStringLiteral("ok"));
    QTimer::singleShot(delay / 2, this, [this, generation] {
        if (generation != m_generation)
            return;
        m_link = Link::Connected;
        m_device->newTransportSession(); // a new BLE connection is a new security session (§7.6)
        m_stopWatch.start();
        m_adapter.tree().set(m_path, bluez::kDevice, QStringLiteral("Connected"), true);
        m_adapter.journal().event(QStringLiteral("connected"), m_path);
    });
    QTimer::singleShot(delay, this, [this, generation, unresolved] {
        if (!unresolved)
            return finishConnect(generation);
        if (generation == m_generation) // where ServicesResolved would have come (tests wait for this)
            m_adapter.journal().event(QStringLiteral("services-withheld"), m_path);
    });
}

void BlePeripheral::finishConnect(quint64 generation)
{
    if (generation != m_generation || m_link != Link::Connected)
        return;
    // bluetoothd's order: GATT objects exported, UUIDs updated from the database, ServicesResolved,
    // and only then the reply to Connect (device.c device_svc_resolved()).
    exportGatt();
    m_adapter.tree().set(m_path, bluez::kDevice, QStringLiteral("UUIDs"),
        QStringList { QStringLiteral("00001800-0000-1000-8000-00805f9b34fb"),
            QStringLiteral("00001801-0000-1000-8000-00805f9b34fb"), uuidText(m_config.serviceUuid) });
    m_resolved = true;
    m_adapter.tree().set(m_path, bluez::kDevice, QStringLiteral("ServicesResolved"), true);
    m_adapter.journal().event(QStringLiteral("services-resolved"), m_path);
    if (m_connectCall)
        m_adapter.send(std::exchange(m_connectCall, std::nullopt)->createReply());
}

void BlePeripheral::exportGatt()
{
    ObjectTree &tree = m_adapter.tree();
    // GAP (0x1800) and GATT (0x1801) are claimed by bluetoothd itself and never exported.
    tree.add(m_servicePath,
        { { bluez::kGattService,
            { { QStringLiteral("UUID"), uuidText(m_config.serviceUuid) },
                { QStringLiteral("Device"), QVariant::fromValue(QDBusObjectPath(m_path)) },
                { QStringLiteral("Primary"), true },
                { QStringLiteral("Includes"), QVariant::fromValue(QList<QDBusObjectPath> {}) } } } });
    for (Characteristic &c : m_characteristics) {
        c.value.clear(); // Bluedroid: a read before any write returns empty (§7.3)
        tree.add(c.path,
            { { bluez::kGattCharacteristic,
                { { QStringLiteral("UUID"), uuidText(c.uuid) },
                    { QStringLiteral("Service"), QVariant::fromValue(QDBusObjectPath(m_servicePath)) },
                    { QStringLiteral("Value"), QByteArray() },
                    { QStringLiteral("Flags"),
                        QStringList { QStringLiteral("read"), QStringLiteral("write") } },
                    { QStringLiteral("MTU"), QVariant::fromValue(quint16(kAttMtu)) } } } });
        tree.add(c.descriptorPath,
            { { bluez::kGattDescriptor,
                { { QStringLiteral("UUID"), userDescriptionUuid() },
                    { QStringLiteral("Characteristic"), QVariant::fromValue(QDBusObjectPath(c.path)) },
                    { QStringLiteral("Value"), QByteArray() },
                    { QStringLiteral("Flags"), QStringList { QStringLiteral("read") } } } } });
    }
}

void BlePeripheral::disconnectDevice(const QDBusMessage &call)
{
    if (m_link == Link::Idle)
        return reject(call, {}, bluez::error::NotConnected, QStringLiteral("Not Connected"));
    record(call, {}, QStringLiteral("ok"));
    if (m_link == Link::Connecting) {
        dropLink(QStringLiteral("disconnect-requested"));
        return m_adapter.send(call.createReply());
    }
    const quint64 generation = m_generation;
    QTimer::singleShot(m_adapter.timings().opDelayMs, this, [this, generation, call] {
        if (generation == m_generation)
            dropLink(QStringLiteral("disconnect-requested"));
        m_adapter.send(call.createReply());
    });
}

void BlePeripheral::dropLink(const QString &reason)
{
    if (m_link == Link::Idle)
        return;
    ++m_generation;
    m_stopWatch.stop();
    const bool wasConnected = m_link == Link::Connected;
    m_link = Link::Idle;
    m_adapter.journal().event(
        QStringLiteral("disconnected"), m_path, QStringLiteral("reason=%1").arg(reason));
    ObjectTree &tree = m_adapter.tree();
    if (m_resolved) {
        m_resolved = false;
        tree.set(m_path, bluez::kDevice, QStringLiteral("ServicesResolved"), false);
    }
    // Unpaired device: bluetoothd clears its GATT database on disconnect and unexports the objects.
    tree.removeTree(m_servicePath);
    if (wasConnected)
        tree.set(m_path, bluez::kDevice, QStringLiteral("Connected"), false);
    if (m_connectCall)
        sendError(
            *std::exchange(m_connectCall, std::nullopt), bluez::error::Failed, QStringLiteral("Cancelled"));
    const QList<QDBusMessage> pending = m_pending.values();
    m_pending.clear();
    for (const QDBusMessage &call : pending)
        sendError(call, bluez::error::Failed, QStringLiteral("Not connected"));
    m_hangReadOn.clear();
    m_dropAfterApplyArmed = false;
    m_linkOwner.clear();
    m_device->newTransportSession(); // the security session ends with the link (§7.6)
}

void BlePeripheral::goOffline(int ms)
{
    m_offline = true;
    m_adapter.journal().event(QStringLiteral("offline"), m_path, QStringLiteral("ms=%1").arg(ms));
    QTimer::singleShot(ms, this, [this] {
        m_offline = false;
        m_adapter.journal().event(QStringLiteral("online"), m_path);
        discoveryStarted();
    });
}

// ---- GATT operations (§7.3)

void BlePeripheral::writeValue(Characteristic &c, const QDBusMessage &call)
{
    const QByteArray value = call.arguments().value(0).toByteArray();
    const std::optional<QVariantMap> dict = bluez::dictArgument(call, 1);
    if (!dict)
        return reject(
            call, QStringLiteral("endpoint=%1").arg(c.endpoint), bluez::error::InvalidArguments, kBadOptions);
    const QVariantMap &options = *dict;
    const QString type = options.value(QStringLiteral("type"), QStringLiteral("request")).toString();
    const uint offset = options.value(QStringLiteral("offset")).toUInt();
    QString details = QStringLiteral("endpoint=%1 type=%2 len=%3").arg(c.endpoint, type).arg(value.size());
    if (offset != 0)
        details += QStringLiteral(" offset=%1").arg(offset);

    if (m_link != Link::Connected)
        return reject(call, details, bluez::error::NotConnected, QStringLiteral("Not connected"));
    if (type != QLatin1String("request"))
        // No write-without-response / reliable write on protocomm characteristics (§7.2).
        return reject(
            call, details, bluez::error::NotSupported, QStringLiteral("Operation is not supported"));
    if (offset != 0)
        return reject(call, details, bluez::error::InvalidOffset, QStringLiteral("Invalid offset"));
    if (value.size() > kAttMaxValue)
        return reject(
            call, details, bluez::error::InvalidValueLength, QStringLiteral("Invalid value length"));
    if (QString name; encryptionRequired(c.endpoint, &name))
        return reject(call, details, name, QStringLiteral("Encryption required"));
    if (value.isEmpty()) {
        // NimBLE ignores empty writes (§7.3); the write itself is acknowledged.
        record(call, details, QStringLiteral("ignored"));
        return replyAfter(call, m_adapter.timings().opDelayMs);
    }
    if (fires(BleScenarioKind::HungReply, c.endpoint)) {
        record(call, details, QStringLiteral("no-reply"));
        return withhold(c);
    }
    if (fires(BleScenarioKind::DisconnectMidExchange, c.endpoint)) {
        record(call, details, QStringLiteral("error ") + bluez::error::Failed);
        dropLink(QStringLiteral("disconnect-mid-exchange"));
        return sendError(call, bluez::error::Failed, QStringLiteral("Not connected"));
    }
    if (has(BleScenarioKind::Bluedroid481) && value.size() > kBluedroidMaxValue)
        // Bluedroid's prepare-write buffer is CHAR_VAL_LEN_MAX (§7.3).
        return reject(
            call, details, bluez::error::InvalidValueLength, QStringLiteral("Invalid value length"));

    bool applied = false;
    const QMetaObject::Connection watch = connect(
        m_device, &SimulatedDevice::configApplied, this, [&applied] { applied = true; });
    const DeviceReply reply = m_device->handle(c.endpoint, value);
    disconnect(watch);

    switch (reply.action) {
    case DeviceReply::Action::Respond:
        break;
    case DeviceReply::Action::Drop:
        record(call, details, QStringLiteral("no-reply"));
        return withhold(c);
    case DeviceReply::Action::NotFound:
        return reject(
            call, details, bluez::error::Failed, QStringLiteral("Operation failed with ATT error: 0x0a"));
    case DeviceReply::Action::Refuse:
        // Bluedroid: "Invalid content received, killing connection" (§7.6).
        record(call, details + QStringLiteral(" refused=\"%1\"").arg(reply.reason),
            QStringLiteral("error ") + bluez::error::Failed);
        dropLink(QStringLiteral("refused"));
        return sendError(call, bluez::error::Failed, QStringLiteral("Not connected"));
    case DeviceReply::Action::Reboot:
        record(call, details, QStringLiteral("error ") + bluez::error::Failed);
        dropLink(QStringLiteral("reboot"));
        goOffline(reply.delayMs);
        return sendError(call, bluez::error::Failed, QStringLiteral("Not connected"));
    }

    if (has(BleScenarioKind::Bluedroid481) && reply.body.size() > kBluedroidMaxValue) {
        // Storing fails (logged on the device) but the write is still acknowledged (§7.4).
        record(call, details, QStringLiteral("stale"));
        m_adapter.journal().event(QStringLiteral("value-not-stored"), c.path,
            QStringLiteral("endpoint=%1 len=%2").arg(c.endpoint).arg(reply.body.size()));
    } else {
        record(call, details, QStringLiteral("ok"));
        c.value = reply.body;
    }
    if (applied && has(BleScenarioKind::DropAfterApply) && c.endpoint == QLatin1String("prov-config"))
        m_dropAfterApplyArmed = true;
    if (reply.newSession)
        m_device->newTransportSession(); // new-cookie over BLE: the device forgets the session
    replyAfter(call, m_adapter.timings().opDelayMs + reply.delayMs);
}

void BlePeripheral::readValue(Characteristic &c, const QDBusMessage &call)
{
    const std::optional<QVariantMap> options = bluez::dictArgument(call, 0);
    QString details = QStringLiteral("endpoint=%1").arg(c.endpoint);
    if (!options)
        return reject(call, details, bluez::error::InvalidArguments, kBadOptions);
    const uint offset = options->value(QStringLiteral("offset")).toUInt();
    if (offset != 0)
        details += QStringLiteral(" offset=%1").arg(offset);
    if (m_link != Link::Connected)
        return reject(call, details, bluez::error::NotConnected, QStringLiteral("Not connected"));
    if (QString name; encryptionRequired(c.endpoint, &name))
        return reject(call, details, name, QStringLiteral("Encryption required"));
    if (m_hangReadOn == c.endpoint) {
        m_hangReadOn.clear();
        record(call, details, QStringLiteral("no-reply"));
        return withhold(c);
    }
    if (offset > uint(c.value.size()))
        return reject(call, details, bluez::error::InvalidOffset, QStringLiteral("Invalid offset"));
    const QByteArray part = c.value.mid(int(offset));
    record(call, details + QStringLiteral(" len=%1").arg(part.size()), QStringLiteral("ok"));
    const QDBusMessage reply = call.createReply(QVariant(part));
    const QString path = c.path;
    const QByteArray full = c.value;
    const bool dropAfter = m_dropAfterApplyArmed && c.endpoint == QLatin1String("prov-config");
    completeLater(call, m_adapter.timings().opDelayMs, [this, reply, path, full, dropAfter] {
        // bluetoothd updates the Value property (PropertiesChanged) before answering the read.
        m_adapter.tree().announce(path, bluez::kGattCharacteristic, { { QStringLiteral("Value"), full } });
        m_adapter.send(reply);
        if (dropAfter && m_dropAfterApplyArmed) {
            // Most firmware ends the link once provisioning has been applied; the device keeps going.
            m_dropAfterApplyArmed = false;
            dropLink(QStringLiteral("drop-after-apply"));
        }
    });
}

void BlePeripheral::withhold(const Characteristic &c)
{
    // Journals the moment the reply would have gone out, so a test can tell "late" from "never".
    const QString path = c.path;
    const QString endpoint = c.endpoint;
    QTimer::singleShot(m_adapter.timings().opDelayMs, this, [this, path, endpoint] {
        m_adapter.journal().event(
            QStringLiteral("reply-withheld"), path, QStringLiteral("endpoint=%1").arg(endpoint));
    });
}

void BlePeripheral::readDescriptor(const Characteristic &c, const QDBusMessage &call)
{
    const std::optional<QVariantMap> options = bluez::dictArgument(call, 0);
    const QByteArray name = c.endpoint.toLatin1(); // 0x2901: the endpoint name, no NUL (§7.2)
    const QString details = QStringLiteral("descriptor=2901 endpoint=%1").arg(c.endpoint);
    if (!options)
        return reject(call, details, bluez::error::InvalidArguments, kBadOptions);
    const uint offset = options->value(QStringLiteral("offset")).toUInt();
    if (m_link != Link::Connected)
        return reject(call, details, bluez::error::NotConnected, QStringLiteral("Not connected"));
    if (offset > uint(name.size()))
        return reject(call, details, bluez::error::InvalidOffset, QStringLiteral("Invalid offset"));
    record(call, details, QStringLiteral("ok"));
    const QString path = c.descriptorPath;
    const QDBusMessage reply = call.createReply(QVariant(name.mid(int(offset))));
    completeLater(call, m_adapter.timings().opDelayMs, [this, reply, path, name] {
        m_adapter.tree().announce(path, bluez::kGattDescriptor, { { QStringLiteral("Value"), name } });
        m_adapter.send(reply);
    });
}
