// SPDX-License-Identifier: Apache-2.0
// The device list and its sources (manual, QR, manifest; BLE entries and the cached marker), the
// scan model's presentation rules, the credential checks, the error -> advice table and the
// remembered settings. No network.
#include "devices/blesource.h"
#include "devices/devicelistmodel.h"
#include "devices/manifestsource.h"
#include "devices/manualsource.h"
#include "devices/qrsource.h"
#include "session/erroradvice.h"
#include "session/wifiinfo.h"
#include "session/wifiscanmodel.h"
#include "settings/settingscontroller.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {
const QByteArray kQrDemo02
    = R"({"ver":"v1","name":"PROV_DEMO02","username":"wifiprov","pop":"abcd1234","transport":"softap","security":2})";

QVariant role(const QAbstractItemModel &m, int row, int role)
{
    return m.index(row, 0).data(role);
}
} // namespace

class TestDeviceList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void softApAddressDefaultsForDisplay();
    void parsesHostPort_data();
    void parsesHostPort();
    void qrAddsDeviceWithCredentials();
    void qrFromJumpstartUrl();
    void malformedQrIsRejectedWithReason_data();
    void malformedQrIsRejectedWithReason();
    void qrMergesIntoManifestRow();
    void manifestFieldsReachTheRow();
    void manifestSkipsJunkLines();
    void manifestStopsAtItsSizeLimit();
    void manifestFileThatCannotBeOpened();
    void manualEntryValidates();
    void stateAndAddressUpdates();
    void lostDeviceRemovedOnlyWhenUntouched();
    void cachedReportClearsRssiUntilAdvertisingAgain();
    void cachedFlagOnlyFromTheBleScan();
    void bleEntryCarriesCachedFlag();
    void filterByNameOrAddress();
    void signalBarsThresholds_data();
    void signalBarsThresholds();
    void bandFromChannel();
    void authWordsAndFlags();
    void credentialChecks();
    void everyErrorCodeHasAdvice();
    void adviceDependsOnContext();
    void settingsPersistWithoutSecrets();
    void settingsClampTimeoutsAndHonourStationOverride();
};

void TestDeviceList::softApAddressDefaultsForDisplay()
{
    DeviceEntry e;
    e.serviceName = QStringLiteral("PROV_1");
    QVERIFY(!e.addressKnown());
    QCOMPARE(e.displayAddress(), QStringLiteral("192.168.4.1:80"));
    QCOMPARE(e.effectiveHost(), QStringLiteral("192.168.4.1"));
    QCOMPARE(e.effectivePort(), quint16(80));
    e.host = QStringLiteral("127.0.0.1");
    e.port = 40155;
    QCOMPARE(e.displayAddress(), QStringLiteral("127.0.0.1:40155"));
    e.transport = prov::TransportKind::Ble;
    e.host.clear();
    QCOMPARE(e.displayAddress(), QStringLiteral("PROV_1"));
    e.host = QStringLiteral("24:0A:C4:B2:00:01"); // a BLE address is shown as is, with no port
    QCOMPARE(e.displayAddress(), QStringLiteral("24:0A:C4:B2:00:01"));
}

void TestDeviceList::parsesHostPort_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("host:port") << "192.168.4.1:8080" << true << "192.168.4.1" << 8080;
    QTest::newRow("host only") << "device.local" << true << "device.local" << 80;
    QTest::newRow("v6") << "[fe80::1]:81" << true << "fe80::1" << 81;
    QTest::newRow("spaces trimmed") << "  10.0.0.2:90 " << true << "10.0.0.2" << 90;
    QTest::newRow("port 0") << "1.2.3.4:0" << false << "" << 0;
    QTest::newRow("port too big") << "1.2.3.4:70000" << false << "" << 0;
    QTest::newRow("not a number") << "1.2.3.4:http" << false << "" << 0;
    QTest::newRow("empty host") << ":80" << false << "" << 0;
    QTest::newRow("empty") << "" << false << "" << 0;
}

void TestDeviceList::parsesHostPort()
{
    QFETCH(QString, text);
    QFETCH(bool, ok);
    QString host;
    quint16 port = 0;
    QCOMPARE(parseHostPort(text, &host, &port), ok);
    if (ok) {
        QFETCH(QString, host);
        QFETCH(int, port);
        QCOMPARE(host, host);
        QCOMPARE(int(port), port);
    }
}

void TestDeviceList::qrAddsDeviceWithCredentials()
{
    DeviceListModel model;
    QrSource qr;
    model.addSource(&qr);
    QSignalSpy accepted(&qr, &QrSource::accepted);
    QVERIFY(qr.submit(QString::fromUtf8(kQrDemo02)));
    QCOMPARE(accepted.size(), 1);
    QCOMPARE(accepted.first().at(0).toString(), QStringLiteral("PROV_DEMO02"));
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(role(model, 0, DeviceListModel::ServiceNameRole).toString(), QStringLiteral("PROV_DEMO02"));
    QCOMPARE(role(model, 0, DeviceListModel::TransportRole).value<prov::TransportKind>(),
        prov::TransportKind::SoftAp);
    // No address on the sticker: the device is reached by joining its SoftAP by SSID (NetworkManager).
    QCOMPARE(role(model, 0, DeviceListModel::AddressRole).toString(), QStringLiteral("PROV_DEMO02"));
    QCOMPARE(role(model, 0, DeviceListModel::AddressKnownRole).toBool(), false);
    QCOMPARE(role(model, 0, DeviceListModel::JoinsSoftApRole).toBool(), true);
    QCOMPARE(role(model, 0, DeviceListModel::SecVerRole).toInt(), 2);
    QCOMPARE(role(model, 0, DeviceListModel::HasCredentialsRole).toBool(), true);
    QCOMPARE(role(model, 0, DeviceListModel::StateRole).toInt(), int(DeviceListModel::State::New));
    QCOMPARE(role(model, 0, DeviceListModel::SourceRole).toString(), QStringLiteral("QR"));
    QVERIFY(!role(model, 0, DeviceListModel::RssiRole).isValid());
    const auto entry = model.entry(QStringLiteral("PROV_DEMO02"));
    QVERIFY(entry);
    QCOMPARE(entry->credentials.pop, QByteArray("abcd1234"));
    QCOMPARE(entry->credentials.username, QByteArray("wifiprov"));
    // No role exposes a secret.
    const auto roles = model.roleNames();
    for (auto it = roles.begin(); it != roles.end(); ++it)
        QVERIFY(!role(model, 0, it.key()).toString().contains(QStringLiteral("abcd1234")));
}

void TestDeviceList::qrFromJumpstartUrl()
{
    DeviceListModel model;
    QrSource qr;
    model.addSource(&qr);
    const QString url = QStringLiteral("https://espressif.github.io/esp-jumpstart/qrcode.html?data=")
        + QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(kQrDemo02)));
    QVERIFY(qr.submit(url));
    QCOMPARE(model.rowCount(), 1);
}

void TestDeviceList::malformedQrIsRejectedWithReason_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not json") << "hello world"
                              << "JSON";
    QTest::newRow("array") << "[1,2]"
                           << "JSON";
    QTest::newRow("no name") << R"({"ver":"v1","transport":"softap"})"
                             << "name";
    QTest::newRow("bad transport") << R"({"name":"PROV_X","transport":"usb"})"
                                   << "transport";
    QTest::newRow("bad security") << R"({"name":"PROV_X","transport":"ble","security":7})"
                                  << "security";
    QTest::newRow("empty") << "   "
                           << "empty";
    QTest::newRow("huge") << QString(5000, QLatin1Char('x')) << "too long";
}

void TestDeviceList::malformedQrIsRejectedWithReason()
{
    QFETCH(QString, text);
    QFETCH(QString, mentions);
    DeviceListModel model;
    QrSource qr;
    model.addSource(&qr);
    QSignalSpy rejected(&qr, &QrSource::rejected);
    QVERIFY(!qr.submit(text));
    QCOMPARE(rejected.size(), 1);
    QVERIFY2(qr.lastError().contains(mentions, Qt::CaseInsensitive), qPrintable(qr.lastError()));
    QCOMPARE(model.rowCount(), 0);
    // A good payload afterwards clears the error.
    QVERIFY(qr.submit(QString::fromUtf8(kQrDemo02)));
    QVERIFY(qr.lastError().isEmpty());
}

void TestDeviceList::qrMergesIntoManifestRow()
{
    DeviceListModel model;
    ManifestSource manifest;
    QrSource qr;
    model.addSource(&manifest);
    model.addSource(&qr);
    QBuffer in;
    in.setData(
        R"({"service_name":"PROV_DEMO02","transport":"softap","host":"127.0.0.1","port":40155,"sec_ver":2})"
        "\n");
    in.open(QIODevice::ReadOnly);
    QCOMPARE(manifest.read(in), 1);
    QCOMPARE(role(model, 0, DeviceListModel::HasCredentialsRole).toBool(), false);
    QSignalSpy changed(&model, &DeviceListModel::entryChanged);

    QVERIFY(qr.submit(QString::fromUtf8(kQrDemo02)));
    QCOMPARE(model.rowCount(), 1); // merged, not added
    QCOMPARE(changed.size(), 1);
    QCOMPARE(role(model, 0, DeviceListModel::AddressRole).toString(), QStringLiteral("127.0.0.1:40155"));
    QCOMPARE(role(model, 0, DeviceListModel::HasCredentialsRole).toBool(), true);
    QCOMPARE(role(model, 0, DeviceListModel::SourceRole).toString(), QStringLiteral("Manifest + QR"));
    QCOMPARE(model.entry(QStringLiteral("PROV_DEMO02"))->credentials.pop, QByteArray("abcd1234"));
}

void TestDeviceList::manifestFieldsReachTheRow()
{
    // The line's ${field:NAME} placeholders need them: kept through the merge with a sticker.
    DeviceListModel model;
    ManifestSource manifest;
    QrSource qr;
    model.addSource(&manifest);
    model.addSource(&qr);
    QBuffer in;
    in.setData(
        R"({"service_name":"PROV_DEMO02","transport":"softap","host":"127.0.0.1","port":40155,"fields":{"serial":"SN-0042","batch":7}})"
        "\n");
    in.open(QIODevice::ReadOnly);
    QCOMPARE(manifest.read(in), 1);
    QVERIFY(qr.submit(QString::fromUtf8(kQrDemo02)));
    const std::optional<DeviceEntry> entry = model.entry(QStringLiteral("PROV_DEMO02"));
    QVERIFY(entry);
    QCOMPARE(entry->fields.value(QStringLiteral("serial")), QStringLiteral("SN-0042"));
    QCOMPARE(entry->fields.value(QStringLiteral("batch")), QStringLiteral("7"));
}

void TestDeviceList::manifestSkipsJunkLines()
{
    DeviceListModel model;
    ManifestSource manifest;
    model.addSource(&manifest);
    const QByteArray qr = QJsonDocument(
        QJsonObject { { QStringLiteral("qr"), QString::fromUtf8(kQrDemo02) } })
                              .toJson(QJsonDocument::Compact);
    const QByteArray qrValue = qr.mid(6, qr.size() - 7); // the quoted string value
    QByteArray text;
    text
        += R"({"service_name":"PROV_DEMO01","transport":"softap","host":"127.0.0.1","port":1001,"sec_ver":1,"qr":"{\"ver\":\"v1\",\"name\":\"PROV_DEMO01\",\"pop\":\"abcd1234\",\"transport\":\"softap\"}","faults":[]})"
           "\n";
    text += "this is not json\n"; // line 2
    text += "\n"; // blank: skipped silently
    text += R"({"transport":"softap","host":"127.0.0.1","port":1002})"
            "\n"; // line 4: no name
    text += R"({"service_name":"PROV_BADPORT","port":99999})"
            "\n"; // line 5
    text += R"({"service_name":"PROV_DEMO02","host":"127.0.0.1","port":1003,"qr":)" + qrValue + "}\n";
    text += R"({"service_name":"PROV_OTHERQR","qr":)" + qrValue + "}\n"; // line 7: qr of another device
    text += R"([1,2,3])"
            "\n"; // line 8
    text += R"({"service_name":"PROV_BADSEC","sec_ver":5})"
            "\n"; // line 9
    text += "{\"service_name\":\"PROV_LONG\",\"pad\":\"" + QByteArray(70000, 'x')
        + "\"}\n"; // line 10: too long
    text += R"({"ready":true,"devices":4})"
            "\n";
    QBuffer in(&text);
    in.open(QIODevice::ReadOnly);
    QSignalSpy loaded(&manifest, &ManifestSource::loaded);
    QCOMPARE(manifest.read(in), 3);
    QCOMPARE(loaded.size(), 1);
    QCOMPARE(model.rowCount(), 3);
    const QStringList problems = manifest.problems();
    QCOMPARE(problems.size(), 7);
    QVERIFY(problems.at(0).startsWith(QStringLiteral("line 2:")));
    QVERIFY(problems.at(1).startsWith(QStringLiteral("line 4:")));
    QVERIFY(problems.at(2).startsWith(QStringLiteral("line 5:")));
    QVERIFY(problems.at(3).startsWith(QStringLiteral("line 7:")));
    QVERIFY(problems.at(3).contains(QStringLiteral("another device")));
    QVERIFY(problems.at(4).startsWith(QStringLiteral("line 8:")));
    QVERIFY(problems.at(5).startsWith(QStringLiteral("line 9:")));
    QVERIFY(problems.at(6).startsWith(QStringLiteral("line 10:")));
    for (const QString &p : problems)
        QVERIFY(!p.contains(QStringLiteral("abcd1234")));
    QCOMPARE(model.entry(QStringLiteral("PROV_DEMO01"))->credentials.pop, QByteArray("abcd1234"));
    QCOMPARE(model.entry(QStringLiteral("PROV_DEMO01"))->port, quint16(1001));
    QCOMPARE(model.entry(QStringLiteral("PROV_DEMO02"))->credentials.username, QByteArray("wifiprov"));
    QVERIFY(model.entry(QStringLiteral("PROV_OTHERQR"))->credentials.isEmpty());
}

void TestDeviceList::manifestStopsAtItsSizeLimit()
{
    ManifestSource manifest;
    QByteArray text;
    const QByteArray line = R"({"service_name":"PROV_X","pad":")" + QByteArray(60000, 'x') + "\"}\n";
    while (text.size() < ManifestSource::kMaxBytes + 10 * line.size())
        text += line;
    QBuffer in(&text);
    in.open(QIODevice::ReadOnly);
    manifest.read(in);
    QVERIFY(manifest.problems().constLast().contains(QStringLiteral("not read")));
    QVERIFY(in.pos() <= ManifestSource::kMaxBytes + ManifestSource::kMaxLineBytes + 2);
}

void TestDeviceList::manifestFileThatCannotBeOpened()
{
    ManifestSource manifest;
    QVERIFY(!manifest.load(QStringLiteral("/nonexistent/dir/manifest.jsonl")));
    QCOMPARE(manifest.problems().size(), 1);
    QCOMPARE(manifest.deviceCount(), 0);
}

void TestDeviceList::manualEntryValidates()
{
    DeviceListModel model;
    ManualSource manual;
    model.addSource(&manual);
    QVERIFY(!manual.add({}, QStringLiteral("1.2.3.4:0"), 0, {}, {}, {}));
    QVERIFY(manual.lastError().contains(QStringLiteral("port")));
    QVERIFY(!manual.add({}, {}, 1, {}, {}, {}));
    QVERIFY(manual.lastError().contains(QStringLiteral("PoP")));
    QVERIFY(!manual.add({}, {}, 2, {}, QStringLiteral("wifiprov"), {}));
    QVERIFY(!manual.add(QString(40, QLatin1Char('N')), {}, 0, {}, {}, {}));
    QVERIFY(!manual.add({}, {}, 3, {}, {}, {}));
    QCOMPARE(model.rowCount(), 0);

    QVERIFY(manual.add({}, {}, 0, {}, {}, {}));
    QVERIFY(manual.lastError().isEmpty());
    QCOMPARE(role(model, 0, DeviceListModel::ServiceNameRole).toString(), QStringLiteral("192.168.4.1:80"));
    QVERIFY(manual.add(QStringLiteral("PROV_M1"), QStringLiteral("127.0.0.1:8080"), 2, {},
        QStringLiteral("wifiprov"), QStringLiteral("pw")));
    QCOMPARE(model.rowCount(), 2);
    const auto e = model.entry(QStringLiteral("PROV_M1"));
    QCOMPARE(e->displayAddress(), QStringLiteral("127.0.0.1:8080"));
    QCOMPARE(e->credentials.password, QByteArray("pw"));
    QCOMPARE(*e->secVer, 2);
}

void TestDeviceList::stateAndAddressUpdates()
{
    DeviceListModel model;
    QrSource qr;
    model.addSource(&qr);
    QVERIFY(qr.submit(QString::fromUtf8(kQrDemo02)));
    QSignalSpy data(&model, &QAbstractItemModel::dataChanged);
    model.setState(QStringLiteral("PROV_DEMO02"), DeviceListModel::State::Failed,
        QStringLiteral("Wrong Wi-Fi password"));
    QCOMPARE(role(model, 0, DeviceListModel::StateRole).toInt(), int(DeviceListModel::State::Failed));
    QCOMPARE(role(model, 0, DeviceListModel::FailureRole).toString(), QStringLiteral("Wrong Wi-Fi password"));
    model.setState(QStringLiteral("PROV_DEMO02"), DeviceListModel::State::Provisioned);
    QCOMPARE(role(model, 0, DeviceListModel::FailureRole).toString(), QString());
    QCOMPARE(data.size(), 2);

    QSignalSpy changed(&model, &DeviceListModel::entryChanged);
    QVERIFY(!model.setAddress(QStringLiteral("PROV_DEMO02"), QStringLiteral("nonsense:port")));
    QVERIFY(!model.setAddress(QStringLiteral("UNKNOWN"), QStringLiteral("1.2.3.4:80")));
    QVERIFY(model.setAddress(QStringLiteral("PROV_DEMO02"), QStringLiteral("10.1.2.3:8080")));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(role(model, 0, DeviceListModel::AddressRole).toString(), QStringLiteral("10.1.2.3:8080"));
    QCOMPARE(role(model, 0, DeviceListModel::AddressKnownRole).toBool(), true);
}

namespace {
/// A scanner-like source (the seam a BLE scanner plugs into).
class FakeScanner : public DeviceSource
{
public:
    DeviceOrigin origin() const override { return DeviceOrigin::Ble; }
    void see(const QString &name, int rssi)
    {
        DeviceEntry e = report(name);
        e.rssi = rssi;
        Q_EMIT deviceSeen(e);
    }
    /// BlueZ remembers the device but the scan does not hear it advertising: no RSSI.
    void seeCached(const QString &name)
    {
        DeviceEntry e = report(name);
        e.cached = true;
        Q_EMIT deviceSeen(e);
    }
    void lose(const QString &name) { Q_EMIT deviceLost(name); }

private:
    static DeviceEntry report(const QString &name)
    {
        DeviceEntry e;
        e.serviceName = name;
        e.transport = prov::TransportKind::Ble;
        e.origins = int(DeviceOrigin::Ble);
        return e;
    }
};
} // namespace

void TestDeviceList::lostDeviceRemovedOnlyWhenUntouched()
{
    DeviceListModel model;
    FakeScanner scanner;
    QrSource qr;
    model.addSource(&scanner);
    model.addSource(&qr);
    scanner.see(QStringLiteral("PROV_B1"), -60);
    scanner.see(QStringLiteral("PROV_B2"), -70);
    scanner.see(QStringLiteral("PROV_B2"), -52); // seen again: RSSI updated, no new row
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(role(model, model.rowOf(QStringLiteral("PROV_B2")), DeviceListModel::RssiRole).toInt(), -52);
    QCOMPARE(role(model, model.rowOf(QStringLiteral("PROV_B2")), DeviceListModel::RssiTextRole).toString(),
        QStringLiteral("-52 dBm"));
    model.setState(QStringLiteral("PROV_B2"), DeviceListModel::State::Failed, QStringLiteral("x"));
    scanner.lose(QStringLiteral("PROV_B1"));
    scanner.lose(QStringLiteral("PROV_B2")); // a technician worked on it: kept
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(role(model, 0, DeviceListModel::ServiceNameRole).toString(), QStringLiteral("PROV_B2"));
}

void TestDeviceList::cachedReportClearsRssiUntilAdvertisingAgain()
{
    DeviceListModel model;
    FakeScanner scanner;
    model.addSource(&scanner);
    const QString key = QStringLiteral("PROV_B1");
    scanner.see(key, -60); // advertising
    QCOMPARE(role(model, 0, DeviceListModel::CachedRole).toBool(), false);
    QCOMPARE(role(model, 0, DeviceListModel::RssiRole).toInt(), -60);

    QSignalSpy data(&model, &QAbstractItemModel::dataChanged);
    scanner.seeCached(key); // only in BlueZ's cache now: the -60 dBm is stale
    QCOMPARE(data.size(), 1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(role(model, 0, DeviceListModel::CachedRole).toBool(), true);
    QVERIFY(!role(model, 0, DeviceListModel::RssiRole).isValid());
    QCOMPARE(role(model, 0, DeviceListModel::RssiTextRole).toString(), QStringLiteral("—"));
    QVERIFY(!model.entry(key)->rssi);

    scanner.see(key, -48); // advertising again
    QCOMPARE(role(model, 0, DeviceListModel::CachedRole).toBool(), false);
    QCOMPARE(role(model, 0, DeviceListModel::RssiRole).toInt(), -48);
    QCOMPARE(role(model, 0, DeviceListModel::RssiTextRole).toString(), QStringLiteral("-48 dBm"));

    // A device first reported cached is cached from the start.
    scanner.seeCached(QStringLiteral("PROV_B2"));
    const int r = model.rowOf(QStringLiteral("PROV_B2"));
    QCOMPARE(role(model, r, DeviceListModel::CachedRole).toBool(), true);
    QVERIFY(!role(model, r, DeviceListModel::RssiRole).isValid());
    // The role is appended: the existing role numbers did not move.
    QCOMPARE(int(DeviceListModel::CachedRole), int(DeviceListModel::HasCredentialsRole) + 1);
    QCOMPARE(model.roleNames().value(DeviceListModel::CachedRole), QByteArray("cached"));
}

void TestDeviceList::cachedFlagOnlyFromTheBleScan()
{
    DeviceEntry row;
    row.serviceName = QStringLiteral("PROV_B1");
    row.transport = prov::TransportKind::Ble;
    row.cached = true;
    row.origins = int(DeviceOrigin::Ble);

    DeviceEntry fromQr; // a QR sticker says nothing about advertising
    fromQr.serviceName = row.serviceName;
    fromQr.transport = prov::TransportKind::Ble;
    fromQr.credentials.pop = "abcd1234";
    fromQr.origins = int(DeviceOrigin::Qr);
    row.mergeFrom(fromQr);
    QVERIFY(row.cached);
    QVERIFY(!row.rssi);
    QCOMPARE(row.origins, int(DeviceOrigin::Ble) | int(DeviceOrigin::Qr));

    DeviceEntry other; // a non-scan report with an RSSI does not revive a cached row
    other.serviceName = row.serviceName;
    other.rssi = -40;
    other.origins = int(DeviceOrigin::Manifest);
    row.mergeFrom(other);
    QVERIFY(row.cached);
    QVERIFY(!row.rssi);

    DeviceEntry scan; // the scan hears it: advertising again
    scan.serviceName = row.serviceName;
    scan.transport = prov::TransportKind::Ble;
    scan.rssi = -55;
    scan.origins = int(DeviceOrigin::Ble);
    row.mergeFrom(scan);
    QVERIFY(!row.cached);
    QCOMPARE(row.rssi, std::optional<int>(-55));
    QCOMPARE(row.credentials.pop, QByteArray("abcd1234"));
}

void TestDeviceList::bleEntryCarriesCachedFlag()
{
    prov::BleDeviceInfo info;
    info.address = QStringLiteral("24:0A:C4:AB:C1:23");
    info.name = QStringLiteral("PROV_B1");
    info.rssi = -61;
    DeviceEntry e = BleSource::entryFor(info);
    QVERIFY(!e.cached);
    QCOMPARE(e.rssi, std::optional<int>(-61));
    QCOMPARE(e.origins, int(DeviceOrigin::Ble));

    info.cached = true;
    info.rssi = 0; // meaningless while cached
    e = BleSource::entryFor(info);
    QVERIFY(e.cached);
    QVERIFY(!e.rssi);
    QCOMPARE(e.host, info.address);
}

void TestDeviceList::filterByNameOrAddress()
{
    DeviceListModel model;
    ManualSource manual;
    model.addSource(&manual);
    QVERIFY(manual.add(QStringLiteral("PROV_B"), QStringLiteral("127.0.0.1:2"), 0, {}, {}, {}));
    QVERIFY(manual.add(QStringLiteral("PROV_A"), QStringLiteral("10.0.0.1:1"), 0, {}, {}, {}));
    QVERIFY(manual.add(QStringLiteral("LAB_C"), QStringLiteral("10.0.0.2:1"), 0, {}, {}, {}));
    DeviceFilterModel filter(&model);
    QCOMPARE(filter.count(), 3);
    QCOMPARE(filter.keyAt(0), QStringLiteral("LAB_C")); // sorted by name
    QCOMPARE(filter.keyAt(1), QStringLiteral("PROV_A"));
    filter.setFilterText(QStringLiteral("prov"));
    QCOMPARE(filter.count(), 2);
    filter.setFilterText(QStringLiteral("10.0.0"));
    QCOMPARE(filter.count(), 2);
    QCOMPARE(filter.rowOfKey(QStringLiteral("PROV_B")), -1);
    QCOMPARE(filter.keyAt(5), QString());
}

void TestDeviceList::signalBarsThresholds_data()
{
    QTest::addColumn<int>("rssi");
    QTest::addColumn<int>("bars");
    QTest::newRow("-30") << -30 << 4;
    QTest::newRow("-55") << -55 << 4;
    QTest::newRow("-56") << -56 << 3;
    QTest::newRow("-67") << -67 << 3;
    QTest::newRow("-68") << -68 << 2;
    QTest::newRow("-78") << -78 << 2;
    QTest::newRow("-79") << -79 << 1;
    QTest::newRow("-89") << -89 << 1;
    QTest::newRow("-90") << -90 << 0;
    QTest::newRow("-127") << -127 << 0;
}

void TestDeviceList::signalBarsThresholds()
{
    QFETCH(int, rssi);
    QFETCH(int, bars);
    QCOMPARE(ws::signalBars(rssi), bars);
}

void TestDeviceList::bandFromChannel()
{
    QCOMPARE(ws::bandForChannel(1), ws::WifiBand::Band2_4GHz);
    QCOMPARE(ws::bandForChannel(14), ws::WifiBand::Band2_4GHz);
    QCOMPARE(ws::bandForChannel(36), ws::WifiBand::Band5GHz);
    QCOMPARE(ws::bandForChannel(165), ws::WifiBand::Band5GHz);
    QCOMPARE(ws::bandForChannel(181), ws::WifiBand::Band6GHz);
    QCOMPARE(ws::bandForChannel(0), ws::WifiBand::Unknown);
    QCOMPARE(ws::bandForChannel(20), ws::WifiBand::Unknown);
    QCOMPARE(ws::bandName(ws::WifiBand::Band5GHz), QStringLiteral("5 GHz"));
}

void TestDeviceList::authWordsAndFlags()
{
    QCOMPARE(ws::authWords(3), QStringLiteral("WPA2-Personal"));
    QCOMPARE(ws::authWords(7), QStringLiteral("WPA2/WPA3-Personal"));
    QCOMPARE(ws::authWords(9), QStringLiteral("OWE (Enhanced Open)"));
    QCOMPARE(ws::authWords(42), QStringLiteral("Unknown security (42)")); // lenient, §9.3 item 3
    QVERIFY(!ws::isSecured(0));
    QVERIFY(ws::isSecured(9)); // OWE encrypts...
    QVERIFY(!ws::needsPassphrase(9)); // ...without a passphrase
    QVERIFY(ws::needsPassphrase(3));
    QVERIFY(ws::isEnterprise(5));
    QCOMPARE(ws::formatBssid(QByteArray::fromHex("021a2b3c4d01")), QStringLiteral("02:1a:2b:3c:4d:01"));
    QCOMPARE(ws::displaySsid("caf\xc3\xa9"), QStringLiteral("café"));
    QCOMPARE(ws::displaySsid("a\xff"
                             "b"),
        QStringLiteral("a\\xffb"));

    WifiScanModel model;
    QSignalSpy count(&model, &WifiScanModel::countChanged);
    model.setEntries({ { "Corp", 11, -40, QByteArray::fromHex("010203040506"), 5 },
        { "Home", 6, -60, QByteArray::fromHex("010203040507"), 3 } });
    QCOMPARE(count.size(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0).data(WifiScanModel::SupportedRole).toBool(), false);
    QCOMPARE(model.index(1).data(WifiScanModel::NeedsPassphraseRole).toBool(), true);
    WifiScanProxyModel proxy(&model);
    proxy.sortBy(WifiScanProxyModel::SortKey::Ssid);
    QCOMPARE(proxy.valueAt(0, WifiScanModel::SsidRole).toString(), QStringLiteral("Corp"));
    proxy.sortBy(WifiScanProxyModel::SortKey::Ssid); // again: reversed
    QVERIFY(proxy.isReversed());
    QCOMPARE(proxy.valueAt(0, WifiScanModel::SsidRole).toString(), QStringLiteral("Home"));
    proxy.sortBy(WifiScanProxyModel::SortKey::Channel);
    QVERIFY(!proxy.isReversed());
    QCOMPARE(proxy.valueAt(0, WifiScanModel::ChannelRole).toInt(), 6);
    QVERIFY(!proxy.valueAt(7, WifiScanModel::SsidRole).isValid());
}

void TestDeviceList::credentialChecks()
{
    auto check = [](const char *ssid, const QByteArray &pass, int auth) {
        prov::WifiCredentials c;
        c.ssid = ssid;
        c.passphrase = pass;
        return ws::checkCredentials(c, auth);
    };
    QVERIFY(!check("net", "password1", 3));
    QVERIFY(check("net", "short", 3));
    QVERIFY(check("net", "pass\x01word", 3));
    QVERIFY(check("net", QByteArray(64, 'a'), 3)); // the device refuses a 64-hex PSK (§13 item 16)
    QVERIFY(check("net", "x", 0));
    QVERIFY(!check("net", "", 0));
    QVERIFY(!check("net", "abcde", 1));
    QVERIFY(!check("net", "0123456789abcdef0123456789", 1));
    QVERIFY(check("net", "abcdef", 1));
    QVERIFY(check("net", "0123456789abcdef012345678z", 1));
    QVERIFY(check("net", "password1", 5));
    QVERIFY(check("", "password1", -1));
    QVERIFY(check("012345678901234567890123456789012", "password1", -1));
    QVERIFY(!check("hidden", "anything", -1));
    const auto e = check("net", "short", 3);
    QCOMPARE(e->code, prov::ErrorCode::InvalidArgument);
    QVERIFY(e->detail.at(0).isUpper());
}

void TestDeviceList::everyErrorCodeHasAdvice()
{
    const QMetaEnum codes = QMetaEnum::fromType<prov::ErrorCode>();
    for (int i = 0; i < codes.keyCount(); ++i) {
        const auto code = prov::ErrorCode(codes.value(i));
        const ws::ErrorAdvice a = ws::adviceFor(code, ws::ErrorContext::Any);
        QVERIFY2(a.headline != QStringLiteral("Error"), codes.key(i)); // a real row, not the fallback
        QVERIFY2(a.advice.size() > 20, codes.key(i));
    }
}

void TestDeviceList::adviceDependsOnContext()
{
    using prov::ErrorCode;
    QVERIFY(ws::adviceFor(ErrorCode::Disconnected, ws::ErrorContext::Apply)
                .advice.contains(QStringLiteral("dropped the link after apply")));
    QVERIFY(!ws::adviceFor(ErrorCode::Disconnected, ws::ErrorContext::Connect)
                 .advice.contains(QStringLiteral("after apply")));
    QCOMPARE(ws::adviceFor(ErrorCode::WifiAuthError, ws::ErrorContext::Apply).headline,
        QStringLiteral("Wrong Wi-Fi password"));
    QVERIFY(ws::adviceFor(ErrorCode::AuthenticationFailed, ws::ErrorContext::Connect)
                .advice.startsWith(QStringLiteral("Wrong PoP / SRP password — check the QR sticker.")));
    // Over BLE a link failure never tells the technician to join a SoftAP; other codes keep their rows.
    QVERIFY(ws::adviceFor(ErrorCode::ConnectFailed, ws::ErrorContext::Connect, false)
                .advice.contains(QStringLiteral("SoftAP")));
    QVERIFY(!ws::adviceFor(ErrorCode::ConnectFailed, ws::ErrorContext::Connect, true)
                 .advice.contains(QStringLiteral("SoftAP")));
    QVERIFY(!ws::adviceFor(ErrorCode::Timeout, ws::ErrorContext::Scan, true)
                 .advice.contains(QStringLiteral("SoftAP")));
    QCOMPARE(ws::adviceFor(ErrorCode::WifiAuthError, ws::ErrorContext::Apply, true).headline,
        QStringLiteral("Wrong Wi-Fi password"));
}

void TestDeviceList::settingsPersistWithoutSecrets()
{
    QTemporaryDir dir;
    const QString ini = dir.filePath(QStringLiteral("ws.ini"));
    {
        SettingsController s(
            std::make_unique<QSettings>(ini, QSettings::IniFormat), QStringLiteral("/r.sqlite"));
        QSignalSpy changed(&s, &SettingsController::operatorNameChanged);
        s.setStationName(QStringLiteral("Line 4"));
        s.setOperatorName(QStringLiteral("Ada"));
        QCOMPARE(changed.size(), 1);
        s.setRememberNetwork(true);
        s.setDefaultSsid(QStringLiteral("Factory"));
        s.setDefaultAuthMode(3);
        s.setSessionPassphrase(QStringLiteral("line-4-secret"));
        s.setRequestTimeoutMs(7000);
        s.setConnectTimeoutMs(90000);
        s.setLastPage(3);
        QCOMPARE(s.recordPath(), QStringLiteral("/r.sqlite"));
        QCOMPARE(s.sessionPassphrase(), QStringLiteral("line-4-secret"));
    }
    QFile file(ini);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.contains("Factory"));
    QVERIFY(!bytes.contains("line-4-secret"));
    {
        SettingsController s(std::make_unique<QSettings>(ini, QSettings::IniFormat), {});
        QCOMPARE(s.stationName(), QStringLiteral("Line 4"));
        QCOMPARE(s.operatorName(), QStringLiteral("Ada"));
        QCOMPARE(s.defaultSsid(), QStringLiteral("Factory"));
        QCOMPARE(s.defaultAuthMode(), 3);
        QCOMPARE(s.sessionPassphrase(), QString()); // memory only
        QCOMPARE(s.requestTimeoutMs(), 7000);
        QCOMPARE(s.connectTimeoutMs(), 90000);
        QCOMPARE(s.lastPage(), 3);
        s.setRememberNetwork(false); // opting out forgets the stored network
    }
    {
        SettingsController s(std::make_unique<QSettings>(ini, QSettings::IniFormat), {});
        QCOMPARE(s.defaultSsid(), QString());
        QVERIFY(s.authModeChoices().size() >= 5);
    }
}

void TestDeviceList::settingsClampTimeoutsAndHonourStationOverride()
{
    QTemporaryDir dir;
    SettingsController s(
        std::make_unique<QSettings>(dir.filePath(QStringLiteral("a.ini")), QSettings::IniFormat), {},
        QStringLiteral("CLI-STATION"));
    QVERIFY(s.stationFromCommandLine());
    QCOMPARE(s.stationName(), QStringLiteral("CLI-STATION"));
    s.setStationName(QStringLiteral("ignored"));
    QCOMPARE(s.stationName(), QStringLiteral("CLI-STATION"));
    s.setRequestTimeoutMs(1);
    QCOMPARE(s.requestTimeoutMs(), SettingsController::kMinRequestTimeoutMs);
    s.setConnectTimeoutMs(1 << 30);
    QCOMPARE(s.connectTimeoutMs(), SettingsController::kMaxConnectTimeoutMs);
}

QTEST_GUILESS_MAIN(TestDeviceList)
#include "tst_devicelist.moc"
