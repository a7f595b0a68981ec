// SPDX-License-Identifier: Apache-2.0
// provctl provision: Wi-Fi credentials to the device and its outcome (docs/protocol.md §9.1).
#include "commands.h"
#include "exitcodes.h"
#include "output.h"

using namespace prov;

namespace provctl {

void runProvision(Job &job)
{
    const Options &o = job.options();
    job.say(
        QStringLiteral("provisioning ssid \"%1\" (passphrase %2)")
            .arg(QString::fromUtf8(o.credentials.ssid),
                o.credentials.passphrase.isEmpty() ? QStringLiteral("none") : QStringLiteral("********")));
    job.await(job.provisioner().provision(o.credentials, o.provision), [&job](Result<ProvisionResult> r) {
        if (!r)
            return job.fail(r.error());
        job.result().insert(QStringLiteral("outcome"), provisionOutcomeName(r->outcome));
        job.result().insert(QStringLiteral("status"), statusJson(r->status));
        switch (r->outcome) {
        case ProvisionOutcome::Connected:
            job.say(QStringLiteral("[%1 ms] %2").arg(job.elapsedMs(), 5).arg(statusLine(r->status)));
            return job.succeed(statusLine(r->status));
        case ProvisionOutcome::ConfirmedAfterReconnect:
            job.say(
                QStringLiteral("[%1 ms] the device closed the link after Apply; confirmed on reconnect: %2")
                    .arg(job.elapsedMs(), 5)
                    .arg(statusLine(r->status)));
            return job.succeed(statusLine(r->status) + QStringLiteral(" (confirmed after reconnect)"));
        case ProvisionOutcome::AppliedLinkClosed:
            job.say(QStringLiteral("[%1 ms] applied; the device closed the link (not confirmed)")
                        .arg(job.elapsedMs(), 5));
            return job.succeed(QStringLiteral("applied, link closed by device"));
        case ProvisionOutcome::Unconfirmed: {
            const Error why = r->confirmationError.value_or(Error {});
            job.result().insert(
                QStringLiteral("confirmation_error"), errorJson(why, job.options().transport));
            return job.finishWith(Unconfirmed, false,
                QStringLiteral("applied, link closed by device; the Wi-Fi result could not be "
                               "confirmed: %1")
                    .arg(why.toString()));
        }
        }
    });
}

} // namespace provctl
