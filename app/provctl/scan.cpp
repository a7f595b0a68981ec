// SPDX-License-Identifier: Apache-2.0
// provctl scan: the Wi-Fi networks the device sees (docs/protocol.md §9.3).
#include "commands.h"
#include "output.h"

#include <QJsonArray>

#include <cstdio>

using namespace prov;

namespace provctl {

void runScan(Job &job)
{
    job.await(job.provisioner().scanWifi(job.options().scan), [&job](Result<QList<ScanEntry>> entries) {
        if (!entries)
            return job.fail(entries.error());
        const bool table = !job.options().json;
        QJsonArray list;
        if (table)
            std::printf("%-32s %5s %4s  %-17s  %s\n", "SSID", "RSSI", "CH", "BSSID", "AUTH");
        for (const ScanEntry &e : std::as_const(*entries)) {
            list.append(QJsonObject { { QStringLiteral("ssid"), QString::fromUtf8(e.ssid) },
                { QStringLiteral("rssi_dbm"), e.rssi }, { QStringLiteral("channel"), e.channel },
                { QStringLiteral("bssid"), hex(e.bssid) },
                { QStringLiteral("auth_mode"), authModeName(e.authMode) } });
            if (table)
                std::printf("%-32s %5d %4d  %-17s  %s\n", e.ssid.constData(), e.rssi, e.channel,
                    qPrintable(hex(e.bssid)), qPrintable(authModeName(e.authMode)));
        }
        job.result().insert(QStringLiteral("networks"), list);
        job.succeed(QStringLiteral("%1 networks").arg(entries->size()));
    });
}

} // namespace provctl
