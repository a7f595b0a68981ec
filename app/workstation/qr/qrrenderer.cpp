// SPDX-License-Identifier: Apache-2.0
#include "qrrenderer.h"

#include "qrlogging.h"

#include <qrencode.h>

#include <cerrno>
#include <cstring>
#include <memory>

QImage QrRenderer::render(const QString &text, int pixelsPerModule, int quietZoneModules)
{
    if (text.isEmpty() || pixelsPerModule < 1 || pixelsPerModule > kMaxPixelsPerModule || quietZoneModules < 0
        || quietZoneModules > kMaxQuietZoneModules)
        return {};
    const QByteArray utf8 = text.toUtf8();
    // QRcode_encodeData puts the whole input in one 8-bit segment (no mode switching), as the
    // ESP-IDF phone apps expect, and takes a length, so any byte is allowed.
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeData(
            int(utf8.size()), reinterpret_cast<const unsigned char *>(utf8.constData()), 0, QR_ECLEVEL_M),
        &QRcode_free);
    if (!code) {
        qCDebug(lcWsQr) << "QR encoding failed for" << utf8.size() << "bytes:" << std::strerror(errno);
        return {};
    }

    const int modules = code->width;
    const int side = (modules + 2 * quietZoneModules) * pixelsPerModule;
    QImage image(side, side, QImage::Format_Grayscale8);
    if (image.isNull())
        return {};
    image.fill(255);
    const int origin = quietZoneModules * pixelsPerModule;
    for (int my = 0; my < modules; ++my) {
        const unsigned char *row = code->data + qsizetype(my) * modules;
        for (int py = 0; py < pixelsPerModule; ++py) {
            uchar *line = image.scanLine(origin + my * pixelsPerModule + py) + origin;
            for (int mx = 0; mx < modules; ++mx) {
                if (row[mx] & 1) // bit 0 marks a dark module
                    std::memset(line + mx * pixelsPerModule, 0, size_t(pixelsPerModule));
            }
        }
    }
    return image;
}
