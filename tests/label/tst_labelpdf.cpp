// SPDX-License-Identifier: Apache-2.0
// The workstation's LabelPainter: a label whose QR payload carries a PoP written as PDF (QPdfWriter),
// rendered back by pdftoppm at 300 dpi and decoded with ZXing (QrDecoder): the payload comes back byte
// for byte, and the page has the label's size in mm. The image output decodes the same way.
// With PROV_LABEL_PNG set, the demo label is also written there as PNG (docs/screenshots/label.png).
#include "labels/labelpainter.h"
#include "qr/qrdecoder.h"

#include "prov/label.h"
#include "prov/qrpayload.h"

#include "labeltestsupport.h"
#include "pdfraster.h"

#include <QGuiApplication>
#include <QTemporaryDir>
#include <QTest>

namespace {

prov::LabelData demoLabel()
{
    prov::LabelData d = labelTestData(
        QStringLiteral("PROV_1A2B3C"), QStringLiteral("ble"), QStringLiteral("abcd1234^~_é"));
    d.station = QStringLiteral("line-2 / station 3");
    d.freeText = QStringLiteral("Scan to set up · keep this label");
    return d;
}

prov::LabelTemplate demoTemplate(int dpi)
{
    prov::LabelTemplate t;
    t.widthMm = 62;
    t.heightMm = 29;
    t.dpi = dpi;
    t.fields.append(prov::LabelField::FreeText);
    t.freeText = demoLabel().freeText;
    return t;
}

} // namespace

class TestLabelPdf : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void pdfDecodesToPayload_data()
    {
        QTest::addColumn<int>("dpi");
        QTest::newRow("203 dpi") << 203;
        QTest::newRow("300 dpi") << 300;
        QTest::newRow("600 dpi") << 600;
    }
    void pdfDecodesToPayload()
    {
        QFETCH(int, dpi);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const prov::LabelTemplate t = demoTemplate(dpi);
        const prov::LabelData d = demoLabel();
        QVERIFY(d.qrPayload.contains("\"pop\""));
        const QString pdf = dir.filePath(QStringLiteral("label.pdf"));
        const prov::Status written = LabelPainter::writePdf(pdf, t, d);
        QVERIFY2(written.has_value(), qPrintable(written ? QString() : written.error().toString()));

        QString error;
        const QSizeF mm = pdfPageSizeMm(pdf, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        // A PDF page is a whole number of points (1/72 in, Qt rounds): within half a point, 0.18 mm.
        QVERIFY2(qAbs(mm.width() - t.widthMm) < 0.18 && qAbs(mm.height() - t.heightMm) < 0.18,
            qPrintable(QStringLiteral("%1 x %2 mm").arg(mm.width()).arg(mm.height())));

        const QImage png = rasterizePdf(pdf, 300, &error);
        QVERIFY2(!png.isNull(), qPrintable(error));
        QVERIFY(qAbs(png.width() - mm.width() / 25.4 * 300) <= 1);
        QVERIFY(qAbs(png.height() - mm.height() / 25.4 * 300) <= 1);
        QCOMPARE(QrDecoder::decodeImage(png).toUtf8(), d.qrPayload);
    }

    void imageDecodesToPayload()
    {
        const prov::LabelTemplate t = demoTemplate(300);
        const prov::Result<QImage> image = LabelPainter::toImage(t, demoLabel());
        QVERIFY2(image.has_value(), qPrintable(image ? QString() : image.error().toString()));
        QCOMPARE(image->width(), t.widthDots());
        QCOMPARE(image->height(), t.heightDots());
        QCOMPARE(QrDecoder::decodeImage(*image).toUtf8(), demoLabel().qrPayload);
        const QByteArray png = qgetenv("PROV_LABEL_PNG");
        if (!png.isEmpty())
            QVERIFY(image->save(QString::fromLocal8Bit(png), "PNG"));
    }

    void pdfErrorsAreTyped()
    {
        QTemporaryDir dir;
        const prov::Status unwritable = LabelPainter::writePdf(
            dir.filePath(QStringLiteral("no/such/folder/label.pdf")), demoTemplate(203), demoLabel());
        QVERIFY(!unwritable.has_value());
        QCOMPARE(unwritable.error().code, prov::ErrorCode::StorageFailed);
        prov::LabelTemplate tiny = demoTemplate(203);
        tiny.widthMm = 10;
        tiny.heightMm = 10;
        const prov::Status tooSmall = LabelPainter::writePdf(
            dir.filePath(QStringLiteral("tiny.pdf")), tiny, demoLabel());
        QCOMPARE(tooSmall.error().code, prov::ErrorCode::InvalidArgument);
        const prov::Status noPrinter = LabelPainter::print(
            QStringLiteral("no-such-printer-here"), demoTemplate(203), demoLabel());
        QCOMPARE(noPrinter.error().code, prov::ErrorCode::Unavailable);
    }
};

QTEST_MAIN(TestLabelPdf)
#include "tst_labelpdf.moc"
