// SPDX-License-Identifier: Apache-2.0
// SoftApTransport: join the device's SoftAP through NetworkManager (SoftApLink), then HTTP to the link's
// gateway from this station's address on that link (docs/protocol.md §6).
#include "prov/softaptransport.h"

#include "core/logging.h"

#include <QPointer>
#include <QTimer>

namespace prov {

namespace {
constexpr int kLinkCheckMs = 2000; ///< how long an HTTP failure waits for NetworkManager to call the link
                                   ///< down
constexpr int kLinkCheckIntervalMs = 250;
} // namespace

struct SoftApTransport::Private
{
    SoftApJoinRequest join;
    quint16 port = 80;
    QPointer<SoftApLink> link; ///< owned while this transport lives; handed to itself when we go first
    std::unique_ptr<HttpTransport> http; ///< to the joined link's gateway; null while not joined
    QPointer<Pending<SoftApJoinResult>> joining;
    QString endpoint; ///< the exchange waiting for the join
    QByteArray request;
    quint64 generation = 0; ///< bumped by abortExchange(): a late join or answer is dropped
};

SoftApTransport::SoftApTransport(
    const SoftApJoinRequest &join, quint16 port, QDBusConnection bus, QObject *parent)
    : Transport(parent)
    , d(std::make_unique<Private>(Private { join, port == 0 ? quint16(80) : port, {}, {}, {}, {}, {}, 0 }))
{
    d->link = new SoftApLink(bus, this);
    connect(d->link, &SoftApLink::progress, this, &Transport::linkProgress);
    connect(d->link, &SoftApLink::lost, this, [this](const Error &reason) { linkLost(reason); });
}

void SoftApTransport::linkLost(const Error &reason)
{
    if (!d->http)
        return; // handled already (the HTTP failure found the link down first)
    qCInfo(lcProvWifi).noquote() << d->join.ssid << "link lost:" << reason.toString();
    d->http.reset();
    ++d->generation; // an answer or a check still on its way is dropped
    // linkClosed() first: the Provisioner reads it when the exchange's error arrives (§7.6).
    Q_EMIT linkClosed();
    if (isBusy())
        complete(makeError(ErrorCode::Disconnected,
            QStringLiteral("the SoftAP link to %1 went down: %2")
                .arg(QString::fromUtf8(d->join.ssid), reason.detail)));
}

void SoftApTransport::httpFailed(const Error &error, quint64 generation, int checksLeft)
{
    // A dropped or refused TCP connection may be the link going down (the access point vanished after
    // ApplyConfig) before NetworkManager has said so: ask it for up to kLinkCheckMs before reporting.
    // The link can outlive this transport (the destructor hands it off to give the interface back).
    d->link->checkLinkUp([self = QPointer<SoftApTransport>(this), error, generation, checksLeft](bool up) {
        if (!self)
            return;
        self->linkChecked(up, error, generation, checksLeft);
    });
}

void SoftApTransport::linkChecked(bool up, const Error &error, quint64 generation, int checksLeft)
{
    if (generation != d->generation)
        return;
    if (!up) {
        linkLost(makeError(ErrorCode::Disconnected, error.detail));
        return;
    }
    if (checksLeft <= 0) {
        restartTimeout();
        complete(error);
        return;
    }
    QTimer::singleShot(kLinkCheckIntervalMs, this, [this, error, generation, checksLeft] {
        if (generation == d->generation)
            httpFailed(error, generation, checksLeft - 1);
    });
}

SoftApTransport::~SoftApTransport()
{
    d->http.reset();
    if (d->link && d->link->holdsInterface()) {
        // Give the interface back after we are gone: the link deletes itself once it has left.
        SoftApLink *link = d->link;
        link->disconnect(this);
        link->setParent(nullptr);
        link->cancel();
        Pending<void> *leaving = link->leave();
        QObject::connect(leaving, &PendingOperation::finished, link, &QObject::deleteLater);
    }
}

void SoftApTransport::resetSession()
{
    if (d->http)
        d->http->resetSession();
}

QString SoftApTransport::address() const
{
    if (d->http)
        return d->http->address();
    return QString::fromUtf8(d->join.ssid);
}

QString SoftApTransport::ssid() const
{
    return QString::fromUtf8(d->join.ssid);
}

std::optional<SoftApJoinResult> SoftApTransport::joined() const
{
    return d->link ? d->link->joined() : std::nullopt;
}

Pending<void> *SoftApTransport::leave()
{
    d->http.reset();
    return d->link->leave();
}

void SoftApTransport::startExchange(const QString &endpoint, const QByteArray &request)
{
    const quint64 generation = d->generation;
    if (d->http && d->link->isJoined()) {
        d->http->setTimeout(timeout());
        d->http->exchange(endpoint, request, [this, generation](Result<QByteArray> r) {
            if (generation != d->generation)
                return;
            const bool linkError = !r
                && (r.error().code == ErrorCode::ConnectFailed || r.error().code == ErrorCode::Disconnected
                    || r.error().code == ErrorCode::Timeout);
            if (!linkError) {
                complete(std::move(r));
                return;
            }
            pauseTimeout();
            httpFailed(r.error(), generation, kLinkCheckMs / kLinkCheckIntervalMs);
        });
        return;
    }
    // Join first; the join has its own limit.
    pauseTimeout();
    d->endpoint = endpoint;
    d->request = request;
    Pending<SoftApJoinResult> *joining = d->link->join(d->join);
    d->joining = joining;
    connect(joining, &PendingOperation::finished, this, [this, joining, generation] {
        d->joining = nullptr;
        if (generation != d->generation)
            return;
        const Result<SoftApJoinResult> r = joining->result();
        if (!r) {
            complete(r.error());
            return;
        }
        auto http = std::make_unique<HttpTransport>(r->gateway.toString(), d->port);
        http->setTimeout(timeout());
        http->setLocalAddress(r->localAddress);
        d->http = std::move(http);
        qCInfo(lcProvWifi).noquote() << d->join.ssid << "joined on" << r->interfaceName << "as"
                                     << r->localAddress.toString() << "; device at" << d->http->address();
        Q_EMIT joinedLink(*r);
        restartTimeout();
        startExchange(d->endpoint, d->request);
    });
}

void SoftApTransport::abortExchange()
{
    ++d->generation;
    if (d->joining)
        d->link->cancel();
    if (d->http)
        d->http->cancel();
}

} // namespace prov
