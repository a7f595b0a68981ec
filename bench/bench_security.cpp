// SPDX-License-Identifier: Apache-2.0
// Microbenchmarks of the security schemes (docs/performance.md).
//
// Handshakes: both roles run in process because every device response depends on the client's
// fresh randomness (nothing can be precomputed). Only the measured role's calls run with the
// benchmark timer on; the other role's calls run between PauseTiming()/ResumeTiming().
//
// Data phase: the client encrypts (requests) and decrypts (responses). Decrypt needs ciphertext
// the device sealed with the same counter/keystream position, so the device seals a batch of
// responses with the timer paused and the client then opens them in order with the timer on.
// Batching keeps the (expensive) Pause/Resume calls out of all but one in kBatch iterations.

#include "prov/security.h"

#include <benchmark/benchmark.h>

#include <QByteArray>
#include <QByteArrayView>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

const QByteArray kPop = QByteArrayLiteral("abcd1234");
const QByteArray kUsername = QByteArrayLiteral("wifiprov");
const QByteArray kPassword = QByteArrayLiteral("abcd1234");
constexpr int kPatch1 = 1;
constexpr std::size_t kBatch = 64;

enum class Role { Client, Device };

/// Keeps the benchmark timer running exactly while the measured role is working. The timer is on
/// when an iteration starts and must be on again when it ends (and before SkipWithError).
class RoleTimer
{
public:
    RoleTimer(benchmark::State &state, Role measured)
        : m_state(state)
        , m_measured(measured)
    { }

    void enter(Role role)
    {
        const bool timed = role == m_measured;
        if (timed && !m_running)
            m_state.ResumeTiming();
        else if (!timed && m_running)
            m_state.PauseTiming();
        m_running = timed;
    }

    /// Back to "timer on", as the benchmark loop requires at the end of an iteration.
    void endIteration()
    {
        if (!m_running)
            m_state.ResumeTiming();
        m_running = true;
    }

    void fail(const std::string &message)
    {
        endIteration();
        m_state.SkipWithError(message.c_str());
    }

private:
    benchmark::State &m_state;
    const Role m_measured;
    bool m_running = true;
};

std::string describe(const char *what, const prov::Error &error)
{
    return std::string(what) + ": " + error.toString().toStdString();
}

/// The Security 2 device credentials, generated once per process (never inside a timed loop).
const prov::Result<prov::Sec2Verifier> &sec2Credentials()
{
    static const prov::Result<prov::Sec2Verifier> credentials = prov::generateSec2Verifier(
        kUsername, kPassword);
    return credentials;
}

/// Runs one full handshake. Returns an error description, or std::nullopt once both roles report
/// an established session. `timer` attributes each call to its role.
std::optional<std::string> handshake(
    prov::ClientSecurity &client, prov::DeviceSecurity &device, RoleTimer *timer)
{
    auto enter = [timer](Role role) {
        if (timer != nullptr)
            timer->enter(role);
    };
    enter(Role::Client);
    auto begun = client.begin();
    if (!begun)
        return describe("client begin", begun.error());
    QByteArray request = std::move(*begun);
    for (int round = 0; round < client.handshakeRoundTrips(); ++round) {
        enter(Role::Device);
        auto response = device.handleSession(request);
        if (!response)
            return describe("device handleSession", response.error());
        enter(Role::Client);
        auto next = client.handleResponse(*response);
        if (!next)
            return describe("client handleResponse", next.error());
        if (!next->has_value())
            break;
        request = std::move(**next);
    }
    if (!client.isEstablished() || !device.isEstablished())
        return std::string("handshake ended without an established session");
    return std::nullopt;
}

using ClientFactory = std::unique_ptr<prov::ClientSecurity> (*)();
using DeviceFactory = std::unique_ptr<prov::DeviceSecurity> (*)();

std::unique_ptr<prov::ClientSecurity> makeClient1()
{
    return prov::makeClientSecurity1(kPop);
}

std::unique_ptr<prov::DeviceSecurity> makeDevice1()
{
    return prov::makeDeviceSecurity1(kPop);
}

std::unique_ptr<prov::ClientSecurity> makeClient2()
{
    return prov::makeClientSecurity2(kUsername, kPassword, kPatch1);
}

std::unique_ptr<prov::DeviceSecurity> makeDevice2()
{
    return prov::makeDeviceSecurity2(*sec2Credentials(), kPatch1);
}

/// Both roles are built fresh every iteration (a new session, as in provctl and prov-sim); each
/// object's construction and destruction is charged to its own role.
void runHandshake(benchmark::State &state, Role measured, ClientFactory makeClient, DeviceFactory makeDevice)
{
    RoleTimer timer(state, measured);
    for (auto _ : state) {
        timer.enter(Role::Device);
        auto device = makeDevice();
        timer.enter(Role::Client);
        auto client = makeClient();
        const auto failure = handshake(*client, *device, &timer);
        if (failure) {
            timer.fail(*failure);
            break;
        }
        client.reset(); // still in the client phase
        timer.enter(Role::Device);
        device.reset();
        timer.endIteration();
    }
}

void BM_Sec1ClientHandshake(benchmark::State &state)
{
    runHandshake(state, Role::Client, makeClient1, makeDevice1);
}

void BM_Sec2ClientHandshake(benchmark::State &state)
{
    if (!sec2Credentials()) {
        state.SkipWithError(describe("generateSec2Verifier", sec2Credentials().error()).c_str());
        return;
    }
    runHandshake(state, Role::Client, makeClient2, makeDevice2);
}

void BM_Sec2DeviceHandshake(benchmark::State &state)
{
    if (!sec2Credentials()) {
        state.SkipWithError(describe("generateSec2Verifier", sec2Credentials().error()).c_str());
        return;
    }
    runHandshake(state, Role::Device, makeClient2, makeDevice2);
}

/// An established client/device pair for the data-phase benchmarks.
struct Session
{
    std::unique_ptr<prov::ClientSecurity> client;
    std::unique_ptr<prov::DeviceSecurity> device;
};

/// Builds and connects a pair outside any timed region; on failure reports it and returns nullopt.
std::optional<Session> establish(benchmark::State &state, ClientFactory makeClient, DeviceFactory makeDevice)
{
    Session session { makeClient(), makeDevice() };
    if (const auto failure = handshake(*session.client, *session.device, nullptr)) {
        state.SkipWithError(failure->c_str());
        return std::nullopt;
    }
    return session;
}

/// A deterministic, non-constant payload of `size` bytes.
QByteArray payload(benchmark::State &state)
{
    const auto size = static_cast<qsizetype>(state.range(0));
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = static_cast<char>((i * 131 + 7) & 0xff);
    return bytes;
}

/// Client request encryption. One request is checked end to end (device decrypt) before timing.
void runEncrypt(benchmark::State &state, ClientFactory makeClient, DeviceFactory makeDevice)
{
    auto session = establish(state, makeClient, makeDevice);
    if (!session)
        return;
    const QByteArray plain = payload(state);
    {
        auto sealed = session->client->encrypt(plain);
        if (!sealed) {
            state.SkipWithError(describe("client encrypt", sealed.error()).c_str());
            return;
        }
        auto opened = session->device->decrypt(*sealed);
        if (!opened || *opened != plain) {
            state.SkipWithError("device could not decrypt the client's request");
            return;
        }
    }
    for (auto _ : state) {
        auto sealed = session->client->encrypt(plain);
        if (!sealed) {
            state.SkipWithError(describe("client encrypt", sealed.error()).c_str());
            break;
        }
        benchmark::DoNotOptimize(sealed->constData());
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

/// True if `opened` is `plain`, judged by its length and its first and last 16 bytes: cheap enough
/// for the timed loop. That suffices as a correctness check: sec2 (GCM) already authenticates every
/// byte (a mismatch is a decrypt error), and a sec1 (CTR) keystream position error garbles every
/// block, so it always shows in both ends.
bool looksLike(const QByteArray &opened, const QByteArray &plain)
{
    constexpr qsizetype kEdge = 16;
    const qsizetype edge = std::min(kEdge, plain.size());
    return opened.size() == plain.size()
        && QByteArrayView(opened).first(edge) == QByteArrayView(plain).first(edge)
        && QByteArrayView(opened).last(edge) == QByteArrayView(plain).last(edge);
}

/// Client response decryption of device-encrypted payloads, paired message by message so the
/// keystream position (sec1) or nonce counter (sec2 patch 1) always matches. The device seals
/// kBatch responses with the timer paused; the client opens them in order with the timer on. The
/// first payload of a session is compared in full before timing.
void runDecrypt(benchmark::State &state, ClientFactory makeClient, DeviceFactory makeDevice)
{
    auto session = establish(state, makeClient, makeDevice);
    if (!session)
        return;
    const QByteArray plain = payload(state);
    {
        auto sealed = session->device->encrypt(plain);
        if (!sealed) {
            state.SkipWithError(describe("device encrypt", sealed.error()).c_str());
            return;
        }
        auto opened = session->client->decrypt(*sealed);
        if (!opened || *opened != plain) {
            state.SkipWithError("client could not decrypt the device's response");
            return;
        }
    }
    std::vector<QByteArray> sealed;
    sealed.reserve(kBatch);
    std::size_t next = 0;

    // Seals the next batch; runs with the timer paused.
    auto refill = [&]() -> std::optional<std::string> {
        sealed.clear();
        for (std::size_t i = 0; i < kBatch; ++i) {
            auto bytes = session->device->encrypt(plain);
            if (!bytes)
                return describe("device encrypt", bytes.error());
            sealed.push_back(std::move(*bytes));
        }
        next = 0;
        return std::nullopt;
    };

    if (const auto failure = refill()) {
        state.SkipWithError(failure->c_str());
        return;
    }
    for (auto _ : state) {
        if (next == sealed.size()) {
            state.PauseTiming();
            const auto failure = refill();
            state.ResumeTiming();
            if (failure) {
                state.SkipWithError(failure->c_str());
                break;
            }
        }
        auto opened = session->client->decrypt(sealed[next++]);
        if (!opened) {
            state.SkipWithError(describe("client decrypt", opened.error()).c_str());
            break;
        }
        if (!looksLike(*opened, plain)) {
            state.SkipWithError("client decrypted a payload that differs from what the device encrypted");
            break;
        }
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_Sec1Encrypt(benchmark::State &state)
{
    runEncrypt(state, makeClient1, makeDevice1);
}

void BM_Sec1Decrypt(benchmark::State &state)
{
    runDecrypt(state, makeClient1, makeDevice1);
}

void BM_Sec2EncryptPatch1(benchmark::State &state)
{
    if (!sec2Credentials()) {
        state.SkipWithError(describe("generateSec2Verifier", sec2Credentials().error()).c_str());
        return;
    }
    runEncrypt(state, makeClient2, makeDevice2);
}

void BM_Sec2DecryptPatch1(benchmark::State &state)
{
    if (!sec2Credentials()) {
        state.SkipWithError(describe("generateSec2Verifier", sec2Credentials().error()).c_str());
        return;
    }
    runDecrypt(state, makeClient2, makeDevice2);
}

} // namespace

BENCHMARK(BM_Sec1ClientHandshake)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sec2ClientHandshake)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sec2DeviceHandshake)->Unit(benchmark::kMillisecond);

BENCHMARK(BM_Sec1Encrypt)->Arg(64)->Arg(512)->Arg(4096);
BENCHMARK(BM_Sec1Decrypt)->Arg(64)->Arg(512)->Arg(4096);
BENCHMARK(BM_Sec2EncryptPatch1)->Arg(64)->Arg(512)->Arg(4096);
BENCHMARK(BM_Sec2DecryptPatch1)->Arg(64)->Arg(512)->Arg(4096);

BENCHMARK_MAIN();
