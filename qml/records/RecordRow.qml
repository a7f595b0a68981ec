// SPDX-License-Identifier: Apache-2.0
// One record in the table (delegate of RecordsModel): local time (UTC in the tool tip), service
// name, transport, outcome badge, failure headline (code name and detail in the tool tip), SSID
// and duration. Column widths come from RecordsPage (`columns`), shared with RecordsTableHeader.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Prov.Workstation

ItemDelegate {
    id: row

    /// The app's Theme singleton, handed down by RecordsPage: files in this sub-folder are loaded
    /// through a directory import that does not see the module's QML types (Theme, Card).
    required property QtObject theme

    required property int index
    required property string attemptId
    required property var startedAtMs
    required property string startedLocal
    required property string startedUtc
    required property string serviceName
    /// "SoftAP" / "BLE" (the transportText role of RecordsModel).
    required property string transportText
    required property int outcome
    required property string failureName
    required property string failureHeadline
    required property string failureDetail
    required property string ssid
    required property var durationMs
    /// Column widths shared with RecordsTableHeader (RecordsPage's tableColumns).
    required property QtObject columns
    property bool current: false
    property string durationText: ""

    /// The record was asked to be opened (double click).
    signal opened()

    implicitHeight: row.theme.rowHeight
    topPadding: 0
    bottomPadding: 0
    leftPadding: row.theme.spacingM
    rightPadding: row.theme.spacingM
    highlighted: current
    focusPolicy: Qt.NoFocus // the ListView keeps the keyboard focus
    onDoubleClicked: row.opened()
    Accessible.name: qsTr("%1, %2, %3").arg(serviceName).arg(startedLocal).arg(badge.Accessible.name)

    background: Rectangle {
        color: row.current ? row.theme.selection : (row.hovered ? row.theme.surfaceAlt : row.theme.surface)
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: row.theme.border
        }
    }

    contentItem: RowLayout {
        spacing: row.theme.spacingS
        Label {
            Layout.preferredWidth: row.columns.time
            Layout.minimumWidth: row.columns.time
            // Narrow tables drop the year (the full local and UTC time are in the tool tip).
            text: row.columns.timeFormat.length > 0
                  ? Qt.formatDateTime(new Date(row.startedAtMs), row.columns.timeFormat) : row.startedLocal
            font.pixelSize: row.theme.fontSmall
            font.family: row.theme.monoFamily
            color: row.theme.text
            elide: Text.ElideRight
            HoverHandler { id: timeHover }
            ToolTip.visible: timeHover.hovered
            ToolTip.delay: 400
            ToolTip.text: qsTr("%1 local\n%2 UTC").arg(row.startedLocal).arg(row.startedUtc)
        }
        Label {
            objectName: "recordName"
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            Layout.minimumWidth: row.columns.nameMin
            text: row.serviceName
            font.bold: true
            color: row.theme.text
            elide: Text.ElideRight
            HoverHandler { id: nameHover }
            ToolTip.visible: nameHover.hovered && truncated
            ToolTip.delay: 400
            ToolTip.text: row.serviceName
        }
        Label {
            Layout.preferredWidth: row.columns.transport
            Layout.minimumWidth: row.columns.transport
            visible: row.columns.transport > 0
            text: row.transportText
            color: row.theme.textMuted
            elide: Text.ElideRight
        }
        Item {
            Layout.preferredWidth: row.columns.outcome
            Layout.minimumWidth: row.columns.outcome
            implicitHeight: badge.implicitHeight
            OutcomeBadge {
                id: badge
                theme: row.theme
                anchors.verticalCenter: parent.verticalCenter
                outcome: row.outcome
            }
        }
        Label {
            objectName: "failureHeadline"
            Layout.preferredWidth: row.columns.failure
            Layout.minimumWidth: row.columns.failure
            text: row.failureHeadline
            color: row.theme.danger
            font.pixelSize: row.theme.fontSmall
            elide: Text.ElideRight
            HoverHandler { id: failureHover }
            ToolTip.visible: failureHover.hovered && row.failureName.length > 0
            ToolTip.delay: 400
            ToolTip.text: row.failureDetail.length > 0 ? qsTr("%1\n%2").arg(row.failureName).arg(row.failureDetail)
                                                       : row.failureName
        }
        Label {
            Layout.preferredWidth: row.columns.ssid
            Layout.minimumWidth: row.columns.ssid
            visible: row.columns.ssid > 0
            text: row.ssid
            color: row.theme.text
            font.pixelSize: row.theme.fontSmall
            elide: Text.ElideRight
        }
        Label {
            objectName: "recordDuration"
            Layout.preferredWidth: row.columns.duration
            Layout.minimumWidth: row.columns.duration
            horizontalAlignment: Text.AlignRight
            text: row.durationText
            color: row.theme.textMuted
            font.pixelSize: row.theme.fontSmall
            elide: Text.ElideLeft
        }
    }
}
