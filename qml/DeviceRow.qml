// SPDX-License-Identifier: Apache-2.0
// One device in the list: roles of DeviceListModel.
import QtQuick
import QtQuick.Controls
import QtQuick.Controls.impl
import QtQuick.Layouts

ItemDelegate {
    id: row

    required property int index
    required property string serviceName
    required property int transport // prov::TransportKind (Transport.SoftAp / Transport.Ble)
    required property string transportText // "SoftAP" / "BLE"
    required property string address
    required property bool addressKnown
    required property string rssiText
    /// "-52 dBm" (BLE RSSI), "62 %" (Wi-Fi scan, NetworkManager's percent), "—".
    required property string signalText
    /// The access point's Wi-Fi security ("Open", "WPA2", "WPA3"), "" unknown.
    required property string apSecurityText
    /// Reached by joining its SoftAP through NetworkManager: the address column shows the BSSID.
    required property bool joinsSoftAp
    required property int secVer
    required property var model // for the "state" role (Item.state is a property of every Item)
    required property string failure
    required property string source
    required property bool hasCredentials
    /// BLE device BlueZ remembers but the scan does not hear advertising: no RSSI (DeviceListModel's
    /// "cached" role).
    required property bool cached
    readonly property string key: serviceName
    property bool selected: false
    /// Column widths shared with DeviceTableHeader (DevicesPage's tableColumns).
    required property QtObject columns

    signal opened()

    implicitHeight: Theme.rowHeight
    leftPadding: Theme.spacingM
    rightPadding: Theme.spacingM
    focusPolicy: Qt.NoFocus
    onDoubleClicked: row.opened()
    Accessible.name: serviceName

    background: Rectangle {
        color: row.selected ? Theme.selection : (row.hovered ? Theme.surfaceAlt : Theme.surface)
        Rectangle {
            anchors.bottom: parent.bottom
            width: parent.width
            height: 1
            color: Theme.border
        }
    }

    contentItem: RowLayout {
        spacing: Theme.spacingS
        Item {
            Layout.preferredWidth: row.columns.state
            implicitHeight: badge.implicitHeight
            StateBadge {
                id: badge
                deviceState: row.model.state
                anchors.verticalCenter: parent.verticalCenter
            }
        }
        RowLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: 1
            spacing: Theme.spacingXs
            Label {
                Layout.fillWidth: true
                text: row.serviceName
                font.bold: true
                color: Theme.text
                elide: Text.ElideRight
            }
            IconImage {
                visible: row.hasCredentials
                source: Theme.icon("lock")
                sourceSize: Qt.size(14, 14)
                color: Theme.textMuted
                ToolTip.visible: credHover.hovered
                ToolTip.text: qsTr("Credentials known (held in memory)")
                HoverHandler { id: credHover }
            }
        }
        Label {
            Layout.preferredWidth: row.columns.transport
            text: row.transportText
            color: Theme.textMuted
        }
        Label {
            Layout.preferredWidth: row.columns.address
            text: row.address
            font.family: Theme.monoFamily
            font.pixelSize: Theme.fontSmall
            font.italic: !row.addressKnown
            color: row.addressKnown ? Theme.text : Theme.textMuted
            elide: Text.ElideRight
            ToolTip.visible: addrHover.hovered && !row.addressKnown
            ToolTip.text: row.joinsSoftAp
                          ? qsTr("Joined through NetworkManager by its SSID (this is its access point); set an address on the Device page to reach it directly instead")
                          : qsTr("SoftAP default address (not reported by the source); editable on the Device page")
            HoverHandler { id: addrHover }
        }
        Label {
            objectName: "rssiCell"
            Layout.preferredWidth: row.columns.rssi
            visible: row.columns.rssi > 0
            text: row.cached ? qsTr("not advertising") : row.signalText
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            font.italic: row.cached
            elide: Text.ElideRight
            ToolTip.visible: rssiHover.hovered && (row.cached || row.signalText.endsWith("%"))
            ToolTip.text: row.cached
                          ? qsTr("BlueZ remembers this device but it is not advertising now: power it on or bring it closer")
                          : qsTr("Wi-Fi signal strength in percent, as NetworkManager reports it (not dBm)")
            HoverHandler { id: rssiHover }
        }
        Label {
            objectName: "securityCell"
            Layout.preferredWidth: row.columns.security
            // The protocol's security scheme (sec_ver) and, for a Wi-Fi scan's device, its SoftAP's
            // Wi-Fi security.
            readonly property string secText: row.secVer < 0 ? "" : qsTr("Security %1").arg(row.secVer)
            text: row.apSecurityText === "" ? (row.secVer < 0 ? qsTr("unknown") : secText)
                  : (secText === "" ? row.apSecurityText : secText + " · " + row.apSecurityText)
            color: row.secVer < 0 && row.apSecurityText === "" ? Theme.textMuted : Theme.text
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideRight
            ToolTip.visible: secHover.hovered && row.apSecurityText !== ""
            ToolTip.text: qsTr("Wi-Fi security of the device's SoftAP: %1").arg(row.apSecurityText)
            HoverHandler { id: secHover }
        }
        Label {
            Layout.preferredWidth: row.columns.source
            visible: row.columns.source > 0
            text: row.source
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideRight
        }
        Label {
            Layout.preferredWidth: row.columns.failure
            text: row.failure
            color: Theme.danger
            font.pixelSize: Theme.fontSmall
            elide: Text.ElideRight
            ToolTip.visible: failureHover.hovered && truncated
            ToolTip.text: row.failure
            HoverHandler { id: failureHover }
        }
    }
}
