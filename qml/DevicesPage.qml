// SPDX-License-Identifier: Apache-2.0
// Devices page: the list of known devices with their state, the keyboard-wedge field (focused by
// default) for a handheld QR scanner, manual entry, manifest loading and the QR panel.
//
// Controllers are duck-typed (QtObject) so that Qt Quick Test can run the page against fakes
// written in QML; Main.qml passes the real ones. Interface used:
//   devices:          DeviceFilterModel — list model (roles of DeviceListModel), filterText, count
//   qrSource:         QrSource — submit(text) -> bool, submitClipboardText() -> bool, lastError,
//                     lastAccepted, signals accepted(name) / rejected(reason)
//   manualSource:     ManualSource — add(...) -> bool, lastError
//   manifestSource:   ManifestSource — load(url) -> bool, problems, deviceCount, path
//   deviceController: DeviceController — select(key) -> bool, selectedKey, bleSource and
//                     wifiSource (optional)
//   bleSource:        BleSource or absent — toggleScan(), scanning, statusText, errorCode,
//                     errorHeadline, errorAdvice (F6 toggles the scan)
//   wifiSource:       WifiSource or absent — the same for the Wi-Fi (NetworkManager) scan of SoftAP
//                     devices (F7 toggles it)
//   camera:           CameraController or null — the QR panel is shown only with a real one
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.impl
import QtQuick.Dialogs
import QtQuick.Layouts

Page {
    id: root

    required property QtObject devices
    required property QtObject qrSource
    required property QtObject manualSource
    required property QtObject manifestSource
    required property QtObject deviceController
    required property QtObject camera

    /// BLE scanning, when the controller offers it (fakes may not).
    readonly property QtObject bleSource: root.deviceController && root.deviceController.bleSource
                                          ? root.deviceController.bleSource : null

    /// Wi-Fi (NetworkManager) scanning of SoftAP devices, when the controller offers it.
    readonly property QtObject wifiSource: root.deviceController && root.deviceController.wifiSource
                                           ? root.deviceController.wifiSource : null

    /// The technician asked to open a device (double click, Enter, "Open").
    signal openDevice(string key)

    /// Below this width the title-row actions show icons only (labels move to their tooltips), so the
    /// page fits the 1024 × 700 minimum window.
    readonly property bool compactActions: width < 1000

    property string message
    property bool messageIsError: false

    function focusWedge() { wedge.forceActiveFocus() }
    function openManualEntry() { manualDialog.open() }
    function openManifest() { manifestDialog.open() }
    function openQrImage() { qrImageDialog.open() }
    /// Ctrl+V outside a text field: text on the clipboard is a payload; otherwise a QR picture.
    function pasteQr() {
        if (!root.qrSource.submitClipboardText() && root.camera)
            root.camera.decodeClipboard()
    }
    function open(key) {
        if (root.deviceController.select(key))
            root.openDevice(key)
    }

    background: Rectangle { color: Theme.window }

    Shortcut {
        sequence: "F6"
        enabled: root.visible && root.bleSource !== null
        onActivated: root.bleSource.toggleScan()
    }
    Shortcut {
        sequence: "F7"
        enabled: root.visible && root.wifiSource !== null
        onActivated: root.wifiSource.toggleScan()
    }

    Connections {
        target: root.qrSource
        function onAccepted(name) {
            root.message = qsTr("Added %1 from its QR code.").arg(name)
            root.messageIsError = false
        }
        function onRejected(reason) {
            root.message = reason
            root.messageIsError = true
        }
    }
    Connections {
        target: root.camera
        ignoreUnknownSignals: true
        function onDecodeFailed(reason) {
            root.message = reason
            root.messageIsError = true
        }
    }
    Connections {
        target: root.manifestSource
        function onLoaded(count, problems) {
            root.message = problems > 0
                ? qsTr("Manifest: %n device(s) loaded, %1 line(s) skipped (see below).", "", count).arg(problems)
                : qsTr("Manifest: %n device(s) loaded.", "", count)
            root.messageIsError = problems > 0
        }
    }

    ManualEntryDialog {
        id: manualDialog
        manualSource: root.manualSource
        anchors.centerIn: parent
        onClosed: root.focusWedge()
    }
    FileDialog {
        id: manifestDialog
        title: qsTr("Load a device manifest")
        nameFilters: [qsTr("JSON lines (*.jsonl *.json *.txt)"), qsTr("All files (*)")]
        onAccepted: root.manifestSource.load(String(selectedFile))
    }
    FileDialog {
        id: qrImageDialog
        title: qsTr("Read a QR code from an image")
        nameFilters: [qsTr("Images (*.png *.jpg *.jpeg *.bmp *.gif)"), qsTr("All files (*)")]
        onAccepted: if (root.camera) root.camera.decodeImageFile(selectedFile)
    }

    RowLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacingL
        spacing: Theme.spacingL

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacingM

            // ---- title + actions
            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacingS
                Label {
                    text: qsTr("Devices")
                    font.pixelSize: Theme.fontHeading
                    font.bold: true
                    color: Theme.text
                }
                Label {
                    objectName: "deviceCount"
                    text: qsTr("%n device(s)", "", root.devices.count)
                    color: Theme.textMuted
                    Layout.alignment: Qt.AlignBottom
                    bottomPadding: 3
                }
                Item { Layout.fillWidth: true }
                BusyIndicator {
                    objectName: "bleBusy"
                    visible: running
                    running: root.bleSource !== null && root.bleSource.scanning
                    implicitWidth: 28
                    implicitHeight: 28
                }
                Button {
                    objectName: "bleScanButton"
                    text: root.bleSource && root.bleSource.scanning ? qsTr("Stop BLE scan") : qsTr("Scan BLE")
                    icon.source: Theme.icon(root.bleSource && root.bleSource.scanning ? "stop" : "refresh")
                    focusPolicy: Qt.TabFocus
                    display: root.compactActions ? AbstractButton.IconOnly : AbstractButton.TextBesideIcon
                    visible: root.bleSource !== null
                    onClicked: root.bleSource.toggleScan()
                    ToolTip.visible: hovered
                    ToolTip.text: root.compactActions ? text + " (" + qsTr("F6") + ")" : qsTr("F6")
                }
                BusyIndicator {
                    objectName: "wifiBusy"
                    visible: running
                    running: root.wifiSource !== null && root.wifiSource.scanning
                    implicitWidth: 28
                    implicitHeight: 28
                }
                Button {
                    objectName: "wifiScanButton"
                    text: root.wifiSource && root.wifiSource.scanning ? qsTr("Stop Wi-Fi scan") : qsTr("Scan Wi-Fi")
                    icon.source: Theme.icon(root.wifiSource && root.wifiSource.scanning ? "stop" : "wifi")
                    focusPolicy: Qt.TabFocus
                    display: root.compactActions ? AbstractButton.IconOnly : AbstractButton.TextBesideIcon
                    visible: root.wifiSource !== null
                    onClicked: root.wifiSource.toggleScan()
                    ToolTip.visible: hovered
                    ToolTip.text: root.compactActions ? text + " (" + qsTr("F7") + ")" : qsTr("F7")
                }
                Button {
                    text: qsTr("Add manually…")
                    icon.source: Theme.icon("plus")
                    focusPolicy: Qt.TabFocus
                    display: root.compactActions ? AbstractButton.IconOnly : AbstractButton.TextBesideIcon
                    onClicked: root.openManualEntry()
                    ToolTip.visible: hovered
                    ToolTip.text: root.compactActions ? text + " (" + qsTr("Ctrl+N") + ")" : qsTr("Ctrl+N")
                }
                Button {
                    text: qsTr("Load manifest…")
                    icon.source: Theme.icon("file")
                    focusPolicy: Qt.TabFocus
                    display: root.compactActions ? AbstractButton.IconOnly : AbstractButton.TextBesideIcon
                    onClicked: root.openManifest()
                    ToolTip.visible: hovered && root.compactActions
                    ToolTip.text: text
                }
                // The QR panel has its own image and clipboard buttons: these two hide while it shows.
                Button {
                    text: qsTr("QR image…")
                    icon.source: Theme.icon("image")
                    focusPolicy: Qt.TabFocus
                    display: root.compactActions ? AbstractButton.IconOnly : AbstractButton.TextBesideIcon
                    visible: !qrPanelLoader.active
                    enabled: root.camera !== null
                    onClicked: root.openQrImage()
                    ToolTip.visible: hovered
                    ToolTip.text: root.compactActions ? text + " (" + qsTr("Ctrl+O") + ")" : qsTr("Ctrl+O")
                }
                Button {
                    text: qsTr("Paste QR")
                    icon.source: Theme.icon("paste")
                    focusPolicy: Qt.TabFocus
                    display: root.compactActions ? AbstractButton.IconOnly : AbstractButton.TextBesideIcon
                    visible: !qrPanelLoader.active
                    onClicked: root.pasteQr()
                    ToolTip.visible: hovered
                    ToolTip.text: root.compactActions ? text + " (" + qsTr("Ctrl+V") + ")" : qsTr("Ctrl+V")
                }
                Button {
                    id: cameraToggle
                    objectName: "cameraToggle"
                    text: qsTr("Camera")
                    icon.source: Theme.icon("qr")
                    checkable: true
                    checked: false
                    focusPolicy: Qt.TabFocus
                    display: root.compactActions ? AbstractButton.IconOnly : AbstractButton.TextBesideIcon
                    visible: root.camera !== null
                    ToolTip.visible: hovered && root.compactActions
                    ToolTip.text: text
                }
            }

            // ---- BLE scan status; an adapter problem comes with its advice (erroradvice)
            ColumnLayout {
                objectName: "bleStatus"
                Layout.fillWidth: true
                spacing: 2
                visible: root.bleSource !== null && (root.bleSource.scanning || root.bleSource.errorCode !== 0
                                                     || root.bleSource.deviceCount > 0)
                Label {
                    objectName: "bleStatusText"
                    Layout.fillWidth: true
                    text: root.bleSource ? root.bleSource.statusText : ""
                    color: root.bleSource && root.bleSource.errorCode !== 0 ? Theme.warning : Theme.textMuted
                    wrapMode: Text.Wrap
                }
                Label {
                    objectName: "bleAdvice"
                    Layout.fillWidth: true
                    visible: text !== ""
                    text: root.bleSource ? root.bleSource.errorAdvice : ""
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                    wrapMode: Text.Wrap
                }
            }

            // ---- Wi-Fi scan status; a NetworkManager problem comes with its advice (erroradvice)
            ColumnLayout {
                objectName: "wifiStatus"
                Layout.fillWidth: true
                spacing: 2
                visible: root.wifiSource !== null && (root.wifiSource.scanning || root.wifiSource.errorCode !== 0
                                                      || root.wifiSource.deviceCount > 0)
                Label {
                    objectName: "wifiStatusText"
                    Layout.fillWidth: true
                    text: root.wifiSource ? root.wifiSource.statusText : ""
                    color: root.wifiSource && root.wifiSource.errorCode !== 0 ? Theme.warning : Theme.textMuted
                    wrapMode: Text.Wrap
                }
                Label {
                    objectName: "wifiAdvice"
                    Layout.fillWidth: true
                    visible: text !== ""
                    text: root.wifiSource ? root.wifiSource.errorAdvice : ""
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                    wrapMode: Text.Wrap
                }
            }

            // ---- keyboard wedge: a handheld scanner "types" the QR payload and presses Enter
            Rectangle {
                Layout.fillWidth: true
                implicitHeight: wedgeColumn.implicitHeight + 2 * Theme.spacingM
                radius: Theme.radius
                color: Theme.surface
                border.color: wedge.activeFocus ? Theme.accent : Theme.border
                border.width: wedge.activeFocus ? 2 : 1

                ColumnLayout {
                    id: wedgeColumn
                    x: Theme.spacingM
                    y: Theme.spacingM
                    width: parent.width - 2 * Theme.spacingM
                    spacing: Theme.spacingS
                    RowLayout {
                        Layout.fillWidth: true
                        spacing: Theme.spacingS
                        IconImage {
                            source: Theme.icon("qr")
                            sourceSize.width: 20; sourceSize.height: 20
                            color: wedge.activeFocus ? Theme.accent : Theme.textMuted
                        }
                        TextField {
                            id: wedge
                            objectName: "wedgeField"
                            Layout.fillWidth: true
                            focus: true
                            placeholderText: qsTr("Scan a device's QR sticker with the handheld scanner (or paste its text) and press Enter")
                            inputMethodHints: Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase | Qt.ImhPreferLatin
                            selectByMouse: true
                            // No validator, mask or onTextChanged work: a scanner types ~100
                            // characters in well under 100 ms and every one must land.
                            onAccepted: {
                                const payload = text
                                text = ""
                                if (payload.trim().length > 0)
                                    root.qrSource.submit(payload)
                            }
                            Accessible.name: qrLabel.text
                        }
                    }
                    Label {
                        id: qrLabel
                        objectName: "wedgeMessage"
                        Layout.fillWidth: true
                        text: root.message.length > 0 ? root.message
                              : qsTr("The field keeps the keyboard focus, so a scan lands here. Tab moves to the list.")
                        color: root.message.length === 0 ? Theme.textMuted
                               : (root.messageIsError ? Theme.danger : Theme.success)
                        font.pixelSize: Theme.fontSmall
                        wrapMode: Text.WordWrap
                    }
                }
            }

            // ---- manifest problems (malformed lines are skipped, never fatal)
            Rectangle {
                objectName: "manifestProblems"
                Layout.fillWidth: true
                visible: root.manifestSource.problems.length > 0
                implicitHeight: problemsColumn.implicitHeight + 2 * Theme.spacingS
                radius: Theme.radius
                color: Theme.warningSoft
                ColumnLayout {
                    id: problemsColumn
                    x: Theme.spacingS
                    y: Theme.spacingS
                    width: parent.width - 2 * Theme.spacingS
                    spacing: 2
                    Label {
                        text: qsTr("Manifest %1: lines skipped").arg(root.manifestSource.path)
                        font.bold: true
                        color: Theme.warning
                    }
                    Repeater {
                        model: root.manifestSource.problems.slice(0, 5)
                        delegate: Label {
                            required property string modelData
                            text: "• " + modelData
                            color: Theme.text
                            font.pixelSize: Theme.fontSmall
                        }
                    }
                    Label {
                        visible: root.manifestSource.problems.length > 5
                        text: qsTr("… and %1 more").arg(root.manifestSource.problems.length - 5)
                        font.pixelSize: Theme.fontSmall
                        color: Theme.textMuted
                    }
                }
            }

            // ---- the list
            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border

                ColumnLayout {
                    anchors.fill: parent
                    anchors.margins: 1
                    spacing: 0

                    RowLayout {
                        Layout.fillWidth: true
                        Layout.margins: Theme.spacingS
                        spacing: Theme.spacingS
                        TextField {
                            objectName: "filterField"
                            Layout.preferredWidth: 260
                            placeholderText: qsTr("Filter by name or address")
                            onTextChanged: root.devices.filterText = text
                        }
                        Item { Layout.fillWidth: true }
                        Label {
                            text: qsTr("Double-click or Enter opens a device")
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSmall
                        }
                    }

                    // Column widths of the table (px); on narrow windows Signal and Source give way
                    // so that the service name stays readable.
                    QtObject {
                        id: tableColumns
                        readonly property bool compact: list.width < 1000
                        readonly property bool narrow: list.width < 800
                        readonly property int state: 96
                        readonly property int transport: 64
                        readonly property int address: narrow ? 136 : 150
                        readonly property int rssi: compact ? 0 : 70
                        readonly property int security: 96
                        readonly property int source: compact ? 0 : 120
                        readonly property int failure: narrow ? 110 : (compact ? 160 : 200)
                    }

                    DeviceTableHeader { Layout.fillWidth: true; columns: tableColumns }

                    ListView {
                        id: list
                        objectName: "deviceList"
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        clip: true
                        model: root.devices
                        activeFocusOnTab: true
                        keyNavigationEnabled: true
                        currentIndex: -1
                        boundsBehavior: Flickable.StopAtBounds
                        ScrollBar.vertical: ScrollBar { }
                        Keys.onReturnPressed: if (currentItem) root.open(currentItem.key)
                        Keys.onEnterPressed: if (currentItem) root.open(currentItem.key)

                        delegate: DeviceRow {
                            width: ListView.view.width
                            columns: tableColumns
                            selected: ListView.isCurrentItem
                            onClicked: {
                                list.currentIndex = index
                                root.deviceController.select(key)
                            }
                            onOpened: root.open(key)
                        }

                        Label {
                            anchors.centerIn: parent
                            width: parent.width * 0.7
                            visible: list.count === 0
                            horizontalAlignment: Text.AlignHCenter
                            wrapMode: Text.WordWrap
                            color: Theme.textMuted
                            text: qsTr("No devices yet. Scan a QR sticker, scan for BLE (F6) or Wi-Fi (F7) devices, add one manually (Ctrl+N) or load a manifest.")
                        }
                    }
                }
            }
        }

        // ---- QR inputs: the QR helper's panel, loaded on demand and only with a real camera
        // controller (its `camera` property is typed CameraController).
        Loader {
            id: qrPanelLoader
            objectName: "qrPanel"
            Layout.preferredWidth: 320
            Layout.fillHeight: true
            visible: active
            active: cameraToggle.checked && root.camera !== null
            Component.onCompleted: if (root.camera !== null) setSource("QrScanPanel.qml", { camera: root.camera })
            onLoaded: {
                item.width = Qt.binding(() => qrPanelLoader.width)
                item.height = Qt.binding(() => qrPanelLoader.height)
            }
        }
    }
}
