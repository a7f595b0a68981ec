// SPDX-License-Identifier: Apache-2.0
// prov-sim trays (issue 9 item 5) as a separate process: the seeded fault assignment it prints is the
// same for the same seed, and each faulty device fails over real HTTP (HttpTransport + Provisioner) as
// its printed tray_faults announce.

#include "prov/httptransport.h"
#include "prov/provisioner.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace prov;

namespace {

constexpr int kWaitMs = 20000;

const QStringList kTrayArgs { QStringLiteral("--devices"), QStringLiteral("40"),
    QStringLiteral("--name-pattern"), QStringLiteral("PROV_T%03d"), QStringLiteral("--transport"),
    QStringLiteral("both"), QStringLiteral("--fault-firmware"), QStringLiteral("0.05"),
    QStringLiteral("--fault-pop"), QStringLiteral("0.05"), QStringLiteral("--fault-link-drop"),
    QStringLiteral("0.05"), QStringLiteral("--fault-wifi-auth"), QStringLiteral("0.05"),
    QStringLiteral("--neighbours"), QStringLiteral("2") };

/// `prov-sim --list-json args`: its device lines.
QList<QJsonObject> listFleet(const QStringList &args)
{
    QProcess sim;
    sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    sim.start(QStringLiteral(PROV_SIM_PATH), args + QStringList { QStringLiteral("--list-json") });
    if (!sim.waitForFinished(kWaitMs) || sim.exitCode() != 0)
        return {};
    QList<QJsonObject> lines;
    for (const QByteArray &line : sim.readAllStandardOutput().split('\n')) {
        if (!line.trimmed().isEmpty())
            lines.append(QJsonDocument::fromJson(line).object());
    }
    return lines;
}

QStringList trayFaults(const QJsonObject &line)
{
    QStringList faults;
    for (const QJsonValue &v : line.value(QStringLiteral("tray_faults")).toArray())
        faults << v.toString();
    return faults;
}

/// service name -> tray faults, the part of the listing a seed decides.
QMap<QString, QStringList> assignment(const QList<QJsonObject> &lines)
{
    QMap<QString, QStringList> map;
    for (const QJsonObject &line : lines)
        map.insert(line.value(QStringLiteral("service_name")).toString(), trayFaults(line));
    return map;
}

} // namespace

class TestSimTray : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sameSeedGivesTheSameAssignment();
    void faultyDevicesFailAsAnnounced();
};

void TestSimTray::sameSeedGivesTheSameAssignment()
{
    const QStringList seeded = kTrayArgs + QStringList { QStringLiteral("--seed"), QStringLiteral("42") };
    const QList<QJsonObject> first = listFleet(seeded);
    QCOMPARE(first.size(), 42); // 40 on the tray, 2 neighbours
    QCOMPARE(listFleet(seeded), first);

    // round(0.05 x 40) = 2 devices per fault, never two faults on one device, no neighbour touched.
    QMap<QString, int> perFault;
    for (const QJsonObject &line : first) {
        const QStringList faults = trayFaults(line);
        QVERIFY(faults.size() <= 1);
        for (const QString &f : faults)
            ++perFault[f];
        const bool neighbour = line.value(QStringLiteral("neighbour")).toBool();
        const int index = line.value(QStringLiteral("tray_index")).toInt();
        QCOMPARE(line.value(QStringLiteral("service_name")).toString(),
            QStringLiteral("PROV_T%1").arg(index, 3, 10, QLatin1Char('0')));
        if (neighbour) {
            QVERIFY(index > 40);
            QVERIFY(faults.isEmpty());
            QCOMPARE(line.value(QStringLiteral("transport")).toString(), QStringLiteral("ble"));
            QCOMPARE(line.value(QStringLiteral("rssi")).toInt(), -85);
        } else {
            // "both" alternates: odd indexes over SoftAP, even ones over BLE.
            QCOMPARE(line.value(QStringLiteral("transport")).toString(),
                index % 2 ? QStringLiteral("softap") : QStringLiteral("ble"));
        }
    }
    const QMap<QString, int> expected { { QStringLiteral("firmware"), 2 }, { QStringLiteral("pop"), 2 },
        { QStringLiteral("link-drop"), 2 }, { QStringLiteral("wifi-auth"), 2 } };
    QCOMPARE(perFault, expected);

    // Another seed picks other devices (8 of 40: the chance of the same pick is negligible).
    const QList<QJsonObject> other = listFleet(
        kTrayArgs + QStringList { QStringLiteral("--seed"), QStringLiteral("43") });
    QCOMPARE(other.size(), first.size());
    QVERIFY(assignment(other) != assignment(first));
}

void TestSimTray::faultyDevicesFailAsAnnounced()
{
    // 5 devices, 1 per fault (round(0.2 x 5)), the fifth clean.
    const QStringList args { QStringLiteral("--devices"), QStringLiteral("5"),
        QStringLiteral("--name-pattern"), QStringLiteral("PROV_F%02d"), QStringLiteral("--fault-firmware"),
        QStringLiteral("0.2"), QStringLiteral("--fault-pop"), QStringLiteral("0.2"),
        QStringLiteral("--fault-link-drop"), QStringLiteral("0.2"), QStringLiteral("--fault-wifi-auth"),
        QStringLiteral("0.2"), QStringLiteral("--seed"), QStringLiteral("7"), QStringLiteral("--sec2-pwd"),
        QStringLiteral("abcd1234"), QStringLiteral("--connect-delay"), QStringLiteral("60"),
        QStringLiteral("--dhcp-delay"), QStringLiteral("20") };
    const QMap<QString, QStringList> announced = assignment(listFleet(args));
    QCOMPARE(announced.size(), 5);

    QProcess sim;
    sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    sim.start(QStringLiteral(PROV_SIM_PATH), args);
    QVERIFY(sim.waitForStarted(5000));
    const auto stop = qScopeGuard([&sim] {
        sim.terminate();
        if (!sim.waitForFinished(3000))
            sim.kill();
    });
    QList<QJsonObject> served;
    QElapsedTimer clock;
    clock.start();
    bool ready = false;
    while (!ready && clock.elapsed() < kWaitMs) {
        if (!sim.canReadLine() && !sim.waitForReadyRead(1000))
            continue;
        const QJsonObject line = QJsonDocument::fromJson(sim.readLine()).object();
        ready = line.value(QStringLiteral("ready")).toBool();
        if (!ready)
            served.append(line);
    }
    QVERIFY(ready);
    QCOMPARE(assignment(served), announced); // serving prints what --list-json announced

    for (const QJsonObject &line : std::as_const(served)) {
        const QString name = line.value(QStringLiteral("service_name")).toString();
        const QString fault = trayFaults(line).value(0);
        HttpTransport transport(
            QStringLiteral("127.0.0.1"), quint16(line.value(QStringLiteral("port")).toInt()));
        transport.setTimeout(3000);
        Provisioner provisioner(&transport);
        SecurityOptions sec;
        sec.username = "wifiprov";
        sec.password = "abcd1234"; // the template's, as on a line
        provisioner.setSecurityOptions(sec);

        const Result<DeviceInfo> info = provisioner.connectDevice()->waitForResult(kWaitMs);
        if (fault == QLatin1String("pop")) {
            QVERIFY2(!info, qPrintable(name));
            QCOMPARE(info.error().code, ErrorCode::AuthenticationFailed);
            continue;
        }
        QVERIFY2(info, qPrintable(name + QLatin1Char(' ') + (info ? QString() : info.error().toString())));
        QCOMPARE(info->protoVersion.apps.size(), 1);
        QCOMPARE(info->protoVersion.apps.first().version,
            fault == QLatin1String("firmware") ? QStringLiteral("0.9.0-wrong") : QStringLiteral("2.3.1"));
        if (fault == QLatin1String("firmware"))
            continue; // a line refuses it here (FirmwareMismatch) before sending credentials

        ProvisionOptions options;
        options.connectTimeoutMs = 10000;
        const Result<ProvisionResult> result = provisioner
                                                   .provision(
                                                       WifiCredentials { "myssid", "mypassword", {}, 0 },
                                                       options)
                                                   ->waitForResult(kWaitMs);
        if (fault.isEmpty()) {
            QVERIFY2(result,
                qPrintable(name + QLatin1Char(' ') + (result ? QString() : result.error().toString())));
            QCOMPARE(result->outcome, ProvisionOutcome::Connected);
        } else if (fault == QLatin1String("wifi-auth")) {
            QVERIFY2(!result, qPrintable(name));
            QCOMPARE(result.error().code, ErrorCode::WifiAuthError);
        } else {
            QCOMPARE(fault, QStringLiteral("link-drop"));
            QVERIFY2(!result, qPrintable(name));
            QCOMPARE(
                result.error().code, ErrorCode::DeviceRefused); // the first GetStatus is closed unanswered
        }
    }
}

QTEST_GUILESS_MAIN(TestSimTray)
#include "tst_simtray.moc"
