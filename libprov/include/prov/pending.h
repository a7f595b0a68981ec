// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QObject>
#include <QPointer>

#include <optional>

namespace prov {

template <typename T> class Promise;

/// An asynchronous operation that ends exactly once (docs/architecture.md principle 5), in the way of
/// QNetworkReply and bluez-qt's PendingCall.
///
/// Two sides: consumers get a `Pending<T> *` and may only observe it (finished(), isFinished(),
/// error(), Pending<T>::result(), waitForFinished()); the producer holds the matching `Promise<T>`,
/// the only handle that can end it. A Pending cannot be created or finished from outside: its
/// constructor and its finishing functions are private, reachable only through Promise<T>.
///
/// Lifetime: the producer's `parent` owns it; once finished() has been emitted the operation deletes
/// itself with deleteLater() (after waitForFinished() has returned, when someone waits on it), so
/// read the result in a slot connected to finished() or right after waitForFinished().
class PendingOperation : public QObject
{
    Q_OBJECT
public:
    ~PendingOperation() override;

    bool isFinished() const { return m_finished; }
    /// The error once finished with one; nullopt on success. While running: the Internal error
    /// "result read before finished" (an operation that has not ended has no outcome yet).
    std::optional<Error> error() const;

    /// Runs a local QEventLoop until the operation has finished or `timeoutMs` (ms) have passed; for
    /// tests and the CLI (never in GUI code). A negative `timeoutMs` counts as 0: the loop runs once
    /// through the pending events and returns. Returns isFinished(). The operation is not deleted while
    /// the loop runs: its result can be read right after a true return, before the event loop runs
    /// again. Returns false at once if the operation is destroyed meanwhile (its owner was).
    bool waitForFinished(int timeoutMs);

Q_SIGNALS:
    /// Emitted exactly once, from the event loop (never synchronously from the call that started it).
    /// `operation` is this object (connect one slot to many operations and read the result there).
    void finished(prov::PendingOperation *operation);

protected:
    explicit PendingOperation(QObject *parent);
    /// The error every reader gets while the operation runs: Internal "result read before finished".
    static Error notFinishedError();

private:
    template <typename T> friend class Promise;
    /// Ends the operation (no-op once finished): records the outcome, emits finished(), schedules
    /// the deletion.
    void finish(std::optional<Error> error);

    bool m_finished = false;
    int m_waiting = 0; ///< nested waitForFinished() calls; deletion waits for them
    std::optional<Error> m_error;
};

/// A PendingOperation with a typed value. Obtained from a producer (e.g. the Provisioner's verbs).
template <typename T> class Pending : public PendingOperation
{
public:
    /// The outcome once finished(). Before: the Internal error "result read before finished"
    /// (never an empty value).
    Result<T> result() const
    {
        if (!isFinished())
            return notFinishedError();
        if (auto e = error())
            return *e;
        return *m_value;
    }

    /// waitForFinished(timeoutMs) then result(); Internal ("the wait of N ms expired") if the
    /// operation did not end in time. For tests and the CLI.
    Result<T> waitForResult(int timeoutMs)
    {
        QPointer<Pending<T>> self(this);
        if (!waitForFinished(timeoutMs) || !self)
            return makeError(ErrorCode::Internal, QStringLiteral("the wait of %1 ms expired").arg(timeoutMs));
        return result();
    }

private:
    friend class Promise<T>;
    explicit Pending(QObject *parent)
        : PendingOperation(parent)
    { }

    std::optional<T> m_value;
};

template <> class Pending<void> : public PendingOperation
{
public:
    /// As Pending<T>::result(): Internal "result read before finished" while running.
    Result<void> result() const
    {
        if (!isFinished())
            return notFinishedError();
        if (auto e = error())
            return *e;
        return {};
    }

    /// As Pending<T>::waitForResult().
    Result<void> waitForResult(int timeoutMs)
    {
        QPointer<Pending<void>> self(this);
        if (!waitForFinished(timeoutMs) || !self)
            return makeError(ErrorCode::Internal, QStringLiteral("the wait of %1 ms expired").arg(timeoutMs));
        return result();
    }

private:
    friend class Promise<void>;
    explicit Pending(QObject *parent)
        : PendingOperation(parent)
    { }
};

/// The producer's handle on one Pending<T>: the only way to end it. Cheap to copy (it holds a
/// QPointer), so a producer captures it in its continuations; finishing after the operation was
/// destroyed (its parent went away) is a no-op, and so is finishing twice: the first outcome stands.
/// Finish from the event loop (a callback, a timer, a queued call), never from the call that
/// returned the Pending; finishLater() queues it for that case.
template <typename T> class Promise
{
public:
    /// Creates the operation, owned by `parent` (the producer).
    explicit Promise(QObject *parent)
        : m_op(new Pending<T>(parent))
    { }

    /// What the consumer gets. Null once the operation has been destroyed.
    Pending<T> *pending() const { return m_op.data(); }
    /// True once finished, or once the operation is gone.
    bool isFinished() const { return !m_op || m_op->isFinished(); }

    /// Ends the operation with `result` (now: call it from the event loop). No-op once finished.
    void finish(Result<T> result) const
    {
        if (!m_op || m_op->isFinished())
            return;
        if constexpr (std::is_void_v<T>) {
            m_op->finish(result ? std::nullopt : std::optional<Error>(result.error()));
        } else {
            if (result) {
                m_op->m_value = std::move(result.value());
                m_op->finish(std::nullopt);
            } else {
                m_op->finish(result.error());
            }
        }
    }

    /// finish() from the event loop: for outcomes known inside the call that starts the operation.
    void finishLater(Result<T> result) const
    {
        if (!m_op)
            return;
        Promise<T> self = *this;
        QMetaObject::invokeMethod(
            m_op.data(), [self, result = std::move(result)]() mutable { self.finish(std::move(result)); },
            Qt::QueuedConnection);
    }

private:
    QPointer<Pending<T>> m_op;
};

} // namespace prov
