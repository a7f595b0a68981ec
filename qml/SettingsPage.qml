// SPDX-License-Identifier: Apache-2.0
// Settings: station, operator, default network profile (never its passphrase on disk), timeouts,
// the SoftAP join through NetworkManager (interface, port, join timeout),
// labels (LabelSettings.qml), and where the record and the settings live. Every change is written
// through at once by SettingsController (labels: through LabelController).
//
// Duck-typed `settings` (SettingsController) so that Qt Quick Test can run the page on a fake.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Page {
    id: root

    required property QtObject settings
    /// Optional (LabelController): the "Labels" group shows only with it.
    property QtObject labels: null
    /// Optional (WifiSource): its `interfaceNames` fill the Wi-Fi interface choice.
    property QtObject wifiSource: null

    /// The Wi-Fi interface choices: "Automatic" (""), the interfaces the Wi-Fi scan found, and the
    /// stored one when the scan has not seen it (unplugged, or no scan yet).
    readonly property var wifiInterfaceChoices: {
        const out = [{ text: qsTr("Automatic"), value: "" }]
        const names = root.wifiSource ? root.wifiSource.interfaceNames : []
        for (let i = 0; i < names.length; ++i)
            out.push({ text: names[i], value: names[i] })
        const stored = root.settings.wifiInterface
        if (stored !== "" && names.indexOf(stored) < 0)
            out.push({ text: stored, value: stored })
        return out
    }

    background: Rectangle { color: Theme.window }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: Math.min(parent.width - 2 * Theme.spacingL, 760)
            x: Theme.spacingL
            y: Theme.spacingL
            spacing: Theme.spacingM

            Label {
                text: qsTr("Settings")
                font.pixelSize: Theme.fontHeading
                font.bold: true
                color: Theme.text
            }

            Card {
                Layout.fillWidth: true
                title: qsTr("Station")
                subtitle: qsTr("Written into every factory record.")
                GridLayout {
                    Layout.fillWidth: true
                    columns: 2
                    columnSpacing: Theme.spacingL
                    rowSpacing: Theme.spacingS
                    Label { text: qsTr("Station name") }
                    TextField {
                        objectName: "stationField"
                        Layout.fillWidth: true
                        text: root.settings.stationName
                        enabled: !root.settings.stationFromCommandLine
                        selectByMouse: true
                        onEditingFinished: root.settings.stationName = text
                    }
                    Item { width: 1; height: 1; visible: root.settings.stationFromCommandLine }
                    Label {
                        visible: root.settings.stationFromCommandLine
                        text: qsTr("Set by --station for this run.")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                    Label { text: qsTr("Operator") }
                    TextField {
                        objectName: "operatorField"
                        Layout.fillWidth: true
                        text: root.settings.operatorName
                        placeholderText: qsTr("Your name or badge number")
                        selectByMouse: true
                        onEditingFinished: root.settings.operatorName = text
                    }
                }
            }

            Card {
                Layout.fillWidth: true
                title: qsTr("Default network")
                subtitle: qsTr("Pre-fills the Device page. Only the SSID and its security are remembered; the passphrase stays in memory for this session only and is never written to disk.")
                GridLayout {
                    Layout.fillWidth: true
                    columns: 2
                    columnSpacing: Theme.spacingL
                    rowSpacing: Theme.spacingS
                    Item { width: 1; height: 1 }
                    CheckBox {
                        objectName: "rememberBox"
                        text: qsTr("Remember the SSID and security across runs")
                        checked: root.settings.rememberNetwork
                        onToggled: root.settings.rememberNetwork = checked
                    }
                    Label { text: qsTr("SSID") }
                    TextField {
                        objectName: "defaultSsidField"
                        Layout.fillWidth: true
                        text: root.settings.defaultSsid
                        selectByMouse: true
                        onEditingFinished: root.settings.defaultSsid = text
                    }
                    Label { text: qsTr("Security") }
                    ComboBox {
                        objectName: "defaultAuthBox"
                        Layout.fillWidth: true
                        model: root.settings.authModeChoices
                        textRole: "text"
                        valueRole: "value"
                        Component.onCompleted: currentIndex = Math.max(0, indexOfValue(root.settings.defaultAuthMode))
                        onActivated: root.settings.defaultAuthMode = currentValue
                    }
                    Label { text: qsTr("Passphrase") }
                    PassphraseField {
                        id: sessionPass
                        objectName: "sessionPassphrase"
                        Layout.fillWidth: true
                        text: root.settings.sessionPassphrase
                        placeholderText: qsTr("Optional: used for this session only")
                        field.onEditingFinished: root.settings.sessionPassphrase = sessionPass.text
                    }
                    Item { width: 1; height: 1 }
                    Label {
                        objectName: "passphraseNote"
                        Layout.fillWidth: true
                        text: qsTr("Kept in memory for this session only: never saved, logged or recorded. It is gone when the workstation closes.")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                        wrapMode: Text.WordWrap
                    }
                }
            }

            Card {
                Layout.fillWidth: true
                title: qsTr("Timeouts")
                GridLayout {
                    Layout.fillWidth: true
                    columns: 3
                    columnSpacing: Theme.spacingL
                    rowSpacing: Theme.spacingS
                    Label { text: qsTr("Per request") }
                    SpinBox {
                        objectName: "requestTimeoutBox"
                        from: 500
                        to: 60000
                        stepSize: 500
                        editable: true
                        value: root.settings.requestTimeoutMs
                        onValueModified: root.settings.requestTimeoutMs = value
                    }
                    Label { text: qsTr("ms — how long one request may take before it counts as a timeout"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall; Layout.fillWidth: true; wrapMode: Text.WordWrap }
                    Label { text: qsTr("Wait for connection") }
                    SpinBox {
                        objectName: "connectTimeoutBox"
                        from: 5000
                        to: 300000
                        stepSize: 5000
                        editable: true
                        value: root.settings.connectTimeoutMs
                        onValueModified: root.settings.connectTimeoutMs = value
                    }
                    Label { text: qsTr("ms — after Apply, until the device must report Connected or a failure"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall; Layout.fillWidth: true; wrapMode: Text.WordWrap }
                }
            }

            Card {
                Layout.fillWidth: true
                title: qsTr("Bluetooth LE")
                GridLayout {
                    Layout.fillWidth: true
                    columns: 3
                    columnSpacing: Theme.spacingL
                    rowSpacing: Theme.spacingS
                    CheckBox {
                        objectName: "scanBleOnStartBox"
                        Layout.columnSpan: 3
                        text: qsTr("Scan for BLE devices when the workstation starts")
                        checked: root.settings.scanBleOnStart
                        onToggled: root.settings.scanBleOnStart = checked
                    }
                    CheckBox {
                        objectName: "confirmAfterLinkClosedBox"
                        Layout.columnSpan: 3
                        text: qsTr("Confirm by reconnecting when a device closes the link after Apply")
                        checked: root.settings.confirmAfterBleLinkClosed
                        onToggled: root.settings.confirmAfterBleLinkClosed = checked
                    }
                    Label { text: qsTr("Connections at once") }
                    SpinBox {
                        objectName: "maxBleConnectionsBox"
                        from: 1
                        to: 16
                        editable: true
                        value: root.settings.maxBleConnections
                        onValueModified: root.settings.maxBleConnections = value
                    }
                    Label { text: qsTr("BLE links open together; more devices wait their turn"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall; Layout.fillWidth: true; wrapMode: Text.WordWrap }
                }
            }

            Card {
                Layout.fillWidth: true
                title: qsTr("SoftAP through Wi-Fi")
                subtitle: qsTr("Devices found by \"Scan Wi-Fi\" (or a QR sticker without an address) are joined through NetworkManager; the previous network comes back when the device is closed.")
                GridLayout {
                    Layout.fillWidth: true
                    columns: 3
                    columnSpacing: Theme.spacingL
                    rowSpacing: Theme.spacingS
                    Label { text: qsTr("Wi-Fi interface") }
                    ComboBox {
                        id: wifiInterfaceBox
                        objectName: "wifiInterfaceBox"
                        Layout.preferredWidth: 200
                        model: root.wifiInterfaceChoices
                        textRole: "text"
                        valueRole: "value"
                        // From the choices themselves (not indexOfValue()), so a new list and a new
                        // setting never race.
                        currentIndex: {
                            const choices = root.wifiInterfaceChoices
                            for (let i = 0; i < choices.length; ++i) {
                                if (choices[i].value === root.settings.wifiInterface)
                                    return i
                            }
                            return 0
                        }
                        onActivated: root.settings.wifiInterface = currentValue
                        Accessible.name: qsTr("Wi-Fi interface")
                    }
                    Label { text: qsTr("Automatic: every interface scans, NetworkManager's first one joins"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall; Layout.fillWidth: true; wrapMode: Text.WordWrap }
                    Label { text: qsTr("SoftAP port") }
                    SpinBox {
                        objectName: "softApPortBox"
                        from: 1
                        to: 65535
                        editable: true
                        value: root.settings.softApPort
                        onValueModified: root.settings.softApPort = value
                        textFromValue: (value) => String(value) // no group separator in a port
                        valueFromText: (text) => parseInt(text)
                    }
                    Label { text: qsTr("the devices' web server on their SoftAP (ESP-IDF: 80)"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall; Layout.fillWidth: true; wrapMode: Text.WordWrap }
                    Label { text: qsTr("Join timeout") }
                    SpinBox {
                        objectName: "joinTimeoutBox"
                        from: 5
                        to: 300
                        stepSize: 5
                        editable: true
                        value: root.settings.softApJoinTimeoutS
                        onValueModified: root.settings.softApJoinTimeoutS = value
                    }
                    Label { text: qsTr("s — to join a device's SoftAP and get an address from it"); color: Theme.textMuted; font.pixelSize: Theme.fontSmall; Layout.fillWidth: true; wrapMode: Text.WordWrap }
                }
            }

            Loader {
                Layout.fillWidth: true
                active: root.labels !== null
                visible: active
                sourceComponent: LabelSettings { labels: root.labels }
            }

            Card {
                Layout.fillWidth: true
                title: qsTr("Storage")
                GridLayout {
                    Layout.fillWidth: true
                    columns: 2
                    columnSpacing: Theme.spacingL
                    rowSpacing: Theme.spacingS
                    Label { text: qsTr("Factory record") }
                    TextField {
                        objectName: "recordPathField"
                        Layout.fillWidth: true
                        readOnly: true
                        text: root.settings.recordPath
                        font.family: Theme.monoFamily
                        selectByMouse: true
                    }
                    Item { width: 1; height: 1 }
                    Label {
                        text: qsTr("Chosen with --record when the workstation starts.")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                    Label { text: qsTr("Line record") }
                    RowLayout {
                        Layout.fillWidth: true
                        TextField {
                            id: lineConnectionField
                            objectName: "lineConnectionField"
                            Layout.fillWidth: true
                            text: root.settings.lineConnection
                            placeholderText: qsTr("host=db.line dbname=prov user=station3 — or a service name")
                            Accessible.name: qsTr("Line record connection")
                            font.family: Theme.monoFamily
                            selectByMouse: true
                            Keys.onReturnPressed: root.settings.applyLineConnection(text)
                            Keys.onEnterPressed: root.settings.applyLineConnection(text)
                        }
                        Button {
                            objectName: "lineConnectionApply"
                            text: qsTr("Apply")
                            enabled: lineConnectionField.text !== root.settings.lineConnection
                            onClicked: root.settings.applyLineConnection(lineConnectionField.text)
                        }
                    }
                    Item { width: 1; height: 1 }
                    Label {
                        objectName: "lineConnectionHelp"
                        Layout.fillWidth: true
                        wrapMode: Text.WordWrap
                        text: root.settings.lineConnectionError.length > 0
                              ? root.settings.lineConnectionError
                              : qsTr("The line's PostgreSQL record. Empty: this station only. The password is never typed here: libpq reads it from ~/.pgpass, PGPASSFILE or a service file.")
                        color: root.settings.lineConnectionError.length > 0 ? Theme.danger : Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                    Label { text: qsTr("Settings file") }
                    TextField {
                        Layout.fillWidth: true
                        readOnly: true
                        text: root.settings.storageLocation
                        font.family: Theme.monoFamily
                        selectByMouse: true
                    }
                }
            }
            Item { Layout.preferredHeight: Theme.spacingL }
        }
    }
}
