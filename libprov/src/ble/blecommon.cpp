// SPDX-License-Identifier: Apache-2.0
#include "ble/blecommon.h"

Q_LOGGING_CATEGORY(lcProvBle, "prov.transport.ble", QtInfoMsg)
Q_LOGGING_CATEGORY(lcProvBleScan, "prov.ble.scanner", QtInfoMsg)

namespace prov::ble {

QMutex &qtBluetoothInitMutex()
{
    static QMutex mutex;
    return mutex;
}

Error accessError(const QString &name, const QString &what)
{
    const QString tail = name.section(QLatin1Char('.'), -1);
    if (tail == QLatin1String("NotPermitted") || tail == QLatin1String("NotAuthorized")
        || tail == QLatin1String("AuthenticationFailed") || tail == QLatin1String("NotPaired"))
        return makeError(ErrorCode::PairingRequired,
            QStringLiteral("BlueZ refused access to %1 (%2): the device requires an encrypted, "
                           "paired link (§7.5)")
                .arg(what, name));
    if (tail == QLatin1String("InvalidValueLength") || tail == QLatin1String("InvalidOffset"))
        return makeError(ErrorCode::PayloadTooLarge,
            QStringLiteral("the device rejected the value for %1 as too long (%2, §7.4)").arg(what, name));
    if (tail == QLatin1String("NotConnected") || tail == QLatin1String("UnknownObject"))
        return makeError(ErrorCode::Disconnected,
            QStringLiteral("the link to the device dropped during the access to %1 (%2)").arg(what, name));
    return makeError(ErrorCode::DeviceRefused,
        name.isEmpty() ? QStringLiteral("the device rejected the access to %1 (an ATT error, §7.6)").arg(what)
                       : QStringLiteral("the device rejected the access to %1 (%2, §7.6)").arg(what, name));
}

bool isPlaceholderName(const QString &name, const QString &address)
{
    if (name.isEmpty())
        return true;
    QString dashed = address;
    dashed.replace(QLatin1Char(':'), QLatin1Char('-'));
    return name.compare(dashed, Qt::CaseInsensitive) == 0 || name.compare(address, Qt::CaseInsensitive) == 0;
}

} // namespace prov::ble
