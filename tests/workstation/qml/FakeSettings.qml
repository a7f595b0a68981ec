// SPDX-License-Identifier: Apache-2.0
// Stands in for SettingsController.
import QtQuick

QtObject {
    property string stationName: "Line 4"
    property bool stationFromCommandLine: false
    property string operatorName: "Ada"
    property bool rememberNetwork: true
    property string defaultSsid: "myssid"
    property int defaultAuthMode: -1
    property string sessionPassphrase: ""
    property int requestTimeoutMs: 5000
    property int connectTimeoutMs: 60000
    property bool scanBleOnStart: true
    property bool confirmAfterBleLinkClosed: true
    property int maxBleConnections: 4
    property string wifiInterface: ""
    property int softApPort: 80
    property int softApJoinTimeoutS: 30
    property string recordPath: "/var/lib/prov/factory-record.sqlite"
    property int lastPage: 0
    property string storageLocation: "/home/tech/.config/prov/prov-workstation.conf"
    property var authModeChoices: [
        { text: "Not known (use the scan)", value: -1 },
        { text: "WPA2-Personal", value: 3 },
        { text: "WEP", value: 1 },
        { text: "Open", value: 0 }
    ]
    property string lineConnection: ""
    property string lineConnectionError: ""
    // Refuses what the real one refuses first (a password keyword), takes the rest.
    function applyLineConnection(text) {
        if (text.indexOf("password") >= 0) {
            lineConnectionError = "line record connection: 'password' is not accepted"
            return false
        }
        lineConnectionError = ""
        lineConnection = text
        return true
    }
    function sync() { }
}
