// SPDX-License-Identifier: Apache-2.0
// Custom endpoint console (§9.5): endpoint name, payload as text / hex / file, the response as
// text or hex with its size, and the "not secret" switch that lets the payload into the record.
import QtQuick
import QtQuick.Controls
import Prov.Workstation
import QtQuick.Dialogs
import QtQuick.Layouts

ColumnLayout {
    id: root

    /// DeviceSession: sendCustom(endpoint, payload, format, recordPayload), busy, hasCustomResponse,
    /// customEndpoint, customResponseText, customResponseHex, customResponseSize, validationMessage.
    required property QtObject session

    function send() {
        if (!session || session.busy)
            return false
        const payload = formatBox.currentValue === DeviceSession.File ? fileField.text : payloadArea.text
        return session.sendCustom(endpointField.text, payload, formatBox.currentValue, recordBox.checked)
    }

    spacing: Theme.spacingS

    FileDialog {
        id: fileDialog
        title: qsTr("Payload file (at most 4096 bytes)")
        onAccepted: fileField.text = String(selectedFile)
    }

    GridLayout {
        Layout.fillWidth: true
        columns: 2
        columnSpacing: Theme.spacingM
        rowSpacing: Theme.spacingS
        Label { text: qsTr("Endpoint") }
        TextField {
            id: endpointField
            objectName: "endpointField"
            Layout.fillWidth: true
            text: "custom-data"
            font.family: Theme.monoFamily
            selectByMouse: true
        }
        Label { text: qsTr("Payload as") }
        ComboBox {
            id: formatBox
            objectName: "formatBox"
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            model: [
                { text: qsTr("Text (UTF-8)"), value: DeviceSession.Text },
                { text: qsTr("Hex bytes"), value: DeviceSession.Hex },
                { text: qsTr("File"), value: DeviceSession.File }
            ]
        }
    }

    ScrollView {
        Layout.fillWidth: true
        Layout.preferredHeight: 72
        visible: formatBox.currentValue !== DeviceSession.File
        TextArea {
            id: payloadArea
            objectName: "payloadArea"
            placeholderText: formatBox.currentValue === DeviceSession.Hex ? "48 65 6c 6c 6f" : qsTr("Payload text")
            font.family: Theme.monoFamily
            wrapMode: TextEdit.WrapAnywhere
            selectByMouse: true
            background: Rectangle { color: Theme.surface; border.color: Theme.border; radius: 3 }
        }
    }
    RowLayout {
        Layout.fillWidth: true
        visible: formatBox.currentValue === DeviceSession.File
        TextField {
            id: fileField
            Layout.fillWidth: true
            placeholderText: qsTr("File to send")
            selectByMouse: true
        }
        Button { text: qsTr("Browse…"); onClicked: fileDialog.open() }
    }

    RowLayout {
        Layout.fillWidth: true
        CheckBox {
            id: recordBox
            objectName: "recordPayloadBox"
            text: qsTr("Not secret: record the payload")
            focusPolicy: Qt.TabFocus
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Without this only the endpoint and the sizes go into the factory record")
        }
        Item { Layout.fillWidth: true }
        Button {
            objectName: "sendButton"
            text: qsTr("Send")
            icon.source: Theme.icon("send")
            enabled: root.session && !root.session.busy && endpointField.text.length > 0
            onClicked: root.send()
        }
    }
    Label {
        Layout.fillWidth: true
        visible: text.length > 0
        text: root.session ? root.session.validationMessage : ""
        color: Theme.danger
        wrapMode: Text.WordWrap
    }

    // ---- response
    RowLayout {
        Layout.fillWidth: true
        visible: root.session && root.session.hasCustomResponse
        Label {
            objectName: "responseSize"
            Layout.fillWidth: true
            text: root.session ? qsTr("Response from %1: %n byte(s)", "", root.session.customResponseSize).arg(root.session.customEndpoint) : ""
            font.bold: true
        }
        TabBar {
            id: viewBar
            TabButton { text: qsTr("Text"); width: implicitWidth }
            TabButton { text: qsTr("Hex"); width: implicitWidth }
        }
    }
    ScrollView {
        Layout.fillWidth: true
        Layout.fillHeight: true
        Layout.minimumHeight: 60
        visible: root.session && root.session.hasCustomResponse
        TextArea {
            objectName: "responseArea"
            readOnly: true
            selectByMouse: true
            font.family: Theme.monoFamily
            wrapMode: TextEdit.WrapAnywhere
            text: !root.session ? "" : (viewBar.currentIndex === 0 ? root.session.customResponseText : root.session.customResponseHex)
            background: Rectangle { color: Theme.surfaceAlt; border.color: Theme.border; radius: 3 }
        }
    }
    Item { Layout.fillHeight: true; visible: !(root.session && root.session.hasCustomResponse) }
}
