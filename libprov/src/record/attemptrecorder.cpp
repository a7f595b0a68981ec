// SPDX-License-Identifier: Apache-2.0
// The factory record of one device's attempts, from a Provisioner's steps and operation ends.
#include "prov/attemptrecorder.h"

#include "prov/recordsink.h"

#include <QDateTime>

namespace prov {

AttemptRecorder::AttemptRecorder(RecordSink *sink, QObject *parent)
    : QObject(parent)
    , m_sink(sink)
{ }

AttemptRecorder::~AttemptRecorder()
{
    finishAttempt(m_lastError ? RecordOutcome::Failed : RecordOutcome::Cancelled,
        m_lastError ? m_lastError
                    : std::optional<Error>(makeError(
                        ErrorCode::Cancelled, QStringLiteral("recorder closed before the attempt ended"))));
}

void AttemptRecorder::setIdentity(const AttemptStart &identity)
{
    if (identity.serviceName != m_identity.serviceName || identity.address != m_identity.address)
        m_ssid.clear(); // another device: never record the previous one's network
    m_identity = identity;
    m_identity.attemptId.clear();
    m_identity.startedAtMs = 0;
}

void AttemptRecorder::setProvisioner(Provisioner *provisioner)
{
    disconnect(m_stepConnection);
    m_provisioner = provisioner;
    m_factsRecorded = false;
    if (provisioner)
        m_stepConnection = connect(
            provisioner, &Provisioner::stepChanged, this, &AttemptRecorder::handleStep);
}

QString AttemptRecorder::operationStarted()
{
    if (!m_sink || !m_attemptId.isEmpty())
        return m_attemptId;
    AttemptStart start = m_identity;
    start.startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_attemptId = m_sink->beginAttempt(start);
    m_factsRecorded = false;
    m_lastError.reset();
    if (m_provisioner && m_provisioner->deviceInfo())
        recordFacts(); // a follow-up attempt on a device we already know
    return m_attemptId;
}

void AttemptRecorder::watch(PendingOperation *pending, Operation operation)
{
    connect(pending, &PendingOperation::finished, this,
        [this, pending, operation, id = m_attemptId] { operationEnded(id, operation, pending->error()); });
}

void AttemptRecorder::watchProvision(Pending<ProvisionResult> *pending, const QByteArray &ssid)
{
    m_ssid = ssid;
    connect(pending, &PendingOperation::finished, this, [this, pending, id = m_attemptId] {
        operationEnded(id, Operation::Apply, provisionError(pending->result()));
    });
}

void AttemptRecorder::watchCustom(
    Pending<QByteArray> *pending, const QString &endpoint, const QByteArray &request, bool recordPayload)
{
    // The request bytes are kept only when they may be recorded (a secret payload is not held on to).
    connect(pending, &PendingOperation::finished, this,
        [this, pending, endpoint, requestBytes = request.size(),
            payload = recordPayload ? request : QByteArray(), recordPayload, id = m_attemptId] {
            const Result<QByteArray> r = pending->result();
            if (m_sink && !id.isEmpty() && id == m_attemptId) {
                CustomCallEntry call;
                call.endpoint = endpoint;
                call.requestBytes = requestBytes;
                call.responseBytes = r ? r->size() : 0;
                call.payloadRecorded = recordPayload;
                if (recordPayload) {
                    call.request = payload;
                    call.response = r ? *r : QByteArray();
                }
                call.errorCode = r ? 0 : int(r.error().code);
                if (m_provisioner && m_provisioner->deviceInfo() && !m_factsRecorded)
                    recordFacts(); // facts first, as a connect on the way learnt them
                m_sink->addCustomCall(m_attemptId, call);
            }
            operationEnded(id, Operation::Custom, r ? std::nullopt : std::optional<Error>(r.error()));
        });
}

void AttemptRecorder::operationFailed(Operation operation, const Error &error)
{
    operationEnded(m_attemptId, operation, error);
}

std::optional<Error> AttemptRecorder::provisionError(const Result<ProvisionResult> &result)
{
    if (!result)
        return result.error();
    if (result->outcome == ProvisionOutcome::Unconfirmed) // applied, but the result is unknown
        return result->confirmationError.value_or(
            makeError(ErrorCode::Disconnected, QStringLiteral("the link closed after Apply; not confirmed")));
    return std::nullopt;
}

void AttemptRecorder::operationEnded(
    const QString &attemptId, Operation operation, const std::optional<Error> &error)
{
    // Late ends of an attempt that is over (or of operations begun while nothing was recorded)
    // never touch the attempt that is open now.
    if (m_attemptId.isEmpty() || attemptId != m_attemptId)
        return;
    if (!error)
        m_lastError.reset(); // the last operation succeeded: an earlier failure is history
    else if (error->code != ErrorCode::Cancelled)
        m_lastError = error;
    // Facts after proto-ver: a connect that failed (no session) records none.
    const bool connected = operation != Operation::Connect || !error;
    if (connected && m_provisioner && m_provisioner->deviceInfo()
        && (!m_factsRecorded || (operation == Operation::Connect)))
        recordFacts();
    closePhase();
    // The attempt ends when provisioning ends: connected, refused, or cancelled.
    if (error && error->code == ErrorCode::Cancelled)
        finishAttempt(RecordOutcome::Cancelled, error);
    else if (error && (operation == Operation::Connect || operation == Operation::Apply))
        finishAttempt(RecordOutcome::Failed, error);
    else if (!error && operation == Operation::Apply)
        finishAttempt(RecordOutcome::Provisioned, std::nullopt);
}

void AttemptRecorder::finishAttempt(RecordOutcome outcome, const std::optional<Error> &error)
{
    if (m_attemptId.isEmpty())
        return;
    closePhase();
    AttemptEnd end;
    end.finishedAtMs = QDateTime::currentMSecsSinceEpoch();
    end.outcome = outcome;
    // The SSID only, never the passphrase; raw bytes of at most 32 (§9.1) as text.
    end.ssid = QString::fromUtf8(m_ssid);
    if (error) {
        end.failureCode = int(error->code);
        end.failureDetail = error->detail; // libprov details never carry secrets (error.h)
    }
    if (m_sink)
        m_sink->finishAttempt(m_attemptId, end);
    m_attemptId.clear();
}

void AttemptRecorder::handleStep(ProvisionStep step)
{
    const QString phase = phaseOf(step);
    if (phase == m_phase)
        return;
    closePhase();
    if (!phase.isEmpty()) {
        m_phase = phase;
        m_phaseClock.start();
    }
}

void AttemptRecorder::recordFacts()
{
    if (!m_sink || m_attemptId.isEmpty() || !m_provisioner || !m_provisioner->deviceInfo())
        return;
    const DeviceInfo &info = *m_provisioner->deviceInfo();
    DeviceFacts facts;
    facts.protoVerJson = QString::fromUtf8(info.protoVersion.raw);
    facts.firmwareVersion = firmwareVersionOf(info);
    facts.secVer = info.secVer;
    facts.secPatchVer = info.secVer == 2 ? info.sec2PatchVer : -1;
    m_sink->recordFacts(m_attemptId, facts);
    m_factsRecorded = true;
}

void AttemptRecorder::closePhase()
{
    if (m_phase.isEmpty())
        return;
    if (m_sink && !m_attemptId.isEmpty())
        m_sink->addPhase(m_attemptId, PhaseDuration { m_phase, m_phaseClock.elapsed() });
    m_phase.clear();
}

QString AttemptRecorder::phaseOf(ProvisionStep step)
{
    switch (step) {
    case ProvisionStep::ReadingVersion:
        return QStringLiteral("connect");
    case ProvisionStep::Handshake:
        return QStringLiteral("handshake");
    case ProvisionStep::Scanning:
        return QStringLiteral("scan");
    case ProvisionStep::SendingConfig:
    case ProvisionStep::Applying:
        return QStringLiteral("apply");
    case ProvisionStep::WaitingForConnection:
        return QStringLiteral("wait_connected");
    case ProvisionStep::Control:
        return QStringLiteral("control");
    case ProvisionStep::Custom:
        return QStringLiteral("custom");
    case ProvisionStep::Idle:
    case ProvisionStep::Done:
        break;
    }
    return {};
}

QString AttemptRecorder::firmwareVersionOf(const DeviceInfo &info)
{
    if (info.protoVersion.apps.isEmpty())
        return {};
    const AppInfo &app = info.protoVersion.apps.constFirst();
    return QStringLiteral("%1 %2").arg(app.label, app.version).trimmed();
}

} // namespace prov
