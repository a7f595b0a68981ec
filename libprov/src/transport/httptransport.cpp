// SPDX-License-Identifier: Apache-2.0
#include "prov/httptransport.h"

#include "core/logging.h"
#include "transport/httpmessage.h"
#include "transport/tcpquickack.h"

#include <QTcpSocket>

namespace prov {

/// A parsed response, as handed from the parser to the exchange logic.
struct HttpResponseView
{
    int status = -1;
    QByteArray setCookie;
    bool closeAfter = false;
    QByteArray body;
};

namespace {
// Headers as the reference clients send them (§6.2); the device ignores both.
const QByteArray kContentType = "application/x-www-form-urlencoded";
const QByteArray kAccept = "text/plain";
// What the references send to proto-ver (§2.3): any non-empty body.
const QByteArray kProbeBody = "---";

/// "session=123; Path=/" -> "session=123": only the name=value pair is ever sent back (§6.3).
QByteArray cookiePair(const QByteArray &setCookie)
{
    const qsizetype semi = setCookie.indexOf(';');
    return (semi < 0 ? setCookie : setCookie.left(semi)).trimmed();
}

int statusCode(const QByteArray &startLine)
{
    const QList<QByteArray> parts = startLine.split(' ');
    bool ok = false;
    const int code = parts.value(1).toInt(&ok);
    return ok && parts.value(0).startsWith("HTTP/1.") ? code : -1;
}
} // namespace

struct HttpTransport::Private
{
    /// Main: the caller's request is in flight. Probing: it was refused and a proto-ver probe
    /// checks whether the device still knows our session (see the class comment).
    enum class Phase { Idle, Main, Probing };

    QString host;
    quint16 port = 0;
    QHostAddress localAddress; ///< bind here before connecting; null = any
    QTcpSocket *socket = nullptr;
    bool connected = false;
    http::Parser parser { kMaxResponseBytes };
    Phase phase = Phase::Idle;
    QString endpoint;
    QByteArray request;
};

HttpTransport::HttpTransport(const QString &host, quint16 port, QObject *parent)
    : Transport(parent)
    , d(std::make_unique<Private>())
{
    d->host = host;
    d->port = port;
}

HttpTransport::~HttpTransport()
{
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->abort();
    }
}

QString HttpTransport::address() const
{
    return QStringLiteral("%1:%2").arg(d->host).arg(d->port);
}

void HttpTransport::resetSession()
{
    m_cookie.clear();
    abortExchange();
}

void HttpTransport::abortExchange()
{
    d->phase = Private::Phase::Idle;
    dropSocket();
}

void HttpTransport::dropSocket()
{
    if (d->socket) {
        d->socket->disconnect(this);
        d->socket->abort();
        d->socket->deleteLater();
        d->socket = nullptr;
    }
    d->connected = false;
}

void HttpTransport::startExchange(const QString &endpoint, const QByteArray &request)
{
    d->endpoint = endpoint;
    d->request = request;
    d->phase = Private::Phase::Main;
    sendRequest(endpoint, request);
}

void HttpTransport::setLocalAddress(const QHostAddress &address)
{
    if (address == d->localAddress)
        return;
    d->localAddress = address;
    dropSocket(); // the next request connects from the new address
}

QHostAddress HttpTransport::localAddress() const
{
    return d->localAddress;
}

void HttpTransport::openSocket()
{
    dropSocket();
    d->socket = new QTcpSocket(this);
    connect(d->socket, &QTcpSocket::readyRead, this, &HttpTransport::handleReadyRead);
    connect(d->socket, &QTcpSocket::disconnected, this, &HttpTransport::handleClosed);
    connect(d->socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError) // that one is handled by disconnected()
            handleSocketError();
    });
}

void HttpTransport::sendRequest(const QString &endpoint, const QByteArray &body)
{
    QList<QPair<QByteArray, QByteArray>> headers { { "Host", address().toUtf8() },
        { "Content-Type", kContentType }, { "Accept", kAccept } };
    if (!m_cookie.isEmpty())
        headers.append({ "Cookie", m_cookie }); // exactly "session=<n>", nothing else (§6.3)
    const QByteArray wire = http::serialize("POST /" + endpoint.toUtf8() + " HTTP/1.1", headers, body);
    d->parser = http::Parser(kMaxResponseBytes);

    // Reuse the keep-alive connection; a connection the device has closed is replaced. The cookie
    // (not the socket) carries the session across connections (§6.3).
    if (d->socket && d->connected && d->socket->state() == QAbstractSocket::ConnectedState) {
        d->socket->write(wire);
        return;
    }
    openSocket();
    connect(d->socket, &QTcpSocket::connected, this, [this, wire] {
        d->connected = true;
        tcp::armQuickAck(d->socket->socketDescriptor()); // §6.2: split response writes, see below
        d->socket->write(wire);
    });
    qCDebug(lcProvHttp) << "connecting to" << address();
    // Bound to the joined SoftAP's address, the connection takes that link whatever the routes say.
    if (!d->localAddress.isNull() && !d->socket->bind(d->localAddress)) {
        qCWarning(lcProvHttp).noquote()
            << "cannot bind to" << d->localAddress.toString() << ":" << d->socket->errorString();
        complete(makeError(ErrorCode::ConnectFailed,
            QStringLiteral("cannot bind to %1: %2")
                .arg(d->localAddress.toString(), d->socket->errorString())));
        dropSocket();
        return;
    }
    d->socket->connectToHost(d->host, d->port);
}

void HttpTransport::handleReadyRead()
{
    if (!d->socket)
        return;
    const QByteArray bytes = d->socket->readAll();
    // The device writes a response in parts with Nagle on (§6.2): acknowledge each part at once,
    // or the next part waits for our delayed ACK (~40 ms on Linux). The kernel drops the flag by
    // itself, so it is set again after every read.
    tcp::armQuickAck(d->socket->socketDescriptor());
    if (d->phase == Private::Phase::Idle)
        return; // unsolicited bytes: ignore (the exchange was cancelled or timed out)
    switch (d->parser.feed(bytes)) {
    case http::Parser::State::Incomplete:
        return;
    case http::Parser::State::Error: {
        const QByteArray why = d->parser.errorText();
        abortExchange();
        complete(makeError(ErrorCode::MalformedMessage,
            QStringLiteral("unparseable HTTP response: %1").arg(QString::fromLatin1(why))));
        return;
    }
    case http::Parser::State::Complete:
        break;
    }
    const http::Message message = d->parser.take();
    HttpResponseView view;
    view.status = statusCode(message.startLine);
    view.setCookie = cookiePair(message.header("Set-Cookie"));
    view.closeAfter = message.header("Connection").compare("close", Qt::CaseInsensitive) == 0;
    view.body = message.body;
    handleResponse(view);
}

void HttpTransport::handleResponse(const HttpResponseView &response)
{
    const bool probing = d->phase == Private::Phase::Probing;
    d->phase = Private::Phase::Idle;
    if (response.closeAfter)
        abortExchange();

    bool newSession = false;
    if (!response.setCookie.isEmpty() && response.setCookie != m_cookie) {
        newSession = !m_cookie.isEmpty();
        m_cookie = response.setCookie;
        qCDebug(lcProvHttp) << "device session cookie" << (newSession ? "changed" : "set");
    }
    if (newSession)
        Q_EMIT sessionReset();

    if (probing) {
        complete(newSession ? makeError(ErrorCode::SessionLost,
                     QStringLiteral("the device refused the request to %1 and has started a "
                                    "new session (rebooted or taken over): redo the handshake")
                         .arg(d->endpoint))
                            : makeError(ErrorCode::DeviceRefused,
                                QStringLiteral("the device closed the connection without a response to "
                                               "%1: it refused the request (§6.4)")
                                    .arg(d->endpoint)));
        return;
    }
    if (newSession) {
        complete(makeError(ErrorCode::SessionLost,
            QStringLiteral("the device assigned a new session cookie while answering %1: its "
                           "security session is gone, redo the handshake")
                .arg(d->endpoint)));
        return;
    }
    if (response.status != 200) {
        complete(makeError(ErrorCode::HttpStatus,
            response.status == 404
                ? QStringLiteral("HTTP 404: the device has no endpoint %1").arg(d->endpoint)
                : QStringLiteral("HTTP %1 from %2").arg(response.status).arg(d->endpoint)));
        return;
    }
    complete(response.body);
}

void HttpTransport::startProbe()
{
    // The device closed the connection without answering. That is a refusal (§6.4), unless the
    // device lost our session in the meantime: ask proto-ver (plaintext, touches no cipher state)
    // with our cookie and see whether a new session id comes back.
    qCDebug(lcProvHttp) << "request to" << d->endpoint << "refused; probing the session";
    d->phase = Private::Phase::Probing;
    sendRequest(QStringLiteral("proto-ver"), kProbeBody);
}

void HttpTransport::handleClosed()
{
    const bool hadBytes = d->parser.bufferedBytes() > 0;
    const Private::Phase phase = d->phase;
    d->connected = false;
    if (phase == Private::Phase::Idle)
        return; // idle keep-alive connection closed by the device: reconnect on next use
    if (phase == Private::Phase::Main && !hadBytes) {
        if (!m_cookie.isEmpty())
            return startProbe();
        abortExchange();
        complete(makeError(ErrorCode::DeviceRefused,
            QStringLiteral("the device closed the connection without a response to %1: it "
                           "refused the request (§6.4)")
                .arg(d->endpoint)));
        return;
    }
    abortExchange();
    complete(makeError(ErrorCode::Disconnected,
        phase == Private::Phase::Probing
            ? QStringLiteral("the device refused the request to %1 and then stopped answering "
                             "(rebooted or out of range)")
                  .arg(d->endpoint)
            : QStringLiteral("the connection dropped in the middle of the response to %1").arg(d->endpoint)));
}

void HttpTransport::handleSocketError()
{
    if (!d->socket)
        return;
    const QString why = d->socket->errorString();
    const Private::Phase phase = d->phase;
    const bool wasConnected = d->connected;
    abortExchange();
    if (phase == Private::Phase::Idle)
        return;
    if (phase == Private::Phase::Probing) {
        complete(makeError(ErrorCode::Disconnected,
            QStringLiteral("the device refused the request to %1 and is no longer reachable "
                           "(%2): rebooted or out of range")
                .arg(d->endpoint, why)));
        return;
    }
    complete(makeError(wasConnected ? ErrorCode::Disconnected : ErrorCode::ConnectFailed,
        QStringLiteral("%1 (%2)").arg(why, address())));
}

} // namespace prov
