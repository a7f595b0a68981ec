// SPDX-License-Identifier: Apache-2.0
// DeviceSession against prov-sim over real HTTP on 127.0.0.1 (ephemeral ports): proto-ver facts,
// the device's scan in the model, Apply to Connected, typed failures with the app's advice,
// reset / re-provision, custom endpoints, cancel, and the factory record rows written through
// RecordLog (phases, outcome, no secret anywhere in the database files).
#include "simfleet.h"

#include "records/recordlog.h"
#include "session/devicesession.h"
#include "session/erroradvice.h"
#include "session/wifiinfo.h"

#include "prov/record.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using prov::ErrorCode;
using Op = DeviceSession::Operation;

namespace {
// Simulated credentials (not user secrets, but they must not reach the record either).
const QString kPassphrase = QStringLiteral("mypassword");
const QString kWrongPassphrase = QStringLiteral("wrong-pass-77");
const QByteArray kSrpPassword = "s3cret-srp-pw";
const QByteArray kPop = "pop-7f3a9c";
} // namespace

class TestDeviceSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void connectReadsProtoVerFacts();
    void scanFillsModelWithBarsAndWords();
    void applyReachesConnected();
    void wrongPassphraseGivesAuthErrorWithAdvice();
    void resetAfterFailureThenReprovisionSucceeds();
    void unknownSsidGivesNetworkNotFound();
    void closedConnectionDuringApplyIsTyped();
    void refusesBadCredentialsBeforeSending();
    void reprovisionGivesNewCredentials();
    void customEndpointShowsResponse();
    void customEndpointMissingIsHttpStatus();
    void cancelEndsWithCancelled();
    void wrongPopIsAuthenticationFailed();
    void bleRowWithoutAddressFailsTyped();
    void recordRowsWrittenWithoutSecrets();

private:
    DeviceEntry entryFor(
        const QString &name, QByteArray username = "wifiprov", QByteArray password = kSrpPassword);
    std::unique_ptr<DeviceSession> session(const QString &name);
    static bool run(DeviceSession *s, const std::function<bool()> &verb, int *errorCode = nullptr);

    QTemporaryDir m_dir;
    std::unique_ptr<SimFleet> m_fleet;
    std::unique_ptr<RecordLog> m_log;
    std::unique_ptr<DeviceSession> m_main; // WS_FACTS: connect, scan, apply in sequence
    QHash<QString, QString> m_attemptOf; // test tag -> attempt id, for the record checks
};

DeviceEntry TestDeviceSession::entryFor(const QString &name, QByteArray username, QByteArray password)
{
    const QJsonObject line = m_fleet->device(name);
    DeviceEntry e;
    e.serviceName = name;
    e.host = line.value(QLatin1String("host")).toString();
    e.port = quint16(line.value(QLatin1String("port")).toInt());
    e.origins = int(DeviceOrigin::Manifest);
    e.credentials.username = username;
    e.credentials.password = password;
    e.credentials.pop = kPop;
    return e;
}

std::unique_ptr<DeviceSession> TestDeviceSession::session(const QString &name)
{
    SessionConfig config;
    config.requestTimeoutMs = 4000;
    config.connectTimeoutMs = 15000;
    config.firstPollDelayMs = 100;
    config.pollIntervalMs = 100;
    config.station = QStringLiteral("test-station");
    config.operatorName = QStringLiteral("tester");
    return std::make_unique<DeviceSession>(entryFor(name), config, m_log.get());
}

bool TestDeviceSession::run(DeviceSession *s, const std::function<bool()> &verb, int *errorCode)
{
    QSignalSpy finished(s, &DeviceSession::finished);
    if (!verb())
        return false;
    if (!finished.wait(30000) || finished.size() != 1)
        return false;
    if (errorCode)
        *errorCode = finished.first().at(1).toInt();
    return true;
}

void TestDeviceSession::initTestCase()
{
    QVERIFY(m_dir.isValid());
    auto dev = [](const char *name, QJsonObject extra = {}) {
        QJsonObject o { { QStringLiteral("service_name"), QLatin1String(name) },
            { QStringLiteral("sec_ver"), 2 }, { QStringLiteral("sec_patch_ver"), 1 },
            { QStringLiteral("username"), QStringLiteral("wifiprov") },
            { QStringLiteral("password"), QString::fromLatin1(kSrpPassword) },
            { QStringLiteral("connect_delay_ms"), 150 }, { QStringLiteral("dhcp_delay_ms"), 50 } };
        for (auto it = extra.begin(); it != extra.end(); ++it)
            o.insert(it.key(), it.value());
        return o;
    };
    const QJsonArray devices {
        dev("WS_FACTS"),
        dev("WS_WRONGPASS"),
        dev("WS_NOTFOUND"),
        dev("WS_CLOSE",
            { { QStringLiteral("faults"), QJsonArray { QStringLiteral("close:prov-config:1") } } }),
        dev("WS_REPROV", { { QStringLiteral("auto_stop"), false } }),
        dev("WS_CUSTOM"),
        dev("WS_CANCEL", { { QStringLiteral("faults"), QJsonArray { QStringLiteral("never-connect") } } }),
        dev("WS_SEC1",
            { { QStringLiteral("sec_ver"), 1 }, { QStringLiteral("pop"), QString::fromLatin1(kPop) } }),
    };
    const QString fleetPath = m_dir.filePath(QStringLiteral("fleet.json"));
    QFile fleetFile(fleetPath);
    QVERIFY(fleetFile.open(QIODevice::WriteOnly));
    fleetFile.write(QJsonDocument(QJsonObject { { QStringLiteral("devices"), devices } }).toJson());
    fleetFile.close();

    m_fleet = std::make_unique<SimFleet>(QStringList { QStringLiteral("--fleet"), fleetPath });
    QVERIFY2(m_fleet->start(), qPrintable(m_fleet->errorString()));
    QCOMPARE(m_fleet->devices().size(), devices.size());

    m_log = std::make_unique<RecordLog>();
    QSignalSpy opened(m_log.get(), &RecordLog::opened);
    m_log->open(m_dir.filePath(QStringLiteral("record/factory.sqlite")));
    QVERIFY(opened.wait(10000));
    const auto openStatus = opened.first().at(0).value<prov::Status>();
    QVERIFY2(openStatus.has_value(), qPrintable(openStatus.error().toString()));
}

void TestDeviceSession::cleanupTestCase()
{
    m_log.reset();
    m_fleet.reset();
}

void TestDeviceSession::connectReadsProtoVerFacts()
{
    auto s = session(QStringLiteral("WS_FACTS"));
    QVERIFY(!s->isConnected());
    QCOMPARE(s->secVer(), -1);
    int code = -1;
    QVERIFY(run(
        s.get(), [&] { return s->connectDevice(); }, &code));
    QCOMPARE(code, 0);
    QVERIFY(s->isConnected());
    QCOMPARE(s->provVersion(), QStringLiteral("v1.1"));
    QCOMPARE(s->secVer(), 2);
    QCOMPARE(s->secPatchVer(), 1);
    QVERIFY(s->capabilities().contains(QStringLiteral("wifi_scan")));
    QVERIFY(s->canScan());
    const auto done = int(DeviceSession::StepState::StepDone);
    const auto pending = int(DeviceSession::StepState::StepPending);
    QCOMPARE(s->stepStates(), (QList<int> { done, done, pending, pending, pending, pending }));
    QCOMPARE(s->progress(), 2.0 / 6.0);
    QVERIFY(!s->isBusy());
    QCOMPARE(s->errorCode(), 0);
    QVERIFY(!s->attemptId().isEmpty()); // the attempt stays open until provisioning ends
    m_attemptOf.insert(QStringLiteral("facts"), s->attemptId());

    // Keep this session for the scan and apply tests.
    m_main = std::move(s);
}

void TestDeviceSession::scanFillsModelWithBarsAndWords()
{
    QVERIFY(m_main);
    DeviceSession *s = m_main.get();
    QSignalSpy steps(s, &DeviceSession::stepChanged);
    int code = -1;
    QVERIFY(run(
        s, [&] { return s->refreshScan(); }, &code));
    QCOMPARE(code, 0);
    QVERIFY(s->hasScanned());
    QVERIFY(steps.size() >= 2); // Scanning, then Done

    // prov-sim's default radio (docs/prov-sim.md): four networks, strongest first.
    WifiScanProxyModel *proxy = s->scanModel();
    QCOMPARE(proxy->rowCount(), 4);
    auto at = [proxy](int row, int role) { return proxy->valueAt(row, role); };
    QCOMPARE(at(0, WifiScanModel::SsidRole).toString(), QStringLiteral("myssid"));
    QCOMPARE(at(0, WifiScanModel::RssiRole).toInt(), -45);
    QCOMPARE(at(0, WifiScanModel::BarsRole).toInt(), 4);
    QCOMPARE(at(0, WifiScanModel::ChannelRole).toInt(), 6);
    QCOMPARE(at(0, WifiScanModel::BandTextRole).toString(), QStringLiteral("2.4 GHz"));
    QCOMPARE(at(0, WifiScanModel::BssidRole).toString(), QStringLiteral("02:1a:2b:3c:4d:01"));
    QCOMPARE(at(0, WifiScanModel::AuthTextRole).toString(), QStringLiteral("WPA2-Personal"));
    QCOMPARE(at(0, WifiScanModel::SecuredRole).toBool(), true);
    QCOMPARE(at(1, WifiScanModel::SsidRole).toString(), QStringLiteral("HomeNetwork"));
    QCOMPARE(at(1, WifiScanModel::BarsRole).toInt(), 3); // -58 dBm
    QCOMPARE(at(1, WifiScanModel::AuthTextRole).toString(), QStringLiteral("WPA/WPA2-Personal"));
    QCOMPARE(at(2, WifiScanModel::SsidRole).toString(), QStringLiteral("CoffeeShop"));
    QCOMPARE(at(2, WifiScanModel::BarsRole).toInt(), 2); // -71 dBm
    QCOMPARE(at(2, WifiScanModel::SecuredRole).toBool(), false);
    QCOMPARE(at(2, WifiScanModel::AuthTextRole).toString(), QStringLiteral("Open"));
    QCOMPARE(at(3, WifiScanModel::SsidRole).toString(), QStringLiteral("Neighbor"));
    QCOMPARE(at(3, WifiScanModel::BarsRole).toInt(), 1); // -83 dBm
    QCOMPARE(at(3, WifiScanModel::AuthTextRole).toString(), QStringLiteral("WPA3-Personal"));

    // Sorting happens in the proxy: by channel (HomeNetwork 1, Neighbor 3, myssid 6, CoffeeShop 11).
    proxy->sortBy(WifiScanProxyModel::SortKey::Channel);
    QCOMPARE(at(0, WifiScanModel::SsidRole).toString(), QStringLiteral("HomeNetwork"));
    QCOMPARE(at(3, WifiScanModel::SsidRole).toString(), QStringLiteral("CoffeeShop"));
    proxy->sortBy(WifiScanProxyModel::SortKey::Ssid);
    QCOMPARE(at(0, WifiScanModel::SsidRole).toString(), QStringLiteral("CoffeeShop"));
    QCOMPARE(at(3, WifiScanModel::SsidRole).toString(), QStringLiteral("Neighbor"));
    proxy->sortBy(WifiScanProxyModel::SortKey::Signal);
    QCOMPARE(at(0, WifiScanModel::SsidRole).toString(), QStringLiteral("myssid"));
    QCOMPARE(s->authModeFor(QStringLiteral("CoffeeShop")), int(prov::AuthMode::Open));
    QCOMPARE(s->authModeFor(QStringLiteral("NotScanned")), -1);
    QVERIFY(!s->needsPassphrase(s->authModeFor(QStringLiteral("CoffeeShop"))));
    QVERIFY(s->needsPassphrase(s->authModeFor(QStringLiteral("myssid"))));
    QVERIFY(s->needsPassphrase(-1));
}

void TestDeviceSession::applyReachesConnected()
{
    QVERIFY(m_main);
    DeviceSession *s = m_main.get();
    QSignalSpy states(s, &DeviceSession::applyStateChanged);
    QList<DeviceSession::ApplyState> seen;
    connect(s, &DeviceSession::applyStateChanged, this, [&seen, s] {
        if (seen.isEmpty() || seen.constLast() != s->applyState())
            seen << s->applyState();
    });
    int code = -1;
    QVERIFY(run(
        s, [&] { return s->apply(QStringLiteral("myssid"), kPassphrase); }, &code));
    QCOMPARE(code, 0);
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::Connected);
    QCOMPARE(seen.constFirst(), DeviceSession::ApplyState::Sending);
    QVERIFY(seen.contains(DeviceSession::ApplyState::Connecting));
    QCOMPARE(seen.constLast(), DeviceSession::ApplyState::Connected);
    QCOMPARE(s->connectedIp(), QStringLiteral("192.168.1.100"));
    QCOMPARE(s->connectedChannel(), 6);
    QCOMPARE(s->connectedBssid(), QStringLiteral("02:1a:2b:3c:4d:01"));
    QCOMPARE(s->appliedSsid(), QStringLiteral("myssid"));
    QCOMPARE(s->progress(), 1.0);
    QVERIFY(s->attemptId().isEmpty()); // the attempt ended: Provisioned
    m_main.reset();
}

void TestDeviceSession::wrongPassphraseGivesAuthErrorWithAdvice()
{
    auto s = session(QStringLiteral("WS_WRONGPASS"));
    int code = -1;
    QVERIFY(run(
        s.get(), [&] { return s->apply(QStringLiteral("myssid"), kWrongPassphrase); }, &code));
    QCOMPARE(code, int(ErrorCode::WifiAuthError));
    QCOMPARE(s->errorCode(), int(ErrorCode::WifiAuthError));
    QCOMPARE(s->errorName(), QStringLiteral("wifi_auth_error"));
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::Failed);
    QCOMPARE(s->errorAdvice(), ws::adviceFor(ErrorCode::WifiAuthError, ws::ErrorContext::Apply).advice);
    QVERIFY(s->errorAdvice().startsWith(QStringLiteral("Wrong Wi-Fi password.")));
    QCOMPARE(s->errorHeadline(), QStringLiteral("Wrong Wi-Fi password"));
    QVERIFY(!s->errorDetail().contains(kWrongPassphrase));
    QVERIFY(s->attemptId().isEmpty()); // ended: Failed
    m_main = std::move(s); // reused by the reset test
}

void TestDeviceSession::resetAfterFailureThenReprovisionSucceeds()
{
    QVERIFY(m_main);
    DeviceSession *s = m_main.get();
    int code = -1;
    QVERIFY(run(
        s, [&] { return s->reset(); }, &code));
    QCOMPARE(code, 0);
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::Idle);
    QCOMPARE(s->errorCode(), 0);
    QVERIFY(run(
        s, [&] { return s->apply(QStringLiteral("myssid"), kPassphrase); }, &code));
    QCOMPARE(code, 0);
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::Connected);
    m_main.reset();
}

void TestDeviceSession::unknownSsidGivesNetworkNotFound()
{
    auto s = session(QStringLiteral("WS_NOTFOUND"));
    int code = -1;
    QVERIFY(run(
        s.get(), [&] { return s->apply(QStringLiteral("NoSuchNetwork"), QStringLiteral("whatever-123")); },
        &code));
    QCOMPARE(code, int(ErrorCode::WifiNetworkNotFound));
    QVERIFY(s->errorAdvice().startsWith(QStringLiteral("Network not found: check the SSID")));
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::Failed);
}

void TestDeviceSession::closedConnectionDuringApplyIsTyped()
{
    // --fault close:prov-config:1: the device closes the connection on SetConfig without answering.
    auto s = session(QStringLiteral("WS_CLOSE"));
    int code = -1;
    QVERIFY(run(
        s.get(), [&] { return s->apply(QStringLiteral("myssid"), kPassphrase); }, &code));
    QCOMPARE(code, int(ErrorCode::DeviceRefused));
    QCOMPARE(s->errorAdvice(), ws::adviceFor(ErrorCode::DeviceRefused, ws::ErrorContext::Apply).advice);
    QVERIFY(s->errorAdvice().contains(QStringLiteral("dropped the link after apply")));
    // The session recovers: the next attempt redoes the handshake and succeeds.
    QVERIFY(run(
        s.get(), [&] { return s->apply(QStringLiteral("myssid"), kPassphrase); }, &code));
    QCOMPARE(code, 0);
}

void TestDeviceSession::refusesBadCredentialsBeforeSending()
{
    auto s = session(QStringLiteral("WS_NOTFOUND"));
    QVERIFY(run(s.get(), [&] { return s->refreshScan(); }));
    QSignalSpy finished(s.get(), &DeviceSession::finished);
    QSignalSpy busy(s.get(), &DeviceSession::busyChanged);

    QVERIFY(!s->apply(QStringLiteral("myssid"), QStringLiteral("short")));
    QVERIFY(s->validationMessage().contains(QStringLiteral("8..63")));
    QVERIFY(!s->apply(QStringLiteral("CoffeeShop"), QStringLiteral("password123")));
    QVERIFY(s->validationMessage().contains(QStringLiteral("open network"), Qt::CaseInsensitive));
    QVERIFY(!s->apply(QStringLiteral("myssid"), QString(64, QLatin1Char('a'))));
    QVERIFY(s->validationMessage().contains(QStringLiteral("64-hex-digit")));
    QVERIFY(!s->apply(QStringLiteral("hidden-wep"), QStringLiteral("abcdef"), int(prov::AuthMode::WEP)));
    QVERIFY(s->validationMessage().contains(QStringLiteral("WEP")));
    QVERIFY(!s->apply(
        QStringLiteral("corp"), QStringLiteral("whatever-123"), int(prov::AuthMode::WPA2_Enterprise)));
    QVERIFY(!s->apply(QString(), QStringLiteral("whatever-123")));
    QVERIFY(s->validate(QStringLiteral("myssid"), kPassphrase).isEmpty());
    QVERIFY(s->validate(QStringLiteral("hidden-wep"), QStringLiteral("abcde"), int(prov::AuthMode::WEP))
                .isEmpty());
    QVERIFY(s->validate(QStringLiteral("hidden-wep"), QStringLiteral("0123456789"), 1).isEmpty());

    QVERIFY(!s->customRequest(QStringLiteral("bad endpoint/"), "x", false));
    QVERIFY(!s->sendCustom(
        QStringLiteral("custom-data"), QStringLiteral("0g"), DeviceSession::PayloadFormat::Hex, false));
    QVERIFY(s->validationMessage().contains(QStringLiteral("hex")));
    QVERIFY(!s->sendCustom(QStringLiteral("custom-data"), m_dir.filePath(QStringLiteral("missing.bin")),
        DeviceSession::PayloadFormat::File, false));

    QCOMPARE(finished.size(), 0); // nothing was sent
    QCOMPARE(busy.size(), 0);
}

void TestDeviceSession::reprovisionGivesNewCredentials()
{
    // Firmware with auto-stop disabled accepts Reprov after Connected (§9.4).
    auto s = session(QStringLiteral("WS_REPROV"));
    int code = -1;
    QVERIFY(run(
        s.get(), [&] { return s->apply(QStringLiteral("myssid"), kPassphrase); }, &code));
    QCOMPARE(code, 0);
    QVERIFY(run(
        s.get(), [&] { return s->reprovision(); }, &code));
    QCOMPARE(code, 0);
    QCOMPARE(s->applyState(), DeviceSession::ApplyState::Idle);
    QVERIFY(run(
        s.get(), [&] { return s->apply(QStringLiteral("HomeNetwork"), QStringLiteral("homepass123")); },
        &code));
    QCOMPARE(code, 0);
    QCOMPARE(s->connectedChannel(), 1);
}

void TestDeviceSession::customEndpointShowsResponse()
{
    auto s = session(QStringLiteral("WS_CUSTOM"));
    int code = -1;
    QVERIFY(run(
        s.get(), [&] { return s->connectDevice(); }, &code));
    m_attemptOf.insert(QStringLiteral("custom"), s->attemptId());
    QVERIFY(run(
        s.get(),
        [&] {
            return s->sendCustom(QStringLiteral("custom-data"), QStringLiteral("68 65 6c 6c 6f"),
                DeviceSession::PayloadFormat::Hex, true);
        },
        &code));
    QCOMPARE(code, 0);
    QVERIFY(s->hasCustomResponse());
    QCOMPARE(s->customEndpoint(), QStringLiteral("custom-data"));
    QCOMPARE(s->customResponseText(), QStringLiteral("SUCCESS")); // the trailing NUL is stripped for text
    QCOMPARE(s->customResponseSize(), 8); // ... and counted in the size (§9.5)
    QCOMPARE(s->customResponseHex(), QStringLiteral("53 55 43 43 45 53 53 00"));

    // A payload from a file, not recorded (secret by default).
    const QString file = m_dir.filePath(QStringLiteral("payload.bin"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("file-payload-secret");
    f.close();
    QVERIFY(run(
        s.get(),
        [&] {
            return s->sendCustom(QStringLiteral("custom-data"), QUrl::fromLocalFile(file).toString(),
                DeviceSession::PayloadFormat::File, false);
        },
        &code));
    QCOMPARE(code, 0);
}

void TestDeviceSession::customEndpointMissingIsHttpStatus()
{
    auto s = session(QStringLiteral("WS_CUSTOM"));
    int code = -1;
    QVERIFY(run(
        s.get(), [&] { return s->customRequest(QStringLiteral("no-such-endpoint"), "x", false); }, &code));
    QCOMPARE(code, int(ErrorCode::HttpStatus));
    QCOMPARE(s->errorHeadline(), ws::adviceFor(ErrorCode::HttpStatus, ws::ErrorContext::Custom).headline);
    QVERIFY(!s->hasCustomResponse());
}

void TestDeviceSession::cancelEndsWithCancelled()
{
    // never-connect: the station stays Connecting, so the apply runs until cancelled.
    auto s = session(QStringLiteral("WS_CANCEL"));
    QSignalSpy finished(s.get(), &DeviceSession::finished);
    QVERIFY(s->apply(QStringLiteral("myssid"), kPassphrase));
    QTRY_COMPARE_WITH_TIMEOUT(s->applyState(), DeviceSession::ApplyState::Connecting, 10000);
    QVERIFY(s->isBusy());
    s->cancel();
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 5000);
    QCOMPARE(finished.first().at(0).value<Op>(), Op::Apply);
    QCOMPARE(finished.first().at(1).toInt(), int(ErrorCode::Cancelled));
    QVERIFY(!s->isBusy());
    QCOMPARE(s->errorHeadline(), QStringLiteral("Cancelled"));
}

void TestDeviceSession::wrongPopIsAuthenticationFailed()
{
    DeviceEntry e = entryFor(QStringLiteral("WS_SEC1"));
    e.credentials.pop = "not-the-pop";
    SessionConfig config;
    DeviceSession s(e, config, nullptr);
    int code = -1;
    QVERIFY(run(
        &s, [&] { return s.connectDevice(); }, &code));
    QCOMPARE(code, int(ErrorCode::AuthenticationFailed));
    QCOMPARE(
        s.errorAdvice(), ws::adviceFor(ErrorCode::AuthenticationFailed, ws::ErrorContext::Connect).advice);
    QVERIFY(s.errorAdvice().startsWith(QStringLiteral("Wrong PoP / SRP password")));
    const auto failed = int(DeviceSession::StepState::StepFailed);
    QCOMPARE(s.stepStates().at(1), failed); // the handshake step
}

void TestDeviceSession::bleRowWithoutAddressFailsTyped()
{
    DeviceEntry e;
    e.serviceName = QStringLiteral("PROV_BLE001");
    e.transport = prov::TransportKind::Ble;
    DeviceSession s(e, SessionConfig {}, nullptr);
    int code = -1;
    QVERIFY(run(
        &s, [&] { return s.connectDevice(); }, &code));
    // Known from a QR code only: no Bluetooth address until a BLE scan finds the device.
    QCOMPARE(code, int(ErrorCode::ConnectFailed));
    QVERIFY(s.errorDetail().contains(QLatin1String("BLE scan")));
    QVERIFY(!s.errorAdvice().isEmpty());

    // A transport kind this build does not know stays Unavailable.
    e.transport = prov::TransportKind(99);
    DeviceSession t(e, SessionConfig {}, nullptr);
    QVERIFY(run(
        &t, [&] { return t.connectDevice(); }, &code));
    QCOMPARE(code, int(ErrorCode::Unavailable));
}

void TestDeviceSession::recordRowsWrittenWithoutSecrets()
{
    m_main.reset();
    QSignalSpy drained(m_log.get(), &RecordLog::drained);
    m_log->requestDrain();
    QVERIFY(drained.wait(10000));

    auto store = prov::RecordStore::openSqlite(m_dir.filePath(QStringLiteral("record/factory.sqlite")));
    QVERIFY2(store, store ? "" : qPrintable(store.error().toString()));
    auto records = (*store)->query(prov::RecordFilter {});
    QVERIFY(records);
    QVERIFY(records->size() >= 10);

    auto byId = [&](const QString &id) -> const prov::ProvisioningRecord * {
        for (const auto &r : *records) {
            if (r.start.attemptId == id)
                return &r;
        }
        return nullptr;
    };
    // The WS_FACTS attempt: connect, scan, apply -> Provisioned, one phase row per phase.
    const prov::ProvisioningRecord *facts = byId(m_attemptOf.value(QStringLiteral("facts")));
    QVERIFY(facts);
    QCOMPARE(facts->end.outcome, prov::RecordOutcome::Provisioned);
    QCOMPARE(facts->end.ssid, QStringLiteral("myssid"));
    QCOMPARE(facts->end.failureCode, 0);
    QCOMPARE(facts->start.station, QStringLiteral("test-station"));
    QCOMPARE(facts->start.operatorName, QStringLiteral("tester"));
    QCOMPARE(facts->start.serviceName, QStringLiteral("WS_FACTS"));
    QCOMPARE(facts->device.secVer, 2);
    QCOMPARE(facts->device.secPatchVer, 1);
    QVERIFY(facts->device.protoVerJson.contains(QStringLiteral("wifi_scan")));
    QStringList phases;
    for (const auto &p : facts->phases) {
        phases << p.phase;
        QVERIFY(p.durationMs >= 0);
    }
    QCOMPARE(phases,
        (QStringList { QStringLiteral("connect"), QStringLiteral("handshake"), QStringLiteral("scan"),
            QStringLiteral("apply"), QStringLiteral("wait_connected") }));

    // Failures carry the typed code; cancelled attempts are Cancelled.
    int authErrors = 0, notFound = 0, refused = 0, cancelled = 0;
    for (const auto &r : *records) {
        if (r.end.failureCode == int(ErrorCode::WifiAuthError)
            && r.end.outcome == prov::RecordOutcome::Failed)
            ++authErrors;
        if (r.end.failureCode == int(ErrorCode::WifiNetworkNotFound))
            ++notFound;
        if (r.end.failureCode == int(ErrorCode::DeviceRefused))
            ++refused;
        if (r.end.outcome == prov::RecordOutcome::Cancelled)
            ++cancelled;
        QVERIFY(r.end.outcome != prov::RecordOutcome::InProgress);
    }
    QCOMPARE(authErrors, 1);
    QCOMPARE(notFound, 1);
    QCOMPARE(refused, 1);
    QVERIFY(cancelled >= 1);

    // Custom calls: sizes always, payloads only when marked "not secret".
    const prov::ProvisioningRecord *custom = byId(m_attemptOf.value(QStringLiteral("custom")));
    QVERIFY(custom);
    QCOMPARE(custom->customCalls.size(), 2);
    QCOMPARE(custom->customCalls.at(0).endpoint, QStringLiteral("custom-data"));
    QCOMPARE(custom->customCalls.at(0).requestBytes, 5);
    QCOMPARE(custom->customCalls.at(0).responseBytes, 8);
    QVERIFY(custom->customCalls.at(0).payloadRecorded);
    QCOMPARE(custom->customCalls.at(0).request, QByteArray("hello"));
    QVERIFY(!custom->customCalls.at(1).payloadRecorded);
    QVERIFY(custom->customCalls.at(1).request.isEmpty());
    store->reset();

    // No secret anywhere in the database files (main file, WAL, journal).
    m_log.reset();
    QDirIterator it(m_dir.filePath(QStringLiteral("record")), QDir::Files);
    int files = 0;
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        ++files;
        for (const QByteArray &secret : { kPassphrase.toUtf8(), kWrongPassphrase.toUtf8(),
                 QByteArray("homepass123"), kSrpPassword, kPop, QByteArray("file-payload-secret") })
            QVERIFY2(!bytes.contains(secret),
                qPrintable(QStringLiteral("%1 in %2").arg(QString::fromUtf8(secret), f.fileName())));
    }
    QVERIFY(files >= 1);
}

QTEST_GUILESS_MAIN(TestDeviceSession)
#include "tst_devicesession.moc"
