// SPDX-License-Identifier: Apache-2.0
#include "prov/label.h"

#include "core/logging.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <memory>

namespace prov {

namespace {

constexpr struct
{
    LabelField field;
    const char *name;
} kFieldNames[] = {
    { LabelField::QrPayload, "qr" },
    { LabelField::ServiceName, "service_name" },
    { LabelField::Address, "address" },
    { LabelField::Firmware, "firmware" },
    { LabelField::Date, "date" },
    { LabelField::Station, "station" },
    { LabelField::FreeText, "free_text" },
};

/// Byte-mode capacity of QR code versions 1..40 at error correction level Q (ISO/IEC 18004 table 7):
/// the level toZpl() asks for (`^FDQA,`), so the layout reserves room for the largest code the
/// payload can need, whatever input mode the printer picks.
constexpr int kByteCapacityQ[40] = { 11, 20, 32, 46, 60, 74, 86, 108, 130, 151, 177, 203, 241, 258, 292, 322,
    364, 394, 442, 482, 509, 565, 611, 661, 715, 751, 805, 868, 908, 982, 1030, 1112, 1168, 1228, 1283, 1351,
    1423, 1499, 1579, 1663 };

constexpr double kMarginMm = 2.0;
constexpr double kMaxTextMm = 4.0; ///< character height of a text line at most (mm)
constexpr double kMinTextMm = 1.5; ///< ... and at least (mm): smaller is unreadable on a 203 dpi head
constexpr double kCharWidthRatio = 0.6; ///< ^A0's average character width per height (Zebra font 0)
constexpr int kMaxMagnification = 10; ///< ^BQ accepts 1..10

Error templateError(const QString &field, const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("\"%1\" %2").arg(field, what));
}

std::optional<int> qrModulesFor(qsizetype bytes)
{
    for (int version = 1; version <= 40; ++version) {
        if (bytes <= kByteCapacityQ[version - 1])
            return 17 + 4 * version;
    }
    return std::nullopt;
}

bool hasControlCharacter(const QString &text)
{
    return std::any_of(
        text.begin(), text.end(), [](QChar c) { return c.category() == QChar::Other_Control; });
}

} // namespace

QString labelFieldName(LabelField field)
{
    for (const auto &n : kFieldNames) {
        if (n.field == field)
            return QLatin1String(n.name);
    }
    return {};
}

std::optional<LabelField> labelFieldFromName(const QString &name)
{
    for (const auto &n : kFieldNames) {
        if (name == QLatin1String(n.name))
            return n.field;
    }
    return std::nullopt;
}

QList<LabelField> LabelTemplate::defaultFields()
{
    QList<LabelField> out;
    for (int f = int(LabelField::QrPayload); f <= int(LabelField::Station); ++f)
        out.append(LabelField(f));
    return out;
}

int LabelTemplate::dotsFromMm(double mm, int dpi)
{
    return int(std::lround(mm / 25.4 * dpi));
}

std::optional<Error> LabelTemplate::validate() const
{
    const QString range = QStringLiteral("must be a number of mm between %1 and %2")
                              .arg(kMinSideMm)
                              .arg(kMaxSideMm);
    if (!(widthMm >= kMinSideMm && widthMm <= kMaxSideMm))
        return templateError(QStringLiteral("width_mm"), range);
    if (!(heightMm >= kMinSideMm && heightMm <= kMaxSideMm))
        return templateError(QStringLiteral("height_mm"), range);
    if (dpi != 203 && dpi != 300 && dpi != 600)
        return templateError(QStringLiteral("dpi"), QStringLiteral("must be 203, 300 or 600"));
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const QString path = QStringLiteral("fields[%1]").arg(i);
        if (labelFieldName(fields.at(i)).isEmpty())
            return templateError(path, QStringLiteral("is not a label field"));
        if (fields.indexOf(fields.at(i)) != i)
            return templateError(path, QStringLiteral("repeats \"%1\"").arg(labelFieldName(fields.at(i))));
    }
    if (freeText.size() > kMaxFreeTextLength || hasControlCharacter(freeText))
        return templateError(QStringLiteral("free_text"),
            QStringLiteral("must be one line of at most %1 characters").arg(kMaxFreeTextLength));
    if (shows(LabelField::FreeText) && freeText.trimmed().isEmpty())
        return templateError(QStringLiteral("free_text"),
            QStringLiteral("must not be empty when \"fields\" lists \"free_text\""));
    return std::nullopt;
}

Result<LabelTemplate> LabelTemplate::fromJson(const QByteArray &json)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return makeError(ErrorCode::MalformedMessage,
            QStringLiteral("label template is not JSON: %1 at offset %2")
                .arg(err.errorString())
                .arg(err.offset));
    if (!doc.isObject())
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("a label template must be a JSON object"));
    const QJsonObject o = doc.object();
    static const QStringList known { QStringLiteral("width_mm"), QStringLiteral("height_mm"),
        QStringLiteral("dpi"), QStringLiteral("fields"), QStringLiteral("free_text") };
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (!known.contains(it.key()))
            return templateError(it.key(), QStringLiteral("is not a known field"));
    }
    LabelTemplate t;
    for (auto [key, out] : { std::pair { "width_mm", &t.widthMm }, std::pair { "height_mm", &t.heightMm } }) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (!v.isDouble())
            return templateError(QLatin1String(key), QStringLiteral("is required (a number of mm)"));
        *out = v.toDouble();
    }
    const QJsonValue dpi = o.value(QLatin1String("dpi"));
    if (!dpi.isDouble() || dpi.toDouble() != std::floor(dpi.toDouble()))
        return templateError(QStringLiteral("dpi"), QStringLiteral("must be 203, 300 or 600"));
    t.dpi = int(dpi.toDouble());
    const QJsonValue fields = o.value(QLatin1String("fields"));
    if (!fields.isArray())
        return templateError(QStringLiteral("fields"), QStringLiteral("is required (a list of field names)"));
    t.fields.clear();
    const QJsonArray names = fields.toArray();
    for (qsizetype i = 0; i < names.size(); ++i) {
        const std::optional<LabelField> f = labelFieldFromName(names.at(i).toString());
        if (!names.at(i).isString() || !f)
            return templateError(QStringLiteral("fields[%1]").arg(i),
                QStringLiteral(
                    "must be one of \"qr\", \"service_name\", \"address\", \"firmware\", \"date\", "
                    "\"station\", \"free_text\""));
        t.fields.append(*f);
    }
    const QJsonValue text = o.value(QLatin1String("free_text"));
    if (!text.isUndefined() && !text.isString())
        return templateError(QStringLiteral("free_text"), QStringLiteral("must be a string"));
    t.freeText = text.toString();
    if (std::optional<Error> e = t.validate())
        return *e;
    return t;
}

QByteArray LabelTemplate::toJson() const
{
    QJsonArray names;
    for (LabelField f : fields)
        names.append(labelFieldName(f));
    const QJsonObject o { { QStringLiteral("width_mm"), widthMm }, { QStringLiteral("height_mm"), heightMm },
        { QStringLiteral("dpi"), dpi }, { QStringLiteral("fields"), names },
        { QStringLiteral("free_text"), freeText } };
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString labelFieldText(LabelField field, const LabelData &data)
{
    switch (field) {
    case LabelField::QrPayload:
        return {};
    case LabelField::ServiceName:
        return data.serviceName;
    case LabelField::Address:
        return data.address;
    case LabelField::Firmware:
        return data.firmware.isEmpty() ? QString() : QStringLiteral("FW ") + data.firmware;
    case LabelField::Date:
        return data.dateUtc.isValid()
            ? data.dateUtc.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"))
            : QString();
    case LabelField::Station:
        return data.station;
    case LabelField::FreeText:
        return data.freeText;
    }
    return {};
}

Result<LabelLayout> layoutLabel(const LabelTemplate &labelTemplate, const LabelData &data)
{
    if (std::optional<Error> e = labelTemplate.validate())
        return *e;
    const int dpi = labelTemplate.dpi;
    LabelLayout layout;
    layout.dpi = dpi;
    layout.widthDots = labelTemplate.widthDots();
    layout.heightDots = labelTemplate.heightDots();
    const int margin = LabelTemplate::dotsFromMm(kMarginMm, dpi);
    const int innerW = layout.widthDots - 2 * margin;
    const int innerH = layout.heightDots - 2 * margin;

    QList<LabelLayout::Text> texts;
    for (LabelField f : labelTemplate.fields) {
        const QString text = labelFieldText(f, data);
        if (f != LabelField::QrPayload && !text.isEmpty())
            texts.append({ f, 0, 0, 0, 0, text });
    }

    int textX = margin;
    if (labelTemplate.shows(LabelField::QrPayload) && !data.qrPayload.isEmpty()) {
        const std::optional<int> modules = qrModulesFor(data.qrPayload.size());
        if (!modules)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("the QR payload (%1 bytes) does not fit in a QR code (1663 bytes at level Q)")
                    .arg(data.qrPayload.size()));
        const int room = std::min(innerH, texts.isEmpty() ? innerW : innerW / 2);
        const int magnification = std::min(kMaxMagnification, room / *modules);
        if (magnification < 1)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("the label (%1 x %2 mm at %3 dpi) is too small for the QR code: it needs %4 "
                               "dots, %5 are free")
                    .arg(labelTemplate.widthMm)
                    .arg(labelTemplate.heightMm)
                    .arg(dpi)
                    .arg(*modules)
                    .arg(room));
        LabelLayout::Qr qr;
        qr.modules = *modules;
        qr.magnification = magnification;
        qr.sideDots = *modules * magnification;
        qr.x = margin;
        qr.y = margin + (innerH - qr.sideDots) / 2;
        layout.qr = qr;
        textX = margin + qr.sideDots + margin;
    }

    if (!texts.isEmpty()) {
        const int textW = std::max(1, layout.widthDots - margin - textX);
        qsizetype longest = 1;
        for (const LabelLayout::Text &t : texts)
            longest = std::max(longest, t.text.size());
        const double lineH = double(innerH) / double(texts.size());
        double height = std::min({ lineH * 0.8, double(LabelTemplate::dotsFromMm(kMaxTextMm, dpi)),
            textW / (kCharWidthRatio * double(longest)) });
        height = std::max(height, double(LabelTemplate::dotsFromMm(kMinTextMm, dpi)));
        const int h = int(height);
        const int step = std::max(h, int(std::lround(height * 1.25)));
        for (qsizetype i = 0; i < texts.size(); ++i) {
            texts[i].x = textX;
            texts[i].y = margin + int(i) * step;
            texts[i].heightDots = h;
            texts[i].widthDots = textW;
        }
        layout.texts = texts;
    }
    return layout;
}

QByteArray zplFieldData(const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size());
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte == '^' || byte == '~' || byte == '_' || byte < 0x20 || byte == 0x7f)
            out += '_' + QByteArray::number(byte, 16).rightJustified(2, '0').toUpper();
        else
            out += c;
    }
    return out;
}

Result<QByteArray> toZpl(const LabelTemplate &labelTemplate, const LabelData &data)
{
    Result<LabelLayout> layout = layoutLabel(labelTemplate, data);
    if (!layout)
        return layout.error();
    QByteArray zpl;
    zpl += "^XA\n^CI28\n";
    zpl += "^PW" + QByteArray::number(layout->widthDots) + "\n";
    zpl += "^LL" + QByteArray::number(layout->heightDots) + "\n";
    zpl += "^LH0,0\n";
    if (layout->qr) {
        const LabelLayout::Qr &qr = *layout->qr;
        zpl += "^FO" + QByteArray::number(qr.x) + ',' + QByteArray::number(qr.y) + "^BQN,2,"
            + QByteArray::number(qr.magnification) + "^FH^FDQA,"
            + zplFieldData(QString::fromUtf8(data.qrPayload)) + "^FS\n";
    }
    for (const LabelLayout::Text &t : layout->texts) {
        const QByteArray h = QByteArray::number(t.heightDots);
        zpl += "^FO" + QByteArray::number(t.x) + ',' + QByteArray::number(t.y) + "^A0N," + h + ',' + h
            + "^FH^FD" + zplFieldData(t.text) + "^FS\n";
    }
    zpl += "^XZ\n";
    return zpl;
}

Pending<void> *sendZpl(
    const ZplPrinterAddress &printer, const QByteArray &zpl, int timeoutMs, QObject *parent)
{
    Promise<void> promise(parent);
    const QString where = QStringLiteral("%1:%2").arg(printer.host).arg(printer.port);
    if (printer.host.isEmpty() || printer.port == 0 || timeoutMs < 1 || zpl.isEmpty()) {
        promise.finishLater(makeError(ErrorCode::InvalidArgument,
            QStringLiteral(
                "a ZPL printer needs a host, a port, a timeout of at least 1 ms and a label (%1, %2 ms, "
                "%3 bytes)")
                .arg(where)
                .arg(timeoutMs)
                .arg(zpl.size())));
        return promise.pending();
    }

    // Owned by the operation: gone with it, once it has ended.
    auto *socket = new QTcpSocket(promise.pending());
    auto *timer = new QTimer(socket);
    auto written = std::make_shared<qint64>(0);
    const qint64 total = zpl.size();
    auto end = [promise, socket, timer, where](std::optional<Error> error) {
        if (promise.isFinished())
            return;
        timer->stop();
        if (error) {
            qCWarning(lcProvLabel) << "label not printed:" << error->toString();
            socket->abort();
            promise.finish(*error);
        } else {
            qCInfo(lcProvLabel) << "label sent to" << where;
            promise.finish({});
        }
    };

    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, socket, [end, where, timeoutMs] {
        end(makeError(ErrorCode::Timeout,
            QStringLiteral("the printer at %1 did not take the label within %2 ms")
                .arg(where)
                .arg(timeoutMs)));
    });
    QObject::connect(socket, &QTcpSocket::connected, socket, [socket, zpl] { socket->write(zpl); });
    QObject::connect(socket, &QTcpSocket::bytesWritten, socket, [socket, written, total](qint64 bytes) {
        *written += bytes;
        if (*written >= total)
            socket->disconnectFromHost();
    });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, [end, written, total, where] {
        if (*written >= total)
            end(std::nullopt);
        else
            end(makeError(ErrorCode::Disconnected,
                QStringLiteral("the printer at %1 closed the connection after %2 of %3 bytes")
                    .arg(where)
                    .arg(*written)
                    .arg(total)));
    });
    QObject::connect(socket, &QTcpSocket::errorOccurred, socket,
        [end, socket, written, total, where](QAbstractSocket::SocketError error) {
            if (error == QAbstractSocket::RemoteHostClosedError && *written >= total)
                return end(std::nullopt);
            ErrorCode code = ErrorCode::ConnectFailed;
            if (error == QAbstractSocket::HostNotFoundError || error == QAbstractSocket::NetworkError)
                code = ErrorCode::Unavailable;
            else if (error == QAbstractSocket::RemoteHostClosedError)
                code = ErrorCode::Disconnected;
            end(makeError(code, QStringLiteral("printer %1: %2").arg(where, socket->errorString())));
        });
    timer->start(timeoutMs);
    socket->connectToHost(printer.host, printer.port);
    return promise.pending();
}

Status writeZplFile(const QString &path, const QByteArray &zpl)
{
    if (path.isEmpty() || zpl.isEmpty())
        return makeError(ErrorCode::InvalidArgument, QStringLiteral("a ZPL file needs a path and a label"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return makeError(ErrorCode::StorageFailed, QStringLiteral("%1: %2").arg(path, file.errorString()));
    if (file.write(zpl) != zpl.size() || !file.flush())
        return makeError(ErrorCode::StorageFailed, QStringLiteral("%1: %2").arg(path, file.errorString()));
    qCInfo(lcProvLabel) << "label written to" << path;
    return {};
}

} // namespace prov
