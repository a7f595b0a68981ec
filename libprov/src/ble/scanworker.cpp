// SPDX-License-Identifier: Apache-2.0
#include "ble/scanworker.h"

#include "ble/blecommon.h"

#include <QBluetoothDeviceDiscoveryAgent>
#include <QBluetoothDeviceInfo>
#include <QTimer>
#include <QVariant>

namespace prov::ble {

namespace {
Error agentError(QBluetoothDeviceDiscoveryAgent::Error e, const QString &text)
{
    switch (e) {
    case QBluetoothDeviceDiscoveryAgent::PoweredOffError:
        return makeError(
            ErrorCode::AdapterPoweredOff, QStringLiteral("the Bluetooth adapter is powered off"));
    case QBluetoothDeviceDiscoveryAgent::InvalidBluetoothAdapterError:
    case QBluetoothDeviceDiscoveryAgent::InputOutputError:
    case QBluetoothDeviceDiscoveryAgent::UnsupportedPlatformError:
    case QBluetoothDeviceDiscoveryAgent::UnsupportedDiscoveryMethod:
    case QBluetoothDeviceDiscoveryAgent::MissingPermissionsError:
        return makeError(ErrorCode::Unavailable,
            QStringLiteral("Bluetooth discovery is not possible: %1")
                .arg(text.isEmpty() ? QVariant::fromValue(e).toString() : text));
    default:
        return makeError(
            ErrorCode::Internal, QStringLiteral("Bluetooth discovery failed: %1 (%2)").arg(text).arg(int(e)));
    }
}
} // namespace

ScanWorker::ScanWorker(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_running && m_agent)
            m_agent->stop(); // emits canceled() synchronously: ends the scan below
        if (m_running)
            end(true, {});
    });
}

ScanWorker::~ScanWorker()
{
    shutdown();
}

void ScanWorker::shutdown()
{
    m_timer->stop();
    m_running = false;
    if (m_agent) {
        m_agent->disconnect(this);
        if (m_agent->isActive())
            m_agent->stop();
        delete m_agent;
        m_agent = nullptr;
    }
}

void ScanWorker::start(quint64 token, int durationMs)
{
    if (m_running && m_agent && m_agent->isActive()) {
        m_running = false; // the restart supersedes the old scan; its token is stale already
        m_agent->stop();
    }
    m_token = token;
    m_running = true;
    if (!m_agent) {
        QMutexLocker lock(&qtBluetoothInitMutex());
        m_agent = new QBluetoothDeviceDiscoveryAgent(this);
        lock.unlock();
        // Direct connections: Qt emits errors inside start() and canceled() inside stop().
        connect(m_agent, &QBluetoothDeviceDiscoveryAgent::deviceDiscovered, this, &ScanWorker::report);
        connect(m_agent, &QBluetoothDeviceDiscoveryAgent::deviceUpdated, this,
            [this](const QBluetoothDeviceInfo &info, QBluetoothDeviceInfo::Fields) { report(info); });
        connect(m_agent, &QBluetoothDeviceDiscoveryAgent::errorOccurred, this,
            [this](QBluetoothDeviceDiscoveryAgent::Error e) {
                if (m_running)
                    end(false, agentError(e, m_agent->errorString()));
            });
        connect(m_agent, &QBluetoothDeviceDiscoveryAgent::finished, this, [this] {
            if (m_running)
                end(true, {});
        });
        connect(m_agent, &QBluetoothDeviceDiscoveryAgent::canceled, this, [this] {
            if (m_running)
                end(true, {});
        });
    }
    // Timeout 0: scan until stopped. With a timed scan Qt 6.4 never re-reports a device whose
    // name arrives late, and suppresses its later updates (docs/ble-testing.md §4.10).
    m_agent->setLowEnergyDiscoveryTimeout(0);
    if (durationMs > 0)
        m_timer->start(durationMs);
    qCDebug(lcProvBleScan) << "scan started for" << durationMs << "ms";
    m_agent->start(QBluetoothDeviceDiscoveryAgent::LowEnergyMethod);
}

void ScanWorker::stop(quint64 token)
{
    if (!m_running || token != m_token)
        return;
    if (m_agent && m_agent->isActive())
        m_agent->stop();
    if (m_running)
        end(true, {});
}

void ScanWorker::end(bool ok, const Error &error)
{
    m_running = false;
    m_timer->stop();
    qCDebug(lcProvBleScan) << "scan ended" << (ok ? QStringLiteral("ok") : error.toString());
    Q_EMIT ended(m_token, ok, error);
}

void ScanWorker::report(const QBluetoothDeviceInfo &info)
{
    if (!m_running)
        return;
    BleDeviceInfo d;
    d.address = info.address().toString().toUpper();
    d.name = isPlaceholderName(info.name(), d.address) ? QString() : info.name();
    d.rssi = info.rssi();
    // Qt reports RSSI 0 for a device BlueZ knows from its cache but has not heard advertising.
    d.cached = info.isCached() || info.rssi() == 0;
    const QList<QBluetoothUuid> uuids = info.serviceUuids();
    for (const QBluetoothUuid &u : uuids)
        d.serviceUuids.append(QUuid(u));
    Q_EMIT seen(m_token, d);
}

} // namespace prov::ble
