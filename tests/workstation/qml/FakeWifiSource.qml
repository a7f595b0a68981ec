// SPDX-License-Identifier: Apache-2.0
// Stands in for WifiSource (the Wi-Fi scan of SoftAP devices through NetworkManager).
import QtQuick

QtObject {
    property bool scanning: false
    property int errorCode: 0
    property string statusText: scanning ? "Scanning for SoftAP devices (Wi-Fi)… 0 found" : "Wi-Fi: 0 SoftAP device(s) found"
    property string errorHeadline: ""
    property string errorAdvice: ""
    property int deviceCount: 0
    property var interfaceNames: ["wlan0", "wlx00c0ca123456"]
    property int toggleCalls: 0
    signal scanFinished(int errorCode)
    signal accessPointSeen(var accessPoint)
    function startScan() { scanning = true }
    function stopScan() { if (scanning) { scanning = false; scanFinished(0) } }
    function toggleScan() { ++toggleCalls; if (scanning) stopScan(); else startScan() }
}
