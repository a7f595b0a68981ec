// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal: the small HTTP/1.1 subset protocomm_httpd speaks (docs/protocol.md §6.2): one message per
// request/response, Content-Length framing only (esp_http_server does not support chunked
// bodies), keep-alive. Shared by the client (HttpTransport) and the device front end
// (HttpDeviceServer) so that both frame messages identically.

#include <QByteArray>
#include <QList>
#include <QPair>

namespace prov::http {

/// One parsed HTTP message.
struct Message
{
    QByteArray startLine; ///< "POST /prov-session HTTP/1.1" or "HTTP/1.1 200 OK"
    QList<QPair<QByteArray, QByteArray>> headers; ///< in order; names as sent
    QByteArray body;

    /// The first header with this name (case-insensitive), or a null QByteArray.
    QByteArray header(const QByteArray &name) const;
    /// Number of headers with this name.
    int headerCount(const QByteArray &name) const;
};

/// Incremental parser. feed() appends bytes; take() returns a complete message once available.
class Parser
{
public:
    enum class State { Incomplete, Complete, Error };

    /// `maxBodyBytes`: larger Content-Length is an error (device: 4096 B, §6.2).
    explicit Parser(qsizetype maxBodyBytes, qsizetype maxHeaderBytes = 8192)
        : m_maxBody(maxBodyBytes)
        , m_maxHeader(maxHeaderBytes)
    { }

    /// Appends `bytes` and parses as far as possible.
    State feed(const QByteArray &bytes);
    State state() const { return m_state; }
    /// Why the state is Error (for logs; never contains body bytes).
    QByteArray errorText() const { return m_error; }
    /// Bytes received so far for the current message (0 = nothing yet).
    qsizetype bufferedBytes() const { return m_buffer.size(); }
    /// Removes and returns the complete message; parsing then continues with any pipelined bytes.
    Message take();

private:
    State parse();
    State fail(const char *why);

    qsizetype m_maxBody;
    qsizetype m_maxHeader;
    QByteArray m_buffer;
    Message m_current;
    qsizetype m_bodyLength = -1; ///< -1 until the header block is parsed
    State m_state = State::Incomplete;
    QByteArray m_error;
};

/// Serialises a message: start line, headers, Content-Length (always), blank line, body.
QByteArray serialize(
    const QByteArray &startLine, const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body);

} // namespace prov::http
