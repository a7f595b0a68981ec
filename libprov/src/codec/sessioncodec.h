// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal: `SessionData` (prov-session) <-> plain structs. The only place besides networkcodec
// that sees protobuf-generated types (docs/architecture.md). Encoding follows proto3 rules exactly as
// upstream emits them (§3: defaults omitted, set oneof sub-messages always encoded).

#include "prov/error.h"

#include <QByteArray>

#include <variant>

namespace prov::codec {

/// `Status` numeric values (§3.1).
enum class WireStatus : int {
    Success = 0,
    InvalidSecScheme = 1,
    InvalidProto = 2,
    TooManySessions = 3,
    InvalidArgument = 4,
    InternalError = 5,
    CryptoError = 6,
    InvalidSession = 7,
};

struct Sec0Cmd
{
};
struct Sec0Resp
{
    int status = 0;
};
struct Sec1Cmd0
{
    QByteArray clientPubkey;
};
struct Sec1Resp0
{
    int status = 0;
    QByteArray devicePubkey;
    QByteArray deviceRandom;
};
struct Sec1Cmd1
{
    QByteArray clientVerifyData;
};
struct Sec1Resp1
{
    int status = 0;
    QByteArray deviceVerifyData;
};
struct Sec2Cmd0
{
    QByteArray clientUsername;
    QByteArray clientPubkey;
};
struct Sec2Resp0
{
    int status = 0;
    QByteArray devicePubkey;
    QByteArray deviceSalt;
};
struct Sec2Cmd1
{
    QByteArray clientProof;
};
struct Sec2Resp1
{
    int status = 0;
    QByteArray deviceProof;
    QByteArray deviceNonce;
};

using SessionMessage = std::variant<Sec0Cmd, Sec0Resp, Sec1Cmd0, Sec1Resp0, Sec1Cmd1, Sec1Resp1, Sec2Cmd0,
    Sec2Resp0, Sec2Cmd1, Sec2Resp1>;

/// Encodes a SessionData with sec_ver implied by the alternative. Byte-exact with upstream, e.g.
/// Sec0Cmd -> 5203a20100 (§4).
QByteArray encodeSession(const SessionMessage &message);

/// Decodes a SessionData. Errors: MalformedMessage (not protobuf, no proto oneof, `msg` not
/// matching the oneof member set), UnexpectedMessage is never produced here.
/// `secVerOut` receives the sec_ver field when non-null.
Result<SessionMessage> decodeSession(const QByteArray &bytes, int *secVerOut = nullptr);

} // namespace prov::codec
