// SPDX-License-Identifier: Apache-2.0
#include "prov/bletransport.h"

#include "ble/blecommon.h"
#include "ble/blelink.h"
#include "prov/bleconnectionlimit.h"

#include <QThread>
#include <QTimer>

namespace prov {

namespace {
constexpr int kJoinTimeoutMs = 2000;
constexpr int kCloseTimeoutMs = 2000;
} // namespace

struct BleTransport::Pending
{
    QString endpoint;
    QByteArray request;
    bool sent = false;
};

BleTransport::BleTransport(
    const QString &address, const QUuid &advertisedService, BleConnectionLimit *limit, QObject *parent)
    : Transport(parent)
    , m_address(address.toUpper())
    , m_advertised(advertisedService)
    , m_limit(limit)
    , m_slotTimer(new QTimer(this))
{
    m_slotTimer->setSingleShot(true);
    connect(m_slotTimer, &QTimer::timeout, this, &BleTransport::handleSlotTimeout);
}

BleTransport::~BleTransport()
{
    releaseSlot();
    if (!m_link)
        return;
    QObject::disconnect(m_link, nullptr, this, nullptr);
    if (!m_thread) {
        static_cast<ble::Link *>(m_link)->shutdown();
        delete m_link;
        return;
    }
    // The link is shut down and deleted in the worker thread when it finishes (see ensureLink()).
    m_thread->quit();
    if (m_thread->wait(kJoinTimeoutMs)) {
        delete m_thread;
    } else {
        qCWarning(lcProvBle) << m_address << "BLE worker is stuck in a D-Bus call; detaching it";
        connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
    }
}

QString BleTransport::address() const
{
    return m_address;
}

void BleTransport::setMaxRequestSize(int bytes)
{
    m_maxRequestBytes = std::clamp(bytes, 1, kAttMaxAttributeBytes);
}

void BleTransport::setState(LinkState state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT linkStateChanged(state);
}

void BleTransport::ensureLink()
{
    if (m_link)
        return;
    auto *link = new ble::Link;
    connect(link, &ble::Link::opened, this, &BleTransport::handleOpened, Qt::QueuedConnection);
    connect(link, &ble::Link::openFailed, this, &BleTransport::handleOpenFailed, Qt::QueuedConnection);
    connect(link, &ble::Link::exchanged, this, &BleTransport::handleExchanged, Qt::QueuedConnection);
    connect(link, &ble::Link::lost, this, &BleTransport::handleLost, Qt::QueuedConnection);
    connect(link, &ble::Link::closed, this, &BleTransport::handleClosed, Qt::QueuedConnection);
    if (m_threading == Threading::WorkerThread) {
        m_thread = new QThread;
        m_thread->setObjectName(QStringLiteral("prov-ble %1").arg(m_address));
        link->moveToThread(m_thread);
        // `finished` is emitted from the worker itself: the controller is destroyed in its thread.
        connect(
            m_thread, &QThread::finished, link, [link] { delete link; }, Qt::DirectConnection);
        m_thread->start();
    }
    m_link = link;
}

void BleTransport::startExchange(const QString &endpoint, const QByteArray &request)
{
    m_pending = std::make_unique<Pending>(Pending { endpoint, request, false });
    switch (m_state) {
    case LinkState::Open:
        return sendPending();
    case LinkState::Closed:
        pauseTimeout(); // connecting has its own limits (slotWaitTimeout, connectTimeout)
        return requestOpen();
    case LinkState::WaitingForSlot:
    case LinkState::Connecting:
        pauseTimeout();
        return;
    case LinkState::Closing:
        pauseTimeout();
        m_reopenAfterClose = true;
        return;
    }
}

void BleTransport::requestOpen()
{
    if (!m_limit)
        return openGranted();
    setState(LinkState::WaitingForSlot);
    const quint64 token = ++m_token;
    m_ticket = m_limit->acquire(this, [this, token] {
        if (token == m_token && m_state == LinkState::WaitingForSlot)
            openGranted();
    });
    m_slotTimer->start(m_slotWaitTimeoutMs);
}

void BleTransport::openGranted()
{
    m_slotTimer->stop();
    setState(LinkState::Connecting);
    ensureLink();
    ble::LinkConfig config;
    config.address = m_address;
    config.advertisedService = m_advertised;
    config.connectTimeoutMs = m_connectTimeoutMs;
    config.closeTimeoutMs = std::min(kCloseTimeoutMs, m_connectTimeoutMs);
    config.customEndpoints = m_customEndpoints;
    const quint64 token = ++m_token;
    auto *link = static_cast<ble::Link *>(m_link);
    QMetaObject::invokeMethod(
        link, [link, token, config] { link->open(token, config); }, Qt::QueuedConnection);
}

void BleTransport::sendPending()
{
    m_pending->sent = true;
    auto *link = static_cast<ble::Link *>(m_link);
    const quint64 token = m_token;
    const QString endpoint = m_pending->endpoint;
    const QByteArray request = m_pending->request;
    QMetaObject::invokeMethod(
        link, [link, token, endpoint, request] { link->exchange(token, endpoint, request); },
        Qt::QueuedConnection);
}

void BleTransport::handleOpened(
    quint64 token, const QUuid &service, const QList<QPair<QString, QUuid>> &endpoints, bool derived)
{
    if (token != m_token || m_state != LinkState::Connecting)
        return;
    m_service = service;
    m_endpoints = endpoints;
    m_derived = derived;
    setState(LinkState::Open);
    if (m_pending && !m_pending->sent) {
        restartTimeout(); // from here on timeout() covers this exchange's write + read
        sendPending();
    }
}

void BleTransport::handleOpenFailed(quint64 token, const Error &error)
{
    if (token != m_token || m_state != LinkState::Connecting)
        return;
    releaseSlot();
    setState(LinkState::Closed);
    if (m_pending) {
        m_pending.reset();
        complete(error);
    }
}

void BleTransport::handleExchanged(quint64 token, bool ok, const QByteArray &value, const Error &error)
{
    if (token != m_token || !m_pending || !m_pending->sent)
        return;
    m_pending.reset();
    if (ok)
        complete(value);
    else
        complete(error);
}

void BleTransport::handleLost(quint64 token, const Error &error)
{
    if (token != m_token || m_state != LinkState::Open)
        return;
    ++m_token;
    m_service = QUuid();
    m_endpoints.clear();
    releaseSlot();
    setState(LinkState::Closed);
    Q_EMIT linkClosed();
    if (m_pending) {
        m_pending.reset();
        complete(error);
    }
}

void BleTransport::closeLink()
{
    switch (m_state) {
    case LinkState::Closed:
    case LinkState::Closing:
        return;
    case LinkState::WaitingForSlot:
        ++m_token;
        m_slotTimer->stop();
        releaseSlot();
        return setState(LinkState::Closed);
    case LinkState::Connecting:
    case LinkState::Open: {
        ++m_token; // results of the old link are stale from now on
        m_service = QUuid();
        m_endpoints.clear();
        setState(LinkState::Closing);
        auto *link = static_cast<ble::Link *>(m_link);
        QMetaObject::invokeMethod(
            link, [link] { link->close(); }, Qt::QueuedConnection);
        return;
    }
    }
}

void BleTransport::handleClosed()
{
    if (m_state != LinkState::Closing)
        return;
    releaseSlot();
    setState(LinkState::Closed);
    if (m_reopenAfterClose || (m_pending && !m_pending->sent)) {
        m_reopenAfterClose = false;
        if (m_pending)
            requestOpen();
    }
}

void BleTransport::abortExchange()
{
    // A timeout or a cancel: whatever Qt still has queued (a hung D-Bus call blocks its GATT job
    // queue for 25 s, docs/ble-testing.md §4.2) must not delay the next exchange, and a late response
    // would desynchronise the cipher (§5.2): drop the controller; the next exchange reconnects.
    m_pending.reset();
    m_reopenAfterClose = false;
    closeLink();
}

void BleTransport::resetSession()
{
    if (isBusy())
        cancel(); // ends the exchange with Cancelled and closes the link
    closeLink();
}

void BleTransport::disconnectFromDevice()
{
    resetSession();
}

void BleTransport::releaseSlot()
{
    if (m_limit && m_ticket)
        m_limit->release(m_ticket);
    m_ticket = 0;
}

void BleTransport::handleSlotTimeout()
{
    if (m_state != LinkState::WaitingForSlot)
        return;
    ++m_token;
    releaseSlot();
    setState(LinkState::Closed);
    if (m_pending) {
        m_pending.reset();
        complete(makeError(ErrorCode::Timeout,
            QStringLiteral("no free BLE connection slot within %1 ms (%2 connections in use)")
                .arg(m_slotWaitTimeoutMs)
                .arg(m_limit ? m_limit->activeCount() : 0)));
    }
}

} // namespace prov
