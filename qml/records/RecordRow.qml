// SPDX-License-Identifier: Apache-2.0
// One record in the list (delegate of RecordsModel): local time (UTC in the tool tip), service
// name, transport, outcome badge, failure reason, SSID and duration.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ItemDelegate {
    id: row

    required property int index
    required property string attemptId
    required property string startedLocal
    required property string startedUtc
    required property string serviceName
    required property string transport
    required property int outcome
    required property string failureName
    required property string failureDetail
    required property string ssid
    required property var durationMs
    property bool current: false
    property string durationText: ""

    implicitHeight: 36
    topPadding: 0
    bottomPadding: 0
    leftPadding: 8
    rightPadding: 8
    highlighted: current
    focusPolicy: Qt.NoFocus // the ListView keeps the keyboard focus
    Accessible.name: qsTr("%1, %2, %3").arg(serviceName).arg(startedLocal).arg(badge.Accessible.name)

    background: Rectangle {
        color: row.current ? row.palette.highlight
                           : (row.hovered ? row.palette.midlight
                                          : (row.index % 2 ? row.palette.alternateBase : row.palette.base))
        opacity: row.current ? 0.35 : 1
    }

    contentItem: RowLayout {
        spacing: 8
        Label {
            id: timeLabel
            Layout.preferredWidth: 150
            text: row.startedLocal
            elide: Text.ElideRight
            HoverHandler { id: timeHover }
            ToolTip.visible: timeHover.hovered
            ToolTip.delay: 400
            ToolTip.text: qsTr("UTC %1").arg(row.startedUtc)
        }
        Label {
            Layout.preferredWidth: 150
            Layout.fillWidth: true
            text: row.serviceName
            elide: Text.ElideRight
            font.bold: true
        }
        Label {
            Layout.preferredWidth: 70
            text: row.transport === "ble" ? qsTr("BLE") : (row.transport === "softap" ? qsTr("SoftAP") : row.transport)
        }
        Item {
            Layout.preferredWidth: 110
            implicitHeight: badge.implicitHeight
            OutcomeBadge {
                id: badge
                anchors.verticalCenter: parent.verticalCenter
                outcome: row.outcome
            }
        }
        Label {
            Layout.preferredWidth: 170
            text: row.failureName
            elide: Text.ElideRight
            HoverHandler { id: failureHover }
            ToolTip.visible: failureHover.hovered && row.failureDetail.length > 0
            ToolTip.delay: 400
            ToolTip.text: row.failureDetail
        }
        Label {
            Layout.preferredWidth: 120
            text: row.ssid
            elide: Text.ElideRight
        }
        Label {
            Layout.preferredWidth: 70
            horizontalAlignment: Text.AlignRight
            text: row.durationText
        }
    }
}
