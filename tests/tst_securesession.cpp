// SPDX-License-Identifier: Apache-2.0
// The session layer on its own (libprov/src/core/securesession.h): proto-ver and the handshake, the
// encrypted request path, when ensure() redoes the handshake, and cancel() dropping the work in flight.
// Against the device role (SimulatedDevice) through the in-process transport of simtransport.h.

#include "simtransport.h"

#include "core/securesession.h"
#include "prov/device.h"

#include <QEventLoop>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

using namespace prov;
using prov::test::SimTransport;

namespace {

constexpr int kWaitMs = 5000;
const QByteArray kPop = "abcd1234";
const QByteArray kPassword = "s3cret-pw";

/// Waits for a callback-style call: `start` gets the callback; the result, or nullopt if it never came.
template <typename T>
std::optional<Result<T>> callAndWait(std::function<void(SecureSession::Callback<T>)> start, int ms = kWaitMs)
{
    auto out = std::make_shared<std::optional<Result<T>>>();
    QEventLoop loop;
    QPointer<QEventLoop> waiting(&loop);
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    start([out, waiting](Result<T> r) {
        out->emplace(std::move(r));
        if (waiting)
            waiting->quit();
    });
    if (!out->has_value())
        loop.exec();
    return *out;
}

/// True if the call ended (`r` set) with success: a QVERIFY on it fails, never throws.
template <typename T> bool succeeded(const std::optional<Result<T>> &r)
{
    return r && *r;
}

struct Rig
{
    explicit Rig(int secVer)
    {
        DeviceConfig config;
        config.secVer = secVer;
        config.pop = kPop;
        config.password = kPassword;
        device = std::move(SimulatedDevice::create(config).value());
        transport = std::make_unique<SimTransport>(device.get());
        session = std::make_unique<SecureSession>(transport.get());
        SecurityOptions sec;
        sec.pop = kPop;
        sec.username = "wifiprov";
        sec.password = kPassword;
        session->setSecurityOptions(sec);
    }
    std::optional<Result<DeviceInfo>> open()
    {
        return callAndWait<DeviceInfo>([this](auto done) { session->open(done); });
    }
    std::optional<Result<void>> ensure()
    {
        return callAndWait<void>([this](auto done) { session->ensure(done); });
    }
    std::optional<Result<QByteArray>> custom(const QByteArray &data)
    {
        return callAndWait<QByteArray>(
            [this, data](auto done) { session->request(QStringLiteral("custom-data"), data, done); });
    }
    std::unique_ptr<SimulatedDevice> device;
    std::unique_ptr<SimTransport> transport;
    std::unique_ptr<SecureSession> session;
};

} // namespace

class TestSecureSession : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opensWithTheSchemeProtoVerAsksFor_data();
    void opensWithTheSchemeProtoVerAsksFor();
    void requestWithoutSessionIsUnexpectedMessage();
    void ensureIsFreeWhileTheSessionHolds();
    void linkClosedMakesEnsureRedoTheHandshake();
    void cancelDropsTheWorkInFlight();
    void resetDropsTheWorkInFlight();
    void destroyingTheSessionCancelsItsExchange();
    void cancelFromAStepEnteredSlotStopsTheOpen();
};

void TestSecureSession::opensWithTheSchemeProtoVerAsksFor_data()
{
    QTest::addColumn<int>("secVer");
    QTest::newRow("sec0") << 0;
    QTest::newRow("sec1") << 1;
    QTest::newRow("sec2") << 2;
}

void TestSecureSession::opensWithTheSchemeProtoVerAsksFor()
{
    QFETCH(int, secVer);
    Rig rig(secVer);
    QSignalSpy steps(rig.session.get(), &SecureSession::stepEntered);
    const auto info = rig.open();
    QVERIFY(info && *info);
    QCOMPARE((*info)->secVer, secVer);
    QVERIFY(rig.session->deviceInfo().has_value());
    QCOMPARE(steps.count(), 2);
    QCOMPARE(steps.at(0).at(0).value<ProvisionStep>(), ProvisionStep::ReadingVersion);
    QCOMPARE(steps.at(1).at(0).value<ProvisionStep>(), ProvisionStep::Handshake);
    QCOMPARE(rig.transport->requests.first(), QStringLiteral("proto-ver"));

    const auto reply = rig.custom("hello");
    QVERIFY(reply && *reply);
    QCOMPARE(**reply, QByteArray("SUCCESS", 8));
}

void TestSecureSession::requestWithoutSessionIsUnexpectedMessage()
{
    Rig rig(2);
    const auto reply = rig.custom("hello");
    QVERIFY(reply && !*reply);
    QCOMPARE(reply->error().code, ErrorCode::UnexpectedMessage);
    QVERIFY(rig.transport->requests.isEmpty());
}

void TestSecureSession::ensureIsFreeWhileTheSessionHolds()
{
    Rig rig(2);
    QVERIFY(succeeded(rig.open()));
    const qsizetype before = rig.transport->requests.size();
    const auto ok = rig.ensure();
    QVERIFY(ok && *ok);
    QCOMPARE(rig.transport->requests.size(), before);

    // After invalidate() (what a link or decrypt error does), ensure() redoes only the handshake:
    // proto-ver is known.
    rig.session->invalidate();
    rig.transport->requests.clear();
    QVERIFY(succeeded(rig.ensure()));
    QCOMPARE(rig.transport->requests,
        QStringList({ QStringLiteral("prov-session"), QStringLiteral("prov-session") }));
    QVERIFY(succeeded(rig.custom("again")));

    // After reset(), it starts again with proto-ver.
    rig.session->reset();
    rig.transport->requests.clear();
    QVERIFY(succeeded(rig.ensure()));
    QCOMPARE(rig.transport->requests.first(), QStringLiteral("proto-ver"));
}

void TestSecureSession::linkClosedMakesEnsureRedoTheHandshake()
{
    Rig rig(1);
    QVERIFY(succeeded(rig.open()));
    QVERIFY(!rig.session->linkClosed());
    rig.device->newTransportSession();
    Q_EMIT rig.transport->linkClosed(); // §7.6: the device's session is gone with the link
    QVERIFY(rig.session->linkClosed());
    rig.transport->requests.clear();
    QVERIFY(succeeded(rig.ensure()));
    QCOMPARE(rig.transport->requests,
        QStringList({ QStringLiteral("prov-session"), QStringLiteral("prov-session") }));
    QVERIFY(!rig.session->linkClosed()); // a handshake starts a new watch
    QVERIFY(succeeded(rig.custom("x")));
}

void TestSecureSession::cancelDropsTheWorkInFlight()
{
    Rig rig(2);
    QVERIFY(succeeded(rig.open()));
    rig.transport->holdEndpoint = QStringLiteral("custom-data");
    QSignalSpy held(rig.transport.get(), &SimTransport::held);
    int calls = 0;
    rig.session->request(
        QStringLiteral("custom-data"), "never answered", [&calls](Result<QByteArray>) { ++calls; });
    QVERIFY(held.wait(kWaitMs));
    rig.session->cancel();
    QCOMPARE(rig.transport->aborts, 1); // the link drops (§5.2)
    QVERIFY(!rig.transport->isBusy());
    // The next ensure() needs a new handshake; the dropped callback never runs.
    rig.transport->requests.clear();
    QVERIFY(succeeded(rig.ensure()));
    QCOMPARE(rig.transport->requests.first(), QStringLiteral("prov-session"));
    QCOMPARE(calls, 0);
}

void TestSecureSession::resetDropsTheWorkInFlight()
{
    // reset() while a request is in flight: its answer must not reach the callback, which would
    // decrypt with the security object reset() just dropped.
    Rig rig(2);
    QVERIFY(succeeded(rig.open()));
    int calls = 0;
    rig.session->request(QStringLiteral("custom-data"), "hello", [&calls](Result<QByteArray>) { ++calls; });
    rig.session->reset();
    QVERIFY(!rig.transport->isBusy()); // its own exchange was cancelled
    QTest::qWait(50);
    QCOMPARE(calls, 0);
    rig.transport->requests.clear();
    QVERIFY(succeeded(rig.ensure()));
    QCOMPARE(rig.transport->requests.first(), QStringLiteral("proto-ver"));
}

void TestSecureSession::destroyingTheSessionCancelsItsExchange()
{
    Rig rig(2);
    QVERIFY(succeeded(rig.open()));
    rig.transport->holdEndpoint = QStringLiteral("custom-data");
    QSignalSpy held(rig.transport.get(), &SimTransport::held);
    rig.session->request(QStringLiteral("custom-data"), "never answered",
        [](Result<QByteArray>) { QFAIL("the callback of a destroyed session ran"); });
    QVERIFY(held.wait(kWaitMs));
    QVERIFY(rig.transport->isBusy());
    rig.session.reset();
    QVERIFY(!rig.transport->isBusy()); // not left busy until the transport's timeout
    QCOMPARE(rig.transport->aborts, 1);
}

void TestSecureSession::cancelFromAStepEnteredSlotStopsTheOpen()
{
    Rig rig(2);
    SecureSession *session = rig.session.get();
    connect(session, &SecureSession::stepEntered, this, [session](ProvisionStep step) {
        if (step == ProvisionStep::Handshake)
            session->cancel();
    });
    int calls = 0;
    session->open([&calls](Result<DeviceInfo>) { ++calls; });
    QTRY_COMPARE_WITH_TIMEOUT(rig.transport->requests.size(), 1, kWaitMs);
    QTest::qWait(50);
    QCOMPARE(rig.transport->requests, QStringList({ QStringLiteral("proto-ver") })); // no handshake
    QCOMPARE(calls, 0);
    QVERIFY(!rig.transport->isBusy());
}

QTEST_GUILESS_MAIN(TestSecureSession)
#include "tst_securesession.moc"
