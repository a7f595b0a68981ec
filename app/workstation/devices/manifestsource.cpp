// SPDX-License-Identifier: Apache-2.0
#include "devices/manifestsource.h"

#include "applogging.h"
#include "devices/qrsource.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

bool ManifestSource::load(const QString &pathOrUrl)
{
    const QUrl url(pathOrUrl);
    const QString path = url.isLocalFile() ? url.toLocalFile() : pathOrUrl;
    QFile file(path);
    m_path = path;
    if (!file.open(QIODevice::ReadOnly)) {
        m_problems = { tr("cannot open %1: %2").arg(path, file.errorString()) };
        m_deviceCount = 0;
        qCWarning(lcWsDevices) << "manifest" << path << "cannot be opened:" << file.errorString();
        Q_EMIT loaded(0, 1);
        return false;
    }
    readStream(file);
    return true;
}

int ManifestSource::read(QIODevice &in)
{
    m_path.clear();
    return readStream(in);
}

int ManifestSource::readStream(QIODevice &in)
{
    m_problems.clear();
    m_deviceCount = 0;
    int lineNumber = 0;
    qint64 bytes = 0;
    while (!in.atEnd() && lineNumber < kMaxLines && bytes < kMaxBytes) {
        ++lineNumber;
        // readLine(n) returns at most n - 1 bytes: this reads one byte past the limit.
        QByteArray line = in.readLine(kMaxLineBytes + 2);
        bytes += line.size();
        if (line.size() - (line.endsWith('\n') ? 1 : 0) > kMaxLineBytes) {
            m_problems << tr("line %1: longer than %2 bytes, skipped").arg(lineNumber).arg(kMaxLineBytes);
            while (!in.atEnd() && !line.endsWith('\n') && bytes < kMaxBytes) {
                line = in.readLine(kMaxLineBytes + 2); // skip the rest of the long line
                bytes += line.size();
            }
            continue;
        }
        readLine(line.trimmed(), lineNumber);
    }
    if (!in.atEnd())
        m_problems
            << tr("more than %1 lines or %2 bytes: the rest was not read").arg(kMaxLines).arg(kMaxBytes);
    qCInfo(lcWsDevices) << "manifest:" << m_deviceCount << "devices," << m_problems.size() << "problems";
    Q_EMIT loaded(m_deviceCount, int(m_problems.size()));
    return m_deviceCount;
}

void ManifestSource::readLine(const QByteArray &line, int lineNumber)
{
    if (line.isEmpty())
        return;
    auto problem = [&](const QString &what) { m_problems << tr("line %1: %2").arg(lineNumber).arg(what); };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return problem(tr("not a JSON object"));
    const QJsonObject o = doc.object();
    if (o.contains(QLatin1String("ready")) && !o.contains(QLatin1String("service_name")))
        return; // prov-sim's closing {"ready":true,"devices":N}

    DeviceEntry entry;
    entry.origins = int(DeviceOrigin::Manifest);
    const QJsonValue name = o.value(QLatin1String("service_name"));
    if (!name.isString() || name.toString().isEmpty() || name.toString().toUtf8().size() > 32)
        return problem(tr("\"service_name\" must be a string of 1 to 32 bytes"));
    entry.serviceName = name.toString();

    const QJsonValue transport = o.value(QLatin1String("transport"));
    if (!transport.isUndefined()) {
        const std::optional<prov::TransportKind> kind = transport.isString()
            ? prov::transportKindFromName(transport.toString())
            : std::nullopt;
        if (!kind)
            return problem(tr("\"transport\" must be \"softap\" or \"ble\""));
        entry.transport = *kind;
    }
    const QJsonValue host = o.value(QLatin1String("host"));
    if (!host.isUndefined()) {
        if (!host.isString() || host.toString().contains(QLatin1Char(' ')))
            return problem(tr("\"host\" must be a host name or an IP address"));
        entry.host = host.toString();
    }
    const QJsonValue port = o.value(QLatin1String("port"));
    if (!port.isUndefined()) {
        const double p = port.toDouble(-1);
        if (!port.isDouble() || p < 1 || p > 65535 || p != double(int(p)))
            return problem(tr("\"port\" must be a number from 1 to 65535"));
        entry.port = quint16(p);
    }
    const QJsonValue secVer = o.value(QLatin1String("sec_ver"));
    if (!secVer.isUndefined()) {
        const int v = secVer.toInt(-1);
        if (!secVer.isDouble() || v < 0 || v > 2)
            return problem(tr("\"sec_ver\" must be 0, 1 or 2"));
        entry.secVer = v;
    }
    const QJsonValue qr = o.value(QLatin1String("qr"));
    if (qr.isString()) {
        prov::Result<DeviceEntry> fromQr = QrSource::entryFromPayload(qr.toString().toUtf8());
        if (!fromQr)
            problem(tr("\"qr\" ignored: %1").arg(fromQr.error().detail));
        else if (fromQr->serviceName != entry.serviceName)
            problem(tr("\"qr\" ignored: it names another device"));
        else
            entry.credentials = fromQr->credentials;
    } else if (!qr.isUndefined()) {
        problem(tr("\"qr\" ignored: not a string"));
    }
    ++m_deviceCount;
    Q_EMIT deviceSeen(entry);
}
