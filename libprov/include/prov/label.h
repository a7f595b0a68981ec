// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"
#include "prov/pending.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

/// Device labels printed at the station (issue 10, "Labels"; docs/labels.md): the template, the
/// layout every output draws (ZPL here, PDF and system printers in the workstation's LabelPainter),
/// the ZPL II text for Zebra printers and its two ways out (raw TCP, a file).
///
/// A label's QR code holds the device's §11 payload, which may carry the PoP: that is what the
/// sticker is for. Nothing here logs a payload, and no error detail ever carries one.
namespace prov {

/// One thing a label can show. The numbers are persisted (settings); they never change.
enum class LabelField : int {
    QrPayload = 0, ///< the §11 QR payload as a QR code
    ServiceName = 1, ///< the advertised name, e.g. "PROV_1A2B3C"
    Address = 2, ///< the MAC / BLE address, or "host:port" of a SoftAP device
    Firmware = 3, ///< proto-ver's application version (§5)
    Date = 4, ///< the provisioning date, UTC
    Station = 5, ///< the workstation that provisioned the device
    FreeText = 6, ///< the template's own text line
};

/// The stable JSON name of a field: "qr", "service_name", "address", "firmware", "date", "station",
/// "free_text".
QString labelFieldName(LabelField field);
/// The field for a name of labelFieldName(); nullopt for any other text.
std::optional<LabelField> labelFieldFromName(const QString &name);

/// What a label looks like: its size, the printer's resolution and the fields it shows. Holds no
/// secret. Read from and written to JSON (docs/labels.md):
/// `{"width_mm": 50, "height_mm": 30, "dpi": 203, "fields": ["qr", "service_name"], "free_text": ""}`.
struct LabelTemplate
{
    static constexpr double kMinSideMm = 10; ///< smallest label side (mm)
    static constexpr double kMaxSideMm = 300; ///< largest label side (mm)
    static constexpr int kMaxFreeTextLength = 64; ///< characters

    double widthMm = 50; ///< label width in mm (kMinSideMm..kMaxSideMm)
    double heightMm = 30; ///< label height in mm (kMinSideMm..kMaxSideMm)
    int dpi = 203; ///< printer resolution in dots per inch: 203, 300 or 600 (Zebra's print heads)
    /// What the label shows, without repeats; texts are printed in this order, top to bottom.
    QList<LabelField> fields = defaultFields();
    QString freeText; ///< the free text line (when `fields` has FreeText); one line, no control character

    bool operator==(const LabelTemplate &) const = default;

    /// QR code, service name, address, firmware, date, station (no free text).
    static QList<LabelField> defaultFields();
    /// `mm` as printer dots at `dpi`: mm / 25.4 * dpi, rounded to the nearest dot.
    static int dotsFromMm(double mm, int dpi);
    /// Label width and height in dots at `dpi` (dotsFromMm()).
    int widthDots() const { return dotsFromMm(widthMm, dpi); }
    int heightDots() const { return dotsFromMm(heightMm, dpi); }
    bool shows(LabelField field) const { return fields.contains(field); }

    /// The template's problem, naming the field by its JSON name (`"dpi" must be 203, 300 or 600`);
    /// nullopt when it is valid. Code InvalidArgument.
    std::optional<Error> validate() const;
    /// Parses and validates a template. Errors: MalformedMessage (not JSON), InvalidArgument (not an
    /// object, an unknown key, a field missing, of the wrong type or out of range; the detail names it).
    static Result<LabelTemplate> fromJson(const QByteArray &json);
    /// Compact JSON with every key; fromJson(toJson()) gives *this back.
    QByteArray toJson() const;
};

/// What one device's label says. `qrPayload` is the device's §11 payload (prov::toJson(QrPayload))
/// and may hold its PoP: never log a LabelData.
struct LabelData
{
    QByteArray qrPayload; ///< §11 JSON, UTF-8; empty: no QR code even when the template asks for one
    QString serviceName;
    QString address; ///< MAC / BLE address or "host:port"
    QString firmware; ///< application version, "" when unknown
    QDateTime dateUtc; ///< when the device was provisioned (shown in UTC); invalid: not shown
    QString station;
    QString freeText; ///< the template's free text (copied from LabelTemplate::freeText)
};

/// Where each element of a label goes, in printer dots from the top-left corner (x right, y down).
/// Computed once by layoutLabel() and drawn by every output, so the PDF and the ZPL label match.
struct LabelLayout
{
    int widthDots = 0;
    int heightDots = 0;
    int dpi = 0;
    /// The QR code's square, without quiet zone (ZPL's ^BQ prints none): the 2 mm margin and the gap to
    /// the texts keep the code clear of the edge and of the text.
    struct Qr
    {
        int x = 0;
        int y = 0;
        int sideDots = 0; ///< the square's side: modules * magnification
        int modules = 0; ///< modules per side of the largest code the payload can need (level Q, byte mode)
        int magnification = 1; ///< dots per module (ZPL ^BQ magnification, 1..10)
    };
    std::optional<Qr> qr;
    struct Text
    {
        LabelField field = LabelField::ServiceName;
        int x = 0; ///< left edge (dots)
        int y = 0; ///< top edge (dots)
        int heightDots = 0; ///< character cell height (dots)
        int widthDots = 0; ///< room to the right edge (dots)
        QString text;
    };
    QList<Text> texts; ///< top to bottom
};

/// The text a field shows for `data` ("FW 1.2.0", "2026-12-06 12:45 UTC"); "" when the data has none.
QString labelFieldText(LabelField field, const LabelData &data);

/// Lays a label out: a 2 mm margin, the QR code on the left (as high as the label allows, at most half
/// its width), the texts in a column to its right, one line each, their height chosen so that the
/// longest fits (at least 1.5 mm). Fields without data are left out. Errors: InvalidArgument (the
/// template is invalid; the payload is longer than a version 40 QR code holds at level Q, 1663
/// bytes; the label is too small for the code at one dot per module).
Result<LabelLayout> layoutLabel(const LabelTemplate &labelTemplate, const LabelData &data);

/// The label as ZPL II (Zebra's "ZPL II Programming Guide" command names): `^XA`, `^CI28` (UTF-8),
/// `^PW` / `^LL` (width and length in dots), `^LH0,0`, then for the QR code `^FO` + `^BQN,2,<m>` (model
/// 2, magnification m) + `^FH^FDQA,<payload>^FS` (level Q, automatic input), for each text `^FO` +
/// `^A0N,<h>,<h>` + `^FH^FD<text>^FS`, and `^XZ`. Every field's data goes through ^FH (hex indicator
/// `_`): `^`, `~`, `_` and control characters are written as `_5E`, `_7E`, `_5F`, `_XX`, so no
/// payload can end the field or start a command. Errors: those of layoutLabel().
Result<QByteArray> toZpl(const LabelTemplate &labelTemplate, const LabelData &data);

/// `text` as ^FH field data (see toZpl()): UTF-8, with `^`, `~`, `_` and bytes below 0x20 as `_XX`.
QByteArray zplFieldData(const QString &text);

/// Where raw ZPL goes: a printer's raw TCP port (Zebra's "raw" / JetDirect port 9100).
struct ZplPrinterAddress
{
    static constexpr quint16 kDefaultPort = 9100;
    QString host;
    quint16 port = kDefaultPort;
};

/// Sends `zpl` to a raw TCP printer: connect, write every byte, close. The operation (owned by
/// `parent`) ends once, from the event loop: success when every byte was handed to the connection
/// and it closed; ConnectFailed (refused), Unavailable (host not found, no route), Disconnected (the
/// printer closed the connection before all was written), Timeout (not done within `timeoutMs` ms,
/// e.g. a printer that never answers; the connection is aborted), InvalidArgument (empty host, port 0,
/// timeoutMs < 1, empty zpl). Details name the host and port, never the label's content.
///
/// In libprov rather than the workstation: it needs only Qt Network, ends like every other libprov
/// operation (a Pending with a typed error), and headless users (provctl, a line's own tools) can print
/// with it too.
Pending<void> *sendZpl(
    const ZplPrinterAddress &printer, const QByteArray &zpl, int timeoutMs, QObject *parent);

/// Writes `zpl` to `path` (a file, replaced, or a device such as /dev/usb/lp0). Errors: InvalidArgument
/// (empty path or zpl), StorageFailed (cannot be opened or written; the detail names the path).
Status writeZplFile(const QString &path, const QByteArray &zpl);

} // namespace prov
