// SPDX-License-Identifier: Apache-2.0
#pragma once

// What a station of the line record tests writes: complete attempts through a RecordSink, as a lane
// engine writes them (a device queued in the batch, begin, device facts, phases, a custom call on
// one attempt in ten, finish), with fields derived from the station and a sequence number. Shared
// by pg-station-child, the in-process tests and bench_line_sync.
#include "prov/recordsink.h"

#include <QString>

namespace pgtest {

/// The fields of attempt `seq` of `station` (its id is left empty: the sink makes a UUID).
inline prov::AttemptStart stationAttemptStart(const QString &station, int seq, const QString &batchId)
{
    prov::AttemptStart s;
    s.station = station;
    s.operatorName = QStringLiteral("op-") + station;
    s.serviceName = QStringLiteral("PROV_%1_%2").arg(station).arg(seq, 5, 10, QLatin1Char('0'));
    const bool ble = seq % 2 == 1;
    s.transport = ble ? QStringLiteral("ble") : QStringLiteral("softap");
    s.address = ble ? QStringLiteral("AA:BB:%1:%2:%3")
                          .arg(qHash(station) % 256, 2, 16, QLatin1Char('0'))
                          .arg(seq / 256 % 256, 2, 16, QLatin1Char('0'))
                          .arg(seq % 256, 2, 16, QLatin1Char('0'))
                          .toUpper()
                    : QStringLiteral("192.168.4.1:80");
    s.batchId = batchId;
    if (!batchId.isEmpty()) {
        s.lane = seq % 4;
        s.profileId = QStringLiteral("lamp-eu");
        s.profileVersion = QStringLiteral("1.2");
    }
    return s;
}

/// Writes attempt `seq` of `station` through `sink` (queued in `batchId` first when not empty).
/// Returns the attempt id the sink made ("" when the sink could not begin it).
inline QString writeStationAttempt(
    prov::RecordSink &sink, const QString &station, int seq, const QString &batchId)
{
    const prov::AttemptStart start = stationAttemptStart(station, seq, batchId);
    if (!batchId.isEmpty())
        sink.addBatchDevice(
            { batchId, seq, start.serviceName, start.transport, start.address, QStringLiteral("qr") });
    const QString id = sink.beginAttempt(start);
    if (id.isEmpty())
        return id;
    sink.recordFacts(id,
        { QStringLiteral(R"({"prov":{"ver":"v1.1","sec_ver":2,"cap":["wifi_scan"]}})"),
            QStringLiteral("1.%1.0").arg(seq % 7), 2, seq % 2 });
    sink.addPhase(id, { QStringLiteral("connect"), 10 + seq % 50 });
    sink.addPhase(id, { QStringLiteral("handshake"), 300 + seq % 90 });
    if (seq % 10 == 0)
        sink.addCustomCall(id, { QStringLiteral("custom-data"), 12, 2, true, "serial=00042", "ok", 0 });
    prov::AttemptEnd end;
    end.ssid = QStringLiteral("factory-net");
    if (seq % 7 == 3) {
        end.outcome = prov::RecordOutcome::Failed;
        end.failureCode = int(prov::ErrorCode::WifiAuthError);
        end.failureDetail = QStringLiteral("device reported AuthError");
    } else {
        end.outcome = prov::RecordOutcome::Provisioned;
    }
    sink.finishAttempt(id, end);
    return id;
}

} // namespace pgtest
