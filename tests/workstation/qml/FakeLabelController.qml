// SPDX-License-Identifier: Apache-2.0
// Stands in for LabelController: the same properties, and verbs that record their calls.
import QtQuick
import Prov.Workstation

QtObject {
    property real widthMm: 50
    property real heightMm: 30
    property int dpi: 203
    property var dpiChoices: [203, 300, 600]
    property var fieldChoices: [
        { field: 0, text: "QR code", shown: true },
        { field: 1, text: "Service name", shown: true },
        { field: 6, text: "Free text line", shown: false }
    ]
    property string freeText: ""
    property string templateProblem: ""
    property int output: LabelController.Pdf
    property string pdfFolder: "/srv/labels"
    property string printerName: ""
    property var printers: ["Zebra_ZD421", "Office"]
    property string zplAddress: ""
    property string zplFile: ""
    property bool busy: false
    property string lastMessage: ""
    property int lastErrorCode: 0
    property string lastError: ""

    // bookkeeping for the tests
    property var calls: []
    property var lastField: []

    signal printed(string serviceName, bool ok, string where, int errorCode, string error)

    function setFieldShown(field, shown) { calls = calls.concat(["setFieldShown"]); lastField = [field, shown] }
    function refreshPrinters() { calls = calls.concat(["refreshPrinters"]) }
    function printDevice(session) { calls = calls.concat(["printDevice"]); lastMessage = "Label for " + session.serviceName; return true }
    function reprintSelectedRecord() { calls = calls.concat(["reprintSelectedRecord"]); return true }
    function holdsCredentials(serviceName) { return true }
    function clearError() { calls = calls.concat(["clearError"]) }
}
