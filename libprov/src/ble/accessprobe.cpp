// SPDX-License-Identifier: Apache-2.0
#include "ble/accessprobe.h"

#include "ble/blecommon.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QPointer>

namespace prov::ble {

namespace {
const QString kBluez = QStringLiteral("org.bluez");
const QString kDevice = QStringLiteral("org.bluez.Device1");
const QString kCharacteristic = QStringLiteral("org.bluez.GattCharacteristic1");
const QString kDescriptor = QStringLiteral("org.bluez.GattDescriptor1");

/// One object of GetManagedObjects: path and the properties of the interfaces we care about.
struct ManagedObject
{
    QString path;
    QString interface;
    QVariantMap properties;
};

/// Walks `a{oa{sa{sv}}}` by hand: Qt Bluetooth's typedefs for it are private.
QList<ManagedObject> parseManagedObjects(const QDBusArgument &arg)
{
    QList<ManagedObject> out;
    arg.beginMap();
    while (!arg.atEnd()) {
        arg.beginMapEntry();
        QDBusObjectPath path;
        arg >> path;
        arg.beginMap();
        while (!arg.atEnd()) {
            arg.beginMapEntry();
            QString interface;
            QVariantMap properties;
            arg >> interface >> properties;
            arg.endMapEntry();
            if (interface == kDevice || interface == kCharacteristic || interface == kDescriptor)
                out.append({ path.path(), interface, properties });
        }
        arg.endMap();
        arg.endMapEntry();
    }
    arg.endMap();
    return out;
}

QString findObject(const QList<ManagedObject> &objects, const QString &address, const QUuid &characteristic,
    const QUuid &descriptor)
{
    QString devicePath;
    for (const ManagedObject &o : objects) {
        if (o.interface == kDevice
            && o.properties.value(QStringLiteral("Address")).toString().compare(address, Qt::CaseInsensitive)
                == 0)
            devicePath = o.path;
    }
    if (devicePath.isEmpty())
        return {};
    QString charPath;
    for (const ManagedObject &o : objects) {
        if (o.interface == kCharacteristic && o.path.startsWith(devicePath + QLatin1Char('/'))
            && QUuid(o.properties.value(QStringLiteral("UUID")).toString()) == characteristic) {
            charPath = o.path;
            break;
        }
    }
    if (charPath.isEmpty() || descriptor.isNull())
        return charPath;
    for (const ManagedObject &o : objects) {
        if (o.interface == kDescriptor && o.path.startsWith(charPath + QLatin1Char('/'))
            && QUuid(o.properties.value(QStringLiteral("UUID")).toString()) == descriptor)
            return o.path;
    }
    return {};
}
} // namespace

void probeAccess(QObject *context, const QString &deviceAddress, const QUuid &characteristic,
    const QUuid &descriptor, int timeoutMs, std::function<void(const QString &errorName)> done)
{
    QDBusConnection bus = QDBusConnection::systemBus();
    const QDBusMessage list = QDBusMessage::createMethodCall(kBluez, QStringLiteral("/"),
        QStringLiteral("org.freedesktop.DBus.ObjectManager"), QStringLiteral("GetManagedObjects"));
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(list, timeoutMs), context);
    QObject::connect(watcher, &QDBusPendingCallWatcher::finished, context,
        [context, deviceAddress, characteristic, descriptor, timeoutMs, done](QDBusPendingCallWatcher *w) {
            w->deleteLater();
            const QDBusMessage reply = w->reply();
            if (reply.type() == QDBusMessage::ErrorMessage)
                return done(reply.errorName());
            const QList<ManagedObject> objects = parseManagedObjects(
                reply.arguments().value(0).value<QDBusArgument>());
            const QString path = findObject(objects, deviceAddress, characteristic, descriptor);
            if (path.isEmpty())
                return done(QStringLiteral("org.freedesktop.DBus.Error.UnknownObject"));
            QDBusMessage read = QDBusMessage::createMethodCall(kBluez, path,
                descriptor.isNull() ? kCharacteristic : kDescriptor, QStringLiteral("ReadValue"));
            read << QVariantMap();
            auto *readWatcher = new QDBusPendingCallWatcher(
                QDBusConnection::systemBus().asyncCall(read, timeoutMs), context);
            QObject::connect(readWatcher, &QDBusPendingCallWatcher::finished, context,
                [done, path](QDBusPendingCallWatcher *rw) {
                    rw->deleteLater();
                    const QDBusMessage r = rw->reply();
                    qCDebug(lcProvBle)
                        << "access probe of" << path << "->"
                        << (r.type() == QDBusMessage::ErrorMessage ? r.errorName() : QStringLiteral("ok"));
                    done(r.type() == QDBusMessage::ErrorMessage ? r.errorName() : QString());
                });
        });
}

} // namespace prov::ble
