// SPDX-License-Identifier: Apache-2.0
#include "labels/labelpainter.h"

#include "qr/qrrenderer.h"

#include <QFileInfo>
#include <QFont>
#include <QFontMetrics>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QPrinter>
#include <QPrinterInfo>

namespace {

QPageSize pageSize(const prov::LabelTemplate &t)
{
    return QPageSize(
        QSizeF(t.widthMm, t.heightMm), QPageSize::Millimeter, QStringLiteral("Label"), QPageSize::ExactMatch);
}

/// Sets up a paged device for one label: exact page size, no margins, the template's resolution.
void preparePage(QPagedPaintDevice &device, const prov::LabelTemplate &t)
{
    device.setPageSize(pageSize(t));
    device.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter);
    device.setPageOrientation(QPageLayout::Portrait);
}

} // namespace

prov::Status LabelPainter::paint(
    QPainter &painter, const prov::LabelLayout &layout, const QByteArray &qrPayload)
{
    painter.save();
    painter.fillRect(QRect(0, 0, layout.widthDots, layout.heightDots), Qt::white);
    if (layout.qr) {
        // One image pixel per module, no quiet zone (the layout's margins give it).
        const QImage code = QrRenderer::render(QString::fromUtf8(qrPayload), 1, 0);
        if (code.isNull()) {
            painter.restore();
            return prov::makeError(prov::ErrorCode::Internal,
                QStringLiteral("the QR code of %1 bytes could not be made").arg(qrPayload.size()));
        }
        const int modules = code.width();
        const int dotsPerModule = std::max(1, layout.qr->sideDots / modules);
        const int offset = (layout.qr->sideDots - modules * dotsPerModule) / 2;
        const int x0 = layout.qr->x + offset;
        const int y0 = layout.qr->y + offset;
        painter.setPen(Qt::NoPen);
        painter.setBrush(Qt::black);
        for (int y = 0; y < modules; ++y) {
            const uchar *row = code.constScanLine(y);
            for (int x = 0; x < modules;) {
                if (row[x] != 0) {
                    ++x;
                    continue;
                }
                int end = x;
                while (end < modules && row[end] == 0)
                    ++end;
                painter.drawRect(QRect(x0 + x * dotsPerModule, y0 + y * dotsPerModule,
                    (end - x) * dotsPerModule, dotsPerModule));
                x = end;
            }
        }
    }
    painter.setPen(Qt::black);
    for (const prov::LabelLayout::Text &text : layout.texts) {
        QFont font(QStringLiteral("DejaVu Sans"));
        font.setStyleHint(QFont::SansSerif);
        font.setPixelSize(std::max(1, text.heightDots));
        font.setBold(text.field == prov::LabelField::ServiceName);
        painter.setFont(font);
        const QFontMetrics metrics(font, painter.device());
        const QRect box(text.x, text.y, text.widthDots, text.heightDots * 5 / 4);
        painter.drawText(box, Qt::AlignLeft | Qt::AlignTop | Qt::TextSingleLine,
            metrics.elidedText(text.text, Qt::ElideRight, text.widthDots));
    }
    painter.restore();
    return {};
}

prov::Status LabelPainter::writePdf(
    const QString &path, const prov::LabelTemplate &labelTemplate, const prov::LabelData &data)
{
    const prov::Result<prov::LabelLayout> layout = prov::layoutLabel(labelTemplate, data);
    if (!layout)
        return layout.error();
    QPdfWriter pdf(path);
    pdf.setResolution(labelTemplate.dpi);
    preparePage(pdf, labelTemplate);
    pdf.setCreator(QStringLiteral("prov-workstation"));
    pdf.setTitle(data.serviceName);
    QPainter painter;
    if (!painter.begin(&pdf))
        return prov::makeError(
            prov::ErrorCode::StorageFailed, QStringLiteral("%1: cannot be written").arg(path));
    const prov::Status drawn = paint(painter, *layout, data.qrPayload);
    if (!painter.end() || !QFileInfo(path).isFile())
        return prov::makeError(
            prov::ErrorCode::StorageFailed, QStringLiteral("%1: cannot be written").arg(path));
    return drawn;
}

prov::Status LabelPainter::print(
    const QString &printerName, const prov::LabelTemplate &labelTemplate, const prov::LabelData &data)
{
    const QPrinterInfo info = printerName.isEmpty() ? QPrinterInfo::defaultPrinter()
                                                    : QPrinterInfo::printerInfo(printerName);
    if (info.isNull())
        return prov::makeError(prov::ErrorCode::Unavailable,
            printerName.isEmpty() ? QStringLiteral("there is no default system printer")
                                  : QStringLiteral("there is no system printer \"%1\"").arg(printerName));
    const prov::Result<prov::LabelLayout> layout = prov::layoutLabel(labelTemplate, data);
    if (!layout)
        return layout.error();
    QPrinter printer(info, QPrinter::HighResolution);
    printer.setResolution(labelTemplate.dpi);
    printer.setFullPage(true);
    preparePage(printer, labelTemplate);
    printer.setDocName(QStringLiteral("Label %1").arg(data.serviceName));
    QPainter painter;
    if (!printer.isValid() || !painter.begin(&printer))
        return prov::makeError(prov::ErrorCode::Unavailable,
            QStringLiteral("the printer \"%1\" cannot be used").arg(info.printerName()));
    const prov::Status drawn = paint(painter, *layout, data.qrPayload);
    if (!painter.end())
        return prov::makeError(prov::ErrorCode::StorageFailed,
            QStringLiteral("the label was not spooled to \"%1\"").arg(info.printerName()));
    return drawn;
}

prov::Result<QImage> LabelPainter::toImage(
    const prov::LabelTemplate &labelTemplate, const prov::LabelData &data)
{
    const prov::Result<prov::LabelLayout> layout = prov::layoutLabel(labelTemplate, data);
    if (!layout)
        return layout.error();
    QImage image(layout->widthDots, layout->heightDots, QImage::Format_RGB32);
    const int dotsPerMetre = int(std::lround(labelTemplate.dpi / 0.0254));
    image.setDotsPerMeterX(dotsPerMetre);
    image.setDotsPerMeterY(dotsPerMetre);
    QPainter painter(&image);
    const prov::Status drawn = paint(painter, *layout, data.qrPayload);
    painter.end();
    if (!drawn)
        return drawn.error();
    return image;
}
