// SPDX-License-Identifier: Apache-2.0
// The self-pipe trick: the handler only writes a byte; the event loop reads it and calls stop().
#include "stopsignal.h"

#include <QSocketNotifier>

#include <csignal>

#include <fcntl.h>
#include <unistd.h>

namespace provctl {

namespace {

int g_stopPipe[2] = { -1, -1 };

extern "C" void onStopSignalled(int)
{
    const char c = 1;
    // Nothing to do when the pipe is full: a stop is already pending.
    [[maybe_unused]] const ssize_t n = ::write(g_stopPipe[1], &c, 1);
}

} // namespace

StopSignal::StopSignal(std::function<void()> stop)
    : m_stop(std::move(stop))
{
    if (::pipe2(g_stopPipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return;
    m_notifier = std::make_unique<QSocketNotifier>(g_stopPipe[0], QSocketNotifier::Read);
    QObject::connect(m_notifier.get(), &QSocketNotifier::activated, [this] {
        char c = 0;
        [[maybe_unused]] const ssize_t n = ::read(g_stopPipe[0], &c, 1);
        m_notifier->setEnabled(false);
        if (m_stop)
            m_stop();
    });
    struct sigaction action
    {
    };
    action.sa_handler = onStopSignalled;
    action.sa_flags = SA_RESETHAND; // a second Ctrl-C ends the process at once
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

StopSignal::~StopSignal()
{
    if (!m_notifier)
        return;
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    m_notifier.reset();
    ::close(g_stopPipe[0]);
    ::close(g_stopPipe[1]);
    g_stopPipe[0] = g_stopPipe[1] = -1;
}

} // namespace provctl
