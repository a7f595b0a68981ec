// SPDX-License-Identifier: Apache-2.0
// The one place that constructs transports (TransportConfig -> HttpTransport / BleTransport).

#include "prov/transportconfig.h"

#include "prov/bletransport.h"
#include "prov/httptransport.h"
#include "prov/softaptransport.h"

namespace prov {

static_assert(TransportConfig::kDefaultBleConnectTimeoutMs == BleTransport::kDefaultConnectTimeoutMs);
static_assert(TransportConfig::kDefaultBleMaxRequestBytes == BleTransport::kDefaultMaxRequestBytes);

QString transportKindName(TransportKind kind)
{
    switch (kind) {
    case TransportKind::SoftAp:
        return QStringLiteral("softap");
    case TransportKind::Ble:
        return QStringLiteral("ble");
    }
    return QString::number(int(kind));
}

QString transportKindDisplayName(TransportKind kind)
{
    switch (kind) {
    case TransportKind::SoftAp:
        return QStringLiteral("SoftAP");
    case TransportKind::Ble:
        return QStringLiteral("BLE");
    }
    return QString::number(int(kind));
}

std::optional<TransportKind> transportKindFromName(QStringView name)
{
    const QStringView n = name.trimmed();
    if (n.compare(QLatin1String("softap"), Qt::CaseInsensitive) == 0
        || n.compare(QLatin1String("httpd"), Qt::CaseInsensitive) == 0)
        return TransportKind::SoftAp;
    if (n.compare(QLatin1String("ble"), Qt::CaseInsensitive) == 0)
        return TransportKind::Ble;
    return std::nullopt;
}

QString TransportConfig::displayAddress() const
{
    switch (kind) {
    case TransportKind::SoftAp:
        if (!softApSsid.isEmpty())
            return softApSsid;
        return QStringLiteral("%1:%2")
            .arg(host.isEmpty() ? QLatin1String(HttpTransport::kDefaultHost) : host)
            .arg(port == 0 ? 80 : port);
    case TransportKind::Ble:
        return bleAddress.toUpper();
    }
    return QString();
}

Result<std::unique_ptr<Transport>> makeTransport(const TransportConfig &config)
{
    if (config.requestTimeoutMs < 1)
        return makeError(ErrorCode::InvalidArgument,
            QStringLiteral("request timeout must be at least 1 ms, got %1").arg(config.requestTimeoutMs));
    std::unique_ptr<Transport> transport;
    switch (config.kind) {
    case TransportKind::SoftAp: {
        const quint16 port = config.port == 0 ? quint16(80) : config.port;
        if (!config.softApSsid.isEmpty()) {
            SoftApJoinRequest join;
            join.ssid = config.softApSsid.toUtf8();
            if (join.ssid.size() > 32)
                return makeError(ErrorCode::InvalidArgument,
                    QStringLiteral("a SoftAP SSID has at most 32 bytes, \"%1\" has %2")
                        .arg(config.softApSsid)
                        .arg(join.ssid.size()));
            if (config.softApJoinTimeoutMs < 1)
                return makeError(ErrorCode::InvalidArgument,
                    QStringLiteral("SoftAP join timeout must be at least 1 ms, got %1")
                        .arg(config.softApJoinTimeoutMs));
            join.bssid = config.softApBssid;
            join.password = config.softApPassword;
            join.interfaceName = config.wifiInterface;
            join.joinTimeoutMs = config.softApJoinTimeoutMs;
            transport = std::make_unique<SoftApTransport>(join, port);
            break;
        }
        auto http = std::make_unique<HttpTransport>(
            config.host.isEmpty() ? QString::fromLatin1(HttpTransport::kDefaultHost) : config.host, port);
        if (!config.localAddress.isEmpty()) {
            const QHostAddress local(config.localAddress);
            if (local.isNull())
                return makeError(ErrorCode::InvalidArgument,
                    QStringLiteral("local address \"%1\" is not an IP address").arg(config.localAddress));
            http->setLocalAddress(local);
        }
        transport = std::move(http);
        break;
    }
    case TransportKind::Ble: {
        if (config.bleAddress.isEmpty())
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("a BLE transport needs the device's Bluetooth address (scan first)"));
        if (config.bleConnectTimeoutMs < 1)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("BLE connect timeout must be at least 1 ms, got %1")
                    .arg(config.bleConnectTimeoutMs));
        if (config.bleMaxRequestBytes < 1 || config.bleMaxRequestBytes > BleTransport::kAttMaxAttributeBytes)
            return makeError(ErrorCode::InvalidArgument,
                QStringLiteral("BLE request limit must be 1..%1 bytes, got %2")
                    .arg(BleTransport::kAttMaxAttributeBytes)
                    .arg(config.bleMaxRequestBytes));
        auto ble = std::make_unique<BleTransport>(config.bleAddress, config.bleService, config.bleLimit);
        ble->setConnectTimeout(config.bleConnectTimeoutMs);
        ble->setMaxRequestSize(config.bleMaxRequestBytes);
        transport = std::move(ble);
        break;
    }
    }
    if (!transport)
        return makeError(
            ErrorCode::InvalidArgument, QStringLiteral("unknown transport kind %1").arg(int(config.kind)));
    transport->setTimeout(config.requestTimeoutMs);
    return transport;
}

} // namespace prov
