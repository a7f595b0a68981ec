// SPDX-License-Identifier: Apache-2.0
// The named workflow steps (proto-ver, handshake, scan, credentials, apply, wait) with their state
// (DeviceSession.StepState) and a progress bar.
import QtQuick
import QtQuick.Controls
import Prov.Workstation
import QtQuick.Controls.impl
import QtQuick.Layouts

ColumnLayout {
    id: root

    property var names: []
    property var stepStates: []
    property real progress: 0
    property bool busy: false
    property string currentStep

    spacing: Theme.spacingS

    RowLayout {
        Layout.fillWidth: true
        spacing: 0
        Repeater {
            model: root.names
            delegate: RowLayout {
                id: stepItem
                required property int index
                required property string modelData
                readonly property int stepState: root.stepStates.length > index ? root.stepStates[index] : 0
                Layout.fillWidth: true
                Layout.preferredWidth: 100 // equal columns, whatever the label lengths
                spacing: Theme.spacingXs

                Rectangle {
                    implicitWidth: 20
                    implicitHeight: 20
                    radius: 10
                    color: {
                        switch (stepItem.stepState) {
                        case DeviceSession.StepDone: return Theme.success
                        case DeviceSession.StepFailed: return Theme.danger
                        case DeviceSession.StepRunning: return Theme.accent
                        default: return "transparent"
                        }
                    }
                    border.color: stepItem.stepState === DeviceSession.StepPending
                                  || stepItem.stepState === DeviceSession.StepSkipped ? Theme.border : color
                    border.width: 2
                    IconImage {
                        anchors.centerIn: parent
                        visible: stepItem.stepState === DeviceSession.StepDone || stepItem.stepState === DeviceSession.StepFailed
                        source: Theme.icon(stepItem.stepState === DeviceSession.StepDone ? "tick" : "cross")
                        sourceSize.width: 14; sourceSize.height: 14
                        color: "#ffffff"
                    }
                    Rectangle {
                        anchors.centerIn: parent
                        visible: stepItem.stepState === DeviceSession.StepRunning
                        width: 8; height: 8; radius: 4
                        color: "#ffffff"
                    }
                }
                Label {
                    Layout.fillWidth: true
                    text: stepItem.modelData
                    elide: Text.ElideRight
                    font.pixelSize: Theme.fontSmall
                    font.bold: stepItem.stepState === DeviceSession.StepRunning
                    font.strikeout: stepItem.stepState === DeviceSession.StepSkipped
                    color: stepItem.stepState === DeviceSession.StepPending || stepItem.stepState === DeviceSession.StepSkipped
                           ? Theme.textMuted : Theme.text
                }
            }
        }
    }
    RowLayout {
        Layout.fillWidth: true
        spacing: Theme.spacingM
        ProgressBar {
            objectName: "stepProgress"
            Layout.fillWidth: true
            from: 0
            to: 1
            value: root.progress
        }
        Label {
            objectName: "currentStep"
            visible: text.length > 0
            text: root.busy && root.currentStep.length > 0 ? root.currentStep + "…" : ""
            color: Theme.accent
            elide: Text.ElideRight
        }
    }
}
