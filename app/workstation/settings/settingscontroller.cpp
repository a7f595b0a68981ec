// SPDX-License-Identifier: Apache-2.0
#include "settings/settingscontroller.h"

#include "applogging.h"
#include "session/wifiinfo.h"

#include "prov/record.h"

#include <QSettings>
#include <QSysInfo>

namespace {
const QString kStation = QStringLiteral("station/name");
const QString kOperator = QStringLiteral("station/operator");
const QString kRemember = QStringLiteral("network/remember");
const QString kSsid = QStringLiteral("network/ssid");
const QString kAuth = QStringLiteral("network/authMode");
const QString kRequestTimeout = QStringLiteral("timeouts/requestMs");
const QString kConnectTimeout = QStringLiteral("timeouts/connectMs");
const QString kScanBleOnStart = QStringLiteral("ble/scanOnStart");
const QString kMaxBleConnectionsKey = QStringLiteral("ble/maxConnections");
const QString kConfirmAfterLinkClosed = QStringLiteral("ble/confirmAfterLinkClosed");
const QString kWifiInterface = QStringLiteral("softap/interface");
const QString kSoftApPort = QStringLiteral("softap/port");
const QString kJoinTimeout = QStringLiteral("softap/joinTimeoutS");
const QString kLastPage = QStringLiteral("ui/lastPage");
const QString kLineProfileId = QStringLiteral("line/profileId");
const QString kLineProfilesDir = QStringLiteral("line/profilesDir");
const QString kLineConnection = QStringLiteral("lineRecord/connection");
const QString kLabelTemplate = QStringLiteral("labels/template");
const QString kLabelOutput = QStringLiteral("labels/output");

QString labelTextKey(SettingsController::LabelText which)
{
    switch (which) {
    case SettingsController::LabelText::PdfFolder:
        return QStringLiteral("labels/pdfFolder");
    case SettingsController::LabelText::PrinterName:
        return QStringLiteral("labels/printer");
    case SettingsController::LabelText::ZplAddress:
        return QStringLiteral("labels/zplAddress");
    case SettingsController::LabelText::ZplFile:
        return QStringLiteral("labels/zplFile");
    }
    return QStringLiteral("labels/unknown");
}
} // namespace

SettingsController::SettingsController(std::unique_ptr<QSettings> settings, const QString &recordPath,
    const QString &stationOverride, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_recordPath(recordPath)
    , m_stationOverride(stationOverride.trimmed())
{
    if (rememberNetwork()) {
        m_defaultSsid = m_settings->value(kSsid).toString();
        m_defaultAuthMode = m_settings->value(kAuth, -1).toInt();
    }
}

SettingsController::~SettingsController()
{
    m_settings->sync();
}

QString SettingsController::stationName() const
{
    if (!m_stationOverride.isEmpty())
        return m_stationOverride;
    return m_settings->value(kStation, QSysInfo::machineHostName()).toString();
}

void SettingsController::setStationName(const QString &name)
{
    if (stationFromCommandLine() || name == stationName())
        return;
    m_settings->setValue(kStation, name.trimmed());
    Q_EMIT stationNameChanged();
}

QString SettingsController::lineConnection() const
{
    return m_settings->value(kLineConnection).toString();
}

bool SettingsController::applyLineConnection(const QString &connection)
{
    const QString text = connection.trimmed();
    if (!text.isEmpty()) {
        if (const prov::Status s = prov::checkLineConnection(text); !s) {
            // The error names keywords only, never a value.
            m_lineConnectionError = s.error().detail;
            Q_EMIT lineConnectionChanged();
            return false;
        }
    }
    const bool changed = text != lineConnection() || !m_lineConnectionError.isEmpty();
    m_lineConnectionError.clear();
    m_settings->setValue(kLineConnection, text);
    if (changed)
        Q_EMIT lineConnectionChanged();
    return true;
}

QString SettingsController::operatorName() const
{
    return m_settings->value(kOperator).toString();
}

void SettingsController::setOperatorName(const QString &name)
{
    if (name == operatorName())
        return;
    m_settings->setValue(kOperator, name.trimmed());
    Q_EMIT operatorNameChanged();
}

bool SettingsController::rememberNetwork() const
{
    return m_settings->value(kRemember, false).toBool();
}

void SettingsController::setRememberNetwork(bool remember)
{
    if (remember == rememberNetwork())
        return;
    m_settings->setValue(kRemember, remember);
    storeNetwork();
    Q_EMIT rememberNetworkChanged();
}

void SettingsController::setDefaultSsid(const QString &ssid)
{
    if (ssid == m_defaultSsid)
        return;
    m_defaultSsid = ssid;
    storeNetwork();
    Q_EMIT defaultSsidChanged();
}

void SettingsController::setDefaultAuthMode(int authMode)
{
    if (authMode == m_defaultAuthMode)
        return;
    m_defaultAuthMode = authMode;
    storeNetwork();
    Q_EMIT defaultAuthModeChanged();
}

void SettingsController::storeNetwork()
{
    // Only the SSID and auth preference, and only when the technician opted in; never the passphrase.
    if (rememberNetwork()) {
        m_settings->setValue(kSsid, m_defaultSsid);
        m_settings->setValue(kAuth, m_defaultAuthMode);
    } else {
        m_settings->remove(kSsid);
        m_settings->remove(kAuth);
    }
}

void SettingsController::setSessionPassphrase(const QString &passphrase)
{
    if (passphrase == m_sessionPassphrase)
        return;
    m_sessionPassphrase = passphrase;
    Q_EMIT sessionPassphraseChanged();
}

int SettingsController::clampedValue(const QString &key, int fallback, int min, int max) const
{
    return std::clamp(m_settings->value(key, fallback).toInt(), min, max);
}

int SettingsController::requestTimeoutMs() const
{
    return clampedValue(
        kRequestTimeout, kDefaultRequestTimeoutMs, kMinRequestTimeoutMs, kMaxRequestTimeoutMs);
}

void SettingsController::setRequestTimeoutMs(int ms)
{
    ms = std::clamp(ms, kMinRequestTimeoutMs, kMaxRequestTimeoutMs);
    if (ms == requestTimeoutMs())
        return;
    m_settings->setValue(kRequestTimeout, ms);
    Q_EMIT requestTimeoutMsChanged();
}

int SettingsController::connectTimeoutMs() const
{
    return clampedValue(
        kConnectTimeout, kDefaultConnectTimeoutMs, kMinConnectTimeoutMs, kMaxConnectTimeoutMs);
}

void SettingsController::setConnectTimeoutMs(int ms)
{
    ms = std::clamp(ms, kMinConnectTimeoutMs, kMaxConnectTimeoutMs);
    if (ms == connectTimeoutMs())
        return;
    m_settings->setValue(kConnectTimeout, ms);
    Q_EMIT connectTimeoutMsChanged();
}

bool SettingsController::scanBleOnStart() const
{
    return m_settings->value(kScanBleOnStart, true).toBool();
}

void SettingsController::setScanBleOnStart(bool scan)
{
    if (scan == scanBleOnStart())
        return;
    m_settings->setValue(kScanBleOnStart, scan);
    Q_EMIT scanBleOnStartChanged();
}

int SettingsController::maxBleConnections() const
{
    return clampedValue(
        kMaxBleConnectionsKey, kDefaultMaxBleConnections, kMinBleConnections, kMaxBleConnections);
}

void SettingsController::setMaxBleConnections(int connections)
{
    connections = std::clamp(connections, kMinBleConnections, kMaxBleConnections);
    if (connections == maxBleConnections())
        return;
    m_settings->setValue(kMaxBleConnectionsKey, connections);
    Q_EMIT maxBleConnectionsChanged();
}

bool SettingsController::confirmAfterBleLinkClosed() const
{
    return m_settings->value(kConfirmAfterLinkClosed, true).toBool();
}

void SettingsController::setConfirmAfterBleLinkClosed(bool confirm)
{
    if (confirm == confirmAfterBleLinkClosed())
        return;
    m_settings->setValue(kConfirmAfterLinkClosed, confirm);
    Q_EMIT confirmAfterBleLinkClosedChanged();
}

QString SettingsController::wifiInterface() const
{
    return m_settings->value(kWifiInterface).toString();
}

void SettingsController::setWifiInterface(const QString &name)
{
    const QString trimmed = name.trimmed();
    if (trimmed == wifiInterface())
        return;
    m_settings->setValue(kWifiInterface, trimmed);
    Q_EMIT wifiInterfaceChanged();
}

int SettingsController::softApPort() const
{
    if (m_softApPortOverride != 0)
        return m_softApPortOverride;
    return clampedValue(kSoftApPort, kDefaultSoftApPort, 1, 65535);
}

void SettingsController::setSoftApPort(int port)
{
    port = std::clamp(port, 1, 65535);
    if (port == softApPort() && m_softApPortOverride == 0)
        return;
    m_softApPortOverride = 0;
    m_settings->setValue(kSoftApPort, port);
    Q_EMIT softApPortChanged();
}

void SettingsController::overrideSoftApPort(int port)
{
    port = port == 0 ? 0 : std::clamp(port, 1, 65535);
    if (port == m_softApPortOverride)
        return;
    m_softApPortOverride = port;
    Q_EMIT softApPortChanged();
}

int SettingsController::softApJoinTimeoutS() const
{
    return clampedValue(kJoinTimeout, kDefaultJoinTimeoutS, kMinJoinTimeoutS, kMaxJoinTimeoutS);
}

void SettingsController::setSoftApJoinTimeoutS(int seconds)
{
    seconds = std::clamp(seconds, kMinJoinTimeoutS, kMaxJoinTimeoutS);
    if (seconds == softApJoinTimeoutS())
        return;
    m_settings->setValue(kJoinTimeout, seconds);
    Q_EMIT softApJoinTimeoutSChanged();
}

int SettingsController::lastPage() const
{
    return m_settings->value(kLastPage, 0).toInt();
}

void SettingsController::setLastPage(int page)
{
    if (page == lastPage())
        return;
    m_settings->setValue(kLastPage, page);
    Q_EMIT lastPageChanged();
}

QString SettingsController::lineProfileId() const
{
    return m_settings->value(kLineProfileId).toString();
}

void SettingsController::setLineProfileId(const QString &id)
{
    if (id != lineProfileId())
        m_settings->setValue(kLineProfileId, id);
}

QString SettingsController::lineProfilesDir() const
{
    return m_settings->value(kLineProfilesDir).toString();
}

void SettingsController::setLineProfilesDir(const QString &dir)
{
    if (dir != lineProfilesDir())
        m_settings->setValue(kLineProfilesDir, dir);
}

prov::LabelTemplate SettingsController::labelTemplate() const
{
    const QByteArray json = m_settings->value(kLabelTemplate).toByteArray();
    if (json.isEmpty())
        return {};
    const prov::Result<prov::LabelTemplate> stored = prov::LabelTemplate::fromJson(json);
    if (!stored) {
        qCWarning(lcWsSettings) << "stored label template ignored:" << stored.error().toString();
        return {};
    }
    return *stored;
}

void SettingsController::setLabelTemplate(const prov::LabelTemplate &labelTemplate)
{
    const QByteArray json = labelTemplate.toJson();
    if (json != m_settings->value(kLabelTemplate).toByteArray())
        m_settings->setValue(kLabelTemplate, QString::fromUtf8(json));
}

int SettingsController::labelOutput() const
{
    return m_settings->value(kLabelOutput, 0).toInt();
}

void SettingsController::setLabelOutput(int output)
{
    if (output != labelOutput())
        m_settings->setValue(kLabelOutput, output);
}

QString SettingsController::labelText(LabelText which) const
{
    return m_settings->value(labelTextKey(which)).toString();
}

void SettingsController::setLabelText(LabelText which, const QString &value)
{
    if (value != labelText(which))
        m_settings->setValue(labelTextKey(which), value);
}

QString SettingsController::storageLocation() const
{
    return m_settings->fileName();
}

void SettingsController::sync()
{
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError)
        qCWarning(lcWsSettings) << "settings could not be written to" << m_settings->fileName();
}

QVariantList SettingsController::authModeChoices() const
{
    QVariantList out { QVariantMap {
        { QStringLiteral("text"), tr("Not known (use the scan)") }, { QStringLiteral("value"), -1 } } };
    for (prov::AuthMode mode :
        { prov::AuthMode::WPA2_PSK, prov::AuthMode::WPA_WPA2_PSK, prov::AuthMode::WPA2_WPA3_PSK,
            prov::AuthMode::WPA3_PSK, prov::AuthMode::WPA_PSK, prov::AuthMode::WEP, prov::AuthMode::Open })
        out << QVariantMap { { QStringLiteral("text"), ws::authWords(int(mode)) },
            { QStringLiteral("value"), int(mode) } };
    return out;
}
