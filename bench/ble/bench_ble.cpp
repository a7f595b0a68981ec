// SPDX-License-Identifier: Apache-2.0
// BLE provisioning benchmark (bench/ble/RESULTS.md): BleTransport + Provisioner against prov-sim's
// fake org.bluez on a private dbus-daemon, through the real Qt Bluetooth BlueZ D-Bus backend.
//
//   bench_ble [--rounds N] [--devices N] [--connect-delay MS] [--op-delay MS]
//
// Measures, with the fake radio's delays as given (defaults = prov-sim's defaults):
//  1. one device: scan excluded, connect + proto-ver + Security 2 handshake + SetConfig + Apply +
//     GetStatus until Connected + disconnect;
//  2. N devices in sequence vs N in parallel (each its own transport and Provisioner), and the
//     speedup;
//  3. the same parallel run with the controllers on worker threads (default) and on the caller's
//     thread: wall time and how long the caller's event loop was blocked (max and total of the
//     gaps > 2 ms of a 1 ms timer) — the cost of Qt's blocking D-Bus calls (docs/ble-testing.md §4.3);
//  4. the whole provctl process: `provctl provision --transport ble` with N --service-name,
//     --parallel N vs --parallel 1 (scan for the names included).
// Every provisioning must end Connected; prov-sim is restarted for every round (fresh devices),
// outside the timed region.

#include "prov/bleconnectionlimit.h"
#include "prov/blescanner.h"
#include "prov/bletransport.h"
#include "prov/provisioner.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <vector>

using namespace prov;

namespace {

const QByteArray kPassword = "bench-pw";

struct Fixture
{
    QTemporaryDir dir;
    QProcess daemon;
    QProcess sim;
    QString address;
    QStringList simArgs;

    ~Fixture()
    {
        for (QProcess *p : { &sim, &daemon }) {
            if (p->state() != QProcess::NotRunning) {
                p->kill(); // this PID only
                p->waitForFinished(3000);
            }
        }
    }

    bool startBus()
    {
        QFile config(dir.filePath(QStringLiteral("bus.conf")));
        if (!config.open(QIODevice::WriteOnly))
            return false;
        config.write(QStringLiteral(
            "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN\"\n"
            " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
            "<busconfig><type>session</type><listen>unix:tmpdir=%1</listen>"
            "<auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\"/>"
            "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy></busconfig>\n")
                         .arg(dir.path())
                         .toUtf8());
        config.close();
        daemon.start(QStringLiteral("dbus-daemon"),
            { QStringLiteral("--config-file=") + config.fileName(), QStringLiteral("--nofork"),
                QStringLiteral("--print-address=1") });
        if (!daemon.waitForStarted(5000) || !daemon.waitForReadyRead(5000))
            return false;
        address = QString::fromUtf8(daemon.readLine()).trimmed();
        qputenv("DBUS_SYSTEM_BUS_ADDRESS", address.toUtf8());
        return !address.isEmpty();
    }

    QStringList names; ///< service names of the last startSim()

    /// (Re)starts prov-sim with @p devices fresh devices; their BLE addresses.
    QStringList startSim(int devices)
    {
        if (sim.state() != QProcess::NotRunning) {
            sim.kill();
            sim.waitForFinished(3000);
        }
        sim.start(QStringLiteral(PROV_SIM_PATH),
            QStringList { QStringLiteral("--ble"), QStringLiteral("--bus"), address,
                QStringLiteral("--devices"), QString::number(devices), QStringLiteral("--sec-ver"),
                QStringLiteral("2"), QStringLiteral("--sec2-pwd"), QString::fromLatin1(kPassword) }
                + simArgs);
        QStringList addresses;
        names.clear();
        const QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired() && sim.state() != QProcess::NotRunning) {
            if (!sim.canReadLine()) {
                sim.waitForReadyRead(100);
                continue;
            }
            const QJsonObject line = QJsonDocument::fromJson(sim.readLine()).object();
            if (line.value(QStringLiteral("ready")).toBool())
                return addresses;
            addresses.append(line.value(QStringLiteral("address")).toString());
            names.append(line.value(QStringLiteral("service_name")).toString());
        }
        return {};
    }
};

/// Scans until all @p addresses are in BlueZ's (the fake's) cache. Not timed.
bool scan(const QStringList &addresses)
{
    BleScanner scanner;
    scanner.setNamePrefix(QString());
    scanner.setServiceUuids({});
    scanner.setDuration(5000);
    QSet<QString> seen;
    QEventLoop loop;
    QObject::connect(&scanner, &BleScanner::deviceDiscovered, [&](const BleDeviceInfo &d) {
        seen.insert(d.address);
        if (seen.size() >= addresses.size())
            scanner.stop();
    });
    QObject::connect(&scanner, &BleScanner::finished, &loop, &QEventLoop::quit);
    QObject::connect(&scanner, &BleScanner::errorOccurred, &loop, &QEventLoop::quit);
    scanner.start();
    loop.exec();
    return seen.size() >= addresses.size();
}

/// One device's provisioning, end to end (ends with the link closed).
class Run
{
public:
    Run(const QString &address, BleConnectionLimit *limit, BleTransport::Threading threading,
        std::function<void(bool)> done)
        : m_transport(address, QUuid(), limit)
        , m_provisioner(&m_transport)
        , m_done(std::move(done))
    {
        m_transport.setThreading(threading);
        SecurityOptions sec;
        sec.username = "wifiprov";
        sec.password = kPassword;
        m_provisioner.setSecurityOptions(sec);
    }

    void start()
    {
        auto *connectOp = m_provisioner.connectDevice();
        QObject::connect(connectOp, &PendingOperation::finished, [this, connectOp] {
            if (!connectOp->result())
                return finish(false);
            WifiCredentials creds;
            creds.ssid = "myssid";
            creds.passphrase = "mypassword";
            ProvisionOptions options;
            options.firstPollDelayMs = 0;
            options.pollIntervalMs = 20;
            options.fastPollIntervalMs = 20;
            auto *op = m_provisioner.provisionWifi(creds, options);
            QObject::connect(op, &PendingOperation::finished, [this, op] {
                const auto r = op->result();
                finish(r && r->state == WifiState::Connected);
            });
        });
    }

private:
    void finish(bool ok)
    {
        // Close the link and wait for BlueZ to confirm, as a production caller would.
        QTimer::singleShot(0, [this, ok] {
            if (m_transport.linkState() == BleTransport::LinkState::Closed)
                return m_done(ok);
            QObject::connect(
                &m_transport, &BleTransport::linkStateChanged, [this, ok](BleTransport::LinkState s) {
                    if (s == BleTransport::LinkState::Closed)
                        m_done(ok);
                });
            m_transport.disconnectFromDevice();
        });
    }

    BleTransport m_transport;
    Provisioner m_provisioner;
    std::function<void(bool)> m_done;
};

struct Timing
{
    double wallMs = 0;
    double maxStallMs = 0;
    double blockedMs = 0; ///< sum of the event-loop gaps above 2 ms
    bool ok = true;
};

/// Provisions @p addresses, @p parallel at a time, timing the whole batch and the event loop.
Timing provision(const QStringList &addresses, bool parallel, BleTransport::Threading threading)
{
    BleConnectionLimit limit(parallel ? int(addresses.size()) : 1);
    std::vector<std::unique_ptr<Run>> runs;
    int finished = 0;
    Timing t;
    QEventLoop loop;
    QElapsedTimer clock;
    QElapsedTimer tick;
    QTimer watch;
    watch.setTimerType(Qt::PreciseTimer);
    watch.setInterval(1);
    QObject::connect(&watch, &QTimer::timeout, [&] {
        const double gap = double(tick.nsecsElapsed()) / 1e6 - 1.0;
        tick.restart();
        t.maxStallMs = std::max(t.maxStallMs, gap);
        if (gap > 2.0)
            t.blockedMs += gap;
    });
    std::function<void(int)> startAt;
    auto onDone = [&](bool ok) {
        t.ok = t.ok && ok;
        ++finished;
        if (finished == addresses.size())
            return loop.quit();
        if (!parallel)
            QTimer::singleShot(0, [&, finished] { startAt(finished); });
    };
    for (const QString &a : addresses)
        runs.push_back(std::make_unique<Run>(a, &limit, threading, onDone));
    startAt = [&](int i) { runs.at(size_t(i))->start(); };
    clock.start();
    tick.start();
    watch.start();
    if (parallel) {
        for (int i = 0; i < addresses.size(); ++i)
            startAt(i);
    } else {
        startAt(0);
    }
    QTimer::singleShot(60000, &loop, [&] {
        t.ok = false;
        loop.quit();
    });
    loop.exec();
    t.wallMs = double(clock.nsecsElapsed()) / 1e6;
    watch.stop();
    runs.clear();
    return t;
}

/// Wall time of one `provctl provision --transport ble` over @p names (exit code must be 0).
std::optional<double> provctlRun(const QStringList &names, int parallel)
{
    QStringList args { QStringLiteral("provision"), QStringLiteral("--transport"), QStringLiteral("ble"),
        QStringLiteral("--sec2-username"), QStringLiteral("wifiprov"), QStringLiteral("--sec2-pwd"),
        QString::fromLatin1(kPassword), QStringLiteral("--ssid"), QStringLiteral("myssid"),
        QStringLiteral("--passphrase"), QStringLiteral("mypassword"), QStringLiteral("--poll-interval"),
        QStringLiteral("20"), QStringLiteral("--parallel"), QString::number(parallel),
        QStringLiteral("--json"), QStringLiteral("--quiet") };
    for (const QString &n : names)
        args << QStringLiteral("--service-name") << n;
    QProcess p;
    QElapsedTimer clock;
    clock.start();
    p.start(QStringLiteral(PROV_CTL_PATH), args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return std::nullopt;
    return double(clock.nsecsElapsed()) / 1e6;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : (v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2);
}

QString range(const std::vector<double> &v)
{
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    return QStringLiteral("median %1 (min %2, max %3)")
        .arg(median(v), 0, 'f', 1)
        .arg(v.empty() ? 0 : *lo, 0, 'f', 1)
        .arg(v.empty() ? 0 : *hi, 0, 'f', 1);
}

} // namespace

int main(int argc, char *argv[])
{
    Fixture fixture; // its processes outlive the application object
    QCoreApplication app(argc, argv);
    int rounds = 5;
    int devices = 8;
    QString connectDelay = QStringLiteral("30");
    QString opDelay = QStringLiteral("5");
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args.at(i) == QLatin1String("--rounds"))
            rounds = std::max(1, args.at(i + 1).toInt());
        else if (args.at(i) == QLatin1String("--devices"))
            devices = std::max(2, args.at(i + 1).toInt());
        else if (args.at(i) == QLatin1String("--connect-delay"))
            connectDelay = args.at(i + 1);
        else if (args.at(i) == QLatin1String("--op-delay"))
            opDelay = args.at(i + 1);
    }
    // The simulated station joins at once: what is measured is the BLE and protocol path.
    fixture.simArgs = { QStringLiteral("--connect-delay"), QStringLiteral("0"),
        QStringLiteral("--dhcp-delay"), QStringLiteral("0"), QStringLiteral("--ble-connect-delay"),
        connectDelay, QStringLiteral("--ble-op-delay"), opDelay };
    if (!fixture.dir.isValid() || !fixture.startBus()) {
        std::fprintf(stderr, "bench_ble: cannot start dbus-daemon\n");
        return 1;
    }
    std::printf("fake radio: connect %s ms, GATT op %s ms, scan 20 ms, advertising 500 ms; Wi-Fi join 0 ms\n",
        qPrintable(connectDelay), qPrintable(opDelay));

    auto round = [&](int n, bool parallel, BleTransport::Threading threading) -> std::optional<Timing> {
        const QStringList addresses = fixture.startSim(n);
        if (addresses.size() != n || !scan(addresses))
            return std::nullopt;
        Timing t = provision(addresses, parallel, threading);
        return t.ok ? std::optional<Timing>(t) : std::nullopt;
    };
    // Warm-up: Qt's one-off bluetoothd version probe, first D-Bus connections.
    if (!round(1, false, BleTransport::Threading::WorkerThread)) {
        std::fprintf(stderr, "bench_ble: warm-up provisioning failed\n");
        return 1;
    }

    std::vector<double> single;
    std::vector<double> sequential;
    std::vector<double> parallel;
    std::vector<double> parallelStall;
    std::vector<double> parallelBlocked;
    std::vector<double> caller;
    std::vector<double> callerStall;
    std::vector<double> callerBlocked;
    for (int r = 0; r < rounds; ++r) {
        for (int k = 0; k < 2; ++k) {
            auto one = round(1, false, BleTransport::Threading::WorkerThread);
            if (!one)
                return std::fprintf(stderr, "bench_ble: single provisioning failed\n"), 1;
            single.push_back(one->wallMs);
        }
        auto seq = round(devices, false, BleTransport::Threading::WorkerThread);
        auto par = round(devices, true, BleTransport::Threading::WorkerThread);
        auto cal = round(devices, true, BleTransport::Threading::CallerThread);
        if (!seq || !par || !cal)
            return std::fprintf(stderr, "bench_ble: a batch failed\n"), 1;
        sequential.push_back(seq->wallMs);
        parallel.push_back(par->wallMs);
        parallelStall.push_back(par->maxStallMs);
        parallelBlocked.push_back(par->blockedMs);
        caller.push_back(cal->wallMs);
        callerStall.push_back(cal->maxStallMs);
        callerBlocked.push_back(cal->blockedMs);
        std::fprintf(stderr, "round %d: seq %.0f ms, par %.0f ms, caller-thread par %.0f ms\n", r + 1,
            seq->wallMs, par->wallMs, cal->wallMs);
    }
    std::vector<double> cliSequential;
    std::vector<double> cliParallel;
    for (int r = 0; r < rounds; ++r) {
        // Fresh devices for each run, and nothing in BlueZ's cache: provctl scans for the names.
        if (fixture.startSim(devices).size() != devices)
            return std::fprintf(stderr, "bench_ble: prov-sim did not start\n"), 1;
        const auto seq = provctlRun(fixture.names, 1);
        if (fixture.startSim(devices).size() != devices)
            return std::fprintf(stderr, "bench_ble: prov-sim did not start\n"), 1;
        const auto par = provctlRun(fixture.names, devices);
        if (!seq || !par)
            return std::fprintf(stderr, "bench_ble: provctl failed\n"), 1;
        cliSequential.push_back(*seq);
        cliParallel.push_back(*par);
    }
    std::printf("one device (connect..Connected..disconnect), %d runs: %s ms\n", int(single.size()),
        qPrintable(range(single)));
    std::printf("%d devices in sequence, %d rounds: %s ms\n", devices, rounds, qPrintable(range(sequential)));
    std::printf("%d devices in parallel (worker threads), %d rounds: %s ms\n", devices, rounds,
        qPrintable(range(parallel)));
    std::printf("speedup parallel vs sequence: %.2fx (medians)\n", median(sequential) / median(parallel));
    std::printf("%d devices in parallel (caller thread), %d rounds: %s ms\n", devices, rounds,
        qPrintable(range(caller)));
    std::printf("caller event loop, worker threads: max stall %s ms; blocked (gaps > 2 ms) %s ms\n",
        qPrintable(range(parallelStall)), qPrintable(range(parallelBlocked)));
    std::printf("caller event loop, caller thread:  max stall %s ms; blocked (gaps > 2 ms) %s ms\n",
        qPrintable(range(callerStall)), qPrintable(range(callerBlocked)));
    std::printf("provctl, %d devices, --parallel 1, %d runs: %s ms\n", devices, rounds,
        qPrintable(range(cliSequential)));
    std::printf("provctl, %d devices, --parallel %d, %d runs: %s ms\n", devices, devices, rounds,
        qPrintable(range(cliParallel)));
    std::printf("provctl speedup: %.2fx (medians)\n", median(cliSequential) / median(cliParallel));
    return 0;
}
