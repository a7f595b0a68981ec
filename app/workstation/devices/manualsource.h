// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/devicesource.h"

#include <QtQml/qqmlregistration.h>

/// Devices typed in by the technician (manual-entry dialog). Credentials stay in memory only.
/// GUI thread.
class ManualSource : public DeviceSource
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("ManualSource is created by the workstation")
    /// Why the last add() was refused ("" after a successful one). Display text.
    Q_PROPERTY(QString lastError READ lastError NOTIFY lastErrorChanged)
public:
    using DeviceSource::DeviceSource;
    DeviceOrigin origin() const override { return DeviceOrigin::Manual; }

    /// Adds (or updates) a SoftAP device. `address`: "host:port" or "host" (port 80); empty: the
    /// SoftAP default 192.168.4.1:80. `serviceName` empty: the address is the name. `secVer`: 0, 1,
    /// 2, or -1 when unknown (proto-ver decides the scheme in every case, §2.3; the value tells
    /// which credentials are required here): 1 needs `pop`, 2 needs `username` and `password`.
    /// Returns false and sets lastError when something is missing or malformed.
    Q_INVOKABLE bool add(const QString &serviceName, const QString &address, int secVer, const QString &pop,
        const QString &username, const QString &password);

    QString lastError() const { return m_lastError; }

Q_SIGNALS:
    void lastErrorChanged();

private:
    bool refuse(const QString &reason);
    QString m_lastError;
};
