// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the label tests share: a device's label data with a PoP-bearing §11 payload, and a loopback
// raw TCP "printer" (QTcpServer on 127.0.0.1, ephemeral port) that keeps what it receives.

#include "prov/label.h"
#include "prov/qrpayload.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

/// The label of a device `name` over `transport` ("ble" / "softap") whose sticker carries `pop`
/// (Security 2, user "wifiprov", for BLE; Security 1 otherwise), with every text field filled.
inline prov::LabelData labelTestData(const QString &name, const QString &transport, const QString &pop)
{
    prov::QrPayload qr;
    qr.name = name;
    qr.transport = transport;
    qr.pop = pop;
    const bool ble = transport == QLatin1String("ble");
    qr.username = ble ? QStringLiteral("wifiprov") : QString();
    qr.security = ble ? 2 : 1;
    prov::LabelData d;
    d.qrPayload = prov::toJson(qr);
    d.serviceName = name;
    d.address = ble ? QStringLiteral("24:0A:C4:12:34:56") : QStringLiteral("192.168.4.1:80");
    d.firmware = QStringLiteral("1.4.2");
    d.dateUtc = QDateTime(QDate(2026, 12, 6), QTime(12, 45), Qt::UTC);
    d.station = QStringLiteral("line-2");
    return d;
}

/// A raw TCP label printer on 127.0.0.1 (an ephemeral port): takes one connection at a time and keeps
/// every byte; `closed` once the sender closed the connection.
class LoopbackPrinter : public QObject
{
public:
    LoopbackPrinter()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *socket = m_server.nextPendingConnection();
            QObject::connect(
                socket, &QTcpSocket::readyRead, this, [this, socket] { received += socket->readAll(); });
            QObject::connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                received += socket->readAll();
                closed = true;
            });
        });
    }
    bool isListening() const { return m_server.isListening(); }
    quint16 port() const { return m_server.serverPort(); }
    /// Stops listening: a connection to port() is refused from now on.
    void close() { m_server.close(); }

    QByteArray received;
    bool closed = false;

private:
    QTcpServer m_server;
};
