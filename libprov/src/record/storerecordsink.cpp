// SPDX-License-Identifier: Apache-2.0
// StoreRecordSink: the RecordSink calls written synchronously into a RecordStore.
#include "prov/recordsink.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QUuid>

Q_DECLARE_LOGGING_CATEGORY(lcProvRecord) // prov.record, defined in recordstore.cpp

namespace prov {

StoreRecordSink::StoreRecordSink(RecordStore *store)
    : m_store(store)
{ }

QString StoreRecordSink::beginAttempt(AttemptStart start)
{
    if (start.attemptId.isEmpty())
        start.attemptId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    if (start.startedAtMs == 0)
        start.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    const Status status = m_store->begin(start);
    check(start.attemptId, status);
    return status ? start.attemptId : QString();
}

void StoreRecordSink::recordFacts(const QString &attemptId, const DeviceFacts &facts)
{
    if (!attemptId.isEmpty())
        check(attemptId, m_store->setDeviceFacts(attemptId, facts));
}

void StoreRecordSink::addPhase(const QString &attemptId, const PhaseDuration &phase)
{
    if (!attemptId.isEmpty())
        check(attemptId, m_store->addPhase(attemptId, phase));
}

void StoreRecordSink::addCustomCall(const QString &attemptId, const CustomCallEntry &call)
{
    if (!attemptId.isEmpty())
        check(attemptId, m_store->addCustomCall(attemptId, call));
}

void StoreRecordSink::finishAttempt(const QString &attemptId, const AttemptEnd &end)
{
    if (attemptId.isEmpty())
        return;
    AttemptEnd e = end;
    if (e.finishedAtMs == 0)
        e.finishedAtMs = QDateTime::currentMSecsSinceEpoch();
    check(attemptId, m_store->finish(attemptId, e));
}

void StoreRecordSink::beginBatch(const BatchStart &start)
{
    BatchStart b = start;
    if (b.startedAtMs == 0)
        b.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    checkBatch(b.batchId, m_store->beginBatch(b));
}

void StoreRecordSink::addBatchDevice(const BatchDevice &device)
{
    checkBatch(device.batchId, m_store->addBatchDevice(device));
}

void StoreRecordSink::finishBatch(const QString &batchId, BatchState state, qint64 finishedAtMs)
{
    checkBatch(batchId,
        m_store->finishBatch(
            batchId, state, finishedAtMs != 0 ? finishedAtMs : QDateTime::currentMSecsSinceEpoch()));
}

void StoreRecordSink::check(const QString &attemptId, const Status &status)
{
    if (status)
        return;
    m_lastError = status.error();
    // The detail may quote the driver; the code and the attempt id are enough here (no values).
    qCWarning(lcProvRecord).noquote()
        << "record write failed for attempt" << attemptId << ":" << errorCodeName(status.error().code);
}

void StoreRecordSink::checkBatch(const QString &batchId, const Status &status)
{
    if (status)
        return;
    m_lastError = status.error();
    qCWarning(lcProvRecord).noquote()
        << "record write failed for batch" << batchId << ":" << errorCodeName(status.error().code);
}

} // namespace prov
