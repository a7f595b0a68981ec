// SPDX-License-Identifier: Apache-2.0
// Several devices at once: independent jobs, one exit code.
#include "jobrunner.h"

#include "blelookup.h"
#include "exitcodes.h"
#include "output.h"
#include "stopsignal.h"

#include "prov/bleconnectionlimit.h"

#include <QCoreApplication>
#include <QTimer>

#include <algorithm>
#include <optional>
#include <vector>

using namespace prov;

namespace provctl {

int runJobs(QCoreApplication &app, const Options &o, DeviceCommand command)
{
    const bool multi = o.targets.size() > 1;
    BleConnectionLimit limit(o.parallel);
    std::vector<std::unique_ptr<Job>> jobs;
    QList<int> exitCodes(o.targets.size(), -1);
    int next = 0;
    int running = 0;
    bool interrupted = false;
    // A SoftAP joined by SSID holds the station's one Wi-Fi interface: such devices go one at a time.
    const bool joins = std::any_of(
        o.targets.cbegin(), o.targets.cend(), [](const Target &t) { return t.joinsSoftAp(); });
    std::function<void()> startMore = [&] {
        // BLE: every job starts at once and BleConnectionLimit queues the connections (FIFO);
        // SoftAP: at most --parallel jobs run at a time (one when joining SoftAPs by SSID).
        const int cap = o.transport == TransportKind::Ble ? int(jobs.size()) : joins ? 1 : o.parallel;
        if (interrupted) {
            for (; next < int(jobs.size()); ++next)
                exitCodes[next] = Cancelled;
        }
        while (next < int(jobs.size()) && running < cap) {
            ++running;
            jobs.at(size_t(next++))->start();
        }
        if (running == 0 && next == int(jobs.size()))
            app.exit(0);
    };
    auto makeJobs = [&](const QList<Target> &targets) {
        for (int i = 0; i < targets.size(); ++i) {
            jobs.push_back(std::make_unique<Job>(o, targets.at(i), command, &limit, multi, [&, i](int code) {
                exitCodes[i] = code;
                --running;
                startMore();
            }));
        }
        startMore();
    };

    // Ctrl-C / SIGTERM while a SoftAP is joined: cancel, give the interface back, then exit (50).
    std::optional<StopSignal> stop;
    if (joins) {
        stop.emplace([&] {
            interrupted = true;
            progress(o, QStringLiteral("interrupted: cancelling and giving the Wi-Fi interface back"));
            for (int i = 0; i < next; ++i) {
                if (exitCodes.at(i) < 0)
                    jobs.at(size_t(i))->cancel();
            }
            startMore();
        });
    }
    if (o.transport == TransportKind::Ble) {
        lookUpBleDevices(o, [&](QList<Target> targets, std::optional<Error> error) {
            if (error) {
                for (Target &t : targets)
                    t.lookupError = error;
            }
            makeJobs(targets);
        });
    } else {
        QTimer::singleShot(0, [&] { makeJobs(o.targets); });
    }
    app.exec();
    stop.reset();
    jobs.clear();
    for (int code : std::as_const(exitCodes)) {
        if (code != Ok)
            return code < 0 ? InternalFailure : code;
    }
    return Ok;
}

} // namespace provctl
