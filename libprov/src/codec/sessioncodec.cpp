// SPDX-License-Identifier: Apache-2.0
#include "codec/sessioncodec.h"

#include "session.pb.h"

#include <string>

namespace prov::codec {

namespace {

/// No SessionData is anywhere near this (the largest, Security 2 Resp0, is ~420 bytes); anything
/// bigger is junk and is refused before protobuf allocates for it.
constexpr qsizetype kMaxSessionBytes = 8 * 1024;

std::string toStd(const QByteArray &bytes)
{
    return std::string(bytes.constData(), static_cast<size_t>(bytes.size()));
}

QByteArray fromStd(const std::string &bytes)
{
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

Error malformed(const QString &detail)
{
    return makeError(ErrorCode::MalformedMessage, detail);
}

// ---- encoding: one overload per alternative. Setting a oneof member through mutable_*() marks it
// present, so an empty sub-message is still encoded as tag + length 0 (§3, e.g. Sec0Cmd 5203a20100).

void fill(pb::SessionData &data, const Sec0Cmd &)
{
    data.set_sec_ver(pb::SecScheme0);
    auto *payload = data.mutable_sec0();
    payload->set_msg(pb::S0_Session_Command);
    payload->mutable_sc();
}

void fill(pb::SessionData &data, const Sec0Resp &m)
{
    data.set_sec_ver(pb::SecScheme0);
    auto *payload = data.mutable_sec0();
    payload->set_msg(pb::S0_Session_Response);
    payload->mutable_sr()->set_status(static_cast<pb::Status>(m.status));
}

void fill(pb::SessionData &data, const Sec1Cmd0 &m)
{
    data.set_sec_ver(pb::SecScheme1);
    auto *payload = data.mutable_sec1();
    payload->set_msg(pb::Session_Command0);
    payload->mutable_sc0()->set_client_pubkey(toStd(m.clientPubkey));
}

void fill(pb::SessionData &data, const Sec1Resp0 &m)
{
    data.set_sec_ver(pb::SecScheme1);
    auto *payload = data.mutable_sec1();
    payload->set_msg(pb::Session_Response0);
    auto *resp = payload->mutable_sr0();
    resp->set_status(static_cast<pb::Status>(m.status));
    resp->set_device_pubkey(toStd(m.devicePubkey));
    resp->set_device_random(toStd(m.deviceRandom));
}

void fill(pb::SessionData &data, const Sec1Cmd1 &m)
{
    data.set_sec_ver(pb::SecScheme1);
    auto *payload = data.mutable_sec1();
    payload->set_msg(pb::Session_Command1);
    payload->mutable_sc1()->set_client_verify_data(toStd(m.clientVerifyData));
}

void fill(pb::SessionData &data, const Sec1Resp1 &m)
{
    data.set_sec_ver(pb::SecScheme1);
    auto *payload = data.mutable_sec1();
    payload->set_msg(pb::Session_Response1);
    auto *resp = payload->mutable_sr1();
    resp->set_status(static_cast<pb::Status>(m.status));
    resp->set_device_verify_data(toStd(m.deviceVerifyData));
}

void fill(pb::SessionData &data, const Sec2Cmd0 &m)
{
    data.set_sec_ver(pb::SecScheme2);
    auto *payload = data.mutable_sec2();
    payload->set_msg(pb::S2Session_Command0);
    auto *cmd = payload->mutable_sc0();
    cmd->set_client_username(toStd(m.clientUsername));
    cmd->set_client_pubkey(toStd(m.clientPubkey));
}

void fill(pb::SessionData &data, const Sec2Resp0 &m)
{
    data.set_sec_ver(pb::SecScheme2);
    auto *payload = data.mutable_sec2();
    payload->set_msg(pb::S2Session_Response0);
    auto *resp = payload->mutable_sr0();
    resp->set_status(static_cast<pb::Status>(m.status));
    resp->set_device_pubkey(toStd(m.devicePubkey));
    resp->set_device_salt(toStd(m.deviceSalt));
}

void fill(pb::SessionData &data, const Sec2Cmd1 &m)
{
    data.set_sec_ver(pb::SecScheme2);
    auto *payload = data.mutable_sec2();
    payload->set_msg(pb::S2Session_Command1);
    payload->mutable_sc1()->set_client_proof(toStd(m.clientProof));
}

void fill(pb::SessionData &data, const Sec2Resp1 &m)
{
    data.set_sec_ver(pb::SecScheme2);
    auto *payload = data.mutable_sec2();
    payload->set_msg(pb::S2Session_Response1);
    auto *resp = payload->mutable_sr1();
    resp->set_status(static_cast<pb::Status>(m.status));
    resp->set_device_proof(toStd(m.deviceProof));
    resp->set_device_nonce(toStd(m.deviceNonce));
}

// ---- decoding: the `msg` field must name the oneof member that is set (upstream handlers switch
// on `msg` and then read the member, so a contradiction is a malformed message, not a new type).

Result<SessionMessage> checkMsg(int msg, int expected, const char *scheme, SessionMessage message)
{
    if (msg != expected)
        return malformed(QStringLiteral("%1 msg %2 contradicts its payload member (expected %3)")
                             .arg(QLatin1String(scheme))
                             .arg(msg)
                             .arg(expected));
    return message;
}

Result<SessionMessage> decodeSec0(const pb::Sec0Payload &p)
{
    switch (p.payload_case()) {
    case pb::Sec0Payload::kSc:
        return checkMsg(p.msg(), pb::S0_Session_Command, "sec0", Sec0Cmd {});
    case pb::Sec0Payload::kSr:
        return checkMsg(p.msg(), pb::S0_Session_Response, "sec0", Sec0Resp { p.sr().status() });
    case pb::Sec0Payload::PAYLOAD_NOT_SET:
        break;
    }
    return malformed(QStringLiteral("sec0 payload has no command/response member"));
}

Result<SessionMessage> decodeSec1(const pb::Sec1Payload &p)
{
    switch (p.payload_case()) {
    case pb::Sec1Payload::kSc0:
        return checkMsg(p.msg(), pb::Session_Command0, "sec1", Sec1Cmd0 { fromStd(p.sc0().client_pubkey()) });
    case pb::Sec1Payload::kSr0:
        return checkMsg(p.msg(), pb::Session_Response0, "sec1",
            Sec1Resp0 {
                p.sr0().status(), fromStd(p.sr0().device_pubkey()), fromStd(p.sr0().device_random()) });
    case pb::Sec1Payload::kSc1:
        return checkMsg(
            p.msg(), pb::Session_Command1, "sec1", Sec1Cmd1 { fromStd(p.sc1().client_verify_data()) });
    case pb::Sec1Payload::kSr1:
        return checkMsg(p.msg(), pb::Session_Response1, "sec1",
            Sec1Resp1 { p.sr1().status(), fromStd(p.sr1().device_verify_data()) });
    case pb::Sec1Payload::PAYLOAD_NOT_SET:
        break;
    }
    return malformed(QStringLiteral("sec1 payload has no command/response member"));
}

Result<SessionMessage> decodeSec2(const pb::Sec2Payload &p)
{
    switch (p.payload_case()) {
    case pb::Sec2Payload::kSc0:
        return checkMsg(p.msg(), pb::S2Session_Command0, "sec2",
            Sec2Cmd0 { fromStd(p.sc0().client_username()), fromStd(p.sc0().client_pubkey()) });
    case pb::Sec2Payload::kSr0:
        return checkMsg(p.msg(), pb::S2Session_Response0, "sec2",
            Sec2Resp0 { p.sr0().status(), fromStd(p.sr0().device_pubkey()), fromStd(p.sr0().device_salt()) });
    case pb::Sec2Payload::kSc1:
        return checkMsg(
            p.msg(), pb::S2Session_Command1, "sec2", Sec2Cmd1 { fromStd(p.sc1().client_proof()) });
    case pb::Sec2Payload::kSr1:
        return checkMsg(p.msg(), pb::S2Session_Response1, "sec2",
            Sec2Resp1 { p.sr1().status(), fromStd(p.sr1().device_proof()), fromStd(p.sr1().device_nonce()) });
    case pb::Sec2Payload::PAYLOAD_NOT_SET:
        break;
    }
    return malformed(QStringLiteral("sec2 payload has no command/response member"));
}

} // namespace

QByteArray encodeSession(const SessionMessage &message)
{
    pb::SessionData data;
    std::visit([&data](const auto &m) { fill(data, m); }, message);
    return fromStd(data.SerializeAsString());
}

Result<SessionMessage> decodeSession(const QByteArray &bytes, int *secVerOut)
{
    if (bytes.size() > kMaxSessionBytes)
        return malformed(QStringLiteral("SessionData of %1 bytes exceeds the %2-byte limit")
                             .arg(bytes.size())
                             .arg(kMaxSessionBytes));
    pb::SessionData data;
    if (!data.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size())))
        return malformed(QStringLiteral("not a SessionData protobuf (%1 bytes)").arg(bytes.size()));
    if (secVerOut != nullptr)
        *secVerOut = data.sec_ver();
    switch (data.proto_case()) {
    case pb::SessionData::kSec0:
        return decodeSec0(data.sec0());
    case pb::SessionData::kSec1:
        return decodeSec1(data.sec1());
    case pb::SessionData::kSec2:
        return decodeSec2(data.sec2());
    case pb::SessionData::PROTO_NOT_SET:
        break;
    }
    return malformed(QStringLiteral("SessionData carries no sec0/sec1/sec2 payload"));
}

} // namespace prov::codec
