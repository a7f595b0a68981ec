// SPDX-License-Identifier: Apache-2.0
// The line record's connection string: libpq's keyword/value form (PostgreSQL 15 manual, section 34.1.1
// "Keyword/Value Connection Strings" and section 34.1.2 "Parameter Key Words"), checked before it is stored
// or used, and masked for display.
#include "prov/record.h"

#include "record/recordcommon.h"

#include <QSet>

#include <algorithm>
#include <optional>

namespace prov {

namespace {

struct Pair
{
    QString keyword;
    QString value;
    qsizetype valueFrom = 0; // the value's span in the original text (quotes included)
    qsizetype valueTo = 0;
};

// libpq 15's keywords (manual section 34.1.2). `password` and `sslpassword` are known but refused.
const QSet<QString> &knownKeywords()
{
    static const QSet<QString> keywords {
        QStringLiteral("host"),
        QStringLiteral("hostaddr"),
        QStringLiteral("port"),
        QStringLiteral("dbname"),
        QStringLiteral("user"),
        QStringLiteral("password"),
        QStringLiteral("passfile"),
        QStringLiteral("channel_binding"),
        QStringLiteral("connect_timeout"),
        QStringLiteral("client_encoding"),
        QStringLiteral("options"),
        QStringLiteral("application_name"),
        QStringLiteral("fallback_application_name"),
        QStringLiteral("keepalives"),
        QStringLiteral("keepalives_idle"),
        QStringLiteral("keepalives_interval"),
        QStringLiteral("keepalives_count"),
        QStringLiteral("tcp_user_timeout"),
        QStringLiteral("replication"),
        QStringLiteral("gssencmode"),
        QStringLiteral("sslmode"),
        QStringLiteral("requiressl"),
        QStringLiteral("sslcompression"),
        QStringLiteral("sslcert"),
        QStringLiteral("sslkey"),
        QStringLiteral("sslpassword"),
        QStringLiteral("sslrootcert"),
        QStringLiteral("sslcrl"),
        QStringLiteral("sslcrldir"),
        QStringLiteral("sslsni"),
        QStringLiteral("requirepeer"),
        QStringLiteral("ssl_min_protocol_version"),
        QStringLiteral("ssl_max_protocol_version"),
        QStringLiteral("krbsrvname"),
        QStringLiteral("gsslib"),
        QStringLiteral("service"),
        QStringLiteral("target_session_attrs"),
    };
    return keywords;
}

bool isSecretKeyword(const QString &keyword)
{
    return keyword == u"password" || keyword == u"sslpassword";
}

Error invalid(const QString &why)
{
    return makeError(ErrorCode::InvalidArgument, QStringLiteral("line record connection: ") + why);
}

// Splits `text` into keyword/value pairs. A single bare word is a service name. Errors name a
// keyword or a position, never a value.
Result<QList<Pair>> parse(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return invalid(QStringLiteral("empty"));
    if (trimmed.startsWith(u"postgresql://") || trimmed.startsWith(u"postgres://"))
        return invalid(QStringLiteral("write keyword=value pairs (host=… dbname=…), not a URI"));
    if (text.contains(u';'))
        return invalid(QStringLiteral("';' cannot be used (Qt's driver splits options on it)"));
    if (!trimmed.contains(u'=') && !trimmed.contains(u' ')) {
        Pair service { QStringLiteral("service"), trimmed, 0, 0 };
        return QList<Pair> { service };
    }
    QList<Pair> pairs;
    qsizetype i = 0;
    const qsizetype n = text.size();
    auto skipSpace = [&] {
        while (i < n && text[i].isSpace())
            ++i;
    };
    while (true) {
        skipSpace();
        if (i >= n)
            break;
        const qsizetype keyFrom = i;
        while (i < n && text[i] != u'=' && !text[i].isSpace())
            ++i;
        const QString keyword = text.mid(keyFrom, i - keyFrom);
        skipSpace();
        if (i >= n || text[i] != u'=')
            return invalid(QStringLiteral("'%1' has no '=' and value").arg(keyword.left(40)));
        ++i;
        skipSpace();
        Pair p;
        p.keyword = keyword;
        p.valueFrom = i;
        if (i < n && text[i] == u'\'') {
            ++i;
            bool closed = false;
            while (i < n) {
                if (text[i] == u'\\' && i + 1 < n) {
                    p.value += text[i + 1];
                    i += 2;
                } else if (text[i] == u'\'') {
                    ++i;
                    closed = true;
                    break;
                } else {
                    p.value += text[i++];
                }
            }
            if (!closed)
                return invalid(
                    QStringLiteral("the value of '%1' has no closing quote").arg(keyword.left(40)));
        } else {
            while (i < n && !text[i].isSpace()) {
                if (text[i] == u'\\' && i + 1 < n) {
                    p.value += text[i + 1];
                    i += 2;
                } else {
                    p.value += text[i++];
                }
            }
        }
        p.valueTo = i;
        pairs.append(p);
    }
    return pairs;
}

} // namespace

Status checkLineConnection(const QString &connection)
{
    Result<QList<Pair>> pairs = parse(connection);
    if (!pairs)
        return pairs.error();
    for (const Pair &p : *pairs) {
        if (isSecretKeyword(p.keyword))
            return invalid(
                QStringLiteral("'%1' is not accepted: put the password in ~/.pgpass, PGPASSFILE or a "
                               "service file (libpq finds it there)")
                    .arg(p.keyword));
        if (!knownKeywords().contains(p.keyword))
            return invalid(QStringLiteral("'%1' is not a libpq keyword").arg(p.keyword.left(40)));
    }
    return {};
}

QString maskLineConnection(const QString &connection)
{
    Result<QList<Pair>> pairs = parse(connection);
    if (!pairs) {
        // Unparseable (a URI may carry user:password@): show nothing of it.
        return QStringLiteral("***");
    }
    QString out = connection;
    // Right to left, so that earlier spans stay valid.
    for (auto it = pairs->crbegin(); it != pairs->crend(); ++it) {
        if (isSecretKeyword(it->keyword))
            out.replace(it->valueFrom, it->valueTo - it->valueFrom, QStringLiteral("***"));
    }
    return out.trimmed();
}

namespace record {

Result<QString> lineConnectOptions(const LineRecordConfig &config)
{
    if (Status s = checkLineConnection(config.connection); !s)
        return s.error();
    Result<QList<Pair>> pairs = parse(config.connection);
    bool hasTimeout = false;
    bool hasAppName = false;
    bool hasKeepalives = false;
    bool hasUserTimeout = false;
    QString options;
    for (const Pair &p : *pairs) {
        hasTimeout = hasTimeout || p.keyword == u"connect_timeout";
        hasAppName = hasAppName || p.keyword == u"fallback_application_name";
        hasKeepalives = hasKeepalives || p.keyword.startsWith(u"keepalives");
        hasUserTimeout = hasUserTimeout || p.keyword == u"tcp_user_timeout";
        // Re-quoted: libpq reads 'value' with \' and \\ escaped.
        QString value = p.value;
        value.replace(u'\\', QStringLiteral("\\\\"));
        value.replace(u'\'', QStringLiteral("\\'"));
        options += p.keyword + QStringLiteral("='") + value + QStringLiteral("' ");
    }
    if (!hasTimeout) {
        // libpq counts whole seconds and treats 1 as 2.
        const int seconds = std::max(2, (config.connectTimeoutMs + 999) / 1000);
        options += QStringLiteral("connect_timeout=%1 ").arg(seconds);
    }
    // A network that drops the server's packets (a cut cable, a switch gone) is noticed within about
    // 20 s instead of the kernel's hours: TCP keepalives after 5 s idle, every 5 s, 3 misses; and data
    // not acknowledged for 20 s closes the connection (tcp_user_timeout, ms).
    if (!hasKeepalives)
        options += QStringLiteral("keepalives=1 keepalives_idle=5 keepalives_interval=5 keepalives_count=3 ");
    if (!hasUserTimeout)
        options += QStringLiteral("tcp_user_timeout=20000 ");
    if (!hasAppName)
        options += QStringLiteral("fallback_application_name=provisioning-station");
    return options.trimmed();
}

} // namespace record
} // namespace prov
