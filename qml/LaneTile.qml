// SPDX-License-Identifier: Apache-2.0
// One lane of the Line page: the device it works on, the job's step, a progress bar and the
// attempt's elapsed time; "free" when the lane waits for a device. Binds to a LaneListModel row.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: tile

    property int lane: 0
    property bool busy: false
    property string serviceName
    property string step
    property real progress: 0
    property real elapsedMs: 0
    property int attempt: 0

    function formatElapsed(ms) {
        const s = Math.floor(ms / 1000)
        return qsTr("%1:%2").arg(Math.floor(s / 60)).arg(String(s % 60).padStart(2, "0"))
    }

    implicitWidth: 220
    implicitHeight: column.implicitHeight + 2 * Theme.spacingM
    radius: Theme.radius
    color: tile.busy ? Theme.surface : Theme.surfaceAlt
    border.color: tile.busy ? Theme.accent : Theme.border
    border.width: tile.busy ? 2 : 1
    Accessible.role: Accessible.StaticText
    Accessible.name: tile.busy ? qsTr("Lane %1: %2, %3").arg(tile.lane + 1).arg(tile.serviceName).arg(tile.step)
                               : qsTr("Lane %1: free").arg(tile.lane + 1)

    ColumnLayout {
        id: column
        x: Theme.spacingM
        y: Theme.spacingM
        width: parent.width - 2 * Theme.spacingM
        spacing: Theme.spacingXs

        RowLayout {
            Layout.fillWidth: true
            Label {
                text: qsTr("Lane %1").arg(tile.lane + 1)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                font.bold: true
            }
            Item { Layout.fillWidth: true }
            Label {
                objectName: "laneElapsed"
                visible: tile.busy
                text: tile.formatElapsed(tile.elapsedMs)
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                font.family: Theme.monoFamily
            }
        }
        Label {
            objectName: "laneDevice"
            Layout.fillWidth: true
            text: tile.busy ? tile.serviceName : qsTr("free")
            color: tile.busy ? Theme.text : Theme.textMuted
            font.pixelSize: Theme.fontTitle
            font.bold: tile.busy
            elide: Text.ElideRight
        }
        Label {
            objectName: "laneStep"
            Layout.fillWidth: true
            text: !tile.busy ? qsTr("waiting for a device")
                  : tile.attempt > 1 ? qsTr("%1 (attempt %2)").arg(tile.step.length > 0 ? tile.step : qsTr("starting")).arg(tile.attempt)
                  : (tile.step.length > 0 ? tile.step : qsTr("starting"))
            color: Theme.textMuted
            elide: Text.ElideRight
        }
        ProgressBar {
            objectName: "laneProgress"
            Layout.fillWidth: true
            from: 0
            to: 1
            value: tile.busy ? tile.progress : 0
        }
    }
}
