// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/transport.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <algorithm>
#include <memory>

QT_FORWARD_DECLARE_CLASS(QThread)

namespace prov {

class BleConnectionLimit;

/// BLE (GATT) transport (docs/protocol.md §7) through Qt Bluetooth's BlueZ D-Bus backend. Each
/// protocomm endpoint is a characteristic of the provisioning service; an exchange writes the
/// request with Write Request (with response), waits for the write to be acknowledged, then reads
/// the same characteristic and returns the value that read delivered — never Qt's cached value,
/// which after a write is just the bytes written (§7.3; docs/ble-testing.md §4.4).
///
/// The link is opened lazily by the first exchange and kept for the next ones (one BLE connection
/// = one device security session, §7.6):
/// 1. wait for a slot of the shared BleConnectionLimit, if one was given (not counted in any
///    timeout; bounded by slotWaitTimeout());
/// 2. connect, discover the services and pick the provisioning service: the advertised UUID
///    first, then the example UUID 021a9004-…, then the default 1775244d-… (§7.2);
/// 3. map endpoint names to characteristics by reading only the 0x2901 User Description
///    descriptors (SkipValueDiscovery: no characteristic is read during discovery, §7.2, §13);
///    without any 0x2901, derive the map with gatt::derivedEndpointMap() and customEndpoints().
/// Steps 2-3 must finish within connectTimeout() (Qt 6.4 itself has no connect timeout); then
/// timeout() covers each exchange's write + read.
///
/// Threading (docs/ble-testing.md §4.3): Qt's BlueZ backend makes blocking D-Bus calls on the calling
/// thread (GetManagedObjects on connect and discovery, a Get(UUID) per characteristic on every
/// read/write). By default each BleTransport therefore hosts its QLowEnergyController on a worker
/// thread of its own, so the caller's (GUI) thread never blocks and N sessions run in parallel;
/// see bench/ble/RESULTS.md for the measurement. The BleTransport object itself lives in, and must
/// be used from, the thread that created it; all signals and callbacks arrive there.
///
/// Errors of an exchange (besides the base class's InvalidArgument, PayloadTooLarge, Internal):
/// - Unavailable: no Bluetooth adapter (or BlueZ is not running);
/// - AdapterPoweredOff: the adapter is powered off;
/// - ConnectFailed: BlueZ knows no such device (not seen by a scan), its Connect failed, or the
///   device offers no provisioning service;
/// - Timeout: the link was not open within connectTimeout() (e.g. BlueZ never resolved the
///   services), no slot within slotWaitTimeout(), or no response within timeout(). A hung D-Bus
///   call would otherwise block Qt's GATT job queue for 25 s: on timeout the controller is torn
///   down, and the next exchange opens a fresh link (the device's security session is gone);
/// - Disconnected: the device dropped the link during an exchange (linkClosed() is emitted too);
/// - PairingRequired: BlueZ answered NotPermitted/NotAuthorized: the characteristic needs an
///   encrypted (paired) link (§7.5). Qt reports only "write/read failed"; the BlueZ error name is
///   learnt by repeating the access as a side-effect-free ReadValue through QtDBus;
/// - PayloadTooLarge: also when the device refused a write longer than 481 bytes (Bluedroid);
/// - DeviceRefused: the device rejected the write or the read with another ATT error (NimBLE's
///   answer to a request it cannot handle, §7.6), or it has no characteristic for the endpoint;
/// - Cancelled: cancel().
/// A device that silently keeps a stale response (Bluedroid's 481-byte buffer, §7.4) hands back
/// the previous value; the security layer then fails it (DecryptFailed / MalformedMessage).
class BleTransport : public Transport
{
    Q_OBJECT
public:
    /// Bluedroid assembles at most 481 bytes per attribute (CHAR_VAL_LEN_MAX with Security 2, §7.4).
    static constexpr int kDefaultMaxRequestBytes = 481;
    /// The ATT attribute limit (NimBLE, §7.4): the most setMaxRequestSize() accepts.
    static constexpr int kAttMaxAttributeBytes = 512;
    /// Scan entries per ScanResult request over BLE (§7.4, §9.3).
    static constexpr int kScanEntriesPerRequest = 4;
    /// Default connectTimeout() in ms: connect + service discovery + 0x2901 reads.
    static constexpr int kDefaultConnectTimeoutMs = 15000;
    /// Default slotWaitTimeout() in ms: waiting for a BleConnectionLimit slot.
    static constexpr int kDefaultSlotWaitTimeoutMs = 120000;

    /// Where the QLowEnergyController lives.
    enum class Threading : int {
        WorkerThread = 0, ///< a worker thread per transport (default; see the class comment)
        CallerThread = 1, ///< the transport's own thread: Qt's blocking D-Bus calls block it
    };
    Q_ENUM(Threading)

    /// Link state, for display.
    enum class LinkState : int {
        Closed = 0, ///< no link; the next exchange opens one
        WaitingForSlot = 1, ///< queued behind other connections (BleConnectionLimit)
        Connecting = 2, ///< connecting, discovering the service, reading the 0x2901 descriptors
        Open = 3, ///< connected and mapped: exchanges go straight to the device
        Closing = 4, ///< being torn down (after a timeout, cancel or disconnectFromDevice())
    };
    Q_ENUM(LinkState)

    /// `address`: the device's Bluetooth address "AA:BB:CC:DD:EE:FF" (as BleScanner reports it).
    /// `advertisedService`: the service UUID from the advertisement, tried first (may be null).
    /// `limit`: shared connection limit (not owned; may be null = no limit; must outlive this).
    explicit BleTransport(const QString &address, const QUuid &advertisedService = {},
        BleConnectionLimit *limit = nullptr, QObject *parent = nullptr);
    /// Closes the link. Waits at most 2 s for the worker thread; a worker stuck in a hung D-Bus
    /// call is detached and finishes on its own.
    ~BleTransport() override;

    /// Drops the link (and with it the device's security session, §7.6); the next exchange opens
    /// a new one. An exchange in flight ends in Cancelled.
    void resetSession() override;
    TransportKind kind() const override { return TransportKind::Ble; }
    QString address() const override;
    /// Largest request the device is assumed to take, in bytes (default 481, §7.4).
    int maxRequestSize() const override { return m_maxRequestBytes; }
    int maxScanEntriesPerRequest() const override { return kScanEntriesPerRequest; }

    /// Sets the request limit in bytes, clamped to 1..512 (use 512 only for NimBLE firmware).
    void setMaxRequestSize(int bytes);
    /// Limit for opening the link (connect + service discovery + 0x2901 reads), in ms.
    void setConnectTimeout(int ms) { m_connectTimeoutMs = std::max(1, ms); }
    int connectTimeout() const { return m_connectTimeoutMs; }
    /// Limit for waiting for a BleConnectionLimit slot, in ms (ends in Timeout).
    void setSlotWaitTimeout(int ms) { m_slotWaitTimeoutMs = std::max(1, ms); }
    int slotWaitTimeout() const { return m_slotWaitTimeoutMs; }
    /// Custom endpoint names in the firmware's registration order, used only when the device has
    /// no 0x2901 descriptors (ids from FF54, §7.2, §9.5).
    void setCustomEndpoints(const QStringList &names) { m_customEndpoints = names; }
    QStringList customEndpoints() const { return m_customEndpoints; }
    /// Set before the first exchange; later changes are ignored.
    void setThreading(Threading threading) { m_threading = threading; }
    Threading threading() const { return m_threading; }

    LinkState linkState() const { return m_state; }
    /// The provisioning service in use (null until the link is open).
    QUuid serviceUuid() const { return m_service; }
    /// Endpoint name → characteristic UUID of the open link (empty until open).
    QList<QPair<QString, QUuid>> endpointMap() const { return m_endpoints; }
    /// True when the map was derived (§7.2 step 4) because the device has no 0x2901 descriptors.
    bool endpointsDerived() const { return m_derived; }

    /// Closes the link and frees the connection slot; the next exchange reconnects. An exchange in
    /// flight ends in Cancelled.
    void disconnectFromDevice();

Q_SIGNALS:
    /// linkState() changed (emitted in the transport's thread). Closed after Open without a
    /// local close means the device dropped the link: linkClosed() is emitted too (§7.6).
    void linkStateChanged(prov::BleTransport::LinkState state);

protected:
    void startExchange(const QString &endpoint, const QByteArray &request) override;
    void abortExchange() override;

private:
    struct Pending;
    void setState(LinkState state);
    void ensureLink();
    void requestOpen();
    void openGranted();
    void sendPending();
    void closeLink();
    void releaseSlot();
    void handleOpened(
        quint64 token, const QUuid &service, const QList<QPair<QString, QUuid>> &endpoints, bool derived);
    void handleOpenFailed(quint64 token, const Error &error);
    void handleExchanged(quint64 token, bool ok, const QByteArray &value, const Error &error);
    void handleLost(quint64 token, const Error &error);
    void handleClosed();
    void handleSlotTimeout();

    QString m_address;
    QUuid m_advertised;
    BleConnectionLimit *m_limit = nullptr;
    int m_maxRequestBytes = kDefaultMaxRequestBytes;
    int m_connectTimeoutMs = kDefaultConnectTimeoutMs;
    int m_slotWaitTimeoutMs = kDefaultSlotWaitTimeoutMs;
    QStringList m_customEndpoints;
    Threading m_threading = Threading::WorkerThread;

    LinkState m_state = LinkState::Closed;
    QUuid m_service;
    QList<QPair<QString, QUuid>> m_endpoints;
    bool m_derived = false;
    quint64 m_ticket = 0; ///< BleConnectionLimit ticket held or waited for (0 = none)
    quint64 m_token = 0; ///< current link/exchange generation; stale worker results are dropped
    bool m_reopenAfterClose = false;
    std::unique_ptr<Pending> m_pending; ///< the exchange waiting for the link or in flight
    QObject *m_link = nullptr; ///< the worker-side object (ble::Link), owned via m_thread or directly
    QThread *m_thread = nullptr;
    QTimer *m_slotTimer = nullptr;
};

} // namespace prov
