// SPDX-License-Identifier: Apache-2.0
#pragma once

// Running a device command on every --service-name: one Job per device.

#include "job.h"

class QCoreApplication;

namespace provctl {

/// Runs `command` on every target of `o` (BLE: after finding them with one scan) and returns the
/// process exit code: that of the first device, in command-line order, that failed; Ok when all
/// succeeded. SoftAP runs at most --parallel jobs at a time; BLE starts them all and the per-adapter
/// connection limit (--parallel) queues the connections.
int runJobs(QCoreApplication &app, const Options &o, DeviceCommand command);

} // namespace provctl
