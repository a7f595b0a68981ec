// SPDX-License-Identifier: Apache-2.0
#include "transport/httpmessage.h"

namespace prov::http {

QByteArray Message::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

int Message::headerCount(const QByteArray &name) const
{
    int n = 0;
    for (const auto &h : headers)
        n += h.first.compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
    return n;
}

Parser::State Parser::feed(const QByteArray &bytes)
{
    if (m_state == State::Error)
        return m_state;
    m_buffer.append(bytes);
    if (m_state == State::Incomplete)
        m_state = parse();
    return m_state;
}

Parser::State Parser::fail(const char *why)
{
    m_error = why;
    m_state = State::Error;
    return m_state;
}

Parser::State Parser::parse()
{
    if (m_bodyLength < 0) {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return m_buffer.size() > m_maxHeader ? fail("header block too large") : State::Incomplete;
        if (end > m_maxHeader)
            return fail("header block too large");
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        m_current = Message {};
        m_current.startLine = lines.value(0).trimmed();
        if (m_current.startLine.isEmpty())
            return fail("empty start line");
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                return fail("malformed header line");
            m_current.headers.append({ line.left(colon).trimmed(), line.mid(colon + 1).trimmed() });
        }
        if (!m_current.header("Transfer-Encoding").isNull())
            return fail("chunked/transfer-encoded bodies are not supported");
        if (m_current.headerCount("Content-Length") > 1)
            return fail("duplicate Content-Length");
        const QByteArray lengthText = m_current.header("Content-Length");
        qsizetype length = 0;
        if (!lengthText.isNull()) {
            bool ok = false;
            length = lengthText.toLongLong(&ok);
            if (!ok || length < 0)
                return fail("invalid Content-Length");
        }
        if (length > m_maxBody)
            return fail("body larger than the limit");
        m_bodyLength = length;
        m_buffer.remove(0, end + 4);
    }
    if (m_buffer.size() < m_bodyLength)
        return State::Incomplete;
    m_current.body = m_buffer.left(m_bodyLength);
    m_buffer.remove(0, m_bodyLength);
    return State::Complete;
}

Message Parser::take()
{
    Message out = std::move(m_current);
    m_current = Message {};
    m_bodyLength = -1;
    m_state = State::Incomplete;
    if (!m_buffer.isEmpty())
        m_state = parse();
    return out;
}

QByteArray serialize(
    const QByteArray &startLine, const QList<QPair<QByteArray, QByteArray>> &headers, const QByteArray &body)
{
    QByteArray out = startLine + "\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    out += body;
    return out;
}

} // namespace prov::http
