// SPDX-License-Identifier: Apache-2.0
#pragma once

// SIGINT / SIGTERM turned into a call from the event loop, so that a device command can cancel and
// give back what it holds (a SoftAP joined through NetworkManager) before the process ends.

#include <functional>
#include <memory>

class QSocketNotifier;

namespace provctl {

/// While it lives, the first SIGINT or SIGTERM calls `stop` once, from the event loop; a second one
/// ends the process at once (the default action is back). One at a time per process. The destructor
/// restores the default actions.
class StopSignal
{
public:
    explicit StopSignal(std::function<void()> stop);
    ~StopSignal();
    StopSignal(const StopSignal &) = delete;
    StopSignal &operator=(const StopSignal &) = delete;

    /// False when the self-pipe could not be created (then signals keep their default action).
    bool isValid() const { return m_notifier != nullptr; }

private:
    std::function<void()> m_stop;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace provctl
