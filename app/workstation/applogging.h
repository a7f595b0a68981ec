// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QLoggingCategory>

/// Logging categories of the workstation app (prov.workstation.*). Never log secrets: PoPs, SRP
/// passwords and Wi-Fi passphrases stay out of every message.
Q_DECLARE_LOGGING_CATEGORY(lcWsDevices) ///< prov.workstation.devices: device list and its sources
Q_DECLARE_LOGGING_CATEGORY(lcWsSession) ///< prov.workstation.session: device sessions
Q_DECLARE_LOGGING_CATEGORY(lcWsSettings) ///< prov.workstation.settings
Q_DECLARE_LOGGING_CATEGORY(lcWsLabels) ///< prov.workstation.labels: labels printed (never their QR data)
