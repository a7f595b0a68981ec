// SPDX-License-Identifier: Apache-2.0
// ws-startup-probe: the workstation's start-up path exactly as main.cpp runs it (application,
// Workstation composition, QML engine, Main.qml), which prints the milliseconds since process
// start at the first QQuickWindow::frameSwapped() and quits. Driven by bench_ws_startup; it is
// a separate executable so that the product has no benchmark switch.
//
//   ws-startup-probe RECORD_PATH SETTINGS_FILE [MANIFEST]
#include "workstation.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>
#include <ctime>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

namespace {
/// Wall-clock ms since the epoch, to compare with the driver's spawn time.
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("prov"));
    QCoreApplication::setApplicationName(QStringLiteral("prov-workstation-startup-probe"));
    const QStringList args = app.arguments();
    if (args.size() < 3) {
        std::fprintf(stderr, "usage: ws-startup-probe RECORD_PATH SETTINGS_FILE [MANIFEST]\n");
        return 2;
    }
    WorkstationOptions options;
    options.recordPath = args.at(1);
    options.settingsFile = args.at(2);
    options.manifestPath = args.value(3);

    Workstation::applyStyle();
    Workstation workstation(options);
    QQmlApplicationEngine engine;
    Workstation::prepareEngine(&engine);
    engine.setInitialProperties(workstation.initialProperties());
    QObject::connect(&engine, &QQmlApplicationEngine::objectCreated, &app, [&app](QObject *root) {
        auto *window = qobject_cast<QQuickWindow *>(root);
        if (!window) {
            std::fprintf(stderr, "Main.qml did not load\n");
            app.exit(1);
            return;
        }
        QObject::connect(
            window, &QQuickWindow::frameSwapped, &app,
            [&app] {
                std::printf("first_frame_epoch_ms %lld\n", static_cast<long long>(nowMs()));
                std::fflush(stdout);
                app.quit();
            },
            Qt::SingleShotConnection);
    });
    engine.load(QUrl(Workstation::mainQmlUrl()));
    if (engine.rootObjects().isEmpty())
        return 1;
    return app.exec();
}
