// SPDX-License-Identifier: Apache-2.0
#include "session/softapleaves.h"

#include "applogging.h"

#include "prov/softaptransport.h"

#include <QEventLoop>
#include <QTimer>

SoftApLeaves::~SoftApLeaves()
{
    if (m_pending > 0)
        qCWarning(lcWsSession) << m_pending << "SoftAP leave(s) still running at exit";
}

void SoftApLeaves::add(prov::SoftApTransport *transport)
{
    transport->setParent(this);
    ++m_pending;
    prov::Pending<void> *leaving = transport->leave();
    connect(leaving, &prov::PendingOperation::finished, this, [this, transport, leaving] {
        if (const auto r = leaving->result(); !r)
            qCWarning(lcWsSession).noquote() << transport->ssid() << "leave:" << r.error().toString();
        transport->deleteLater();
        if (--m_pending == 0)
            Q_EMIT allDone();
    });
}

bool SoftApLeaves::waitForAll(int timeoutMs)
{
    if (m_pending == 0)
        return true;
    qCInfo(lcWsSession) << "waiting for" << m_pending << "SoftAP leave(s)";
    QEventLoop loop;
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    connect(this, &SoftApLeaves::allDone, &loop, &QEventLoop::quit);
    loop.exec();
    return m_pending == 0;
}
