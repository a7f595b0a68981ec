// SPDX-License-Identifier: Apache-2.0
#include "prov/bleconnectionlimit.h"

#include <QMetaObject>

namespace prov {

BleConnectionLimit::BleConnectionLimit(int maxConcurrent, QObject *parent)
    : QObject(parent)
    , m_max(std::max(1, maxConcurrent))
{ }

BleConnectionLimit::~BleConnectionLimit() = default;

int BleConnectionLimit::maxConcurrent() const
{
    QMutexLocker lock(&m_mutex);
    return m_max;
}

void BleConnectionLimit::setMaxConcurrent(int maxConcurrent)
{
    QList<Waiter> granted;
    {
        QMutexLocker lock(&m_mutex);
        m_max = std::max(1, maxConcurrent);
        grantLocked(granted);
    }
    const bool changed = !granted.isEmpty();
    deliver(std::move(granted));
    if (changed)
        Q_EMIT countsChanged();
}

int BleConnectionLimit::activeCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_active.size());
}

int BleConnectionLimit::waitingCount() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_waiting.size());
}

BleConnectionLimit::Ticket BleConnectionLimit::acquire(QObject *context, std::function<void()> granted)
{
    QList<Waiter> toGrant;
    Ticket ticket = 0;
    {
        QMutexLocker lock(&m_mutex);
        ticket = m_nextTicket++;
        m_waiting.append(Waiter { ticket, QPointer<QObject>(context), std::move(granted) });
        grantLocked(toGrant);
    }
    deliver(std::move(toGrant));
    Q_EMIT countsChanged();
    return ticket;
}

void BleConnectionLimit::release(Ticket ticket)
{
    QList<Waiter> toGrant;
    {
        QMutexLocker lock(&m_mutex);
        const bool wasActive = m_active.removeOne(ticket);
        const auto waiting = std::find_if(
            m_waiting.begin(), m_waiting.end(), [ticket](const Waiter &w) { return w.ticket == ticket; });
        const bool wasWaiting = waiting != m_waiting.end();
        if (wasWaiting)
            m_waiting.erase(waiting);
        if (!wasActive && !wasWaiting)
            return;
        grantLocked(toGrant);
    }
    deliver(std::move(toGrant));
    Q_EMIT countsChanged();
}

void BleConnectionLimit::grantLocked(QList<Waiter> &toGrant)
{
    while (!m_waiting.isEmpty() && m_active.size() < m_max) {
        Waiter w = m_waiting.takeFirst();
        if (!w.context)
            continue; // its owner is gone: nobody would ever release the slot
        m_active.append(w.ticket);
        toGrant.append(std::move(w));
    }
}

void BleConnectionLimit::deliver(QList<Waiter> granted)
{
    for (Waiter &w : granted) {
        if (QObject *context = w.context.data())
            QMetaObject::invokeMethod(context, std::move(w.granted), Qt::QueuedConnection);
    }
}

} // namespace prov
