// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/transportconfig.h"

#include <QAbstractListModel>
#include <QList>
#include <QString>
#include <QtQml/qqmlregistration.h>

/// The lanes of the running batch for the Line page's lane tiles: one row per lane (0..lanes-1), the
/// device it works on, the job's step, progress and the attempt's elapsed time. Filled by
/// LineController from prov::LaneEngine. GUI thread.
class LaneListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("LaneListModel is created by LineController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        LaneRole = Qt::UserRole + 1, ///< int, 0-based lane number
        BusyRole, ///< bool: a job runs on the lane
        DeviceKeyRole, ///< QString, prov::LineDevice::key(); "" when free
        ServiceNameRole, ///< QString; "" when free
        TransportRole, ///< prov::TransportKind (QML: Transport.Ble / Transport.SoftAp)
        StepRole, ///< QString: the job's step ("handshake"); "" when free
        ProgressRole, ///< double 0..1
        ElapsedMsRole, ///< double: time since the attempt started, in ms; 0 when free
        AttemptRole, ///< int: the attempt number of the device (1-based); 0 when free
    };
    Q_ENUM(Role)

    /// One lane as the tiles show it.
    struct Lane
    {
        QString deviceKey;
        QString serviceName;
        prov::TransportKind transport = prov::TransportKind::Ble;
        QString step;
        double progress = 0; ///< 0..1
        qint64 startedAtMs = 0; ///< UTC ms; 0 when free
        int attempt = 0;
        bool operator==(const Lane &) const = default;
    };

    explicit LaneListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Replaces every lane by `count` free lanes.
    void reset(int count);
    /// Updates one lane (no-op for an unknown lane or no change).
    void setLane(int lane, const Lane &value);
    Lane lane(int lane) const { return m_lanes.value(lane); }
    /// Refreshes the elapsed time of the busy lanes (now = `nowMs`, UTC ms).
    void tick(qint64 nowMs);

Q_SIGNALS:
    void countChanged();

private:
    QList<Lane> m_lanes;
    qint64 m_nowMs = 0;
};
