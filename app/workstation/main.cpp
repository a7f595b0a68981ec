// SPDX-License-Identifier: Apache-2.0
// prov-workstation entry point: parses the command line, builds the controller graph (Workstation)
// and hands it to Main.qml as required properties.
#include "workstation.h"

#include "prov/softap.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QUrl>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("prov"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("prov.invalid"));
    QCoreApplication::setApplicationName(QStringLiteral("prov-workstation"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PROV_VERSION));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Provisioning workstation"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Puts ESP-IDF Wi-Fi devices on their network (unified provisioning over SoftAP)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption record(QStringLiteral("record"),
        QStringLiteral("Factory record SQLite file (default: %1).").arg(Workstation::defaultRecordPath()),
        QStringLiteral("path"));
    const QCommandLineOption manifest(QStringLiteral("manifest"),
        QStringLiteral("JSON-lines device manifest to load (prov-sim's output)."), QStringLiteral("file"));
    const QCommandLineOption station(QStringLiteral("station"),
        QStringLiteral("Station name for this run (overrides the stored one)."), QStringLiteral("name"));
    const QCommandLineOption softApPort(QStringLiteral("softap-port"),
        QStringLiteral(
            "HTTP port of SoftAP devices joined through NetworkManager, for this run (overrides the "
            "stored setting; default 80)."),
        QStringLiteral("port"));
    parser.addOptions({ record, manifest, station, softApPort });
    parser.process(app);

    WorkstationOptions options;
    options.recordPath = parser.value(record);
    options.manifestPath = parser.value(manifest);
    options.station = parser.value(station);
    if (parser.isSet(softApPort)) {
        bool ok = false;
        options.softApPort = parser.value(softApPort).toInt(&ok);
        if (!ok || options.softApPort < 1 || options.softApPort > 65535) {
            std::fprintf(stderr, "prov-workstation: --softap-port must be 1..65535\n");
            return 2;
        }
    }

    Workstation::applyStyle();
    int status = 0;
    {
        Workstation workstation(options);
        QQmlApplicationEngine engine;
        Workstation::prepareEngine(&engine);
        engine.setInitialProperties(workstation.initialProperties());
        engine.load(QUrl(Workstation::mainQmlUrl()));
        if (engine.rootObjects().isEmpty())
            return 1;
        status = app.exec();
        // Give the Wi-Fi interface back before exiting (a device's SoftAP joined through NetworkManager).
        workstation.shutdown();
    }
    // A line job that was still running gave its joined SoftAP to a link of its own when the workstation
    // went: wait for those too (each gives its interface back within kLeaveTimeoutMs).
    prov::SoftApLink::waitForInterfacesReleased(prov::SoftApLink::kLeaveTimeoutMs);
    return status;
}
