// SPDX-License-Identifier: Apache-2.0
#include "fleet.h"

#include "tray.h"

#include "prov/gatt.h"
#include "prov/qrpayload.h"
#include "prov/random.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QRegularExpression>
#include <optional>

using namespace prov;

namespace {
// --realistic-timings (issue 9's line figures), ms.
constexpr int kRealisticWifiConnectMs = 2000;
constexpr int kRealisticDhcpMs = 500;
constexpr int kRealisticBleConnectMs = 800;
constexpr int kRealisticBleOpMs = 40;

QByteArray hexBytes(const QString &text)
{
    return QByteArray::fromHex(QString(text).remove(QLatin1Char(':')).toLatin1());
}

Error bad(const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, what);
}

/// The defaults and checks both access-point forms share. @p auth empty = Open without a passphrase,
/// WPA2-PSK with one; @p bssid absent = 02:1a:2b:3c:4d:<index+1>. @p where names the access point in errors.
Result<SimAccessPoint> finishAccessPoint(SimAccessPoint ap, const QString &auth,
    const std::optional<QString> &bssid, int index, const QString &where)
{
    ap.authMode = auth.isEmpty() ? int(ap.passphrase.isEmpty() ? AuthMode::Open : AuthMode::WPA2_PSK)
                                 : authModeFromName(auth);
    if (ap.authMode < 0)
        return bad(QStringLiteral("unknown auth mode '%1'").arg(auth));
    ap.bssid = bssid ? hexBytes(*bssid) : QByteArray::fromHex("021a2b3c4d") + char(index + 1);
    if (ap.ssid.isEmpty() || ap.ssid.size() > 32)
        return bad(QStringLiteral("access point %1: SSID must be 1..32 bytes").arg(where));
    if (ap.bssid.size() != 6)
        return bad(QStringLiteral("access point %1: BSSID must be 6 bytes").arg(where));
    return ap;
}

/// "SSID[,PASSPHRASE[,AUTH[,CHANNEL[,RSSI[,BSSID]]]]]"; AUTH by name ("WPA2-PSK", "Open", ...).
Result<SimAccessPoint> parseAccessPoint(const QString &text, int index)
{
    const QStringList p = text.split(QLatin1Char(','));
    SimAccessPoint ap;
    ap.ssid = p.value(0).toUtf8();
    ap.passphrase = p.value(1).toUtf8();
    ap.channel = p.size() > 3 ? p.at(3).toInt() : 6;
    ap.rssi = p.size() > 4 ? p.at(4).toInt() : -50;
    return finishAccessPoint(ap, p.value(2), p.size() > 5 ? std::optional<QString>(p.at(5)) : std::nullopt,
        index, QLatin1Char('\'') + text + QLatin1Char('\''));
}

Result<SimAccessPoint> accessPointFromJson(const QJsonObject &o, int index)
{
    SimAccessPoint ap;
    ap.ssid = o.value(QStringLiteral("ssid")).toString().toUtf8();
    ap.passphrase = o.value(QStringLiteral("passphrase")).toString().toUtf8();
    ap.channel = o.value(QStringLiteral("channel")).toInt(6);
    ap.rssi = o.value(QStringLiteral("rssi")).toInt(-50);
    const QString bssid = o.value(QStringLiteral("bssid")).toString();
    return finishAccessPoint(ap, o.value(QStringLiteral("auth")).toString(),
        bssid.isEmpty() ? std::nullopt : std::optional<QString>(bssid), index, QString::number(index));
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
    member.softApPassword = o.value(QStringLiteral("softap_password")).toString().toUtf8();
    if (!member.softApPassword.isEmpty()
        && (member.softApPassword.size() < 8 || member.softApPassword.size() > 63))
        return bad(QStringLiteral("device %1: softap_password must be 8..63 characters").arg(index));
    const int port = o.value(QStringLiteral("port")).toInt(0);
    if (port < 0 || port > 65535)
        return bad(QStringLiteral("device %1: port out of range").arg(index));
    member.port = quint16(port);

    // Exactly the wire names (transportKindFromName() alone would also take "httpd" and any case).
    const QString transport = o.value(QStringLiteral("transport"))
                                  .toString(transportKindName(TransportKind::SoftAp));
    const std::optional<TransportKind> kind = transportKindFromName(transport);
    if (!kind || transportKindName(*kind) != transport)
        return bad(QStringLiteral("device %1: transport must be \"softap\" or \"ble\"").arg(index));
    member.transport = *kind;
    member.bleConfig.address = o.value(QStringLiteral("ble_address")).toString();
    if (o.contains(QStringLiteral("ble_service_uuid"))) {
        member.bleConfig.serviceUuid = QUuid::fromString(
            o.value(QStringLiteral("ble_service_uuid")).toString());
        if (member.bleConfig.serviceUuid.isNull())
            return bad(QStringLiteral("device %1: ble_service_uuid is not a UUID").arg(index));
    }
    member.bleConfig.rssi = o.value(QStringLiteral("rssi")).toInt(member.bleConfig.rssi);
    for (const QJsonValue &v : o.value(QStringLiteral("ble_scenarios")).toArray()) {
        auto scenario = parseBleScenario(v.toString());
        if (!scenario)
            return bad(QStringLiteral("device %1: %2").arg(index).arg(scenario.error().detail));
        if (isAdapterScenario(scenario->kind))
            return bad(QStringLiteral("device %1: %2 acts on the adapter; use --ble-scenario")
                           .arg(index)
                           .arg(v.toString()));
        member.bleConfig.scenarios.append(*scenario);
    }
    return member;
}

Result<QList<FleetDevice>> fleetFromFile(const QString &path, const DeviceConfig &base)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return bad(QStringLiteral("cannot read fleet file %1: %2").arg(path, file.errorString()));
    QJsonParseError error {};
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
    const bool hasTray = doc.object().contains(QStringLiteral("tray"));
    if (devices.isEmpty() && !hasTray)
        return bad(QStringLiteral("fleet file %1 lists no devices").arg(path));
    for (int i = 0; i < devices.size(); ++i) {
        auto member = deviceFromJson(devices.at(i).toObject(), defaults, i);
        if (!member)
            return member.error();
        fleet.append(*member);
    }
    if (hasTray) {
        auto spec = traySpecFromJson(doc.object().value(QStringLiteral("tray")).toObject(), defaults);
        if (!spec)
            return bad(QStringLiteral("fleet file %1: %2").arg(path, spec.error().detail));
        auto tray = buildTray(*spec);
        if (!tray)
            return bad(QStringLiteral("fleet file %1: tray: %2").arg(path, tray.error().detail));
        fleet += *tray;
    }
    return fleet;
}
/// BLE identity of every BLE device: --ble, --ble-service-uuid, --ble-scenario (device-level ones),
/// derived addresses; addresses must be valid and unique.
Result<void> completeBle(QList<FleetDevice> &fleet, const QCommandLineParser &p)
{
    QUuid service = gatt::exampleServiceUuid();
    if (p.isSet(QStringLiteral("ble-service-uuid"))) {
        service = QUuid::fromString(p.value(QStringLiteral("ble-service-uuid")));
        if (service.isNull())
            return bad(QStringLiteral("--ble-service-uuid is not a UUID"));
    }
    QList<BleScenario> scenarios;
    for (const QString &text : p.values(QStringLiteral("ble-scenario"))) {
        auto scenario = parseBleScenario(text);
        if (!scenario)
            return scenario.error();
        if (!isAdapterScenario(scenario->kind))
            scenarios.append(*scenario);
    }
    static const QRegularExpression addressPattern(QStringLiteral("^([0-9A-F]{2}:){5}[0-9A-F]{2}$"));
    QStringList seen;
    for (FleetDevice &member : fleet) {
        if (p.isSet(QStringLiteral("ble")))
            member.transport = TransportKind::Ble;
        if (member.transport != TransportKind::Ble)
            continue;
        BlePeripheralConfig &ble = member.bleConfig;
        if (ble.serviceUuid.isNull())
            ble.serviceUuid = service;
        ble.scenarios = scenarios + ble.scenarios;
        ble.address = ble.address.isEmpty() ? bleAddressFor(member.config.serviceName)
                                            : ble.address.toUpper();
        if (!addressPattern.match(ble.address).hasMatch())
            return bad(QStringLiteral("%1: ble_address must look like 24:0A:C4:12:34:56")
                           .arg(member.config.serviceName));
        if (seen.contains(ble.address))
            return bad(QStringLiteral("%1: BLE address %2 is already taken; set \"ble_address\"")
                           .arg(member.config.serviceName, ble.address));
        seen << ble.address;
        if (ble.rssi < -127 || ble.rssi > 20)
            return bad(QStringLiteral("%1: rssi must be -127..20 dBm").arg(member.config.serviceName));
    }
    return {};
}
/// --devices N with the tray flags (tray.h).
Result<QList<FleetDevice>> trayFromCommandLine(const QCommandLineParser &p, const DeviceConfig &base)
{
    TraySpec spec;
    spec.base = base;
    bool ok = false;
    spec.count = p.value(QStringLiteral("devices")).toInt(&ok);
    if (!ok)
        return bad(QStringLiteral("--devices must be 1..256"));
    if (p.isSet(QStringLiteral("name-pattern")))
        spec.namePattern = p.value(QStringLiteral("name-pattern"));
    if (p.isSet(QStringLiteral("transport")))
        spec.transport = p.value(QStringLiteral("transport"));
    if (p.isSet(QStringLiteral("ble")))
        spec.transport = QStringLiteral("ble");
    if (p.isSet(QStringLiteral("app-version")))
        spec.appVersion = p.value(QStringLiteral("app-version"));
    auto integer = [&p](const char *name, int *out) {
        const QString key = QString::fromLatin1(name);
        if (!p.isSet(key))
            return true;
        bool good = false;
        *out = p.value(key).toInt(&good);
        return good;
    };
    auto rate = [&p](const char *name, double *out) {
        const QString key = QString::fromLatin1(name);
        if (!p.isSet(key))
            return true;
        bool good = false;
        *out = p.value(key).toDouble(&good);
        return good;
    };
    if (!integer("rssi", &spec.rssi) || !integer("neighbours", &spec.neighbours)
        || !integer("neighbour-rssi", &spec.neighbourRssi))
        return bad(QStringLiteral("--rssi, --neighbours and --neighbour-rssi take integers"));
    if (!rate("fault-firmware", &spec.rates.firmware) || !rate("fault-pop", &spec.rates.pop)
        || !rate("fault-link-drop", &spec.rates.linkDrop) || !rate("fault-wifi-auth", &spec.rates.wifiAuth))
        return bad(QStringLiteral("--fault-* take a fraction 0..1"));
    if (p.isSet(QStringLiteral("seed"))) {
        spec.seed = p.value(QStringLiteral("seed")).toULongLong(&ok);
        if (!ok)
            return bad(QStringLiteral("--seed takes a non-negative integer"));
    }
    return buildTray(spec);
}
} // namespace

QJsonObject describeFleetDevice(const FleetDevice &member)
{
    const DeviceConfig &config = member.config;
    QJsonObject o {
        { QStringLiteral("service_name"), config.serviceName },
        { QStringLiteral("transport"), transportKindName(member.transport) },
        { QStringLiteral("sec_ver"), config.secVer },
        { QStringLiteral("sec_patch_ver"), config.secVer == 2 ? config.sec2PatchVer : 0 },
    };
    if (!config.apps.isEmpty())
        o.insert(QStringLiteral("app_version"), config.apps.first().version);
    if (member.transport == TransportKind::Ble) {
        o.insert(QStringLiteral("address"), member.bleConfig.address);
        o.insert(QStringLiteral("service_uuid"), member.bleConfig.serviceUuid.toString(QUuid::WithoutBraces));
        o.insert(QStringLiteral("rssi"), member.bleConfig.rssi);
        QJsonArray scenarios;
        for (const BleScenario &s : member.bleConfig.scenarios)
            scenarios.append(bleScenarioToString(s));
        o.insert(QStringLiteral("scenarios"), scenarios);
    }
    QJsonArray faults;
    for (const FaultSpec &f : config.faults)
        faults.append(faultSpecToString(f));
    o.insert(QStringLiteral("faults"), faults);
    if (member.trayIndex > 0) {
        o.insert(QStringLiteral("tray_index"), member.trayIndex);
        o.insert(QStringLiteral("tray_faults"), QJsonArray::fromStringList(member.trayFaults));
        o.insert(QStringLiteral("neighbour"), member.neighbour);
    }
    return o;
}

QByteArray stickerQrPayload(const FleetDevice &member)
{
    const DeviceConfig &c = member.sticker ? *member.sticker : member.config;
    QrPayload qr;
    qr.name = member.config.serviceName;
    qr.transport = transportKindName(member.transport);
    if (c.secVer == 1)
        qr.pop = QString::fromUtf8(c.pop);
    if (c.secVer == 2) {
        qr.username = QString::fromUtf8(c.username);
        qr.pop = QString::fromUtf8(c.password);
    }
    qr.security = c.secVer;
    qr.password = QString::fromUtf8(member.softApPassword); // the SoftAP's WPA2 passphrase (§11), if any
    return toJson(qr);
}

QList<SimAccessPoint> defaultAccessPoints()
{
    auto ap = [](const char *ssid, const char *pass, AuthMode auth, int channel, int rssi,
                  const char *bssid) {
        return SimAccessPoint { ssid, pass, int(auth), channel, rssi, QByteArray::fromHex(bssid) };
    };
    return { ap("myssid", "mypassword", AuthMode::WPA2_PSK, 6, -45, "021a2b3c4d01"),
        ap("HomeNetwork", "homepass123", AuthMode::WPA_WPA2_PSK, 1, -58, "021a2b3c4d02"),
        ap("CoffeeShop", "", AuthMode::Open, 11, -71, "021a2b3c4d03"),
        ap("Neighbor", "neighbor-pass", AuthMode::WPA3_PSK, 3, -83, "021a2b3c4d04") };
}

void addFleetOptions(QCommandLineParser &p)
{
    auto opt = [&p](QStringList names, const char *help, const char *valueName = nullptr,
                   const char *def = nullptr) {
        QCommandLineOption o(names, QString::fromLatin1(help));
        if (valueName)
            o.setValueName(QString::fromLatin1(valueName));
        if (def)
            o.setDefaultValue(QString::fromLatin1(def));
        p.addOption(o);
    };
    opt({ QStringLiteral("fleet") }, "JSON fleet file (see docs/prov-sim.md); overrides --devices.", "file");
    opt({ QStringLiteral("devices") }, "Number of identical devices to serve.", "n", "1");
    opt({ QStringLiteral("host") }, "Address to listen on.", "ip", "127.0.0.1");
    opt({ QStringLiteral("port") }, "First TCP port (0 = ephemeral; later devices take the next ports).",
        "port", "0");
    opt({ QStringLiteral("service-name"), QStringLiteral("service_name") },
        "Service name (PROV_xxxxxx) of the first device; default random.", "name");
    opt({ QStringLiteral("sec-ver"), QStringLiteral("sec_ver") }, "Security scheme 0, 1 or 2.", "n", "2");
    opt({ QStringLiteral("sec2-patch") }, "Security 2 patch version: 1 counter nonce, 0 legacy fixed IV.",
        "n", "1");
    opt({ QStringLiteral("pop") }, "Security 1 proof of possession (empty: no_pop).", "pop", "abcd1234");
    opt({ QStringLiteral("sec2-username"), QStringLiteral("sec2_username") }, "Security 2 username.", "user",
        "wifiprov");
    opt({ QStringLiteral("sec2-pwd"), QStringLiteral("sec2_pwd") }, "Security 2 password.", "pwd",
        "abcd1234");
    opt({ QStringLiteral("ap") },
        "Access point SSID,PASSPHRASE[,AUTH[,CHANNEL[,RSSI[,BSSID]]]] (repeatable; default: 4 demo "
        "networks).",
        "ap");
    opt({ QStringLiteral("connect-delay") }, "Apply -> association result, ms.", "ms", "1000");
    opt({ QStringLiteral("dhcp-delay") }, "Association -> Connected (got IP), ms.", "ms", "500");
    opt({ QStringLiteral("max-attempts") }, "Connection attempt budget (0 = fail at once).", "n", "0");
    opt({ QStringLiteral("fault") },
        "Inject a fault (repeatable): "
        "drop|delay=MS|corrupt|close|wrong-proof|reboot[=MS]|new-cookie|never-connect"
        "[:ENDPOINT[:N]].",
        "spec");
    opt({ QStringLiteral("no-auto-stop") },
        "Keep provisioning running after Connected (allows prov-ctrl reprov).");
    opt({ QStringLiteral("ble") },
        "Serve every device over BLE through a fake org.bluez on the bus in DBUS_SYSTEM_BUS_ADDRESS (or "
        "--bus) "
        "instead of HTTP.");
    opt({ QStringLiteral("bus") },
        "D-Bus address for the fake org.bluez (overrides DBUS_SYSTEM_BUS_ADDRESS).", "address");
    opt({ QStringLiteral("ble-connect-delay") }, "BLE Connect() -> ServicesResolved, ms.", "ms", "30");
    opt({ QStringLiteral("ble-op-delay") }, "Latency of each GATT ReadValue/WriteValue, ms.", "ms", "5");
    opt({ QStringLiteral("ble-advertise-interval") }, "Advertising report period (RSSI updates), ms.", "ms",
        "500");
    opt({ QStringLiteral("ble-scan-delay") }, "StartDiscovery -> first advertisement report, ms.", "ms",
        "20");
    opt({ QStringLiteral("ble-service-uuid") },
        "GATT service UUID of BLE devices (default: the examples' UUID).", "uuid");
    opt({ QStringLiteral("ble-scenario") },
        "BLE scenario for every BLE device (repeatable): late-name[:MS]|rssi-drift|cached|connect-error|"
        "services-unresolved|disconnect-mid-exchange[:ENDPOINT[:N]]|adapter-off|adapter-absent|"
        "not-permitted[:ENDPOINT]|not-authorized[:ENDPOINT]|hung-reply[:ENDPOINT[:N[:read]]]|bluedroid-481|"
        "drop-after-apply.",
        "spec");
    opt({ QStringLiteral("journal") }, "Append the fake org.bluez's call journal to this file.", "file");
    opt({ QStringLiteral("nm") },
        "Show the SoftAP devices as access points of a fake NetworkManager on the bus in "
        "DBUS_SYSTEM_BUS_ADDRESS (or --bus) and serve each on its own gateway address 127.0.0.(2+i).");
    opt({ QStringLiteral("nm-interfaces") }, "Wi-Fi interfaces of the fake NetworkManager (wlan0...).", "n",
        "1");
    opt({ QStringLiteral("nm-scenario") },
        "Fake NetworkManager scenario (repeatable): activation-hang|dhcp-hang|ap-vanish-after-apply|"
        "ap-moves-after-apply|wifi-disabled|permission-denied.",
        "name");
    opt({ QStringLiteral("nm-scan-delay") }, "RequestScan -> LastScan update, ms.", "ms", "400");
    opt({ QStringLiteral("nm-step-delay") }, "Delay between activation states, ms.", "ms", "60");
    opt({ QStringLiteral("nm-vanish-delay") }, "ApplyConfig -> access point gone (ap-*-after-apply), ms.",
        "ms", "300");
    opt({ QStringLiteral("softap-port") }, "--nm: HTTP port of every device on its gateway address.", "port",
        "80");
    opt({ QStringLiteral("realistic-timings") },
        "Defaults for a real line: Wi-Fi connect 2000 ms, DHCP 500 ms, BLE connect 800 ms, 40 ms per GATT "
        "operation (explicit --connect-delay, --dhcp-delay, --ble-connect-delay, --ble-op-delay win).");
    opt({ QStringLiteral("name-pattern") },
        "Tray: service names from a printf-style pattern with %d or %0Nd (1-based), e.g. PROV_T%03d; "
        "without a conversion the 3-digit index is appended.",
        "pattern");
    opt({ QStringLiteral("transport") }, "Tray: softap, ble or both (alternating, odd indexes softap).",
        "kind");
    opt({ QStringLiteral("app-version") }, "Tray: application version in proto-ver (\"app\").", "version");
    opt({ QStringLiteral("rssi") }, "Tray: RSSI of the tray's BLE devices, dBm.", "dbm");
    opt({ QStringLiteral("seed") }, "Tray: seed that picks the faulty devices (default 1).", "n");
    opt({ QStringLiteral("fault-firmware") },
        "Tray: fraction 0..1 of devices announcing a wrong app version.", "rate");
    opt({ QStringLiteral("fault-pop") }, "Tray: fraction 0..1 of devices whose PoP/password differs.",
        "rate");
    opt({ QStringLiteral("fault-link-drop") },
        "Tray: fraction 0..1 of devices dropping the link after Apply.", "rate");
    opt({ QStringLiteral("fault-wifi-auth") },
        "Tray: fraction 0..1 of devices whose network refuses the passphrase.", "rate");
    opt({ QStringLiteral("neighbours") }, "Tray: extra BLE devices of a neighbouring line (weak RSSI).", "k");
    opt({ QStringLiteral("neighbour-rssi") }, "Tray: RSSI of the neighbours, dBm (default -85).", "dbm");
    opt({ QStringLiteral("list-json") },
        "Print the fleet (one JSON line per device, with tray faults) and exit without serving.");
    opt({ QStringLiteral("verbose") }, "Log every request on stderr (never secrets).");
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
    const bool realistic = p.isSet(QStringLiteral("realistic-timings"));
    base.radio.connectDelayMs = (realistic && !p.isSet(QStringLiteral("connect-delay")))
        ? kRealisticWifiConnectMs
        : p.value(QStringLiteral("connect-delay")).toInt();
    base.radio.dhcpDelayMs = (realistic && !p.isSet(QStringLiteral("dhcp-delay")))
        ? kRealisticDhcpMs
        : p.value(QStringLiteral("dhcp-delay")).toInt();
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
    static const char *const trayFlags[] = { "name-pattern", "transport", "app-version", "rssi", "seed",
        "fault-firmware", "fault-pop", "fault-link-drop", "fault-wifi-auth", "neighbours", "neighbour-rssi" };
    const bool tray = std::any_of(std::begin(trayFlags), std::end(trayFlags),
        [&p](const char *name) { return p.isSet(QString::fromLatin1(name)); });
    if (tray && p.isSet(QStringLiteral("fleet")))
        return bad(QStringLiteral("tray flags and --fleet do not mix: put a \"tray\" in the fleet file"));
    if (tray) {
        auto fleet = trayFromCommandLine(p, base);
        if (!fleet)
            return fleet;
        if (auto r = completeBle(*fleet, p); !r)
            return r.error();
        return fleet;
    }
    if (p.isSet(QStringLiteral("fleet"))) {
        auto fleet = fleetFromFile(p.value(QStringLiteral("fleet")), base);
        if (!fleet)
            return fleet;
        if (auto r = completeBle(*fleet, p); !r)
            return r.error();
        return fleet;
    }

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
    if (auto r = completeBle(fleet, p); !r)
        return r.error();
    return fleet;
}

namespace {
QString macFor(const QByteArray &oui, const QString &serviceName)
{
    static const QRegularExpression hexSuffix(QStringLiteral("([0-9A-Fa-f]{6})$"));
    QByteArray low;
    if (const QRegularExpressionMatch m = hexSuffix.match(serviceName); m.hasMatch())
        low = QByteArray::fromHex(m.captured(1).toLatin1());
    else
        low = QCryptographicHash::hash(serviceName.toUtf8(), QCryptographicHash::Sha256).left(3);
    return QString::fromLatin1((oui + low).toHex(':').toUpper());
}
} // namespace

QString bleAddressFor(const QString &serviceName)
{
    return macFor(QByteArray::fromHex("240ac4"), serviceName);
}

QString softApBssidFor(const QString &serviceName)
{
    return macFor(QByteArray::fromHex("260ac4"), serviceName);
}

Result<FakeNetworkManager::Settings> nmSettingsFromCommandLine(const QCommandLineParser &p)
{
    FakeNetworkManager::Settings settings;
    bool ok = false;
    settings.interfaces = p.value(QStringLiteral("nm-interfaces")).toInt(&ok);
    if (!ok || settings.interfaces < 0 || settings.interfaces > 16)
        return bad(QStringLiteral("--nm-interfaces must be 0..16"));
    auto ms = [&p](const char *name, int *out) -> bool {
        bool good = false;
        *out = p.value(QString::fromLatin1(name)).toInt(&good);
        return good && *out >= 0 && *out <= 600000;
    };
    if (!ms("nm-scan-delay", &settings.scanDelayMs) || !ms("nm-step-delay", &settings.stepDelayMs)
        || !ms("nm-vanish-delay", &settings.vanishDelayMs))
        return bad(QStringLiteral("--nm-*-delay take milliseconds"));
    for (const QString &text : p.values(QStringLiteral("nm-scenario"))) {
        auto scenario = parseNmScenario(text);
        if (!scenario)
            return scenario.error();
        settings.scenarios.append(*scenario);
    }
    return settings;
}

Result<FakeBluez::Settings> bleSettingsFromCommandLine(const QCommandLineParser &p)
{
    FakeBluez::Settings settings;
    auto ms = [&p](const char *name, int *out) -> bool {
        bool ok = false;
        *out = p.value(QString::fromLatin1(name)).toInt(&ok);
        return ok && *out >= 0 && *out <= 600000;
    };
    if (!ms("ble-connect-delay", &settings.timings.connectDelayMs)
        || !ms("ble-op-delay", &settings.timings.opDelayMs)
        || !ms("ble-advertise-interval", &settings.timings.advertiseIntervalMs)
        || !ms("ble-scan-delay", &settings.timings.scanDelayMs) || settings.timings.advertiseIntervalMs == 0)
        return bad(
            QStringLiteral("--ble-*-delay and --ble-advertise-interval take milliseconds (interval > 0)"));
    if (p.isSet(QStringLiteral("realistic-timings"))) {
        if (!p.isSet(QStringLiteral("ble-connect-delay")))
            settings.timings.connectDelayMs = kRealisticBleConnectMs;
        if (!p.isSet(QStringLiteral("ble-op-delay")))
            settings.timings.opDelayMs = kRealisticBleOpMs;
    }
    for (const QString &text : p.values(QStringLiteral("ble-scenario"))) {
        auto scenario = parseBleScenario(text);
        if (!scenario)
            return scenario.error();
        settings.poweredOff |= scenario->kind == BleScenarioKind::AdapterOff;
        settings.adapterAbsent |= scenario->kind == BleScenarioKind::AdapterAbsent;
    }
    return settings;
}
