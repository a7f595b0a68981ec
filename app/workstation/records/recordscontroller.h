// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "records/recordlog.h"
#include "records/recordsmodel.h"

#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

#include <optional>

/// What the Records page binds to: the filter (time range preset, outcome, service-name text),
/// the paged RecordsModel, counts, the selected record's details, and the exports. All reads and
/// writes run on RecordLog's worker thread; the name filter is debounced (debounceMs). Created in
/// C++ and handed to RecordsPage.qml as a required property. GUI thread only.
class RecordsController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Created by the workstation in C++ and passed to RecordsPage as a required property")
    Q_PROPERTY(RecordsModel *model READ model CONSTANT)
    Q_PROPERTY(TimeRange timeRange READ timeRange WRITE setTimeRange NOTIFY timeRangeChanged)
    Q_PROPERTY(qint64 customFromMs READ customFromMs WRITE setCustomFromMs NOTIFY customRangeChanged)
    Q_PROPERTY(qint64 customToMs READ customToMs WRITE setCustomToMs NOTIFY customRangeChanged)
    Q_PROPERTY(
        OutcomeFilter outcomeFilter READ outcomeFilter WRITE setOutcomeFilter NOTIFY outcomeFilterChanged)
    Q_PROPERTY(QString nameFilter READ nameFilter WRITE setNameFilter NOTIFY nameFilterChanged)
    Q_PROPERTY(int debounceMs READ debounceMs WRITE setDebounceMs NOTIFY debounceMsChanged)
    Q_PROPERTY(qint64 totalCount READ totalCount NOTIFY totalCountChanged)
    Q_PROPERTY(int loadedCount READ loadedCount NOTIFY loadedCountChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    Q_PROPERTY(bool exporting READ exporting NOTIFY busyChanged)
    Q_PROPERTY(QString selectedAttemptId READ selectedAttemptId NOTIFY selectedRecordChanged)
    Q_PROPERTY(QVariantMap selectedRecord READ selectedRecord NOTIFY selectedRecordChanged)
    /// Whose attempts the page lists: this station's record or the whole line's (PostgreSQL).
    Q_PROPERTY(Scope scope READ scope WRITE setScope NOTIFY scopeChanged)
    /// Only this station's attempts in the list ("" = every station); for the whole line.
    Q_PROPERTY(QString stationFilter READ stationFilter WRITE setStationFilter NOTIFY stationFilterChanged)
    /// The stations of the current scope, sorted (read again on refresh()).
    Q_PROPERTY(QStringList stations READ stations NOTIFY stationsChanged)
    /// A line record is configured (Settings → Line record).
    Q_PROPERTY(bool lineConfigured READ lineConfigured NOTIFY lineStatusChanged)
    /// The line record answered the last sync.
    Q_PROPERTY(bool lineOnline READ lineOnline NOTIFY lineStatusChanged)
    /// Attempts of this station the line record has not received yet; -1 unknown.
    Q_PROPERTY(qint64 linePending READ linePending NOTIFY lineStatusChanged)
    /// One line for the status bar: "line record offline: 12 attempts waiting"; "" when no line
    /// record is configured.
    Q_PROPERTY(QString lineStatusText READ lineStatusText NOTIFY lineStatusChanged)
    /// Why the line record is offline (driver text, never a password); "" when online.
    Q_PROPERTY(QString lineError READ lineError NOTIFY lineStatusChanged)
    Q_PROPERTY(int lastErrorCode READ lastErrorCode NOTIFY lastErrorChanged)
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)

public:
    enum class TimeRange : int { Last24Hours = 0, Last7Days = 1, AllTime = 2, Custom = 3 };
    Q_ENUM(TimeRange)
    /// AnyOutcome or one prov::RecordOutcome (same numbers).
    enum class OutcomeFilter : int {
        AnyOutcome = -1,
        InProgress = 0,
        Provisioned = 1,
        Failed = 2,
        Cancelled = 3,
        Interrupted = 4,
    };
    Q_ENUM(OutcomeFilter)
    /// RecordLog::RecordScope for QML: this station's record or the whole line's.
    enum class Scope : int {
        Station = int(RecordLog::RecordScope::Station),
        Line = int(RecordLog::RecordScope::Line)
    };
    Q_ENUM(Scope)

    /// `log` is not owned and must outlive the controller. Nothing is read until refresh().
    explicit RecordsController(RecordLog *log, QObject *parent = nullptr);
    ~RecordsController() override;

    RecordsModel *model() const { return m_model; }
    TimeRange timeRange() const { return m_timeRange; }
    void setTimeRange(TimeRange range);
    qint64 customFromMs() const { return m_customFromMs; }
    void setCustomFromMs(qint64 ms);
    qint64 customToMs() const { return m_customToMs; }
    void setCustomToMs(qint64 ms);
    OutcomeFilter outcomeFilter() const { return m_outcome; }
    void setOutcomeFilter(OutcomeFilter outcome);
    QString nameFilter() const { return m_name; }
    Scope scope() const { return Scope(int(m_scope)); }
    /// Changes the scope; back to Station when no line record is configured.
    void setScope(Scope scope);
    QString stationFilter() const { return m_station; }
    void setStationFilter(const QString &station);
    QStringList stations() const { return m_stations; }
    bool lineConfigured() const { return m_log->lineRecordConfigured(); }
    bool lineOnline() const { return m_log->lineStatus().online; }
    qint64 linePending() const { return m_log->lineStatus().pending; }
    QString lineStatusText() const;
    QString lineError() const;
    /// Applied debounceMs after the last change.
    void setNameFilter(const QString &text);
    int debounceMs() const;
    void setDebounceMs(int ms);
    qint64 totalCount() const { return m_model->totalCount(); }
    int loadedCount() const { return m_model->loadedCount(); }
    bool busy() const { return m_model->busy() || m_exportRequest != 0; }
    bool exporting() const { return m_exportRequest != 0; }
    QString selectedAttemptId() const { return m_selectedId; }
    /// The selected record with details: the model's keys plus "protoVerJson", "secVer",
    /// "secPatchVer", "phases" [{phase, durationMs}] and "customCalls" [{endpoint, requestBytes,
    /// responseBytes, errorCode, errorName, payloadRecorded}]. Empty when nothing is selected.
    QVariantMap selectedRecord() const { return m_selected; }
    /// The selected record as read from the store (for a label reprint); nullopt when none is.
    std::optional<prov::ProvisioningRecord> selectedProvisioningRecord() const { return m_selectedRecord; }
    /// The prov::ErrorCode (as int) of the last storage/query/export error, 0 when none.
    int lastErrorCode() const { return m_lastErrorCode; }
    /// The last error as text for the technician: the code's advice headline
    /// (session/erroradvice.h) and the detail, e.g. "Record not saved: cannot create ...".
    /// Empty when none. Composed by errorText() only.
    QString lastError() const { return m_lastError; }
    /// The one place the Records page's error text is composed: headline of `error.code`
    /// (ws::adviceFor, ErrorContext::Any), then the detail when there is one.
    static QString errorText(const prov::Error &error);

    /// The filter the current settings stand for (time presets are relative to now).
    prov::RecordFilter currentFilter() const;

    /// Re-reads the list with the current filter (time presets move to now).
    Q_INVOKABLE void refresh();
    /// Reads the details of an attempt (empty id: clears the selection).
    Q_INVOKABLE void select(const QString &attemptId);
    /// Exports every record of the current filter, with details, to a local file. Ends in
    /// exportFinished(). A second export while one runs fails at once.
    Q_INVOKABLE void exportCsv(const QUrl &file);
    Q_INVOKABLE void exportJson(const QUrl &file);
    /// "records-YYYYMMDD-HHMMSS.<extension>" (local time).
    Q_INVOKABLE QString suggestedFileName(const QString &extension) const;
    Q_INVOKABLE void clearError();

Q_SIGNALS:
    void timeRangeChanged();
    void customRangeChanged();
    void outcomeFilterChanged();
    void nameFilterChanged();
    void scopeChanged();
    void stationFilterChanged();
    void stationsChanged();
    void lineStatusChanged();
    void debounceMsChanged();
    void totalCountChanged();
    void loadedCountChanged();
    void busyChanged();
    void selectedRecordChanged();
    void lastErrorChanged();
    /// The end of exportCsv()/exportJson(): `rows` written to `filePath`. When !ok, `errorCode` is
    /// the prov::ErrorCode (as int: InvalidArgument for a non-local target or an export already
    /// running, StorageFailed for the store or the file) and `error` its text from errorText();
    /// when ok, `errorCode` is 0 and `error` empty.
    void exportFinished(bool ok, qint64 rows, const QString &filePath, int errorCode, const QString &error);

private:
    void startExport(const QUrl &file, RecordLog::ExportFormat format);
    void handleExportFinished(quint64 requestId, qint64 rows, const prov::Status &status);
    void handleRecordFetched(
        quint64 requestId, const prov::ProvisioningRecord &record, const prov::Status &status);
    void handleRecordRefreshed(
        const QString &attemptId, const prov::ProvisioningRecord &record, const prov::Status &status);
    void setLastError(const prov::Error &error);
    void setLastError(int code, const QString &text);

    RecordLog *m_log;
    RecordsModel *m_model;
    QTimer m_debounce;
    TimeRange m_timeRange = TimeRange::Last7Days;
    qint64 m_customFromMs = 0;
    qint64 m_customToMs = 0;
    OutcomeFilter m_outcome = OutcomeFilter::AnyOutcome;
    QString m_name;
    RecordLog::RecordScope m_scope = RecordLog::RecordScope::Station;
    QString m_station;
    QStringList m_stations;
    quint64 m_stationsRequest = 0;
    QString m_selectedId;
    QVariantMap m_selected;
    std::optional<prov::ProvisioningRecord> m_selectedRecord;
    quint64 m_selectRequest = 0;
    quint64 m_exportRequest = 0;
    QString m_exportPath;
    int m_lastErrorCode = 0;
    QString m_lastError;
};
