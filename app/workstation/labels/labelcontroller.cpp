// SPDX-License-Identifier: Apache-2.0
#include "labels/labelcontroller.h"

#include "applogging.h"
#include "devices/devicelistmodel.h"
#include "labels/labelpainter.h"
#include "line/linecontroller.h"
#include "records/recordscontroller.h"
#include "session/devicesession.h"
#include "settings/settingscontroller.h"

#include "prov/qrpayload.h"
#include "prov/record.h"

#include <QDir>
#include <QPrinterInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>

namespace {

QString localPath(const QString &pathOrUrl)
{
    const QUrl url(pathOrUrl);
    return url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
}

/// "host", "host:port" or "[v6]:port"; port 9100 when none is given.
std::optional<prov::ZplPrinterAddress> parsePrinterAddress(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(?:\\[([^\\]]+)\\]|([^:\\[\\]]+))(?::(\\d{1,5}))?$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    prov::ZplPrinterAddress address;
    address.host = m.captured(1).isEmpty() ? m.captured(2) : m.captured(1);
    if (!m.captured(3).isEmpty()) {
        const int port = m.captured(3).toInt();
        if (port < 1 || port > 65535)
            return std::nullopt;
        address.port = quint16(port);
    }
    return address;
}

/// A file name part from a service name: letters, digits, '_', '.', '-' only.
QString fileNamePart(const QString &text)
{
    QString out = text;
    out.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")), QStringLiteral("_"));
    return out.isEmpty() ? QStringLiteral("device") : out;
}

} // namespace

LabelController::LabelController(SettingsController *settings, DeviceListModel *devices, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_devices(devices)
    , m_template(settings->labelTemplate())
{
    refreshPrinters();
}

LabelController::~LabelController() = default;

void LabelController::setLineController(LineController *line)
{
    if (m_line)
        disconnect(m_line, nullptr, this, nullptr);
    m_line = line;
    if (line)
        connect(line, &LineController::deviceEnded, this, &LabelController::handleLineDeviceEnded);
}

void LabelController::setRecordsController(RecordsController *records)
{
    m_records = records;
}

// ---- the template

void LabelController::editTemplate(const std::function<void(prov::LabelTemplate &)> &edit)
{
    prov::LabelTemplate t = m_template;
    edit(t);
    if (t == m_template)
        return;
    m_template = t;
    const std::optional<prov::Error> problem = m_template.validate();
    m_templateProblem = problem ? problem->detail : QString();
    if (!problem)
        m_settings->setLabelTemplate(m_template);
    Q_EMIT templateChanged();
}

void LabelController::setWidthMm(double mm)
{
    editTemplate([mm](prov::LabelTemplate &t) { t.widthMm = mm; });
}

void LabelController::setHeightMm(double mm)
{
    editTemplate([mm](prov::LabelTemplate &t) { t.heightMm = mm; });
}

void LabelController::setDpi(int dpi)
{
    editTemplate([dpi](prov::LabelTemplate &t) { t.dpi = dpi; });
}

void LabelController::setFreeText(const QString &text)
{
    editTemplate([&text](prov::LabelTemplate &t) { t.freeText = text; });
}

QVariantList LabelController::fieldChoices() const
{
    const QList<std::pair<prov::LabelField, QString>> texts {
        { prov::LabelField::QrPayload, tr("QR code (with the PoP while this workstation holds it)") },
        { prov::LabelField::ServiceName, tr("Service name") },
        { prov::LabelField::Address, tr("MAC / BLE address") },
        { prov::LabelField::Firmware, tr("Firmware version") },
        { prov::LabelField::Date, tr("Date (UTC)") },
        { prov::LabelField::Station, tr("Station") },
        { prov::LabelField::FreeText, tr("Free text line") },
    };
    QVariantList out;
    for (const auto &[field, text] : texts)
        out << QVariantMap { { QStringLiteral("field"), int(field) }, { QStringLiteral("text"), text },
            { QStringLiteral("shown"), m_template.shows(field) } };
    return out;
}

void LabelController::setFieldShown(int field, bool shown)
{
    if (field < int(prov::LabelField::QrPayload) || field > int(prov::LabelField::FreeText))
        return;
    editTemplate([field, shown](prov::LabelTemplate &t) {
        t.fields.removeAll(prov::LabelField(field));
        if (shown) {
            // In the order of the enum: the order the Settings page lists them.
            qsizetype at = 0;
            while (at < t.fields.size() && int(t.fields.at(at)) < field)
                ++at;
            t.fields.insert(at, prov::LabelField(field));
        }
    });
}

// ---- the output

LabelController::Output LabelController::output() const
{
    const int stored = m_settings->labelOutput();
    return stored >= int(Output::Pdf) && stored <= int(Output::ZplFile) ? Output(stored) : Output::Pdf;
}

void LabelController::setOutput(Output output)
{
    if (output == this->output())
        return;
    m_settings->setLabelOutput(int(output));
    Q_EMIT outputChanged();
}

void LabelController::setOutputText(SettingsController::LabelText which, const QString &value)
{
    if (value == m_settings->labelText(which))
        return;
    m_settings->setLabelText(which, value);
    Q_EMIT outputChanged();
}

QString LabelController::pdfFolder() const
{
    const QString stored = m_settings->labelText(SettingsController::LabelText::PdfFolder);
    if (!stored.isEmpty())
        return stored;
    return QDir(QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
        .filePath(QStringLiteral("labels"));
}

void LabelController::setPdfFolder(const QString &folder)
{
    setOutputText(SettingsController::LabelText::PdfFolder, localPath(folder));
}

QString LabelController::printerName() const
{
    return m_settings->labelText(SettingsController::LabelText::PrinterName);
}

void LabelController::setPrinterName(const QString &name)
{
    setOutputText(SettingsController::LabelText::PrinterName, name.trimmed());
}

QString LabelController::zplAddress() const
{
    return m_settings->labelText(SettingsController::LabelText::ZplAddress);
}

void LabelController::setZplAddress(const QString &address)
{
    setOutputText(SettingsController::LabelText::ZplAddress, address.trimmed());
}

QString LabelController::zplFile() const
{
    return m_settings->labelText(SettingsController::LabelText::ZplFile);
}

void LabelController::setZplFile(const QString &path)
{
    setOutputText(SettingsController::LabelText::ZplFile, localPath(path));
}

void LabelController::refreshPrinters()
{
    const QStringList names = QPrinterInfo::availablePrinterNames();
    if (names == m_printers)
        return;
    m_printers = names;
    Q_EMIT printersChanged();
}

// ---- what a label says

DeviceCredentials LabelController::listedCredentials(const QString &serviceName) const
{
    if (!m_devices)
        return {};
    const std::optional<DeviceEntry> entry = m_devices->entry(serviceName);
    return entry ? entry->credentials : DeviceCredentials {};
}

bool LabelController::holdsCredentials(const QString &serviceName) const
{
    return !listedCredentials(serviceName).isEmpty();
}

prov::LabelData LabelController::dataFor(const Device &device, const DeviceCredentials &credentials) const
{
    prov::QrPayload qr;
    qr.name = device.serviceName;
    qr.transport = prov::transportKindName(device.transport);
    // §11: "pop" is the Security 1 PoP or the Security 2 password.
    qr.pop = QString::fromUtf8(credentials.password.isEmpty() ? credentials.pop : credentials.password);
    qr.username = QString::fromUtf8(credentials.username);
    qr.security = device.secVer;
    prov::LabelData data;
    data.qrPayload = prov::toJson(qr);
    data.serviceName = device.serviceName;
    data.address = device.address;
    data.firmware = device.firmware;
    data.dateUtc = device.dateUtc;
    data.station = device.station;
    data.freeText = m_template.freeText;
    return data;
}

prov::LabelData LabelController::dataForRecord(const prov::ProvisioningRecord &record) const
{
    Device d;
    d.serviceName = record.start.serviceName;
    d.transport = prov::transportKindFromName(record.start.transport).value_or(prov::TransportKind::SoftAp);
    d.address = record.start.address;
    d.firmware = record.device.firmwareVersion;
    if (record.device.secVer >= 0)
        d.secVer = record.device.secVer;
    d.dateUtc = QDateTime::fromMSecsSinceEpoch(
        record.end.finishedAtMs > 0 ? record.end.finishedAtMs : record.start.startedAtMs, Qt::UTC);
    d.station = record.start.station;
    return dataFor(d, listedCredentials(d.serviceName));
}

bool LabelController::printDevice(DeviceSession *session)
{
    if (!session || !session->isProvisioned()) {
        setLastError(prov::makeError(prov::ErrorCode::InvalidArgument,
            QStringLiteral("a label is printed once the device is provisioned")));
        return false;
    }
    Device d;
    d.serviceName = session->serviceName();
    d.transport = session->transportKind();
    d.address = session->address();
    d.firmware = session->firmwareVersion();
    if (session->secVer() >= 0)
        d.secVer = session->secVer();
    d.dateUtc = QDateTime::currentDateTimeUtc();
    d.station = m_settings->stationName();
    print(dataFor(d, session->entry().credentials));
    return true;
}

bool LabelController::reprintSelectedRecord()
{
    const std::optional<prov::ProvisioningRecord> record = m_records ? m_records->selectedProvisioningRecord()
                                                                     : std::nullopt;
    if (!record) {
        setLastError(prov::makeError(
            prov::ErrorCode::InvalidArgument, QStringLiteral("select a record to reprint its label")));
        return false;
    }
    print(dataForRecord(*record));
    return true;
}

void LabelController::handleLineDeviceEnded(const QString &key, prov::LineDeviceState state)
{
    if (state != prov::LineDeviceState::Succeeded || !m_line || !m_line->labelAutoPrint())
        return;
    const std::optional<prov::LineDeviceStatus> status = m_line->engine()->device(key);
    if (!status)
        return;
    Device d;
    d.serviceName = status->serviceName;
    d.transport = status->transport;
    d.address = status->address;
    if (status->result) {
        d.firmware = status->result->firmwareVersion;
        d.secVer = status->result->device.secVer;
    }
    d.dateUtc = QDateTime::currentDateTimeUtc();
    d.station = m_settings->stationName();
    print(dataFor(d, listedCredentials(d.serviceName)));
}

// ---- printing

void LabelController::print(const prov::LabelData &data)
{
    const bool wasBusy = busy();
    m_queue.append(data);
    if (!wasBusy)
        Q_EMIT busyChanged();
    if (!m_busy)
        processNext();
}

void LabelController::processNext()
{
    while (!m_busy && !m_queue.isEmpty()) {
        const prov::LabelData data = m_queue.takeFirst();
        const QString name = data.serviceName;
        switch (output()) {
        case Output::Pdf: {
            const QString folder = pdfFolder();
            const QString path = QDir(folder).filePath(
                QStringLiteral("label-%1-%2.pdf")
                    .arg(fileNamePart(name),
                        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"))));
            if (!QDir().mkpath(folder)) {
                finishLabel(name, path,
                    prov::makeError(prov::ErrorCode::StorageFailed,
                        QStringLiteral("%1: the folder cannot be created").arg(folder)));
                break;
            }
            finishLabel(name, path, LabelPainter::writePdf(path, m_template, data));
            break;
        }
        case Output::SystemPrinter: {
            const QString printer = printerName();
            finishLabel(name, printer.isEmpty() ? tr("the default printer") : tr("printer %1").arg(printer),
                LabelPainter::print(printer, m_template, data));
            break;
        }
        case Output::ZplFile: {
            const prov::Result<QByteArray> zpl = prov::toZpl(m_template, data);
            finishLabel(
                name, zplFile(), zpl ? prov::writeZplFile(zplFile(), *zpl) : prov::Status(zpl.error()));
            break;
        }
        case Output::ZplTcp: {
            const std::optional<prov::ZplPrinterAddress> address = parsePrinterAddress(zplAddress());
            if (!address) {
                finishLabel(name, zplAddress(),
                    prov::makeError(prov::ErrorCode::InvalidArgument,
                        QStringLiteral("\"%1\" is not a printer address (host or host:port)")
                            .arg(zplAddress())));
                break;
            }
            const prov::Result<QByteArray> zpl = prov::toZpl(m_template, data);
            if (!zpl) {
                finishLabel(name, zplAddress(), zpl.error());
                break;
            }
            m_busy = true;
            prov::Pending<void> *op = prov::sendZpl(*address, *zpl, kPrinterTimeoutMs, this);
            const QString where = QStringLiteral("%1:%2").arg(address->host).arg(address->port);
            connect(op, &prov::PendingOperation::finished, this, [this, op, name, where] {
                m_busy = false;
                finishLabel(name, where, op->result());
                processNext();
            });
            break;
        }
        }
    }
    if (!busy())
        Q_EMIT busyChanged();
}

void LabelController::finishLabel(
    const QString &serviceName, const QString &where, const prov::Status &status)
{
    // Only the service name and the output: never the QR data, which may carry the PoP.
    if (status) {
        qCInfo(lcWsLabels) << "label for" << serviceName << "printed to" << where;
        m_lastMessage = tr("Label for %1: %2").arg(serviceName, where);
        m_lastErrorCode = 0;
        m_lastError.clear();
        Q_EMIT lastResultChanged();
        Q_EMIT printed(serviceName, true, where, 0, QString());
        return;
    }
    qCWarning(lcWsLabels) << "label for" << serviceName << "not printed:" << status.error().toString();
    setLastError(status.error());
    Q_EMIT printed(serviceName, false, where, m_lastErrorCode, m_lastError);
}

void LabelController::setLastError(const prov::Error &error)
{
    m_lastErrorCode = int(error.code);
    m_lastError = RecordsController::errorText(error);
    Q_EMIT lastResultChanged();
}

void LabelController::clearError()
{
    if (m_lastErrorCode == 0 && m_lastError.isEmpty())
        return;
    m_lastErrorCode = 0;
    m_lastError.clear();
    Q_EMIT lastResultChanged();
}
