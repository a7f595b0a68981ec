// SPDX-License-Identifier: Apache-2.0
// provctl status, reset and reprov: the device's Wi-Fi state (docs/protocol.md §9.1) and prov-ctrl
// (§9.4).
#include "commands.h"
#include "output.h"

using namespace prov;

namespace provctl {

void runStatus(Job &job)
{
    job.await(job.provisioner().wifiStatus(), [&job](Result<WifiStatus> status) {
        if (!status)
            return job.fail(status.error());
        job.say(statusLine(*status));
        job.result().insert(QStringLiteral("status"), statusJson(*status));
        job.succeed(statusLine(*status));
    });
}

void runControl(Job &job)
{
    auto *op = job.options().command == Command::Reset ? job.provisioner().resetWifi()
                                                       : job.provisioner().reprovisionWifi();
    job.await(op, [&job](Result<void> done) {
        if (!done)
            return job.fail(done.error());
        const QString line = QStringLiteral("%1: done").arg(commandName(job.options().command));
        job.say(line);
        job.succeed(line);
    });
}

} // namespace provctl
