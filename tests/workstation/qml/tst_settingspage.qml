// SPDX-License-Identifier: Apache-2.0
// SettingsPage against a QML fake of SettingsController.
import QtQuick
import QtQuick.Controls
import QtTest
import Prov.Workstation

Item {
    id: root
    width: 1280
    height: 800

    Component { id: pageComponent; SettingsPage { anchors.fill: parent } }
    Component { id: settingsComponent; FakeSettings { } }
    Component { id: labelsComponent; FakeLabelController { } }
    Component { id: wifiComponent; FakeWifiSource { } }

    TestCase {
        name: "SettingsPage"
        when: windowShown

        property var page
        property var settings

        // The page goes first: the fakes it binds to are destroyed after it.
        function cleanup() {
            page.destroy()
            wait(0)
        }

        function init() {
            settings = createTemporaryObject(settingsComponent, root)
            page = createTemporaryObject(pageComponent, root, { settings: settings })
            waitForRendering(page)
        }

        function test_showsValues() {
            compare(findChild(page, "stationField").text, "Line 4")
            compare(findChild(page, "operatorField").text, "Ada")
            compare(findChild(page, "defaultSsidField").text, "myssid")
            compare(findChild(page, "recordPathField").text, settings.recordPath)
            verify(findChild(page, "recordPathField").readOnly)
            compare(findChild(page, "requestTimeoutBox").value, 5000)
            compare(findChild(page, "connectTimeoutBox").value, 60000)
        }

        function test_editsWriteThrough() {
            const op = findChild(page, "operatorField")
            op.forceActiveFocus()
            op.selectAll()
            keyClick("B"); keyClick("o"); keyClick("b")
            keyClick(Qt.Key_Return)
            compare(settings.operatorName, "Bob")
            mouseClick(findChild(page, "rememberBox"))
            compare(settings.rememberNetwork, false)
            const timeout = findChild(page, "requestTimeoutBox")
            timeout.forceActiveFocus()
            keyClick(Qt.Key_Up)
            compare(settings.requestTimeoutMs, 5500)
        }

        function test_passphraseIsMaskedAndSessionOnly() {
            const field = findChild(page, "sessionPassphrase").field
            compare(field.echoMode, TextInput.Password)
            verify(findChild(page, "passphraseNote").text.indexOf("memory") >= 0)
            field.forceActiveFocus()
            keyClick("x"); keyClick("y")
            keyClick(Qt.Key_Tab)
            compare(settings.sessionPassphrase, "xy")
        }

        function test_lineConnectionAppliesOnEnterAndShowsRefusals() {
            const field = findChild(page, "lineConnectionField")
            field.forceActiveFocus()
            field.text = "host=127.0.0.1 dbname=line password=x"
            verify(findChild(page, "lineConnectionApply").enabled)
            keyClick(Qt.Key_Return)
            compare(settings.lineConnection, "")
            verify(settings.lineConnectionError.length > 0)
            compare(findChild(page, "lineConnectionHelp").text, settings.lineConnectionError)
            field.text = "service=line4"
            keyClick(Qt.Key_Enter)
            compare(settings.lineConnection, "service=line4")
            verify(findChild(page, "lineConnectionHelp").text.indexOf("pgpass") >= 0)
            verify(!findChild(page, "lineConnectionApply").enabled)
        }

        // Settings → SoftAP through Wi-Fi: interface (Automatic + the scan's interfaces), port, join timeout.
        function test_softApJoinSettings() {
            const box = findChild(page, "wifiInterfaceBox")
            verify(box)
            compare(box.count, 1) // no Wi-Fi source: Automatic only
            compare(box.currentText, "Automatic")
            compare(findChild(page, "softApPortBox").value, 80)
            compare(findChild(page, "joinTimeoutBox").value, 30)

            const wifi = createTemporaryObject(wifiComponent, root)
            const other = createTemporaryObject(pageComponent, root, { settings: settings, wifiSource: wifi })
            waitForRendering(other)
            const choices = findChild(other, "wifiInterfaceBox")
            compare(choices.count, 3)
            choices.forceActiveFocus()
            keyClick(Qt.Key_Down) // the keyboard picks the next choice
            compare(settings.wifiInterface, "wlan0")
            compare(choices.currentText, "wlan0")
            settings.wifiInterface = ""
            tryCompare(choices, "currentText", "Automatic")
            // A stored interface the scan has not seen stays selectable.
            settings.wifiInterface = "wlan9"
            compare(choices.count, 4)
            tryCompare(choices, "currentText", "wlan9")

            const port = findChild(other, "softApPortBox")
            port.forceActiveFocus()
            keyClick(Qt.Key_Up)
            compare(settings.softApPort, 81)
            compare(port.displayText, "81")
            const timeout = findChild(other, "joinTimeoutBox")
            timeout.forceActiveFocus()
            keyClick(Qt.Key_Up)
            compare(settings.softApJoinTimeoutS, 35)
            other.destroy()
            wait(0)
        }

        function test_stationLockedByCommandLine() {
            settings.stationFromCommandLine = true
            verify(!findChild(page, "stationField").enabled)
        }

        // Settings → Labels: shown with a label controller; edits go to it.
        function test_labelsGroup() {
            verify(!findChild(page, "labelOutputBox"))
            const labels = createTemporaryObject(labelsComponent, root)
            const other = createTemporaryObject(pageComponent, root, { settings: settings, labels: labels })
            waitForRendering(other)
            const output = findChild(other, "labelOutputBox")
            verify(output)
            compare(output.currentValue, LabelController.Pdf)
            compare(findChild(other, "labelPdfFolderField").text, labels.pdfFolder)
            verify(labels.calls.indexOf("refreshPrinters") >= 0) // the printer list is read when the page opens
            labels.output = LabelController.ZplTcp
            compare(output.currentValue, LabelController.ZplTcp)
            const address = findChild(other, "labelZplAddressField")
            verify(address.visible)
            address.forceActiveFocus()
            keyClick("z"); keyClick(Qt.Key_Return)
            compare(labels.zplAddress, "z")
            const dpi = findChild(other, "labelDpiBox")
            compare(dpi.currentValue, 203)
            labels.templateProblem = "\"free_text\" must not be empty"
            compare(findChild(other, "labelTemplateProblem").text, labels.templateProblem)
            other.destroy()
            wait(0)
        }
    }
}
