// SPDX-License-Identifier: Apache-2.0
#include "fleet.h"

#include "prov/random.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace prov;

namespace {
QByteArray hexBytes(const QString &text)
{
    return QByteArray::fromHex(QString(text).remove(QLatin1Char(':')).toLatin1());
}

Error bad(const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, what);
}

/// "SSID[:PASSPHRASE[:AUTH[:CHANNEL[:RSSI[:BSSID]]]]]"; AUTH by name ("WPA2-PSK", "Open", ...).
Result<SimAccessPoint> parseAccessPoint(const QString &text, int index)
{
    const QStringList p = text.split(QLatin1Char(','));
    SimAccessPoint ap;
    ap.ssid = p.value(0).toUtf8();
    ap.passphrase = p.value(1).toUtf8();
    ap.authMode = ap.passphrase.isEmpty() ? int(AuthMode::Open) : int(AuthMode::WPA2_PSK);
    if (p.size() > 2 && !p.at(2).isEmpty()) {
        ap.authMode = authModeFromName(p.at(2));
        if (ap.authMode < 0)
            return bad(QStringLiteral("unknown auth mode '%1'").arg(p.at(2)));
    }
    ap.channel = p.size() > 3 ? p.at(3).toInt() : 6;
    ap.rssi = p.size() > 4 ? p.at(4).toInt() : -50;
    ap.bssid = p.size() > 5 ? hexBytes(p.at(5)) : QByteArray::fromHex("021a2b3c4d00") + char(index + 1);
    if (ap.ssid.isEmpty() || ap.ssid.size() > 32)
        return bad(QStringLiteral("access point SSID must be 1..32 bytes: '%1'").arg(text));
    if (ap.bssid.size() != 6)
        return bad(QStringLiteral("access point BSSID must be 6 bytes: '%1'").arg(text));
    return ap;
}

Result<SimAccessPoint> accessPointFromJson(const QJsonObject &o, int index)
{
    SimAccessPoint ap;
    ap.ssid = o.value(QStringLiteral("ssid")).toString().toUtf8();
    ap.passphrase = o.value(QStringLiteral("passphrase")).toString().toUtf8();
    const QString auth = o.value(QStringLiteral("auth")).toString();
    ap.authMode = auth.isEmpty() ? (ap.passphrase.isEmpty() ? 0 : int(AuthMode::WPA2_PSK)) : authModeFromName(auth);
    if (ap.authMode < 0)
        return bad(QStringLiteral("unknown auth mode '%1'").arg(auth));
    ap.channel = o.value(QStringLiteral("channel")).toInt(6);
    ap.rssi = o.value(QStringLiteral("rssi")).toInt(-50);
    const QString bssid = o.value(QStringLiteral("bssid")).toString();
    ap.bssid = bssid.isEmpty() ? QByteArray::fromHex("021a2b3c4d00") + char(index + 1) : hexBytes(bssid);
    if (ap.ssid.isEmpty() || ap.ssid.size() > 32 || ap.bssid.size() != 6)
        return bad(QStringLiteral("access point %1: SSID must be 1..32 bytes and BSSID 6 bytes").arg(index));
    return ap;
}

QString randomServiceName()
{
    // PROV_ + the last 3 bytes of a (random) MAC in upper-case hex, like the examples (§6.1).
    return QStringLiteral("PROV_") + QString::fromLatin1(systemRandom()->bytes(3).toHex().toUpper());
}

Result<void> applyFaults(DeviceConfig &config, const QStringList &faults)
{
    for (const QString &text : faults) {
        auto fault = parseFaultSpec(text);
        if (!fault)
            return fault.error();
        config.faults.append(*fault);
    }
    return {};
}

Result<FleetDevice> deviceFromJson(const QJsonObject &o, const DeviceConfig &base, int index)
{
    FleetDevice member;
    DeviceConfig &c = member.config;
    c = base;
    c.serviceName = o.value(QStringLiteral("service_name")).toString(randomServiceName());
    c.secVer = o.value(QStringLiteral("sec_ver")).toInt(base.secVer);
    c.sec2PatchVer = o.value(QStringLiteral("sec_patch_ver")).toInt(base.sec2PatchVer);
    c.pop = o.value(QStringLiteral("pop")).toString(QString::fromUtf8(base.pop)).toUtf8();
    c.username = o.value(QStringLiteral("username")).toString(QString::fromUtf8(base.username)).toUtf8();
    c.password = o.value(QStringLiteral("password")).toString(QString::fromUtf8(base.password)).toUtf8();
    c.autoStop = o.value(QStringLiteral("auto_stop")).toBool(base.autoStop);
    c.wifiScan = o.value(QStringLiteral("wifi_scan")).toBool(base.wifiScan);
    c.radio.connectDelayMs = o.value(QStringLiteral("connect_delay_ms")).toInt(base.radio.connectDelayMs);
    c.radio.dhcpDelayMs = o.value(QStringLiteral("dhcp_delay_ms")).toInt(base.radio.dhcpDelayMs);
    c.radio.maxAttempts = o.value(QStringLiteral("max_attempts")).toInt(base.radio.maxAttempts);
    c.radio.ipAddress = QStringLiteral("192.168.1.%1").arg(100 + index);
    if (o.contains(QStringLiteral("access_points"))) {
        c.radio.accessPoints.clear();
        const QJsonArray aps = o.value(QStringLiteral("access_points")).toArray();
        for (int i = 0; i < aps.size(); ++i) {
            auto ap = accessPointFromJson(aps.at(i).toObject(), i);
            if (!ap)
                return ap.error();
            c.radio.accessPoints.append(*ap);
        }
    }
    QStringList faults;
    for (const QJsonValue &f : o.value(QStringLiteral("faults")).toArray())
        faults << f.toString();
    if (auto r = applyFaults(c, faults); !r)
        return r.error();
    const int port = o.value(QStringLiteral("port")).toInt(0);
    if (port < 0 || port > 65535)
        return bad(QStringLiteral("device %1: port out of range").arg(index));
    member.port = quint16(port);
    return member;
}

Result<QList<FleetDevice>> fleetFromFile(const QString &path, const DeviceConfig &base)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return bad(QStringLiteral("cannot read fleet file %1: %2").arg(path, file.errorString()));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(1 << 20), &error);
    if (!doc.isObject())
        return bad(QStringLiteral("fleet file %1 is not a JSON object (%2)").arg(path, error.errorString()));
    DeviceConfig defaults = base;
    const QJsonArray aps = doc.object().value(QStringLiteral("access_points")).toArray();
    if (!aps.isEmpty()) {
        defaults.radio.accessPoints.clear();
        for (int i = 0; i < aps.size(); ++i) {
            auto ap = accessPointFromJson(aps.at(i).toObject(), i);
            if (!ap)
                return ap.error();
            defaults.radio.accessPoints.append(*ap);
        }
    }
    QList<FleetDevice> fleet;
    const QJsonArray devices = doc.object().value(QStringLiteral("devices")).toArray();
    if (devices.isEmpty())
        return bad(QStringLiteral("fleet file %1 lists no devices").arg(path));
    for (int i = 0; i < devices.size(); ++i) {
        auto member = deviceFromJson(devices.at(i).toObject(), defaults, i);
        if (!member)
            return member.error();
        fleet.append(*member);
    }
    return fleet;
}
} // namespace

QList<SimAccessPoint> defaultAccessPoints()
{
    auto ap = [](const char *ssid, const char *pass, AuthMode auth, int channel, int rssi, const char *bssid) {
        return SimAccessPoint{ssid, pass, int(auth), channel, rssi, QByteArray::fromHex(bssid)};
    };
    return {ap("myssid", "mypassword", AuthMode::WPA2_PSK, 6, -45, "021a2b3c4d01"),
            ap("HomeNetwork", "homepass123", AuthMode::WPA_WPA2_PSK, 1, -58, "021a2b3c4d02"),
            ap("CoffeeShop", "", AuthMode::Open, 11, -71, "021a2b3c4d03"),
            ap("Neighbor", "neighbor-pass", AuthMode::WPA3_PSK, 3, -83, "021a2b3c4d04")};
}

void addFleetOptions(QCommandLineParser &p)
{
    auto opt = [&p](QStringList names, const char *help, const char *valueName = nullptr, const char *def = nullptr) {
        QCommandLineOption o(names, QString::fromLatin1(help));
        if (valueName)
            o.setValueName(QString::fromLatin1(valueName));
        if (def)
            o.setDefaultValue(QString::fromLatin1(def));
        p.addOption(o);
    };
    opt({QStringLiteral("fleet")}, "JSON fleet file (see docs/prov-sim.md); overrides --devices.", "file");
    opt({QStringLiteral("devices")}, "Number of identical devices to serve.", "n", "1");
    opt({QStringLiteral("host")}, "Address to listen on.", "ip", "127.0.0.1");
    opt({QStringLiteral("port")}, "First TCP port (0 = ephemeral; later devices take the next ports).", "port", "0");
    opt({QStringLiteral("service-name"), QStringLiteral("service_name")},
        "Service name (PROV_xxxxxx) of the first device; default random.", "name");
    opt({QStringLiteral("sec-ver"), QStringLiteral("sec_ver")}, "Security scheme 0, 1 or 2.", "n", "2");
    opt({QStringLiteral("sec2-patch")}, "Security 2 patch version: 1 counter nonce, 0 legacy fixed IV.", "n", "1");
    opt({QStringLiteral("pop")}, "Security 1 proof of possession (empty: no_pop).", "pop", "abcd1234");
    opt({QStringLiteral("sec2-username"), QStringLiteral("sec2_username")}, "Security 2 username.", "user",
        "wifiprov");
    opt({QStringLiteral("sec2-pwd"), QStringLiteral("sec2_pwd")}, "Security 2 password.", "pwd", "abcd1234");
    opt({QStringLiteral("ap")},
        "Access point SSID,PASSPHRASE[,AUTH[,CHANNEL[,RSSI[,BSSID]]]] (repeatable; default: 4 demo networks).", "ap");
    opt({QStringLiteral("connect-delay")}, "Apply -> association result, ms.", "ms", "1000");
    opt({QStringLiteral("dhcp-delay")}, "Association -> Connected (got IP), ms.", "ms", "500");
    opt({QStringLiteral("max-attempts")}, "Connection attempt budget (0 = fail at once).", "n", "0");
    opt({QStringLiteral("fault")},
        "Inject a fault (repeatable): drop|delay=MS|corrupt|close|wrong-proof|reboot[=MS]|new-cookie|never-connect"
        "[:ENDPOINT[:N]].",
        "spec");
    opt({QStringLiteral("no-auto-stop")}, "Keep provisioning running after Connected (allows prov-ctrl reprov).");
    opt({QStringLiteral("verbose")}, "Log every request on stderr (never secrets).");
}

Result<QList<FleetDevice>> fleetFromCommandLine(const QCommandLineParser &p)
{
    DeviceConfig base;
    bool ok = false;
    base.secVer = p.value(QStringLiteral("sec-ver")).toInt(&ok);
    if (!ok)
        return bad(QStringLiteral("--sec-ver must be 0, 1 or 2"));
    base.sec2PatchVer = p.value(QStringLiteral("sec2-patch")).toInt();
    base.pop = p.value(QStringLiteral("pop")).toUtf8();
    base.username = p.value(QStringLiteral("sec2-username")).toUtf8();
    base.password = p.value(QStringLiteral("sec2-pwd")).toUtf8();
    base.radio.connectDelayMs = p.value(QStringLiteral("connect-delay")).toInt();
    base.radio.dhcpDelayMs = p.value(QStringLiteral("dhcp-delay")).toInt();
    base.radio.maxAttempts = p.value(QStringLiteral("max-attempts")).toInt();
    base.autoStop = !p.isSet(QStringLiteral("no-auto-stop"));
    base.radio.accessPoints = defaultAccessPoints();
    const QStringList apTexts = p.values(QStringLiteral("ap"));
    if (!apTexts.isEmpty()) {
        base.radio.accessPoints.clear();
        for (int i = 0; i < apTexts.size(); ++i) {
            auto ap = parseAccessPoint(apTexts.at(i), i);
            if (!ap)
                return ap.error();
            base.radio.accessPoints.append(*ap);
        }
    }
    if (auto r = applyFaults(base, p.values(QStringLiteral("fault"))); !r)
        return r.error();
    if (p.isSet(QStringLiteral("fleet")))
        return fleetFromFile(p.value(QStringLiteral("fleet")), base);

    const int count = p.value(QStringLiteral("devices")).toInt(&ok);
    if (!ok || count < 1 || count > 256)
        return bad(QStringLiteral("--devices must be 1..256"));
    QList<FleetDevice> fleet;
    for (int i = 0; i < count; ++i) {
        FleetDevice member;
        member.config = base;
        member.config.serviceName = (i == 0 && p.isSet(QStringLiteral("service-name")))
            ? p.value(QStringLiteral("service-name"))
            : randomServiceName();
        member.config.radio.ipAddress = QStringLiteral("192.168.1.%1").arg(100 + i);
        fleet.append(member);
    }
    return fleet;
}
