// SPDX-License-Identifier: Apache-2.0
// prov::AttemptRecorder against a real Provisioner talking HTTP to an in-process SimulatedDevice
// (HttpDeviceServer on 127.0.0.1), writing into a RecordSink that keeps every call: the rows of
// one attempt (begin, facts, phases with durations, custom calls, finish), the outcome mapping
// (Provisioned / Failed / Cancelled, docs/protocol.md §9.1, §9.2) and that no secret is recorded;
// then StoreRecordSink writing the same (and a batch) into a real SQLite RecordStore.
#include "prov/attemptrecorder.h"
#include "prov/device.h"
#include "prov/httpdeviceserver.h"
#include "prov/httptransport.h"
#include "prov/provisioner.h"
#include "prov/recordsink.h"

#include <QDateTime>
#include <QHostAddress>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

using namespace prov;

namespace {

const QByteArray kPop = "pop-secret-1234";
const QByteArray kSsid = "myssid";
const QByteArray kPassphrase = "passphrase-secret";

/// Keeps every call, in order, as written.
class RecordingSink : public RecordSink
{
public:
    struct Attempt
    {
        AttemptStart start;
        QList<DeviceFacts> facts;
        QList<PhaseDuration> phases;
        QList<CustomCallEntry> calls;
        std::optional<AttemptEnd> end;
        int writesAfterFinish = 0;
    };

    QString beginAttempt(AttemptStart start) override
    {
        if (start.attemptId.isEmpty())
            start.attemptId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        order << start.attemptId;
        attempts.insert(start.attemptId, Attempt { start, {}, {}, {}, std::nullopt, 0 });
        return start.attemptId;
    }
    void recordFacts(const QString &id, const DeviceFacts &facts) override { at(id).facts << facts; }
    void addPhase(const QString &id, const PhaseDuration &phase) override { at(id).phases << phase; }
    void addCustomCall(const QString &id, const CustomCallEntry &call) override { at(id).calls << call; }
    void finishAttempt(const QString &id, const AttemptEnd &end) override
    {
        Attempt &a = at(id);
        if (a.end)
            ++a.writesAfterFinish;
        a.end = end;
    }

    void beginBatch(const BatchStart &start) override
    {
        batchWrites << QStringLiteral("begin ") + start.batchId;
    }
    void addBatchDevice(const BatchDevice &device) override
    {
        batchWrites << QStringLiteral("device ") + device.batchId;
    }
    void finishBatch(const QString &batchId, BatchState, qint64) override
    {
        batchWrites << QStringLiteral("finish ") + batchId;
    }

    Attempt &at(const QString &id)
    {
        Attempt &a = attempts[id];
        if (a.end)
            ++a.writesAfterFinish; // a finished attempt refuses writes (RecordStore)
        return a;
    }
    Attempt last() const { return attempts.value(order.constLast()); }
    QStringList phaseNames(const Attempt &a) const
    {
        QStringList out;
        for (const PhaseDuration &p : a.phases)
            out << p.phase;
        return out;
    }
    /// Every text and byte written, for the secret checks.
    QByteArray everything() const
    {
        QByteArray out;
        for (const Attempt &a : attempts) {
            const AttemptStart &s = a.start;
            out += (s.station + s.operatorName + s.serviceName + s.transport + s.address).toUtf8();
            for (const DeviceFacts &f : a.facts)
                out += (f.protoVerJson + f.firmwareVersion).toUtf8();
            for (const PhaseDuration &p : a.phases)
                out += p.phase.toUtf8();
            for (const CustomCallEntry &c : a.calls)
                out += c.endpoint.toUtf8() + c.request + c.response;
            if (a.end)
                out += (a.end->ssid + a.end->failureDetail).toUtf8();
        }
        return out;
    }

    QStringList order;
    QHash<QString, Attempt> attempts;
    QStringList batchWrites;
};

constexpr int kWaitMs = 20000;

} // namespace

class TestAttemptRecorder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void provisionedAttemptHasPhasesFactsAndSsid();
    void wrongPassphraseEndsFailed();
    void cancelEndsCancelled();
    void refusedPopEndsFailedWithoutFacts();
    void customCallsRecordSizesAndPayloadOnlyWhenAllowed();
    void operationWithoutTransportEndsFailed();
    void ownerEndsOpenAttempt();
    void lateEndOfAnEndedAttemptIsIgnored();
    void destroyedRecorderEndsOpenAttempt();
    void anotherDeviceForgetsTheSsid();
    void passesTheWholeIdentityToEveryAttempt();
    void storeSinkWritesTheRecord();
    void storeSinkWritesBatches();

private:
    /// A recorder watching a Provisioner on a fresh link to the device; `pop` as the client sends it.
    void openLink(const QByteArray &pop = kPop);

    std::unique_ptr<SimulatedDevice> m_device;
    std::unique_ptr<HttpDeviceServer> m_server;
    std::unique_ptr<HttpTransport> m_transport;
    std::unique_ptr<Provisioner> m_provisioner;
    std::unique_ptr<RecordingSink> m_sink;
    std::unique_ptr<AttemptRecorder> m_recorder;
};

void TestAttemptRecorder::init()
{
    DeviceConfig config;
    config.serviceName = QStringLiteral("PROV_REC001");
    config.secVer = 1;
    config.pop = kPop;
    config.radio.connectDelayMs = 50;
    config.radio.dhcpDelayMs = 50;
    SimAccessPoint ap;
    ap.ssid = kSsid;
    ap.passphrase = kPassphrase;
    ap.bssid = QByteArray::fromHex("021a2b3c4d01");
    config.radio.accessPoints << ap;
    auto device = SimulatedDevice::create(config);
    QVERIFY2(device, qPrintable(device ? QString() : device.error().toString()));
    m_device = std::move(*device);
    m_server = std::make_unique<HttpDeviceServer>(m_device.get());
    QVERIFY2(m_server->listen(QHostAddress::LocalHost), qPrintable(m_server->errorString()));
    m_sink = std::make_unique<RecordingSink>();
    openLink();
}

void TestAttemptRecorder::cleanup()
{
    m_recorder.reset();
    m_provisioner.reset();
    m_transport.reset();
    m_server.reset();
    m_device.reset();
    m_sink.reset();
}

void TestAttemptRecorder::openLink(const QByteArray &pop)
{
    m_recorder.reset();
    m_provisioner.reset();
    m_transport = std::make_unique<HttpTransport>(QStringLiteral("127.0.0.1"), m_server->port());
    m_transport->setTimeout(3000);
    m_provisioner = std::make_unique<Provisioner>(m_transport.get());
    SecurityOptions security;
    security.pop = pop;
    m_provisioner->setSecurityOptions(security);
    m_recorder = std::make_unique<AttemptRecorder>(m_sink.get());
    AttemptStart identity;
    identity.station = QStringLiteral("Line 4");
    identity.operatorName = QStringLiteral("Ada");
    identity.serviceName = QStringLiteral("PROV_REC001");
    identity.transport = QStringLiteral("softap");
    identity.address = QStringLiteral("127.0.0.1:%1").arg(m_server->port());
    m_recorder->setIdentity(identity);
    m_recorder->setProvisioner(m_provisioner.get());
}

void TestAttemptRecorder::provisionedAttemptHasPhasesFactsAndSsid()
{
    const QString id = m_recorder->operationStarted();
    QVERIFY(!id.isEmpty());
    auto *connect = m_provisioner->connectDevice();
    m_recorder->watch(connect, AttemptRecorder::Operation::Connect);
    QVERIFY(connect->waitForResult(kWaitMs));
    QCOMPARE(m_recorder->attemptId(), id); // connecting does not end an attempt

    QCOMPARE(m_recorder->operationStarted(), id);
    auto *scan = m_provisioner->scanWifi();
    m_recorder->watch(scan, AttemptRecorder::Operation::Scan);
    QVERIFY(scan->waitForResult(kWaitMs));

    QCOMPARE(m_recorder->operationStarted(), id);
    WifiCredentials credentials;
    credentials.ssid = kSsid;
    credentials.passphrase = kPassphrase;
    ProvisionOptions options;
    options.firstPollDelayMs = 50;
    options.pollIntervalMs = 50;
    auto *provision = m_provisioner->provision(credentials, options);
    m_recorder->watchProvision(provision, credentials.ssid);
    const auto result = provision->waitForResult(kWaitMs);
    QVERIFY2(result, qPrintable(result ? QString() : result.error().toString()));
    QVERIFY(m_recorder->attemptId().isEmpty()); // provisioning ended the attempt

    QCOMPARE(m_sink->order.size(), 1);
    const RecordingSink::Attempt a = m_sink->last();
    QCOMPARE(a.start.attemptId, id);
    QCOMPARE(a.start.serviceName, QStringLiteral("PROV_REC001"));
    QCOMPARE(a.start.transport, QStringLiteral("softap"));
    QCOMPARE(a.start.station, QStringLiteral("Line 4"));
    QVERIFY(a.start.startedAtMs > 0);
    QVERIFY(!a.facts.isEmpty());
    QCOMPARE(a.facts.constLast().secVer, 1);
    QCOMPARE(a.facts.constLast().secPatchVer, -1);
    QVERIFY(a.facts.constLast().protoVerJson.contains(QLatin1String("prov")));
    const QStringList phases = m_sink->phaseNames(a);
    for (const char *phase : { "connect", "handshake", "scan", "apply", "wait_connected" })
        QVERIFY2(phases.contains(QLatin1String(phase)), qPrintable(phases.join(u',')));
    QVERIFY(phases.indexOf(QLatin1String("connect")) < phases.indexOf(QLatin1String("apply")));
    QVERIFY(phases.indexOf(QLatin1String("apply")) < phases.indexOf(QLatin1String("wait_connected")));
    for (const PhaseDuration &p : a.phases)
        QVERIFY(p.durationMs >= 0);
    QVERIFY(a.end);
    QCOMPARE(a.end->outcome, RecordOutcome::Provisioned);
    QCOMPARE(a.end->ssid, QString::fromUtf8(kSsid));
    QCOMPARE(a.end->failureCode, 0);
    QVERIFY(a.end->finishedAtMs >= a.start.startedAtMs);
    QCOMPARE(a.writesAfterFinish, 0);
    const QByteArray all = m_sink->everything();
    QVERIFY(!all.contains(kPassphrase));
    QVERIFY(!all.contains(kPop));
}

void TestAttemptRecorder::wrongPassphraseEndsFailed()
{
    const QString first = m_recorder->operationStarted();
    WifiCredentials credentials;
    credentials.ssid = kSsid;
    credentials.passphrase = QByteArray("wrong-passphrase-xyz");
    ProvisionOptions options;
    options.firstPollDelayMs = 50;
    options.pollIntervalMs = 50;
    auto *provision = m_provisioner->provision(credentials, options);
    m_recorder->watchProvision(provision, credentials.ssid);
    const auto result = provision->waitForResult(kWaitMs);
    QVERIFY(!result);
    QCOMPARE(result.error().code, ErrorCode::WifiAuthError);

    const RecordingSink::Attempt a = m_sink->last();
    QVERIFY(a.end);
    QCOMPARE(a.end->outcome, RecordOutcome::Failed);
    QCOMPARE(a.end->failureCode, int(ErrorCode::WifiAuthError));
    QCOMPARE(a.end->ssid, QString::fromUtf8(kSsid));
    QVERIFY(!a.facts.isEmpty()); // connected on the way: facts after proto-ver
    QVERIFY(!m_sink->everything().contains("wrong-passphrase-xyz"));

    // The next operation opens a new attempt (a follow-up: the facts are known already).
    const QString second = m_recorder->operationStarted();
    QVERIFY(!second.isEmpty());
    QVERIFY(second != first);
    QVERIFY(!m_sink->attempts.value(second).facts.isEmpty());
}

void TestAttemptRecorder::cancelEndsCancelled()
{
    m_recorder->operationStarted();
    WifiCredentials credentials;
    credentials.ssid = kSsid;
    credentials.passphrase = kPassphrase;
    ProvisionOptions options;
    options.firstPollDelayMs = 2000; // still waiting when cancelled
    auto *provision = m_provisioner->provision(credentials, options);
    m_recorder->watchProvision(provision, credentials.ssid);
    QTimer::singleShot(300, m_provisioner.get(), [this] { m_provisioner->cancel(); });
    const auto result = provision->waitForResult(kWaitMs);
    QVERIFY(!result);
    QCOMPARE(result.error().code, ErrorCode::Cancelled);
    const RecordingSink::Attempt a = m_sink->last();
    QVERIFY(a.end);
    QCOMPARE(a.end->outcome, RecordOutcome::Cancelled);
    QCOMPARE(a.end->failureCode, int(ErrorCode::Cancelled));
    QVERIFY(!a.phases.isEmpty()); // the open phase was closed with its duration
    QCOMPARE(a.writesAfterFinish, 0);
}

void TestAttemptRecorder::refusedPopEndsFailedWithoutFacts()
{
    openLink("not-the-pop");
    m_recorder->operationStarted();
    auto *connect = m_provisioner->connectDevice();
    m_recorder->watch(connect, AttemptRecorder::Operation::Connect);
    const auto result = connect->waitForResult(kWaitMs);
    QVERIFY(!result);
    const RecordingSink::Attempt a = m_sink->last();
    QVERIFY(a.end);
    QCOMPARE(a.end->outcome, RecordOutcome::Failed);
    QCOMPARE(a.end->failureCode, int(result.error().code));
    QVERIFY(a.facts.isEmpty());
    QVERIFY(m_sink->phaseNames(a).contains(QLatin1String("handshake")));
    QVERIFY(!m_sink->everything().contains("not-the-pop"));
}

void TestAttemptRecorder::customCallsRecordSizesAndPayloadOnlyWhenAllowed()
{
    const QString id = m_recorder->operationStarted();
    const QByteArray secretPayload = "device-secret-token";
    auto *first = m_provisioner->customRequest(QStringLiteral("custom-data"), secretPayload);
    m_recorder->watchCustom(first, QStringLiteral("custom-data"), secretPayload, false);
    QVERIFY(first->waitForResult(kWaitMs));
    m_recorder->operationStarted();
    auto *second = m_provisioner->customRequest(QStringLiteral("custom-data"), "hello");
    m_recorder->watchCustom(second, QStringLiteral("custom-data"), "hello", true);
    QVERIFY(second->waitForResult(kWaitMs));
    QCOMPARE(m_recorder->attemptId(), id); // custom calls leave the attempt open

    const RecordingSink::Attempt a = m_sink->attempts.value(id);
    QCOMPARE(a.calls.size(), 2);
    QCOMPARE(a.calls[0].requestBytes, secretPayload.size());
    QCOMPARE(a.calls[0].responseBytes, qint64(8)); // "SUCCESS\0" (§9.5)
    QVERIFY(!a.calls[0].payloadRecorded);
    QVERIFY(a.calls[0].request.isEmpty() && a.calls[0].response.isEmpty());
    QVERIFY(a.calls[1].payloadRecorded);
    QCOMPARE(a.calls[1].request, QByteArray("hello"));
    QCOMPARE(a.calls[1].response, QByteArray("SUCCESS\0", 8));
    QCOMPARE(a.calls[1].errorCode, 0);
    QVERIFY(!a.facts.isEmpty());
    QVERIFY(m_sink->phaseNames(a).contains(QLatin1String("custom")));
    QVERIFY(!a.end);
    QVERIFY(!m_sink->everything().contains(secretPayload));
}

void TestAttemptRecorder::operationWithoutTransportEndsFailed()
{
    AttemptRecorder recorder(m_sink.get());
    recorder.operationStarted();
    recorder.operationFailed(AttemptRecorder::Operation::Connect,
        makeError(ErrorCode::ConnectFailed, QStringLiteral("BLE address unknown")));
    const RecordingSink::Attempt a = m_sink->last();
    QVERIFY(a.end);
    QCOMPARE(a.end->outcome, RecordOutcome::Failed);
    QCOMPARE(a.end->failureCode, int(ErrorCode::ConnectFailed));
    QCOMPARE(a.end->failureDetail, QStringLiteral("BLE address unknown"));

    // A scan that fails leaves the attempt open; the owner ends it (a closed session).
    const QString id = recorder.operationStarted();
    recorder.operationFailed(
        AttemptRecorder::Operation::Scan, makeError(ErrorCode::Timeout, QStringLiteral("t")));
    QCOMPARE(recorder.attemptId(), id);
    recorder.finishAttempt(RecordOutcome::Cancelled, std::nullopt);
    const RecordingSink::Attempt closed = m_sink->last();
    QVERIFY(closed.end);
    QCOMPARE(closed.end->outcome, RecordOutcome::Cancelled);
    QVERIFY(recorder.attemptId().isEmpty());
}

void TestAttemptRecorder::ownerEndsOpenAttempt()
{
    // No sink: nothing is recorded and nothing fails.
    AttemptRecorder silent(nullptr);
    QVERIFY(silent.operationStarted().isEmpty());
    silent.finishAttempt(RecordOutcome::Cancelled, std::nullopt);

    m_recorder->operationStarted();
    auto *connect = m_provisioner->connectDevice();
    m_recorder->watch(connect, AttemptRecorder::Operation::Connect);
    QVERIFY(connect->waitForResult(kWaitMs));
    m_recorder->finishAttempt(RecordOutcome::Cancelled,
        makeError(ErrorCode::Cancelled, QStringLiteral("session closed before provisioning")));
    const RecordingSink::Attempt a = m_sink->last();
    QCOMPARE(a.end->outcome, RecordOutcome::Cancelled);
    QCOMPARE(a.end->failureCode, int(ErrorCode::Cancelled));
    QVERIFY(a.end->ssid.isEmpty());
    QCOMPARE(m_sink->phaseNames(a).first(), QStringLiteral("connect"));
}

void TestAttemptRecorder::lateEndOfAnEndedAttemptIsIgnored()
{
    // A lane gives up on an attempt (its own timeout), cancels the operation and starts the retry
    // at once; the cancelled operation ends later, from the event loop.
    const QString first = m_recorder->operationStarted();
    WifiCredentials credentials;
    credentials.ssid = kSsid;
    credentials.passphrase = kPassphrase;
    ProvisionOptions options;
    options.firstPollDelayMs = 5000; // still waiting when given up
    auto *provision = m_provisioner->provision(credentials, options);
    m_recorder->watchProvision(provision, credentials.ssid);
    QTest::qWait(100);
    m_recorder->finishAttempt(
        RecordOutcome::Failed, makeError(ErrorCode::Timeout, QStringLiteral("lane timeout")));
    m_provisioner->cancel();
    const QString retry = m_recorder->operationStarted();
    QVERIFY(!retry.isEmpty() && retry != first);
    const auto result = provision->waitForResult(kWaitMs);
    QVERIFY(!result);
    QCOMPARE(result.error().code, ErrorCode::Cancelled);

    QCOMPARE(m_recorder->attemptId(), retry); // the late Cancelled did not close the retry
    QVERIFY(!m_sink->attempts.value(retry).end);
    const RecordingSink::Attempt given = m_sink->attempts.value(first);
    QVERIFY(given.end);
    QCOMPARE(given.end->outcome, RecordOutcome::Failed);
    QCOMPARE(given.end->failureCode, int(ErrorCode::Timeout));
    QCOMPARE(given.writesAfterFinish, 0);
}

void TestAttemptRecorder::destroyedRecorderEndsOpenAttempt()
{
    // Nothing failed: Cancelled.
    const QString quiet = m_recorder->operationStarted();
    m_recorder.reset();
    QVERIFY(m_sink->attempts.value(quiet).end);
    QCOMPARE(m_sink->attempts.value(quiet).end->outcome, RecordOutcome::Cancelled);
    QCOMPARE(m_sink->attempts.value(quiet).end->failureCode, int(ErrorCode::Cancelled));

    // An operation of the attempt failed without ending it (a custom endpoint the firmware lacks):
    // Failed with that error.
    openLink();
    const QString failed = m_recorder->operationStarted();
    auto *custom = m_provisioner->customRequest(QStringLiteral("no-such-endpoint"), "x");
    m_recorder->watchCustom(custom, QStringLiteral("no-such-endpoint"), "x", true);
    const auto result = custom->waitForResult(kWaitMs);
    QVERIFY(!result);
    QCOMPARE(m_recorder->attemptId(), failed); // a failed custom call leaves the attempt open
    m_recorder.reset();
    const RecordingSink::Attempt a = m_sink->attempts.value(failed);
    QVERIFY(a.end);
    QCOMPARE(a.end->outcome, RecordOutcome::Failed);
    QCOMPARE(a.end->failureCode, int(result.error().code));
    QCOMPARE(a.writesAfterFinish, 0);

    // A failure followed by a success is history: Cancelled.
    openLink();
    const QString recovered = m_recorder->operationStarted();
    auto *missing = m_provisioner->customRequest(QStringLiteral("no-such-endpoint"), "x");
    m_recorder->watchCustom(missing, QStringLiteral("no-such-endpoint"), "x", true);
    QVERIFY(!missing->waitForResult(kWaitMs));
    auto *present = m_provisioner->customRequest(QStringLiteral("custom-data"), "hello");
    m_recorder->watchCustom(present, QStringLiteral("custom-data"), "hello", true);
    QVERIFY(present->waitForResult(kWaitMs));
    m_recorder.reset();
    QVERIFY(m_sink->attempts.value(recovered).end);
    QCOMPARE(m_sink->attempts.value(recovered).end->outcome, RecordOutcome::Cancelled);
}

void TestAttemptRecorder::anotherDeviceForgetsTheSsid()
{
    m_recorder->operationStarted();
    WifiCredentials credentials;
    credentials.ssid = kSsid;
    credentials.passphrase = QByteArray("wrong-passphrase-xyz");
    ProvisionOptions options;
    options.firstPollDelayMs = 50;
    options.pollIntervalMs = 50;
    auto *provision = m_provisioner->provision(credentials, options);
    m_recorder->watchProvision(provision, credentials.ssid);
    QVERIFY(!provision->waitForResult(kWaitMs));

    // The same device keeps its network for a follow-up attempt (as the workstation always did).
    m_recorder->operationStarted();
    m_recorder->finishAttempt(RecordOutcome::Cancelled, std::nullopt);
    QCOMPARE(m_sink->last().end->ssid, QString::fromUtf8(kSsid));

    // The next device on the same recorder (a lane) never inherits it.
    AttemptStart next;
    next.serviceName = QStringLiteral("PROV_REC002");
    next.transport = QStringLiteral("softap");
    next.address = QStringLiteral("127.0.0.1:1");
    m_recorder->setIdentity(next);
    m_recorder->operationStarted();
    m_recorder->finishAttempt(RecordOutcome::Cancelled, std::nullopt);
    QCOMPARE(m_sink->last().start.serviceName, QStringLiteral("PROV_REC002"));
    QVERIFY(m_sink->last().end->ssid.isEmpty());
}

void TestAttemptRecorder::passesTheWholeIdentityToEveryAttempt()
{
    AttemptStart identity;
    identity.attemptId = QStringLiteral("ignored-id");
    identity.startedAtMs = 42; // ignored: the attempt's own start time is recorded
    identity.station = QStringLiteral("Line 7");
    identity.operatorName = QStringLiteral("Grace");
    identity.serviceName = QStringLiteral("PROV_REC001");
    identity.transport = QStringLiteral("ble");
    identity.address = QStringLiteral("AA:BB:CC:DD:EE:01");
    identity.batchId = QStringLiteral("batch-0007");
    identity.lane = 3;
    identity.profileId = QStringLiteral("lamp-eu");
    identity.profileVersion = QStringLiteral("2.1");
    identity.attemptNumber = 2;
    m_recorder->setIdentity(identity);

    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const QString first = m_recorder->operationStarted();
    m_recorder->finishAttempt(RecordOutcome::Cancelled, std::nullopt);
    // A retry of the same device in the same batch: the caller counts the attempt up.
    identity.attemptNumber = 3;
    m_recorder->setIdentity(identity);
    const QString second = m_recorder->operationStarted();
    m_recorder->finishAttempt(RecordOutcome::Cancelled, std::nullopt);
    QVERIFY(!first.isEmpty());
    QVERIFY(first != second);

    for (const QString &id : { first, second }) {
        const AttemptStart got = m_sink->attempts.value(id).start;
        QCOMPARE(got.attemptId, id);
        QVERIFY(got.attemptId != identity.attemptId);
        QVERIFY(got.startedAtMs >= before);
        QCOMPARE(got.station, identity.station);
        QCOMPARE(got.operatorName, identity.operatorName);
        QCOMPARE(got.serviceName, identity.serviceName);
        QCOMPARE(got.transport, identity.transport);
        QCOMPARE(got.address, identity.address);
        QCOMPARE(got.batchId, identity.batchId);
        QCOMPARE(got.lane, identity.lane);
        QCOMPARE(got.profileId, identity.profileId);
        QCOMPARE(got.profileVersion, identity.profileVersion);
    }
    QCOMPARE(m_sink->attempts.value(first).start.attemptNumber, 2);
    QCOMPARE(m_sink->attempts.value(second).start.attemptNumber, 3);
    QVERIFY(m_sink->batchWrites.isEmpty()); // batches are the lane engine's, not the recorder's
}

void TestAttemptRecorder::storeSinkWritesTheRecord()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto store = RecordStore::openSqlite(dir.filePath(QStringLiteral("factory.sqlite")));
    QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
    StoreRecordSink sink(store->get());
    AttemptRecorder recorder(&sink);
    AttemptStart identity;
    identity.serviceName = QStringLiteral("PROV_REC001");
    identity.transport = QStringLiteral("softap");
    identity.batchId = QStringLiteral("batch-store-1");
    identity.lane = 0;
    identity.profileId = QStringLiteral("lamp-eu");
    identity.profileVersion = QStringLiteral("2.1");
    identity.attemptNumber = 4;
    recorder.setIdentity(identity);
    recorder.setProvisioner(m_provisioner.get());
    m_recorder->setProvisioner(nullptr); // only the store-backed recorder watches

    const QString id = recorder.operationStarted();
    QVERIFY(!id.isEmpty());
    WifiCredentials credentials;
    credentials.ssid = kSsid;
    credentials.passphrase = kPassphrase;
    ProvisionOptions options;
    options.firstPollDelayMs = 50;
    options.pollIntervalMs = 50;
    auto *provision = m_provisioner->provision(credentials, options);
    recorder.watchProvision(provision, credentials.ssid);
    QVERIFY(provision->waitForResult(kWaitMs));
    QVERIFY(!sink.lastError());

    const auto record = (*store)->record(id);
    QVERIFY2(record, qPrintable(record ? QString() : record.error().toString()));
    QCOMPARE(record->end.outcome, RecordOutcome::Provisioned);
    QCOMPARE(record->end.ssid, QString::fromUtf8(kSsid));
    QCOMPARE(record->device.secVer, 1);
    QVERIFY(record->phases.size() >= 3);
    QVERIFY(record->end.finishedAtMs >= record->start.startedAtMs);
    QCOMPARE(record->start.batchId, identity.batchId);
    QCOMPARE(record->start.lane, 0);
    QCOMPARE(record->start.profileId, identity.profileId);
    QCOMPARE(record->start.profileVersion, identity.profileVersion);
    QCOMPARE(record->start.attemptNumber, 4);
    RecordFilter inBatch;
    inBatch.batchId = identity.batchId;
    QCOMPARE((*store)->count(inBatch).value(), 1);

    // A write for an attempt the store does not know fails typed, and is kept.
    sink.addPhase(QStringLiteral("no-such-attempt"), PhaseDuration { QStringLiteral("scan"), 1 });
    QVERIFY(sink.lastError());
    QCOMPARE(sink.lastError()->code, ErrorCode::InvalidArgument);
}

void TestAttemptRecorder::storeSinkWritesBatches()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto store = RecordStore::openSqlite(dir.filePath(QStringLiteral("factory.sqlite")));
    QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
    StoreRecordSink sink(store->get());

    BatchStart start;
    start.batchId = QStringLiteral("batch-sink-1");
    start.station = QStringLiteral("Line 4");
    start.profileId = QStringLiteral("lamp-eu");
    start.profileJson = QByteArray(R"({"id":"lamp-eu"})");
    start.lanes = 2;
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    sink.beginBatch(start); // startedAtMs 0: now
    BatchDevice device;
    device.batchId = start.batchId;
    device.serviceName = QStringLiteral("PROV_REC001");
    device.transport = QStringLiteral("ble");
    device.address = QStringLiteral("AA:BB:CC:DD:EE:01");
    device.source = QStringLiteral("qr");
    sink.addBatchDevice(device);
    QVERIFY(!sink.lastError());
    QCOMPARE((*store)->unfinishedBatches()->size(), 1);

    sink.finishBatch(start.batchId, BatchState::Finished, 0); // 0: now
    QVERIFY(!sink.lastError());
    const auto batch = (*store)->batch(start.batchId);
    QVERIFY2(batch, qPrintable(batch ? QString() : batch.error().toString()));
    QVERIFY(batch->start.startedAtMs >= before);
    QCOMPARE(batch->state, BatchState::Finished);
    QVERIFY(batch->finishedAtMs >= batch->start.startedAtMs);
    QCOMPARE(batch->devices.size(), 1);
    QCOMPARE(batch->devices.first().source, QStringLiteral("qr"));
    QVERIFY((*store)->unfinishedBatches()->isEmpty());

    // A write to an ended batch fails typed, and is kept.
    sink.addBatchDevice(device);
    QVERIFY(sink.lastError());
    QCOMPARE(sink.lastError()->code, ErrorCode::InvalidArgument);
}

QTEST_GUILESS_MAIN(TestAttemptRecorder)
#include "tst_attemptrecorder.moc"
