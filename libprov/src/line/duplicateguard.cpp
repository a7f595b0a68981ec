// SPDX-License-Identifier: Apache-2.0
// The duplicate guard (docs/line-mode.md "Duplicate guard"): a job kind decorator whose job asks the
// line record first, as a coroutine (docs/architecture.md "Long asynchronous flows").
#include "prov/duplicateguard.h"

#include "prov/record.h"
#include "prov/recordsink.h"

#include "core/flow.h"
#include "core/logging.h"

#include <QCoroTask>
#include <QDateTime>
#include <QPointer>
#include <QTimer>

#include <algorithm>

namespace prov {

namespace {

/// Provisioned attempts a look-up reads at most (the newest is the one reported).
constexpr int kLookupLimit = 5;

const QString &checkingStep()
{
    static const QString step = QStringLiteral("checking the line record");
    return step;
}

class GuardedJob final : public ProvisioningJob
{
public:
    GuardedJob(JobRequest request, RecordSink *sink, JobKind *inner, DuplicateLookup *lookup, int timeoutMs)
        : m_request(std::move(request))
        , m_sink(sink)
        , m_kind(inner)
        , m_lookup(lookup)
        , m_timeoutMs(timeoutMs)
        , m_promise(this)
    { }

    ~GuardedJob() override
    {
        // Destroyed while the line record was being asked: the attempt is recorded Cancelled, as an
        // EspJob's recorder does. Later the inner job (a member) records its own end.
        if (m_started && !m_inner && !m_recorded)
            recordEnd(RecordOutcome::Cancelled,
                makeError(ErrorCode::Cancelled,
                    QStringLiteral("the job was destroyed while checking the line record")));
        m_cancel->cancel(makeError(ErrorCode::Cancelled, QStringLiteral("the job was destroyed")));
    }

    Pending<JobResult> *start() override
    {
        if (!m_started) {
            m_started = true;
            m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
            QCoro::connect(run(this, m_cancel, m_request), this,
                [this](const Result<JobResult> &result) { m_promise.finishLater(result); });
        }
        return m_promise.pending();
    }

    void cancel() override
    {
        if (m_promise.isFinished() || m_cancelled)
            return;
        m_cancelled = true;
        if (m_inner) {
            m_inner->cancel(); // its Pending ends with Cancelled: the flow passes it on
            return;
        }
        m_cancel->cancel(makeError(ErrorCode::Cancelled, QStringLiteral("the job was cancelled")));
    }

private:
    static QCoro::Task<Result<JobResult>> run(
        QPointer<GuardedJob> self, std::shared_ptr<flow::FlowCancel> cancel, JobRequest request);

    /// The attempt this job ends itself (refused, or cancelled before the inner job): one row with the
    /// request's identity, from the start of the check to now.
    void recordEnd(RecordOutcome outcome, const Error &error)
    {
        m_recorded = true;
        if (!m_sink)
            return;
        AttemptStart start = m_request.identity;
        start.attemptId.clear();
        start.startedAtMs = m_startedAtMs;
        const QString id = m_sink->beginAttempt(start);
        AttemptEnd end;
        end.outcome = outcome;
        end.failureCode = int(error.code);
        end.failureDetail = error.detail; // station, time and attempt id: no secret (error.h)
        m_sink->finishAttempt(id, end);
    }

    /// The inner job's progress is this job's (the guard's own step takes 0..2 %).
    void follow(ProvisioningJob *inner)
    {
        connect(
            inner, &ProvisioningJob::progressChanged, this, [this, inner](const QString &step, int percent) {
                if (inner->reachedApply())
                    setReachedApply();
                setProgress(step, percent);
            });
    }

    JobRequest m_request;
    RecordSink *m_sink;
    JobKind *m_kind;
    DuplicateLookup *m_lookup;
    int m_timeoutMs;
    std::shared_ptr<flow::FlowCancel> m_cancel = std::make_shared<flow::FlowCancel>();
    std::unique_ptr<ProvisioningJob> m_inner;
    Promise<JobResult> m_promise;
    qint64 m_startedAtMs = 0;
    bool m_started = false;
    bool m_cancelled = false; ///< cancel() was called
    bool m_recorded = false; ///< this job wrote its attempt itself
};

QCoro::Task<Result<JobResult>> GuardedJob::run(
    QPointer<GuardedJob> self, std::shared_ptr<flow::FlowCancel> cancel, JobRequest request)
{
    const flow::FlowCancel::Running running(cancel);
    const Error gone = makeError(ErrorCode::Cancelled, QStringLiteral("the job was destroyed"));
    const LineDevice &device = request.device;
    GuardedJob *job = self.data();
    job->setProgress(checkingStep(), 0);
    if (!self)
        co_return gone;

    // Ask the line record, at most m_timeoutMs: an answer that comes later is ignored (the step has
    // been settled by the timer), a lookup that never answers does not hold the tray.
    auto checking = flow::awaitStep<DuplicateCheck>(cancel,
        [job, lookup = job->m_lookup, timeoutMs = job->m_timeoutMs, name = device.serviceName,
            transport = transportKindName(device.transport),
            address = device.address](flow::StepCallback<DuplicateCheck> done) {
            QTimer::singleShot(timeoutMs, job, [done, timeoutMs] {
                done(makeError(ErrorCode::Timeout,
                    QStringLiteral("the line record did not answer within %1 ms").arg(timeoutMs)));
            });
            Pending<DuplicateCheck> *op = lookup->check(name, transport, address);
            if (!op)
                return done(makeError(ErrorCode::Internal, QStringLiteral("the lookup started nothing")));
            QObject::connect(op, &PendingOperation::finished, job, [op, done] { done(op->result()); });
        });
    const Result<DuplicateCheck> checked = co_await checking;
    if (!self)
        co_return gone;
    if (job->m_cancelled) {
        const Error cancelled = makeError(
            ErrorCode::Cancelled, QStringLiteral("the job was cancelled while checking the line record"));
        job->recordEnd(RecordOutcome::Cancelled, cancelled);
        co_return cancelled;
    }

    QString note;
    if (!checked) {
        qCWarning(lcProvLine).noquote()
            << device.key()
            << "line record offline, not checked for duplicates:" << checked.error().toString();
        job->setProgress(QStringLiteral("line record offline: not checked"), 2);
    } else if (!checked->provisioned.isEmpty()) {
        const QString where = describeProvisionedAttempt(checked->provisioned.first());
        if (request.profile.duplicates == ProductProfile::DuplicatePolicy::Refuse) {
            const Error refused = makeError(
                ErrorCode::AlreadyProvisioned, QStringLiteral("provisioned ") + where);
            qCInfo(lcProvLine).noquote() << device.key() << "refused:" << refused.toString();
            job->recordEnd(RecordOutcome::Failed, refused);
            co_return refused;
        }
        note = QStringLiteral("provisioned before ") + where;
        qCInfo(lcProvLine).noquote() << device.key() << note << "- provisioning it again";
        job->setProgress(note + QStringLiteral(": provisioning again"), 2);
    } else if (checked->lineError) {
        qCWarning(lcProvLine).noquote()
            << device.key() << "line record offline, only this station's record was checked:"
            << checked->lineError->toString();
        job->setProgress(QStringLiteral("line record offline: this station checked"), 2);
    } else {
        job->setProgress(checkingStep(), 2);
    }
    if (!self)
        co_return gone;
    if (job->m_cancelled) { // a slot of the progress signal cancelled the job
        const Error cancelled = makeError(
            ErrorCode::Cancelled, QStringLiteral("the job was cancelled while checking the line record"));
        job->recordEnd(RecordOutcome::Cancelled, cancelled);
        co_return cancelled;
    }

    // The inner job records its own attempt; a cancel from now on goes to it, and its end is ours.
    job->m_inner = job->m_kind->create(request, job->m_sink);
    ProvisioningJob *inner = job->m_inner.get();
    job->follow(inner);
    auto provisioning = flow::awaitStep<JobResult>(cancel, [job, inner](flow::StepCallback<JobResult> done) {
        Pending<JobResult> *op = inner->start();
        QObject::connect(op, &PendingOperation::finished, job, [op, done] { done(op->result()); });
    });
    Result<JobResult> result = co_await provisioning;
    if (!self)
        co_return gone;
    if (inner->reachedApply())
        job->setReachedApply();
    if (result && !note.isEmpty())
        result->duplicateNote = note;
    co_return result;
}

} // namespace

QString describeProvisionedAttempt(const ProvisioningRecord &attempt)
{
    const qint64 ms = attempt.end.finishedAtMs > 0 ? attempt.end.finishedAtMs : attempt.start.startedAtMs;
    const QString when = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    const QString station = attempt.start.station.isEmpty() ? QStringLiteral("(unnamed)")
                                                            : attempt.start.station;
    return QStringLiteral("at station %1 on %2 UTC (attempt %3)")
        .arg(station, when, attempt.start.attemptId.left(8));
}

StoreDuplicateLookup::StoreDuplicateLookup(RecordStore *store, bool lineRecord, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_lineRecord(lineRecord)
{ }

Pending<DuplicateCheck> *StoreDuplicateLookup::check(
    const QString &serviceName, const QString &transport, const QString &address)
{
    Promise<DuplicateCheck> promise(this);
    if (!m_store) {
        promise.finishLater(makeError(ErrorCode::Internal, QStringLiteral("no record to look up")));
        return promise.pending();
    }
    Result<QList<ProvisioningRecord>> found = m_store->provisionedAttempts(
        serviceName, transport, address, kLookupLimit);
    if (!found) {
        promise.finishLater(found.error());
        return promise.pending();
    }
    DuplicateCheck answer;
    answer.provisioned = std::move(found.value());
    answer.lineChecked = m_lineRecord;
    promise.finishLater(std::move(answer));
    return promise.pending();
}

GuardedJobKind::GuardedJobKind(std::unique_ptr<JobKind> inner, DuplicateLookup *lookup)
    : m_inner(std::move(inner))
    , m_lookup(lookup)
{ }

QString GuardedJobKind::name() const
{
    return m_inner->name();
}

bool GuardedJobKind::handles(const LineDevice &device) const
{
    return m_inner->handles(device);
}

std::unique_ptr<ProvisioningJob> GuardedJobKind::create(const JobRequest &request, RecordSink *sink)
{
    if (!m_lookup || request.profile.duplicates == ProductProfile::DuplicatePolicy::Off)
        return m_inner->create(request, sink);
    return std::make_unique<GuardedJob>(request, sink, m_inner.get(), m_lookup, m_timeoutMs);
}

void GuardedJobKind::setTimeoutMs(int timeoutMs)
{
    m_timeoutMs = std::max(0, timeoutMs);
}

} // namespace prov
