// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>
#include <QVariantMap>

#include <memory>

class BleSource;
class CameraController;
class DeviceController;
class DeviceFilterModel;
class DeviceListModel;
class LabelController;
class LineController;
class ManifestSource;
class ManualSource;
class QQmlEngine;
class QrSource;
class RecordLog;
class RecordsController;
class SettingsController;
class WifiSource;

/// What the command line (or a test) decides about a run.
struct WorkstationOptions
{
    QString recordPath; ///< factory record (SQLite); empty: defaultRecordPath()
    QString manifestPath; ///< JSON-lines manifest to load at start; empty: none
    QString station; ///< --station: station name for this run; empty: the stored one
    /// --softap-port: the SoftAP devices' HTTP port for this run (0: the stored setting); not stored.
    int softApPort = 0;
    /// INI file for the settings; empty: the platform's QSettings for the organisation/app name.
    QString settingsFile;
};

/// The composition root: builds every controller and model the QML needs and wires them, once,
/// for main.cpp, the headless app test and the screenshot tool alike (so they all run the same
/// graph). Owns everything it builds and tears it down in reverse order (sessions end their record
/// attempts before the record log drains and closes). GUI thread.
class Workstation : public QObject
{
    Q_OBJECT
public:
    explicit Workstation(const WorkstationOptions &options, QObject *parent = nullptr);
    ~Workstation() override;

    /// QStandardPaths::AppDataLocation/factory-record.sqlite (needs the application name set).
    static QString defaultRecordPath();
    /// The Qt Quick Controls style of the app ("Fusion"); call before the first QML engine loads.
    static void applyStyle();
    /// Makes `Prov.Workstation` importable from any QML file the engine loads (Qt 6.4 does not put
    /// the module resource prefix qrc:/qt/qml on the import path by default).
    static void prepareEngine(QQmlEngine *engine);
    /// Main.qml as a resource URL of the module (Qt 6.4: no loadFromModule).
    static QString mainQmlUrl();

    /// At quit, before the QML engine goes: closes the device sessions and waits (at most
    /// SoftApLeaves::kQuitWaitMs) until SoftAP devices joined through NetworkManager have given the
    /// Wi-Fi interface back. True when nothing is left pending.
    bool shutdown();

    /// The required properties of Main.qml, for QQmlApplicationEngine::setInitialProperties().
    QVariantMap initialProperties() const;

    SettingsController *settings() const { return m_settings.get(); }
    DeviceListModel *deviceModel() const { return m_deviceModel.get(); }
    DeviceFilterModel *devices() const { return m_deviceFilter.get(); }
    ManualSource *manualSource() const { return m_manual.get(); }
    QrSource *qrSource() const { return m_qr.get(); }
    ManifestSource *manifestSource() const { return m_manifest.get(); }
    /// BLE scan results; its scan starts at construction (from the event loop) when the setting
    /// "scan BLE on start" is on. Without an adapter it only reports that in its status.
    BleSource *bleSource() const { return m_ble.get(); }
    /// Wi-Fi scan results through NetworkManager (SoftAP devices); scans only when asked (F7).
    /// Without NetworkManager it only reports that in its status.
    WifiSource *wifiSource() const { return m_wifi.get(); }
    DeviceController *deviceController() const { return m_deviceController.get(); }
    RecordLog *recordLog() const { return m_recordLog.get(); }
    RecordsController *records() const { return m_records.get(); }
    CameraController *camera() const { return m_camera.get(); }
    /// The Line page's controller: the lane engine fed by the BLE, manifest and QR sources.
    LineController *line() const { return m_line.get(); }
    /// Labels: the Device page's and the Records page's verbs, and the line's automatic labels.
    LabelController *labels() const { return m_labels.get(); }

private:
    // Declaration order = construction order; destruction runs in reverse.
    std::unique_ptr<RecordLog> m_recordLog;
    std::unique_ptr<RecordsController> m_records;
    std::unique_ptr<SettingsController> m_settings;
    std::unique_ptr<DeviceListModel> m_deviceModel;
    std::unique_ptr<DeviceFilterModel> m_deviceFilter;
    std::unique_ptr<ManualSource> m_manual;
    std::unique_ptr<QrSource> m_qr;
    std::unique_ptr<ManifestSource> m_manifest;
    std::unique_ptr<BleSource> m_ble;
    std::unique_ptr<WifiSource> m_wifi;
    std::unique_ptr<DeviceController> m_deviceController;
    std::unique_ptr<CameraController> m_camera;
    std::unique_ptr<LineController> m_line;
    std::unique_ptr<LabelController> m_labels;
};
