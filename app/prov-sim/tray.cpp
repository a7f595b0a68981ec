// SPDX-License-Identifier: Apache-2.0
#include "tray.h"

#include "fleet.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <cmath>
#include <random>

using namespace prov;

namespace {
Error bad(const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, what);
}

/// `pattern` with its one %d / %0Nd / %Nd replaced by `index`; no conversion: the index, 3 digits,
/// appended.
Result<QString> nameFor(const QString &pattern, int index)
{
    static const QRegularExpression conversion(QStringLiteral("%(0?)([0-9]*)d"));
    const QRegularExpressionMatch m = conversion.match(pattern);
    if (!m.hasMatch()) {
        if (pattern.contains(QLatin1Char('%')))
            return bad(QStringLiteral("name pattern '%1': only %d or %0Nd is understood").arg(pattern));
        return pattern + QStringLiteral("%1").arg(index, 3, 10, QLatin1Char('0'));
    }
    const int width = m.captured(2).isEmpty() ? 0 : m.captured(2).toInt();
    const QChar fill = m.captured(1).isEmpty() ? QLatin1Char(' ') : QLatin1Char('0');
    QString name = pattern;
    name.replace(m.capturedStart(), m.capturedLength(), QStringLiteral("%1").arg(index, width, 10, fill));
    if (name.contains(QLatin1Char('%')))
        return bad(QStringLiteral("name pattern '%1' has more than one conversion").arg(pattern));
    return name;
}

/// Deterministic BLE address of the tray's `index`-th device (neighbours: block 0x7B).
QString trayAddress(int index, bool neighbour)
{
    return QStringLiteral("24:0A:C4:%1:%2:%3")
        .arg(neighbour ? 0x7B : 0x7A, 2, 16, QLatin1Char('0'))
        .arg((index >> 8) & 0xFF, 2, 16, QLatin1Char('0'))
        .arg(index & 0xFF, 2, 16, QLatin1Char('0'))
        .toUpper();
}

/// Applies one fault to a device (what the tray line names it, see docs/prov-sim.md).
void applyTrayFault(FleetDevice &member, const QString &fault)
{
    DeviceConfig &c = member.config;
    member.trayFaults << fault;
    if (fault == QLatin1String("firmware")) {
        c.apps = { AppInfo { QStringLiteral("app"), QString::fromLatin1(kTrayWrongAppVersion), {} } };
    } else if (fault == QLatin1String("pop")) {
        member.sticker = c; // the sticker keeps the template's PoP / password
        c.pop += "-mismatch";
        c.password += "-mismatch";
        c.verifier.reset();
    } else if (fault == QLatin1String("link-drop")) {
        if (member.transport == TransportKind::Ble) {
            BleScenario drop;
            drop.kind = BleScenarioKind::DropAfterApply;
            member.bleConfig.scenarios.append(drop);
        } else {
            // The first request after ApplyConfig (SetConfig, Apply, GetStatus on prov-config) is closed
            // unanswered; the station keeps joining.
            FaultSpec close;
            close.kind = FaultKind::CloseWithoutResponse;
            close.endpoint = QStringLiteral("prov-config");
            close.occurrence = 3;
            c.faults.append(close);
        }
    } else if (fault == QLatin1String("wifi-auth")) {
        for (SimAccessPoint &ap : c.radio.accessPoints) {
            if (ap.authMode != int(AuthMode::Open))
                ap.passphrase = "tray-fault-not-your-passphrase";
        }
    }
}

/// Fisher-Yates with std::mt19937_64, whose output the standard fixes (std::shuffle's is not).
QList<int> shuffled(int count, quint64 seed)
{
    QList<int> order(count);
    for (int i = 0; i < count; ++i)
        order[i] = i;
    std::mt19937_64 rng(seed);
    for (int i = count - 1; i > 0; --i)
        std::swap(order[i], order[int(rng() % quint64(i + 1))]);
    return order;
}
} // namespace

Result<QList<FleetDevice>> buildTray(const TraySpec &spec)
{
    if (spec.count < 1 || spec.count > 256)
        return bad(QStringLiteral("a tray holds 1..256 devices"));
    if (spec.neighbours < 0 || spec.neighbours > 64)
        return bad(QStringLiteral("neighbours must be 0..64"));
    if (spec.rssi < -127 || spec.rssi > 20 || spec.neighbourRssi < -127 || spec.neighbourRssi > 20)
        return bad(QStringLiteral("tray RSSI must be -127..20 dBm"));
    if (spec.transport != QLatin1String("softap") && spec.transport != QLatin1String("ble")
        && spec.transport != QLatin1String("both"))
        return bad(QStringLiteral("tray transport must be softap, ble or both"));
    const std::pair<const char *, double> rates[] = { { "firmware", spec.rates.firmware },
        { "pop", spec.rates.pop }, { "link-drop", spec.rates.linkDrop },
        { "wifi-auth", spec.rates.wifiAuth } };
    QList<QPair<QString, int>> counts;
    int faulty = 0;
    for (const auto &[name, rate] : rates) {
        if (!(rate >= 0 && rate <= 1))
            return bad(QStringLiteral("fault rate %1 must be 0..1").arg(QLatin1String(name)));
        const int n = int(std::lround(rate * spec.count));
        counts.append({ QLatin1String(name), n });
        faulty += n;
    }
    if (faulty > spec.count)
        return bad(QStringLiteral("fault rates add up to %1 faulty devices on a tray of %2")
                       .arg(faulty)
                       .arg(spec.count));

    QList<FleetDevice> tray;
    QStringList names;
    for (int i = 1; i <= spec.count + spec.neighbours; ++i) {
        const bool neighbour = i > spec.count;
        auto name = nameFor(spec.namePattern, i);
        if (!name)
            return name.error();
        if (name->size() > 28 || name->isEmpty())
            return bad(QStringLiteral("tray device name '%1' must be 1..28 characters").arg(*name));
        if (names.contains(*name))
            return bad(QStringLiteral("tray name pattern '%1' repeats '%2'").arg(spec.namePattern, *name));
        names << *name;
        FleetDevice member;
        member.config = spec.base;
        member.config.serviceName = *name;
        member.config.radio.ipAddress = QStringLiteral("10.42.%1.%2").arg(i / 250).arg(i % 250 + 2);
        member.config.apps = { AppInfo { QStringLiteral("app"), spec.appVersion, {} } };
        member.trayIndex = i;
        member.neighbour = neighbour;
        const bool ble = neighbour || spec.transport == QLatin1String("ble")
            || (spec.transport == QLatin1String("both") && i % 2 == 0);
        member.transport = ble ? TransportKind::Ble : TransportKind::SoftAp;
        member.bleConfig.rssi = neighbour ? spec.neighbourRssi : spec.rssi;
        member.bleConfig.address = trayAddress(i, neighbour);
        tray.append(member);
    }
    const QList<int> order = shuffled(spec.count, spec.seed);
    int next = 0;
    for (const auto &[fault, n] : std::as_const(counts)) {
        for (int k = 0; k < n; ++k)
            applyTrayFault(tray[order.at(next++)], fault);
    }
    return tray;
}

Result<TraySpec> traySpecFromJson(const QJsonObject &o, const DeviceConfig &base)
{
    static const QStringList known { QStringLiteral("count"), QStringLiteral("name_pattern"),
        QStringLiteral("transport"), QStringLiteral("sec_ver"), QStringLiteral("sec_patch_ver"),
        QStringLiteral("pop"), QStringLiteral("username"), QStringLiteral("password"),
        QStringLiteral("app_version"), QStringLiteral("rssi"), QStringLiteral("connect_delay_ms"),
        QStringLiteral("dhcp_delay_ms"), QStringLiteral("max_attempts"), QStringLiteral("auto_stop"),
        QStringLiteral("seed"), QStringLiteral("fault_rates"), QStringLiteral("neighbours"),
        QStringLiteral("neighbour_rssi") };
    for (const QString &key : o.keys()) {
        if (!known.contains(key))
            return bad(QStringLiteral("tray: unknown key \"%1\"").arg(key));
    }
    TraySpec spec;
    spec.base = base;
    DeviceConfig &c = spec.base;
    spec.count = o.value(QStringLiteral("count")).toInt(0);
    spec.namePattern = o.value(QStringLiteral("name_pattern")).toString(spec.namePattern);
    spec.transport = o.value(QStringLiteral("transport")).toString(spec.transport);
    c.secVer = o.value(QStringLiteral("sec_ver")).toInt(c.secVer);
    c.sec2PatchVer = o.value(QStringLiteral("sec_patch_ver")).toInt(c.sec2PatchVer);
    c.pop = o.value(QStringLiteral("pop")).toString(QString::fromUtf8(c.pop)).toUtf8();
    c.username = o.value(QStringLiteral("username")).toString(QString::fromUtf8(c.username)).toUtf8();
    c.password = o.value(QStringLiteral("password")).toString(QString::fromUtf8(c.password)).toUtf8();
    c.radio.connectDelayMs = o.value(QStringLiteral("connect_delay_ms")).toInt(c.radio.connectDelayMs);
    c.radio.dhcpDelayMs = o.value(QStringLiteral("dhcp_delay_ms")).toInt(c.radio.dhcpDelayMs);
    c.radio.maxAttempts = o.value(QStringLiteral("max_attempts")).toInt(c.radio.maxAttempts);
    c.autoStop = o.value(QStringLiteral("auto_stop")).toBool(c.autoStop);
    spec.appVersion = o.value(QStringLiteral("app_version")).toString(spec.appVersion);
    spec.rssi = o.value(QStringLiteral("rssi")).toInt(spec.rssi);
    spec.seed = quint64(o.value(QStringLiteral("seed")).toInteger(1));
    spec.neighbours = o.value(QStringLiteral("neighbours")).toInt(0);
    spec.neighbourRssi = o.value(QStringLiteral("neighbour_rssi")).toInt(spec.neighbourRssi);
    const QJsonObject rates = o.value(QStringLiteral("fault_rates")).toObject();
    for (const QString &key : rates.keys()) {
        const double rate = rates.value(key).toDouble(-1);
        if (key == QLatin1String("firmware"))
            spec.rates.firmware = rate;
        else if (key == QLatin1String("pop"))
            spec.rates.pop = rate;
        else if (key == QLatin1String("link_drop"))
            spec.rates.linkDrop = rate;
        else if (key == QLatin1String("wifi_auth"))
            spec.rates.wifiAuth = rate;
        else
            return bad(QStringLiteral("tray: unknown fault rate \"%1\"").arg(key));
    }
    return spec;
}
