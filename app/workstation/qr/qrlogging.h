// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QLoggingCategory>

/// prov.workstation.qr: camera, frame decoding, QR image files and the clipboard. Payloads hold
/// secrets (PoP, SRP password, SoftAP passphrase): log their length or
/// prov::QrPayload::describeMasked(), never the text.
Q_DECLARE_LOGGING_CATEGORY(lcWsQr)
