// SPDX-License-Identifier: Apache-2.0
#include "fakenetworkmanager.h"

#include "prov/device.h"
#include "prov/httpdeviceserver.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUuid>

#include <time.h>

using namespace prov;

namespace {
const QString kUnknownObject = QStringLiteral("org.freedesktop.DBus.Error.UnknownObject");
const QString kUnknownMethod = QStringLiteral("org.freedesktop.DBus.Error.UnknownMethod");
const QString kInvalidArgs = QStringLiteral("org.freedesktop.DBus.Error.InvalidArgs");
const QString kControlError = QStringLiteral("org.provsim.Error.InvalidArguments");
const QString kControlName = QStringLiteral("org.provsim.FakeNetworkManager");
const QString kNoPath = QStringLiteral("/");
const QString kHomeSsid = QStringLiteral("HomeNet");
const QByteArray kHomePsk = "homenet-pass";
const QString kHomeUuid = QStringLiteral("5b1d7b3c-2f4e-4c55-9a6e-0d3c8f1a2b01");
constexpr quint32 kChannel6Mhz = 2437;
constexpr quint32 kChannel11Mhz = 2462;
constexpr int kMoveBackMs = 1000;
const QString kNotAuthorized = QStringLiteral("Not authorized to control networking.");

QVariant unwrap(const QVariant &v)
{
    return v.canConvert<QDBusVariant>() ? v.value<QDBusVariant>().variant() : v;
}

QVariant objectPath(const QString &path)
{
    return QVariant::fromValue(QDBusObjectPath(path));
}

QVariant pathList(const QStringList &paths)
{
    QList<QDBusObjectPath> list;
    for (const QString &p : paths)
        list << QDBusObjectPath(p);
    return QVariant::fromValue(list);
}

/// Argument @p index of @p call as an object path, "" when it is none.
QString pathArgument(const QDBusMessage &call, int index)
{
    const QVariant v = call.arguments().value(index);
    return v.metaType() == QMetaType::fromType<QDBusObjectPath>() ? v.value<QDBusObjectPath>().path()
                                                                  : QString();
}

/// Argument @p index as a{sa{sv}} (connection settings); nullopt for any other type.
std::optional<bluez::InterfaceMap> settingsArgument(const QDBusMessage &call, int index)
{
    const QVariant v = call.arguments().value(index);
    if (v.metaType() == QMetaType::fromType<bluez::InterfaceMap>())
        return v.value<bluez::InterfaceMap>();
    if (v.metaType() != QMetaType::fromType<QDBusArgument>())
        return std::nullopt;
    const QDBusArgument arg = v.value<QDBusArgument>();
    if (arg.currentSignature() != QLatin1String("a{sa{sv}}"))
        return std::nullopt;
    return qdbus_cast<bluez::InterfaceMap>(arg);
}

qint64 bootTimeMs()
{
    timespec ts {};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

QString method(const char *name, const QStringList &in = {}, const QStringList &out = {})
{
    QString xml = QStringLiteral("    <method name=\"%1\">").arg(QLatin1String(name));
    for (const QString &t : in)
        xml += QStringLiteral("<arg type=\"%1\" direction=\"in\"/>").arg(t);
    for (const QString &t : out)
        xml += QStringLiteral("<arg type=\"%1\" direction=\"out\"/>").arg(t);
    return xml + QStringLiteral("</method>\n");
}

QString signalXml(const char *name, const QStringList &args = {})
{
    QString xml = QStringLiteral("    <signal name=\"%1\">").arg(QLatin1String(name));
    for (const QString &t : args)
        xml += QStringLiteral("<arg type=\"%1\"/>").arg(t);
    return xml + QStringLiteral("</signal>\n");
}

/// Methods and signals the fake implements, as NetworkManager 1.42 declares them.
QString membersXml(const QString &interface)
{
    const QString o = QStringLiteral("o");
    const QString ao = QStringLiteral("ao");
    const QString u = QStringLiteral("u");
    const QString sv = QStringLiteral("a{sv}");
    const QString settings = QStringLiteral("a{sa{sv}}");
    if (interface == nm::kManager)
        return method("GetDevices", {}, { ao }) + method("GetAllDevices", {}, { ao })
            + method("ActivateConnection", { o, o, o }, { o })
            + method("AddAndActivateConnection2", { settings, o, o, sv }, { o, o, sv })
            + method("DeactivateConnection", { o }) + signalXml("StateChanged", { u })
            + signalXml("DeviceAdded", { o }) + signalXml("DeviceRemoved", { o });
    if (interface == nm::kDevice)
        return method("Disconnect") + signalXml("StateChanged", { u, u, u });
    if (interface == nm::kWireless)
        return method("GetAccessPoints", {}, { ao }) + method("GetAllAccessPoints", {}, { ao })
            + method("RequestScan", { sv }) + signalXml("AccessPointAdded", { o })
            + signalXml("AccessPointRemoved", { o });
    if (interface == nm::kSettings)
        return method("ListConnections", {}, { ao })
            + method("GetConnectionByUuid", { QStringLiteral("s") }, { o })
            + signalXml("NewConnection", { o }) + signalXml("ConnectionRemoved", { o });
    if (interface == nm::kConnection)
        return method("Delete") + method("GetSettings", {}, { settings }) + signalXml("Removed");
    if (interface == nm::kActive)
        return signalXml("StateChanged", { u, u });
    return {};
}

const QString kControlIntrospection = QStringLiteral(
    R"(  <interface name="org.provsim.NetworkManagerControl1">
    <method name="Journal"><arg direction="out" type="as"/></method>
    <method name="ClearJournal"/>
    <method name="State"><arg direction="out" type="s"/></method>
    <method name="RemoveAccessPoint"><arg name="ssid" direction="in" type="s"/></method>
    <method name="RestoreAccessPoint"><arg name="ssid" direction="in" type="s"/></method>
  </interface>
)");

const QString kObjectManagerIntrospection = QStringLiteral(
    R"(  <interface name="org.freedesktop.DBus.ObjectManager">
    <method name="GetManagedObjects"><arg type="a{oa{sa{sv}}}" direction="out"/></method>
    <signal name="InterfacesAdded"><arg type="o"/><arg type="a{sa{sv}}"/></signal>
    <signal name="InterfacesRemoved"><arg type="o"/><arg type="as"/></signal>
  </interface>
)");

bool isWritable(const QString &interface, const QString &name)
{
    return (interface == nm::kManager && name == QLatin1String("WirelessEnabled"))
        || (interface == nm::kDevice && name == QLatin1String("Managed"));
}
} // namespace

// ---- D-Bus types

QDBusArgument &nm::operator<<(QDBusArgument &argument, const StateReason &value)
{
    argument.beginStructure();
    argument << value.state << value.reason;
    argument.endStructure();
    return argument;
}

const QDBusArgument &nm::operator>>(const QDBusArgument &argument, StateReason &value)
{
    argument.beginStructure();
    argument >> value.state >> value.reason;
    argument.endStructure();
    return argument;
}

void nm::registerDBusTypes()
{
    bluez::registerDBusTypes();
    qDBusRegisterMetaType<StateReason>();
    qDBusRegisterMetaType<QList<QVariantMap>>();
}

Result<NmScenario> parseNmScenario(const QString &text)
{
    static const QMap<QString, NmScenario> names {
        { QStringLiteral("activation-hang"), NmScenario::ActivationHang },
        { QStringLiteral("dhcp-hang"), NmScenario::DhcpHang },
        { QStringLiteral("ap-vanish-after-apply"), NmScenario::ApVanishAfterApply },
        { QStringLiteral("ap-moves-after-apply"), NmScenario::ApMovesAfterApply },
        { QStringLiteral("wifi-disabled"), NmScenario::WifiDisabled },
        { QStringLiteral("permission-denied"), NmScenario::PermissionDenied },
    };
    const auto it = names.constFind(text);
    if (it == names.constEnd())
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("unknown --nm-scenario '%1' (one of %2)")
                .arg(text, names.keys().join(QLatin1String(", "))));
    return *it;
}

// ---- the model

struct FakeNetworkManager::SoftAp
{
    NmSoftApConfig config;
    SimulatedDevice *device = nullptr;
    std::unique_ptr<HttpDeviceServer> server;
    bool present = true;
    quint32 frequency = kChannel6Mhz;
};

struct FakeNetworkManager::Interface
{
    int index = 0;
    QString name;
    QString path;
    QString hwAddress;
    quint32 state = nm::DeviceDisconnected;
    QMap<QString, QString> accessPoints; ///< SSID -> access point path
    QString activePath = kNoPath; ///< the active connection being activated or activated
    quint64 generation = 0; ///< bumped by every (de)activation: stale timers do nothing
    QHostAddress address; ///< while activated
    QHostAddress gateway;
};

struct FakeNetworkManager::SavedConnection
{
    QString path;
    QString id;
    QString uuid;
    QString ssid;
    QByteArray psk; ///< secret
    /// ipv4.never-default: NetworkManager 1.42 then adds no default route, and IP4Config.Gateway (taken
    /// from the best default route) stays "": the gateway is only in the DHCP4Config's "routers".
    bool neverDefault = false;
    quint32 flags = 0;
    bluez::InterfaceMap settings; ///< as given, with connection.id/uuid/type filled in; secrets removed
    bool isVolatile() const { return flags & nm::FlagVolatile; }
};

struct FakeNetworkManager::ActiveConnection
{
    QString path;
    QString connectionPath;
    QString ip4Path = kNoPath;
    QString dhcp4Path = kNoPath;
    int iface = 0;
    quint32 state = nm::ActiveActivating;
};

FakeNetworkManager::FakeNetworkManager(const Settings &settings, QObject *parent)
    : QDBusVirtualObject(parent)
    , m_settings(settings)
    , m_wirelessEnabled(!settings.scenarios.contains(NmScenario::WifiDisabled))
{
    nm::registerDBusTypes();
}

FakeNetworkManager::~FakeNetworkManager()
{
    if (m_connection) {
        m_connection->unregisterService(nm::kService);
        m_connection->unregisterObject(QStringLiteral("/"), QDBusConnection::UnregisterTree);
    }
}

void FakeNetworkManager::addSoftAp(SimulatedDevice *device, const NmSoftApConfig &config)
{
    auto ap = std::make_unique<SoftAp>();
    ap->config = config;
    ap->device = device;
    ap->server = std::make_unique<HttpDeviceServer>(device);
    const int index = int(m_softAps.size());
    ap->server->setConnectionFilter([this, index](const QHostAddress &peer) {
        if (joinedTo(index, peer))
            return true;
        m_journal.append(
            QStringLiteral("http-refused %1 from %2").arg(m_softAps[index]->config.ssid, peer.toString()));
        return false;
    });
    connect(ap->server.get(), &HttpDeviceServer::requestHandled, this, [this, index](const QString &summary) {
        const SoftAp &a = *m_softAps[index];
        m_journal.append(QStringLiteral("http %1 from %2 %3")
                             .arg(a.config.ssid, a.server->lastPeer().toString(), summary));
    });
    if (has(NmScenario::ApVanishAfterApply) || has(NmScenario::ApMovesAfterApply)) {
        connect(device, &SimulatedDevice::configApplied, this, [this, index] {
            QTimer::singleShot(m_settings.vanishDelayMs, this,
                [this, index] { vanish(index, has(NmScenario::ApMovesAfterApply)); });
        });
    }
    m_softAps.push_back(std::move(ap));
}

Result<void> FakeNetworkManager::start(const QDBusConnection &connection)
{
    if (!connection.isConnected())
        return makeError(ErrorCode::Unavailable,
            QStringLiteral("not connected to the bus: %1").arg(connection.lastError().message()));
    for (const auto &ap : m_softAps) {
        if (!ap->server->listen(ap->config.gateway, ap->config.port))
            return makeError(ErrorCode::Unavailable,
                QStringLiteral("%1: cannot listen on %2:%3: %4")
                    .arg(ap->config.ssid, ap->config.gateway.toString())
                    .arg(ap->config.port)
                    .arg(ap->server->errorString()));
    }
    m_connection = connection;
    m_tree = std::make_unique<ObjectTree>(connection, nm::kObjectManagerPath);

    m_tree->add(nm::kSettingsPath,
        { { nm::kSettings,
            { { QStringLiteral("Connections"), pathList({}) },
                { QStringLiteral("Hostname"), QStringLiteral("station") },
                { QStringLiteral("CanModify"), true } } } });
    for (int k = 0; k < m_settings.interfaces; ++k) {
        auto iface = std::make_unique<Interface>();
        iface->index = k;
        iface->name = QStringLiteral("wlan%1").arg(k);
        iface->path = nextPath("Devices");
        iface->hwAddress = QStringLiteral("02:00:00:00:01:%1").arg(k + 1, 2, 16, QLatin1Char('0')).toUpper();
        iface->state = m_wirelessEnabled ? nm::DeviceDisconnected : nm::DeviceUnavailable;
        m_interfaces.push_back(std::move(iface));
    }
    QStringList devices;
    for (const auto &iface : m_interfaces)
        devices << iface->path;
    m_tree->add(nm::kPath,
        { { nm::kManager,
            { { QStringLiteral("Devices"), pathList(devices) },
                { QStringLiteral("AllDevices"), pathList(devices) },
                { QStringLiteral("ActiveConnections"), pathList({}) },
                { QStringLiteral("WirelessEnabled"), m_wirelessEnabled },
                { QStringLiteral("WirelessHardwareEnabled"), true },
                { QStringLiteral("NetworkingEnabled"), true },
                { QStringLiteral("State"), quint32(nm::StateDisconnected) },
                { QStringLiteral("Version"), QStringLiteral("1.42.4") } } } });
    for (const auto &iface : m_interfaces)
        publishInterface(*iface);

    SavedConnection home;
    home.id = QStringLiteral("Home");
    home.uuid = kHomeUuid;
    home.ssid = kHomeSsid;
    home.psk = kHomePsk;
    home.settings = {
        { QStringLiteral("connection"),
            { { QStringLiteral("id"), home.id }, { QStringLiteral("uuid"), home.uuid },
                { QStringLiteral("type"), QStringLiteral("802-11-wireless") } } },
        { QStringLiteral("802-11-wireless"), { { QStringLiteral("ssid"), kHomeSsid.toUtf8() } } },
        { QStringLiteral("802-11-wireless-security"),
            { { QStringLiteral("key-mgmt"), QStringLiteral("wpa-psk") } } },
    };
    SavedConnection *saved = addConnection(home);
    if (!m_interfaces.empty() && m_wirelessEnabled) {
        // wlan0 comes up already connected to the home network, as on a station that booted.
        Interface &wlan0 = *m_interfaces.front();
        ActiveConnection &active = startActivation(wlan0, *saved, wlan0.accessPoints.value(kHomeSsid));
        ++wlan0.generation; // no activation steps: it is already there
        wlan0.address = QHostAddress(QStringLiteral("127.0.100.1"));
        wlan0.gateway = QHostAddress(QStringLiteral("127.0.100.254"));
        active.ip4Path = addIp4Config(wlan0.address, wlan0.gateway);
        m_tree->set(wlan0.path, nm::kDevice,
            { { QStringLiteral("ActiveConnection"), objectPath(active.path) },
                { QStringLiteral("Ip4Config"), objectPath(active.ip4Path) } });
        m_tree->set(wlan0.path, nm::kWireless, QStringLiteral("ActiveAccessPoint"),
            objectPath(wlan0.accessPoints.value(kHomeSsid)));
        m_tree->set(active.path, nm::kActive, QStringLiteral("Ip4Config"), objectPath(active.ip4Path));
        setDeviceState(wlan0, nm::DeviceActivated, nm::DeviceReasonNone);
        setActiveState(active, nm::ActiveActivated, nm::ActiveReasonNone);
    }
    updateManagerState();

    if (!m_connection->registerVirtualObject(QStringLiteral("/"), this, QDBusConnection::SubPath))
        return makeError(
            ErrorCode::Unavailable, QStringLiteral("cannot register the object tree on the bus"));
    QDBusConnectionInterface *bus = m_connection->interface();
    const QDBusReply<QDBusConnectionInterface::RegisterServiceReply> owned = bus->registerService(
        nm::kService, QDBusConnectionInterface::DontQueueService,
        QDBusConnectionInterface::DontAllowReplacement);
    if (!owned.isValid())
        return makeError(ErrorCode::Unavailable,
            QStringLiteral("cannot own %1: %2").arg(nm::kService, owned.error().message()));
    if (owned.value() != QDBusConnectionInterface::ServiceRegistered)
        return makeError(ErrorCode::Unavailable,
            QStringLiteral("%1 is already owned on this bus (a NetworkManager or another prov-sim)")
                .arg(nm::kService));
    bus->registerService(kControlName, QDBusConnectionInterface::DontQueueService,
        QDBusConnectionInterface::DontAllowReplacement);
    return {};
}

QString FakeNetworkManager::nextPath(const char *kind)
{
    const QString key = QString::fromLatin1(kind);
    const int n = ++m_counters[key];
    return QStringLiteral("%1/%2/%3").arg(nm::kPath, key).arg(n);
}

void FakeNetworkManager::publishInterface(Interface &iface)
{
    m_tree->add(iface.path,
        { { nm::kDevice,
              { { QStringLiteral("Udi"), QStringLiteral("/sys/devices/virtual/net/%1").arg(iface.name) },
                  { QStringLiteral("Interface"), iface.name }, { QStringLiteral("IpInterface"), iface.name },
                  { QStringLiteral("Driver"), QStringLiteral("mac80211_hwsim") },
                  { QStringLiteral("DeviceType"), nm::kDeviceTypeWifi },
                  { QStringLiteral("State"), iface.state },
                  { QStringLiteral("StateReason"),
                      QVariant::fromValue(nm::StateReason { iface.state, nm::DeviceReasonNone }) },
                  { QStringLiteral("ActiveConnection"), objectPath(kNoPath) },
                  { QStringLiteral("Ip4Config"), objectPath(kNoPath) }, { QStringLiteral("Managed"), true },
                  { QStringLiteral("Real"), true }, { QStringLiteral("HwAddress"), iface.hwAddress } } },
            { nm::kWireless,
                { { QStringLiteral("HwAddress"), iface.hwAddress },
                    { QStringLiteral("PermHwAddress"), iface.hwAddress },
                    { QStringLiteral("Mode"), quint32(2) }, // NM_802_11_MODE_INFRA
                    { QStringLiteral("Bitrate"), quint32(0) },
                    { QStringLiteral("AccessPoints"), pathList({}) },
                    { QStringLiteral("ActiveAccessPoint"), objectPath(kNoPath) },
                    { QStringLiteral("WirelessCapabilities"),
                        quint32(0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x200) },
                    { QStringLiteral("LastScan"), qint64(-1) } } } });
    if (!m_wirelessEnabled)
        return; // an unavailable device lists no access points
    for (int i = 0; i < int(m_softAps.size()); ++i) {
        const SoftAp &ap = *m_softAps[i];
        if (ap.present)
            addAccessPoint(iface, ap.config.ssid, ap.config.bssid, !ap.config.password.isEmpty(),
                ap.frequency, ap.config.strength);
    }
    addAccessPoint(iface, kHomeSsid, QStringLiteral("02:1A:2B:3C:4D:02"), true, 2412, 72);
}

QString FakeNetworkManager::addAccessPoint(Interface &iface, const QString &ssid, const QString &bssid,
    bool secured, quint32 frequency, int strength)
{
    if (iface.accessPoints.contains(ssid))
        return iface.accessPoints.value(ssid);
    const QString path = nextPath("AccessPoint");
    m_tree->add(path,
        { { nm::kAccessPoint,
            { { QStringLiteral("Flags"), secured ? nm::kApFlagPrivacy : 0u },
                { QStringLiteral("WpaFlags"), 0u },
                { QStringLiteral("RsnFlags"), secured ? nm::kApRsnWpa2Psk : 0u },
                { QStringLiteral("Ssid"), ssid.toUtf8() }, { QStringLiteral("Frequency"), frequency },
                { QStringLiteral("HwAddress"), bssid }, { QStringLiteral("Mode"), quint32(2) },
                { QStringLiteral("MaxBitrate"), quint32(54000) },
                { QStringLiteral("Strength"), QVariant::fromValue(uchar(strength)) },
                { QStringLiteral("LastSeen"), qint32(bootTimeMs() / 1000) } } } });
    iface.accessPoints.insert(ssid, path);
    m_tree->set(
        iface.path, nm::kWireless, QStringLiteral("AccessPoints"), pathList(iface.accessPoints.values()));
    signal(iface.path, nm::kWireless, QStringLiteral("AccessPointAdded"), { objectPath(path) });
    m_journal.event(QStringLiteral("ap-added"), path, QStringLiteral("ssid=%1 on=%2").arg(ssid, iface.name));
    return path;
}

void FakeNetworkManager::removeAccessPoint(Interface &iface, const QString &ssid)
{
    const QString path = iface.accessPoints.take(ssid);
    if (path.isEmpty())
        return;
    m_tree->set(
        iface.path, nm::kWireless, QStringLiteral("AccessPoints"), pathList(iface.accessPoints.values()));
    signal(iface.path, nm::kWireless, QStringLiteral("AccessPointRemoved"), { objectPath(path) });
    m_tree->removeTree(path);
    m_journal.event(
        QStringLiteral("ap-removed"), path, QStringLiteral("ssid=%1 on=%2").arg(ssid, iface.name));
}

FakeNetworkManager::SavedConnection *FakeNetworkManager::addConnection(SavedConnection connection)
{
    connection.path = QStringLiteral("%1/%2")
                          .arg(nm::kSettingsPath)
                          .arg(++m_counters[QStringLiteral("Settings")]);
    const bool unsaved = connection.flags & nm::FlagUnsaved;
    m_tree->add(connection.path,
        { { nm::kConnection,
            { { QStringLiteral("Unsaved"), unsaved }, { QStringLiteral("Flags"), connection.flags },
                { QStringLiteral("Filename"),
                    unsaved ? QString()
                            : QStringLiteral("/etc/NetworkManager/system-connections/%1.nmconnection")
                                  .arg(connection.id) } } } });
    m_connections.push_back(std::make_unique<SavedConnection>(std::move(connection)));
    SavedConnection *added = m_connections.back().get();
    QStringList paths;
    for (const auto &c : m_connections)
        paths << c->path;
    m_tree->set(nm::kSettingsPath, nm::kSettings, QStringLiteral("Connections"), pathList(paths));
    signal(nm::kSettingsPath, nm::kSettings, QStringLiteral("NewConnection"), { objectPath(added->path) });
    return added;
}

void FakeNetworkManager::deleteConnection(QString path)
{
    const auto it = std::find_if(
        m_connections.begin(), m_connections.end(), [&](const auto &c) { return c->path == path; });
    if (it == m_connections.end())
        return;
    m_journal.event(QStringLiteral("connection-removed"), path, QStringLiteral("id=%1").arg((*it)->id));
    m_connections.erase(it);
    signal(path, nm::kConnection, QStringLiteral("Removed"), {});
    QStringList paths;
    for (const auto &c : m_connections)
        paths << c->path;
    m_tree->set(nm::kSettingsPath, nm::kSettings, QStringLiteral("Connections"), pathList(paths));
    signal(nm::kSettingsPath, nm::kSettings, QStringLiteral("ConnectionRemoved"), { objectPath(path) });
    m_tree->removeTree(path);
}

QString FakeNetworkManager::addIp4Config(const QHostAddress &address, const QHostAddress &gateway)
{
    const QString path = nextPath("IP4Config");
    const QList<QVariantMap> addresses { { { QStringLiteral("address"), address.toString() },
        { QStringLiteral("prefix"), quint32(8) } } };
    const QList<QVariantMap> routes { { { QStringLiteral("dest"), QStringLiteral("127.0.0.0") },
        { QStringLiteral("prefix"), quint32(8) }, { QStringLiteral("metric"), quint32(600) } } };
    m_tree->add(path,
        { { nm::kIp4Config,
            { { QStringLiteral("AddressData"), QVariant::fromValue(addresses) },
                { QStringLiteral("Gateway"), gateway.toString() },
                { QStringLiteral("RouteData"), QVariant::fromValue(routes) },
                { QStringLiteral("NameserverData"), QVariant::fromValue(QList<QVariantMap> {}) },
                { QStringLiteral("Domains"), QStringList {} } } } });
    return path;
}

void FakeNetworkManager::signal(
    const QString &path, const QString &interface, const QString &member, const QVariantList &args)
{
    QDBusMessage message = QDBusMessage::createSignal(path, interface, member);
    message.setArguments(args);
    send(message);
}

void FakeNetworkManager::setDeviceState(Interface &iface, quint32 state, quint32 reason)
{
    const quint32 old = iface.state;
    if (old == state)
        return;
    iface.state = state;
    m_tree->set(iface.path, nm::kDevice,
        { { QStringLiteral("State"), state },
            { QStringLiteral("StateReason"), QVariant::fromValue(nm::StateReason { state, reason }) } });
    signal(iface.path, nm::kDevice, QStringLiteral("StateChanged"), { state, old, reason });
    m_journal.event(QStringLiteral("device-state"), iface.path,
        QStringLiteral("%1 %2 -> %3 reason=%4").arg(iface.name).arg(old).arg(state).arg(reason));
    updateManagerState();
}

void FakeNetworkManager::setActiveState(ActiveConnection &active, quint32 state, quint32 reason)
{
    if (active.state == state)
        return;
    active.state = state;
    m_tree->set(active.path, nm::kActive, QStringLiteral("State"), state);
    signal(active.path, nm::kActive, QStringLiteral("StateChanged"), { state, reason });
    m_journal.event(
        QStringLiteral("active-state"), active.path, QStringLiteral("%1 reason=%2").arg(state).arg(reason));
}

void FakeNetworkManager::updateManagerState()
{
    if (!m_tree || !m_tree->contains(nm::kPath))
        return;
    quint32 state = nm::StateDisconnected;
    for (const auto &iface : m_interfaces) {
        if (iface->state == nm::DeviceActivated)
            state = nm::StateConnectedGlobal;
        else if (iface->state >= nm::DevicePrepare && iface->state < nm::DeviceActivated
            && state < nm::StateConnecting)
            state = nm::StateConnecting;
    }
    if (m_tree->property(nm::kPath, nm::kManager, QStringLiteral("State")) == QVariant(state))
        return;
    m_tree->set(nm::kPath, nm::kManager, QStringLiteral("State"), state);
    signal(nm::kPath, nm::kManager, QStringLiteral("StateChanged"), { state });
}

// ---- activation (nm-device.c's stages, compressed into one step delay each)

FakeNetworkManager::ActiveConnection &FakeNetworkManager::startActivation(
    Interface &iface, SavedConnection &connection, const QString &specific)
{
    auto active = std::make_unique<ActiveConnection>();
    active->path = nextPath("ActiveConnection");
    active->connectionPath = connection.path;
    active->iface = iface.index;
    m_tree->add(active->path,
        { { nm::kActive,
            { { QStringLiteral("Connection"), objectPath(connection.path) },
                { QStringLiteral("SpecificObject"), objectPath(specific.isEmpty() ? kNoPath : specific) },
                { QStringLiteral("Id"), connection.id }, { QStringLiteral("Uuid"), connection.uuid },
                { QStringLiteral("Type"), QStringLiteral("802-11-wireless") },
                { QStringLiteral("Devices"), pathList({ iface.path }) },
                { QStringLiteral("State"), quint32(nm::ActiveActivating) },
                { QStringLiteral("StateFlags"), 0u }, { QStringLiteral("Default"), false },
                { QStringLiteral("Ip4Config"), objectPath(kNoPath) },
                { QStringLiteral("Dhcp4Config"), objectPath(kNoPath) }, { QStringLiteral("Default6"), false },
                { QStringLiteral("Ip6Config"), objectPath(kNoPath) },
                { QStringLiteral("Dhcp6Config"), objectPath(kNoPath) }, { QStringLiteral("Vpn"), false },
                { QStringLiteral("Controller"), objectPath(kNoPath) },
                { QStringLiteral("Master"), objectPath(kNoPath) } } } });
    m_active.push_back(std::move(active));
    ActiveConnection &added = *m_active.back();
    QStringList paths;
    for (const auto &a : m_active)
        paths << a->path;
    m_tree->set(nm::kPath, nm::kManager, QStringLiteral("ActiveConnections"), pathList(paths));

    const quint64 generation = ++iface.generation;
    const QString newPath = added.path;
    iface.activePath = newPath;
    // After the reply: the connection active before on this device goes away first (nm-policy's
    // "new activation" deactivation), then the stages run.
    QTimer::singleShot(0, this, [this, index = iface.index, generation, newPath] {
        Interface &dev = *m_interfaces[index];
        if (dev.generation != generation)
            return;
        for (const auto &a : m_active) {
            if (a->iface == index && a->path != newPath && a->state <= nm::ActiveActivated) {
                setActiveState(*a, nm::ActiveDeactivating, nm::ActiveReasonDeviceDisconnected);
                setDeviceState(dev, nm::DeviceDeactivating, nm::DeviceReasonNewActivation);
                setActiveState(*a, nm::ActiveDeactivated, nm::ActiveReasonDeviceDisconnected);
                retireActive(a->path);
                setDeviceState(dev, nm::DeviceDisconnected, nm::DeviceReasonNewActivation);
                break;
            }
        }
        m_tree->set(dev.path, nm::kDevice,
            { { QStringLiteral("ActiveConnection"), objectPath(newPath) },
                { QStringLiteral("Ip4Config"), objectPath(kNoPath) } });
        m_tree->set(dev.path, nm::kWireless, QStringLiteral("ActiveAccessPoint"), objectPath(kNoPath));
        dev.address = {};
        dev.gateway = {};
        QTimer::singleShot(
            m_settings.stepDelayMs, this, [this, index, generation] { step(index, generation); });
    });
    return added;
}

void FakeNetworkManager::step(int ifaceIndex, quint64 generation)
{
    Interface &iface = *m_interfaces[ifaceIndex];
    if (iface.generation != generation)
        return;
    ActiveConnection *active = nullptr;
    for (const auto &a : m_active) {
        if (a->path == iface.activePath)
            active = a.get();
    }
    SavedConnection *connection = active ? connectionAt(active->connectionPath) : nullptr;
    if (!active || !connection)
        return;
    const auto softAp = std::find_if(m_softAps.begin(), m_softAps.end(),
        [&](const auto &ap) { return ap->config.ssid == connection->ssid; });
    const bool isSoftAp = softAp != m_softAps.end();
    auto next = [&] {
        QTimer::singleShot(
            m_settings.stepDelayMs, this, [this, ifaceIndex, generation] { step(ifaceIndex, generation); });
    };
    switch (iface.state) {
    case nm::DeviceDisconnected:
        setDeviceState(iface, nm::DevicePrepare, nm::DeviceReasonNone);
        return next();
    case nm::DevicePrepare:
        setDeviceState(iface, nm::DeviceConfig, nm::DeviceReasonNone);
        if (iface.accessPoints.contains(connection->ssid))
            m_tree->set(iface.path, nm::kWireless, QStringLiteral("ActiveAccessPoint"),
                objectPath(iface.accessPoints.value(connection->ssid)));
        if (isSoftAp && has(NmScenario::ActivationHang))
            return; // wpa_supplicant never associates
        return next();
    case nm::DeviceConfig: {
        if (!iface.accessPoints.contains(connection->ssid))
            return finishFailed(iface, nm::DeviceReasonSsidNotFound, nm::ActiveReasonDeviceDisconnected);
        const QByteArray expected = isSoftAp ? (*softAp)->config.password : kHomePsk;
        if (!expected.isEmpty() && connection->psk != expected) {
            setDeviceState(iface, nm::DeviceNeedAuth, nm::DeviceReasonNone);
            return next();
        }
        setDeviceState(iface, nm::DeviceIpConfig, nm::DeviceReasonNone);
        if (isSoftAp && has(NmScenario::DhcpHang))
            return; // no DHCP answer
        return next();
    }
    case nm::DeviceNeedAuth:
        // The 4-way handshake failed and no secret agent offers another key.
        return finishFailed(iface, nm::DeviceReasonNoSecrets, nm::ActiveReasonNoSecrets);
    case nm::DeviceIpConfig: {
        iface.address = QHostAddress(QStringLiteral("127.0.100.%1").arg(iface.index + 1));
        iface.gateway = isSoftAp ? (*softAp)->config.gateway : QHostAddress(QStringLiteral("127.0.100.254"));
        active->ip4Path = addIp4Config(
            iface.address, connection->neverDefault ? QHostAddress() : iface.gateway);
        if (isSoftAp) {
            // The lease, as NetworkManager's DHCP client reports it (DHCP4Config.Options).
            active->dhcp4Path = nextPath("DHCP4Config");
            const QVariantMap options { { QStringLiteral("ip_address"), iface.address.toString() },
                { QStringLiteral("subnet_mask"), QStringLiteral("255.0.0.0") },
                { QStringLiteral("routers"), iface.gateway.toString() },
                { QStringLiteral("dhcp_server_identifier"), iface.gateway.toString() },
                { QStringLiteral("dhcp_lease_time"), QStringLiteral("7200") } };
            m_tree->add(
                active->dhcp4Path, { { nm::kDhcp4Config, { { QStringLiteral("Options"), options } } } });
            m_tree->set(
                active->path, nm::kActive, QStringLiteral("Dhcp4Config"), objectPath(active->dhcp4Path));
        }
        m_tree->set(iface.path, nm::kDevice, QStringLiteral("Ip4Config"), objectPath(active->ip4Path));
        m_tree->set(active->path, nm::kActive, QStringLiteral("Ip4Config"), objectPath(active->ip4Path));
        setDeviceState(iface, nm::DeviceActivated, nm::DeviceReasonNone);
        setActiveState(*active, nm::ActiveActivated, nm::ActiveReasonNone);
        return;
    }
    default:
        return;
    }
}

void FakeNetworkManager::dropActive(Interface &iface, quint32 activeReason)
{
    const QString path = iface.activePath;
    iface.activePath = kNoPath;
    iface.address = {};
    iface.gateway = {};
    m_tree->set(iface.path, nm::kDevice,
        { { QStringLiteral("ActiveConnection"), objectPath(kNoPath) },
            { QStringLiteral("Ip4Config"), objectPath(kNoPath) } });
    m_tree->set(iface.path, nm::kWireless, QStringLiteral("ActiveAccessPoint"), objectPath(kNoPath));
    for (const auto &a : m_active) {
        if (a->path == path) {
            setActiveState(*a, nm::ActiveDeactivated, activeReason);
            break;
        }
    }
    retireActive(path);
}

void FakeNetworkManager::retireActive(QString path)
{
    const auto it = std::find_if(
        m_active.begin(), m_active.end(), [&](const auto &a) { return a->path == path; });
    if (it == m_active.end())
        return;
    const std::unique_ptr<ActiveConnection> active = std::move(*it);
    m_active.erase(it);
    QStringList paths;
    for (const auto &a : m_active)
        paths << a->path;
    m_tree->set(nm::kPath, nm::kManager, QStringLiteral("ActiveConnections"), pathList(paths));
    // NetworkManager unexports a deactivated active connection (and its IP4Config) a moment later.
    QTimer::singleShot(
        m_settings.stepDelayMs, this, [this, path, ip4 = active->ip4Path, dhcp4 = active->dhcp4Path] {
            m_tree->removeTree(path);
            if (ip4 != kNoPath)
                m_tree->removeTree(ip4);
            if (dhcp4 != kNoPath)
                m_tree->removeTree(dhcp4);
        });
    const SavedConnection *connection = connectionAt(active->connectionPath);
    if (connection && connection->isVolatile())
        deleteConnection(connection->path); // what "volatile" means
}

void FakeNetworkManager::finishFailed(Interface &iface, quint32 deviceReason, quint32 activeReason)
{
    ++iface.generation;
    setDeviceState(iface, nm::DeviceFailed, deviceReason);
    dropActive(iface, activeReason);
    setDeviceState(
        iface, m_wirelessEnabled ? nm::DeviceDisconnected : nm::DeviceUnavailable, nm::DeviceReasonNone);
}

void FakeNetworkManager::deactivate(Interface &iface, quint32 deviceReason, quint32 activeReason)
{
    const quint64 generation = ++iface.generation;
    for (const auto &a : m_active) {
        if (a->path == iface.activePath)
            setActiveState(*a, nm::ActiveDeactivating, activeReason);
    }
    setDeviceState(iface, nm::DeviceDeactivating, deviceReason);
    QTimer::singleShot(
        m_settings.stepDelayMs, this, [this, index = iface.index, generation, deviceReason, activeReason] {
            Interface &dev = *m_interfaces[index];
            if (dev.generation != generation)
                return;
            dropActive(dev, activeReason);
            setDeviceState(
                dev, m_wirelessEnabled ? nm::DeviceDisconnected : nm::DeviceUnavailable, deviceReason);
        });
}

void FakeNetworkManager::vanish(int index, bool comesBack)
{
    SoftAp &ap = *m_softAps[index];
    if (!ap.present)
        return;
    ap.present = false;
    m_journal.event(QStringLiteral("softap-gone"), nm::kPath, QStringLiteral("ssid=%1").arg(ap.config.ssid));
    ap.server->dropConnections();
    for (const auto &iface : m_interfaces) {
        removeAccessPoint(*iface, ap.config.ssid);
        const ActiveConnection *active = nullptr;
        for (const auto &a : m_active) {
            if (a->path == iface->activePath)
                active = a.get();
        }
        const SavedConnection *connection = active ? connectionAt(active->connectionPath) : nullptr;
        if (!connection || connection->ssid != ap.config.ssid)
            continue;
        // Beacon loss: wpa_supplicant reports the disconnect, NetworkManager fails the activated device
        // (nm-device-wifi.c link timeout: SUPPLICANT_DISCONNECT); while still activating the SSID is gone.
        finishFailed(*iface,
            iface->state == nm::DeviceActivated ? nm::DeviceReasonSupplicantDisconnect
                                                : nm::DeviceReasonSsidNotFound,
            nm::ActiveReasonDeviceDisconnected);
    }
    if (!comesBack)
        return;
    QTimer::singleShot(kMoveBackMs, this, [this, index] {
        SoftAp &moved = *m_softAps[index];
        moved.frequency = kChannel11Mhz;
        moved.present = true;
        m_journal.event(QStringLiteral("softap-back"), nm::kPath,
            QStringLiteral("ssid=%1 frequency=%2").arg(moved.config.ssid).arg(moved.frequency));
        addSoftApToInterfaces(index);
    });
}

void FakeNetworkManager::addSoftApToInterfaces(int index)
{
    const SoftAp &ap = *m_softAps[index];
    if (!m_wirelessEnabled)
        return;
    for (const auto &iface : m_interfaces)
        addAccessPoint(*iface, ap.config.ssid, ap.config.bssid, !ap.config.password.isEmpty(), ap.frequency,
            ap.config.strength);
}

void FakeNetworkManager::setWirelessEnabled(bool on)
{
    if (on == m_wirelessEnabled)
        return;
    m_wirelessEnabled = on;
    m_tree->set(nm::kPath, nm::kManager, QStringLiteral("WirelessEnabled"), on);
    for (const auto &iface : m_interfaces) {
        if (!on) {
            if (iface->activePath != kNoPath) {
                ++iface->generation;
                setDeviceState(*iface, nm::DeviceDeactivating, nm::DeviceReasonNone);
                dropActive(*iface, nm::ActiveReasonDeviceDisconnected);
            }
            for (const QString &ssid : iface->accessPoints.keys())
                removeAccessPoint(*iface, ssid);
            setDeviceState(*iface, nm::DeviceUnavailable, nm::DeviceReasonNone);
        } else {
            setDeviceState(*iface, nm::DeviceDisconnected, nm::DeviceReasonNone);
        }
    }
    if (on) {
        for (int i = 0; i < int(m_softAps.size()); ++i) {
            if (m_softAps[i]->present)
                addSoftApToInterfaces(i);
        }
        for (const auto &iface : m_interfaces)
            addAccessPoint(*iface, kHomeSsid, QStringLiteral("02:1A:2B:3C:4D:02"), true, 2412, 72);
    }
}

FakeNetworkManager::Interface *FakeNetworkManager::interfaceAt(const QString &path)
{
    for (const auto &iface : m_interfaces) {
        if (iface->path == path)
            return iface.get();
    }
    return nullptr;
}

FakeNetworkManager::Interface *FakeNetworkManager::interfaceWithActive(const QString &activePath)
{
    for (const auto &iface : m_interfaces) {
        if (iface->activePath == activePath)
            return iface.get();
    }
    return nullptr;
}

FakeNetworkManager::SavedConnection *FakeNetworkManager::connectionAt(const QString &path)
{
    for (const auto &c : m_connections) {
        if (c->path == path)
            return c.get();
    }
    return nullptr;
}

bool FakeNetworkManager::joinedTo(int softAp, const QHostAddress &peer) const
{
    const SoftAp &ap = *m_softAps[softAp];
    if (!ap.present)
        return false;
    for (const auto &iface : m_interfaces) {
        if (iface->state != nm::DeviceActivated || iface->gateway != ap.config.gateway)
            continue;
        if (iface->address.isEqual(peer, QHostAddress::ConvertV4MappedToIPv4))
            return true;
    }
    return false;
}

QString FakeNetworkManager::stateJson() const
{
    QJsonArray interfaces;
    for (const auto &iface : m_interfaces) {
        QString id;
        QString uuid;
        bool isVolatile = false;
        for (const auto &a : m_active) {
            if (a->path != iface->activePath)
                continue;
            for (const auto &c : m_connections) {
                if (c->path == a->connectionPath) {
                    id = c->id;
                    uuid = c->uuid;
                    isVolatile = c->isVolatile();
                }
            }
        }
        interfaces.append(QJsonObject { { QStringLiteral("name"), iface->name },
            { QStringLiteral("state"), int(iface->state) }, { QStringLiteral("active_connection_id"), id },
            { QStringLiteral("active_uuid"), uuid }, { QStringLiteral("volatile"), isVolatile },
            { QStringLiteral("address"), iface->address.isNull() ? QString() : iface->address.toString() },
            { QStringLiteral("gateway"), iface->gateway.isNull() ? QString() : iface->gateway.toString() } });
    }
    QJsonArray connections;
    for (const auto &c : m_connections)
        connections.append(QJsonObject { { QStringLiteral("id"), c->id }, { QStringLiteral("uuid"), c->uuid },
            { QStringLiteral("flags"), int(c->flags) } });
    return QString::fromUtf8(
        QJsonDocument(QJsonObject { { QStringLiteral("interfaces"), interfaces },
                          { QStringLiteral("connections"), connections },
                          { QStringLiteral("active_connections"), int(m_active.size()) } })
            .toJson(QJsonDocument::Compact));
}

// ---- dispatch

QString FakeNetworkManager::introspect(const QString &path) const
{
    if (path == nm::kControlPath)
        return kControlIntrospection;
    QString xml;
    if (path == nm::kObjectManagerPath)
        xml += kObjectManagerIntrospection;
    if (!m_tree)
        return xml;
    for (const QString &interface : m_tree->interfaces(path)) {
        xml += QStringLiteral("  <interface name=\"%1\">\n").arg(interface);
        xml += membersXml(interface);
        const QVariantMap props = m_tree->properties(path, interface);
        for (auto it = props.constBegin(); it != props.constEnd(); ++it) {
            xml += QStringLiteral("    <property name=\"%1\" type=\"%2\" access=\"%3\"/>\n")
                       .arg(it.key(), QLatin1String(QDBusMetaType::typeToSignature(it.value().metaType())),
                           isWritable(interface, it.key()) ? QLatin1String("readwrite")
                                                           : QLatin1String("read"));
        }
        xml += QStringLiteral("  </interface>\n");
    }
    return xml;
}

bool FakeNetworkManager::handleMessage(const QDBusMessage &message, const QDBusConnection &)
{
    if (message.type() != QDBusMessage::MethodCallMessage)
        return false;
    const QString path = message.path();
    const QString interface = message.interface();
    if (interface == QLatin1String("org.freedesktop.DBus.Introspectable")) {
        send(message.createReply(m_tree->introspectionXml(path, introspect(path), { nm::kControlPath })));
        return true;
    }
    if (path == nm::kControlPath) {
        handleControl(message);
        return true;
    }
    if (interface == bluez::kProperties) {
        handleProperties(message);
        return true;
    }
    if (path == nm::kObjectManagerPath && message.member() == QLatin1String("GetManagedObjects")) {
        reply(message, {}, { QVariant::fromValue(m_tree->managedObjects()) });
        return true;
    }
    if (!m_tree->contains(path)) {
        fail(message, {}, kUnknownObject, QStringLiteral("No such object path '%1'").arg(path));
        return true;
    }
    if (path == nm::kPath)
        handleManager(message);
    else if (path == nm::kSettingsPath)
        handleSettings(message);
    else if (Interface *iface = interfaceAt(path))
        handleDevice(message, *iface);
    else if (SavedConnection *connection = connectionAt(path))
        handleConnection(message, *connection);
    else
        fail(message, {}, kUnknownMethod, QStringLiteral("No such method '%1'").arg(message.member()));
    return true;
}

void FakeNetworkManager::reply(const QDBusMessage &call, const QString &details, const QVariantList &out)
{
    QString outcome = QStringLiteral("ok");
    if (!out.isEmpty() && out.first().metaType() == QMetaType::fromType<QDBusObjectPath>())
        outcome += QLatin1Char(' ') + out.first().value<QDBusObjectPath>().path();
    m_journal.appendCall(call, details, outcome);
    send(call.createReply(out));
}

void FakeNetworkManager::fail(
    const QDBusMessage &call, const QString &details, const QString &name, const QString &text)
{
    m_journal.appendCall(call, details, QStringLiteral("error ") + name);
    send(call.createErrorReply(name, text));
}

void FakeNetworkManager::handleProperties(const QDBusMessage &call)
{
    const PropertiesCall p = m_tree->propertiesCall(call, isWritable);
    if (!p.errorName.isEmpty())
        return fail(call, p.details, p.errorName, p.errorText);
    if (!p.set)
        return reply(call, p.details, p.reply);
    if (has(NmScenario::PermissionDenied))
        return fail(call, p.details, nm::error::PermissionDenied, kNotAuthorized);
    reply(call, p.details + QLatin1Char('=') + p.set->toString());
    if (p.name == QLatin1String("WirelessEnabled"))
        setWirelessEnabled(p.set->toBool());
    else
        m_tree->set(call.path(), p.interface, p.name, *p.set);
}

void FakeNetworkManager::handleManager(const QDBusMessage &call)
{
    const QString member = call.member();
    QStringList devices;
    for (const auto &iface : m_interfaces)
        devices << iface->path;
    if (member == QLatin1String("GetDevices") || member == QLatin1String("GetAllDevices"))
        return reply(call, {}, { pathList(devices) });
    if (member == QLatin1String("AddAndActivateConnection2"))
        return addAndActivate(call);
    if (member == QLatin1String("ActivateConnection"))
        return activate(call);
    if (member == QLatin1String("DeactivateConnection")) {
        const QString target = pathArgument(call, 0);
        if (has(NmScenario::PermissionDenied))
            return fail(call, target, nm::error::PermissionDenied, kNotAuthorized);
        Interface *iface = interfaceWithActive(target);
        if (!iface || target == kNoPath)
            return fail(call, target, nm::error::ConnectionNotActive,
                QStringLiteral("The connection was not active."));
        reply(call, target);
        return deactivate(*iface, nm::DeviceReasonUserRequested, nm::ActiveReasonUserDisconnected);
    }
    fail(call, {}, kUnknownMethod, QStringLiteral("No such method '%1'").arg(member));
}

void FakeNetworkManager::addAndActivate(const QDBusMessage &call)
{
    const std::optional<bluez::InterfaceMap> settings = settingsArgument(call, 0);
    const QString devicePath = pathArgument(call, 1);
    const QString specific = pathArgument(call, 2);
    const std::optional<QVariantMap> options = bluez::dictArgument(call, 3);
    if (!settings || !options || call.arguments().size() != 4)
        return fail(call, {}, kInvalidArgs,
            QStringLiteral("Type of message, \"(a{sa{sv}}ooa{sv})\", does not match"));
    const QVariantMap wifi = settings->value(QStringLiteral("802-11-wireless"));
    const QVariantMap security = settings->value(QStringLiteral("802-11-wireless-security"));
    const QVariantMap connection = settings->value(QStringLiteral("connection"));
    const QVariant ssidValue = unwrap(wifi.value(QStringLiteral("ssid")));
    const QByteArray ssid = ssidValue.metaType() == QMetaType::fromType<QByteArray>()
        ? ssidValue.toByteArray()
        : QByteArray();
    const QString keyMgmt = unwrap(security.value(QStringLiteral("key-mgmt"))).toString();
    const QVariant pskValue = unwrap(security.value(QStringLiteral("psk")));
    const QString persist = unwrap(options->value(QStringLiteral("persist"), QStringLiteral("disk")))
                                .toString();
    QStringList details { QStringLiteral("ssid=") + QString::fromUtf8(ssid),
        QStringLiteral("device=") + devicePath };
    if (!keyMgmt.isEmpty())
        details << QStringLiteral("key-mgmt=") + keyMgmt;
    if (pskValue.isValid())
        details << QStringLiteral("psk=***");
    for (auto it = options->constBegin(); it != options->constEnd(); ++it)
        details << it.key() + QLatin1Char('=') + unwrap(it.value()).toString();
    const QString d = details.join(QLatin1Char(' '));

    if (has(NmScenario::PermissionDenied))
        return fail(call, d, nm::error::PermissionDenied, kNotAuthorized);
    static const QStringList knownOptions { QStringLiteral("persist"), QStringLiteral("bind-activation") };
    for (const QString &key : options->keys()) {
        if (!knownOptions.contains(key))
            return fail(
                call, d, nm::error::InvalidArguments, QStringLiteral("Unknown extra option '%1'").arg(key));
    }
    if (persist != QLatin1String("disk") && persist != QLatin1String("memory")
        && persist != QLatin1String("volatile"))
        return fail(call, d, nm::error::InvalidArguments,
            QStringLiteral("Option \"persist\" must be one of \"disk\", \"memory\" or \"volatile\""));
    Interface *iface = devicePath == kNoPath ? (m_interfaces.empty() ? nullptr : m_interfaces.front().get())
                                             : interfaceAt(devicePath);
    if (!iface)
        return fail(call, d, nm::error::UnknownDevice,
            devicePath == kNoPath
                ? QStringLiteral("No suitable device found for this connection")
                : QStringLiteral("Cannot activate connection on unknown device %1").arg(devicePath));
    const QString type = unwrap(connection.value(QStringLiteral("type"), QStringLiteral("802-11-wireless")))
                             .toString();
    if (type != QLatin1String("802-11-wireless"))
        return fail(call, d, nm::error::InvalidConnection,
            QStringLiteral("Connection of type '%1' is not compatible with device %2")
                .arg(type, iface->name));
    if (!ssidValue.isValid())
        return fail(
            call, d, nm::error::InvalidProperty, QStringLiteral("802-11-wireless.ssid: property is missing"));
    if (ssidValue.metaType() != QMetaType::fromType<QByteArray>())
        return fail(call, d, nm::error::InvalidProperty,
            QStringLiteral(
                "802-11-wireless.ssid: can't set property of type 'ay' from value of another type"));
    if (ssid.isEmpty() || ssid.size() > 32)
        return fail(call, d, nm::error::InvalidProperty,
            QStringLiteral("802-11-wireless.ssid: SSID length is out of range <1-32> bytes"));
    static const QStringList keyMgmts { QString(), QStringLiteral("none"), QStringLiteral("wpa-psk"),
        QStringLiteral("sae"), QStringLiteral("owe") };
    if (!security.isEmpty() && !keyMgmts.contains(keyMgmt))
        return fail(call, d, nm::error::InvalidProperty,
            QStringLiteral("802-11-wireless-security.key-mgmt: '%1' is not a valid value for the property")
                .arg(keyMgmt));
    if (!security.isEmpty() && keyMgmt.isEmpty())
        return fail(call, d, nm::error::InvalidProperty,
            QStringLiteral("802-11-wireless-security.key-mgmt: property is missing"));
    const QByteArray psk = pskValue.toString().toUtf8();
    if (pskValue.isValid()
        && (pskValue.metaType() != QMetaType::fromType<QString>() || psk.size() < 8 || psk.size() > 64))
        return fail(call, d, nm::error::InvalidProperty,
            QStringLiteral("802-11-wireless-security.psk: property is invalid"));
    if (!m_wirelessEnabled)
        return fail(call, d, nm::error::UnknownConnection,
            QStringLiteral("Connection '%1' is not available on device %2 because device is not available")
                .arg(QString::fromUtf8(ssid), iface->name));
    if (specific != kNoPath && !specific.isEmpty() && !iface->accessPoints.values().contains(specific))
        return fail(call, d, nm::error::UnknownConnection,
            QStringLiteral(
                "Connection '%1' is not available on device %2 because the access point is not visible")
                .arg(QString::fromUtf8(ssid), iface->name));

    SavedConnection saved;
    saved.ssid = QString::fromUtf8(ssid);
    saved.id = unwrap(connection.value(QStringLiteral("id"), saved.ssid)).toString();
    saved.uuid = unwrap(
        connection.value(QStringLiteral("uuid"), QUuid::createUuid().toString(QUuid::WithoutBraces)))
                     .toString();
    saved.psk = psk;
    saved.neverDefault = unwrap(
        settings->value(QStringLiteral("ipv4")).value(QStringLiteral("never-default")))
                             .toBool();
    saved.flags = persist == QLatin1String("volatile") ? (nm::FlagUnsaved | nm::FlagVolatile)
        : persist == QLatin1String("memory")           ? quint32(nm::FlagUnsaved)
                                                       : 0u;
    saved.settings = *settings;
    saved.settings[QStringLiteral("connection")].insert(QStringLiteral("id"), saved.id);
    saved.settings[QStringLiteral("connection")].insert(QStringLiteral("uuid"), saved.uuid);
    saved.settings[QStringLiteral("connection")].insert(QStringLiteral("type"), type);
    if (saved.settings.contains(QStringLiteral("802-11-wireless-security")))
        saved.settings[QStringLiteral("802-11-wireless-security")].remove(QStringLiteral("psk"));
    SavedConnection *added = addConnection(std::move(saved));
    ActiveConnection &active = startActivation(*iface, *added, specific);
    reply(call, d, { objectPath(added->path), objectPath(active.path), QVariantMap {} });
}

void FakeNetworkManager::activate(const QDBusMessage &call)
{
    const QString connectionPath = pathArgument(call, 0);
    const QString devicePath = pathArgument(call, 1);
    const QString specific = pathArgument(call, 2);
    const QString d = QStringLiteral("connection=%1 device=%2 specific=%3")
                          .arg(connectionPath, devicePath, specific);
    if (has(NmScenario::PermissionDenied))
        return fail(call, d, nm::error::PermissionDenied, kNotAuthorized);
    SavedConnection *connection = connectionAt(connectionPath);
    if (!connection)
        return fail(call, d, nm::error::UnknownConnection,
            QStringLiteral("Connection '%1' is not known").arg(connectionPath));
    Interface *iface = devicePath == kNoPath ? (m_interfaces.empty() ? nullptr : m_interfaces.front().get())
                                             : interfaceAt(devicePath);
    if (!iface)
        return fail(call, d, nm::error::UnknownDevice,
            QStringLiteral("No suitable device found for this connection"));
    if (!m_wirelessEnabled)
        return fail(call, d, nm::error::UnknownConnection,
            QStringLiteral("Connection '%1' is not available on device %2 because device is not available")
                .arg(connection->id, iface->name));
    ActiveConnection &active = startActivation(
        *iface, *connection, specific == kNoPath ? iface->accessPoints.value(connection->ssid) : specific);
    reply(call, d, { objectPath(active.path) });
}

void FakeNetworkManager::handleDevice(const QDBusMessage &call, Interface &iface)
{
    const QString member = call.member();
    if (member == QLatin1String("Disconnect")) {
        if (has(NmScenario::PermissionDenied))
            return fail(call, {}, nm::error::PermissionDenied, kNotAuthorized);
        if (iface.activePath == kNoPath)
            return fail(call, {}, nm::error::DeviceNotActive, QStringLiteral("This device is not active"));
        reply(call, {});
        return deactivate(iface, nm::DeviceReasonUserRequested, nm::ActiveReasonUserDisconnected);
    }
    if (member == QLatin1String("GetAccessPoints") || member == QLatin1String("GetAllAccessPoints"))
        return reply(call, {}, { pathList(iface.accessPoints.values()) });
    if (member == QLatin1String("RequestScan")) {
        if (!bluez::dictArgument(call, 0))
            return fail(call, {}, kInvalidArgs, QStringLiteral("Type of message does not match \"(a{sv})\""));
        if (has(NmScenario::PermissionDenied))
            return fail(
                call, {}, nm::error::PermissionDenied, QStringLiteral("Not authorized to request a scan."));
        if (!m_wirelessEnabled || iface.state < nm::DeviceDisconnected)
            return fail(call, {}, nm::error::DeviceNotAllowed,
                QStringLiteral("Scanning not allowed while unavailable"));
        reply(call, {});
        QTimer::singleShot(m_settings.scanDelayMs, this, [this, index = iface.index] {
            Interface &dev = *m_interfaces[index];
            if (!m_wirelessEnabled)
                return;
            for (int i = 0; i < int(m_softAps.size()); ++i) {
                if (m_softAps[i]->present)
                    addAccessPoint(dev, m_softAps[i]->config.ssid, m_softAps[i]->config.bssid,
                        !m_softAps[i]->config.password.isEmpty(), m_softAps[i]->frequency,
                        m_softAps[i]->config.strength);
            }
            addAccessPoint(dev, kHomeSsid, QStringLiteral("02:1A:2B:3C:4D:02"), true, 2412, 72);
            m_tree->set(dev.path, nm::kWireless, QStringLiteral("LastScan"), bootTimeMs());
            m_journal.event(QStringLiteral("scan-done"), dev.path, dev.name);
        });
        return;
    }
    fail(call, {}, kUnknownMethod, QStringLiteral("No such method '%1'").arg(member));
}

void FakeNetworkManager::handleSettings(const QDBusMessage &call)
{
    const QString member = call.member();
    if (member == QLatin1String("ListConnections")) {
        QStringList paths;
        for (const auto &c : m_connections)
            paths << c->path;
        return reply(call, {}, { pathList(paths) });
    }
    if (member == QLatin1String("GetConnectionByUuid")) {
        const QString uuid = call.arguments().value(0).toString();
        for (const auto &c : m_connections) {
            if (c->uuid == uuid)
                return reply(call, uuid, { objectPath(c->path) });
        }
        return fail(call, uuid, QStringLiteral("org.freedesktop.NetworkManager.Settings.InvalidConnection"),
            QStringLiteral("No connection with the UUID was found."));
    }
    fail(call, {}, kUnknownMethod, QStringLiteral("No such method '%1'").arg(member));
}

void FakeNetworkManager::handleConnection(const QDBusMessage &call, SavedConnection &connection)
{
    const QString member = call.member();
    if (member == QLatin1String("GetSettings"))
        return reply(
            call, connection.id, { QVariant::fromValue(connection.settings) }); // secrets never stored here
    if (member == QLatin1String("Delete")) {
        if (has(NmScenario::PermissionDenied))
            return fail(call, connection.id, nm::error::PermissionDenied, kNotAuthorized);
        const QString path = connection.path;
        reply(call, connection.id);
        for (const auto &iface : m_interfaces) {
            for (const auto &a : m_active) {
                if (a->path == iface->activePath && a->connectionPath == path) {
                    ++iface->generation;
                    setActiveState(*a, nm::ActiveDeactivating, nm::ActiveReasonConnectionRemoved);
                    setDeviceState(*iface, nm::DeviceDeactivating, nm::DeviceReasonConnectionRemoved);
                    dropActive(*iface, nm::ActiveReasonConnectionRemoved);
                    setDeviceState(*iface, nm::DeviceDisconnected, nm::DeviceReasonConnectionRemoved);
                    break;
                }
            }
        }
        return deleteConnection(path);
    }
    fail(call, connection.id, kUnknownMethod, QStringLiteral("No such method '%1'").arg(member));
}

void FakeNetworkManager::handleControl(const QDBusMessage &call)
{
    // Control calls are not journalled: the journal records what the client under test does.
    const QString member = call.member();
    const QString ssid = call.arguments().value(0).toString();
    if (member == QLatin1String("Journal"))
        return send(call.createReply(QVariantList { m_journal.entries() }));
    if (member == QLatin1String("ClearJournal")) {
        m_journal.clear();
        return send(call.createReply());
    }
    if (member == QLatin1String("State"))
        return send(call.createReply(QVariantList { stateJson() }));
    if (member == QLatin1String("RemoveAccessPoint") || member == QLatin1String("RestoreAccessPoint")) {
        const bool remove = member == QLatin1String("RemoveAccessPoint");
        for (int i = 0; i < int(m_softAps.size()); ++i) {
            if (m_softAps[i]->config.ssid != ssid)
                continue;
            if (remove) {
                vanish(i, false);
            } else {
                m_softAps[i]->present = true;
                addSoftApToInterfaces(i);
            }
            return send(call.createReply());
        }
        return send(call.createErrorReply(kControlError, QStringLiteral("no SoftAP device '%1'").arg(ssid)));
    }
    send(call.createErrorReply(
        kUnknownMethod, QStringLiteral("No method %1 on %2").arg(member, nm::kControl)));
}
