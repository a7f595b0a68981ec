// SPDX-License-Identifier: Apache-2.0
#include "journal.h"

#include <QDBusMessage>

namespace {
// A test that never clears the journal must not grow prov-sim without bound.
constexpr int kMaxEntries = 100000;
} // namespace

bool Journal::openFile(const QString &path)
{
    m_file.setFileName(path);
    m_clock.start();
    return m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text);
}

void Journal::append(const QString &entry)
{
    if (m_entries.size() >= kMaxEntries)
        m_entries.removeFirst();
    m_entries.append(entry);
    if (m_file.isOpen()) {
        m_file.write(QByteArray::number(m_clock.elapsed()) + ' ' + entry.toUtf8() + '\n');
        m_file.flush();
    }
    if (m_echo)
        m_echo(entry);
}

void Journal::appendCall(const QDBusMessage &call, const QString &details, const QString &outcome)
{
    append(QStringLiteral("%1 %2%3 => %4")
               .arg(call.member(), call.path(), details.isEmpty() ? QString() : QLatin1Char(' ') + details,
                   outcome));
}

void Journal::event(const QString &what, const QString &path, const QString &details)
{
    append(QStringLiteral("event %1 %2").arg(what, path)
        + (details.isEmpty() ? QString() : QLatin1Char(' ') + details));
}
