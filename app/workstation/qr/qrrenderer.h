// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QImage>
#include <QString>

/// Draws a QR code with libqrencode: error-correction level M, the whole text in 8-bit (byte)
/// mode as UTF-8, the smallest version that fits. Used to make the sample stickers, by tests and
/// by the device page to show a device's code for training.
///
/// Stateless and thread-safe. The image may encode secrets (PoP): never save it anywhere the user
/// did not ask for.
class QrRenderer
{
public:
    /// Largest accepted `pixelsPerModule` and `quietZoneModules`.
    static constexpr int kMaxPixelsPerModule = 64;
    static constexpr int kMaxQuietZoneModules = 64;

    /// Returns a square QImage::Format_Grayscale8 image, black (0) modules on white (255), with a
    /// white quiet zone of `quietZoneModules` modules on each side (4 is what ISO/IEC 18004 asks
    /// for). Its side is (modules + 2 * quietZoneModules) * pixelsPerModule px. A null image when
    /// `text` is empty, does not fit in a version 40 code (2331 bytes at level M), or a size
    /// argument is outside 1..kMaxPixelsPerModule / 0..kMaxQuietZoneModules.
    static QImage render(const QString &text, int pixelsPerModule = 8, int quietZoneModules = 4);
};
