// SPDX-License-Identifier: Apache-2.0
#pragma once

// Everything provctl prints: progress on stderr, one JSON object per result on stdout, and the one
// way a failure is reported (docs/provctl.md: exit codes, --json). Nothing here prints a secret.

#include "prov/error.h"
#include "prov/provisioner.h"
#include "prov/transportconfig.h"
#include "prov/wifi.h"

#include <QJsonObject>
#include <QString>

namespace provctl {

struct Options;

/// Reports a usage error on stderr (with the --help hint). Returns ExitCode::Usage.
int usage(const QString &why);

/// One progress line on stderr, unless --quiet.
void progress(const Options &o, const QString &line);

/// Prints `object` as one line of compact JSON on stdout.
void printJson(const QJsonObject &object);

/// Advice for the errors a user can fix at the workstation (docs/architecture.md, "Errors": advice
/// lives in the app); empty when there is none for `code` over `transport`.
QString adviceFor(prov::ErrorCode code, prov::TransportKind transport);

/// `{code, detail, exit_code[, advice]}` for the `error` member of a result.
QJsonObject errorJson(const prov::Error &e, prov::TransportKind transport);

/// The one way a command reports a failure. `result` is the command's result so far (at least
/// `command`); it gains `ok: false` and `error`, and is printed with --json. Without --json and with
/// a non-empty `label` (several devices), stdout gets "LABEL: failed (exit N) ERROR". stderr always
/// gets "provctl: [LABEL: ]COMMAND failed: ERROR" and the advice, if any. Returns the exit code.
int reportFailure(const Options &o, QJsonObject result, const prov::Error &e, const QString &label = {});

/// "aa:bb:..." (or another separator) for bytes such as a BSSID.
QString hex(const QByteArray &bytes, char separator = ':');

/// A Wi-Fi status (§9.1) as a result's `status` member.
QJsonObject statusJson(const prov::WifiStatus &s);
/// A Wi-Fi status as one line of progress.
QString statusLine(const prov::WifiStatus &s);
/// proto-ver and security of a connected device as a result's `device` member.
QJsonObject deviceJson(const prov::DeviceInfo &info);

} // namespace provctl
