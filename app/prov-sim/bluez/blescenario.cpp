// SPDX-License-Identifier: Apache-2.0
#include "blescenario.h"

#include <QStringList>

using namespace prov;

namespace {
struct ScenarioName
{
    BleScenarioKind kind;
    const char *name;
};
constexpr ScenarioName kNames[] = {
    { BleScenarioKind::LateName, "late-name" },
    { BleScenarioKind::RssiDrift, "rssi-drift" },
    { BleScenarioKind::Cached, "cached" },
    { BleScenarioKind::ConnectError, "connect-error" },
    { BleScenarioKind::ServicesUnresolved, "services-unresolved" },
    { BleScenarioKind::DisconnectMidExchange, "disconnect-mid-exchange" },
    { BleScenarioKind::AdapterOff, "adapter-off" },
    { BleScenarioKind::AdapterAbsent, "adapter-absent" },
    { BleScenarioKind::NotPermitted, "not-permitted" },
    { BleScenarioKind::NotAuthorized, "not-authorized" },
    { BleScenarioKind::HungReply, "hung-reply" },
    { BleScenarioKind::Bluedroid481, "bluedroid-481" },
    { BleScenarioKind::DropAfterApply, "drop-after-apply" },
};
constexpr int kDefaultLateNameMs = 300;

Error bad(const QString &what)
{
    return makeError(ErrorCode::InvalidArgument, what);
}

const char *nameOf(BleScenarioKind kind)
{
    for (const auto &n : kNames) {
        if (n.kind == kind)
            return n.name;
    }
    return "?";
}
} // namespace

bool isAdapterScenario(BleScenarioKind kind)
{
    return kind == BleScenarioKind::AdapterOff || kind == BleScenarioKind::AdapterAbsent;
}

Result<BleScenario> parseBleScenario(const QString &text)
{
    const QStringList parts = text.trimmed().split(QLatin1Char(':'));
    BleScenario s;
    const auto known = std::find_if(std::begin(kNames), std::end(kNames),
        [&](const ScenarioName &n) { return parts.first() == QLatin1String(n.name); });
    if (known == std::end(kNames))
        return bad(QStringLiteral("unknown BLE scenario '%1'").arg(text));
    s.kind = known->kind;
    const QStringList args = parts.mid(1);
    auto number = [&](int index, int min, int *out) -> bool {
        bool ok = false;
        const int v = args.at(index).toInt(&ok);
        if (!ok || v < min)
            return false;
        *out = v;
        return true;
    };
    switch (s.kind) {
    case BleScenarioKind::LateName:
        s.delayMs = kDefaultLateNameMs;
        if (args.size() > 1 || (args.size() == 1 && !number(0, 0, &s.delayMs)))
            return bad(QStringLiteral("late-name takes one argument, a delay in ms: '%1'").arg(text));
        break;
    case BleScenarioKind::DisconnectMidExchange:
    case BleScenarioKind::HungReply: {
        const int max = s.kind == BleScenarioKind::HungReply ? 3 : 2;
        if (args.size() > max)
            return bad(QStringLiteral("too many arguments in '%1'").arg(text));
        s.endpoint = args.value(0);
        if (args.size() > 1 && !number(1, 0, &s.occurrence))
            return bad(QStringLiteral("N must be a number >= 0 in '%1'").arg(text));
        if (args.size() > 2) {
            if (args.at(2) != QLatin1String("read"))
                return bad(QStringLiteral("hung-reply's last argument can only be 'read': '%1'").arg(text));
            s.onRead = true;
        }
        break;
    }
    case BleScenarioKind::NotPermitted:
    case BleScenarioKind::NotAuthorized:
        if (args.size() > 1)
            return bad(QStringLiteral("too many arguments in '%1'").arg(text));
        s.endpoint = args.value(0);
        s.occurrence = 0;
        break;
    default:
        if (!args.isEmpty())
            return bad(QStringLiteral("BLE scenario '%1' takes no arguments").arg(parts.first()));
        s.occurrence = 0;
        break;
    }
    return s;
}

Result<QList<BleScenario>> parseBleScenarioList(const QString &text)
{
    QList<BleScenario> list;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed == QLatin1String("none"))
        return list;
    for (const QString &part : trimmed.split(QLatin1Char(','))) {
        auto s = parseBleScenario(part);
        if (!s)
            return s.error();
        list.append(*s);
    }
    return list;
}

QString bleScenarioToString(const BleScenario &s)
{
    QString text = QString::fromLatin1(nameOf(s.kind));
    switch (s.kind) {
    case BleScenarioKind::LateName:
        text += QStringLiteral(":%1").arg(s.delayMs);
        break;
    case BleScenarioKind::DisconnectMidExchange:
    case BleScenarioKind::HungReply:
        text += QStringLiteral(":%1:%2").arg(s.endpoint).arg(s.occurrence);
        if (s.onRead)
            text += QStringLiteral(":read");
        break;
    case BleScenarioKind::NotPermitted:
    case BleScenarioKind::NotAuthorized:
        if (!s.endpoint.isEmpty())
            text += QLatin1Char(':') + s.endpoint;
        break;
    default:
        break;
    }
    return text;
}
