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

// Consumers cannot end an operation: the finishing calls are not part of Pending's public face.
template <typename P>
concept CanSetResult = requires(P *p)
{
    p->setResult(Result<int>(1));
};
template <typename P>
concept CanFinish = requires(P *p)
{
    p->finish(std::nullopt);
};
template <typename P>
concept CanConstruct = requires(QObject *parent)
{
    new P(parent);
};
static_assert(!CanSetResult<Pending<int>>);
static_assert(!CanFinish<Pending<int>>);
static_assert(!CanFinish<PendingOperation>);
static_assert(!CanConstruct<Pending<int>>);

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
    QSignalSpy spy(op, &PendingOperation::finished);
    promise.finishLater(5);
    QCOMPARE(spy.count(), 0); // not synchronously from the call
    QVERIFY(!op->isFinished());
    QVERIFY(spy.wait(1000));
    QCOMPARE(spy.count(), 1);
    QVERIFY(op->isFinished());
    QCOMPARE(op->result().value(), 5);
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
