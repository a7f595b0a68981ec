// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/linesync.h"
#include "prov/pending.h"
#include "prov/provisioningjob.h"

#include <QObject>
#include <QString>

#include <memory>

/// The duplicate guard of the line (issue 10, docs/line-mode.md "Duplicate guard"): before a job
/// provisions a device, ask the line record whether the device already has a Provisioned attempt
/// anywhere on the line, and warn or refuse as the product profile's `duplicates` says. It is a job
/// kind decorator (GuardedJobKind), so the lane engine has no branch for it (docs/architecture.md
/// principle 7).
namespace prov {

class RecordStore;

/// Answers "has this device (service name, or BLE address for transport "ble") a Provisioned
/// attempt anywhere on the line?" for the duplicate guard. The workstation's implementation asks
/// its record's worker thread (LineSync::checkDuplicate()); StoreDuplicateLookup asks one store.
class DuplicateLookup
{
public:
    virtual ~DuplicateLookup() = default;

    /// Starts one look-up. `transport` is transportKindName() ("softap" / "ble"); `address` is the
    /// BLE address for "ble" (compared without regard to case), ignored otherwise. The Pending is
    /// owned by the lookup (its producer, pending.h): it ends once, from the event loop, and then
    /// deletes itself; it may end late or never (a worker waiting on the server), so a caller waits
    /// a bounded time and never after the lookup is gone. A line record that cannot be asked is no
    /// error: the answer says so (DuplicateCheck::lineChecked, lineError). Errors: those of the
    /// local record (StorageFailed; InvalidArgument when there is neither a name nor a BLE address).
    virtual Pending<DuplicateCheck>
        *check(const QString &serviceName, const QString &transport, const QString &address) = 0;

protected:
    DuplicateLookup() = default;
};

/// A DuplicateLookup over one RecordStore (provctl's record, tests): check() queries the store at
/// once (RecordStore::provisionedAttempts(), the newest 5) and ends its Pending from the event loop.
/// The answer's `lineChecked` says whether the store is the line's record (`lineRecord`). Use it on
/// the store's thread; the store is not owned and must outlive the lookup.
class StoreDuplicateLookup : public QObject, public DuplicateLookup
{
    Q_OBJECT
public:
    /// `lineRecord`: the store is the line's shared record (RecordStore::openPostgres()), not only
    /// this station's.
    explicit StoreDuplicateLookup(RecordStore *store, bool lineRecord = false, QObject *parent = nullptr);

    Pending<DuplicateCheck> *check(
        const QString &serviceName, const QString &transport, const QString &address) override;

private:
    RecordStore *m_store;
    bool m_lineRecord;
};

/// A JobKind that puts the duplicate guard in front of another kind's jobs. name() and handles()
/// are the inner kind's. create():
/// - no lookup set, or the profile's `duplicates` is `off`: the inner kind's job itself;
/// - otherwise a job that first shows the step "checking the line record" (0..2 %) and asks the
///   lookup, waiting at most timeoutMs() (ms). A look-up that fails or does not answer in time does
///   not hold the tray: the device is provisioned as if nothing was found ("line record offline",
///   logged as a warning on prov.line). Then:
///   - found and `refuse`: the job ends with AlreadyProvisioned ("provisioned at station S on
///     2026-12-06 10:31 UTC (attempt 1a2b3c4d)", the newest Provisioned attempt) and writes that
///     attempt to the RecordSink itself (the request's identity: batch, lane, profile, attempt
///     number; outcome Failed, failure code AlreadyProvisioned), so no attempt is missing from the
///     record; the device is not touched;
///   - found and `warn`: the step text says so, the inner job runs, and its JobResult carries
///     JobResult::duplicateNote;
///   - not found: the inner job runs.
///   The inner job's progress and reachedApply() are the guarded job's; its attempt is recorded by
///   the inner job as usual. cancel() while checking ends the job with Cancelled and records the
///   attempt Cancelled (so does destroying the job then); later it cancels the inner job.
///
/// The lookup is not owned and must outlive the kind and its jobs. Use on one thread.
class GuardedJobKind : public JobKind
{
public:
    /// The default bound of a look-up, in ms: longer than a local store or a reachable server
    /// takes, short enough that an unreachable one delays each device only this much.
    static constexpr int kDefaultTimeoutMs = 3000;

    /// `inner` (owned) makes the jobs; `lookup` (not owned, may be null: no guard) answers.
    GuardedJobKind(std::unique_ptr<JobKind> inner, DuplicateLookup *lookup);

    QString name() const override;
    bool handles(const LineDevice &device) const override;
    std::unique_ptr<ProvisioningJob> create(const JobRequest &request, RecordSink *sink) override;

    /// Sets the lookup (not owned, may be null) for the jobs created from now on.
    void setLookup(DuplicateLookup *lookup) { m_lookup = lookup; }
    DuplicateLookup *lookup() const { return m_lookup; }
    /// How long a job waits for the lookup, in ms (at least 0; default kDefaultTimeoutMs).
    void setTimeoutMs(int timeoutMs);
    int timeoutMs() const { return m_timeoutMs; }

private:
    std::unique_ptr<JobKind> m_inner;
    DuplicateLookup *m_lookup;
    int m_timeoutMs = kDefaultTimeoutMs;
};

/// "at station S on 2026-12-06 10:31 UTC (attempt 1a2b3c4d)": where and when `attempt` (a
/// Provisioned one) ended (UTC, to the minute; its start when it has no end time), and the first 8
/// characters of its id. For error details and notes; no secret.
QString describeProvisionedAttempt(const ProvisioningRecord &attempt);

} // namespace prov
