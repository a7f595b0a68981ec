// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/wifi.h"

#include <QAbstractListModel>
#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

#include <optional>

/// The access points a device saw in its own Wi-Fi scan (`prov-scan`, docs/protocol.md §9.3), one row
/// each, in the order the device sent them (strongest first). GUI thread. Filled by DeviceSession.
class WifiScanModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("WifiScanModel is filled by a DeviceSession")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
public:
    enum Role {
        SsidRole = Qt::UserRole + 1, ///< display SSID (UTF-8, or escaped bytes); "" for a hidden network
        RssiRole, ///< int, dBm
        BarsRole, ///< int 0..4 (ws::signalBars)
        ChannelRole, ///< int, primary channel
        BandRole, ///< int, ws::WifiBand
        BandTextRole, ///< "2.4 GHz" / "5 GHz" / "6 GHz" / ""
        BssidRole, ///< "aa:bb:cc:dd:ee:ff"
        AuthModeRole, ///< int, raw wifi_auth_mode_t
        AuthTextRole, ///< "WPA2-Personal", ...
        SecuredRole, ///< bool: encrypted link (lock icon)
        NeedsPassphraseRole, ///< bool: the form must ask for a passphrase
        SupportedRole, ///< bool: provisionable (false for enterprise networks)
    };
    Q_ENUM(Role)

    explicit WifiScanModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Replaces the rows with a new scan result.
    void setEntries(const QList<prov::ScanEntry> &entries);
    void clear();
    const QList<prov::ScanEntry> &entries() const { return m_entries; }
    /// The strongest entry whose display SSID is `ssid` (several APs may share an SSID).
    std::optional<prov::ScanEntry> strongest(const QString &ssid) const;

Q_SIGNALS:
    void countChanged();

private:
    QList<prov::ScanEntry> m_entries;
};

/// Sortable view of a WifiScanModel for the scan table: by signal (strongest first), SSID (A→Z,
/// case-insensitive) or channel (ascending); `ascending` flips the direction. Ties fall back to
/// signal, then SSID, so the order is stable.
class WifiScanProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("WifiScanProxyModel is owned by a DeviceSession")
    Q_PROPERTY(SortKey sortKey READ sortKey WRITE setSortKey NOTIFY sortKeyChanged)
    Q_PROPERTY(bool reversed READ isReversed WRITE setReversed NOTIFY reversedChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum class SortKey : int { Signal = 0, Ssid = 1, Channel = 2 };
    Q_ENUM(SortKey)

    explicit WifiScanProxyModel(WifiScanModel *source, QObject *parent = nullptr);

    SortKey sortKey() const { return m_sortKey; }
    void setSortKey(SortKey key);
    /// false: the natural order of the key (strongest first, A→Z, low channel first).
    bool isReversed() const { return m_reversed; }
    void setReversed(bool reversed);
    int count() const { return rowCount(); }

    /// Selecting the current key again flips the direction; another key starts in natural order.
    Q_INVOKABLE void sortBy(WifiScanProxyModel::SortKey key);
    /// The value of `role` (a WifiScanModel::Role) at proxy `row`, for QML (invalid row: undefined).
    Q_INVOKABLE QVariant valueAt(int row, int role) const;

Q_SIGNALS:
    void sortKeyChanged();
    void reversedChanged();
    void countChanged();

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void resort();
    SortKey m_sortKey = SortKey::Signal;
    bool m_reversed = false;
};
