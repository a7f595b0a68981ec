// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/blescanner.h"

#include <QObject>

QT_FORWARD_DECLARE_CLASS(QBluetoothDeviceDiscoveryAgent)
QT_FORWARD_DECLARE_CLASS(QBluetoothDeviceInfo)
QT_FORWARD_DECLARE_CLASS(QTimer)

namespace prov::ble {

/// The Qt side of BleScanner: a QBluetoothDeviceDiscoveryAgent in the scanner's worker thread.
/// Reports every sighting as a BleDeviceInfo (no filtering, no de-duplication: BleScanner does
/// both) and exactly one ended() per start().
class ScanWorker : public QObject
{
    Q_OBJECT
public:
    explicit ScanWorker(QObject *parent = nullptr);
    ~ScanWorker() override;

    void start(quint64 token, int durationMs);
    void stop(quint64 token);
    void shutdown();

Q_SIGNALS:
    void seen(quint64 token, const prov::BleDeviceInfo &device);
    void ended(quint64 token, bool ok, const prov::Error &error);

private:
    void report(const QBluetoothDeviceInfo &info);
    void end(bool ok, const Error &error);

    QBluetoothDeviceDiscoveryAgent *m_agent = nullptr;
    QTimer *m_timer = nullptr;
    quint64 m_token = 0;
    bool m_running = false;
};

} // namespace prov::ble
