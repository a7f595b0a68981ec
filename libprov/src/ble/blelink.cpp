// SPDX-License-Identifier: Apache-2.0
#include "ble/blelink.h"

#include "ble/accessprobe.h"
#include "ble/blecommon.h"
#include "prov/gatt.h"

#include <QBluetoothAddress>
#include <QBluetoothDeviceInfo>
#include <QBluetoothLocalDevice>
#include <QBluetoothUuid>
#include <QLowEnergyController>
#include <QLowEnergyService>
#include <QTimer>
#include <QVariant>

namespace prov::ble {

namespace {
const QBluetoothUuid kUserDescription(QBluetoothUuid::DescriptorType::CharacteristicUserDescription);
constexpr int kBluedroidMaxBytes = 481; // CHAR_VAL_LEN_MAX with Security 2 (§7.4)

QString phaseName(int phase)
{
    static const char *const names[] = { "idle", "connecting", "discovering services",
        "reading 0x2901 descriptors", "open", "tearing down" };
    return QString::fromLatin1(names[phase]);
}

/// The 0x2901 value is the endpoint name as ASCII without NUL (§7.2); be lenient about NULs.
QString endpointName(const QByteArray &value)
{
    QByteArray v = value;
    while (v.endsWith('\0'))
        v.chop(1);
    return QString::fromUtf8(v).trimmed();
}
} // namespace

Link::Link(QObject *parent)
    : QObject(parent)
    , m_watchdog(new QTimer(this))
    , m_closeTimer(new QTimer(this))
{
    m_watchdog->setSingleShot(true);
    m_closeTimer->setSingleShot(true);
    connect(m_watchdog, &QTimer::timeout, this, &Link::handleWatchdog);
    connect(m_closeTimer, &QTimer::timeout, this, [this] {
        qCDebug(lcProvBle) << m_config.address << "BlueZ did not confirm the disconnect in time";
        destroyController();
        auto then = std::move(m_afterTeardown);
        m_afterTeardown = nullptr;
        m_phase = Phase::Idle;
        if (then)
            then();
    });
}

Link::~Link()
{
    shutdown();
}

void Link::shutdown()
{
    ++m_generation;
    m_watchdog->stop();
    m_closeTimer->stop();
    m_afterTeardown = nullptr;
    m_op.reset();
    m_probingDescriptor = false; // a probe of the old link is dropped by the generation check
    destroyController();
    m_phase = Phase::Idle;
}

std::optional<Error> Link::adapterProblem() const
{
    QMutexLocker lock(&qtBluetoothInitMutex());
    QBluetoothLocalDevice local;
    if (!local.isValid())
        return makeError(
            ErrorCode::Unavailable, QStringLiteral("no Bluetooth adapter (or BlueZ is not running)"));
    if (local.hostMode() == QBluetoothLocalDevice::HostPoweredOff)
        return makeError(ErrorCode::AdapterPoweredOff,
            QStringLiteral("the Bluetooth adapter %1 is powered off").arg(local.address().toString()));
    return std::nullopt;
}

void Link::open(quint64 token, const LinkConfig &config)
{
    shutdown();
    m_token = token;
    m_config = config;
    m_endpoints.clear();
    m_characteristics.clear();
    m_descriptors.clear();
    m_serviceUuid = QUuid();
    m_phase = Phase::Connecting;
    m_watchdog->start(config.connectTimeoutMs);
    // No adapter check up front (it costs BlueZ a GetManagedObjects per connect): Qt reports a
    // missing or powered-off adapter as an error of connectToDevice(), examined then.
    createController();
    qCDebug(lcProvBle) << m_config.address << "connecting";
    m_controller->connectToDevice(); // may report connected() or an error synchronously: handled queued
}

void Link::createController()
{
    QBluetoothDeviceInfo info(QBluetoothAddress(m_config.address), QString(), 0);
    info.setCoreConfigurations(QBluetoothDeviceInfo::LowEnergyCoreConfiguration);
    {
        QMutexLocker lock(&qtBluetoothInitMutex());
        m_controller = QLowEnergyController::createCentral(info, this);
    }
    const quint64 gen = ++m_generation;
    auto *c = m_controller;
    connect(
        c, &QLowEnergyController::connected, this,
        [this, gen] {
            if (gen == m_generation)
                handleConnected();
        },
        Qt::QueuedConnection);
    connect(
        c, &QLowEnergyController::disconnected, this,
        [this, gen] {
            if (gen == m_generation)
                handleDisconnected();
        },
        Qt::QueuedConnection);
    connect(
        c, &QLowEnergyController::errorOccurred, this,
        [this, gen](QLowEnergyController::Error e) {
            if (gen == m_generation)
                handleControllerError(int(e));
        },
        Qt::QueuedConnection);
    connect(
        c, &QLowEnergyController::stateChanged, this,
        [this, gen](QLowEnergyController::ControllerState s) {
            if (gen == m_generation && s == QLowEnergyController::UnconnectedState)
                handleControllerUnconnected();
        },
        Qt::QueuedConnection);
    connect(
        c, &QLowEnergyController::discoveryFinished, this,
        [this, gen] {
            if (gen == m_generation)
                handleDiscoveryFinished();
        },
        Qt::QueuedConnection);
}

void Link::destroyController()
{
    ++m_generation;
    if (m_service) {
        m_service->disconnect(this);
        m_service->deleteLater();
        m_service = nullptr;
    }
    if (m_controller) {
        m_controller->disconnect(this);
        // A controller destroyed while connected sends BlueZ a Disconnect itself.
        m_controller->deleteLater();
        m_controller = nullptr;
    }
}

void Link::teardown(std::function<void()> then)
{
    m_watchdog->stop();
    m_op.reset();
    if (!m_controller || m_controller->state() == QLowEnergyController::UnconnectedState) {
        destroyController();
        m_phase = Phase::Idle;
        return then();
    }
    // Wait for BlueZ to confirm: until then Device1.Connected/ServicesResolved may still be true,
    // and a new controller would take the dying link for an open one (docs/ble-testing.md §4.13).
    m_phase = Phase::TearingDown;
    m_afterTeardown = std::move(then);
    m_closeTimer->start(m_config.closeTimeoutMs);
    m_controller->disconnectFromDevice();
}

void Link::close()
{
    teardown([this] { Q_EMIT closed(); });
}

void Link::failOpen(const Error &error)
{
    qCDebug(lcProvBle) << m_config.address << "open failed:" << error.toString();
    const quint64 token = m_token;
    teardown([this, token, error] { Q_EMIT openFailed(token, error); });
}

void Link::loseLink(const Error &error)
{
    qCDebug(lcProvBle) << m_config.address << "link lost:" << error.toString();
    m_watchdog->stop();
    m_op.reset();
    destroyController();
    m_phase = Phase::Idle;
    Q_EMIT lost(m_token, error);
}

void Link::handleWatchdog()
{
    if (m_phase != Phase::Connecting && m_phase != Phase::Discovering && m_phase != Phase::Mapping)
        return;
    const bool connecting = m_phase == Phase::Connecting;
    failOpen(makeError(ErrorCode::Timeout,
        connecting ? QStringLiteral("not connected to %1 within %2 ms (BlueZ never resolved the "
                                    "services)")
                         .arg(m_config.address)
                         .arg(m_config.connectTimeoutMs)
                   : QStringLiteral("%1 did not finish %2 within %3 ms")
                         .arg(m_config.address, phaseName(int(m_phase)))
                         .arg(m_config.connectTimeoutMs)));
}

void Link::handleConnected()
{
    if (m_phase != Phase::Connecting)
        return;
    m_phase = Phase::Discovering;
    qCDebug(lcProvBle) << m_config.address << "connected; discovering services";
    m_controller->discoverServices();
}

void Link::handleControllerError(int error)
{
    const auto e = QLowEnergyController::Error(error);
    switch (m_phase) {
    case Phase::Idle:
    case Phase::TearingDown:
        return; // the teardown waits for UnconnectedState
    case Phase::Open:
        if (m_controller->state() == QLowEnergyController::UnconnectedState)
            loseLink(makeError(ErrorCode::Disconnected,
                QStringLiteral("the link to %1 dropped (%2)").arg(m_config.address).arg(error)));
        return;
    case Phase::Connecting:
    case Phase::Discovering:
    case Phase::Mapping:
        break;
    }
    // A missing or powered-off adapter shows up as any of several controller errors (no such
    // device, ConnectionError, a failed Connect): name the adapter problem when there is one.
    if (const auto adapter = adapterProblem())
        return failOpen(*adapter);
    switch (e) {
    case QLowEnergyController::InvalidBluetoothAdapterError:
        return failOpen(makeError(ErrorCode::Unavailable, QStringLiteral("no usable Bluetooth adapter")));
    case QLowEnergyController::UnknownRemoteDeviceError:
        return failOpen(makeError(ErrorCode::ConnectFailed,
            QStringLiteral("BlueZ knows no device %1: it has not been seen by a scan (scan "
                           "first) or was removed")
                .arg(m_config.address)));
    case QLowEnergyController::ConnectionError:
        return failOpen(makeError(ErrorCode::ConnectFailed,
            QStringLiteral("the connection to %1 failed while %2")
                .arg(m_config.address, phaseName(int(m_phase)))));
    default:
        // Qt reports an error reply to BlueZ's Device1.Connect() as UnknownError (docs/ble-testing.md §2).
        return failOpen(makeError(ErrorCode::ConnectFailed,
            QStringLiteral("BlueZ could not connect to %1 (%2)")
                .arg(m_config.address)
                .arg(QVariant::fromValue(e).toString())));
    }
}

void Link::handleDisconnected()
{
    switch (m_phase) {
    case Phase::Open:
        return loseLink(makeError(ErrorCode::Disconnected,
            m_op ? QStringLiteral("%1 closed the link during the exchange with %2")
                       .arg(m_config.address, m_op->endpoint)
                 : QStringLiteral("%1 closed the link").arg(m_config.address)));
    case Phase::Discovering:
    case Phase::Mapping:
        return failOpen(makeError(ErrorCode::Disconnected,
            QStringLiteral("%1 closed the link while %2").arg(m_config.address, phaseName(int(m_phase)))));
    default:
        return handleControllerUnconnected();
    }
}

void Link::handleControllerUnconnected()
{
    switch (m_phase) {
    case Phase::TearingDown: {
        m_closeTimer->stop();
        destroyController();
        m_phase = Phase::Idle;
        auto then = std::move(m_afterTeardown);
        m_afterTeardown = nullptr;
        if (then)
            then();
        return;
    }
    case Phase::Open:
        return loseLink(
            makeError(ErrorCode::Disconnected, QStringLiteral("%1 closed the link").arg(m_config.address)));
    case Phase::Connecting:
    case Phase::Discovering:
    case Phase::Mapping:
        // An error normally precedes this (handled above); if none did, the connect just ended.
        return failOpen(makeError(ErrorCode::ConnectFailed,
            QStringLiteral("the connection to %1 ended while %2")
                .arg(m_config.address, phaseName(int(m_phase)))));
    case Phase::Idle:
        return;
    }
}

void Link::handleDiscoveryFinished()
{
    if (m_phase != Phase::Discovering)
        return;
    const QList<QBluetoothUuid> services = m_controller->services();
    // §7.2 / esp_prov: the UUID the device advertises, then the examples' UUID, then the default.
    const QList<QUuid> candidates { m_config.advertisedService, gatt::exampleServiceUuid(),
        gatt::defaultServiceUuid() };
    for (const QUuid &candidate : candidates) {
        if (!candidate.isNull() && services.contains(QBluetoothUuid(candidate))) {
            m_serviceUuid = candidate;
            break;
        }
    }
    if (m_serviceUuid.isNull()) {
        QStringList found;
        for (const QBluetoothUuid &s : services)
            found.append(s.toString(QUuid::WithoutBraces));
        return failOpen(makeError(ErrorCode::ConnectFailed,
            QStringLiteral("%1 offers no provisioning service (it has: %2)")
                .arg(m_config.address, found.isEmpty() ? QStringLiteral("none") : found.join(u", "))));
    }
    m_service = m_controller->createServiceObject(QBluetoothUuid(m_serviceUuid), this);
    if (!m_service)
        return failOpen(
            makeError(ErrorCode::ConnectFailed, QStringLiteral("Qt could not create the service object")));
    const quint64 gen = m_generation;
    auto *s = m_service;
    connect(
        s, &QLowEnergyService::stateChanged, this,
        [this, gen](QLowEnergyService::ServiceState st) {
            if (gen == m_generation)
                handleServiceState(int(st));
        },
        Qt::QueuedConnection);
    connect(
        s, &QLowEnergyService::errorOccurred, this,
        [this, gen](QLowEnergyService::ServiceError e) {
            if (gen == m_generation)
                handleServiceError(int(e));
        },
        Qt::QueuedConnection);
    connect(
        s, &QLowEnergyService::descriptorRead, this,
        [this, gen](const QLowEnergyDescriptor &d, const QByteArray &value) {
            if (gen != m_generation || m_descriptors.isEmpty() || !m_service)
                return;
            const auto chars = m_service->characteristics();
            const int index = m_descriptors.first().index;
            if (index < chars.size() && chars.at(index).descriptor(kUserDescription) == d)
                handleDescriptorRead(m_descriptors.first().characteristic, value);
        },
        Qt::QueuedConnection);
    connect(
        s, &QLowEnergyService::characteristicWritten, this,
        [this, gen](const QLowEnergyCharacteristic &c, const QByteArray &) {
            if (gen == m_generation)
                handleCharacteristicWritten(c.uuid());
        },
        Qt::QueuedConnection);
    connect(
        s, &QLowEnergyService::characteristicRead, this,
        [this, gen](const QLowEnergyCharacteristic &c, const QByteArray &value) {
            if (gen == m_generation)
                handleCharacteristicRead(c.uuid(), value);
        },
        Qt::QueuedConnection);
    // characteristicChanged is ignored on purpose: bluetoothd emits PropertiesChanged(Value) after
    // every read, which Qt reports as a notification for characteristics with a CCC (docs/ble-testing.md
    // §4.8).
    m_phase = Phase::Mapping;
    m_service->discoverDetails(QLowEnergyService::SkipValueDiscovery);
}

void Link::handleServiceState(int state)
{
    const auto st = QLowEnergyService::ServiceState(state);
    if (st == QLowEnergyService::InvalidService) {
        // Qt invalidates the services on every disconnect too: that one is handled as a disconnect.
        if (!m_controller || m_controller->state() == QLowEnergyController::UnconnectedState
            || m_controller->state() == QLowEnergyController::ClosingState)
            return;
        // BlueZ dropped the service while the link stays up (Device1.UUIDs changed).
        if (m_phase == Phase::Open)
            return loseLink(makeError(ErrorCode::Disconnected,
                QStringLiteral("%1 removed its provisioning service").arg(m_config.address)));
        if (m_phase == Phase::Mapping)
            return failOpen(makeError(ErrorCode::Disconnected,
                QStringLiteral("%1 removed its provisioning service").arg(m_config.address)));
        return;
    }
    if (st != QLowEnergyService::RemoteServiceDiscovered || m_phase != Phase::Mapping
        || !m_characteristics.isEmpty())
        return;
    const QList<QLowEnergyCharacteristic> chars = m_service->characteristics();
    for (int i = 0; i < chars.size(); ++i) {
        m_characteristics.append(chars.at(i).uuid());
        if (chars.at(i).descriptor(kUserDescription).isValid())
            m_descriptors.append({ chars.at(i).uuid(), i });
    }
    if (m_characteristics.isEmpty())
        return failOpen(makeError(ErrorCode::ConnectFailed,
            QStringLiteral("the provisioning service of %1 has no characteristics").arg(m_config.address)));
    readNextDescriptor();
}

void Link::readNextDescriptor()
{
    if (m_descriptors.isEmpty())
        return finishMapping();
    const auto chars = m_service->characteristics();
    const int index = m_descriptors.first().index;
    if (index >= chars.size()) {
        m_descriptors.removeFirst();
        return readNextDescriptor();
    }
    m_service->readDescriptor(chars.at(index).descriptor(kUserDescription));
}

void Link::handleDescriptorRead(const QUuid &characteristic, const QByteArray &value)
{
    if (m_phase != Phase::Mapping)
        return;
    const QString name = endpointName(value);
    if (!name.isEmpty()) {
        const auto dup = std::find_if(
            m_endpoints.cbegin(), m_endpoints.cend(), [&](const auto &e) { return e.first == name; });
        if (dup == m_endpoints.cend())
            m_endpoints.append({ name, characteristic });
        else
            qCWarning(lcProvBle) << m_config.address << "two characteristics are named" << name
                                 << "; keeping the first";
    }
    m_descriptors.removeFirst();
    readNextDescriptor();
}

void Link::finishMapping()
{
    bool derived = false;
    if (m_endpoints.isEmpty()) {
        // §7.2 step 4: no 0x2901 names at all, so derive the UUIDs; keep those the device has.
        derived = true;
        for (const auto &entry : gatt::derivedEndpointMap(m_serviceUuid, m_config.customEndpoints)) {
            if (m_characteristics.contains(entry.second))
                m_endpoints.append(entry);
        }
        qCInfo(lcProvBle) << m_config.address << "has no 0x2901 descriptors; derived" << m_endpoints.size()
                          << "endpoints from the service UUID";
    }
    m_watchdog->stop();
    m_phase = Phase::Open;
    qCDebug(lcProvBle) << m_config.address << "open; service" << m_serviceUuid.toString(QUuid::WithoutBraces)
                       << "endpoints" << m_endpoints.size();
    Q_EMIT opened(m_token, m_serviceUuid, m_endpoints, derived);
}

QUuid Link::characteristicFor(const QString &endpoint) const
{
    for (const auto &e : m_endpoints) {
        if (e.first == endpoint)
            return e.second;
    }
    // A device that names only some characteristics: a standard endpoint may still be derivable.
    if (auto id = gatt::standardEndpointId(endpoint)) {
        const QUuid derived = gatt::characteristicUuid(m_serviceUuid, *id);
        if (m_characteristics.contains(derived))
            return derived;
    }
    return {};
}

void Link::exchange(quint64 token, const QString &endpoint, const QByteArray &request)
{
    if (m_phase != Phase::Open || token != m_token || m_op) {
        return Q_EMIT exchanged(
            token, false, {}, makeError(ErrorCode::Disconnected, QStringLiteral("the BLE link is not open")));
    }
    // The link may already be going down with the news still queued (BlueZ removes the GATT
    // objects, then reports Connected=false): report it as the loss it is.
    const auto controllerState = m_controller->state();
    if (m_service->state() != QLowEnergyService::RemoteServiceDiscovered
        || (controllerState != QLowEnergyController::ConnectedState
            && controllerState != QLowEnergyController::DiscoveredState)) {
        return loseLink(makeError(ErrorCode::Disconnected,
            QStringLiteral("%1 closed the link before the exchange with %2")
                .arg(m_config.address, endpoint)));
    }
    const QUuid uuid = characteristicFor(endpoint);
    const QLowEnergyCharacteristic c = uuid.isNull() ? QLowEnergyCharacteristic()
                                                     : m_service->characteristic(QBluetoothUuid(uuid));
    if (!c.isValid()) {
        return Q_EMIT exchanged(token, false, {},
            makeError(ErrorCode::DeviceRefused,
                QStringLiteral("%1 has no characteristic for endpoint %2").arg(m_config.address, endpoint)));
    }
    m_op = Operation { token, endpoint, uuid, int(request.size()), Operation::Step::Writing };
    // Write Request (with response), then read the same characteristic (§7.3).
    m_service->writeCharacteristic(c, request, QLowEnergyService::WriteWithResponse);
}

void Link::handleCharacteristicWritten(const QUuid &characteristic)
{
    if (!m_op || m_op->step != Operation::Step::Writing || characteristic != m_op->characteristic)
        return;
    m_op->step = Operation::Step::Reading;
    // The value Qt caches after a write is the bytes we wrote, not the response (docs/ble-testing.md §4.4):
    // read.
    m_service->readCharacteristic(m_service->characteristic(QBluetoothUuid(characteristic)));
}

void Link::handleCharacteristicRead(const QUuid &characteristic, const QByteArray &value)
{
    if (!m_op || m_op->step != Operation::Step::Reading || characteristic != m_op->characteristic)
        return;
    finishOperation(true, value, {});
}

void Link::finishOperation(bool ok, const QByteArray &value, const Error &error)
{
    const quint64 token = m_op->token;
    m_op.reset();
    Q_EMIT exchanged(token, ok, value, error);
}

void Link::handleServiceError(int error)
{
    const auto e = QLowEnergyService::ServiceError(error);
    const int probeTimeout = std::max(100, std::min(m_config.connectTimeoutMs, 2000));
    if (m_phase == Phase::Mapping && e == QLowEnergyService::DescriptorReadError && !m_descriptors.isEmpty()
        && !m_probingDescriptor) {
        const PendingDescriptor pending = m_descriptors.first();
        m_probingDescriptor = true;
        const quint64 gen = m_generation;
        probeAccess(this, m_config.address, pending.characteristic, kUserDescription, probeTimeout,
            [this, gen, pending](const QString &name) {
                if (gen != m_generation || m_phase != Phase::Mapping)
                    return;
                m_probingDescriptor = false;
                const Error err = accessError(name, QStringLiteral("a 0x2901 descriptor"));
                if (err.code == ErrorCode::PairingRequired || err.code == ErrorCode::Disconnected)
                    return failOpen(err);
                qCWarning(lcProvBle) << m_config.address << "cannot read the 0x2901 descriptor of"
                                     << pending.characteristic << "(" << name << "); skipping it";
                m_descriptors.removeFirst();
                readNextDescriptor();
            });
        return;
    }
    if (!m_op || m_op->step == Operation::Step::Probing)
        return;
    if (e != QLowEnergyService::CharacteristicWriteError && e != QLowEnergyService::CharacteristicReadError) {
        const QString endpoint = m_op->endpoint;
        return finishOperation(false, {},
            makeError(ErrorCode::Disconnected,
                QStringLiteral("the provisioning service became unusable during the "
                               "exchange with %1 (%2)")
                    .arg(endpoint)
                    .arg(QVariant::fromValue(e).toString())));
    }
    // Qt does not say why; ask BlueZ with a side-effect-free read of the same characteristic.
    const bool writing = m_op->step == Operation::Step::Writing;
    m_op->step = Operation::Step::Probing;
    const quint64 gen = m_generation;
    const quint64 token = m_op->token;
    const QString what = QStringLiteral("endpoint %1 (%2)")
                             .arg(m_op->endpoint,
                                 writing ? QStringLiteral("write of %1 bytes").arg(m_op->size)
                                         : QStringLiteral("read"));
    const int size = m_op->size;
    const QString endpoint = m_op->endpoint;
    probeAccess(this, m_config.address, m_op->characteristic, QUuid(), probeTimeout,
        [this, gen, token, what, writing, size, endpoint](const QString &name) {
            if (gen != m_generation || !m_op || m_op->token != token)
                return;
            Error error = accessError(name, what);
            if (writing && name.isEmpty() && size > kBluedroidMaxBytes) {
                // The characteristic reads fine, so the write itself was refused: Bluedroid
                // fails prepared writes beyond its 481-byte buffer (§7.3).
                error = makeError(ErrorCode::PayloadTooLarge,
                    QStringLiteral("the device rejected the %1-byte write to %2: Bluedroid "
                                   "firmware takes at most %3 bytes (§7.4)")
                        .arg(size)
                        .arg(endpoint)
                        .arg(kBluedroidMaxBytes));
            }
            finishOperation(false, {}, error);
        });
}

} // namespace prov::ble
