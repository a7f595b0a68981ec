// SPDX-License-Identifier: Apache-2.0
// Labels through the whole controller graph (Workstation, as main.cpp wires it) against prov-sim: a
// Security 1 device with a distinctive PoP is provisioned, its label printed as PDF from the Device
// page's verb and decoded back (pdftoppm + ZXing) to the QR payload with the PoP; reprinted from its
// record, with the PoP while the workstation holds the device's sticker and without it once it does
// not; printed by the line after a success when the product profile asks; sent as ZPL to a loopback
// TCP printer. The PoP appears on the labels only: not in any log
// message captured during the test, not in the factory record, its JSON export or the settings.
#include "demoworkstation.h"
#include "simfleet.h"
#include "workstation.h"

#include "devices/devicelistmodel.h"
#include "labels/labelcontroller.h"
#include "line/linecontroller.h"
#include "qr/qrdecoder.h"
#include "records/recordlog.h"
#include "records/recordscontroller.h"
#include "session/devicecontroller.h"
#include "settings/settingscontroller.h"

#include "prov/qrpayload.h"
#include "prov/record.h"

#include "../label/labeltestsupport.h"
#include "../label/pdfraster.h"
#include "../label/zplfields.h"

#include <QDirIterator>
#include <QMutex>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QByteArray kPop = "Label-PoP-7f3a9c";
const QString kDevice = QStringLiteral("PROV_LABEL1");

QMutex g_logMutex;
QStringList g_log;
QtMessageHandler g_previous = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(qFormatLogMessage(type, context, message));
    }
    if (g_previous)
        g_previous(type, context, message);
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TestAppLabel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void printsTheProvisionedDevicesLabel();
    void linePrintsAfterEachSuccessWhenTheProfileAsks();
    void reprintsFromTheRecord();
    void sendsZplToTcpPrinter();
    void popOnlyOnTheLabel();
    void remembersTemplateAndOutput();
    void cleanupTestCase();

private:
    /// Prints with `print` and waits for the label's end; the `printed` arguments.
    QList<QVariant> printAndWait(const std::function<bool()> &print);
    /// The QR payload of the PDF at `path`, decoded (pdftoppm -r 300 + ZXing).
    QByteArray decodePdf(const QString &path);

    QTemporaryDir m_dir;
    std::unique_ptr<SimFleet> m_fleet;
    std::unique_ptr<Workstation> m_ws;
    QString m_attemptId;
};

QList<QVariant> TestAppLabel::printAndWait(const std::function<bool()> &print)
{
    QSignalSpy printed(m_ws->labels(), &LabelController::printed);
    if (!print() || (printed.isEmpty() && !printed.wait(15000)))
        return {};
    return printed.first();
}

QByteArray TestAppLabel::decodePdf(const QString &path)
{
    QString error;
    const QImage image = rasterizePdf(path, 300, &error);
    if (image.isNull()) {
        qWarning() << error;
        return {};
    }
    return QrDecoder::decodeImage(image).toUtf8();
}

void TestAppLabel::initTestCase()
{
    g_previous = qInstallMessageHandler(captureMessage);
    QCoreApplication::setOrganizationName(QStringLiteral("prov-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_app_label"));
    QByteArray devices;
    for (const char *name : { "PROV_LABEL1", "PROV_LABEL2" })
        devices += QByteArray(devices.isEmpty() ? "" : ", ") + R"({"service_name": ")" + name
            + R"(", "sec_ver": 1, "pop": ")" + kPop + R"(", "connect_delay_ms": 200, "dhcp_delay_ms": 100})";
    QString error;
    m_fleet = startFleetFile(
        QDir(m_dir.path()), QStringLiteral("fleet.json"), R"({"devices": [)" + devices + "]}", &error);
    QVERIFY2(m_fleet, qPrintable(error));
    withoutBluetooth(QDir(m_dir.path()));
    const std::optional<WorkstationOptions> options = demoWorkstationOptions(
        *m_fleet, QDir(m_dir.path()), QStringLiteral("label-station"), &error);
    QVERIFY2(options, qPrintable(error));
    m_ws = std::make_unique<Workstation>(*options);
    m_ws->settings()->setScanBleOnStart(false);
    m_ws->labels()->setOutput(LabelController::Output::Pdf);
    m_ws->labels()->setPdfFolder(m_dir.filePath(QStringLiteral("labels")));
    QVERIFY(m_ws->labels()->templateProblem().isEmpty());
}

void TestAppLabel::printsTheProvisionedDevicesLabel()
{
    LabelController *labels = m_ws->labels();
    QVERIFY(m_ws->deviceController()->select(kDevice));
    DeviceSession *s = m_ws->deviceController()->session();
    QVERIFY(s);
    // Not before the device is provisioned.
    QVERIFY(!labels->printDevice(s));
    QCOMPARE(labels->lastErrorCode(), int(prov::ErrorCode::InvalidArgument));

    QSignalSpy finished(s, &DeviceSession::finished);
    QVERIFY(s->apply(QStringLiteral("myssid"), QStringLiteral("mypassword")));
    QTRY_VERIFY_WITH_TIMEOUT(s->isProvisioned(), 30000);

    const QList<QVariant> printed = printAndWait([&] { return labels->printDevice(s); });
    QCOMPARE(printed.size(), 5);
    QCOMPARE(printed.at(0).toString(), kDevice);
    QVERIFY2(printed.at(1).toBool(), qPrintable(printed.at(4).toString()));
    const QString pdf = printed.at(2).toString();
    QVERIFY(pdf.startsWith(m_dir.filePath(QStringLiteral("labels"))) && pdf.endsWith(QLatin1String(".pdf")));
    QCOMPARE(labels->lastErrorCode(), 0);

    const prov::Result<prov::QrPayload> qr = prov::parseQrPayload(decodePdf(pdf));
    QVERIFY2(qr.has_value(), qr ? "" : qPrintable(qr.error().toString()));
    QCOMPARE(qr->name, kDevice);
    QCOMPARE(qr->transport, QStringLiteral("softap"));
    QCOMPARE(qr->pop.toUtf8(), kPop);
    QCOMPARE(qr->security, 1);
}

void TestAppLabel::linePrintsAfterEachSuccessWhenTheProfileAsks()
{
    const QString profiles = m_dir.filePath(QStringLiteral("profiles"));
    QVERIFY(QDir().mkpath(profiles));
    QFile profile(profiles + QStringLiteral("/label-test.json"));
    QVERIFY(profile.open(QIODevice::WriteOnly));
    profile.write(R"({"schema": 1, "name": "Label test", "id": "label-test", "version": "1",
        "match": {"service_name_regex": "PROV_LABEL2", "transports": ["softap"], "min_rssi_dbm": -127},
        "security": {"min_sec_ver": 1, "credentials_from": "manifest"},
        "network": {"ssid": "myssid", "auth_mode": "WPA2-PSK"}, "after_apply": "wait_connected",
        "label": {"auto_print": true}})");
    profile.close();
    LineController *line = m_ws->line();
    line->setProfilesDir(profiles);
    QVERIFY(line->selectProfile(QStringLiteral("demo-tray")));
    QVERIFY(!line->labelAutoPrint()); // the shipped profiles print nothing
    QVERIFY(line->selectProfile(QStringLiteral("label-test")));
    QVERIFY(line->labelAutoPrint());

    QSignalSpy printed(m_ws->labels(), &LabelController::printed);
    QVERIFY2(line->start(QStringLiteral("mypassword"), {}, {}), qPrintable(line->lastError()));
    QTRY_COMPARE_WITH_TIMEOUT(line->doneCount(), 1, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(printed.size(), 1, 15000);
    QCOMPARE(printed.first().at(0).toString(), QStringLiteral("PROV_LABEL2"));
    QVERIFY2(printed.first().at(1).toBool(), qPrintable(printed.first().at(4).toString()));
    const prov::Result<prov::QrPayload> qr = prov::parseQrPayload(
        decodePdf(printed.first().at(2).toString()));
    QVERIFY(qr.has_value());
    QCOMPARE(qr->name, QStringLiteral("PROV_LABEL2"));
    QCOMPARE(qr->pop.toUtf8(), kPop); // from the manifest the line took the device from
    line->finish();
    QTRY_VERIFY_WITH_TIMEOUT(!line->active(), 15000);
    QVERIFY(line->closeBatch());
    QCOMPARE(printed.size(), 1);
}

void TestAppLabel::reprintsFromTheRecord()
{
    // The attempt as the Records page finds it: filtered by name, then selected.
    RecordsController *records = m_ws->records();
    records->setNameFilter(kDevice);
    records->refresh();
    QTRY_COMPARE_WITH_TIMEOUT(records->model()->rowCount(), 1, 10000);
    const QModelIndex row = records->model()->index(0, 0);
    QCOMPARE(row.data(RecordsModel::OutcomeRole).toInt(), int(prov::RecordOutcome::Provisioned));
    m_attemptId = row.data(RecordsModel::AttemptIdRole).toString();
    QVERIFY(!m_attemptId.isEmpty());
    LabelController *labels = m_ws->labels();
    QVERIFY(!labels->reprintSelectedRecord()); // nothing selected
    records->select(m_attemptId);
    QTRY_VERIFY_WITH_TIMEOUT(records->selectedProvisioningRecord().has_value(), 10000);

    // The workstation still holds the device's sticker (the manifest): the QR code carries the PoP.
    QVERIFY(labels->holdsCredentials(kDevice));
    QList<QVariant> printed = printAndWait([&] { return labels->reprintSelectedRecord(); });
    QVERIFY(!printed.isEmpty() && printed.at(1).toBool());
    prov::Result<prov::QrPayload> qr = prov::parseQrPayload(decodePdf(printed.at(2).toString()));
    QVERIFY(qr.has_value());
    QCOMPARE(qr->pop.toUtf8(), kPop);

    // Once the device is gone from the list, the record alone gives no PoP.
    m_ws->deviceController()->close(kDevice);
    m_ws->deviceModel()->remove(kDevice);
    QVERIFY(!labels->holdsCredentials(kDevice));
    printed = printAndWait([&] { return labels->reprintSelectedRecord(); });
    QVERIFY(!printed.isEmpty() && printed.at(1).toBool());
    qr = prov::parseQrPayload(decodePdf(printed.at(2).toString()));
    QVERIFY(qr.has_value());
    QCOMPARE(qr->name, kDevice);
    QVERIFY(qr->pop.isEmpty());
    QCOMPARE(qr->security, 1);
    const prov::LabelData data = labels->dataForRecord(*records->selectedProvisioningRecord());
    QCOMPARE(data.station, QStringLiteral("label-station"));
    QCOMPARE(data.address, QStringLiteral("127.0.0.1:%1").arg(m_fleet->port(kDevice)));
}

void TestAppLabel::sendsZplToTcpPrinter()
{
    LoopbackPrinter printer;
    QVERIFY(printer.isListening());
    LabelController *labels = m_ws->labels();
    labels->setOutput(LabelController::Output::ZplTcp);
    labels->setZplAddress(QStringLiteral("127.0.0.1:%1").arg(printer.port()));
    const QList<QVariant> printed = printAndWait([&] { return labels->reprintSelectedRecord(); });
    QVERIFY(!printed.isEmpty());
    QVERIFY2(printed.at(1).toBool(), qPrintable(printed.at(4).toString()));
    QTRY_VERIFY(printer.closed);
    const QList<ZplCommand> commands = zplCommands(printer.received);
    QCOMPARE(commands.first().name, QByteArray("XA"));
    QCOMPARE(commands.last().name, QByteArray("XZ"));
    QCOMPARE(zplFind(commands, "PW").args.toInt(), labels->labelTemplate().widthDots());
    const QByteArray data = zplFind(commands, "FD").args;
    QVERIFY(data.startsWith("QA,"));
    QCOMPARE(zplUnescape(data.mid(3)),
        labels->dataForRecord(*m_ws->records()->selectedProvisioningRecord()).qrPayload);
    QVERIFY(zplFieldValues(commands).contains(QByteArray("label-station")));

    // A printer that is not there: a typed error, shown on the page.
    const quint16 port = printer.port();
    printer.close();
    labels->setZplAddress(QStringLiteral("127.0.0.1:%1").arg(port));
    const QList<QVariant> refused = printAndWait([&] { return labels->reprintSelectedRecord(); });
    QVERIFY(!refused.isEmpty());
    QVERIFY(!refused.at(1).toBool());
    QCOMPARE(refused.at(3).toInt(), int(prov::ErrorCode::ConnectFailed));
    QCOMPARE(labels->lastErrorCode(), int(prov::ErrorCode::ConnectFailed));
    labels->setOutput(LabelController::Output::Pdf);
}

void TestAppLabel::popOnlyOnTheLabel()
{
    // A JSON export of the record, then everything the workstation wrote or logged.
    QSignalSpy exported(m_ws->records(), &RecordsController::exportFinished);
    m_ws->records()->setTimeRange(RecordsController::TimeRange::AllTime);
    const QString exportPath = m_dir.filePath(QStringLiteral("export.json"));
    m_ws->records()->exportJson(QUrl::fromLocalFile(exportPath));
    QVERIFY(exported.wait(10000));
    QVERIFY(exported.first().at(0).toBool());
    QVERIFY(fileBytes(exportPath).contains(kDevice.toUtf8()));
    m_ws->settings()->sync();
    QSignalSpy drained(m_ws->recordLog(), &RecordLog::drained);
    m_ws->recordLog()->requestDrain();
    QVERIFY(drained.wait(10000));

    int pdfs = 0;
    for (QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories); it.hasNext();) {
        const QString path = it.next();
        if (path.endsWith(QLatin1String(".pdf")) || path.endsWith(QLatin1String(".png"))) {
            ++pdfs; // the labels: where the PoP belongs
            continue;
        }
        if (path == m_dir.filePath(QStringLiteral("fleet.json"))
            || path == m_dir.filePath(QStringLiteral("fleet.jsonl")))
            continue; // the test's input: the simulator's fleet and the manifest (the device's stickers)
        QVERIFY2(!fileBytes(path).contains(kPop), qPrintable(path));
    }
    QVERIFY(pdfs >= 3);
    QVERIFY(QFileInfo::exists(m_dir.filePath(QStringLiteral("factory-record.sqlite"))));
    QVERIFY(QFileInfo::exists(m_dir.filePath(QStringLiteral("settings.ini"))));

    QMutexLocker lock(&g_logMutex);
    // The labels were logged (by service name and output), so the check below has lines to read.
    QVERIFY(g_log.filter(QRegularExpression(QStringLiteral("label for \"?PROV_LABEL1"))).size() >= 4);
    for (const QString &line : std::as_const(g_log))
        QVERIFY2(!line.contains(QString::fromUtf8(kPop)), qPrintable(line));
}

void TestAppLabel::remembersTemplateAndOutput()
{
    LabelController *labels = m_ws->labels();
    labels->setWidthMm(70);
    labels->setDpi(600);
    labels->setFieldShown(int(prov::LabelField::FreeText), true);
    // Free text shown but empty: the problem names the field, and this template is not stored.
    QVERIFY(labels->templateProblem().startsWith(QLatin1String("\"free_text\"")));
    labels->setFreeText(QStringLiteral("Made in Ulm"));
    QVERIFY(labels->templateProblem().isEmpty());
    labels->setDpi(250);
    QVERIFY(labels->templateProblem().startsWith(QLatin1String("\"dpi\"")));
    labels->setOutput(LabelController::Output::ZplFile);
    labels->setZplFile(QUrl::fromLocalFile(m_dir.filePath(QStringLiteral("label.zpl"))).toString());
    QCOMPARE(labels->zplFile(), m_dir.filePath(QStringLiteral("label.zpl")));
    m_ws->settings()->sync();

    SettingsController again(
        std::make_unique<QSettings>(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat),
        m_dir.filePath(QStringLiteral("factory-record.sqlite")));
    LabelController restarted(&again, nullptr);
    QCOMPARE(restarted.widthMm(), 70.0);
    QCOMPARE(restarted.dpi(), 600); // the last valid template
    QVERIFY(restarted.labelTemplate().shows(prov::LabelField::FreeText));
    QCOMPARE(restarted.freeText(), QStringLiteral("Made in Ulm"));
    QCOMPARE(restarted.output(), LabelController::Output::ZplFile);
    QCOMPARE(restarted.zplFile(), m_dir.filePath(QStringLiteral("label.zpl")));
    QCOMPARE(restarted.zplAddress(), labels->zplAddress());
}

void TestAppLabel::cleanupTestCase()
{
    m_ws.reset();
    m_fleet.reset();
    qInstallMessageHandler(g_previous);
}

QTEST_MAIN(TestAppLabel)
#include "tst_app_label.moc"
