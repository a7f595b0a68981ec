// SPDX-License-Identifier: Apache-2.0
// prov-sim: serves simulated ESP-IDF provisioning devices over HTTP on 127.0.0.1, over BLE through
// a fake org.bluez on a private D-Bus, or as SoftAPs of a fake NetworkManager on that bus (--nm)
// (docs/protocol.md §14, docs/prov-sim.md). Each device prints one
// JSON line on stdout once it is served, then {"ready":true,"devices":N}.

#include "bluez/fakebluez.h"
#include "fleet.h"
#include "nm/fakenetworkmanager.h"

#include "prov/device.h"
#include "prov/httpdeviceserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDBusConnection>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>

using namespace prov;

namespace {
constexpr int kExitUsage = 2;
constexpr int kExitServe = 3;

/// The bus a fake daemon (@p what: "BLE" for org.bluez, "--nm" for org.freedesktop.NetworkManager)
/// goes on, or an empty string with *why set. Never the real system bus.
QString privateBusAddress(const QCommandLineParser &parser, const QString &what, QString *why)
{
    const QString address = parser.isSet(QStringLiteral("bus"))
        ? parser.value(QStringLiteral("bus"))
        : qEnvironmentVariable("DBUS_SYSTEM_BUS_ADDRESS");
    if (address.isEmpty()) {
        *why = QStringLiteral(
            "%1 needs a private bus: set DBUS_SYSTEM_BUS_ADDRESS (or --bus) to a dbus-daemon "
            "started for prov-sim; prov-sim never registers a fake daemon on the real system bus")
                   .arg(what);
        return {};
    }
    if (address.contains(QLatin1String("/run/dbus/system_bus_socket"))) {
        *why = QStringLiteral("%1 is the real system bus; start a private dbus-daemon for prov-sim")
                   .arg(address);
        return {};
    }
    return address;
}
} // namespace

int main(int argc, char *argv[])
{
    // Qt Bluetooth picks its BlueZ D-Bus LE backend only if `<org.bluez owner's exe> --version` parses
    // as a version >= 5.42 (bluez5_helper.cpp bluetoothdVersion()): answer like bluetoothd, first.
    for (int i = 1; i < argc; ++i) {
        if (qstrcmp(argv[i], "--version") == 0 || qstrcmp(argv[i], "-v") == 0) {
            std::printf("5.66\nprov-sim %s (fake bluetoothd, D-Bus API of BlueZ 5.66)\n", PROV_VERSION);
            return 0;
        }
    }

    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("prov-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROV_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Simulated ESP-IDF unified-provisioning devices (SoftAP/HTTP, or BLE through a fake "
                       "org.bluez on a private "
                       "D-Bus) for demos, training and tests."));
    parser.addHelpOption();
    parser.addOption(QCommandLineOption({ QStringLiteral("v"), QStringLiteral("version") },
        QStringLiteral("Print \"5.66\" (the BlueZ version Qt Bluetooth looks for) and "
                       "prov-sim's version.")));
    addFleetOptions(parser);
    parser.process(app);

    Result<QList<FleetDevice>> fleet = fleetFromCommandLine(parser);
    if (!fleet) {
        std::fprintf(stderr, "prov-sim: %s\n", qPrintable(fleet.error().detail));
        return kExitUsage;
    }
    const QHostAddress host(parser.value(QStringLiteral("host")));
    if (host.isNull()) {
        std::fprintf(stderr, "prov-sim: --host must be an IP address\n");
        return kExitUsage;
    }
    const bool verbose = parser.isSet(QStringLiteral("verbose"));
    if (parser.isSet(QStringLiteral("list-json"))) {
        // The fleet as it would be served, without serving it (no ports, no bus needed).
        QTextStream out(stdout);
        for (const FleetDevice &member : std::as_const(fleet.value())) {
            QJsonObject line = describeFleetDevice(member);
            line.insert(QStringLiteral("qr"), QString::fromUtf8(stickerQrPayload(member)));
            out << QJsonDocument(line).toJson(QJsonDocument::Compact) << Qt::endl;
        }
        return 0;
    }
    quint16 nextPort = quint16(parser.value(QStringLiteral("port")).toUInt());

    // BLE: explicitly asked for (--ble, --bus, --ble-scenario, --journal) it must work; BLE devices of a
    // fleet file without any bus are skipped so HTTP-only demos keep running.
    std::unique_ptr<FakeBluez> bluez;
    QString busAddress;
    const bool anyBle = std::any_of(
        fleet->begin(), fleet->end(), [](const FleetDevice &d) { return d.transport == TransportKind::Ble; });
    if (anyBle) {
        const bool bleRequested = parser.isSet(QStringLiteral("ble")) || parser.isSet(QStringLiteral("bus"))
            || parser.isSet(QStringLiteral("ble-scenario")) || parser.isSet(QStringLiteral("journal"))
            || parser.isSet(QStringLiteral("transport")) || parser.isSet(QStringLiteral("neighbours"));
        QString why;
        busAddress = privateBusAddress(parser, QStringLiteral("BLE"), &why);
        if (busAddress.isEmpty() && bleRequested) {
            std::fprintf(stderr, "prov-sim: %s\n", qPrintable(why));
            return kExitUsage;
        }
        if (busAddress.isEmpty()) {
            const qsizetype skipped = fleet->removeIf(
                [](const FleetDevice &d) { return d.transport == TransportKind::Ble; });
            std::fprintf(stderr, "prov-sim: skipping %d BLE device(s): %s\n", int(skipped), qPrintable(why));
        } else {
            Result<FakeBluez::Settings> settings = bleSettingsFromCommandLine(parser);
            if (!settings) {
                std::fprintf(stderr, "prov-sim: %s\n", qPrintable(settings.error().detail));
                return kExitUsage;
            }
            bluez = std::make_unique<FakeBluez>(*settings);
            if (verbose)
                bluez->setJournalEcho(
                    [](const QString &entry) { std::fprintf(stderr, "[bluez] %s\n", qPrintable(entry)); });
            if (parser.isSet(QStringLiteral("journal"))) {
                if (auto r = bluez->openJournalFile(parser.value(QStringLiteral("journal"))); !r) {
                    std::fprintf(stderr, "prov-sim: %s\n", qPrintable(r.error().detail));
                    return kExitUsage;
                }
            }
        }
    }
    if (fleet->isEmpty()) {
        std::fprintf(stderr, "prov-sim: no device left to serve\n");
        return kExitUsage;
    }

    // --nm: the SoftAP devices become access points of a fake NetworkManager on the private bus.
    std::unique_ptr<FakeNetworkManager> networkManager;
    QString nmBusAddress;
    quint16 softApPort = 0;
    if (parser.isSet(QStringLiteral("nm"))) {
        QString why;
        nmBusAddress = privateBusAddress(parser, QStringLiteral("--nm"), &why);
        if (nmBusAddress.isEmpty()) {
            std::fprintf(stderr, "prov-sim: %s\n", qPrintable(why));
            return kExitUsage;
        }
        Result<FakeNetworkManager::Settings> settings = nmSettingsFromCommandLine(parser);
        if (!settings) {
            std::fprintf(stderr, "prov-sim: %s\n", qPrintable(settings.error().detail));
            return kExitUsage;
        }
        bool ok = false;
        const uint port = parser.value(QStringLiteral("softap-port")).toUInt(&ok);
        if (!ok || port < 1 || port > 65535) {
            std::fprintf(stderr, "prov-sim: --softap-port must be 1..65535\n");
            return kExitUsage;
        }
        softApPort = quint16(port);
        networkManager = std::make_unique<FakeNetworkManager>(*settings);
        if (verbose)
            networkManager->setJournalEcho(
                [](const QString &entry) { std::fprintf(stderr, "[nm] %s\n", qPrintable(entry)); });
    }
    int softApIndex = 0;

    std::vector<std::unique_ptr<SimulatedDevice>> devices;
    std::vector<std::unique_ptr<HttpDeviceServer>> servers;
    QList<QJsonObject> lines;
    for (const FleetDevice &member : std::as_const(fleet.value())) {
        const DeviceConfig &config = member.config;
        auto device = SimulatedDevice::create(config);
        if (!device) {
            std::fprintf(stderr, "prov-sim: %s: %s\n", qPrintable(config.serviceName),
                qPrintable(device.error().detail));
            return kExitUsage;
        }
        const QString name = config.serviceName;
        if (verbose) {
            QObject::connect(device->get(), &SimulatedDevice::event, [name](const QString &line) {
                std::fprintf(stderr, "[%s] %s\n", qPrintable(name), qPrintable(line));
            });
        }
        if (member.transport == TransportKind::Ble) {
            bluez->addPeripheral(device->get(), member.bleConfig);
            QJsonObject line = describeFleetDevice(member);
            line.insert(QStringLiteral("qr"), QString::fromUtf8(stickerQrPayload(member)));
            lines.append(line);
            devices.push_back(std::move(device.value()));
            continue;
        }
        if (networkManager) {
            NmSoftApConfig softAp;
            softAp.ssid = name;
            softAp.bssid = softApBssidFor(name);
            softAp.password = member.softApPassword;
            softAp.gateway = QHostAddress(QStringLiteral("127.0.0.%1").arg(2 + softApIndex++));
            softAp.port = softApPort;
            softAp.strength = 40
                + quint8(QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).at(0)) % 51;
            networkManager->addSoftAp(device->get(), softAp);
            QJsonObject line = describeFleetDevice(member);
            line.insert(QStringLiteral("ssid"), softAp.ssid);
            line.insert(QStringLiteral("bssid"), softAp.bssid);
            line.insert(QStringLiteral("gateway"), softAp.gateway.toString());
            line.insert(QStringLiteral("port"), softAp.port);
            line.insert(QStringLiteral("softap_security"),
                softAp.password.isEmpty() ? QStringLiteral("open") : QStringLiteral("wpa2"));
            line.insert(QStringLiteral("qr"), QString::fromUtf8(stickerQrPayload(member)));
            lines.append(line);
            devices.push_back(std::move(device.value()));
            continue;
        }
        auto server = std::make_unique<HttpDeviceServer>(device->get());
        const quint16 wanted = member.port != 0 ? member.port : nextPort;
        if (!server->listen(host, wanted)) {
            std::fprintf(stderr, "prov-sim: %s: cannot listen on %s:%u: %s\n", qPrintable(config.serviceName),
                qPrintable(host.toString()), wanted, qPrintable(server->errorString()));
            return kExitServe;
        }
        if (member.port == 0 && nextPort != 0)
            ++nextPort;
        if (verbose) {
            QObject::connect(server.get(), &HttpDeviceServer::requestHandled, [name](const QString &line) {
                std::fprintf(stderr, "[%s] %s\n", qPrintable(name), qPrintable(line));
            });
        }
        QJsonObject line = describeFleetDevice(member);
        line.insert(QStringLiteral("host"), host.toString());
        line.insert(QStringLiteral("port"), server->port());
        line.insert(QStringLiteral("qr"), QString::fromUtf8(stickerQrPayload(member)));
        lines.append(line);
        devices.push_back(std::move(device.value()));
        servers.push_back(std::move(server));
    }

    if (bluez) {
        const QDBusConnection bus = QDBusConnection::connectToBus(
            busAddress, QStringLiteral("prov-sim-bluez"));
        if (auto r = bluez->start(bus); !r) {
            std::fprintf(stderr, "prov-sim: fake org.bluez on %s: %s\n", qPrintable(busAddress),
                qPrintable(r.error().detail));
            return kExitServe;
        }
    }

    if (networkManager) {
        const QDBusConnection bus = QDBusConnection::connectToBus(
            nmBusAddress, QStringLiteral("prov-sim-nm"));
        if (auto r = networkManager->start(bus); !r) {
            std::fprintf(stderr, "prov-sim: fake NetworkManager on %s: %s\n", qPrintable(nmBusAddress),
                qPrintable(r.error().detail));
            return kExitServe;
        }
    }

    QTextStream out(stdout);
    for (const QJsonObject &line : std::as_const(lines))
        out << QJsonDocument(line).toJson(QJsonDocument::Compact) << Qt::endl;
    out << QJsonDocument(
        QJsonObject { { QStringLiteral("ready"), true }, { QStringLiteral("devices"), int(devices.size()) } })
               .toJson(QJsonDocument::Compact)
        << Qt::endl;
    const int code = app.exec();
    bluez.reset(); // unpublish before the devices it serves go away
    networkManager.reset();
    return code;
}
