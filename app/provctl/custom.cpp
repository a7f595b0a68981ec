// SPDX-License-Identifier: Apache-2.0
// provctl custom: a request to an application endpoint (docs/protocol.md §9.5).
#include "commands.h"

#include <cstdio>

using namespace prov;

namespace provctl {

void runCustom(Job &job)
{
    const Options &o = job.options();
    job.await(job.provisioner().customRequest(o.endpoint, o.data), [&job](Result<QByteArray> response) {
        if (!response)
            return job.fail(response.error());
        QByteArray shown = *response;
        while (shown.endsWith('\0'))
            shown.chop(1); // example handlers append a NUL (§9.5)
        job.result().insert(QStringLiteral("response_hex"), QString::fromLatin1(response->toHex()));
        job.result().insert(QStringLiteral("response_text"), QString::fromUtf8(shown));
        if (!job.options().json && !job.isMulti())
            std::printf("%s\n", shown.constData());
        job.succeed(QString::fromUtf8(shown));
    });
}

} // namespace provctl
