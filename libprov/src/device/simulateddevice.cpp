// SPDX-License-Identifier: Apache-2.0
#include "prov/device.h"

#include "codec/networkcodec.h"
#include "codec/sessioncodec.h"
#include "core/logging.h"
#include "prov/qrpayload.h"

#include <QtEndian>

#include <algorithm>

namespace prov {

namespace {
const QString kProtoVer = QStringLiteral("proto-ver");
const QString kSession = QStringLiteral("prov-session");
const QString kConfig = QStringLiteral("prov-config");
const QString kScan = QStringLiteral("prov-scan");
const QString kCtrl = QStringLiteral("prov-ctrl");
constexpr int kStatusSuccess = 0;
constexpr int kStatusInvalidArgument = 4;
constexpr int kStatusInternalError = 5;
// CONFIG_*_SCAN_MAX_ENTRIES default (§9.3 item 4).
constexpr quint32 kScanMaxEntries = 16;
// Cleanup delay between reading Connected and provisioning stopping (§9.2).
constexpr int kStopDelayMs = 1000;
constexpr int kDefaultBootMs = 1500;

struct FaultName
{
    FaultKind kind;
    const char *name;
};
constexpr FaultName kFaultNames[] = {
    { FaultKind::DropResponse, "drop" },
    { FaultKind::Delay, "delay" },
    { FaultKind::CorruptCiphertext, "corrupt" },
    { FaultKind::CloseWithoutResponse, "close" },
    { FaultKind::WrongDeviceProof, "wrong-proof" },
    { FaultKind::Reboot, "reboot" },
    { FaultKind::NewCookie, "new-cookie" },
    { FaultKind::NeverConnect, "never-connect" },
};

DeviceReply refuse(const QString &why)
{
    DeviceReply r;
    r.action = DeviceReply::Action::Refuse;
    r.reason = why;
    return r;
}
} // namespace

Result<FaultSpec> parseFaultSpec(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char(':'));
    const QString head = parts.value(0).trimmed();
    const QString name = head.section(QLatin1Char('='), 0, 0);
    const QString arg = head.section(QLatin1Char('='), 1);
    FaultSpec spec;
    bool known = false;
    for (const auto &f : kFaultNames) {
        if (name == QLatin1String(f.name)) {
            spec.kind = f.kind;
            known = true;
        }
    }
    if (!known)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("unknown fault '%1'").arg(name));
    if (!arg.isEmpty()) {
        bool ok = false;
        spec.delayMs = arg.toInt(&ok);
        if (!ok || spec.delayMs < 0)
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("bad delay in fault '%1'").arg(text));
    } else if (spec.kind == FaultKind::Delay) {
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("fault 'delay' needs =MS"));
    } else if (spec.kind == FaultKind::Reboot) {
        spec.delayMs = kDefaultBootMs;
    }
    spec.endpoint = parts.value(1).trimmed();
    if (parts.size() > 2) {
        bool ok = false;
        spec.occurrence = parts.value(2).toInt(&ok);
        if (!ok || spec.occurrence < 0)
            return makeError(
                ErrorCode::InvalidArgument, QStringLiteral("bad occurrence in fault '%1'").arg(text));
    }
    if (parts.size() > 3)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("too many parts in fault '%1'").arg(text));
    return spec;
}

QString faultSpecToString(const FaultSpec &fault)
{
    QString name;
    for (const auto &f : kFaultNames) {
        if (f.kind == fault.kind)
            name = QLatin1String(f.name);
    }
    if (fault.kind == FaultKind::Delay || fault.kind == FaultKind::Reboot)
        name += QStringLiteral("=%1").arg(fault.delayMs);
    return QStringLiteral("%1:%2:%3").arg(name, fault.endpoint).arg(fault.occurrence);
}

/// The provisioning manager's state (§14 "State machine").
enum class ManagerState { Started, CredentialsReceived, Stopped };

struct SimulatedDevice::Private
{
    std::shared_ptr<RandomSource> rng;
    std::unique_ptr<DeviceSecurity> security;
    ManagerState state = ManagerState::Started;
    std::optional<WifiCredentials> stored; ///< SetConfig, consumed by Apply
    std::optional<WifiCredentials> applied; ///< what the station is joining
    QElapsedTimer sinceApply;
    QElapsedTimer sinceConnectedRead;
    bool connectedRead = false;
    QList<ScanEntry> scanResults;
    bool scanDone = false;
    QHash<QString, int> requestCounts;
};

Result<std::unique_ptr<SimulatedDevice>> SimulatedDevice::create(
    const DeviceConfig &config, std::shared_ptr<RandomSource> rng)
{
    if (config.secVer < 0 || config.secVer > 2)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("sec_ver must be 0, 1 or 2"));
    if (config.secVer == 2 && !config.verifier && (config.password.isEmpty() || config.username.isEmpty()))
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("Security 2 needs a username and password"));
    if (config.sec2PatchVer < 0 || config.sec2PatchVer > 1)
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("sec_patch_ver must be 0 or 1"));
    if (config.serviceName.isEmpty() || config.serviceName.toUtf8().size() > 28)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("service name must be 1..28 bytes (§7.1)"));
    std::unique_ptr<SimulatedDevice> device(new SimulatedDevice(config, std::move(rng)));
    auto &d = device->d;
    switch (config.secVer) {
    case 0:
        d->security = makeDeviceSecurity0();
        break;
    case 1:
        d->security = makeDeviceSecurity1(config.pop, d->rng);
        break;
    default: {
        Sec2Verifier verifier;
        if (config.verifier) {
            verifier = *config.verifier;
        } else {
            auto generated = generateSec2Verifier(config.username, config.password, 16, d->rng);
            if (!generated)
                return generated.error();
            verifier = *generated;
        }
        d->security = makeDeviceSecurity2(verifier, config.sec2PatchVer, d->rng);
        break;
    }
    }
    return device;
}

SimulatedDevice::SimulatedDevice(const DeviceConfig &config, std::shared_ptr<RandomSource> rng)
    : d(std::make_unique<Private>())
    , m_config(config)
{
    d->rng = std::move(rng);
    // Capabilities as the managers fill them (§2.2): no_sec for Security 0, else no_pop for a
    // Security 1 device without PoP; wifi_scan when scanning is offered.
    ProtoVersionSpec spec;
    spec.provVersion = config.provVersion;
    spec.secVer = config.secVer;
    spec.secPatchVer = config.announcePatchVer
        ? std::optional<int>(config.secVer == 2 ? config.sec2PatchVer : 0)
        : std::nullopt;
    spec.capabilities.clear();
    if (config.secVer == 0)
        spec.capabilities << QStringLiteral("no_sec");
    else if (config.secVer == 1 && config.pop.isEmpty())
        spec.capabilities << QStringLiteral("no_pop");
    if (config.wifiScan)
        spec.capabilities << QStringLiteral("wifi_scan");
    spec.apps = config.apps;
    m_protoVer = buildProtoVersion(spec);
}

SimulatedDevice::~SimulatedDevice() = default;

QStringList SimulatedDevice::endpoints() const
{
    QStringList list { kProtoVer, kSession, kConfig };
    if (m_config.wifiScan)
        list << kScan;
    list << kCtrl << m_config.customEndpoints;
    return list;
}

quint32 SimulatedDevice::newSessionId()
{
    return qFromLittleEndian<quint32>(d->rng->bytes(4).constData());
}

void SimulatedDevice::newTransportSession()
{
    d->security->resetSession();
}

void SimulatedDevice::reboot()
{
    Q_EMIT event(QStringLiteral("reboot"));
    d->security->resetSession();
    d->state = ManagerState::Started;
    d->stored.reset();
    d->applied.reset();
    d->connectedRead = false;
    d->scanResults.clear();
    d->scanDone = false;
}

bool SimulatedDevice::isStopped() const
{
    return m_config.autoStop && d->connectedRead && d->sinceConnectedRead.elapsed() >= kStopDelayMs;
}

QByteArray SimulatedDevice::qrPayload(TransportKind transport) const
{
    QrPayload qr;
    qr.name = m_config.serviceName;
    qr.transport = transportKindName(transport);
    if (m_config.secVer == 1)
        qr.pop = QString::fromUtf8(m_config.pop);
    if (m_config.secVer == 2) {
        qr.username = QString::fromUtf8(m_config.username);
        qr.pop = QString::fromUtf8(m_config.password);
    }
    qr.security = m_config.secVer;
    return toJson(qr);
}

// ---- the simulated station (§9.2)

namespace {
struct RadioOutcome
{
    WifiStatus status;
    bool terminal = false;
};

RadioOutcome radioState(
    const SimRadioConfig &radio, const WifiCredentials &creds, qint64 elapsedMs, bool neverConnect)
{
    RadioOutcome out;
    out.status.state = WifiState::Connecting;
    if (neverConnect)
        return out;
    const auto ap = std::find_if(radio.accessPoints.begin(), radio.accessPoints.end(),
        [&](const SimAccessPoint &a) { return a.ssid == creds.ssid; });
    std::optional<WifiFailReason> failure;
    if (ap == radio.accessPoints.end())
        failure = WifiFailReason::NetworkNotFound;
    else if (ap->authMode != int(AuthMode::Open) && ap->passphrase != creds.passphrase)
        failure = WifiFailReason::AuthError;

    const qint64 attemptMs = std::max(0, radio.connectDelayMs);
    if (failure) {
        const int budget = std::max(1, radio.maxAttempts);
        const qint64 attemptsDone = attemptMs == 0 ? budget : std::min<qint64>(budget, elapsedMs / attemptMs);
        if (attemptsDone >= budget) {
            out.status.state = WifiState::ConnectionFailed;
            out.status.failReason = failure;
            out.terminal = true;
        } else if (attemptsDone > 0 && radio.maxAttempts > 0) {
            out.status.attemptsRemaining = int(budget - attemptsDone);
        }
        return out;
    }
    if (elapsedMs < attemptMs + std::max(0, radio.dhcpDelayMs))
        return out;
    out.status.state = WifiState::Connected;
    out.status.ip4 = radio.ipAddress;
    out.status.ssid = ap->ssid;
    out.status.bssid = ap->bssid;
    out.status.channel = ap->channel;
    out.status.authMode = ap->authMode;
    out.terminal = true;
    return out;
}
} // namespace

std::optional<qint64> SimulatedDevice::wifiConnectedAtMs() const
{
    if (d->state == ManagerState::Started || !d->applied || !d->sinceApply.isValid())
        return std::nullopt;
    const qint64 reachedMs = qint64(std::max(0, m_config.radio.connectDelayMs))
        + std::max(0, m_config.radio.dhcpDelayMs);
    const RadioOutcome outcome = radioState(
        m_config.radio, *d->applied, reachedMs, hasFault(FaultKind::NeverConnect));
    if (outcome.status.state != WifiState::Connected)
        return std::nullopt;
    return d->sinceApply.msecsSinceReference() + reachedMs;
}

// ---- dispatch

DeviceReply SimulatedDevice::handle(const QString &endpoint, const QByteArray &request)
{
    if (isStopped())
        return refuse(QStringLiteral("provisioning has stopped"));
    if (!endpoints().contains(endpoint)) {
        DeviceReply r;
        r.action = DeviceReply::Action::NotFound;
        r.reason = QStringLiteral("no endpoint %1").arg(endpoint);
        return r;
    }
    if (request.isEmpty())
        return refuse(QStringLiteral("empty request"));

    // Which fault, if any, hits this request.
    std::optional<FaultSpec> fault;
    if (endpoint != kProtoVer) {
        for (const FaultSpec &f : m_config.faults) {
            // never-connect acts on the radio and wrong-proof on every completed handshake.
            if (f.kind == FaultKind::NeverConnect || f.kind == FaultKind::WrongDeviceProof
                || (!f.endpoint.isEmpty() && f.endpoint != endpoint))
                continue;
            const QString key = faultSpecToString(f);
            const int n = ++d->requestCounts[key];
            if (f.occurrence == 0 || f.occurrence == n)
                fault = f;
        }
    }
    if (fault && fault->kind == FaultKind::CloseWithoutResponse)
        return refuse(QStringLiteral("fault: close without response"));
    if (fault && fault->kind == FaultKind::Reboot) {
        reboot();
        DeviceReply r;
        r.action = DeviceReply::Action::Reboot;
        r.delayMs = fault->delayMs;
        r.reason = QStringLiteral("fault: reboot");
        return r;
    }

    DeviceReply reply;
    if (endpoint == kProtoVer) {
        reply.body = m_protoVer;
    } else if (endpoint == kSession) {
        Result<QByteArray> r = d->security->handleSession(request);
        if (!r)
            return refuse(r.error().toString());
        reply.body = *r;
        if (hasFault(FaultKind::WrongDeviceProof) && d->security->isEstablished())
            reply.body = corruptProof(reply.body);
    } else {
        if (!d->security->isEstablished())
            return refuse(QStringLiteral("request to %1 without a security session").arg(endpoint));
        Result<QByteArray> plain = d->security->decrypt(request);
        if (!plain)
            return refuse(plain.error().toString());
        Result<QByteArray> response = dispatch(endpoint, *plain);
        if (!response)
            return refuse(response.error().toString());
        Result<QByteArray> wire = d->security->encrypt(*response);
        if (!wire)
            return refuse(wire.error().toString());
        reply.body = *wire;
    }

    if (fault) {
        switch (fault->kind) {
        case FaultKind::DropResponse:
            reply.action = DeviceReply::Action::Drop;
            reply.reason = QStringLiteral("fault: drop response");
            break;
        case FaultKind::Delay:
            reply.delayMs = fault->delayMs;
            break;
        case FaultKind::CorruptCiphertext:
            if (!reply.body.isEmpty())
                reply.body[0] = char(reply.body.at(0) ^ 0x5a);
            break;
        case FaultKind::NewCookie:
            reply.newSession = true;
            break;
        default:
            break;
        }
    }
    return reply;
}

QByteArray SimulatedDevice::corruptProof(const QByteArray &sessionResponse) const
{
    auto decoded = codec::decodeSession(sessionResponse);
    if (!decoded)
        return sessionResponse;
    auto flip = [](QByteArray &b) {
        if (!b.isEmpty())
            b[b.size() - 1] = char(b.at(b.size() - 1) ^ 0x01);
    };
    if (auto *r1 = std::get_if<codec::Sec1Resp1>(&*decoded))
        flip(r1->deviceVerifyData);
    else if (auto *r2 = std::get_if<codec::Sec2Resp1>(&*decoded))
        flip(r2->deviceProof);
    else
        return sessionResponse;
    return codec::encodeSession(*decoded);
}

bool SimulatedDevice::hasFault(FaultKind kind) const
{
    return std::any_of(m_config.faults.begin(), m_config.faults.end(),
        [kind](const FaultSpec &f) { return f.kind == kind; });
}

Result<QByteArray> SimulatedDevice::dispatch(const QString &endpoint, const QByteArray &plaintext)
{
    if (endpoint == kConfig)
        return handleConfig(plaintext);
    if (endpoint == kScan)
        return handleScan(plaintext);
    if (endpoint == kCtrl)
        return handleCtrl(plaintext);
    // Custom endpoint: the example handler answers "SUCCESS" plus its NUL (§9.5).
    Q_EMIT event(QStringLiteral("%1: %2 bytes").arg(endpoint).arg(plaintext.size()));
    return QByteArray("SUCCESS", 8);
}

Result<QByteArray> SimulatedDevice::handleConfig(const QByteArray &plaintext)
{
    auto request = codec::decodeConfigRequest(plaintext);
    if (!request)
        return request.error();
    if (std::holds_alternative<codec::GetWifiStatus>(*request)) {
        codec::WifiStatusResponse resp;
        if (d->state == ManagerState::Started || !d->applied) {
            resp.wifi.state = WifiState::Disconnected;
        } else {
            const RadioOutcome outcome = radioState(
                m_config.radio, *d->applied, d->sinceApply.elapsed(), hasFault(FaultKind::NeverConnect));
            resp.wifi = outcome.status;
            if (outcome.status.state == WifiState::Connected && !d->connectedRead) {
                // Reading Connected ends provisioning after the cleanup delay (§9.2).
                d->connectedRead = true;
                d->sinceConnectedRead.start();
                Q_EMIT event(QStringLiteral("connected to %1").arg(QString::fromUtf8(d->applied->ssid)));
            }
        }
        return codec::encodeConfigResponse(resp);
    }
    if (const auto *set = std::get_if<codec::SetWifiConfig>(&*request)) {
        WifiCredentials creds = set->credentials;
        // The device copies the SSID up to its first NUL and the passphrase as a C string (§9.1).
        creds.ssid = creds.ssid.left(
            creds.ssid.indexOf('\0') < 0 ? creds.ssid.size() : creds.ssid.indexOf('\0'));
        int status = kStatusSuccess;
        if (creds.ssid.size() > 32 || creds.passphrase.size() > 63
            || (!creds.bssid.isEmpty() && creds.bssid.size() != 6))
            status = kStatusInvalidArgument;
        else if (d->state != ManagerState::Started)
            status = kStatusInternalError;
        else
            d->stored = creds;
        Q_EMIT event(
            QStringLiteral("SetConfig ssid=%1 status=%2").arg(QString::fromUtf8(creds.ssid)).arg(status));
        return codec::encodeConfigResponse(codec::SetWifiConfigResponse { status });
    }
    if (std::holds_alternative<codec::ApplyWifiConfig>(*request)) {
        int status = kStatusSuccess;
        if (d->state != ManagerState::Started || !d->stored) {
            status = kStatusInternalError; // Apply twice, or without SetConfig (§9.1 step 6)
        } else {
            d->applied = d->stored;
            d->stored.reset();
            d->state = ManagerState::CredentialsReceived;
            d->sinceApply.start();
        }
        Q_EMIT event(QStringLiteral("ApplyConfig status=%1").arg(status));
        if (const std::optional<qint64> at = wifiConnectedAtMs(); status == kStatusSuccess && at)
            Q_EMIT event(QStringLiteral("station reaches Connected at %1 ms (monotonic clock)").arg(*at));
        if (status == kStatusSuccess)
            Q_EMIT configApplied();
        return codec::encodeConfigResponse(codec::ApplyWifiConfigResponse { status });
    }
    // Thread requests on a Wi-Fi build: InvalidArgument (§10).
    if (std::holds_alternative<codec::GetThreadStatus>(*request)) {
        codec::ThreadStatusResponse resp;
        resp.status = kStatusInvalidArgument;
        return codec::encodeConfigResponse(resp);
    }
    if (std::holds_alternative<codec::SetThreadConfig>(*request))
        return codec::encodeConfigResponse(codec::SetThreadConfigResponse { kStatusInvalidArgument });
    return codec::encodeConfigResponse(codec::ApplyThreadConfigResponse { kStatusInvalidArgument });
}

Result<QByteArray> SimulatedDevice::handleScan(const QByteArray &plaintext)
{
    auto request = codec::decodeScanRequest(plaintext);
    if (!request)
        return request.error();
    if (std::holds_alternative<codec::ScanWifiStart>(*request)) {
        d->scanResults.clear();
        for (const SimAccessPoint &ap : m_config.radio.accessPoints)
            d->scanResults.append(ScanEntry { ap.ssid, ap.channel, ap.rssi, ap.bssid, ap.authMode });
        // Strongest first (§9.3 item 3), at most the configured maximum.
        std::stable_sort(d->scanResults.begin(), d->scanResults.end(),
            [](const ScanEntry &a, const ScanEntry &b) { return a.rssi > b.rssi; });
        d->scanResults = d->scanResults.mid(0, int(kScanMaxEntries));
        d->scanDone = true;
        return codec::encodeScanResponse(codec::ScanWifiStartResponse { kStatusSuccess });
    }
    if (std::holds_alternative<codec::ScanWifiStatus>(*request)) {
        return codec::encodeScanResponse(
            codec::ScanWifiStatusResponse { kStatusSuccess, d->scanDone, quint32(d->scanResults.size()) });
    }
    if (const auto *page = std::get_if<codec::ScanWifiResult>(&*request)) {
        // network_provisioning 1.2.x rejects requests beyond its table (§9.3 item 4).
        if (page->startIndex >= kScanMaxEntries || page->startIndex + page->count > kScanMaxEntries)
            return makeError(ErrorCode::InvalidArgument, QStringLiteral("scan result request out of range"));
        codec::ScanWifiResultResponse resp;
        resp.entries = d->scanResults.mid(int(page->startIndex), int(page->count));
        resp.status = resp.entries.size() < int(page->count) ? kStatusInternalError : kStatusSuccess;
        return codec::encodeScanResponse(resp);
    }
    // Thread scans on a Wi-Fi build (§10).
    if (std::holds_alternative<codec::ScanThreadStart>(*request))
        return codec::encodeScanResponse(codec::ScanThreadStartResponse { kStatusInvalidArgument });
    if (std::holds_alternative<codec::ScanThreadStatus>(*request))
        return codec::encodeScanResponse(
            codec::ScanThreadStatusResponse { kStatusInvalidArgument, false, 0 });
    return codec::encodeScanResponse(codec::ScanThreadResultResponse { kStatusInvalidArgument, {} });
}

Result<QByteArray> SimulatedDevice::handleCtrl(const QByteArray &plaintext)
{
    auto request = codec::decodeCtrlRequest(plaintext);
    if (!request)
        return request.error();
    codec::CtrlResponse resp { request->command, kStatusSuccess };
    const bool failed = d->state == ManagerState::CredentialsReceived && d->applied
        && radioState(m_config.radio, *d->applied, d->sinceApply.elapsed(), hasFault(FaultKind::NeverConnect))
                .status.state
            == WifiState::ConnectionFailed;
    switch (request->command) {
    case codec::CtrlCommand::WifiReset:
        // Allowed in the failure state; Success too when already reset (network_provisioning 1.2.1, §9.4).
        if (failed || d->state == ManagerState::Started) {
            d->state = ManagerState::Started;
            d->applied.reset();
            d->stored.reset();
        } else {
            resp.status = kStatusInternalError;
        }
        break;
    case codec::CtrlCommand::WifiReprov:
        if (m_config.autoStop) {
            resp.status = kStatusInternalError; // only when auto-stop is disabled (§9.4)
        } else {
            d->state = ManagerState::Started;
            d->applied.reset();
            d->stored.reset();
            d->connectedRead = false;
        }
        break;
    case codec::CtrlCommand::ThreadReset:
    case codec::CtrlCommand::ThreadReprov:
        resp.status = kStatusInvalidArgument;
        break;
    }
    Q_EMIT event(
        QStringLiteral("prov-ctrl command=%1 status=%2").arg(int(request->command)).arg(resp.status));
    return codec::encodeCtrlResponse(resp);
}

} // namespace prov
