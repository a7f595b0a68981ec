// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <functional>
#include <optional>

QT_FORWARD_DECLARE_CLASS(QLowEnergyController)
QT_FORWARD_DECLARE_CLASS(QLowEnergyService)
QT_FORWARD_DECLARE_CLASS(QTimer)

namespace prov::ble {

/// What BleTransport hands the link when it opens it.
struct LinkConfig
{
    QString address;
    QUuid advertisedService;
    int connectTimeoutMs = 15000;
    int closeTimeoutMs = 2000; ///< how long to wait for BlueZ to confirm a Disconnect
    QStringList customEndpoints;
};

/// The Qt Bluetooth side of one BleTransport: a QLowEnergyController and its provisioning service,
/// living in the worker thread (or the transport's thread, see BleTransport::Threading). All its
/// methods run in its own thread (BleTransport posts them); results go back as signals, which the
/// transport receives queued. Every signal carries the token of the open() it belongs to.
///
/// Qt's signals are connected queued too, so no handler ever runs inside a Qt Bluetooth call:
/// Qt 6.4 emits errors and even connected() synchronously inside connectToDevice()
/// (docs/ble-testing.md §4.11, §4.13), and deleting the controller there would crash.
class Link : public QObject
{
    Q_OBJECT
public:
    explicit Link(QObject *parent = nullptr);
    ~Link() override;

    /// Connect, discover, map. Ends in opened() or openFailed().
    void open(quint64 token, const LinkConfig &config);
    /// One write + read. Ends in exchanged(), or in lost() if the link drops meanwhile.
    void exchange(quint64 token, const QString &endpoint, const QByteArray &request);
    /// Tears the link down (waiting for BlueZ's Disconnect reply, bounded), then closed().
    /// Pending work is dropped silently.
    void close();
    /// Drops everything at once, no signals (the transport is going away).
    void shutdown();

Q_SIGNALS:
    void opened(
        quint64 token, const QUuid &service, const QList<QPair<QString, QUuid>> &endpoints, bool derived);
    void openFailed(quint64 token, const prov::Error &error);
    void exchanged(quint64 token, bool ok, const QByteArray &value, const prov::Error &error);
    /// The device closed an open link (during an exchange or while idle).
    void lost(quint64 token, const prov::Error &error);
    void closed();

private:
    enum class Phase { Idle, Connecting, Discovering, Mapping, Open, TearingDown };
    struct Operation
    {
        enum class Step { Writing, Reading, Probing };
        quint64 token = 0;
        QString endpoint;
        QUuid characteristic;
        int size = 0;
        Step step = Step::Writing;
    };
    struct PendingDescriptor
    {
        QUuid characteristic;
        int index = 0; ///< position in the service's characteristic list
    };

    void createController();
    void destroyController();
    void teardown(std::function<void()> then);
    void failOpen(const Error &error);
    void handleConnected();
    void handleControllerError(int error);
    void handleDisconnected();
    void handleControllerUnconnected();
    void handleDiscoveryFinished();
    void handleServiceState(int state);
    void handleServiceError(int error);
    void readNextDescriptor();
    void finishMapping();
    void handleDescriptorRead(const QUuid &characteristic, const QByteArray &value);
    void handleCharacteristicWritten(const QUuid &characteristic);
    void handleCharacteristicRead(const QUuid &characteristic, const QByteArray &value);
    void handleWatchdog();
    void finishOperation(bool ok, const QByteArray &value, const Error &error);
    void loseLink(const Error &error);
    QUuid characteristicFor(const QString &endpoint) const;
    /// Unavailable / AdapterPoweredOff when the local adapter is the problem (blocking D-Bus calls).
    std::optional<Error> adapterProblem() const;

    Phase m_phase = Phase::Idle;
    quint64 m_token = 0;
    /// bumped whenever the controller is replaced: stale queued Qt signals are dropped
    quint64 m_generation = 0;
    LinkConfig m_config;
    QLowEnergyController *m_controller = nullptr;
    QLowEnergyService *m_service = nullptr;
    QUuid m_serviceUuid;
    QList<QPair<QString, QUuid>> m_endpoints;
    QList<QUuid> m_characteristics; ///< UUIDs of the service's characteristics
    QList<PendingDescriptor> m_descriptors;
    bool m_probingDescriptor = false;
    std::optional<Operation> m_op;
    std::function<void()> m_afterTeardown;
    QTimer *m_watchdog = nullptr;
    QTimer *m_closeTimer = nullptr;
};

} // namespace prov::ble
