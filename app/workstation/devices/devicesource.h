// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/deviceentry.h"

#include <QObject>

/// Something that finds devices: manual entry, QR codes, a manifest, later a BLE scanner. Sources
/// only report; DeviceListModel owns the rows (merging reports of the same service name). This is
/// the seam a BLE scanner plugs into (docs/architecture.md: split discovering from holding a connection).
/// Lives on the GUI thread.
class DeviceSource : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    /// The DeviceOrigin bit this source sets on its entries.
    virtual DeviceOrigin origin() const = 0;

Q_SIGNALS:
    /// A device was found, or found again with new facts (address, RSSI, credentials).
    void deviceSeen(const DeviceEntry &entry);
    /// A device this source reported is gone (a scanner lost its advertisement). `key` = service name.
    void deviceLost(const QString &key);
};
