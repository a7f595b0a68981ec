// SPDX-License-Identifier: Apache-2.0
#include "core/logging.h"

Q_LOGGING_CATEGORY(lcProvSecurity, "prov.security", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvCodec, "prov.codec", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvHttp, "prov.transport.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvSession, "prov.session", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvDevice, "prov.device", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvLine, "prov.line", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvLabel, "prov.label", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvWifi, "prov.wifi", QtInfoMsg)
