// SPDX-License-Identifier: Apache-2.0
// BLE devices by name or address: one scan for all of them (docs/provctl.md, BLE).
#include "blelookup.h"

#include "output.h"

#include "prov/blescanner.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTimer>

#include <algorithm>
#include <memory>

using namespace prov;

namespace provctl {

void lookUpBleDevices(const Options &o, std::function<void(QList<Target>, std::optional<Error>)> done)
{
    // BlueZ reports the devices it already knows at once, without RSSI ("cached"); a device that
    // is advertising shows up live within a few advertising intervals (160 ms on ESP-IDF, §7.1).
    // Wait that long for a live report before settling for a cached one.
    constexpr int kLiveGraceMs = 1000;
    auto *scanner = new BleScanner;
    // Exact names are matched below: let every device through (a late name arrives with an update).
    scanner->setNamePrefix(QString());
    scanner->setServiceUuids({});
    scanner->setDuration(o.scanTimeoutMs);
    auto targets = std::make_shared<QList<Target>>(o.targets);
    auto cached = std::make_shared<QSet<QString>>(); ///< labels matched only by a cached report so far
    auto clock = std::make_shared<QElapsedTimer>();
    auto grace = new QTimer(scanner);
    grace->setSingleShot(true);
    auto maybeStop = [scanner, targets, cached, clock, grace] {
        const bool allFound = std::all_of(targets->cbegin(), targets->cend(),
            [](const Target &t) { return !t.transport.bleAddress.isEmpty(); });
        if (!allFound)
            return;
        if (cached->isEmpty() || clock->elapsed() >= kLiveGraceMs)
            return scanner->stop();
        grace->start(int(kLiveGraceMs - clock->elapsed()));
    };
    QObject::connect(grace, &QTimer::timeout, scanner, [scanner] { scanner->stop(); });
    auto finish = [scanner, targets, done](std::optional<Error> error) {
        scanner->disconnect();
        scanner->deleteLater();
        done(*targets, error);
    };
    auto consider = [&o, targets, cached, maybeStop](const BleDeviceInfo &d) {
        for (Target &t : *targets) {
            const bool byAddress = t.byBleAddress && t.label.compare(d.address, Qt::CaseInsensitive) == 0;
            if (!byAddress && (d.name.isEmpty() || d.name != t.label))
                continue;
            if (!d.name.isEmpty())
                t.serviceName = d.name; // by address: the name may arrive with a later update
            const bool upgrade = cached->contains(t.label) && !d.cached;
            if (!t.transport.bleAddress.isEmpty() && !upgrade)
                continue;
            t.transport.bleAddress = d.address;
            t.rssiDbm = d.cached ? std::nullopt : std::optional<int>(d.rssi);
            t.transport.bleService = d.primaryServiceUuid();
            if (d.cached)
                cached->insert(t.label);
            else
                cached->remove(t.label);
            progress(o,
                QStringLiteral("found %1: %2 %3%4")
                    .arg(t.label, d.address,
                        d.cached ? QStringLiteral("(cached: not heard advertising yet)")
                                 : QStringLiteral("%1 dBm").arg(d.rssi),
                        d.name.isEmpty() || d.name == t.label ? QString() : QStringLiteral(" ") + d.name));
        }
        maybeStop();
    };
    QObject::connect(scanner, &BleScanner::deviceDiscovered, consider);
    QObject::connect(scanner, &BleScanner::deviceUpdated, consider);
    QObject::connect(scanner, &BleScanner::finished, [&o, targets, finish] {
        for (Target &t : *targets) {
            if (t.transport.bleAddress.isEmpty())
                t.lookupError = makeError(ErrorCode::ConnectFailed,
                    QStringLiteral("no BLE device %1 %2 was seen within %3 ms")
                        .arg(t.byBleAddress ? QStringLiteral("with address") : QStringLiteral("named"),
                            t.label)
                        .arg(o.scanTimeoutMs));
        }
        finish(std::nullopt);
    });
    QObject::connect(scanner, &BleScanner::errorOccurred, [finish](const Error &e) { finish(e); });
    progress(o,
        QStringLiteral("scanning for %1 (BLE, up to %2 ms)")
            .arg(o.labels().join(u", "))
            .arg(o.scanTimeoutMs));
    clock->start();
    scanner->start();
}

} // namespace provctl
