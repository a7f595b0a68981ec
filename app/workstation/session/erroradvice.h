// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QString>

/// The app's one table that turns a prov::ErrorCode into words a technician can act on
/// (docs/architecture.md "Errors": user-facing text lives in the app, never in libprov). QML shows the
/// headline and the advice; it never looks at error text.
namespace ws {

/// What the session was doing when the error came: the same code can mean different things
/// (a Disconnected right after Apply is the device changing channel, §9.1 step 7).
enum class ErrorContext : int {
    Any = 0,
    Connect = 1, ///< proto-ver + handshake
    Scan = 2, ///< prov-scan
    Apply = 3, ///< SetConfig, ApplyConfig, GetStatus polling
    Control = 4, ///< prov-ctrl reset / reprov
    Custom = 5, ///< custom endpoint
    /// any step over BLE: link-level advice (range, adapter, advertising) replaces the SoftAP wording
    BleLink = 6,
    /// any step of a device whose SoftAP is joined through NetworkManager (DeviceEntry::joinsSoftAp()):
    /// NetworkManager's own errors get its wording (Unavailable is NetworkManager, not Bluetooth)
    SoftApJoin = 7,
    /// the Wi-Fi scan of the Devices page (WifiSource)
    WifiScan = 8,
};

struct ErrorAdvice
{
    QString headline; ///< short: "Wrong Wi-Fi password"
    QString advice; ///< one or two sentences: what to check or do next
};

/// Advice for `code` in `context`; falls back to the context-free row, then to a generic one.
ErrorAdvice adviceFor(prov::ErrorCode code, ErrorContext context);
/// As above for a device reached over BLE: the ErrorContext::BleLink row wins where one exists (link
/// errors), then @p context, then ErrorContext::Any.
ErrorAdvice adviceFor(prov::ErrorCode code, ErrorContext context, bool overBle);
/// As above with the link's own rows: `link` (BleLink, SoftApJoin; Any = none) wins where a row
/// exists, then @p context, then ErrorContext::Any.
ErrorAdvice adviceForLink(prov::ErrorCode code, ErrorContext context, ErrorContext link);

} // namespace ws
