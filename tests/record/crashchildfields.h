// SPDX-License-Identifier: Apache-2.0
#pragma once

// The deterministic content record-crash-child writes, shared with tst_recordcrash.
#include "prov/record.h"

#include <QCryptographicHash>

namespace crashchild {

inline constexpr int kPhases = 4;

inline QString attemptId(int run, int seq)
{
    return QStringLiteral("run%1-seq%2").arg(run).arg(seq);
}

inline quint32 hashOf(const QString &id)
{
    const QByteArray h = QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Sha256);
    return quint32(quint8(h[0])) | quint32(quint8(h[1])) << 8 | quint32(quint8(h[2])) << 16;
}

inline prov::AttemptStart start(const QString &id)
{
    const quint32 h = hashOf(id);
    prov::AttemptStart s;
    s.attemptId = id;
    s.startedAtMs = 1'700'000'000'000 + h;
    s.station = QStringLiteral("station-") + id;
    s.operatorName = QStringLiteral("operator-") + id;
    s.serviceName = QStringLiteral("PROV_") + id;
    s.transport = h % 2 ? QStringLiteral("ble") : QStringLiteral("softap");
    // A long field, so that a row spans more than one page of the database.
    s.address = QStringLiteral("addr-%1-").arg(id) + QString(int(h % 3000), QLatin1Char('a'));
    return s;
}

inline prov::DeviceFacts facts(const QString &id)
{
    return { QStringLiteral(R"({"prov":{"ver":"v1.1","id":"%1"}})").arg(id), QStringLiteral("fw-") + id, 2,
        int(hashOf(id) % 2) };
}

inline prov::PhaseDuration phase(int n)
{
    static const char *const names[kPhases] = { "connect", "handshake", "scan", "apply" };
    return { QString::fromLatin1(names[n]), 100 + n };
}

inline prov::CustomCallEntry call(const QString &id)
{
    const QByteArray payload = id.toUtf8().repeated(20);
    return { QStringLiteral("custom-data"), payload.size(), 2, true, payload, QByteArray("ok"), 0 };
}

inline prov::AttemptEnd end(const QString &id)
{
    const quint32 h = hashOf(id);
    prov::AttemptEnd e;
    e.finishedAtMs = start(id).startedAtMs + 5000;
    e.outcome = h % 3 == 0 ? prov::RecordOutcome::Failed : prov::RecordOutcome::Provisioned;
    e.ssid = QStringLiteral("ssid-%1").arg(h % 1000);
    if (e.outcome == prov::RecordOutcome::Failed) {
        e.failureCode = int(prov::ErrorCode::WifiNetworkNotFound);
        e.failureDetail = QStringLiteral("not found ") + id;
    }
    return e;
}

} // namespace crashchild
