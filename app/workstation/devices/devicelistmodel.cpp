// SPDX-License-Identifier: Apache-2.0
#include "devices/devicelistmodel.h"

#include "applogging.h"
#include "devices/devicesource.h"

#include "prov/softap.h"

DeviceListModel::DeviceListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int DeviceListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

namespace {
QString originText(int origins)
{
    QStringList parts;
    if (origins & int(DeviceOrigin::Manifest))
        parts << DeviceListModel::tr("Manifest");
    if (origins & int(DeviceOrigin::Qr))
        parts << DeviceListModel::tr("QR");
    if (origins & int(DeviceOrigin::Manual))
        parts << DeviceListModel::tr("Manual");
    if (origins & int(DeviceOrigin::Ble))
        parts << DeviceListModel::tr("BLE scan");
    if (origins & int(DeviceOrigin::Wifi))
        parts << DeviceListModel::tr("Wi-Fi scan");
    return parts.join(QStringLiteral(" + "));
}
} // namespace

QVariant DeviceListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const DeviceEntry &e = row.entry;
    switch (role) {
    case Qt::DisplayRole:
    case ServiceNameRole:
        return e.serviceName;
    case TransportRole:
        return QVariant::fromValue(e.transport);
    case TransportTextRole:
        return prov::transportKindDisplayName(e.transport);
    case AddressRole:
        return e.displayAddress();
    case AddressKnownRole:
        return e.addressKnown();
    case RssiRole:
        return e.rssi ? QVariant(*e.rssi) : QVariant();
    case RssiTextRole:
        return e.rssi ? tr("%1 dBm").arg(*e.rssi) : QStringLiteral("—");
    case SecVerRole:
        return e.secVer.value_or(-1);
    case StateRole:
        return int(row.state);
    case FailureRole:
        return row.failure;
    case SourceRole:
        return originText(e.origins);
    case OriginsRole:
        return e.origins;
    case HasCredentialsRole:
        return !e.credentials.isEmpty();
    case CachedRole:
        return e.cached;
    case SignalPercentRole:
        return e.signalPercent ? QVariant(*e.signalPercent) : QVariant();
    case SignalTextRole:
        if (e.rssi)
            return tr("%1 dBm").arg(*e.rssi);
        if (e.signalPercent)
            return tr("%1 %").arg(*e.signalPercent);
        return QStringLiteral("—");
    case ApSecurityTextRole:
        return e.apSecurity ? prov::apSecurityDisplayName(prov::ApSecurity(*e.apSecurity)) : QString();
    case JoinsSoftApRole:
        return e.joinsSoftAp();
    case WifiInterfaceRole:
        return e.wifiInterface;
    default:
        return {};
    }
}

QHash<int, QByteArray> DeviceListModel::roleNames() const
{
    return { { ServiceNameRole, "serviceName" }, { TransportRole, "transport" }, { AddressRole, "address" },
        { AddressKnownRole, "addressKnown" }, { RssiRole, "rssi" }, { RssiTextRole, "rssiText" },
        { SecVerRole, "secVer" }, { StateRole, "state" }, { FailureRole, "failure" },
        { SourceRole, "source" }, { OriginsRole, "origins" }, { HasCredentialsRole, "hasCredentials" },
        { CachedRole, "cached" }, { TransportTextRole, "transportText" },
        { SignalPercentRole, "signalPercent" }, { SignalTextRole, "signalText" },
        { ApSecurityTextRole, "apSecurityText" }, { JoinsSoftApRole, "joinsSoftAp" },
        { WifiInterfaceRole, "wifiInterface" } };
}

void DeviceListModel::addSource(DeviceSource *source)
{
    connect(source, &DeviceSource::deviceSeen, this, &DeviceListModel::upsert);
    connect(source, &DeviceSource::deviceLost, this, [this, source](const QString &key) {
        const int r = rowOf(key);
        if (r < 0)
            return;
        // Only forget rows that nobody worked on and no other source vouches for.
        Row &row = m_rows[r];
        row.entry.origins &= ~int(source->origin());
        if (row.entry.origins == int(DeviceOrigin::None) && row.state == State::New)
            remove(key);
    });
}

void DeviceListModel::upsert(const DeviceEntry &entry)
{
    if (entry.serviceName.isEmpty())
        return;
    const int r = rowOf(entry.key());
    if (r < 0) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
        m_rows.append(Row { entry, State::New, {} });
        endInsertRows();
        Q_EMIT countChanged();
        return;
    }
    m_rows[r].entry.mergeFrom(entry);
    Q_EMIT dataChanged(index(r), index(r));
    Q_EMIT entryChanged(entry.key());
}

void DeviceListModel::remove(const QString &key)
{
    const int r = rowOf(key);
    if (r < 0)
        return;
    beginRemoveRows({}, r, r);
    m_rows.removeAt(r);
    endRemoveRows();
    Q_EMIT countChanged();
}

void DeviceListModel::setState(const QString &key, State state, const QString &failure)
{
    const int r = rowOf(key);
    if (r < 0)
        return;
    Row &row = m_rows[r];
    const QString newFailure = state == State::Failed ? failure : QString();
    if (row.state == state && row.failure == newFailure)
        return;
    row.state = state;
    row.failure = newFailure;
    Q_EMIT dataChanged(index(r), index(r), { StateRole, FailureRole });
}

std::optional<DeviceEntry> DeviceListModel::entry(const QString &key) const
{
    const int r = rowOf(key);
    if (r < 0)
        return std::nullopt;
    return m_rows.at(r).entry;
}

DeviceListModel::State DeviceListModel::state(const QString &key) const
{
    const int r = rowOf(key);
    return r < 0 ? State::New : m_rows.at(r).state;
}

int DeviceListModel::rowOf(const QString &key) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).entry.key() == key)
            return i;
    }
    return -1;
}

bool DeviceListModel::setAddress(const QString &key, const QString &address)
{
    const int r = rowOf(key);
    QString host;
    quint16 port = 0;
    if (r < 0 || !parseHostPort(address, &host, &port))
        return false;
    DeviceEntry &e = m_rows[r].entry;
    if (e.host == host && e.port == port)
        return true;
    e.host = host;
    e.port = port;
    qCInfo(lcWsDevices) << "address of" << key << "set to" << e.displayAddress();
    Q_EMIT dataChanged(index(r), index(r), { AddressRole, AddressKnownRole, JoinsSoftApRole });
    Q_EMIT entryChanged(key);
    return true;
}

DeviceFilterModel::DeviceFilterModel(DeviceListModel *source, QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSourceModel(source);
    setSortRole(DeviceListModel::ServiceNameRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setDynamicSortFilter(true);
    sort(0);
    connect(this, &QAbstractItemModel::modelReset, this, &DeviceFilterModel::countChanged);
    connect(this, &QAbstractItemModel::rowsInserted, this, &DeviceFilterModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &DeviceFilterModel::countChanged);
}

void DeviceFilterModel::setFilterText(const QString &text)
{
    if (m_filterText == text)
        return;
    m_filterText = text;
    invalidateFilter();
    Q_EMIT filterTextChanged();
    Q_EMIT countChanged();
}

QString DeviceFilterModel::keyAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return {};
    return index(row, 0).data(DeviceListModel::ServiceNameRole).toString();
}

int DeviceFilterModel::rowOfKey(const QString &key) const
{
    for (int r = 0; r < rowCount(); ++r) {
        if (index(r, 0).data(DeviceListModel::ServiceNameRole).toString() == key)
            return r;
    }
    return -1;
}

bool DeviceFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_filterText.isEmpty())
        return true;
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    return i.data(DeviceListModel::ServiceNameRole).toString().contains(m_filterText, Qt::CaseInsensitive)
        || i.data(DeviceListModel::AddressRole).toString().contains(m_filterText, Qt::CaseInsensitive);
}
