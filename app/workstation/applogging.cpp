// SPDX-License-Identifier: Apache-2.0
#include "applogging.h"

Q_LOGGING_CATEGORY(lcWsDevices, "prov.workstation.devices")
Q_LOGGING_CATEGORY(lcWsSession, "prov.workstation.session")
Q_LOGGING_CATEGORY(lcWsSettings, "prov.workstation.settings")
Q_LOGGING_CATEGORY(lcWsLabels, "prov.workstation.labels")
