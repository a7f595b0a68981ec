// SPDX-License-Identifier: Apache-2.0
// Backend-independent parts of the factory record: outcome and batch state names, in-memory filter
// matching.
#include "prov/record.h"

#include "record/recordcommon.h"

namespace prov {

QString recordOutcomeName(RecordOutcome outcome)
{
    switch (outcome) {
    case RecordOutcome::InProgress:
        return QStringLiteral("in_progress");
    case RecordOutcome::Provisioned:
        return QStringLiteral("provisioned");
    case RecordOutcome::Failed:
        return QStringLiteral("failed");
    case RecordOutcome::Cancelled:
        return QStringLiteral("cancelled");
    case RecordOutcome::Interrupted:
        return QStringLiteral("interrupted");
    }
    return QStringLiteral("unknown_%1").arg(int(outcome));
}

QString batchStateName(BatchState state)
{
    switch (state) {
    case BatchState::Running:
        return QStringLiteral("running");
    case BatchState::Finished:
        return QStringLiteral("finished");
    case BatchState::Aborted:
        return QStringLiteral("aborted");
    }
    return QStringLiteral("unknown_%1").arg(int(state));
}

QString recordErrorName(int code)
{
    return code == 0 ? QString() : errorCodeName(ErrorCode(code));
}

bool recordOutcomeFromName(const QString &name, RecordOutcome *outcome)
{
    for (const RecordOutcome o : { RecordOutcome::InProgress, RecordOutcome::Provisioned,
             RecordOutcome::Failed, RecordOutcome::Cancelled, RecordOutcome::Interrupted }) {
        if (recordOutcomeName(o) == name) {
            if (outcome)
                *outcome = o;
            return true;
        }
    }
    return false;
}

bool recordMatches(const RecordFilter &filter, const ProvisioningRecord &record)
{
    const qint64 started = record.start.startedAtMs;
    if (filter.fromMs != 0 && started < filter.fromMs)
        return false;
    if (filter.toMs != 0 && started >= filter.toMs)
        return false;
    if (!filter.outcomes.isEmpty() && !filter.outcomes.contains(record.end.outcome))
        return false;
    if (!filter.nameContains.isEmpty()
        && !record::foldName(record.start.serviceName).contains(record::foldName(filter.nameContains)))
        return false;
    if (!filter.batchId.isEmpty() && record.start.batchId != filter.batchId)
        return false;
    if (!filter.station.isEmpty() && record.start.station != filter.station)
        return false;
    return true;
}

namespace record {

QString foldName(const QString &name)
{
    return name.toCaseFolded();
}

bool isKnownOutcome(int value)
{
    return value >= int(RecordOutcome::InProgress) && value <= int(RecordOutcome::Interrupted);
}

bool isKnownBatchState(int value)
{
    return value >= int(BatchState::Running) && value <= int(BatchState::Aborted);
}

} // namespace record
} // namespace prov
