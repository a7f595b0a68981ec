// SPDX-License-Identifier: Apache-2.0
// Per-request latency of the HTTP transport on loopback (docs/performance.md, docs/protocol.md §6.2).
//
// An in-process HttpDeviceServer (Security 0 SimulatedDevice) answers like esp_http_server: status
// line, headers and body as separate sends with Nagle on. Each iteration is one `proto-ver` request
// on one keep-alive connection, timed in wall-clock time (the client mostly waits):
//
// - BM_HttpTransportProtoVer: through HttpTransport, which re-arms TCP_QUICKACK after every read.
// - BM_RawSocketDelayedAck: the same request over a plain QTcpSocket that never sets TCP_QUICKACK,
//   so the kernel's delayed ACK holds the second and third part of every response (~40 ms on Linux).
//
// Both warm the connection up first, so the kernel's initial quick-ACK phase is over before timing.

#include "prov/device.h"
#include "prov/httpdeviceserver.h"
#include "prov/httptransport.h"
#include "transport/httpmessage.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QHostAddress>
#include <QTcpSocket>

#include <memory>
#include <optional>

namespace {

constexpr int kWarmUpRequests = 20;

/// Runs the event loop until `done()` is true.
template <typename Done> void spinUntil(Done done)
{
    while (!done())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
}

/// A Security 0 device behind an HttpDeviceServer on 127.0.0.1 (ephemeral port).
struct Device
{
    std::unique_ptr<prov::SimulatedDevice> device;
    std::unique_ptr<prov::HttpDeviceServer> server;

    bool start()
    {
        prov::DeviceConfig config;
        config.secVer = 0;
        auto created = prov::SimulatedDevice::create(config);
        if (!created)
            return false;
        device = std::move(created.value());
        server = std::make_unique<prov::HttpDeviceServer>(device.get());
        return server->listen(QHostAddress::LocalHost, 0);
    }
};

bool protoVer(prov::HttpTransport &t)
{
    std::optional<bool> ok;
    t.exchange(QStringLiteral("proto-ver"), "---", [&ok](prov::Result<QByteArray> r) { ok = bool(r); });
    spinUntil([&ok] { return ok.has_value(); });
    return *ok;
}

void BM_HttpTransportProtoVer(benchmark::State &state)
{
    Device d;
    if (!d.start()) {
        state.SkipWithError("device did not start");
        return;
    }
    prov::HttpTransport t(QStringLiteral("127.0.0.1"), d.server->port());
    for (int i = 0; i < kWarmUpRequests; ++i) {
        if (!protoVer(t)) {
            state.SkipWithError("warm-up request failed");
            return;
        }
    }
    for (auto _ : state) {
        if (!protoVer(t)) {
            state.SkipWithError("request failed");
            return;
        }
    }
}
BENCHMARK(BM_HttpTransportProtoVer)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(500);

/// One request over a plain socket (no TCP_QUICKACK); false on a parse error or a closed socket.
bool rawProtoVer(QTcpSocket &socket, const QByteArray &wire)
{
    prov::http::Parser parser(64 * 1024);
    socket.write(wire);
    while (parser.state() == prov::http::Parser::State::Incomplete) {
        if (socket.state() != QAbstractSocket::ConnectedState)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        parser.feed(socket.readAll());
    }
    return parser.state() == prov::http::Parser::State::Complete;
}

void BM_RawSocketDelayedAck(benchmark::State &state)
{
    Device d;
    if (!d.start()) {
        state.SkipWithError("device did not start");
        return;
    }
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, d.server->port());
    spinUntil([&socket] {
        return socket.state() == QAbstractSocket::ConnectedState
            || socket.state() == QAbstractSocket::UnconnectedState;
    });
    // No Cookie header: the device continues the session by socket (§6.3).
    const QByteArray wire = prov::http::serialize("POST /proto-ver HTTP/1.1",
        { { "Host", "127.0.0.1" }, { "Content-Type", "application/x-www-form-urlencoded" } }, "---");
    for (int i = 0; i < kWarmUpRequests; ++i) {
        if (!rawProtoVer(socket, wire)) {
            state.SkipWithError("warm-up request failed");
            return;
        }
    }
    for (auto _ : state) {
        if (!rawProtoVer(socket, wire)) {
            state.SkipWithError("request failed");
            return;
        }
    }
}
BENCHMARK(BM_RawSocketDelayedAck)->UseRealTime()->Unit(benchmark::kMillisecond)->Iterations(50);

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
