// SPDX-License-Identifier: Apache-2.0
// Whole-process memory of the Records page (bench/record/RESULTS.md): a QGuiApplication
// (offscreen unless QT_QPA_PLATFORM says otherwise) with RecordsPage.qml shown in a 1280x800
// window on the real RecordsController, over a store of N records (default 10,000), all of them
// fetched into RecordsModel page by page. Prints VmRSS/VmHWM from /proc/self/status at each stage
// and one JSON line at the end.
//
//   bench_record_memory [N]

#include "records/recordlog.h"
#include "records/recordscontroller.h"
#include "records/recordsmodel.h"

#include "prov/record.h"

#include "benchrecords.h"

#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QQuickItem>
#include <QQuickView>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(Prov_WorkstationPlugin)

namespace {

// kB of a /proc/self/status field ("VmRSS", "VmHWM").
qint64 procStatusKb(const char *field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

void report(const char *stage)
{
    std::printf("%-28s VmRSS %7.1f MiB  VmHWM %7.1f MiB\n", stage, procStatusKb("VmRSS") / 1024.0,
        procStatusKb("VmHWM") / 1024.0);
    std::fflush(stdout);
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const int n = argc > 1 ? QByteArray(argv[1]).toInt() : 10'000;
    report("application");

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("records.sqlite"));
    {
        auto store = prov::RecordStore::openSqlite(path);
        if (!store)
            qFatal("open: %s", qPrintable(store.error().toString()));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QList<prov::ProvisioningRecord> batch;
        for (int i = 0; i < n; ++i)
            batch.append(benchrecords::makeRecord(i, now - qint64(i) * 60'000));
        if (!(*store)->insertRecords(batch))
            qFatal("seed failed");
    }
    report("store seeded (closed)");

    RecordLog log;
    RecordsController controller(&log);
    controller.setTimeRange(RecordsController::TimeRange::AllTime);
    log.open(path);

    QQuickView view;
    view.setInitialProperties({ { QStringLiteral("controller"), QVariant::fromValue(&controller) } });
    view.setResizeMode(QQuickView::SizeRootObjectToView);
    view.resize(1280, 800);
    view.setSource(QUrl(QStringLiteral("qrc:/qt/qml/Prov/Workstation/RecordsPage.qml")));
    if (view.status() != QQuickView::Ready)
        qFatal("RecordsPage.qml did not load");
    view.show();
    if (!QTest::qWaitFor([&] { return controller.totalCount() == n; }, 20000))
        qFatal("first page did not arrive");
    report("page shown, first page");

    QElapsedTimer timer;
    timer.start();
    RecordsModel *model = controller.model();
    while (model->loadedCount() < n) {
        model->fetchNextPage();
        if (!QTest::qWaitFor([&] { return !model->busy(); }, 20000))
            qFatal("page did not arrive");
    }
    const qint64 fetchMs = timer.elapsed();
    // Scroll through the list so the view really builds delegates at both ends.
    auto *list = view.rootObject()->findChild<QQuickItem *>(QStringLiteral("recordsList"));
    QMetaObject::invokeMethod(list, "positionViewAtEnd");
    QTest::qWait(200);
    QMetaObject::invokeMethod(list, "positionViewAtBeginning");
    list->setProperty("currentIndex", 0);
    QTest::qWait(200);
    report("all rows fetched");
    const qint64 rssKb = procStatusKb("VmRSS");
    const qint64 hwmKb = procStatusKb("VmHWM");
    std::printf(
        "{\"records\":%d,\"loaded\":%d,\"fetch_all_ms\":%lld,\"vmrss_mib\":%.1f,\"vmhwm_mib\":%.1f}\n", n,
        model->loadedCount(), fetchMs, rssKb / 1024.0, hwmKb / 1024.0);
    return model->loadedCount() == n ? 0 : 1;
}
