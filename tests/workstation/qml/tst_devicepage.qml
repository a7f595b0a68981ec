// SPDX-License-Identifier: Apache-2.0
// DevicePage against QML fakes of DeviceController / DeviceSession / SettingsController.
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
        DevicePage {
            anchors.fill: parent
        }
    }
    Component { id: sessionComponent; FakeSession { } }
    Component { id: controllerComponent; FakeDeviceController { } }
    Component { id: settingsComponent; FakeSettings { } }
    Component { id: labelsComponent; FakeLabelController { } }

    TestCase {
        name: "DevicePage"
        when: windowShown

        property var page
        property var session
        property var controller

        // The page goes first: the fakes it binds to are destroyed after it.
        function cleanup() {
            page.destroy()
            wait(0)
        }

        function init() {
            session = createTemporaryObject(sessionComponent, root)
            controller = createTemporaryObject(controllerComponent, root, { session: session })
            page = createTemporaryObject(pageComponent, root,
                                         { deviceController: controller, settings: createTemporaryObject(settingsComponent, root) })
            verify(page)
            waitForRendering(page)
        }

        function test_placeholderWithoutSession() {
            controller.session = null
            compare(findChild(page, "deviceTitle").visible, false)
            controller.session = session
            compare(findChild(page, "deviceTitle").text, "PROV_FAKE01")
        }

        function test_duplicateNoteShownOnlyWhenSet() {
            const note = findChild(page, "duplicateNote")
            verify(!note.visible)
            controller.duplicateNote = "Provisioned before at station-2, 2026-12-06 10:31 UTC"
            verify(note.visible)
            verify(note.implicitHeight > 0)
            controller.duplicateNote = ""
            verify(!note.visible)
        }

        function test_factsShown() {
            compare(findChild(page, "factProvVersion").text, "v1.1")
            compare(findChild(page, "factSecurity").text, "Security 2, patch 1")
            compare(findChild(page, "factCapabilities").text, "wifi_scan")
            session.connected = false
            compare(findChild(page, "factSecurity").text, "—")
        }

        // Joining a device's SoftAP through NetworkManager shows as its own step before the workflow's.
        function test_linkProgressShownWhileJoining() {
            const step = findChild(page, "linkStep")
            verify(!step.visible)
            verify(!findChild(page, "joinNote").visible)
            session.joinsSoftAp = true
            session.address = "AA:BB:CC:DD:EE:01"
            verify(findChild(page, "joinNote").visible)
            session.busy = true
            session.linkProgress = "Joining PROV_FAKE01 on wlan0…"
            verify(step.visible)
            compare(findChild(page, "linkProgress").text, "Joining PROV_FAKE01 on wlan0…")
            session.linkProgress = "" // joined: the usual steps go on
            verify(!step.visible)
            // Editing the address of a joined device starts from the SoftAP default, not its BSSID.
            session.busy = false
            mouseClick(findChild(page, "editAddressButton"))
            compare(findChild(page, "addressEditor").text, "192.168.4.1:80")
        }

        function test_closeDeviceLeavesTheSession() {
            const close = findChild(page, "closeDeviceButton")
            verify(close.visible)
            session.busy = true
            verify(!close.enabled) // cancel first
            session.busy = false
            session.joinsSoftAp = true
            verify(close.ToolTip.text.indexOf("previous Wi-Fi network") >= 0)
            controller.selectedKey = session.serviceName
            mouseClick(close)
            compare(controller.selectedKey, "")
            compare(controller.session, null)
        }

        function test_bleAddressNotEditable() {
            verify(findChild(page, "editAddressButton").visible)
            session.transportKind = Transport.Ble
            session.transportText = "BLE"
            verify(!findChild(page, "editAddressButton").visible) // a BLE address comes from the scan
        }

        function test_outcomeBeyondConnectedShown() {
            const label = findChild(page, "outcomeText")
            verify(!label.visible) // no apply yet
            session.hasProvisionOutcome = true
            session.provisionOutcome = Provision.Connected
            verify(!label.visible) // a plain Connected needs no words
            session.provisionOutcome = Provision.AppliedLinkClosed
            session.outcomeText = "Applied — the device closed the link (normal for BLE)"
            verify(label.visible)
            compare(label.text, session.outcomeText)
            compare(label.color, Theme.success)
            session.provisionOutcome = Provision.Unconfirmed
            compare(label.color, Theme.warning)
        }

        function test_addressIsEditable() {
            mouseClick(findChild(page, "editAddressButton"))
            const editor = findChild(page, "addressEditor")
            verify(editor.visible)
            compare(editor.text, "192.168.4.1:80") // the SoftAP default, shown until edited
            editor.selectAll()
            for (const c of "10.0.0.7:8080")
                keyClick(c)
            keyClick(Qt.Key_Return)
            compare(controller.lastAddress, "10.0.0.7:8080")
            verify(!editor.visible)
        }

        function test_connectAndRefreshCallVerbs() {
            mouseClick(findChild(page, "connectButton"))
            compare(session.connectCalls, 1)
            mouseClick(findChild(page, "refreshScanButton"))
            compare(session.scanCalls, 1)
            session.busy = true
            verify(!findChild(page, "refreshScanButton").enabled)
            verify(!findChild(page, "connectButton").enabled)
        }

        function test_scanTableSortsThroughProxy() {
            const list = findChild(page, "scanList")
            compare(list.count, 3)
            mouseClick(findChild(page, "sortSsid"))
            compare(session.scanModel.sortKey, WifiScanProxyModel.Ssid)
            compare(session.scanModel.reversed, false)
            mouseClick(findChild(page, "sortSsid"))
            compare(session.scanModel.reversed, true)
            mouseClick(findChild(page, "sortChannel"))
            compare(session.scanModel.sortKey, WifiScanProxyModel.Channel)
            compare(session.scanModel.reversed, false)
            mouseClick(findChild(page, "sortSignal"))
            compare(session.scanModel.sortKey, WifiScanProxyModel.Signal)
            compare(session.scanModel.sortCalls, 4)
        }

        function test_choosingNetworkFillsForm() {
            const list = findChild(page, "scanList")
            const row = list.itemAtIndex(2) // Neighbor, WPA3
            mouseClick(row)
            compare(findChild(page, "ssidField").text, "Neighbor")
            verify(findChild(page, "passphraseField").activeFocus)
            mouseClick(list.itemAtIndex(1)) // CoffeeShop, open: no passphrase field
            compare(findChild(page, "ssidField").text, "CoffeeShop")
            compare(findChild(page, "passphraseField").visible, false)
        }

        function test_passphraseMaskedWithToggle() {
            const field = findChild(page, "passphraseField")
            compare(field.echoMode, TextInput.Password)
            const reveal = findChild(page, "revealButton")
            mouseClick(reveal)
            compare(field.echoMode, TextInput.Normal)
            mouseClick(reveal)
            compare(field.echoMode, TextInput.Password)
        }

        function test_validationMessageShown() {
            const field = findChild(page, "passphraseField")
            field.forceActiveFocus()
            keyClick("a"); keyClick("b"); keyClick("c")
            const message = findChild(page, "validationMessage")
            tryVerify(() => message.visible)
            verify(message.text.indexOf("8..63") >= 0)
            keyClick("d"); keyClick("e"); keyClick("f"); keyClick("g"); keyClick("h")
            tryVerify(() => !message.visible)
        }

        function test_applySendsFormValues() {
            mouseClick(findChild(page, "scanList").itemAtIndex(0)) // myssid, WPA2
            const field = findChild(page, "passphraseField")
            field.text = "mypassword"
            mouseClick(findChild(page, "applyButton"))
            compare(session.applyCalls, 1)
            compare(session.lastSsid, "myssid")
            compare(session.lastPassphrase, "mypassword")
            compare(session.lastAuthMode, 3)
        }

        function test_otherNetworkAsksForSecurity() {
            mouseClick(findChild(page, "otherNetworkButton"))
            verify(findChild(page, "authBox").visible)
            verify(findChild(page, "ssidField").activeFocus)
            keyClick("H"); keyClick("i")
            const box = findChild(page, "authBox")
            box.currentIndex = 2 // WEP
            findChild(page, "passphraseField").text = "abcde"
            mouseClick(findChild(page, "applyButton"))
            compare(session.lastSsid, "Hi")
            compare(session.lastAuthMode, 1)
        }

        function test_failureAdviceShown() {
            const banner = findChild(page, "errorBanner")
            compare(banner.visible, false)
            session.errorCode = 40
            session.errorName = "wifi_auth_error"
            session.errorHeadline = "Wrong Wi-Fi password"
            session.errorAdvice = "Wrong Wi-Fi password. Check the passphrase and re-provision."
            session.errorDetail = "the device could not authenticate"
            session.applyState = DeviceSession.Failed
            compare(banner.visible, true)
            compare(findChild(banner, "errorHeadline").text, "Wrong Wi-Fi password")
            compare(findChild(banner, "errorAdvice").text, session.errorAdvice)
            mouseClick(findChild(banner, "dismissButton"))
            compare(session.clearErrorCalls, 1)
            compare(banner.visible, false)
        }

        function test_connectedStatusShown() {
            session.appliedSsid = "myssid"
            session.applyState = DeviceSession.Connecting
            session.attemptsRemaining = 2
            const status = findChild(page, "applyStatusText")
            verify(status.text.indexOf("2 attempt") >= 0)
            session.applyState = DeviceSession.Connected
            session.connectedIp = "192.168.1.100"
            verify(status.text.indexOf("Connected") === 0)
            compare(findChild(page, "connectedIp").text, "192.168.1.100")
        }

        // "Print label" shows once the device is provisioned; the button and Ctrl+P print the session's.
        function test_printLabelAfterSuccess() {
            const labels = createTemporaryObject(labelsComponent, root)
            const other = createTemporaryObject(pageComponent, root,
                                                { deviceController: controller, labels: labels,
                                                  settings: createTemporaryObject(settingsComponent, root) })
            waitForRendering(other)
            const button = findChild(other, "printLabelButton")
            compare(button.visible, false)
            keyClick(Qt.Key_P, Qt.ControlModifier)
            compare(labels.calls.length, 0)
            session.applyState = DeviceSession.Connected
            compare(button.visible, true)
            mouseClick(button)
            compare(labels.calls, ["printDevice"])
            compare(findChild(other, "labelStatus").text, "Label for PROV_FAKE01")
            session.applyState = DeviceSession.AppliedLinkClosed
            other.forceActiveFocus()
            keyClick(Qt.Key_P, Qt.ControlModifier)
            compare(labels.calls, ["printDevice", "printDevice"])
            labels.lastErrorCode = Prov.Unavailable
            labels.lastError = "Printer not available: no such printer"
            compare(findChild(other, "labelStatus").text, labels.lastError)
            // Without a label controller (the other tests): no button.
            compare(findChild(page, "printLabelButton").visible, false)
            other.destroy()
            wait(0)
        }

        function test_resetAndReprovision() {
            mouseClick(findChild(page, "resetButton"))
            mouseClick(findChild(page, "reprovisionButton"))
            compare(session.resetCalls, 1)
            compare(session.reprovisionCalls, 1)
        }

        function test_customConsoleSendsPayload() {
            const tabs = findChild(page, "deviceTabs")
            tabs.currentIndex = 1
            waitForRendering(page)
            const payload = findChild(page, "payloadArea")
            payload.text = "hello"
            mouseClick(findChild(page, "recordPayloadBox"))
            mouseClick(findChild(page, "sendButton"))
            verify(session.lastCustom !== null)
            compare(session.lastCustom.endpoint, "custom-data")
            compare(session.lastCustom.payload, "hello")
            compare(session.lastCustom.format, DeviceSession.Text)
            compare(session.lastCustom.recordPayload, true)
            session.customEndpoint = "custom-data"
            session.customResponseText = "SUCCESS"
            session.customResponseHex = "53 55 43 43 45 53 53 00"
            session.customResponseSize = 8
            session.hasCustomResponse = true
            verify(findChild(page, "responseSize").text.indexOf("8 byte") >= 0)
            compare(findChild(page, "responseArea").text, "SUCCESS")
        }

        function test_defaultNetworkPrefillsForm() {
            compare(findChild(page, "ssidField").text, "myssid") // FakeSettings.defaultSsid
            compare(findChild(page, "passphraseField").text, "")
            const settings = createTemporaryObject(settingsComponent, root, { sessionPassphrase: "kept-in-memory" })
            const other = createTemporaryObject(pageComponent, root, { deviceController: controller, settings: settings })
            waitForRendering(other)
            compare(findChild(other, "passphraseField").text, "kept-in-memory")
            compare(findChild(other, "keepPassphrase").checked, true)
            other.destroy()
        }

        function test_newSessionGetsAFreshForm() {
            findChild(page, "passphraseField").text = "secret-for-device-1"
            const other = createTemporaryObject(sessionComponent, root, { serviceName: "PROV_FAKE02" })
            controller.session = other
            waitForRendering(page)
            compare(findChild(page, "deviceTitle").text, "PROV_FAKE02")
            compare(findChild(page, "passphraseField").text, "")
        }
    }
}
