// SPDX-License-Identifier: Apache-2.0
#pragma once

// The QR payloads prov-sim prints for a fleet file (its "qr" field, docs/protocol.md §11), read by
// running prov-sim as a separate process. Used by qr-samples (writes the sample stickers) and
// tst_qrimage (checks them).

#include <QList>
#include <QString>

namespace qrtest {

struct SimPayload
{
    QString serviceName;
    QString transport; ///< "softap" or "ble"
    QString payload; ///< holds the demo PoP: never print it
};

/// Runs `provSimPath --fleet fleetFile` until it reports ready, then stops it. BLE devices need a
/// private D-Bus: when `dbus-daemon` is on PATH one is started for the run (never the system
/// bus), otherwise prov-sim skips them. Returns the devices in fleet order; on failure an empty
/// list and `error` set.
QList<SimPayload> provSimPayloads(const QString &provSimPath, const QString &fleetFile, QString *error);

} // namespace qrtest
