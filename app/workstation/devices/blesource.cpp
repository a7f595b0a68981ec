// SPDX-License-Identifier: Apache-2.0
#include "devices/blesource.h"

#include "applogging.h"
#include "session/erroradvice.h"

BleSource::BleSource(QObject *parent)
    : DeviceSource(parent)
    , m_scanner(new prov::BleScanner(this))
{
    // BleScanner's defaults: the "PROV_" prefix and the provisioning service UUIDs (§7.1, §7.2).
    connect(m_scanner, &prov::BleScanner::deviceDiscovered, this, &BleSource::handleDevice);
    connect(m_scanner, &prov::BleScanner::deviceUpdated, this, &BleSource::handleDevice);
    connect(m_scanner, &prov::BleScanner::finished, this, &BleSource::handleFinished);
    connect(m_scanner, &prov::BleScanner::errorOccurred, this, &BleSource::handleError);
}

BleSource::~BleSource() = default;

void BleSource::startScan()
{
    const bool wasScanning = isScanning();
    qCInfo(lcWsDevices) << "BLE scan started for" << m_scanner->duration() << "ms";
    m_scanner->start(); // ends in finished() or errorOccurred(), from the event loop
    setError(std::nullopt);
    if (!wasScanning)
        Q_EMIT scanningChanged();
}

void BleSource::stopScan()
{
    if (isScanning())
        m_scanner->stop();
}

void BleSource::toggleScan()
{
    if (isScanning())
        stopScan();
    else
        startScan();
}

void BleSource::setScanDurationMs(int ms)
{
    if (ms == m_scanner->duration())
        return;
    m_scanner->setDuration(ms);
    Q_EMIT scanDurationMsChanged();
}

DeviceEntry BleSource::entryFor(const prov::BleDeviceInfo &device)
{
    DeviceEntry e;
    e.serviceName = device.name;
    e.transport = prov::TransportKind::Ble;
    e.host = device.address;
    e.port = 0;
    e.cached = device.cached;
    if (!device.cached)
        e.rssi = device.rssi;
    e.origins = int(DeviceOrigin::Ble);
    return e;
}

void BleSource::handleDevice(const prov::BleDeviceInfo &device)
{
    if (device.name.isEmpty())
        return; // matched by its service UUID; the name (the row key) comes with a later update
    const bool known = m_byName.contains(device.name);
    m_byName.insert(device.name, device);
    if (!known)
        qCInfo(lcWsDevices) << "BLE device" << device.name << device.address
                            << (device.cached ? "(cached)" : "");
    Q_EMIT deviceSeen(entryFor(device));
    if (!known)
        Q_EMIT statusChanged();
}

void BleSource::handleFinished()
{
    qCInfo(lcWsDevices) << "BLE scan finished," << m_byName.size() << "device(s) known";
    Q_EMIT scanningChanged();
    Q_EMIT statusChanged();
    Q_EMIT scanFinished(0);
}

void BleSource::handleError(const prov::Error &error)
{
    qCWarning(lcWsDevices).noquote() << "BLE scan failed:" << error.toString();
    setError(error);
    Q_EMIT scanningChanged();
    Q_EMIT scanFinished(int(error.code));
}

void BleSource::setError(const std::optional<prov::Error> &error)
{
    m_error = error;
    Q_EMIT statusChanged();
}

QString BleSource::errorHeadline() const
{
    return m_error ? ws::adviceFor(m_error->code, ws::ErrorContext::Any).headline : QString();
}

QString BleSource::errorAdvice() const
{
    return m_error ? ws::adviceFor(m_error->code, ws::ErrorContext::Any).advice : QString();
}

QString BleSource::statusText() const
{
    if (m_error) {
        switch (m_error->code) {
        case prov::ErrorCode::Unavailable:
            return tr("No Bluetooth adapter: BLE devices cannot be found. Everything else works as usual.");
        case prov::ErrorCode::AdapterPoweredOff:
            return tr("The Bluetooth adapter is off.");
        default:
            return tr("The BLE scan failed (%1).").arg(prov::errorCodeName(m_error->code));
        }
    }
    if (isScanning())
        return tr("Scanning for BLE devices… %n found", "", deviceCount());
    return tr("BLE: %n device(s) found", "", deviceCount());
}

std::optional<prov::BleDeviceInfo> BleSource::device(const QString &serviceName) const
{
    const auto it = m_byName.constFind(serviceName);
    if (it == m_byName.cend())
        return std::nullopt;
    return *it;
}

QUuid BleSource::serviceUuidFor(const QString &serviceName) const
{
    const auto d = device(serviceName);
    return d ? d->primaryServiceUuid() : QUuid();
}

bool BleSource::isCached(const QString &serviceName) const
{
    const auto d = device(serviceName);
    return d && d->cached;
}
