// SPDX-License-Identifier: Apache-2.0
// LinePage against a QML fake of LineController: the start of the shift by keyboard, lane tiles,
// the failure banner, and the verbs (buttons and keys) reaching the controller. Any QML warning
// from the module fails the test.
import QtQuick
import QtQuick.Controls
import QtTest
import Prov.Workstation

Item {
    id: root
    width: 1280
    height: 800

    Component { id: pageComponent; LinePage { anchors.fill: parent } }
    Component { id: controllerComponent; FakeLineController { } }

    TestCase {
        name: "LinePage"
        when: windowShown

        property var page
        property var controller

        // The page goes first: the fake it binds to is destroyed after it.
        function cleanup() {
            page.destroy()
            wait(0)
        }

        function init() {
            failOnWarning(/qrc:\/qt\/qml\/Prov\/Workstation\//)
            controller = createTemporaryObject(controllerComponent, root)
            page = createTemporaryObject(pageComponent, root, { controller: controller })
            verify(page)
            waitForRendering(page)
        }

        function typeText(text) {
            for (let i = 0; i < text.length; ++i)
                keyClick(text[i])
        }

        function startRunning() {
            controller.shiftStarted = true
            controller.state = Line.LineState.Running
            page.focusSticker()
            waitForRendering(page)
        }

        function test_duplicateWarningShowsTheLastAndTheCount() {
            startRunning()
            const strip = findChild(page, "duplicateWarning")
            verify(!strip.visible)
            controller.duplicateWarning = "PROV_DEMO02: provisioned at station st-2 on 2026-12-06 10:31 UTC (attempt 1a2b3c4d)"
            controller.duplicateWarningCount = 1
            verify(strip.visible)
            controller.duplicateWarningCount = 3
            verify(strip.visible)
            controller.duplicateWarning = ""
            controller.duplicateWarningCount = 0
            verify(!strip.visible)
        }

        function test_startOfShiftByKeyboard() {
            verify(findChild(page, "shiftForm").visible)
            verify(!findChild(page, "runningView").visible)
            compare(findChild(page, "profileInfo").text.indexOf("demo-tray") >= 0, true)
            page.focusSticker() // the form: the passphrase first
            const field = findChild(page, "linePassphraseField")
            verify(field.activeFocus)
            compare(field.echoMode, TextInput.Password)

            typeText("short")
            keyClick(Qt.Key_Return)
            verify(!controller.shiftStarted)
            verify(findChild(page, "startError").visible)
            compare(findChild(page, "startError").text, controller.lastError)

            typeText("word1")
            keyClick(Qt.Key_Return)
            verify(controller.shiftStarted)
            compare(controller.startArgs.passphrase, "shortword1")
            compare(controller.startArgs.operatorName, "Ada")
            compare(controller.startArgs.stationName, "Line 4")
            compare(field.text, "") // the secret does not linger in the form
            waitForRendering(page)
            verify(findChild(page, "runningView").visible)
            verify(findChild(page, "stickerField").activeFocus)
        }

        function test_operatorAndLanesFromTheForm() {
            const op = findChild(page, "lineOperator")
            op.forceActiveFocus()
            op.selectAll()
            typeText("Bob")
            findChild(page, "lanesBox").forceActiveFocus()
            keyClick(Qt.Key_Up)
            compare(controller.lanes, 5)
            findChild(page, "linePassphraseField").forceActiveFocus()
            typeText("mypassword")
            keyClick(Qt.Key_Return)
            compare(controller.startArgs.operatorName, "Bob")
            compare(controller.startArgs.lanes, 5)
        }

        function test_promptProfileAsksForTheDeviceSecret() {
            verify(!findChild(page, "lineSecret").visible)
            controller.credentialsPrompt = true
            const secret = findChild(page, "lineSecretField")
            verify(secret.visible)
            compare(secret.echoMode, TextInput.Password)
            findChild(page, "linePassphraseField").forceActiveFocus()
            typeText("mypassword")
            secret.forceActiveFocus()
            typeText("abcd1234")
            keyClick(Qt.Key_Return)
            compare(controller.startArgs.secret, "abcd1234")
        }

        // A profile that takes SoftAP devices offers the devices' SoftAP password for the shift (masked).
        function test_softApProfileAsksForTheSoftApPassword() {
            verify(!findChild(page, "lineSoftApPassword").visible)
            controller.profileAllowsSoftAp = true
            const field = findChild(page, "lineSoftApPasswordField")
            verify(field.visible)
            compare(field.echoMode, TextInput.Password)
            findChild(page, "linePassphraseField").forceActiveFocus()
            typeText("mypassword")
            field.forceActiveFocus()
            typeText("ap-secret-99")
            keyClick(Qt.Key_Return)
            compare(controller.startArgs.softApPassword, "ap-secret-99")
            compare(field.text, "") // not kept on the page once the shift started
        }

        function test_profileErrorNamesTheField() {
            controller.profileIndex = 1
            const error = findChild(page, "profileError")
            verify(error.visible)
            verify(error.text.indexOf("match.min_rssi_dbm") >= 0)
            verify(!findChild(page, "startButton").enabled)
        }

        function test_laneTilesRender() {
            startRunning()
            const busy = findChild(page, "laneTile0")
            verify(busy)
            compare(findChild(busy, "laneDevice").text, "PROV_DEMO02")
            compare(findChild(busy, "laneStep").text, "handshake")
            compare(findChild(busy, "laneProgress").value, 0.4)
            compare(findChild(busy, "laneElapsed").text, "1:05")
            const free = findChild(page, "laneTile1")
            compare(findChild(free, "laneDevice").text, "free")
            verify(!findChild(free, "laneElapsed").visible)
            compare(findChild(page, "queueList").count, 2)
            compare(findChild(page, "failedList").count, 1)
            verify(findChild(page, "throughput").text.indexOf("412") >= 0)
            verify(findChild(page, "eta").text.indexOf("1:35") >= 0)
            compare(findChild(page, "ignored").text, "ignored: 3 below the RSSI gate")
        }

        function test_failureBannerShowsReasonAndAdvice() {
            startRunning()
            const banner = findChild(page, "failureBanner")
            verify(!banner.visible)
            controller.hasFailure = true
            waitForRendering(page)
            verify(banner.visible)
            verify(banner.height > 60)
            const device = findChild(page, "failureDevice").text
            verify(device.indexOf("PROV_DEMO03") >= 0)
            verify(device.indexOf("Wrong Wi-Fi password") >= 0)
            compare(findChild(page, "failureAdvice").text, "Check the passphrase of the network.")
            verify(findChild(page, "failureReason").text.indexOf("wifi_auth_error") >= 0)

            mouseClick(findChild(page, "bannerRetry"))
            compare(controller.lastKey, "softap:PROV_DEMO03")
            verify(controller.calls.indexOf("retry") >= 0)
            verify(!banner.visible)
            verify(findChild(page, "stickerField").activeFocus) // the buttons never take the focus

            controller.hasFailure = true
            keyClick(Qt.Key_S, Qt.ControlModifier | Qt.ShiftModifier)
            verify(controller.calls.indexOf("skip") >= 0)
            verify(!banner.visible)

            controller.hasFailure = true
            keyClick(Qt.Key_R, Qt.ControlModifier)
            compare(controller.calls.filter(c => c === "retry").length, 2)
            keyClick(Qt.Key_R, Qt.ControlModifier | Qt.ShiftModifier)
            verify(controller.calls.indexOf("retryAllFailed") >= 0)
        }

        function test_pauseDrainAbortByKeyAndButton() {
            startRunning()
            keyClick(Qt.Key_F8)
            compare(controller.state, Line.LineState.Paused)
            compare(findChild(page, "pauseButton").text, "Resume (F8)")
            mouseClick(findChild(page, "pauseButton"))
            compare(controller.state, Line.LineState.Running)
            keyClick(Qt.Key_F9)
            compare(controller.state, Line.LineState.Draining)
            controller.state = Line.LineState.Running
            keyClick(Qt.Key_X, Qt.ControlModifier | Qt.ShiftModifier)
            compare(controller.state, Line.LineState.Aborting)
            controller.state = Line.LineState.Running
            keyClick(Qt.Key_F10)
            verify(controller.calls.indexOf("finish") >= 0)
            verify(findChild(page, "stickerField").activeFocus)
        }

        function test_stickerFieldKeepsFocusForTheScanner() {
            startRunning()
            const field = findChild(page, "stickerField")
            verify(field.activeFocus)
            const payload = '{"ver":"v1","name":"PROV_5C3A91","pop":"a1b2c3d4","transport":"ble"}'
            typeText(payload)
            keyClick(Qt.Key_Return)
            compare(controller.lastKey, payload)
            compare(field.text, "") // the PoP does not linger
            verify(field.activeFocus)
            compare(findChild(page, "stickerMessage").text, "PROV_5C3A91 queued.")
        }

        function test_interruptedBatchIsResumedByKeyboard() {
            const offer = findChild(page, "interruptedOffer")
            verify(!offer.visible)
            controller.hasInterrupted = true
            waitForRendering(page)
            verify(offer.visible)
            verify(findChild(page, "interruptedText").text.indexOf("Batch 1a2b3c4d") >= 0)
            verify(findChild(page, "interruptedText").text.indexOf("3 of 8 devices done") >= 0)
            verify(!findChild(page, "interruptedProfileMissing").visible)
            page.focusSticker() // the form: the passphrase first
            typeText("mypassword")
            keyClick(Qt.Key_Return, Qt.ControlModifier)
            verify(controller.calls.indexOf("resumeInterrupted") >= 0)
            compare(controller.startArgs.passphrase, "mypassword")
            compare(controller.startArgs.operatorName, "Ada")
            verify(controller.shiftStarted)
            compare(findChild(page, "linePassphraseField").text, "") // the secret does not linger
            waitForRendering(page)
            verify(findChild(page, "runningView").visible)
            verify(findChild(page, "stickerField").activeFocus)
        }

        function test_interruptedBatchIsClosedByKeyboard() {
            controller.hasInterrupted = true
            page.focusSticker()
            keyClick(Qt.Key_Delete, Qt.ControlModifier | Qt.ShiftModifier)
            verify(controller.calls.indexOf("closeInterrupted") >= 0)
            verify(!controller.shiftStarted)
            verify(!findChild(page, "interruptedOffer").visible)
            verify(findChild(page, "linePassphraseField").activeFocus) // still the form
        }

        function test_interruptedBatchWithoutItsProfile() {
            controller.hasInterrupted = true
            controller.interruptedProfileAvailable = false
            waitForRendering(page)
            verify(findChild(page, "interruptedProfileMissing").visible)
            verify(!findChild(page, "resumeButton").enabled)
            page.focusSticker()
            typeText("mypassword")
            keyClick(Qt.Key_Return, Qt.ControlModifier) // says why, starts nothing
            verify(controller.calls.indexOf("resumeInterrupted") >= 0)
            verify(!controller.shiftStarted)
            verify(findChild(page, "startError").text.indexOf("not available") >= 0)
            mouseClick(findChild(page, "closeInterruptedButton"))
            verify(controller.calls.indexOf("closeInterrupted") >= 0)
        }

        function test_shownPageAsksForAnInterruptedBatch() {
            page.visible = false
            page.visible = true
            verify(controller.calls.indexOf("checkInterrupted") >= 0)
            const calls = controller.calls.length
            startRunning()
            page.visible = false
            page.visible = true
            compare(controller.calls.length, calls) // not while a batch runs
        }

        function test_endedBatchGoesBackToTheForm() {
            startRunning()
            controller.state = Line.LineState.Finished
            const again = findChild(page, "newShiftButton")
            verify(again.visible)
            verify(!findChild(page, "abortButton").visible)
            mouseClick(again)
            verify(controller.calls.indexOf("closeBatch") >= 0)
            verify(findChild(page, "shiftForm").visible)
        }
    }
}
