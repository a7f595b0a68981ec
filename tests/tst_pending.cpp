// SPDX-License-Identifier: Apache-2.0
// prov::Pending<T> and its producer handle prov::Promise<T> (docs/architecture.md principle 5): an
// operation ends exactly once, its result cannot be read before the end, finished() passes the
// operation, waitForFinished() runs a local loop with a timeout, and only the Promise can end it.

#include "prov/pending.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <type_traits>

using namespace prov;

// Consumers cannot end an operation: the finishing calls are not part of Pending's public face, and
// only Promise creates one. The positive checks show that the concepts can hold (on Promise).
template <typename P, typename R>
concept CanFinish = requires(P *p, R r)
{
    p->finish(r);
};
template <typename P>
concept CanConstruct = requires(QObject *parent)
{
    new P(parent);
};
static_assert(!CanFinish<Pending<int>, std::optional<Error>>);
static_assert(!CanFinish<PendingOperation, std::optional<Error>>);
static_assert(CanFinish<const Promise<int>, Result<int>>);
static_assert(!CanConstruct<Pending<int>>);
static_assert(!CanConstruct<Pending<void>>);
static_assert(CanConstruct<Promise<int>>);
static_assert(!std::is_constructible_v<Pending<int>, QObject *>);
static_assert(!std::is_constructible_v<PendingOperation, QObject *>);
static_assert(!std::is_constructible_v<Pending<void>, QObject *>);
static_assert(std::is_constructible_v<Promise<int>, QObject *>);

class TestPending : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void endsExactlyOnce();
    void errorEndsExactlyOnce();
    void resultBeforeEndIsAnError();
    void finishedPassesTheOperation();
    void waitForFinishedSucceeds();
    void waitForFinishedTimesOut();
    void finishLaterEndsFromTheEventLoop();
    void deletesItselfAfterTheWaiterReadTheResult();
    void finishingAfterTheOwnerIsGoneIsANoOp();
    void aSlotThatDeletesTheOwnerIsSafe();
    void waitForFinishedIsFalseWhenTheOwnerDies();
    void voidOperation();
};

void TestPending::endsExactlyOnce()
{
    QObject owner;
    Promise<int> promise(&owner);
    Pending<int> *op = promise.pending();
    QSignalSpy spy(op, &PendingOperation::finished);
    QTimer::singleShot(0, &owner, [promise] {
        promise.finish(1);
        promise.finish(2);
        promise.finish(makeError(ErrorCode::Timeout));
    });
    QVERIFY(op->waitForFinished(1000));
    QCOMPARE(spy.count(), 1);
    QVERIFY(op->isFinished());
    QVERIFY(!op->error());
    QCOMPARE(op->result().value(), 1);
}

void TestPending::errorEndsExactlyOnce()
{
    QObject owner;
    Promise<QString> promise(&owner);
    Pending<QString> *op = promise.pending();
    QSignalSpy spy(op, &PendingOperation::finished);
    QTimer::singleShot(0, &owner, [promise] {
        promise.finish(makeError(ErrorCode::Cancelled, QStringLiteral("cancelled")));
        promise.finish(QStringLiteral("late value"));
    });
    QVERIFY(op->waitForFinished(1000));
    QCOMPARE(spy.count(), 1);
    const Result<QString> r = op->result();
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Cancelled);
    QCOMPARE(op->error()->code, ErrorCode::Cancelled);
}

void TestPending::resultBeforeEndIsAnError()
{
    QObject owner;
    Promise<int> promise(&owner);
    Pending<int> *op = promise.pending();
    QVERIFY(!op->isFinished());
    const Result<int> r = op->result();
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Internal);
    QCOMPARE(r.error().detail, QStringLiteral("result read before finished"));
    QVERIFY(op->error().has_value());
    QCOMPARE(op->error()->code, ErrorCode::Internal);
}

void TestPending::finishedPassesTheOperation()
{
    QObject owner;
    Promise<int> promise(&owner);
    Pending<int> *op = promise.pending();
    QSignalSpy spy(op, &PendingOperation::finished);
    PendingOperation *seen = nullptr;
    int valueSeen = 0;
    connect(op, &PendingOperation::finished, this, [&](PendingOperation *operation) {
        seen = operation;
        valueSeen = static_cast<Pending<int> *>(operation)->result().value();
    });
    promise.finishLater(7);
    QVERIFY(op->waitForFinished(1000));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).value<PendingOperation *>(), static_cast<PendingOperation *>(op));
    QCOMPARE(seen, static_cast<PendingOperation *>(op));
    QCOMPARE(valueSeen, 7);
}

void TestPending::waitForFinishedSucceeds()
{
    QObject owner;
    Promise<int> promise(&owner);
    Pending<int> *op = promise.pending();
    QTimer::singleShot(20, &owner, [promise] { promise.finish(42); });
    QVERIFY(op->waitForFinished(5000));
    QCOMPARE(op->result().value(), 42);
}

void TestPending::waitForFinishedTimesOut()
{
    QObject owner;
    Promise<int> promise(&owner);
    Pending<int> *op = promise.pending();
    QElapsedTimer clock;
    clock.start();
    QVERIFY(!op->waitForFinished(50));
    QVERIFY(clock.elapsed() >= 40);
    QVERIFY(!op->isFinished());
    QCOMPARE(op->result().error().code, ErrorCode::Internal);
    // waitForResult() says the wait expired, as an Internal error (not a Timeout of the operation).
    const Result<int> r = op->waitForResult(10);
    QCOMPARE(r.error().code, ErrorCode::Internal);
    QVERIFY(r.error().detail.contains(QStringLiteral("expired")));
    // Still usable afterwards.
    promise.finishLater(3);
    QCOMPARE(op->waitForResult(1000).value(), 3);
}

void TestPending::finishLaterEndsFromTheEventLoop()
{
    QObject owner;
    Promise<int> promise(&owner);
    Pending<int> *op = promise.pending();
    // The result is read in the finished() slot, as the header says (the operation deletes itself
    // once the event loop runs again).
    int ends = 0;
    std::optional<Result<int>> seen;
    connect(op, &PendingOperation::finished, &owner, [&](PendingOperation *ended) {
        ++ends;
        seen = static_cast<Pending<int> *>(ended)->result();
    });
    promise.finishLater(5);
    QCOMPARE(ends, 0); // not synchronously from the call
    QVERIFY(!op->isFinished());
    QTRY_COMPARE_WITH_TIMEOUT(ends, 1, 1000);
    QVERIFY(seen && *seen);
    QCOMPARE(**seen, 5);
}

void TestPending::deletesItselfAfterTheWaiterReadTheResult()
{
    QObject owner;
    Promise<int> promise(&owner);
    QPointer<Pending<int>> op = promise.pending();
    QTimer::singleShot(0, &owner, [promise] { promise.finish(9); });
    QVERIFY(op->waitForFinished(1000));
    // Not deleted while the waiter's loop ran: the result is still there.
    QVERIFY(op);
    QCOMPARE(op->result().value(), 9);
    // Deleted once the event loop runs again.
    QTRY_VERIFY_WITH_TIMEOUT(op.isNull(), 1000);
    QVERIFY(promise.isFinished());
}

void TestPending::finishingAfterTheOwnerIsGoneIsANoOp()
{
    auto *owner = new QObject;
    Promise<int> promise(owner);
    QPointer<Pending<int>> op = promise.pending();
    delete owner;
    QVERIFY(op.isNull());
    QVERIFY(promise.pending() == nullptr);
    promise.finish(1); // no crash
    promise.finishLater(2);
    QTest::qWait(0);
}

void TestPending::aSlotThatDeletesTheOwnerIsSafe()
{
    // A finished() slot deletes the owner, and the operation with it: finish() must not touch the
    // operation after the emit (run under valgrind or ASan to see the use-after-free it had).
    auto *owner = new QObject;
    QPointer<QObject> ownerAlive(owner);
    Promise<int> promise(owner);
    QPointer<Pending<int>> op = promise.pending();
    int ends = 0;
    connect(op.data(), &PendingOperation::finished, this, [&](PendingOperation *ended) {
        ++ends;
        const Result<int> r = static_cast<Pending<int> *>(ended)->result();
        delete owner;
        QVERIFY(r);
        QCOMPARE(*r, 4);
    });
    QTimer::singleShot(0, this, [promise] { promise.finish(4); });
    QTRY_VERIFY_WITH_TIMEOUT(ownerAlive.isNull(), 1000);
    QCOMPARE(ends, 1);
    QVERIFY(op.isNull());
    QTest::qWait(0); // no deleteLater() of a freed object is pending
    QVERIFY(promise.isFinished());
}

void TestPending::waitForFinishedIsFalseWhenTheOwnerDies()
{
    auto *owner = new QObject;
    Promise<int> promise(owner);
    QPointer<Pending<int>> op = promise.pending();
    QTimer::singleShot(0, this, [owner] { delete owner; });
    QElapsedTimer clock;
    clock.start();
    QVERIFY(!op->waitForFinished(5000));
    QVERIFY(clock.elapsed() < 4000); // returned at the destruction, not at the timeout
    QVERIFY(op.isNull());
    // The same through waitForResult(): an error, never a read of the dead operation.
    auto *owner2 = new QObject;
    Promise<int> promise2(owner2);
    Pending<int> *op2 = promise2.pending();
    QTimer::singleShot(0, this, [owner2] { delete owner2; });
    const Result<int> r = op2->waitForResult(5000);
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Internal);
}

void TestPending::voidOperation()
{
    QObject owner;
    Promise<void> promise(&owner);
    Pending<void> *op = promise.pending();
    QCOMPARE(op->result().error().code, ErrorCode::Internal);
    QSignalSpy spy(op, &PendingOperation::finished);
    QTimer::singleShot(0, &owner, [promise] {
        promise.finish({});
        promise.finish(makeError(ErrorCode::Timeout));
    });
    QVERIFY(op->waitForResult(1000));
    QCOMPARE(spy.count(), 1);
}

QTEST_GUILESS_MAIN(TestPending)
#include "tst_pending.moc"
