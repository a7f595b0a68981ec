// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/productprofile.h"
#include "prov/provisioningjob.h"
#include "prov/record.h"
#include "prov/transportconfig.h"

#include <QElapsedTimer>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace prov {

class RecordSink;
class RecordStore;

/// Holds the meta-object of the line's enums: `prov` already has its Q_NAMESPACE in error.h and a
/// namespace can have only one. Use them as prov::X.
namespace linemeta {
Q_NAMESPACE
// Both enums have Running and Aborted: QML names them scoped only (Line.LineState.Running).
Q_CLASSINFO("RegisterEnumClassesUnscoped", "false")
/// Where a batch is.
enum class LineState : int {
    Idle = 0, ///< no batch started
    Running = 1, ///< lanes take queued devices
    Paused = 2, ///< nothing new starts; running jobs go on; resume() continues
    Draining = 3, ///< nothing new starts; the batch ends (Finished) once the running jobs have ended
    Aborting = 4, ///< running jobs are being cancelled; the batch ends Aborted
    Finished = 5, ///< the batch ended (finish() or drain())
    Aborted = 6, ///< the batch ended by abort()
};
Q_ENUM_NS(LineState)
/// Where one device of a batch is. Succeeded, Failed, Skipped and Aborted are ends.
enum class LineDeviceState : int {
    /// Known but not startable yet: no address (a sticker scanned before the BLE scan found the
    /// device) or no credentials (the profile wants them from the sticker or the manifest).
    Waiting = 0,
    Queued = 1, ///< startable, waiting for a lane
    Running = 2, ///< a job runs on a lane
    Retrying = 3, ///< queued again after a failure the retry policy retries
    Succeeded = 4,
    Failed = 5, ///< failed and not retried (any more): the operator may retry() or skip() it
    Skipped = 6, ///< the operator skipped it, or the batch finished while it was not startable
    Aborted = 7, ///< its job was cancelled by abort()
};
Q_ENUM_NS(LineDeviceState)
} // namespace linemeta
using linemeta::LineDeviceState;
using linemeta::LineState;

/// "idle", "running", "paused", "draining", "aborting", "finished", "aborted".
QString lineStateName(LineState state);
/// "waiting", "queued", "running", "retrying", "succeeded", "failed", "skipped", "aborted".
QString lineDeviceStateName(LineDeviceState state);

/// One device of the batch as the engine tracks it (credentials are not exposed).
struct LineDeviceStatus
{
    QString key; ///< LineDevice::key()
    QString serviceName;
    TransportKind transport = TransportKind::Ble;
    QString address;
    std::optional<int> rssiDbm; ///< dBm
    QString source;
    int position = 0; ///< queue order in the batch, 0-based
    LineDeviceState state = LineDeviceState::Queued;
    int attempts = 0; ///< attempts made in this batch (also before a restart)
    int lane = -1; ///< lane of the running or last attempt; -1 none
    QString stepName; ///< running: the job's step
    int progressPercent = 0; ///< running: 0..100 (%)
    qint64 startedAtMs = 0; ///< running: when the attempt started (UTC ms)
    std::optional<Error> lastError; ///< the last attempt's failure
    std::optional<JobResult> result; ///< Succeeded: what the job learnt
};

/// Counts of a batch's devices by state, and its pace.
struct LineCounters
{
    int waiting = 0;
    int queued = 0; ///< Queued (not Retrying)
    int running = 0;
    int retrying = 0;
    int succeeded = 0;
    int failed = 0;
    int skipped = 0;
    int aborted = 0;
    int total() const
    {
        return waiting + queued + running + retrying + succeeded + failed + skipped + aborted;
    }
};

/// What a batch is started with.
struct BatchSettings
{
    ProductProfile profile;
    ShiftSecrets secrets; ///< held in memory only
    QString station; ///< the workstation's station id
    QString operatorName;
    QString batchId; ///< empty: a new UUID
    int lanes = 0; ///< lanes (parallel jobs); 0: the profile's, the larger of its allowed transports
    TransportConfig transport; ///< timeouts and the shared BLE connection limit for every job
    ProvisionOptions provisionOptions; ///< status polling after ApplyConfig
};

/// A batch that was running when the station stopped, read back from the record: to resume it.
struct BatchResume
{
    BatchInfo batch;
    /// Attempts made per device key (LineDevice::key()), from the record rows of the batch.
    QHash<QString, int> attempts;
    /// Keys of the devices that were provisioned in the batch: never queued again.
    QSet<QString> succeeded;
    /// Keys of the devices with an attempt that got as far as ApplyConfig (an "apply" or
    /// "wait_connected" phase in the record): their next attempt reads the status first.
    QSet<QString> applied;
    /// The batch's devices that did not succeed, in queue order (source "resume", no credentials).
    QList<LineDevice> pending() const;
};

/// Reads what resume() needs for `batchId` from `store` (BatchInfo and the batch's attempts).
/// Errors: InvalidArgument (unknown batch, or not Running), StorageFailed.
Result<BatchResume> readBatchResume(const RecordStore &store, const QString &batchId);

/// The line's lane engine (issue 9): a queue of devices, N lanes, one whole job per device and
/// attempt, over the JobKind interface (the first registered kind that handles a device runs it).
///
/// - **Intake:** offer() queues a device that belongs to the profile (ProductProfile::matches(): name,
///   transport, RSSI gate in dBm) once per batch (by key); a later offer of the same device fills in
///   what was missing (address, RSSI, credentials, fields). A device is startable once it has an
///   address and, when the profile wants credentials from the sticker or the manifest, an offer from
///   one of them (source "qr" or "manifest", or non-empty credentials; empty ones from a manifest row
///   mean a Security 0 device that needs none).
/// - **Lanes:** at most `lanes` jobs at once, and per transport at most the profile's `lanes.ble` /
///   `lanes.softap` (BLE also waits for the shared per-adapter BleConnectionLimit of the transport
///   config). Lanes are numbered 0..lanes-1; each attempt records its lane.
/// - **Retries:** a failed attempt is queued again (Retrying) while the profile's retry rule for its
///   ErrorCode allows (`retries` more attempts for that code; `reset_first` sends prov-ctrl reset first);
///   other failures end the device as Failed. FirmwareMismatch, SecurityDowngrade, AuthenticationFailed
///   and AlreadyProvisioned are never retried (the profile cannot ask for it).
/// - **Control:** pause()/resume(); drain() (finish what runs, start nothing new, end the batch);
///   abort() (cancel what runs: those devices end Aborted, the batch ends Aborted); finish() (no more
///   intake: the batch ends once every startable device has ended; devices still Waiting end
///   Skipped). retry()/skip() act on a Failed device.
/// - **Record:** the batch (beginBatch, each device with addBatchDevice, finishBatch) and every attempt
///   (by the job, with batch id, lane, profile id and version and attempt number) go to the
///   RecordSink. Every device ends exactly once per queueing with deviceEnded() (an operator's retry()
///   queues it again).
/// - **Resume:** resumeBatch() continues a batch the record says was running: devices that
///   succeeded are refused by offer(), attempt numbers continue.
///
/// Use it on one thread (the jobs run there, on its event loop).
class LaneEngine : public QObject
{
    Q_OBJECT
public:
    explicit LaneEngine(QObject *parent = nullptr);
    ~LaneEngine() override;

    /// Adds a job kind (owned); kinds are asked in the order they were added.
    void addJobKind(std::unique_ptr<JobKind> kind);
    /// Where batches and attempts are recorded; not owned, may be null; must outlive the engine.
    void setRecordSink(RecordSink *sink);

    /// Starts a new batch. Errors: InvalidArgument (a batch is running; no job kind registered;
    /// lanes < 0), and those of ProductProfile's network check (SSID empty).
    Status start(const BatchSettings &settings);
    /// Continues the batch of `resume` (its id, not a new one; the profile must have the id and
    /// version the batch was started with) and queues its pending devices again (offer(), so the
    /// profile decides what is startable). Errors: as start(), InvalidArgument (profile id or version
    /// differs from the batch's).
    Status resumeBatch(const BatchSettings &settings, const BatchResume &resume);

    /// Offers a device for the batch. Errors (nothing queued): InvalidArgument with the reason: no batch
    /// running, not for this profile (name or transport), below the RSSI gate (the detail gives both dBm
    /// values), already provisioned in this batch, no job kind handles its transport. Offering a device
    /// that is already in the batch updates it and succeeds.
    Status offer(const LineDevice &device);

    void pause();
    void resume();
    void drain();
    void abort();
    void finish();
    /// Queues a Failed device again (its attempt count goes on). Errors: InvalidArgument (unknown key,
    /// not Failed, the batch has ended).
    Status retry(const QString &key);
    /// retry() for every Failed device; returns how many were queued.
    int retryAllFailed();
    /// Ends a Waiting, Queued or Retrying device as Skipped (deviceEnded), or reclassifies a Failed one
    /// as Skipped (it has ended already: no second deviceEnded). Errors: InvalidArgument (unknown key,
    /// running, otherwise ended, or the batch has ended).
    Status skip(const QString &key);

    LineState state() const { return m_state; }
    QString batchId() const { return m_settings.batchId; }
    const ProductProfile &profile() const { return m_settings.profile; }
    int laneCount() const { return m_laneCount; }
    /// The device a lane works on, "" when the lane is free.
    QString laneDevice(int lane) const;
    /// Every device of the batch, in queue order.
    QList<LineDeviceStatus> devices() const;
    std::optional<LineDeviceStatus> device(const QString &key) const;
    LineCounters counters() const;
    /// Devices ended (succeeded or failed for good) per hour since the batch started; 0 before the
    /// first end.
    double throughputPerHour() const;
    /// Estimated time until every queued and running device has ended, in ms, from the pace so far;
    /// -1 when unknown (nothing has ended yet).
    qint64 etaMs() const;
    /// Time since the batch started, in ms; 0 when idle; frozen when the batch ends.
    qint64 elapsedMs() const;

Q_SIGNALS:
    void stateChanged(prov::LineState state);
    /// A device was added or changed (state, step, progress).
    void deviceChanged(const QString &key);
    /// A device reached an end (Succeeded, Failed, Skipped, Aborted): once per queueing.
    void deviceEnded(const QString &key, prov::LineDeviceState state);
    /// A lane took a device or became free.
    void laneChanged(int lane);
    /// The counters changed.
    void countersChanged();
    /// The batch ended (Finished or Aborted).
    void batchEnded(prov::LineState state);

private:
    struct Entry;
    Status begin(const BatchSettings &settings, const BatchResume *resume);
    Entry *find(const QString &key);
    const Entry *find(const QString &key) const;
    bool startable(const Entry &entry) const;
    void schedule();
    void startJob(Entry &entry, int lane);
    void jobEnded(const QString &key, const Result<JobResult> &result);
    void endDevice(Entry &entry, LineDeviceState state);
    void setState(LineState state);
    void maybeEndBatch();
    LineDeviceStatus statusOf(const Entry &entry) const;

    std::vector<std::unique_ptr<JobKind>> m_kinds;
    RecordSink *m_sink = nullptr;
    BatchSettings m_settings;
    LineState m_state = LineState::Idle;
    bool m_closing = false; ///< finish(): no more intake
    int m_laneCount = 0;
    QList<QString> m_lanes; ///< device key per lane, "" when free
    std::vector<std::unique_ptr<Entry>> m_entries; ///< queue order
    QSet<QString> m_succeededBefore; ///< resumed batch: keys provisioned before the restart
    QHash<QString, int> m_attemptsBefore; ///< resumed batch: attempts per key before the restart
    QSet<QString> m_appliedBefore; ///< resumed batch: keys with an attempt past ApplyConfig
    qint64 m_endedElapsedMs = -1; ///< elapsedMs() frozen when the batch ended; -1 while it runs
    bool m_ending = false; ///< maybeEndBatch() is ending the batch
    qint64 m_counter = 0; ///< `${counter}`: devices started in this batch
    QElapsedTimer m_clock; ///< since the batch started
    int m_ended = 0; ///< devices ended succeeded or failed, for the pace
};

} // namespace prov
