// SPDX-License-Identifier: Apache-2.0
#include "objecttree.h"

#include <QDBusArgument>
#include <QDBusMessage>
#include <QDBusMetaType>

#include <algorithm>

void bluez::registerDBusTypes()
{
    qDBusRegisterMetaType<InterfaceMap>();
    qDBusRegisterMetaType<ManagedObjects>();
    qDBusRegisterMetaType<ManufacturerData>();
}

std::optional<QVariantMap> bluez::dictArgument(const QDBusMessage &call, int index)
{
    const QVariantList arguments = call.arguments();
    if (index >= arguments.size())
        return QVariantMap {};
    const QVariant &arg = arguments.at(index);
    if (arg.metaType() == QMetaType::fromType<QVariantMap>())
        return arg.toMap(); // a message built in this process, not demarshalled
    if (arg.metaType() != QMetaType::fromType<QDBusArgument>())
        return std::nullopt; // a basic type (s, i, ...), never a dictionary
    const QDBusArgument dbusArg = arg.value<QDBusArgument>();
    if (dbusArg.currentSignature() != QLatin1String("a{sv}"))
        return std::nullopt;
    return qdbus_cast<QVariantMap>(dbusArg);
}

ObjectTree::ObjectTree(const QDBusConnection &connection, const QString &objectManagerPath)
    : m_connection(connection)
    , m_objectManagerPath(objectManagerPath)
{ }

bool ObjectTree::hasInterface(const QString &path, const QString &interface) const
{
    const auto it = m_objects.constFind(path);
    return it != m_objects.constEnd() && it->contains(interface);
}

void ObjectTree::add(const QString &path, const bluez::InterfaceMap &interfaces)
{
    m_objects.insert(path, interfaces);
    QDBusMessage signal = QDBusMessage::createSignal(
        m_objectManagerPath, bluez::kObjectManager, QStringLiteral("InterfacesAdded"));
    signal << QVariant::fromValue(QDBusObjectPath(path)) << QVariant::fromValue(interfaces);
    m_connection.send(signal);
}

QStringList ObjectTree::childrenOf(const QString &path) const
{
    QStringList children;
    const QString prefix = path + QLatin1Char('/');
    for (auto it = m_objects.lowerBound(prefix); it != m_objects.constEnd() && it.key().startsWith(prefix);
         ++it)
        children << it.key();
    return children;
}

QString ObjectTree::introspectionXml(
    const QString &path, const QString &interfacesXml, const QStringList &extraPaths) const
{
    const bool root = path == QLatin1String("/");
    const QString prefix = root ? path : path + QLatin1Char('/');
    QStringList children;
    for (const QString &p : childrenOf(root ? QString() : path) + extraPaths) {
        if (!p.startsWith(prefix) || p == path)
            continue;
        const QString child = p.mid(prefix.size()).section(QLatin1Char('/'), 0, 0);
        if (!child.isEmpty() && !children.contains(child))
            children << child;
    }
    QString xml = QStringLiteral(
        "<!DOCTYPE node PUBLIC \"-//freedesktop//DTD D-BUS Object Introspection 1.0//EN\" "
        "\"http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd\">\n<node>\n");
    xml += interfacesXml;
    for (const QString &child : std::as_const(children))
        xml += QStringLiteral("  <node name=\"%1\"/>\n").arg(child);
    return xml + QStringLiteral("</node>\n");
}

void ObjectTree::removeTree(const QString &path)
{
    QStringList doomed = childrenOf(path);
    if (m_objects.contains(path))
        doomed << path;
    // Deepest first, as bluetoothd unregisters descriptors, then characteristics, then the service.
    std::sort(doomed.begin(), doomed.end(), [](const QString &a, const QString &b) {
        return a.count(QLatin1Char('/')) != b.count(QLatin1Char('/'))
            ? a.count(QLatin1Char('/')) > b.count(QLatin1Char('/'))
            : a < b;
    });
    for (const QString &p : std::as_const(doomed)) {
        const QStringList interfaces = m_objects.take(p).keys();
        QDBusMessage signal = QDBusMessage::createSignal(
            m_objectManagerPath, bluez::kObjectManager, QStringLiteral("InterfacesRemoved"));
        signal << QVariant::fromValue(QDBusObjectPath(p)) << interfaces;
        m_connection.send(signal);
    }
}

std::optional<QVariant> ObjectTree::property(
    const QString &path, const QString &interface, const QString &name) const
{
    const auto object = m_objects.constFind(path);
    if (object == m_objects.constEnd())
        return std::nullopt;
    const auto props = object->constFind(interface);
    if (props == object->constEnd())
        return std::nullopt;
    const auto value = props->constFind(name);
    if (value == props->constEnd())
        return std::nullopt;
    return *value;
}

QVariantMap ObjectTree::properties(const QString &path, const QString &interface) const
{
    return m_objects.value(path).value(interface);
}

void ObjectTree::set(
    const QString &path, const QString &interface, const QVariantMap &changes, const QStringList &invalidate)
{
    auto object = m_objects.find(path);
    if (object == m_objects.end() || !object->contains(interface))
        return;
    QVariantMap &props = (*object)[interface];
    QVariantMap changed;
    for (auto it = changes.constBegin(); it != changes.constEnd(); ++it) {
        const auto old = props.constFind(it.key());
        if (old != props.constEnd() && *old == it.value())
            continue;
        props.insert(it.key(), it.value());
        changed.insert(it.key(), it.value());
    }
    QStringList invalidated;
    for (const QString &name : invalidate) {
        if (props.remove(name) > 0)
            invalidated << name;
    }
    if (!changed.isEmpty() || !invalidated.isEmpty())
        emitPropertiesChanged(path, interface, changed, invalidated);
}

void ObjectTree::announce(const QString &path, const QString &interface, const QVariantMap &changes)
{
    auto object = m_objects.find(path);
    if (object == m_objects.end() || !object->contains(interface))
        return;
    for (auto it = changes.constBegin(); it != changes.constEnd(); ++it)
        (*object)[interface].insert(it.key(), it.value());
    emitPropertiesChanged(path, interface, changes, {});
}

bluez::ManagedObjects ObjectTree::managedObjects() const
{
    bluez::ManagedObjects all;
    for (auto it = m_objects.constBegin(); it != m_objects.constEnd(); ++it)
        all.insert(QDBusObjectPath(it.key()), it.value());
    return all;
}

PropertiesCall ObjectTree::propertiesCall(const QDBusMessage &call,
    const std::function<bool(const QString &interface, const QString &name)> &writable) const
{
    const QString path = call.path();
    const QVariantList args = call.arguments();
    const QString member = call.member();
    PropertiesCall result;
    result.interface = args.value(0).toString();
    result.details = result.interface;
    auto fail = [&result](const char *name, const QString &text) {
        result.errorName = QStringLiteral("org.freedesktop.DBus.Error.") + QLatin1String(name);
        result.errorText = text;
        return result;
    };
    if (!contains(path))
        return fail("UnknownObject", QStringLiteral("No such object %1").arg(path));
    if (!hasInterface(path, result.interface))
        return fail("InvalidArgs", QStringLiteral("No such interface '%1'").arg(result.interface));
    if (member == QLatin1String("GetAll")) {
        result.reply = { properties(path, result.interface) };
        return result;
    }
    result.name = args.value(1).toString();
    result.details = result.interface + QLatin1Char('.') + result.name;
    const std::optional<QVariant> old = property(path, result.interface, result.name);
    if (member != QLatin1String("Get") && member != QLatin1String("Set"))
        return fail("UnknownMethod", QStringLiteral("No method %1").arg(member));
    if (!old)
        return fail("InvalidArgs", QStringLiteral("No such property '%1'").arg(result.name));
    if (member == QLatin1String("Get")) {
        result.reply = { QVariant::fromValue(QDBusVariant(*old)) };
        return result;
    }
    QVariant value = args.value(2);
    if (value.canConvert<QDBusVariant>())
        value = value.value<QDBusVariant>().variant();
    if (!writable(result.interface, result.name))
        return fail("PropertyReadOnly", QStringLiteral("Property '%1' is not writable").arg(result.name));
    if (value.metaType() != old->metaType())
        return fail("InvalidArgs", QStringLiteral("Invalid type for property '%1'").arg(result.name));
    result.set = value;
    return result;
}

void ObjectTree::emitPropertiesChanged(
    const QString &path, const QString &interface, const QVariantMap &changed, const QStringList &invalidated)
{
    QDBusMessage signal = QDBusMessage::createSignal(
        path, bluez::kProperties, QStringLiteral("PropertiesChanged"));
    signal << interface << changed << invalidated;
    m_connection.send(signal);
}
