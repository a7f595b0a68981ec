// SPDX-License-Identifier: Apache-2.0
#include "simfleet.h"

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QTimer>

SimFleet::SimFleet(QStringList arguments)
    : m_arguments(std::move(arguments))
{
    if (!m_arguments.contains(QLatin1String("--port")))
        m_arguments << QStringLiteral("--port") << QStringLiteral("0");
}

SimFleet::~SimFleet()
{
    if (m_process.state() != QProcess::NotRunning) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

QString SimFleet::simulatorPath()
{
    return QStringLiteral(PROV_SIM_PATH);
}

QString SimFleet::demoFleetPath()
{
    return QStringLiteral(PROV_SOURCE_DIR "/resources/demo/fleet.json");
}

bool SimFleet::start(int timeoutMs)
{
    m_process.setProgram(simulatorPath());
    m_process.setArguments(m_arguments);
    m_process.start();
    if (!m_process.waitForStarted(timeoutMs)) {
        m_error = QStringLiteral("prov-sim did not start: %1").arg(m_process.errorString());
        return false;
    }
    QEventLoop loop;
    bool ready = false;
    QByteArray pending;
    auto readLines = [&] {
        pending += m_process.readAllStandardOutput();
        qsizetype nl;
        while (!ready && (nl = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(nl + 1);
            pending.remove(0, nl + 1);
            m_stdout += line;
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(QLatin1String("ready")).toBool()) {
                ready = true;
                loop.quit();
            } else if (o.contains(QLatin1String("service_name"))) {
                m_devices << o;
            }
        }
    };
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &loop, readLines);
    QObject::connect(&m_process, &QProcess::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    readLines();
    if (!ready)
        loop.exec();
    if (!ready) {
        m_error = QStringLiteral("prov-sim not ready: %1")
                      .arg(QString::fromUtf8(m_process.readAllStandardError()));
        return false;
    }
    return true;
}

QJsonObject SimFleet::device(const QString &serviceName) const
{
    for (const QJsonObject &o : m_devices) {
        if (o.value(QLatin1String("service_name")).toString() == serviceName)
            return o;
    }
    return {};
}

quint16 SimFleet::port(const QString &serviceName) const
{
    return quint16(device(serviceName).value(QLatin1String("port")).toInt());
}

QByteArray SimFleet::log()
{
    return m_process.readAllStandardError();
}
