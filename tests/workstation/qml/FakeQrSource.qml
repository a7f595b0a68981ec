// SPDX-License-Identifier: Apache-2.0
// Stands in for QrSource: accepts payloads that mention "name", rejects the rest.
import QtQuick

QtObject {
    signal accepted(string serviceName)
    signal rejected(string reason)
    property string lastError: ""
    property string lastAccepted: ""
    property var submitted: []
    property int clipboardCalls: 0
    function submit(text) {
        submitted = submitted.concat([text])
        if (text.indexOf("\"name\"") < 0) {
            lastError = "Not a provisioning QR code: \"name\" is missing or empty."
            rejected(lastError)
            return false
        }
        lastAccepted = "PROV_QR0001"
        accepted(lastAccepted)
        return true
    }
    function submitClipboardText() { clipboardCalls++; return true }
}
