// SPDX-License-Identifier: Apache-2.0
#include "transport/tcpquickack.h"

#ifdef Q_OS_LINUX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

namespace prov::tcp {

bool armQuickAck(qintptr descriptor)
{
#ifdef Q_OS_LINUX
    if (descriptor < 0)
        return false;
    const int on = 1;
    return ::setsockopt(static_cast<int>(descriptor), IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on) == 0;
#else
    Q_UNUSED(descriptor)
    return false; // no TCP_QUICKACK: the delayed-ACK timer of the system applies
#endif
}

} // namespace prov::tcp
