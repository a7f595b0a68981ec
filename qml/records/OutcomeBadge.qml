// SPDX-License-Identifier: Apache-2.0
// Coloured pill for a record outcome (prov::RecordOutcome numbers, name from recordOutcomeName()).
import QtQuick
import QtQuick.Controls

Rectangle {
    id: badge

    /// int(prov::RecordOutcome): 0 in progress, 1 provisioned, 2 failed, 3 cancelled, 4 interrupted.
    property int outcome: 0

    readonly property var _looks: [
        { text: qsTr("In progress"), fg: "#1f4f9c", bg: "#e3edfc" },
        { text: qsTr("Provisioned"), fg: "#155c32", bg: "#e2f4e9" },
        { text: qsTr("Failed"), fg: "#8c1b20", bg: "#fde7e7" },
        { text: qsTr("Cancelled"), fg: "#4a5263", bg: "#eceef2" },
        { text: qsTr("Interrupted"), fg: "#7a4500", bg: "#fdf0dc" }
    ]
    readonly property var _look: _looks[Math.max(0, Math.min(outcome, _looks.length - 1))]

    implicitWidth: label.implicitWidth + 16
    implicitHeight: label.implicitHeight + 6
    radius: height / 2
    color: _look.bg
    border.color: _look.fg
    border.width: 1
    Accessible.role: Accessible.StaticText
    Accessible.name: label.text

    Label {
        id: label
        anchors.centerIn: parent
        text: badge._look.text
        color: badge._look.fg
        font.bold: true
        font.pixelSize: 12
    }
}
