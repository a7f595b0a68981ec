// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QObject>

#include <optional>

namespace prov {

/// An asynchronous operation that ends exactly once (docs/architecture.md principle 5), in the way of
/// QNetworkReply. Owned by whoever started it (normally the Provisioner, which deletes it with
/// deleteLater() after finished()). Connect to finished() and read the typed result there.
class PendingOperation : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    bool isFinished() const { return m_finished; }
    /// The error once finished with one; nullopt on success or while running.
    const std::optional<Error> &error() const { return m_error; }
    /// Ends the operation with `error` (producer side; no-op once finished).
    void finishWithError(const Error &error) { finish(error); }

Q_SIGNALS:
    /// Emitted exactly once, from the event loop (never synchronously from the call that started it).
    void finished();

protected:
    void finish(std::optional<Error> error)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_error = std::move(error);
        Q_EMIT finished();
    }

private:
    bool m_finished = false;
    std::optional<Error> m_error;
};

/// A PendingOperation with a typed value.
template <typename T> class Pending : public PendingOperation
{
public:
    using PendingOperation::PendingOperation;
    /// The outcome; valid only after finished().
    Result<T> result() const
    {
        if (error())
            return *error();
        return *m_value;
    }
    /// Called by the producer; ends the operation.
    void setResult(Result<T> r)
    {
        if (isFinished())
            return;
        if (r) {
            m_value = std::move(r.value());
            finish(std::nullopt);
        } else {
            finish(r.error());
        }
    }

private:
    std::optional<T> m_value;
};

template <> class Pending<void> : public PendingOperation
{
public:
    using PendingOperation::PendingOperation;
    Result<void> result() const { return error() ? Result<void>(*error()) : Result<void>(); }
    void setResult(Result<void> r) { finish(r ? std::nullopt : std::optional<Error>(r.error())); }
};

} // namespace prov
