// SPDX-License-Identifier: Apache-2.0
#include "devices/manifestsource.h"

#include "applogging.h"

#include <QUrl>

bool ManifestSource::load(const QString &pathOrUrl)
{
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    m_path = path;
    const prov::Result<prov::Manifest> manifest = prov::loadManifest(path);
    if (!manifest) {
        m_problems = { manifest.error().detail };
        m_deviceCount = 0;
        qCWarning(lcWsDevices) << "manifest" << path << "cannot be opened:" << manifest.error().detail;
        Q_EMIT loaded(0, 1);
        return false;
    }
    take(*manifest);
    return true;
}

int ManifestSource::read(QIODevice &in)
{
    m_path.clear();
    return take(prov::readManifest(in));
}

int ManifestSource::take(const prov::Manifest &manifest)
{
    m_problems = manifest.problems;
    m_deviceCount = 0;
    for (const prov::ManifestEntry &line : manifest.entries) {
        DeviceEntry entry;
        entry.origins = int(DeviceOrigin::Manifest);
        entry.serviceName = line.device.serviceName;
        entry.transport = line.device.transport;
        entry.host = line.host;
        entry.port = line.port;
        entry.secVer = line.secVer;
        entry.credentials.pop = line.device.credentials.pop;
        entry.credentials.username = line.device.credentials.username;
        entry.fields = line.device.fields; // for the line's ${field:NAME}
        ++m_deviceCount;
        Q_EMIT deviceSeen(entry);
    }
    qCInfo(lcWsDevices) << "manifest:" << m_deviceCount << "devices," << m_problems.size() << "problems";
    Q_EMIT loaded(m_deviceCount, int(m_problems.size()));
    return m_deviceCount;
}
