// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QtGlobal>

namespace prov::tcp {

/// Re-arms Linux's `TCP_QUICKACK` on the connected TCP socket `descriptor` (a
/// `QAbstractSocket::socketDescriptor()`), so the next segments that arrive are acknowledged at once
/// instead of after the delayed-ACK timer (about 40 ms on Linux).
///
/// Why (docs/protocol.md §6.2): esp_http_server writes the status line, the headers and the body of a
/// response as separate small `send()` calls with Nagle on, so every part after the first waits for
/// the ACK of the one before; a client that delays its ACK adds ~40 ms to every response. The kernel
/// clears the flag again on its own, so callers re-arm it after every read and on connect.
///
/// Returns true when the option was set. Returns false (and changes nothing) when `descriptor` is
/// -1 or `setsockopt()` fails (the socket was closed meanwhile): the connection still works, only
/// slower, so no error is reported. On other systems than Linux this is a documented no-op that
/// returns false.
bool armQuickAck(qintptr descriptor);

} // namespace prov::tcp
