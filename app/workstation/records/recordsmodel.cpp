// SPDX-License-Identifier: Apache-2.0
#include "records/recordsmodel.h"

#include "records/recordlog.h"
#include "session/erroradvice.h"

#include "prov/transportconfig.h"

#include <QDateTime>

RecordsModel::RecordsModel(RecordLog *log, QObject *parent)
    : QAbstractListModel(parent)
    , m_log(log)
{
    connect(m_log, &RecordLog::queryFinished, this, &RecordsModel::handleQueryFinished);
    connect(m_log, &RecordLog::recordChanged, this, &RecordsModel::handleRecordChanged);
    connect(m_log, &RecordLog::recordFetched, this, &RecordsModel::handleRecordFetched);
}

RecordsModel::~RecordsModel() = default;

int RecordsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant RecordsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    return valueOf(m_rows.at(index.row()), role == Qt::DisplayRole ? int(ServiceNameRole) : role);
}

QVariant RecordsModel::valueOf(const prov::ProvisioningRecord &r, int role)
{
    switch (role) {
    case ServiceNameRole:
        return r.start.serviceName;
    case AttemptIdRole:
        return r.start.attemptId;
    case StartedAtMsRole:
        return r.start.startedAtMs;
    case StartedLocalRole:
        return QDateTime::fromMSecsSinceEpoch(r.start.startedAtMs)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case StartedUtcRole:
        return QDateTime::fromMSecsSinceEpoch(r.start.startedAtMs, Qt::UTC).toString(Qt::ISODateWithMs);
    case FinishedAtMsRole:
        return r.end.finishedAtMs;
    case DurationMsRole:
        return r.end.finishedAtMs != 0 ? r.end.finishedAtMs - r.start.startedAtMs : qint64(-1);
    case StationRole:
        return r.start.station;
    case OperatorNameRole:
        return r.start.operatorName;
    case TransportRole:
        return r.start.transport;
    case TransportTextRole: {
        const std::optional<prov::TransportKind> kind = prov::transportKindFromName(r.start.transport);
        return kind ? prov::transportKindDisplayName(*kind) : r.start.transport;
    }
    case AddressRole:
        return r.start.address;
    case FirmwareVersionRole:
        return r.device.firmwareVersion;
    case SsidRole:
        return r.end.ssid;
    case OutcomeRole:
        return int(r.end.outcome);
    case OutcomeNameRole:
        return prov::recordOutcomeName(r.end.outcome);
    case FailureCodeRole:
        return r.end.failureCode;
    case FailureNameRole:
        return prov::recordErrorName(r.end.failureCode);
    case FailureDetailRole:
        return r.end.failureDetail;
    case FailureHeadlineRole:
        return r.end.failureCode == 0
            ? QString()
            : ws::adviceFor(prov::ErrorCode(r.end.failureCode), ws::ErrorContext::Any).headline;
    case FailureAdviceRole:
        return r.end.failureCode == 0
            ? QString()
            : ws::adviceFor(prov::ErrorCode(r.end.failureCode), ws::ErrorContext::Any).advice;
    case BatchIdRole:
        return r.start.batchId;
    case LaneRole:
        return r.start.lane;
    case ProfileIdRole:
        return r.start.profileId;
    case ProfileVersionRole:
        return r.start.profileVersion;
    case AttemptNumberRole:
        return r.start.attemptNumber;
    default:
        return {};
    }
}

QHash<int, QByteArray> RecordsModel::roleNames() const
{
    return roles();
}

QHash<int, QByteArray> RecordsModel::roles()
{
    return {
        { AttemptIdRole, "attemptId" },
        { StartedAtMsRole, "startedAtMs" },
        { StartedLocalRole, "startedLocal" },
        { StartedUtcRole, "startedUtc" },
        { FinishedAtMsRole, "finishedAtMs" },
        { DurationMsRole, "durationMs" },
        { StationRole, "station" },
        { OperatorNameRole, "operatorName" },
        { ServiceNameRole, "serviceName" },
        { TransportRole, "transport" },
        { AddressRole, "address" },
        { FirmwareVersionRole, "firmwareVersion" },
        { SsidRole, "ssid" },
        { OutcomeRole, "outcome" },
        { OutcomeNameRole, "outcomeName" },
        { FailureCodeRole, "failureCode" },
        { FailureNameRole, "failureName" },
        { FailureDetailRole, "failureDetail" },
        { FailureHeadlineRole, "failureHeadline" },
        { FailureAdviceRole, "failureAdvice" },
        { TransportTextRole, "transportText" },
        { BatchIdRole, "batchId" },
        { LaneRole, "lane" },
        { ProfileIdRole, "profileId" },
        { ProfileVersionRole, "profileVersion" },
        { AttemptNumberRole, "attemptNumber" },
    };
}

bool RecordsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_pendingPage == 0 && m_total >= 0 && m_rows.size() < m_total;
}

void RecordsModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage(false);
}

void RecordsModel::setFilter(const prov::RecordFilter &filter)
{
    m_filter = filter;
    m_filter.limit = -1;
    m_filter.offset = 0;
    m_filter.withDetails = false;
    reload();
}

void RecordsModel::setScope(RecordLog::RecordScope scope)
{
    if (scope == m_scope)
        return;
    m_scope = scope;
}

void RecordsModel::reload()
{
    beginResetModel();
    m_rows.clear();
    m_ids.clear();
    endResetModel();
    Q_EMIT loadedCountChanged();
    // A page still in flight belongs to the old filter: its answer is ignored (id mismatch).
    requestPage(true);
}

prov::ProvisioningRecord RecordsModel::recordAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row) : prov::ProvisioningRecord {};
}

int RecordsModel::rowOf(const QString &attemptId) const
{
    if (!m_ids.contains(attemptId))
        return -1;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).start.attemptId == attemptId)
            return i;
    }
    return -1;
}

void RecordsModel::setPageSize(int rows)
{
    rows = std::max(1, rows);
    if (rows == m_pageSize)
        return;
    m_pageSize = rows;
    Q_EMIT pageSizeChanged();
}

void RecordsModel::requestPage(bool first)
{
    const bool wasBusy = busy();
    prov::RecordFilter f = m_filter;
    f.limit = m_pageSize;
    f.offset = first ? 0 : int(m_rows.size());
    f.withDetails = false;
    m_loadingFirstPage = first;
    m_pendingPage = m_log->requestQuery(f, first, m_scope);
    if (!wasBusy)
        Q_EMIT busyChanged();
}

void RecordsModel::handleQueryFinished(quint64 requestId, const QList<prov::ProvisioningRecord> &records,
    qint64 total, const prov::Status &status)
{
    if (requestId != m_pendingPage)
        return;
    m_pendingPage = 0;
    m_loadingFirstPage = false;
    Q_EMIT busyChanged();
    if (!status) {
        Q_EMIT queryFailed(status.error());
        return;
    }
    if (total >= 0)
        setTotal(total);
    QList<prov::ProvisioningRecord> fresh;
    fresh.reserve(records.size());
    for (const prov::ProvisioningRecord &r : records) {
        // A record inserted live while paging shifts the offsets by one: skip what we hold already.
        if (!m_ids.contains(r.start.attemptId))
            fresh.append(r);
    }
    if (!fresh.isEmpty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size() - 1));
        for (prov::ProvisioningRecord &r : fresh) {
            m_ids.insert(r.start.attemptId);
            m_rows.append(std::move(r));
        }
        endInsertRows();
        Q_EMIT loadedCountChanged();
    }
    // Fewer rows than asked: the store holds no more (the count may have been taken earlier).
    if (records.size() < m_pageSize && m_total != m_rows.size())
        setTotal(m_rows.size());
}

void RecordsModel::handleRecordChanged(const QString &attemptId)
{
    m_liveRequests.insert(m_log->requestRecord(attemptId), attemptId);
}

void RecordsModel::handleRecordFetched(
    quint64 requestId, const prov::ProvisioningRecord &record, const prov::Status &status)
{
    const QString attemptId = m_liveRequests.take(requestId);
    if (attemptId.isEmpty())
        return;
    Q_EMIT recordRefreshed(attemptId, record, status);
    // While the first page is on its way it will bring the change itself.
    if (!status || m_total < 0 || m_loadingFirstPage)
        return;
    prov::ProvisioningRecord r = record;
    r.phases.clear();
    r.customCalls.clear();
    const int row = rowOf(r.start.attemptId);
    const bool matches = prov::recordMatches(m_filter, r);
    if (row >= 0 && matches) {
        m_rows[row] = std::move(r);
        Q_EMIT dataChanged(index(row), index(row));
    } else if (row >= 0) {
        beginRemoveRows({}, row, row);
        m_ids.remove(m_rows.takeAt(row).start.attemptId);
        endRemoveRows();
        Q_EMIT loadedCountChanged();
        setTotal(m_total - 1);
    } else if (matches) {
        const bool allLoaded = m_rows.size() >= m_total;
        const int pos = insertPosition(r);
        setTotal(m_total + 1);
        // Beyond the loaded rows it arrives with a later page.
        if (pos < m_rows.size() || allLoaded) {
            beginInsertRows({}, pos, pos);
            m_ids.insert(r.start.attemptId);
            m_rows.insert(pos, std::move(r));
            endInsertRows();
            Q_EMIT loadedCountChanged();
        }
    }
}

void RecordsModel::setTotal(qint64 total)
{
    if (total == m_total)
        return;
    m_total = total;
    Q_EMIT totalCountChanged();
}

// Same order as RecordStore::query(): startedAtMs then row id (newer rows have higher ids).
int RecordsModel::insertPosition(const prov::ProvisioningRecord &record) const
{
    const auto before = [&](const prov::ProvisioningRecord &a) {
        if (m_filter.newestFirst)
            return a.start.startedAtMs > record.start.startedAtMs
                || (a.start.startedAtMs == record.start.startedAtMs && a.rowId > record.rowId);
        return a.start.startedAtMs < record.start.startedAtMs
            || (a.start.startedAtMs == record.start.startedAtMs && a.rowId < record.rowId);
    };
    // Rows are sorted, so the answer is the first row that does not come before `record`.
    int lo = 0;
    int hi = int(m_rows.size());
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (before(m_rows.at(mid)))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
