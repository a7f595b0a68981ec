// SPDX-License-Identifier: Apache-2.0
#include "devices/deviceentry.h"

#include "prov/httptransport.h"

QString DeviceEntry::effectiveHost() const
{
    return host.isEmpty() ? QString::fromLatin1(prov::HttpTransport::kDefaultHost) : host;
}

QString DeviceEntry::displayAddress() const
{
    if (!isSoftAp())
        return host.isEmpty() ? serviceName : host; // BLE: "AA:BB:CC:DD:EE:FF"
    if (joinsSoftAp())
        return bssid.isEmpty() ? serviceName : bssid; // joined by SSID: the gateway is known once joined
    const QString h = effectiveHost();
    return (h.contains(QLatin1Char(':')) ? QStringLiteral("[%1]:%2") : QStringLiteral("%1:%2"))
        .arg(h)
        .arg(effectivePort());
}

void DeviceEntry::mergeFrom(const DeviceEntry &other)
{
    transport = other.transport; // every report names its transport (SoftAP unless it says otherwise)
    if (!other.host.isEmpty()) {
        host = other.host;
        port = other.port;
    }
    if (other.origins & int(DeviceOrigin::Ble)) {
        cached = other.cached;
        if (cached)
            rssi.reset(); // not advertising now: the last RSSI is stale
    }
    if (other.rssi && !cached)
        rssi = other.rssi;
    if (other.secVer)
        secVer = other.secVer;
    if (!other.bssid.isEmpty())
        bssid = other.bssid;
    if (other.signalPercent)
        signalPercent = other.signalPercent;
    if (other.apSecurity)
        apSecurity = other.apSecurity;
    if (!other.wifiInterface.isEmpty())
        wifiInterface = other.wifiInterface;
    origins |= other.origins;
    if (!other.credentials.pop.isEmpty())
        credentials.pop = other.credentials.pop;
    if (!other.credentials.username.isEmpty())
        credentials.username = other.credentials.username;
    if (!other.credentials.password.isEmpty())
        credentials.password = other.credentials.password;
    if (!other.credentials.softApPassword.isEmpty())
        credentials.softApPassword = other.credentials.softApPassword;
    for (auto it = other.fields.cbegin(); it != other.fields.cend(); ++it)
        fields.insert(it.key(), it.value());
}

bool parseHostPort(const QString &input, QString *host, quint16 *port)
{
    const QString text = input.trimmed();
    QString h = text;
    QString p;
    if (text.startsWith(QLatin1Char('['))) {
        const qsizetype close = text.indexOf(QLatin1Char(']'));
        if (close < 0)
            return false;
        h = text.mid(1, close - 1);
        const QString rest = text.mid(close + 1);
        if (!rest.isEmpty()) {
            if (!rest.startsWith(QLatin1Char(':')))
                return false;
            p = rest.mid(1);
        }
    } else if (text.count(QLatin1Char(':')) == 1) {
        const qsizetype colon = text.indexOf(QLatin1Char(':'));
        h = text.left(colon);
        p = text.mid(colon + 1);
    }
    if (h.isEmpty() || h.contains(QLatin1Char(' ')))
        return false;
    uint value = DeviceEntry::kDefaultSoftApPort;
    if (!p.isEmpty()) {
        bool ok = false;
        value = p.toUInt(&ok);
        if (!ok || value == 0 || value > 65535)
            return false;
    }
    *host = h;
    *port = quint16(value);
    return true;
}
