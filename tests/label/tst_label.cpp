// SPDX-License-Identifier: Apache-2.0
// prov::LabelTemplate (JSON, validation naming the field), the layout and the ZPL II text read back
// command by command: ^XA/^XZ, ^PW/^LL at 203/300/600 dpi, ^BQ with its ^FDQA data equal to the
// payload, the texts, and ^FH escaping of ^ ~ _.
#include "prov/label.h"
#include "prov/qrpayload.h"

#include "labeltestsupport.h"
#include "zplfields.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace prov;

namespace {

LabelData demoData(const QString &pop = QStringLiteral("abcd1234"))
{
    return labelTestData(QStringLiteral("PROV_1A2B3C"), QStringLiteral("ble"), pop);
}

QByteArray zplOf(const LabelTemplate &t, const LabelData &d)
{
    const Result<QByteArray> zpl = toZpl(t, d);
    if (!zpl)
        qWarning() << zpl.error().toString();
    return zpl ? *zpl : QByteArray();
}

} // namespace

class TestLabel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void templateRoundTrip()
    {
        LabelTemplate t;
        t.widthMm = 62.5;
        t.heightMm = 29;
        t.dpi = 300;
        t.fields = { LabelField::FreeText, LabelField::QrPayload, LabelField::Station };
        t.freeText = QStringLiteral("Made in Ulm");
        const Result<LabelTemplate> back = LabelTemplate::fromJson(t.toJson());
        QVERIFY2(back.has_value(), qPrintable(back ? QString() : back.error().toString()));
        QVERIFY(*back == t);
        for (int f = 0; f <= int(LabelField::FreeText); ++f)
            QCOMPARE(labelFieldFromName(labelFieldName(LabelField(f))), LabelField(f));
        QVERIFY(!labelFieldFromName(QStringLiteral("pop")));
    }

    void badTemplate_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QString>("field");
        QTest::newRow("dpi 204") << "dpi" << QByteArray("204") << "dpi";
        QTest::newRow("dpi text") << "dpi" << QByteArray("\"300\"") << "dpi";
        QTest::newRow("dpi missing") << "dpi" << QByteArray() << "dpi";
        QTest::newRow("width small") << "width_mm" << QByteArray("9.5") << "width_mm";
        QTest::newRow("width missing") << "width_mm" << QByteArray() << "width_mm";
        QTest::newRow("height huge") << "height_mm" << QByteArray("301") << "height_mm";
        QTest::newRow("field unknown") << "fields" << QByteArray("[\"qr\", \"pop\"]") << "fields[1]";
        QTest::newRow("field repeated") << "fields" << QByteArray("[\"qr\", \"qr\"]") << "fields[1]";
        QTest::newRow("fields missing") << "fields" << QByteArray() << "fields";
        QTest::newRow("free text missing") << "fields" << QByteArray("[\"free_text\"]") << "free_text";
        QTest::newRow("free text two lines") << "free_text" << QByteArray("\"a\\nb\"") << "free_text";
        QTest::newRow("unknown key") << "colour" << QByteArray("1") << "colour";
    }
    void badTemplate()
    {
        QFETCH(QString, key);
        QFETCH(QByteArray, value);
        QFETCH(QString, field);
        QJsonObject o = QJsonDocument::fromJson(LabelTemplate().toJson()).object();
        if (value.isEmpty())
            o.remove(key);
        else
            o.insert(key, QJsonDocument::fromJson("[" + value + "]").array().at(0));
        const Result<LabelTemplate> r = LabelTemplate::fromJson(QJsonDocument(o).toJson());
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(r.error().detail.startsWith(QLatin1Char('"') + field + QLatin1Char('"')),
            qPrintable(r.error().detail));
    }

    void notJson()
    {
        const Result<LabelTemplate> r = LabelTemplate::fromJson("{width_mm");
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().code, ErrorCode::MalformedMessage);
    }

    void sizeInDots_data()
    {
        QTest::addColumn<int>("dpi");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("length");
        // 50 x 30 mm: mm / 25.4 * dpi, rounded.
        QTest::newRow("203") << 203 << 400 << 240;
        QTest::newRow("300") << 300 << 591 << 354;
        QTest::newRow("600") << 600 << 1181 << 709;
    }
    void sizeInDots()
    {
        QFETCH(int, dpi);
        QFETCH(int, width);
        QFETCH(int, length);
        LabelTemplate t;
        t.widthMm = 50;
        t.heightMm = 30;
        t.dpi = dpi;
        const QList<ZplCommand> c = zplCommands(zplOf(t, demoData()));
        QVERIFY(!c.isEmpty());
        QCOMPARE(c.first().name, QByteArray("XA"));
        QCOMPARE(c.last().name, QByteArray("XZ"));
        QCOMPARE(zplFind(c, "CI").args, QByteArray("28"));
        QCOMPARE(zplFind(c, "PW").args.toInt(), width);
        QCOMPARE(zplFind(c, "LL").args.toInt(), length);
    }

    /// ^BQN,2,m then ^FH^FDQA,<payload>^FS; the code fits the label; the texts follow.
    void qrAndTexts()
    {
        LabelTemplate t;
        t.fields.append(LabelField::FreeText);
        t.freeText = QStringLiteral("Größe M");
        const LabelData d = [&] {
            LabelData d = demoData();
            d.freeText = t.freeText;
            return d;
        }();
        const QByteArray zpl = zplOf(t, d);
        const QList<ZplCommand> c = zplCommands(zpl);
        const qsizetype bq = c.indexOf(zplFind(c, "BQ"));
        QVERIFY(bq > 0);
        QCOMPARE(c.at(bq - 1).name, QByteArray("FO"));
        const QList<QByteArray> bqArgs = c.at(bq).args.split(',');
        QCOMPARE(bqArgs.size(), 3);
        QCOMPARE(bqArgs.at(0), QByteArray("N"));
        QCOMPARE(bqArgs.at(1), QByteArray("2"));
        const int magnification = bqArgs.at(2).toInt();
        QVERIFY(magnification >= 1 && magnification <= 10);
        QCOMPARE(c.at(bq + 1).name, QByteArray("FH"));
        QCOMPARE(c.at(bq + 2).name, QByteArray("FD"));
        QVERIFY(c.at(bq + 2).args.startsWith("QA,"));
        QCOMPARE(zplUnescape(c.at(bq + 2).args.mid(3)), d.qrPayload);
        QCOMPARE(c.at(bq + 3).name, QByteArray("FS"));

        const Result<LabelLayout> layout = layoutLabel(t, d);
        QVERIFY(layout.has_value());
        QVERIFY(layout->qr.has_value());
        QCOMPARE(layout->qr->magnification, magnification);
        QVERIFY(layout->qr->x + layout->qr->sideDots <= layout->widthDots);
        QVERIFY(layout->qr->y + layout->qr->sideDots <= layout->heightDots);
        const QList<QByteArray> fields = zplFieldValues(c);
        for (const QString &text : { d.serviceName, d.address, QStringLiteral("FW 1.4.2"),
                 QStringLiteral("2026-12-06 12:45 UTC"), d.station, d.freeText })
            QVERIFY2(fields.contains(text.toUtf8()), qPrintable(text));
        QCOMPARE(layout->texts.size(), 6);
        for (const LabelLayout::Text &text : layout->texts) {
            QVERIFY(text.x >= layout->qr->x + layout->qr->sideDots);
            QVERIFY(text.y + text.heightDots <= layout->heightDots);
        }
        QCOMPARE(zplFind(c, "A0").args.split(',').first(), QByteArray("N"));
    }

    /// ^ and ~ would start a ZPL command, _ is ^FH's own indicator: all go as _XX and come back.
    void escapesSpecialCharacters()
    {
        const LabelData d = demoData(QStringLiteral("p^o~p_1\x01"));
        QVERIFY(d.qrPayload.contains('^') && d.qrPayload.contains('~'));
        LabelData named = d;
        named.station = QStringLiteral("st^ation~_");
        const QByteArray zpl = zplOf(LabelTemplate(), named);
        QVERIFY(!zpl.contains('~'));
        QVERIFY(!zpl.contains("p^o"));
        QVERIFY(zpl.contains("p_5Eo_7Ep_5F1")); // the JSON writes the control character as \u0001
        const QList<ZplCommand> c = zplCommands(zpl);
        QCOMPARE(zplUnescape(zplFind(c, "FD").args.mid(3)), d.qrPayload);
        QVERIFY(zplFieldValues(c).contains(QByteArray("st^ation~_")));
        QCOMPARE(zplFieldData(QStringLiteral("a^b~c_d")), QByteArray("a_5Eb_7Ec_5Fd"));
        QCOMPARE(zplFieldData(QStringLiteral("x\ny\x01")), QByteArray("x_0Ay_01"));
    }

    void fieldsLeftOut()
    {
        LabelTemplate t;
        t.fields = { LabelField::ServiceName };
        const QList<ZplCommand> c = zplCommands(zplOf(t, demoData()));
        QVERIFY(zplFind(c, "BQ").name.isEmpty());
        QCOMPARE(zplFieldValues(c), QList<QByteArray> { "PROV_1A2B3C" });

        LabelData noQr = demoData();
        noQr.qrPayload.clear();
        noQr.firmware.clear();
        const Result<LabelLayout> layout = layoutLabel(LabelTemplate(), noQr);
        QVERIFY(layout.has_value());
        QVERIFY(!layout->qr);
        for (const LabelLayout::Text &text : layout->texts)
            QVERIFY(text.field != LabelField::Firmware);
    }

    void refusesWhatCannotBePrinted()
    {
        LabelTemplate tiny;
        tiny.widthMm = 10;
        tiny.heightMm = 10;
        LabelData big = demoData();
        big.qrPayload = QByteArray(1200, 'x');
        const Result<QByteArray> small = toZpl(tiny, big);
        QVERIFY(!small.has_value());
        QCOMPARE(small.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!small.error().detail.contains(QLatin1String("xxxx")));

        big.qrPayload = QByteArray(1664, 'x');
        const Result<QByteArray> tooLong = toZpl(LabelTemplate(), big);
        QVERIFY(!tooLong.has_value());
        QCOMPARE(tooLong.error().code, ErrorCode::InvalidArgument);

        LabelTemplate bad;
        bad.dpi = 250;
        QCOMPARE(toZpl(bad, demoData()).error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestLabel)
#include "tst_label.moc"
