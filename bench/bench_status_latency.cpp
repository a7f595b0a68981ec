// SPDX-License-Identifier: Apache-2.0
// Status latency benchmark (docs/performance.md, issue 9 item 2): the time from the simulated device
// reaching Connected to the client's provision() finishing, with the default ProvisionOptions (adaptive
// polling). Target: <= 150 ms over HTTP and over BLE.
//
//   bench_status_latency [--rounds N] [--op-delay MS] [--no-ble]
//
// - HTTP: an in-process HttpDeviceServer on 127.0.0.1 (writing like esp_http_server) and
//   HttpTransport; the device's moment is SimulatedDevice::wifiConnectedAtMs().
// - BLE: prov-sim --ble on a private dbus-daemon, BleTransport through the real Qt Bluetooth BlueZ
//   backend, --ble-op-delay MS per GATT operation (default 40, a real link's order of magnitude); the
//   device's moment is the "station reaches Connected at N ms" line prov-sim --verbose prints (both
//   processes read CLOCK_MONOTONIC).
// Each round uses a fresh device whose Wi-Fi connect delay varies (1000 + 0..199 ms, a fixed
// pattern), so the moment falls at every phase of the polling grid. Prints min / median / p90 / max.

#include "prov/blescanner.h"
#include "prov/bletransport.h"
#include "prov/device.h"
#include "prov/httpdeviceserver.h"
#include "prov/httptransport.h"
#include "prov/provisioner.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <vector>

using namespace prov;

namespace {

const QByteArray kPassword = "bench-pw";
constexpr int kWaitMs = 30000;

qint64 nowMs()
{
    QElapsedTimer t;
    t.start();
    return t.msecsSinceReference();
}

int connectDelayFor(int round)
{
    return 1000 + (round * 37) % 200;
}

/// provision() with the default options; the monotonic ms at which it ended, nullopt on failure.
std::optional<qint64> provisionOnce(Transport *transport)
{
    Provisioner provisioner(transport);
    SecurityOptions sec;
    sec.username = "wifiprov";
    sec.password = kPassword;
    provisioner.setSecurityOptions(sec);
    if (!provisioner.connectDevice()->waitForResult(kWaitMs))
        return std::nullopt;
    auto *op = provisioner.provision(WifiCredentials { "myssid", "mypassword", {}, 0 });
    std::optional<qint64> endedAt;
    QObject::connect(op, &PendingOperation::finished, [&endedAt] { endedAt = nowMs(); });
    const auto r = op->waitForResult(kWaitMs);
    if (!r || r->outcome != ProvisionOutcome::Connected)
        return std::nullopt;
    return endedAt;
}

void report(const char *what, std::vector<qint64> ms)
{
    if (ms.empty()) {
        std::printf("%s: no successful round\n", what);
        return;
    }
    std::sort(ms.begin(), ms.end());
    const auto at = [&ms](double q) { return ms[std::min(ms.size() - 1, size_t(q * double(ms.size())))]; };
    std::printf(
        "%s: %zu rounds, Connected reached -> reported: min %lld, median %lld, p90 %lld, max %lld ms\n", what,
        ms.size(), ms.front(), at(0.5), at(0.9), ms.back());
}

std::vector<qint64> benchHttp(int rounds)
{
    std::vector<qint64> latencies;
    for (int i = 0; i < rounds; ++i) {
        DeviceConfig config;
        config.secVer = 2;
        config.password = kPassword;
        config.radio.connectDelayMs = connectDelayFor(i);
        config.radio.dhcpDelayMs = 0;
        config.radio.accessPoints = { SimAccessPoint {
            "myssid", "mypassword", int(AuthMode::WPA2_PSK), 6, -45, QByteArray(6, '\1') } };
        auto device = SimulatedDevice::create(config);
        if (!device)
            continue;
        HttpDeviceServer server(device->get());
        if (!server.listen(QHostAddress::LocalHost, 0))
            continue;
        HttpTransport transport(QStringLiteral("127.0.0.1"), server.port());
        const std::optional<qint64> endedAt = provisionOnce(&transport);
        const std::optional<qint64> reachedAt = (*device)->wifiConnectedAtMs();
        if (endedAt && reachedAt)
            latencies.push_back(*endedAt - *reachedAt);
        else
            std::fprintf(stderr, "http round %d failed\n", i);
    }
    return latencies;
}

/// A private dbus-daemon and prov-sim --ble on it (killed by PID on destruction).
struct BleRig
{
    QTemporaryDir dir;
    QProcess daemon;
    QProcess sim;
    QString address;

    ~BleRig()
    {
        for (QProcess *p : { &sim, &daemon }) {
            if (p->state() != QProcess::NotRunning) {
                p->kill();
                p->waitForFinished(3000);
            }
        }
    }

    bool startBus()
    {
        QFile config(dir.filePath(QStringLiteral("bus.conf")));
        if (!config.open(QIODevice::WriteOnly))
            return false;
        config.write(
            QStringLiteral("<busconfig><type>session</type><listen>unix:tmpdir=%1</listen>"
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

    /// (Re)starts prov-sim with one fresh BLE device; its address.
    QString startSim(int connectDelayMs, int opDelayMs)
    {
        if (sim.state() != QProcess::NotRunning) {
            sim.kill();
            sim.waitForFinished(3000);
        }
        sim.start(QStringLiteral(PROV_SIM_PATH),
            { QStringLiteral("--ble"), QStringLiteral("--bus"), address, QStringLiteral("--verbose"),
                QStringLiteral("--sec2-pwd"), QString::fromLatin1(kPassword),
                QStringLiteral("--connect-delay"), QString::number(connectDelayMs),
                QStringLiteral("--dhcp-delay"), QStringLiteral("0"), QStringLiteral("--ble-op-delay"),
                QString::number(opDelayMs) });
        QString found;
        const QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired() && sim.state() != QProcess::NotRunning) {
            if (!sim.canReadLine()) {
                sim.waitForReadyRead(100);
                continue;
            }
            const QJsonObject line = QJsonDocument::fromJson(sim.readLine()).object();
            if (line.value(QStringLiteral("ready")).toBool())
                return found;
            found = line.value(QStringLiteral("address")).toString();
        }
        return {};
    }

    /// The moment prov-sim said its station reaches Connected (monotonic ms).
    std::optional<qint64> reachedAt()
    {
        static const QRegularExpression pattern(QStringLiteral("station reaches Connected at ([0-9]+) ms"));
        const QRegularExpressionMatch m = pattern.match(QString::fromUtf8(sim.readAllStandardError()));
        if (!m.hasMatch())
            return std::nullopt;
        return m.captured(1).toLongLong();
    }
};

bool scanFor(const QString &address)
{
    BleScanner scanner;
    scanner.setNamePrefix(QString());
    scanner.setServiceUuids({});
    scanner.setDuration(5000);
    bool seen = false;
    QEventLoop loop;
    QObject::connect(&scanner, &BleScanner::deviceDiscovered, [&](const BleDeviceInfo &d) {
        if (d.address == address) {
            seen = true;
            scanner.stop();
        }
    });
    QObject::connect(&scanner, &BleScanner::finished, &loop, &QEventLoop::quit);
    QObject::connect(&scanner, &BleScanner::errorOccurred, &loop, &QEventLoop::quit);
    scanner.start();
    loop.exec();
    return seen;
}

std::vector<qint64> benchBle(int rounds, int opDelayMs)
{
    std::vector<qint64> latencies;
    BleRig rig;
    if (!rig.startBus()) {
        std::fprintf(stderr, "ble: cannot start dbus-daemon\n");
        return latencies;
    }
    for (int i = 0; i < rounds; ++i) {
        const QString address = rig.startSim(connectDelayFor(i), opDelayMs);
        if (address.isEmpty() || !scanFor(address)) {
            std::fprintf(stderr, "ble round %d: prov-sim or scan failed\n", i);
            continue;
        }
        BleTransport transport(address, QUuid());
        const std::optional<qint64> endedAt = provisionOnce(&transport);
        rig.sim.waitForReadyRead(200);
        const std::optional<qint64> reachedAt = rig.reachedAt();
        if (endedAt && reachedAt)
            latencies.push_back(*endedAt - *reachedAt);
        else
            std::fprintf(stderr, "ble round %d failed\n", i);
        transport.disconnectFromDevice();
    }
    return latencies;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto intArg = [&args](const char *name, int def) {
        const qsizetype i = args.indexOf(QString::fromLatin1(name));
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : def;
    };
    const int rounds = std::max(1, intArg("--rounds", 20));
    const int opDelayMs = std::max(0, intArg("--op-delay", 40));
    report("HTTP (127.0.0.1)", benchHttp(rounds));
    if (!args.contains(QStringLiteral("--no-ble"))) {
        const QByteArray label = QStringLiteral("BLE (fake BlueZ, %1 ms per GATT operation)")
                                     .arg(opDelayMs)
                                     .toUtf8();
        report(label.constData(), benchBle(rounds, opDelayMs));
    }
    return 0;
}
