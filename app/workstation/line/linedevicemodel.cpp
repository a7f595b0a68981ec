// SPDX-License-Identifier: Apache-2.0
#include "line/linedevicemodel.h"

#include "session/erroradvice.h"

namespace {
QString transportText(prov::TransportKind kind)
{
    return kind == prov::TransportKind::Ble ? QStringLiteral("BLE") : QStringLiteral("SoftAP");
}
} // namespace

LineDeviceModel::LineDeviceModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int LineDeviceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_devices.size());
}

QVariant LineDeviceModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= m_devices.size())
        return {};
    const prov::LineDeviceStatus &d = m_devices.at(index.row());
    auto advice = [&d] {
        return ws::adviceFor(
            d.lastError->code, ws::ErrorContext::Any, d.transport == prov::TransportKind::Ble);
    };
    switch (role) {
    case KeyRole:
        return d.key;
    case Qt::DisplayRole:
    case ServiceNameRole:
        return d.serviceName;
    case TransportRole:
        return QVariant::fromValue(d.transport);
    case TransportTextRole:
        return transportText(d.transport);
    case AddressRole:
        return d.address;
    case StateRole:
        return int(d.state);
    case AttemptsRole:
        return d.attempts;
    case RssiDbmRole:
        return d.rssiDbm ? QVariant(*d.rssiDbm) : QVariant();
    case RssiTextRole:
        return d.rssiDbm ? QStringLiteral("%1 dBm").arg(*d.rssiDbm) : QStringLiteral("—");
    case LaneRole:
        return d.lane;
    case SourceRole:
        return d.source;
    case StepRole:
        return d.stepName;
    case ProgressRole:
        return d.progressPercent / 100.0;
    case ErrorCodeRole:
        return d.lastError ? int(d.lastError->code) : 0;
    case ErrorNameRole:
        return d.lastError ? prov::errorCodeName(d.lastError->code) : QString();
    case ErrorHeadlineRole:
        return d.lastError ? advice().headline : QString();
    case ErrorAdviceRole:
        return d.lastError ? advice().advice : QString();
    case ErrorDetailRole:
        return d.lastError ? d.lastError->detail : QString();
    default:
        return {};
    }
}

QHash<int, QByteArray> LineDeviceModel::roleNames() const
{
    return {
        { KeyRole, "key" },
        { ServiceNameRole, "serviceName" },
        { TransportRole, "transport" },
        { TransportTextRole, "transportText" },
        { AddressRole, "address" },
        { StateRole, "state" },
        { AttemptsRole, "attempts" },
        { RssiDbmRole, "rssiDbm" },
        { RssiTextRole, "rssiText" },
        { LaneRole, "lane" },
        { SourceRole, "source" },
        { StepRole, "step" },
        { ProgressRole, "progress" },
        { ErrorCodeRole, "errorCode" },
        { ErrorNameRole, "errorName" },
        { ErrorHeadlineRole, "errorHeadline" },
        { ErrorAdviceRole, "errorAdvice" },
        { ErrorDetailRole, "errorDetail" },
    };
}

void LineDeviceModel::upsert(const prov::LineDeviceStatus &status)
{
    const int row = rowOf(status.key);
    if (row >= 0) {
        m_devices[row] = status;
        const QModelIndex i = index(row);
        Q_EMIT dataChanged(i, i);
        return;
    }
    const int at = int(m_devices.size());
    beginInsertRows({}, at, at);
    m_devices.append(status);
    m_rows.insert(status.key, at);
    endInsertRows();
    Q_EMIT countChanged();
}

void LineDeviceModel::clear()
{
    beginResetModel();
    m_devices.clear();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
}

QString LineDeviceModel::keyAt(int row) const
{
    return row >= 0 && row < m_devices.size() ? m_devices.at(row).key : QString();
}

LineFailedModel::LineFailedModel(LineDeviceModel *source, QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSourceModel(source);
    setDynamicSortFilter(true);
    connect(this, &QAbstractItemModel::rowsInserted, this, &LineFailedModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &LineFailedModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &LineFailedModel::countChanged);
}

bool LineFailedModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex i = sourceModel()->index(sourceRow, 0, sourceParent);
    return i.data(LineDeviceModel::StateRole).toInt() == int(prov::LineDeviceState::Failed);
}
