// SPDX-License-Identifier: Apache-2.0
#pragma once

// Long asynchronous flows as C++20 coroutines on QCoro (docs/architecture.md "Long asynchronous flows:
// coroutines (decided)"). A flow is a `QCoro::Task<Result<T>>` that `co_await`s steps; each step is a
// callback-style call (the session's open/request, a timer) wrapped by awaitStep(). The rules:
//
// - Cancel resumes, never drops: FlowCancel::cancel() settles the step that is awaiting with the given
//   error (Cancelled) at once and resumes it from the owner thread's event loop, so the flow unwinds through
//   its own code and every scoped clean-up (RAII guards, qScopeGuard) in the frame runs.
// - Each step resumes the flow exactly once: its callback and a cancel race, the first one wins, the
//   other is ignored.
// - The owner may be gone when a step resumes (the owner's destructor cancels the flow): after every
//   co_await the flow checks its QPointer to the owner before touching it.
// - The flow's co_return is the operation's one end.
//
// Private to libprov: public headers never include QCoro.

#include "prov/error.h"

#include <QMetaObject>
#include <QObject>
#include <QTimer>

#include <coroutine>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace prov::flow {

template <typename T> class StepAwaiter;

/// The cancel point of the flows of one owner: at most one step awaits at a time (one operation at a
/// time). The owner holds it in a shared_ptr; the awaiting step holds it too, so it outlives the owner
/// until the flow has unwound.
class FlowCancel
{
public:
    FlowCancel() = default;
    ~FlowCancel() { m_context->deleteLater(); }
    Q_DISABLE_COPY_MOVE(FlowCancel)

    /// Cancels the running flow, if any; returns whether there was one (it then ends its operation
    /// itself). A step that awaits is settled at once with `error` (a step callback or timer that
    /// fires afterwards is ignored) and resumes from the event loop of the thread the FlowCancel was
    /// created in (the owner's), even when the owner has been destroyed meanwhile. A flow that is
    /// running (it emitted a signal whose slot cancels) gets `error` at its next step, which then
    /// does not start.
    bool cancel(const Error &error)
    {
        if (m_settle) {
            auto settle = std::exchange(m_settle, {});
            m_token.reset();
            if (std::function<void()> resume = settle(error))
                QMetaObject::invokeMethod(m_context, std::move(resume), Qt::QueuedConnection);
            return true;
        }
        if (m_running > 0) {
            m_pending = error;
            return true;
        }
        return false;
    }

    /// A cancel that came while the flow was running (consumed). Check it after a call that emits.
    std::optional<Error> takePending() { return std::exchange(m_pending, std::nullopt); }

    /// Held by a running flow (a local of its coroutine): marks it running for cancel().
    class Running
    {
    public:
        explicit Running(std::shared_ptr<FlowCancel> cancel)
            : m_cancel(std::move(cancel))
        {
            ++m_cancel->m_running;
            m_cancel->m_pending.reset();
        }
        ~Running()
        {
            --m_cancel->m_running;
            m_cancel->m_pending.reset();
        }
        Q_DISABLE_COPY_MOVE(Running)

    private:
        std::shared_ptr<FlowCancel> m_cancel;
    };

private:
    template <typename T> friend class StepAwaiter;
    /// `settle` records a cancel in the awaiting step and returns what resumes it (empty if nothing
    /// needs resuming).
    using Settle = std::function<std::function<void()>(const Error &)>;
    void arm(std::shared_ptr<void> token, Settle settle)
    {
        m_token = std::move(token);
        m_settle = std::move(settle);
    }
    void disarm(const std::shared_ptr<void> &token)
    {
        if (m_token == token) {
            m_token.reset();
            m_settle = nullptr;
        }
    }

    /// Created in the owner's thread: queued resumes run there. Deleted with deleteLater(): the last
    /// reference to the FlowCancel may go while a resume runs on it.
    QObject *m_context = new QObject;
    std::shared_ptr<void> m_token; ///< identifies the step that armed m_settle
    Settle m_settle;
    std::optional<Error> m_pending; ///< a cancel that came while the flow was running
    int m_running = 0;
};

template <typename T> using StepCallback = std::function<void(Result<T>)>;

/// The awaiter of awaitStep(): starts the step on suspension, resumes with its result or a cancel.
template <typename T> class StepAwaiter
{
public:
    StepAwaiter(std::shared_ptr<FlowCancel> cancel, std::function<void(StepCallback<T>)> start)
        : m_cancel(std::move(cancel))
        , m_start(std::move(start))
    { }

    bool await_ready() const noexcept { return false; }

    /// Returns false (no suspension) when the step ended inside start().
    bool await_suspend(std::coroutine_handle<> handle)
    {
        auto state = std::make_shared<State>();
        state->handle = handle;
        m_state = state;
        if (std::optional<Error> cancelled = m_cancel->takePending()) {
            state->done = true; // cancelled between two steps: this one does not start
            state->result.emplace(*cancelled);
            return false;
        }
        std::weak_ptr<FlowCancel> weakCancel = m_cancel;
        auto deliver = [state, weakCancel](Result<T> result) {
            if (state->done)
                return; // a cancel or the step's own callback came first
            state->done = true;
            state->result.emplace(std::move(result));
            if (auto cancel = weakCancel.lock())
                cancel->disarm(state);
            if (!state->inSuspend)
                state->handle.resume();
        };
        // A cancel settles the step at once (a late callback or timer is then ignored) and resumes it
        // from the event loop.
        m_cancel->arm(state, [state](const Error &e) -> std::function<void()> {
            if (state->done)
                return {};
            state->done = true;
            state->result.emplace(Result<T>(e));
            if (state->inSuspend)
                return {}; // await_suspend() sees `done` and does not suspend
            return [state] { state->handle.resume(); };
        });
        state->inSuspend = true;
        m_start(deliver); // a delivery inside start() only records the result (inSuspend)
        state->inSuspend = false;
        return !state->done;
    }

    Result<T> await_resume() { return std::move(*m_state->result); }

private:
    struct State
    {
        std::coroutine_handle<> handle;
        std::optional<Result<T>> result;
        bool done = false;
        bool inSuspend = false;
    };
    std::shared_ptr<FlowCancel> m_cancel;
    std::function<void(StepCallback<T>)> m_start;
    std::shared_ptr<State> m_state;
};

/// `co_await awaitStep<T>(cancel, [](StepCallback<T> done) { ...start, call done once... })`: the step's
/// Result<T>, or the error given to FlowCancel::cancel(). `start` must drop its callback after a cancel
/// or call it (either is fine: the first delivery wins).
template <typename T>
StepAwaiter<T> awaitStep(std::shared_ptr<FlowCancel> cancel, std::function<void(StepCallback<T>)> start)
{
    return StepAwaiter<T>(std::move(cancel), std::move(start));
}

/// `co_await delay(cancel, context, ms)`: success after `ms` (ms) on a timer owned by `context` (the
/// timer dies with it; a cancel still resumes the flow), or the cancel's error.
inline StepAwaiter<void> delay(std::shared_ptr<FlowCancel> cancel, QObject *context, int ms)
{
    return awaitStep<void>(std::move(cancel),
        [context, ms](StepCallback<void> done) { QTimer::singleShot(ms, context, [done] { done({}); }); });
}

} // namespace prov::flow
