// SPDX-License-Identifier: Apache-2.0
#include "qrlogging.h"

Q_LOGGING_CATEGORY(lcWsQr, "prov.workstation.qr")
