// SPDX-License-Identifier: Apache-2.0
#pragma once

// Internal helpers shared by the record store backends and the exporters.
#include "prov/record.h"

#include <QString>

namespace prov::record {

/// Case folding used for the service name filter, in SQL (stored folded column) and in memory.
QString foldName(const QString &name);

/// True for the persisted numbers of RecordOutcome.
bool isKnownOutcome(int value);

/// True for the persisted numbers of BatchState.
bool isKnownBatchState(int value);

/// Longest SSID the store accepts, in characters (an SSID is at most 32 bytes, §9.2; every byte
/// decodes to at most one UTF-16 unit whatever the decoding, so a real SSID always fits).
inline constexpr int kMaxSsidChars = 32;

/// The options string Qt's QPSQL driver passes to libpq for `config`: the checked connection
/// string, plus connect_timeout (whole seconds, at least 2), TCP keepalives (5 s idle, 5 s
/// interval, 3 probes), tcp_user_timeout (20000 ms) and fallback_application_name unless it sets
/// them. Errors: InvalidArgument (checkLineConnection()).
Result<QString> lineConnectOptions(const LineRecordConfig &config);

} // namespace prov::record
