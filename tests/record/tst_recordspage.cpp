// SPDX-License-Identifier: Apache-2.0
// RecordsPage.qml against the real RecordsController (offscreen): it loads without QML warnings,
// lists the first page, pages in more when scrolled to the end, filters by name as the user
// types, shows the selected record's details, and leaves a screenshot for review.
#include "records/recordlog.h"
#include "records/recordscontroller.h"

#include "recordtesthelpers.h"

#include <QDateTime>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickView>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

using namespace prov;

class TestRecordsPage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void showsPagesFiltersAndDetails();
};

void TestRecordsPage::initTestCase()
{
    QTest::failOnWarning(QRegularExpression(QStringLiteral("qrc:/qt/qml/Prov/Workstation/")));
}

void TestRecordsPage::showsPagesFiltersAndDetails()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("records.sqlite"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    {
        auto store = RecordStore::openSqlite(path);
        QVERIFY(store);
        QList<ProvisioningRecord> records;
        for (int i = 0; i < 1200; ++i) {
            ProvisioningRecord r
                = recordtest::makeRecord(i, now - qint64(1200 - i) * 30'000, RecordOutcome(1 + i % 4),
                    i % 100 == 7 ? QStringLiteral("LAMP_%1").arg(i)
                                 : QStringLiteral("PROV_%1").arg(i, 4, 16, QLatin1Char('0')));
            if (i == 1199)
                r.customCalls = { { QStringLiteral("custom-data"), 12, 4, true, QByteArray("hello"),
                    QByteArray("ok"), 0 } };
            records << r;
        }
        QVERIFY((*store)->insertRecords(records));
    }

    RecordLog log;
    RecordsController controller(&log);
    log.open(path);

    QQuickView view;
    view.setInitialProperties({ { QStringLiteral("controller"), QVariant::fromValue(&controller) } });
    view.setResizeMode(QQuickView::SizeRootObjectToView);
    view.resize(1280, 800);
    view.setSource(QUrl(QStringLiteral("qrc:/qt/qml/Prov/Workstation/RecordsPage.qml")));
    QVERIFY2(view.status() == QQuickView::Ready, qPrintable(QDebug::toString(view.errors())));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    auto *timeRange = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("recordsTimeRange"));
    QVERIFY(timeRange);
    QCOMPARE(timeRange->property("currentValue").toInt(), int(RecordsController::TimeRange::Last7Days));

    auto *list = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("recordsList"));
    QVERIFY(list);
    QTRY_COMPARE(list->property("count").toInt(), 500);
    QTRY_COMPARE(controller.totalCount(), 1200);
    auto *count = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("recordsCount"));
    QVERIFY(count);
    QCOMPARE(count->property("text").toString(), QStringLiteral("500 of 1200 records"));

    // Scrolling to the end pages in the next 500.
    QMetaObject::invokeMethod(list, "positionViewAtEnd");
    QTRY_COMPARE(list->property("count").toInt(), 1000);

    // Selecting the newest row (keyboard: Home via currentIndex) fills the details pane.
    list->setProperty("currentIndex", 0);
    QTRY_COMPARE(controller.selectedRecord().value(QStringLiteral("serviceName")).toString(),
        QStringLiteral("PROV_04af"));
    QCOMPARE(controller.selectedRecord().value(QStringLiteral("customCalls")).toList().size(), 1);

    // Typing in the name field filters (debounced) without touching anything else.
    auto *name = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("recordsNameFilter"));
    QVERIFY(name);
    name->forceActiveFocus();
    for (const char c : { 'l', 'a', 'm', 'p' })
        QTest::keyClick(&view, c);
    QCOMPARE(controller.nameFilter(), QStringLiteral("lamp"));
    QTRY_COMPARE(controller.totalCount(), 12);
    QTRY_COMPARE(list->property("count").toInt(), 12);
    QTRY_COMPARE(count->property("text").toString(), QStringLiteral("12 records"));

    list->setProperty("currentIndex", 0);
    QTRY_COMPARE(controller.selectedRecord().value(QStringLiteral("serviceName")).toString(),
        QStringLiteral("LAMP_1107"));
    QTest::qWait(50); // let the details pane lay out for the screenshot
    const QImage shot = view.grabWindow();
    QVERIFY(!shot.isNull());
    const QString shotPath
        = QDir(QStringLiteral(QT_TESTCASE_BUILDDIR)).filePath(QStringLiteral("recordspage.png"));
    QVERIFY(shot.save(shotPath));
    qInfo("screenshot: %s", qPrintable(shotPath));
}

QTEST_MAIN(TestRecordsPage)
#include "tst_recordspage.moc"
