// SPDX-License-Identifier: Apache-2.0
// The device's own Wi-Fi scan as a table: bars + dBm, lock + auth words, SSID, channel, band,
// BSSID. Header clicks sort through the C++ proxy (WifiScanProxyModel.sortBy); clicking again
// reverses. Interface of `scanModel`: a list model with the WifiScanModel roles, plus sortKey,
// reversed, count and sortBy(key).
import QtQuick
import QtQuick.Controls
import Prov.Workstation
import QtQuick.Controls.impl
import QtQuick.Layouts

Rectangle {
    id: root

    required property QtObject scanModel
    property string selectedSsid
    property bool scanning: false
    property bool scanned: false

    /// The BSSID column needs room; narrow tables show it in the row's tooltip instead.
    readonly property bool wide: width >= 720
    // Fixed column widths shared by the header and the rows (the SSID takes the rest); the
    // security column gives way first on narrow windows.
    readonly property int colSignal: 84
    readonly property int colChannel: 84
    readonly property int colBssid: wide ? 128 : 0
    readonly property int colSecurity: Math.max(90, Math.min(150, width - colSignal - colChannel - colBssid - 180))

    signal networkChosen(string ssid, int authMode, bool needsPassphrase, bool supported)

    radius: Theme.radius
    color: Theme.surface
    border.color: Theme.border

    component SortHeader: AbstractButton {
        id: header
        property int key: -1
        readonly property bool active: key >= 0 && root.scanModel && root.scanModel.sortKey === key
        focusPolicy: Qt.TabFocus
        enabled: key >= 0
        onClicked: root.scanModel.sortBy(key)
        Accessible.name: qsTr("Sort by %1").arg(text)
        contentItem: Label {
            text: header.text + (header.active ? (root.scanModel.reversed ? " ▲" : " ▼") : "")
            font.pixelSize: Theme.fontSmall
            font.bold: true
            color: header.active ? Theme.accent : Theme.textMuted
            elide: Text.ElideRight
        }
        background: Item { }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 1
        spacing: 0

        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 30
            color: Theme.surfaceAlt
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: Theme.spacingM
                anchors.rightMargin: Theme.spacingM
                spacing: Theme.spacingS
                SortHeader { objectName: "sortSignal"; text: qsTr("Signal"); key: WifiScanProxyModel.Signal; Layout.preferredWidth: root.colSignal; Layout.minimumWidth: root.colSignal }
                SortHeader { objectName: "sortSsid"; text: qsTr("Network (SSID)"); key: WifiScanProxyModel.Ssid; Layout.fillWidth: true; Layout.preferredWidth: 100; Layout.minimumWidth: 90 }
                SortHeader { text: qsTr("Security"); Layout.preferredWidth: root.colSecurity; Layout.minimumWidth: root.colSecurity }
                SortHeader { objectName: "sortChannel"; text: qsTr("Channel"); key: WifiScanProxyModel.Channel; Layout.preferredWidth: root.colChannel; Layout.minimumWidth: root.colChannel }
                SortHeader { text: qsTr("BSSID"); Layout.preferredWidth: root.colBssid; visible: root.wide }
            }
        }

        ListView {
            id: list
            objectName: "scanList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: root.scanModel
            boundsBehavior: Flickable.StopAtBounds
            activeFocusOnTab: true
            ScrollBar.vertical: ScrollBar { }

            delegate: ItemDelegate {
                id: net
                required property int index
                required property string ssid
                required property int rssi
                required property int bars
                required property int channel
                required property string bandText
                required property string bssid
                required property int authMode
                required property string authText
                required property bool secured
                required property bool needsPassphrase
                required property bool supported

                width: ListView.view.width
                implicitHeight: 36
                leftPadding: Theme.spacingM
                rightPadding: Theme.spacingM
                focusPolicy: Qt.NoFocus
                highlighted: ssid.length > 0 && ssid === root.selectedSsid
                onClicked: root.networkChosen(ssid, authMode, needsPassphrase, supported)
                Accessible.name: ssid
                ToolTip.visible: hovered && !root.wide
                ToolTip.delay: 600
                ToolTip.text: qsTr("BSSID %1").arg(bssid)

                background: Rectangle {
                    color: net.highlighted ? Theme.selection : (net.hovered ? Theme.surfaceAlt : Theme.surface)
                    Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: Theme.border }
                }
                contentItem: RowLayout {
                    spacing: Theme.spacingS
                    SignalBars { bars: net.bars; rssi: net.rssi; Layout.preferredWidth: root.colSignal; Layout.minimumWidth: root.colSignal }
                    Label {
                        Layout.fillWidth: true
                        Layout.preferredWidth: 100
                        Layout.minimumWidth: 90
                        text: net.ssid.length > 0 ? net.ssid : qsTr("(hidden network)")
                        font.bold: net.ssid.length > 0
                        font.italic: net.ssid.length === 0
                        color: net.supported ? Theme.text : Theme.textMuted
                        elide: Text.ElideRight
                    }
                    RowLayout {
                        Layout.fillWidth: false
                        Layout.preferredWidth: root.colSecurity
                        Layout.minimumWidth: root.colSecurity
                        spacing: Theme.spacingXs
                        IconImage {
                            source: Theme.icon(net.secured ? "lock" : "lock-open")
                            sourceSize.width: 14; sourceSize.height: 14
                            color: net.secured ? Theme.text : Theme.warning
                        }
                        Label {
                            Layout.fillWidth: true
                            text: net.authText
                            font.pixelSize: Theme.fontSmall
                            color: net.supported ? Theme.text : Theme.danger
                            elide: Text.ElideRight
                        }
                    }
                    Label {
                        Layout.preferredWidth: root.colChannel
                        Layout.minimumWidth: root.colChannel
                        elide: Text.ElideRight
                        text: qsTr("%1 · %2").arg(net.channel).arg(net.bandText)
                        font.pixelSize: Theme.fontSmall
                        color: Theme.textMuted
                    }
                    Label {
                        Layout.preferredWidth: root.colBssid
                        visible: root.wide
                        text: net.bssid
                        font.pixelSize: Theme.fontSmall
                        font.family: Theme.monoFamily
                        color: Theme.textMuted
                        elide: Text.ElideRight
                    }
                }
            }

            Column {
                anchors.centerIn: parent
                width: parent.width * 0.8
                visible: list.count === 0
                spacing: Theme.spacingS
                BusyIndicator {
                    anchors.horizontalCenter: parent.horizontalCenter
                    running: root.scanning
                    visible: root.scanning
                }
                Label {
                    width: parent.width
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.WordWrap
                    color: Theme.textMuted
                    text: root.scanning ? qsTr("The device is scanning…")
                          : root.scanned ? qsTr("The device found no networks. Use “Other network…” for a hidden SSID.")
                          : qsTr("Press Refresh (F5) to let the device scan for Wi-Fi networks.")
                }
            }
        }
    }
}
