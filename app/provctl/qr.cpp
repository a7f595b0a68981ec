// SPDX-License-Identifier: Apache-2.0
// provctl qr: a provisioning QR payload (docs/protocol.md §11), printed with its secrets masked.
#include "commands.h"
#include "exitcodes.h"
#include "output.h"

#include "prov/qrpayload.h"

#include <cstdio>

using namespace prov;

namespace provctl {

int runQr(const Options &o)
{
    auto qr = parseQrPayload(o.qr);
    if (!qr)
        return reportFailure(o, { { QStringLiteral("command"), commandName(o.command) } }, qr.error());
    if (o.json) {
        QJsonObject j { { QStringLiteral("ok"), true }, { QStringLiteral("name"), qr->name },
            { QStringLiteral("transport"), qr->transport }, { QStringLiteral("username"), qr->username },
            { QStringLiteral("has_pop"), !qr->pop.isEmpty() }, { QStringLiteral("network"), qr->network } };
        if (qr->security)
            j.insert(QStringLiteral("security"), *qr->security);
        printJson(j);
    } else {
        std::printf("%s\n", qPrintable(qr->describeMasked()));
    }
    return Ok;
}

} // namespace provctl
