// SPDX-License-Identifier: Apache-2.0
#pragma once

// Reads ZPL II back for the label tests: the command stream split into commands (`^XA`, `^FO10,20`,
// ...) and ^FH field data decoded, so a test checks a label field by field.

#include <QByteArray>
#include <QList>

struct ZplCommand
{
    QByteArray name; ///< two letters after '^' ("FO", "BQ", "FD", ...)
    QByteArray args; ///< the rest up to the next '^' (newlines between commands dropped)
    bool operator==(const ZplCommand &) const = default;
};

/// The commands of `zpl` in order. Field data escaped with ^FH holds no '^', so splitting at '^' is exact.
inline QList<ZplCommand> zplCommands(const QByteArray &zpl)
{
    QList<ZplCommand> out;
    const QList<QByteArray> parts = zpl.split('^');
    for (qsizetype i = 1; i < parts.size(); ++i) {
        QByteArray part = parts.at(i);
        while (part.endsWith('\n'))
            part.chop(1);
        out.append({ part.left(2), part.mid(2) });
    }
    return out;
}

/// Decodes ^FH data (hex indicator '_': `_5E` is '^').
inline QByteArray zplUnescape(const QByteArray &data)
{
    QByteArray out;
    for (qsizetype i = 0; i < data.size(); ++i) {
        if (data.at(i) == '_' && i + 2 < data.size()) {
            out += char(data.mid(i + 1, 2).toInt(nullptr, 16));
            i += 2;
        } else {
            out += data.at(i);
        }
    }
    return out;
}

/// The first command called `name`, or an empty one.
inline ZplCommand zplFind(const QList<ZplCommand> &commands, const char *name)
{
    for (const ZplCommand &c : commands) {
        if (c.name == name)
            return c;
    }
    return {};
}

/// The decoded data of every ^FD, in order.
inline QList<QByteArray> zplFieldValues(const QList<ZplCommand> &commands)
{
    QList<QByteArray> out;
    for (const ZplCommand &c : commands) {
        if (c.name == "FD")
            out.append(zplUnescape(c.args));
    }
    return out;
}
