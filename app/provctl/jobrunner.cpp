// SPDX-License-Identifier: Apache-2.0
// Several devices at once: independent jobs, one exit code.
#include "jobrunner.h"

#include "blelookup.h"
#include "exitcodes.h"

#include "prov/bleconnectionlimit.h"

#include <QCoreApplication>
#include <QTimer>

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
    std::function<void()> startMore = [&] {
        // BLE: every job starts at once and BleConnectionLimit queues the connections (FIFO);
        // SoftAP: at most --parallel jobs run at a time.
        const int cap = o.transport == TransportKind::Ble ? int(jobs.size()) : o.parallel;
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
    jobs.clear();
    for (int code : std::as_const(exitCodes)) {
        if (code != Ok)
            return code < 0 ? InternalFailure : code;
    }
    return Ok;
}

} // namespace provctl
