// SPDX-License-Identifier: Apache-2.0
// Column titles of the device list. Column widths come from DevicesPage (`columns`), shared with
// DeviceRow; the service name takes what is left.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: header
    required property QtObject columns
    implicitHeight: 30
    color: Theme.surfaceAlt
    border.color: Theme.border

    component HeaderLabel: Label {
        font.pixelSize: Theme.fontSmall
        font.bold: true
        color: Theme.textMuted
        elide: Text.ElideRight
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: Theme.spacingM
        anchors.rightMargin: Theme.spacingM
        spacing: Theme.spacingS
        HeaderLabel { text: qsTr("State"); Layout.preferredWidth: header.columns.state }
        HeaderLabel { text: qsTr("Service name"); Layout.fillWidth: true; Layout.preferredWidth: 1 }
        HeaderLabel { text: qsTr("Transport"); Layout.preferredWidth: header.columns.transport }
        HeaderLabel { text: qsTr("Address"); Layout.preferredWidth: header.columns.address }
        HeaderLabel { text: qsTr("Signal"); Layout.preferredWidth: header.columns.rssi; visible: header.columns.rssi > 0 }
        HeaderLabel { text: qsTr("Security"); Layout.preferredWidth: header.columns.security }
        HeaderLabel { text: qsTr("Source"); Layout.preferredWidth: header.columns.source; visible: header.columns.source > 0 }
        HeaderLabel { text: qsTr("Last failure"); Layout.preferredWidth: header.columns.failure }
    }
}
