// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "bluezdbus.h"

#include <QDBusConnection>
#include <QStringList>

#include <functional>
#include <optional>

/// What an org.freedesktop.DBus.Properties call (Get, GetAll, Set) on an ObjectTree comes to: an error, a
/// reply, or, for a Set of a writable property with the right type, the value for the fake to apply.
struct PropertiesCall
{
    QString interface;
    QString name; ///< empty for GetAll
    QString details; ///< for the journal: "<interface>" or "<interface>.<name>"
    QString errorName; ///< non-empty: reply with this error
    QString errorText;
    QVariantList reply; ///< Get / GetAll: the reply's arguments
    std::optional<QVariant> set; ///< Set: the new value, not applied yet
};

/// A fake daemon's object store: path -> interface -> properties (prov-sim's fake bluetoothd and fake
/// NetworkManager). Every mutation emits the signal the real daemon would (ObjectManager.InterfacesAdded /
/// InterfacesRemoved on @p objectManagerPath: "/" for bluetoothd, "/org/freedesktop" for NetworkManager;
/// Properties.PropertiesChanged on the object), so clients that only follow signals stay in sync.
/// Single-threaded (the prov-sim main thread).
class ObjectTree
{
public:
    explicit ObjectTree(
        const QDBusConnection &connection, const QString &objectManagerPath = QStringLiteral("/"));

    bool contains(const QString &path) const { return m_objects.contains(path); }
    bool hasInterface(const QString &path, const QString &interface) const;
    QStringList interfaces(const QString &path) const { return m_objects.value(path).keys(); }
    /// Exports @p path; emits InterfacesAdded. Replaces an object already there.
    void add(const QString &path, const bluez::InterfaceMap &interfaces);
    /// Removes @p path and every object below it, deepest first (InterfacesRemoved each).
    void removeTree(const QString &path);
    /// Paths of all objects strictly below @p path, sorted.
    QStringList childrenOf(const QString &path) const;
    /// The introspection document of @p path: @p interfacesXml, then a <node> for each next path element
    /// of the objects below it and of @p extraPaths (objects served outside the tree).
    QString introspectionXml(
        const QString &path, const QString &interfacesXml, const QStringList &extraPaths = {}) const;

    std::optional<QVariant> property(
        const QString &path, const QString &interface, const QString &name) const;
    QVariantMap properties(const QString &path, const QString &interface) const;
    /// Sets properties; emits one PropertiesChanged with those whose value changed (none: no signal).
    void set(const QString &path, const QString &interface, const QVariantMap &changes,
        const QStringList &invalidate = {});
    void set(const QString &path, const QString &interface, const QString &name, const QVariant &value)
    {
        set(path, interface, { { name, value } });
    }
    /// Emits PropertiesChanged for @p changes even if the values did not change (a characteristic's
    /// Value after a read, as bluetoothd does).
    void announce(const QString &path, const QString &interface, const QVariantMap &changes);

    bluez::ManagedObjects managedObjects() const;

    /// Checks and answers an org.freedesktop.DBus.Properties call on the object at the call's path, as
    /// sd-bus/GDBus daemons do: UnknownObject, InvalidArgs (no such interface or property, wrong type),
    /// UnknownMethod, PropertyReadOnly (@p writable says no).
    PropertiesCall propertiesCall(const QDBusMessage &call,
        const std::function<bool(const QString &interface, const QString &name)> &writable) const;

private:
    void emitPropertiesChanged(const QString &path, const QString &interface, const QVariantMap &changed,
        const QStringList &invalidated);

    QDBusConnection m_connection;
    QString m_objectManagerPath;
    QMap<QString, bluez::InterfaceMap> m_objects;
};
