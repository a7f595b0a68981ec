// SPDX-License-Identifier: Apache-2.0
#include "prov/httpdeviceserver.h"

#include "core/logging.h"
#include "prov/device.h"
#include "transport/httpmessage.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace prov {

namespace {
constexpr int kMaxBody = 4096; // §6.2
} // namespace

struct HttpDeviceServer::Private
{
    HttpDeviceServer *q = nullptr;
    SimulatedDevice *device = nullptr;
    QTcpServer server;
    QHostAddress address;
    quint16 port = 0;
    QString error;

    // §6.3 session binding
    quint32 sessionId = 0;
    bool haveSession = false;
    QPointer<QTcpSocket> sessionSocket;
    bool cookieMode = false;

    struct Connection
    {
        QPointer<QTcpSocket> socket;
        std::shared_ptr<http::Parser> parser;
    };
    QList<Connection> connections;
    bool offline = false;
    std::function<bool(const QHostAddress &)> filter;
    QHostAddress lastPeer;

    void accept();
    void read(QTcpSocket *socket);
    void serve(QTcpSocket *socket, const http::Message &request);
    bool continuesSession(QTcpSocket *socket, const http::Message &request) const;
    void startSession(QTcpSocket *socket);
    void send(QTcpSocket *socket, int status, const QByteArray &reason, const QByteArray &body,
        const QByteArray &setCookie);
    void closeSocket(QTcpSocket *socket);
    void reboot(int offlineMs);
};

void HttpDeviceServer::Private::accept()
{
    while (QTcpSocket *socket = server.nextPendingConnection()) {
        if (filter && !filter(socket->peerAddress())) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        lastPeer = socket->peerAddress();
        // esp_http_server runs with max_open_sockets = 1 and LRU purge: a new connection closes
        // the older one (§6.2).
        for (const Connection &c : std::as_const(connections)) {
            if (c.socket)
                closeSocket(c.socket);
        }
        connections.clear();
        connections.append({ socket, std::make_shared<http::Parser>(kMaxBody) });
        QObject::connect(socket, &QTcpSocket::readyRead, q, [this, socket] { read(socket); });
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void HttpDeviceServer::Private::closeSocket(QTcpSocket *socket)
{
    socket->disconnect(q);
    socket->close();
    socket->deleteLater();
}

void HttpDeviceServer::Private::read(QTcpSocket *socket)
{
    auto it = std::find_if(
        connections.begin(), connections.end(), [socket](const Connection &c) { return c.socket == socket; });
    if (it == connections.end())
        return;
    std::shared_ptr<http::Parser> parser = it->parser;
    parser->feed(socket->readAll());
    while (parser->state() == http::Parser::State::Complete)
        serve(socket, parser->take());
    if (parser->state() == http::Parser::State::Error) {
        // Oversize body, chunked encoding, junk: esp_http_server drops the connection.
        Q_EMIT q->requestHandled(
            QStringLiteral("bad HTTP request (%1): closed").arg(QString::fromLatin1(parser->errorText())));
        closeSocket(socket);
    }
}

bool HttpDeviceServer::Private::continuesSession(QTcpSocket *socket, const http::Message &request) const
{
    if (!haveSession)
        return false;
    const QByteArray cookie = request.header("Cookie");
    if (!cookie.isNull())
        return cookie == "session=" + QByteArray::number(sessionId); // strcmp, exact (§6.3)
    // No Cookie header at all: the socket that created the session continues it, until cookie
    // mode has been latched.
    return !cookieMode && sessionSocket == socket;
}

void HttpDeviceServer::Private::startSession(QTcpSocket *socket)
{
    sessionId = device->newSessionId();
    haveSession = true;
    sessionSocket = socket;
    cookieMode = false;
    device->newTransportSession();
}

void HttpDeviceServer::Private::send(QTcpSocket *socket, int status, const QByteArray &reason,
    const QByteArray &body, const QByteArray &setCookie)
{
    QList<QPair<QByteArray, QByteArray>> headers { { "Content-Type", "text/html" } };
    if (!setCookie.isEmpty())
        headers.append({ "Set-Cookie", setCookie });
    const QByteArray statusLine = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason;
    const QByteArray wire = http::serialize(statusLine, headers, body);
    // Write the way esp_http_server does (§6.2): the status line, the headers and the body as
    // separate send() calls, Nagle left on. flush() hands each part to the kernel on its own, so a
    // client that delays its ACKs sees the same stalls as against a real device.
    const qsizetype statusBytes = statusLine.size() + 2; // with its CRLF
    const qsizetype headerBytes = wire.size() - body.size() - statusBytes;
    for (const QByteArray &part :
        { wire.left(statusBytes), wire.mid(statusBytes, headerBytes), wire.right(body.size()) }) {
        if (part.isEmpty())
            continue;
        socket->write(part);
        socket->flush();
    }
}

void HttpDeviceServer::Private::reboot(int offlineMs)
{
    offline = true;
    server.close();
    for (const Connection &c : std::as_const(connections)) {
        if (c.socket)
            c.socket->abort();
    }
    connections.clear();
    haveSession = false;
    QTimer::singleShot(offlineMs, q, [this] {
        offline = false;
        if (!server.listen(address, port))
            Q_EMIT q->requestHandled(
                QStringLiteral("could not listen again after reboot: %1").arg(server.errorString()));
    });
}

void HttpDeviceServer::Private::serve(QTcpSocket *socket, const http::Message &request)
{
    const QList<QByteArray> parts = request.startLine.split(' ');
    const QByteArray method = parts.value(0);
    const QByteArray path = parts.value(1);
    const QString endpoint = QString::fromUtf8(path.mid(1));
    if (!path.startsWith('/')) {
        closeSocket(socket);
        return;
    }
    if (!device->endpoints().contains(endpoint)) {
        send(socket, 404, "Not Found", "Nothing matches the given URI", {});
        Q_EMIT q->requestHandled(QStringLiteral("%1: 404").arg(endpoint));
        return;
    }
    if (method != "POST") {
        send(socket, 405, "Method Not Allowed", "Request method for this URI is not handled by server", {});
        return;
    }

    // §6.3: every POST, including proto-ver, either continues the session or starts a new one.
    QByteArray setCookie;
    if (continuesSession(socket, request)) {
        if (!request.header("Cookie").isNull())
            cookieMode = true;
    } else {
        startSession(socket);
        setCookie = "session=" + QByteArray::number(sessionId);
    }

    if (request.body.isEmpty()) {
        Q_EMIT q->requestHandled(QStringLiteral("%1: empty body: closed").arg(endpoint));
        closeSocket(socket);
        return;
    }

    const DeviceReply reply = device->handle(endpoint, request.body);
    const QString summary = QStringLiteral("%1: %2 B in").arg(endpoint).arg(request.body.size());
    switch (reply.action) {
    case DeviceReply::Action::NotFound:
        send(socket, 404, "Not Found", "Nothing matches the given URI", setCookie);
        Q_EMIT q->requestHandled(summary + QStringLiteral(", 404"));
        return;
    case DeviceReply::Action::Refuse:
        Q_EMIT q->requestHandled(
            summary + QStringLiteral(", refused (%1): closed without response").arg(reply.reason));
        closeSocket(socket);
        return;
    case DeviceReply::Action::Drop:
        Q_EMIT q->requestHandled(summary + QStringLiteral(", response dropped"));
        return;
    case DeviceReply::Action::Reboot:
        Q_EMIT q->requestHandled(summary + QStringLiteral(", rebooting for %1 ms").arg(reply.delayMs));
        reboot(reply.delayMs);
        return;
    case DeviceReply::Action::Respond:
        break;
    }
    if (reply.newSession) {
        // The device forgets this session right after answering: the answer carries the new id.
        startSession(socket);
        setCookie = "session=" + QByteArray::number(sessionId);
    }
    QPointer<QTcpSocket> guard(socket);
    auto respond = [this, guard, reply, setCookie, summary] {
        if (!guard)
            return;
        send(guard, 200, "OK", reply.body, setCookie);
        Q_EMIT q->requestHandled(summary + QStringLiteral(", %1 B out").arg(reply.body.size()));
    };
    if (reply.delayMs > 0)
        QTimer::singleShot(reply.delayMs, q, respond);
    else
        respond();
}

HttpDeviceServer::HttpDeviceServer(SimulatedDevice *device, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->device = device;
    connect(&d->server, &QTcpServer::newConnection, this, [this] { d->accept(); });
}

HttpDeviceServer::~HttpDeviceServer()
{
    for (const auto &c : std::as_const(d->connections)) {
        if (c.socket)
            c.socket->disconnect(this);
    }
}

bool HttpDeviceServer::listen(const QHostAddress &address, quint16 port)
{
    if (!d->server.listen(address, port)) {
        d->error = d->server.errorString();
        return false;
    }
    d->address = address;
    d->port = d->server.serverPort();
    return true;
}

void HttpDeviceServer::setConnectionFilter(std::function<bool(const QHostAddress &peer)> filter)
{
    d->filter = std::move(filter);
}

void HttpDeviceServer::dropConnections()
{
    for (const auto &c : std::as_const(d->connections)) {
        if (c.socket)
            c.socket->abort();
    }
    d->connections.clear();
}

QHostAddress HttpDeviceServer::lastPeer() const
{
    return d->lastPeer;
}

quint16 HttpDeviceServer::port() const
{
    return d->port;
}

QString HttpDeviceServer::errorString() const
{
    return d->error;
}

} // namespace prov
