// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/label.h"

#include <QImage>
#include <QString>

class QPainter;

/// Draws a device label (issue 10, "Labels"; docs/labels.md) with QPainter, from the layout libprov
/// computes for every output (prov::layoutLabel()), so the PDF, the system printer and the ZPL label
/// show the same thing in the same place. The QR code comes from libqrencode (QrRenderer: level M,
/// byte mode) and is drawn as filled squares of a whole number of dots per module, so it stays sharp
/// at the printer's resolution.
///
/// The label's QR code may carry the device's PoP (that is what the sticker is for): the files and
/// images made here are the only place it goes; nothing here logs the payload. Stateless; GUI thread
/// for print() (Qt Print Support), any thread for the rest.
class LabelPainter
{
public:
    /// Draws the label on `painter`, whose device coordinates are printer dots (a device at
    /// `layout.dpi`, origin at the label's top-left corner): a white ground, the QR code, the texts
    /// (elided to their width). `qrPayload` is the data of the code (LabelData::qrPayload). Errors:
    /// Internal when the code cannot be made (libqrencode refused the payload).
    static prov::Status paint(
        QPainter &painter, const prov::LabelLayout &layout, const QByteArray &qrPayload);

    /// Writes a one-page PDF (QPdfWriter): page size = the label's size in mm, resolution = the
    /// template's dpi, no margins. Errors: those of prov::layoutLabel() (InvalidArgument) and of
    /// paint(); StorageFailed when `path` cannot be written (the detail names it).
    static prov::Status writePdf(
        const QString &path, const prov::LabelTemplate &labelTemplate, const prov::LabelData &data);

    /// Prints one label on the system printer `printerName` (Qt Print Support, CUPS on Linux; "" =
    /// the default printer), page size = the label's size in mm, resolution = the template's dpi, full
    /// page. Errors: Unavailable (no such printer, none at all, or it cannot be opened), those of
    /// layoutLabel() and paint(), StorageFailed (the job was not spooled).
    static prov::Status print(
        const QString &printerName, const prov::LabelTemplate &labelTemplate, const prov::LabelData &data);

    /// The label as an image at the template's dpi (width x height in dots), RGB32, for previews and
    /// the README picture. Errors: those of layoutLabel() and paint().
    static prov::Result<QImage> toImage(
        const prov::LabelTemplate &labelTemplate, const prov::LabelData &data);
};
