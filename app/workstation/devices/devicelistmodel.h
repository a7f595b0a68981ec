// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "devices/deviceentry.h"

#include <QAbstractListModel>
#include <QList>
#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

#include <optional>

class DeviceSource;

/// Every device the workstation knows of, one row per service name, fed by DeviceSources (manual,
/// QR, manifest, BLE scan, Wi-Fi scan) and updated by the device sessions (state, failure). Reports of the
/// same service name from several sources merge into one row (DeviceEntry::mergeFrom), so a QR
/// scanned for a manifest device adds its credentials to that row. GUI thread.
class DeviceListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("DeviceListModel is created by the workstation")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    /// Provisioning state of a row. Stable numbers (shown, filtered and tested on).
    enum class State : int { New = 0, Connecting = 1, Provisioned = 2, Failed = 3 };
    Q_ENUM(State)

    enum Role {
        ServiceNameRole = Qt::UserRole + 1, ///< QString, the row key
        TransportRole, ///< prov::TransportKind (QML: Transport.SoftAp / Transport.Ble)
        AddressRole, ///< "host:port" (SoftAP default 192.168.4.1:80 when unknown)
        AddressKnownRole, ///< bool: false when AddressRole shows the SoftAP default
        RssiRole, ///< int dBm, or undefined when unknown
        RssiTextRole, ///< "-52 dBm" or "—"
        SecVerRole, ///< int 0..2, -1 unknown
        StateRole, ///< int, State
        FailureRole, ///< QString: headline of the last failure ("" unless Failed)
        SourceRole, ///< QString: "Manifest + QR"
        OriginsRole, ///< int, DeviceOrigin bits
        HasCredentialsRole, ///< bool: a PoP/username/password is known (never the secret itself)
        /// bool: BLE device BlueZ remembers but the scan does not hear advertising (DeviceEntry::cached);
        /// RssiRole is then undefined. Appended last: the role numbers above stay as they were.
        CachedRole,
        /// QString: the transport as shown ("SoftAP", "BLE"; prov::transportKindDisplayName()).
        TransportTextRole,
        /// int 0..100: the Wi-Fi scan's signal in PERCENT (DeviceEntry::signalPercent), undefined
        /// when unknown. Never dBm: RssiRole is the BLE RSSI.
        SignalPercentRole,
        /// QString: what the signal column shows: "-52 dBm" (BLE RSSI), "62 %" (Wi-Fi), "—".
        SignalTextRole,
        /// QString: the access point's Wi-Fi security as shown ("Open", "WPA2", "WPA3";
        /// prov::apSecurityDisplayName()), "" unknown.
        ApSecurityTextRole,
        /// bool: the device is reached by joining its SoftAP through NetworkManager
        /// (DeviceEntry::joinsSoftAp()); AddressRole then shows the BSSID (or the SSID).
        JoinsSoftApRole,
        /// QString: the Wi-Fi interface that saw the device ("wlan0"), "" unknown.
        WifiInterfaceRole,
    };
    Q_ENUM(Role)

    explicit DeviceListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Listens to `source` (not owned): deviceSeen() upserts, deviceLost() removes a row that
    /// only that source knew and nobody worked on yet.
    void addSource(DeviceSource *source);

    /// Adds a row or merges `entry` into the row with the same service name.
    void upsert(const DeviceEntry &entry);
    void remove(const QString &key);
    void setState(const QString &key, State state, const QString &failure = {});

    std::optional<DeviceEntry> entry(const QString &key) const;
    State state(const QString &key) const;
    int rowOf(const QString &key) const;

    /// Changes a device's address ("host:port"); the SoftAP default is only a display default.
    /// Returns false for a malformed address or an unknown key.
    bool setAddress(const QString &key, const QString &address);

Q_SIGNALS:
    void countChanged();
    /// The entry of `key` changed (address, credentials, ...): sessions pick it up.
    void entryChanged(const QString &key);

private:
    struct Row
    {
        DeviceEntry entry;
        State state = State::New;
        QString failure;
    };
    QList<Row> m_rows;
};

/// The device list as shown: filtered by a text (service name or address, case-insensitive) and
/// sorted by service name. GUI thread.
class DeviceFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("DeviceFilterModel is created by the workstation")
    Q_PROPERTY(QString filterText READ filterText WRITE setFilterText NOTIFY filterTextChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit DeviceFilterModel(DeviceListModel *source, QObject *parent = nullptr);

    QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);
    int count() const { return rowCount(); }
    /// Service name at proxy `row` ("" when out of range).
    Q_INVOKABLE QString keyAt(int row) const;
    /// Proxy row of `key`, -1 when hidden or unknown.
    Q_INVOKABLE int rowOfKey(const QString &key) const;

Q_SIGNALS:
    void filterTextChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_filterText;
};
