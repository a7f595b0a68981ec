// SPDX-License-Identifier: Apache-2.0
// prov-config / prov-scan / prov-ctrl payloads <-> plain structs (docs/protocol.md §3.3, §3.4, §9, §10).
//
// Byte-exactness rests on proto3 rules as the C++ runtime applies them (§3): defaults are omitted,
// a oneof member that has been set is always written (even an empty message or an enum 0), and
// fields come out in field-number order, as protobuf-c and esp_prov emit them.
//
// Decoders check the envelope before looking at contents: the msg value is known, it is a request
// (or a response) as the caller expects, and the oneof member, when present, is the one that msg
// pairs with. Unknown fields are ignored, as protobuf-c, esp_prov and the phone libraries do, so
// that newer firmware stays readable.
#include "codec/networkcodec.h"

#include "core/logging.h"

#include "wifi_config.pb.h"
#include "wifi_ctrl.pb.h"
#include "wifi_scan.pb.h"

// LogSilencer lives here up to protobuf 21.x (3.21); later releases log through Abseil instead.
#if GOOGLE_PROTOBUF_VERSION < 4022000
#include <google/protobuf/stubs/logging.h>
#define PROV_HAVE_PROTOBUF_LOG_SILENCER 1
#endif

#include <algorithm>
#include <limits>
#include <optional>
#include <string>

namespace prov::codec {

namespace {

// Far above anything the device sends (a full scan page is < 1 KiB, HTTP bodies are capped at
// 4096 B in §6.2): anything larger is garbage, and the parser never sees it.
constexpr qsizetype kMaxMessageBytes = 8 * 1024;

// In every payload of §3.3, msg N pairs with oneof field number N + 10 (config and scan use
// 0..11 -> 10..21, ctrl 1..8 -> 11..18).
constexpr int kPayloadFieldOffset = 10;

enum class Role { Request, Response };

QString configMsgName(int msg)
{
    return QString::fromStdString(pb::NetworkConfigMsgType_Name(msg));
}
QString scanMsgName(int msg)
{
    return QString::fromStdString(pb::NetworkScanMsgType_Name(msg));
}
QString ctrlMsgName(int msg)
{
    return QString::fromStdString(pb::NetworkCtrlMsgType_Name(msg));
}

/// How one endpoint numbers its messages.
struct Endpoint
{
    const char *name;
    int firstMsg;
    int lastMsg;
    int requestParity; ///< msg % 2 of requests: 0 for config/scan, 1 for ctrl (0 is reserved there).
    QString (*msgName)(int);
};

constexpr Endpoint kConfig { "prov-config", 0, 11, 0, &configMsgName };
constexpr Endpoint kScan { "prov-scan", 0, 11, 0, &scanMsgName };
constexpr Endpoint kCtrl { "prov-ctrl", 1, 8, 1, &ctrlMsgName };

Error malformed(const Endpoint &ep, const QString &what)
{
    const QString detail = QStringLiteral("%1: %2").arg(QLatin1String(ep.name), what);
    qCDebug(lcProvCodec) << "rejected payload:" << detail;
    return makeError(ErrorCode::MalformedMessage, detail);
}

QString describeMsg(const Endpoint &ep, int msg)
{
    return QStringLiteral("msg %1 (%2)").arg(msg).arg(ep.msgName(msg));
}

template <typename Message>
std::optional<Error> parseInto(Message &message, const QByteArray &bytes, const Endpoint &ep)
{
    if (bytes.size() > kMaxMessageBytes)
        return malformed(
            ep, QStringLiteral("%1 bytes exceeds the %2-byte limit").arg(bytes.size()).arg(kMaxMessageBytes));
        // Hostile input (e.g. invalid UTF-8 in a proto3 `string`) makes libprotobuf print to stderr;
        // the failure is reported as MalformedMessage below, so its own log line is only noise.
#ifdef PROV_HAVE_PROTOBUF_LOG_SILENCER
    const google::protobuf::LogSilencer quiet;
#endif
    if (!message.ParseFromArray(bytes.constData(), int(bytes.size())))
        return malformed(ep,
            QStringLiteral("not a valid protobuf %1")
                .arg(QString::fromStdString(message.GetDescriptor()->name())));
    return std::nullopt;
}

std::optional<Error> checkMsg(const Endpoint &ep, int msg, Role role)
{
    if (msg < ep.firstMsg || msg > ep.lastMsg)
        return malformed(ep, QStringLiteral("unknown msg %1").arg(msg));
    const bool isRequest = (msg % 2) == ep.requestParity;
    if (role == Role::Request && !isRequest)
        return malformed(ep, describeMsg(ep, msg) + QStringLiteral(" is a response, expected a request"));
    if (role == Role::Response && isRequest)
        return malformed(ep, describeMsg(ep, msg) + QStringLiteral(" is a request, expected a response"));
    return std::nullopt;
}

/// `payloadCase` is the oneof field number set on the wire (0: none).
std::optional<Error> checkPayload(const Endpoint &ep, int msg, int payloadCase, bool required)
{
    const int expected = msg + kPayloadFieldOffset;
    if (payloadCase != 0 && payloadCase != expected)
        return malformed(ep,
            describeMsg(ep, msg)
                + QStringLiteral(" carries payload field %1 instead of field %2")
                      .arg(payloadCase)
                      .arg(expected));
    if (payloadCase == 0 && required)
        return malformed(ep,
            describeMsg(ep, msg)
                + QStringLiteral(" lacks its required sub-message (field %1)").arg(expected));
    return std::nullopt;
}

template <typename Payload>
std::optional<Error> checkEnvelope(const Endpoint &ep, const Payload &p, Role role, bool subRequired)
{
    if (auto err = checkMsg(ep, int(p.msg()), role))
        return err;
    return checkPayload(ep, int(p.msg()), int(p.payload_case()), subRequired);
}

template <typename Message> QByteArray serialize(const Message &message)
{
    const std::string out = message.SerializeAsString();
    return QByteArray(out.data(), qsizetype(out.size()));
}

QByteArray toBytes(const std::string &s)
{
    return QByteArray(s.data(), qsizetype(s.size()));
}

std::string toStd(const QByteArray &b)
{
    return std::string(b.constData(), size_t(b.size()));
}

/// §9.3: SSIDs (and Thread network names, §10) may carry padding NULs; esp_prov strips them too.
QByteArray stripTrailingNuls(QByteArray bytes)
{
    while (bytes.endsWith('\0'))
        bytes.chop(1);
    return bytes;
}

/// uint32 wire values that land in an `int` field: saturate instead of wrapping negative.
int toInt(quint32 value)
{
    return int(std::min<quint32>(value, quint32(std::numeric_limits<int>::max())));
}

quint32 toUint(int value)
{
    return quint32(std::max(0, value));
}

// ======================================================================= prov-config: requests

void fill(pb::NetworkConfigPayload &p, const GetWifiStatus &)
{
    p.set_msg(pb::TypeCmdGetWifiStatus);
    p.mutable_cmd_get_wifi_status();
}

void fill(pb::NetworkConfigPayload &p, const SetWifiConfig &r)
{
    p.set_msg(pb::TypeCmdSetWifiConfig);
    auto *cmd = p.mutable_cmd_set_wifi_config();
    cmd->set_ssid(toStd(r.credentials.ssid));
    cmd->set_passphrase(toStd(r.credentials.passphrase));
    cmd->set_bssid(toStd(r.credentials.bssid));
    cmd->set_channel(r.credentials.channel);
}

void fill(pb::NetworkConfigPayload &p, const ApplyWifiConfig &)
{
    // Bare msg (`0804`), exactly as esp_prov sends it; every firmware dispatches on msg alone (§3.3).
    p.set_msg(pb::TypeCmdApplyWifiConfig);
}

void fill(pb::NetworkConfigPayload &p, const GetThreadStatus &)
{
    p.set_msg(pb::TypeCmdGetThreadStatus);
    p.mutable_cmd_get_thread_status();
}

void fill(pb::NetworkConfigPayload &p, const SetThreadConfig &r)
{
    p.set_msg(pb::TypeCmdSetThreadConfig);
    p.mutable_cmd_set_thread_config()->set_dataset(toStd(r.dataset));
}

void fill(pb::NetworkConfigPayload &p, const ApplyThreadConfig &)
{
    p.set_msg(pb::TypeCmdApplyThreadConfig);
    p.mutable_cmd_apply_thread_config();
}

SetWifiConfig fromPb(const pb::CmdSetWifiConfig &cmd)
{
    // Raw bytes, no length checks: the device handler validates and answers InvalidArgument (§9.1).
    SetWifiConfig r;
    r.credentials.ssid = toBytes(cmd.ssid());
    r.credentials.passphrase = toBytes(cmd.passphrase());
    r.credentials.bssid = toBytes(cmd.bssid());
    r.credentials.channel = cmd.channel();
    return r;
}

ConfigRequest configRequestFromPb(const pb::NetworkConfigPayload &p)
{
    switch (int(p.msg())) {
    case pb::TypeCmdSetWifiConfig:
        return fromPb(p.cmd_set_wifi_config());
    case pb::TypeCmdApplyWifiConfig:
        return ApplyWifiConfig {};
    case pb::TypeCmdGetThreadStatus:
        return GetThreadStatus {};
    case pb::TypeCmdSetThreadConfig:
        return SetThreadConfig { toBytes(p.cmd_set_thread_config().dataset()) };
    case pb::TypeCmdApplyThreadConfig:
        return ApplyThreadConfig {};
    default:
        return GetWifiStatus {}; // TypeCmdGetWifiStatus: checkEnvelope() let only requests through
    }
}

// ====================================================================== prov-config: responses

void fillConnected(pb::WifiConnectedState &c, const WifiStatus &s)
{
    c.set_ip4_addr(s.ip4.toStdString());
    c.set_auth_mode(static_cast<pb::WifiAuthMode>(s.authMode));
    c.set_ssid(toStd(s.ssid));
    c.set_bssid(toStd(s.bssid));
    c.set_channel(s.channel);
}

void fill(pb::NetworkConfigPayload &p, const WifiStatusResponse &r)
{
    p.set_msg(pb::TypeRespGetWifiStatus);
    auto *resp = p.mutable_resp_get_wifi_status();
    resp->set_status(static_cast<pb::Status>(r.status));
    resp->set_wifi_sta_state(static_cast<pb::WifiStationState>(r.wifi.state));
    // The oneof follows the data given (§9.2): "Connecting" without attempt info leaves it unset, as
    // the device does (its C pointer is NULL); a fail reason is written even when it is AuthError(0).
    if (r.wifi.state == WifiState::Connected)
        fillConnected(*resp->mutable_wifi_connected(), r.wifi);
    else if (r.wifi.failReason)
        resp->set_wifi_fail_reason(static_cast<pb::WifiConnectFailedReason>(*r.wifi.failReason));
    else if (r.wifi.attemptsRemaining)
        resp->mutable_attempt_failed()->set_attempts_remaining(toUint(*r.wifi.attemptsRemaining));
}

void fill(pb::NetworkConfigPayload &p, const SetWifiConfigResponse &r)
{
    p.set_msg(pb::TypeRespSetWifiConfig);
    p.mutable_resp_set_wifi_config()->set_status(static_cast<pb::Status>(r.status));
}

void fill(pb::NetworkConfigPayload &p, const ApplyWifiConfigResponse &r)
{
    p.set_msg(pb::TypeRespApplyWifiConfig);
    p.mutable_resp_apply_wifi_config()->set_status(static_cast<pb::Status>(r.status));
}

void fill(pb::NetworkConfigPayload &p, const ThreadStatusResponse &r)
{
    p.set_msg(pb::TypeRespGetThreadStatus);
    auto *resp = p.mutable_resp_get_thread_status();
    resp->set_status(static_cast<pb::Status>(r.status));
    resp->set_thread_state(static_cast<pb::ThreadNetworkState>(r.thread.state));
    if (r.thread.state == ThreadState::Attached) {
        auto *a = resp->mutable_thread_attached();
        a->set_pan_id(r.thread.panId);
        a->set_ext_pan_id(toStd(r.thread.extPanId));
        a->set_channel(toUint(r.thread.channel));
        a->set_name(r.thread.name.toStdString());
    } else if (r.thread.failReason) {
        resp->set_thread_fail_reason(static_cast<pb::ThreadAttachFailedReason>(*r.thread.failReason));
    }
}

void fill(pb::NetworkConfigPayload &p, const SetThreadConfigResponse &r)
{
    p.set_msg(pb::TypeRespSetThreadConfig);
    p.mutable_resp_set_thread_config()->set_status(static_cast<pb::Status>(r.status));
}

void fill(pb::NetworkConfigPayload &p, const ApplyThreadConfigResponse &r)
{
    p.set_msg(pb::TypeRespApplyThreadConfig);
    p.mutable_resp_apply_thread_config()->set_status(static_cast<pb::Status>(r.status));
}

void copyConnected(WifiStatus &s, const pb::WifiConnectedState &c)
{
    s.ip4 = QString::fromStdString(c.ip4_addr());
    s.authMode = int(c.auth_mode()); // open enum: values > 7 are kept (§9.3 item 3)
    s.ssid = stripTrailingNuls(toBytes(c.ssid()));
    s.bssid = toBytes(c.bssid());
    s.channel = c.channel();
}

Result<WifiStatusResponse> fromPb(const pb::RespGetWifiStatus &r)
{
    const int state = int(r.wifi_sta_state());
    if (state < int(WifiState::Connected) || state > int(WifiState::ConnectionFailed))
        return malformed(kConfig, QStringLiteral("unknown wifi_sta_state %1").arg(state));
    WifiStatusResponse out;
    out.status = int(r.status());
    out.wifi.state = WifiState(state);
    switch (r.state_case()) {
    case pb::RespGetWifiStatus::kWifiFailReason:
        // Kept raw: a future reason still means "failed"; the caller maps unknown ones.
        out.wifi.failReason = WifiFailReason(int(r.wifi_fail_reason()));
        break;
    case pb::RespGetWifiStatus::kWifiConnected:
        copyConnected(out.wifi, r.wifi_connected());
        break;
    case pb::RespGetWifiStatus::kAttemptFailed:
        out.wifi.attemptsRemaining = toInt(r.attempt_failed().attempts_remaining());
        break;
    case pb::RespGetWifiStatus::STATE_NOT_SET:
        break;
    }
    return out;
}

Result<ThreadStatusResponse> fromPb(const pb::RespGetThreadStatus &r)
{
    const int state = int(r.thread_state());
    if (state < int(ThreadState::Attached) || state > int(ThreadState::AttachingFailed))
        return malformed(kConfig, QStringLiteral("unknown thread_state %1").arg(state));
    ThreadStatusResponse out;
    out.status = int(r.status());
    out.thread.state = ThreadState(state);
    if (r.has_thread_attached()) {
        const auto &a = r.thread_attached();
        out.thread.panId = a.pan_id();
        out.thread.extPanId = toBytes(a.ext_pan_id());
        out.thread.channel = toInt(a.channel());
        out.thread.name = QString::fromUtf8(stripTrailingNuls(toBytes(a.name())));
    } else if (r.state_case() == pb::RespGetThreadStatus::kThreadFailReason) {
        out.thread.failReason = ThreadFailReason(int(r.thread_fail_reason()));
    }
    return out;
}

template <typename T> Result<ConfigResponse> widen(Result<T> r)
{
    if (!r)
        return r.error();
    return ConfigResponse { std::move(r).value() };
}

Result<ConfigResponse> configResponseFromPb(const pb::NetworkConfigPayload &p)
{
    switch (int(p.msg())) {
    case pb::TypeRespGetWifiStatus:
        return widen(fromPb(p.resp_get_wifi_status()));
    case pb::TypeRespSetWifiConfig:
        return ConfigResponse { SetWifiConfigResponse { int(p.resp_set_wifi_config().status()) } };
    case pb::TypeRespApplyWifiConfig:
        return ConfigResponse { ApplyWifiConfigResponse { int(p.resp_apply_wifi_config().status()) } };
    case pb::TypeRespGetThreadStatus:
        return widen(fromPb(p.resp_get_thread_status()));
    case pb::TypeRespSetThreadConfig:
        return ConfigResponse { SetThreadConfigResponse { int(p.resp_set_thread_config().status()) } };
    default: // TypeRespApplyThreadConfig: checkEnvelope() let only responses through
        return ConfigResponse { ApplyThreadConfigResponse { int(p.resp_apply_thread_config().status()) } };
    }
}

// ========================================================================= prov-scan: requests

void fill(pb::NetworkScanPayload &p, const ScanWifiStart &r)
{
    p.set_msg(pb::TypeCmdScanWifiStart);
    auto *cmd = p.mutable_cmd_scan_wifi_start();
    cmd->set_blocking(r.blocking);
    cmd->set_passive(r.passive);
    cmd->set_group_channels(r.groupChannels);
    cmd->set_period_ms(r.periodMs);
}

void fill(pb::NetworkScanPayload &p, const ScanWifiStatus &)
{
    // Bare msg (`0802`), exactly as esp_prov sends it (shared/vectors); the device needs no payload.
    p.set_msg(pb::TypeCmdScanWifiStatus);
}

void fill(pb::NetworkScanPayload &p, const ScanWifiResult &r)
{
    p.set_msg(pb::TypeCmdScanWifiResult);
    auto *cmd = p.mutable_cmd_scan_wifi_result();
    cmd->set_start_index(r.startIndex);
    cmd->set_count(r.count);
}

void fill(pb::NetworkScanPayload &p, const ScanThreadStart &r)
{
    p.set_msg(pb::TypeCmdScanThreadStart);
    auto *cmd = p.mutable_cmd_scan_thread_start();
    cmd->set_blocking(r.blocking);
    cmd->set_channel_mask(r.channelMask);
}

void fill(pb::NetworkScanPayload &p, const ScanThreadStatus &)
{
    p.set_msg(pb::TypeCmdScanThreadStatus);
    p.mutable_cmd_scan_thread_status();
}

void fill(pb::NetworkScanPayload &p, const ScanThreadResult &r)
{
    p.set_msg(pb::TypeCmdScanThreadResult);
    auto *cmd = p.mutable_cmd_scan_thread_result();
    cmd->set_start_index(r.startIndex);
    cmd->set_count(r.count);
}

ScanRequest scanRequestFromPb(const pb::NetworkScanPayload &p)
{
    switch (int(p.msg())) {
    case pb::TypeCmdScanWifiStatus:
        return ScanWifiStatus {};
    case pb::TypeCmdScanWifiResult:
        return ScanWifiResult { p.cmd_scan_wifi_result().start_index(), p.cmd_scan_wifi_result().count() };
    case pb::TypeCmdScanThreadStart:
        return ScanThreadStart { p.cmd_scan_thread_start().blocking(),
            p.cmd_scan_thread_start().channel_mask() };
    case pb::TypeCmdScanThreadStatus:
        return ScanThreadStatus {};
    case pb::TypeCmdScanThreadResult:
        return ScanThreadResult { p.cmd_scan_thread_result().start_index(),
            p.cmd_scan_thread_result().count() };
    default: { // TypeCmdScanWifiStart: checkEnvelope() let only requests through
        const auto &c = p.cmd_scan_wifi_start();
        return ScanWifiStart { c.blocking(), c.passive(), c.group_channels(), c.period_ms() };
    }
    }
}

/// §3.3: scan-start and scan-result are rejected by network_provisioning 1.2.x without their
/// sub-message; the Thread equivalents go through the same handler code.
bool scanRequestNeedsPayload(int msg)
{
    return msg == pb::TypeCmdScanWifiStart || msg == pb::TypeCmdScanWifiResult
        || msg == pb::TypeCmdScanThreadStart || msg == pb::TypeCmdScanThreadResult;
}

// ======================================================================== prov-scan: responses

void fillEntry(pb::WiFiScanResult &e, const ScanEntry &s)
{
    e.set_ssid(toStd(s.ssid));
    e.set_channel(toUint(s.channel));
    e.set_rssi(s.rssi);
    e.set_bssid(toStd(s.bssid));
    e.set_auth(static_cast<pb::WifiAuthMode>(s.authMode));
}

void fillEntry(pb::ThreadScanResult &e, const ThreadScanEntry &s)
{
    e.set_pan_id(s.panId);
    e.set_channel(toUint(s.channel));
    e.set_rssi(s.rssi);
    e.set_lqi(toUint(s.lqi));
    e.set_ext_addr(toStd(s.extAddr));
    e.set_network_name(s.networkName.toStdString());
    e.set_ext_pan_id(toStd(s.extPanId));
}

void fill(pb::NetworkScanPayload &p, const ScanWifiStartResponse &r)
{
    p.set_msg(pb::TypeRespScanWifiStart);
    p.set_status(static_cast<pb::Status>(r.status));
    p.mutable_resp_scan_wifi_start();
}

void fill(pb::NetworkScanPayload &p, const ScanWifiStatusResponse &r)
{
    p.set_msg(pb::TypeRespScanWifiStatus);
    p.set_status(static_cast<pb::Status>(r.status));
    auto *resp = p.mutable_resp_scan_wifi_status();
    resp->set_scan_finished(r.finished);
    resp->set_result_count(r.resultCount);
}

void fill(pb::NetworkScanPayload &p, const ScanWifiResultResponse &r)
{
    p.set_msg(pb::TypeRespScanWifiResult);
    p.set_status(static_cast<pb::Status>(r.status));
    auto *resp = p.mutable_resp_scan_wifi_result();
    for (const ScanEntry &entry : r.entries)
        fillEntry(*resp->add_entries(), entry);
}

void fill(pb::NetworkScanPayload &p, const ScanThreadStartResponse &r)
{
    p.set_msg(pb::TypeRespScanThreadStart);
    p.set_status(static_cast<pb::Status>(r.status));
    p.mutable_resp_scan_thread_start();
}

void fill(pb::NetworkScanPayload &p, const ScanThreadStatusResponse &r)
{
    p.set_msg(pb::TypeRespScanThreadStatus);
    p.set_status(static_cast<pb::Status>(r.status));
    auto *resp = p.mutable_resp_scan_thread_status();
    resp->set_scan_finished(r.finished);
    resp->set_result_count(r.resultCount);
}

void fill(pb::NetworkScanPayload &p, const ScanThreadResultResponse &r)
{
    p.set_msg(pb::TypeRespScanThreadResult);
    p.set_status(static_cast<pb::Status>(r.status));
    auto *resp = p.mutable_resp_scan_thread_result();
    for (const ThreadScanEntry &entry : r.entries)
        fillEntry(*resp->add_entries(), entry);
}

ScanEntry fromPb(const pb::WiFiScanResult &e)
{
    ScanEntry s;
    s.ssid = stripTrailingNuls(toBytes(e.ssid()));
    s.channel = toInt(e.channel());
    s.rssi = e.rssi();
    s.bssid = toBytes(e.bssid());
    s.authMode = int(e.auth()); // open enum: values > 7 are kept (§9.3 item 3)
    return s;
}

ThreadScanEntry fromPb(const pb::ThreadScanResult &e)
{
    ThreadScanEntry s;
    s.panId = e.pan_id();
    s.channel = toInt(e.channel());
    s.rssi = e.rssi();
    s.lqi = toInt(e.lqi());
    s.extAddr = toBytes(e.ext_addr());
    s.networkName = QString::fromUtf8(stripTrailingNuls(toBytes(e.network_name())));
    s.extPanId = toBytes(e.ext_pan_id());
    return s;
}

template <typename Entry, typename Repeated> QList<Entry> entriesFromPb(const Repeated &entries)
{
    QList<Entry> out;
    out.reserve(entries.size());
    for (const auto &e : entries)
        out.append(fromPb(e));
    return out;
}

ScanResponse scanResponseFromPb(const pb::NetworkScanPayload &p)
{
    const int status = int(p.status());
    switch (int(p.msg())) {
    case pb::TypeRespScanWifiStart:
        return ScanWifiStartResponse { status };
    case pb::TypeRespScanWifiStatus:
        return ScanWifiStatusResponse { status, p.resp_scan_wifi_status().scan_finished(),
            p.resp_scan_wifi_status().result_count() };
    case pb::TypeRespScanWifiResult:
        return ScanWifiResultResponse { status,
            entriesFromPb<ScanEntry>(p.resp_scan_wifi_result().entries()) };
    case pb::TypeRespScanThreadStart:
        return ScanThreadStartResponse { status };
    case pb::TypeRespScanThreadStatus:
        return ScanThreadStatusResponse { status, p.resp_scan_thread_status().scan_finished(),
            p.resp_scan_thread_status().result_count() };
    default: // TypeRespScanThreadResult: checkEnvelope() let only responses through
        return ScanThreadResultResponse { status,
            entriesFromPb<ThreadScanEntry>(p.resp_scan_thread_result().entries()) };
    }
}

/// Scan and ctrl responses keep `status` at the top level (§3.3). A Success response must carry its
/// sub-message (the device always sets it); an error response without one is still meaningful.
bool responseNeedsPayload(int status)
{
    return status == pb::Success;
}

// ========================================================================== prov-ctrl

void setCtrlPayload(pb::NetworkCtrlPayload &p, int msg)
{
    p.set_msg(static_cast<pb::NetworkCtrlMsgType>(msg));
    // Always the sub-message (§3.3 "clients should always include it"; §3.4 `08015a00`).
    switch (msg) {
    case pb::TypeCmdCtrlWifiReset:
        p.mutable_cmd_ctrl_wifi_reset();
        break;
    case pb::TypeRespCtrlWifiReset:
        p.mutable_resp_ctrl_wifi_reset();
        break;
    case pb::TypeCmdCtrlWifiReprov:
        p.mutable_cmd_ctrl_wifi_reprov();
        break;
    case pb::TypeRespCtrlWifiReprov:
        p.mutable_resp_ctrl_wifi_reprov();
        break;
    case pb::TypeCmdCtrlThreadReset:
        p.mutable_cmd_ctrl_thread_reset();
        break;
    case pb::TypeRespCtrlThreadReset:
        p.mutable_resp_ctrl_thread_reset();
        break;
    case pb::TypeCmdCtrlThreadReprov:
        p.mutable_cmd_ctrl_thread_reprov();
        break;
    case pb::TypeRespCtrlThreadReprov:
        p.mutable_resp_ctrl_thread_reprov();
        break;
    default:
        break; // not a CtrlCommand: msg alone, the device will refuse it
    }
}

} // namespace

// ============================================================================ public functions

QByteArray encodeConfigRequest(const ConfigRequest &request)
{
    pb::NetworkConfigPayload p;
    std::visit([&p](const auto &r) { fill(p, r); }, request);
    return serialize(p);
}

Result<ConfigRequest> decodeConfigRequest(const QByteArray &bytes)
{
    pb::NetworkConfigPayload p;
    if (auto err = parseInto(p, bytes, kConfig))
        return *err;
    // §3.3: only the set-config handlers dereference their sub-message; the others use msg alone.
    const bool needsPayload = p.msg() == pb::TypeCmdSetWifiConfig || p.msg() == pb::TypeCmdSetThreadConfig;
    if (auto err = checkEnvelope(kConfig, p, Role::Request, needsPayload))
        return *err;
    return configRequestFromPb(p);
}

QByteArray encodeConfigResponse(const ConfigResponse &response)
{
    pb::NetworkConfigPayload p;
    std::visit([&p](const auto &r) { fill(p, r); }, response);
    return serialize(p);
}

Result<ConfigResponse> decodeConfigResponse(const QByteArray &bytes)
{
    pb::NetworkConfigPayload p;
    if (auto err = parseInto(p, bytes, kConfig))
        return *err;
    // Config responses carry `status` inside the sub-message (§3.3): without it there is no answer.
    if (auto err = checkEnvelope(kConfig, p, Role::Response, true))
        return *err;
    return configResponseFromPb(p);
}

QByteArray encodeScanRequest(const ScanRequest &request)
{
    pb::NetworkScanPayload p;
    std::visit([&p](const auto &r) { fill(p, r); }, request);
    return serialize(p);
}

Result<ScanRequest> decodeScanRequest(const QByteArray &bytes)
{
    pb::NetworkScanPayload p;
    if (auto err = parseInto(p, bytes, kScan))
        return *err;
    if (auto err = checkEnvelope(kScan, p, Role::Request, scanRequestNeedsPayload(int(p.msg()))))
        return *err;
    return scanRequestFromPb(p);
}

QByteArray encodeScanResponse(const ScanResponse &response)
{
    pb::NetworkScanPayload p;
    std::visit([&p](const auto &r) { fill(p, r); }, response);
    return serialize(p);
}

Result<ScanResponse> decodeScanResponse(const QByteArray &bytes)
{
    pb::NetworkScanPayload p;
    if (auto err = parseInto(p, bytes, kScan))
        return *err;
    if (auto err = checkEnvelope(kScan, p, Role::Response, responseNeedsPayload(int(p.status()))))
        return *err;
    return scanResponseFromPb(p);
}

QByteArray encodeCtrlRequest(const CtrlRequest &request)
{
    pb::NetworkCtrlPayload p;
    setCtrlPayload(p, int(request.command));
    return serialize(p);
}

Result<CtrlRequest> decodeCtrlRequest(const QByteArray &bytes)
{
    pb::NetworkCtrlPayload p;
    if (auto err = parseInto(p, bytes, kCtrl))
        return *err;
    // §3.3: the ctrl handler looks at msg only.
    if (auto err = checkEnvelope(kCtrl, p, Role::Request, false))
        return *err;
    return CtrlRequest { CtrlCommand(int(p.msg())) };
}

QByteArray encodeCtrlResponse(const CtrlResponse &response)
{
    pb::NetworkCtrlPayload p;
    setCtrlPayload(p, int(response.command) + 1); // response msg = request msg + 1 (§3)
    p.set_status(static_cast<pb::Status>(response.status));
    return serialize(p);
}

Result<CtrlResponse> decodeCtrlResponse(const QByteArray &bytes)
{
    pb::NetworkCtrlPayload p;
    if (auto err = parseInto(p, bytes, kCtrl))
        return *err;
    if (auto err = checkEnvelope(kCtrl, p, Role::Response, responseNeedsPayload(int(p.status()))))
        return *err;
    return CtrlResponse { CtrlCommand(int(p.msg()) - 1), int(p.status()) };
}

} // namespace prov::codec
