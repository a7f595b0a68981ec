// SPDX-License-Identifier: Apache-2.0
// The ESP-IDF job kind of the lane engine: one device's whole run as one coroutine (docs/architecture.md
// "Long asynchronous flows: coroutines (decided)"), over the Provisioner's verbs.
#include "prov/attemptrecorder.h"
#include "prov/blescanner.h"
#include "prov/provisioningjob.h"
#include "prov/transport.h"

#include "core/flow.h"
#include "core/logging.h"

#include <QCoroTask>
#include <QDeadlineTimer>
#include <QPointer>
#include <QRegularExpression>

namespace prov {

LineDevice LineDevice::fromBleScan(const BleDeviceInfo &info)
{
    LineDevice d;
    d.serviceName = info.name;
    d.transport = TransportKind::Ble;
    d.address = info.address;
    if (!info.cached)
        d.rssiDbm = info.rssi;
    d.source = QStringLiteral("ble-scan");
    return d;
}

QString LineDevice::key() const
{
    return transportKindName(transport) + QLatin1Char(':') + (serviceName.isEmpty() ? address : serviceName);
}

void ProvisioningJob::setProgress(const QString &stepName, int percent)
{
    if (stepName == m_stepName && percent == m_progressPercent)
        return;
    m_stepName = stepName;
    m_progressPercent = percent;
    Q_EMIT progressChanged(stepName, percent);
}

namespace {

/// Rough share of a job's time spent before each step (%), for the lane tile's progress bar.
int percentAt(ProvisionStep step)
{
    switch (step) {
    case ProvisionStep::Idle:
        return 0;
    case ProvisionStep::ReadingVersion:
        return 10;
    case ProvisionStep::Handshake:
        return 25;
    case ProvisionStep::Control:
    case ProvisionStep::Scanning:
        return 35;
    case ProvisionStep::Custom:
        return 45;
    case ProvisionStep::SendingConfig:
        return 55;
    case ProvisionStep::Applying:
        return 65;
    case ProvisionStep::WaitingForConnection:
        return 75;
    case ProvisionStep::Done:
        return 100;
    }
    return 0;
}

/// The profile's guards (docs/protocol.md §2.3, §5): run after proto-ver, before the handshake.
std::optional<Error> checkVersion(const ProductProfile &profile, const ProtoVersion &pv)
{
    const int offered = pv.recommendedSecurity();
    if (offered < profile.security.minSecVer) {
        return makeError(ErrorCode::SecurityDowngrade,
            QStringLiteral("the device offers sec_ver %1; the profile \"%2\" requires at least %3")
                .arg(offered)
                .arg(profile.id)
                .arg(profile.security.minSecVer));
    }
    if (!profile.firmware.appVersionRegex.isEmpty()) {
        const QString version = pv.apps.isEmpty() ? QString() : pv.apps.first().version;
        if (pv.apps.isEmpty() || !profile.firmwareMatches(version)) {
            return makeError(ErrorCode::FirmwareMismatch,
                pv.apps.isEmpty()
                    ? QStringLiteral("proto-ver names no application version; the profile expects /%1/")
                          .arg(profile.firmware.appVersionRegex)
                    : QStringLiteral("application version \"%1\" does not match the profile's /%2/")
                          .arg(version, profile.firmware.appVersionRegex));
        }
    }
    return std::nullopt;
}

SecurityOptions securityFor(const JobRequest &request)
{
    const DeviceCredentials &c = request.profile.security.credentialsFrom
            == ProductProfile::CredentialsSource::Prompt
        ? request.secrets.credentials
        : request.device.credentials;
    SecurityOptions options;
    options.pop = c.pop;
    options.username = c.username.isEmpty() ? QByteArrayLiteral("wifiprov") : c.username;
    options.password = c.password.isEmpty() ? c.pop : c.password;
    options.versionGuard = [profile = request.profile](
                               const ProtoVersion &pv) { return checkVersion(profile, pv); };
    return options;
}

/// The device's answer to a custom step as text (a trailing NUL that C firmware often sends dropped).
QString answerText(QByteArray answer)
{
    while (answer.endsWith('\0'))
        answer.chop(1);
    return QString::fromUtf8(answer);
}

std::optional<Error> checkAnswer(const ProductProfile::CustomStep &step, int index, const QByteArray &answer)
{
    const QString text = answerText(answer);
    bool ok = true;
    QString expectation;
    switch (step.expectKind) {
    case ProductProfile::ExpectKind::None:
        return std::nullopt;
    case ProductProfile::ExpectKind::Exact:
        ok = text == step.expectValue;
        expectation = QStringLiteral("the exact answer");
        break;
    case ProductProfile::ExpectKind::Prefix:
        ok = text.startsWith(step.expectValue);
        expectation = QStringLiteral("the prefix");
        break;
    case ProductProfile::ExpectKind::Regex: {
        const QRegularExpression re(QRegularExpression::anchoredPattern(step.expectValue));
        ok = re.match(text).hasMatch();
        expectation = QStringLiteral("the pattern");
        break;
    }
    }
    if (ok)
        return std::nullopt;
    // A secret step's answer may carry a secret too: name only its size.
    return makeError(ErrorCode::CustomResponseMismatch,
        step.secretPayload ? QStringLiteral("custom step %1 (%2): the %3-byte answer does not match %4")
                                 .arg(index + 1)
                                 .arg(step.endpoint)
                                 .arg(answer.size())
                                 .arg(expectation)
                           : QStringLiteral("custom step %1 (%2): the answer \"%3\" does not match %4 \"%5\"")
                                 .arg(index + 1)
                                 .arg(step.endpoint, text.left(64), expectation, step.expectValue));
}

class EspJob final : public ProvisioningJob
{
public:
    EspJob(JobRequest request, RecordSink *sink)
        : m_request(std::move(request))
        , m_recorder(sink)
        , m_promise(this)
    { }

    ~EspJob() override
    {
        // The flow unwinds from the event loop and sees the job gone; the Provisioner (and with it
        // the link) goes with the members, the recorder ends an open attempt as Cancelled.
        m_cancel->cancel(makeError(ErrorCode::Cancelled, QStringLiteral("the job was destroyed")));
    }

    Pending<JobResult> *start() override
    {
        if (!m_started) {
            m_started = true;
            QCoro::connect(run(this, m_cancel, m_request), this,
                [this](const Result<JobResult> &result) { m_promise.finishLater(result); });
        }
        return m_promise.pending();
    }

    void cancel() override
    {
        if (m_promise.isFinished())
            return;
        if (m_provisioner)
            m_provisioner->cancel(); // drops the link, ends the running operation with Cancelled
        m_cancel->cancel(makeError(ErrorCode::Cancelled, QStringLiteral("the job was cancelled")));
    }

private:
    /// `co_await`s one Provisioner operation: `start` starts it (and lets the recorder watch it).
    template <typename T, typename Start>
    static flow::StepAwaiter<T> operation(std::shared_ptr<flow::FlowCancel> cancel, Start start)
    {
        return flow::awaitStep<T>(std::move(cancel), [start](flow::StepCallback<T> done) {
            Pending<T> *op = start();
            QObject::connect(op, &PendingOperation::finished, op, [op, done] { done(op->result()); });
        });
    }

    static QCoro::Task<Result<JobResult>> run(
        QPointer<EspJob> self, std::shared_ptr<flow::FlowCancel> cancel, JobRequest request);

    JobRequest m_request;
    std::shared_ptr<flow::FlowCancel> m_cancel = std::make_shared<flow::FlowCancel>();
    AttemptRecorder m_recorder;
    std::unique_ptr<Transport> m_transport;
    std::unique_ptr<Provisioner> m_provisioner; // after m_transport: destroyed first
    Promise<JobResult> m_promise;
    bool m_started = false;
};

QCoro::Task<Result<JobResult>> EspJob::run(
    QPointer<EspJob> self, std::shared_ptr<flow::FlowCancel> cancel, JobRequest request)
{
    const flow::FlowCancel::Running running(cancel);
    const Error gone = makeError(ErrorCode::Cancelled, QStringLiteral("the job was destroyed"));
    const ProductProfile &profile = request.profile;
    AttemptRecorder &recorder = self->m_recorder;
    recorder.setIdentity(request.identity);

    TransportConfig config = request.transport;
    config.kind = request.device.transport;
    if (config.kind == TransportKind::Ble) {
        config.bleAddress = request.device.address;
        if (!profile.match.bleServiceUuid.isEmpty())
            config.bleService = QUuid::fromString(profile.match.bleServiceUuid);
    } else if (config.softApSsid.isEmpty()) { // a joined SoftAP (SoftApJobKind) has the link's gateway
        const QString address = request.device.address;
        const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
        config.host = colon < 0 ? address : address.left(colon);
        config.port = colon < 0 ? 80 : quint16(address.mid(colon + 1).toUInt());
    }
    Result<std::unique_ptr<Transport>> transport = request.device.address.isEmpty()
        ? Result<std::unique_ptr<Transport>>(makeError(ErrorCode::InvalidArgument,
            QStringLiteral("%1 has no address yet").arg(request.device.serviceName)))
        : makeTransport(config);
    if (!transport) {
        recorder.operationStarted();
        recorder.operationFailed(AttemptRecorder::Operation::Connect, transport.error());
        co_return transport.error();
    }
    self->m_transport = std::move(transport.value());
    self->m_provisioner = std::make_unique<Provisioner>(self->m_transport.get());
    Provisioner *provisioner = self->m_provisioner.get();
    QObject::connect(
        provisioner, &Provisioner::stepChanged, self.data(), [job = self.data()](ProvisionStep step) {
            if (step == ProvisionStep::Applying)
                job->setReachedApply();
            if (step != ProvisionStep::Idle)
                job->setProgress(provisionStepName(step), percentAt(step));
        });
    recorder.setProvisioner(provisioner);
    provisioner->setSecurityOptions(securityFor(request));
    // A link with its own set-up (a SoftAP joined through NetworkManager) shows its steps on the tile.
    QObject::connect(self->m_transport.get(), &Transport::linkProgress, self.data(),
        [job = self.data()](const QString &text) { job->setProgress(text, 3); });

    // Connect: proto-ver, the profile's guards, the handshake.
    self->setProgress(QStringLiteral("connect"), 5);
    recorder.operationStarted();
    // Each awaiter is a named local: GCC 12 destroys non-trivial temporaries of a co_await
    // full-expression twice, which corrupted a QPointer's reference count.
    EspJob *job = self.data();
    auto connecting = operation<DeviceInfo>(cancel, [job, provisioner] {
        Pending<DeviceInfo> *op = provisioner->connectDevice();
        job->m_recorder.watch(op, AttemptRecorder::Operation::Connect);
        return op;
    });
    const Result<DeviceInfo> info = co_await connecting;
    if (!self)
        co_return gone;
    if (!info)
        co_return info.error(); // the recorder ended the attempt (Failed / Cancelled)

    // After an earlier attempt that got as far as ApplyConfig (a retry, or a batch resumed after a stop),
    // the device may already be on the network. Read the status first (§9.2), waiting while it
    // is Connecting: Connected to the profile's SSID ends the job without sending the credentials again.
    bool resetFirst = request.resetFirst;
    if (request.earlierAttemptApplied) {
        const QDeadlineTimer deadline(std::max(0, request.provisionOptions.connectTimeoutMs));
        const int intervalMs = std::max(50, request.provisionOptions.fastPollIntervalMs);
        for (;;) {
            recorder.operationStarted();
            auto reading = operation<WifiStatus>(cancel, [job, provisioner] {
                Pending<WifiStatus> *op = provisioner->wifiStatus();
                job->m_recorder.watch(op, AttemptRecorder::Operation::Control);
                return op;
            });
            const Result<WifiStatus> status = co_await reading;
            if (!self)
                co_return gone;
            if (!status && status.error().code == ErrorCode::Cancelled)
                co_return status.error();
            if (!status)
                break; // no usable status: provision as usual
            const QByteArray ssid = profile.network.ssid.toUtf8();
            if (status->state == WifiState::Connected && status->ssid == ssid) {
                qCInfo(lcProvLine).noquote()
                    << request.device.serviceName << "is already connected to the network";
                recorder.noteSsid(ssid);
                recorder.finishAttempt(RecordOutcome::Provisioned, std::nullopt);
                self->setProgress(provisionStepName(ProvisionStep::Done), 100);
                JobResult done { ProvisionResult { ProvisionOutcome::Connected, *status, std::nullopt },
                    *info, AttemptRecorder::firmwareVersionOf(*info), {} };
                co_return done;
            }
            if (status->state == WifiState::ConnectionFailed)
                resetFirst = true; // the device takes new credentials only after a reset (§9.4)
            if (status->state != WifiState::Connecting || deadline.hasExpired())
                break;
            auto pause = flow::delay(cancel, job, intervalMs);
            const Result<void> waited = co_await pause;
            if (!self)
                co_return gone;
            if (!waited)
                co_return waited.error();
        }
    }

    if (resetFirst) {
        recorder.operationStarted();
        auto resetting = operation<void>(cancel, [job, provisioner] {
            Pending<void> *op = provisioner->resetWifi();
            job->m_recorder.watch(op, AttemptRecorder::Operation::Control);
            return op;
        });
        const Result<void> reset = co_await resetting;
        if (!self)
            co_return gone;
        if (!reset && reset.error().code == ErrorCode::Cancelled)
            co_return reset.error();
        if (!reset) // only accepted after a failure (§9.4): a device that has not failed refuses it
            qCInfo(lcProvLine) << request.device.serviceName
                               << "refused the reset:" << reset.error().toString();
    }

    for (int i = 0; i < profile.customSteps.size(); ++i) {
        const ProductProfile::CustomStep &step = profile.customSteps.at(i);
        recorder.operationStarted();
        const Result<QByteArray> payload = profile.expandPayload(i, request.placeholders);
        if (!payload) {
            recorder.finishAttempt(RecordOutcome::Failed, payload.error());
            co_return payload.error();
        }
        auto calling = operation<QByteArray>(cancel, [job, provisioner, &step, &payload] {
            Pending<QByteArray> *op = provisioner->customRequest(step.endpoint, *payload);
            job->m_recorder.watchCustom(op, step.endpoint, *payload, !step.secretPayload);
            return op;
        });
        const Result<QByteArray> answer = co_await calling;
        if (!self)
            co_return gone;
        std::optional<Error> failed = answer ? checkAnswer(step, i, *answer) : answer.error();
        if (failed) {
            recorder.finishAttempt(
                failed->code == ErrorCode::Cancelled ? RecordOutcome::Cancelled : RecordOutcome::Failed,
                failed);
            co_return *failed;
        }
    }

    WifiCredentials credentials;
    credentials.ssid = profile.network.ssid.toUtf8();
    credentials.passphrase = request.secrets.passphrase;
    ProvisionOptions options = request.provisionOptions;
    options.afterApplyLinkClosed = profile.afterApplyLinkClosed();
    recorder.operationStarted();
    auto provisioning = operation<ProvisionResult>(cancel, [job, provisioner, &credentials, &options] {
        Pending<ProvisionResult> *op = provisioner->provision(credentials, options);
        job->m_recorder.watchProvision(op, credentials.ssid);
        return op;
    });
    const Result<ProvisionResult> provisioned = co_await provisioning;
    if (!self)
        co_return gone;
    if (std::optional<Error> failed = AttemptRecorder::provisionError(provisioned))
        co_return *failed; // the recorder ended the attempt from the same result
    self->setProgress(provisionStepName(ProvisionStep::Done), 100);
    JobResult result { *provisioned, *info, AttemptRecorder::firmwareVersionOf(*info), {} };
    co_return result;
}

} // namespace

QString EspJobKind::name() const
{
    return QStringLiteral("esp-idf");
}

bool EspJobKind::handles(const LineDevice &device) const
{
    return device.transport == TransportKind::SoftAp || device.transport == TransportKind::Ble;
}

std::unique_ptr<ProvisioningJob> EspJobKind::create(const JobRequest &request, RecordSink *sink)
{
    return std::make_unique<EspJob>(request, sink);
}

} // namespace prov
