// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/blesource.h"
#include "devices/wifisource.h"
#include "prov/linesync.h"
#include "session/devicesession.h"
#include "session/softapleaves.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include <memory>

class DeviceListModel;
namespace prov {
class BleConnectionLimit;
}
class RecordLog;
class SettingsController;

/// Holds a DeviceSession per device the technician opened, so that a tray of devices can be
/// provisioned side by side, and exposes the selected one to the Device page. Keeps the device
/// list's State column in step with the sessions (Connecting / Provisioned / Failed), passes
/// settings changes (timeouts, station, operator) on, and hands entry changes (an edited address,
/// credentials merged from a QR) to idle sessions. Owns the prov::BleConnectionLimit that every BLE
/// session shares (setting "max BLE connections"), and tells BLE sessions the service UUID their
/// device advertised (BleSource). SoftAP sessions joined through NetworkManager get the settings'
/// interface, port and join timeout; when they close, their transports give the interface back through
/// SoftApLeaves (shutdown() waits for that at quit). GUI thread.
class DeviceController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("DeviceController is created by the workstation")
    /// The session of the selected device, null when none is selected.
    Q_PROPERTY(DeviceSession *session READ session NOTIFY sessionChanged)
    Q_PROPERTY(QString selectedKey READ selectedKey NOTIFY sessionChanged)
    /// Why attempts are not being recorded (the record could not be opened or written), "" when
    /// all is well. Shown on every page: a factory line must not provision unrecorded.
    Q_PROPERTY(QString recordProblem READ recordProblem NOTIFY recordProblemChanged)
    /// The selected device already succeeded before, in this station's record or the line's: where
    /// and when ("Provisioned before at station-2, 2026-12-06 10:31 UTC"); "" when not, or not
    /// known yet. Asked when a device is selected (RecordLog::requestDuplicateCheck()).
    Q_PROPERTY(QString duplicateNote READ duplicateNote NOTIFY duplicateNoteChanged)
    /// The BLE scanner source (scan verbs, status line), null when the workstation has none.
    Q_PROPERTY(BleSource *bleSource READ bleSource NOTIFY bleSourceChanged)
    /// The Wi-Fi (NetworkManager) scanner source, null when the workstation has none.
    Q_PROPERTY(WifiSource *wifiSource READ wifiSource NOTIFY wifiSourceChanged)
public:
    /// None of the pointers is owned; all must outlive the controller. `records` may be null.
    DeviceController(DeviceListModel *devices, SettingsController *settings, RecordLog *records,
        QObject *parent = nullptr);
    /// Closes every session (they end their open attempts in the record).
    ~DeviceController() override;

    /// Selects the device with service name `key`, creating its session on first use. Returns
    /// false for an unknown key. Opening a device joined through NetworkManager closes the selected
    /// one first when that is such a device too and idle (one interface, one SoftAP).
    Q_INVOKABLE bool select(const QString &key);
    /// Closes the session of `key` (cancelling what runs). The row stays in the list.
    Q_INVOKABLE void close(const QString &key);

    /// Changes the address ("host:port") of device `key` (the SoftAP default is display-only).
    /// An idle session reconnects to the new address next time. False when malformed.
    Q_INVOKABLE bool setAddress(const QString &key, const QString &address);

    DeviceSession *session() const { return m_current; }
    DeviceSession *sessionFor(const QString &key) const { return m_sessions.value(key); }
    QString selectedKey() const { return m_current ? m_current->serviceName() : QString(); }
    QString recordProblem() const { return m_recordProblem; }
    QString duplicateNote() const { return m_duplicateNote; }
    /// The note for an answer of the duplicate check: the newest Provisioned attempt found (station,
    /// time in UTC), and whether the line record was asked; "" when nothing was found.
    static QString describeDuplicate(const prov::DuplicateCheck &answer, bool lineConfigured);
    /// The technician read the record problem.
    Q_INVOKABLE void dismissRecordProblem();

    /// The BLE source (not owned, may be null; must outlive the controller or be reset first).
    void setBleSource(BleSource *source);
    BleSource *bleSource() const { return m_bleSource; }
    /// The Wi-Fi source (not owned, may be null; must outlive the controller or be reset first).
    void setWifiSource(WifiSource *source);
    WifiSource *wifiSource() const { return m_wifiSource; }
    /// Closes every session (SoftAP ones start giving their interface back).
    void closeAll();
    /// Closes every session and waits (a local event loop) at most `timeoutMs` for SoftAP leaves to
    /// end: at quit, so the station is not left on a device's SoftAP. True when none is left.
    bool shutdown(int timeoutMs = SoftApLeaves::kQuitWaitMs);
    SoftApLeaves *softApLeaves() const { return m_leaves; }
    /// The connection limit shared by all BLE sessions.
    prov::BleConnectionLimit *bleConnectionLimit() const { return m_bleLimit.get(); }

Q_SIGNALS:
    void sessionChanged();
    void recordProblemChanged();
    void bleSourceChanged();
    void wifiSourceChanged();
    void duplicateNoteChanged();

private:
    SessionConfig config() const;
    void handleSettingsChanged();
    void handleEntryChanged(const QString &key);
    void updateListState(DeviceSession *session);
    void setRecordProblem(const QString &problem);
    void setDuplicateNote(const QString &note);
    void checkDuplicate(const DeviceEntry &entry);

    DeviceListModel *m_devices;
    SettingsController *m_settings;
    QPointer<RecordLog> m_records;
    QHash<QString, DeviceSession *> m_sessions;
    QPointer<DeviceSession> m_current;
    QString m_recordProblem;
    QString m_duplicateNote;
    quint64 m_duplicateRequest = 0;
    std::unique_ptr<prov::BleConnectionLimit> m_bleLimit;
    QPointer<BleSource> m_bleSource;
    QPointer<WifiSource> m_wifiSource;
    SoftApLeaves *m_leaves; ///< child
};
