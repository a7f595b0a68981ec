// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "prov/error.h"

#include <QList>
#include <QString>

/// Named BLE misbehaviours of the fake org.bluez (docs/prov-sim.md "BLE scenarios"). Each one
/// reproduces what a real adapter, bluetoothd or ESP32 firmware does, at the D-Bus level.
enum class BleScenarioKind : int {
    LateName = 0, ///< advertised without a name; Name/Alias arrive ~delayMs later with an RSSI change
    RssiDrift = 1, ///< RSSI changes every advertise interval
    Cached = 2, ///< in BlueZ's cache from the start but not advertising: no RSSI, Connect fails
    ConnectError = 3, ///< Connect -> org.bluez.Error.Failed "le-connection-abort-by-local"
    ServicesUnresolved = 4, ///< Connected=true but ServicesResolved never comes; Connect never replies
    DisconnectMidExchange = 5, ///< the link drops during the Nth write to ENDPOINT
    AdapterOff = 6, ///< adapter Powered=false (global)
    AdapterAbsent = 7, ///< no Adapter1 object at all (global)
    NotPermitted = 8, ///< ReadValue/WriteValue -> org.bluez.Error.NotPermitted (encryption required)
    NotAuthorized = 9, ///< ReadValue/WriteValue -> org.bluez.Error.NotAuthorized
    HungReply = 10, ///< never reply to the Nth write to ENDPOINT (or to the read after it)
    Bluedroid481 = 11, ///< responses > 481 bytes are not stored: the next read returns the stale value
    DropAfterApply = 12, ///< the device drops the link once the ApplyConfig response has been read
};

struct BleScenario
{
    BleScenarioKind kind = BleScenarioKind::LateName;
    QString endpoint; ///< empty: see docs (any endpoint but proto-ver; not-permitted: all)
    int occurrence = 1; ///< the Nth matching write, 1-based; 0 = every one
    int delayMs = 0; ///< late-name: ms from first advertisement to the scan response
    bool onRead = false; ///< hung-reply: hang the read that follows the Nth write instead of the write
};

/// "late-name[:MS]", "rssi-drift", "cached", "connect-error", "services-unresolved",
/// "disconnect-mid-exchange[:ENDPOINT[:N]]", "adapter-off", "adapter-absent",
/// "not-permitted[:ENDPOINT]", "not-authorized[:ENDPOINT]", "hung-reply[:ENDPOINT[:N[:read]]]",
/// "bluedroid-481", "drop-after-apply". Errors: InvalidArgument naming the bad part.
prov::Result<BleScenario> parseBleScenario(const QString &text);
/// Several specs separated by commas (SetScenario); "" or "none" = no scenario.
prov::Result<QList<BleScenario>> parseBleScenarioList(const QString &text);
/// The canonical spec text (parseBleScenario(bleScenarioToString(s)) == s).
QString bleScenarioToString(const BleScenario &scenario);
/// adapter-off and adapter-absent act on the adapter, not on one device.
bool isAdapterScenario(BleScenarioKind kind);
