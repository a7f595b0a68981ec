// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/deviceentry.h"
#include "session/devicesession.h"
#include "settings/settingscontroller.h"

#include "prov/error.h"
#include "prov/label.h"
#include "prov/laneengine.h"
#include "prov/transportconfig.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QVariantList>
#include <QtQml/qqmlregistration.h>

#include <functional>

class DeviceListModel;
class LineController;
class RecordsController;
namespace prov {
struct ProvisioningRecord;
}

/// Device labels at the station (issue 10, "Labels"; docs/labels.md): the label template and the
/// output the Settings page edits (remembered through SettingsController, never a secret), and the
/// verbs that print: the Device page's "Print label" (Ctrl+P) after a success, the Records page's
/// "Reprint label" from a record, and, in line mode, a label after each success when the batch's
/// product profile says `"label": {"auto_print": true}`.
///
/// Outputs: a PDF per label in a folder, a system printer (Qt Print Support, CUPS), ZPL II to a raw TCP
/// printer (prov::sendZpl(), timeout kPrinterTimeoutMs) or to a file. Labels are printed one after
/// the other in the order asked; each ends in printed().
///
/// The QR code holds the device's §11 payload. It carries the PoP only while this workstation holds
/// the device's credentials from its QR sticker or the manifest (the device list, the session): that
/// is what the sticker is for. A record never holds the PoP (secrets never reach the record), so a
/// reprint of a device the workstation no longer knows has a QR code without it (holdsCredentials()
/// tells the page, which says so). The PoP goes to the label only: never to logs (only the service
/// name and the output are logged), the record or the settings. GUI thread.
class LabelController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("LabelController is created by the workstation")

    // ---- the template (edited field by field; stored while valid)
    /// Label size in mm (prov::LabelTemplate::kMinSideMm..kMaxSideMm).
    Q_PROPERTY(double widthMm READ widthMm WRITE setWidthMm NOTIFY templateChanged)
    Q_PROPERTY(double heightMm READ heightMm WRITE setHeightMm NOTIFY templateChanged)
    /// Printer resolution in dots per inch: one of dpiChoices (203, 300, 600).
    Q_PROPERTY(int dpi READ dpi WRITE setDpi NOTIFY templateChanged)
    Q_PROPERTY(QList<int> dpiChoices READ dpiChoices CONSTANT)
    /// The fields a label can show: [{field (int(prov::LabelField)), text, shown}], in the enum's order.
    Q_PROPERTY(QVariantList fieldChoices READ fieldChoices NOTIFY templateChanged)
    Q_PROPERTY(QString freeText READ freeText WRITE setFreeText NOTIFY templateChanged)
    /// Why the edited template is not used (the field named), "" when it is valid (and stored).
    Q_PROPERTY(QString templateProblem READ templateProblem NOTIFY templateChanged)

    // ---- the output (remembered)
    Q_PROPERTY(Output output READ output WRITE setOutput NOTIFY outputChanged)
    /// Folder of the PDF labels; the default is the documents folder's "labels".
    Q_PROPERTY(QString pdfFolder READ pdfFolder WRITE setPdfFolder NOTIFY outputChanged)
    /// System printer name; "" = the default printer.
    Q_PROPERTY(QString printerName READ printerName WRITE setPrinterName NOTIFY outputChanged)
    /// The system printers Qt Print Support knows (refreshPrinters()).
    Q_PROPERTY(QStringList printers READ printers NOTIFY printersChanged)
    /// The ZPL printer as "host" or "host:port" (port 9100 when none is given).
    Q_PROPERTY(QString zplAddress READ zplAddress WRITE setZplAddress NOTIFY outputChanged)
    /// The ZPL file (replaced with each label), e.g. a spool file or /dev/usb/lp0.
    Q_PROPERTY(QString zplFile READ zplFile WRITE setZplFile NOTIFY outputChanged)

    // ---- printing
    /// A label is being sent (ZPL over TCP) or waits.
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
    /// The last label printed: "Label for PROV_1A2B3C: /home/…/label-PROV_1A2B3C-….pdf"; "" before.
    Q_PROPERTY(QString lastMessage READ lastMessage NOTIFY lastResultChanged)
    /// int(prov::ErrorCode) of the last label that failed, 0 when the last one was printed.
    Q_PROPERTY(int lastErrorCode READ lastErrorCode NOTIFY lastResultChanged)
    /// The advice headline and the detail of that failure; "" when none.
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastResultChanged)

public:
    /// Where labels go. The numbers are stored in the settings; they never change.
    enum class Output : int {
        Pdf = 0, ///< a PDF file per label in pdfFolder
        SystemPrinter = 1, ///< Qt Print Support (CUPS)
        ZplTcp = 2, ///< ZPL II to a raw TCP printer (zplAddress)
        ZplFile = 3, ///< ZPL II written to zplFile
    };
    Q_ENUM(Output)
    /// How long a ZPL printer may take to accept a label (ms).
    static constexpr int kPrinterTimeoutMs = 10000;

    /// None of the pointers is owned; all must outlive the controller. `devices` (may be null) is
    /// where the credentials of a device are looked up for a reprint or a line device.
    LabelController(SettingsController *settings, DeviceListModel *devices, QObject *parent = nullptr);
    ~LabelController() override;

    /// Prints a label after each success of the line's batch when its profile asks for it.
    void setLineController(LineController *line);
    /// The Records page's controller: reprintSelectedRecord() reads its selected record.
    void setRecordsController(RecordsController *records);

    double widthMm() const { return m_template.widthMm; }
    void setWidthMm(double mm);
    double heightMm() const { return m_template.heightMm; }
    void setHeightMm(double mm);
    int dpi() const { return m_template.dpi; }
    void setDpi(int dpi);
    QList<int> dpiChoices() const { return { 203, 300, 600 }; }
    QVariantList fieldChoices() const;
    QString freeText() const { return m_template.freeText; }
    void setFreeText(const QString &text);
    QString templateProblem() const { return m_templateProblem; }
    /// The template used for the next label (the edited one).
    prov::LabelTemplate labelTemplate() const { return m_template; }

    Output output() const;
    void setOutput(Output output);
    QString pdfFolder() const;
    void setPdfFolder(const QString &folder);
    QString printerName() const;
    void setPrinterName(const QString &name);
    QStringList printers() const { return m_printers; }
    QString zplAddress() const;
    void setZplAddress(const QString &address);
    QString zplFile() const;
    void setZplFile(const QString &path);

    bool busy() const { return m_busy || !m_queue.isEmpty(); }
    QString lastMessage() const { return m_lastMessage; }
    int lastErrorCode() const { return m_lastErrorCode; }
    QString lastError() const { return m_lastError; }

    /// Shows or hides a field (`field` = int(prov::LabelField)).
    Q_INVOKABLE void setFieldShown(int field, bool shown);
    /// Re-reads the system printers.
    Q_INVOKABLE void refreshPrinters();
    /// Prints the label of the session's device: its name, transport, address, firmware, the station
    /// and now; the QR code with the session's credentials (PoP) when it has them. False (lastError
    /// set) when there is no session or it has not provisioned its device.
    Q_INVOKABLE bool printDevice(DeviceSession *session);
    /// Reprints the label of the Records page's selected record from its fields (service name,
    /// transport, address, firmware, station, date). The record holds no PoP: the QR code carries it
    /// only when holdsCredentials(serviceName). False (lastError set) when nothing is selected.
    Q_INVOKABLE bool reprintSelectedRecord();
    /// True when the workstation still holds credentials (a PoP / password from the QR sticker or the
    /// manifest) for `serviceName`, so that a reprint's QR code carries them.
    Q_INVOKABLE bool holdsCredentials(const QString &serviceName) const;
    Q_INVOKABLE void clearError();

    /// The label data of a record (see reprintSelectedRecord()).
    prov::LabelData dataForRecord(const prov::ProvisioningRecord &record) const;
    /// Queues a label for `data` with the current template and output.
    void print(const prov::LabelData &data);

Q_SIGNALS:
    void templateChanged();
    void outputChanged();
    void printersChanged();
    void busyChanged();
    void lastResultChanged();
    /// One label ended: printed to `where` (a path, "printer NAME", "host:port"), or failed with
    /// `errorCode` (int(prov::ErrorCode)) and `error` (advice headline and detail).
    void printed(
        const QString &serviceName, bool ok, const QString &where, int errorCode, const QString &error);

private:
    struct Device
    {
        QString serviceName;
        prov::TransportKind transport = prov::TransportKind::SoftAp;
        QString address;
        QString firmware;
        std::optional<int> secVer;
        QDateTime dateUtc;
        QString station;
    };
    /// `credentials` empty: the QR code carries no PoP.
    prov::LabelData dataFor(const Device &device, const DeviceCredentials &credentials) const;
    DeviceCredentials listedCredentials(const QString &serviceName) const;
    /// Applies `edit` to a copy of the template; a changed template replaces it and is stored when valid.
    void setOutputText(SettingsController::LabelText which, const QString &value);
    void editTemplate(const std::function<void(prov::LabelTemplate &)> &edit);
    void handleLineDeviceEnded(const QString &key, prov::LineDeviceState state);
    void processNext();
    void finishLabel(const QString &serviceName, const QString &where, const prov::Status &status);
    void setLastError(const prov::Error &error);

    SettingsController *m_settings;
    DeviceListModel *m_devices;
    QPointer<LineController> m_line;
    QPointer<RecordsController> m_records;
    prov::LabelTemplate m_template;
    QString m_templateProblem;
    QStringList m_printers;
    QList<prov::LabelData> m_queue;
    bool m_busy = false;
    QString m_lastMessage;
    int m_lastErrorCode = 0;
    QString m_lastError;
};
