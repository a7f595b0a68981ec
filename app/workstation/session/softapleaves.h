// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>

namespace prov {
class SoftApTransport;
}

/// Gives the Wi-Fi interface back after the Device page is done with a SoftAP joined through
/// NetworkManager: takes a closed session's prov::SoftApTransport, asks it to leave (the volatile
/// connection goes, the connection active before comes back) and deletes it once that ended. At quit
/// the workstation waits for these leaves (waitForAll(), at most a few seconds), so the station is not
/// left on a device's SoftAP. GUI thread.
class SoftApLeaves : public QObject
{
    Q_OBJECT
public:
    /// How long the workstation waits for pending leaves at quit, in ms.
    static constexpr int kQuitWaitMs = 5000;

    using QObject::QObject;
    /// Deletes what is still pending (SoftApTransport's destructor then leaves on its own, unawaited).
    ~SoftApLeaves() override;

    /// Takes `transport` (its Provisioner must be gone already, and its old owner disconnected from
    /// it), starts its leave() and deletes it when that ended.
    void add(prov::SoftApTransport *transport);
    /// Leaves still running.
    int pendingCount() const { return m_pending; }
    /// Runs a local event loop until every pending leave ended or `timeoutMs` passed. True when none
    /// is left.
    bool waitForAll(int timeoutMs = kQuitWaitMs);

Q_SIGNALS:
    void allDone();

private:
    int m_pending = 0;
};
