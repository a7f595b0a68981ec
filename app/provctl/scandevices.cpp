// SPDX-License-Identifier: Apache-2.0
// provctl scan-devices: nearby BLE provisioning devices with their RSSI (docs/protocol.md §7.1).
#include "commands.h"
#include "exitcodes.h"
#include "output.h"

#include "prov/blescanner.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <cstdio>

using namespace prov;

namespace provctl {

int runScanDevices(QCoreApplication &app, const Options &o)
{
    BleScanner scanner;
    scanner.setNamePrefix(o.prefix);
    if (o.prefixSet)
        scanner.setServiceUuids({}); // an explicit prefix matches by name only; '' lists every device
    scanner.setDuration(o.scanTimeoutMs);
    int exitCode = Ok;
    QObject::connect(&scanner, &BleScanner::deviceDiscovered, [&o](const BleDeviceInfo &d) {
        progress(o,
            QStringLiteral("found %1 %2")
                .arg(d.address, d.name.isEmpty() ? QStringLiteral("(no name yet)") : d.name));
    });
    QObject::connect(&scanner, &BleScanner::finished, [&] {
        const QList<BleDeviceInfo> devices = scanner.devices();
        QJsonArray list;
        if (!o.json)
            std::printf("%-17s %8s  %-28s %s\n", "ADDRESS", "RSSI", "NAME", "");
        for (const BleDeviceInfo &d : devices) {
            QJsonArray uuids;
            for (const QUuid &u : d.serviceUuids)
                uuids.append(u.toString(QUuid::WithoutBraces));
            QJsonObject j { { QStringLiteral("address"), d.address }, { QStringLiteral("name"), d.name },
                { QStringLiteral("cached"), d.cached }, { QStringLiteral("service_uuids"), uuids } };
            j.insert(QStringLiteral("rssi_dbm"), d.cached ? QJsonValue() : QJsonValue(d.rssi));
            list.append(j);
            if (!o.json)
                std::printf("%-17s %8s  %-28s %s\n", qPrintable(d.address),
                    d.cached ? "-" : qPrintable(QStringLiteral("%1 dBm").arg(d.rssi)),
                    qPrintable(d.name.isEmpty() ? QStringLiteral("?") : d.name),
                    d.cached ? "cached (not advertising)" : "");
        }
        if (o.json)
            printJson({ { QStringLiteral("ok"), true }, { QStringLiteral("command"), commandName(o.command) },
                { QStringLiteral("devices"), list } });
        app.exit(0);
    });
    QObject::connect(&scanner, &BleScanner::errorOccurred, [&](const Error &e) {
        exitCode = reportFailure(o, { { QStringLiteral("command"), commandName(o.command) } }, e);
        app.exit(0);
    });
    progress(o, QStringLiteral("scanning for BLE devices (%1 ms)").arg(o.scanTimeoutMs));
    scanner.start();
    app.exec();
    return exitCode;
}

} // namespace provctl
