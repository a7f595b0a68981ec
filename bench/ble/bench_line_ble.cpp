// SPDX-License-Identifier: Apache-2.0
// Line-mode benchmark (docs/performance.md "Line mode"): a tray over the fake BLE through the lane
// engine, with prov-sim's realistic timings (BLE connect 800 ms, 40 ms per GATT operation, Wi-Fi connect
// 2000 ms, DHCP 500 ms) on a private dbus-daemon, through the real Qt Bluetooth BlueZ D-Bus backend.
//
//   bench_line_ble [--devices N] [--lanes 1,4,8] [--fast-poll-ms MS] [--fast-window-ms MS]
//
// Prints, per lane count: wall time from the first offer to the batch's end, devices per hour, client
// CPU (user + system of this process) per device, and the ideal time (one device's time x
// ceil(N / lanes)) with the ratio to it. Every device must end Succeeded.
#include "privatebus.h"

#include "prov/bleconnectionlimit.h"
#include "prov/blescanner.h"
#include "prov/laneengine.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonObject>
#include <QTimer>

#include <sys/resource.h>

#include <cmath>
#include <cstdio>

using namespace prov;

namespace {

const QByteArray kPassword = "bench-line-pw";

double cpuMs()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return (double(u.ru_utime.tv_sec) + double(u.ru_stime.tv_sec)) * 1000.0
        + (double(u.ru_utime.tv_usec) + double(u.ru_stime.tv_usec)) / 1000.0;
}

ProductProfile profile()
{
    auto p = ProductProfile::fromJson(QByteArrayLiteral(R"({
      "schema": 1, "name": "Bench tray", "id": "bench", "version": "1",
      "match": {"service_name_prefix": "PROV_B", "transports": ["ble"], "min_rssi_dbm": -90},
      "security": {"min_sec_ver": 2, "credentials_from": "prompt"},
      "network": {"ssid": "benchnet", "auth_mode": "WPA2-PSK"},
      "after_apply": "wait_connected", "lanes": {"ble": 8, "softap": 1}
    })"));
    if (!p)
        qFatal("profile: %s", qPrintable(p.error().toString()));
    return *p;
}

struct Run
{
    qint64 wallMs = 0;
    double cpuMs = 0;
    int succeeded = 0;
};

/// Starts a fresh tray of `devices`, scans it into BlueZ's cache (outside the timing), then provisions it on
/// `lanes` lanes.
Run runTray(test::PrivateBus &bus, int devices, int lanes, const ProvisionOptions &polling)
{
    const QList<QJsonObject> sim = bus.startSim(
        { QStringLiteral("--devices"), QString::number(devices), QStringLiteral("--name-pattern"),
            QStringLiteral("PROV_B%03d"), QStringLiteral("--transport"), QStringLiteral("ble"),
            QStringLiteral("--realistic-timings"), QStringLiteral("--sec-ver"), QStringLiteral("2"),
            QStringLiteral("--sec2-pwd"), QString::fromLatin1(kPassword), QStringLiteral("--ap"),
            QStringLiteral("benchnet,benchpass,WPA2-PSK,6,-40"), QStringLiteral("--ble-scan-delay"),
            QStringLiteral("5"), QStringLiteral("--ble-advertise-interval"), QStringLiteral("100") });
    if (sim.size() != devices)
        qFatal("prov-sim: %s", qPrintable(bus.error()));
    QList<LineDevice> tray;
    {
        BleScanner scanner;
        scanner.setDuration(15000);
        QEventLoop loop;
        QObject::connect(&scanner, &BleScanner::deviceDiscovered, &loop, [&](const BleDeviceInfo &d) {
            tray.append(LineDevice::fromBleScan(d));
            if (tray.size() == devices)
                scanner.stop();
        });
        QObject::connect(&scanner, &BleScanner::finished, &loop, &QEventLoop::quit);
        scanner.start();
        loop.exec();
    }
    if (tray.size() != devices)
        qFatal("the scan saw %d of %d devices", int(tray.size()), devices);

    BleConnectionLimit limit(lanes);
    LaneEngine engine;
    engine.addJobKind(std::make_unique<EspJobKind>());
    BatchSettings settings;
    settings.profile = profile();
    settings.lanes = lanes;
    settings.secrets.passphrase = "benchpass";
    settings.secrets.credentials.password = kPassword;
    settings.transport.bleLimit = &limit;
    settings.transport.requestTimeoutMs = 10000;
    settings.provisionOptions = polling;
    QEventLoop loop;
    QObject::connect(&engine, &LaneEngine::batchEnded, &loop, &QEventLoop::quit);
    const double cpu0 = cpuMs();
    QElapsedTimer clock;
    clock.start();
    if (!engine.start(settings))
        qFatal("start failed");
    for (const LineDevice &d : tray) {
        if (Status s = engine.offer(d); !s)
            qFatal("offer: %s", qPrintable(s.error().toString()));
    }
    engine.finish();
    if (engine.state() != LineState::Finished)
        loop.exec();
    Run run;
    run.wallMs = clock.elapsed();
    run.cpuMs = cpuMs() - cpu0;
    run.succeeded = engine.counters().succeeded;
    bus.stopSim();
    return run;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    int devices = 48;
    QList<int> laneCounts = { 1, 4, 8 };
    ProvisionOptions polling; // the defaults: adaptive status polling
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == QLatin1String("--devices"))
            devices = args.at(i + 1).toInt();
        else if (args.at(i) == QLatin1String("--lanes")) {
            laneCounts.clear();
            for (const QString &n : args.at(i + 1).split(QLatin1Char(',')))
                laneCounts.append(n.toInt());
        } else if (args.at(i) == QLatin1String("--fast-poll-ms")) {
            polling.fastPollIntervalMs = args.at(i + 1).toInt();
        } else if (args.at(i) == QLatin1String("--fast-window-ms")) {
            polling.fastPollWindowMs = args.at(i + 1).toInt();
        }
    }
    test::PrivateBus bus;
    if (!bus.start())
        qFatal("dbus-daemon: %s", qPrintable(bus.error()));

    const Run single = runTray(bus, 1, 1, polling);
    std::printf("one device: %lld ms, client CPU %.1f ms\n", qint64(single.wallMs), single.cpuMs);
    std::printf("%-6s %10s %10s %12s %14s %12s %7s\n", "lanes", "wall ms", "ideal ms", "wall/ideal",
        "devices/hour", "CPU ms/dev", "ok");
    qint64 oneLane = 0;
    for (int lanes : laneCounts) {
        const Run r = runTray(bus, devices, lanes, polling);
        const qint64 ideal = single.wallMs * qint64(std::ceil(double(devices) / lanes));
        if (lanes == 1)
            oneLane = r.wallMs;
        std::printf("%-6d %10lld %10lld %12.2f %14.0f %12.1f %4d/%d", lanes, qint64(r.wallMs), ideal,
            double(r.wallMs) / double(ideal), double(r.succeeded) * 3600000.0 / double(r.wallMs),
            r.cpuMs / devices, r.succeeded, devices);
        if (oneLane > 0 && lanes > 1)
            std::printf("   speed-up vs 1 lane: %.2fx", double(oneLane) / double(r.wallMs));
        std::printf("\n");
        std::fflush(stdout);
    }
    bus.stop();
    return 0;
}
