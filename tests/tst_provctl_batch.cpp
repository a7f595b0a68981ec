// SPDX-License-Identifier: Apache-2.0
// `provctl batch` as a whole process against a prov-sim tray on 127.0.0.1 (issue 9, docs/provctl.md
// "batch"): the headless 12-device tray with one wrong PoP, its JSON lines and summary, its exit code,
// the record (one row per attempt, with the batch id), SIGINT mid-tray, usage errors, and no secret
// on stdout, stderr or the command line.
#include "prov/record.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>

using namespace prov;

namespace {

const QByteArray kPassphrase = "line-4-secret";
const QByteArray kWrongPop = "not-the-password";
const QString kPrefix = QStringLiteral("PROV_B");

QByteArray devicePassword(int i)
{
    return "tray-pw-" + QByteArray::number(i * 7919);
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QList<QJsonObject> devices; ///< the device lines of --json, in output order
    QJsonObject summary;
};

Run parse(QProcess &p)
{
    Run r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    for (const QByteArray &line : r.out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QStringLiteral("summary")).toBool())
            r.summary = o;
        else
            r.devices << o;
    }
    return r;
}

Run provctl(const QStringList &args, const QByteArray &stdinText, int timeoutMs = 60000)
{
    QProcess p;
    p.start(QStringLiteral(PROV_CTL_PATH), args);
    if (!p.waitForStarted(5000))
        return {};
    p.write(stdinText);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(3000);
        return {};
    }
    return parse(p);
}

QByteArray profileJson(const QString &credentialsFrom, int softapLanes)
{
    return QStringLiteral(R"({
      "schema": 1, "name": "Batch test tray", "id": "batch-test", "version": "7",
      "match": {"service_name_prefix": "%1", "transports": ["softap"], "min_rssi_dbm": -70},
      "security": {"min_sec_ver": 2, "credentials_from": "%2"},
      "network": {"ssid": "Factory", "auth_mode": "WPA2-PSK"},
      "after_apply": "wait_connected",
      "retry": {"timeout": {"retries": 1}},
      "lanes": {"ble": 4, "softap": %3}
    })")
        .arg(kPrefix, credentialsFrom)
        .arg(softapLanes)
        .toUtf8();
}

/// A prov-sim process serving a fleet over HTTP on 127.0.0.1; its JSON-lines manifest.
class Sim
{
public:
    ~Sim()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(3000))
            m_process.kill();
    }
    /// Starts prov-sim with `devices` (fleet-file device objects); false when it did not become ready.
    bool start(const QString &fleetPath, const QJsonArray &devices)
    {
        QFile fleet(fleetPath);
        if (!fleet.open(QIODevice::WriteOnly))
            return false;
        const QJsonObject ap { { QStringLiteral("ssid"), QStringLiteral("Factory") },
            { QStringLiteral("passphrase"), QString::fromUtf8(kPassphrase) },
            { QStringLiteral("auth"), QStringLiteral("WPA2-PSK") }, { QStringLiteral("channel"), 1 },
            { QStringLiteral("rssi"), -40 } };
        fleet.write(QJsonDocument(QJsonObject { { QStringLiteral("access_points"), QJsonArray { ap } },
                                      { QStringLiteral("devices"), devices } })
                        .toJson());
        fleet.close();
        m_process.start(QStringLiteral(PROV_SIM_PATH),
            { QStringLiteral("--fleet"), fleetPath, QStringLiteral("--port"), QStringLiteral("0"),
                QStringLiteral("--connect-delay"), QStringLiteral("0"), QStringLiteral("--dhcp-delay"),
                QStringLiteral("0") });
        if (!m_process.waitForStarted(5000))
            return false;
        while (m_process.canReadLine() || m_process.waitForReadyRead(10000)) {
            const QByteArray line = m_process.readLine();
            if (QJsonDocument::fromJson(line).object().contains(QStringLiteral("ready")))
                return true;
            manifest += line;
        }
        return false;
    }
    QByteArray manifest; ///< every line before the ready line
private:
    QProcess m_process;
};

/// `manifest` with the QR payload's PoP of `serviceName` replaced by `pop`.
QByteArray withPop(const QByteArray &manifest, const QString &serviceName, const QByteArray &pop)
{
    QByteArray out;
    for (const QByteArray &line : manifest.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.value(QStringLiteral("service_name")).toString() == serviceName) {
            QJsonObject qr = QJsonDocument::fromJson(o.value(QStringLiteral("qr")).toString().toUtf8())
                                 .object();
            qr.insert(QStringLiteral("pop"), QString::fromUtf8(pop));
            o.insert(
                QStringLiteral("qr"), QString::fromUtf8(QJsonDocument(qr).toJson(QJsonDocument::Compact)));
        }
        out += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    }
    return out;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

QJsonObject fleetDevice(int i, int connectDelayMs = 0)
{
    return { { QStringLiteral("service_name"),
                 QStringLiteral("%1%2").arg(kPrefix).arg(i, 5, 10, QLatin1Char('0')) },
        { QStringLiteral("sec_ver"), 2 }, { QStringLiteral("username"), QStringLiteral("wifiprov") },
        { QStringLiteral("password"), QString::fromUtf8(devicePassword(i)) },
        { QStringLiteral("connect_delay_ms"), connectDelayMs } };
}

} // namespace

class TestProvctlBatch : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }
    void provisionsTwelveDeviceTrayWithOneWrongPop();
    void interruptAbortsTheBatchAndRecordsCancelled();
    void resumesABatchAfterTheProcessWasKilled();
    void refusesSecretsOnTheCommandLineAndBadStdin();
    void duplicateGuardAsksTheRecord();

private:
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QTemporaryDir m_dir;
};

void TestProvctlBatch::provisionsTwelveDeviceTrayWithOneWrongPop()
{
    constexpr int kDevices = 12;
    constexpr int kWrong = 5; // its manifest line carries a wrong PoP: AuthenticationFailed, never retried
    QJsonArray fleet;
    for (int i = 1; i <= kDevices; ++i)
        fleet.append(fleetDevice(i));
    // A device of another product on the same line: in the manifest, refused by the profile, never touched.
    fleet.append(QJsonObject { { QStringLiteral("service_name"), QStringLiteral("ACME_000001") },
        { QStringLiteral("sec_ver"), 2 }, { QStringLiteral("password"), QStringLiteral("acme-pw-1") } });
    Sim sim;
    QVERIFY(sim.start(path(QStringLiteral("fleet.json")), fleet));
    const QString wrongName = QStringLiteral("%1%2").arg(kPrefix).arg(kWrong, 5, 10, QLatin1Char('0'));
    const QByteArray manifest = withPop(sim.manifest, wrongName, kWrongPop);
    QCOMPARE(manifest.count('\n'), kDevices + 1);
    QVERIFY(writeFile(path(QStringLiteral("tray.jsonl")), manifest));
    QVERIFY(writeFile(path(QStringLiteral("tray-profile.json")), profileJson(QStringLiteral("manifest"), 4)));
    const QString record = path(QStringLiteral("tray-record.db"));

    const QStringList args = { QStringLiteral("batch"), QStringLiteral("--profile"),
        path(QStringLiteral("tray-profile.json")), QStringLiteral("--manifest"),
        path(QStringLiteral("tray.jsonl")), QStringLiteral("--record"), record, QStringLiteral("--station"),
        QStringLiteral("st-3"), QStringLiteral("--operator"), QStringLiteral("tech-a"),
        QStringLiteral("--poll-interval"), QStringLiteral("50"), QStringLiteral("--json") };
    const Run r = provctl(args, "# shift secrets\npassphrase=" + kPassphrase + "\n");
    QVERIFY2(r.exitCode == 45, r.err.constData()); // some devices did not succeed

    // One line per device (the 12 of the tray and the refused one), then the summary.
    QCOMPARE(r.devices.size(), kDevices + 1);
    QSet<QString> names;
    for (const QJsonObject &d : r.devices) {
        const QString name = d.value(QStringLiteral("service_name")).toString();
        names.insert(name);
        QCOMPARE(d.value(QStringLiteral("transport")).toString(), QStringLiteral("softap"));
        QVERIFY(d.value(QStringLiteral("address")).toString().startsWith(QStringLiteral("127.0.0.1:")));
        if (name == QLatin1String("ACME_000001")) {
            QCOMPARE(d.value(QStringLiteral("state")).toString(), QStringLiteral("refused"));
            QCOMPARE(d.value(QStringLiteral("attempts")).toInt(), 0);
            continue;
        }
        QCOMPARE(d.value(QStringLiteral("source")).toString(), QStringLiteral("manifest"));
        QCOMPARE(d.value(QStringLiteral("attempts")).toInt(), 1);
        const int lane = d.value(QStringLiteral("lane")).toInt(-1);
        QVERIFY(lane >= 0 && lane < 4);
        if (name == wrongName) {
            QCOMPARE(d.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
            QCOMPARE(d.value(QStringLiteral("ok")).toBool(), false);
            const QJsonObject error = d.value(QStringLiteral("error")).toObject();
            QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("authentication_failed"));
            QCOMPARE(error.value(QStringLiteral("exit_code")).toInt(), 30);
        } else {
            QCOMPARE(d.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
            QCOMPARE(d.value(QStringLiteral("ok")).toBool(), true);
            QCOMPARE(d.value(QStringLiteral("outcome")).toString(), QStringLiteral("connected"));
            QCOMPARE(d.value(QStringLiteral("status")).toObject().value(QStringLiteral("ssid")).toString(),
                QStringLiteral("Factory"));
            QVERIFY(d.contains(QStringLiteral("firmware")));
        }
    }
    QCOMPARE(names.size(), kDevices + 1);

    const QJsonObject &s = r.summary;
    const QString batchId = s.value(QStringLiteral("batch_id")).toString();
    QVERIFY(!batchId.isEmpty());
    QCOMPARE(s.value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
    QCOMPARE(s.value(QStringLiteral("succeeded")).toInt(), kDevices - 1);
    QCOMPARE(s.value(QStringLiteral("failed")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("refused")).toInt(), 1);
    QCOMPARE(s.value(QStringLiteral("total")).toInt(), kDevices + 1);
    QCOMPARE(s.value(QStringLiteral("lanes")).toInt(), 4);
    QCOMPARE(s.value(QStringLiteral("exit_code")).toInt(), 45);
    QCOMPARE(s.value(QStringLiteral("profile_id")).toString(), QStringLiteral("batch-test"));
    const qint64 wallMs = qint64(s.value(QStringLiteral("wall_time_ms")).toDouble());
    QVERIFY(wallMs > 0);
    QVERIFY(s.value(QStringLiteral("throughput_per_hour")).toDouble() > 0);
    qInfo("12-device tray over HTTP, 4 lanes: %lld ms wall, %.0f devices/h", wallMs,
        s.value(QStringLiteral("throughput_per_hour")).toDouble());
    for (const QJsonObject &d : r.devices) {
        if (d.value(QStringLiteral("state")).toString() != QLatin1String("refused"))
            QCOMPARE(d.value(QStringLiteral("batch_id")).toString(), batchId);
    }
    // Progress on stderr: a start and an end line per device, with its lane.
    QCOMPARE(r.err.count("attempt 1 started"), kDevices);
    QVERIFY(r.err.contains("[lane "));

    // The record: one row per attempt, each with its outcome, the station and the operator.
    auto store = RecordStore::openSqlite(record);
    QVERIFY2(store, qPrintable(store ? QString() : store.error().toString()));
    auto rows = (*store)->query(RecordFilter {});
    QVERIFY(rows);
    QCOMPARE(rows->size(), kDevices);
    QSet<QString> recorded;
    int withBatchColumns = 0;
    for (const ProvisioningRecord &row : *rows) {
        recorded.insert(row.start.serviceName);
        QCOMPARE(row.start.station, QStringLiteral("st-3"));
        QCOMPARE(row.start.operatorName, QStringLiteral("tech-a"));
        QCOMPARE(row.end.outcome,
            row.start.serviceName == wrongName ? RecordOutcome::Failed : RecordOutcome::Provisioned);
        withBatchColumns += row.start.batchId == batchId && row.start.profileId == QLatin1String("batch-test")
                && row.start.profileVersion == QLatin1String("7") && row.start.attemptNumber == 1
                && row.start.lane >= 0 && row.start.lane < 4
            ? 1
            : 0;
    }
    QCOMPARE(recorded.size(), kDevices);
    QVERIFY(!recorded.contains(QStringLiteral("ACME_000001")));
    // Each row names the batch, its lane, the profile id and version and the attempt number.
    QCOMPARE(withBatchColumns, kDevices);
    // The batch itself: finished, with the devices the engine took (the refused one is not among them).
    const Result<BatchInfo> batch = (*store)->batch(batchId);
    QVERIFY2(batch, qPrintable(batch ? QString() : batch.error().toString()));
    QCOMPARE(batch->state, BatchState::Finished);
    QCOMPARE(batch->start.profileId, QStringLiteral("batch-test"));
    QCOMPARE(batch->devices.size(), kDevices);

    // No secret anywhere: not the passphrase, not a device password, not the wrong PoP.
    QList<QByteArray> secrets = { kPassphrase, kWrongPop, QByteArray("acme-pw-1") };
    for (int i = 1; i <= kDevices; ++i)
        secrets << devicePassword(i);
    for (const QByteArray &secret : std::as_const(secrets)) {
        QVERIFY2(!r.out.contains(secret), secret.constData());
        QVERIFY2(!r.err.contains(secret), secret.constData());
        for (const QString &arg : args)
            QVERIFY(!arg.toUtf8().contains(secret));
    }
}

void TestProvctlBatch::interruptAbortsTheBatchAndRecordsCancelled()
{
    // Devices that stay Connecting for a long time: the batch is interrupted while they run.
    QJsonArray fleet;
    for (int i = 1; i <= 3; ++i)
        fleet.append(fleetDevice(100 + i, 30000));
    Sim sim;
    QVERIFY(sim.start(path(QStringLiteral("slow-fleet.json")), fleet));
    QVERIFY(writeFile(path(QStringLiteral("slow.jsonl")), sim.manifest));
    QVERIFY(writeFile(path(QStringLiteral("prompt-profile.json")), profileJson(QStringLiteral("prompt"), 2)));
    const QString record = path(QStringLiteral("slow-record.db"));

    QProcess p;
    p.start(QStringLiteral(PROV_CTL_PATH),
        { QStringLiteral("batch"), QStringLiteral("--profile"), path(QStringLiteral("prompt-profile.json")),
            QStringLiteral("--manifest"), path(QStringLiteral("slow.jsonl")), QStringLiteral("--record"),
            record, QStringLiteral("--poll-interval"), QStringLiteral("50"), QStringLiteral("--json") });
    QVERIFY(p.waitForStarted(5000));
    // The prompt profile: the shift's SRP password for every device (here, each device has its own,
    // so only the PoP of device 101 is right; it does not matter: they are interrupted while connecting).
    p.write("passphrase=" + kPassphrase + "\nusername=wifiprov\npassword=" + devicePassword(101) + "\n");
    p.closeWriteChannel();
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += p.readAllStandardError()).contains("attempt 1 started"), 20000);
    QTest::qWait(300); // let the running jobs get into their Wi-Fi wait
    QCOMPARE(p.state(), QProcess::Running);
    QVERIFY(p.processId() > 0); // never kill(0, ...): that is this test's own process group
    ::kill(pid_t(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(15000));
    Run r = parse(p);
    r.err.prepend(err);
    QVERIFY2(r.exitCode == 50, r.err.constData());
    QCOMPARE(r.summary.value(QStringLiteral("state")).toString(), QStringLiteral("aborted"));
    QVERIFY(r.summary.value(QStringLiteral("aborted")).toInt() >= 1);
    QVERIFY(r.err.contains("interrupted"));

    auto store = RecordStore::openSqlite(record);
    QVERIFY(store);
    QCOMPARE((*store)->interruptedOnOpen(), 0); // every attempt was ended, none left InProgress
    auto rows = (*store)->query(RecordFilter {});
    QVERIFY(rows);
    QVERIFY(!rows->isEmpty());
    int cancelled = 0;
    for (const ProvisioningRecord &row : *rows) {
        QVERIFY(row.end.outcome != RecordOutcome::InProgress);
        cancelled += row.end.outcome == RecordOutcome::Cancelled ? 1 : 0;
    }
    QVERIFY(cancelled >= 1);
    for (const QByteArray &secret : { kPassphrase, devicePassword(101) }) {
        QVERIFY(!r.out.contains(secret));
        QVERIFY(!r.err.contains(secret));
    }
}

/// The duplicate guard over --record: a second batch on devices the record shows provisioned warns
/// (`duplicates` warn: provisioned again, with a note naming the station), a third refuses (`refuse`:
/// already_provisioned, exit code 46 per device, 45 for the batch, the refused attempts recorded).
void TestProvctlBatch::duplicateGuardAsksTheRecord()
{
    QJsonArray fleet;
    for (int i = 1; i <= 2; ++i)
        fleet.append(fleetDevice(300 + i));
    const QString record = path(QStringLiteral("dup-record.db"));
    // Each run meets the devices fresh from the factory (a new prov-sim: a provisioned device takes no
    // second SetConfig without a reset), under the same names.
    auto run = [&](const char *policy) {
        Sim sim;
        if (!sim.start(path(QStringLiteral("dup-fleet.json")), fleet)
            || !writeFile(path(QStringLiteral("dup.jsonl")), sim.manifest))
            return Run {};
        QJsonObject profile = QJsonDocument::fromJson(profileJson(QStringLiteral("manifest"), 2)).object();
        profile.insert(QStringLiteral("duplicates"), QLatin1String(policy));
        const QString profilePath = path(QStringLiteral("dup-%1.json").arg(QLatin1String(policy)));
        if (!writeFile(profilePath, QJsonDocument(profile).toJson()))
            return Run {};
        return provctl(
            { QStringLiteral("batch"), QStringLiteral("--profile"), profilePath, QStringLiteral("--manifest"),
                path(QStringLiteral("dup.jsonl")), QStringLiteral("--record"), record,
                QStringLiteral("--station"), QStringLiteral("st-9"), QStringLiteral("--poll-interval"),
                QStringLiteral("50"), QStringLiteral("--json") },
            "passphrase=" + kPassphrase + "\n");
    };

    const Run first = run("refuse");
    QVERIFY2(first.exitCode == 0, first.err.constData()); // nothing in the record yet
    for (const QJsonObject &d : first.devices)
        QVERIFY(!d.contains(QStringLiteral("duplicate_note")));

    const Run warned = run("warn");
    QVERIFY2(warned.exitCode == 0, warned.err.constData());
    QCOMPARE(warned.devices.size(), 2);
    for (const QJsonObject &d : warned.devices) {
        QCOMPARE(d.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        const QString note = d.value(QStringLiteral("duplicate_note")).toString();
        QVERIFY2(note.startsWith(QLatin1String("provisioned before at station st-9 on ")), qPrintable(note));
    }

    const Run refused = run("refuse");
    QVERIFY2(refused.exitCode == 45, refused.err.constData());
    QCOMPARE(refused.devices.size(), 2);
    for (const QJsonObject &d : refused.devices) {
        QCOMPARE(d.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        const QJsonObject error = d.value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("already_provisioned"));
        QCOMPARE(error.value(QStringLiteral("exit_code")).toInt(), 46);
        QVERIFY(error.value(QStringLiteral("detail"))
                    .toString()
                    .startsWith(QLatin1String("provisioned at station st-9")));
        QVERIFY(error.value(QStringLiteral("advice")).toString().contains(QLatin1String("warn")));
    }
    QCOMPARE(refused.summary.value(QStringLiteral("failed")).toInt(), 2);

    auto store = RecordStore::openSqlite(record);
    QVERIFY(store);
    RecordFilter filter;
    filter.batchId = refused.summary.value(QStringLiteral("batch_id")).toString();
    auto rows = (*store)->query(filter);
    QVERIFY(rows);
    QCOMPARE(rows->size(), 2);
    for (const ProvisioningRecord &row : *rows) {
        QCOMPARE(row.end.outcome, RecordOutcome::Failed);
        QCOMPARE(row.end.failureCode, int(ErrorCode::AlreadyProvisioned));
    }
    filter.batchId.clear();
    filter.outcomes = { RecordOutcome::Provisioned };
    QCOMPARE((*store)->count(filter).value(), qint64(4)); // the first two batches'
}

void TestProvctlBatch::resumesABatchAfterTheProcessWasKilled()
{
    // One lane, devices that take a moment to connect: the process is killed (no clean-up at all)
    // after two devices were provisioned, then the batch is resumed from the record.
    QJsonArray fleet;
    for (int i = 1; i <= 4; ++i)
        fleet.append(fleetDevice(200 + i, 400));
    Sim sim;
    QVERIFY(sim.start(path(QStringLiteral("resume-fleet.json")), fleet));
    QVERIFY(writeFile(path(QStringLiteral("resume.jsonl")), sim.manifest));
    QVERIFY(
        writeFile(path(QStringLiteral("resume-profile.json")), profileJson(QStringLiteral("manifest"), 1)));
    const QString record = path(QStringLiteral("resume-record.db"));
    const QStringList args = { QStringLiteral("batch"), QStringLiteral("--profile"),
        path(QStringLiteral("resume-profile.json")), QStringLiteral("--manifest"),
        path(QStringLiteral("resume.jsonl")), QStringLiteral("--record"), record,
        QStringLiteral("--poll-interval"), QStringLiteral("50"), QStringLiteral("--json") };

    QProcess p;
    p.start(QStringLiteral(PROV_CTL_PATH), args);
    QVERIFY(p.waitForStarted(5000));
    p.write("passphrase=" + kPassphrase + "\n");
    p.closeWriteChannel();
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).count("\"succeeded\"") >= 2, 20000);
    QCOMPARE(p.state(), QProcess::Running);
    p.kill(); // SIGKILL: the batch stays Running in the record
    QVERIFY(p.waitForFinished(5000));
    // What the record says was done before the kill (stdout may lag behind the record by one line).
    QSet<QString> provisionedBefore;
    QString batchId;
    {
        auto killed = RecordStore::openSqlite(record);
        QVERIFY(killed);
        auto batches = (*killed)->unfinishedBatches();
        QVERIFY(batches && batches->size() == 1);
        batchId = batches->first().start.batchId;
        RecordFilter filter;
        filter.batchId = batchId;
        auto rows = (*killed)->query(filter);
        QVERIFY(rows);
        for (const ProvisioningRecord &row : *rows) {
            if (row.end.outcome == RecordOutcome::Provisioned)
                provisionedBefore.insert(row.start.serviceName);
        }
    }
    QVERIFY(provisionedBefore.size() >= 2 && provisionedBefore.size() < 4);
    QVERIFY(!batchId.isEmpty());

    const Run r = provctl(
        args + QStringList { QStringLiteral("--resume"), batchId }, "passphrase=" + kPassphrase + "\n");
    // The device the kill interrupted may refuse a second SetConfig while it still connects (45).
    QVERIFY2(r.exitCode == 0 || r.exitCode == 45, r.err.constData());
    QCOMPARE(r.summary.value(QStringLiteral("batch_id")).toString(), batchId);
    QCOMPARE(r.summary.value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
    QCOMPARE(r.devices.size() + provisionedBefore.size(), 4); // each device ends once over both runs
    for (const QJsonObject &d : r.devices)
        QVERIFY(!provisionedBefore.contains(d.value(QStringLiteral("service_name")).toString()));
    QCOMPARE(r.err.count("already provisioned in batch"), provisionedBefore.size());

    // No device provisioned twice, no attempt lost: the killed attempt is Interrupted, its device's
    // next attempt is number 2.
    auto store = RecordStore::openSqlite(record);
    QVERIFY(store);
    RecordFilter filter;
    filter.batchId = batchId;
    auto rows = (*store)->query(filter);
    QVERIFY(rows);
    QHash<QString, int> provisioned;
    int interrupted = 0;
    for (const ProvisioningRecord &row : *rows) {
        provisioned[row.start.serviceName] += row.end.outcome == RecordOutcome::Provisioned ? 1 : 0;
        if (row.end.outcome == RecordOutcome::Interrupted) {
            ++interrupted;
            const bool retried = std::any_of(
                rows->cbegin(), rows->cend(), [&row](const ProvisioningRecord &other) {
                    return other.start.serviceName == row.start.serviceName && other.start.attemptNumber == 2;
                });
            QVERIFY(retried);
        }
    }
    QVERIFY(interrupted <= 1);
    for (auto it = provisioned.cbegin(); it != provisioned.cend(); ++it)
        QVERIFY2(it.value() <= 1, qPrintable(it.key()));
    QCOMPARE((*store)->batch(batchId)->state, BatchState::Finished);
}

void TestProvctlBatch::refusesSecretsOnTheCommandLineAndBadStdin()
{
    QVERIFY(writeFile(path(QStringLiteral("usage-profile.json")), profileJson(QStringLiteral("prompt"), 2)));
    QVERIFY(writeFile(path(QStringLiteral("empty.jsonl")), ""));
    const QStringList base = { QStringLiteral("batch"), QStringLiteral("--profile"),
        path(QStringLiteral("usage-profile.json")), QStringLiteral("--manifest"),
        path(QStringLiteral("empty.jsonl")), QStringLiteral("--record"), path(QStringLiteral("usage.db")) };

    // A secret on the command line is refused before anything runs.
    Run r = provctl(base + QStringList { QStringLiteral("--passphrase"), QStringLiteral("argv-secret") }, {});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("--passphrase"));
    QVERIFY(!r.err.contains("argv-secret"));
    r = provctl(base + QStringList { QStringLiteral("--sec2-pwd"), QStringLiteral("argv-secret") }, {});
    QCOMPARE(r.exitCode, 2);

    // No --profile; no device source.
    r = provctl(
        { QStringLiteral("batch"), QStringLiteral("--manifest"), path(QStringLiteral("empty.jsonl")) }, {});
    QCOMPARE(r.exitCode, 2);
    r = provctl(
        { QStringLiteral("batch"), QStringLiteral("--profile"), path(QStringLiteral("usage-profile.json")) },
        {});
    QCOMPARE(r.exitCode, 2);
    // A SoftAP device needs its name for the profile.
    r = provctl(
        { QStringLiteral("batch"), QStringLiteral("--profile"), path(QStringLiteral("usage-profile.json")),
            QStringLiteral("--service-name"), QStringLiteral("127.0.0.1:8080") },
        {});
    QCOMPARE(r.exitCode, 2);

    // stdin: the profile wants the device password from the operator; an unknown key; nothing at all.
    r = provctl(base, "passphrase=" + kPassphrase + "\n");
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("password="));
    r = provctl(base, "passphrase=" + kPassphrase + "\npasword=stdin-secret\n");
    QCOMPARE(r.exitCode, 2);
    QVERIFY(r.err.contains("line 2"));
    QVERIFY(!r.err.contains("stdin-secret"));
    r = provctl(base, {});
    QCOMPARE(r.exitCode, 2);
    QVERIFY(!r.err.contains(kPassphrase));

    // Good secrets and an empty manifest: nothing to do, every device (none) succeeded.
    r = provctl(base + QStringList { QStringLiteral("--json") },
        "passphrase=" + kPassphrase + "\npassword=shift-pw\n");
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(r.summary.value(QStringLiteral("total")).toInt(), 0);
}

QTEST_GUILESS_MAIN(TestProvctlBatch)
#include "tst_provctl_batch.moc"
