// SPDX-License-Identifier: Apache-2.0
// Coloured pill for a device's provisioning state (DeviceListModel.State).
import QtQuick
import QtQuick.Controls
import Prov.Workstation

Rectangle {
    id: badge

    required property int deviceState

    readonly property var look: {
        switch (badge.deviceState) {
        case DeviceListModel.Connecting: return { text: qsTr("Working"), fg: Theme.accent, bg: Theme.accentSoft }
        case DeviceListModel.Provisioned: return { text: qsTr("Provisioned"), fg: Theme.success, bg: Theme.successSoft }
        case DeviceListModel.Failed: return { text: qsTr("Failed"), fg: Theme.danger, bg: Theme.dangerSoft }
        default: return { text: qsTr("New"), fg: Theme.textMuted, bg: Theme.neutralSoft }
        }
    }

    objectName: "stateBadge"
    implicitWidth: Math.max(label.implicitWidth + 2 * Theme.spacingS, 84)
    implicitHeight: 22
    radius: height / 2
    color: look.bg
    Accessible.name: label.text

    Label {
        id: label
        anchors.centerIn: parent
        text: badge.look.text
        color: badge.look.fg
        font.pixelSize: Theme.fontSmall
        font.bold: true
    }
}
