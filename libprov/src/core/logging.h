// SPDX-License-Identifier: Apache-2.0
#pragma once

// All libprov logging categories, defined in one place (docs/architecture.md "Naming"). Nothing logged
// through them may contain a PoP, passphrase, SRP password or session key.
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcProvSecurity) // prov.security
Q_DECLARE_LOGGING_CATEGORY(lcProvCodec) // prov.codec
Q_DECLARE_LOGGING_CATEGORY(lcProvHttp) // prov.transport.http
Q_DECLARE_LOGGING_CATEGORY(lcProvSession) // prov.session
Q_DECLARE_LOGGING_CATEGORY(lcProvDevice) // prov.device
Q_DECLARE_LOGGING_CATEGORY(lcProvLine) // prov.line
Q_DECLARE_LOGGING_CATEGORY(lcProvLabel) // prov.label
Q_DECLARE_LOGGING_CATEGORY(lcProvWifi) // prov.wifi (NetworkManager: SoftAP scan and join)
