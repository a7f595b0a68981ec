// SPDX-License-Identifier: Apache-2.0
// DevicePage against the real controllers instead of QML fakes: the whole app (Main.qml, wired by
// Workstation exactly as main.cpp wires it) over prov-sim's demo fleet, offscreen. The page's
// Connect button drives the real DeviceSession; the header and the device facts show what the
// session learnt (proto-ver, Security 2 patch 1, docs/protocol.md §2.3), the transport as text.
#include "demoworkstation.h"
#include "simfleet.h"
#include "workstation.h"

#include "session/devicecontroller.h"
#include "session/devicesession.h"

#include <QFile>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <memory>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

class TestDevicePageReal : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void connectButtonShowsTheFacts();
    void deviceRowsShowTheTransport();
    void cleanupTestCase();

private:
    QObject *pageChild(const char *objectName) const;

    QTemporaryDir m_dir;
    std::unique_ptr<SimFleet> m_fleet;
    std::unique_ptr<Workstation> m_ws;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QObject *m_page = nullptr;
};

void TestDevicePageReal::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("prov-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_devicepage_real"));
    m_fleet = std::make_unique<SimFleet>(
        QStringList { QStringLiteral("--fleet"), SimFleet::demoFleetPath() });
    QVERIFY2(m_fleet->start(), qPrintable(m_fleet->errorString()));
    // No Bluetooth here (as tst_app_headless): a system bus address where no bus listens.
    qputenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + m_dir.filePath(QStringLiteral("no-bus")).toLocal8Bit());
    QString error;
    const std::optional<WorkstationOptions> options = demoWorkstationOptions(
        *m_fleet, QDir(m_dir.path()), QStringLiteral("ci-station"), &error);
    QVERIFY2(options, qPrintable(error));
    Workstation::applyStyle();
    m_ws = std::make_unique<Workstation>(*options);

    m_engine = std::make_unique<QQmlApplicationEngine>();
    Workstation::prepareEngine(m_engine.get());
    m_engine->setInitialProperties(m_ws->initialProperties());
    m_engine->load(QUrl(Workstation::mainQmlUrl()));
    QVERIFY(!m_engine->rootObjects().isEmpty());
    auto *window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
    QVERIFY(window);
    m_page = window->findChild<QObject *>(QStringLiteral("devicePage"));
    QVERIFY(m_page);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window));
    const QVariant devicePage = window->property("pageDevice");
    QVERIFY(devicePage.isValid());
    QVERIFY(QMetaObject::invokeMethod(window, "showPage", Q_ARG(QVariant, devicePage)));
}

QObject *TestDevicePageReal::pageChild(const char *objectName) const
{
    return m_page->findChild<QObject *>(QString::fromLatin1(objectName));
}

void TestDevicePageReal::connectButtonShowsTheFacts()
{
    QVERIFY(m_ws->deviceController()->select(QStringLiteral("PROV_DEMO02")));
    DeviceSession *session = m_ws->deviceController()->session();
    QVERIFY(session);
    QTRY_COMPARE(pageChild("deviceTitle")->property("text").toString(), QStringLiteral("PROV_DEMO02"));
    QVERIFY(pageChild("editAddressButton")->property("visible").toBool()); // SoftAP: editable
    QCOMPARE(pageChild("factProvVersion")->property("text").toString(), QStringLiteral("—"));

    QObject *connect = pageChild("connectButton");
    QVERIFY(connect);
    QVERIFY(connect->property("enabled").toBool());
    QSignalSpy finished(session, &DeviceSession::finished);
    QVERIFY(QMetaObject::invokeMethod(connect, "clicked"));
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().at(1).toInt(), 0);
    QVERIFY(session->isConnected());
    QCOMPARE(pageChild("factProvVersion")->property("text").toString(), session->provVersion());
    QCOMPARE(pageChild("factSecurity")->property("text").toString(), QStringLiteral("Security 2, patch 1"));
    QVERIFY(!pageChild("errorBanner")->property("visible").toBool());
}

void TestDevicePageReal::deviceRowsShowTheTransport()
{
    auto *window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
    QVERIFY(QMetaObject::invokeMethod(window, "showPage", Q_ARG(QVariant, window->property("pageDevices"))));
    QObject *list = window->findChild<QObject *>(QStringLiteral("deviceList"));
    QVERIFY(list);
    QTRY_VERIFY(list->property("count").toInt() >= 4);
    // The real model's typed transport role reaches the row as a Transport.* value, its text as text.
    QQuickItem *row = nullptr;
    QTRY_VERIFY(QMetaObject::invokeMethod(list, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, row), Q_ARG(int, 0))
        && row);
    QCOMPARE(row->property("transport").toInt(), int(prov::TransportKind::SoftAp));
    QCOMPARE(row->property("transportText").toString(), QStringLiteral("SoftAP"));
}

void TestDevicePageReal::cleanupTestCase()
{
    m_engine.reset(); // the pages first: they bind to the controllers
    m_ws.reset();
    m_fleet.reset();
}

QTEST_MAIN(TestDevicePageReal)
#include "tst_devicepage_real.moc"
