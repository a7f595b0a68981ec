// SPDX-License-Identifier: Apache-2.0
#include "session/devicecontroller.h"

#include "devices/blesource.h"
#include "devices/devicelistmodel.h"
#include "records/recordlog.h"
#include "settings/settingscontroller.h"

#include "prov/bleconnectionlimit.h"

#include <QDateTime>

DeviceController::DeviceController(
    DeviceListModel *devices, SettingsController *settings, RecordLog *records, QObject *parent)
    : QObject(parent)
    , m_devices(devices)
    , m_settings(settings)
    , m_records(records)
    , m_bleLimit(std::make_unique<prov::BleConnectionLimit>(settings->maxBleConnections()))
    , m_leaves(new SoftApLeaves(this))
{
    for (auto signal :
        { &SettingsController::requestTimeoutMsChanged, &SettingsController::connectTimeoutMsChanged,
            &SettingsController::stationNameChanged, &SettingsController::operatorNameChanged,
            &SettingsController::confirmAfterBleLinkClosedChanged, &SettingsController::wifiInterfaceChanged,
            &SettingsController::softApPortChanged, &SettingsController::softApJoinTimeoutSChanged })
        connect(settings, signal, this, &DeviceController::handleSettingsChanged);
    connect(settings, &SettingsController::maxBleConnectionsChanged, this,
        [this] { m_bleLimit->setMaxConcurrent(m_settings->maxBleConnections()); });
    connect(devices, &DeviceListModel::entryChanged, this, &DeviceController::handleEntryChanged);
    if (records) {
        connect(records, &RecordLog::opened, this, [this](const prov::Status &status) {
            setRecordProblem(status
                    ? QString()
                    : tr("The factory record cannot be opened (%1): attempts are not recorded.")
                          .arg(status.error().detail));
        });
        connect(records, &RecordLog::storageFailed, this, [this](const prov::Error &error) {
            setRecordProblem(tr("The factory record could not be written (%1).").arg(error.detail));
        });
        connect(records, &RecordLog::duplicateChecked, this,
            [this](quint64 requestId, const prov::DuplicateCheck &answer) {
                if (requestId != m_duplicateRequest || !m_records)
                    return;
                m_duplicateRequest = 0;
                setDuplicateNote(describeDuplicate(answer, m_records->lineRecordConfigured()));
            });
    }
    connect(devices, &QAbstractItemModel::rowsAboutToBeRemoved, this,
        [this](const QModelIndex &, int first, int last) {
            for (int r = first; r <= last; ++r)
                close(m_devices->index(r).data(DeviceListModel::ServiceNameRole).toString());
        });
}

DeviceController::~DeviceController()
{
    // Sessions finish their attempts in their destructors: do it while RecordLog still exists.
    // The BLE transports release their connection slots in their destructors: before m_bleLimit.
    const auto sessions = m_sessions.values();
    m_sessions.clear();
    qDeleteAll(sessions);
}

void DeviceController::closeAll()
{
    const QStringList keys = m_sessions.keys();
    for (const QString &key : keys)
        close(key);
}

bool DeviceController::shutdown(int timeoutMs)
{
    closeAll();
    return m_leaves->waitForAll(timeoutMs);
}

void DeviceController::setWifiSource(WifiSource *source)
{
    if (m_wifiSource == source)
        return;
    m_wifiSource = source;
    Q_EMIT wifiSourceChanged();
}

void DeviceController::setBleSource(BleSource *source)
{
    if (m_bleSource == source)
        return;
    m_bleSource = source;
    Q_EMIT bleSourceChanged();
}

SessionConfig DeviceController::config() const
{
    SessionConfig c;
    c.requestTimeoutMs = m_settings->requestTimeoutMs();
    c.connectTimeoutMs = m_settings->connectTimeoutMs();
    c.station = m_settings->stationName();
    c.operatorName = m_settings->operatorName();
    c.bleLimit = m_bleLimit.get();
    c.confirmAfterBleLinkClosed = m_settings->confirmAfterBleLinkClosed();
    c.bleServiceFor = [source = m_bleSource](const QString &serviceName) {
        return source ? source->serviceUuidFor(serviceName) : QUuid();
    };
    c.wifiInterface = m_settings->wifiInterface();
    c.softApPort = quint16(m_settings->softApPort());
    c.softApJoinTimeoutMs = m_settings->softApJoinTimeoutS() * 1000;
    c.softApLeaves = m_leaves;
    return c;
}

bool DeviceController::select(const QString &key)
{
    const std::optional<DeviceEntry> entry = m_devices->entry(key);
    if (!entry)
        return false;
    DeviceSession *session = m_sessions.value(key);
    // One Wi-Fi interface joins one SoftAP at a time: an idle session joined through NetworkManager
    // gives the interface back before another such device is opened.
    if (!session && entry->joinsSoftAp() && m_current && m_current->joinsSoftAp() && !m_current->isBusy())
        close(m_current->serviceName());
    if (!session) {
        session = new DeviceSession(*entry, config(), m_records, this);
        m_sessions.insert(key, session);
        auto update = [this, session] { updateListState(session); };
        connect(session, &DeviceSession::busyChanged, this, update);
        connect(session, &DeviceSession::applyStateChanged, this, update);
        connect(session, &DeviceSession::errorChanged, this, update);
    }
    if (m_current != session) {
        m_current = session;
        Q_EMIT sessionChanged();
        checkDuplicate(*entry);
    }
    return true;
}

void DeviceController::checkDuplicate(const DeviceEntry &entry)
{
    setDuplicateNote({});
    m_duplicateRequest = 0;
    if (!m_records)
        return;
    const QString transport = prov::transportKindName(entry.transport);
    // A SoftAP address names no device: only BLE addresses are compared.
    const QString address = entry.isSoftAp() ? QString() : entry.host;
    m_duplicateRequest = m_records->requestDuplicateCheck(entry.serviceName, transport, address);
}

void DeviceController::setDuplicateNote(const QString &note)
{
    if (note == m_duplicateNote)
        return;
    m_duplicateNote = note;
    Q_EMIT duplicateNoteChanged();
}

QString DeviceController::describeDuplicate(const prov::DuplicateCheck &answer, bool lineConfigured)
{
    if (answer.provisioned.isEmpty())
        return {};
    const prov::ProvisioningRecord &newest = answer.provisioned.first();
    const QString when = QDateTime::fromMSecsSinceEpoch(
        newest.end.finishedAtMs > 0 ? newest.end.finishedAtMs : newest.start.startedAtMs, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
    QString note = tr("Provisioned before at %1, %2").arg(newest.start.station, when);
    if (answer.provisioned.size() > 1)
        note += tr(" (%n earlier success(es) in all)", nullptr, int(answer.provisioned.size()));
    if (lineConfigured && !answer.lineChecked)
        note += tr(" — the line record could not be asked, only this station's");
    return note;
}

void DeviceController::close(const QString &key)
{
    DeviceSession *session = m_sessions.take(key);
    if (!session)
        return;
    const bool wasCurrent = session == m_current;
    const bool wasBusy = session->isBusy();
    delete session; // cancels what runs; the cancelled operation ends without a signal from it
    // A row that stays in the list must not keep showing "Connecting" for the closed session.
    if (wasBusy && m_devices->state(key) == DeviceListModel::State::Connecting)
        m_devices->setState(key, DeviceListModel::State::New);
    if (wasCurrent)
        Q_EMIT sessionChanged();
}

void DeviceController::setRecordProblem(const QString &problem)
{
    if (problem == m_recordProblem)
        return;
    m_recordProblem = problem;
    Q_EMIT recordProblemChanged();
}

void DeviceController::dismissRecordProblem()
{
    setRecordProblem({});
}

bool DeviceController::setAddress(const QString &key, const QString &address)
{
    return m_devices->setAddress(key, address);
}

void DeviceController::handleSettingsChanged()
{
    const SessionConfig c = config();
    for (DeviceSession *session : std::as_const(m_sessions))
        session->setConfig(c);
}

void DeviceController::handleEntryChanged(const QString &key)
{
    DeviceSession *session = m_sessions.value(key);
    const std::optional<DeviceEntry> entry = m_devices->entry(key);
    if (session && entry)
        session->updateEntry(*entry);
}

void DeviceController::updateListState(DeviceSession *session)
{
    using State = DeviceListModel::State;
    const QString key = session->serviceName();
    if (session->isProvisioned())
        return m_devices->setState(key, State::Provisioned);
    if (session->isBusy()) {
        const auto op = session->operation();
        if (op == DeviceSession::Operation::Connect || op == DeviceSession::Operation::Apply)
            m_devices->setState(key, State::Connecting);
        return;
    }
    // Only a failed connect or apply marks the device failed; a failed scan or custom call does not.
    if (session->errorCode() != 0 && session->applyState() == DeviceSession::ApplyState::Failed)
        return m_devices->setState(key, State::Failed, session->errorHeadline());
    if (session->errorCode() != 0 && !session->isConnected())
        return m_devices->setState(key, State::Failed, session->errorHeadline());
    if (session->errorCode() == 0)
        m_devices->setState(key, State::New); // connected, reset or re-provisioned: ready again
}
