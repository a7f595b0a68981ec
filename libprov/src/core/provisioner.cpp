// SPDX-License-Identifier: Apache-2.0
#include "prov/provisioner.h"

#include "codec/networkcodec.h"
#include "core/logging.h"
#include "prov/security.h"
#include "prov/transport.h"

#include <QDeadlineTimer>
#include <QPointer>
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
const QString kProtoVer = QStringLiteral("proto-ver");
const QString kSession = QStringLiteral("prov-session");
const QString kConfig = QStringLiteral("prov-config");
const QString kScan = QStringLiteral("prov-scan");
const QString kCtrl = QStringLiteral("prov-ctrl");
// What the references send to proto-ver (§2.3): any non-empty body.
const QByteArray kVersionRequest = "---";
// A blocking scan answers only when the radio is done: allow for a full 2.4+5 GHz sweep.
constexpr int kBlockingScanTimeoutMs = 20000;
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

bool isLinkError(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Timeout:
    case ErrorCode::DeviceRefused:
    case ErrorCode::Disconnected:
    case ErrorCode::ConnectFailed:
    case ErrorCode::SessionLost:
    case ErrorCode::DecryptFailed:
    case ErrorCode::MalformedMessage:
    case ErrorCode::Cancelled:
        return true;
    default:
        return false;
    }
}
} // namespace

struct Provisioner::Private
{
    template <typename T> using Cb = std::function<void(Result<T>)>;

    Provisioner *q = nullptr;
    Transport *transport = nullptr;
    SecurityOptions options;
    std::shared_ptr<RandomSource> rng = systemRandom();
    std::unique_ptr<ClientSecurity> security;
    bool sessionValid = false;
    /// Set when the transport reports that the device closed the link (BLE, §7.6); cleared
    /// before each handshake and before ApplyConfig, so that a close in answer to our proof, or
    /// after a successful Apply, can be told apart.
    bool linkClosed = false;
    std::optional<WifiStatus> lastWifiStatus; ///< last GetStatus answer of the running provisioning
    std::optional<DeviceInfo> info;
    ProvisionStep step = ProvisionStep::Idle;
    QPointer<PendingOperation> current;
    /// Ends `current` with an error from the event loop (cancel()): only its Promise can end it.
    std::function<void(const Error &)> failCurrent;
    quint64 generation = 0; ///< bumped by cancel(): stale timers and callbacks see a new value

    void setStep(ProvisionStep s)
    {
        if (step == s)
            return;
        step = s;
        Q_EMIT q->stepChanged(s);
    }

    /// Wraps a callback so that it is dropped if the operation was cancelled meanwhile.
    template <typename F> auto guarded(F f)
    {
        const quint64 gen = generation;
        QPointer<Provisioner> self(q);
        return [self, gen, f = std::move(f)](auto &&...args) {
            if (self && self->d->generation == gen)
                f(std::forward<decltype(args)>(args)...);
        };
    }

    void later(int ms, std::function<void()> f) { QTimer::singleShot(ms, q, guarded(std::move(f))); }

    void exchange(const QString &endpoint, const QByteArray &request, Cb<QByteArray> done)
    {
        transport->exchange(endpoint, request, guarded(std::move(done)));
    }

    /// encrypt -> exchange -> decrypt. Any failure may have desynchronised the cipher stream
    /// (§5.2, §8.4), so the session is marked for a new handshake.
    void secureRequest(const QString &endpoint, const QByteArray &plaintext, Cb<QByteArray> done)
    {
        if (!security || !sessionValid)
            return done(makeError(ErrorCode::UnexpectedMessage, QStringLiteral("no security session")));
        Result<QByteArray> wire = security->encrypt(plaintext);
        if (!wire)
            return done(wire.error());
        exchange(endpoint, *wire, [this, done](Result<QByteArray> response) {
            if (!response) {
                if (isLinkError(response.error().code))
                    sessionValid = false;
                return done(response.error());
            }
            Result<QByteArray> plain = security->decrypt(*response);
            if (!plain)
                sessionValid = false;
            done(std::move(plain));
        });
    }

    void readVersion(Cb<ProtoVersion> done)
    {
        setStep(ProvisionStep::ReadingVersion);
        exchange(kProtoVer, kVersionRequest, [done](Result<QByteArray> body) {
            if (!body)
                return done(body.error());
            done(parseProtoVersion(*body));
        });
    }

    Result<std::unique_ptr<ClientSecurity>> makeSecurity(const ProtoVersion &pv, DeviceInfo &out)
    {
        out.secVer = options.secVer.value_or(pv.recommendedSecurity());
        switch (out.secVer) {
        case 0:
            return makeClientSecurity0();
        case 1: {
            // A device that says "no_pop" uses the raw X25519 secret: a PoP from a QR code would
            // break the session (§13 item 8).
            const QByteArray pop = pv.noPop() ? QByteArray() : options.pop;
            if (pop.isEmpty() && pv.isJson && !pv.noPop())
                return makeError(
                    ErrorCode::InvalidArgument, QStringLiteral("this device needs a PoP (Security 1)"));
            return makeClientSecurity1(pop, rng);
        }
        case 2: {
            out.sec2PatchVer = options.sec2PatchVer.value_or(pv.recommendedSec2Patch());
            if (out.sec2PatchVer < 0 || out.sec2PatchVer > 1)
                return makeError(ErrorCode::VersionMismatch,
                    QStringLiteral("unknown Security 2 patch version %1").arg(out.sec2PatchVer));
            if (options.username.isEmpty() || options.password.isEmpty())
                return makeError(
                    ErrorCode::InvalidArgument, QStringLiteral("Security 2 needs a username and a password"));
            return makeClientSecurity2(options.username, options.password, out.sec2PatchVer, rng);
        }
        default:
            return makeError(ErrorCode::VersionMismatch,
                QStringLiteral("the device asks for security scheme %1; 0, 1 and 2 are supported")
                    .arg(out.secVer));
        }
    }

    void handshakeStep(const QByteArray &request, int roundTrip, Cb<void> done)
    {
        exchange(kSession, request, [this, roundTrip, done](Result<QByteArray> response) {
            if (!response) {
                Error e = response.error();
                // The device rejects a bad PoP/SRP proof by closing the link without answering
                // (§5.1 step 7, §8.3 step 4): on the last round trip that means our credentials.
                // Over BLE, Bluedroid firmware drops the link instead (§7.6): a link the device
                // closed while our proof was in flight means the same.
                const bool refusedByClose = e.code == ErrorCode::Disconnected && linkClosed;
                if ((e.code == ErrorCode::DeviceRefused || refusedByClose)
                    && roundTrip == security->handshakeRoundTrips() && security->version() > 0)
                    e = makeError(ErrorCode::AuthenticationFailed,
                        QStringLiteral("the device refused our proof: wrong %1")
                            .arg(security->version() == 1 ? QStringLiteral("PoP")
                                                          : QStringLiteral("username or password")));
                else if (e.code == ErrorCode::DeviceRefused)
                    e.detail = QStringLiteral(
                        "the device refused the Security %1 handshake (scheme mismatch?)")
                                   .arg(security->version());
                return done(e);
            }
            Result<std::optional<QByteArray>> next = security->handleResponse(*response);
            if (!next)
                return done(next.error());
            if (!next->has_value()) {
                sessionValid = true;
                return done({});
            }
            handshakeStep(**next, roundTrip + 1, done);
        });
    }

    void handshake(Cb<void> done)
    {
        setStep(ProvisionStep::Handshake);
        sessionValid = false;
        linkClosed = false;
        Result<QByteArray> first = security->begin();
        if (!first)
            return done(first.error());
        handshakeStep(*first, 1, std::move(done));
    }

    void connectFlow(Cb<DeviceInfo> done)
    {
        readVersion([this, done](Result<ProtoVersion> pv) {
            if (!pv)
                return done(pv.error());
            DeviceInfo di;
            di.protoVersion = *pv;
            auto sec = makeSecurity(*pv, di);
            if (!sec)
                return done(sec.error());
            security = std::move(sec.value());
            handshake([this, di, done](Result<void> r) {
                if (!r)
                    return done(r.error());
                info = di;
                done(di);
            });
        });
    }

    /// Runs `body` once a security session exists, redoing the handshake if the last operation
    /// left the cipher stream in doubt.
    void withSession(std::function<void()> body, Cb<void> fail)
    {
        if (security && sessionValid)
            return body();
        if (security && info) {
            return handshake([body, fail](Result<void> r) {
                if (!r)
                    return fail(r.error());
                body();
            });
        }
        connectFlow([body, fail](Result<DeviceInfo> r) {
            if (!r)
                return fail(r.error());
            body();
        });
    }

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
        failCurrent = [promise](const Error &e) { promise.finishLater(e); };
        return promise;
    }

    template <typename T> Cb<T> finisher(Promise<T> promise)
    {
        return [this, promise](Result<T> r) {
            setStep(r ? ProvisionStep::Done : ProvisionStep::Idle);
            promise.finish(std::move(r));
        };
    }

    template <typename T> Cb<void> failer(Cb<T> done)
    {
        return [done](Result<void> r) { done(r.error()); };
    }

    // ---- Wi-Fi config
    void configRequest(const codec::ConfigRequest &request, Cb<codec::ConfigResponse> done)
    {
        secureRequest(kConfig, codec::encodeConfigRequest(request), [done](Result<QByteArray> plain) {
            if (!plain)
                return done(plain.error());
            done(codec::decodeConfigResponse(*plain));
        });
    }

    void pollStatus(QDeadlineTimer deadline, const ProvisionOptions &opts, Cb<WifiStatus> done)
    {
        setStep(ProvisionStep::WaitingForConnection);
        configRequest(codec::GetWifiStatus {}, [this, deadline, opts, done](Result<codec::ConfigResponse> r) {
            if (!r)
                return done(r.error());
            const auto *status = std::get_if<codec::WifiStatusResponse>(&*r);
            if (!status)
                return done(unexpected("RespGetWifiStatus"));
            if (auto e = statusError("GetStatus", status->status))
                return done(*e);
            lastWifiStatus = status->wifi;
            Q_EMIT q->wifiStatusChanged(status->wifi);
            switch (status->wifi.state) {
            case WifiState::Connected:
                return done(status->wifi);
            case WifiState::ConnectionFailed:
                if (status->wifi.failReason == WifiFailReason::NetworkNotFound)
                    return done(makeError(ErrorCode::WifiNetworkNotFound,
                        QStringLiteral("the device could not find the network")));
                return done(makeError(ErrorCode::WifiAuthError,
                    QStringLiteral("the device could not authenticate: wrong passphrase")));
            case WifiState::Connecting:
            case WifiState::Disconnected:
                break;
            }
            if (deadline.hasExpired())
                return done(makeError(ErrorCode::WifiConnectTimeout,
                    QStringLiteral("still %1 after %2 ms")
                        .arg(wifiStateName(status->wifi.state))
                        .arg(opts.connectTimeoutMs)));
            later(opts.pollIntervalMs, [this, deadline, opts, done] { pollStatus(deadline, opts, done); });
        });
    }

    void provisionWifi(const WifiCredentials &creds, const ProvisionOptions &opts, Cb<ProvisionResult> done)
    {
        setStep(ProvisionStep::SendingConfig);
        configRequest(codec::SetWifiConfig { creds }, [this, opts, done](Result<codec::ConfigResponse> r) {
            if (!r)
                return done(r.error());
            const auto *set = std::get_if<codec::SetWifiConfigResponse>(&*r);
            if (!set)
                return done(unexpected("RespSetWifiConfig"));
            if (auto e = statusError("SetConfig", set->status))
                return done(*e);
            setStep(ProvisionStep::Applying);
            linkClosed = false;
            lastWifiStatus.reset();
            configRequest(codec::ApplyWifiConfig {}, [this, opts, done](Result<codec::ConfigResponse> r) {
                if (!r)
                    return done(r.error());
                const auto *apply = std::get_if<codec::ApplyWifiConfigResponse>(&*r);
                if (!apply)
                    return done(unexpected("RespApplyWifiConfig"));
                if (auto e = statusError("ApplyConfig", apply->status))
                    return done(*e);
                const QDeadlineTimer deadline(opts.connectTimeoutMs);
                setStep(ProvisionStep::WaitingForConnection);
                later(opts.firstPollDelayMs,
                    [this, deadline, opts, done] { pollAfterApply(deadline, opts, done); });
            });
        });
    }

    /// Checks the credentials (failing from the event loop), then provisions within a session.
    void startProvisioning(
        const WifiCredentials &creds, const ProvisionOptions &opts, Cb<ProvisionResult> done)
    {
        if (auto e = validateWifiCredentials(creds)) {
            QMetaObject::invokeMethod(
                q, [done, e] { done(*e); }, Qt::QueuedConnection);
            return;
        }
        withSession([this, creds, opts, done] { provisionWifi(creds, opts, done); }, failer(done));
    }

    /// GetStatus polling after a successful Apply, watching for the device closing the link.
    void pollAfterApply(QDeadlineTimer deadline, const ProvisionOptions &opts, Cb<ProvisionResult> done)
    {
        if (linkClosed)
            return afterApplyLinkClosed(deadline, opts, done);
        pollStatus(deadline, opts, [this, deadline, opts, done](Result<WifiStatus> r) {
            if (r)
                return done(ProvisionResult { ProvisionOutcome::Connected, *r, std::nullopt });
            if (linkClosed && isLinkError(r.error().code))
                return afterApplyLinkClosed(deadline, opts, done);
            done(r.error());
        });
    }

    /// The device closed the link after a successful Apply (§7.6): report, fail, or confirm by
    /// reconnecting (proto-ver + handshake on a new link) and polling GetStatus again.
    void afterApplyLinkClosed(QDeadlineTimer deadline, const ProvisionOptions &opts, Cb<ProvisionResult> done)
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
        auto unconfirmed = [lastStatus, done](const Error &why) {
            qCInfo(lcProvSession) << "could not confirm the Wi-Fi result:" << why.toString();
            done(ProvisionResult { ProvisionOutcome::Unconfirmed, lastStatus, why });
        };
        sessionValid = false;
        linkClosed = false;
        connectFlow([this, deadline, opts, done, unconfirmed](Result<DeviceInfo> r) {
            if (!r)
                return unconfirmed(r.error());
            linkClosed = false;
            pollStatus(deadline, opts, [done, unconfirmed](Result<WifiStatus> s) {
                if (s)
                    return done(
                        ProvisionResult { ProvisionOutcome::ConfirmedAfterReconnect, *s, std::nullopt });
                switch (s.error().code) {
                case ErrorCode::WifiAuthError:
                case ErrorCode::WifiNetworkNotFound:
                case ErrorCode::WifiConnectTimeout:
                    return done(s.error()); // the device told us: that is the result
                default:
                    return unconfirmed(s.error());
                }
            });
        });
    }

    // ---- scan
    /// Entries per ScanResult request: the caller's choice, within what the link can carry (§7.4).
    int pageSize(const ScanOptions &opts) const
    {
        return std::clamp(opts.pageSize, 1, std::clamp(transport->maxScanEntriesPerRequest(), 1, 255));
    }

    void scanRequest(const codec::ScanRequest &request, Cb<codec::ScanResponse> done)
    {
        secureRequest(kScan, codec::encodeScanRequest(request), [done](Result<QByteArray> plain) {
            if (!plain)
                return done(plain.error());
            done(codec::decodeScanResponse(*plain));
        });
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
                if (!r)
                    return done(r.error());
                const auto *page = std::get_if<typename Kind::PageResponse>(&*r);
                if (!page)
                    return done(unexpected(Kind::pageResponse));
                if (auto e = statusError(Kind::pageStep, page->status))
                    return done(*e);
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
            if (!r)
                return done(r.error());
            const auto *st = std::get_if<typename Kind::StatusResponse>(&*r);
            if (!st)
                return done(unexpected(Kind::statusResponse));
            if (auto e = statusError(Kind::statusStep, st->status))
                return done(*e);
            if (st->finished)
                return fetchScanPage<Kind>(0, st->resultCount, pageSize(opts), {}, done);
            if (deadline.hasExpired())
                return done(makeError(ErrorCode::Timeout, QString::fromLatin1(Kind::notFinished)));
            later(opts.statusPollMs, [this, deadline, opts, done] { pollScan<Kind>(deadline, opts, done); });
        });
    }

    void scanWifi(const ScanOptions &opts, Cb<QList<ScanEntry>> done)
    {
        if (info && info->protoVersion.isJson && !info->protoVersion.canScanWifi())
            return done(makeError(ErrorCode::VersionMismatch,
                QStringLiteral("the device does not offer Wi-Fi scanning (no wifi_scan capability)")));
        setStep(ProvisionStep::Scanning);
        const int savedTimeout = transport->timeout();
        if (opts.blocking)
            transport->setTimeout(std::max(savedTimeout, kBlockingScanTimeoutMs));
        codec::ScanWifiStart start { opts.blocking, opts.passive, quint32(std::max(0, opts.groupChannels)),
            quint32(std::max(0, opts.periodMs)) };
        scanRequest(start, [this, savedTimeout, opts, done](Result<codec::ScanResponse> r) {
            transport->setTimeout(savedTimeout);
            if (!r)
                return done(r.error());
            const auto *st = std::get_if<codec::ScanWifiStartResponse>(&*r);
            if (!st)
                return done(unexpected("RespScanWifiStart"));
            if (auto e = statusError("ScanStart", st->status))
                return done(*e);
            pollScan<WifiScanKind>(QDeadlineTimer(kScanOverallTimeoutMs), opts, done);
        });
    }

    // ---- ctrl
    void ctrl(codec::CtrlCommand command, Cb<void> done)
    {
        setStep(ProvisionStep::Control);
        secureRequest(
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

    // ---- Thread
    void pollThreadStatus(QDeadlineTimer deadline, const ProvisionOptions &opts, Cb<ThreadStatus> done)
    {
        configRequest(
            codec::GetThreadStatus {}, [this, deadline, opts, done](Result<codec::ConfigResponse> r) {
                if (!r)
                    return done(r.error());
                const auto *st = std::get_if<codec::ThreadStatusResponse>(&*r);
                if (!st)
                    return done(unexpected("RespGetThreadStatus"));
                if (auto e = statusError("GetThreadStatus", st->status))
                    return done(*e);
                if (st->thread.state == ThreadState::Attached)
                    return done(st->thread);
                if (st->thread.state == ThreadState::AttachingFailed)
                    return done(makeError(ErrorCode::ThreadAttachFailed,
                        st->thread.failReason == ThreadFailReason::NetworkNotFound
                            ? QStringLiteral("Thread network not found")
                            : QStringLiteral("Thread dataset invalid")));
                if (deadline.hasExpired())
                    return done(
                        makeError(ErrorCode::WifiConnectTimeout, QStringLiteral("Thread attach timed out")));
                later(opts.pollIntervalMs,
                    [this, deadline, opts, done] { pollThreadStatus(deadline, opts, done); });
            });
    }
};

Provisioner::Provisioner(Transport *transport, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->transport = transport;
    qRegisterMetaType<prov::WifiStatus>();
    connect(transport, &Transport::sessionReset, this, [this] { d->sessionValid = false; });
    // A closed BLE link takes the device's security session with it (§7.6).
    connect(transport, &Transport::linkClosed, this, [this] {
        d->sessionValid = false;
        d->linkClosed = true;
    });
}

Provisioner::~Provisioner()
{
    ++d->generation;
}

void Provisioner::setSecurityOptions(const SecurityOptions &options)
{
    d->options = options;
    d->sessionValid = false;
    d->security.reset();
}

void Provisioner::setRandomSource(std::shared_ptr<RandomSource> rng)
{
    d->rng = std::move(rng);
}

const std::optional<DeviceInfo> &Provisioner::deviceInfo() const
{
    return d->info;
}

ProvisionStep Provisioner::step() const
{
    return d->step;
}

void Provisioner::cancel()
{
    const bool running = d->current && !d->current->isFinished();
    ++d->generation;
    d->transport->cancel();
    d->sessionValid = false;
    d->setStep(ProvisionStep::Idle);
    if (running && d->failCurrent)
        d->failCurrent(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")));
}

Pending<DeviceInfo> *Provisioner::connectDevice()
{
    bool started = false;
    auto promise = d->start<DeviceInfo>(started);
    if (!started)
        return promise.pending();
    d->security.reset();
    d->sessionValid = false;
    d->connectFlow(d->finisher(promise));
    return promise.pending();
}

Pending<QList<ScanEntry>> *Provisioner::scanWifi(const ScanOptions &options)
{
    bool started = false;
    auto promise = d->start<QList<ScanEntry>>(started);
    if (!started)
        return promise.pending();
    auto done = d->finisher(promise);
    d->withSession([this, options, done] { d->scanWifi(options, done); }, d->failer(done));
    return promise.pending();
}

Pending<WifiStatus> *Provisioner::provisionWifi(
    const WifiCredentials &credentials, const ProvisionOptions &options)
{
    bool started = false;
    auto promise = d->start<WifiStatus>(started);
    if (!started)
        return promise.pending();
    auto finish = d->finisher(promise);
    Private::Cb<ProvisionResult> done = [finish](Result<ProvisionResult> r) {
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
    d->startProvisioning(credentials, options, done);
    return promise.pending();
}

Pending<ProvisionResult> *Provisioner::provision(
    const WifiCredentials &credentials, const ProvisionOptions &options)
{
    bool started = false;
    auto promise = d->start<ProvisionResult>(started);
    if (!started)
        return promise.pending();
    auto done = d->finisher(promise);
    d->startProvisioning(credentials, options, done);
    return promise.pending();
}

Pending<WifiStatus> *Provisioner::wifiStatus()
{
    bool started = false;
    auto promise = d->start<WifiStatus>(started);
    if (!started)
        return promise.pending();
    auto done = d->finisher(promise);
    d->withSession(
        [this, done] {
            d->configRequest(codec::GetWifiStatus {}, [done](Result<codec::ConfigResponse> r) {
                if (!r)
                    return done(r.error());
                const auto *st = std::get_if<codec::WifiStatusResponse>(&*r);
                if (!st)
                    return done(unexpected("RespGetWifiStatus"));
                if (auto e = statusError("GetStatus", st->status))
                    return done(*e);
                done(st->wifi);
            });
        },
        d->failer(done));
    return promise.pending();
}

Pending<void> *Provisioner::resetWifi()
{
    bool started = false;
    auto promise = d->start<void>(started);
    if (!started)
        return promise.pending();
    auto done = d->finisher(promise);
    d->withSession([this, done] { d->ctrl(codec::CtrlCommand::WifiReset, done); }, done);
    return promise.pending();
}

Pending<void> *Provisioner::reprovisionWifi()
{
    bool started = false;
    auto promise = d->start<void>(started);
    if (!started)
        return promise.pending();
    auto done = d->finisher(promise);
    d->withSession([this, done] { d->ctrl(codec::CtrlCommand::WifiReprov, done); }, done);
    return promise.pending();
}

Pending<QByteArray> *Provisioner::customRequest(const QString &endpoint, const QByteArray &data)
{
    bool started = false;
    auto promise = d->start<QByteArray>(started);
    if (!started)
        return promise.pending();
    auto done = d->finisher(promise);
    d->withSession(
        [this, endpoint, data, done] {
            d->setStep(ProvisionStep::Custom);
            d->secureRequest(endpoint, data, done);
        },
        d->failer(done));
    return promise.pending();
}

Pending<QList<ThreadScanEntry>> *Provisioner::scanThread(const ScanOptions &options)
{
    bool started = false;
    auto promise = d->start<QList<ThreadScanEntry>>(started);
    if (!started)
        return promise.pending();
    auto done = d->finisher(promise);
    d->withSession(
        [this, options, done] {
            d->setStep(ProvisionStep::Scanning);
            d->scanRequest(codec::ScanThreadStart { options.blocking, 0 },
                [this, options, done](Result<codec::ScanResponse> r) {
                    if (!r)
                        return done(r.error());
                    const auto *st = std::get_if<codec::ScanThreadStartResponse>(&*r);
                    if (!st)
                        return done(unexpected("RespScanThreadStart"));
                    if (auto e = statusError("ScanThreadStart", st->status))
                        return done(*e);
                    d->pollScan<Private::ThreadScanKind>(
                        QDeadlineTimer(kScanOverallTimeoutMs), options, done);
                });
        },
        d->failer(done));
    return promise.pending();
}

Pending<ThreadStatus> *Provisioner::provisionThread(
    const QByteArray &dataset, const ProvisionOptions &options)
{
    bool started = false;
    auto promise = d->start<ThreadStatus>(started);
    if (!started)
        return promise.pending();
    auto done = d->finisher(promise);
    d->withSession(
        [this, dataset, options, done] {
            d->setStep(ProvisionStep::SendingConfig);
            d->configRequest(
                codec::SetThreadConfig { dataset }, [this, options, done](Result<codec::ConfigResponse> r) {
                    if (!r)
                        return done(r.error());
                    const auto *set = std::get_if<codec::SetThreadConfigResponse>(&*r);
                    if (!set)
                        return done(unexpected("RespSetThreadConfig"));
                    if (auto e = statusError("SetThreadConfig", set->status))
                        return done(*e);
                    d->setStep(ProvisionStep::Applying);
                    d->configRequest(
                        codec::ApplyThreadConfig {}, [this, options, done](Result<codec::ConfigResponse> r) {
                            if (!r)
                                return done(r.error());
                            const auto *apply = std::get_if<codec::ApplyThreadConfigResponse>(&*r);
                            if (!apply)
                                return done(unexpected("RespApplyThreadConfig"));
                            if (auto e = statusError("ApplyThreadConfig", apply->status))
                                return done(*e);
                            d->setStep(ProvisionStep::WaitingForConnection);
                            const QDeadlineTimer deadline(options.connectTimeoutMs);
                            d->later(options.firstPollDelayMs, [this, deadline, options, done] {
                                d->pollThreadStatus(deadline, options, done);
                            });
                        });
                });
        },
        d->failer(done));
    return promise.pending();
}

} // namespace prov
