// SPDX-License-Identifier: Apache-2.0
// Stands in for DeviceSession: the same properties, and verbs that record their calls.
import QtQuick
import Prov.Workstation

QtObject {
    property string serviceName: "PROV_FAKE01"
    property string address: "192.168.4.1:80"
    property int transportKind: Transport.SoftAp
    property string transportText: "SoftAP"
    property string linkProgress: ""
    property bool joinsSoftAp: false
    property bool busy: false
    property int operation: 0
    property bool connected: true
    property var stepNames: ["Read proto-ver", "Handshake", "Wi-Fi scan", "Send credentials", "Apply", "Wait for connection"]
    property var stepStates: [2, 2, 0, 0, 0, 0]
    property int step: 0
    property string stepName: ""
    property real progress: 2 / 6
    property string provVersion: "v1.1"
    property string firmwareVersion: ""
    property var capabilities: ["wifi_scan"]
    property int secVer: 2
    property int secPatchVer: 1
    property bool canScan: true
    property QtObject scanModel: FakeScanModel { }
    property bool scanned: true
    property int applyState: 0
    property int attemptsRemaining: -1
    property string appliedSsid: ""
    property string connectedIp: ""
    property int connectedChannel: 0
    property string connectedBssid: ""
    property string connectedAuth: ""
    property bool hasProvisionOutcome: false
    property int provisionOutcome: Provision.Connected
    property string outcomeText: ""
    property int errorCode: 0
    property string errorName: ""
    property string errorDetail: ""
    property string errorHeadline: ""
    property string errorAdvice: ""
    property string validationMessage: ""
    property bool hasCustomResponse: false
    property string customEndpoint: ""
    property string customResponseText: ""
    property string customResponseHex: ""
    property int customResponseSize: 0

    signal finished(int operation, int errorCode)
    signal scanFinished()

    // ---- what the page asked for
    property int connectCalls: 0
    property int scanCalls: 0
    property int applyCalls: 0
    property string lastSsid
    property string lastPassphrase
    property int lastAuthMode: -2
    property int resetCalls: 0
    property int reprovisionCalls: 0
    property int clearErrorCalls: 0
    property var lastCustom: null

    function connectDevice() { connectCalls++; return true }
    function refreshScan() { scanCalls++; return true }
    // The real rules live in C++ (ws::checkCredentials); the fake knows one, for the message path.
    function validate(ssid, passphrase, authMode) {
        return passphrase.length > 0 && passphrase.length < 8
            ? "WPA passphrase must be 8..63 characters, got " + passphrase.length + "." : ""
    }
    function needsPassphrase(authMode) { return authMode !== 0 }
    function apply(ssid, passphrase, authMode) {
        applyCalls++
        lastSsid = ssid
        lastPassphrase = passphrase
        lastAuthMode = authMode
        return true
    }
    function reset() { resetCalls++; return true }
    function reprovision() { reprovisionCalls++; return true }
    function sendCustom(endpoint, payload, format, recordPayload) {
        lastCustom = { endpoint: endpoint, payload: payload, format: format, recordPayload: recordPayload }
        return true
    }
    function cancel() { }
    function authModeFor(ssid) {
        for (let i = 0; i < scanModel.count; ++i)
            if (scanModel.get(i).ssid === ssid)
                return scanModel.get(i).authMode
        return -1
    }
    function clearError() { clearErrorCalls++; errorCode = 0 }
}
