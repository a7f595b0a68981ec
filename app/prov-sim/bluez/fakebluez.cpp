// SPDX-License-Identifier: Apache-2.0
#include "fakebluez.h"

#include "bluezdbus.h"

#include <QDBusArgument>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusMetaType>

using namespace prov;

namespace {
const QString kUnknownObject = QStringLiteral("org.freedesktop.DBus.Error.UnknownObject");
const QString kUnknownMethod = QStringLiteral("org.freedesktop.DBus.Error.UnknownMethod");
const QString kControlError = QStringLiteral("org.provsim.Error.InvalidArguments");
const QString kControlName = QStringLiteral("org.provsim.FakeBluez");

const QString kControlIntrospection = QStringLiteral(R"(  <interface name="org.provsim.Control1">
    <method name="Journal"><arg direction="out" type="as"/></method>
    <method name="ClearJournal"/>
    <method name="SetPowered"><arg name="powered" direction="in" type="b"/></method>
    <method name="SetRssi"><arg name="address" direction="in" type="s"/><arg name="dbm" direction="in" type="n"/></method>
    <method name="SetScenario"><arg name="address" direction="in" type="s"/><arg name="scenarios" direction="in" type="s"/></method>
    <method name="Devices"><arg direction="out" type="as"/></method>
  </interface>
)");

QVariant unwrap(const QVariant &v)
{
    return v.canConvert<QDBusVariant>() ? v.value<QDBusVariant>().variant() : v;
}
} // namespace

FakeBluez::FakeBluez(const Settings &settings, QObject *parent)
    : QDBusVirtualObject(parent)
    , m_settings(settings)
    , m_powered(!settings.poweredOff)
{
    bluez::registerDBusTypes();
    m_advertiseTimer.setInterval(std::max(1, settings.timings.advertiseIntervalMs));
    connect(&m_advertiseTimer, &QTimer::timeout, this, [this] {
        for (const auto &p : m_peripherals)
            p->advertiseTick();
    });
}

FakeBluez::~FakeBluez()
{
    if (m_connection) {
        m_connection->unregisterService(bluez::kService);
        m_connection->unregisterObject(QStringLiteral("/"), QDBusConnection::UnregisterTree);
    }
}

BlePeripheral *FakeBluez::addPeripheral(SimulatedDevice *device, const BlePeripheralConfig &config)
{
    BleAdapterContext &context = *this;
    m_peripherals.push_back(std::make_unique<BlePeripheral>(device, config, context));
    return m_peripherals.back().get();
}

Result<void> FakeBluez::openJournalFile(const QString &path)
{
    if (!m_journal.openFile(path))
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("cannot open journal file %1: %2").arg(path, m_journal.fileError()));
    return {};
}

Result<void> FakeBluez::start(const QDBusConnection &connection)
{
    if (!connection.isConnected())
        return makeError(ErrorCode::Unavailable,
            QStringLiteral("not connected to the bus: %1").arg(connection.lastError().message()));
    m_connection = connection;
    m_tree = std::make_unique<ObjectTree>(connection);
    if (!m_settings.adapterAbsent) {
        m_tree->add(bluez::kAdapterPath,
            { { bluez::kAdapter,
                { { QStringLiteral("Address"), QStringLiteral("00:1A:7D:DA:71:13") },
                    { QStringLiteral("AddressType"), QStringLiteral("public") },
                    { QStringLiteral("Name"), QStringLiteral("prov-sim") },
                    { QStringLiteral("Alias"), QStringLiteral("prov-sim") },
                    { QStringLiteral("Class"), quint32(0) }, { QStringLiteral("Powered"), m_powered },
                    { QStringLiteral("Discoverable"), false },
                    { QStringLiteral("DiscoverableTimeout"), quint32(180) },
                    { QStringLiteral("Pairable"), true }, { QStringLiteral("PairableTimeout"), quint32(0) },
                    { QStringLiteral("Discovering"), false }, { QStringLiteral("UUIDs"), QStringList {} },
                    { QStringLiteral("Modalias"), QStringLiteral("usb:v1D6Bp0246d0542") },
                    { QStringLiteral("Roles"),
                        QStringList { QStringLiteral("central"), QStringLiteral("peripheral") } } } } });
        for (const auto &p : m_peripherals)
            p->publishCached();
    }
    if (!m_connection->registerVirtualObject(QStringLiteral("/"), this, QDBusConnection::SubPath))
        return makeError(
            ErrorCode::Unavailable, QStringLiteral("cannot register the object tree on the bus"));
    m_connection->connect(QStringLiteral("org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
        QStringLiteral("org.freedesktop.DBus"), QStringLiteral("NameOwnerChanged"), this,
        SLOT(handleNameOwnerChanged(QString, QString, QString)));
    QDBusConnectionInterface *bus = m_connection->interface();
    const QDBusReply<QDBusConnectionInterface::RegisterServiceReply> owned = bus->registerService(
        bluez::kService, QDBusConnectionInterface::DontQueueService,
        QDBusConnectionInterface::DontAllowReplacement);
    if (!owned.isValid())
        return makeError(
            ErrorCode::Unavailable, QStringLiteral("cannot own org.bluez: %1").arg(owned.error().message()));
    if (owned.value() != QDBusConnectionInterface::ServiceRegistered)
        return makeError(ErrorCode::Unavailable,
            QStringLiteral("org.bluez is already owned on this bus (a bluetoothd or another prov-sim)"));
    bus->registerService(kControlName, QDBusConnectionInterface::DontQueueService,
        QDBusConnectionInterface::DontAllowReplacement);
    return {};
}

void FakeBluez::send(const QDBusMessage &message)
{
    m_connection->send(message);
}

// ---- dispatch

QString FakeBluez::introspect(const QString &path) const
{
    if (path == bluez::kControlPath)
        return kControlIntrospection;
    QString xml;
    if (m_tree) {
        for (const QString &interface : m_tree->interfaces(path))
            xml += QStringLiteral("  <interface name=\"%1\"/>\n").arg(interface);
    }
    return xml;
}

QString FakeBluez::introspectNode(const QString &path) const
{
    // Only called once start() registered the tree (m_tree is set).
    return m_tree->introspectionXml(path, introspect(path), { bluez::kControlPath });
}

bool FakeBluez::handleMessage(const QDBusMessage &message, const QDBusConnection &)
{
    if (message.type() != QDBusMessage::MethodCallMessage)
        return false;
    const QString path = message.path();
    const QString interface = message.interface();
    if (interface == QLatin1String("org.freedesktop.DBus.Introspectable")) {
        send(message.createReply(introspectNode(path))); // not journalled: Qt Bluetooth never introspects
        return true;
    }
    if (path == bluez::kControlPath && (interface.isEmpty() || interface == bluez::kControl)) {
        handleControl(message);
        return true;
    }
    if (interface == bluez::kProperties) {
        handleProperties(message);
        return true;
    }
    if (path == QLatin1String("/") && message.member() == QLatin1String("GetManagedObjects")
        && (interface.isEmpty() || interface == bluez::kObjectManager)) {
        reply(message, {}, { QVariant::fromValue(m_tree->managedObjects()) });
        return true;
    }
    if (!m_tree->contains(path)) {
        error(message, {}, kUnknownObject, QStringLiteral("No such object %1").arg(path));
        return true;
    }
    if (path == bluez::kAdapterPath) {
        handleAdapter(message);
        return true;
    }
    if (BlePeripheral *p = peripheralAt(path)) {
        p->handleCall(message);
        return true;
    }
    error(message, {}, kUnknownMethod, QStringLiteral("No method %1 on %2").arg(message.member(), path));
    return true;
}

void FakeBluez::record(const QDBusMessage &call, const QString &details, const QString &outcome)
{
    m_journal.appendCall(call, details, outcome);
}

void FakeBluez::reply(const QDBusMessage &call, const QString &details, const QVariantList &arguments)
{
    record(call, details, QStringLiteral("ok"));
    send(call.createReply(arguments));
}

void FakeBluez::error(
    const QDBusMessage &call, const QString &details, const QString &name, const QString &text)
{
    record(call, details, QStringLiteral("error ") + name);
    send(call.createErrorReply(name, text));
}

BlePeripheral *FakeBluez::peripheralAt(const QString &path) const
{
    for (const auto &p : m_peripherals) {
        if (p->owns(path))
            return p.get();
    }
    return nullptr;
}

BlePeripheral *FakeBluez::peripheralWithAddress(const QString &address) const
{
    for (const auto &p : m_peripherals) {
        if (p->address().compare(address, Qt::CaseInsensitive) == 0)
            return p.get();
    }
    return nullptr;
}

// ---- org.freedesktop.DBus.Properties

void FakeBluez::handleProperties(const QDBusMessage &call)
{
    static const QStringList adapterWritable { QStringLiteral("Powered"), QStringLiteral("Discoverable"),
        QStringLiteral("Pairable"), QStringLiteral("Alias"), QStringLiteral("DiscoverableTimeout"),
        QStringLiteral("PairableTimeout") };
    static const QStringList deviceWritable { QStringLiteral("Trusted"), QStringLiteral("Blocked"),
        QStringLiteral("Alias") };
    const PropertiesCall p = m_tree->propertiesCall(call, [](const QString &interface, const QString &name) {
        return (interface == bluez::kAdapter && adapterWritable.contains(name))
            || (interface == bluez::kDevice && deviceWritable.contains(name));
    });
    if (!p.errorName.isEmpty())
        return error(call, p.details, p.errorName, p.errorText);
    if (!p.set)
        return reply(call, p.details, p.reply);
    reply(call, p.details);
    if (p.interface == bluez::kAdapter && p.name == QLatin1String("Powered"))
        setPowered(p.set->toBool());
    else
        m_tree->set(call.path(), p.interface, p.name, *p.set);
}

// ---- org.bluez.Adapter1

void FakeBluez::handleAdapter(const QDBusMessage &call)
{
    const QString member = call.member();
    const QString client = call.service();
    if (member == QLatin1String("StartDiscovery"))
        return startDiscovery(call);
    if (member == QLatin1String("StopDiscovery")) {
        if (!m_sessions.contains(client))
            return error(call, {}, bluez::error::Failed, QStringLiteral("No discovery started"));
        reply(call, {});
        return stopDiscoveryFor(client);
    }
    if (member == QLatin1String("SetDiscoveryFilter")) {
        const std::optional<QVariantMap> dict = bluez::dictArgument(call, 0);
        if (!dict)
            return error(
                call, {}, bluez::error::InvalidArguments, QStringLiteral("Invalid arguments in method call"));
        const QVariantMap &filter = *dict;
        static const QStringList known { QStringLiteral("UUIDs"), QStringLiteral("RSSI"),
            QStringLiteral("Pathloss"), QStringLiteral("Transport"), QStringLiteral("DuplicateData"),
            QStringLiteral("Discoverable"), QStringLiteral("Pattern") };
        QStringList keys;
        DiscoverySession session;
        for (auto it = filter.constBegin(); it != filter.constEnd(); ++it) {
            const QVariant v = unwrap(it.value());
            const QString text = v.metaType() == QMetaType::fromType<QStringList>()
                ? v.toStringList().join(QLatin1Char('|'))
                : v.toString();
            keys << QStringLiteral("%1=%2").arg(it.key(), text);
            if (!known.contains(it.key()))
                return error(call, keys.join(QLatin1Char(' ')), bluez::error::InvalidArguments,
                    QStringLiteral("Invalid arguments in method call"));
        }
        session.transport = unwrap(filter.value(QStringLiteral("Transport"), QStringLiteral("auto")))
                                .toString();
        if (session.transport != QLatin1String("auto") && session.transport != QLatin1String("le")
            && session.transport != QLatin1String("bredr"))
            return error(call, keys.join(QLatin1Char(' ')), bluez::error::InvalidArguments,
                QStringLiteral("Invalid arguments in method call"));
        for (const QString &uuid : unwrap(filter.value(QStringLiteral("UUIDs"))).toStringList())
            session.uuids << uuid.toLower();
        m_filters.insert(client, session);
        if (m_sessions.contains(client))
            m_sessions.insert(client, session);
        return reply(call, keys.join(QLatin1Char(' ')));
    }
    if (member == QLatin1String("GetDiscoveryFilters"))
        return reply(call, {},
            { QStringList { QStringLiteral("UUIDs"), QStringLiteral("RSSI"), QStringLiteral("Pathloss"),
                QStringLiteral("Transport"), QStringLiteral("DuplicateData"), QStringLiteral("Discoverable"),
                QStringLiteral("Pattern") } });
    if (member == QLatin1String("RemoveDevice")) {
        const QString target = call.arguments().value(0).value<QDBusObjectPath>().path();
        BlePeripheral *p = peripheralAt(target);
        if (!p || p->path() != target || !m_tree->contains(target))
            return error(call, target, bluez::error::DoesNotExist, QStringLiteral("Does Not Exist"));
        reply(call, target);
        return p->removeFromCache();
    }
    error(call, {}, kUnknownMethod, QStringLiteral("No method %1 on the adapter").arg(member));
}

void FakeBluez::startDiscovery(const QDBusMessage &call)
{
    const QString client = call.service();
    if (!m_powered)
        return error(call, {}, bluez::error::NotReady, QStringLiteral("Resource Not Ready"));
    if (m_sessions.contains(client))
        return error(call, {}, bluez::error::InProgress, QStringLiteral("Operation already in progress"));
    const bool first = m_sessions.isEmpty();
    m_sessions.insert(client, m_filters.value(client));
    reply(call, {});
    if (first) {
        m_tree->set(bluez::kAdapterPath, bluez::kAdapter, QStringLiteral("Discovering"), true);
        m_advertiseTimer.start();
    }
    for (const auto &p : m_peripherals)
        p->discoveryStarted();
}

void FakeBluez::stopDiscoveryFor(const QString &client)
{
    if (!m_sessions.remove(client) || !m_sessions.isEmpty())
        return;
    m_advertiseTimer.stop();
    m_tree->set(bluez::kAdapterPath, bluez::kAdapter, QStringLiteral("Discovering"), false);
    for (const auto &p : m_peripherals)
        p->discoveryStopped();
}

bool FakeBluez::passesDiscoveryFilter(const QStringList &uuids) const
{
    for (const DiscoverySession &s : m_sessions) {
        if (s.transport == QLatin1String("bredr"))
            continue; // every simulated device is LE-only
        if (s.uuids.isEmpty())
            return true;
        for (const QString &uuid : uuids) {
            if (s.uuids.contains(uuid.toLower()))
                return true;
        }
    }
    return false;
}

void FakeBluez::setPowered(bool on)
{
    if (on == m_powered || m_settings.adapterAbsent)
        return;
    m_powered = on;
    m_journal.event(on ? QStringLiteral("powered-on") : QStringLiteral("powered-off"), bluez::kAdapterPath);
    if (!on) {
        for (const auto &p : m_peripherals)
            p->adapterPoweredOff();
        const QStringList clients = m_sessions.keys();
        for (const QString &client : clients)
            stopDiscoveryFor(client);
    }
    m_tree->set(bluez::kAdapterPath, bluez::kAdapter, QStringLiteral("Powered"), on);
}

void FakeBluez::handleNameOwnerChanged(const QString &name, const QString &oldOwner, const QString &newOwner)
{
    // bluetoothd ends the discovery session of a client that leaves the bus (g_dbus disconnect watch).
    if (!name.startsWith(QLatin1Char(':')) || oldOwner.isEmpty() || !newOwner.isEmpty())
        return;
    m_filters.remove(name);
    stopDiscoveryFor(name);
    for (const auto &p : m_peripherals)
        p->clientVanished(name);
}

// ---- org.provsim.Control1

void FakeBluez::handleControl(const QDBusMessage &call)
{
    const QString member = call.member();
    const QVariantList args = call.arguments();
    // Control calls are not journalled: the journal records what the client under test does.
    auto ok = [&](const QVariantList &out = {}) { send(call.createReply(out)); };
    auto bad = [&](const QString &text) { send(call.createErrorReply(kControlError, text)); };
    if (member == QLatin1String("Journal"))
        return ok({ m_journal.entries() });
    if (member == QLatin1String("ClearJournal")) {
        m_journal.clear();
        return ok();
    }
    if (member == QLatin1String("Devices")) {
        QStringList addresses;
        for (const auto &p : m_peripherals)
            addresses << p->address();
        return ok({ addresses });
    }
    if (member == QLatin1String("SetPowered")) {
        if (m_settings.adapterAbsent)
            return bad(QStringLiteral("there is no adapter (adapter-absent)"));
        setPowered(unwrap(args.value(0)).toBool());
        return ok();
    }
    BlePeripheral *p = peripheralWithAddress(args.value(0).toString());
    if (member == QLatin1String("SetRssi") || member == QLatin1String("SetScenario")) {
        if (!p)
            return bad(
                QStringLiteral("no simulated BLE device with address '%1'").arg(args.value(0).toString()));
        if (member == QLatin1String("SetRssi")) {
            bool valid = false;
            const int dBm = unwrap(args.value(1)).toInt(&valid);
            if (!valid || dBm < -127 || dBm > 20)
                return bad(QStringLiteral("RSSI must be -127..20 dBm"));
            p->setRssi(dBm);
            return ok();
        }
        auto scenarios = parseBleScenarioList(args.value(1).toString());
        if (!scenarios)
            return bad(scenarios.error().detail);
        for (const BleScenario &s : std::as_const(*scenarios)) {
            if (isAdapterScenario(s.kind))
                return bad(QStringLiteral("%1 acts on the adapter: use SetPowered or --ble-scenario")
                               .arg(bleScenarioToString(s)));
        }
        p->setScenarios(*scenarios);
        return ok();
    }
    send(call.createErrorReply(
        kUnknownMethod, QStringLiteral("No method %1 on %2").arg(member, bluez::kControl)));
}
