// SPDX-License-Identifier: Apache-2.0
#pragma once

// The synthetic factory records of the record benchmarks: realistic field sizes, 1 in 50 devices
// a lamp (so a name search is selective), 1 in 7 attempts failed.
#include "prov/record.h"

namespace benchrecords {

inline prov::ProvisioningRecord makeRecord(int i, qint64 startedAtMs)
{
    prov::ProvisioningRecord r;
    r.start.attemptId = QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0'));
    r.start.startedAtMs = startedAtMs;
    r.start.station = QStringLiteral("line-1-station-%1").arg(i % 4);
    r.start.operatorName = QStringLiteral("operator-%1").arg(i % 12);
    r.start.serviceName = i % 50 == 7 ? QStringLiteral("LAMP_%1").arg(i, 6, 16, QLatin1Char('0'))
                                      : QStringLiteral("PROV_%1").arg(i, 6, 16, QLatin1Char('0'));
    r.start.transport = i % 3 ? QStringLiteral("softap") : QStringLiteral("ble");
    r.start.address = QStringLiteral("192.168.4.1:80");
    r.device.protoVerJson = QStringLiteral(R"({"prov":{"ver":"v1.1","sec_ver":2,"cap":["wifi_scan"]}})");
    r.device.firmwareVersion = QStringLiteral("2.%1.0").arg(i % 5);
    r.device.secVer = 2;
    r.device.secPatchVer = 1;
    r.end.finishedAtMs = r.start.startedAtMs + 4000 + i % 3000;
    r.end.outcome = i % 7 == 0 ? prov::RecordOutcome::Failed : prov::RecordOutcome::Provisioned;
    r.end.ssid = QStringLiteral("factory-net");
    if (r.end.outcome == prov::RecordOutcome::Failed) {
        r.end.failureCode = int(prov::ErrorCode::WifiAuthError);
        r.end.failureDetail = QStringLiteral("device reported AuthError");
    }
    r.phases = { { QStringLiteral("connect"), 20 }, { QStringLiteral("handshake"), 310 },
        { QStringLiteral("apply"), 40 } };
    return r;
}

} // namespace benchrecords
