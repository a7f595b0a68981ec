// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>
#include <QUuid>

#include <functional>

namespace prov::ble {

/// Finds out why BlueZ refused a GATT access. Qt's BlueZ backend reports only
/// CharacteristicReadError/WriteError and logs the D-Bus error name, yet NotPermitted (needs an
/// encrypted link, §7.5) and a plain ATT refusal (§7.6) need different errors. The probe repeats
/// the access as a side-effect-free ReadValue straight through QtDBus on the same object (a
/// characteristic, or one of its descriptors) and reports the D-Bus error name ("" = it worked).
/// Asynchronous: never blocks the thread. `descriptor` null: probe the characteristic itself.
/// `done` runs exactly once, from `context`'s event loop, unless `context` is destroyed first.
void probeAccess(QObject *context, const QString &deviceAddress, const QUuid &characteristic,
    const QUuid &descriptor, int timeoutMs, std::function<void(const QString &errorName)> done);

} // namespace prov::ble
