// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/pending.h"
#include "prov/provisioner.h"
#include "prov/record.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QString>

#include <optional>

namespace prov {

class RecordSink;

/// Writes the factory record of one device while a Provisioner works on it: one attempt from the
/// first operation to the end of provisioning, with the device facts (proto-ver, §2.3), one phase
/// row per workflow phase with its duration in ms ("connect", "handshake", "scan", "apply",
/// "wait_connected", "control", "custom"; SendingConfig and Applying form one "apply" phase),
/// the custom endpoint calls (sizes; payloads only when the caller said "not secret") and the end
/// with the outcome, the SSID and the error code + detail.
///
/// It watches the Provisioner's steps (phase timing) and the end of each operation (the Pending
/// given to watch()/watchProvision()/watchCustom()); an operation that cannot start at all (no
/// transport) is reported with operationFailed(). The attempt ends:
/// - Cancelled: an operation ended with ErrorCode::Cancelled;
/// - Failed: Connect or Apply failed (error code + detail recorded);
/// - Provisioned: Apply succeeded with ProvisionOutcome Connected, ConfirmedAfterReconnect or
///   AppliedLinkClosed (the operator chose to trust the acknowledged Apply, §7.6);
/// - Failed: Apply ended Unconfirmed (the link closed after Apply and the confirmation failed):
///   with the confirmation error, or Disconnected when there is none;
/// - or as the owner says with finishAttempt() (e.g. the session closed: Cancelled);
/// - or, when the recorder is destroyed with an attempt open, Failed with the last operation's
///   error, else Cancelled: no attempt is left "in progress".
/// Scan, control and custom operations that do not fail with Cancelled leave the attempt open;
/// the next operation after an ended attempt opens a new one (a retry is a new attempt). The end of
/// an operation watched for an attempt that has already ended (the owner finished it, then
/// cancelled the operation, whose Cancelled arrives later from the event loop) is ignored: it
/// never closes the next attempt.
///
/// Call order: operationStarted(), then start the operation, then watch*() before connecting the
/// owner's own handlers to the same Pending (the recorder ends the attempt first).
///
/// Secrets never reach the record: the SSID is recorded, never the passphrase, PoP or SRP
/// password; error details are already masked (error.h). Not thread-safe: use it on the thread of
/// the Provisioner.
class AttemptRecorder : public QObject
{
    Q_OBJECT
public:
    /// What an operation was, for the outcome mapping above.
    enum class Operation : int { Connect = 0, Scan = 1, Apply = 2, Control = 3, Custom = 4 };
    Q_ENUM(Operation)

    /// `sink` is not owned and may be null (nothing is recorded); it must outlive the recorder.
    explicit AttemptRecorder(RecordSink *sink, QObject *parent = nullptr);
    /// Ends an open attempt: Failed with the error of the attempt's last operation when that one
    /// failed, else Cancelled ("recorder closed before the attempt ended"). Owners that know better call
    /// finishAttempt() first.
    ~AttemptRecorder() override;

    /// Who and what the next attempts are about: station, operator, service name, transport
    /// ("softap"/"ble", transportKindName()), address, and in a batch its id, the lane, the profile
    /// id and version and the attempt number; every field but `attemptId` and `startedAtMs` (ignored)
    /// is passed to RecordSink::beginAttempt() as given. Another device (service name or address)
    /// also forgets the SSID of the last provision().
    void setIdentity(const AttemptStart &identity);
    /// The Provisioner whose steps time the phases and whose deviceInfo() gives the facts; not
    /// owned, may be null. A new one (a new link) forgets the facts of the old one.
    void setProvisioner(Provisioner *provisioner);

    /// An operation starts: opens an attempt if none is open (the first operation after the
    /// previous attempt ended). Returns the attempt id, "" when nothing is recorded.
    QString operationStarted();
    /// Records the end of `operation` when `pending` finishes (facts, the open phase, the outcome).
    void watch(PendingOperation *pending, Operation operation);
    /// As watch() for Provisioner::provision() with the SSID (raw bytes, at most 32, §9.1) that was
    /// sent: recorded at the end of the attempt as UTF-8 text. The passphrase is never given here.
    void watchProvision(Pending<ProvisionResult> *pending, const QByteArray &ssid);
    /// The SSID (raw bytes, at most 32, §9.1) to record at the end of the attempt, when the device was
    /// found already connected to it without a provision() (a follow-up attempt).
    void noteSsid(const QByteArray &ssid) { m_ssid = ssid; }
    /// As watch() for Provisioner::customRequest(): one custom call row with the sizes (bytes), and
    /// the request and response bytes only when `recordPayload` (the operator said "not secret").
    void watchCustom(
        Pending<QByteArray> *pending, const QString &endpoint, const QByteArray &request, bool recordPayload);
    /// An operation that could not start (no transport) ended with `error`: as if its Pending
    /// had finished with it.
    void operationFailed(Operation operation, const Error &error);

    /// Ends the open attempt now (closing its phase) with `outcome` (not InProgress) and `error`
    /// (code + detail, may be nullopt). Nothing happens when no attempt is open.
    void finishAttempt(RecordOutcome outcome, const std::optional<Error> &error);

    /// The attempt in progress, "" when none.
    QString attemptId() const { return m_attemptId; }
    /// The error a provision() result stands for in the record: its error; for Unconfirmed (the link
    /// closed after Apply and the confirmation failed) the confirmation error, or Disconnected when
    /// there is none; nullopt when the device was provisioned.
    static std::optional<Error> provisionError(const Result<ProvisionResult> &result);
    /// The record phase of a step ("connect", ...), "" for Idle and Done.
    static QString phaseOf(ProvisionStep step);
    /// "label version" of proto-ver's first application entry ("rmaker v1.0"), "" when none.
    static QString firmwareVersionOf(const DeviceInfo &info);

private:
    void handleStep(ProvisionStep step);
    void operationEnded(const QString &attemptId, Operation operation, const std::optional<Error> &error);
    void recordFacts();
    void closePhase();

    RecordSink *m_sink = nullptr;
    QPointer<Provisioner> m_provisioner;
    QMetaObject::Connection m_stepConnection;
    AttemptStart m_identity;
    QString m_attemptId;
    bool m_factsRecorded = false;
    QString m_phase;
    QElapsedTimer m_phaseClock;
    /// The SSID of the last provision() (kept for later attempts on the same device, as before).
    QByteArray m_ssid;
    /// The failure of the open attempt's last operation, if it failed (for the destructor's ending).
    std::optional<Error> m_lastError;
};

} // namespace prov
