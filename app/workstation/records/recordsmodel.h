// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/record.h"
#include "records/recordlog.h"

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QtQml/qqmlregistration.h>

class RecordLog;

/// Factory records as a list model, read through RecordLog on its worker thread and paged with
/// fetchMore() (pageSize rows a time), so that a view over 10,000 records only holds what it shows
/// plus one page. Rows carry no phases/custom calls (those are read for the selected record only).
/// Live: every RecordLog::recordChanged() re-reads that record and updates, inserts or removes its
/// row according to the filter. GUI thread only.
class RecordsModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Created by the workstation in C++")
    Q_PROPERTY(qint64 totalCount READ totalCount NOTIFY totalCountChanged)
    Q_PROPERTY(int loadedCount READ loadedCount NOTIFY loadedCountChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(int pageSize READ pageSize WRITE setPageSize NOTIFY pageSizeChanged)

public:
    enum Role {
        AttemptIdRole = Qt::UserRole + 1,
        StartedAtMsRole,
        StartedLocalRole, ///< "yyyy-MM-dd HH:mm:ss" local time
        StartedUtcRole, ///< ISO-8601 UTC with ms
        FinishedAtMsRole,
        DurationMsRole, ///< -1 while unfinished
        StationRole,
        OperatorNameRole,
        ServiceNameRole,
        TransportRole, ///< QString as recorded: prov::transportKindName() of the kind
        AddressRole,
        FirmwareVersionRole,
        SsidRole,
        OutcomeRole, ///< int(prov::RecordOutcome)
        OutcomeNameRole, ///< recordOutcomeName()
        FailureCodeRole, ///< int(prov::ErrorCode), 0 none
        FailureNameRole, ///< errorCodeName() or empty
        FailureDetailRole,
        /// Short human words for the failure from the app's advice table (session/erroradvice.h,
        /// ws::adviceFor() with ErrorContext::Any: a record keeps no context), empty when none.
        FailureHeadlineRole,
        FailureAdviceRole, ///< the advice sentence(s) of the same table row, empty when none
        /// The transport as shown: "SoftAP", "BLE" (prov::transportKindDisplayName()); the recorded
        /// text itself when this build does not know it.
        TransportTextRole,
        BatchIdRole, ///< the batch of the attempt (line mode), empty when none
        LaneRole, ///< int, 0-based lane of the batch; -1 none
        ProfileIdRole, ///< product profile id, empty when none
        ProfileVersionRole, ///< product profile version, empty when none
        AttemptNumberRole, ///< int, 1-based attempt of the device within its batch
    };
    Q_ENUM(Role)

    /// `log` is not owned and must outlive the model.
    explicit RecordsModel(RecordLog *log, QObject *parent = nullptr);
    ~RecordsModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    /// The value of `role` for a record (what data() returns for its row).
    static QVariant valueOf(const prov::ProvisioningRecord &record, int role);
    /// The role names (roleNames() without an instance).
    static QHash<int, QByteArray> roles();
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    /// Replaces the filter (its limit/offset/withDetails are ignored) and reloads from the first page.
    void setFilter(const prov::RecordFilter &filter);
    prov::RecordFilter filter() const { return m_filter; }
    /// Which store the pages come from (this station's or the line's), from the next reload() or
    /// setFilter() on.
    void setScope(RecordLog::RecordScope scope);
    RecordLog::RecordScope scope() const { return m_scope; }
    /// Reloads with the current filter.
    Q_INVOKABLE void reload();
    /// fetchMore() for QML (views call it when their end comes into view); no-op when all rows
    /// are loaded or a page is on its way.
    Q_INVOKABLE void fetchNextPage() { fetchMore({}); }

    /// The record of a row (without phases and custom calls); default-constructed when out of range.
    prov::ProvisioningRecord recordAt(int row) const;
    /// The row of an attempt id, -1 when not loaded.
    Q_INVOKABLE int rowOf(const QString &attemptId) const;

    /// Rows matching the filter in the store; -1 until the first page arrived.
    qint64 totalCount() const { return m_total; }
    int loadedCount() const { return int(m_rows.size()); }
    /// A page request is in flight.
    bool busy() const { return m_pendingPage != 0; }
    int pageSize() const { return m_pageSize; }
    void setPageSize(int rows);

Q_SIGNALS:
    void totalCountChanged();
    void loadedCountChanged();
    void busyChanged();
    void pageSizeChanged();
    /// A page could not be read (StorageFailed).
    void queryFailed(const prov::Error &error);
    /// The whole record (with phases and custom calls) re-read after a write to it
    /// (RecordLog::recordChanged), or the error reading it (StorageFailed). One read per write serves the
    /// list and the details pane.
    void recordRefreshed(
        const QString &attemptId, const prov::ProvisioningRecord &record, const prov::Status &status);

private:
    void requestPage(bool first);
    void handleQueryFinished(quint64 requestId, const QList<prov::ProvisioningRecord> &records, qint64 total,
        const prov::Status &status);
    void handleRecordChanged(const QString &attemptId);
    void handleRecordFetched(
        quint64 requestId, const prov::ProvisioningRecord &record, const prov::Status &status);
    void setTotal(qint64 total);
    RecordLog::RecordScope m_scope = RecordLog::RecordScope::Station;
    int insertPosition(const prov::ProvisioningRecord &record) const;

    RecordLog *m_log;
    prov::RecordFilter m_filter;
    QList<prov::ProvisioningRecord> m_rows;
    QSet<QString> m_ids;
    qint64 m_total = -1;
    int m_pageSize = 500;
    quint64 m_pendingPage = 0;
    bool m_loadingFirstPage = false;
    QHash<quint64, QString> m_liveRequests; ///< re-read request id -> attempt id
};
