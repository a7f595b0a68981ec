// SPDX-License-Identifier: Apache-2.0
// Stands in for LineController: the start-of-shift values, a running batch with two lanes, a queue
// and one failure, and call bookkeeping for the verbs.
import QtQuick
import Prov.Workstation

QtObject {
    id: fake

    property var profiles: [
        { fileName: "demo-tray.json", path: ":/profiles/demo-tray.json", valid: true, name: "Demo tray", id: "demo-tray", version: "1.0", error: "" },
        { fileName: "broken.json", path: "/profiles/broken.json", valid: false, name: "broken.json", id: "", version: "", error: "\"match.min_rssi_dbm\" must be a number between -127 and 0" }
    ]
    property int profileIndex: 0
    property string profileName: profileIndex === 0 ? "Demo tray" : "broken.json"
    property string profileId: profileIndex === 0 ? "demo-tray" : ""
    property string profileVersion: profileIndex === 0 ? "1.0" : ""
    property string profileError: profileIndex === 0 ? "" : profiles[1].error
    property string profileSsid: "myssid"
    property bool credentialsPrompt: false
    property bool passphraseRequired: true
    property bool profileAllowsSoftAp: false
    property int profileLanes: 4
    property int lanes: 4
    property int maxLanes: 16
    property string profilesDir: ""
    property string operatorName: "Ada"
    property string stationName: "Line 4"
    property bool stationLocked: false

    property int state: Line.LineState.Idle
    property bool shiftStarted: false
    property bool active: state === Line.LineState.Running || state === Line.LineState.Paused
                          || state === Line.LineState.Draining || state === Line.LineState.Aborting
    property string batchId: shiftStarted ? "b-1" : ""
    property QtObject lanesModel: ListModel {
        ListElement { lane: 0; busy: true; deviceKey: "softap:PROV_DEMO02"; serviceName: "PROV_DEMO02"; transport: Transport.SoftAp; step: "handshake"; progress: 0.4; elapsedMs: 65000; attempt: 1 }
        ListElement { lane: 1; busy: false; deviceKey: ""; serviceName: ""; transport: Transport.Ble; step: ""; progress: 0; elapsedMs: 0; attempt: 0 }
    }
    property QtObject devicesModel: ListModel {
        ListElement { key: "softap:PROV_DEMO02"; serviceName: "PROV_DEMO02"; transport: Transport.SoftAp; transportText: "SoftAP"; address: "127.0.0.1:40003"; state: Line.LineDeviceState.Running; attempts: 1; rssiDbm: -52; rssiText: "-52 dBm"; lane: 0; source: "manifest"; step: "handshake"; progress: 0.4; errorCode: 0; errorName: ""; errorHeadline: ""; errorAdvice: ""; errorDetail: "" }
        ListElement { key: "softap:PROV_DEMO03"; serviceName: "PROV_DEMO03"; transport: Transport.SoftAp; transportText: "SoftAP"; address: "127.0.0.1:40004"; state: Line.LineDeviceState.Failed; attempts: 2; rssiDbm: -60; rssiText: "-60 dBm"; lane: 1; source: "manifest"; step: ""; progress: 0; errorCode: Prov.WifiAuthError; errorName: "wifi_auth_error"; errorHeadline: "Wrong Wi-Fi password"; errorAdvice: "Check the passphrase of the network."; errorDetail: "AuthError" }
    }
    property QtObject failedModel: ListModel {
        ListElement { key: "softap:PROV_DEMO03"; serviceName: "PROV_DEMO03"; transport: Transport.SoftAp; transportText: "SoftAP"; address: "127.0.0.1:40004"; state: Line.LineDeviceState.Failed; attempts: 2; rssiDbm: -60; rssiText: "-60 dBm"; lane: 1; source: "manifest"; step: ""; progress: 0; errorCode: Prov.WifiAuthError; errorName: "wifi_auth_error"; errorHeadline: "Wrong Wi-Fi password"; errorAdvice: "Check the passphrase of the network."; errorDetail: "AuthError" }
    }
    property int doneCount: 5
    property int failedCount: 1
    property int retryingCount: 1
    property int queuedCount: 3
    property int runningCount: 1
    property int waitingCount: 0
    property int skippedCount: 0
    property int abortedCount: 0
    property int totalCount: 11
    property real throughputPerHour: 412
    property real etaMs: 95000
    property real elapsedMs: 61000

    property bool hasFailure: false
    property string duplicateWarning: ""
    property int duplicateWarningCount: 0
    property string failureKey: hasFailure ? "softap:PROV_DEMO03" : ""
    property string failureDevice: hasFailure ? "PROV_DEMO03" : ""
    property int failureCode: Prov.WifiAuthError
    property string failureName: hasFailure ? "wifi_auth_error" : ""
    property string failureHeadline: hasFailure ? "Wrong Wi-Fi password" : ""
    property string failureAdvice: hasFailure ? "Check the passphrase of the network." : ""
    property string failureDetail: hasFailure ? "AuthError" : ""
    property int failureAttempts: 2

    property int ignoredCount: 3
    property string ignoredText: "ignored: 3 below the RSSI gate"
    property string stickerMessage: ""
    property bool stickerRejected: false
    property bool hasInterrupted: false
    property string interruptedBatchId: hasInterrupted ? "1a2b3c4d-0000-4000-8000-000000000001" : ""
    property string interruptedText: hasInterrupted ? "Batch 1a2b3c4d (profile Demo tray 1.0, started 2026-12-06 10:58, 3 of 8 devices done) was interrupted." : ""
    property bool interruptedProfileAvailable: true
    property int interruptedDoneCount: hasInterrupted ? 3 : 0
    property int interruptedTotalCount: hasInterrupted ? 8 : 0

    property int lastErrorCode: 0
    property string lastError: ""

    signal deviceEnded(string key, int state)
    signal batchEnded(int state)

    // ---- bookkeeping
    property var startArgs: null
    property var calls: []
    property var lastKey: ""

    function reloadProfiles() { calls = calls.concat(["reloadProfiles"]) }
    function selectProfile(id) { calls = calls.concat(["selectProfile"]); return id === "demo-tray" }
    function start(passphrase, secret, username, softApPassword) {
        startArgs = { passphrase: passphrase, secret: secret, username: username, softApPassword: softApPassword, operatorName: operatorName, stationName: stationName, lanes: lanes }
        if (passphrase.length < 8) {
            lastErrorCode = Prov.InvalidArgument
            lastError = "The passphrase of myssid must be 8 to 64 characters."
            return false
        }
        lastErrorCode = 0
        lastError = ""
        shiftStarted = true
        state = Line.LineState.Running
        return true
    }
    function checkInterrupted() { calls = calls.concat(["checkInterrupted"]) }
    function resumeInterrupted(passphrase, secret, username, softApPassword) {
        calls = calls.concat(["resumeInterrupted"])
        startArgs = { passphrase: passphrase, secret: secret, username: username, softApPassword: softApPassword, operatorName: operatorName, stationName: stationName, lanes: lanes }
        if (!interruptedProfileAvailable) {
            lastErrorCode = Prov.InvalidArgument
            lastError = "Batch 1a2b3c4d was started with profile demo-tray version 1.0, which is not available here."
            return false
        }
        if (!hasInterrupted || passphrase.length < 8) {
            lastErrorCode = Prov.InvalidArgument
            lastError = "The passphrase of myssid must be 8 to 64 characters."
            return false
        }
        lastErrorCode = 0
        lastError = ""
        hasInterrupted = false
        shiftStarted = true
        state = Line.LineState.Running
        return true
    }
    function closeInterrupted() { calls = calls.concat(["closeInterrupted"]); const had = hasInterrupted; hasInterrupted = false; return had }
    function pause() { calls = calls.concat(["pause"]); state = Line.LineState.Paused }
    function resume() { calls = calls.concat(["resume"]); state = Line.LineState.Running }
    function togglePause() { calls = calls.concat(["togglePause"]); state = state === Line.LineState.Paused ? Line.LineState.Running : Line.LineState.Paused }
    function drain() { calls = calls.concat(["drain"]); state = Line.LineState.Draining }
    function abort() { calls = calls.concat(["abort"]); state = Line.LineState.Aborting }
    function finish() { calls = calls.concat(["finish"]) }
    function retry(key) { calls = calls.concat(["retry"]); lastKey = key; hasFailure = false; return true }
    function retryAllFailed() { calls = calls.concat(["retryAllFailed"]); return failedCount }
    function skip(key) { calls = calls.concat(["skip"]); lastKey = key; hasFailure = false; return true }
    function closeBatch() { calls = calls.concat(["closeBatch"]); shiftStarted = false; return true }
    function submitSticker(text) { calls = calls.concat(["submitSticker"]); lastKey = text; stickerMessage = "PROV_5C3A91 queued."; return true }
    function loadManifest(path) { calls = calls.concat(["loadManifest"]); return true }
    function clearError() { lastErrorCode = 0; lastError = "" }
}
