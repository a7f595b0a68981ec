// SPDX-License-Identifier: Apache-2.0
#pragma once

// Shared by the record tests: building records and comparing them field by field.
#include "prov/record.h"

#include <QTest>

namespace recordtest {

inline prov::ProvisioningRecord makeRecord(
    int i, qint64 startedAtMs, prov::RecordOutcome outcome, const QString &serviceName)
{
    prov::ProvisioningRecord r;
    r.start.attemptId = QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0'));
    r.start.startedAtMs = startedAtMs;
    r.start.station = QStringLiteral("station-%1").arg(i % 3);
    r.start.operatorName = QStringLiteral("operator-%1").arg(i % 5);
    r.start.serviceName = serviceName;
    r.start.transport = i % 2 ? QStringLiteral("ble") : QStringLiteral("softap");
    r.start.address = i % 2 ? QStringLiteral("AA:BB:CC:DD:EE:%1").arg(i % 100, 2, 10, QLatin1Char('0'))
                            : QStringLiteral("192.168.4.1:80");
    // Two records in three belong to one of two batches (line mode); the third to none.
    if (i % 3 != 0) {
        r.start.batchId = QStringLiteral("batch-%1").arg(i % 3);
        r.start.lane = i % 4;
        r.start.profileId = QStringLiteral("lamp-eu");
        r.start.profileVersion = QStringLiteral("1.%1").arg(i % 2);
        r.start.attemptNumber = 1 + i % 5;
    }
    r.device.protoVerJson = QStringLiteral(R"({"prov":{"ver":"v1.1","sec_ver":2,"cap":["wifi_scan"]}})");
    r.device.firmwareVersion = QStringLiteral("1.%1.0").arg(i % 7);
    r.device.secVer = 2;
    r.device.secPatchVer = i % 2;
    r.end.outcome = outcome;
    if (outcome != prov::RecordOutcome::InProgress) {
        r.end.finishedAtMs = startedAtMs + 1000 + i % 900;
        r.end.ssid = QStringLiteral("factory-net-%1").arg(i % 4);
        if (outcome == prov::RecordOutcome::Failed) {
            r.end.failureCode = int(prov::ErrorCode::WifiAuthError);
            r.end.failureDetail = QStringLiteral("device reported AuthError");
        }
    }
    r.phases = { { QStringLiteral("connect"), 12 + i % 10 }, { QStringLiteral("handshake"), 300 + i % 50 } };
    return r;
}

inline bool sameCall(const prov::CustomCallEntry &a, const prov::CustomCallEntry &b)
{
    return a.endpoint == b.endpoint && a.requestBytes == b.requestBytes && a.responseBytes == b.responseBytes
        && a.payloadRecorded == b.payloadRecorded && a.request == b.request && a.response == b.response
        && a.errorCode == b.errorCode;
}

/// Compares everything but rowId; `why` names the first difference.
inline bool sameRecord(
    const prov::ProvisioningRecord &a, const prov::ProvisioningRecord &b, QString *why = nullptr)
{
    auto diff = [why](const char *field) {
        if (why)
            *why = QString::fromLatin1(field);
        return false;
    };
    if (a.start.attemptId != b.start.attemptId)
        return diff("attemptId");
    if (a.start.startedAtMs != b.start.startedAtMs)
        return diff("startedAtMs");
    if (a.start.station != b.start.station || a.start.operatorName != b.start.operatorName)
        return diff("station/operator");
    if (a.start.serviceName != b.start.serviceName || a.start.transport != b.start.transport
        || a.start.address != b.start.address)
        return diff("service/transport/address");
    if (a.start.batchId != b.start.batchId || a.start.lane != b.start.lane
        || a.start.profileId != b.start.profileId || a.start.profileVersion != b.start.profileVersion
        || a.start.attemptNumber != b.start.attemptNumber)
        return diff("batch/lane/profile/attemptNumber");
    if (a.device.protoVerJson != b.device.protoVerJson || a.device.firmwareVersion != b.device.firmwareVersion
        || a.device.secVer != b.device.secVer || a.device.secPatchVer != b.device.secPatchVer)
        return diff("device");
    if (a.end.finishedAtMs != b.end.finishedAtMs || a.end.outcome != b.end.outcome || a.end.ssid != b.end.ssid
        || a.end.failureCode != b.end.failureCode || a.end.failureDetail != b.end.failureDetail)
        return diff("end");
    if (a.phases.size() != b.phases.size())
        return diff("phases size");
    for (qsizetype i = 0; i < a.phases.size(); ++i) {
        if (a.phases[i].phase != b.phases[i].phase || a.phases[i].durationMs != b.phases[i].durationMs)
            return diff("phases");
    }
    if (a.customCalls.size() != b.customCalls.size())
        return diff("customCalls size");
    for (qsizetype i = 0; i < a.customCalls.size(); ++i) {
        if (!sameCall(a.customCalls[i], b.customCalls[i]))
            return diff("customCalls");
    }
    return true;
}

} // namespace recordtest
