// SPDX-License-Identifier: Apache-2.0
#pragma once

// Test fixture for the BLE tests (label ble) and the NetworkManager tests (label nm, tests/nm/): a
// private dbus-daemon used as the *system* bus of the test process, and prov-sim's fake org.bluez or
// fake NetworkManager on it (docs/prov-sim.md "BLE front end", "NetworkManager front end").
//
// Rules:
//  * One PrivateBus per test executable, started in initTestCase() BEFORE any Qt Bluetooth or QtDBus
//    system-bus object exists: QtDBus reads DBUS_SYSTEM_BUS_ADDRESS once and caches the connection
//    for the life of the process, so the daemon must outlive every test function.
//  * Restart prov-sim (startSim) per test function when the test needs fresh state; the bus stays.
//  * Everything runs as child processes killed by PID in stopSim()/stop() and in the destructor.
//  * CMake: link the target prov_test_privatebus (tests/ble/fake.cmake); it defines PROV_SIM_PATH.

#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace prov::test {

class PrivateBus
{
public:
    PrivateBus();
    ~PrivateBus();
    PrivateBus(const PrivateBus &) = delete;
    PrivateBus &operator=(const PrivateBus &) = delete;

    /// Starts `dbus-daemon --nofork --print-address` with a generated allow-all session-type config
    /// listening on a unix socket in a temporary directory, and sets DBUS_SYSTEM_BUS_ADDRESS in this
    /// process. false (see error()) if the daemon cannot be started within @p timeoutMs.
    bool start(int timeoutMs = 5000);
    /// The bus address ("unix:path=...,guid=..."); empty before start().
    QString address() const { return m_address; }

    /// Starts `prov-sim --ble --bus <address> <args>` (stopping a running one first), reads its JSON
    /// lines until {"ready":true}, and returns the device lines (service_name, address, service_uuid,
    /// rssi, sec_ver, qr, scenarios, faults...). Empty list with error() set if prov-sim exits or is
    /// not ready within @p timeoutMs. @p program defaults to PROV_SIM_PATH.
    QList<QJsonObject> startSim(const QStringList &args, int timeoutMs = 10000, const QString &program = {});
    /// As startSim(), with exactly @p args: nothing is added (the NetworkManager tests pass
    /// {"--nm", "--bus", address(), ...} without --ble).
    QList<QJsonObject> startSimWith(
        const QStringList &args, int timeoutMs = 10000, const QString &program = {});
    /// Kills prov-sim (by PID) and waits for it. No-op if it is not running.
    void stopSim();
    /// stopSim(), then kills the dbus-daemon. DBUS_SYSTEM_BUS_ADDRESS is left set (QtDBus caches it).
    void stop();
    bool isSimRunning() const;
    /// prov-sim's stderr since startSim() (for failure messages; the last 1 MiB).
    QByteArray simStderr();

    /// org.provsim.Control1.Journal() of the running prov-sim: one entry per D-Bus call it received,
    /// "<Member> <path>[ key=value]* => <outcome>", plus "event ..." lines. Empty on error.
    QStringList journal() const;
    /// The journal entries that start with @p prefix (e.g. "WriteValue ", "Connect ").
    QStringList journal(const QString &prefix) const;
    bool clearJournal() const;
    /// Calls org.provsim.Control1.<method>(args) on prov-sim; true on success, else error() is set.
    bool control(const QString &method, const QVariantList &args = {}) const;

    QString error() const { return m_error; }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QProcess m_daemon;
    QProcess m_sim;
    QString m_address;
    QByteArray m_simStderr;
    mutable QString m_error;
};

} // namespace prov::test
