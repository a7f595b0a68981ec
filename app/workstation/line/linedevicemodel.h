// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/laneengine.h"

#include <QAbstractListModel>
#include <QHash>
#include <QList>
#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

/// The devices of the running batch in queue order (the Line page's queue): name, transport, state,
/// attempts, RSSI, lane and the last failure with the app's advice (session/erroradvice.h). Never
/// holds a credential (prov::LineDeviceStatus has none). Filled by LineController. GUI thread.
class LineDeviceModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("LineDeviceModel is created by LineController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        KeyRole = Qt::UserRole + 1, ///< QString, prov::LineDevice::key() ("ble:PROV_1A2B3C")
        ServiceNameRole, ///< QString
        TransportRole, ///< prov::TransportKind (QML: Transport.Ble / Transport.SoftAp)
        TransportTextRole, ///< "BLE" / "SoftAP"
        AddressRole, ///< QString; "" while unknown (a sticker scanned before the BLE scan found it)
        StateRole, ///< int(prov::LineDeviceState) (QML: Line.LineDeviceState.Failed, ...)
        AttemptsRole, ///< int
        RssiDbmRole, ///< int dBm, or undefined when unknown
        RssiTextRole, ///< "-52 dBm" or "—"
        LaneRole, ///< int, lane of the running or last attempt; -1 none
        SourceRole, ///< "ble-scan", "qr", "manifest", "resume"
        StepRole, ///< QString: the running job's step
        ProgressRole, ///< double 0..1
        /// int(prov::ErrorCode) of the last attempt's failure (QML: Prov.WifiAuthError, ...); 0 when none
        ErrorCodeRole,
        ErrorNameRole, ///< "wifi_auth_error" ("" when none)
        ErrorHeadlineRole, ///< the advice table's headline ("Wrong Wi-Fi password")
        ErrorAdviceRole, ///< the advice table's advice
        ErrorDetailRole, ///< the error's detail (never a secret)
    };
    Q_ENUM(Role)

    explicit LineDeviceModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Adds the device (appended: the engine's queue order) or updates its row.
    void upsert(const prov::LineDeviceStatus &status);
    void clear();
    /// The row of `key`, -1 when unknown.
    int rowOf(const QString &key) const { return m_rows.value(key, -1); }
    /// The key of `row` ("" when out of range), for QML.
    Q_INVOKABLE QString keyAt(int row) const;

Q_SIGNALS:
    void countChanged();

private:
    QList<prov::LineDeviceStatus> m_devices;
    QHash<QString, int> m_rows;
};

/// The Failed devices of a LineDeviceModel (the failed list with retry one / retry all / skip).
class LineFailedModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("LineFailedModel is created by LineController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    explicit LineFailedModel(LineDeviceModel *source, QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override
    {
        return QSortFilterProxyModel::rowCount(parent);
    }

Q_SIGNALS:
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
};
