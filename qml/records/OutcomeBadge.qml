// SPDX-License-Identifier: Apache-2.0
// Coloured pill for a record outcome (prov::RecordOutcome, QML's Record.*; RecordsController's
// OutcomeFilter uses the same numbers); looks like the device list's StateBadge.
import QtQuick
import QtQuick.Controls
import Prov.Workstation

Rectangle {
    id: badge

    /// The app's Theme singleton, handed down by RecordsPage: files in this sub-folder are loaded
    /// through a directory import that does not see the module's QML types (Theme, Card).
    required property QtObject theme

    /// prov::RecordOutcome (Record.InProgress, Record.Provisioned, Record.Failed, ...).
    property int outcome: 0

    readonly property var look: {
        switch (badge.outcome) {
        case Record.Provisioned: return { text: qsTr("Provisioned"), fg: badge.theme.success, bg: badge.theme.successSoft }
        case Record.Failed: return { text: qsTr("Failed"), fg: badge.theme.danger, bg: badge.theme.dangerSoft }
        case Record.Cancelled: return { text: qsTr("Cancelled"), fg: badge.theme.textMuted, bg: badge.theme.neutralSoft }
        case Record.Interrupted: return { text: qsTr("Interrupted"), fg: badge.theme.warning, bg: badge.theme.warningSoft }
        default: return { text: qsTr("In progress"), fg: badge.theme.accent, bg: badge.theme.accentSoft }
        }
    }

    objectName: "outcomeBadge"
    implicitWidth: Math.max(label.implicitWidth + 2 * badge.theme.spacingS, 84)
    implicitHeight: 22
    radius: height / 2
    color: look.bg
    Accessible.role: Accessible.StaticText
    Accessible.name: label.text

    Label {
        id: label
        anchors.centerIn: parent
        text: badge.look.text
        color: badge.look.fg
        font.pixelSize: badge.theme.fontSmall
        font.bold: true
    }
}
