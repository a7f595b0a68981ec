// SPDX-License-Identifier: Apache-2.0
#include "line/lanelistmodel.h"

#include <QDateTime>

#include <algorithm>

LaneListModel::LaneListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int LaneListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_lanes.size());
}

QVariant LaneListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() < 0 || index.row() >= m_lanes.size())
        return {};
    const Lane &l = m_lanes.at(index.row());
    switch (role) {
    case LaneRole:
        return index.row();
    case BusyRole:
        return !l.deviceKey.isEmpty();
    case DeviceKeyRole:
        return l.deviceKey;
    case Qt::DisplayRole:
    case ServiceNameRole:
        return l.serviceName;
    case TransportRole:
        return QVariant::fromValue(l.transport);
    case StepRole:
        return l.step;
    case ProgressRole:
        return l.progress;
    case ElapsedMsRole:
        return l.startedAtMs > 0 ? double(std::max<qint64>(0, m_nowMs - l.startedAtMs)) : 0.0;
    case AttemptRole:
        return l.attempt;
    default:
        return {};
    }
}

QHash<int, QByteArray> LaneListModel::roleNames() const
{
    return {
        { LaneRole, "lane" },
        { BusyRole, "busy" },
        { DeviceKeyRole, "deviceKey" },
        { ServiceNameRole, "serviceName" },
        { TransportRole, "transport" },
        { StepRole, "step" },
        { ProgressRole, "progress" },
        { ElapsedMsRole, "elapsedMs" },
        { AttemptRole, "attempt" },
    };
}

void LaneListModel::reset(int count)
{
    beginResetModel();
    m_lanes = QList<Lane>(std::max(count, 0));
    m_nowMs = QDateTime::currentMSecsSinceEpoch();
    endResetModel();
    Q_EMIT countChanged();
}

void LaneListModel::setLane(int lane, const Lane &value)
{
    if (lane < 0 || lane >= m_lanes.size() || m_lanes.at(lane) == value)
        return;
    m_lanes[lane] = value;
    m_nowMs = std::max(m_nowMs, QDateTime::currentMSecsSinceEpoch());
    const QModelIndex i = index(lane);
    Q_EMIT dataChanged(i, i);
}

void LaneListModel::tick(qint64 nowMs)
{
    m_nowMs = nowMs;
    for (int row = 0; row < m_lanes.size(); ++row) {
        if (m_lanes.at(row).startedAtMs > 0) {
            const QModelIndex i = index(row);
            Q_EMIT dataChanged(i, i, { ElapsedMsRole });
        }
    }
}
