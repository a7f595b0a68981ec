// SPDX-License-Identifier: Apache-2.0
// SoftAP join benchmark (docs/performance.md, "SoftAP through NetworkManager"): libprov's SoftApLink and
// SoftApTransport against prov-sim's fake NetworkManager on a private dbus-daemon (the tests' fixture,
// tests/nm/nmsim.h). A plain executable: wall-clock times of whole operations. What it measures is the
// client's own cost (D-Bus round trips, signal handling, HTTP on loopback) plus the fake's fixed
// activation steps (--nm-step-delay, default here 0 ms); a real radio adds seconds (association,
// 4-way handshake, DHCP), which only docs/softap-hardware-checklist.md can measure.
//
//   bench_softap_join [--runs N] [--step-delay-ms MS]
//
// 1. join(): SoftApLink::join() called → joined (address and the device's from the lease).
// 2. leave(): SoftApLink::leave() called → the previous connection re-activated (its call answered).
// 3. A whole Security 0 device through SoftApTransport: join, proto-ver, handshake, SetConfig,
//    ApplyConfig, GetStatus until Connected (the device's simulated connect delay 0), leave.
#include "nmsim.h"

#include "prov/provisioner.h"
#include "prov/softap.h"
#include "prov/softaptransport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace prov;

namespace {

struct Stats
{
    double median = 0;
    double p95 = 0;
    double max = 0;
};

Stats stats(std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    if (ms.empty())
        return {};
    auto at = [&ms](
                  double q) { return ms[std::min(ms.size() - 1, size_t(q * double(ms.size() - 1) + 0.5))]; };
    return { at(0.5), at(0.95), ms.back() };
}

void print(const char *what, const Stats &s, size_t runs)
{
    std::printf("%-44s median %7.1f ms   p95 %7.1f ms   max %7.1f ms   (%zu runs)\n", what, s.median, s.p95,
        s.max, runs);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("prov.*.info=false"));
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption runsOption(QStringLiteral("runs"), QStringLiteral("Runs per measurement (20)."),
        QStringLiteral("n"), QStringLiteral("20"));
    const QCommandLineOption stepOption(QStringLiteral("step-delay-ms"),
        QStringLiteral("The fake's delay per activation step, ms (0)."), QStringLiteral("ms"),
        QStringLiteral("0"));
    parser.addOptions({ runsOption, stepOption });
    parser.process(app);
    const int runs = std::max(1, parser.value(runsOption).toInt());

    test::NmSim sim;
    if (!sim.startBus()) {
        std::fprintf(stderr, "bench_softap_join: %s\n", qPrintable(sim.error()));
        return 1;
    }
    const quint16 port = test::NmSim::freePort();
    // One device per whole-device run (a provisioned device does not take a second configuration).
    const QList<QJsonObject> devices = sim.startSim({ QStringLiteral("--devices"), QString::number(runs),
        QStringLiteral("--sec-ver"), QStringLiteral("0"), QStringLiteral("--connect-delay"),
        QStringLiteral("0"), QStringLiteral("--dhcp-delay"), QStringLiteral("0"),
        QStringLiteral("--no-auto-stop"), QStringLiteral("--softap-port"), QString::number(port),
        QStringLiteral("--nm-step-delay"), parser.value(stepOption) });
    if (devices.isEmpty()) {
        std::fprintf(stderr, "bench_softap_join: prov-sim --nm: %s\n", qPrintable(sim.error()));
        return 1;
    }

    std::vector<double> joins, leaves, whole;
    QElapsedTimer clock;
    SoftApLink link;
    SoftApJoinRequest request;
    request.ssid = devices.first().value(QStringLiteral("service_name")).toString().toUtf8();
    for (int i = 0; i < runs; ++i) {
        clock.start();
        const Result<SoftApJoinResult> joined = link.join(request)->waitForResult(30000);
        if (!joined) {
            std::fprintf(stderr, "bench_softap_join: join: %s\n", qPrintable(joined.error().toString()));
            return 1;
        }
        joins.push_back(double(clock.nsecsElapsed()) / 1e6);
        clock.start();
        if (const Result<void> left = link.leave()->waitForResult(30000); !left) {
            std::fprintf(stderr, "bench_softap_join: leave: %s\n", qPrintable(left.error().toString()));
            return 1;
        }
        leaves.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    for (const QJsonObject &device : devices) {
        request.ssid = device.value(QStringLiteral("service_name")).toString().toUtf8();
        clock.start();
        SoftApTransport transport(request, port);
        Provisioner provisioner(&transport);
        WifiCredentials network;
        network.ssid = "myssid";
        network.passphrase = "mypassword";
        const Result<ProvisionResult> r = provisioner.connectDevice()->waitForResult(30000)
            ? provisioner.provision(network)->waitForResult(30000)
            : Result<ProvisionResult>(makeError(ErrorCode::Internal, QStringLiteral("connect failed")));
        const Result<void> left = transport.leave()->waitForResult(30000);
        if (!r || !left) {
            std::fprintf(stderr, "bench_softap_join: provisioning: %s\n",
                qPrintable(!r ? r.error().toString() : left.error().toString()));
            return 1;
        }
        whole.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    std::printf(
        "fake NetworkManager step delay %s ms, %d runs each\n", qPrintable(parser.value(stepOption)), runs);
    print("join (AddAndActivate → address + gateway)", stats(joins), joins.size());
    print("leave (deactivate → previous re-activated)", stats(leaves), leaves.size());
    print("Security 0 device: join … Connected … leave", stats(whole), whole.size());
    sim.stop();
    return 0;
}
