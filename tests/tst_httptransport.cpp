// SPDX-License-Identifier: Apache-2.0
// HttpTransport against a scripted HTTP peer on 127.0.0.1 (ephemeral port): the exact cookie rules
// of docs/protocol.md §6.3, the body limits of §6.2 and the error classification of §6.4.

#include "prov/device.h"
#include "prov/httpdeviceserver.h"
#include "prov/httptransport.h"
#include "transport/httpmessage.h"
#include "transport/tcpquickack.h"

#include <QElapsedTimer>
#include <QPointer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <functional>
#include <memory>

using namespace prov;

namespace {

/// What the scripted peer does with one request.
struct Action
{
    enum Kind { Respond, Close, Silent } kind = Respond;
    int status = 200;
    QByteArray body = "ok";
    QByteArray setCookie;
    bool closeAfter = false;
};

Action closeAction()
{
    Action a;
    a.kind = Action::Close;
    return a;
}

Action silentAction()
{
    Action a;
    a.kind = Action::Silent;
    return a;
}

Action notFoundAction()
{
    Action a;
    a.status = 404;
    a.body = "Nothing matches the given URI";
    return a;
}

class ScriptedPeer : public QObject
{
public:
    std::function<Action(const http::Message &)> script = [](const http::Message &) { return Action {}; };
    QList<http::Message> requests;
    int connections = 0;

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    void close() { m_server.close(); }

    ScriptedPeer()
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                ++connections;
                auto parser = std::make_shared<http::Parser>(1 << 20);
                connect(s, &QTcpSocket::readyRead, this, [this, s, parser] {
                    parser->feed(s->readAll());
                    while (parser->state() == http::Parser::State::Complete) {
                        const http::Message m = parser->take();
                        requests << m;
                        const Action a = script(m);
                        if (a.kind == Action::Close) {
                            s->close();
                            return;
                        }
                        if (a.kind == Action::Silent)
                            return;
                        QList<QPair<QByteArray, QByteArray>> headers;
                        if (!a.setCookie.isEmpty())
                            headers.append(qMakePair(QByteArray("Set-Cookie"), a.setCookie));
                        if (a.closeAfter)
                            headers.append(qMakePair(QByteArray("Connection"), QByteArray("close")));
                        s->write(http::serialize(
                            "HTTP/1.1 " + QByteArray::number(a.status) + " X", headers, a.body));
                        if (a.closeAfter)
                            s->disconnectFromHost();
                    }
                });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }

private:
    QTcpServer m_server;
};

Result<QByteArray> exchange(Transport &t, const QString &endpoint, const QByteArray &body, int waitMs = 5000)
{
    std::optional<Result<QByteArray>> out;
    t.exchange(endpoint, body, [&out](Result<QByteArray> r) { out = std::move(r); });
    if (!QTest::qWaitFor([&out] { return out.has_value(); }, waitMs))
        return makeError(ErrorCode::Internal, QStringLiteral("callback never came"));
    return *out;
}

} // namespace

class TestHttpTransport : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sendsExactlyTheSessionCookieBack();
    void keepsTheCookieAcrossNewConnections();
    void newCookieMidSessionGivesSessionLost();
    void closeWithoutResponseGivesDeviceRefused();
    void refusalAfterSessionChangeGivesSessionLost();
    void enforcesBodyLimits();
    void timesOutWhenDeviceSilent();
    void connectionRefusedGivesConnectFailed();
    void missingEndpointGivesHttpStatus();
    void allowsOneExchangeAtATime();
    void cancelEndsTheExchangeOnce();
    void keepsAliveAgainstSplitDeviceWrites();
    void armsQuickAckOnAConnectedSocket();
};

void TestHttpTransport::sendsExactlyTheSessionCookieBack()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script = [](const http::Message &m) {
        Action a;
        if (m.header("Cookie").isNull())
            a.setCookie = "session=2036472980; Path=/"; // attributes must not be echoed
        return a;
    };
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    QVERIFY(exchange(t, QStringLiteral("proto-ver"), "---"));
    QVERIFY(exchange(t, QStringLiteral("prov-session"), "x"));
    QCOMPARE(peer.requests.size(), 2);
    QVERIFY(peer.requests[0].header("Cookie").isNull());
    QCOMPARE(peer.requests[0].startLine, QByteArray("POST /proto-ver HTTP/1.1"));
    QCOMPARE(peer.requests[0].body, QByteArray("---"));
    QCOMPARE(peer.requests[1].header("Cookie"), QByteArray("session=2036472980"));
    QCOMPARE(peer.requests[1].headerCount("Cookie"), 1);
    QCOMPARE(peer.requests[1].header("Content-Length"), QByteArray("1"));
    QCOMPARE(peer.connections, 1); // keep-alive: one connection
}

void TestHttpTransport::keepsTheCookieAcrossNewConnections()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script = [](const http::Message &m) {
        Action a;
        a.closeAfter = true; // the device drops every connection after answering
        if (m.header("Cookie").isNull())
            a.setCookie = "session=7";
        return a;
    };
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    QVERIFY(exchange(t, QStringLiteral("proto-ver"), "---"));
    QTest::qWait(50);
    QVERIFY(exchange(t, QStringLiteral("prov-config"), "y"));
    QCOMPARE(peer.connections, 2);
    QCOMPARE(peer.requests.last().header("Cookie"), QByteArray("session=7"));
}

void TestHttpTransport::newCookieMidSessionGivesSessionLost()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    int n = 0;
    peer.script = [&n](const http::Message &) {
        Action a;
        a.setCookie = ++n == 1 ? "session=1" : "session=2";
        return a;
    };
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    QSignalSpy reset(&t, &Transport::sessionReset);
    QVERIFY(exchange(t, QStringLiteral("proto-ver"), "---"));
    auto r = exchange(t, QStringLiteral("prov-config"), "z");
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::SessionLost);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(t.sessionCookie(), QByteArray("session=2"));
}

void TestHttpTransport::closeWithoutResponseGivesDeviceRefused()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script = [](const http::Message &) { return closeAction(); };
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    auto r = exchange(t, QStringLiteral("prov-session"), "a");
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::DeviceRefused);

    // With a session: the proto-ver probe shows the same session, so it is still a refusal.
    peer.script = [](const http::Message &m) {
        if (m.startLine.contains("/proto-ver")) {
            Action a;
            if (m.header("Cookie").isNull())
                a.setCookie = "session=9";
            return a;
        }
        return closeAction();
    };
    HttpTransport t2(QStringLiteral("127.0.0.1"), peer.port());
    QVERIFY(exchange(t2, QStringLiteral("proto-ver"), "---"));
    auto r2 = exchange(t2, QStringLiteral("prov-session"), "a");
    QVERIFY(!r2);
    QCOMPARE(r2.error().code, ErrorCode::DeviceRefused);
    QCOMPARE(peer.requests.last().header("Cookie"), QByteArray("session=9"));
}

void TestHttpTransport::refusalAfterSessionChangeGivesSessionLost()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    quint32 session = 100;
    peer.script = [&session](const http::Message &m) {
        // A device that lost our session: an unknown cookie starts a new one (§6.3).
        const bool known = m.header("Cookie") == "session=" + QByteArray::number(session);
        if (!known)
            ++session;
        if (m.startLine.contains("/proto-ver")) {
            Action a;
            if (!known)
                a.setCookie = "session=" + QByteArray::number(session);
            return a;
        }
        return known ? Action {} : closeAction();
    };
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    QVERIFY(exchange(t, QStringLiteral("proto-ver"), "---"));
    session = 555; // the device "rebooted"
    auto r = exchange(t, QStringLiteral("prov-config"), "b");
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::SessionLost);
}

void TestHttpTransport::enforcesBodyLimits()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    auto tooBig = exchange(t, QStringLiteral("custom-data"), QByteArray(4097, 'x'));
    QVERIFY(!tooBig);
    QCOMPARE(tooBig.error().code, ErrorCode::PayloadTooLarge);
    auto empty = exchange(t, QStringLiteral("custom-data"), {});
    QVERIFY(!empty);
    QCOMPARE(empty.error().code, ErrorCode::InvalidArgument);
    QVERIFY(peer.requests.isEmpty()); // nothing reached the device
    QVERIFY(exchange(t, QStringLiteral("custom-data"), QByteArray(4096, 'x')));
    QCOMPARE(peer.requests.size(), 1);
}

void TestHttpTransport::timesOutWhenDeviceSilent()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script = [](const http::Message &) { return silentAction(); };
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    t.setTimeout(300);
    QElapsedTimer clock;
    clock.start();
    auto r = exchange(t, QStringLiteral("prov-config"), "c");
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::Timeout);
    QVERIFY(clock.elapsed() >= 250);
}

void TestHttpTransport::connectionRefusedGivesConnectFailed()
{
    quint16 port = 0;
    {
        ScriptedPeer peer;
        QVERIFY(peer.listen());
        port = peer.port();
        peer.close();
    }
    HttpTransport t(QStringLiteral("127.0.0.1"), port);
    auto r = exchange(t, QStringLiteral("proto-ver"), "---");
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::ConnectFailed);
}

void TestHttpTransport::missingEndpointGivesHttpStatus()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script = [](const http::Message &) { return notFoundAction(); };
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    auto r = exchange(t, QStringLiteral("prov-ctrl"), "d");
    QVERIFY(!r);
    QCOMPARE(r.error().code, ErrorCode::HttpStatus);
    QVERIFY(r.error().detail.contains(QStringLiteral("prov-ctrl")));
}

void TestHttpTransport::allowsOneExchangeAtATime()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    std::optional<Result<QByteArray>> first;
    t.exchange(QStringLiteral("proto-ver"), "---", [&first](Result<QByteArray> r) { first = std::move(r); });
    auto second = exchange(t, QStringLiteral("proto-ver"), "---");
    QVERIFY(!second);
    QCOMPARE(second.error().code, ErrorCode::Internal);
    QVERIFY(QTest::qWaitFor([&first] { return first.has_value(); }, 5000));
    QVERIFY(*first);
}

void TestHttpTransport::cancelEndsTheExchangeOnce()
{
    ScriptedPeer peer;
    QVERIFY(peer.listen());
    peer.script = [](const http::Message &) { return silentAction(); };
    HttpTransport t(QStringLiteral("127.0.0.1"), peer.port());
    int calls = 0;
    std::optional<Error> error;
    t.exchange(QStringLiteral("prov-config"), "e", [&](Result<QByteArray> r) {
        ++calls;
        if (!r)
            error = r.error();
    });
    QVERIFY(QTest::qWaitFor([&peer] { return !peer.requests.isEmpty(); }, 5000));
    t.cancel();
    QTest::qWait(100);
    QCOMPARE(calls, 1);
    QVERIFY(error);
    QCOMPARE(error->code, ErrorCode::Cancelled);
    QVERIFY(!t.isBusy());
}

// HttpDeviceServer writes like esp_http_server: status line, headers and body as separate sends with
// Nagle on (§6.2). Ten requests on one keep-alive connection must all parse and keep the one session.
// The latency this costs without TCP_QUICKACK is measured in bench/bench_http_latency.cpp, not here.
void TestHttpTransport::keepsAliveAgainstSplitDeviceWrites()
{
    DeviceConfig config;
    config.secVer = 0;
    auto device = SimulatedDevice::create(config);
    QVERIFY(device);
    HttpDeviceServer server(device.value().get());
    QVERIFY2(server.listen(QHostAddress::LocalHost, 0), qPrintable(server.errorString()));
    QStringList handled;
    connect(&server, &HttpDeviceServer::requestHandled, this, [&handled](const QString &s) { handled << s; });

    HttpTransport t(QStringLiteral("127.0.0.1"), server.port());
    QSignalSpy resets(&t, &Transport::sessionReset);
    QByteArray first;
    QByteArray cookie;
    for (int i = 0; i < 10; ++i) {
        const Result<QByteArray> r = exchange(t, QStringLiteral("proto-ver"), "---");
        QVERIFY2(r, qPrintable(r ? QString() : r.error().toString()));
        QVERIFY(!r.value().isEmpty());
        if (i == 0) {
            first = r.value();
            cookie = t.sessionCookie();
            QVERIFY(cookie.startsWith("session="));
        }
        QCOMPARE(r.value(), first);
        QCOMPARE(t.sessionCookie(), cookie); // one session: the device never sent a new cookie
    }
    QCOMPARE(resets.size(), 0);
    QCOMPARE(handled.size(), 10);
}

void TestHttpTransport::armsQuickAckOnAConnectedSocket()
{
    QVERIFY(!tcp::armQuickAck(-1));
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, server.serverPort());
    QVERIFY(socket.waitForConnected(5000));
#ifdef Q_OS_LINUX
    QVERIFY(tcp::armQuickAck(socket.socketDescriptor()));
#else
    QVERIFY(!tcp::armQuickAck(socket.socketDescriptor())); // documented no-op
#endif
}

QTEST_GUILESS_MAIN(TestHttpTransport)
#include "tst_httptransport.moc"
