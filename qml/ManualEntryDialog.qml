// SPDX-License-Identifier: Apache-2.0
// Manual entry of a SoftAP device: address, security and its credentials. The credentials go to
// ManualSource (kept in memory only) and are cleared from the form when the dialog closes.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Dialog {
    id: dialog

    /// ManualSource: add(serviceName, address, secVer, pop, username, password) -> bool, lastError.
    required property QtObject manualSource

    title: qsTr("Add a device manually")
    modal: true
    focus: true
    width: 480
    padding: Theme.spacingL
    topPadding: Theme.spacingM

    function clearForm() {
        nameField.text = ""
        addressField.text = ""
        popField.text = ""
        userField.text = "wifiprov"
        passwordField.text = ""
    }

    property bool tried: false

    onOpened: { tried = false; nameField.forceActiveFocus() }
    onAccepted: clearForm()
    onRejected: clearForm()

    footer: DialogButtonBox {
        padding: Theme.spacingM
        Button {
            objectName: "manualAddButton"
            text: qsTr("Add device")
            DialogButtonBox.buttonRole: DialogButtonBox.ActionRole
            highlighted: true
            onClicked: dialog.submit()
        }
        Button {
            text: qsTr("Cancel")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
    }

    function submit() {
        tried = true
        const sec = securityBox.currentValue
        if (dialog.manualSource.add(nameField.text, addressField.text, sec, popField.text,
                                    userField.text, passwordField.text))
            dialog.accept()
    }

    contentItem: GridLayout {
        columns: 2
        columnSpacing: Theme.spacingM
        rowSpacing: Theme.spacingS

        Label { text: qsTr("Service name") }
        TextField {
            id: nameField
            objectName: "manualName"
            Layout.fillWidth: true
            placeholderText: qsTr("PROV_1A2B3C (optional)")
            onAccepted: dialog.submit()
        }
        Label { text: qsTr("Address") }
        TextField {
            id: addressField
            objectName: "manualAddress"
            Layout.fillWidth: true
            placeholderText: qsTr("192.168.4.1:80 (SoftAP default)")
            onAccepted: dialog.submit()
        }
        Label { text: qsTr("Security") }
        ComboBox {
            id: securityBox
            objectName: "manualSecurity"
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            // Security 2 first: what current firmware ships and what the stickers carry.
            Component.onCompleted: currentIndex = indexOfValue(2)
            // value: the sec_ver handed to ManualSource.add() (-1: follow proto-ver, §2.3); which
            // credentials each choice asks for is said here, once, and the fields follow it.
            model: [
                { text: qsTr("From the device (proto-ver)"), value: -1, asksPop: true, asksSrp: false },
                { text: qsTr("Security 0 — none"), value: 0, asksPop: false, asksSrp: false },
                { text: qsTr("Security 1 — PoP"), value: 1, asksPop: true, asksSrp: false },
                { text: qsTr("Security 2 — SRP username + password"), value: 2, asksPop: false, asksSrp: true }
            ]
            readonly property var choice: currentIndex >= 0 ? model[currentIndex] : null
            readonly property bool asksPop: choice !== null && choice.asksPop
            readonly property bool asksSrp: choice !== null && choice.asksSrp
        }
        Label { text: qsTr("PoP"); visible: securityBox.asksPop }
        PassphraseField {
            id: popField
            Layout.fillWidth: true
            visible: securityBox.asksPop
            placeholderText: qsTr("Proof of possession from the sticker")
            onAccepted: dialog.submit()
        }
        Label { text: qsTr("Username"); visible: securityBox.asksSrp }
        TextField {
            id: userField
            Layout.fillWidth: true
            visible: securityBox.asksSrp
            text: "wifiprov"
        }
        Label { text: qsTr("Password"); visible: securityBox.asksSrp }
        PassphraseField {
            id: passwordField
            Layout.fillWidth: true
            visible: securityBox.asksSrp
            placeholderText: qsTr("SRP password from the sticker")
            onAccepted: dialog.submit()
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            text: qsTr("Credentials are kept in memory for this session only.")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
        Label {
            objectName: "manualError"
            Layout.columnSpan: 2
            Layout.fillWidth: true
            visible: dialog.tried && text.length > 0
            text: dialog.manualSource.lastError
            color: Theme.danger
            wrapMode: Text.WordWrap
        }
    }
}
