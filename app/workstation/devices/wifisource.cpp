// SPDX-License-Identifier: Apache-2.0
#include "devices/wifisource.h"

#include "applogging.h"
#include "session/erroradvice.h"

namespace {
QString apKey(const prov::SoftApInfo &ap)
{
    return ap.interfaceName + QLatin1Char('/') + ap.bssid;
}

/// The strongest view of a device among the interfaces that see it.
const prov::SoftApInfo *strongest(const QHash<QString, prov::SoftApInfo> &views)
{
    const prov::SoftApInfo *best = nullptr;
    for (const prov::SoftApInfo &ap : views) {
        if (!best || ap.strengthPercent > best->strengthPercent)
            best = &ap;
    }
    return best;
}
} // namespace

WifiSource::WifiSource(prov::SoftApScanner *scanner, QObject *parent)
    : DeviceSource(parent)
    , m_scanner(scanner ? scanner : new prov::SoftApScanner())
{
    m_scanner->setParent(this);
    // The scanner's default filter: SSIDs starting with "PROV_" (ESP-IDF's example service names, §6.1).
    connect(m_scanner, &prov::SoftApScanner::accessPointSeen, this, &WifiSource::handleSeen);
    connect(m_scanner, &prov::SoftApScanner::accessPointLost, this, &WifiSource::handleLost);
    connect(m_scanner, &prov::SoftApScanner::scanFinished, this, &WifiSource::handleFinished);
    connect(m_scanner, &prov::SoftApScanner::errorOccurred, this, &WifiSource::handleError);
    connect(m_scanner, &prov::SoftApScanner::interfacesChanged, this, &WifiSource::interfacesChanged);
}

WifiSource::~WifiSource()
{
    m_scanner->disconnect(this);
    m_scanner->stop();
}

void WifiSource::startScan()
{
    qCInfo(lcWsDevices).noquote() << "Wi-Fi scan started on"
                                  << (interfaceName().isEmpty() ? QStringLiteral("every interface")
                                                                : interfaceName());
    if (m_scanner->isActive())
        m_scanner->stop();
    m_error.reset();
    setScanning(true);
    Q_EMIT statusChanged();
    m_scanner->start(); // ends in scanFinished() (after errorOccurred() on failure), from the event loop
}

void WifiSource::stopScan()
{
    if (!m_scanning && !m_scanner->isActive())
        return;
    m_scanner->stop(); // no signal from the scanner after this
    if (m_scanning) {
        setScanning(false);
        Q_EMIT statusChanged();
        Q_EMIT scanFinished(0);
    }
}

void WifiSource::toggleScan()
{
    if (m_scanning)
        stopScan();
    else
        startScan();
}

void WifiSource::setInterfaceName(const QString &name)
{
    m_scanner->setInterfaceName(name);
}

int WifiSource::deviceCount() const
{
    return int(m_bySsid.size());
}

QStringList WifiSource::interfaceNames() const
{
    QStringList names;
    for (const prov::WifiInterfaceInfo &i : m_scanner->interfaces())
        names.append(i.name);
    return names;
}

DeviceEntry WifiSource::entryFor(const prov::SoftApInfo &accessPoint)
{
    DeviceEntry e;
    e.serviceName = accessPoint.ssid;
    e.transport = prov::TransportKind::SoftAp;
    e.bssid = accessPoint.bssid.toUpper();
    e.signalPercent = std::clamp(accessPoint.strengthPercent, 0, 100);
    e.apSecurity = int(accessPoint.security);
    e.wifiInterface = accessPoint.interfaceName;
    e.origins = int(DeviceOrigin::Wifi);
    return e;
}

void WifiSource::handleSeen(const prov::SoftApInfo &accessPoint)
{
    if (accessPoint.ssid.isEmpty())
        return; // a hidden SSID names no device
    const bool known = m_bySsid.contains(accessPoint.ssid);
    QHash<QString, prov::SoftApInfo> &views = m_bySsid[accessPoint.ssid];
    views.insert(apKey(accessPoint), accessPoint);
    if (!known)
        qCInfo(lcWsDevices).noquote() << "Wi-Fi device" << accessPoint.ssid << accessPoint.bssid << "on"
                                      << accessPoint.interfaceName << accessPoint.strengthPercent << "%";
    Q_EMIT deviceSeen(entryFor(*strongest(views)));
    Q_EMIT accessPointSeen(accessPoint);
    if (!known)
        Q_EMIT statusChanged();
}

void WifiSource::handleLost(const prov::SoftApInfo &accessPoint)
{
    const auto it = m_bySsid.find(accessPoint.ssid);
    if (it == m_bySsid.end())
        return;
    it->remove(apKey(accessPoint));
    if (!it->isEmpty()) {
        Q_EMIT deviceSeen(entryFor(*strongest(*it))); // another interface still sees it
        return;
    }
    m_bySsid.erase(it);
    qCInfo(lcWsDevices).noquote() << "Wi-Fi device" << accessPoint.ssid << "lost";
    Q_EMIT deviceLost(accessPoint.ssid);
    Q_EMIT statusChanged();
}

void WifiSource::handleFinished()
{
    if (!m_scanning)
        return;
    qCInfo(lcWsDevices) << "Wi-Fi scan finished," << m_bySsid.size() << "device(s) seen";
    setScanning(false);
    Q_EMIT statusChanged();
    Q_EMIT scanFinished(m_error ? int(m_error->code) : 0);
}

void WifiSource::handleError(const prov::Error &error)
{
    qCWarning(lcWsDevices).noquote() << "Wi-Fi scan failed:" << error.toString();
    m_error = error;
    Q_EMIT statusChanged();
    // PermissionDenied: the scanner goes on with what NetworkManager already knows and ends with
    // scanFinished(); the others end the scan the same way (softap.h), reported by handleFinished().
}

void WifiSource::setScanning(bool scanning)
{
    if (scanning == m_scanning)
        return;
    m_scanning = scanning;
    Q_EMIT scanningChanged();
}

QString WifiSource::errorHeadline() const
{
    return m_error ? ws::adviceFor(m_error->code, ws::ErrorContext::WifiScan).headline : QString();
}

QString WifiSource::errorAdvice() const
{
    return m_error ? ws::adviceFor(m_error->code, ws::ErrorContext::WifiScan).advice : QString();
}

QString WifiSource::statusText() const
{
    if (m_error) {
        switch (m_error->code) {
        case prov::ErrorCode::Unavailable:
            return tr("NetworkManager is not running: SoftAP devices cannot be found by a Wi-Fi scan. "
                      "Everything else works as usual.");
        case prov::ErrorCode::NoWifiInterface:
            return tr("No Wi-Fi interface: SoftAP devices cannot be found by a Wi-Fi scan.");
        case prov::ErrorCode::WifiDisabled:
            return tr("Wi-Fi is switched off.");
        case prov::ErrorCode::PermissionDenied:
            return tr("Not allowed to scan: %n SoftAP device(s) NetworkManager already knew are listed.", "",
                deviceCount());
        default:
            return tr("The Wi-Fi scan failed (%1).").arg(prov::errorCodeName(m_error->code));
        }
    }
    if (m_scanning)
        return tr("Scanning for SoftAP devices (Wi-Fi)… %n found", "", deviceCount());
    return tr("Wi-Fi: %n SoftAP device(s) found", "", deviceCount());
}

void WifiSource::setExtraSsidPatterns(const QStringList &patterns)
{
    QStringList all { prov::SoftApScanner::defaultSsidPrefix() };
    for (const QString &p : patterns) {
        if (p.isEmpty()) { // the empty prefix matches every name
            m_scanner->setSsidPatterns({});
            return;
        }
        if (!all.contains(p))
            all.append(p);
    }
    m_scanner->setSsidPatterns(all);
}
