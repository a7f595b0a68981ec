// SPDX-License-Identifier: Apache-2.0
// prov-sim's fake NetworkManager (--nm) through raw QtDBus on a private bus: its objects match
// NetworkManager 1.42's introspection XML (network-manager-dev), joins and failures follow NetworkManager's
// state machine, and each SoftAP device's HTTP answers only a peer bound to the joined interface's address.

#include "nmtesthelpers.h"
#include "privatebus.h"

#include "prov/httptransport.h"
#include "prov/provisioner.h"

#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDir>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

using namespace prov::test;

namespace {
using SettingsMap = QMap<QString, QVariantMap>;
const QString kXmlDir = QStringLiteral("/usr/share/dbus-1/interfaces");
const QString kManager = QStringLiteral("org.freedesktop.NetworkManager");
const QString kDevice = QStringLiteral("org.freedesktop.NetworkManager.Device");
const QString kWireless = QStringLiteral("org.freedesktop.NetworkManager.Device.Wireless");
const QString kActive = QStringLiteral("org.freedesktop.NetworkManager.Connection.Active");
const QString kAccessPoint = QStringLiteral("org.freedesktop.NetworkManager.AccessPoint");
const QString kDevicePassword = QStringLiteral("devpass123");

/// One interface of an introspection document: member name -> signature ("in->out" for methods).
struct InterfaceSpec
{
    QMap<QString, QString> methods;
    QMap<QString, QString> signals_;
    QMap<QString, QString> properties;
};

/// Parses an introspection document: its interfaces and its child node names.
QMap<QString, InterfaceSpec> parseIntrospection(const QByteArray &xml, QStringList *children = nullptr)
{
    QMap<QString, InterfaceSpec> interfaces;
    QXmlStreamReader reader(xml);
    QString interface;
    QString member;
    QString kind;
    QString in;
    QString out;
    int nodeDepth = 0;
    while (!reader.atEnd()) {
        reader.readNext();
        const QString name = reader.name().toString();
        const QXmlStreamAttributes a = reader.attributes();
        if (reader.isStartElement()) {
            if (name == QLatin1String("node")) {
                if (++nodeDepth == 2 && children)
                    *children << a.value(QLatin1String("name")).toString();
            } else if (name == QLatin1String("interface")) {
                interface = a.value(QLatin1String("name")).toString();
                interfaces[interface];
            } else if (name == QLatin1String("method") || name == QLatin1String("signal")) {
                kind = name;
                member = a.value(QLatin1String("name")).toString();
                in.clear();
                out.clear();
            } else if (name == QLatin1String("arg")) {
                (a.value(QLatin1String("direction")) == QLatin1String("out") ? out : in) += a.value(
                    QLatin1String("type"));
            } else if (name == QLatin1String("property")) {
                interfaces[interface].properties.insert(
                    a.value(QLatin1String("name")).toString(), a.value(QLatin1String("type")).toString());
            }
        } else if (reader.isEndElement()) {
            if (name == QLatin1String("node"))
                --nodeDepth;
            else if (name == QLatin1String("method"))
                interfaces[interface].methods.insert(member, in + QLatin1String("->") + out);
            else if (name == QLatin1String("signal"))
                interfaces[interface].signals_.insert(member, in);
        }
    }
    return interfaces;
}

QString introspect(const QString &path)
{
    return nm::call(path, QStringLiteral("org.freedesktop.DBus.Introspectable"), QStringLiteral("Introspect"))
        .arguments()
        .value(0)
        .toString();
}

QString objectPathOf(const QVariant &v)
{
    return v.value<QDBusObjectPath>().path();
}

QStringList pathsOf(const QVariant &v)
{
    QList<QDBusObjectPath> list;
    if (v.canConvert<QDBusArgument>())
        v.value<QDBusArgument>() >> list;
    QStringList paths;
    for (const QDBusObjectPath &p : std::as_const(list))
        paths << p.path();
    return paths;
}

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress(QStringLiteral("127.0.0.2")), 0);
    return probe.serverPort();
}

/// Sends one proto-ver request; the first response line, or "" when the device closed the socket.
QByteArray protoVer(const QString &gateway, quint16 port, const QString &bindTo)
{
    QTcpSocket socket;
    if (!bindTo.isEmpty() && !socket.bind(QHostAddress(bindTo), 0))
        return "bind failed";
    socket.connectToHost(QHostAddress(gateway), port);
    if (!socket.waitForConnected(2000))
        return {};
    socket.write("POST /proto-ver HTTP/1.1\r\nHost: 192.168.4.1\r\nContent-Type: "
                 "application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\n---");
    QByteArray response;
    while (!response.contains("\r\n") && socket.waitForReadyRead(2000))
        response += socket.readAll();
    return response.left(response.indexOf("\r\n"));
}
} // namespace

class TestFakeNm : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void introspectsLikeNetworkManager();
    void joinsThenDeactivatesAndRestoresHome();
    void wrongPasswordFailsWithNoSecrets();
    void servesOnlyTheJoinedInterface();
    void secondInterfaceJoinsWithItsOwnAddress();
    void permissionDeniedRefusesChanges();
    void wifiDisabledRefusesScanAndJoin();
    void hangsStopAtTheirState_data();
    void hangsStopAtTheirState();
    void vanishingAccessPointDropsTheJoin();
    void accessPointGoesAfterApply_data();
    void accessPointGoesAfterApply();
    void refusesTheRealSystemBus();

private:
    bool startNm(const QStringList &extra = {});
    QString wlan0() const;
    QString accessPoint(const QString &device, const QString &ssid) const;
    /// AddAndActivateConnection2 for the device's SoftAP; the reply.
    QDBusMessage join(const QString &psk, int k = 0);
    /// join() and wait for the active connection to be activated; its path, "" on failure.
    QString joinAndWait(int k = 0);

    PrivateBus m_bus;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
};

void TestFakeNm::initTestCase()
{
    qDBusRegisterMetaType<SettingsMap>();
    qDBusRegisterMetaType<QList<QVariantMap>>();
    QVERIFY2(m_bus.start(), qPrintable(m_bus.error()));
    QFile fleet(m_dir.filePath(QStringLiteral("fleet.json")));
    QVERIFY(fleet.open(QIODevice::WriteOnly));
    fleet.write(QStringLiteral(R"({"devices":[{"service_name":"PROV_1A2B3C","softap_password":"%1"},
        {"service_name":"PROV_OPEN01"}]})")
                    .arg(kDevicePassword)
                    .toUtf8());
}

void TestFakeNm::cleanup()
{
    m_bus.stopSim();
}

bool TestFakeNm::startNm(const QStringList &extra)
{
    m_port = freePort();
    const QList<QJsonObject> devices = m_bus.startSimWith(
        QStringList { QStringLiteral("--nm"), QStringLiteral("--bus"), m_bus.address(),
            QStringLiteral("--fleet"), m_dir.filePath(QStringLiteral("fleet.json")),
            QStringLiteral("--softap-port"), QString::number(m_port), QStringLiteral("--nm-step-delay"),
            QStringLiteral("5"), QStringLiteral("--nm-scan-delay"), QStringLiteral("10") }
        + extra);
    if (devices.size() != 2) {
        qWarning("prov-sim --nm did not start: %s", qPrintable(m_bus.error()));
        return false;
    }
    return devices.first().value(QStringLiteral("gateway")).toString() == QLatin1String("127.0.0.2")
        && devices.first().value(QStringLiteral("softap_security")).toString() == QLatin1String("wpa2")
        && devices.last().value(QStringLiteral("softap_security")).toString() == QLatin1String("open");
}

QString TestFakeNm::wlan0() const
{
    const QDBusMessage reply = nm::call(nm::kPath, kManager, QStringLiteral("GetDevices"));
    const QStringList devices = pathsOf(reply.arguments().value(0));
    return devices.value(0);
}

QString TestFakeNm::accessPoint(const QString &device, const QString &ssid) const
{
    const QDBusMessage reply = nm::call(device, kWireless, QStringLiteral("GetAccessPoints"));
    for (const QString &ap : pathsOf(reply.arguments().value(0))) {
        if (nm::property(ap, kAccessPoint, QStringLiteral("Ssid")).toByteArray() == ssid.toUtf8())
            return ap;
    }
    return {};
}

QDBusMessage TestFakeNm::join(const QString &psk, int k)
{
    const QString device = pathsOf(
        nm::call(nm::kPath, kManager, QStringLiteral("GetDevices")).arguments().value(0))
                               .value(k);
    const SettingsMap settings {
        { QStringLiteral("connection"),
            { { QStringLiteral("id"), QStringLiteral("PROV_1A2B3C") },
                { QStringLiteral("type"), QStringLiteral("802-11-wireless") },
                { QStringLiteral("autoconnect"), false } } },
        { QStringLiteral("802-11-wireless"),
            { { QStringLiteral("ssid"), QByteArray("PROV_1A2B3C") },
                { QStringLiteral("mode"), QStringLiteral("infrastructure") } } },
        { QStringLiteral("802-11-wireless-security"),
            { { QStringLiteral("key-mgmt"), QStringLiteral("wpa-psk") }, { QStringLiteral("psk"), psk } } },
        { QStringLiteral("ipv4"),
            { { QStringLiteral("method"), QStringLiteral("auto") },
                { QStringLiteral("never-default"), true } } },
    };
    const QString ap = accessPoint(device, QStringLiteral("PROV_1A2B3C")); // "/" when not seen (Wi-Fi off)
    const QVariantMap options { { QStringLiteral("persist"), QStringLiteral("volatile") },
        { QStringLiteral("bind-activation"), QStringLiteral("none") } };
    return nm::call(nm::kPath, kManager, QStringLiteral("AddAndActivateConnection2"),
        { QVariant::fromValue(settings), QVariant::fromValue(QDBusObjectPath(device)),
            QVariant::fromValue(QDBusObjectPath(ap.isEmpty() ? QStringLiteral("/") : ap)), options });
}

QString TestFakeNm::joinAndWait(int k)
{
    const QDBusMessage reply = join(kDevicePassword, k);
    if (reply.type() != QDBusMessage::ReplyMessage) {
        qWarning("AddAndActivateConnection2: %s", qPrintable(reply.errorMessage()));
        return {};
    }
    const QString active = objectPathOf(reply.arguments().value(1));
    QDeadlineTimer deadline(5000);
    while (nm::property(active, kActive, QStringLiteral("State")).toUInt() != 2 && !deadline.hasExpired())
        QTest::qWait(5);
    return deadline.hasExpired() ? QString() : active;
}

void TestFakeNm::introspectsLikeNetworkManager()
{
    const QStringList files = QDir(kXmlDir).entryList(
        { QStringLiteral("org.freedesktop.NetworkManager*.xml") });
    if (files.isEmpty())
        QSKIP("network-manager-dev is not installed (no "
              "/usr/share/dbus-1/interfaces/org.freedesktop.NetworkManager*.xml)");
    QMap<QString, InterfaceSpec> spec;
    for (const QString &name : files) {
        QFile file(QDir(kXmlDir).filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        spec.insert(parseIntrospection(file.readAll()));
    }
    QVERIFY(startNm());
    QVERIFY(join(kDevicePassword).type() == QDBusMessage::ReplyMessage); // a volatile connection too
    QTRY_COMPARE(nm::interfaceState().value(QStringLiteral("state")).toInt(), 100);

    QSet<QString> seen;
    int objects = 0;
    QStringList queue { QStringLiteral("/org/freedesktop") };
    while (!queue.isEmpty()) {
        const QString path = queue.takeFirst();
        QStringList children;
        const QMap<QString, InterfaceSpec> exported = parseIntrospection(
            introspect(path).toUtf8(), &children);
        for (const QString &child : std::as_const(children))
            queue << (path == QLatin1String("/") ? path : path + QLatin1Char('/')) + child;
        ++objects;
        for (auto it = exported.constBegin(); it != exported.constEnd(); ++it) {
            if (it.key().startsWith(QLatin1String("org.freedesktop.DBus.")))
                continue;
            const QString where = path + QLatin1Char(' ') + it.key();
            QVERIFY2(spec.contains(it.key()), qPrintable(where + QStringLiteral(": not in the XML")));
            const InterfaceSpec &want = spec.value(it.key());
            for (auto m = it->methods.constBegin(); m != it->methods.constEnd(); ++m)
                QVERIFY2(want.methods.value(m.key()) == m.value(),
                    qPrintable(QStringLiteral("%1.%2 %3, XML %4")
                                   .arg(where, m.key(), m.value(), want.methods.value(m.key()))));
            for (auto s = it->signals_.constBegin(); s != it->signals_.constEnd(); ++s)
                QVERIFY2(want.signals_.contains(s.key()) && want.signals_.value(s.key()) == s.value(),
                    qPrintable(QStringLiteral("%1 signal %2 (%3)").arg(where, s.key(), s.value())));
            for (auto p = it->properties.constBegin(); p != it->properties.constEnd(); ++p)
                QVERIFY2(want.properties.value(p.key()) == p.value(),
                    qPrintable(QStringLiteral("%1 property %2 %3, XML %4")
                                   .arg(where, p.key(), p.value(), want.properties.value(p.key()))));
            seen.insert(it.key());
        }
    }
    const QSet<QString> expected { kManager, kDevice, kWireless, kAccessPoint, kActive,
        QStringLiteral("org.freedesktop.NetworkManager.Settings"),
        QStringLiteral("org.freedesktop.NetworkManager.Settings.Connection"),
        QStringLiteral("org.freedesktop.NetworkManager.IP4Config"),
        QStringLiteral("org.freedesktop.NetworkManager.DHCP4Config") };
    QCOMPARE(seen, expected);
    QVERIFY2(objects >= 10, qPrintable(QString::number(objects)));
}

void TestFakeNm::joinsThenDeactivatesAndRestoresHome()
{
    QVERIFY(startNm());
    const QString device = wlan0();
    const QString homeActive = objectPathOf(
        nm::property(device, kDevice, QStringLiteral("ActiveConnection")));
    const QString home = objectPathOf(nm::property(homeActive, kActive, QStringLiteral("Connection")));
    QCOMPARE(nm::property(homeActive, kActive, QStringLiteral("Id")).toString(), QStringLiteral("Home"));

    const QDBusMessage reply = join(kDevicePassword);
    QVERIFY2(reply.type() == QDBusMessage::ReplyMessage, qPrintable(reply.errorMessage()));
    QCOMPARE(reply.signature(), QStringLiteral("ooa{sv}"));
    const QString active = objectPathOf(reply.arguments().value(1));
    QTRY_COMPARE(nm::property(active, kActive, QStringLiteral("State")).toUInt(), 2u);
    const QString ip4 = objectPathOf(nm::property(active, kActive, QStringLiteral("Ip4Config")));
    QCOMPARE(objectPathOf(nm::property(device, kDevice, QStringLiteral("Ip4Config"))), ip4);
    QList<QVariantMap> addresses;
    nm::property(
        ip4, QStringLiteral("org.freedesktop.NetworkManager.IP4Config"), QStringLiteral("AddressData"))
            .value<QDBusArgument>()
        >> addresses;
    QCOMPARE(addresses.size(), 1);
    QCOMPARE(addresses.first().value(QStringLiteral("address")).toString(), QStringLiteral("127.0.100.1"));
    QCOMPARE(addresses.first().value(QStringLiteral("prefix")).toUInt(), 8u);
    // ipv4.never-default: NetworkManager 1.42 takes Gateway from the default route, so it stays ""; the
    // device's address is in the lease (DHCP4Config.Options "routers").
    QCOMPARE(nm::property(
                 ip4, QStringLiteral("org.freedesktop.NetworkManager.IP4Config"), QStringLiteral("Gateway"))
                 .toString(),
        QString());
    const QString dhcp4 = objectPathOf(nm::property(active, kActive, QStringLiteral("Dhcp4Config")));
    QVariantMap lease;
    nm::property(
        dhcp4, QStringLiteral("org.freedesktop.NetworkManager.DHCP4Config"), QStringLiteral("Options"))
            .value<QDBusArgument>()
        >> lease;
    QCOMPARE(lease.value(QStringLiteral("routers")).toString(), QStringLiteral("127.0.0.2"));

    QJsonObject wlan = nm::interfaceState();
    QCOMPARE(wlan.value(QStringLiteral("active_connection_id")).toString(), QStringLiteral("PROV_1A2B3C"));
    QVERIFY(wlan.value(QStringLiteral("volatile")).toBool());
    QCOMPARE(nm::state().value(QStringLiteral("active_connections")).toInt(), 1);
    QVERIFY(nm::journal().contains(QStringLiteral("event active-state %1 4 reason=3").arg(homeActive)));
    QVERIFY(
        nm::journal().contains(QStringLiteral("event device-state %1 wlan0 70 -> 100 reason=0").arg(device)));

    QCOMPARE(nm::call(nm::kPath, kManager, QStringLiteral("DeactivateConnection"),
                 { QVariant::fromValue(QDBusObjectPath(active)) })
                 .type(),
        QDBusMessage::ReplyMessage);
    QTRY_COMPARE(nm::interfaceState().value(QStringLiteral("state")).toInt(), 30);
    QTRY_COMPARE(
        nm::state().value(QStringLiteral("connections")).toArray().size(), 1); // volatile one deleted
    QVERIFY(nm::journal().contains(QStringLiteral("event active-state %1 4 reason=2").arg(active)));

    const QDBusMessage again = nm::call(nm::kPath, kManager, QStringLiteral("ActivateConnection"),
        { QVariant::fromValue(QDBusObjectPath(home)), QVariant::fromValue(QDBusObjectPath(device)),
            QVariant::fromValue(QDBusObjectPath(QStringLiteral("/"))) });
    QVERIFY2(again.type() == QDBusMessage::ReplyMessage, qPrintable(again.errorMessage()));
    QTRY_COMPARE(nm::interfaceState().value(QStringLiteral("state")).toInt(), 100);
    wlan = nm::interfaceState();
    QCOMPARE(wlan.value(QStringLiteral("active_connection_id")).toString(), QStringLiteral("Home"));
    QCOMPARE(wlan.value(QStringLiteral("gateway")).toString(), QStringLiteral("127.0.100.254"));
}

void TestFakeNm::wrongPasswordFailsWithNoSecrets()
{
    QVERIFY(startNm());
    const QString device = wlan0();
    const QDBusMessage reply = join(QStringLiteral("wrongpass1"));
    QVERIFY2(reply.type() == QDBusMessage::ReplyMessage, qPrintable(reply.errorMessage()));
    const QString active = objectPathOf(reply.arguments().value(1));
    QTRY_VERIFY(nm::journal().contains(QStringLiteral("event active-state %1 4 reason=9").arg(active)));
    const QStringList journal = nm::journal();
    QVERIFY(journal.contains(QStringLiteral("event device-state %1 wlan0 50 -> 60 reason=0").arg(device)));
    QVERIFY(journal.contains(QStringLiteral("event device-state %1 wlan0 60 -> 120 reason=7").arg(device)));
    QVERIFY(journal.contains(QStringLiteral("event device-state %1 wlan0 120 -> 30 reason=0").arg(device)));
    const QString all = journal.join(QLatin1Char('\n'));
    QVERIFY(all.contains(QLatin1String("psk=***")));
    QVERIFY(!all.contains(QLatin1String("wrongpass1")));
    QVERIFY(!all.contains(kDevicePassword));
    QTRY_COMPARE(
        nm::state().value(QStringLiteral("connections")).toArray().size(), 1); // volatile one deleted
}

void TestFakeNm::servesOnlyTheJoinedInterface()
{
    QVERIFY(startNm());
    QCOMPARE(protoVer(QStringLiteral("127.0.0.2"), m_port, {}), QByteArray());
    QCOMPARE(
        protoVer(QStringLiteral("127.0.0.2"), m_port, QStringLiteral("127.0.100.1")), QByteArray()); // Home
    QVERIFY(nm::journal().contains(QStringLiteral("http-refused PROV_1A2B3C from 127.0.0.1")));

    const QDBusMessage reply = join(kDevicePassword);
    QVERIFY2(reply.type() == QDBusMessage::ReplyMessage, qPrintable(reply.errorMessage()));
    QTRY_COMPARE(
        nm::property(objectPathOf(reply.arguments().value(1)), kActive, QStringLiteral("State")).toUInt(),
        2u);
    QCOMPARE(protoVer(QStringLiteral("127.0.0.2"), m_port, QStringLiteral("127.0.100.1")),
        QByteArray("HTTP/1.1 200 OK"));
    QCOMPARE(protoVer(QStringLiteral("127.0.0.2"), m_port, {}), QByteArray()); // not bound: refused
    QCOMPARE(protoVer(QStringLiteral("127.0.0.3"), m_port, QStringLiteral("127.0.100.1")),
        QByteArray()); // other AP
    bool served = false;
    for (const QString &line : nm::journal())
        served |= line.startsWith(QLatin1String("http PROV_1A2B3C from 127.0.100.1 proto-ver"));
    QVERIFY(served);
}

void TestFakeNm::secondInterfaceJoinsWithItsOwnAddress()
{
    QVERIFY(startNm({ QStringLiteral("--nm-interfaces"), QStringLiteral("2") }));
    QCOMPARE(nm::interfaceState(1).value(QStringLiteral("state")).toInt(), 30);
    QVERIFY(!joinAndWait(1).isEmpty());
    const QJsonObject wlan1 = nm::interfaceState(1);
    QCOMPARE(wlan1.value(QStringLiteral("address")).toString(), QStringLiteral("127.0.100.2"));
    QCOMPARE(wlan1.value(QStringLiteral("gateway")).toString(), QStringLiteral("127.0.0.2"));
    QCOMPARE(nm::interfaceState(0).value(QStringLiteral("active_connection_id")).toString(),
        QStringLiteral("Home"));
    QCOMPARE(protoVer(QStringLiteral("127.0.0.2"), m_port, QStringLiteral("127.0.100.2")),
        QByteArray("HTTP/1.1 200 OK"));
    QCOMPARE(
        protoVer(QStringLiteral("127.0.0.2"), m_port, QStringLiteral("127.0.100.1")), QByteArray()); // wlan0
}

void TestFakeNm::permissionDeniedRefusesChanges()
{
    QVERIFY(startNm({ QStringLiteral("--nm-scenario"), QStringLiteral("permission-denied") }));
    const QDBusMessage scan = nm::call(wlan0(), kWireless, QStringLiteral("RequestScan"), { QVariantMap {} });
    QCOMPARE(scan.errorName(), QStringLiteral("org.freedesktop.NetworkManager.PermissionDenied"));
    QCOMPARE(
        join(kDevicePassword).errorName(), QStringLiteral("org.freedesktop.NetworkManager.PermissionDenied"));
    QCOMPARE(nm::interfaceState().value(QStringLiteral("active_connection_id")).toString(),
        QStringLiteral("Home"));
    QCOMPARE(nm::state().value(QStringLiteral("connections")).toArray().size(), 1);
}

void TestFakeNm::wifiDisabledRefusesScanAndJoin()
{
    QVERIFY(startNm({ QStringLiteral("--nm-scenario"), QStringLiteral("wifi-disabled") }));
    QCOMPARE(nm::property(nm::kPath, kManager, QStringLiteral("WirelessEnabled")).toBool(), false);
    const QString device = wlan0();
    QCOMPARE(nm::property(device, kDevice, QStringLiteral("State")).toUInt(), 20u);
    QCOMPARE(nm::call(device, kWireless, QStringLiteral("RequestScan"), { QVariantMap {} }).errorName(),
        QStringLiteral("org.freedesktop.NetworkManager.Device.NotAllowed"));
    QCOMPARE(join(kDevicePassword).errorName(),
        QStringLiteral("org.freedesktop.NetworkManager.UnknownConnection"));

    const QDBusMessage enable = nm::call(nm::kPath, QStringLiteral("org.freedesktop.DBus.Properties"),
        QStringLiteral("Set"),
        { kManager, QStringLiteral("WirelessEnabled"), QVariant::fromValue(QDBusVariant(true)) });
    QVERIFY2(enable.type() == QDBusMessage::ReplyMessage, qPrintable(enable.errorMessage()));
    QCOMPARE(nm::property(device, kDevice, QStringLiteral("State")).toUInt(), 30u);
    QVERIFY(!accessPoint(device, QStringLiteral("PROV_1A2B3C")).isEmpty());
    QVERIFY(!joinAndWait().isEmpty());
}

void TestFakeNm::hangsStopAtTheirState_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("state");
    QTest::newRow("activation-hang") << QStringLiteral("activation-hang") << 50;
    QTest::newRow("dhcp-hang") << QStringLiteral("dhcp-hang") << 70;
}

void TestFakeNm::hangsStopAtTheirState()
{
    QFETCH(QString, scenario);
    QFETCH(int, state);
    QVERIFY(startNm({ QStringLiteral("--nm-scenario"), scenario }));
    const QDBusMessage reply = join(kDevicePassword);
    QVERIFY2(reply.type() == QDBusMessage::ReplyMessage, qPrintable(reply.errorMessage()));
    QTRY_COMPARE(nm::interfaceState().value(QStringLiteral("state")).toInt(), state);
    QTest::qWait(200); // 40 steps of 5 ms: it stays
    QCOMPARE(nm::interfaceState().value(QStringLiteral("state")).toInt(), state);
    QCOMPARE(
        nm::property(objectPathOf(reply.arguments().value(1)), kActive, QStringLiteral("State")).toUInt(),
        1u);
}

void TestFakeNm::vanishingAccessPointDropsTheJoin()
{
    QVERIFY(startNm());
    const QString device = wlan0();
    QVERIFY(!joinAndWait().isEmpty());
    QVERIFY(nm::control(QStringLiteral("RemoveAccessPoint"), { QStringLiteral("PROV_1A2B3C") }).isNull());
    QVERIFY(accessPoint(device, QStringLiteral("PROV_1A2B3C")).isEmpty());
    QTRY_VERIFY(nm::journal().contains(
        QStringLiteral("event device-state %1 wlan0 100 -> 120 reason=8").arg(device)));
    QCOMPARE(nm::interfaceState().value(QStringLiteral("state")).toInt(), 30);
    QCOMPARE(nm::state().value(QStringLiteral("connections")).toArray().size(), 1);
    QCOMPARE(protoVer(QStringLiteral("127.0.0.2"), m_port, QStringLiteral("127.0.100.1")), QByteArray());

    // A rescan does not bring it back while it is gone; RestoreAccessPoint does.
    QCOMPARE(nm::property(device, kWireless, QStringLiteral("LastScan")).toLongLong(), -1);
    QCOMPARE(nm::call(device, kWireless, QStringLiteral("RequestScan"), { QVariantMap {} }).type(),
        QDBusMessage::ReplyMessage);
    QTRY_VERIFY(nm::property(device, kWireless, QStringLiteral("LastScan")).toLongLong() > 0);
    QVERIFY(accessPoint(device, QStringLiteral("PROV_1A2B3C")).isEmpty());
    nm::control(QStringLiteral("RestoreAccessPoint"), { QStringLiteral("PROV_1A2B3C") });
    QVERIFY(!accessPoint(device, QStringLiteral("PROV_1A2B3C")).isEmpty());
    QVERIFY(!joinAndWait().isEmpty());
}

namespace {
/// Provisions PROV_1A2B3C (Security 0) through its gateway from 127.0.100.1 until the device applied.
void provisionThroughGateway(quint16 port)
{
    prov::HttpTransport transport(QStringLiteral("127.0.0.2"), port);
    transport.setLocalAddress(QHostAddress(QStringLiteral("127.0.100.1")));
    transport.setTimeout(2000);
    prov::Provisioner provisioner(&transport);
    prov::ProvisionOptions options;
    options.firstPollDelayMs = 0;
    options.pollIntervalMs = 30;
    options.connectTimeoutMs = 1000;
    // The outcome does not matter here: the access point goes away under the status polls.
    const auto outcome = provisioner.provisionWifi({ "myssid", "mypassword", {}, 0 }, options)
                             ->waitForResult(5000);
    Q_UNUSED(outcome)
}
} // namespace

void TestFakeNm::accessPointGoesAfterApply_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<bool>("comesBack");
    QTest::newRow("ap-vanish-after-apply") << QStringLiteral("ap-vanish-after-apply") << false;
    QTest::newRow("ap-moves-after-apply") << QStringLiteral("ap-moves-after-apply") << true;
}

void TestFakeNm::accessPointGoesAfterApply()
{
    QFETCH(QString, scenario);
    QFETCH(bool, comesBack);
    QVERIFY(startNm({ QStringLiteral("--nm-scenario"), scenario, QStringLiteral("--nm-vanish-delay"),
        QStringLiteral("20"), QStringLiteral("--sec-ver"), QStringLiteral("0") }));
    const QString device = wlan0();
    QVERIFY(!joinAndWait().isEmpty());
    provisionThroughGateway(m_port);
    QTRY_VERIFY(nm::journal().contains(
        QStringLiteral("event device-state %1 wlan0 100 -> 120 reason=8").arg(device)));
    QVERIFY(!accessPoint(device, QStringLiteral("PROV_OPEN01")).isEmpty());
    if (!comesBack) {
        QVERIFY(accessPoint(device, QStringLiteral("PROV_1A2B3C")).isEmpty());
        return;
    }
    QTRY_VERIFY_WITH_TIMEOUT(!accessPoint(device, QStringLiteral("PROV_1A2B3C")).isEmpty(), 3000);
    QCOMPARE(nm::property(accessPoint(device, QStringLiteral("PROV_1A2B3C")), kAccessPoint,
                 QStringLiteral("Frequency"))
                 .toUInt(),
        2462u);
    QVERIFY(!joinAndWait().isEmpty());
    QCOMPARE(protoVer(QStringLiteral("127.0.0.2"), m_port, QStringLiteral("127.0.100.1")),
        QByteArray("HTTP/1.1 200 OK"));
}

void TestFakeNm::refusesTheRealSystemBus()
{
    QProcess sim;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("DBUS_SYSTEM_BUS_ADDRESS"));
    sim.setProcessEnvironment(env);
    sim.start(QStringLiteral(PROV_SIM_PATH), { QStringLiteral("--nm") });
    QVERIFY(sim.waitForFinished(10000));
    QCOMPARE(sim.exitCode(), 2);
    sim.start(QStringLiteral(PROV_SIM_PATH),
        { QStringLiteral("--nm"), QStringLiteral("--bus"),
            QStringLiteral("unix:path=/run/dbus/system_bus_socket") });
    QVERIFY(sim.waitForFinished(10000));
    QCOMPARE(sim.exitCode(), 2);
    QVERIFY(sim.readAllStandardError().contains("real system bus"));
}

QTEST_GUILESS_MAIN(TestFakeNm)
#include "tst_fakenm.moc"
