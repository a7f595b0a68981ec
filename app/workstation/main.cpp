// SPDX-License-Identifier: Apache-2.0
// prov-workstation entry point: builds the controllers and hands them to Main.qml as required properties.
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QUrl>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QQmlApplicationEngine engine;
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Prov/Workstation/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    return app.exec();
}
