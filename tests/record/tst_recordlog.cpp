// SPDX-License-Identifier: Apache-2.0
// The workstation's record facade on its worker thread, driven from the test thread as the GUI
// would: calls return at once and run in order, the destructor drains queued writes, failures
// surface as storageFailed, batches (line mode) are written and read back, and RecordsModel /
// RecordsController page, filter, follow live changes and export.
#include "records/recordlog.h"
#include "records/recordscontroller.h"
#include "records/recordsmodel.h"
#include "session/devicecontroller.h"

#include "recordtesthelpers.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

using namespace prov;
using recordtest::makeRecord;

namespace {

// Seeds a store directly (before RecordLog opens it).
void seedStore(const QString &path, int n, qint64 newest)
{
    auto store = RecordStore::openSqlite(path);
    QVERIFY(store);
    QList<ProvisioningRecord> records;
    for (int i = 0; i < n; ++i) {
        records << makeRecord(i, newest - qint64(n - i) * 60'000, RecordOutcome(1 + i % 3),
            i % 10 == 0 ? QStringLiteral("LAMP_%1").arg(i) : QStringLiteral("PROV_%1").arg(i));
    }
    QVERIFY((*store)->insertRecords(records));
}

bool waitDrained(RecordLog &log)
{
    QSignalSpy drained(&log, &RecordLog::drained);
    const quint64 id = log.requestDrain();
    return QTest::qWaitFor(
        [&] {
            for (const QList<QVariant> &args : std::as_const(drained)) {
                if (args.at(0).toULongLong() == id)
                    return true;
            }
            return false;
        },
        10000);
}

} // namespace

class TestRecordLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void writesInCallOrderWithoutBlocking();
    void destructorDrainsQueuedWrites();
    void opensDirectoryPathAsStorageFailure();
    void reportsRefusedWritesAsStorageFailed();
    void writesBatchesAndOffersUnfinishedOnes();
    void modelPagesWithFetchMore();
    void modelFollowsLiveWrites();
    void controllerFiltersDebouncedAndSelects();
    void selectedDetailsFollowLiveWrites();
    void controllerExportsCsvAndJson();
    void controllerRejectsNonLocalExportTarget();
    void lineRecordOfflineKeepsWritingAndCountsTheBacklog();
    void lineRecordDroppedAtOnceAndDuplicateCheckWithoutOne();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestRecordLog::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("records.sqlite"));
}

void TestRecordLog::writesInCallOrderWithoutBlocking()
{
    RecordLog log;
    QSignalSpy opened(&log, &RecordLog::opened);
    QSignalSpy changed(&log, &RecordLog::recordChanged);
    QSignalSpy failed(&log, &RecordLog::storageFailed);
    log.open(m_path);
    QCOMPARE(log.path(), m_path);

    // Queued behind open(): everything below returns before any of it ran.
    AttemptStart start;
    start.serviceName = QStringLiteral("PROV_ORDER");
    start.transport = QStringLiteral("softap");
    const QString id = log.begin(start);
    QVERIFY(!id.isEmpty());
    QVERIFY(!QUuid::fromString(id).isNull());
    QCOMPARE(opened.size(), 0);
    log.setDeviceFacts(id, { QStringLiteral("{}"), QStringLiteral("fw-1"), 2, 1 });
    for (int i = 0; i < 200; ++i)
        log.addPhase(id, QStringLiteral("p%1").arg(i), i);
    log.addCustomCall(id, { QStringLiteral("custom-data"), 1, 1, false, {}, {}, 0 });
    AttemptEnd end;
    end.outcome = RecordOutcome::Provisioned;
    end.ssid = QStringLiteral("net");
    log.finish(id, end);

    QVERIFY(waitDrained(log));
    QCOMPARE(opened.size(), 1);
    QVERIFY(opened.at(0).at(0).value<Status>().has_value());
    QCOMPARE(failed.size(), 0);
    QCOMPARE(changed.size(), 1 + 1 + 200 + 1 + 1);
    for (const QList<QVariant> &args : std::as_const(changed))
        QCOMPARE(args.at(0).toString(), id);

    QSignalSpy fetched(&log, &RecordLog::recordFetched);
    const quint64 req = log.requestRecord(id);
    QTRY_COMPARE(fetched.size(), 1);
    QCOMPARE(fetched.at(0).at(0).toULongLong(), req);
    QVERIFY(fetched.at(0).at(2).value<Status>().has_value());
    const auto r = fetched.at(0).at(1).value<ProvisioningRecord>();
    QCOMPARE(r.phases.size(), 200);
    for (int i = 0; i < 200; ++i) {
        QCOMPARE(r.phases[i].phase, QStringLiteral("p%1").arg(i));
        QCOMPARE(r.phases[i].durationMs, i);
    }
    QCOMPARE(r.end.outcome, RecordOutcome::Provisioned);
    QVERIFY(r.start.startedAtMs > 0); // filled in by begin()
    QVERIFY(r.end.finishedAtMs >= r.start.startedAtMs); // filled in by finish()
    QCOMPARE(r.device.firmwareVersion, QStringLiteral("fw-1"));
    QCOMPARE(r.customCalls.size(), 1);
}

void TestRecordLog::destructorDrainsQueuedWrites()
{
    QString id;
    {
        RecordLog log;
        log.open(m_path);
        AttemptStart start;
        start.serviceName = QStringLiteral("PROV_DRAIN");
        id = log.begin(start);
        for (int i = 0; i < 100; ++i)
            log.addPhase(id, QStringLiteral("p%1").arg(i), i);
        AttemptEnd end;
        end.outcome = RecordOutcome::Failed;
        end.failureCode = int(ErrorCode::Timeout);
        log.finish(id, end);
        // Destroyed at once, with (almost) everything still queued.
    }
    auto store = RecordStore::openSqlite(m_path);
    QVERIFY(store);
    QCOMPARE((*store)->interruptedOnOpen(), 0);
    auto r = (*store)->record(id);
    QVERIFY(r);
    QCOMPARE(r->phases.size(), 100);
    QCOMPARE(r->end.outcome, RecordOutcome::Failed);
    QCOMPARE(r->end.failureCode, int(ErrorCode::Timeout));
}

void TestRecordLog::opensDirectoryPathAsStorageFailure()
{
    RecordLog log;
    QSignalSpy opened(&log, &RecordLog::opened);
    QSignalSpy failed(&log, &RecordLog::storageFailed);
    log.open(m_dir->path()); // a directory, not a file
    const QString id = log.begin({});
    QTRY_COMPARE(opened.size(), 1);
    const auto openStatus = opened.at(0).at(0).value<Status>();
    QVERIFY(!openStatus.has_value());
    QCOMPARE(openStatus.error().code, ErrorCode::StorageFailed);
    QTRY_COMPARE(failed.size(), 1);
    QCOMPARE(failed.at(0).at(0).value<Error>().code, ErrorCode::StorageFailed);

    QSignalSpy answered(&log, &RecordLog::queryFinished);
    log.requestQuery({});
    QTRY_COMPARE(answered.size(), 1);
    const auto queryStatus = answered.at(0).at(3).value<Status>();
    QVERIFY(!queryStatus.has_value());
    QCOMPARE(queryStatus.error().code, ErrorCode::StorageFailed);
    QCOMPARE(answered.at(0).at(2).toLongLong(), -1);
    QVERIFY(!id.isEmpty());
}

void TestRecordLog::reportsRefusedWritesAsStorageFailed()
{
    RecordLog log;
    QSignalSpy failed(&log, &RecordLog::storageFailed);
    QSignalSpy changed(&log, &RecordLog::recordChanged);
    log.open(m_path);
    log.addPhase(QStringLiteral("no-such-attempt"), QStringLiteral("connect"), 1);
    const QString id = log.begin({});
    AttemptEnd end;
    end.outcome = RecordOutcome::Cancelled;
    log.finish(id, end);
    log.finish(id, end); // twice
    QVERIFY(waitDrained(log));
    QCOMPARE(failed.size(), 2);
    QCOMPARE(failed.at(0).at(0).value<Error>().code, ErrorCode::InvalidArgument);
    QVERIFY(failed.at(0).at(0).value<Error>().detail.contains(QStringLiteral("no-such-attempt")));
    QCOMPARE(failed.at(1).at(0).value<Error>().code, ErrorCode::InvalidArgument);
    QCOMPARE(changed.size(), 2);
}

void TestRecordLog::writesBatchesAndOffersUnfinishedOnes()
{
    {
        RecordLog log;
        QSignalSpy changed(&log, &RecordLog::batchChanged);
        QSignalSpy failed(&log, &RecordLog::storageFailed);
        log.open(m_path);
        BatchStart start;
        start.batchId = QStringLiteral("batch-log-1");
        start.profileId = QStringLiteral("lamp-eu");
        start.profileJson = QByteArray(R"({"id":"lamp-eu"})");
        start.lanes = 4;
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        log.beginBatch(start); // startedAtMs 0: now
        for (int i = 0; i < 3; ++i) {
            BatchDevice device;
            device.batchId = start.batchId;
            device.position = i;
            device.serviceName = QStringLiteral("PROV_L%1").arg(i);
            device.transport = QStringLiteral("ble");
            device.address = QStringLiteral("AA:BB:CC:DD:EE:%1").arg(i, 2, 10, QLatin1Char('0'));
            device.source = QStringLiteral("ble-scan");
            log.addBatchDevice(device);
        }
        BatchStart ended = start;
        ended.batchId = QStringLiteral("batch-log-2");
        log.beginBatch(ended);
        log.finishBatch(ended.batchId, BatchState::Aborted, 0); // 0: now
        // Refused: the batch has ended.
        BatchDevice late;
        late.batchId = ended.batchId;
        late.serviceName = QStringLiteral("PROV_LATE");
        log.addBatchDevice(late);

        QVERIFY(waitDrained(log));
        QCOMPARE(changed.size(), 1 + 3 + 2);
        QCOMPARE(changed.first().at(0).toString(), start.batchId);
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.at(0).at(0).value<Error>().code, ErrorCode::InvalidArgument);

        QSignalSpy fetched(&log, &RecordLog::unfinishedBatchesFetched);
        const quint64 req = log.requestUnfinishedBatches();
        QTRY_COMPARE(fetched.size(), 1);
        QCOMPARE(fetched.at(0).at(0).toULongLong(), req);
        QVERIFY(fetched.at(0).at(2).value<Status>().has_value());
        const auto batches = fetched.at(0).at(1).value<QList<BatchInfo>>();
        QCOMPARE(batches.size(), 1);
        QCOMPARE(batches.first().start.batchId, start.batchId);
        QVERIFY(batches.first().start.startedAtMs >= before);
        QCOMPARE(batches.first().start.lanes, 4);
        QCOMPARE(batches.first().devices.size(), 3);
        QCOMPARE(batches.first().devices.last().serviceName, QStringLiteral("PROV_L2"));
    }
    // Read straight from the file: the aborted batch got its end time.
    auto store = RecordStore::openSqlite(m_path);
    QVERIFY(store);
    const auto ended = (*store)->batch(QStringLiteral("batch-log-2"));
    QVERIFY(ended);
    QCOMPARE(ended->state, BatchState::Aborted);
    QVERIFY(ended->finishedAtMs >= ended->start.startedAtMs);
    QVERIFY(ended->devices.isEmpty());
}

void TestRecordLog::modelPagesWithFetchMore()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    seedStore(m_path, 1234, now);
    RecordLog log;
    log.open(m_path);
    RecordsModel model(&log);
    QCOMPARE(model.pageSize(), 500);
    QSignalSpy total(&model, &RecordsModel::totalCountChanged);
    model.setFilter({});
    QVERIFY(model.busy());
    QTRY_COMPARE(model.totalCount(), 1234);
    QTRY_VERIFY(!model.busy());
    QCOMPARE(model.rowCount(), 500);
    QVERIFY(model.canFetchMore({}));
    // Newest first.
    QCOMPARE(
        model.data(model.index(0), RecordsModel::ServiceNameRole).toString(), QStringLiteral("PROV_1233"));
    QVERIFY(model.data(model.index(0), RecordsModel::StartedAtMsRole).toLongLong()
        > model.data(model.index(1), RecordsModel::StartedAtMsRole).toLongLong());

    model.fetchMore({});
    QVERIFY(!model.canFetchMore({})); // one page in flight at a time
    QTRY_COMPARE(model.rowCount(), 1000);
    QTRY_VERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QTRY_COMPARE(model.rowCount(), 1234);
    QTRY_VERIFY(!model.busy());
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(
        model.data(model.index(1233), RecordsModel::ServiceNameRole).toString(), QStringLiteral("LAMP_0"));
    QSet<QString> ids;
    for (int i = 0; i < model.rowCount(); ++i)
        ids.insert(model.data(model.index(i), RecordsModel::AttemptIdRole).toString());
    QCOMPARE(ids.size(), 1234);
    // The batch columns of a row (line mode), as seeded: newest first, so row k is record 1233 - k.
    for (const int row : { 0, 1, 2, 1233 }) {
        const ProvisioningRecord seeded = makeRecord(1233 - row, 0, RecordOutcome::Provisioned, QString());
        const QModelIndex index = model.index(row);
        QCOMPARE(model.data(index, RecordsModel::BatchIdRole).toString(), seeded.start.batchId);
        QCOMPARE(model.data(index, RecordsModel::LaneRole).toInt(), seeded.start.lane);
        QCOMPARE(model.data(index, RecordsModel::ProfileIdRole).toString(), seeded.start.profileId);
        QCOMPARE(model.data(index, RecordsModel::ProfileVersionRole).toString(), seeded.start.profileVersion);
        QCOMPARE(model.data(index, RecordsModel::AttemptNumberRole).toInt(), seeded.start.attemptNumber);
    }
    QCOMPARE(model.roleNames().value(RecordsModel::BatchIdRole), QByteArray("batchId"));
    QCOMPARE(model.roleNames().value(RecordsModel::AttemptNumberRole), QByteArray("attemptNumber"));

    // A filter reloads from the first page, with the count of the filter.
    RecordFilter lamps;
    lamps.nameContains = QStringLiteral("lamp");
    model.setFilter(lamps);
    QTRY_COMPARE(model.totalCount(), 124);
    QTRY_COMPARE(model.rowCount(), 124);
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(model.roleNames().value(RecordsModel::OutcomeNameRole), QByteArray("outcomeName"));
}

void TestRecordLog::modelFollowsLiveWrites()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    seedStore(m_path, 20, now - 1000);
    RecordLog log;
    log.open(m_path);
    RecordsModel model(&log);
    RecordFilter running;
    running.outcomes = { RecordOutcome::InProgress };
    model.setFilter(running);
    QTRY_COMPARE(model.totalCount(), 0);

    AttemptStart start;
    start.serviceName = QStringLiteral("PROV_LIVE");
    const QString id = log.begin(start);
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.totalCount(), 1);
    QCOMPARE(model.data(model.index(0), RecordsModel::AttemptIdRole).toString(), id);
    QCOMPARE(
        model.data(model.index(0), RecordsModel::OutcomeNameRole).toString(), QStringLiteral("in_progress"));
    QCOMPARE(model.data(model.index(0), RecordsModel::DurationMsRole).toLongLong(), -1);

    AttemptEnd end;
    end.outcome = RecordOutcome::Provisioned;
    log.finish(id, end);
    QTRY_COMPARE(model.rowCount(), 0); // no longer matches "in progress"
    QCOMPARE(model.totalCount(), 0);

    model.setFilter({});
    QTRY_COMPARE(model.totalCount(), 21);
    QTRY_COMPARE(model.rowCount(), 21);
    const QString second = log.begin(start);
    QTRY_COMPARE(model.rowCount(), 22);
    QCOMPARE(model.data(model.index(0), RecordsModel::AttemptIdRole).toString(), second);
    QCOMPARE(model.rowOf(id), 1);
}

void TestRecordLog::selectedDetailsFollowLiveWrites()
{
    RecordLog log;
    RecordsController controller(&log);
    log.open(m_path);
    AttemptStart start;
    start.serviceName = QStringLiteral("PROV_DETAILS");
    const QString id = log.begin(start);
    const QString other = log.begin(start);
    QTRY_COMPARE(controller.totalCount(), 2);
    controller.select(id);
    QTRY_COMPARE(controller.selectedRecord().value(QStringLiteral("attemptId")).toString(), id);
    QVERIFY(controller.selectedRecord().value(QStringLiteral("phases")).toList().isEmpty());

    // A write to another attempt leaves the pane alone; writes to the selected one show up in it.
    log.addPhase(other, QStringLiteral("connect"), 7);
    log.addPhase(id, QStringLiteral("connect"), 12);
    log.addPhase(id, QStringLiteral("handshake"), 34);
    QTRY_COMPARE(controller.selectedRecord().value(QStringLiteral("phases")).toList().size(), 2);
    QCOMPARE(controller.selectedRecord().value(QStringLiteral("attemptId")).toString(), id);
    const QVariantMap second = controller.selectedRecord()
                                   .value(QStringLiteral("phases"))
                                   .toList()[1]
                                   .toMap();
    QCOMPARE(second.value(QStringLiteral("phase")).toString(), QStringLiteral("handshake"));
    QVERIFY(controller.lastError().isEmpty());
}

void TestRecordLog::controllerFiltersDebouncedAndSelects()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    seedStore(m_path, 100, now);
    RecordLog log;
    RecordsController controller(&log);
    QCOMPARE(controller.timeRange(), RecordsController::TimeRange::Last7Days);
    log.open(m_path); // opened() triggers the first refresh
    QTRY_COMPARE(controller.totalCount(), 100);

    controller.setDebounceMs(50);
    controller.setNameFilter(QStringLiteral("l"));
    controller.setNameFilter(QStringLiteral("la"));
    controller.setNameFilter(QStringLiteral("lam"));
    QCOMPARE(controller.totalCount(), 100); // not yet: debounced
    QTRY_COMPARE(controller.totalCount(), 10);
    QCOMPARE(controller.model()->filter().nameContains, QStringLiteral("lam"));

    controller.setOutcomeFilter(RecordsController::OutcomeFilter::Provisioned);
    QTRY_COMPARE(controller.totalCount(), 4); // LAMP_0,30,60,90: i % 3 == 0
    controller.setNameFilter(QString());
    controller.setOutcomeFilter(RecordsController::OutcomeFilter::AnyOutcome);
    controller.setTimeRange(RecordsController::TimeRange::Last24Hours);
    QTRY_COMPARE(controller.totalCount(), 100);
    controller.setCustomFromMs(now - 10 * 60'000);
    controller.setCustomToMs(now + 1);
    controller.setTimeRange(RecordsController::TimeRange::Custom);
    QTRY_COMPARE(controller.totalCount(), 10);

    QSignalSpy selected(&controller, &RecordsController::selectedRecordChanged);
    const QString id = controller.model()
                           ->data(controller.model()->index(0), RecordsModel::AttemptIdRole)
                           .toString();
    controller.select(id);
    QTRY_COMPARE(controller.selectedRecord().value(QStringLiteral("attemptId")).toString(), id);
    const QVariantList phases = controller.selectedRecord().value(QStringLiteral("phases")).toList();
    QCOMPARE(phases.size(), 2);
    QCOMPARE(phases[0].toMap().value(QStringLiteral("phase")).toString(), QStringLiteral("connect"));
    QVERIFY(
        controller.selectedRecord().value(QStringLiteral("protoVerJson")).toString().contains(u"sec_ver"));
    controller.select(QString());
    QVERIFY(controller.selectedRecord().isEmpty());
    QVERIFY(controller.lastError().isEmpty());
    QCOMPARE(controller.lastErrorCode(), 0);
}

void TestRecordLog::controllerExportsCsvAndJson()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    seedStore(m_path, 30, now);
    RecordLog log;
    RecordsController controller(&log);
    log.open(m_path);
    QTRY_COMPARE(controller.totalCount(), 30);
    controller.setOutcomeFilter(RecordsController::OutcomeFilter::Failed);
    QTRY_COMPARE(controller.totalCount(), 10);

    QSignalSpy done(&controller, &RecordsController::exportFinished);
    const QString csvPath = m_dir->filePath(controller.suggestedFileName(QStringLiteral("csv")));
    QVERIFY(csvPath.endsWith(QStringLiteral(".csv")));
    controller.exportCsv(QUrl::fromLocalFile(csvPath));
    QVERIFY(controller.exporting());
    QTRY_COMPARE(done.size(), 1);
    QVERIFY(!controller.busy());
    QCOMPARE(done.at(0).at(0).toBool(), true);
    QCOMPARE(done.at(0).at(1).toLongLong(), 10);
    QCOMPARE(done.at(0).at(2).toString(), csvPath);
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count("\r\n"), 11);

    const QString jsonPath = m_dir->filePath(QStringLiteral("out.json"));
    controller.exportJson(QUrl::fromLocalFile(jsonPath));
    QTRY_COMPARE(done.size(), 2);
    QCOMPARE(done.at(1).at(0).toBool(), true);
    QFile json(jsonPath);
    QVERIFY(json.open(QIODevice::ReadOnly));
    const QJsonArray arr = QJsonDocument::fromJson(json.readAll()).array();
    QCOMPARE(arr.size(), 10);
    for (const QJsonValue &v : arr) {
        QCOMPARE(v.toObject().value(u"outcome").toString(), QStringLiteral("failed"));
        QCOMPARE(v.toObject().value(u"phases").toArray().size(), 2); // exports carry the details
    }

    // An unwritable target: a typed error, and no file.
    const QString bad = m_dir->filePath(QStringLiteral("missing-dir/out.csv"));
    controller.exportCsv(QUrl::fromLocalFile(bad));
    QTRY_COMPARE(done.size(), 3);
    QCOMPARE(done.at(2).at(0).toBool(), false);
    QCOMPARE(done.at(2).at(3).toInt(), int(ErrorCode::StorageFailed));
    QVERIFY(!QFile::exists(bad));
    QCOMPARE(controller.lastErrorCode(), int(ErrorCode::StorageFailed));
    QVERIFY(!controller.lastError().isEmpty());
    QCOMPARE(controller.lastError(), done.at(2).at(4).toString());
    controller.clearError();
    QCOMPARE(controller.lastErrorCode(), 0);
    QVERIFY(controller.lastError().isEmpty());
}

void TestRecordLog::controllerRejectsNonLocalExportTarget()
{
    RecordLog log;
    RecordsController controller(&log);
    log.open(m_path);
    QSignalSpy done(&controller, &RecordsController::exportFinished);
    controller.exportCsv(QUrl(QStringLiteral("https://example.invalid/out.csv")));
    QCOMPARE(done.size(), 0); // ends asynchronously, like a real export
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(done.at(0).at(0).toBool(), false);
    QCOMPARE(done.at(0).at(3).toInt(), int(ErrorCode::InvalidArgument));
    QVERIFY(!done.at(0).at(4).toString().isEmpty());
}

QTEST_GUILESS_MAIN(TestRecordLog)
#include "tst_recordlog.moc"

// A line record that cannot be reached (a closed port on 127.0.0.1): the station goes on writing its
// spool, the status says offline with the number of attempts waiting, the whole-line scope answers
// StorageFailed, and the duplicate check still answers from this station's record.
void TestRecordLog::lineRecordOfflineKeepsWritingAndCountsTheBacklog()
{
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        closedPort = probe.serverPort();
    } // closed again: connecting is refused at once

    RecordLog log;
    RecordsController controller(&log);
    QSignalSpy status(&log, &RecordLog::lineStatusChanged);
    log.open(m_path);
    LineRecordConfig config;
    config.connection = QStringLiteral("host=127.0.0.1 port=%1 dbname=line user=station").arg(closedPort);
    config.connectTimeoutMs = 2000;
    log.setLineRecord(config);
    QVERIFY(log.lineRecordConfigured());
    QVERIFY(controller.lineConfigured());

    QStringList ids;
    for (int i = 0; i < 3; ++i) {
        AttemptStart start;
        start.serviceName = QStringLiteral("PROV_OFF%1").arg(i);
        start.transport = QStringLiteral("softap");
        start.station = QStringLiteral("st-offline");
        ids << log.begin(start);
        AttemptEnd end;
        end.outcome = RecordOutcome::Provisioned;
        end.ssid = QStringLiteral("net");
        log.finish(ids.last(), end);
    }
    QVERIFY(waitDrained(log));
    // Offline with every attempt waiting (the count follows the writes through kick()).
    QTRY_VERIFY_WITH_TIMEOUT(
        !log.lineStatus().online && log.lineStatus().lastError && log.lineStatus().pending == 3, 15000);
    QCOMPARE(log.lineStatus().lastError->code, ErrorCode::StorageFailed);
    QCOMPARE(controller.lineStatusText(), QStringLiteral("line record offline: 3 attempt(s) waiting"));
    QVERIFY(!controller.lineError().isEmpty());
    QVERIFY(status.size() >= 1);

    // The station's own record has them all.
    QSignalSpy queried(&log, &RecordLog::queryFinished);
    const quint64 local = log.requestQuery(RecordFilter {}, true);
    QTRY_VERIFY(!queried.isEmpty());
    QCOMPARE(queried.last().at(0).toULongLong(), local);
    QCOMPARE(queried.last().at(2).toLongLong(), 3);

    // The whole line cannot be read while offline: a typed failure, no hang past the connect timeout.
    const quint64 line = log.requestQuery(RecordFilter {}, true, RecordLog::RecordScope::Line);
    QTRY_VERIFY_WITH_TIMEOUT(queried.last().at(0).toULongLong() == line, 10000);
    QCOMPARE(queried.last().at(3).value<Status>().error().code, ErrorCode::StorageFailed);

    // The duplicate guard still sees this station's success and says the line was not asked.
    QSignalSpy checked(&log, &RecordLog::duplicateChecked);
    const quint64 dup = log.requestDuplicateCheck(
        QStringLiteral("PROV_OFF1"), QStringLiteral("softap"), QStringLiteral("192.168.4.1:80"));
    QTRY_VERIFY_WITH_TIMEOUT(!checked.isEmpty(), 10000);
    QCOMPARE(checked.last().at(0).toULongLong(), dup);
    const auto answer = checked.last().at(1).value<DuplicateCheck>();
    QVERIFY(!answer.lineChecked);
    QVERIFY(answer.lineError.has_value());
    QCOMPARE(answer.provisioned.size(), 1);
    QCOMPARE(answer.provisioned.first().start.attemptId, ids.at(1));
    // The Device page's note names the station and says the line was not asked.
    const QString note = DeviceController::describeDuplicate(answer, log.lineRecordConfigured());
    QVERIFY2(note.contains(QStringLiteral("st-offline")), qPrintable(note));
    QVERIFY2(note.contains(QStringLiteral("could not be asked")), qPrintable(note));
    QCOMPARE(DeviceController::describeDuplicate(DuplicateCheck {}, true), QString());

    // Turning the line record off stops the sync; the whole-line scope falls back to the station.
    controller.setScope(RecordsController::Scope::Line);
    QCOMPARE(controller.scope(), RecordsController::Scope::Line);
    log.setLineRecord(LineRecordConfig {});
    QVERIFY(!log.lineRecordConfigured());
    QCOMPARE(controller.scope(), RecordsController::Scope::Station);
    QCOMPARE(controller.lineStatusText(), QString());
}

// A line record set and dropped while the store is still opening, then the log destroyed at once:
// the sync worker started late is never used after it is gone (valgrind-clean). Without a line
// record, a duplicate check asked right after a write sees that write and names no line error.
void TestRecordLog::lineRecordDroppedAtOnceAndDuplicateCheckWithoutOne()
{
    LineRecordConfig unreachable;
    unreachable.connection = QStringLiteral("host=127.0.0.1 port=1 dbname=line user=station");
    unreachable.connectTimeoutMs = 2000;
    {
        RecordLog log;
        log.open(m_path);
        log.setLineRecord(unreachable);
        log.setLineRecord(LineRecordConfig {});
        log.setLineRecord(unreachable);
        QVERIFY(log.lineRecordConfigured());
    }

    RecordLog log;
    log.open(m_path);
    AttemptStart start;
    start.serviceName = QStringLiteral("PROV_LOCAL");
    start.transport = QStringLiteral("ble");
    start.address = QStringLiteral("AA:BB:CC:DD:EE:01");
    start.station = QStringLiteral("st-local");
    const QString id = log.begin(start);
    AttemptEnd end;
    end.outcome = RecordOutcome::Provisioned;
    log.finish(id, end);
    // Not drained: the check is queued behind the writes and sees them. Matched by BLE address,
    // whatever its case.
    QSignalSpy checked(&log, &RecordLog::duplicateChecked);
    const quint64 request = log.requestDuplicateCheck(
        QStringLiteral("OTHER_NAME"), QStringLiteral("ble"), QStringLiteral("aa:bb:cc:dd:ee:01"));
    QTRY_VERIFY(!checked.isEmpty());
    QCOMPARE(checked.last().at(0).toULongLong(), request);
    const auto answer = checked.last().at(1).value<DuplicateCheck>();
    QCOMPARE(answer.provisioned.size(), 1);
    QCOMPARE(answer.provisioned.first().start.attemptId, id);
    QVERIFY(!answer.lineChecked);
    QVERIFY(!answer.lineError.has_value());
    QCOMPARE(
        DeviceController::describeDuplicate(answer, false).contains(QStringLiteral("could not be asked")),
        false);

    // The same through the DuplicateLookup interface the line's guard uses.
    prov::Pending<DuplicateCheck> *pending = log.check(
        QStringLiteral("PROV_LOCAL"), QStringLiteral("ble"), QStringLiteral("AA:BB:CC:DD:EE:01"));
    QVERIFY(pending);
    QSignalSpy finished(pending, &prov::PendingOperation::finished);
    QVERIFY(finished.wait(5000));
    QVERIFY(pending->result());
    QCOMPARE(pending->result()->provisioned.size(), 1);
}
