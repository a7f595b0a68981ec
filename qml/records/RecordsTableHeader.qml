// SPDX-License-Identifier: Apache-2.0
// Column titles of the records list; the widths match RecordRow's.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    implicitHeight: 32
    color: palette.alternateBase
    border.color: palette.mid
    border.width: 0

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        spacing: 8
        Label { text: qsTr("Time"); font.bold: true; Layout.preferredWidth: 150 }
        Label { text: qsTr("Service name"); font.bold: true; Layout.preferredWidth: 150; Layout.fillWidth: true }
        Label { text: qsTr("Transport"); font.bold: true; Layout.preferredWidth: 70 }
        Label { text: qsTr("Outcome"); font.bold: true; Layout.preferredWidth: 110 }
        Label { text: qsTr("Failure"); font.bold: true; Layout.preferredWidth: 170 }
        Label { text: qsTr("SSID"); font.bold: true; Layout.preferredWidth: 120 }
        Label { text: qsTr("Duration"); font.bold: true; Layout.preferredWidth: 70; horizontalAlignment: Text.AlignRight }
    }
    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: palette.mid }
}
