// SPDX-License-Identifier: Apache-2.0
// Wi-Fi credentials and the live apply status of a DeviceSession. Validation and advice come from
// C++ (session.validate(), errorAdvice); this panel only shows them.
import QtQuick
import QtQuick.Controls
import Prov.Workstation
import QtQuick.Controls.impl
import QtQuick.Layouts

ColumnLayout {
    id: root

    /// DeviceSession (or a fake with the same properties and verbs).
    required property QtObject session
    /// SettingsController: defaultSsid, sessionPassphrase, authModeChoices.
    required property QtObject settings

    /// The SSID in the form (the scan table highlights it).
    readonly property alias ssid: ssidField.text
    property bool otherNetwork: false
    property int scannedAuthMode: -1
    /// scannedAuthMode came from the default network profile (Settings), not from the scan.
    property bool authFromSettings: false
    property bool passphraseEdited: false
    readonly property int effectiveAuthMode: otherNetwork ? authBox.currentValue : scannedAuthMode
    readonly property bool needsPassphrase: session ? session.needsPassphrase(effectiveAuthMode) : true
    readonly property string problem: session && (passphraseEdited || session.validationMessage.length > 0)
                                      ? session.validate(ssidField.text, passField.text, effectiveAuthMode) : ""
    readonly property bool busy: session ? session.busy : false
    readonly property int applyState: session ? session.applyState : DeviceSession.Idle

    /// The auth mode for the SSID in the form: the scan's, else the default profile's (Settings).
    function lookUpAuthMode() {
        if (!session || otherNetwork)
            return
        scannedAuthMode = session.authModeFor(ssidField.text)
        authFromSettings = scannedAuthMode < 0 && ssidField.text === settings.defaultSsid && settings.defaultAuthMode >= 0
        if (authFromSettings)
            scannedAuthMode = settings.defaultAuthMode
    }
    function chooseNetwork(ssid, authMode, needsPass) {
        otherNetwork = false
        authFromSettings = false
        ssidField.text = ssid
        scannedAuthMode = authMode
        if (!needsPass)
            passField.text = ""
        else
            passField.field.forceActiveFocus()
    }
    function chooseOther() {
        otherNetwork = true
        ssidField.text = ""
        ssidField.forceActiveFocus()
    }
    function apply() {
        if (!session || busy)
            return false
        passphraseEdited = true
        if (keepBox.checked)
            settings.sessionPassphrase = passField.text
        return session.apply(ssidField.text, needsPassphrase ? passField.text : "", effectiveAuthMode)
    }

    spacing: Theme.spacingS

    Component.onCompleted: {
        ssidField.text = settings.defaultSsid
        passField.text = settings.sessionPassphrase
        keepBox.checked = settings.sessionPassphrase.length > 0
        lookUpAuthMode()
    }
    Connections {
        target: root.session
        function onScanFinished() { root.lookUpAuthMode() }
    }

    GridLayout {
        Layout.fillWidth: true
        columns: 2
        columnSpacing: Theme.spacingM
        rowSpacing: Theme.spacingS

        Label { text: qsTr("Network (SSID)") }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: ssidField
                objectName: "ssidField"
                Layout.fillWidth: true
                placeholderText: qsTr("Pick from the scan, or type it")
                selectByMouse: true
                onTextEdited: root.lookUpAuthMode()
                onAccepted: passField.field.forceActiveFocus()
            }
            Button {
                objectName: "otherNetworkButton"
                text: qsTr("Other network…")
                focusPolicy: Qt.TabFocus
                onClicked: root.chooseOther()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("A hidden network, or one the device did not see")
            }
        }

        Label { text: qsTr("Security"); visible: root.otherNetwork }
        ComboBox {
            id: authBox
            objectName: "authBox"
            Layout.fillWidth: true
            visible: root.otherNetwork
            model: root.settings.authModeChoices
            textRole: "text"
            valueRole: "value"
        }
        Label { text: qsTr("Security"); visible: !root.otherNetwork && root.scannedAuthMode >= 0 }
        Label {
            visible: !root.otherNetwork && root.scannedAuthMode >= 0
            text: root.authFromSettings ? qsTr("From the default network (Settings)") : qsTr("As scanned")
            color: Theme.textMuted
        }

        Label { text: qsTr("Passphrase"); visible: root.needsPassphrase }
        PassphraseField {
            id: passField
            Layout.fillWidth: true
            visible: root.needsPassphrase
            placeholderText: qsTr("Wi-Fi passphrase")
            field.onTextEdited: root.passphraseEdited = true
            onAccepted: root.apply()
        }
        Label { text: qsTr("Passphrase"); visible: !root.needsPassphrase }
        Label {
            visible: !root.needsPassphrase
            text: qsTr("Open network: no passphrase")
            color: Theme.warning
        }
        CheckBox {
            id: keepBox
            objectName: "keepPassphrase"
            Layout.columnSpan: 2
            Layout.alignment: Qt.AlignRight
            visible: root.needsPassphrase
            text: qsTr("Keep for this session only (never saved)")
            focusPolicy: Qt.TabFocus
            onToggled: if (!checked) root.settings.sessionPassphrase = ""
        }
    }

    Label {
        objectName: "validationMessage"
        Layout.fillWidth: true
        visible: text.length > 0
        text: root.problem.length > 0 ? root.problem : (root.session ? root.session.validationMessage : "")
        color: Theme.danger
        wrapMode: Text.WordWrap
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacingS
        Button {
            objectName: "applyButton"
            text: qsTr("Apply")
            highlighted: true
            icon.source: Theme.icon("send")
            enabled: !root.busy && ssidField.text.length > 0
            onClicked: root.apply()
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Send the credentials and wait for the device to connect (Ctrl+Enter)")
        }
        Label {
            Layout.fillWidth: true
            text: qsTr("The passphrase goes to the device only: it is never saved, logged or recorded.")
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
        }
    }

    // ---- live status of the apply (DeviceSession.ApplyState)
    Rectangle {
        objectName: "applyStatus"
        Layout.fillWidth: true
        Layout.topMargin: Theme.spacingS
        implicitHeight: statusColumn.implicitHeight + 2 * Theme.spacingM
        radius: Theme.radius
        color: root.applyState === DeviceSession.Connected
               || root.applyState === DeviceSession.AppliedLinkClosed ? Theme.successSoft
             : root.applyState === DeviceSession.Failed ? Theme.dangerSoft
             : root.applyState === DeviceSession.Idle ? Theme.surfaceAlt : Theme.accentSoft
        border.color: Theme.border

        ColumnLayout {
            id: statusColumn
            x: Theme.spacingM
            y: Theme.spacingM
            width: parent.width - 2 * Theme.spacingM
            spacing: Theme.spacingXs
            RowLayout {
                spacing: Theme.spacingS
                BusyIndicator {
                    implicitWidth: 22; implicitHeight: 22
                    visible: running
                    running: root.applyState === DeviceSession.Sending
                             || root.applyState === DeviceSession.Connecting
                }
                IconImage {
                    readonly property int st: root.applyState
                    readonly property bool ok: st === DeviceSession.Connected || st === DeviceSession.AppliedLinkClosed
                    visible: ok || st === DeviceSession.Failed
                    source: Theme.icon(ok ? "check" : "error")
                    sourceSize: Qt.size(20, 20)
                    color: ok ? Theme.success : Theme.danger
                }
                Label {
                    objectName: "applyStatusText"
                    readonly property int st: root.applyState
                    text: {
                        if (!root.session) return ""
                        switch (st) {
                        case DeviceSession.Sending: return qsTr("Sending credentials for “%1”…").arg(root.session.appliedSsid)
                        case DeviceSession.Connecting:
                            return root.session.attemptsRemaining >= 0
                                ? qsTr("Connecting to “%1”… (%2 attempt(s) left)").arg(root.session.appliedSsid).arg(root.session.attemptsRemaining)
                                : qsTr("Connecting to “%1”…").arg(root.session.appliedSsid)
                        case DeviceSession.Connected: return qsTr("Connected to “%1”").arg(root.session.appliedSsid)
                        case DeviceSession.Failed: return qsTr("Not connected to “%1”: see the reason above").arg(root.session.appliedSsid)
                        case DeviceSession.AppliedLinkClosed:
                            return qsTr("Applied to “%1” — the device closed the link (normal for BLE)").arg(root.session.appliedSsid)
                        default: return qsTr("Not applied yet")
                        }
                    }
                    font.bold: st !== DeviceSession.Idle
                    color: st === DeviceSession.Connected || st === DeviceSession.AppliedLinkClosed ? Theme.success
                         : st === DeviceSession.Failed ? Theme.danger : Theme.text
                    wrapMode: Text.WordWrap
                    Layout.fillWidth: true
                }
            }
            GridLayout {
                visible: root.applyState === DeviceSession.Connected
                columns: 4
                columnSpacing: Theme.spacingL
                rowSpacing: 2
                Label { text: qsTr("IP address"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall }
                Label { objectName: "connectedIp"; text: root.session ? root.session.connectedIp : ""; font.family: Theme.monoFamily }
                Label { text: qsTr("Channel"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall }
                Label { text: root.session ? String(root.session.connectedChannel) : ""; font.family: Theme.monoFamily }
                Label { text: qsTr("BSSID"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall }
                Label { text: root.session ? root.session.connectedBssid : ""; font.family: Theme.monoFamily }
                Label { text: qsTr("Security"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall }
                Label { text: root.session ? root.session.connectedAuth : "" }
            }
        }
    }

    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacingS
        Button {
            objectName: "resetButton"
            text: qsTr("Reset")
            icon.source: Theme.icon("reset")
            enabled: !root.busy
            focusPolicy: Qt.TabFocus
            onClicked: root.session.reset()
            ToolTip.visible: hovered
            ToolTip.text: qsTr("After a failed connection: clear the device's Wi-Fi settings to try again")
        }
        Button {
            objectName: "reprovisionButton"
            text: qsTr("Re-provision")
            icon.source: Theme.icon("refresh")
            enabled: !root.busy
            focusPolicy: Qt.TabFocus
            onClicked: root.session.reprovision()
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Give an already provisioned device new credentials (firmware must allow it)")
        }
        Item { Layout.fillWidth: true }
    }
    Item { Layout.fillHeight: true }
}
