// SPDX-License-Identifier: Apache-2.0
#include "prov/blescanner.h"

#include "ble/blecommon.h"
#include "ble/scanworker.h"
#include "prov/gatt.h"

#include <QThread>

namespace prov {

namespace {
constexpr int kJoinTimeoutMs = 2000;
} // namespace

QUuid BleDeviceInfo::primaryServiceUuid() const
{
    for (const QUuid &u : serviceUuids) {
        if (u == gatt::exampleServiceUuid() || u == gatt::defaultServiceUuid())
            return u;
    }
    // Android takes the first advertised UUID as the provisioning service (§7.1); 16-bit SIG
    // UUIDs (0000xxxx-0000-1000-8000-00805f9b34fb) are never it.
    const QUuid sigBase(QStringLiteral("{00000000-0000-1000-8000-00805f9b34fb}"));
    for (const QUuid &u : serviceUuids) {
        QUuid masked = u;
        masked.data1 = 0;
        if (masked != sigBase)
            return u;
    }
    return {};
}

BleScanner::BleScanner(QObject *parent)
    : QObject(parent)
    , m_uuids { gatt::exampleServiceUuid(), gatt::defaultServiceUuid() }
{
    qRegisterMetaType<prov::BleDeviceInfo>();
    qRegisterMetaType<prov::Error>();
}

BleScanner::~BleScanner()
{
    if (!m_thread)
        return;
    QObject::disconnect(m_worker, nullptr, this, nullptr);
    m_thread->quit();
    if (m_thread->wait(kJoinTimeoutMs)) {
        delete m_thread;
    } else {
        qCWarning(lcProvBleScan) << "BLE scan worker is stuck in a D-Bus call; detaching it";
        connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
    }
}

void BleScanner::start()
{
    if (!m_thread) {
        auto *worker = new ble::ScanWorker;
        m_thread = new QThread;
        m_thread->setObjectName(QStringLiteral("prov-ble-scan"));
        worker->moveToThread(m_thread);
        connect(
            m_thread, &QThread::finished, worker, [worker] { delete worker; }, Qt::DirectConnection);
        connect(worker, &ble::ScanWorker::seen, this, &BleScanner::handleSeen, Qt::QueuedConnection);
        connect(worker, &ble::ScanWorker::ended, this, &BleScanner::handleEnded, Qt::QueuedConnection);
        m_thread->start();
        m_worker = worker;
    }
    m_devices.clear();
    m_unmatched.clear();
    m_active = true;
    const quint64 token = ++m_token;
    const int duration = m_durationMs;
    auto *worker = static_cast<ble::ScanWorker *>(m_worker);
    QMetaObject::invokeMethod(
        worker, [worker, token, duration] { worker->start(token, duration); }, Qt::QueuedConnection);
}

void BleScanner::stop()
{
    if (!m_active)
        return;
    auto *worker = static_cast<ble::ScanWorker *>(m_worker);
    const quint64 token = m_token;
    QMetaObject::invokeMethod(
        worker, [worker, token] { worker->stop(token); }, Qt::QueuedConnection);
}

bool BleScanner::matches(const BleDeviceInfo &device) const
{
    if (m_prefix.isEmpty() && m_uuids.isEmpty())
        return true;
    if (!m_prefix.isEmpty() && device.name.startsWith(m_prefix))
        return true;
    for (const QUuid &u : device.serviceUuids) {
        if (m_uuids.contains(u))
            return true;
    }
    return false;
}

void BleScanner::handleSeen(quint64 token, const BleDeviceInfo &seen)
{
    if (token != m_token || !m_active)
        return;
    auto byAddress = [&seen](const BleDeviceInfo &d) { return d.address == seen.address; };
    auto known = std::find_if(m_devices.begin(), m_devices.end(), byAddress);
    BleDeviceInfo merged = seen;
    // Qt's deviceUpdated() carries the name of its first report: never forget a name (or the UUIDs).
    auto inherit = [&merged](const BleDeviceInfo &prior) {
        if (merged.name.isEmpty())
            merged.name = prior.name;
        if (merged.serviceUuids.isEmpty())
            merged.serviceUuids = prior.serviceUuids;
    };
    if (known != m_devices.end()) {
        inherit(*known);
        // Heard advertising once: the device is live even if a later report lacks an RSSI.
        if (merged.cached && !known->cached) {
            merged.cached = false;
            merged.rssi = known->rssi;
        }
        if (merged == *known)
            return;
        *known = merged;
        return Q_EMIT deviceUpdated(merged);
    }
    auto waiting = std::find_if(m_unmatched.begin(), m_unmatched.end(), byAddress);
    if (waiting != m_unmatched.end()) {
        inherit(*waiting);
        m_unmatched.erase(waiting);
    }
    if (!matches(merged)) {
        m_unmatched.append(merged);
        return;
    }
    qCDebug(lcProvBleScan) << "found" << merged.address << merged.name << merged.rssi << "dBm"
                           << (merged.cached ? "(cached)" : "");
    m_devices.append(merged);
    Q_EMIT deviceDiscovered(merged);
}

void BleScanner::handleEnded(quint64 token, bool ok, const Error &error)
{
    if (token != m_token || !m_active)
        return;
    m_active = false;
    if (ok)
        Q_EMIT finished();
    else
        Q_EMIT errorOccurred(error);
}

} // namespace prov
