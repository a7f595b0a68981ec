// SPDX-License-Identifier: Apache-2.0
#pragma once

// The subcommands (docs/provctl.md), one source file each. Device commands run inside a Job once the
// device is connected; qr and scan-devices need no device.

#include "job.h"

class QCoreApplication;

namespace provctl {

/// provision.cpp: SetConfig, Apply, then wait for Connected (§9.1); exit codes per outcome.
void runProvision(Job &job);
/// scan.cpp: the Wi-Fi networks the device sees (§9.3), as a table or `networks`.
void runScan(Job &job);
/// control.cpp: the device's Wi-Fi status, read once (§9.1).
void runStatus(Job &job);
/// control.cpp: prov-ctrl reset or re-provision (§9.4), by the job's command.
void runControl(Job &job);
/// custom.cpp: --data to the custom --endpoint (§9.5); prints the response.
void runCustom(Job &job);

/// qr.cpp: parses --qr (§11) and prints it with secrets masked. Returns the exit code.
int runQr(const Options &o);
/// scandevices.cpp: lists nearby BLE provisioning devices for --timeout ms. Returns the exit code.
int runScanDevices(QCoreApplication &app, const Options &o);
/// batch.cpp: a tray from --profile on the lane engine, secrets from stdin or a prompt. Returns 0
/// when every device succeeded, SomeFailed (45) when some did not, Cancelled (50) when interrupted.
int runBatch(QCoreApplication &app, const Options &o);

} // namespace provctl
