// SPDX-License-Identifier: Apache-2.0
// Qt Quick Test runner for tests/workstation/qml/tst_*.qml: the module's pages against QML fakes
// of the controllers (FakeSession.qml, FakeSettings.qml, ...), offscreen.
#include "workstation.h"

#include <QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest/quicktest.h>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable() { Workstation::applyStyle(); }
    void qmlEngineAvailable(QQmlEngine *engine) { Workstation::prepareEngine(engine); }
};

QUICK_TEST_MAIN_WITH_SETUP(tst_workstation_qml, Setup)
#include "tst_workstation_qml.moc"
