// SPDX-License-Identifier: Apache-2.0
#include "prov/laneengine.h"

#include "prov/record.h"
#include "prov/recordsink.h"

#include "core/logging.h"

#include <QDateTime>
#include <QMetaEnum>
#include <QPointer>
#include <QScopeGuard>
#include <QUuid>

#include <algorithm>

namespace prov {

namespace {

template <typename E> QString enumName(E value)
{
    return QString::fromLatin1(QMetaEnum::fromType<E>().valueToKey(int(value))).toLower();
}

bool isEnd(LineDeviceState state)
{
    return state == LineDeviceState::Succeeded || state == LineDeviceState::Failed
        || state == LineDeviceState::Skipped || state == LineDeviceState::Aborted;
}

bool isActive(LineState state)
{
    return state == LineState::Running || state == LineState::Paused || state == LineState::Draining
        || state == LineState::Aborting;
}

QString keyOf(const ProvisioningRecord &record)
{
    LineDevice d;
    d.serviceName = record.start.serviceName;
    d.address = record.start.address;
    d.transport = transportKindFromName(record.start.transport).value_or(TransportKind::Ble);
    return d.key();
}

/// A sticker or a manifest row gives the device's credentials, even empty ones (Security 0); a scan gives
/// none.
bool vouchesForCredentials(const LineDevice &device)
{
    return !device.credentials.isEmpty() || device.credentialsGiven;
}

} // namespace

QString lineStateName(LineState state)
{
    return enumName(state);
}

QString lineDeviceStateName(LineDeviceState state)
{
    return enumName(state);
}

QList<LineDevice> BatchResume::pending() const
{
    QList<LineDevice> out;
    for (const BatchDevice &bd : batch.devices) {
        LineDevice d;
        d.serviceName = bd.serviceName;
        d.transport = transportKindFromName(bd.transport).value_or(TransportKind::Ble);
        d.address = bd.address;
        d.source = QStringLiteral("resume");
        if (!succeeded.contains(d.key()))
            out.append(d);
    }
    return out;
}

Result<BatchResume> readBatchResume(const RecordStore &store, const QString &batchId)
{
    Result<BatchInfo> info = store.batch(batchId);
    if (!info)
        return info.error();
    if (info->state != BatchState::Running) {
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("batch %1 has already ended: nothing to resume").arg(batchId));
    }
    RecordFilter filter;
    filter.batchId = batchId;
    filter.withDetails = true; // the phases tell which attempts got as far as ApplyConfig
    filter.newestFirst = false;
    Result<QList<ProvisioningRecord>> rows = store.query(filter);
    if (!rows)
        return rows.error();
    BatchResume resume;
    resume.batch = *info;
    for (const ProvisioningRecord &row : *rows) {
        const QString key = keyOf(row);
        resume.attempts[key] = std::max(resume.attempts.value(key), row.start.attemptNumber);
        if (row.end.outcome == RecordOutcome::Provisioned)
            resume.succeeded.insert(key);
        for (const PhaseDuration &phase : row.phases) {
            if (phase.phase == QLatin1String("apply") || phase.phase == QLatin1String("wait_connected"))
                resume.applied.insert(key);
        }
    }
    return resume;
}

struct LaneEngine::Entry
{
    LineDevice device; ///< with its credentials (never exposed)
    /// A sticker or manifest row spoke for the device: its credentials are known, also when empty
    /// (a Security 0 device needs none).
    bool credentialsKnown = false;
    LineDeviceStatus status;
    JobKind *kind = nullptr;
    QHash<ErrorCode, int> retriesUsed; ///< retries the policy granted per error code since (re)queued
    bool resetNext = false; ///< the next attempt sends prov-ctrl reset first
    bool applied = false; ///< an attempt got as far as ApplyConfig (the next one reads the status first)
    std::unique_ptr<ProvisioningJob> job;
};

LaneEngine::LaneEngine(QObject *parent)
    : QObject(parent)
{ }

LaneEngine::~LaneEngine()
{
    // Jobs still running are destroyed with their entries: each ends its attempt Cancelled in the
    // record; the batch stays Running there, so the next start offers to resume it.
    for (auto &entry : m_entries) {
        if (entry->job)
            entry->job->disconnect(this);
    }
}

void LaneEngine::addJobKind(std::unique_ptr<JobKind> kind)
{
    if (kind)
        m_kinds.push_back(std::move(kind));
}

void LaneEngine::setRecordSink(RecordSink *sink)
{
    m_sink = sink;
}

Status LaneEngine::start(const BatchSettings &settings)
{
    return begin(settings, nullptr);
}

Status LaneEngine::resumeBatch(const BatchSettings &settings, const BatchResume &resume)
{
    const BatchStart &started = resume.batch.start;
    if (started.profileId != settings.profile.id || started.profileVersion != settings.profile.version) {
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("batch %1 was started with profile %2 version %3, not %4 version %5")
                .arg(started.batchId, started.profileId, started.profileVersion, settings.profile.id,
                    settings.profile.version));
    }
    return begin(settings, &resume);
}

Status LaneEngine::begin(const BatchSettings &settings, const BatchResume *resume)
{
    if (isActive(m_state))
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("batch %1 is still running").arg(batchId()));
    if (m_kinds.empty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("no job kind is registered"));
    if (settings.lanes < 0)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("lanes must be 0 (the profile's) or more"));

    const ProductProfile &profile = settings.profile;
    const int lanes = settings.lanes > 0 ? settings.lanes : profile.defaultLanes();
    m_settings = settings;
    m_settings.batchId = resume      ? resume->batch.start.batchId
        : settings.batchId.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces)
                                     : settings.batchId;
    m_laneCount = std::max(lanes, 1);
    m_lanes = QList<QString>(m_laneCount);
    m_entries.clear();
    m_closing = false;
    m_ended = 0;
    m_counter = 0;
    m_succeededBefore = resume ? resume->succeeded : QSet<QString>();
    m_attemptsBefore = resume ? resume->attempts : QHash<QString, int>();
    m_appliedBefore = resume ? resume->applied : QSet<QString>();
    m_endedElapsedMs = -1;
    m_clock.start();

    if (m_sink && !resume) {
        BatchStart start;
        start.batchId = m_settings.batchId;
        start.station = settings.station;
        start.operatorName = settings.operatorName;
        start.profileId = profile.id;
        start.profileVersion = profile.version;
        start.profileJson = profile.toJson();
        start.lanes = m_laneCount;
        m_sink->beginBatch(start);
    }
    qCInfo(lcProvLine).noquote() << (resume ? "resuming" : "starting") << "batch" << m_settings.batchId
                                 << "profile" << profile.id << profile.version << "lanes" << m_laneCount;
    setState(LineState::Running);
    if (resume) {
        for (const auto &[key, count] : resume->attempts.asKeyValueRange())
            m_counter += count;
        for (const LineDevice &device : resume->pending()) {
            if (Status s = offer(device); !s)
                qCInfo(lcProvLine).noquote() << "not resumed:" << s.error().toString();
        }
    }
    return {};
}

LaneEngine::Entry *LaneEngine::find(const QString &key)
{
    for (auto &e : m_entries) {
        if (e->status.key == key)
            return e.get();
    }
    return nullptr;
}

const LaneEngine::Entry *LaneEngine::find(const QString &key) const
{
    return const_cast<LaneEngine *>(this)->find(key);
}

bool LaneEngine::startable(const Entry &entry) const
{
    if (entry.device.address.isEmpty())
        return false;
    return m_settings.profile.security.credentialsFrom == ProductProfile::CredentialsSource::Prompt
        || entry.credentialsKnown;
}

Status LaneEngine::offer(const LineDevice &device)
{
    const QString key = device.key();
    if (m_state != LineState::Running && m_state != LineState::Paused)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("%1: no batch is taking devices").arg(key));
    if (m_closing)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("%1: the batch takes no more devices").arg(key));
    if (m_succeededBefore.contains(key))
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("%1: already provisioned in this batch").arg(key));

    if (Entry *e = find(key)) {
        if (e->status.state == LineDeviceState::Succeeded)
            return makeError(
                ErrorCode::InvalidArgument, QStringLiteral("%1: already provisioned in this batch").arg(key));
        // The same device again (the scan reports it repeatedly, or its sticker was scanned): fill in.
        // A SoftAP's BSSID (a Wi-Fi scan) never replaces a host:port the device is reached at directly.
        const bool keepDirectAddress = device.transport == TransportKind::SoftAp
            && isMacAddress(device.address) && !e->device.address.isEmpty()
            && !isMacAddress(e->device.address);
        if (!device.address.isEmpty() && !keepDirectAddress)
            e->device.address = e->status.address = device.address;
        if (device.rssiDbm)
            e->device.rssiDbm = e->status.rssiDbm = device.rssiDbm;
        if (device.signalPercent)
            e->device.signalPercent = device.signalPercent;
        // Known credentials are never replaced by empty ones (a manifest row without a sticker's PoP);
        // the SoftAP password (it opens the link, not the session) is kept on its own the same way.
        const QByteArray softApPassword = device.credentials.softApPassword.isEmpty()
            ? e->device.credentials.softApPassword
            : device.credentials.softApPassword;
        if (!device.credentials.isEmpty())
            e->device.credentials = device.credentials;
        e->device.credentials.softApPassword = softApPassword;
        e->credentialsKnown = e->credentialsKnown || vouchesForCredentials(device);
        for (auto it = device.fields.cbegin(); it != device.fields.cend(); ++it)
            e->device.fields.insert(it.key(), it.value());
        // What the device now is decides its kind (a QR sticker first, the Wi-Fi scan's BSSID later
        // makes it a SoftAP to join); never while a job runs.
        if (!e->job) {
            for (auto &k : m_kinds) {
                if (k->handles(e->device)) {
                    e->kind = k.get();
                    break;
                }
            }
        }
        if (e->status.state == LineDeviceState::Waiting && startable(*e)) {
            e->status.state = LineDeviceState::Queued;
            Q_EMIT countersChanged();
        }
        Q_EMIT deviceChanged(key);
        schedule();
        return {};
    }

    const ProductProfile &profile = m_settings.profile;
    if (!profile.match.transports.contains(device.transport)) {
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("%1: profile %2 does not allow %3")
                .arg(key, profile.id, transportKindName(device.transport)));
    }
    if (!profile.matches(device.serviceName, device.transport, 0)) {
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("%1: the name does not match profile %2").arg(key, profile.id));
    }
    if (device.rssiDbm && *device.rssiDbm < profile.match.minRssiDbm) {
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("%1: RSSI %2 dBm is below the profile's gate of %3 dBm")
                .arg(key)
                .arg(*device.rssiDbm)
                .arg(profile.match.minRssiDbm));
    }
    JobKind *kind = nullptr;
    for (auto &k : m_kinds) {
        if (k->handles(device)) {
            kind = k.get();
            break;
        }
    }
    if (!kind) {
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("%1: no job kind handles %2").arg(key, transportKindName(device.transport)));
    }

    auto entry = std::make_unique<Entry>();
    entry->device = device;
    entry->credentialsKnown = vouchesForCredentials(device);
    entry->kind = kind;
    LineDeviceStatus &s = entry->status;
    s.key = key;
    s.serviceName = device.serviceName;
    s.transport = device.transport;
    s.address = device.address;
    s.rssiDbm = device.rssiDbm;
    s.source = device.source;
    s.position = int(m_entries.size());
    s.attempts = m_attemptsBefore.value(key); // a resumed batch: the attempt numbers go on
    entry->applied = m_appliedBefore.contains(key);
    s.state = startable(*entry) ? LineDeviceState::Queued : LineDeviceState::Waiting;
    if (m_sink && device.source != QLatin1String("resume")) {
        BatchDevice bd;
        bd.batchId = m_settings.batchId;
        bd.position = s.position;
        bd.serviceName = device.serviceName;
        bd.transport = transportKindName(device.transport);
        bd.address = device.address;
        bd.source = device.source;
        m_sink->addBatchDevice(bd);
    }
    m_entries.push_back(std::move(entry));
    Q_EMIT deviceChanged(key);
    Q_EMIT countersChanged();
    schedule();
    return {};
}

void LaneEngine::schedule()
{
    if (m_state != LineState::Running)
        return maybeEndBatch(); // draining or aborting ends once the last job has
    QHash<TransportKind, int> running;
    for (const auto &e : m_entries) {
        if (e->status.state == LineDeviceState::Running)
            ++running[e->status.transport];
    }
    for (int lane = 0; lane < m_laneCount && m_state == LineState::Running; ++lane) {
        if (!m_lanes.at(lane).isEmpty())
            continue;
        // First-time devices in queue order, then retries: a failed device gets a moment to recover.
        Entry *next = nullptr;
        for (LineDeviceState wanted : { LineDeviceState::Queued, LineDeviceState::Retrying }) {
            for (auto &e : m_entries) {
                if (e->status.state == wanted && startable(*e)
                    && running.value(e->status.transport)
                        < m_settings.profile.lanesFor(e->status.transport)) {
                    next = e.get();
                    break;
                }
            }
            if (next)
                break;
        }
        if (!next)
            break;
        ++running[next->status.transport];
        startJob(*next, lane);
    }
    maybeEndBatch();
}

void LaneEngine::startJob(Entry &entry, int lane)
{
    LineDeviceStatus &s = entry.status;
    ++s.attempts;
    ++m_counter;
    JobRequest request;
    request.profile = m_settings.profile;
    request.device = entry.device;
    request.secrets = m_settings.secrets;
    request.placeholders.serviceName = entry.device.serviceName;
    request.placeholders.station = m_settings.station;
    request.placeholders.operatorName = m_settings.operatorName;
    request.placeholders.counter = m_counter;
    request.placeholders.batch = m_settings.batchId;
    request.placeholders.fields = entry.device.fields;
    AttemptStart &id = request.identity;
    id.station = m_settings.station;
    id.operatorName = m_settings.operatorName;
    id.serviceName = entry.device.serviceName;
    id.transport = transportKindName(entry.device.transport);
    id.address = entry.device.address;
    id.batchId = m_settings.batchId;
    id.lane = lane;
    id.profileId = m_settings.profile.id;
    id.profileVersion = m_settings.profile.version;
    id.attemptNumber = s.attempts;
    request.resetFirst = std::exchange(entry.resetNext, false);
    request.earlierAttemptApplied = entry.applied;
    request.transport = m_settings.transport;
    request.provisionOptions = m_settings.provisionOptions;

    entry.job = entry.kind->create(request, m_sink);
    s.state = LineDeviceState::Running;
    s.lane = lane;
    s.stepName.clear();
    s.progressPercent = 0;
    s.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_lanes[lane] = s.key;
    const QString key = s.key;
    connect(entry.job.get(), &ProvisioningJob::progressChanged, this,
        [this, key](const QString &step, int percent) {
            if (Entry *e = find(key)) {
                e->status.stepName = step;
                e->status.progressPercent = percent;
                Q_EMIT deviceChanged(key);
            }
        });
    qCInfo(lcProvLine).noquote() << "lane" << lane << "starts" << key << "attempt" << s.attempts;
    Pending<JobResult> *pending = entry.job->start();
    connect(pending, &PendingOperation::finished, this,
        [this, key, pending] { jobEnded(key, pending->result()); });
    Q_EMIT laneChanged(lane);
    Q_EMIT deviceChanged(key);
    Q_EMIT countersChanged();
}

void LaneEngine::jobEnded(const QString &key, const Result<JobResult> &result)
{
    Entry *e = find(key);
    if (!e || e->status.state != LineDeviceState::Running)
        return;
    const int lane = e->status.lane;
    if (lane >= 0 && lane < m_lanes.size())
        m_lanes[lane].clear();
    // We are inside the job's Pending's finished(): the job goes once the event loop is back.
    if (ProvisioningJob *job = e->job.release()) {
        e->applied = e->applied || job->reachedApply();
        job->disconnect(this);
        job->setParent(this); // destroyed with the engine if the event loop never comes back
        job->deleteLater();
    }
    if (result) {
        e->status.result = *result;
        e->status.lastError.reset();
        qCInfo(lcProvLine).noquote() << "lane" << lane << key << "provisioned";
        endDevice(*e, LineDeviceState::Succeeded);
    } else {
        const Error &error = result.error();
        e->status.lastError = error;
        qCInfo(lcProvLine).noquote() << "lane" << lane << key << "failed:" << error.toString();
        const ProductProfile::RetryRule rule = m_settings.profile.retry.value(error.code);
        if (m_state == LineState::Aborting || error.code == ErrorCode::Cancelled) {
            endDevice(*e, LineDeviceState::Aborted);
        } else if (e->retriesUsed.value(error.code) < rule.retries) {
            ++e->retriesUsed[error.code];
            e->resetNext = rule.resetFirst;
            e->status.state = LineDeviceState::Retrying;
            e->status.stepName.clear();
            e->status.progressPercent = 0;
            Q_EMIT deviceChanged(key);
            Q_EMIT countersChanged();
        } else {
            endDevice(*e, LineDeviceState::Failed);
        }
    }
    Q_EMIT laneChanged(lane);
    // Start the next device once this slot has returned (the finished() handlers of others run first).
    QMetaObject::invokeMethod(this, &LaneEngine::schedule, Qt::QueuedConnection);
}

void LaneEngine::endDevice(Entry &entry, LineDeviceState state)
{
    entry.status.state = state;
    entry.status.stepName.clear();
    if (state == LineDeviceState::Succeeded || state == LineDeviceState::Failed)
        ++m_ended;
    const QString key = entry.status.key;
    Q_EMIT deviceChanged(key);
    Q_EMIT deviceEnded(key, state);
    Q_EMIT countersChanged();
}

void LaneEngine::setState(LineState state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void LaneEngine::maybeEndBatch()
{
    if (m_ending)
        return; // a slot of a signal emitted below came back here
    const bool anyRunning = std::any_of(m_entries.cbegin(), m_entries.cend(),
        [](const auto &e) { return e->status.state == LineDeviceState::Running; });
    if (anyRunning)
        return;
    LineState end = LineState::Idle;
    if (m_state == LineState::Aborting) {
        end = LineState::Aborted;
    } else if (m_state == LineState::Draining) {
        end = LineState::Finished;
    } else if ((m_state == LineState::Running || m_state == LineState::Paused) && m_closing) {
        const bool anyStartable = std::any_of(m_entries.cbegin(), m_entries.cend(), [this](const auto &e) {
            return (e->status.state == LineDeviceState::Queued
                       || e->status.state == LineDeviceState::Retrying)
                && startable(*e);
        });
        if (anyStartable)
            return;
        end = LineState::Finished;
    } else {
        return;
    }
    // What is left never started in this batch: it ends too (each device ends once). Slots of the
    // signals below see the batch ended: control calls are refused and this function is not re-entered.
    m_ending = true;
    const auto ending = qScopeGuard([this] { m_ending = false; });
    const LineState before = m_state;
    m_state = end;
    m_endedElapsedMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    for (auto &e : m_entries) {
        if (!isEnd(e->status.state))
            endDevice(*e, end == LineState::Aborted ? LineDeviceState::Aborted : LineDeviceState::Skipped);
    }
    if (m_sink) {
        m_sink->finishBatch(
            m_settings.batchId, end == LineState::Aborted ? BatchState::Aborted : BatchState::Finished, 0);
    }
    qCInfo(lcProvLine).noquote() << "batch" << m_settings.batchId << lineStateName(end);
    m_settings.secrets = {}; // the shift's secrets are not kept past the batch
    if (before != end)
        Q_EMIT stateChanged(end);
    Q_EMIT batchEnded(end);
}

void LaneEngine::pause()
{
    if (m_state == LineState::Running)
        setState(LineState::Paused);
}

void LaneEngine::resume()
{
    if (m_state == LineState::Paused) {
        setState(LineState::Running);
        schedule();
    }
}

void LaneEngine::drain()
{
    if (m_state == LineState::Running || m_state == LineState::Paused) {
        setState(LineState::Draining);
        maybeEndBatch();
    }
}

void LaneEngine::abort()
{
    if (!isActive(m_state) || m_state == LineState::Aborting)
        return;
    setState(LineState::Aborting);
    for (auto &e : m_entries) {
        if (e->job)
            e->job->cancel(); // ends with Cancelled from the event loop: jobEnded() -> Aborted
    }
    maybeEndBatch();
}

void LaneEngine::finish()
{
    if (!isActive(m_state))
        return;
    m_closing = true;
    maybeEndBatch();
}

Status LaneEngine::retry(const QString &key)
{
    Entry *e = find(key);
    if (!e)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("%1 is not in the batch").arg(key));
    if (e->status.state != LineDeviceState::Failed)
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("%1 is %2, not failed").arg(key, lineDeviceStateName(e->status.state)));
    if (m_state != LineState::Running && m_state != LineState::Paused)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("the batch has ended"));
    if (e->status.lastError)
        e->resetNext = m_settings.profile.retry.value(e->status.lastError->code).resetFirst;
    e->retriesUsed.clear();
    --m_ended;
    e->status.state = LineDeviceState::Queued;
    Q_EMIT deviceChanged(key);
    Q_EMIT countersChanged();
    schedule();
    return {};
}

int LaneEngine::retryAllFailed()
{
    QStringList failed;
    for (const auto &e : m_entries) {
        if (e->status.state == LineDeviceState::Failed)
            failed.append(e->status.key);
    }
    int queued = 0;
    for (const QString &key : failed)
        queued += retry(key) ? 1 : 0;
    return queued;
}

Status LaneEngine::skip(const QString &key)
{
    Entry *e = find(key);
    if (!e)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("%1 is not in the batch").arg(key));
    if (m_state != LineState::Running && m_state != LineState::Paused)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("the batch has ended"));
    const LineDeviceState st = e->status.state;
    if (st != LineDeviceState::Failed && st != LineDeviceState::Waiting && st != LineDeviceState::Queued
        && st != LineDeviceState::Retrying) {
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("%1 is %2: it cannot be skipped").arg(key, lineDeviceStateName(st)));
    }
    if (st == LineDeviceState::Failed) {
        // It has ended already (deviceEnded was sent): only its classification changes.
        --m_ended;
        e->status.state = LineDeviceState::Skipped;
        Q_EMIT deviceChanged(key);
        Q_EMIT countersChanged();
    } else {
        endDevice(*e, LineDeviceState::Skipped);
    }
    maybeEndBatch();
    return {};
}

QString LaneEngine::laneDevice(int lane) const
{
    return lane >= 0 && lane < m_lanes.size() ? m_lanes.at(lane) : QString();
}

QList<LineDeviceStatus> LaneEngine::devices() const
{
    QList<LineDeviceStatus> out;
    out.reserve(qsizetype(m_entries.size()));
    for (const auto &e : m_entries)
        out.append(e->status);
    return out;
}

std::optional<LineDeviceStatus> LaneEngine::device(const QString &key) const
{
    if (const Entry *e = find(key))
        return e->status;
    return std::nullopt;
}

LineCounters LaneEngine::counters() const
{
    LineCounters c;
    for (const auto &e : m_entries) {
        switch (e->status.state) {
        case LineDeviceState::Waiting:
            ++c.waiting;
            break;
        case LineDeviceState::Queued:
            ++c.queued;
            break;
        case LineDeviceState::Running:
            ++c.running;
            break;
        case LineDeviceState::Retrying:
            ++c.retrying;
            break;
        case LineDeviceState::Succeeded:
            ++c.succeeded;
            break;
        case LineDeviceState::Failed:
            ++c.failed;
            break;
        case LineDeviceState::Skipped:
            ++c.skipped;
            break;
        case LineDeviceState::Aborted:
            ++c.aborted;
            break;
        }
    }
    return c;
}

qint64 LaneEngine::elapsedMs() const
{
    if (m_state == LineState::Idle || !m_clock.isValid())
        return 0;
    return m_endedElapsedMs >= 0 ? m_endedElapsedMs : m_clock.elapsed(); // frozen once the batch ended
}

double LaneEngine::throughputPerHour() const
{
    const qint64 elapsed = elapsedMs();
    if (m_ended <= 0 || elapsed <= 0)
        return 0;
    return double(m_ended) * 3600000.0 / double(elapsed);
}

qint64 LaneEngine::etaMs() const
{
    if (m_ended <= 0)
        return -1;
    const LineCounters c = counters();
    const int left = c.queued + c.retrying + c.running;
    return qint64(double(left) * double(elapsedMs()) / double(m_ended));
}

} // namespace prov
