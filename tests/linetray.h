// SPDX-License-Identifier: Apache-2.0
#pragma once

// A tray of simulated devices for line-mode tests: each SimulatedDevice behind its own HttpDeviceServer on
// 127.0.0.1 (ephemeral ports), a test profile, batch settings and a wait for the batch's end. Shared by
// tst_laneengine and tst_duplicateguard.
#include "prov/device.h"
#include "prov/httpdeviceserver.h"
#include "prov/laneengine.h"
#include "prov/record.h"
#include "prov/recordsink.h"

#include <QHostAddress>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>
#include <vector>

namespace linetray {

using namespace prov;

inline const QByteArray kSsid = "lineap";
inline const QByteArray kPassphrase = "line-passphrase";
inline const QByteArray kPassword = "tray-password";

/// What a device of the test tray does wrong.
enum class Fault { None, Firmware, WrongPassword, WifiAuth, DropOnce, SlowConnect, Hang };

/// One simulated device behind its own HTTP server on 127.0.0.1.
struct TrayDevice
{
    QString name;
    Fault fault = Fault::None;
    std::unique_ptr<SimulatedDevice> device;
    std::unique_ptr<HttpDeviceServer> server;
    int requests = 0; ///< requests the server handled
};

inline DeviceConfig configFor(const QString &name, Fault fault)
{
    DeviceConfig c;
    c.serviceName = name;
    c.secVer = 2;
    c.password = fault == Fault::WrongPassword ? QByteArray("another-password") : kPassword;
    c.apps = { AppInfo { QStringLiteral("sensor"),
        fault == Fault::Firmware ? QStringLiteral("0.9.0") : QStringLiteral("1.2.0"), {} } };
    SimAccessPoint ap;
    ap.ssid = kSsid;
    ap.passphrase = fault == Fault::WifiAuth ? QByteArray("not-the-passphrase") : kPassphrase;
    ap.bssid = QByteArray::fromHex("aabbccddeeff");
    c.radio.accessPoints = { ap };
    c.radio.connectDelayMs = fault == Fault::SlowConnect ? 600 : fault == Fault::Hang ? 30000 : 20;
    c.radio.dhcpDelayMs = 10;
    if (fault == Fault::DropOnce) {
        // The first SetConfig is answered after the client's request timeout: a Timeout, retried.
        FaultSpec f;
        f.kind = FaultKind::DropResponse;
        f.endpoint = QStringLiteral("prov-config");
        f.occurrence = 1;
        c.faults = { f };
    }
    return c;
}

inline QByteArray profileJson(int retriesForTimeout, int lanes, const char *credentialsFrom = "prompt")
{
    return QStringLiteral(R"({
      "schema": 1, "name": "Test tray", "id": "test-tray", "version": "3",
      "match": {"service_name_prefix": "PROV_T", "transports": ["softap"], "min_rssi_dbm": -70},
      "security": {"min_sec_ver": 2, "credentials_from": "%3"},
      "firmware": {"app_version_regex": "1\\.2\\..*"},
      "network": {"ssid": "lineap", "auth_mode": "WPA2-PSK"},
      "custom_steps": [{"endpoint": "custom-data", "payload": "station=${station};n=${counter}",
                        "expect": {"exact": "SUCCESS"}}],
      "after_apply": "wait_connected",
      "retry": {"timeout": {"retries": %1}, "wifi_auth_error": {"retries": 1, "reset_first": true}},
      "lanes": {"ble": 4, "softap": %2}
    })")
        .arg(retriesForTimeout)
        .arg(lanes)
        .arg(QLatin1String(credentialsFrom))
        .toUtf8();
}

class Tray
{
public:
    void add(const QString &name, Fault fault)
    {
        auto d = std::make_unique<TrayDevice>();
        d->name = name;
        d->fault = fault;
        auto sim = SimulatedDevice::create(configFor(name, fault));
        QVERIFY2(sim, qPrintable(sim ? QString() : sim.error().toString()));
        d->device = std::move(sim.value());
        d->server = std::make_unique<HttpDeviceServer>(d->device.get());
        QVERIFY(d->server->listen(QHostAddress::LocalHost, 0));
        TrayDevice *raw = d.get();
        QObject::connect(
            d->server.get(), &HttpDeviceServer::requestHandled, [raw](const QString &) { ++raw->requests; });
        devices.push_back(std::move(d));
    }

    LineDevice lineDevice(int i, std::optional<int> rssi = -50) const
    {
        LineDevice d;
        d.serviceName = devices.at(size_t(i))->name;
        d.transport = TransportKind::SoftAp;
        d.address = QStringLiteral("127.0.0.1:%1").arg(devices.at(size_t(i))->server->port());
        d.rssiDbm = rssi;
        d.source = QStringLiteral("manifest");
        return d;
    }

    std::vector<std::unique_ptr<TrayDevice>> devices;
};

inline BatchSettings settingsFor(const ProductProfile &profile)
{
    BatchSettings s;
    s.profile = profile;
    s.secrets.passphrase = kPassphrase;
    s.secrets.credentials.password = kPassword;
    s.station = QStringLiteral("station-7");
    s.operatorName = QStringLiteral("tech");
    s.transport.requestTimeoutMs = 1500;
    s.provisionOptions.firstPollDelayMs = 20;
    s.provisionOptions.pollIntervalMs = 20;
    s.provisionOptions.connectTimeoutMs = 5000;
    return s;
}

/// Every device's final state, waiting until the batch ended.
inline bool waitForEnd(LaneEngine &engine, int timeoutMs)
{
    QSignalSpy ended(&engine, &LaneEngine::batchEnded);
    if (engine.state() == LineState::Finished || engine.state() == LineState::Aborted)
        return true;
    return ended.wait(timeoutMs);
}

/// Opens a fresh SQLite record (file `record-<run>.db` in `dir`) into `store`, with a sink over it;
/// false (with the reason logged) when it cannot be opened.
inline bool openTestRecord(const QTemporaryDir &dir, int run, std::unique_ptr<RecordStore> &store,
    std::unique_ptr<StoreRecordSink> &sink)
{
    if (!dir.isValid())
        return false;
    auto opened = RecordStore::openSqlite(dir.filePath(QStringLiteral("record-%1.db").arg(run)));
    if (!opened) {
        qWarning("%s", qPrintable(opened.error().toString()));
        return false;
    }
    store = std::move(opened.value());
    sink = std::make_unique<StoreRecordSink>(store.get());
    return true;
}

} // namespace linetray
