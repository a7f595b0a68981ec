// SPDX-License-Identifier: Apache-2.0
// A masked secret field with a show/hide toggle. The text never leaves this field except through
// the verb the page calls; it is not logged or stored.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

RowLayout {
    id: root

    property alias text: field.text
    property alias placeholderText: field.placeholderText
    property alias field: field
    property bool revealed: false
    signal accepted()

    spacing: Theme.spacingXs

    TextField {
        id: field
        objectName: "passphraseField"
        Layout.fillWidth: true
        echoMode: root.revealed ? TextInput.Normal : TextInput.Password
        inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
        selectByMouse: true
        onAccepted: root.accepted()
    }
    ToolButton {
        objectName: "revealButton"
        icon.source: Theme.icon(root.revealed ? "eye-off" : "eye")
        icon.color: Theme.textMuted
        checkable: true
        checked: root.revealed
        onToggled: root.revealed = checked
        focusPolicy: Qt.TabFocus
        ToolTip.visible: hovered
        ToolTip.text: root.revealed ? qsTr("Hide") : qsTr("Show")
        Accessible.name: root.revealed ? qsTr("Hide passphrase") : qsTr("Show passphrase")
    }
}
