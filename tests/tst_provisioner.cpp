// SPDX-License-Identifier: Apache-2.0
// The Provisioner's workflow and its session layer against the device role (SimulatedDevice) through an
// in-process transport (simtransport.h): cancel clean-up, Thread timeouts, re-handshake after a
// link or decrypt error, and the after-apply confirmation (a coroutine, docs/architecture.md).

#include "simtransport.h"

#include "codec/networkcodec.h"
#include "prov/device.h"
#include "prov/provisioner.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTest>

using namespace prov;
using prov::test::SimTransport;

namespace {

constexpr int kWaitMs = 5000;
const QByteArray kPop = "abcd1234";
const QByteArray kPassword = "s3cret-pw";

DeviceConfig deviceConfig(int secVer)
{
    DeviceConfig c;
    c.secVer = secVer;
    c.pop = kPop;
    c.password = kPassword;
    c.radio.connectDelayMs = 0;
    c.radio.dhcpDelayMs = 0;
    SimAccessPoint ap;
    ap.ssid = "myssid";
    ap.passphrase = "mypassword";
    ap.bssid = QByteArray::fromHex("112233445566");
    c.radio.accessPoints = { ap };
    return c;
}

SecurityOptions credentials()
{
    SecurityOptions s;
    s.pop = kPop;
    s.username = "wifiprov";
    s.password = kPassword;
    return s;
}

ProvisionOptions fastPolling()
{
    ProvisionOptions o;
    o.firstPollDelayMs = 0;
    o.pollIntervalMs = 10;
    o.fastPollIntervalMs = 10;
    o.connectTimeoutMs = 3000;
    return o;
}

WifiCredentials homeNetwork()
{
    WifiCredentials c;
    c.ssid = "myssid";
    c.passphrase = "mypassword";
    return c;
}

/// One device, its transport and a Provisioner on it.
DeviceConfig withFaults(DeviceConfig config, QList<FaultSpec> faults)
{
    config.faults = std::move(faults);
    return config;
}

/// A Security 2 device whose station stays Connecting after Apply.
DeviceConfig stuckConnecting()
{
    DeviceConfig config = deviceConfig(2);
    config.radio.connectDelayMs = 60000; // the station stays Connecting
    return config;
}

struct Rig
{
    explicit Rig(int secVer = 2, QList<FaultSpec> faults = {})
        : Rig(withFaults(deviceConfig(secVer), std::move(faults)))
    { }
    explicit Rig(const DeviceConfig &config)
    {
        auto created = SimulatedDevice::create(config);
        if (!created)
            qFatal("SimulatedDevice: %s", qPrintable(created.error().toString()));
        device = std::move(created.value());
        transport = std::make_unique<SimTransport>(device.get());
        provisioner = std::make_unique<Provisioner>(transport.get());
        provisioner->setSecurityOptions(credentials());
    }
    std::unique_ptr<SimulatedDevice> device;
    std::unique_ptr<SimTransport> transport;
    std::unique_ptr<Provisioner> provisioner;
};

template <typename T> QByteArray describe(const Result<T> &r)
{
    return r ? QByteArray("ok") : r.error().toString().toUtf8();
}

/// Counts finished() and keeps the last result: "ends exactly once" is counted, not assumed.
template <typename T> struct EndWatch
{
    explicit EndWatch(Pending<T> *op)
    {
        QObject::connect(op, &PendingOperation::finished, [this](PendingOperation *operation) {
            ++ends;
            result = static_cast<Pending<T> *>(operation)->result();
        });
    }
    int ends = 0;
    std::optional<Result<T>> result;
};

/// A Thread device's prov-config answers (SimulatedDevice is a Wi-Fi build, §10), Security 0 only
/// (plaintext on the wire): dataset and apply accepted, the attach never ends.
std::optional<DeviceReply> threadDeviceAttachingForever(const QString &endpoint, const QByteArray &request)
{
    if (endpoint != QLatin1String("prov-config"))
        return std::nullopt;
    const auto decoded = codec::decodeConfigRequest(request);
    if (!decoded)
        return std::nullopt;
    DeviceReply reply;
    if (std::holds_alternative<codec::SetThreadConfig>(*decoded)) {
        reply.body = codec::encodeConfigResponse(codec::SetThreadConfigResponse { 0 });
    } else if (std::holds_alternative<codec::ApplyThreadConfig>(*decoded)) {
        reply.body = codec::encodeConfigResponse(codec::ApplyThreadConfigResponse { 0 });
    } else if (std::holds_alternative<codec::GetThreadStatus>(*decoded)) {
        codec::ThreadStatusResponse status;
        status.thread.state = ThreadState::Attaching;
        reply.body = codec::encodeConfigResponse(status);
    } else {
        return std::nullopt;
    }
    return reply;
}

} // namespace

class TestProvisioner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void provisionsThroughTheSessionLayer();
    void cancelledBlockingScanRestoresTheTransportTimeout();
    void threadAttachTimeoutIsThreadSpecific();
    void decryptErrorMakesTheNextRequestRedoTheHandshake();
    void closedLinkMakesTheNextRequestRedoTheHandshake();
    void secondOperationWhileOneRunsIsBusy();
    void confirmsAfterTheDeviceClosedTheLink();
    void cancelDuringTheConfirmationUnwindsAndEndsOnce();
    void cancelBetweenConfirmationPollsUnwindsAndEndsOnce();
    void destroyingTheOwnerDuringTheConfirmationIsSafe();
    void queuedCancelBeforeAZeroDelayPollIsNotLost();
    void cancelFromAStatusSlotStopsThePolling();
    void destroyingTheOwnerFromAStatusSlotIsSafe();
    void invalidCredentialsEndFromTheEventLoop();
};

void TestProvisioner::provisionsThroughTheSessionLayer()
{
    Rig rig;
    const auto info = rig.provisioner->connectDevice()->waitForResult(kWaitMs);
    QVERIFY2(info, describe(info).constData());
    QCOMPARE(info->secVer, 2);
    const auto status = rig.provisioner->provisionWifi(homeNetwork(), fastPolling())->waitForResult(kWaitMs);
    QVERIFY2(status, describe(status).constData());
    QCOMPARE(status->state, WifiState::Connected);
    QCOMPARE(rig.provisioner->step(), ProvisionStep::Done);
}

void TestProvisioner::cancelledBlockingScanRestoresTheTransportTimeout()
{
    Rig rig(0);
    rig.transport->setTimeout(800);
    QVERIFY(rig.provisioner->connectDevice()->waitForResult(kWaitMs));

    // The device never answers the blocking ScanStart; the caller cancels while it is in flight.
    rig.transport->holdEndpoint = QStringLiteral("prov-scan");
    QSignalSpy held(rig.transport.get(), &SimTransport::held);
    ScanOptions scan;
    scan.blocking = true;
    Pending<QList<ScanEntry>> *op = rig.provisioner->scanWifi(scan);
    QVERIFY(held.wait(kWaitMs));
    QVERIFY(rig.transport->timeout() > 800); // raised for the blocking scan (§9.3)
    rig.provisioner->cancel();
    const auto r = op->waitForResult(kWaitMs);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Cancelled);
    QCOMPARE(rig.transport->timeout(), 800);
}

void TestProvisioner::threadAttachTimeoutIsThreadSpecific()
{
    Rig rig(0);
    rig.transport->script = threadDeviceAttachingForever;
    ProvisionOptions options = fastPolling();
    options.connectTimeoutMs = 100;
    const auto r = rig.provisioner->provisionThread(QByteArray(16, '\x01'), options)->waitForResult(kWaitMs);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::ThreadAttachTimeout);
}

void TestProvisioner::decryptErrorMakesTheNextRequestRedoTheHandshake()
{
    Rig rig(2, { FaultSpec { FaultKind::CorruptCiphertext, QStringLiteral("custom-data"), 1, 0 } });
    QVERIFY(rig.provisioner->connectDevice()->waitForResult(kWaitMs));
    const auto broken = rig.provisioner->customRequest(QStringLiteral("custom-data"), "one")
                            ->waitForResult(kWaitMs);
    QVERIFY(!broken);
    QCOMPARE(broken.error().code, ErrorCode::DecryptFailed);

    // The cipher stream is out of step (§5.2, §8.4): the next request starts with a new handshake.
    rig.transport->requests.clear();
    const auto ok = rig.provisioner->customRequest(QStringLiteral("custom-data"), "two")
                        ->waitForResult(kWaitMs);
    QVERIFY2(ok, describe(ok).constData());
    QCOMPARE(*ok, QByteArray("SUCCESS", 8));
    QCOMPARE(rig.transport->requests.first(), QStringLiteral("prov-session"));
    QCOMPARE(rig.transport->requests.last(), QStringLiteral("custom-data"));
    QVERIFY(!rig.transport->requests.contains(QStringLiteral("proto-ver"))); // proto-ver is known
}

void TestProvisioner::closedLinkMakesTheNextRequestRedoTheHandshake()
{
    Rig rig(1);
    QVERIFY(rig.provisioner->connectDevice()->waitForResult(kWaitMs));
    QVERIFY(rig.provisioner->wifiStatus()->waitForResult(kWaitMs));
    // The device closes the link (BLE, §7.6): its security session is gone with it.
    rig.device->newTransportSession();
    Q_EMIT rig.transport->linkClosed();
    rig.transport->requests.clear();
    const auto status = rig.provisioner->wifiStatus()->waitForResult(kWaitMs);
    QVERIFY2(status, describe(status).constData());
    QCOMPARE(rig.transport->requests,
        QStringList({ QStringLiteral("prov-session"), QStringLiteral("prov-session"),
            QStringLiteral("prov-config") }));
}

void TestProvisioner::secondOperationWhileOneRunsIsBusy()
{
    Rig rig;
    Pending<DeviceInfo> *first = rig.provisioner->connectDevice();
    EndWatch<DeviceInfo> firstWatch(first); // `first` deletes itself once it has ended
    QSignalSpy firstDone(first, &PendingOperation::finished);
    Pending<WifiStatus> *second = rig.provisioner->wifiStatus();
    QSignalSpy secondDone(second, &PendingOperation::finished);
    QCOMPARE(secondDone.count(), 0); // ends from the event loop, not inside the call
    const auto busy = second->waitForResult(kWaitMs);
    QVERIFY(!busy);
    QCOMPARE(busy.error().code, ErrorCode::Internal);
    QVERIFY(firstDone.count() == 1 || firstDone.wait(kWaitMs));
    QCOMPARE(firstWatch.ends, 1);
    QVERIFY(*firstWatch.result);
}

// ---- the after-apply confirmation (AfterApplyLinkClosed::Confirm, §7.6), a coroutine flow

namespace {
int protoVerReads(const SimTransport &transport)
{
    return int(transport.requests.count(QStringLiteral("proto-ver")));
}
} // namespace

void TestProvisioner::confirmsAfterTheDeviceClosedTheLink()
{
    Rig rig;
    rig.transport->closeLinkAfterApply = true;
    const auto r = rig.provisioner->provision(homeNetwork(), fastPolling())->waitForResult(kWaitMs);
    QVERIFY2(r, describe(r).constData());
    QCOMPARE(r->outcome, ProvisionOutcome::ConfirmedAfterReconnect);
    QCOMPARE(r->status.state, WifiState::Connected);
    QCOMPARE(protoVerReads(*rig.transport), 2); // the first session, then the reconnect
    QCOMPARE(rig.transport->resets, 0); // an outcome is known: the link stays
}

void TestProvisioner::cancelDuringTheConfirmationUnwindsAndEndsOnce()
{
    Rig rig;
    rig.transport->closeLinkAfterApply = true;
    rig.transport->holdEndpoint = QStringLiteral("proto-ver");
    rig.transport->holdSkip = 1; // the reconnect's proto-ver never gets an answer
    QSignalSpy held(rig.transport.get(), &SimTransport::held);
    Pending<ProvisionResult> *op = rig.provisioner->provision(homeNetwork(), fastPolling());
    EndWatch<ProvisionResult> watch(op);
    QVERIFY(held.wait(kWaitMs));
    QCOMPARE(rig.provisioner->step(), ProvisionStep::ReadingVersion);

    rig.provisioner->cancel();
    QVERIFY(op->waitForFinished(kWaitMs));
    QCOMPARE(watch.ends, 1);
    QVERIFY(watch.result && !*watch.result);
    QCOMPARE(watch.result->error().code, ErrorCode::Cancelled);
    // The coroutine unwound through its scoped clean-up, which dropped the link it had opened.
    QCOMPARE(rig.transport->resets, 1);

    // Nothing of the cancelled flow is left: the next operation runs, the old one never ends again.
    const auto status = rig.provisioner->wifiStatus()->waitForResult(kWaitMs);
    QVERIFY2(status, describe(status).constData());
    QCOMPARE(watch.ends, 1);
}

void TestProvisioner::cancelBetweenConfirmationPollsUnwindsAndEndsOnce()
{
    Rig rig(stuckConnecting());
    rig.transport->closeLinkAfterApply = true;

    ProvisionOptions options = fastPolling();
    options.pollIntervalMs = 50;
    options.fastPollIntervalMs = 50;
    Pending<ProvisionResult> *op = rig.provisioner->provision(homeNetwork(), options);
    EndWatch<ProvisionResult> watch(op);
    // The first status read after the reconnect: cancel from the slot, while the flow runs.
    Provisioner *p = rig.provisioner.get();
    SimTransport *t = rig.transport.get();
    int requestsAtCancel = -1;
    connect(p, &Provisioner::wifiStatusChanged, this, [&](const WifiStatus &status) {
        if (requestsAtCancel < 0 && protoVerReads(*t) == 2 && status.state == WifiState::Connecting) {
            requestsAtCancel = int(t->requests.size());
            p->cancel();
        }
    });
    QVERIFY(op->waitForFinished(kWaitMs));
    QCOMPARE(watch.ends, 1);
    QCOMPARE(watch.result->error().code, ErrorCode::Cancelled);
    QCOMPARE(rig.transport->resets, 1); // clean-up ran
    // The flow took no further step after the cancel (it would poll every 50 ms): what follows is the
    // next operation's own handshake (the link was dropped) and GetStatus.
    QVERIFY(p->wifiStatus()->waitForResult(kWaitMs));
    QCOMPARE(rig.transport->requests.mid(requestsAtCancel),
        QStringList({ QStringLiteral("prov-session"), QStringLiteral("prov-session"),
            QStringLiteral("prov-config") }));
    QCOMPARE(watch.ends, 1);
}

void TestProvisioner::destroyingTheOwnerDuringTheConfirmationIsSafe()
{
    Rig rig;
    rig.transport->closeLinkAfterApply = true;
    rig.transport->holdEndpoint = QStringLiteral("proto-ver");
    rig.transport->holdSkip = 1;
    QSignalSpy held(rig.transport.get(), &SimTransport::held);
    QPointer<Pending<ProvisionResult>> op = rig.provisioner->provision(homeNetwork(), fastPolling());
    EndWatch<ProvisionResult> watch(op.data());
    QVERIFY(held.wait(kWaitMs));

    rig.provisioner.reset(); // the owner goes away while the coroutine awaits the reconnect
    QVERIFY(op.isNull()); // its operations go with it (without finished())
    // The destructor dropped the link the flow had opened (cancel()'s promise) at once, and the
    // session cancelled its own exchange: the transport is free for a new owner.
    QCOMPARE(rig.transport->resets, 1);
    QCOMPARE(watch.ends, 0);
    QVERIFY(!rig.transport->isBusy());
    // A new owner starts on the same transport before the old flow has unwound (it resumes from the
    // event loop, sees its owner gone and returns without touching the transport): the new owner's
    // exchanges are never cancelled by that late clean-up.
    rig.provisioner = std::make_unique<Provisioner>(rig.transport.get());
    rig.provisioner->setSecurityOptions(credentials());
    const auto status = rig.provisioner->wifiStatus()->waitForResult(kWaitMs);
    QVERIFY2(status, describe(status).constData());
    QCOMPARE(rig.transport->resets, 1);
}

void TestProvisioner::queuedCancelBeforeAZeroDelayPollIsNotLost()
{
    // (fast)PollIntervalMs = 0: the next confirmation poll is due from the event loop right after a cancel
    // queued from the wifiStatusChanged slot; the cancel wins (one end, Cancelled, no GetStatus after
    // it, the link dropped). The flow-level half of this (a cancel settles an awaiting step at once,
    // before a timer that fires later) is tst_flow's aCancelSettlesTheStepAtOnce.
    Rig rig(stuckConnecting());
    rig.transport->closeLinkAfterApply = true;

    ProvisionOptions options = fastPolling();
    options.pollIntervalMs = 0;
    options.fastPollIntervalMs = 0;
    Pending<ProvisionResult> *op = rig.provisioner->provision(homeNetwork(), options);
    EndWatch<ProvisionResult> watch(op);
    Provisioner *p = rig.provisioner.get();
    SimTransport *t = rig.transport.get();
    int requestsAtCancel = -1;
    connect(p, &Provisioner::wifiStatusChanged, this, [&](const WifiStatus &status) {
        if (requestsAtCancel < 0 && protoVerReads(*t) == 2 && status.state == WifiState::Connecting) {
            requestsAtCancel = int(t->requests.size());
            QMetaObject::invokeMethod(
                p, [p] { p->cancel(); }, Qt::QueuedConnection);
        }
    });
    QVERIFY(op->waitForFinished(kWaitMs));
    QCOMPARE(watch.ends, 1);
    QVERIFY(watch.result && !*watch.result);
    QCOMPARE(watch.result->error().code, ErrorCode::Cancelled);
    QCOMPARE(rig.transport->requests.size(), requestsAtCancel); // no GetStatus after the cancel
    QCOMPARE(rig.transport->resets, 1); // the link was dropped
    QVERIFY(!rig.transport->isBusy());
    QTest::qWait(20);
    QCOMPARE(watch.ends, 1);
    QCOMPARE(rig.transport->requests.size(), requestsAtCancel);
}

/// A rig whose device stays Connecting (the polling runs until the deadline).
void makeSlowJoin(Rig &rig)
{
    rig.provisioner.reset();
    rig.transport.reset();
    DeviceConfig config = deviceConfig(2);
    config.radio.connectDelayMs = 60000;
    rig.device = std::move(SimulatedDevice::create(config).value());
    rig.transport = std::make_unique<SimTransport>(rig.device.get());
    rig.provisioner = std::make_unique<Provisioner>(rig.transport.get());
    rig.provisioner->setSecurityOptions(credentials());
}

void TestProvisioner::cancelFromAStatusSlotStopsThePolling()
{
    // The callback flow's GetStatus polling: a cancel from the wifiStatusChanged slot must stop it
    // there (before, the next poll was scheduled after the emit with the new session generation).
    Rig rig;
    makeSlowJoin(rig);
    Provisioner *p = rig.provisioner.get();
    SimTransport *t = rig.transport.get();
    Pending<WifiStatus> *op = p->provisionWifi(homeNetwork(), fastPolling());
    EndWatch<WifiStatus> watch(op);
    int requestsAtCancel = -1;
    connect(p, &Provisioner::wifiStatusChanged, this, [&](const WifiStatus &) {
        if (requestsAtCancel < 0) {
            requestsAtCancel = int(t->requests.size());
            p->cancel();
        }
    });
    QVERIFY(op->waitForFinished(kWaitMs));
    QCOMPARE(watch.ends, 1);
    QCOMPARE(watch.result->error().code, ErrorCode::Cancelled);
    QTest::qWait(100); // ten poll intervals
    QCOMPARE(t->requests.size(), requestsAtCancel); // no GetStatus after the cancel
    QVERIFY(!t->isBusy());
    QCOMPARE(p->step(), ProvisionStep::Idle);
    QCOMPARE(watch.ends, 1);
}

void TestProvisioner::destroyingTheOwnerFromAStatusSlotIsSafe()
{
    Rig rig;
    makeSlowJoin(rig);
    QPointer<Pending<WifiStatus>> op = rig.provisioner->provisionWifi(homeNetwork(), fastPolling());
    SimTransport *t = rig.transport.get();
    int requestsAtDestroy = -1;
    connect(rig.provisioner.get(), &Provisioner::wifiStatusChanged, this, [&](const WifiStatus &) {
        requestsAtDestroy = int(t->requests.size());
        rig.provisioner.reset();
    });
    QTRY_VERIFY_WITH_TIMEOUT(op.isNull(), kWaitMs);
    QTest::qWait(100);
    QCOMPARE(t->requests.size(), requestsAtDestroy);
    QVERIFY(!t->isBusy());
}

void TestProvisioner::invalidCredentialsEndFromTheEventLoop()
{
    Rig rig;
    WifiCredentials bad = homeNetwork();
    bad.ssid.clear();
    Pending<WifiStatus> *op = rig.provisioner->provisionWifi(bad, fastPolling());
    EndWatch<WifiStatus> watch(op);
    QCOMPARE(watch.ends, 0); // never from inside the verb
    QVERIFY(op->waitForFinished(kWaitMs));
    QCOMPARE(watch.ends, 1);
    QCOMPARE(watch.result->error().code, ErrorCode::InvalidArgument);
    QVERIFY(rig.transport->requests.isEmpty()); // nothing reached the device
    const auto status = rig.provisioner->wifiStatus()->waitForResult(kWaitMs); // not busy
    QVERIFY2(status, describe(status).constData());
    QCOMPARE(watch.ends, 1);
}

QTEST_GUILESS_MAIN(TestProvisioner)
#include "tst_provisioner.moc"
