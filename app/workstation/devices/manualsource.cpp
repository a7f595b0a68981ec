// SPDX-License-Identifier: Apache-2.0
#include "devices/manualsource.h"

#include "applogging.h"

bool ManualSource::refuse(const QString &reason)
{
    m_lastError = reason;
    Q_EMIT lastErrorChanged();
    return false;
}

bool ManualSource::add(const QString &serviceName, const QString &address, int secVer, const QString &pop,
    const QString &username, const QString &password)
{
    DeviceEntry entry;
    entry.origins = int(DeviceOrigin::Manual);
    if (!address.trimmed().isEmpty() && !parseHostPort(address, &entry.host, &entry.port))
        return refuse(tr("The address must be host:port with a port from 1 to 65535, e.g. 192.168.4.1:80."));
    entry.serviceName = serviceName.trimmed();
    if (entry.serviceName.isEmpty())
        entry.serviceName = entry.displayAddress();
    if (entry.serviceName.toUtf8().size() > 32)
        return refuse(tr("The service name is at most 32 bytes (it is the device's SoftAP SSID)."));
    if (secVer < -1 || secVer > 2)
        return refuse(tr("Security must be 0, 1 or 2."));
    if (secVer == 1 && pop.isEmpty())
        return refuse(tr("Security 1 needs the proof of possession (PoP) from the device's sticker."));
    if (secVer == 2 && (username.isEmpty() || password.isEmpty()))
        return refuse(tr("Security 2 needs the username and the password from the device's sticker."));
    if (secVer >= 0)
        entry.secVer = secVer;
    entry.credentials.pop = pop.toUtf8();
    entry.credentials.username = username.toUtf8();
    entry.credentials.password = password.toUtf8();
    if (!m_lastError.isEmpty()) {
        m_lastError.clear();
        Q_EMIT lastErrorChanged();
    }
    qCInfo(lcWsDevices) << "manual device" << entry.serviceName << entry.displayAddress();
    Q_EMIT deviceSeen(entry);
    return true;
}
