// SPDX-License-Identifier: Apache-2.0
// The keyboard-wedge field on the Devices page, in the real app window (Workstation composition,
// offscreen): a handheld scanner "types" a full JSON QR payload in one burst and presses Enter.
// Every character must land in the field (no shortcut fires mid-payload) and the device must be
// added; Ctrl+V inside the field pastes text instead of triggering the window's Paste shortcut.
#include "workstation.h"

#include "devices/devicelistmodel.h"
#include "devices/qrsource.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

namespace {
const QString kPayload = QStringLiteral(
    R"({"ver":"v1","name":"PROV_5C3A91","username":"wifiprov","pop":"a1b2c3d4","transport":"softap","security":2})");
const QString kPayload2 = QStringLiteral(
    R"({"ver":"v1","name":"PROV_77E0F1","pop":"zz99yy88","transport":"softap"})");
/// QTest::keyClicks() exists for widgets only: type `text` into the window key by key, with no
/// delay between keys (press + release per character, as a USB HID scanner does).
void typeBurst(QWindow *window, const QString &text)
{
    for (QChar c : text)
        QTest::keyClick(window, c.toLatin1());
}
} // namespace

class TestWedge : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void wedgeHasFocusAtStart();
    void scannerBurstArrivesWholeAndAddsDevice();
    void malformedScanIsReportedAndFieldStaysFocused();
    void ctrlVInsideFieldPastesText();
    void secondScanOfSameDeviceMerges();
    void pasteShortcutOutsideFieldSubmitsClipboard();

private:
    QQuickItem *wedge() const;
    QTemporaryDir m_dir;
    std::unique_ptr<Workstation> m_ws;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

QQuickItem *TestWedge::wedge() const
{
    return m_window->findChild<QQuickItem *>(QStringLiteral("wedgeField"));
}

void TestWedge::initTestCase()
{
    QCoreApplication::setOrganizationName(QStringLiteral("prov-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_wedge"));
    WorkstationOptions options;
    options.recordPath = m_dir.filePath(QStringLiteral("record.sqlite"));
    options.settingsFile = m_dir.filePath(QStringLiteral("settings.ini"));
    Workstation::applyStyle();
    m_ws = std::make_unique<Workstation>(options);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    Workstation::prepareEngine(m_engine.get());
    m_engine->setInitialProperties(m_ws->initialProperties());
    m_engine->load(QUrl(Workstation::mainQmlUrl()));
    QVERIFY(!m_engine->rootObjects().isEmpty());
    m_window = qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
    QVERIFY(m_window);
    m_window->requestActivate();
    QVERIFY(QTest::qWaitForWindowExposed(m_window));
    QVERIFY(QTest::qWaitForWindowActive(m_window));
    QVERIFY(wedge());
}

void TestWedge::cleanupTestCase()
{
    m_engine.reset();
    m_ws.reset();
}

void TestWedge::wedgeHasFocusAtStart()
{
    QTRY_VERIFY(wedge()->hasActiveFocus());
    QCOMPARE(m_window->property("currentPage").toInt(), 0);
}

void TestWedge::scannerBurstArrivesWholeAndAddsDevice()
{
    QQuickItem *field = wedge();
    QTRY_VERIFY(field->hasActiveFocus());
    QSignalSpy accepted(m_ws->qrSource(), &QrSource::accepted);

    // One burst, no pauses between keys: what a handheld scanner sends.
    typeBurst(m_window, kPayload);
    QCOMPARE(field->property("text").toString(), kPayload); // every character arrived, in order
    QCOMPARE(m_window->property("currentPage").toInt(), 0); // no shortcut switched pages
    QCOMPARE(accepted.size(), 0);
    QCOMPARE(m_ws->deviceModel()->rowCount(), 0);

    QTest::keyClick(m_window, Qt::Key_Return);
    QCOMPARE(accepted.size(), 1);
    QCOMPARE(m_ws->deviceModel()->rowCount(), 1);
    const auto entry = m_ws->deviceModel()->entry(QStringLiteral("PROV_5C3A91"));
    QVERIFY(entry);
    QCOMPARE(entry->credentials.pop, QByteArray("a1b2c3d4"));
    QCOMPARE(entry->credentials.username, QByteArray("wifiprov"));
    QCOMPARE(*entry->secVer, 2);
    QCOMPARE(field->property("text").toString(), QString()); // cleared: the PoP does not linger
    QVERIFY(field->hasActiveFocus()); // ready for the next scan
    auto *message = m_window->findChild<QQuickItem *>(QStringLiteral("wedgeMessage"));
    QVERIFY(message->property("text").toString().contains(QStringLiteral("PROV_5C3A91")));
}

void TestWedge::malformedScanIsReportedAndFieldStaysFocused()
{
    QQuickItem *field = wedge();
    QSignalSpy rejected(m_ws->qrSource(), &QrSource::rejected);
    const int rows = m_ws->deviceModel()->rowCount();
    typeBurst(m_window, QStringLiteral(R"({"ver":"v1","transport":"softap"})"));
    QTest::keyClick(m_window, Qt::Key_Enter);
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(m_ws->deviceModel()->rowCount(), rows);
    auto *message = m_window->findChild<QQuickItem *>(QStringLiteral("wedgeMessage"));
    QVERIFY(message->property("text").toString().contains(QStringLiteral("name")));
    QVERIFY(field->hasActiveFocus());
    QCOMPARE(field->property("text").toString(), QString());
}

void TestWedge::ctrlVInsideFieldPastesText()
{
    QQuickItem *field = wedge();
    QTRY_VERIFY(field->hasActiveFocus());
    QGuiApplication::clipboard()->setText(kPayload2);
    QSignalSpy accepted(m_ws->qrSource(), &QrSource::accepted);
    QTest::keyClick(m_window, Qt::Key_V, Qt::ControlModifier);
    // The field took Ctrl+V (ShortcutOverride) and pasted; the window's paste shortcut did not run.
    QCOMPARE(field->property("text").toString(), kPayload2);
    QCOMPARE(accepted.size(), 0);
    QTest::keyClick(m_window, Qt::Key_Return);
    QCOMPARE(accepted.size(), 1);
    QVERIFY(m_ws->deviceModel()->entry(QStringLiteral("PROV_77E0F1")));
}

void TestWedge::secondScanOfSameDeviceMerges()
{
    const int rows = m_ws->deviceModel()->rowCount();
    typeBurst(m_window, kPayload);
    QTest::keyClick(m_window, Qt::Key_Return);
    QCOMPARE(m_ws->deviceModel()->rowCount(), rows);
}

void TestWedge::pasteShortcutOutsideFieldSubmitsClipboard()
{
    // With the focus elsewhere (the device list), Ctrl+V is the window's "paste QR" shortcut.
    auto *list = m_window->findChild<QQuickItem *>(QStringLiteral("deviceList"));
    QVERIFY(list);
    list->forceActiveFocus();
    QVERIFY(!wedge()->hasActiveFocus());
    const QString payload = QStringLiteral(R"({"ver":"v1","name":"PROV_C11B0A","transport":"softap"})");
    QGuiApplication::clipboard()->setText(payload);
    QSignalSpy accepted(m_ws->qrSource(), &QrSource::accepted);
    QTest::keyClick(m_window, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(accepted.size(), 1);
    QVERIFY(m_ws->deviceModel()->entry(QStringLiteral("PROV_C11B0A")));
    QCOMPARE(wedge()->property("text").toString(), QString());
    QTRY_VERIFY(wedge()->hasActiveFocus()); // showPage(Devices) gives the focus back to the wedge
}

QTEST_MAIN(TestWedge)
#include "tst_wedge.moc"
