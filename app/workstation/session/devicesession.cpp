// SPDX-License-Identifier: Apache-2.0
#include "session/devicesession.h"

#include "applogging.h"
#include "session/softapleaves.h"
#include "session/wifiinfo.h"

#include "prov/attemptrecorder.h"
#include "prov/bletransport.h"
#include "prov/httptransport.h"
#include "prov/record.h"
#include "prov/recordsink.h"
#include "prov/softaptransport.h"
#include "prov/transport.h"

#include <QFile>
#include <QRegularExpression>
#include <QUrl>

using prov::ErrorCode;
using prov::ProvisionStep;

namespace {
constexpr int kWorkflowSteps = 6;

/// Position of a step in the six-step workflow display, -1 for steps outside it.
int workflowIndex(ProvisionStep step)
{
    switch (step) {
    case ProvisionStep::ReadingVersion:
        return 0;
    case ProvisionStep::Handshake:
        return 1;
    case ProvisionStep::Scanning:
        return 2;
    case ProvisionStep::SendingConfig:
        return 3;
    case ProvisionStep::Applying:
        return 4;
    case ProvisionStep::WaitingForConnection:
        return 5;
    default:
        return -1;
    }
}

ws::ErrorContext contextOf(DeviceSession::Operation op)
{
    switch (op) {
    case DeviceSession::Operation::Connect:
        return ws::ErrorContext::Connect;
    case DeviceSession::Operation::Scan:
        return ws::ErrorContext::Scan;
    case DeviceSession::Operation::Apply:
        return ws::ErrorContext::Apply;
    case DeviceSession::Operation::Reset:
    case DeviceSession::Operation::Reprovision:
        return ws::ErrorContext::Control;
    case DeviceSession::Operation::Custom:
        return ws::ErrorContext::Custom;
    case DeviceSession::Operation::None:
        break;
    }
    return ws::ErrorContext::Any;
}

prov::AttemptRecorder::Operation recordedOf(DeviceSession::Operation op)
{
    switch (op) {
    case DeviceSession::Operation::Connect:
        return prov::AttemptRecorder::Operation::Connect;
    case DeviceSession::Operation::Scan:
        return prov::AttemptRecorder::Operation::Scan;
    case DeviceSession::Operation::Apply:
        return prov::AttemptRecorder::Operation::Apply;
    case DeviceSession::Operation::Custom:
        return prov::AttemptRecorder::Operation::Custom;
    case DeviceSession::Operation::Reset:
    case DeviceSession::Operation::Reprovision:
    case DeviceSession::Operation::None:
        break;
    }
    return prov::AttemptRecorder::Operation::Control;
}

template <typename T> std::optional<prov::Error> errorOf(const prov::Result<T> &result)
{
    return result ? std::nullopt : std::optional<prov::Error>(result.error());
}

QString capitalised(QString text)
{
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}
} // namespace

DeviceSession::DeviceSession(
    const DeviceEntry &entry, const SessionConfig &config, prov::RecordSink *records, QObject *parent)
    : QObject(parent)
    , m_entry(entry)
    , m_config(config)
    , m_recorder(new prov::AttemptRecorder(records, this))
    , m_scan(new WifiScanModel(this))
    , m_scanProxy(new WifiScanProxyModel(m_scan, this))
    , m_stepStates(kWorkflowSteps, StepState::StepPending)
{
    buildTransport();
}

DeviceSession::~DeviceSession()
{
    if (m_provisioner && isBusy())
        m_provisioner->cancel();
    m_recorder->finishAttempt(m_error ? prov::RecordOutcome::Failed : prov::RecordOutcome::Cancelled,
        m_error ? m_error
                : std::optional<prov::Error>(prov::makeError(
                    ErrorCode::Cancelled, QStringLiteral("session closed before provisioning"))));
    m_linkProgress.clear(); // no change signal from a session being destroyed
    dropTransport();
}

void DeviceSession::dropTransport()
{
    m_recorder->setProvisioner(nullptr);
    // The transport must outlive the Provisioner (provisioner.h); as children they would be
    // destroyed in creation order, the transport first.
    delete m_provisioner;
    m_provisioner = nullptr;
    if (auto *softAp = qobject_cast<prov::SoftApTransport *>(m_transport); softAp && m_config.softApLeaves) {
        // Joined through NetworkManager: the interface goes back to the connection active before,
        // and the workstation waits for that at quit.
        softAp->disconnect(this);
        m_config.softApLeaves->add(softAp);
    } else {
        delete m_transport;
    }
    m_transport = nullptr;
    setLinkProgress({});
}

void DeviceSession::setLinkProgress(const QString &text)
{
    if (text == m_linkProgress)
        return;
    m_linkProgress = text;
    Q_EMIT linkProgressChanged();
}

void DeviceSession::buildTransport()
{
    dropTransport();
    m_transportError.reset();
    prov::TransportConfig config;
    config.kind = m_entry.transport;
    config.requestTimeoutMs = m_config.requestTimeoutMs;
    switch (m_entry.transport) {
    case prov::TransportKind::SoftAp:
        if (m_entry.joinsSoftAp()) {
            // A Wi-Fi scan's or a QR sticker's device with no address: join its SoftAP by SSID
            // through NetworkManager; the link's gateway is the device.
            config.softApSsid = m_entry.serviceName;
            config.softApBssid = m_entry.bssid;
            config.wifiInterface = m_config.wifiInterface;
            config.port = m_config.softApPort;
            config.softApJoinTimeoutMs = m_config.softApJoinTimeoutMs;
            config.softApPassword = m_entry.credentials.softApPassword;
            break;
        }
        config.host = m_entry.effectiveHost();
        config.port = m_entry.effectivePort();
        break;
    case prov::TransportKind::Ble:
        if (m_entry.host.isEmpty()) {
            // Known from a QR code only: operations fail until a BLE scan finds the address.
            m_transportError = prov::makeError(ErrorCode::ConnectFailed,
                QStringLiteral("BLE address unknown: the device was not seen by a BLE scan"));
            return;
        }
        config.bleAddress = m_entry.host;
        config.bleService = m_config.bleServiceFor ? m_config.bleServiceFor(m_entry.serviceName) : QUuid();
        config.bleConnectTimeoutMs = m_config.bleConnectTimeoutMs;
        config.bleLimit = m_config.bleLimit;
        break;
    default:
        // A kind this build does not know: operations end in Unavailable.
        m_transportError = prov::makeError(ErrorCode::Unavailable,
            QStringLiteral("no %1 transport in this build").arg(prov::transportKindName(m_entry.transport)));
        return;
    }
    prov::Result<std::unique_ptr<prov::Transport>> transport = prov::makeTransport(config);
    if (!transport) {
        qCWarning(lcWsSession).noquote()
            << m_entry.serviceName << "no transport:" << transport.error().toString();
        m_transportError = transport.error();
        return;
    }
    m_transport = transport->release();
    m_transport->setParent(this);
    connect(m_transport, &prov::Transport::linkProgress, this, &DeviceSession::setLinkProgress);
    m_provisioner = new prov::Provisioner(m_transport, this);
    prov::SecurityOptions security;
    security.pop = m_entry.credentials.pop;
    security.username = m_entry.credentials.username;
    // A QR code carries the Security 2 password in "pop" (§11); manual entry has its own field.
    security.password = m_entry.credentials.password.isEmpty() ? m_entry.credentials.pop
                                                               : m_entry.credentials.password;
    m_provisioner->setSecurityOptions(security);
    m_recorder->setProvisioner(m_provisioner);
    connect(m_provisioner, &prov::Provisioner::stepChanged, this, &DeviceSession::handleStep);
    connect(m_provisioner, &prov::Provisioner::wifiStatusChanged, this, &DeviceSession::handleWifiStatus);
}

void DeviceSession::setConfig(const SessionConfig &config)
{
    const bool rejoin = m_entry.joinsSoftAp() && !isBusy()
        && (config.wifiInterface != m_config.wifiInterface || config.softApPort != m_config.softApPort
            || config.softApJoinTimeoutMs != m_config.softApJoinTimeoutMs);
    m_config = config;
    if (rejoin) {
        // Another interface or port: the next operation joins anew with them.
        m_recorder->finishAttempt(prov::RecordOutcome::Cancelled,
            prov::makeError(ErrorCode::Cancelled, QStringLiteral("SoftAP join settings changed")));
        buildTransport();
        if (m_info) {
            m_info.reset();
            Q_EMIT factsChanged();
        }
        return;
    }
    if (m_transport && !isBusy()) {
        m_transport->setTimeout(config.requestTimeoutMs);
        if (auto *ble = qobject_cast<prov::BleTransport *>(m_transport))
            ble->setConnectTimeout(config.bleConnectTimeoutMs);
    }
}

bool DeviceSession::updateEntry(const DeviceEntry &entry)
{
    if (isBusy())
        return false;
    const bool relink = entry.effectiveHost() != m_entry.effectiveHost()
        || entry.effectivePort() != m_entry.effectivePort() || entry.transport != m_entry.transport
        || entry.joinsSoftAp() != m_entry.joinsSoftAp() || entry.bssid != m_entry.bssid
        || !(entry.credentials == m_entry.credentials);
    m_entry = entry;
    if (relink) {
        // The open attempt was for the old address/credentials: it ends here, a new one starts
        // with the next operation.
        m_recorder->finishAttempt(prov::RecordOutcome::Cancelled,
            prov::makeError(ErrorCode::Cancelled, QStringLiteral("device address or credentials changed")));
        buildTransport();
        if (m_info) {
            m_info.reset();
            Q_EMIT factsChanged();
        }
    }
    Q_EMIT entryChanged();
    return true;
}

// ---- operation bookkeeping

bool DeviceSession::begin(Operation operation)
{
    if (isBusy())
        return false;
    setValidation({});
    setError(std::nullopt, ws::ErrorContext::Any);
    m_operation = operation;
    prov::AttemptStart identity;
    identity.station = m_config.station;
    identity.operatorName = m_config.operatorName;
    identity.serviceName = m_entry.serviceName;
    identity.transport = prov::transportKindName(m_entry.transport);
    identity.address = address();
    m_recorder->setIdentity(identity);
    m_recorder->operationStarted();
    if (m_transport)
        m_transport->setTimeout(m_config.requestTimeoutMs);
    Q_EMIT busyChanged();
    return true;
}

bool DeviceSession::failWithoutTransport()
{
    // No transport for this row (a BLE row not seen by a scan yet, or an unknown transport): end
    // typed and asynchronously, like any other operation, so that the attempt is recorded as failed.
    const prov::Error error = m_transportError.value_or(
        prov::makeError(ErrorCode::Unavailable, QStringLiteral("no transport for this device")));
    QMetaObject::invokeMethod(
        this,
        [this, error] {
            m_recorder->operationFailed(recordedOf(m_operation), error);
            end(error, contextOf(m_operation));
        },
        Qt::QueuedConnection);
    return true;
}

void DeviceSession::end(const std::optional<prov::Error> &error, ws::ErrorContext context)
{
    const Operation op = m_operation;
    if (error) {
        qCInfo(lcWsSession).noquote()
            << m_entry.serviceName << "operation" << int(op) << "failed:" << error->toString();
        for (StepState &s : m_stepStates) {
            if (s == StepState::StepRunning)
                s = StepState::StepFailed;
        }
        Q_EMIT stepChanged();
    }
    setError(error, context); // the recorder has ended the attempt already if provisioning ended
    setLinkProgress({});
    m_operation = Operation::None;
    Q_EMIT busyChanged();
    Q_EMIT finished(op, error ? int(error->code) : 0);
}

template <typename T, typename F> void DeviceSession::watch(prov::Pending<T> *op, F onFinished)
{
    connect(op, &prov::PendingOperation::finished, this, [this, op, onFinished] {
        auto result = op->result();
        onFinished(result);
    });
}

void DeviceSession::setError(const std::optional<prov::Error> &error, ws::ErrorContext context)
{
    if (!error && !m_error)
        return;
    m_error = error;
    const ws::ErrorContext link = m_entry.transport == prov::TransportKind::Ble ? ws::ErrorContext::BleLink
        : m_entry.joinsSoftAp()                                                 ? ws::ErrorContext::SoftApJoin
                                                                                : ws::ErrorContext::Any;
    m_advice = error ? ws::adviceForLink(error->code, context, link) : ws::ErrorAdvice {};
    Q_EMIT errorChanged();
}

void DeviceSession::clearError()
{
    setValidation({});
    setError(std::nullopt, ws::ErrorContext::Any);
}

void DeviceSession::setValidation(const QString &message)
{
    if (m_validationMessage == message)
        return;
    m_validationMessage = message;
    Q_EMIT validationMessageChanged();
}

void DeviceSession::setApplyState(ApplyState state)
{
    m_applyState = state;
    Q_EMIT applyStateChanged();
}

// ---- verbs

bool DeviceSession::connectDevice()
{
    if (!begin(Operation::Connect))
        return false;
    if (!m_provisioner)
        return failWithoutTransport();
    auto *pending = m_provisioner->connectDevice();
    m_recorder->watch(pending, prov::AttemptRecorder::Operation::Connect);
    watch(pending, [this](const prov::Result<prov::DeviceInfo> &r) {
        if (r)
            setFacts(*r);
        end(errorOf(r), ws::ErrorContext::Connect);
    });
    return true;
}

bool DeviceSession::refreshScan()
{
    if (!begin(Operation::Scan))
        return false;
    if (!m_provisioner)
        return failWithoutTransport();
    auto *pending = m_provisioner->scanWifi();
    m_recorder->watch(pending, prov::AttemptRecorder::Operation::Scan);
    watch(pending, [this](const prov::Result<QList<prov::ScanEntry>> &r) {
        if (m_provisioner->deviceInfo() && !m_info)
            setFacts(*m_provisioner->deviceInfo()); // connected on the way (withSession)
        if (r) {
            m_scan->setEntries(*r);
            m_scanned = true;
            Q_EMIT scanFinished();
        }
        end(errorOf(r), ws::ErrorContext::Scan);
    });
    return true;
}

int DeviceSession::authModeFor(const QString &ssid) const
{
    const auto entry = m_scan->strongest(ssid);
    return entry ? entry->authMode : -1;
}

bool DeviceSession::needsPassphrase(int authMode) const
{
    return authMode < 0 || ws::needsPassphrase(authMode);
}

prov::WifiCredentials DeviceSession::credentialsFor(
    const QString &ssid, const QString &passphrase, int *authMode) const
{
    prov::WifiCredentials credentials;
    const auto scanned = m_scan->strongest(ssid);
    credentials.ssid = scanned ? scanned->ssid : ssid.toUtf8(); // raw bytes as the device sent them
    credentials.passphrase = passphrase.toUtf8();
    if (*authMode < 0 && scanned)
        *authMode = scanned->authMode;
    return credentials;
}

QString DeviceSession::validate(const QString &ssid, const QString &passphrase, int authMode) const
{
    const prov::WifiCredentials credentials = credentialsFor(ssid, passphrase, &authMode);
    if (auto e = ws::checkCredentials(credentials, authMode))
        return e->detail;
    return {};
}

bool DeviceSession::apply(const QString &ssid, const QString &passphrase, int authMode)
{
    if (isBusy())
        return false;
    const QString problem = validate(ssid, passphrase, authMode);
    if (!problem.isEmpty()) {
        setValidation(problem);
        return false;
    }
    if (!begin(Operation::Apply))
        return false;
    if (!m_provisioner)
        return failWithoutTransport();
    const prov::WifiCredentials credentials = credentialsFor(ssid, passphrase, &authMode);
    m_appliedSsid = ws::displaySsid(credentials.ssid);
    m_attemptsRemaining = -1;
    m_connected = {};
    m_outcome.reset();
    setApplyState(ApplyState::Sending);

    prov::ProvisionOptions options;
    options.connectTimeoutMs = m_config.connectTimeoutMs;
    options.firstPollDelayMs = m_config.firstPollDelayMs;
    options.pollIntervalMs = m_config.pollIntervalMs;
    // Only transports that report linkClosed() (BLE) act on this; over HTTP nothing changes.
    options.afterApplyLinkClosed = m_config.confirmAfterBleLinkClosed ? prov::AfterApplyLinkClosed::Confirm
                                                                      : prov::AfterApplyLinkClosed::Report;
    auto *pending = m_provisioner->provision(credentials, options);
    m_recorder->watchProvision(pending, credentials.ssid); // the SSID, never the passphrase
    watch(pending, [this](const prov::Result<prov::ProvisionResult> &r) {
        if (m_provisioner->deviceInfo() && !m_info)
            setFacts(*m_provisioner->deviceInfo());
        std::optional<prov::Error> error = errorOf(r);
        if (r) {
            m_outcome = r->outcome;
            switch (r->outcome) {
            case prov::ProvisionOutcome::Connected:
            case prov::ProvisionOutcome::ConfirmedAfterReconnect:
                m_connected = r->status;
                m_stepStates[kWorkflowSteps - 1] = StepState::StepDone;
                Q_EMIT stepChanged();
                setApplyState(ApplyState::Connected);
                break;
            case prov::ProvisionOutcome::AppliedLinkClosed:
                m_stepStates[kWorkflowSteps - 1] = StepState::StepSkipped;
                Q_EMIT stepChanged();
                setApplyState(ApplyState::AppliedLinkClosed);
                break;
            case prov::ProvisionOutcome::Unconfirmed:
                // Applied, but the result is unknown: a failure to the record and the list.
                error = prov::AttemptRecorder::provisionError(r);
                setApplyState(ApplyState::Failed);
                break;
            }
        } else {
            setApplyState(ApplyState::Failed);
        }
        end(error, ws::ErrorContext::Apply);
    });
    return true;
}

bool DeviceSession::reset()
{
    return runControl(Operation::Reset);
}

bool DeviceSession::reprovision()
{
    return runControl(Operation::Reprovision);
}

bool DeviceSession::runControl(Operation operation)
{
    if (!begin(operation))
        return false;
    if (!m_provisioner)
        return failWithoutTransport();
    auto *pending = operation == Operation::Reset ? m_provisioner->resetWifi()
                                                  : m_provisioner->reprovisionWifi();
    m_recorder->watch(pending, prov::AttemptRecorder::Operation::Control);
    watch(pending, [this](const prov::Result<void> &r) {
        if (r) {
            // Back to "started" (§9.4): the device takes new credentials.
            m_attemptsRemaining = -1;
            m_connected = {};
            setApplyState(ApplyState::Idle);
        }
        end(errorOf(r), ws::ErrorContext::Control);
    });
    return true;
}

bool DeviceSession::sendCustom(
    const QString &endpoint, const QString &payload, PayloadFormat format, bool recordPayload)
{
    if (isBusy())
        return false;
    QByteArray bytes;
    switch (format) {
    case PayloadFormat::Text:
        bytes = payload.toUtf8();
        break;
    case PayloadFormat::Hex: {
        QString digits = payload;
        digits.remove(QRegularExpression(QStringLiteral("[\\s:,-]|0x")));
        if (digits.size() % 2 != 0 || digits.contains(QRegularExpression(QStringLiteral("[^0-9A-Fa-f]")))) {
            setValidation(tr("The hex payload must be pairs of hex digits (spaces and colons allowed)."));
            return false;
        }
        bytes = QByteArray::fromHex(digits.toLatin1());
        break;
    }
    case PayloadFormat::File: {
        const QUrl url(payload);
        QFile file(url.isLocalFile() ? url.toLocalFile() : payload);
        if (!file.open(QIODevice::ReadOnly)) {
            setValidation(tr("Cannot read %1: %2").arg(file.fileName(), file.errorString()));
            return false;
        }
        const qint64 limit = m_transport ? m_transport->maxRequestSize() : prov::HttpTransport::kMaxBodyBytes;
        if (file.size() > limit) {
            setValidation(
                tr("The file has %1 bytes; a request carries at most %2.").arg(file.size()).arg(limit));
            return false;
        }
        bytes = file.readAll();
        break;
    }
    }
    return customRequest(endpoint, bytes, recordPayload);
}

bool DeviceSession::customRequest(const QString &endpoint, const QByteArray &payload, bool recordPayload)
{
    if (isBusy())
        return false;
    static const QRegularExpression endpointName(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    if (!endpointName.match(endpoint).hasMatch()) {
        setValidation(
            tr("The endpoint name is 1 to 64 letters, digits, '-', '_' or '.' (e.g. custom-data)."));
        return false;
    }
    if (payload.isEmpty()) {
        setValidation(tr("The payload is empty: devices refuse empty requests."));
        return false;
    }
    if (!begin(Operation::Custom))
        return false;
    if (!m_provisioner)
        return failWithoutTransport();
    auto *pending = m_provisioner->customRequest(endpoint, payload);
    m_recorder->watchCustom(pending, endpoint, payload, recordPayload);
    watch(pending, [this, endpoint](const prov::Result<QByteArray> &r) {
        if (m_provisioner->deviceInfo() && !m_info)
            setFacts(*m_provisioner->deviceInfo());
        m_customEndpoint = endpoint;
        m_customResponse = r ? std::optional<QByteArray>(*r) : std::nullopt;
        Q_EMIT customResponseChanged();
        end(errorOf(r), ws::ErrorContext::Custom);
    });
    return true;
}

void DeviceSession::cancel()
{
    if (isBusy() && m_provisioner)
        m_provisioner->cancel(); // the running Pending ends with Cancelled -> end()
}

// ---- reactions

void DeviceSession::handleStep(ProvisionStep step)
{
    // The link's set-up ran before the first answer: any later step means the link is up.
    if (step != ProvisionStep::Idle && step != ProvisionStep::ReadingVersion)
        setLinkProgress({});
    const int index = workflowIndex(step);
    if (index >= 0) {
        for (int i = 0; i < kWorkflowSteps; ++i) {
            StepState &s = m_stepStates[i];
            if (i < index)
                s = (s == StepState::StepRunning || s == StepState::StepDone) ? StepState::StepDone
                                                                              : StepState::StepSkipped;
            else if (i == index)
                s = StepState::StepRunning;
            else
                s = StepState::StepPending;
        }
        // Connecting to the device never needs a scan: keep "scan" pending until it runs.
        if (index > 2 && m_stepStates[2] == StepState::StepSkipped && m_scanned)
            m_stepStates[2] = StepState::StepDone;
    } else if (step == ProvisionStep::Done) {
        for (StepState &s : m_stepStates) {
            if (s == StepState::StepRunning)
                s = StepState::StepDone;
        }
    }
    if (step == ProvisionStep::SendingConfig || step == ProvisionStep::Applying)
        setApplyState(ApplyState::Sending);
    else if (step == ProvisionStep::WaitingForConnection && m_applyState == ApplyState::Sending)
        setApplyState(ApplyState::Connecting);
    m_step = step;
    Q_EMIT stepChanged();
}

void DeviceSession::handleWifiStatus(const prov::WifiStatus &status)
{
    if (status.state == prov::WifiState::Connecting) {
        m_attemptsRemaining = status.attemptsRemaining.value_or(-1);
        setApplyState(ApplyState::Connecting);
    }
}

void DeviceSession::setFacts(const prov::DeviceInfo &info)
{
    m_info = info;
    qCInfo(lcWsSession).noquote() << m_entry.serviceName << "proto-ver" << info.protoVersion.provVersion
                                  << "Security" << info.secVer;
    Q_EMIT factsChanged();
}

// ---- read-only views

QStringList DeviceSession::stepNames() const
{
    return { tr("Read proto-ver"), tr("Handshake"), tr("Wi-Fi scan"), tr("Send credentials"), tr("Apply"),
        tr("Wait for connection") };
}

QList<int> DeviceSession::stepStates() const
{
    QList<int> out;
    out.reserve(m_stepStates.size());
    for (StepState s : m_stepStates)
        out << int(s);
    return out;
}

QString DeviceSession::stepName() const
{
    if (m_step == ProvisionStep::Idle || m_step == ProvisionStep::Done)
        return {};
    return capitalised(prov::provisionStepName(m_step));
}

double DeviceSession::progress() const
{
    int done = 0;
    for (StepState s : m_stepStates) {
        if (s == StepState::StepDone || s == StepState::StepSkipped)
            ++done;
    }
    return double(done) / kWorkflowSteps;
}

QString DeviceSession::provVersion() const
{
    return m_info ? m_info->protoVersion.provVersion : QString();
}

QString DeviceSession::firmwareVersion() const
{
    return m_info ? prov::AttemptRecorder::firmwareVersionOf(*m_info) : QString();
}

QString DeviceSession::attemptId() const
{
    return m_recorder->attemptId();
}

QStringList DeviceSession::capabilities() const
{
    return m_info ? m_info->protoVersion.capabilities : QStringList();
}

bool DeviceSession::canScan() const
{
    // Before connecting we do not know; a legacy (non-JSON) proto-ver cannot say, so we try.
    return !m_info || !m_info->protoVersion.isJson || m_info->protoVersion.canScanWifi();
}

QString DeviceSession::connectedBssid() const
{
    return ws::formatBssid(m_connected.bssid);
}

QString DeviceSession::connectedAuth() const
{
    return m_applyState == ApplyState::Connected ? ws::authWords(m_connected.authMode) : QString();
}

QString DeviceSession::address() const
{
    return m_entry.displayAddress();
}

QString DeviceSession::outcomeText() const
{
    if (!m_outcome)
        return {};
    switch (*m_outcome) {
    case prov::ProvisionOutcome::Connected:
        return tr("Connected");
    case prov::ProvisionOutcome::ConfirmedAfterReconnect:
        return tr("Connected (confirmed after the device closed the link)");
    case prov::ProvisionOutcome::AppliedLinkClosed:
        return tr("Applied — the device closed the link (normal for BLE)");
    case prov::ProvisionOutcome::Unconfirmed:
        return tr("Applied — the device closed the link; not confirmed");
    }
    return {};
}

QString DeviceSession::errorName() const
{
    return m_error ? prov::errorCodeName(m_error->code) : QString();
}

QString DeviceSession::customResponseText() const
{
    if (!m_customResponse)
        return {};
    QByteArray bytes = *m_customResponse;
    while (bytes.endsWith('\0'))
        bytes.chop(1); // the example handler sends "SUCCESS" plus its NUL (§9.5)
    return QString::fromUtf8(bytes);
}

QString DeviceSession::customResponseHex() const
{
    return m_customResponse ? QString::fromLatin1(m_customResponse->toHex(' ')) : QString();
}
