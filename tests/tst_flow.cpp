// SPDX-License-Identifier: Apache-2.0
// The coroutine helpers of core/flow.h (docs/architecture.md "Long asynchronous flows"): a cancel settles
// the awaiting step at once (a step callback that comes later is ignored) and resumes the flow in the
// thread the FlowCancel was created in (the owner's), not in the application's.

#include "core/flow.h"

#include <QCoroTask>
#include <QElapsedTimer>
#include <QPointer>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace prov;

namespace {

/// Awaits one step that `start` begins; records the result, then (release) the thread it resumed in,
/// so a reader that sees the thread (acquire) also sees the whole result, whichever thread it is on.
QCoro::Task<> awaitOnce(std::shared_ptr<flow::FlowCancel> cancel,
    std::function<void(flow::StepCallback<int>)> start, std::optional<Result<int>> *out,
    std::atomic<QThread *> *resumedIn)
{
    auto step = flow::awaitStep<int>(cancel, std::move(start)); // a named awaiter (architecture.md rule 6)
    const Result<int> r = co_await step;
    *out = r;
    resumedIn->store(QThread::currentThread(), std::memory_order_release);
}

} // namespace

class TestFlow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void aCancelSettlesTheStepAtOnce();
    void aCancelResumesInTheOwnersThread();
    void delayEndsAfterItsTimeOrAtACancel();
};

void TestFlow::aCancelSettlesTheStepAtOnce()
{
    auto cancel = std::make_shared<flow::FlowCancel>();
    flow::StepCallback<int> deliver;
    std::optional<Result<int>> out;
    std::atomic<QThread *> resumedIn { nullptr };
    QCoro::Task<> task = awaitOnce(
        cancel, [&deliver](flow::StepCallback<int> done) { deliver = std::move(done); }, &out, &resumedIn);
    QVERIFY(deliver);
    QVERIFY(cancel->cancel(makeError(ErrorCode::Cancelled, QStringLiteral("test"))));
    deliver(7); // the step's own answer comes after the cancel, before the queued resume
    QVERIFY(!out); // resumes from the event loop only
    QTRY_VERIFY_WITH_TIMEOUT(out.has_value(), 1000);
    QVERIFY(!*out);
    QCOMPARE(out->error().code, ErrorCode::Cancelled);
}

void TestFlow::aCancelResumesInTheOwnersThread()
{
    QThread worker;
    worker.start();
    QObject anchor;
    anchor.moveToThread(&worker);
    std::shared_ptr<flow::FlowCancel> cancel;
    std::optional<Result<int>> out;
    std::atomic<QThread *> resumedIn { nullptr };
    std::optional<QCoro::Task<>> task;
    // The owner lives in the worker: its FlowCancel is created there, the flow starts there and the
    // cancel comes from there.
    QMetaObject::invokeMethod(
        &anchor,
        [&] {
            cancel = std::make_shared<flow::FlowCancel>();
            task.emplace(awaitOnce(
                cancel, [](flow::StepCallback<int>) {}, &out, &resumedIn));
            cancel->cancel(makeError(ErrorCode::Cancelled, QStringLiteral("test")));
        },
        Qt::BlockingQueuedConnection);
    QTRY_VERIFY_WITH_TIMEOUT(resumedIn.load(std::memory_order_acquire) != nullptr, 1000);
    QCOMPARE(resumedIn.load(std::memory_order_acquire), &worker);
    QVERIFY(out && !*out);
    QMetaObject::invokeMethod(
        &anchor,
        [&] {
            task.reset();
            cancel.reset();
        },
        Qt::BlockingQueuedConnection);
    worker.quit();
    worker.wait();
}

void TestFlow::delayEndsAfterItsTimeOrAtACancel()
{
    QObject context;
    auto cancel = std::make_shared<flow::FlowCancel>();
    std::optional<Result<void>> out;
    auto wait = [](std::shared_ptr<flow::FlowCancel> c, QObject *ctx, int ms,
                    std::optional<Result<void>> *result) -> QCoro::Task<> {
        auto pause = flow::delay(std::move(c), ctx, ms);
        *result = co_await pause;
    };

    QElapsedTimer clock;
    clock.start();
    QCoro::Task<> elapsed = wait(cancel, &context, 50, &out);
    QVERIFY(!out);
    QTRY_VERIFY_WITH_TIMEOUT(out.has_value(), 5000);
    QVERIFY(*out);
    QVERIFY(clock.elapsed() >= 50);

    out.reset();
    QCoro::Task<> cancelled = wait(cancel, &context, 60000, &out);
    QVERIFY(cancel->cancel(makeError(ErrorCode::Cancelled, QStringLiteral("test"))));
    QTRY_VERIFY_WITH_TIMEOUT(out.has_value(), 5000); // long before the 60 s
    QVERIFY(!*out);
    QCOMPARE(out->error().code, ErrorCode::Cancelled);
}

QTEST_GUILESS_MAIN(TestFlow)
#include "tst_flow.moc"
