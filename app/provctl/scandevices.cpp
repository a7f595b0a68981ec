// SPDX-License-Identifier: Apache-2.0
// provctl scan-devices: nearby BLE provisioning devices with their RSSI (docs/protocol.md §7.1), or the
// devices' SoftAPs that NetworkManager sees, with their strength in percent (§6.1).
#include "commands.h"
#include "exitcodes.h"
#include "output.h"

#include "prov/blescanner.h"
#include "prov/softap.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QSet>
#include <QTimer>

#include <cstdio>
#include <optional>

using namespace prov;

namespace provctl {

namespace {

/// SoftApScanner reports scanFinished() once its own scan timeout passed; this much more before
/// provctl stops waiting for it (a NetworkManager that never answers).
constexpr int kScanGraceMs = 5000;

QJsonObject accessPointJson(const SoftApInfo &ap)
{
    return { { QStringLiteral("ssid"), ap.ssid }, { QStringLiteral("bssid"), ap.bssid },
        { QStringLiteral("interface"), ap.interfaceName }, { QStringLiteral("channel"), ap.channel },
        { QStringLiteral("frequency_mhz"), ap.frequencyMhz },
        { QStringLiteral("strength_percent"), ap.strengthPercent },
        { QStringLiteral("security"), apSecurityName(ap.security) } };
}

/// --transport softap: the access points whose SSID matches (default prefix PROV_), from
/// NetworkManager on the system bus.
int scanSoftAp(QCoreApplication &app, const Options &o)
{
    SoftApScanner scanner;
    if (o.prefixSet)
        scanner.setSsidPatterns(o.prefix.isEmpty() ? QStringList() : QStringList { o.prefix });
    scanner.setInterfaceName(o.wifiInterfaces.value(0));
    scanner.setScanTimeoutMs(o.scanTimeoutMs);
    std::optional<Error> error;
    bool ended = false;
    QSet<QString> reported;
    QObject::connect(&scanner, &SoftApScanner::accessPointSeen, [&](const SoftApInfo &ap) {
        const QString key = ap.interfaceName + u'/' + ap.bssid;
        if (!reported.contains(key)) {
            reported.insert(key);
            progress(o,
                QStringLiteral("found %1 %2 on %3 (%4 %)")
                    .arg(ap.ssid, ap.bssid, ap.interfaceName)
                    .arg(ap.strengthPercent));
        }
    });
    QObject::connect(&scanner, &SoftApScanner::errorOccurred, [&](const Error &e) {
        if (!error)
            error = e;
    });
    int exitCode = Ok;
    auto finish = [&] {
        if (ended)
            return;
        ended = true;
        scanner.stop();
        QJsonArray list;
        const QList<SoftApInfo> aps = scanner.accessPoints();
        // PermissionDenied still lists what NetworkManager already knew; the other errors list nothing.
        if (!o.json && (aps.size() > 0 || !error))
            std::printf("%-32s %-17s %-10s %3s %9s %8s  %s\n", "SSID", "BSSID", "INTERFACE", "CH",
                "FREQUENCY", "STRENGTH", "SECURITY");
        for (const SoftApInfo &ap : aps) {
            list.append(accessPointJson(ap));
            if (!o.json)
                std::printf("%-32s %-17s %-10s %3d %5d MHz %6d %%  %s\n", qPrintable(ap.ssid),
                    qPrintable(ap.bssid), qPrintable(ap.interfaceName), ap.channel, ap.frequencyMhz,
                    ap.strengthPercent, qPrintable(apSecurityDisplayName(ap.security)));
        }
        QJsonObject result { { QStringLiteral("command"), commandName(o.command) },
            { QStringLiteral("transport"), transportKindName(TransportKind::SoftAp) },
            { QStringLiteral("devices"), list } };
        if (error) {
            exitCode = reportFailure(o, result, *error);
        } else {
            result.insert(QStringLiteral("ok"), true);
            if (o.json)
                printJson(result);
        }
        std::fflush(stdout);
        app.exit(0);
    };
    // Queued: an error reported inside start() must not end the loop before it runs.
    QObject::connect(&scanner, &SoftApScanner::scanFinished, &app, finish, Qt::QueuedConnection);
    QTimer::singleShot(o.scanTimeoutMs + kScanGraceMs, &app, finish);
    progress(o,
        QStringLiteral("scanning for SoftAP devices with NetworkManager on %1 (%2 ms)")
            .arg(o.wifiInterfaces.isEmpty() ? QStringLiteral("every Wi-Fi interface")
                                            : o.wifiInterfaces.value(0))
            .arg(o.scanTimeoutMs));
    QTimer::singleShot(0, &scanner, [&scanner] { scanner.start(); });
    app.exec();
    return exitCode;
}

} // namespace

int runScanDevices(QCoreApplication &app, const Options &o)
{
    if (o.transport == TransportKind::SoftAp)
        return scanSoftAp(app, o);
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
