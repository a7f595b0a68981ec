// SPDX-License-Identifier: Apache-2.0
// Signal strength: 0..4 bars (computed in C++ from dBm, see session/wifiinfo.h) and the dBm value.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

RowLayout {
    id: root

    required property int bars
    required property int rssi

    spacing: Theme.spacingXs
    Image {
        source: Theme.icon("signal-" + Math.max(0, Math.min(4, root.bars)))
        sourceSize.width: 18; sourceSize.height: 18
        Accessible.name: qsTr("%1 of 4 bars").arg(root.bars)
    }
    Label {
        text: qsTr("%1 dBm").arg(root.rssi)
        color: Theme.textMuted
        font.pixelSize: Theme.fontSmall
        font.family: Theme.monoFamily
    }
}
