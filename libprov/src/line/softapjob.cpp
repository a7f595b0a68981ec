// SPDX-License-Identifier: Apache-2.0
// The SoftAP-join job kind of the lane engine: the inner kind's job over a SoftAP joined through
// NetworkManager (SoftApTransport does the joining and the giving back).
#include "prov/provisioningjob.h"
#include "prov/softap.h"

#include <QRegularExpression>

namespace prov {

bool isMacAddress(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"));
    return re.match(text).hasMatch();
}

LineDevice LineDevice::fromSoftApScan(const SoftApInfo &accessPoint)
{
    LineDevice d;
    d.serviceName = accessPoint.ssid;
    d.transport = TransportKind::SoftAp;
    d.address = accessPoint.bssid;
    d.signalPercent = accessPoint.strengthPercent;
    d.source = QStringLiteral("wifi-scan");
    return d;
}

SoftApJobKind::SoftApJobKind(Settings settings, std::unique_ptr<JobKind> inner)
    : m_settings(std::move(settings))
    , m_inner(inner ? std::move(inner) : std::make_unique<EspJobKind>())
{ }

SoftApJobKind::~SoftApJobKind() = default;

QString SoftApJobKind::name() const
{
    return QStringLiteral("softap-join/") + m_inner->name();
}

bool SoftApJobKind::handles(const LineDevice &device) const
{
    return device.transport == TransportKind::SoftAp && isMacAddress(device.address);
}

std::unique_ptr<ProvisioningJob> SoftApJobKind::create(const JobRequest &request, RecordSink *sink)
{
    JobRequest joined = request;
    TransportConfig &t = joined.transport;
    t.kind = TransportKind::SoftAp;
    t.softApSsid = request.device.serviceName;
    t.softApBssid = request.device.address.toUpper();
    t.port = m_settings.port == 0 ? quint16(80) : m_settings.port;
    t.softApJoinTimeoutMs = m_settings.joinTimeoutMs;
    t.softApPassword = request.device.credentials.softApPassword.isEmpty()
        ? request.secrets.softApPassword
        : request.device.credentials.softApPassword;
    if (!m_settings.interfaces.isEmpty()) {
        const int lane = std::max(0, request.identity.lane);
        t.wifiInterface = m_settings.interfaces.at(lane % m_settings.interfaces.size());
    }
    return m_inner->create(joined, sink);
}

} // namespace prov
