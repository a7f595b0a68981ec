// SPDX-License-Identifier: Apache-2.0
// RecordsPage.qml against the real RecordsController (offscreen): it loads without QML warnings,
// lists the first page, pages in more when scrolled to the end, filters by name as the user
// types, shows the selected record's details, moves the selection with the keyboard, shows a
// failure in the advice table's words (not its code name), keeps every column visible at the
// smallest window (1024x700: the page is 848 px wide next to the sidebar) and leaves screenshots
// for review. With a LabelController, "Reprint label" reprints the selected record's label.
#include "labels/labelcontroller.h"
#include "records/recordlog.h"
#include "records/recordscontroller.h"
#include "settings/settingscontroller.h"

#include "session/erroradvice.h"

#include "recordtesthelpers.h"

#include <QDateTime>
#include <QQmlContext>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickView>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

using namespace prov;

namespace {
/// Loads RecordsPage.qml into `view` (1280x800) with `properties` and shows it; false when it does not
/// load or show.
bool showPage(QQuickView &view, const QVariantMap &properties)
{
    view.setInitialProperties(properties);
    view.setResizeMode(QQuickView::SizeRootObjectToView);
    view.resize(1280, 800);
    view.setSource(QUrl(QStringLiteral("qrc:/qt/qml/Prov/Workstation/RecordsPage.qml")));
    if (view.status() != QQuickView::Ready)
        return false;
    view.show();
    return QTest::qWaitForWindowExposed(&view);
}
} // namespace

class TestRecordsPage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void showsPagesFiltersAndDetails();
    void reprintsTheSelectedRecordsLabel();
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
            ProvisioningRecord r = recordtest::makeRecord(i, now - qint64(1200 - i) * 30'000,
                RecordOutcome(1 + i % 4),
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
    QVERIFY2(showPage(view, { { QStringLiteral("controller"), QVariant::fromValue(&controller) } }),
        qPrintable(QDebug::toString(view.errors())));
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
    const QString shotPath = QDir(QStringLiteral(QT_TESTCASE_BUILDDIR))
                                 .filePath(QStringLiteral("recordspage.png"));
    QVERIFY(shot.save(shotPath));
    qInfo("screenshot: %s", qPrintable(shotPath));

    // Keyboard: Down moves the selection (the details follow), Enter opens the details, Esc
    // returns to the table.
    list->forceActiveFocus();
    QTRY_VERIFY(list->hasActiveFocus());
    QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(list->property("currentIndex").toInt(), 1);
    QTRY_COMPARE(controller.selectedRecord().value(QStringLiteral("serviceName")).toString(),
        QStringLiteral("LAMP_1007"));
    auto *details = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("recordDetails"));
    QVERIFY(details);
    QTest::keyClick(&view, Qt::Key_Return);
    QTRY_VERIFY(details->hasActiveFocus());
    QTest::keyClick(&view, Qt::Key_Escape);
    QTRY_VERIFY(list->hasActiveFocus());
    QTest::keyClick(&view, Qt::Key_Up);
    QCOMPARE(list->property("currentIndex").toInt(), 0);

    // Failures read as the advice table's headline; the code name stays out of the table.
    const QString headline = ws::adviceFor(ErrorCode::WifiAuthError, ws::ErrorContext::Any).headline;
    QVERIFY(!headline.isEmpty());
    controller.setNameFilter(QString());
    controller.setOutcomeFilter(RecordsController::OutcomeFilter::Failed);
    QTRY_COMPARE(controller.totalCount(), 300);
    QTRY_VERIFY(list->property("count").toInt() > 0);
    QCOMPARE(
        controller.model()->data(controller.model()->index(0), RecordsModel::FailureHeadlineRole).toString(),
        headline);
    QCOMPARE(controller.model()->data(controller.model()->index(0), RecordsModel::FailureNameRole).toString(),
        QStringLiteral("wifi_auth_error"));
    // Delegates are visual children only (no QObject parent): walk the item tree.
    const auto labelsNamed = [list](const QString &name) {
        QList<QQuickItem *> found;
        QList<QQuickItem *> todo { list };
        while (!todo.isEmpty()) {
            QQuickItem *item = todo.takeLast();
            if (item->objectName() == name && item->isVisible())
                found << item;
            todo << item->childItems();
        }
        return found;
    };
    QTRY_VERIFY(!labelsNamed(QStringLiteral("failureHeadline")).isEmpty());
    for (QQuickItem *label : labelsNamed(QStringLiteral("failureHeadline")))
        QCOMPARE(label->property("text").toString(), headline);
    list->setProperty("currentIndex", 0);
    QTRY_COMPARE(controller.selectedRecord().value(QStringLiteral("failureHeadline")).toString(), headline);

    // The smallest window: every column keeps its room, the service name stays readable and the
    // duration ends inside the table.
    QVERIFY2(view.rootObject()->implicitWidth() <= 848,
        qPrintable(QString::number(view.rootObject()->implicitWidth())));
    view.resize(848, 700);
    QTRY_COMPARE(list->width() < 640, true);
    QTest::qWait(50);
    const QList<QQuickItem *> names = labelsNamed(QStringLiteral("recordName"));
    QVERIFY(!names.isEmpty());
    for (QQuickItem *label : names)
        QVERIFY2(label->width() >= 100, qPrintable(QString::number(label->width())));
    for (QQuickItem *label : labelsNamed(QStringLiteral("failureHeadline")))
        QVERIFY(label->width() >= 100);
    for (QQuickItem *label : labelsNamed(QStringLiteral("recordDuration"))) {
        QVERIFY(label->width() >= 50);
        const QPointF right = label->mapToItem(list, QPointF(label->width(), 0));
        QVERIFY2(right.x() <= list->width(), qPrintable(QString::number(right.x())));
    }
    const QImage small = view.grabWindow();
    const QString smallPath = QDir(QStringLiteral(QT_TESTCASE_BUILDDIR))
                                  .filePath(QStringLiteral("recordspage-1024.png"));
    QVERIFY(small.save(smallPath));
    qInfo("screenshot: %s", qPrintable(smallPath));
}

/// "Reprint label" (button and Ctrl+P) with a real LabelController: shown for a selected record, it
/// says that the QR code will not carry the PoP (the workstation holds no credentials for the device),
/// and it writes the record's label.
void TestRecordsPage::reprintsTheSelectedRecordsLabel()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("records.sqlite"));
    {
        auto store = RecordStore::openSqlite(path);
        QVERIFY(store);
        QVERIFY((*store)->insertRecords({ recordtest::makeRecord(1, QDateTime::currentMSecsSinceEpoch(),
            RecordOutcome::Provisioned, QStringLiteral("PROV_REPRINT")) }));
    }
    RecordLog log;
    RecordsController controller(&log);
    log.open(path);
    SettingsController settings(
        std::make_unique<QSettings>(dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat),
        path);
    LabelController labels(&settings, nullptr);
    labels.setRecordsController(&controller);
    labels.setPdfFolder(dir.filePath(QStringLiteral("labels")));

    QQuickView view;
    QVERIFY2(showPage(view,
                 { { QStringLiteral("controller"), QVariant::fromValue(&controller) },
                     { QStringLiteral("labels"), QVariant::fromValue(&labels) } }),
        qPrintable(QDebug::toString(view.errors())));
    auto *button = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("reprintLabelButton"));
    auto *note = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("reprintNote"));
    QVERIFY(button && note);
    QVERIFY(!button->isVisible());

    auto *list = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("recordsList"));
    QVERIFY(list);
    QTRY_COMPARE(list->property("count").toInt(), 1);
    list->setProperty("currentIndex", 0);
    QTRY_VERIFY(button->isVisible());
    QVERIFY(note->property("text").toString().contains(QStringLiteral("not carry the PoP")));

    QSignalSpy printed(&labels, &LabelController::printed);
    QTest::keyClick(&view, Qt::Key_P, Qt::ControlModifier);
    QTRY_COMPARE(printed.size(), 1);
    QCOMPARE(printed.first().at(0).toString(), QStringLiteral("PROV_REPRINT"));
    QVERIFY2(printed.first().at(1).toBool(), qPrintable(printed.first().at(4).toString()));
    QVERIFY(QFileInfo::exists(printed.first().at(2).toString()));
}

QTEST_MAIN(TestRecordsPage)
#include "tst_recordspage.moc"
