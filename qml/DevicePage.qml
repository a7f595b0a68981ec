// SPDX-License-Identifier: Apache-2.0
// Device page: the selected device's session — proto-ver facts, the named workflow steps, the
// device's own Wi-Fi scan, credentials with Apply and live status, reset / re-provision, and the
// custom endpoint console.
//
// Duck-typed controllers (see DevicesPage.qml for why):
//   deviceController: DeviceController — session (DeviceSession or null), setAddress(key, text)
//   settings:         SettingsController — defaultSsid, sessionPassphrase, authModeChoices
//   labels:           LabelController (optional) — printDevice(session), lastMessage, lastError
import QtQuick
import QtQuick.Controls
import Prov.Workstation
import QtQuick.Controls.impl
import QtQuick.Layouts

Page {
    id: root

    required property QtObject deviceController
    required property QtObject settings
    /// Optional: without it (page tests on fakes) there is no "Print label".
    property QtObject labels: null
    readonly property QtObject session: deviceController ? deviceController.session : null
    readonly property bool canPrintLabel: labels !== null && session !== null
        && (session.applyState === DeviceSession.Connected || session.applyState === DeviceSession.AppliedLinkClosed)

    function printLabel() { if (canPrintLabel) labels.printDevice(session) }

    function refreshScan() { if (session && !session.busy) session.refreshScan() }
    function applyNow() { if (credentialsLoader.item) credentialsLoader.item.apply() }
    function connectNow() { if (session && !session.busy) session.connectDevice() }

    background: Rectangle { color: Theme.window }

    Shortcut {
        sequence: "Ctrl+P"
        enabled: root.visible && root.canPrintLabel
        onActivated: root.printLabel()
    }

    // A new form per session: what was typed for one device never shows on another.
    onSessionChanged: {
        credentialsLoader.sourceComponent = null
        consoleLoader.sourceComponent = null
        credentialsLoader.sourceComponent = credentialsComponent
        consoleLoader.sourceComponent = consoleComponent
    }
    Component {
        id: credentialsComponent
        CredentialsPanel {
            width: credentialsLoader.width
            height: credentialsLoader.height
            session: root.session
            settings: root.settings
        }
    }
    Component {
        id: consoleComponent
        CustomConsole {
            width: consoleLoader.width
            height: consoleLoader.height
            session: root.session
        }
    }

    // ---- nothing selected
    ColumnLayout {
        anchors.centerIn: parent
        visible: root.session === null
        spacing: Theme.spacingM
        IconImage {
            Layout.alignment: Qt.AlignHCenter
            source: Theme.icon("device")
            sourceSize.width: 48; sourceSize.height: 48
            color: Theme.textMuted
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("No device selected")
            font.pixelSize: Theme.fontHeading
            color: Theme.text
        }
        Label {
            Layout.alignment: Qt.AlignHCenter
            text: qsTr("Pick a device on the Devices page (Ctrl+1), or scan its QR sticker there.")
            color: Theme.textMuted
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacingL
        spacing: Theme.spacingM
        visible: root.session !== null

        // ---- header
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingM
            ColumnLayout {
                spacing: 2
                Label {
                    objectName: "deviceTitle"
                    text: root.session ? root.session.serviceName : ""
                    font.pixelSize: Theme.fontHeading
                    font.bold: true
                    color: Theme.text
                }
                RowLayout {
                    spacing: Theme.spacingS
                    Label {
                        text: root.session ? root.session.transportText : ""
                        color: Theme.textMuted
                    }
                    Label { text: "·"; color: Theme.textMuted }
                    Label {
                        id: addressLabel
                        visible: !addressEditor.visible
                        text: root.session ? root.session.address : ""
                        font.family: Theme.monoFamily
                        color: Theme.text
                    }
                    Label {
                        objectName: "joinNote"
                        visible: root.session !== null && root.session.joinsSoftAp && !addressEditor.visible
                        text: qsTr("joined through Wi-Fi (NetworkManager); the previous network comes back when the device is closed")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                    TextField {
                        id: addressEditor
                        objectName: "addressEditor"
                        visible: false
                        implicitWidth: 200
                        font.family: Theme.monoFamily
                        onAccepted: {
                            if (root.deviceController.setAddress(root.session.serviceName, text))
                                visible = false
                        }
                        Keys.onEscapePressed: visible = false
                    }
                    ToolButton {
                        objectName: "editAddressButton"
                        // A BLE address comes from the scan: not edited by hand.
                        visible: !root.session || root.session.transportKind !== Transport.Ble
                        text: addressEditor.visible ? qsTr("Save") : qsTr("Edit")
                        font.pixelSize: Theme.fontSmall
                        enabled: root.session && !root.session.busy
                        focusPolicy: Qt.TabFocus
                        onClicked: {
                            if (addressEditor.visible) {
                                addressEditor.accepted()
                            } else {
                                // A device joined by SSID shows its BSSID: an address typed here reaches
                                // it directly instead, the SoftAP default being the usual one.
                                addressEditor.text = root.session.joinsSoftAp ? "192.168.4.1:80" : root.session.address
                                addressEditor.visible = true
                                addressEditor.forceActiveFocus()
                            }
                        }
                    }
                }
                // How the last apply ended when it was more than a plain Connected (BLE, §7.6):
                // "Applied — the device closed the link (normal for BLE)".
                Label {
                    objectName: "outcomeText"
                    visible: root.session !== null && root.session.hasProvisionOutcome
                             && root.session.provisionOutcome !== Provision.Connected
                    text: root.session ? root.session.outcomeText : ""
                    color: root.session && root.session.provisionOutcome === Provision.Unconfirmed
                           ? Theme.warning : Theme.success
                    font.bold: true
                }
            }
            Item { Layout.fillWidth: true }
            BusyIndicator {
                implicitWidth: 28; implicitHeight: 28
                running: root.session ? root.session.busy : false
                visible: running
            }
            Button {
                objectName: "cancelButton"
                text: qsTr("Cancel")
                icon.source: Theme.icon("stop")
                visible: root.session ? root.session.busy : false
                onClicked: root.session.cancel()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Esc")
            }
            Label {
                objectName: "labelStatus"
                visible: root.labels !== null && text.length > 0
                text: root.labels ? (root.labels.lastError || root.labels.lastMessage) : ""
                color: root.labels && root.labels.lastErrorCode !== 0 ? Theme.danger : Theme.textMuted
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideMiddle
                Layout.maximumWidth: 320
            }
            Button {
                objectName: "printLabelButton"
                text: qsTr("Print label")
                icon.source: Theme.icon("qr")
                visible: root.canPrintLabel
                enabled: !root.labels || !root.labels.busy
                focusPolicy: Qt.TabFocus
                onClicked: root.printLabel()
                ToolTip.visible: hovered
                ToolTip.text: qsTr("Ctrl+P — the device's label with its QR code (output: Settings → Labels)")
            }
            Button {
                objectName: "closeDeviceButton"
                text: qsTr("Close device")
                icon.source: Theme.icon("cross")
                visible: root.session !== null
                enabled: root.session ? !root.session.busy : false
                focusPolicy: Qt.TabFocus
                onClicked: root.deviceController.close(root.session.serviceName)
                ToolTip.visible: hovered
                ToolTip.text: root.session && root.session.joinsSoftAp
                              ? qsTr("Ends this device's session and leaves its SoftAP: the previous Wi-Fi network comes back")
                              : qsTr("Ends this device's session (the row stays in the list)")
            }
            Button {
                objectName: "connectButton"
                text: root.session && root.session.connected ? qsTr("Reconnect") : qsTr("Connect")
                icon.source: Theme.icon("link")
                highlighted: root.session ? !root.session.connected : false
                enabled: root.session ? !root.session.busy : false
                onClicked: root.connectNow()
            }
        }

        // ---- named steps + progress; before them, the link's own set-up (joining a SoftAP through
        // NetworkManager: "Joining PROV_1A2B3C on wlan0…")
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: stepsColumn.implicitHeight + 2 * Theme.spacingM
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            ColumnLayout {
                id: stepsColumn
                x: Theme.spacingM
                y: Theme.spacingM
                width: parent.width - 2 * Theme.spacingM
                spacing: Theme.spacingS
                RowLayout {
                    objectName: "linkStep"
                    Layout.fillWidth: true
                    visible: root.session !== null && root.session.linkProgress !== ""
                    spacing: Theme.spacingS
                    BusyIndicator {
                        implicitWidth: 20; implicitHeight: 20
                        running: parent.visible
                    }
                    Label {
                        objectName: "linkProgress"
                        Layout.fillWidth: true
                        text: root.session ? root.session.linkProgress : ""
                        color: Theme.accent
                        font.bold: true
                        elide: Text.ElideRight
                    }
                }
                StepIndicator {
                    id: steps
                    Layout.fillWidth: true
                    names: root.session ? root.session.stepNames : []
                    stepStates: root.session ? root.session.stepStates : []
                    progress: root.session ? root.session.progress : 0
                    busy: root.session ? root.session.busy : false
                    currentStep: root.session ? root.session.stepName : ""
                }
            }
        }

        ErrorBanner {
            objectName: "errorBanner"
            Layout.fillWidth: true
            code: root.session ? root.session.errorCode : 0
            headline: root.session ? root.session.errorHeadline : ""
            advice: root.session ? root.session.errorAdvice : ""
            detail: root.session ? root.session.errorDetail : ""
            codeName: root.session ? root.session.errorName : ""
            onDismissed: root.session.clearError()
        }

        // Provisioned before, here or at another station of the line: say where and when.
        Rectangle {
            objectName: "duplicateNote"
            Layout.fillWidth: true
            visible: root.deviceController && root.deviceController.duplicateNote.length > 0
            implicitHeight: visible ? duplicateLabel.implicitHeight + 2 * Theme.spacingS : 0
            radius: 4
            color: "#fff4d6"
            border.color: "#e0b44c"
            Label {
                id: duplicateLabel
                x: Theme.spacingM
                y: Theme.spacingS
                width: parent.width - 2 * Theme.spacingM
                text: root.deviceController ? root.deviceController.duplicateNote : ""
                wrapMode: Text.WordWrap
            }
        }

        // ---- body
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacingM

            ColumnLayout {
                Layout.fillWidth: true
                Layout.fillHeight: true
                spacing: Theme.spacingM

                Card {
                    Layout.fillWidth: true
                    title: qsTr("Device")
                    GridLayout {
                        Layout.fillWidth: true
                        columns: 4
                        columnSpacing: Theme.spacingL
                        rowSpacing: Theme.spacingXs
                        readonly property bool known: root.session ? root.session.connected : false
                        Label { text: qsTr("Provisioning"); color: Theme.textMuted }
                        Label {
                            objectName: "factProvVersion"
                            Layout.fillWidth: true
                            text: parent.known ? root.session.provVersion : "—"
                        }
                        Label { text: qsTr("Security"); color: Theme.textMuted }
                        Label {
                            objectName: "factSecurity"
                            Layout.fillWidth: true
                            text: !parent.known ? "—"
                                  : root.session.secPatchVer >= 0
                                    ? qsTr("Security %1, patch %2").arg(root.session.secVer).arg(root.session.secPatchVer)
                                    : qsTr("Security %1").arg(root.session.secVer)
                        }
                        Label { text: qsTr("Application"); color: Theme.textMuted }
                        Label {
                            Layout.fillWidth: true
                            text: parent.known && root.session.firmwareVersion.length > 0 ? root.session.firmwareVersion : "—"
                            elide: Text.ElideRight
                        }
                        Label { text: qsTr("Capabilities"); color: Theme.textMuted }
                        Label {
                            objectName: "factCapabilities"
                            Layout.fillWidth: true
                            text: parent.known ? (root.session.capabilities.length > 0 ? root.session.capabilities.join(", ") : qsTr("none")) : "—"
                            elide: Text.ElideRight
                        }
                    }
                }

                Card {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    title: qsTr("Networks the device sees")
                    subtitle: root.session && !root.session.canScan ? qsTr("This firmware does not scan; use “Other network…”.") : ""
                    actions: [
                        BusyIndicator {
                            implicitWidth: 24; implicitHeight: 24
                            running: root.session ? root.session.operation === DeviceSession.Scan : false
                            visible: running
                        },
                        Button {
                            objectName: "refreshScanButton"
                            text: qsTr("Refresh")
                            icon.source: Theme.icon("refresh")
                            enabled: root.session ? !root.session.busy && root.session.canScan : false
                            onClicked: root.refreshScan()
                            ToolTip.visible: hovered
                            ToolTip.text: qsTr("F5")
                        }
                    ]
                    ScanTable {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        Layout.minimumHeight: 160
                        scanModel: root.session ? root.session.scanModel : null
                        scanning: root.session ? root.session.operation === DeviceSession.Scan : false
                        scanned: root.session ? root.session.scanned : false
                        selectedSsid: credentialsLoader.item ? credentialsLoader.item.ssid : ""
                        onNetworkChosen: (ssid, authMode, needsPassphrase, supported) => {
                            if (credentialsLoader.item)
                                credentialsLoader.item.chooseNetwork(ssid, authMode, needsPassphrase)
                        }
                    }
                }
            }

            Card {
                Layout.fillHeight: true
                // 430 px at 1280 wide, down to 360 px at the 1024 px minimum window width.
                Layout.preferredWidth: Math.max(360, Math.min(430, parent.width * 0.42))
                padding: Theme.spacingM
                ColumnLayout {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    spacing: Theme.spacingM
                    TabBar {
                        id: tabs
                        objectName: "deviceTabs"
                        Layout.fillWidth: true
                        TabButton { text: qsTr("Wi-Fi credentials") }
                        TabButton { text: qsTr("Custom endpoint") }
                    }
                    StackLayout {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        currentIndex: tabs.currentIndex
                        Loader {
                            id: credentialsLoader
                            active: root.session !== null
                            sourceComponent: credentialsComponent
                        }
                        Loader {
                            id: consoleLoader
                            active: root.session !== null
                            sourceComponent: consoleComponent
                        }
                    }
                }
            }
        }
    }
}
