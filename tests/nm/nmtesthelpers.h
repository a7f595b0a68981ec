// SPDX-License-Identifier: Apache-2.0
#pragma once

// Calls into prov-sim's fake NetworkManager (--nm) for tests: raw QtDBus on the test process's
// system bus (a PrivateBus), and its control object /org/provsim/nm
// (org.provsim.NetworkManagerControl1: Journal, ClearJournal, State, RemoveAccessPoint,
// RestoreAccessPoint; docs/prov-sim.md "NetworkManager front end").

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace prov::test::nm {

inline const QString kService = QStringLiteral("org.freedesktop.NetworkManager");
inline const QString kPath = QStringLiteral("/org/freedesktop/NetworkManager");

/// Calls @p member on the fake (blocking, 5 s); the reply or the error message.
inline QDBusMessage call(
    const QString &path, const QString &interface, const QString &member, const QVariantList &args = {})
{
    QDBusMessage message = QDBusMessage::createMethodCall(kService, path, interface, member);
    message.setArguments(args);
    return QDBusConnection::systemBus().call(message, QDBus::Block, 5000);
}

/// Properties.Get; an invalid QVariant on error. Containers come back as QDBusArgument.
inline QVariant property(const QString &path, const QString &interface, const QString &name)
{
    const QDBusMessage reply = call(
        path, QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"), { interface, name });
    if (reply.type() != QDBusMessage::ReplyMessage)
        return {};
    return reply.arguments().value(0).value<QDBusVariant>().variant();
}

inline QVariant control(const QString &method, const QVariantList &args = {})
{
    return call(
        QStringLiteral("/org/provsim/nm"), QStringLiteral("org.provsim.NetworkManagerControl1"), method, args)
        .arguments()
        .value(0);
}

/// The fake's journal: "<Member> <path> key=value… => <outcome>", "event …", "http …" lines.
inline QStringList journal()
{
    return control(QStringLiteral("Journal")).toStringList();
}

/// State(): {interfaces: [{name, state, active_connection_id, active_uuid, volatile, address,
/// gateway}], connections: [{id, uuid, flags}], active_connections}.
inline QJsonObject state()
{
    return QJsonDocument::fromJson(control(QStringLiteral("State")).toString().toUtf8()).object();
}

/// State()'s entry for interface @p k (wlan<k>).
inline QJsonObject interfaceState(int k = 0)
{
    return state().value(QStringLiteral("interfaces")).toArray().at(k).toObject();
}

} // namespace prov::test::nm
