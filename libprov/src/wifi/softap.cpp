// SPDX-License-Identifier: Apache-2.0
// STUB: replaced by the NetworkManager client in the next commit.
#include "prov/softap.h"

namespace prov {

QString apSecurityName(ApSecurity)
{
    return {};
}
QString apSecurityDisplayName(ApSecurity)
{
    return {};
}
ApSecurity apSecurityFromFlags(quint32, quint32, quint32)
{
    return ApSecurity::Open;
}
int wifiChannelForFrequency(int)
{
    return 0;
}

struct SoftApScanner::Private
{
};
SoftApScanner::SoftApScanner(QDBusConnection, QObject *parent)
    : QObject(parent)
{ }
SoftApScanner::~SoftApScanner() = default;
void SoftApScanner::setSsidPatterns(const QStringList &p)
{
    m_patterns = p;
}
void SoftApScanner::setInterfaceName(const QString &n)
{
    m_interfaceName = n;
}
void SoftApScanner::start() { }
void SoftApScanner::stop() { }
QList<WifiInterfaceInfo> SoftApScanner::interfaces() const
{
    return {};
}
QList<SoftApInfo> SoftApScanner::accessPoints() const
{
    return {};
}
bool SoftApScanner::matches(const QString &) const
{
    return false;
}

struct SoftApLink::Private
{
};
SoftApLink::SoftApLink(QDBusConnection, QObject *parent)
    : QObject(parent)
{ }
SoftApLink::~SoftApLink() = default;
Pending<SoftApJoinResult> *SoftApLink::join(const SoftApJoinRequest &)
{
    Promise<SoftApJoinResult> p(this);
    p.finishLater(makeError(ErrorCode::Internal, QStringLiteral("not implemented")));
    return p.pending();
}
Pending<void> *SoftApLink::leave()
{
    Promise<void> p(this);
    p.finishLater(Result<void>());
    return p.pending();
}
void SoftApLink::cancel() { }
bool SoftApLink::isJoined() const
{
    return false;
}
std::optional<SoftApJoinResult> SoftApLink::joined() const
{
    return std::nullopt;
}
QString SoftApLink::previousConnectionId() const
{
    return {};
}

} // namespace prov
