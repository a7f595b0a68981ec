// SPDX-License-Identifier: Apache-2.0
#include "prov/provisioner.h"

#include "codec/networkcodec.h"
#include "core/flow.h"
#include "core/logging.h"
#include "core/securesession.h"
#include "prov/transport.h"

#include <QCoroTask>
#include <QDeadlineTimer>
#include <QPointer>
#include <QScopeGuard>
#include <QTimer>

namespace prov {

QString provisionStepName(ProvisionStep step)
{
    switch (step) {
    case ProvisionStep::Idle:
        return QStringLiteral("idle");
    case ProvisionStep::ReadingVersion:
        return QStringLiteral("reading proto-ver");
    case ProvisionStep::Handshake:
        return QStringLiteral("security handshake");
    case ProvisionStep::Scanning:
        return QStringLiteral("scanning Wi-Fi");
    case ProvisionStep::SendingConfig:
        return QStringLiteral("sending credentials");
    case ProvisionStep::Applying:
        return QStringLiteral("applying configuration");
    case ProvisionStep::WaitingForConnection:
        return QStringLiteral("waiting for connection");
    case ProvisionStep::Control:
        return QStringLiteral("control command");
    case ProvisionStep::Custom:
        return QStringLiteral("custom endpoint");
    case ProvisionStep::Done:
        return QStringLiteral("done");
    }
    return QStringLiteral("unknown");
}

QString provisionOutcomeName(ProvisionOutcome outcome)
{
    switch (outcome) {
    case ProvisionOutcome::Connected:
        return QStringLiteral("connected");
    case ProvisionOutcome::AppliedLinkClosed:
        return QStringLiteral("applied_link_closed");
    case ProvisionOutcome::ConfirmedAfterReconnect:
        return QStringLiteral("confirmed_after_reconnect");
    case ProvisionOutcome::Unconfirmed:
        return QStringLiteral("unconfirmed");
    }
    return QStringLiteral("unknown");
}

namespace {
const QString kConfig = QStringLiteral("prov-config");
const QString kScan = QStringLiteral("prov-scan");
const QString kCtrl = QStringLiteral("prov-ctrl");
// A blocking scan answers only when the radio is done: allow for a full 2.4+5 GHz sweep.
constexpr int kBlockingScanTimeoutMs = 20000;
/// From ScanStart's answer to the scan's end (documented on scanWifi()/scanThread(): keep in step).
constexpr int kScanOverallTimeoutMs = 30000;

QString wireStatusName(int status)
{
    static const char *const names[] = { "Success", "InvalidSecScheme", "InvalidProto", "TooManySessions",
        "InvalidArgument", "InternalError", "CryptoError", "InvalidSession" };
    return status >= 0 && status < 8 ? QString::fromLatin1(names[status])
                                     : QStringLiteral("status %1").arg(status);
}

std::optional<Error> statusError(const char *what, int status)
{
    if (status == 0)
        return std::nullopt;
    return makeError(ErrorCode::DeviceRejected,
        QStringLiteral("%1: the device answered %2").arg(QLatin1String(what), wireStatusName(status)));
}

Error unexpected(const char *what)
{
    return makeError(ErrorCode::UnexpectedMessage,
        QStringLiteral("expected %1 but the device sent another message").arg(QLatin1String(what)));
}

/// The one check of every answer: the request's own error (transport, decrypt, decode), then the
/// message type (`Message`, named `messageName` in the error: UnexpectedMessage), then its `status`
/// (DeviceRejected naming `step`). Value: the message.
template <typename Message, typename Variant>
Result<Message> expectMessage(const Result<Variant> &answer, const char *messageName, const char *step)
{
    if (!answer)
        return answer.error();
    const auto *message = std::get_if<Message>(&*answer);
    if (!message)
        return unexpected(messageName);
    if (auto e = statusError(step, message->status))
        return *e;
    return *message;
}

/// What a GetStatus answer means while waiting for the device to join (§9.2): Connected is the value,
/// ConnectionFailed its typed error, nullopt while it is still connecting.
std::optional<Result<WifiStatus>> wifiOutcome(const WifiStatus &status)
{
    switch (status.state) {
    case WifiState::Connected:
        return Result<WifiStatus>(status);
    case WifiState::ConnectionFailed:
        if (status.failReason == WifiFailReason::NetworkNotFound)
            return Result<WifiStatus>(makeError(
                ErrorCode::WifiNetworkNotFound, QStringLiteral("the device could not find the network")));
        return Result<WifiStatus>(makeError(
            ErrorCode::WifiAuthError, QStringLiteral("the device could not authenticate: wrong passphrase")));
    case WifiState::Connecting:
    case WifiState::Disconnected:
        break;
    }
    return std::nullopt;
}

Error wifiTimeout(const WifiStatus &status, const ProvisionOptions &opts)
{
    return makeError(ErrorCode::WifiConnectTimeout,
        QStringLiteral("still %1 after %2 ms").arg(wifiStateName(status.state)).arg(opts.connectTimeoutMs));
}

/// When the status polls after Apply are due (ProvisionOptions): the overall deadline and the end of the
/// fast window, both counted from Apply's answer.
struct PollSchedule
{
    QDeadlineTimer deadline;
    QDeadlineTimer fastUntil;

    static PollSchedule afterApply(const ProvisionOptions &opts)
    {
        return { QDeadlineTimer(std::max(0, opts.connectTimeoutMs)),
            QDeadlineTimer(std::max(0, opts.fastPollWindowMs)) };
    }
    /// The wait before the next poll, counted from the answer just received (ms).
    int nextDelayMs(const ProvisionOptions &opts) const
    {
        return std::max(0, fastUntil.hasExpired() ? opts.pollIntervalMs : opts.fastPollIntervalMs);
    }
};

/// Raises a transport's per-exchange timeout and puts the old value back exactly once: at restore() or
/// when the last holder lets go (a cancelled exchange drops its callback, and the override with it).
class TimeoutOverride
{
public:
    TimeoutOverride(Transport *transport, int timeoutMs)
        : m_transport(transport)
        , m_saved(transport->timeout())
    {
        transport->setTimeout(timeoutMs);
    }
    ~TimeoutOverride() { restore(); }
    Q_DISABLE_COPY_MOVE(TimeoutOverride)

    void restore()
    {
        if (m_transport)
            m_transport->setTimeout(m_saved);
        m_transport = nullptr;
    }

private:
    QPointer<Transport> m_transport;
    int m_saved = 0;
};
} // namespace

struct Provisioner::Private
{
    template <typename T> using Cb = std::function<void(Result<T>)>;

    Private(Provisioner *owner, Transport *transport)
        : q(owner)
        , session(transport)
    { }

    Provisioner *q = nullptr;
    SecureSession session; ///< proto-ver, handshake, encrypted requests (the layer below the flows)
    std::optional<WifiStatus> lastWifiStatus; ///< last GetStatus answer of the running provisioning
    ProvisionStep step = ProvisionStep::Idle;
    QPointer<PendingOperation> current;
    /// Ends `current` with an error from the event loop (cancel()): only its Promise can end it.
    std::function<void(const Error &)> failCurrent;
    /// Resumes the coroutine flow that awaits a step (cancel(), destruction): see core/flow.h.
    std::shared_ptr<flow::FlowCancel> flowCancel = std::make_shared<flow::FlowCancel>();

    Transport *transport() const { return session.transport(); }

    /// Bumped by every new operation and by cancel(): work that sees another value after an emit
    /// belongs to an operation that has ended.
    quint64 operationToken = 0;

    /// Runs `emitter` (which emits a signal of q); returns false if a slot cancelled the running
    /// operation or destroyed the Provisioner (then `this` is gone too: the caller must return at once
    /// and touch nothing).
    template <typename F> bool emitChecked(F emitter)
    {
        QPointer<Provisioner> owner(q);
        const quint64 token = operationToken;
        emitter();
        return owner && operationToken == token;
    }

    /// Enters step `s` (emits stepChanged()); the return value as emitChecked().
    bool setStep(ProvisionStep s)
    {
        if (step == s)
            return true;
        step = s;
        return emitChecked([this, s] { Q_EMIT q->stepChanged(s); });
    }

    /// `f` after `ms` ms, unless cancel() runs first.
    void later(int ms, std::function<void()> f) { QTimer::singleShot(ms, q, session.guarded(std::move(f))); }

    // ---- the start and the end of every public verb

    /// A new operation, or (`started` false) one that fails with Internal ("busy") from the event loop
    /// because another one runs.
    template <typename T> Promise<T> start(bool &started)
    {
        Promise<T> promise(q);
        started = !(current && !current->isFinished());
        if (!started) {
            promise.finishLater(
                makeError(ErrorCode::Internal, QStringLiteral("another operation is running")));
            return promise;
        }
        current = promise.pending();
        ++operationToken;
        failCurrent = [promise](const Error &e) { promise.finishLater(e); };
        return promise;
    }

    /// The one end of an operation: the step (Done / Idle) and the result. No-op once it has ended
    /// (cancelled) or is gone.
    template <typename T> Cb<T> finisher(Promise<T> promise)
    {
        return [this, promise](Result<T> r) {
            if (promise.isFinished())
                return;
            // A slot of stepChanged() may cancel or destroy the owner: `promise` is a copy, finishing a
            // finished or destroyed operation is a no-op.
            (void)setStep(r ? ProvisionStep::Done : ProvisionStep::Idle);
            promise.finish(std::move(r));
        };
    }

    /// Starts `body` as a new operation (see start()); `body` ends it through its callback.
    template <typename T> Pending<T> *run(std::function<void(Cb<T>)> body)
    {
        bool started = false;
        Promise<T> promise = start<T>(started);
        if (started)
            body(finisher(promise));
        return promise.pending();
    }

    /// run() once a security session exists (SecureSession::ensure()).
    template <typename T> Pending<T> *runInSession(std::function<void(Cb<T>)> body)
    {
        return run<T>([this, body](Cb<T> done) {
            session.ensure([body, done](Result<void> r) {
                if (!r)
                    return done(r.error());
                body(done);
            });
        });
    }

    // ---- typed requests on the session
    /// session.request() on `endpoint`, the answer decoded by `decode`. Errors: the session's and
    /// the decoder's.
    template <typename Response>
    void typedRequest(const QString &endpoint, const QByteArray &plaintext,
        Result<Response> (*decode)(const QByteArray &), Cb<Response> done)
    {
        session.request(endpoint, plaintext, [decode, done](Result<QByteArray> plain) {
            if (!plain)
                return done(plain.error());
            done(decode(*plain));
        });
    }

    void configRequest(const codec::ConfigRequest &request, Cb<codec::ConfigResponse> done)
    {
        typedRequest<codec::ConfigResponse>(
            kConfig, codec::encodeConfigRequest(request), &codec::decodeConfigResponse, std::move(done));
    }

    void scanRequest(const codec::ScanRequest &request, Cb<codec::ScanResponse> done)
    {
        typedRequest<codec::ScanResponse>(
            kScan, codec::encodeScanRequest(request), &codec::decodeScanResponse, std::move(done));
    }

    /// One GetStatus (§9.2): the device's Wi-Fi status as reported.
    void readWifiStatus(Cb<WifiStatus> done)
    {
        configRequest(codec::GetWifiStatus {}, [done](Result<codec::ConfigResponse> r) {
            auto status = expectMessage<codec::WifiStatusResponse>(r, "RespGetWifiStatus", "GetStatus");
            if (!status)
                return done(status.error());
            done(status->wifi);
        });
    }

    /// Records and emits a status; the return value as emitChecked().
    bool noteWifiStatus(const WifiStatus &status)
    {
        lastWifiStatus = status;
        return emitChecked([this, status] { Q_EMIT q->wifiStatusChanged(status); });
    }

    // ---- Wi-Fi provisioning (§9.1)
    void pollStatus(PollSchedule schedule, const ProvisionOptions &opts, Cb<WifiStatus> done)
    {
        if (!setStep(ProvisionStep::WaitingForConnection))
            return; // cancelled (the operation has ended) or the owner is gone
        readWifiStatus([this, schedule, opts, done](Result<WifiStatus> r) {
            if (!r)
                return done(r.error());
            if (!noteWifiStatus(*r))
                return; // a slot cancelled (the operation has ended) or destroyed the owner
            if (auto end = wifiOutcome(*r))
                return done(*end);
            if (schedule.deadline.hasExpired())
                return done(wifiTimeout(*r, opts));
            // Counted from this answer: never two polls outstanding, however slow the link.
            later(schedule.nextDelayMs(opts),
                [this, schedule, opts, done] { pollStatus(schedule, opts, done); });
        });
    }

    void provisionWifi(const WifiCredentials &creds, const ProvisionOptions &opts, Cb<ProvisionResult> done)
    {
        if (!setStep(ProvisionStep::SendingConfig))
            return;
        configRequest(codec::SetWifiConfig { creds }, [this, opts, done](Result<codec::ConfigResponse> r) {
            auto set = expectMessage<codec::SetWifiConfigResponse>(r, "RespSetWifiConfig", "SetConfig");
            if (!set)
                return done(set.error());
            if (!setStep(ProvisionStep::Applying))
                return;
            session.clearLinkClosed();
            lastWifiStatus.reset();
            configRequest(codec::ApplyWifiConfig {}, [this, opts, done](Result<codec::ConfigResponse> r) {
                auto apply = expectMessage<codec::ApplyWifiConfigResponse>(
                    r, "RespApplyWifiConfig", "ApplyConfig");
                if (!apply)
                    return done(apply.error());
                const PollSchedule schedule = PollSchedule::afterApply(opts);
                if (!setStep(ProvisionStep::WaitingForConnection))
                    return;
                later(std::max(0, opts.firstPollDelayMs),
                    [this, schedule, opts, done] { pollAfterApply(schedule, opts, done); });
            });
        });
    }

    /// Starts a Wi-Fi provisioning: checks the credentials (an invalid one ends the operation from the
    /// event loop), then SetConfig, Apply and the status polling within a session. `wrap` turns the
    /// ProvisionResult into the verb's value.
    template <typename T>
    Pending<T> *provisioning(const WifiCredentials &creds, const ProvisionOptions &opts,
        std::function<Cb<ProvisionResult>(Cb<T>)> wrap)
    {
        if (auto e = validateWifiCredentials(creds)) {
            // Nothing starts: the operation ends with the error from the event loop (the step stays).
            bool started = false;
            Promise<T> promise = start<T>(started);
            if (started)
                promise.finishLater(*e);
            return promise.pending();
        }
        return runInSession<T>(
            [this, creds, opts, wrap](Cb<T> done) { provisionWifi(creds, opts, wrap(std::move(done))); });
    }

    /// GetStatus polling after a successful Apply, watching for the device closing the link.
    void pollAfterApply(PollSchedule schedule, const ProvisionOptions &opts, Cb<ProvisionResult> done)
    {
        if (session.linkClosed())
            return afterApplyLinkClosed(schedule, opts, done);
        pollStatus(schedule, opts, [this, schedule, opts, done](Result<WifiStatus> r) {
            if (r)
                return done(ProvisionResult { ProvisionOutcome::Connected, *r, std::nullopt });
            if (session.linkClosed() && isLinkError(r.error().code))
                return afterApplyLinkClosed(schedule, opts, done);
            done(r.error());
        });
    }

    /// The device closed the link after a successful Apply (§7.6): report, fail, or confirm by
    /// reconnecting (the coroutine confirmAfterReconnect()).
    void afterApplyLinkClosed(PollSchedule schedule, const ProvisionOptions &opts, Cb<ProvisionResult> done)
    {
        WifiStatus lastStatus;
        lastStatus.state = WifiState::Connecting;
        if (lastWifiStatus)
            lastStatus = *lastWifiStatus;
        qCInfo(lcProvSession) << "the device closed the link after ApplyConfig";
        switch (opts.afterApplyLinkClosed) {
        case AfterApplyLinkClosed::Fail:
            return done(makeError(
                ErrorCode::Disconnected, QStringLiteral("the device closed the link after ApplyConfig")));
        case AfterApplyLinkClosed::Report:
            return done(ProvisionResult { ProvisionOutcome::AppliedLinkClosed, lastStatus, std::nullopt });
        case AfterApplyLinkClosed::Confirm:
            break;
        }
        // The coroutine's result is the operation's one end; if the owner is gone by then, nothing
        // is left to end (its operations went with it).
        QCoro::connect(confirmAfterReconnect(q, this, flowCancel, transport(), schedule, opts, lastStatus), q,
            [done](Result<ProvisionResult> r) { done(std::move(r)); });
    }

    static QCoro::Task<Result<ProvisionResult>> confirmAfterReconnect(QPointer<Provisioner> owner, Private *d,
        std::shared_ptr<flow::FlowCancel> cancel, QPointer<Transport> transport, PollSchedule schedule,
        ProvisionOptions opts, WifiStatus lastStatus);

    // ---- scan (§9.3, §10)
    /// Entries per ScanResult request: the caller's choice, within what the link can carry (§7.4).
    int pageSize(const ScanOptions &opts) const
    {
        return std::clamp(opts.pageSize, 1, std::clamp(transport()->maxScanEntriesPerRequest(), 1, 255));
    }

    // Wi-Fi and Thread scans share one shape (§9.3, §10): poll the status until finished, then page
    // through the results. The kinds below name the messages and the words used in errors.
    struct WifiScanKind
    {
        using Entry = ScanEntry;
        using Status = codec::ScanWifiStatus;
        using StatusResponse = codec::ScanWifiStatusResponse;
        using Page = codec::ScanWifiResult;
        using PageResponse = codec::ScanWifiResultResponse;
        static constexpr const char *statusResponse = "RespScanWifiStatus";
        static constexpr const char *statusStep = "ScanStatus";
        static constexpr const char *pageResponse = "RespScanWifiResult";
        static constexpr const char *pageStep = "ScanResult";
        static constexpr const char *notFinished = "the device scan did not finish";
    };
    struct ThreadScanKind
    {
        using Entry = ThreadScanEntry;
        using Status = codec::ScanThreadStatus;
        using StatusResponse = codec::ScanThreadStatusResponse;
        using Page = codec::ScanThreadResult;
        using PageResponse = codec::ScanThreadResultResponse;
        static constexpr const char *statusResponse = "RespScanThreadStatus";
        static constexpr const char *statusStep = "ScanThreadStatus";
        static constexpr const char *pageResponse = "RespScanThreadResult";
        static constexpr const char *pageStep = "ScanThreadResult";
        static constexpr const char *notFinished = "the device Thread scan did not finish";
    };

    template <class Kind>
    void fetchScanPage(quint32 start, quint32 total, int pageSize, QList<typename Kind::Entry> acc,
        Cb<QList<typename Kind::Entry>> done)
    {
        if (start >= total)
            return done(acc);
        const quint32 count = std::min<quint32>(quint32(pageSize), total - start);
        scanRequest(typename Kind::Page { start, count },
            [this, start, total, pageSize, acc, done](Result<codec::ScanResponse> r) mutable {
                auto page = expectMessage<typename Kind::PageResponse>(r, Kind::pageResponse, Kind::pageStep);
                if (!page)
                    return done(page.error());
                if (page->entries.isEmpty())
                    return done(acc); // device had fewer than it announced
                acc += page->entries;
                fetchScanPage<Kind>(start + quint32(page->entries.size()), total, pageSize, acc, done);
            });
    }

    template <class Kind>
    void pollScan(QDeadlineTimer deadline, const ScanOptions &opts, Cb<QList<typename Kind::Entry>> done)
    {
        scanRequest(typename Kind::Status {}, [this, deadline, opts, done](Result<codec::ScanResponse> r) {
            auto st = expectMessage<typename Kind::StatusResponse>(r, Kind::statusResponse, Kind::statusStep);
            if (!st)
                return done(st.error());
            if (st->finished)
                return fetchScanPage<Kind>(0, st->resultCount, pageSize(opts), {}, done);
            if (deadline.hasExpired())
                return done(makeError(ErrorCode::Timeout, QString::fromLatin1(Kind::notFinished)));
            later(opts.statusPollMs, [this, deadline, opts, done] { pollScan<Kind>(deadline, opts, done); });
        });
    }

    void scanWifi(const ScanOptions &opts, Cb<QList<ScanEntry>> done)
    {
        const std::optional<DeviceInfo> &info = session.deviceInfo();
        if (info && info->protoVersion.isJson && !info->protoVersion.canScanWifi())
            return done(makeError(ErrorCode::VersionMismatch,
                QStringLiteral("the device does not offer Wi-Fi scanning (no wifi_scan capability)")));
        if (!setStep(ProvisionStep::Scanning))
            return;
        // A blocking ScanStart answers when the radio is done: a longer timeout for that one exchange,
        // restored at its answer, or when a cancel drops the exchange's callback (and the override).
        std::shared_ptr<TimeoutOverride> timeout;
        if (opts.blocking)
            timeout = std::make_shared<TimeoutOverride>(
                transport(), std::max(transport()->timeout(), kBlockingScanTimeoutMs));
        codec::ScanWifiStart start { opts.blocking, opts.passive, quint32(std::max(0, opts.groupChannels)),
            quint32(std::max(0, opts.periodMs)) };
        scanRequest(start, [this, timeout, opts, done](Result<codec::ScanResponse> r) {
            if (timeout)
                timeout->restore();
            auto st = expectMessage<codec::ScanWifiStartResponse>(r, "RespScanWifiStart", "ScanStart");
            if (!st)
                return done(st.error());
            pollScan<WifiScanKind>(QDeadlineTimer(kScanOverallTimeoutMs), opts, done);
        });
    }

    void scanThread(const ScanOptions &opts, Cb<QList<ThreadScanEntry>> done)
    {
        if (!setStep(ProvisionStep::Scanning))
            return;
        scanRequest(
            codec::ScanThreadStart { opts.blocking, 0 }, [this, opts, done](Result<codec::ScanResponse> r) {
                auto st = expectMessage<codec::ScanThreadStartResponse>(
                    r, "RespScanThreadStart", "ScanThreadStart");
                if (!st)
                    return done(st.error());
                pollScan<ThreadScanKind>(QDeadlineTimer(kScanOverallTimeoutMs), opts, done);
            });
    }

    // ---- ctrl (§9.4)
    void ctrl(codec::CtrlCommand command, Cb<void> done)
    {
        if (!setStep(ProvisionStep::Control))
            return;
        session.request(
            kCtrl, codec::encodeCtrlRequest({ command }), [command, done](Result<QByteArray> plain) {
                if (!plain)
                    return done(plain.error());
                auto r = codec::decodeCtrlResponse(*plain);
                if (!r)
                    return done(r.error());
                if (int(r->command) != int(command))
                    return done(unexpected("the matching prov-ctrl response"));
                if (auto e = statusError(
                        command == codec::CtrlCommand::WifiReset ? "Reset" : "Reprov", r->status))
                    return done(*e);
                done({});
            });
    }

    // ---- Thread (§10)
    void provisionThread(const QByteArray &dataset, const ProvisionOptions &opts, Cb<ThreadStatus> done)
    {
        if (!setStep(ProvisionStep::SendingConfig))
            return;
        configRequest(
            codec::SetThreadConfig { dataset }, [this, opts, done](Result<codec::ConfigResponse> r) {
                auto set = expectMessage<codec::SetThreadConfigResponse>(
                    r, "RespSetThreadConfig", "SetThreadConfig");
                if (!set)
                    return done(set.error());
                if (!setStep(ProvisionStep::Applying))
                    return;
                configRequest(
                    codec::ApplyThreadConfig {}, [this, opts, done](Result<codec::ConfigResponse> r) {
                        auto apply = expectMessage<codec::ApplyThreadConfigResponse>(
                            r, "RespApplyThreadConfig", "ApplyThreadConfig");
                        if (!apply)
                            return done(apply.error());
                        if (!setStep(ProvisionStep::WaitingForConnection))
                            return;
                        const PollSchedule schedule = PollSchedule::afterApply(opts);
                        later(std::max(0, opts.firstPollDelayMs),
                            [this, schedule, opts, done] { pollThreadStatus(schedule, opts, done); });
                    });
            });
    }

    void pollThreadStatus(PollSchedule schedule, const ProvisionOptions &opts, Cb<ThreadStatus> done)
    {
        configRequest(
            codec::GetThreadStatus {}, [this, schedule, opts, done](Result<codec::ConfigResponse> r) {
                auto st = expectMessage<codec::ThreadStatusResponse>(
                    r, "RespGetThreadStatus", "GetThreadStatus");
                if (!st)
                    return done(st.error());
                if (st->thread.state == ThreadState::Attached)
                    return done(st->thread);
                if (st->thread.state == ThreadState::AttachingFailed)
                    return done(makeError(ErrorCode::ThreadAttachFailed,
                        st->thread.failReason == ThreadFailReason::NetworkNotFound
                            ? QStringLiteral("Thread network not found")
                            : QStringLiteral("Thread dataset invalid")));
                if (schedule.deadline.hasExpired())
                    return done(makeError(ErrorCode::ThreadAttachTimeout,
                        QStringLiteral("still attaching after %1 ms").arg(opts.connectTimeoutMs)));
                later(schedule.nextDelayMs(opts),
                    [this, schedule, opts, done] { pollThreadStatus(schedule, opts, done); });
            });
    }
};

// The after-apply confirmation (AfterApplyLinkClosed::Confirm, §7.6) as a coroutine, the pattern for long
// flows (docs/architecture.md "Long asynchronous flows: coroutines (decided)"): reconnect with proto-ver
// and a new handshake, then poll GetStatus until a terminal state or the deadline. A cancel (or the
// owner's destruction) resumes the awaiting step with Cancelled; after every co_await the owner's
// liveness is checked before `d` is touched; the co_return is the operation's one end.
QCoro::Task<Result<ProvisionResult>> Provisioner::Private::confirmAfterReconnect(QPointer<Provisioner> owner,
    Private *d, std::shared_ptr<flow::FlowCancel> cancel, QPointer<Transport> transport,
    PollSchedule schedule, ProvisionOptions opts, WifiStatus lastStatus)
{
    const flow::FlowCancel::Running running(cancel);
    const Error ownerGone = makeError(ErrorCode::Cancelled, QStringLiteral("the Provisioner was destroyed"));
    // Scoped clean-up, on every way out: a flow that ends without an outcome (cancelled, owner gone)
    // drops the link it opened, as cancel() promises, even when it was waiting between two polls.
    bool outcomeKnown = false;
    // When the owner is gone, its destructor dropped the link already: a late reset here could hit
    // the exchange of whoever uses the transport next.
    const auto cleanup = qScopeGuard([&outcomeKnown, transport, owner] {
        if (!outcomeKnown && transport && owner) {
            qCInfo(lcProvSession) << "confirmation ended without an outcome: dropping the link";
            transport->resetSession();
        }
    });
    auto unconfirmed = [&outcomeKnown, &lastStatus](const Error &why) {
        outcomeKnown = true;
        qCInfo(lcProvSession) << "could not confirm the Wi-Fi result:" << why.toString();
        return ProvisionResult { ProvisionOutcome::Unconfirmed, lastStatus, why };
    };

    d->session.invalidate();
    d->session.clearLinkClosed();
    // Awaiters are named locals: GCC 12 destroys the non-trivial temporaries of a co_await
    // full-expression twice (docs/architecture.md "Long asynchronous flows", rule 6).
    auto reconnecting = flow::awaitStep<DeviceInfo>(
        cancel, [d](flow::StepCallback<DeviceInfo> done) { d->session.open(std::move(done)); });
    const Result<DeviceInfo> reconnected = co_await reconnecting;
    if (!owner)
        co_return ownerGone;
    if (!reconnected) {
        if (reconnected.error().code == ErrorCode::Cancelled)
            co_return reconnected.error();
        co_return unconfirmed(reconnected.error());
    }
    d->session.clearLinkClosed();

    // The same GetStatus polling as before the link closed (pollStatus()), awaited as one step: it
    // reports every status and ends at a terminal state, the deadline, or an error.
    auto polling = flow::awaitStep<WifiStatus>(
        cancel, [d, schedule, opts](flow::StepCallback<WifiStatus> done) {
            d->pollStatus(schedule, opts, std::move(done));
        });
    const Result<WifiStatus> status = co_await polling;
    if (!owner)
        co_return ownerGone;
    if (status) {
        outcomeKnown = true;
        co_return ProvisionResult { ProvisionOutcome::ConfirmedAfterReconnect, *status, std::nullopt };
    }
    switch (status.error().code) {
    case ErrorCode::Cancelled:
        co_return status.error();
    case ErrorCode::WifiAuthError:
    case ErrorCode::WifiNetworkNotFound:
    case ErrorCode::WifiConnectTimeout:
        outcomeKnown = true; // the device told us (or kept connecting until the deadline): the result
        co_return status.error();
    default:
        co_return unconfirmed(status.error());
    }
}

Provisioner::Provisioner(Transport *transport, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, transport))
{
    qRegisterMetaType<prov::WifiStatus>();
    connect(&d->session, &SecureSession::stepEntered, this, [this](ProvisionStep step) { d->setStep(step); });
}

Provisioner::~Provisioner()
{
    // A coroutine flow that awaits a step resumes (from the event loop) with Cancelled, sees that its
    // owner is gone and unwinds; callbacks of work in flight are dropped with the session.
    const bool flowRan = d->flowCancel->cancel(
        makeError(ErrorCode::Cancelled, QStringLiteral("the Provisioner was destroyed")));
    // The flow unwinds later, without an owner: drop the link it opened now (cancel()'s promise), so
    // its clean-up never reaches the transport once a new owner uses it.
    if (flowRan && d->transport())
        d->transport()->resetSession();
}

void Provisioner::setSecurityOptions(const SecurityOptions &options)
{
    // The session forgets its work in flight: the running operation, if any, ends with Cancelled.
    if (d->current && !d->current->isFinished())
        cancel();
    d->session.setSecurityOptions(options);
}

void Provisioner::setRandomSource(std::shared_ptr<RandomSource> rng)
{
    d->session.setRandomSource(std::move(rng));
}

const std::optional<DeviceInfo> &Provisioner::deviceInfo() const
{
    return d->session.deviceInfo();
}

ProvisionStep Provisioner::step() const
{
    return d->step;
}

void Provisioner::cancel()
{
    const bool running = d->current && !d->current->isFinished();
    ++d->operationToken; // work of the running operation that is past an emit stops there
    d->session.cancel();
    const Error cancelled = makeError(ErrorCode::Cancelled, QStringLiteral("cancelled"));
    // A coroutine flow ends the operation itself, once it has unwound; a callback flow's callbacks
    // were dropped with the session's work, so the operation ends here (from the event loop).
    if (!d->flowCancel->cancel(cancelled) && running && d->failCurrent)
        d->failCurrent(cancelled);
    // Last: a slot of stepChanged() may destroy this Provisioner.
    (void)d->setStep(ProvisionStep::Idle);
}

Pending<DeviceInfo> *Provisioner::connectDevice()
{
    return d->run<DeviceInfo>([this](Private::Cb<DeviceInfo> done) {
        d->session.reset();
        d->session.open(std::move(done));
    });
}

Pending<QList<ScanEntry>> *Provisioner::scanWifi(const ScanOptions &options)
{
    return d->runInSession<QList<ScanEntry>>(
        [this, options](Private::Cb<QList<ScanEntry>> done) { d->scanWifi(options, std::move(done)); });
}

Pending<WifiStatus> *Provisioner::provisionWifi(
    const WifiCredentials &credentials, const ProvisionOptions &options)
{
    // provision() with the outcomes that stay unknown turned into Disconnected.
    auto toStatus = [](Private::Cb<WifiStatus> finish) -> Private::Cb<ProvisionResult> {
        return [finish](Result<ProvisionResult> r) {
            if (!r)
                return finish(r.error());
            switch (r->outcome) {
            case ProvisionOutcome::Connected:
            case ProvisionOutcome::ConfirmedAfterReconnect:
                return finish(r->status);
            case ProvisionOutcome::AppliedLinkClosed:
                return finish(makeError(ErrorCode::Disconnected,
                    QStringLiteral("ApplyConfig succeeded, then the device closed the link; its "
                                   "Wi-Fi result is unknown")));
            case ProvisionOutcome::Unconfirmed:
                return finish(makeError(ErrorCode::Disconnected,
                    QStringLiteral("ApplyConfig succeeded, then the device closed the link; "
                                   "confirming the result failed: %1")
                        .arg(r->confirmationError ? r->confirmationError->toString() : QString())));
            }
            finish(makeError(ErrorCode::Internal, QStringLiteral("unknown provisioning outcome")));
        };
    };
    return d->provisioning<WifiStatus>(credentials, options, toStatus);
}

Pending<ProvisionResult> *Provisioner::provision(
    const WifiCredentials &credentials, const ProvisionOptions &options)
{
    return d->provisioning<ProvisionResult>(
        credentials, options, [](Private::Cb<ProvisionResult> finish) { return finish; });
}

Pending<WifiStatus> *Provisioner::wifiStatus()
{
    return d->runInSession<WifiStatus>(
        [this](Private::Cb<WifiStatus> done) { d->readWifiStatus(std::move(done)); });
}

Pending<void> *Provisioner::resetWifi()
{
    return d->runInSession<void>(
        [this](Private::Cb<void> done) { d->ctrl(codec::CtrlCommand::WifiReset, std::move(done)); });
}

Pending<void> *Provisioner::reprovisionWifi()
{
    return d->runInSession<void>(
        [this](Private::Cb<void> done) { d->ctrl(codec::CtrlCommand::WifiReprov, std::move(done)); });
}

Pending<QByteArray> *Provisioner::customRequest(const QString &endpoint, const QByteArray &data)
{
    return d->runInSession<QByteArray>([this, endpoint, data](Private::Cb<QByteArray> done) {
        if (!d->setStep(ProvisionStep::Custom))
            return;
        d->session.request(endpoint, data, std::move(done));
    });
}

Pending<QList<ThreadScanEntry>> *Provisioner::scanThread(const ScanOptions &options)
{
    return d->runInSession<QList<ThreadScanEntry>>([this, options](Private::Cb<QList<ThreadScanEntry>> done) {
        d->scanThread(options, std::move(done));
    });
}

Pending<ThreadStatus> *Provisioner::provisionThread(
    const QByteArray &dataset, const ProvisionOptions &options)
{
    return d->runInSession<ThreadStatus>([this, dataset, options](Private::Cb<ThreadStatus> done) {
        d->provisionThread(dataset, options, std::move(done));
    });
}

} // namespace prov
