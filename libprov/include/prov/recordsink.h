// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/record.h"

#include <QString>

#include <optional>

namespace prov {

/// Where an AttemptRecorder writes the factory record: the five writes RecordStore offers (begin,
/// device facts, phase, custom call, finish), and the three batch writes of a lane engine (begin a
/// batch, queue a device, finish the batch). Calls for one attempt come in that order; calls for
/// several attempts may interleave (a lane engine records many devices through one sink). Every
/// call comes from the thread of the recorders that use the sink; a sink used from several threads
/// must be thread-safe itself.
///
/// A sink may write synchronously or queue the writes (the workstation's RecordLog does, on a
/// worker thread); either way it reports its own failures (StorageFailed, InvalidArgument) the way
/// its owner expects (a signal, a log line), so the calls return nothing but the attempt id.
/// Secrets never reach a sink: callers pass no passphrase, PoP or SRP password, and error
/// details are already masked (error.h).
class RecordSink
{
public:
    virtual ~RecordSink() = default;

    /// Starts an attempt. An empty `start.attemptId` gets a new UUID (text, no braces) and a
    /// `startedAtMs` of 0 the current time (UTC, ms since the epoch). Returns the attempt id, or ""
    /// when nothing can be recorded (the later calls for "" are ignored).
    virtual QString beginAttempt(AttemptStart start) = 0;
    /// Sets the device facts (proto-ver, §2.3) of an unfinished attempt.
    virtual void recordFacts(const QString &attemptId, const DeviceFacts &facts) = 0;
    /// Appends the duration (ms) of one workflow phase.
    virtual void addPhase(const QString &attemptId, const PhaseDuration &phase) = 0;
    /// Appends one custom endpoint call (§9.5); payloads only when `call.payloadRecorded`.
    virtual void addCustomCall(const QString &attemptId, const CustomCallEntry &call) = 0;
    /// Ends an attempt (`end.outcome` is never InProgress; `finishedAtMs` 0 means now).
    virtual void finishAttempt(const QString &attemptId, const AttemptEnd &end) = 0;

    /// Starts a batch (RecordStore::beginBatch()); a `startedAtMs` of 0 means now (UTC, ms since the
    /// epoch). Failures (InvalidArgument: empty or duplicate id; StorageFailed) are reported as the
    /// sink's own.
    virtual void beginBatch(const BatchStart &start) = 0;
    /// Queues one device in a running batch (RecordStore::addBatchDevice()); failures
    /// (InvalidArgument: unknown or ended batch, device queued twice; StorageFailed) as above.
    virtual void addBatchDevice(const BatchDevice &device) = 0;
    /// Ends a batch with `state` (Finished or Aborted) at `finishedAtMs` (UTC, ms since the epoch;
    /// 0 means now). Failures (InvalidArgument: unknown or ended batch, `state` Running;
    /// StorageFailed) as above.
    virtual void finishBatch(const QString &batchId, BatchState state, qint64 finishedAtMs) = 0;

protected:
    RecordSink() = default;
    RecordSink(const RecordSink &) = default;
    RecordSink &operator=(const RecordSink &) = default;
};

/// A RecordSink writing synchronously into a RecordStore (for headless users: provctl, a lane
/// engine; the workstation uses RecordLog). beginAttempt() fills an empty id (UUID) and start time,
/// beginBatch() and finishBatch() a time of 0; a failed write (StorageFailed, InvalidArgument: see
/// RecordStore) is logged (prov.record, attempt or batch id and error code only) and kept in
/// lastError(); a failed begin returns "".
class StoreRecordSink : public RecordSink
{
public:
    /// `store` is not owned and must outlive the sink; use both on the store's thread.
    explicit StoreRecordSink(RecordStore *store);

    QString beginAttempt(AttemptStart start) override;
    void recordFacts(const QString &attemptId, const DeviceFacts &facts) override;
    void addPhase(const QString &attemptId, const PhaseDuration &phase) override;
    void addCustomCall(const QString &attemptId, const CustomCallEntry &call) override;
    void finishAttempt(const QString &attemptId, const AttemptEnd &end) override;
    void beginBatch(const BatchStart &start) override;
    void addBatchDevice(const BatchDevice &device) override;
    void finishBatch(const QString &batchId, BatchState state, qint64 finishedAtMs) override;

    /// The last write's failure, nullopt when every write so far succeeded.
    const std::optional<Error> &lastError() const { return m_lastError; }

private:
    void check(const QString &attemptId, const Status &status);
    void checkBatch(const QString &batchId, const Status &status);

    RecordStore *m_store = nullptr;
    std::optional<Error> m_lastError;
};

} // namespace prov
