// SPDX-License-Identifier: Apache-2.0
// The workstation window: side bar (Devices, Device, Records, Settings, Line), pages, and the keyboard
// shortcuts. Every controller comes in as a required property from Workstation (C++): no context
// properties, no singletons other than Theme.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Prov.Workstation

ApplicationWindow {
    id: window

    required property SettingsController settings
    required property DeviceFilterModel devices
    required property ManualSource manualSource
    required property QrSource qrSource
    required property ManifestSource manifestSource
    required property DeviceController deviceController
    required property RecordsController records
    required property CameraController camera
    required property LineController line
    required property LabelController labels

    readonly property int pageDevices: 0
    readonly property int pageDevice: 1
    readonly property int pageRecords: 2
    readonly property int pageSettings: 3
    readonly property int pageLine: 4
    property alias currentPage: stack.currentIndex

    function showPage(index) {
        stack.currentIndex = index
        window.settings.lastPage = index
        if (index === pageDevices)
            devicesPage.focusWedge()
        else if (index === pageLine)
            linePage.focusSticker()
        else if (index === pageRecords)
            window.records.refresh() // attempts written since the page was last shown
    }

    visible: true
    width: 1280
    height: 800
    minimumWidth: 1024
    minimumHeight: 700
    title: window.deviceController.session
           ? qsTr("%1 — %2").arg(window.deviceController.session.serviceName).arg(Theme.appName)
           : Theme.appName
    color: Theme.window

    palette.window: Theme.window
    palette.base: Theme.surface
    palette.alternateBase: Theme.surfaceAlt
    palette.text: Theme.text
    palette.windowText: Theme.text
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: "#ffffff"
    palette.button: "#f0f2f5"
    palette.mid: Theme.border
    palette.placeholderText: "#8a93a3"
    font.pixelSize: Theme.fontBody

    Component.onCompleted: {
        const last = settings.lastPage
        showPage(last >= 0 && last <= pageLine ? last : pageDevices)
    }

    // ---- keyboard shortcuts (none is a plain printable key: a wedge scanner types freely)
    Shortcut { sequence: "Ctrl+1"; onActivated: window.showPage(window.pageDevices) }
    Shortcut { sequence: "Ctrl+2"; onActivated: window.showPage(window.pageDevice) }
    Shortcut { sequence: "Ctrl+3"; onActivated: window.showPage(window.pageRecords) }
    Shortcut { sequence: "Ctrl+4"; onActivated: window.showPage(window.pageSettings) }
    Shortcut { sequence: "Ctrl+5"; onActivated: window.showPage(window.pageLine) }
    Shortcut {
        sequence: "Ctrl+N"
        onActivated: { window.showPage(window.pageDevices); devicesPage.openManualEntry() }
    }
    Shortcut {
        sequence: "Ctrl+O"
        onActivated: { window.showPage(window.pageDevices); devicesPage.openQrImage() }
    }
    // Inside a text field Ctrl+V pastes as usual (the field takes the shortcut first).
    Shortcut {
        sequences: [StandardKey.Paste]
        onActivated: { window.showPage(window.pageDevices); devicesPage.pasteQr() }
    }
    Shortcut {
        sequence: "F5"
        enabled: stack.currentIndex === window.pageDevice
        onActivated: devicePage.refreshScan()
    }
    Shortcut {
        sequences: ["Ctrl+Return", "Ctrl+Enter"]
        enabled: stack.currentIndex === window.pageDevice
        onActivated: devicePage.applyNow()
    }
    Shortcut {
        sequence: "Esc"
        enabled: stack.currentIndex === window.pageDevice && window.deviceController.session !== null
                 && window.deviceController.session.busy
        onActivated: window.deviceController.session.cancel()
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        // ---- side bar
        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: Theme.sidebarWidth
            color: Theme.sidebar

            ColumnLayout {
                anchors.fill: parent
                spacing: 0
                Label {
                    Layout.fillWidth: true
                    Layout.margins: Theme.spacingL
                    text: Theme.appName
                    color: "#ffffff"
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                    wrapMode: Text.WordWrap
                }
                NavButton {
                    objectName: "navDevices"
                    text: qsTr("Devices")
                    iconName: "devices"
                    shortcutText: "Ctrl+1"
                    checked: stack.currentIndex === window.pageDevices
                    onClicked: window.showPage(window.pageDevices)
                }
                NavButton {
                    objectName: "navDevice"
                    text: qsTr("Device")
                    iconName: "device"
                    shortcutText: "Ctrl+2"
                    checked: stack.currentIndex === window.pageDevice
                    onClicked: window.showPage(window.pageDevice)
                }
                NavButton {
                    objectName: "navRecords"
                    text: qsTr("Records")
                    iconName: "records"
                    shortcutText: "Ctrl+3"
                    checked: stack.currentIndex === window.pageRecords
                    onClicked: window.showPage(window.pageRecords)
                }
                NavButton {
                    objectName: "navSettings"
                    text: qsTr("Settings")
                    iconName: "settings"
                    shortcutText: "Ctrl+4"
                    checked: stack.currentIndex === window.pageSettings
                    onClicked: window.showPage(window.pageSettings)
                }
                NavButton {
                    objectName: "navLine"
                    text: qsTr("Line")
                    iconName: "send"
                    shortcutText: "Ctrl+5"
                    checked: stack.currentIndex === window.pageLine
                    onClicked: window.showPage(window.pageLine)
                }
                Item { Layout.fillHeight: true }
                ColumnLayout {
                    Layout.fillWidth: true
                    Layout.margins: Theme.spacingL
                    spacing: 2
                    Label {
                        Layout.fillWidth: true
                        text: window.settings.stationName
                        color: Theme.sidebarText
                        font.pixelSize: Theme.fontSmall
                        font.bold: true
                        elide: Text.ElideRight
                    }
                    Label {
                        Layout.fillWidth: true
                        text: window.settings.operatorName.length > 0 ? window.settings.operatorName
                                                                      : qsTr("No operator set")
                        color: "#8792a5"
                        font.pixelSize: Theme.fontSmall
                        elide: Text.ElideRight
                    }
                    // The line's shared record: online, syncing, or offline with the backlog.
                    Label {
                        objectName: "lineRecordStatus"
                        Layout.fillWidth: true
                        visible: text.length > 0
                        text: window.records.lineStatusText
                        color: window.records.lineConfigured && !window.records.lineOnline ? "#ffb347" : "#8fd19e"
                        font.pixelSize: Theme.fontSmall
                        font.bold: !window.records.lineOnline
                        wrapMode: Text.WordWrap
                        ToolTip.visible: lineStatusMouse.containsMouse && window.records.lineError.length > 0
                        ToolTip.text: window.records.lineError
                        MouseArea {
                            id: lineStatusMouse
                            anchors.fill: parent
                            hoverEnabled: true
                            acceptedButtons: Qt.NoButton
                        }
                    }
                }
            }
        }

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            // Storage trouble concerns every page: attempts would go unrecorded.
            Rectangle {
                objectName: "recordProblem"
                Layout.fillWidth: true
                visible: window.deviceController.recordProblem.length > 0
                implicitHeight: visible ? problemRow.implicitHeight + 2 * Theme.spacingS : 0
                color: Theme.danger
                RowLayout {
                    id: problemRow
                    x: Theme.spacingL
                    y: Theme.spacingS
                    width: parent.width - 2 * Theme.spacingL
                    Label {
                        Layout.fillWidth: true
                        text: window.deviceController.recordProblem
                        color: "#ffffff"
                        font.bold: true
                        wrapMode: Text.WordWrap
                    }
                    ToolButton {
                        text: qsTr("Dismiss")
                        palette.buttonText: "#ffffff"
                        onClicked: window.deviceController.dismissRecordProblem()
                    }
                }
            }

            StackLayout {
                id: stack
                objectName: "pages"
                Layout.fillWidth: true
                Layout.fillHeight: true

                DevicesPage {
                    id: devicesPage
                    objectName: "devicesPage"
                    devices: window.devices
                    qrSource: window.qrSource
                    manualSource: window.manualSource
                    manifestSource: window.manifestSource
                    deviceController: window.deviceController
                    camera: window.camera
                    onOpenDevice: window.showPage(window.pageDevice)
                }
                DevicePage {
                    id: devicePage
                    objectName: "devicePage"
                    deviceController: window.deviceController
                    settings: window.settings
                    labels: window.labels
                }
                RecordsPage {
                    id: recordsPage
                    objectName: "recordsPage"
                    controller: window.records
                    labels: window.labels
                }
                SettingsPage {
                    settings: window.settings
                    labels: window.labels
                    wifiSource: window.deviceController.wifiSource
                }
                LinePage {
                    id: linePage
                    objectName: "linePage"
                    controller: window.line
                }
            }
        }
    }
}
