// SPDX-License-Identifier: Apache-2.0
#include "records/recordscontroller.h"

#include "session/erroradvice.h"

#include <QDateTime>
#include <QVariantList>

#include <optional>

namespace {

constexpr qint64 kDayMs = 24 * 60 * 60 * 1000;

// The model's roles plus the details that list rows do not carry.
QVariantMap toVariantMap(const prov::ProvisioningRecord &r)
{
    QVariantMap map;
    const QHash<int, QByteArray> roles = RecordsModel::roles();
    for (auto it = roles.cbegin(); it != roles.cend(); ++it)
        map.insert(QString::fromLatin1(it.value()), RecordsModel::valueOf(r, it.key()));
    QVariantList phases;
    for (const prov::PhaseDuration &p : r.phases)
        phases.append(QVariantMap {
            { QStringLiteral("phase"), p.phase }, { QStringLiteral("durationMs"), p.durationMs } });
    QVariantList calls;
    for (const prov::CustomCallEntry &c : r.customCalls) {
        calls.append(QVariantMap {
            { QStringLiteral("endpoint"), c.endpoint },
            { QStringLiteral("requestBytes"), c.requestBytes },
            { QStringLiteral("responseBytes"), c.responseBytes },
            { QStringLiteral("errorCode"), c.errorCode },
            { QStringLiteral("errorName"), prov::recordErrorName(c.errorCode) },
            { QStringLiteral("payloadRecorded"), c.payloadRecorded },
        });
    }
    map.insert(QStringLiteral("protoVerJson"), r.device.protoVerJson);
    map.insert(QStringLiteral("secVer"), r.device.secVer);
    map.insert(QStringLiteral("secPatchVer"), r.device.secPatchVer);
    map.insert(QStringLiteral("phases"), phases);
    map.insert(QStringLiteral("customCalls"), calls);
    return map;
}

} // namespace

RecordsController::RecordsController(RecordLog *log, QObject *parent)
    : QObject(parent)
    , m_log(log)
    , m_model(new RecordsModel(log, this))
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(250);
    connect(&m_debounce, &QTimer::timeout, this, &RecordsController::refresh);
    connect(m_model, &RecordsModel::totalCountChanged, this, &RecordsController::totalCountChanged);
    connect(m_model, &RecordsModel::loadedCountChanged, this, &RecordsController::loadedCountChanged);
    connect(m_model, &RecordsModel::busyChanged, this, &RecordsController::busyChanged);
    connect(m_model, &RecordsModel::queryFailed, this, [this](const prov::Error &e) { setLastError(e); });
    connect(m_log, &RecordLog::storageFailed, this, [this](const prov::Error &e) { setLastError(e); });
    connect(m_log, &RecordLog::opened, this, [this](const prov::Status &status) {
        if (status)
            refresh();
        else
            setLastError(status.error());
    });
    connect(m_log, &RecordLog::exportFinished, this, &RecordsController::handleExportFinished);
    connect(m_log, &RecordLog::recordFetched, this, &RecordsController::handleRecordFetched);
    connect(m_model, &RecordsModel::recordRefreshed, this, &RecordsController::handleRecordRefreshed);
    connect(m_log, &RecordLog::lineStatusChanged, this, [this] {
        if (!m_log->lineRecordConfigured() && m_scope == RecordLog::RecordScope::Line)
            setScope(Scope::Station);
        Q_EMIT lineStatusChanged();
    });
    connect(m_log, &RecordLog::stationsFetched, this,
        [this](quint64 id, const QStringList &stations, const prov::Status &status) {
            if (id != m_stationsRequest)
                return;
            m_stationsRequest = 0;
            if (!status)
                return; // the list's own query reports the failure
            if (stations != m_stations) {
                m_stations = stations;
                Q_EMIT stationsChanged();
            }
        });
}

void RecordsController::setScope(Scope scope)
{
    auto s = RecordLog::RecordScope(int(scope));
    if (s == RecordLog::RecordScope::Line && !m_log->lineRecordConfigured())
        s = RecordLog::RecordScope::Station;
    if (s == m_scope)
        return;
    m_scope = s;
    Q_EMIT scopeChanged();
    refresh();
}

void RecordsController::setStationFilter(const QString &station)
{
    const QString s = station.trimmed();
    if (s == m_station)
        return;
    m_station = s;
    Q_EMIT stationFilterChanged();
    refresh();
}

QString RecordsController::lineStatusText() const
{
    if (!m_log->lineRecordConfigured())
        return {};
    const prov::LineSyncStatus st = m_log->lineStatus();
    if (!st.online && st.lastError) {
        return st.pending < 0 ? tr("line record offline")
                              : tr("line record offline: %n attempt(s) waiting", nullptr, int(st.pending));
    }
    if (!st.online)
        return tr("line record: connecting…");
    if (st.pending > 0)
        return tr("line record: syncing %n attempt(s)", nullptr, int(st.pending));
    return tr("line record online");
}

QString RecordsController::lineError() const
{
    const prov::LineSyncStatus st = m_log->lineStatus();
    return !st.online && st.lastError ? st.lastError->detail : QString();
}

RecordsController::~RecordsController() = default;

void RecordsController::setTimeRange(TimeRange range)
{
    if (range == m_timeRange)
        return;
    m_timeRange = range;
    Q_EMIT timeRangeChanged();
    refresh();
}

void RecordsController::setCustomFromMs(qint64 ms)
{
    if (ms == m_customFromMs)
        return;
    m_customFromMs = ms;
    Q_EMIT customRangeChanged();
    if (m_timeRange == TimeRange::Custom)
        refresh();
}

void RecordsController::setCustomToMs(qint64 ms)
{
    if (ms == m_customToMs)
        return;
    m_customToMs = ms;
    Q_EMIT customRangeChanged();
    if (m_timeRange == TimeRange::Custom)
        refresh();
}

void RecordsController::setOutcomeFilter(OutcomeFilter outcome)
{
    if (outcome == m_outcome)
        return;
    m_outcome = outcome;
    Q_EMIT outcomeFilterChanged();
    refresh();
}

void RecordsController::setNameFilter(const QString &text)
{
    if (text == m_name)
        return;
    m_name = text;
    Q_EMIT nameFilterChanged();
    m_debounce.start();
}

int RecordsController::debounceMs() const
{
    return m_debounce.interval();
}

void RecordsController::setDebounceMs(int ms)
{
    ms = std::max(0, ms);
    if (ms == m_debounce.interval())
        return;
    m_debounce.setInterval(ms);
    Q_EMIT debounceMsChanged();
}

prov::RecordFilter RecordsController::currentFilter() const
{
    prov::RecordFilter f;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    switch (m_timeRange) {
    case TimeRange::Last24Hours:
        f.fromMs = now - kDayMs;
        break;
    case TimeRange::Last7Days:
        f.fromMs = now - 7 * kDayMs;
        break;
    case TimeRange::AllTime:
        break;
    case TimeRange::Custom:
        f.fromMs = m_customFromMs;
        f.toMs = m_customToMs;
        break;
    }
    if (m_outcome != OutcomeFilter::AnyOutcome)
        f.outcomes = { prov::RecordOutcome(int(m_outcome)) };
    f.nameContains = m_name.trimmed();
    f.station = m_station;
    return f;
}

void RecordsController::refresh()
{
    m_debounce.stop();
    m_model->setScope(m_scope);
    m_model->setFilter(currentFilter());
    m_stationsRequest = m_log->requestStations(m_scope);
}

void RecordsController::select(const QString &attemptId)
{
    m_selectedId = attemptId;
    m_selectRequest = attemptId.isEmpty() ? 0 : m_log->requestRecord(attemptId, m_scope);
    if (attemptId.isEmpty() || m_selected.value(QStringLiteral("attemptId")).toString() != attemptId) {
        m_selected.clear();
        m_selectedRecord.reset();
        Q_EMIT selectedRecordChanged();
    }
}

void RecordsController::handleRecordFetched(
    quint64 requestId, const prov::ProvisioningRecord &record, const prov::Status &status)
{
    if (requestId != m_selectRequest)
        return;
    m_selectRequest = 0;
    if (!status) {
        setLastError(status.error());
        return;
    }
    m_selected = toVariantMap(record);
    m_selectedRecord = record;
    Q_EMIT selectedRecordChanged();
}

void RecordsController::handleRecordRefreshed(
    const QString &attemptId, const prov::ProvisioningRecord &record, const prov::Status &status)
{
    // Keep the details pane live while the selected attempt runs (the model's re-read serves both).
    if (m_selectedId.isEmpty() || attemptId != m_selectedId)
        return;
    if (!status)
        return setLastError(status.error());
    m_selected = toVariantMap(record);
    m_selectedRecord = record;
    Q_EMIT selectedRecordChanged();
}

void RecordsController::exportCsv(const QUrl &file)
{
    startExport(file, RecordLog::ExportFormat::Csv);
}

void RecordsController::exportJson(const QUrl &file)
{
    startExport(file, RecordLog::ExportFormat::Json);
}

void RecordsController::startExport(const QUrl &file, RecordLog::ExportFormat format)
{
    const QString path = file.isLocalFile() ? file.toLocalFile()
                                            : (file.scheme().isEmpty() ? file.path() : QString());
    std::optional<prov::Error> error;
    if (path.isEmpty())
        error = prov::makeError(prov::ErrorCode::InvalidArgument,
            QStringLiteral("%1 is not a local file").arg(file.toDisplayString()));
    else if (m_exportRequest != 0)
        error = prov::makeError(
            prov::ErrorCode::InvalidArgument, QStringLiteral("an export is already running"));
    if (error) {
        // Asynchronous like every other ending, so QML handlers see one order.
        QMetaObject::invokeMethod(
            this,
            [this, path, code = int(error->code), text = errorText(*error)] {
                Q_EMIT exportFinished(false, 0, path, code, text);
            },
            Qt::QueuedConnection);
        return;
    }
    prov::RecordFilter f = currentFilter();
    f.withDetails = true;
    m_exportPath = path;
    m_exportRequest = m_log->requestExport(f, format, path, m_scope);
    Q_EMIT busyChanged();
}

void RecordsController::handleExportFinished(quint64 requestId, qint64 rows, const prov::Status &status)
{
    if (requestId != m_exportRequest)
        return;
    m_exportRequest = 0;
    Q_EMIT busyChanged();
    if (status) {
        Q_EMIT exportFinished(true, rows, m_exportPath, 0, QString());
        return;
    }
    setLastError(status.error());
    Q_EMIT exportFinished(false, rows, m_exportPath, int(status.error().code), m_lastError);
}

QString RecordsController::suggestedFileName(const QString &extension) const
{
    return QStringLiteral("records-%1.%2")
        .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")), extension);
}

void RecordsController::clearError()
{
    setLastError(0, QString());
}

QString RecordsController::errorText(const prov::Error &error)
{
    const QString headline = ws::adviceFor(error.code, ws::ErrorContext::Any).headline;
    return error.detail.isEmpty() ? headline : QStringLiteral("%1: %2").arg(headline, error.detail);
}

void RecordsController::setLastError(const prov::Error &error)
{
    setLastError(int(error.code), errorText(error));
}

void RecordsController::setLastError(int code, const QString &text)
{
    if (code == m_lastErrorCode && text == m_lastError)
        return;
    m_lastErrorCode = code;
    m_lastError = text;
    Q_EMIT lastErrorChanged();
}
