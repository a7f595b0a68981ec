// SPDX-License-Identifier: Apache-2.0
#pragma once

// Finding the BLE devices the user named, before their jobs start.

#include "options.h"

#include <functional>
#include <optional>

namespace provctl {

/// Finds the BLE devices of `o.targets` (exact advertised name, or address) with one scan of at most
/// `o.scanTimeoutMs` ms, and calls `done` from the event loop with the targets, their
/// TransportConfig's bleAddress and bleService, their serviceName (the advertised name) and rssiDbm
/// filled in. A target not seen gets a lookupError
/// (ConnectFailed); a failed scan gives `done` its error (Unavailable, AdapterPoweredOff, ...).
/// `o` must outlive the scan.
void lookUpBleDevices(const Options &o, std::function<void(QList<Target>, std::optional<prov::Error>)> done);

} // namespace provctl
