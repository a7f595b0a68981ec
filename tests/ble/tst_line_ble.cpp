// SPDX-License-Identifier: Apache-2.0
// A 24-device tray over BLE through the lane engine: prov-sim's tray with faults by rate (seeded) and two
// neighbouring-line devices behind the fake BlueZ on a private bus; intake from a live BleScanner, as
// the Line page does; the real Qt Bluetooth stack under EspJobKind; a real SQLite record.
#include "bletesthelpers.h"
#include "privatebus.h"

#include "prov/bleconnectionlimit.h"
#include "prov/blescanner.h"
#include "prov/laneengine.h"
#include "prov/record.h"
#include "prov/recordsink.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace prov;
using namespace prov::test;

namespace {

QByteArray profileJson()
{
    return QByteArrayLiteral(R"({
      "schema": 1, "name": "BLE tray", "id": "ble-tray", "version": "1",
      "match": {"service_name_prefix": "PROV_L", "transports": ["ble"], "min_rssi_dbm": -70},
      "security": {"min_sec_ver": 2, "credentials_from": "prompt"},
      "firmware": {"app_version_regex": "2\\.3\\..*"},
      "network": {"ssid": "myssid", "auth_mode": "WPA2-PSK"},
      "after_apply": "accept_link_closed_confirmed",
      "retry": {"wifi_auth_error": {"retries": 1, "reset_first": true}, "timeout": {"retries": 1}},
      "lanes": {"ble": 4, "softap": 1}
    })");
}

} // namespace

class TestLineBle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(m_bus.start(), qPrintable(m_bus.error())); }
    void cleanupTestCase() { m_bus.stop(); }

    void trayOfTwentyFourWithFaults()
    {
        const QList<QJsonObject> sim = m_bus.startSim(simArgs({ QStringLiteral("--devices"),
            QStringLiteral("24"), QStringLiteral("--name-pattern"), QStringLiteral("PROV_L%03d"),
            QStringLiteral("--transport"), QStringLiteral("ble"), QStringLiteral("--sec-ver"),
            QStringLiteral("2"), QStringLiteral("--ap"), QStringLiteral("myssid,mypassword,WPA2-PSK,6,-40"),
            QStringLiteral("--fault-firmware"), QStringLiteral("0.125"), QStringLiteral("--fault-pop"),
            QStringLiteral("0.0834"), QStringLiteral("--fault-link-drop"), QStringLiteral("0.125"),
            QStringLiteral("--fault-wifi-auth"), QStringLiteral("0.0834"), QStringLiteral("--neighbours"),
            QStringLiteral("2"), QStringLiteral("--seed"), QStringLiteral("11") }));
        QVERIFY2(!sim.isEmpty(), qPrintable(m_bus.error()));

        QHash<QString, QString> faultOf; // service name -> "" or the tray fault
        QStringList neighbours;
        for (const QJsonObject &d : sim) {
            const QString name = d.value(QStringLiteral("service_name")).toString();
            if (d.value(QStringLiteral("neighbour")).toBool()) {
                neighbours.append(d.value(QStringLiteral("address")).toString());
                continue;
            }
            const QJsonArray faults = d.value(QStringLiteral("tray_faults")).toArray();
            faultOf.insert(name, faults.isEmpty() ? QString() : faults.first().toString());
        }
        QCOMPARE(faultOf.size(), 24);
        QCOMPARE(neighbours.size(), 2);

        QTemporaryDir dir;
        auto store = RecordStore::openSqlite(dir.filePath(QStringLiteral("record.db")));
        QVERIFY(store);
        StoreRecordSink sink(store->get());
        auto profile = ProductProfile::fromJson(profileJson());
        QVERIFY2(profile, qPrintable(profile ? QString() : profile.error().toString()));
        BleConnectionLimit limit(4);
        LaneEngine engine;
        engine.addJobKind(std::make_unique<EspJobKind>());
        engine.setRecordSink(&sink);
        BatchSettings settings;
        settings.profile = *profile;
        settings.secrets.passphrase = "mypassword";
        settings.secrets.credentials.password = kSec2Password;
        settings.station = QStringLiteral("ble-station");
        settings.transport.bleLimit = &limit;
        settings.transport.requestTimeoutMs = 5000;
        QVERIFY(engine.start(settings));

        // Intake as the Line page does it: every advertisement is offered; the engine gates and dedupes.
        BleScanner scanner;
        scanner.setDuration(0);
        int belowGate = 0;
        auto offer = [&](const BleDeviceInfo &d) {
            const Status s = engine.offer(LineDevice::fromBleScan(d));
            if (!s && s.error().detail.contains(QLatin1String("below the profile's gate")))
                ++belowGate;
        };
        connect(&scanner, &BleScanner::deviceDiscovered, this, offer);
        connect(&scanner, &BleScanner::deviceUpdated, this, offer);
        scanner.start();
        QTRY_VERIFY_WITH_TIMEOUT(engine.counters().total() == 24, 20000);
        scanner.stop();
        engine.finish();
        QSignalSpy ended(&engine, &LaneEngine::batchEnded);
        QVERIFY(engine.state() == LineState::Finished || ended.wait(120000));
        QVERIFY(belowGate > 0);

        auto rows = store.value()->query(RecordFilter {});
        QVERIFY(rows);
        QHash<QString, int> rowsOf;
        for (const ProvisioningRecord &r : *rows) {
            QCOMPARE(r.start.batchId, engine.batchId());
            QVERIFY(r.end.outcome != RecordOutcome::InProgress);
            ++rowsOf[r.start.serviceName];
        }
        int failed = 0;
        for (auto it = faultOf.cbegin(); it != faultOf.cend(); ++it) {
            const auto status = engine.device(QStringLiteral("ble:") + it.key());
            QVERIFY2(status, qPrintable(it.key()));
            const QString fault = it.value();
            const QByteArray what = (it.key() + QLatin1Char(' ') + fault).toUtf8();
            if (fault.isEmpty() || fault == QLatin1String("link-drop")) {
                QVERIFY2(status->state == LineDeviceState::Succeeded, what.constData());
                QCOMPARE(status->attempts, 1);
                if (fault == QLatin1String("link-drop"))
                    QCOMPARE(status->result->provision.outcome, ProvisionOutcome::ConfirmedAfterReconnect);
            } else {
                ++failed;
                QVERIFY2(status->state == LineDeviceState::Failed, what.constData());
                const ErrorCode expected = fault == QLatin1String("firmware") ? ErrorCode::FirmwareMismatch
                    : fault == QLatin1String("pop") ? ErrorCode::AuthenticationFailed
                                                    : ErrorCode::WifiAuthError;
                QCOMPARE(status->lastError->code, expected);
                QCOMPARE(status->attempts, fault == QLatin1String("wifi-auth") ? 2 : 1);
            }
            QCOMPARE(rowsOf.value(it.key()), status->attempts); // one row per attempt
        }
        QCOMPARE(failed, 3 + 2 + 2);
        // The neighbouring line's devices were never connected to.
        for (const QString &line : m_bus.journal(QStringLiteral("Connect "))) {
            for (const QString &address : neighbours)
                QVERIFY2(!line.contains(QString(address).replace(QLatin1Char(':'), QLatin1Char('_'))),
                    qPrintable(line));
        }
        QVERIFY(!m_bus.journal(QStringLiteral("Connect ")).isEmpty());
    }

private:
    PrivateBus m_bus;
};

QTEST_MAIN(TestLineBle)
#include "tst_line_ble.moc"
