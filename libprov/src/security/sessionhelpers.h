// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal helpers shared by security0/1/2.cpp: decoding a prov-session message for one scheme and
// mapping its envelope to errors. Header-only and small on purpose.

#include "codec/sessioncodec.h"
#include "prov/error.h"

#include <QByteArray>
#include <QString>

namespace prov::security {

/// Decodes a SessionData and checks that its `sec_ver` is `version`.
/// Errors: MalformedMessage (from the codec), UnexpectedMessage (another sec_ver).
inline Result<codec::SessionMessage> decodeFor(int version, const QByteArray &bytes)
{
    int secVer = -1;
    auto message = codec::decodeSession(bytes, &secVer);
    if (!message)
        return message.error();
    if (secVer != version)
        return makeError(ErrorCode::UnexpectedMessage,
            QStringLiteral("SessionData has sec_ver %1, expected %2").arg(secVer).arg(version));
    return message;
}

/// UnexpectedMessage naming the step that expected something else.
inline Error unexpected(const char *expected)
{
    return makeError(ErrorCode::UnexpectedMessage,
        QStringLiteral("unexpected prov-session message: expected %1").arg(QLatin1String(expected)));
}

/// A response `status` other than Success (§3.1): the device refused the step.
inline Error rejected(const char *step, int status)
{
    return makeError(ErrorCode::DeviceRejected,
        QStringLiteral("device answered %1 with status %2").arg(QLatin1String(step)).arg(status));
}

/// Size check for a received field: MalformedMessage naming field and sizes.
inline Status expectSize(const char *field, qsizetype actual, qsizetype expected)
{
    if (actual == expected)
        return {};
    return makeError(ErrorCode::MalformedMessage,
        QStringLiteral("%1 is %2 bytes, expected %3").arg(QLatin1String(field)).arg(actual).arg(expected));
}

} // namespace prov::security
