// SPDX-License-Identifier: Apache-2.0
#include "wifi/nmdbus.h"

#include <QDBusMetaType>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>

namespace prov::nm {

void registerTypes()
{
    static const bool registered = [] {
        qDBusRegisterMetaType<ConnectionSettings>();
        return true;
    }();
    Q_UNUSED(registered);
}

Error errorFromReply(const QDBusMessage &reply, const QString &what, ErrorCode fallback)
{
    const QString name = reply.errorName();
    const QString text = reply.errorMessage();
    if (name == QLatin1String("org.freedesktop.DBus.Error.ServiceUnknown")
        || name == QLatin1String("org.freedesktop.DBus.Error.NameHasNoOwner")) {
        return makeError(ErrorCode::Unavailable,
            QStringLiteral("NetworkManager is not running (no %1 on the system bus)").arg(kService));
    }
    if (name == QLatin1String("org.freedesktop.NetworkManager.PermissionDenied")
        || name == QLatin1String("org.freedesktop.DBus.Error.AccessDenied")) {
        return makeError(ErrorCode::PermissionDenied,
            QStringLiteral("NetworkManager refused to %1: %2").arg(what, text.isEmpty() ? name : text));
    }
    if (name == QLatin1String("org.freedesktop.DBus.Error.NoReply")
        || name == QLatin1String("org.freedesktop.DBus.Error.Timeout")
        || name == QLatin1String("org.freedesktop.DBus.Error.Disconnected")) {
        return makeError(
            ErrorCode::Unavailable, QStringLiteral("NetworkManager did not answer (%1): %2").arg(what, name));
    }
    return makeError(fallback, QStringLiteral("%1: %2 (%3)").arg(what, text, name));
}

QDBusMessage method(
    const QString &path, const QString &interface, const QString &member, const QVariantList &arguments)
{
    QDBusMessage message = QDBusMessage::createMethodCall(kService, path, interface, member);
    message.setArguments(arguments);
    return message;
}

void call(const QDBusConnection &bus, const QDBusMessage &message, QObject *context,
    std::function<void(const QDBusMessage &reply)> done, int timeoutMs)
{
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(message, timeoutMs), context);
    QObject::connect(watcher, &QDBusPendingCallWatcher::finished, context, [watcher, done = std::move(done)] {
        watcher->deleteLater();
        done(watcher->reply());
    });
}

void getAll(const QDBusConnection &bus, const QString &path, const QString &interface, QObject *context,
    std::function<void(const Result<QVariantMap> &properties)> done, int timeoutMs)
{
    call(
        bus, method(path, kProperties, QStringLiteral("GetAll"), { interface }), context,
        [path, interface, done = std::move(done)](const QDBusMessage &reply) {
            if (reply.type() != QDBusMessage::ReplyMessage || reply.arguments().isEmpty()) {
                done(errorFromReply(reply, QStringLiteral("read %1 of %2").arg(interface, path)));
                return;
            }
            done(variantMap(reply.arguments().constFirst()));
        },
        timeoutMs);
}

QString objectPath(const QVariant &value)
{
    if (value.canConvert<QDBusObjectPath>())
        return value.value<QDBusObjectPath>().path();
    return value.toString();
}

QStringList objectPaths(const QVariant &value)
{
    QList<QDBusObjectPath> paths;
    if (value.userType() == qMetaTypeId<QDBusArgument>())
        paths = qdbus_cast<QList<QDBusObjectPath>>(value.value<QDBusArgument>());
    else
        paths = value.value<QList<QDBusObjectPath>>();
    QStringList out;
    out.reserve(paths.size());
    for (const QDBusObjectPath &p : std::as_const(paths))
        out.append(p.path());
    return out;
}

QList<QVariantMap> mapList(const QVariant &value)
{
    if (value.userType() == qMetaTypeId<QDBusArgument>())
        return qdbus_cast<QList<QVariantMap>>(value.value<QDBusArgument>());
    return value.value<QList<QVariantMap>>();
}

QVariantMap variantMap(const QVariant &value)
{
    if (value.userType() == qMetaTypeId<QDBusArgument>())
        return qdbus_cast<QVariantMap>(value.value<QDBusArgument>());
    return value.toMap();
}

SignalRelay::SignalRelay(QDBusConnection bus, QObject *parent)
    : QObject(parent)
    , m_bus(std::move(bus))
{ }

SignalRelay::~SignalRelay()
{
    for (const auto &[interface, member] : std::as_const(m_followed))
        m_bus.disconnect(kService, QString(), interface, member, this, SLOT(handle(QDBusMessage)));
}

bool SignalRelay::follow(const QString &interface, const QString &member, Handler handler)
{
    const QString key = interface + QLatin1Char('.') + member;
    const bool fresh = !m_handlers.contains(key);
    m_handlers.insert(key, std::move(handler));
    if (!fresh)
        return true;
    if (!m_bus.connect(kService, QString(), interface, member, this, SLOT(handle(QDBusMessage))))
        return false;
    m_followed.append({ interface, member });
    return true;
}

void SignalRelay::handle(const QDBusMessage &message)
{
    const auto it = m_handlers.constFind(message.interface() + QLatin1Char('.') + message.member());
    if (it != m_handlers.constEnd() && *it)
        (*it)(message);
}

} // namespace prov::nm
