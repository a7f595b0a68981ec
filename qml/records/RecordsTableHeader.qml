// SPDX-License-Identifier: Apache-2.0
// Column titles of the records table. Column widths come from RecordsPage (`columns`), shared with
// RecordRow; the service name takes what is left. A width of 0 hides a column.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Prov.Workstation

Rectangle {
    id: header

    /// The app's Theme singleton, handed down by RecordsPage: files in this sub-folder are loaded
    /// through a directory import that does not see the module's QML types (Theme, Card).
    required property QtObject theme
    required property QtObject columns
    implicitHeight: 30
    color: header.theme.surfaceAlt
    border.color: header.theme.border

    component HeaderLabel: Label {
        font.pixelSize: header.theme.fontSmall
        font.bold: true
        color: header.theme.textMuted
        elide: Text.ElideRight
    }

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: header.theme.spacingM
        anchors.rightMargin: header.theme.spacingM
        spacing: header.theme.spacingS
        HeaderLabel { text: qsTr("Time"); Layout.preferredWidth: header.columns.time; Layout.minimumWidth: header.columns.time }
        HeaderLabel {
            text: qsTr("Service name")
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.minimumWidth: header.columns.nameMin
        }
        HeaderLabel {
            text: qsTr("Transport")
            visible: header.columns.transport > 0
            Layout.preferredWidth: header.columns.transport
            Layout.minimumWidth: header.columns.transport
        }
        HeaderLabel { text: qsTr("Outcome"); Layout.preferredWidth: header.columns.outcome; Layout.minimumWidth: header.columns.outcome }
        HeaderLabel { text: qsTr("Failure"); Layout.preferredWidth: header.columns.failure; Layout.minimumWidth: header.columns.failure }
        HeaderLabel {
            text: qsTr("SSID")
            visible: header.columns.ssid > 0
            Layout.preferredWidth: header.columns.ssid
            Layout.minimumWidth: header.columns.ssid
        }
        HeaderLabel {
            text: qsTr("Duration")
            horizontalAlignment: Text.AlignRight
            Layout.preferredWidth: header.columns.duration
            Layout.minimumWidth: header.columns.duration
        }
    }
}
