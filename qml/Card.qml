// SPDX-License-Identifier: Apache-2.0
// A titled white panel. Children go into the content column; `actions` sit right of the title.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: card

    property string title
    property string subtitle
    default property alias content: body.data
    property alias actions: actionRow.data

    padding: Theme.spacingL
    background: Rectangle {
        color: Theme.surface
        radius: Theme.radius
        border.color: Theme.border
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: Theme.spacingM

        RowLayout {
            Layout.fillWidth: true
            visible: card.title.length > 0 || actionRow.children.length > 0
            spacing: Theme.spacingS
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 2
                Label {
                    text: card.title
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                    color: Theme.text
                }
                Label {
                    visible: card.subtitle.length > 0
                    Layout.fillWidth: true
                    text: card.subtitle
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                    wrapMode: Text.WordWrap
                }
            }
            RowLayout {
                id: actionRow
                spacing: Theme.spacingS
            }
        }

        ColumnLayout {
            id: body
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacingS
        }
    }
}
