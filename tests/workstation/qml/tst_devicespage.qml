// SPDX-License-Identifier: Apache-2.0
// DevicesPage against QML fakes of the device list, the sources and DeviceController.
import QtQuick
import QtQuick.Controls
import QtTest
import Prov.Workstation

Item {
    id: root
    width: 1280
    height: 800

    Component {
        id: pageComponent
        DevicesPage { anchors.fill: parent }
    }
    Component {
        id: devicesComponent
        ListModel {
            property string filterText: ""
            ListElement { serviceName: "PROV_DEMO00"; transport: Transport.SoftAp; transportText: "SoftAP"; address: "127.0.0.1:40001"; addressKnown: true; rssiText: "—"; signalText: "—"; apSecurityText: ""; joinsSoftAp: false; secVer: 0; state: 0; failure: ""; source: "Manifest"; hasCredentials: false; cached: false }
            ListElement { serviceName: "PROV_DEMO01"; transport: Transport.SoftAp; transportText: "SoftAP"; address: "192.168.4.1:80"; addressKnown: false; rssiText: "—"; signalText: "—"; apSecurityText: ""; joinsSoftAp: false; secVer: 1; state: 3; failure: "Wrong Wi-Fi password"; source: "QR"; hasCredentials: true; cached: false }
            ListElement { serviceName: "PROV_DEMO02"; transport: Transport.SoftAp; transportText: "SoftAP"; address: "127.0.0.1:40003"; addressKnown: true; rssiText: "-52 dBm"; signalText: "-52 dBm"; apSecurityText: ""; joinsSoftAp: false; secVer: 2; state: 2; failure: ""; source: "Manifest + QR"; hasCredentials: true; cached: false }
            ListElement { serviceName: "PROV_WIFI03"; transport: Transport.SoftAp; transportText: "SoftAP"; address: "AA:BB:CC:DD:EE:03"; addressKnown: false; rssiText: "—"; signalText: "62 %"; apSecurityText: "WPA2"; joinsSoftAp: true; secVer: -1; state: 0; failure: ""; source: "Wi-Fi scan"; hasCredentials: false; cached: false }
        }
    }
    Component { id: qrComponent; FakeQrSource { } }
    Component {
        id: manualComponent
        QtObject {
            property string lastError: ""
            property bool accept: false
            property var lastArgs: null
            function add(name, address, secVer, pop, username, password) {
                lastArgs = { name: name, address: address, secVer: secVer, pop: pop, username: username, password: password }
                lastError = accept ? "" : "The address must be host:port with a port from 1 to 65535, e.g. 192.168.4.1:80."
                return accept
            }
        }
    }
    Component {
        id: manifestComponent
        QtObject {
            signal loaded(int devices, int problems)
            property var problems: []
            property int deviceCount: 0
            property string path: ""
            function load(url) { return true }
        }
    }
    Component { id: controllerComponent; FakeDeviceController { } }
    Component { id: wifiComponent; FakeWifiSource { } }

    TestCase {
        name: "DevicesPage"
        when: windowShown

        property var page
        property var devices
        property var qr
        property var manual
        property var manifest
        property var controller

        SignalSpy { id: openSpy; signalName: "openDevice" }

        // The page goes first: the fakes it binds to are destroyed after it.
        function cleanup() {
            page.destroy()
            wait(0)
        }

        function init() {
            devices = createTemporaryObject(devicesComponent, root)
            qr = createTemporaryObject(qrComponent, root)
            manual = createTemporaryObject(manualComponent, root)
            manifest = createTemporaryObject(manifestComponent, root)
            controller = createTemporaryObject(controllerComponent, root)
            page = createTemporaryObject(pageComponent, root, {
                devices: devices, qrSource: qr, manualSource: manual, manifestSource: manifest,
                deviceController: controller, camera: null })
            verify(page)
            openSpy.target = page
            openSpy.clear()
            waitForRendering(page)
        }

        function test_listShowsRowsWithStateBadges() {
            const list = findChild(page, "deviceList")
            compare(list.count, 4)
            const failed = list.itemAtIndex(1)
            verify(failed)
            const badge = findChild(failed, "stateBadge")
            compare(badge.deviceState, DeviceListModel.Failed)
            compare(badge.look.text, "Failed")
            compare(findChild(list.itemAtIndex(2), "stateBadge").look.text, "Provisioned")
            compare(findChild(list.itemAtIndex(0), "stateBadge").look.text, "New")
            verify(findChild(page, "deviceCount").text.indexOf("4") === 0)
        }

        function test_cachedBleDeviceShowsNotAdvertising() {
            const list = findChild(page, "deviceList")
            const cell = findChild(list.itemAtIndex(2), "rssiCell")
            verify(cell.visible)
            compare(cell.text, "-52 dBm")
            // The scan reports the device as only remembered by BlueZ: the stale RSSI is not shown.
            devices.setProperty(2, "transport", Transport.Ble)
            devices.setProperty(2, "transportText", "BLE")
            devices.setProperty(2, "rssiText", "—")
            devices.setProperty(2, "signalText", "—")
            devices.setProperty(2, "cached", true)
            compare(cell.text, "not advertising")
            verify(cell.font.italic)
            verify(cell.ToolTip.text.indexOf("not advertising now") >= 0)
            devices.setProperty(2, "cached", false) // advertising again
            devices.setProperty(2, "rssiText", "-48 dBm")
            devices.setProperty(2, "signalText", "-48 dBm")
            compare(cell.text, "-48 dBm")
            verify(!cell.font.italic)
        }

        // A Wi-Fi scan's row: SoftAP, the signal in percent (not dBm), the SoftAP's Wi-Fi security.
        function test_wifiRowShowsPercentAndSecurity() {
            const list = findChild(page, "deviceList")
            const row = list.itemAtIndex(3)
            verify(row)
            const signal = findChild(row, "rssiCell")
            compare(signal.text, "62 %")
            verify(signal.text.indexOf("dBm") < 0)
            compare(findChild(row, "securityCell").text, "WPA2")
            verify(row.source.indexOf("Wi-Fi scan") >= 0)
            compare(row.transportText, "SoftAP")
        }

        function test_wifiScanButtonOnlyWithSource() {
            compare(findChild(page, "wifiScanButton").visible, false)
            compare(findChild(page, "wifiStatus").visible, false)
            controller.wifiSource = createTemporaryObject(wifiComponent, root)
            compare(findChild(page, "wifiScanButton").visible, true)
            compare(findChild(page, "wifiScanButton").text, "Scan Wi-Fi")
        }

        function test_f7TogglesWifiScan() {
            const wifi = createTemporaryObject(wifiComponent, root)
            controller.wifiSource = wifi
            page.focusWedge()
            keyClick(Qt.Key_F7)
            compare(wifi.toggleCalls, 1)
            verify(wifi.scanning)
            compare(findChild(page, "wifiScanButton").text, "Stop Wi-Fi scan")
            verify(findChild(page, "wifiStatus").visible)
            verify(findChild(page, "wifiStatusText").text.indexOf("Scanning") === 0)
            keyClick(Qt.Key_F7)
            compare(wifi.toggleCalls, 2)
            verify(!wifi.scanning)
            // The button does the same.
            mouseClick(findChild(page, "wifiScanButton"))
            compare(wifi.toggleCalls, 3)
        }

        function test_wifiErrorShowsAdvice() {
            const wifi = createTemporaryObject(wifiComponent, root)
            controller.wifiSource = wifi
            wifi.errorCode = 27 // PermissionDenied
            wifi.statusText = "Not allowed to scan: 0 SoftAP device(s) NetworkManager already knew are listed."
            wifi.errorAdvice = "NetworkManager (polkit) refused a fresh scan for this user."
            verify(findChild(page, "wifiStatus").visible)
            compare(findChild(page, "wifiStatusText").color, Theme.warning)
            const advice = findChild(page, "wifiAdvice")
            verify(advice.visible)
            compare(advice.text, wifi.errorAdvice)
        }

        function test_wedgeFocusedByDefault() {
            page.focusWedge()
            verify(findChild(page, "wedgeField").activeFocus)
        }

        function test_wedgeSubmitsExactTextOnEnter() {
            const wedge = findChild(page, "wedgeField")
            wedge.forceActiveFocus()
            const payload = '{"ver":"v1","name":"PROV_QR0001","pop":"abcd1234","transport":"softap"}'
            for (let i = 0; i < payload.length; ++i)
                keyClick(payload[i])
            compare(wedge.text, payload)
            compare(qr.submitted.length, 0)
            keyClick(Qt.Key_Return)
            compare(qr.submitted.length, 1)
            compare(qr.submitted[0], payload)
            compare(wedge.text, "")
            verify(findChild(page, "wedgeMessage").text.indexOf("PROV_QR0001") >= 0)
        }

        function test_rejectedPayloadShowsReason() {
            const wedge = findChild(page, "wedgeField")
            wedge.forceActiveFocus()
            wedge.text = '{"transport":"softap"}'
            keyClick(Qt.Key_Return)
            const message = findChild(page, "wedgeMessage")
            verify(message.text.indexOf("\"name\" is missing") >= 0)
            compare(message.color, Theme.danger)
        }

        function test_emptyEnterSubmitsNothing() {
            findChild(page, "wedgeField").forceActiveFocus()
            keyClick(Qt.Key_Return)
            compare(qr.submitted.length, 0)
        }

        function test_filterTextReachesModel() {
            const filter = findChild(page, "filterField")
            filter.forceActiveFocus()
            keyClick("d"); keyClick("0"); keyClick("2")
            compare(devices.filterText, "d02")
        }

        function test_doubleClickOpensDevice() {
            const list = findChild(page, "deviceList")
            mouseDoubleClickSequence(list.itemAtIndex(2))
            compare(controller.selectedKey, "PROV_DEMO02")
            compare(openSpy.count, 1)
            compare(openSpy.signalArguments[0][0], "PROV_DEMO02")
        }

        function test_enterInListOpensDevice() {
            const list = findChild(page, "deviceList")
            list.forceActiveFocus()
            list.currentIndex = 0
            keyClick(Qt.Key_Down)
            compare(list.currentIndex, 1)
            keyClick(Qt.Key_Return)
            compare(controller.selectedKey, "PROV_DEMO01")
            compare(openSpy.count, 1)
        }

        function test_pasteFallsBackToClipboardText() {
            page.pasteQr()
            compare(qr.clipboardCalls, 1)
        }

        function test_manualEntryShowsSourceError() {
            page.openManualEntry()
            const add = findChild(page, "manualAddButton")
            tryVerify(() => add.visible)
            findChild(page, "manualAddress").text = "1.2.3.4:0"
            mouseClick(add)
            const error = findChild(page, "manualError")
            tryVerify(() => error.visible)
            verify(error.text.indexOf("port") >= 0)
            compare(manual.lastArgs.address, "1.2.3.4:0")
            manual.accept = true
            findChild(page, "manualAddress").text = "127.0.0.1:8080"
            mouseClick(add)
            tryVerify(() => !add.visible)
            compare(manual.lastArgs.address, "127.0.0.1:8080")
            compare(manual.lastArgs.secVer, 2)
        }

        function test_manifestProblemsListed() {
            const banner = findChild(page, "manifestProblems")
            compare(banner.visible, false)
            manifest.path = "/tmp/fleet.jsonl"
            manifest.problems = ["line 2: not a JSON object", "line 4: \"port\" must be a number from 1 to 65535"]
            manifest.loaded(3, 2)
            compare(banner.visible, true)
            verify(findChild(page, "wedgeMessage").text.indexOf("3 device") >= 0)
        }
    }
}
