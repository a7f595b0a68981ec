// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared by tst_security_vectors and tst_security_roundtrip: deterministic RandomSources and
// shared/vectors loading.

#include "prov/random.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <QtEndian>

namespace provtest {

/// Replays recorded random draws in order. Every draw must be requested with its recorded size;
/// mismatches and over-consumption are recorded in `problems()` (a RandomSource cannot fail).
class ReplayRandom : public prov::RandomSource
{
public:
    explicit ReplayRandom(QList<QByteArray> draws)
        : m_draws(std::move(draws))
    { }

    QByteArray bytes(int size) override
    {
        if (m_next >= m_draws.size()) {
            m_problems << QStringLiteral("draw %1 (%2 bytes) requested but only %3 recorded")
                              .arg(m_next)
                              .arg(size)
                              .arg(m_draws.size());
            ++m_next;
            return QByteArray(size, '\0');
        }
        const QByteArray draw = m_draws.at(m_next);
        if (draw.size() != size)
            m_problems << QStringLiteral("draw %1: %2 bytes requested, %3 recorded")
                              .arg(m_next)
                              .arg(size)
                              .arg(draw.size());
        ++m_next;
        return draw;
    }

    bool allConsumed() const { return m_next == m_draws.size(); }
    QStringList problems() const { return m_problems; }

private:
    QList<QByteArray> m_draws;
    qsizetype m_next = 0;
    QStringList m_problems;
};

/// A deterministic "random" stream: block[i] = SHA-256(label ‖ BE64(i)), concatenated. Used to
/// search reproducibly for sessions with particular properties.
class CounterRandom : public prov::RandomSource
{
public:
    explicit CounterRandom(QByteArray label, quint64 start = 0)
        : m_label(std::move(label))
        , m_counter(start)
    { }

    QByteArray bytes(int size) override
    {
        QByteArray out;
        while (out.size() < size) {
            QByteArray block = m_label;
            block.resize(m_label.size() + 8);
            qToBigEndian<quint64>(m_counter++, block.data() + m_label.size());
            out += QCryptographicHash::hash(block, QCryptographicHash::Sha256);
        }
        out.truncate(size);
        return out;
    }

    quint64 counter() const { return m_counter; }

private:
    QByteArray m_label;
    quint64 m_counter;
};

inline QByteArray hex(const char *text)
{
    return QByteArray::fromHex(text);
}

inline QByteArray hexField(const QJsonObject &object, const QString &key)
{
    return QByteArray::fromHex(object.value(key).toString().toLatin1());
}

/// Loads shared/vectors/<name> (PROV_VECTORS_DIR is defined by prov_add_test). Empty on failure.
inline QJsonObject loadVector(const QString &name)
{
    QFile file(QStringLiteral(PROV_VECTORS_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

/// The exchanges of one endpoint, in order.
inline QList<QJsonObject> exchangesFor(
    const QJsonObject &vector, const QString &endpoint, bool invert = false)
{
    QList<QJsonObject> out;
    for (const QJsonValue &value : vector.value(QStringLiteral("exchanges")).toArray()) {
        const QJsonObject exchange = value.toObject();
        if ((exchange.value(QStringLiteral("endpoint")).toString() == endpoint) != invert)
            out << exchange;
    }
    return out;
}

/// The encrypted-endpoint exchanges (everything except proto-ver and prov-session), in order.
inline QList<QJsonObject> dataExchanges(const QJsonObject &vector)
{
    QList<QJsonObject> out;
    for (const QJsonObject &exchange : exchangesFor(vector, QStringLiteral("prov-session"), true)) {
        if (exchange.contains(QStringLiteral("request_plaintext_hex")))
            out << exchange;
    }
    return out;
}

} // namespace provtest
