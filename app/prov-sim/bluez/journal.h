// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QElapsedTimer>
#include <QFile>
#include <QStringList>

#include <functional>

class QDBusMessage;

/// The fake org.bluez's call journal (docs/prov-sim.md "Journal"): one entry per D-Bus call received,
/// `<Member> <path>[ key=value]* => <outcome>`, plus `event <what> <path>[ key=value]*` lines for what
/// the fake did on its own. Never payload bytes (they may hold secrets): sizes only.
class Journal
{
public:
    /// Also appends every entry to @p path ("<ms since start> <entry>"). false if it cannot be opened.
    bool openFile(const QString &path);
    QString fileError() const { return m_file.errorString(); }

    /// Also hands every entry to @p echo (prov-sim --verbose prints them on stderr).
    void setEcho(std::function<void(const QString &)> echo) { m_echo = std::move(echo); }

    void append(const QString &entry);
    /// Appends `<Member> <path>[ details] => <outcome>` for a D-Bus call received.
    void appendCall(const QDBusMessage &call, const QString &details, const QString &outcome);
    /// Appends `event <what> <path>[ details]`.
    void event(const QString &what, const QString &path, const QString &details = {});
    const QStringList &entries() const { return m_entries; }
    void clear() { m_entries.clear(); }

private:
    QStringList m_entries;
    QFile m_file;
    QElapsedTimer m_clock;
    std::function<void(const QString &)> m_echo;
};
