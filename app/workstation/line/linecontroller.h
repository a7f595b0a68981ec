// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/deviceentry.h"
#include "line/lanelistmodel.h"
#include "line/linedevicemodel.h"

#include "prov/error.h"
#include "prov/laneengine.h"
#include "prov/productprofile.h"
#include "prov/provisioningjob.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

class BleSource;
class WifiSource;
class SoftApLineKind;
class DeviceListModel;
class ManifestSource;
class QrSource;
class RecordLog;
class SettingsController;
namespace prov {
class BleConnectionLimit;
class DuplicateLookup;
class GuardedJobKind;
} // namespace prov

/// What the Line page binds to (issue 9, "The Line page"): the start of a shift (product profile,
/// network passphrase, the device PoP/password when the profile says `prompt`, operator, station,
/// lanes) and then the running batch of a prov::LaneEngine with the ESP-IDF job kind (EspJobKind,
/// behind the duplicate guard once setDuplicateLookup() gave it a lookup): lanes, the queue, counters, pace,
/// the last failure with the app's advice, and the verbs (pause, resume, drain, abort, finish, retry, skip).
///
/// Intake: while a batch takes devices, every device the BLE scan reports (with its RSSI: the engine
/// applies the profile's RSSI gate and dedupes), every manifest line and every QR sticker (the
/// sticker gives name and credentials, the BLE scan fills in the address) is offered to the engine;
/// the devices already listed when the batch starts are offered at start. A device the profile does
/// not take is not an error for the technician: it is counted by reason ("ignored: 3 below the RSSI
/// gate").
///
/// Secrets (passphrase, PoP, password) are arguments of start() only: held in memory by the engine
/// for the batch, never stored in QSettings, logged or recorded. Operator and station are the
/// workstation's settings (SettingsController, remembered). Attempts and the batch go to the
/// workstation's RecordLog. GUI thread.
class LineController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("LineController is created by the workstation")

    // ---- start of shift
    /// The product profiles found (resources/profiles/ shipped in the app, and profilesDir): a list
    /// of {fileName, path, valid, name, id, version, error}; `error` names the bad field.
    Q_PROPERTY(QVariantList profiles READ profiles NOTIFY profilesChanged)
    /// Index into `profiles` of the chosen profile; -1 when none.
    Q_PROPERTY(int profileIndex READ profileIndex WRITE setProfileIndex NOTIFY profileChanged)
    /// The chosen profile (the running batch's while one runs).
    Q_PROPERTY(QString profileName READ profileName NOTIFY profileChanged)
    Q_PROPERTY(QString profileId READ profileId NOTIFY profileChanged)
    Q_PROPERTY(QString profileVersion READ profileVersion NOTIFY profileChanged)
    /// Why the chosen profile cannot be used (the load error, naming the field); "" when it can.
    Q_PROPERTY(QString profileError READ profileError NOTIFY profileChanged)
    /// The profile network's SSID ("" when none).
    Q_PROPERTY(QString profileSsid READ profileSsid NOTIFY profileChanged)
    /// True when the profile wants the device PoP / password typed at shift start (`prompt`).
    Q_PROPERTY(bool credentialsPrompt READ credentialsPrompt NOTIFY profileChanged)
    /// True when the profile's network needs a passphrase (its auth mode is not Open).
    Q_PROPERTY(bool passphraseRequired READ passphraseRequired NOTIFY profileChanged)
    /// The chosen profile takes SoftAP devices (`match.transports`): the start of the shift offers the
    /// devices' SoftAP password (for devices joined through NetworkManager whose sticker gives none).
    Q_PROPERTY(bool profileAllowsSoftAp READ profileAllowsSoftAp NOTIFY profileChanged)
    /// The profile's lanes (the larger of its transports'), the default of `lanes`.
    Q_PROPERTY(int profileLanes READ profileLanes NOTIFY profileChanged)
    /// Lanes for the next batch (1..kMaxLanes); set to profileLanes when the profile changes.
    Q_PROPERTY(int lanes READ lanes WRITE setLanes NOTIFY lanesChanged)
    Q_PROPERTY(int maxLanes READ maxLanes CONSTANT)
    /// Extra folder of profile files (*.json) besides the shipped ones; "" none. Remembered in the
    /// settings, as the chosen profile's id is (never a secret).
    Q_PROPERTY(QString profilesDir READ profilesDir WRITE setProfilesDir NOTIFY profilesChanged)
    /// The workstation's operator and station (SettingsController: remembered, never a secret).
    Q_PROPERTY(QString operatorName READ operatorName WRITE setOperatorName NOTIFY operatorNameChanged)
    Q_PROPERTY(QString stationName READ stationName WRITE setStationName NOTIFY stationNameChanged)
    /// The station was given on the command line: the form shows it read-only.
    Q_PROPERTY(bool stationLocked READ stationLocked CONSTANT)

    // ---- an interrupted batch (Running in the record, not this controller's): offered for resumption
    /// True when the record holds a batch that was running when the station stopped.
    Q_PROPERTY(bool hasInterrupted READ hasInterrupted NOTIFY interruptedChanged)
    Q_PROPERTY(QString interruptedBatchId READ interruptedBatchId NOTIFY interruptedChanged)
    /// "Batch 1a2b3c4d (profile Demo tray 1.0, started 2026-12-06 10:58, 3 of 8 devices done) was
    /// interrupted."; "" when there is none.
    Q_PROPERTY(QString interruptedText READ interruptedText NOTIFY interruptedChanged)
    /// The batch's profile (the same id and version) is among the profiles: it can be resumed.
    Q_PROPERTY(bool interruptedProfileAvailable READ interruptedProfileAvailable NOTIFY interruptedChanged)
    /// Devices of the interrupted batch provisioned before it stopped, and all its devices.
    Q_PROPERTY(int interruptedDoneCount READ interruptedDoneCount NOTIFY interruptedChanged)
    Q_PROPERTY(int interruptedTotalCount READ interruptedTotalCount NOTIFY interruptedChanged)

    // ---- the batch
    /// prov::LineState of the batch (QML: Line.LineState.Running, ...).
    Q_PROPERTY(prov::LineState state READ state NOTIFY stateChanged)
    /// True from start() until closeBatch(): the page shows the running view, else the form.
    Q_PROPERTY(bool shiftStarted READ shiftStarted NOTIFY shiftStartedChanged)
    /// True while the batch runs, is paused, drains or aborts (not Idle, Finished or Aborted).
    Q_PROPERTY(bool active READ active NOTIFY stateChanged)
    Q_PROPERTY(QString batchId READ batchId NOTIFY shiftStartedChanged)
    Q_PROPERTY(LaneListModel *lanesModel READ lanesModel CONSTANT)
    /// Every device of the batch in queue order.
    Q_PROPERTY(LineDeviceModel *devicesModel READ devicesModel CONSTANT)
    /// The Failed devices (retry one, retry all, skip).
    Q_PROPERTY(LineFailedModel *failedModel READ failedModel CONSTANT)
    Q_PROPERTY(int doneCount READ doneCount NOTIFY countersChanged)
    Q_PROPERTY(int failedCount READ failedCount NOTIFY countersChanged)
    Q_PROPERTY(int retryingCount READ retryingCount NOTIFY countersChanged)
    Q_PROPERTY(int queuedCount READ queuedCount NOTIFY countersChanged)
    Q_PROPERTY(int runningCount READ runningCount NOTIFY countersChanged)
    /// Known but not startable yet (a sticker waiting for the BLE scan to find the device).
    Q_PROPERTY(int waitingCount READ waitingCount NOTIFY countersChanged)
    Q_PROPERTY(int skippedCount READ skippedCount NOTIFY countersChanged)
    Q_PROPERTY(int abortedCount READ abortedCount NOTIFY countersChanged)
    Q_PROPERTY(int totalCount READ totalCount NOTIFY countersChanged)
    /// Devices ended per hour since the batch started; 0 before the first end.
    Q_PROPERTY(double throughputPerHour READ throughputPerHour NOTIFY paceChanged)
    /// Estimated time left in ms; -1 when unknown (a double for QML: `real`).
    Q_PROPERTY(double etaMs READ etaMs NOTIFY paceChanged)
    /// Time since the batch started, in ms.
    Q_PROPERTY(double elapsedMs READ elapsedMs NOTIFY paceChanged)

    // ---- the failure banner: the most recent device that failed and is still Failed
    Q_PROPERTY(bool hasFailure READ hasFailure NOTIFY failureChanged)
    /// The last duplicate-guard warning of the batch (profile `duplicates: warn`): "PROV_1A2B3C was
    /// provisioned before at station S on … (attempt …)"; "" when none. Cleared at a new batch.
    Q_PROPERTY(QString duplicateWarning READ duplicateWarning NOTIFY duplicateWarningChanged)
    /// Devices of the batch provisioned despite an earlier success (warned).
    Q_PROPERTY(int duplicateWarningCount READ duplicateWarningCount NOTIFY duplicateWarningChanged)
    Q_PROPERTY(QString failureKey READ failureKey NOTIFY failureChanged)
    Q_PROPERTY(QString failureDevice READ failureDevice NOTIFY failureChanged)
    /// The typed reason (QML: Prov.WifiAuthError, ...); Prov.Internal when there is no failure.
    Q_PROPERTY(prov::ErrorCode failureCode READ failureCode NOTIFY failureChanged)
    Q_PROPERTY(QString failureName READ failureName NOTIFY failureChanged)
    Q_PROPERTY(QString failureHeadline READ failureHeadline NOTIFY failureChanged)
    Q_PROPERTY(QString failureAdvice READ failureAdvice NOTIFY failureChanged)
    Q_PROPERTY(QString failureDetail READ failureDetail NOTIFY failureChanged)
    Q_PROPERTY(int failureAttempts READ failureAttempts NOTIFY failureChanged)

    // ---- intake
    /// Offers the profile did not take, by reason (devices, not reports): not errors.
    Q_PROPERTY(int ignoredCount READ ignoredCount NOTIFY ignoredChanged)
    /// "ignored: 3 below the RSSI gate, 1 other product"; "" when nothing was ignored.
    Q_PROPERTY(QString ignoredText READ ignoredText NOTIFY ignoredChanged)
    /// What the last sticker scan did ("PROV_1A2B3C: waiting for the BLE scan", or why it was
    /// refused); "" before the first.
    Q_PROPERTY(QString stickerMessage READ stickerMessage NOTIFY stickerMessageChanged)
    Q_PROPERTY(bool stickerRejected READ stickerRejected NOTIFY stickerMessageChanged)

    // ---- a verb that failed (start(), retry(), skip())
    /// int(prov::ErrorCode), 0 when none.
    Q_PROPERTY(int lastErrorCode READ lastErrorCode NOTIFY lastErrorChanged)
    /// The advice headline and the detail ("The passphrase must be 8 to 64 characters").
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)

public:
    static constexpr int kMaxLanes = 16;
    /// Where the shipped profiles are in the module's resources.
    static QString builtInProfilesDir();

    /// Why an offered device was not taken (counted, not shown as an error).
    enum class IgnoreReason : int {
        BelowRssiGate = 0, ///< weaker than the profile's match.min_rssi_dbm
        OtherProduct = 1, ///< name or transport not the profile's
        NotAdvertising = 2, ///< only in BlueZ's cache: no RSSI to gate on
        AlreadyProvisioned = 3, ///< provisioned earlier in this batch
        Refused = 4, ///< the engine refused it otherwise (batch closed)
    };
    Q_ENUM(IgnoreReason)

    /// Sources and `records` may be null; none is owned; all must outlive the controller.
    /// `bleLimit` is the per-adapter connection limit every BLE link of the workstation shares.
    LineController(SettingsController *settings, RecordLog *records, prov::BleConnectionLimit *bleLimit,
        DeviceListModel *devices, QObject *parent = nullptr);
    /// Running jobs are cancelled (their attempts end Cancelled in the record); a running batch
    /// stays Running in the record, so that it can be resumed.
    ~LineController() override;

    /// The sources whose reports are offered while a batch takes devices.
    void setBleSource(BleSource *source);
    void setManifestSource(ManifestSource *source);
    void setQrSource(QrSource *source);
    /// The Wi-Fi scan: each access point it sees is offered as prov::LineDevice::fromSoftApScan() (address
    /// = BSSID), and the SoftAP job kind (prov::SoftApJobKind, registered before the ESP-IDF kind) joins
    /// it through NetworkManager on the settings' interface (else every interface the scan found, one
    /// per lane), port and join timeout. SoftAP lanes are capped to the number of those interfaces.
    void setWifiSource(WifiSource *source);
    /// The SoftAP job kind's settings for the next batch (from the settings and the Wi-Fi scan).
    prov::SoftApJobKind::Settings softApJobSettings() const;
    /// Options for the status polling after ApplyConfig (tests and benchmarks).
    void setProvisionOptions(const prov::ProvisionOptions &options) { m_provisionOptions = options; }
    /// Where the duplicate guard asks whether a device was provisioned before (not owned, may be
    /// null, must outlive the controller). Null (the default): no guard, jobs run as before. Set: the
    /// ESP-IDF jobs created from then on are wrapped by prov::GuardedJobKind, and the profile's
    /// `duplicates` decides (docs/line-mode.md "Duplicate guard").
    void setDuplicateLookup(prov::DuplicateLookup *lookup);
    prov::LaneEngine *engine() { return &m_engine; }

    QVariantList profiles() const;
    int profileIndex() const { return m_profileIndex; }
    void setProfileIndex(int index);
    /// Selects the profile with `id` (the first); false when none has it.
    Q_INVOKABLE bool selectProfile(const QString &id);
    QString profileName() const;
    QString profileId() const;
    QString profileVersion() const;
    QString profileError() const;
    QString profileSsid() const;
    bool credentialsPrompt() const;
    /// The chosen profile (the running batch's) asks for a label after each success
    /// (`"label": {"auto_print": true}`); LabelController prints them. False without a valid profile.
    bool labelAutoPrint() const;
    bool passphraseRequired() const;
    bool profileAllowsSoftAp() const;
    int profileLanes() const;
    int lanes() const { return m_lanes; }
    void setLanes(int lanes);
    int maxLanes() const { return kMaxLanes; }
    QString profilesDir() const { return m_profilesDir; }
    void setProfilesDir(const QString &dir);
    QString operatorName() const;
    void setOperatorName(const QString &name);
    QString stationName() const;
    void setStationName(const QString &name);
    bool stationLocked() const;

    prov::LineState state() const { return m_engine.state(); }
    bool shiftStarted() const { return m_shiftStarted; }
    bool active() const;
    QString batchId() const { return m_shiftStarted ? m_engine.batchId() : QString(); }
    LaneListModel *lanesModel() const { return m_lanesModel; }
    LineDeviceModel *devicesModel() const { return m_devicesModel; }
    LineFailedModel *failedModel() const { return m_failedModel; }
    int doneCount() const { return m_counters.succeeded; }
    int failedCount() const { return m_counters.failed; }
    int retryingCount() const { return m_counters.retrying; }
    int queuedCount() const { return m_counters.queued; }
    int runningCount() const { return m_counters.running; }
    int waitingCount() const { return m_counters.waiting; }
    int skippedCount() const { return m_counters.skipped; }
    int abortedCount() const { return m_counters.aborted; }
    int totalCount() const { return m_counters.total(); }
    double throughputPerHour() const { return m_engine.throughputPerHour(); }
    double etaMs() const { return double(m_engine.etaMs()); }
    double elapsedMs() const { return double(m_engine.elapsedMs()); }

    bool hasFailure() const { return !failureKey().isEmpty(); }
    QString duplicateWarning() const { return m_duplicateWarning; }
    int duplicateWarningCount() const { return m_duplicateWarningCount; }
    QString failureKey() const;
    QString failureDevice() const;
    prov::ErrorCode failureCode() const;
    QString failureName() const;
    QString failureHeadline() const;
    QString failureAdvice() const;
    QString failureDetail() const;
    int failureAttempts() const;

    int ignoredCount() const;
    QString ignoredText() const;
    /// Devices ignored for `reason` in this batch.
    int ignored(IgnoreReason reason) const { return int(m_ignored.value(reason).size()); }
    QString stickerMessage() const { return m_stickerMessage; }
    bool stickerRejected() const { return m_stickerRejected; }
    int lastErrorCode() const { return m_lastErrorCode; }
    QString lastError() const { return m_lastError; }

    bool hasInterrupted() const { return m_interrupted.has_value(); }
    QString interruptedBatchId() const;
    QString interruptedText() const;
    bool interruptedProfileAvailable() const { return interruptedProfileIndex() >= 0; }
    int interruptedDoneCount() const;
    int interruptedTotalCount() const;

    /// Re-reads the profiles (the chosen one stays chosen when it is still there).
    Q_INVOKABLE void reloadProfiles();
    /// Starts a batch with the chosen profile: `passphrase` for the profile's network, `secret` (PoP,
    /// or the Security 2 password) and `username` (Security 2; "" = the examples' default) when the
    /// profile's credentials come from `prompt`. Held in memory only. Offers the devices already
    /// listed. False with lastError set (no valid profile, passphrase missing or not 8..64 bytes, no
    /// secret for a `prompt` profile, the engine's own errors).
    /// `softApPassword`: the devices' SoftAP WPA2 password for the shift (ShiftSecrets::softApPassword,
    /// memory only; "" = open SoftAPs unless a sticker gives one).
    Q_INVOKABLE bool start(const QString &passphrase, const QString &secret, const QString &username,
        const QString &softApPassword = {});
    /// Asks the record for a batch that was running when the station stopped (hasInterrupted); done
    /// on construction, by closeBatch(), and by the page when it is shown. Nothing while a batch is
    /// active.
    Q_INVOKABLE void checkInterrupted();
    /// Resumes the interrupted batch under its id (LaneEngine::resumeBatch()): its profile (the same
    /// id and version) is chosen, the secrets are as for start(); the devices it provisioned are never
    /// taken again, the others are queued (those whose credentials come from a sticker or the
    /// manifest wait until offered again). False with lastError set (the profile is not available,
    /// the checks of start(), the engine's errors).
    Q_INVOKABLE bool resumeInterrupted(const QString &passphrase, const QString &secret,
        const QString &username, const QString &softApPassword = {});
    /// Ends the interrupted batch in the record as Aborted, so that it is not offered again; the
    /// next interrupted one, if any, is offered then. False when there is none.
    Q_INVOKABLE bool closeInterrupted();
    Q_INVOKABLE void pause();
    Q_INVOKABLE void resume();
    /// pause() when running, resume() when paused (one key for both).
    Q_INVOKABLE void togglePause();
    /// Finishes what runs, starts nothing new, ends the batch.
    Q_INVOKABLE void drain();
    /// Cancels what runs; the batch ends Aborted.
    Q_INVOKABLE void abort();
    /// No more intake: the batch ends once every startable device has ended.
    Q_INVOKABLE void finish();
    /// Queues a Failed device again. False with lastError set when it cannot be.
    Q_INVOKABLE bool retry(const QString &key);
    /// retry() for every Failed device; returns how many were queued.
    Q_INVOKABLE int retryAllFailed();
    /// Ends a Failed, Waiting or Queued device as Skipped. False with lastError set when it cannot be.
    Q_INVOKABLE bool skip(const QString &key);
    /// Back to the start-of-shift form once the batch has ended (Finished or Aborted). False while
    /// it is still active.
    Q_INVOKABLE bool closeBatch();
    /// A scanned sticker (the handheld scanner's text: the QR payload) for the batch: goes through
    /// QrSource (so the Devices list shows it too) and is offered. False when the payload is not a
    /// provisioning QR or no batch takes devices (stickerMessage says why).
    Q_INVOKABLE bool submitSticker(const QString &text);
    /// Loads a manifest (a local path or file: URL) through ManifestSource: its devices are offered.
    Q_INVOKABLE bool loadManifest(const QString &pathOrUrl);
    Q_INVOKABLE void clearError();

Q_SIGNALS:
    void profilesChanged();
    void profileChanged();
    void lanesChanged();
    void operatorNameChanged();
    void stationNameChanged();
    void stateChanged();
    void shiftStartedChanged();
    void countersChanged();
    void paceChanged();
    void failureChanged();
    void duplicateWarningChanged();
    void ignoredChanged();
    void stickerMessageChanged();
    void lastErrorChanged();
    void interruptedChanged();
    /// A device of the batch ended (Succeeded, Failed, Skipped, Aborted).
    void deviceEnded(const QString &key, prov::LineDeviceState state);
    /// The batch ended (Finished or Aborted).
    void batchEnded(prov::LineState state);

private:
    struct Profile
    {
        QString fileName;
        QString path;
        std::optional<prov::ProductProfile> profile;
        QString error;
    };
    const Profile *current() const;
    bool takesDevices() const;
    void offer(const DeviceEntry &entry, const QString &source);
    /// The checks of offer() and the engine's offer(); `notAdvertising`: a BLE device BlueZ only remembers.
    void offerDevice(const prov::LineDevice &device, bool notAdvertising);
    void offerListed();
    void ignore(IgnoreReason reason, const QString &key);
    void handleDeviceChanged(const QString &key);
    void handleLaneChanged(int lane);
    void handleDeviceEnded(const QString &key, prov::LineDeviceState state);
    void handleCountersChanged();
    void handleTick();
    void setLastError(const prov::Error &error);
    void setStickerMessage(const QString &text, bool rejected);
    /// The checks of start() and the BatchSettings for the chosen profile; nullopt with lastError set.
    std::optional<prov::BatchSettings> batchSettings(const QString &passphrase, const QString &secret,
        const QString &username, const QString &softApPassword);
    void clearShift();
    void shiftBegun();
    int interruptedProfileIndex() const;
    void setInterrupted(std::optional<prov::BatchResume> resume);
    void handleUnfinishedBatches(
        quint64 requestId, const QList<prov::BatchInfo> &batches, const prov::Status &status);
    void handleBatchResume(quint64 requestId, const prov::BatchResume &resume, const prov::Status &status);

    prov::LaneEngine m_engine;
    prov::GuardedJobKind *m_guard = nullptr; ///< the engine's ESP-IDF job kind (owned by m_engine)
    prov::GuardedJobKind *m_softApGuard = nullptr; ///< the engine's SoftAP-join job kind (owned by m_engine)
    SoftApLineKind *m_softApKind = nullptr; ///< inside m_softApGuard: rebuilt with the settings per batch
    SettingsController *m_settings;
    QPointer<RecordLog> m_records;
    prov::BleConnectionLimit *m_bleLimit;
    DeviceListModel *m_devices;
    QPointer<BleSource> m_ble;
    QPointer<ManifestSource> m_manifest;
    QPointer<QrSource> m_qr;
    QPointer<WifiSource> m_wifi;
    prov::ProvisionOptions m_provisionOptions;

    LaneListModel *m_lanesModel;
    LineDeviceModel *m_devicesModel;
    LineFailedModel *m_failedModel;
    QList<Profile> m_profiles;
    QString m_profilesDir;
    int m_profileIndex = -1;
    int m_lanes = 1;
    bool m_shiftStarted = false;
    prov::LineCounters m_counters;
    QStringList m_failures; ///< keys in the order they failed (most recent last)
    QString m_duplicateWarning;
    int m_duplicateWarningCount = 0;
    QHash<IgnoreReason, QSet<QString>> m_ignored;
    QString m_stickerMessage;
    bool m_stickerRejected = false;
    int m_lastErrorCode = 0;
    QString m_lastError;
    QTimer m_tick;
    bool m_restoring = true; ///< the constructor restores the remembered profile: not stored again
    quint64 m_unfinishedRequest = 0; ///< RecordLog request ids in flight (0 none)
    quint64 m_resumeRequest = 0;
    std::optional<prov::BatchResume> m_interrupted; ///< the batch offered for resumption (no secret)
    QSet<QString> m_provisionedBefore; ///< resumed batch: keys provisioned before it stopped
    QSet<QString> m_closedBatches; ///< interrupted batches closed in this session (never offered again)
};
