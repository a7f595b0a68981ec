// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QMutex>
#include <QObject>
#include <QPointer>

#include <functional>

namespace prov {

/// A limit on concurrent BLE connections through one adapter, shared by every BleTransport that
/// uses that adapter (pass the same object to each). Controllers handle only a few simultaneous LE
/// links (typically 4-8; bluetoothd itself has no limit), and connecting many at once also slows
/// each connection down. A transport holds a slot from the moment it starts connecting until its
/// link is closed; requests beyond maxConcurrent() wait in FIFO order.
///
/// Ownership: not owned by the transports; it must outlive every transport that uses it.
/// Thread: thread-safe; `granted` callbacks run in their context object's thread.
class BleConnectionLimit : public QObject
{
    Q_OBJECT
public:
    /// Default slots: what common USB/onboard controllers sustain reliably for GATT sessions.
    static constexpr int kDefaultMaxConcurrent = 4;
    using Ticket = quint64;

    /// `maxConcurrent` < 1 is treated as 1.
    explicit BleConnectionLimit(int maxConcurrent = kDefaultMaxConcurrent, QObject *parent = nullptr);
    ~BleConnectionLimit() override;

    int maxConcurrent() const;
    /// Raising the limit grants waiting requests at once (FIFO); lowering it lets current holders
    /// finish and grants nothing new until the count is below the new limit.
    void setMaxConcurrent(int maxConcurrent);
    /// Slots currently held.
    int activeCount() const;
    /// Requests waiting for a slot.
    int waitingCount() const;

    /// Asks for a slot. `granted` is called exactly once, from `context`'s event loop (never from
    /// inside acquire()), when the slot is held — unless release(ticket) comes first or `context`
    /// is destroyed. The holder must call release(ticket) when its link closes (BleTransport does,
    /// also in its destructor); a ticket whose context died while waiting is dropped.
    Ticket acquire(QObject *context, std::function<void()> granted);
    /// Gives the slot back, or leaves the queue. Unknown or already released tickets are ignored.
    void release(Ticket ticket);

Q_SIGNALS:
    /// activeCount() or waitingCount() changed (emitted in the thread that caused the change).
    void countsChanged();

private:
    struct Waiter
    {
        Ticket ticket = 0;
        QPointer<QObject> context;
        std::function<void()> granted;
    };
    void grantLocked(QList<Waiter> &toGrant);
    static void deliver(QList<Waiter> granted);

    mutable QMutex m_mutex;
    int m_max = kDefaultMaxConcurrent;
    Ticket m_nextTicket = 1;
    QList<Ticket> m_active;
    QList<Waiter> m_waiting;
};

} // namespace prov
