// SPDX-License-Identifier: Apache-2.0
// The failure of the last operation: headline, the app's advice, and the typed code + detail.
// Shown when `code` (int(prov::ErrorCode)) is not 0; the text comes from the C++ advice table.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.impl

Rectangle {
    id: banner

    property int code: 0
    property string headline
    property string advice
    property string detail
    property string codeName
    signal dismissed()

    visible: code !== 0
    implicitHeight: visible ? layout.implicitHeight + 2 * Theme.spacingM : 0
    radius: Theme.radius
    color: Theme.dangerSoft
    border.color: "#f2b8b8"

    // Plain positioning, no Layout: wrapped text whose height feeds the banner's height would
    // otherwise make the layout re-polish itself (a "polish loop").
    IconImage {
        id: icon
        x: Theme.spacingM
        y: Theme.spacingM
        source: Theme.icon("error")
        sourceSize.width: 22; sourceSize.height: 22
        color: Theme.danger
    }
    ToolButton {
        id: dismiss
        objectName: "dismissButton"
        anchors.right: parent.right
        anchors.rightMargin: Theme.spacingS
        y: Theme.spacingS
        text: qsTr("Dismiss")
        onClicked: banner.dismissed()
    }
    Column {
        id: layout
        x: icon.x + icon.width + Theme.spacingM
        y: Theme.spacingM
        width: dismiss.x - x - Theme.spacingM
        spacing: Theme.spacingXs
        Label {
            objectName: "errorHeadline"
            width: parent.width
            text: banner.headline
            font.bold: true
            font.pixelSize: Theme.fontTitle
            color: Theme.danger
            wrapMode: Text.WordWrap
        }
        Label {
            objectName: "errorAdvice"
            width: parent.width
            text: banner.advice
            color: Theme.text
            wrapMode: Text.WordWrap
        }
        Label {
            width: parent.width
            text: qsTr("%1 (code %2): %3").arg(banner.codeName).arg(banner.code).arg(banner.detail)
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            font.family: Theme.monoFamily
            wrapMode: Text.WrapAnywhere
        }
    }
}
