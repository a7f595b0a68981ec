// SPDX-License-Identifier: Apache-2.0
#include "prov/transport.h"

#include <QMetaObject>
#include <QTimer>

namespace prov {

Transport::Transport(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &Transport::handleTimeout);
}

Transport::~Transport() = default;

void Transport::exchange(const QString &endpoint, const QByteArray &request, Callback done)
{
    auto failLater = [this, done](Error e) {
        QMetaObject::invokeMethod(
            this, [done, e] { done(e); }, Qt::QueuedConnection);
    };
    if (m_done)
        return failLater(
            makeError(ErrorCode::Internal, QStringLiteral("transport busy: one exchange at a time")));
    if (request.isEmpty())
        return failLater(makeError(ErrorCode::InvalidArgument,
            QStringLiteral("empty request to %1: devices reject 0-byte bodies").arg(endpoint)));
    if (request.size() > maxRequestSize())
        return failLater(makeError(ErrorCode::PayloadTooLarge,
            QStringLiteral("request to %1 is %2 bytes; this link takes at most %3")
                .arg(endpoint)
                .arg(request.size())
                .arg(maxRequestSize())));
    m_done = std::move(done);
    ++m_generation;
    m_timer->start(m_timeoutMs);
    // Start from the event loop so that completion is never synchronous with exchange().
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        this,
        [this, endpoint, request, generation] {
            if (m_done && generation == m_generation)
                startExchange(endpoint, request);
        },
        Qt::QueuedConnection);
}

void Transport::cancel()
{
    if (!m_done)
        return;
    abortExchange();
    complete(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled by the caller")));
}

void Transport::complete(Result<QByteArray> result)
{
    if (!m_done)
        return;
    m_timer->stop();
    Callback done = std::move(m_done);
    m_done = nullptr;
    done(std::move(result));
}

void Transport::pauseTimeout()
{
    m_timer->stop();
}

void Transport::restartTimeout()
{
    if (m_done)
        m_timer->start(m_timeoutMs);
}

void Transport::handleTimeout()
{
    if (!m_done)
        return;
    abortExchange();
    complete(makeError(ErrorCode::Timeout, QStringLiteral("no response within %1 ms").arg(m_timeoutMs)));
}

} // namespace prov
