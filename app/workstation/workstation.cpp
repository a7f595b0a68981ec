// SPDX-License-Identifier: Apache-2.0
#include "workstation.h"

#include "devices/blesource.h"
#include "devices/devicelistmodel.h"
#include "devices/manifestsource.h"
#include "devices/manualsource.h"
#include "devices/qrsource.h"
#include "devices/wifisource.h"
#include "labels/labelcontroller.h"
#include "line/linecontroller.h"
#include "qr/cameracontroller.h"
#include "records/recordlog.h"
#include "records/recordscontroller.h"
#include "session/devicecontroller.h"
#include "settings/settingscontroller.h"

#include <QDir>
#include <QQmlEngine>
#include <QQuickStyle>
#include <QSettings>
#include <QStandardPaths>

Workstation::Workstation(const WorkstationOptions &options, QObject *parent)
    : QObject(parent)
{
    const QString recordPath = options.recordPath.isEmpty() ? defaultRecordPath() : options.recordPath;
    m_recordLog = std::make_unique<RecordLog>();
    m_recordLog->open(recordPath);
    m_records = std::make_unique<RecordsController>(m_recordLog.get());

    auto qsettings = options.settingsFile.isEmpty()
        ? std::make_unique<QSettings>()
        : std::make_unique<QSettings>(options.settingsFile, QSettings::IniFormat);
    m_settings = std::make_unique<SettingsController>(std::move(qsettings), recordPath, options.station);
    m_settings->overrideSoftApPort(options.softApPort);
    // The station's record is the spool of the line's record when one is configured.
    auto applyLineRecord = [log = m_recordLog.get(), settings = m_settings.get()] {
        prov::LineRecordConfig config;
        config.connection = settings->lineConnection();
        log->setLineRecord(config);
    };
    applyLineRecord();
    connect(m_settings.get(), &SettingsController::lineConnectionChanged, this, applyLineRecord);

    m_deviceModel = std::make_unique<DeviceListModel>();
    m_deviceFilter = std::make_unique<DeviceFilterModel>(m_deviceModel.get());
    m_manual = std::make_unique<ManualSource>();
    m_qr = std::make_unique<QrSource>();
    m_manifest = std::make_unique<ManifestSource>();
    m_deviceModel->addSource(m_manual.get());
    m_deviceModel->addSource(m_qr.get());
    m_ble = std::make_unique<BleSource>();
    m_deviceModel->addSource(m_manifest.get());
    m_deviceModel->addSource(m_ble.get());
    // The system bus's NetworkManager; without it a scan only ends in WifiSource's status.
    m_wifi = std::make_unique<WifiSource>();
    m_wifi->setInterfaceName(m_settings->wifiInterface());
    connect(m_settings.get(), &SettingsController::wifiInterfaceChanged, m_wifi.get(),
        [wifi = m_wifi.get(), settings = m_settings.get()] {
            wifi->setInterfaceName(settings->wifiInterface());
        });
    m_deviceModel->addSource(m_wifi.get());

    m_deviceController = std::make_unique<DeviceController>(
        m_deviceModel.get(), m_settings.get(), m_recordLog.get());
    m_deviceController->setBleSource(m_ble.get());
    m_deviceController->setWifiSource(m_wifi.get());

    // QR codes from the camera, an image file or the clipboard go the same way as the wedge's.
    m_camera = std::make_unique<CameraController>();
    connect(m_camera.get(), &CameraController::payloadDecoded, m_qr.get(), &QrSource::submit);

    // The line shares the record, the settings and the BLE connection limit with the sessions.
    m_line = std::make_unique<LineController>(
        m_settings.get(), m_recordLog.get(), m_deviceController->bleConnectionLimit(), m_deviceModel.get());
    m_line->setBleSource(m_ble.get());
    m_line->setWifiSource(m_wifi.get());
    m_line->setManifestSource(m_manifest.get());
    m_line->setQrSource(m_qr.get());
    // Line mode asks this station's record and the line's before provisioning (profile `duplicates`).
    m_line->setDuplicateLookup(m_recordLog.get());

    // Labels read the device list (credentials for the QR code), the records and the line's successes.
    m_labels = std::make_unique<LabelController>(m_settings.get(), m_deviceModel.get());
    m_labels->setRecordsController(m_records.get());
    m_labels->setLineController(m_line.get());

    if (!options.manifestPath.isEmpty())
        m_manifest->load(options.manifestPath);
    // From the event loop: the caller (main.cpp, a test) may still set things up first; without an
    // adapter this only ends in BleSource's status (Unavailable).
    if (m_settings->scanBleOnStart()) {
        QMetaObject::invokeMethod(
            m_ble.get(), [ble = m_ble.get()] { ble->startScan(); }, Qt::QueuedConnection);
    }
}

Workstation::~Workstation()
{
    // Explicit, for the reader: sessions first (they finish attempts), the record log last.
    m_labels.reset();
    m_line.reset();
    m_camera.reset();
    m_deviceController.reset();
    m_wifi.reset();
    m_ble.reset();
    m_manifest.reset();
    m_qr.reset();
    m_manual.reset();
    m_deviceFilter.reset();
    m_deviceModel.reset();
    m_settings.reset();
    m_records.reset();
    m_recordLog.reset();
}

bool Workstation::shutdown()
{
    return m_deviceController->shutdown();
}

QString Workstation::defaultRecordPath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("factory-record.sqlite"));
}

void Workstation::applyStyle()
{
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

void Workstation::prepareEngine(QQmlEngine *engine)
{
    engine->addImportPath(QStringLiteral("qrc:/qt/qml"));
}

QString Workstation::mainQmlUrl()
{
    return QStringLiteral("qrc:/qt/qml/Prov/Workstation/Main.qml");
}

QVariantMap Workstation::initialProperties() const
{
    return {
        { QStringLiteral("settings"), QVariant::fromValue(m_settings.get()) },
        { QStringLiteral("devices"), QVariant::fromValue(m_deviceFilter.get()) },
        { QStringLiteral("manualSource"), QVariant::fromValue(m_manual.get()) },
        { QStringLiteral("qrSource"), QVariant::fromValue(m_qr.get()) },
        { QStringLiteral("manifestSource"), QVariant::fromValue(m_manifest.get()) },
        { QStringLiteral("deviceController"), QVariant::fromValue(m_deviceController.get()) },
        { QStringLiteral("records"), QVariant::fromValue(m_records.get()) },
        { QStringLiteral("camera"), QVariant::fromValue(m_camera.get()) },
        { QStringLiteral("line"), QVariant::fromValue(m_line.get()) },
        { QStringLiteral("labels"), QVariant::fromValue(m_labels.get()) },
    };
}
