// SPDX-License-Identifier: Apache-2.0
#include "session/wifiscanmodel.h"

#include "session/wifiinfo.h"

WifiScanModel::WifiScanModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int WifiScanModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant WifiScanModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const prov::ScanEntry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case SsidRole:
        return ws::displaySsid(e.ssid);
    case RssiRole:
        return e.rssi;
    case BarsRole:
        return ws::signalBars(e.rssi);
    case ChannelRole:
        return e.channel;
    case BandRole:
        return int(ws::bandForChannel(e.channel));
    case BandTextRole:
        return ws::bandName(ws::bandForChannel(e.channel));
    case BssidRole:
        return ws::formatBssid(e.bssid);
    case AuthModeRole:
        return e.authMode;
    case AuthTextRole:
        return ws::authWords(e.authMode);
    case SecuredRole:
        return ws::isSecured(e.authMode);
    case NeedsPassphraseRole:
        return ws::needsPassphrase(e.authMode);
    case SupportedRole:
        return !ws::isEnterprise(e.authMode);
    default:
        return {};
    }
}

QHash<int, QByteArray> WifiScanModel::roleNames() const
{
    return { { SsidRole, "ssid" }, { RssiRole, "rssi" }, { BarsRole, "bars" }, { ChannelRole, "channel" },
        { BandRole, "band" }, { BandTextRole, "bandText" }, { BssidRole, "bssid" },
        { AuthModeRole, "authMode" }, { AuthTextRole, "authText" }, { SecuredRole, "secured" },
        { NeedsPassphraseRole, "needsPassphrase" }, { SupportedRole, "supported" } };
}

void WifiScanModel::setEntries(const QList<prov::ScanEntry> &entries)
{
    beginResetModel();
    m_entries = entries;
    endResetModel();
    Q_EMIT countChanged();
}

void WifiScanModel::clear()
{
    setEntries({});
}

std::optional<prov::ScanEntry> WifiScanModel::strongest(const QString &ssid) const
{
    std::optional<prov::ScanEntry> best;
    for (const prov::ScanEntry &e : m_entries) {
        if (ws::displaySsid(e.ssid) == ssid && (!best || e.rssi > best->rssi))
            best = e;
    }
    return best;
}

WifiScanProxyModel::WifiScanProxyModel(WifiScanModel *source, QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSourceModel(source);
    setDynamicSortFilter(true);
    connect(this, &QAbstractItemModel::modelReset, this, &WifiScanProxyModel::countChanged);
    connect(this, &QAbstractItemModel::rowsInserted, this, &WifiScanProxyModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &WifiScanProxyModel::countChanged);
    resort();
}

void WifiScanProxyModel::setSortKey(SortKey key)
{
    if (m_sortKey == key)
        return;
    m_sortKey = key;
    resort();
    Q_EMIT sortKeyChanged();
}

void WifiScanProxyModel::setReversed(bool reversed)
{
    if (m_reversed == reversed)
        return;
    m_reversed = reversed;
    resort();
    Q_EMIT reversedChanged();
}

void WifiScanProxyModel::sortBy(SortKey key)
{
    if (key == m_sortKey) {
        setReversed(!m_reversed);
        return;
    }
    m_sortKey = key;
    m_reversed = false;
    resort();
    Q_EMIT sortKeyChanged();
    Q_EMIT reversedChanged();
}

QVariant WifiScanProxyModel::valueAt(int row, int role) const
{
    if (row < 0 || row >= rowCount())
        return {};
    return data(index(row, 0), role);
}

void WifiScanProxyModel::resort()
{
    // Always sort ascending by lessThan(); the key's natural direction and `reversed` live there.
    invalidate();
    sort(0, Qt::AscendingOrder);
}

bool WifiScanProxyModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    auto value = [](const QModelIndex &i, int role) { return i.data(role); };
    const int rssiL = value(left, WifiScanModel::RssiRole).toInt();
    const int rssiR = value(right, WifiScanModel::RssiRole).toInt();
    const QString ssidL = value(left, WifiScanModel::SsidRole).toString();
    const QString ssidR = value(right, WifiScanModel::SsidRole).toString();
    const int chL = value(left, WifiScanModel::ChannelRole).toInt();
    const int chR = value(right, WifiScanModel::ChannelRole).toInt();
    const int bySsid = ssidL.compare(ssidR, Qt::CaseInsensitive);

    // Natural order per key, as a three-way comparison: < 0 means left first.
    int primary = 0;
    switch (m_sortKey) {
    case SortKey::Signal:
        primary = rssiR - rssiL;
        break; // strongest first
    case SortKey::Ssid:
        primary = bySsid;
        break;
    case SortKey::Channel:
        primary = chL - chR;
        break;
    }
    if (primary != 0)
        return m_reversed ? primary > 0 : primary < 0;
    if (rssiL != rssiR)
        return rssiL > rssiR;
    if (bySsid != 0)
        return bySsid < 0;
    return left.row() < right.row();
}
