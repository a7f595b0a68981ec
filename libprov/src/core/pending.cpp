// SPDX-License-Identifier: Apache-2.0
#include "prov/pending.h"

#include <QEventLoop>
#include <QTimer>

namespace prov {

PendingOperation::PendingOperation(QObject *parent)
    : QObject(parent)
{ }

PendingOperation::~PendingOperation() = default;

Error PendingOperation::notFinishedError()
{
    return makeError(ErrorCode::Internal, QStringLiteral("result read before finished"));
}

std::optional<Error> PendingOperation::error() const
{
    if (!m_finished)
        return notFinishedError();
    return m_error;
}

void PendingOperation::finish(std::optional<Error> error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = std::move(error);
    // A finished() slot may delete the owner, and this operation with it: touch nothing after that.
    QPointer<PendingOperation> self(this);
    Q_EMIT finished(this);
    if (!self)
        return;
    // A waiter reads the result after its loop returns: it schedules the deletion itself.
    if (m_waiting == 0)
        deleteLater();
}

bool PendingOperation::waitForFinished(int timeoutMs)
{
    if (m_finished)
        return true;
    QPointer<PendingOperation> self(this);
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(this, &PendingOperation::finished, &loop, &QEventLoop::quit);
    QObject::connect(this, &QObject::destroyed, &loop, &QEventLoop::quit);
    ++m_waiting;
    timer.start(std::max(0, timeoutMs));
    loop.exec();
    if (!self)
        return false;
    --m_waiting;
    if (m_finished && m_waiting == 0)
        deleteLater();
    return m_finished;
}

} // namespace prov
