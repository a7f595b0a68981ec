// SPDX-License-Identifier: Apache-2.0
// One entry of the side bar: icon, label and its keyboard shortcut.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.impl
import QtQuick.Layouts

AbstractButton {
    id: control

    property string iconName
    property string shortcutText

    checkable: true
    autoExclusive: true
    focusPolicy: Qt.NoFocus
    implicitWidth: Theme.sidebarWidth
    implicitHeight: 44
    Accessible.name: text

    background: Rectangle {
        color: control.checked ? Theme.sidebarActive : (control.hovered ? "#262f3f" : "transparent")
        Rectangle {
            visible: control.checked
            width: 3
            height: parent.height
            color: Theme.accent
        }
    }

    contentItem: RowLayout {
        spacing: Theme.spacingM
        Item { Layout.preferredWidth: Theme.spacingXs }
        IconImage {
            source: Theme.icon(control.iconName)
            sourceSize.width: Theme.iconSize; sourceSize.height: Theme.iconSize
            color: control.checked ? "#ffffff" : Theme.sidebarText
        }
        Label {
            Layout.fillWidth: true
            text: control.text
            color: control.checked ? "#ffffff" : Theme.sidebarText
            font.pixelSize: Theme.fontBody
            font.bold: control.checked
            elide: Text.ElideRight
        }
        Label {
            text: control.shortcutText
            color: "#8792a5"
            font.pixelSize: Theme.fontSmall
        }
        Item { Layout.preferredWidth: Theme.spacingXs }
    }
}
