// SPDX-License-Identifier: Apache-2.0
// prov-sim: serves simulated ESP-IDF provisioning devices over HTTP on 127.0.0.1 (protocol doc
// §14). Each device prints one JSON line on stdout when it is listening.

#include "fleet.h"

#include "prov/device.h"
#include "prov/httpdeviceserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>

using namespace prov;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("prov-sim"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROV_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Simulated ESP-IDF unified-provisioning devices (SoftAP/HTTP) for demos, training and tests."));
    parser.addHelpOption();
    parser.addVersionOption();
    addFleetOptions(parser);
    parser.process(app);

    Result<QList<FleetDevice>> fleet = fleetFromCommandLine(parser);
    if (!fleet) {
        std::fprintf(stderr, "prov-sim: %s\n", qPrintable(fleet.error().detail));
        return 2;
    }
    const QHostAddress host(parser.value(QStringLiteral("host")));
    if (host.isNull()) {
        std::fprintf(stderr, "prov-sim: --host must be an IP address\n");
        return 2;
    }
    const bool verbose = parser.isSet(QStringLiteral("verbose"));
    quint16 nextPort = quint16(parser.value(QStringLiteral("port")).toUInt());

    QTextStream out(stdout);
    std::vector<std::unique_ptr<SimulatedDevice>> devices;
    std::vector<std::unique_ptr<HttpDeviceServer>> servers;
    for (const FleetDevice &member : std::as_const(fleet.value())) {
        const DeviceConfig &config = member.config;
        auto device = SimulatedDevice::create(config);
        if (!device) {
            std::fprintf(stderr, "prov-sim: %s: %s\n", qPrintable(config.serviceName),
                         qPrintable(device.error().detail));
            return 2;
        }
        auto server = std::make_unique<HttpDeviceServer>(device->get());
        const quint16 wanted = member.port != 0 ? member.port : nextPort;
        if (!server->listen(host, wanted)) {
            std::fprintf(stderr, "prov-sim: %s: cannot listen on %s:%u: %s\n", qPrintable(config.serviceName),
                         qPrintable(host.toString()), wanted, qPrintable(server->errorString()));
            return 3;
        }
        if (member.port == 0 && nextPort != 0)
            ++nextPort;
        const QString name = config.serviceName;
        if (verbose) {
            QObject::connect(server.get(), &HttpDeviceServer::requestHandled, [name](const QString &line) {
                std::fprintf(stderr, "[%s] %s\n", qPrintable(name), qPrintable(line));
            });
            QObject::connect(device->get(), &SimulatedDevice::event, [name](const QString &line) {
                std::fprintf(stderr, "[%s] %s\n", qPrintable(name), qPrintable(line));
            });
        }
        QJsonArray faults;
        for (const FaultSpec &f : config.faults)
            faults.append(faultSpecToString(f));
        const QJsonObject line{
            {QStringLiteral("service_name"), name},
            {QStringLiteral("transport"), QStringLiteral("softap")},
            {QStringLiteral("host"), host.toString()},
            {QStringLiteral("port"), server->port()},
            {QStringLiteral("sec_ver"), config.secVer},
            {QStringLiteral("sec_patch_ver"), config.secVer == 2 ? config.sec2PatchVer : 0},
            {QStringLiteral("qr"), QString::fromUtf8((*device)->qrPayload(QStringLiteral("softap")))},
            {QStringLiteral("faults"), faults},
        };
        out << QJsonDocument(line).toJson(QJsonDocument::Compact) << Qt::endl;
        devices.push_back(std::move(device.value()));
        servers.push_back(std::move(server));
    }
    out << QJsonDocument(QJsonObject{{QStringLiteral("ready"), true}, {QStringLiteral("devices"), int(devices.size())}})
               .toJson(QJsonDocument::Compact)
        << Qt::endl;
    return app.exec();
}
