// SPDX-License-Identifier: Apache-2.0
#include "line/linecontroller.h"

#include "applogging.h"
#include "devices/blesource.h"
#include "devices/devicelistmodel.h"
#include "devices/manifestsource.h"
#include "devices/qrsource.h"
#include "devices/wifisource.h"
#include "records/recordlog.h"
#include "session/erroradvice.h"
#include "settings/settingscontroller.h"

#include "prov/duplicateguard.h"
#include "prov/provisioningjob.h"
#include "prov/softap.h"
#include "prov/wifi.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include <algorithm>

namespace {

constexpr int kTickMs = 500; ///< lane tiles' elapsed time and the pace refresh

/// A workstation device report as the line's device: the BLE address or the SoftAP "host:port"
/// (empty while unknown: a sticker before the scan found it), RSSI, credentials (copied, never logged).
prov::LineDevice lineDeviceOf(const DeviceEntry &entry, const QString &source)
{
    prov::LineDevice d;
    d.serviceName = entry.serviceName;
    d.transport = entry.transport;
    if (entry.addressKnown()) {
        d.address = entry.isSoftAp() ? QStringLiteral("%1:%2").arg(entry.host).arg(entry.effectivePort())
                                     : entry.host;
    } else if (entry.joinsSoftAp()) {
        d.address = entry.bssid; // "" until the Wi-Fi scan finds it: SoftApJobKind joins by BSSID
    }
    d.rssiDbm = entry.rssi;
    d.signalPercent = entry.signalPercent;
    d.credentials.softApPassword = entry.credentials.softApPassword;
    d.source = source;
    d.credentials.pop = entry.credentials.pop;
    d.credentials.username = entry.credentials.username;
    d.credentials.password = entry.credentials.password;
    // A sticker or manifest row speaks for the credentials, also for a Security 0 device that needs none.
    d.credentialsGiven = !d.credentials.isEmpty()
        || (source != QLatin1String("ble-scan") && source != QLatin1String("wifi-scan") && entry.secVer
            && *entry.secVer == 0);
    d.fields = entry.fields;
    return d;
}

QString reasonText(LineController::IgnoreReason reason, int count)
{
    switch (reason) {
    case LineController::IgnoreReason::BelowRssiGate:
        return LineController::tr("%1 below the RSSI gate").arg(count);
    case LineController::IgnoreReason::OtherProduct:
        return LineController::tr("%1 not for this profile").arg(count);
    case LineController::IgnoreReason::NotAdvertising:
        return LineController::tr("%1 not advertising").arg(count);
    case LineController::IgnoreReason::AlreadyProvisioned:
        return LineController::tr("%1 already provisioned").arg(count);
    case LineController::IgnoreReason::Refused:
        return LineController::tr("%1 after the batch closed").arg(count);
    }
    return {};
}

} // namespace

/// The engine's SoftAP-join kind: a prov::SoftApJobKind whose settings (interfaces, port, join timeout)
/// are taken anew when a batch starts (the engine's kinds are fixed; the settings are not).
class SoftApLineKind : public prov::JobKind
{
public:
    SoftApLineKind() { configure({}); }
    /// Only while no job of this kind runs (between batches).
    void configure(const prov::SoftApJobKind::Settings &settings)
    {
        m_kind = std::make_unique<prov::SoftApJobKind>(settings);
    }
    const prov::SoftApJobKind::Settings &settings() const { return m_kind->settings(); }
    QString name() const override { return m_kind->name(); }
    bool handles(const prov::LineDevice &device) const override { return m_kind->handles(device); }
    std::unique_ptr<prov::ProvisioningJob> create(
        const prov::JobRequest &request, prov::RecordSink *sink) override
    {
        return m_kind->create(request, sink);
    }

private:
    std::unique_ptr<prov::SoftApJobKind> m_kind;
};

QString LineController::builtInProfilesDir()
{
    return QStringLiteral(":/qt/qml/Prov/Workstation/profiles");
}

LineController::LineController(SettingsController *settings, RecordLog *records,
    prov::BleConnectionLimit *bleLimit, DeviceListModel *devices, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_records(records)
    , m_bleLimit(bleLimit)
    , m_devices(devices)
    , m_lanesModel(new LaneListModel(this))
    , m_devicesModel(new LineDeviceModel(this))
    , m_failedModel(new LineFailedModel(m_devicesModel, this))
{
    // The first kind that handles a device wins: SoftAP devices a Wi-Fi scan found (address = BSSID)
    // are joined through NetworkManager, every other one goes to the ESP-IDF kind as before.
    // Without a lookup (setDuplicateLookup()) the guards hand out the jobs themselves.
    auto softApKind = std::make_unique<SoftApLineKind>();
    m_softApKind = softApKind.get();
    auto softApGuard = std::make_unique<prov::GuardedJobKind>(std::move(softApKind), nullptr);
    m_softApGuard = softApGuard.get();
    m_engine.addJobKind(std::move(softApGuard));
    auto guard = std::make_unique<prov::GuardedJobKind>(std::make_unique<prov::EspJobKind>(), nullptr);
    m_guard = guard.get();
    m_engine.addJobKind(std::move(guard));
    m_engine.setRecordSink(records);
    connect(&m_engine, &prov::LaneEngine::stateChanged, this, [this] {
        if (active())
            m_tick.start();
        else
            m_tick.stop();
        Q_EMIT stateChanged();
        Q_EMIT paceChanged();
    });
    connect(&m_engine, &prov::LaneEngine::deviceChanged, this, &LineController::handleDeviceChanged);
    connect(&m_engine, &prov::LaneEngine::laneChanged, this, &LineController::handleLaneChanged);
    connect(&m_engine, &prov::LaneEngine::deviceEnded, this, &LineController::handleDeviceEnded);
    connect(&m_engine, &prov::LaneEngine::countersChanged, this, &LineController::handleCountersChanged);
    connect(&m_engine, &prov::LaneEngine::batchEnded, this, &LineController::batchEnded);
    m_tick.setInterval(kTickMs);
    connect(&m_tick, &QTimer::timeout, this, &LineController::handleTick);
    if (m_settings) {
        connect(
            m_settings, &SettingsController::operatorNameChanged, this, &LineController::operatorNameChanged);
        connect(
            m_settings, &SettingsController::stationNameChanged, this, &LineController::stationNameChanged);
    }
    if (records) {
        connect(
            records, &RecordLog::unfinishedBatchesFetched, this, &LineController::handleUnfinishedBatches);
        connect(records, &RecordLog::batchResumeFetched, this, &LineController::handleBatchResume);
    }
    // The remembered profile and folder (m_restoring: the first choice below is not remembered).
    m_profilesDir = m_settings ? m_settings->lineProfilesDir() : QString();
    reloadProfiles();
    if (m_settings && !m_settings->lineProfileId().isEmpty())
        selectProfile(m_settings->lineProfileId());
    m_restoring = false;
    checkInterrupted();
}

LineController::~LineController()
{
    // The engine's destructor cancels running jobs (their attempts end Cancelled in the record; the
    // batch stays Running there, for resumption). Nothing of that reaches this half-destroyed object.
    m_engine.disconnect(this);
}

void LineController::setDuplicateLookup(prov::DuplicateLookup *lookup)
{
    m_guard->setLookup(lookup);
    m_softApGuard->setLookup(lookup);
}

void LineController::setWifiSource(WifiSource *source)
{
    if (m_wifi)
        m_wifi->disconnect(this);
    m_wifi = source;
    if (source) {
        connect(source, &WifiSource::accessPointSeen, this, [this](const prov::SoftApInfo &accessPoint) {
            if (takesDevices() && !accessPoint.ssid.isEmpty())
                offerDevice(prov::LineDevice::fromSoftApScan(accessPoint), false);
        });
    }
}

prov::SoftApJobKind::Settings LineController::softApJobSettings() const
{
    prov::SoftApJobKind::Settings s;
    const QString chosen = m_settings ? m_settings->wifiInterface() : QString();
    if (!chosen.isEmpty())
        s.interfaces = QStringList { chosen };
    else if (m_wifi)
        s.interfaces = m_wifi->interfaceNames();
    if (m_settings) {
        s.port = quint16(m_settings->softApPort());
        s.joinTimeoutMs = m_settings->softApJoinTimeoutS() * 1000;
    }
    return s;
}

void LineController::setBleSource(BleSource *source)
{
    if (m_ble)
        m_ble->disconnect(this);
    m_ble = source;
    if (source) {
        connect(source, &DeviceSource::deviceSeen, this,
            [this](const DeviceEntry &entry) { offer(entry, QStringLiteral("ble-scan")); });
    }
}

void LineController::setManifestSource(ManifestSource *source)
{
    if (m_manifest)
        m_manifest->disconnect(this);
    m_manifest = source;
    if (source) {
        connect(source, &DeviceSource::deviceSeen, this,
            [this](const DeviceEntry &entry) { offer(entry, QStringLiteral("manifest")); });
    }
}

void LineController::setQrSource(QrSource *source)
{
    if (m_qr)
        m_qr->disconnect(this);
    m_qr = source;
    if (source) {
        connect(source, &DeviceSource::deviceSeen, this,
            [this](const DeviceEntry &entry) { offer(entry, QStringLiteral("qr")); });
    }
}

// ---- profiles

void LineController::reloadProfiles()
{
    const QString keepId = profileId();
    const QString keepPath = current() ? current()->path : QString();
    m_profiles.clear();
    QStringList dirs { builtInProfilesDir() };
    if (!m_profilesDir.isEmpty())
        dirs.append(m_profilesDir);
    for (const QString &dirPath : dirs) {
        const QDir dir(dirPath);
        const QStringList files = dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name);
        for (const QString &file : files) {
            Profile p;
            p.fileName = file;
            p.path = dir.filePath(file);
            prov::Result<prov::ProductProfile> loaded = prov::ProductProfile::load(p.path);
            if (loaded)
                p.profile = *loaded;
            else
                p.error = loaded.error().detail;
            m_profiles.append(p);
        }
    }
    int index = m_profiles.isEmpty() ? -1 : 0;
    for (int i = 0; i < m_profiles.size(); ++i) {
        const Profile &p = m_profiles.at(i);
        if (p.path == keepPath || (!keepId.isEmpty() && p.profile && p.profile->id == keepId)) {
            index = i;
            break;
        }
    }
    m_profileIndex = -2; // force the change below
    Q_EMIT profilesChanged();
    setProfileIndex(index);
}

QVariantList LineController::profiles() const
{
    QVariantList out;
    for (const Profile &p : m_profiles) {
        out.append(QVariantMap {
            { QStringLiteral("fileName"), p.fileName },
            { QStringLiteral("path"), p.path },
            { QStringLiteral("valid"), p.profile.has_value() },
            { QStringLiteral("name"), p.profile ? p.profile->name : p.fileName },
            { QStringLiteral("id"), p.profile ? p.profile->id : QString() },
            { QStringLiteral("version"), p.profile ? p.profile->version : QString() },
            { QStringLiteral("error"), p.error },
        });
    }
    return out;
}

void LineController::setProfileIndex(int index)
{
    if (index < -1 || index >= m_profiles.size())
        index = -1;
    if (index == m_profileIndex || active())
        return;
    m_profileIndex = index;
    if (m_settings && !m_restoring && !profileId().isEmpty())
        m_settings->setLineProfileId(profileId());
    Q_EMIT profileChanged();
    setLanes(profileLanes());
}

bool LineController::selectProfile(const QString &id)
{
    for (int i = 0; i < m_profiles.size(); ++i) {
        if (m_profiles.at(i).profile && m_profiles.at(i).profile->id == id) {
            setProfileIndex(i);
            return m_profileIndex == i;
        }
    }
    return false;
}

const LineController::Profile *LineController::current() const
{
    return m_profileIndex >= 0 && m_profileIndex < m_profiles.size() ? &m_profiles.at(m_profileIndex)
                                                                     : nullptr;
}

QString LineController::profileName() const
{
    return current() ? (current()->profile ? current()->profile->name : current()->fileName) : QString();
}

QString LineController::profileId() const
{
    return current() && current()->profile ? current()->profile->id : QString();
}

QString LineController::profileVersion() const
{
    return current() && current()->profile ? current()->profile->version : QString();
}

QString LineController::profileError() const
{
    if (!current())
        return tr("No product profile found.");
    return current()->error;
}

QString LineController::profileSsid() const
{
    return current() && current()->profile ? current()->profile->network.ssid : QString();
}

bool LineController::labelAutoPrint() const
{
    const Profile *p = current();
    return p && p->profile && p->profile->label.autoPrint;
}

bool LineController::credentialsPrompt() const
{
    return current() && current()->profile
        && current()->profile->security.credentialsFrom == prov::ProductProfile::CredentialsSource::Prompt;
}

bool LineController::passphraseRequired() const
{
    return !current() || !current()->profile
        || current()->profile->network.authMode != int(prov::AuthMode::Open);
}

bool LineController::profileAllowsSoftAp() const
{
    return current() && current()->profile
        && current()->profile->match.transports.contains(prov::TransportKind::SoftAp);
}

int LineController::profileLanes() const
{
    if (!current() || !current()->profile)
        return 1;
    return current()->profile->defaultLanes();
}

void LineController::setLanes(int lanes)
{
    lanes = std::clamp(lanes, 1, kMaxLanes);
    if (lanes == m_lanes)
        return;
    m_lanes = lanes;
    Q_EMIT lanesChanged();
}

void LineController::setProfilesDir(const QString &dir)
{
    const QString local = dir.startsWith(QLatin1String("file:")) ? QUrl(dir).toLocalFile() : dir;
    if (local == m_profilesDir)
        return;
    m_profilesDir = local;
    if (m_settings)
        m_settings->setLineProfilesDir(local);
    reloadProfiles();
    Q_EMIT interruptedChanged(); // its profile may have come (or gone)
}

QString LineController::operatorName() const
{
    return m_settings ? m_settings->operatorName() : QString();
}

void LineController::setOperatorName(const QString &name)
{
    if (m_settings)
        m_settings->setOperatorName(name);
}

QString LineController::stationName() const
{
    return m_settings ? m_settings->stationName() : QString();
}

void LineController::setStationName(const QString &name)
{
    if (m_settings && !m_settings->stationFromCommandLine())
        m_settings->setStationName(name);
}

bool LineController::stationLocked() const
{
    return m_settings && m_settings->stationFromCommandLine();
}

// ---- the batch

bool LineController::active() const
{
    const prov::LineState s = m_engine.state();
    return s == prov::LineState::Running || s == prov::LineState::Paused || s == prov::LineState::Draining
        || s == prov::LineState::Aborting;
}

bool LineController::takesDevices() const
{
    const prov::LineState s = m_engine.state();
    return s == prov::LineState::Running || s == prov::LineState::Paused;
}

std::optional<prov::BatchSettings> LineController::batchSettings(
    const QString &passphrase, const QString &secret, const QString &username, const QString &softApPassword)
{
    const Profile *p = current();
    if (!p || !p->profile) {
        setLastError(
            { prov::ErrorCode::InvalidArgument, p ? p->error : tr("No product profile is chosen.") });
        return std::nullopt;
    }
    const QByteArray pass = passphrase.toUtf8();
    if (passphraseRequired() && (pass.size() < 8 || pass.size() > 64)) {
        setLastError({ prov::ErrorCode::InvalidArgument,
            tr("The passphrase of %1 must be 8 to 64 characters.").arg(p->profile->network.ssid) });
        return std::nullopt;
    }
    if (credentialsPrompt() && secret.isEmpty()) {
        setLastError({ prov::ErrorCode::InvalidArgument,
            tr("Profile %1 wants the devices' PoP or password typed at the start of the shift.")
                .arg(p->profile->id) });
        return std::nullopt;
    }
    const QByteArray softApPass = softApPassword.toUtf8();
    if (!softApPass.isEmpty() && !prov::isValidWpaPsk(softApPass)) {
        setLastError({ prov::ErrorCode::InvalidArgument,
            tr("The devices' SoftAP password must be 8 to 63 characters or 64 hexadecimal digits (or empty: "
               "open SoftAPs).") });
        return std::nullopt;
    }
    prov::BatchSettings settings;
    settings.profile = *p->profile;
    settings.secrets.passphrase = pass;
    settings.secrets.softApPassword = softApPass;
    if (credentialsPrompt()) {
        settings.secrets.credentials.pop = secret.toUtf8();
        settings.secrets.credentials.username = username.toUtf8();
    }
    settings.station = stationName();
    settings.operatorName = operatorName();
    settings.lanes = m_lanes;
    if (m_settings)
        settings.transport.requestTimeoutMs = m_settings->requestTimeoutMs();
    settings.transport.bleLimit = m_bleLimit;
    settings.provisionOptions = m_provisionOptions;
    if (m_settings)
        settings.provisionOptions.connectTimeoutMs = m_settings->connectTimeoutMs();
    // One Wi-Fi interface joins one SoftAP at a time (SoftApJobKind): no more SoftAP lanes than
    // interfaces, once the Wi-Fi scan (or the setting) named them.
    const prov::SoftApJobKind::Settings softAp = softApJobSettings();
    m_softApKind->configure(softAp);
    // The Wi-Fi scan also finds the profile's devices when they are not named PROV_…
    if (m_wifi) {
        const prov::ProductProfile::Match &match = settings.profile.match;
        m_wifi->setExtraSsidPatterns({ !match.serviceNameRegex.isEmpty()
                ? QStringLiteral("/%1/").arg(match.serviceNameRegex)
                : match.serviceNamePrefix }); // "" (a profile for every name): every access point
    }
    if (!softAp.interfaces.isEmpty())
        settings.profile.lanes.softap = std::min(
            settings.profile.lanes.softap, int(softAp.interfaces.size()));
    return settings;
}

void LineController::clearShift()
{
    m_devicesModel->clear();
    m_failures.clear();
    m_ignored.clear();
    if (!m_duplicateWarning.isEmpty() || m_duplicateWarningCount != 0) {
        m_duplicateWarning.clear();
        m_duplicateWarningCount = 0;
        Q_EMIT duplicateWarningChanged();
    }
    m_stickerMessage.clear();
    m_stickerRejected = false;
}

bool LineController::start(
    const QString &passphrase, const QString &secret, const QString &username, const QString &softApPassword)
{
    clearError();
    if (m_interrupted) {
        // A new batch now would provision again what the interrupted one has done.
        setLastError({ prov::ErrorCode::InvalidArgument,
            tr("Batch %1 was interrupted: resume it (Ctrl+Enter) or close it (Ctrl+Shift+Delete) first.")
                .arg(m_interrupted->batch.start.batchId.left(8)) });
        return false;
    }
    const std::optional<prov::BatchSettings> settings = batchSettings(
        passphrase, secret, username, softApPassword);
    if (!settings)
        return false;
    clearShift();
    m_provisionedBefore.clear();
    if (prov::Status s = m_engine.start(*settings); !s) {
        setLastError(s.error());
        return false;
    }
    qCInfo(lcWsSession).noquote() << "line: batch" << m_engine.batchId() << "profile" << settings->profile.id
                                  << settings->profile.version << "lanes" << m_engine.laneCount();
    shiftBegun();
    return true;
}

bool LineController::resumeInterrupted(
    const QString &passphrase, const QString &secret, const QString &username, const QString &softApPassword)
{
    clearError();
    if (!m_interrupted) {
        setLastError({ prov::ErrorCode::InvalidArgument, tr("No interrupted batch to resume.") });
        return false;
    }
    if (active()) {
        setLastError({ prov::ErrorCode::InvalidArgument, tr("A batch is running: end it first.") });
        return false;
    }
    const prov::BatchStart &batch = m_interrupted->batch.start;
    const int index = interruptedProfileIndex();
    if (index < 0) {
        setLastError({ prov::ErrorCode::InvalidArgument,
            tr("Batch %1 was started with profile %2 version %3, which is not available here: add its "
               "file to the profiles folder, or close the batch.")
                .arg(batch.batchId.left(8), batch.profileId, batch.profileVersion) });
        return false;
    }
    setProfileIndex(index);
    const std::optional<prov::BatchSettings> settings = batchSettings(
        passphrase, secret, username, softApPassword);
    if (!settings)
        return false;
    clearShift();
    m_provisionedBefore = m_interrupted->succeeded;
    if (prov::Status s = m_engine.resumeBatch(*settings, *m_interrupted); !s) {
        setLastError(s.error());
        return false;
    }
    qCInfo(lcWsSession).noquote() << "line: resumed batch" << m_engine.batchId() << "profile"
                                  << settings->profile.id << settings->profile.version << "lanes"
                                  << m_engine.laneCount() << "provisioned before"
                                  << m_interrupted->succeeded.size();
    setInterrupted(std::nullopt);
    shiftBegun();
    return true;
}

bool LineController::closeInterrupted()
{
    if (!m_interrupted || !m_records)
        return false;
    const QString id = m_interrupted->batch.start.batchId;
    qCInfo(lcWsSession).noquote() << "line: interrupted batch" << id << "closed as aborted";
    m_records->finishBatch(id, prov::BatchState::Aborted, 0);
    m_closedBatches.insert(id); // a read queued before the write may still call it Running
    m_unfinishedRequest = 0;
    m_resumeRequest = 0;
    setInterrupted(std::nullopt);
    checkInterrupted(); // queued behind the write: the next one, if any
    return true;
}

void LineController::checkInterrupted()
{
    if (!m_records || active())
        return;
    m_unfinishedRequest = m_records->requestUnfinishedBatches();
}

void LineController::handleUnfinishedBatches(
    quint64 requestId, const QList<prov::BatchInfo> &batches, const prov::Status &status)
{
    if (requestId != m_unfinishedRequest)
        return; // another reader's (the Records page)
    m_unfinishedRequest = 0;
    if (!status) {
        qCWarning(lcWsSession).noquote()
            << "line: cannot read unfinished batches:" << status.error().toString();
        return;
    }
    if (active())
        return;
    const QString own = m_shiftStarted ? m_engine.batchId() : QString();
    for (const prov::BatchInfo &b : batches) {
        if (b.start.batchId != own && !m_closedBatches.contains(b.start.batchId)) {
            m_resumeRequest = m_records->requestBatchResume(b.start.batchId);
            return;
        }
    }
    setInterrupted(std::nullopt);
}

void LineController::handleBatchResume(
    quint64 requestId, const prov::BatchResume &resume, const prov::Status &status)
{
    if (requestId != m_resumeRequest)
        return;
    m_resumeRequest = 0;
    if (!status) {
        qCWarning(lcWsSession).noquote()
            << "line: cannot read the interrupted batch:" << status.error().toString();
        return;
    }
    if (active() || m_closedBatches.contains(resume.batch.start.batchId))
        return;
    const bool newOffer = interruptedBatchId() != resume.batch.start.batchId;
    setInterrupted(resume);
    // The form shows the batch's profile once, when the offer appears, so that its questions
    // (passphrase, PoP) are the right ones; not saved as the operator's choice, and a later visit of
    // the page does not undo a profile the operator picked.
    if (const int index = interruptedProfileIndex(); newOffer && index >= 0) {
        const bool restoring = std::exchange(m_restoring, true);
        setProfileIndex(index);
        m_restoring = restoring;
    }
}

void LineController::setInterrupted(std::optional<prov::BatchResume> resume)
{
    m_interrupted = std::move(resume);
    Q_EMIT interruptedChanged();
}

int LineController::interruptedProfileIndex() const
{
    if (!m_interrupted)
        return -1;
    const prov::BatchStart &batch = m_interrupted->batch.start;
    for (int i = 0; i < m_profiles.size(); ++i) {
        const std::optional<prov::ProductProfile> &p = m_profiles.at(i).profile;
        if (p && p->id == batch.profileId && p->version == batch.profileVersion)
            return i;
    }
    return -1;
}

QString LineController::interruptedBatchId() const
{
    return m_interrupted ? m_interrupted->batch.start.batchId : QString();
}

int LineController::interruptedDoneCount() const
{
    return m_interrupted ? int(m_interrupted->succeeded.size()) : 0;
}

int LineController::interruptedTotalCount() const
{
    return m_interrupted ? int(m_interrupted->batch.devices.size()) : 0;
}

QString LineController::interruptedText() const
{
    if (!m_interrupted)
        return {};
    const prov::BatchStart &batch = m_interrupted->batch.start;
    const int index = interruptedProfileIndex();
    const QString profile = index >= 0 ? m_profiles.at(index).profile->name : batch.profileId;
    const QString started = QDateTime::fromMSecsSinceEpoch(batch.startedAtMs)
                                .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    return tr("Batch %1 (profile %2 %3, started %4, %5 of %6 devices done) was interrupted.")
        .arg(batch.batchId.left(8), profile, batch.profileVersion, started)
        .arg(interruptedDoneCount())
        .arg(interruptedTotalCount());
}

void LineController::shiftBegun()
{
    m_lanesModel->reset(m_engine.laneCount());
    m_shiftStarted = true;
    Q_EMIT shiftStartedChanged();
    Q_EMIT failureChanged();
    Q_EMIT ignoredChanged();
    Q_EMIT stickerMessageChanged();
    handleCountersChanged();
    offerListed();
}

void LineController::offerListed()
{
    if (!m_devices)
        return;
    for (int row = 0; row < m_devices->rowCount(); ++row) {
        const QString key = m_devices->index(row).data(DeviceListModel::ServiceNameRole).toString();
        const std::optional<DeviceEntry> entry = m_devices->entry(key);
        if (!entry)
            continue;
        const int origins = entry->origins;
        QString source;
        if (origins & int(DeviceOrigin::Manifest))
            source = QStringLiteral("manifest");
        else if (origins & int(DeviceOrigin::Qr))
            source = QStringLiteral("qr");
        else if (origins & int(DeviceOrigin::Ble))
            source = QStringLiteral("ble-scan");
        else if (origins & int(DeviceOrigin::Wifi))
            source = QStringLiteral("wifi-scan");
        else
            continue; // typed in by hand for the Devices page: not line intake
        offer(*entry, source);
    }
}

void LineController::offer(const DeviceEntry &entry, const QString &source)
{
    if (!takesDevices() || entry.serviceName.isEmpty())
        return;
    offerDevice(lineDeviceOf(entry, source), entry.cached);
}

void LineController::offerDevice(const prov::LineDevice &device, bool notAdvertising)
{
    const QString key = device.key();
    const std::optional<prov::LineDeviceStatus> known = m_engine.device(key);
    if (!known && m_provisionedBefore.contains(key)) {
        ignore(IgnoreReason::AlreadyProvisioned, key); // by the resumed batch, before it stopped
        return;
    }
    if (!known) {
        // Classified here, so the reason is typed (the engine's refusals are one InvalidArgument).
        const prov::ProductProfile &profile = m_engine.profile();
        if (!profile.match.transports.contains(device.transport)
            || !profile.matches(device.serviceName, device.transport, 0)) {
            ignore(IgnoreReason::OtherProduct, key);
            return;
        }
        // A device BlueZ only remembers has no RSSI: it could be the neighbouring line's.
        if (device.transport == prov::TransportKind::Ble && notAdvertising) {
            ignore(IgnoreReason::NotAdvertising, key);
            return;
        }
        if (device.rssiDbm && *device.rssiDbm < profile.match.minRssiDbm) {
            ignore(IgnoreReason::BelowRssiGate, key);
            return;
        }
    } else if (known->state == prov::LineDeviceState::Succeeded) {
        ignore(IgnoreReason::AlreadyProvisioned, key);
        return;
    }
    if (prov::Status s = m_engine.offer(device); !s) {
        qCDebug(lcWsSession).noquote() << "line: not taken:" << s.error().toString();
        // A device of the batch (queued, running, failed) reported again after finish() is still the
        // batch's: not counted. Only a new device can be refused because the batch closed.
        if (!known)
            ignore(IgnoreReason::Refused, key);
        return;
    }
    // Taken after all (it came closer, or began advertising): no longer ignored.
    bool changed = false;
    for (auto it = m_ignored.begin(); it != m_ignored.end(); ++it)
        changed = it->remove(key) || changed;
    if (changed)
        Q_EMIT ignoredChanged();
}

void LineController::ignore(IgnoreReason reason, const QString &key)
{
    QSet<QString> &keys = m_ignored[reason];
    if (keys.contains(key))
        return;
    keys.insert(key);
    Q_EMIT ignoredChanged();
}

int LineController::ignoredCount() const
{
    int n = 0;
    for (const QSet<QString> &keys : m_ignored)
        n += int(keys.size());
    return n;
}

QString LineController::ignoredText() const
{
    QStringList parts;
    for (IgnoreReason r : { IgnoreReason::BelowRssiGate, IgnoreReason::OtherProduct,
             IgnoreReason::NotAdvertising, IgnoreReason::AlreadyProvisioned, IgnoreReason::Refused }) {
        if (const int n = ignored(r); n > 0)
            parts.append(reasonText(r, n));
    }
    return parts.isEmpty() ? QString() : tr("ignored: %1").arg(parts.join(QStringLiteral(", ")));
}

void LineController::pause()
{
    m_engine.pause();
}

void LineController::resume()
{
    m_engine.resume();
}

void LineController::togglePause()
{
    if (m_engine.state() == prov::LineState::Paused)
        m_engine.resume();
    else
        m_engine.pause();
}

void LineController::drain()
{
    m_engine.drain();
}

void LineController::abort()
{
    m_engine.abort();
}

void LineController::finish()
{
    m_engine.finish();
}

bool LineController::retry(const QString &key)
{
    if (prov::Status s = m_engine.retry(key); !s) {
        setLastError(s.error());
        return false;
    }
    return true;
}

int LineController::retryAllFailed()
{
    return m_engine.retryAllFailed();
}

bool LineController::skip(const QString &key)
{
    if (prov::Status s = m_engine.skip(key); !s) {
        setLastError(s.error());
        return false;
    }
    return true;
}

bool LineController::closeBatch()
{
    if (!m_shiftStarted || active())
        return false;
    m_shiftStarted = false;
    m_failures.clear();
    Q_EMIT shiftStartedChanged();
    Q_EMIT failureChanged();
    checkInterrupted();
    return true;
}

bool LineController::submitSticker(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return false;
    if (!takesDevices()) {
        setStickerMessage(tr("No batch is taking devices: start the shift first."), true);
        return false;
    }
    const prov::Result<DeviceEntry> entry = QrSource::entryFromPayload(trimmed.toUtf8());
    if (!entry) {
        setStickerMessage(tr("Not a provisioning sticker: %1").arg(entry.error().detail), true);
        return false;
    }
    // Through QrSource: the Devices list shows it too, and its deviceSeen() offers it here.
    if (m_qr)
        m_qr->submit(trimmed);
    else
        offer(*entry, QStringLiteral("qr"));
    const QString key = lineDeviceOf(*entry, {}).key();
    const std::optional<prov::LineDeviceStatus> status = m_engine.device(key);
    if (!status) {
        setStickerMessage(
            tr("%1 is not for profile %2.").arg(entry->serviceName, m_engine.profile().id), true);
        return false;
    }
    if (status->state == prov::LineDeviceState::Waiting)
        setStickerMessage(tr("%1: waiting for the BLE scan to find it.").arg(entry->serviceName), false);
    else
        setStickerMessage(tr("%1 queued.").arg(entry->serviceName), false);
    return true;
}

bool LineController::loadManifest(const QString &pathOrUrl)
{
    return m_manifest && m_manifest->load(pathOrUrl);
}

void LineController::clearError()
{
    if (m_lastErrorCode == 0 && m_lastError.isEmpty())
        return;
    m_lastErrorCode = 0;
    m_lastError.clear();
    Q_EMIT lastErrorChanged();
}

void LineController::setLastError(const prov::Error &error)
{
    const ws::ErrorAdvice advice = ws::adviceFor(error.code, ws::ErrorContext::Any);
    m_lastErrorCode = int(error.code);
    m_lastError = error.code == prov::ErrorCode::InvalidArgument || advice.headline.isEmpty()
        ? error.detail
        : QStringLiteral("%1: %2").arg(advice.headline, error.detail);
    Q_EMIT lastErrorChanged();
}

void LineController::setStickerMessage(const QString &text, bool rejected)
{
    m_stickerMessage = text;
    m_stickerRejected = rejected;
    Q_EMIT stickerMessageChanged();
}

// ---- engine reactions

void LineController::handleDeviceChanged(const QString &key)
{
    const std::optional<prov::LineDeviceStatus> status = m_engine.device(key);
    if (!status)
        return;
    m_devicesModel->upsert(*status);
    if (status->state == prov::LineDeviceState::Running && status->lane >= 0)
        handleLaneChanged(status->lane);
    if (m_failures.contains(key))
        Q_EMIT failureChanged(); // retried or skipped: the banner moves on
}

void LineController::handleLaneChanged(int lane)
{
    LaneListModel::Lane value;
    const QString key = m_engine.laneDevice(lane);
    if (const std::optional<prov::LineDeviceStatus> status = key.isEmpty() ? std::nullopt
                                                                           : m_engine.device(key)) {
        value.deviceKey = key;
        value.serviceName = status->serviceName;
        value.transport = status->transport;
        value.step = status->stepName;
        value.progress = status->progressPercent / 100.0;
        value.startedAtMs = status->startedAtMs;
        value.attempt = status->attempts;
    }
    m_lanesModel->setLane(lane, value);
}

void LineController::handleDeviceEnded(const QString &key, prov::LineDeviceState state)
{
    if (state == prov::LineDeviceState::Succeeded) {
        const std::optional<prov::LineDeviceStatus> s = m_engine.device(key);
        if (s && s->result && !s->result->duplicateNote.isEmpty()) {
            m_duplicateWarning = tr("%1: %2").arg(s->serviceName, s->result->duplicateNote);
            ++m_duplicateWarningCount;
            Q_EMIT duplicateWarningChanged();
        }
    }
    if (state == prov::LineDeviceState::Failed) {
        m_failures.removeAll(key);
        m_failures.append(key);
        Q_EMIT failureChanged();
    }
    Q_EMIT deviceEnded(key, state);
    Q_EMIT paceChanged();
}

void LineController::handleCountersChanged()
{
    m_counters = m_engine.counters();
    Q_EMIT countersChanged();
}

void LineController::handleTick()
{
    m_lanesModel->tick(QDateTime::currentMSecsSinceEpoch());
    Q_EMIT paceChanged();
}

// ---- the failure banner

QString LineController::failureKey() const
{
    for (auto it = m_failures.crbegin(); it != m_failures.crend(); ++it) {
        const std::optional<prov::LineDeviceStatus> s = m_engine.device(*it);
        if (s && s->state == prov::LineDeviceState::Failed && s->lastError)
            return *it;
    }
    return {};
}

QString LineController::failureDevice() const
{
    const std::optional<prov::LineDeviceStatus> s = m_engine.device(failureKey());
    return s ? s->serviceName : QString();
}

prov::ErrorCode LineController::failureCode() const
{
    const std::optional<prov::LineDeviceStatus> s = m_engine.device(failureKey());
    return s && s->lastError ? s->lastError->code : prov::ErrorCode::Internal;
}

QString LineController::failureName() const
{
    return hasFailure() ? prov::errorCodeName(failureCode()) : QString();
}

QString LineController::failureHeadline() const
{
    const std::optional<prov::LineDeviceStatus> s = m_engine.device(failureKey());
    return s && s->lastError
        ? ws::adviceFor(s->lastError->code, ws::ErrorContext::Any, s->transport == prov::TransportKind::Ble)
              .headline
        : QString();
}

QString LineController::failureAdvice() const
{
    const std::optional<prov::LineDeviceStatus> s = m_engine.device(failureKey());
    return s && s->lastError
        ? ws::adviceFor(s->lastError->code, ws::ErrorContext::Any, s->transport == prov::TransportKind::Ble)
              .advice
        : QString();
}

QString LineController::failureDetail() const
{
    const std::optional<prov::LineDeviceStatus> s = m_engine.device(failureKey());
    return s && s->lastError ? s->lastError->detail : QString();
}

int LineController::failureAttempts() const
{
    const std::optional<prov::LineDeviceStatus> s = m_engine.device(failureKey());
    return s ? s->attempts : 0;
}
