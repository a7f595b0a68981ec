// SPDX-License-Identifier: Apache-2.0
// The SoftAP side of NetworkManager: scanning for PROV_ access points and joining one with a volatile
// connection (docs/softap-join.md). Every D-Bus call is asynchronous; state lives in the Private structs.
#include "prov/softap.h"

#include "core/logging.h"
#include "wifi/nmdbus.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>
#include <QUuid>

#include <cctype>

namespace prov {

using namespace prov::nm;

// ---- values

QString apSecurityName(ApSecurity security)
{
    switch (security) {
    case ApSecurity::Open:
        return QStringLiteral("open");
    case ApSecurity::Wep:
        return QStringLiteral("wep");
    case ApSecurity::Wpa:
        return QStringLiteral("wpa");
    case ApSecurity::Wpa2:
        return QStringLiteral("wpa2");
    case ApSecurity::Wpa3:
        return QStringLiteral("wpa3");
    case ApSecurity::Enterprise:
        return QStringLiteral("enterprise");
    case ApSecurity::Owe:
        return QStringLiteral("owe");
    }
    return QString::number(int(security));
}

QString apSecurityDisplayName(ApSecurity security)
{
    switch (security) {
    case ApSecurity::Open:
        return QStringLiteral("Open");
    case ApSecurity::Wep:
        return QStringLiteral("WEP");
    case ApSecurity::Wpa:
        return QStringLiteral("WPA");
    case ApSecurity::Wpa2:
        return QStringLiteral("WPA2");
    case ApSecurity::Wpa3:
        return QStringLiteral("WPA3");
    case ApSecurity::Enterprise:
        return QStringLiteral("802.1X");
    case ApSecurity::Owe:
        return QStringLiteral("OWE");
    }
    return QString::number(int(security));
}

ApSecurity apSecurityFromFlags(quint32 flags, quint32 wpaFlags, quint32 rsnFlags)
{
    const quint32 all = wpaFlags | rsnFlags;
    if (all & kKeyMgmt8021x)
        return ApSecurity::Enterprise;
    if (rsnFlags & kKeyMgmtSae)
        return ApSecurity::Wpa3;
    if (rsnFlags & kKeyMgmtPsk)
        return ApSecurity::Wpa2;
    if (wpaFlags & kKeyMgmtPsk)
        return ApSecurity::Wpa;
    if (all & kKeyMgmtOwe)
        return ApSecurity::Owe;
    if (flags & kApFlagPrivacy)
        return ApSecurity::Wep;
    return ApSecurity::Open;
}

bool isValidWpaPsk(const QByteArray &password)
{
    if (password.size() >= 8 && password.size() <= 63)
        return true;
    return password.size() == 64 && std::all_of(password.cbegin(), password.cend(), [](char c) {
        return std::isxdigit(uchar(c)) != 0;
    });
}

int wifiChannelForFrequency(int mhz)
{
    if (mhz == 2484)
        return 14;
    if (mhz >= 2412 && mhz <= 2472 && (mhz - 2407) % 5 == 0)
        return (mhz - 2407) / 5;
    if (mhz >= 5955 && mhz <= 7115 && (mhz - 5950) % 5 == 0)
        return (mhz - 5950) / 5;
    if (mhz >= 5000 && mhz <= 5900 && (mhz - 5000) % 5 == 0)
        return (mhz - 5000) / 5;
    return 0;
}

namespace {

/// An access point's properties (AccessPoint GetAll / PropertiesChanged) into `ap`.
void applyApProperties(SoftApInfo &ap, const QVariantMap &p)
{
    if (p.contains(QStringLiteral("Ssid"))) {
        ap.ssidBytes = p.value(QStringLiteral("Ssid")).toByteArray();
        ap.ssid = QString::fromUtf8(ap.ssidBytes);
    }
    if (p.contains(QStringLiteral("HwAddress")))
        ap.bssid = p.value(QStringLiteral("HwAddress")).toString().toUpper();
    if (p.contains(QStringLiteral("Frequency"))) {
        ap.frequencyMhz = int(p.value(QStringLiteral("Frequency")).toUInt());
        ap.channel = wifiChannelForFrequency(ap.frequencyMhz);
    }
    if (p.contains(QStringLiteral("Strength")))
        ap.strengthPercent = std::clamp(int(p.value(QStringLiteral("Strength")).toUInt()), 0, 100);
    // Missing flags count as 0; PropertiesChanged callers pass every flag (merged with what they knew).
    if (p.contains(QStringLiteral("Flags")) || p.contains(QStringLiteral("WpaFlags"))
        || p.contains(QStringLiteral("RsnFlags"))) {
        ap.security = apSecurityFromFlags(p.value(QStringLiteral("Flags")).toUInt(),
            p.value(QStringLiteral("WpaFlags")).toUInt(), p.value(QStringLiteral("RsnFlags")).toUInt());
    }
}

/// The AccessPoint security flags (Flags, WpaFlags, RsnFlags) of `properties`, each taken from `known`
/// when `properties` lacks it (a PropertiesChanged carries only what changed).
QVariantMap securityFlags(const QVariantMap &properties, const QVariantMap &known)
{
    QVariantMap flags;
    for (const QString &key :
        { QStringLiteral("Flags"), QStringLiteral("WpaFlags"), QStringLiteral("RsnFlags") })
        flags.insert(key, properties.contains(key) ? properties.value(key) : known.value(key));
    return flags;
}

/// The Wi-Fi interfaces NetworkManager has (Device.DeviceType 2) named `name` ("" = every one), sorted by
/// name, once Wi-Fi is known to be on (WirelessEnabled and WirelessHardwareEnabled). `done` always runs
/// (on `context`'s thread); callers drop a stale answer themselves. Each D-Bus call waits at most
/// `timeoutMs` (-1: QtDBus's default). Errors: WifiDisabled, NoWifiInterface (none, or none named
/// `name`), errorFromReply()'s (Unavailable when NetworkManager is not running, ...).
void findWifiInterfaces(const QDBusConnection &bus, const QString &name, QObject *context, int timeoutMs,
    std::function<void(const Result<QList<WifiInterfaceInfo>> &)> done)
{
    getAll(
        bus, kPath, kManager, context,
        [bus, name, context, timeoutMs, done](const Result<QVariantMap> &manager) {
            if (!manager)
                return done(manager.error());
            const bool enabled = manager->value(QStringLiteral("WirelessEnabled"), true).toBool();
            const bool hardware = manager->value(QStringLiteral("WirelessHardwareEnabled"), true).toBool();
            if (!enabled || !hardware) {
                return done(makeError(ErrorCode::WifiDisabled,
                    hardware
                        ? QStringLiteral("Wi-Fi is switched off in NetworkManager (WirelessEnabled is false)")
                        : QStringLiteral("Wi-Fi is switched off by a hardware switch or rfkill")));
            }
            call(
                bus, method(kPath, kManager, QStringLiteral("GetDevices")), context,
                [bus, name, context, timeoutMs, done](const QDBusMessage &r) {
                    if (r.type() != QDBusMessage::ReplyMessage || r.arguments().isEmpty())
                        return done(errorFromReply(r, QStringLiteral("list the network devices")));
                    const QStringList paths = objectPaths(r.arguments().constFirst());
                    auto remaining = std::make_shared<int>(int(paths.size()));
                    auto found = std::make_shared<QList<WifiInterfaceInfo>>();
                    auto finish = [name, done, found] {
                        if (found->isEmpty()) {
                            return done(makeError(ErrorCode::NoWifiInterface,
                                name.isEmpty()
                                    ? QStringLiteral("NetworkManager has no Wi-Fi interface")
                                    : QStringLiteral("NetworkManager has no Wi-Fi interface named %1")
                                          .arg(name)));
                        }
                        std::sort(found->begin(), found->end(),
                            [](const WifiInterfaceInfo &a, const WifiInterfaceInfo &b) {
                                return a.name < b.name;
                            });
                        done(*found);
                    };
                    if (paths.isEmpty())
                        return finish();
                    for (const QString &path : paths) {
                        getAll(
                            bus, path, kDevice, context,
                            [path, name, remaining, found, finish](const Result<QVariantMap> &p) {
                                if (p && p->value(QStringLiteral("DeviceType")).toUInt() == kDeviceTypeWifi) {
                                    WifiInterfaceInfo info;
                                    info.name = p->value(QStringLiteral("Interface")).toString();
                                    info.path = path;
                                    info.state = int(p->value(QStringLiteral("State")).toUInt());
                                    if (name.isEmpty() || name == info.name)
                                        found->append(info);
                                }
                                if (--*remaining == 0)
                                    finish();
                            },
                            timeoutMs);
                    }
                },
                timeoutMs);
        },
        timeoutMs);
}

} // namespace

// ---- SoftApScanner

struct SoftApScanner::Private
{
    SoftApScanner *q;
    QDBusConnection bus;
    nm::SignalRelay *relay = nullptr;
    quint64 generation = 0;
    QList<WifiInterfaceInfo> interfaces;
    QHash<QString, QString> interfaceOfDevice; ///< device path → interface name
    QHash<QString, SoftApInfo> accessPoints; ///< AP path → info (every AP, matching or not)
    QHash<QString, QVariantMap> apFlags; ///< AP path → Flags/WpaFlags/RsnFlags as last read
    QSet<QString> scanning; ///< device paths whose RequestScan has not ended
    QTimer scanTimer;
    bool finished = true;

    explicit Private(SoftApScanner *owner, QDBusConnection b)
        : q(owner)
        , bus(std::move(b))
    {
        scanTimer.setSingleShot(true);
    }

    void fail(const Error &error)
    {
        qCInfo(lcProvWifi).noquote() << "Wi-Fi scan:" << error.toString();
        Q_EMIT q->errorOccurred(error);
    }

    void finish()
    {
        if (finished)
            return;
        finished = true;
        scanTimer.stop();
        Q_EMIT q->scanFinished();
    }

    void failAndFinish(const Error &error)
    {
        fail(error);
        finish();
    }

    void start();
    void startInterfaces(quint64 gen);
    void readAccessPoint(const QString &devicePath, const QString &apPath, quint64 gen);
    void dropAccessPoint(const QString &apPath);
    void follow();
};

SoftApScanner::SoftApScanner(QDBusConnection bus, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(bus)))
{
    qRegisterMetaType<prov::SoftApInfo>();
    qRegisterMetaType<prov::WifiInterfaceInfo>();
    connect(&d->scanTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcProvWifi) << "Wi-Fi scan: not every interface reported its scan within" << m_scanTimeoutMs
                           << "ms";
        d->finish();
    });
}

SoftApScanner::~SoftApScanner() = default;

void SoftApScanner::setSsidPatterns(const QStringList &patterns)
{
    m_patterns = patterns;
}

void SoftApScanner::setInterfaceName(const QString &name)
{
    m_interfaceName = name;
}

bool SoftApScanner::matches(const QString &ssid) const
{
    if (m_patterns.isEmpty())
        return true;
    for (const QString &pattern : m_patterns) {
        if (pattern.size() >= 2 && pattern.startsWith(QLatin1Char('/'))
            && pattern.endsWith(QLatin1Char('/'))) {
            const QRegularExpression re(
                QRegularExpression::anchoredPattern(pattern.mid(1, pattern.size() - 2)));
            if (re.isValid() && re.match(ssid).hasMatch())
                return true;
        } else if (ssid.startsWith(pattern)) {
            return true;
        }
    }
    return false;
}

QList<WifiInterfaceInfo> SoftApScanner::interfaces() const
{
    return d->interfaces;
}

QList<SoftApInfo> SoftApScanner::accessPoints() const
{
    QList<SoftApInfo> out;
    for (const SoftApInfo &ap : std::as_const(d->accessPoints)) {
        if (matches(ap.ssid))
            out.append(ap);
    }
    std::sort(out.begin(), out.end(), [](const SoftApInfo &a, const SoftApInfo &b) {
        return std::tie(a.interfaceName, a.bssid) < std::tie(b.interfaceName, b.bssid);
    });
    return out;
}

void SoftApScanner::start()
{
    stop();
    m_active = true;
    d->start();
}

void SoftApScanner::stop()
{
    if (!m_active)
        return;
    m_active = false;
    ++d->generation;
    if (d->relay)
        d->relay->deleteLater();
    d->relay = nullptr;
    d->scanTimer.stop();
    d->scanning.clear();
    d->finished = true;
}

void SoftApScanner::Private::start()
{
    nm::registerTypes();
    const quint64 gen = ++generation;
    finished = false;
    interfaces.clear();
    interfaceOfDevice.clear();
    accessPoints.clear();
    apFlags.clear();
    scanning.clear();
    follow();
    findWifiInterfaces(
        bus, q->m_interfaceName, q, -1, [this, gen](const Result<QList<WifiInterfaceInfo>> &found) {
            if (gen != generation)
                return;
            if (!found)
                return failAndFinish(found.error());
            interfaces = *found;
            for (const WifiInterfaceInfo &i : std::as_const(interfaces))
                interfaceOfDevice.insert(i.path, i.name);
            startInterfaces(gen);
        });
}

void SoftApScanner::Private::startInterfaces(quint64 gen)
{
    const bool allUnavailable = std::all_of(interfaces.cbegin(), interfaces.cend(),
        [](const WifiInterfaceInfo &i) { return i.state <= int(DeviceUnavailable); });
    Q_EMIT q->interfacesChanged();
    if (allUnavailable) {
        return failAndFinish(makeError(ErrorCode::WifiDisabled,
            QStringLiteral("every Wi-Fi interface is unavailable (switched off, rfkill or no firmware)")));
    }
    scanTimer.start(std::max(1, q->m_scanTimeoutMs));
    for (WifiInterfaceInfo &wifi : interfaces) {
        const QString path = wifi.path;
        getAll(bus, path, kWireless, q, [this, gen, path](const Result<QVariantMap> &p) {
            if (gen != generation || !p)
                return;
            for (WifiInterfaceInfo &i : interfaces) {
                if (i.path == path)
                    i.hwAddress = p->value(QStringLiteral("HwAddress")).toString().toUpper();
            }
            const QStringList aps = objectPaths(p->value(QStringLiteral("AccessPoints")));
            for (const QString &ap : aps)
                readAccessPoint(path, ap, gen);
        });
        scanning.insert(path);
        call(bus,
            method(path, kWireless, QStringLiteral("RequestScan"), { QVariant::fromValue(QVariantMap()) }), q,
            [this, gen, path, name = wifi.name](const QDBusMessage &r) {
                if (gen != generation)
                    return;
                if (r.type() == QDBusMessage::ReplyMessage)
                    return; // the scan ends with LastScan changing
                scanning.remove(path);
                if (r.errorName() == QLatin1String("org.freedesktop.NetworkManager.Device.NotAllowed")) {
                    // NetworkManager refuses a scan while the interface is busy (activating, e.g. a lane
                    // joining a SoftAP) or unavailable: what it already knows is still reported.
                    qCInfo(lcProvWifi).noquote() << "no fresh scan on" << name << ":" << r.errorMessage();
                } else {
                    fail(errorFromReply(r, QStringLiteral("scan on %1").arg(name)));
                }
                if (scanning.isEmpty())
                    finish();
            });
    }
}

void SoftApScanner::Private::readAccessPoint(const QString &devicePath, const QString &apPath, quint64 gen)
{
    getAll(bus, apPath, kAccessPoint, q, [this, gen, devicePath, apPath](const Result<QVariantMap> &p) {
        if (gen != generation || !p || !interfaceOfDevice.contains(devicePath))
            return;
        SoftApInfo ap;
        ap.path = apPath;
        ap.interfaceName = interfaceOfDevice.value(devicePath);
        applyApProperties(ap, *p);
        apFlags.insert(apPath, securityFlags(*p, {}));
        const bool known = accessPoints.contains(apPath);
        if (known && accessPoints.value(apPath) == ap)
            return;
        accessPoints.insert(apPath, ap);
        if (q->matches(ap.ssid))
            Q_EMIT q->accessPointSeen(ap);
    });
}

void SoftApScanner::Private::dropAccessPoint(const QString &apPath)
{
    const auto it = accessPoints.find(apPath);
    if (it == accessPoints.end())
        return;
    const SoftApInfo ap = *it;
    accessPoints.erase(it);
    apFlags.remove(apPath);
    if (q->matches(ap.ssid))
        Q_EMIT q->accessPointLost(ap);
}

void SoftApScanner::Private::follow()
{
    if (relay)
        relay->deleteLater();
    relay = new nm::SignalRelay(bus, q);
    const quint64 gen = generation;
    relay->follow(kWireless, QStringLiteral("AccessPointAdded"), [this, gen](const QDBusMessage &m) {
        if (gen == generation && !m.arguments().isEmpty() && interfaceOfDevice.contains(m.path()))
            readAccessPoint(m.path(), objectPath(m.arguments().constFirst()), gen);
    });
    relay->follow(kWireless, QStringLiteral("AccessPointRemoved"), [this, gen](const QDBusMessage &m) {
        if (gen == generation && !m.arguments().isEmpty())
            dropAccessPoint(objectPath(m.arguments().constFirst()));
    });
    relay->follow(kProperties, QStringLiteral("PropertiesChanged"), [this, gen](const QDBusMessage &m) {
        if (gen != generation || m.arguments().size() < 2)
            return;
        const QString interface = m.arguments().at(0).toString();
        const QVariantMap changed = variantMap(m.arguments().at(1));
        if (interface == kAccessPoint) {
            const auto it = accessPoints.find(m.path());
            if (it == accessPoints.end())
                return;
            const QVariantMap flags = securityFlags(changed, apFlags.value(m.path()));
            apFlags.insert(m.path(), flags);
            QVariantMap all = changed; // what changed, with every flag (the security needs all three)
            all.insert(flags);
            SoftApInfo ap = *it;
            applyApProperties(ap, all);
            if (ap == *it)
                return;
            *it = ap;
            if (q->matches(ap.ssid))
                Q_EMIT q->accessPointSeen(ap);
        } else if (interface == kWireless && changed.contains(QStringLiteral("LastScan"))) {
            if (scanning.remove(m.path()) && scanning.isEmpty())
                finish();
        } else if (interface == kDevice && changed.contains(QStringLiteral("State"))) {
            for (WifiInterfaceInfo &i : interfaces) {
                if (i.path == m.path()) {
                    i.state = int(changed.value(QStringLiteral("State")).toUInt());
                    Q_EMIT q->interfacesChanged();
                }
            }
        }
    });
}

// ---- SoftApLink

namespace {

/// Which SoftApLink of this process holds a Wi-Fi interface (device path): one join per interface.
QHash<QString, const SoftApLink *> &interfaceHolders()
{
    static QHash<QString, const SoftApLink *> holders;
    return holders;
}

constexpr int kLeaveTimeoutMs = SoftApLink::kLeaveTimeoutMs; ///< SoftApLink::leave()'s promise, in ms
constexpr int kLeaveStepMs = 3000;
constexpr int kLinkCheckCallMs = 1000;
/// need-auth this soon after activation, before any IP configuration, means our password was refused;
/// later it is more likely an association that took too long (NetworkManager asks for secrets then too).
constexpr qint64 kNeedAuthIsPasswordMs = 15000; ///< checkLinkUp()'s one D-Bus call, in ms ///< each of
                                                ///< leave's three D-Bus calls, in ms
constexpr int kHolderPollMs = 50;

} // namespace

struct SoftApLink::Private
{
    enum class Phase { Idle, Joining, Joined, Lost, Leaving };

    SoftApLink *q;
    QDBusConnection bus;
    Phase phase = Phase::Idle;
    quint64 generation = 0;
    SoftApJoinRequest request;
    QDeadlineTimer deadline;
    QTimer deadlineTimer;
    std::optional<Promise<SoftApJoinResult>> joining;
    nm::SignalRelay *relay = nullptr;

    QString interfaceName;
    QString devicePath;
    bool holding = false; ///< this link holds devicePath in interfaceHolders()
    QString apPath;
    ApSecurity apSecurity = ApSecurity::Open;
    /// 802-11-wireless-security.key-mgmt for the chosen access point: "wpa-psk" when it offers PSK (also
    /// WPA2/WPA3 transition), "sae" when SAE only, "" open.
    QString keyMgmt;
    QString previousConnection; ///< settings path of what was active before, "" none
    QString previousId;
    QString settingsPath; ///< our volatile connection
    QString activePath; ///< our active connection
    uint deviceState = 0;
    uint deviceReason = 0;
    std::optional<SoftApJoinResult> result;
    bool ipPending = false;
    /// AddAndActivateConnection2 was sent since the interface was taken: leaving restores the previous
    /// connection.
    bool changedInterface = false;
    /// What leaving still owes NetworkManager, for the destructor when the link goes mid-leave.
    QString owedDeactivate; ///< our active connection, until DeactivateConnection was sent
    bool owedRestore = false; ///< ActivateConnection(previousConnection) not sent yet
    bool addInFlight = false; ///< AddAndActivateConnection2 sent, not answered
    uint highestDeviceState = 0; ///< the furthest device state this join reached
    bool sawFailed = false; ///< the device reported "failed" during this join
    QElapsedTimer activationClock; ///< since AddAndActivateConnection2

    Private(SoftApLink *owner, QDBusConnection b)
        : q(owner)
        , bus(std::move(b))
    {
        deadlineTimer.setSingleShot(true);
    }

    QString ssidText() const { return QString::fromUtf8(request.ssid); }
    /// What is left of the join timeout for one D-Bus call, in ms (at least 1).
    int remainingMs() const { return int(std::max<qint64>(1, deadline.remainingTime())); }

    void release()
    {
        if (holding && interfaceHolders().value(devicePath) == q)
            interfaceHolders().remove(devicePath);
        holding = false;
    }

    void progress(const QString &text) { Q_EMIT q->progress(text); }

    // join steps
    void begin(quint64 gen);
    void acquire(quint64 gen);
    void findAccessPoint(quint64 gen, bool scanned);
    void activate(quint64 gen);
    void followActivation();
    void checkActive(quint64 gen);
    void markLost();
    void joinFailed(const Error &error);
    void joinSucceeded(const SoftApJoinResult &r);
    void onDeadline();
    Error activationError(uint activeReason) const;
    /// The IPv4 configuration's address and the device's: IP4Config.Gateway, or (NetworkManager >= 1.32
    /// takes Gateway from the default route, which never-default leaves out) the lease's "routers".
    void readLease(quint64 gen, const QString &ip4Path, const QString &dhcp4Path);

    // leave steps
    void leaveNow(std::function<void(Result<void>)> done);
};

SoftApLink::SoftApLink(QDBusConnection bus, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(bus)))
{
    nm::registerTypes();
    connect(&d->deadlineTimer, &QTimer::timeout, this, [this] { d->onDeadline(); });
}

SoftApLink::~SoftApLink()
{
    ++d->generation;
    if (d->relay)
        d->relay->deleteLater();
    if (d->joining)
        d->joining->finish(makeError(ErrorCode::Cancelled, QStringLiteral("the SoftAP link was destroyed")));
    // Nothing can wait here: send what is still owed; the calls go out in order and NetworkManager does
    // them in order.
    if (d->holding && d->changedInterface) {
        d->owedDeactivate = d->activePath;
        d->owedRestore = true;
    }
    if (!d->owedDeactivate.isEmpty() && d->owedDeactivate != QLatin1String("/"))
        d->bus.send(method(kPath, kManager, QStringLiteral("DeactivateConnection"),
            { QVariant::fromValue(QDBusObjectPath(d->owedDeactivate)) }));
    if (d->owedRestore && !d->previousConnection.isEmpty())
        d->bus.send(method(kPath, kManager, QStringLiteral("ActivateConnection"),
            { QVariant::fromValue(QDBusObjectPath(d->previousConnection)),
                QVariant::fromValue(QDBusObjectPath(d->devicePath)),
                QVariant::fromValue(QDBusObjectPath(QStringLiteral("/"))) }));
    d->release();
}

bool SoftApLink::holdsInterface() const
{
    return d->holding;
}

void SoftApLink::checkLinkUp(std::function<void(bool up)> done)
{
    if (d->phase != Private::Phase::Joined || d->activePath.isEmpty()) {
        QTimer::singleShot(0, this, [done] { done(false); });
        return;
    }
    const quint64 gen = d->generation;
    getAll(
        d->bus, d->activePath, kActive, this,
        [this, gen, done](const Result<QVariantMap> &a) {
            if (gen != d->generation || d->phase != Private::Phase::Joined)
                return; // left or lost meanwhile: whoever asked has heard of it
            if (!a && a.error().code == ErrorCode::Unavailable)
                return done(true); // no answer: unknown, not a loss (the connection stays ours to take down)
            const bool up = a && a->value(QStringLiteral("State")).toUInt() == ActiveActivated;
            if (!up)
                d->markLost(); // NetworkManager knows before its signal reached us
            done(up);
        },
        kLinkCheckCallMs);
}

int SoftApLink::interfacesHeld()
{
    return int(interfaceHolders().size());
}

bool SoftApLink::waitForInterfacesReleased(int timeoutMs)
{
    if (interfacesHeld() == 0)
        return true;
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&loop] {
        if (interfacesHeld() == 0)
            loop.quit();
    });
    poll.start(kHolderPollMs);
    QTimer::singleShot(std::max(0, timeoutMs), &loop, &QEventLoop::quit);
    loop.exec();
    return interfacesHeld() == 0;
}

bool SoftApLink::isJoined() const
{
    return d->phase == Private::Phase::Joined;
}

std::optional<SoftApJoinResult> SoftApLink::joined() const
{
    return isJoined() ? d->result : std::nullopt;
}

QString SoftApLink::previousConnectionId() const
{
    return d->previousId;
}

Pending<SoftApJoinResult> *SoftApLink::join(const SoftApJoinRequest &request)
{
    Promise<SoftApJoinResult> promise(this);
    if (request.ssid.isEmpty() || request.ssid.size() > 32) {
        promise.finishLater(makeError(ErrorCode::InvalidArgument,
            QStringLiteral("a SoftAP SSID has 1..32 bytes, got %1").arg(request.ssid.size())));
        return promise.pending();
    }
    if (d->phase == Private::Phase::Joining || d->phase == Private::Phase::Joined
        || d->phase == Private::Phase::Leaving) {
        promise.finishLater(makeError(ErrorCode::InvalidArgument,
            QStringLiteral("this SoftAP link is busy (joining, joined or leaving); leave() first")));
        return promise.pending();
    }
    d->request = request;
    d->phase = Private::Phase::Joining;
    d->joining = promise;
    d->result.reset();
    d->deadline = QDeadlineTimer(std::max(1, request.joinTimeoutMs));
    d->deadlineTimer.start(std::max(1, request.joinTimeoutMs));
    const quint64 gen = ++d->generation;
    QTimer::singleShot(0, this, [this, gen] {
        if (gen == d->generation)
            d->begin(gen);
    });
    return promise.pending();
}

void SoftApLink::Private::begin(quint64 gen)
{
    findWifiInterfaces(bus, request.interfaceName, q, remainingMs(),
        [this, gen](const Result<QList<WifiInterfaceInfo>> &found) {
            if (gen != generation)
                return;
            if (!found)
                return joinFailed(found.error());
            const WifiInterfaceInfo &chosen = found->constFirst();
            if (holding && chosen.path != devicePath)
                release(); // a re-join found another device (re-plugged): let the old one go
            devicePath = chosen.path;
            interfaceName = chosen.name;
            deviceState = uint(chosen.state);
            if (deviceState <= DeviceUnavailable) {
                return joinFailed(makeError(ErrorCode::WifiDisabled,
                    QStringLiteral("%1 is unavailable (switched off, rfkill or no firmware)")
                        .arg(interfaceName)));
            }
            acquire(gen);
        });
}

void SoftApLink::Private::acquire(quint64 gen)
{
    const SoftApLink *holder = interfaceHolders().value(devicePath);
    if (holder && holder != q) {
        // Another device of this process is on (or leaving) the interface: wait for it.
        QTimer::singleShot(kHolderPollMs, q, [this, gen] {
            if (gen == generation)
                acquire(gen);
        });
        return;
    }
    interfaceHolders().insert(devicePath, q);
    holding = true;
    // Remember what is active on the interface now, to bring it back.
    getAll(bus, devicePath, kDevice, q, [this, gen](const Result<QVariantMap> &dev) {
        if (gen != generation)
            return;
        const QString active = dev ? objectPath(dev->value(QStringLiteral("ActiveConnection"))) : QString();
        if (active.isEmpty() || active == QLatin1String("/")) {
            if (!changedInterface) { // a re-join after a lost link keeps what was there before the first
                previousConnection.clear();
                previousId.clear();
            }
            return findAccessPoint(gen, false);
        }
        getAll(bus, active, kActive, q, [this, gen](const Result<QVariantMap> &a) {
            if (gen != generation)
                return;
            if (a && !changedInterface) {
                previousConnection = objectPath(a->value(QStringLiteral("Connection")));
                previousId = a->value(QStringLiteral("Id")).toString();
                if (previousConnection == QLatin1String("/"))
                    previousConnection.clear();
            }
            findAccessPoint(gen, false);
        });
    });
}

void SoftApLink::Private::findAccessPoint(quint64 gen, bool scanned)
{
    call(bus, method(devicePath, kWireless, QStringLiteral("GetAccessPoints")), q,
        [this, gen, scanned](const QDBusMessage &r) {
            if (gen != generation)
                return;
            if (r.type() != QDBusMessage::ReplyMessage || r.arguments().isEmpty())
                return joinFailed(
                    errorFromReply(r, QStringLiteral("list the access points of %1").arg(interfaceName)));
            const QStringList aps = objectPaths(r.arguments().constFirst());
            auto remaining = std::make_shared<int>(int(aps.size()));
            auto matches = std::make_shared<QList<SoftApInfo>>();
            auto keyMgmts = std::make_shared<QHash<QString, QString>>(); // AP path → key-mgmt to ask for
            auto decide = [this, gen, scanned, matches, keyMgmts] {
                const auto exact = std::find_if(
                    matches->cbegin(), matches->cend(), [this](const SoftApInfo &ap) {
                        return ap.bssid.compare(request.bssid, Qt::CaseInsensitive) == 0;
                    });
                const SoftApInfo *chosen = exact != matches->cend() ? &*exact : nullptr;
                if (!chosen && !matches->isEmpty()) {
                    chosen = &*std::max_element(
                        matches->cbegin(), matches->cend(), [](const SoftApInfo &a, const SoftApInfo &b) {
                            return a.strengthPercent < b.strengthPercent;
                        });
                }
                if (chosen) {
                    apPath = chosen->path;
                    apSecurity = chosen->security;
                    keyMgmt = keyMgmts->value(chosen->path);
                    return activate(gen);
                }
                if (scanned) {
                    return joinFailed(makeError(ErrorCode::AccessPointNotFound,
                        QStringLiteral("%1 does not see an access point named %2")
                            .arg(interfaceName, ssidText())));
                }
                // Not in the list yet: one fresh scan, then look again.
                progress(QStringLiteral("Scanning for %1 on %2…").arg(ssidText(), interfaceName));
                call(bus,
                    method(devicePath, kWireless, QStringLiteral("RequestScan"),
                        { QVariant::fromValue(QVariantMap()) }),
                    q, [this, gen](const QDBusMessage &reply) {
                        if (gen != generation)
                            return;
                        if (reply.type() != QDBusMessage::ReplyMessage) {
                            const Error e = errorFromReply(
                                reply, QStringLiteral("scan on %1").arg(interfaceName));
                            if (e.code == ErrorCode::PermissionDenied || e.code == ErrorCode::Unavailable)
                                return joinFailed(e);
                        }
                        const int waitMs = int(
                            std::min<qint64>(3000, std::max<qint64>(0, deadline.remainingTime())));
                        QTimer::singleShot(waitMs, q, [this, gen] {
                            if (gen == generation)
                                findAccessPoint(gen, true);
                        });
                    });
            };
            if (aps.isEmpty())
                return decide();
            for (const QString &ap : aps) {
                getAll(bus, ap, kAccessPoint, q,
                    [this, gen, ap, remaining, matches, keyMgmts, decide](const Result<QVariantMap> &p) {
                        if (gen != generation)
                            return;
                        if (p) {
                            SoftApInfo info;
                            info.path = ap;
                            info.interfaceName = interfaceName;
                            applyApProperties(info, *p);
                            if (info.ssidBytes == request.ssid) {
                                matches->append(info);
                                // PSK whenever offered (a WPA2/WPA3 transition AP too: not every
                                // station can do SAE); SAE only for a WPA3-only AP.
                                const uint keys = p->value(QStringLiteral("RsnFlags")).toUInt()
                                    | p->value(QStringLiteral("WpaFlags")).toUInt();
                                keyMgmts->insert(ap,
                                    (keys & kKeyMgmtPsk)       ? QStringLiteral("wpa-psk")
                                        : (keys & kKeyMgmtSae) ? QStringLiteral("sae")
                                                               : QString());
                            }
                        }
                        if (--*remaining == 0)
                            decide();
                    });
            }
        });
}

void SoftApLink::Private::activate(quint64 gen)
{
    if (apSecurity == ApSecurity::Wep || apSecurity == ApSecurity::Enterprise) {
        return joinFailed(makeError(ErrorCode::SoftApAuthFailed,
            QStringLiteral("%1 uses %2, which no provisioning SoftAP uses: not joined")
                .arg(ssidText(), apSecurityDisplayName(apSecurity))));
    }
    if (!keyMgmt.isEmpty() && request.password.isEmpty()) {
        return joinFailed(makeError(ErrorCode::SoftApAuthFailed,
            QStringLiteral(
                "%1 is %2-protected and no SoftAP password was given (QR \"password\" or the profile)")
                .arg(ssidText(), apSecurityDisplayName(apSecurity))));
    }
    progress(QStringLiteral("Joining %1 on %2…").arg(ssidText(), interfaceName));
    ConnectionSettings settings;
    settings.insert(QStringLiteral("connection"),
        QVariantMap { { QStringLiteral("id"), QStringLiteral("prov %1").arg(ssidText()) },
            { QStringLiteral("uuid"), QUuid::createUuid().toString(QUuid::WithoutBraces) },
            { QStringLiteral("type"), QStringLiteral("802-11-wireless") },
            { QStringLiteral("autoconnect"), false }, { QStringLiteral("interface-name"), interfaceName } });
    settings.insert(QStringLiteral("802-11-wireless"),
        QVariantMap { { QStringLiteral("ssid"), request.ssid },
            { QStringLiteral("mode"), QStringLiteral("infrastructure") } });
    if (!keyMgmt.isEmpty()) {
        settings.insert(QStringLiteral("802-11-wireless-security"),
            QVariantMap { { QStringLiteral("key-mgmt"), keyMgmt },
                { QStringLiteral("psk"), QString::fromUtf8(request.password) } });
    }
    // The SoftAP never becomes the default route and never gives the station its DNS server (the
    // device's DHCP offers itself): the station's own network keeps both.
    settings.insert(QStringLiteral("ipv4"),
        QVariantMap { { QStringLiteral("method"), QStringLiteral("auto") },
            { QStringLiteral("never-default"), true }, { QStringLiteral("ignore-auto-dns"), true } });
    settings.insert(
        QStringLiteral("ipv6"), QVariantMap { { QStringLiteral("method"), QStringLiteral("ignore") } });
    // bind-activation "dbus-client": if this process dies (crash, a second Ctrl-C), NetworkManager takes
    // the connection down by itself and the station does not stay on the device's SoftAP.
    const QVariantMap options { { QStringLiteral("persist"), QStringLiteral("volatile") },
        { QStringLiteral("bind-activation"), QStringLiteral("dbus-client") } };
    followActivation();
    const bool changedBefore = changedInterface; // a re-join after a lost link owes the first restore
    changedInterface = true;
    addInFlight = true;
    deviceState = 0;
    deviceReason = 0;
    highestDeviceState = 0;
    sawFailed = false;
    activationClock.start();
    qCInfo(lcProvWifi).noquote() << "joining" << ssidText() << "on" << interfaceName
                                 << (keyMgmt.isEmpty() ? QStringLiteral("(open)")
                                                       : QStringLiteral("with a password (%1)").arg(keyMgmt))
                                 << "; previous:"
                                 << (previousId.isEmpty() ? QStringLiteral("none") : previousId);
    call(
        bus,
        method(kPath, kManager, QStringLiteral("AddAndActivateConnection2"),
            { QVariant::fromValue(settings), QVariant::fromValue(QDBusObjectPath(devicePath)),
                QVariant::fromValue(QDBusObjectPath(apPath)), options }),
        q,
        [this, gen, changedBefore](const QDBusMessage &r) {
            addInFlight = false;
            if (gen != generation) {
                // Cancelled or timed out while NetworkManager was joining: take that connection down
                // (leaving could not know it). The previous connection, if any, was re-activated after it.
                if (r.type() == QDBusMessage::ReplyMessage && r.arguments().size() >= 2
                    && phase != Phase::Joined)
                    bus.send(method(kPath, kManager, QStringLiteral("DeactivateConnection"),
                        { QVariant::fromValue(QDBusObjectPath(objectPath(r.arguments().at(1)))) }));
                return;
            }
            if (r.type() != QDBusMessage::ReplyMessage || r.arguments().size() < 2) {
                const Error e = errorFromReply(
                    r, QStringLiteral("join %1").arg(ssidText()), ErrorCode::ConnectFailed);
                // Refused: NetworkManager left the interface as it was. No answer: it may still join.
                if (e.code != ErrorCode::Unavailable)
                    changedInterface = changedBefore;
                return joinFailed(e);
            }
            settingsPath = objectPath(r.arguments().at(0));
            activePath = objectPath(r.arguments().at(1));
            if (sawFailed) // failed before the reply reached us
                return joinFailed(activationError(0));
            checkActive(gen);
        },
        remainingMs());
}

void SoftApLink::Private::followActivation()
{
    if (relay)
        relay->deleteLater(); // may be running one of its handlers now
    relay = new nm::SignalRelay(bus, q);
    const quint64 gen = generation;
    relay->follow(kDevice, QStringLiteral("StateChanged"), [this, gen](const QDBusMessage &m) {
        if (gen != generation || m.path() != devicePath || m.arguments().size() < 3)
            return;
        deviceState = m.arguments().at(0).toUInt();
        deviceReason = m.arguments().at(2).toUInt();
        if (phase == Phase::Joining && deviceState == DeviceIpConfig)
            progress(QStringLiteral("Waiting for an address from %1…").arg(ssidText()));
        if (phase != Phase::Joining || !changedInterface)
            return;
        if (deviceState != DeviceFailed)
            highestDeviceState = std::max(highestDeviceState, deviceState);
        if (deviceState == DeviceFailed)
            sawFailed = true;
        if (deviceState == DeviceFailed && !activePath.isEmpty())
            joinFailed(activationError(0));
        else if (deviceState == DeviceNeedAuth && !keyMgmt.isEmpty() && highestDeviceState < DeviceIpConfig
            && activationClock.elapsed() < kNeedAuthIsPasswordMs)
            // The 4-way handshake failed with the password we gave: NetworkManager now asks its secret
            // agents (a desktop shows a password dialog). Ours was wrong; do not wait for a person.
            joinFailed(makeError(ErrorCode::SoftApAuthFailed,
                QStringLiteral("%1 refused the SoftAP password (NetworkManager asked for new secrets)")
                    .arg(ssidText())));
    });
    relay->follow(kActive, QStringLiteral("StateChanged"), [this, gen](const QDBusMessage &m) {
        if (gen != generation || activePath.isEmpty() || m.path() != activePath || m.arguments().size() < 2)
            return;
        const uint state = m.arguments().at(0).toUInt();
        const uint reason = m.arguments().at(1).toUInt();
        if (phase == Phase::Joining) {
            if (state == ActiveActivated)
                checkActive(gen);
            else if (state >= ActiveDeactivating)
                joinFailed(activationError(reason));
        } else if (phase == Phase::Joined && state >= ActiveDeactivating) {
            markLost();
        }
    });
    relay->follow(kProperties, QStringLiteral("PropertiesChanged"), [this, gen](const QDBusMessage &m) {
        // The IPv4 configuration can arrive after "activated" on some versions: look again.
        if (gen != generation || phase != Phase::Joining || !ipPending || m.arguments().size() < 2)
            return;
        if (m.path() == activePath && m.arguments().at(0).toString() == kActive
            && variantMap(m.arguments().at(1)).contains(QStringLiteral("Ip4Config")))
            checkActive(gen);
    });
}

void SoftApLink::Private::markLost()
{
    // Gone without leave(). Reported at once: an exchange must not start a new join before the
    // transport has heard of the loss.
    phase = Phase::Lost;
    result.reset();
    activePath.clear();
    settingsPath.clear();
    const Error e = deviceReason == ReasonSsidNotFound || deviceReason == ReasonSupplicantDisconnect
        ? makeError(ErrorCode::AccessPointNotFound,
            QStringLiteral(
                "%1 left %2's reach (NetworkManager device state reason %3): the device moved its radio or "
                "stopped its SoftAP")
                .arg(ssidText(), interfaceName)
                .arg(deviceReason))
        : makeError(ErrorCode::Disconnected,
            QStringLiteral("the connection to %1 on %2 went down (NetworkManager device state reason %3)")
                .arg(ssidText(), interfaceName)
                .arg(deviceReason));
    qCInfo(lcProvWifi).noquote() << "link lost:" << e.toString();
    Q_EMIT q->lost(e);
}

void SoftApLink::Private::checkActive(quint64 gen)
{
    getAll(
        bus, activePath, kActive, q,
        [this, gen](const Result<QVariantMap> &a) {
            if (gen != generation || phase != Phase::Joining)
                return;
            if (!a) {
                // Gone already: it failed before we looked (its StateChanged came before the reply).
                joinFailed(activationError(0));
                return;
            }
            const uint state = a->value(QStringLiteral("State")).toUInt();
            if (state >= ActiveDeactivating)
                return joinFailed(activationError(0));
            if (state != ActiveActivated)
                return; // StateChanged follows
            const QString ip4 = objectPath(a->value(QStringLiteral("Ip4Config")));
            if (ip4.isEmpty() || ip4 == QLatin1String("/")) {
                ipPending = true;
                return;
            }
            readLease(gen, ip4, objectPath(a->value(QStringLiteral("Dhcp4Config"))));
        },
        remainingMs());
}

void SoftApLink::Private::readLease(quint64 gen, const QString &ip4Path, const QString &dhcp4Path)
{
    getAll(
        bus, ip4Path, kIp4Config, q,
        [this, gen, dhcp4Path](const Result<QVariantMap> &ip) {
            if (gen != generation || phase != Phase::Joining)
                return;
            if (!ip) {
                ipPending = true;
                return;
            }
            QHostAddress local;
            int prefix = 0;
            for (const QVariantMap &a : mapList(ip->value(QStringLiteral("AddressData")))) {
                const QHostAddress candidate(a.value(QStringLiteral("address")).toString());
                if (candidate.protocol() == QAbstractSocket::IPv4Protocol) {
                    local = candidate;
                    prefix = int(a.value(QStringLiteral("prefix")).toUInt());
                    break;
                }
            }
            if (local.isNull()) {
                ipPending = true; // no lease yet: the deadline decides (DhcpTimeout)
                return;
            }
            auto done = [this, local, prefix](const QHostAddress &gateway) {
                SoftApJoinResult r;
                r.interfaceName = interfaceName;
                r.localAddress = local;
                r.prefixLength = prefix;
                r.gateway = gateway;
                r.activeConnectionPath = activePath;
                joinSucceeded(r);
            };
            const QHostAddress gateway(ip->value(QStringLiteral("Gateway")).toString());
            if (!gateway.isNull())
                return done(gateway);
            if (dhcp4Path.isEmpty() || dhcp4Path == QLatin1String("/")) {
                ipPending = true;
                return;
            }
            getAll(
                bus, dhcp4Path, kDhcp4Config, q,
                [this, gen, done](const Result<QVariantMap> &dhcp) {
                    if (gen != generation || phase != Phase::Joining)
                        return;
                    const QVariantMap options = dhcp ? variantMap(dhcp->value(QStringLiteral("Options")))
                                                     : QVariantMap();
                    // "routers" may list several, space-separated: the first is the device.
                    QHostAddress router(
                        options.value(QStringLiteral("routers")).toString().section(QLatin1Char(' '), 0, 0));
                    if (router.isNull())
                        router = QHostAddress(
                            options.value(QStringLiteral("dhcp_server_identifier")).toString());
                    if (router.isNull()) {
                        ipPending = true;
                        return;
                    }
                    done(router);
                },
                remainingMs());
        },
        remainingMs());
}

Error SoftApLink::Private::activationError(uint activeReason) const
{
    const QString ssid = ssidText();
    switch (deviceReason) {
    case ReasonSupplicantDisconnect:
    case ReasonSupplicantTimeout:
        // Blame the password only for a protected SoftAP that never got as far as IP configuration.
        if (keyMgmt.isEmpty() || highestDeviceState >= DeviceIpConfig)
            break;
        [[fallthrough]];
    case ReasonNoSecrets:
    case ReasonSupplicantConfigFailed:
    case ReasonSupplicantFailed:
        return makeError(ErrorCode::SoftApAuthFailed,
            QStringLiteral("%1 refused the SoftAP password (NetworkManager device state reason %2)")
                .arg(ssid)
                .arg(deviceReason));
    case ReasonSsidNotFound:
        return makeError(ErrorCode::AccessPointNotFound,
            QStringLiteral("%1 was not found by %2 (NetworkManager device state reason %3)")
                .arg(ssid, interfaceName)
                .arg(deviceReason));
    case ReasonIpConfigUnavailable:
    case ReasonDhcpStartFailed:
    case ReasonDhcpError:
    case ReasonDhcpFailed:
        return makeError(ErrorCode::DhcpTimeout,
            QStringLiteral("%1 gave no IPv4 address (NetworkManager device state reason %2)")
                .arg(ssid)
                .arg(deviceReason));
    default:
        break;
    }
    if (activeReason == ActiveReasonNoSecrets || activeReason == ActiveReasonLoginFailed) {
        return makeError(ErrorCode::SoftApAuthFailed,
            QStringLiteral("%1 refused the SoftAP password (NetworkManager active connection reason %2)")
                .arg(ssid)
                .arg(activeReason));
    }
    return makeError(ErrorCode::Disconnected,
        QStringLiteral(
            "joining %1 on %2 failed (NetworkManager device state reason %3, active connection reason %4)")
            .arg(ssid, interfaceName)
            .arg(deviceReason)
            .arg(activeReason));
}

void SoftApLink::Private::onDeadline()
{
    if (phase != Phase::Joining)
        return;
    if (!holding) {
        // Never got the interface: another device of this process kept it the whole time.
        return joinFailed(makeError(ErrorCode::JoinTimeout,
            QStringLiteral("%1: %2 stayed busy with another device for %3 ms")
                .arg(ssidText(),
                    interfaceName.isEmpty() ? QStringLiteral("the Wi-Fi interface") : interfaceName)
                .arg(request.joinTimeoutMs)));
    }
    if (!changedInterface) {
        return joinFailed(makeError(ErrorCode::JoinTimeout,
            QStringLiteral("%1: NetworkManager did not start joining on %2 within %3 ms")
                .arg(ssidText(), interfaceName)
                .arg(request.joinTimeoutMs)));
    }
    const bool dhcp = deviceState == DeviceIpConfig || deviceState == DeviceIpCheck || ipPending;
    joinFailed(dhcp ? makeError(ErrorCode::DhcpTimeout,
                   QStringLiteral("%1: associated on %2 but no IPv4 address within %3 ms")
                       .arg(ssidText(), interfaceName)
                       .arg(request.joinTimeoutMs))
                    : makeError(ErrorCode::JoinTimeout,
                        QStringLiteral(
                            "%1: %2 did not finish joining within %3 ms (NetworkManager device state %4%5)")
                            .arg(ssidText(), interfaceName)
                            .arg(request.joinTimeoutMs)
                            .arg(deviceState)
                            .arg(deviceState == DeviceNeedAuth
                                    ? QStringLiteral(": it asked for the SoftAP's secrets again")
                                    : QString())));
}

void SoftApLink::Private::joinSucceeded(const SoftApJoinResult &r)
{
    deadlineTimer.stop();
    ipPending = false;
    phase = Phase::Joined;
    result = r;
    qCInfo(lcProvWifi).noquote() << "joined" << ssidText() << "on" << r.interfaceName << "as"
                                 << r.localAddress.toString() << "gateway" << r.gateway.toString();
    if (joining) {
        const Promise<SoftApJoinResult> p = *joining;
        joining.reset();
        p.finish(r);
    }
}

void SoftApLink::Private::joinFailed(const Error &error)
{
    if (phase != Phase::Joining)
        return;
    deadlineTimer.stop();
    ipPending = false;
    qCInfo(lcProvWifi).noquote() << "join of" << ssidText() << "failed:" << error.toString();
    std::optional<Promise<SoftApJoinResult>> p = joining;
    joining.reset();
    // Give the interface back (a failed join leaves nothing behind), then report.
    phase = Phase::Leaving;
    ++generation;
    leaveNow([this, p, error](Result<void>) {
        if (p)
            p->finish(error);
    });
}

void SoftApLink::Private::leaveNow(std::function<void(Result<void>)> done)
{
    if (relay)
        relay->deleteLater(); // may be running the handler that failed the join
    relay = nullptr;
    deadlineTimer.stop();
    const QString active = activePath;
    const QString settings = settingsPath;
    activePath.clear();
    settingsPath.clear();
    result.reset();
    const bool touched = changedInterface;
    changedInterface = false;
    // Owed until NetworkManager answered; the destructor sends what is still owed.
    owedDeactivate = active;
    owedRestore = touched && !previousConnection.isEmpty();
    auto finished = [this, done](Result<void> r) {
        phase = Phase::Idle;
        release();
        done(std::move(r));
    };
    if (!holding || devicePath.isEmpty())
        return finished(Result<void>());
    // Each step waits at most kLeaveStepMs: the whole leave ends within kLeaveTimeoutMs.
    auto restore = [this, finished] {
        if (!owedRestore)
            return finished(Result<void>());
        progress(QStringLiteral("Restoring %1 on %2…").arg(previousId, interfaceName));
        call(
            bus,
            method(kPath, kManager, QStringLiteral("ActivateConnection"),
                { QVariant::fromValue(QDBusObjectPath(previousConnection)),
                    QVariant::fromValue(QDBusObjectPath(devicePath)),
                    QVariant::fromValue(QDBusObjectPath(QStringLiteral("/"))) }),
            q,
            [this, finished](const QDBusMessage &r) {
                owedRestore = false;
                if (r.type() != QDBusMessage::ReplyMessage) {
                    const Error e = errorFromReply(r, QStringLiteral("re-activate %1").arg(previousId));
                    qCWarning(lcProvWifi).noquote()
                        << "could not restore" << previousId << ":" << e.toString();
                    return finished(makeError(ErrorCode::Internal, e.detail));
                }
                qCInfo(lcProvWifi).noquote() << "restored" << previousId << "on" << interfaceName;
                finished(Result<void>());
            },
            kLeaveStepMs);
    };
    auto remove = [this, settings, restore] {
        if (settings.isEmpty() || settings == QLatin1String("/"))
            return restore();
        // A volatile connection goes when it is deactivated; delete it in case it is still there.
        call(
            bus, method(settings, kSettingsConnection, QStringLiteral("Delete")), q,
            [restore](const QDBusMessage &) { restore(); }, kLeaveStepMs);
    };
    if (active.isEmpty() || active == QLatin1String("/"))
        return remove();
    call(
        bus,
        method(kPath, kManager, QStringLiteral("DeactivateConnection"),
            { QVariant::fromValue(QDBusObjectPath(active)) }),
        q,
        [this, remove](const QDBusMessage &) {
            owedDeactivate.clear();
            remove();
        },
        kLeaveStepMs);
}

Pending<void> *SoftApLink::leave()
{
    Promise<void> promise(this);
    if (d->phase == Private::Phase::Joining)
        cancel(); // starts leaving
    if (d->phase == Private::Phase::Leaving) {
        // A failed join or a cancel is already leaving (its steps are bounded): end when it has.
        auto *poll = new QTimer(this);
        const QDeadlineTimer deadline(kLeaveTimeoutMs);
        connect(poll, &QTimer::timeout, this, [this, promise, poll, deadline] {
            if (d->phase == Private::Phase::Leaving && !deadline.hasExpired())
                return;
            poll->deleteLater();
            promise.finish(d->phase == Private::Phase::Leaving ? Result<void>(makeError(ErrorCode::Internal,
                               QStringLiteral("giving %1 back took more than %2 ms")
                                   .arg(d->interfaceName)
                                   .arg(kLeaveTimeoutMs)))
                                                               : Result<void>());
        });
        poll->start(kHolderPollMs);
        return promise.pending();
    }
    d->phase = Private::Phase::Leaving;
    ++d->generation;
    const quint64 gen = d->generation;
    QTimer::singleShot(0, this, [this, promise, gen] {
        if (gen != d->generation)
            return;
        d->leaveNow([promise](Result<void> r) { promise.finish(std::move(r)); });
    });
    return promise.pending();
}

void SoftApLink::cancel()
{
    if (d->phase != Private::Phase::Joining)
        return;
    d->joinFailed(
        makeError(ErrorCode::Cancelled, QStringLiteral("joining %1 was cancelled").arg(d->ssidText())));
}

} // namespace prov
