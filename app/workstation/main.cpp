// SPDX-License-Identifier: Apache-2.0
// prov-workstation entry point: parses the command line, builds the controller graph (Workstation)
// and hands it to Main.qml as required properties.
#include "workstation.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QUrl>
#include <QtQml/QQmlExtensionPlugin>

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
    parser.addOptions({ record, manifest, station });
    parser.process(app);

    WorkstationOptions options;
    options.recordPath = parser.value(record);
    options.manifestPath = parser.value(manifest);
    options.station = parser.value(station);

    Workstation::applyStyle();
    Workstation workstation(options);
    QQmlApplicationEngine engine;
    Workstation::prepareEngine(&engine);
    engine.setInitialProperties(workstation.initialProperties());
    engine.load(QUrl(Workstation::mainQmlUrl()));
    if (engine.rootObjects().isEmpty())
        return 1;
    const int status = app.exec();
    // Give the Wi-Fi interface back before exiting (a device's SoftAP joined through NetworkManager).
    workstation.shutdown();
    return status;
}
