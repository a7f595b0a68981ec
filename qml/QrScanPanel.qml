// SPDX-License-Identifier: Apache-2.0
// The QR inputs of the workstation: camera preview, a QR image file and the clipboard. All logic is
// in CameraController; this panel binds to its properties and calls its verbs. The image and
// clipboard buttons work with or without a camera.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import QtMultimedia
import Prov.Workstation

Pane {
    id: root

    required property CameraController camera

    padding: 12

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        Rectangle {
            id: previewArea
            objectName: "previewArea"
            Layout.fillWidth: true
            // Without a camera the message needs little room; the buttons move up.
            Layout.fillHeight: root.camera.available
            Layout.minimumHeight: root.camera.available ? 180 : 120
            color: root.camera.active ? "black" : root.palette.base
            border.color: root.palette.mid
            radius: 4

            VideoOutput {
                id: preview
                objectName: "preview"
                anchors.fill: parent
                anchors.margins: 1
                visible: root.camera.active
                fillMode: VideoOutput.PreserveAspectFit
            }

            Label {
                id: cameraMessage
                objectName: "cameraMessage"
                anchors.centerIn: parent
                width: parent.width - 32
                visible: !root.camera.active
                text: root.camera.statusText
                wrapMode: Text.WordWrap
                horizontalAlignment: Text.AlignHCenter
            }
        }

        Label {
            objectName: "scanningHint"
            Layout.fillWidth: true
            visible: root.camera.active
            text: root.camera.statusText
            wrapMode: Text.WordWrap
        }

        RowLayout {
            Layout.fillWidth: true
            visible: root.camera.available
            spacing: 8

            ComboBox {
                objectName: "cameraChooser"
                Layout.fillWidth: true
                visible: count > 1
                model: root.camera.cameraNames
                currentIndex: root.camera.cameraIndex
                onActivated: index => root.camera.cameraIndex = index
            }

            Button {
                objectName: "cameraButton"
                text: root.camera.active ? qsTr("Stop camera") : qsTr("Start camera")
                onClicked: root.camera.active ? root.camera.stop() : root.camera.start()
            }
        }

        // Wraps in a narrow side panel (the Devices page gives it about 340 px).
        Flow {
            Layout.fillWidth: true
            spacing: 8

            Button {
                objectName: "openImageButton"
                text: qsTr("Open QR image…")
                onClicked: imageDialog.open()
            }

            Button {
                objectName: "pasteButton"
                text: qsTr("Paste from clipboard")
                onClicked: root.camera.decodeClipboard()
            }

            BusyIndicator {
                objectName: "busyIndicator"
                height: 32
                width: 32
                running: root.camera.busy
                visible: running
            }
        }

        Label {
            id: resultLine
            objectName: "resultLine"
            Layout.fillWidth: true
            text: root.camera.resultText
            visible: text.length > 0
            color: root.camera.resultIsError ? "#b3261e" : root.palette.windowText
            wrapMode: Text.WordWrap
        }

        Item {
            Layout.fillHeight: !root.camera.available
        }
    }

    FileDialog {
        id: imageDialog
        objectName: "imageDialog"
        title: qsTr("Open a QR code image")
        fileMode: FileDialog.OpenFile
        nameFilters: [qsTr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff)"), qsTr("All files (*)")]
        onAccepted: root.camera.decodeImageFile(selectedFile)
    }

    // Preview and decoder share the frames: the capture session feeds the VideoOutput's sink and
    // the controller's scanner listens to the same sink.
    Binding {
        target: root.camera
        property: "videoSink"
        value: preview.videoSink
    }
}
