// SPDX-License-Identifier: Apache-2.0
// Line page (issue 9): provision a tray from a product profile on parallel lanes, hands off the
// keyboard. First the start of the shift (profile, network passphrase, the devices' PoP/password
// when the profile says `prompt`, operator, station, lanes; Enter starts), then the running batch:
// lane tiles, counters, pace, a failure banner that cannot be missed, the failed list and the queue.
// The sticker field keeps the focus for the handheld scanner (every button is NoFocus); the verbs
// have keys that are never a plain printable character: F8 pause/resume, F9 drain, F10 finish,
// Ctrl+Shift+X abort, Ctrl+R retry the banner's device, Ctrl+Shift+R retry all failed,
// Ctrl+Shift+S skip the banner's device. A batch the record says was interrupted (a crash, a
// restart) is offered above the form: Ctrl+Enter resumes it with the secrets typed in the form,
// Ctrl+Shift+Delete closes it (Aborted in the record). Secrets go to controller.start() or
// controller.resumeInterrupted() only.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Prov.Workstation

Page {
    id: root

    required property QtObject controller // LineController (FakeLineController in the page test)

    readonly property bool ended: root.controller.state === Line.LineState.Finished
                                  || root.controller.state === Line.LineState.Aborted

    function focusSticker() {
        if (root.controller.shiftStarted)
            stickerField.forceActiveFocus()
        else
            passphrase.field.forceActiveFocus()
    }

    function startShift() {
        root.controller.operatorName = operatorField.text
        if (!root.controller.stationLocked)
            root.controller.stationName = stationField.text
        if (root.controller.start(passphrase.text, secret.text, usernameField.text, softApPassword.text)) {
            passphrase.text = ""
            secret.text = ""
            softApPassword.text = ""
            stickerField.forceActiveFocus()
        }
    }

    function resumeShift() {
        root.controller.operatorName = operatorField.text
        if (!root.controller.stationLocked)
            root.controller.stationName = stationField.text
        if (root.controller.resumeInterrupted(passphrase.text, secret.text, usernameField.text, softApPassword.text)) {
            passphrase.text = ""
            secret.text = ""
            softApPassword.text = ""
            stickerField.forceActiveFocus()
        }
    }

    function formatDuration(ms) {
        if (ms === undefined || ms < 0)
            return "—"
        const s = Math.round(ms / 1000)
        const h = Math.floor(s / 3600)
        const m = Math.floor((s % 3600) / 60)
        const sec = String(s % 60).padStart(2, "0")
        return h > 0 ? qsTr("%1:%2:%3").arg(h).arg(String(m).padStart(2, "0")).arg(sec)
                     : qsTr("%1:%2").arg(m).arg(sec)
    }

    function stateText(state) {
        switch (state) {
        case Line.LineState.Running: return qsTr("Running")
        case Line.LineState.Paused: return qsTr("Paused")
        case Line.LineState.Draining: return qsTr("Draining")
        case Line.LineState.Aborting: return qsTr("Aborting")
        case Line.LineState.Finished: return qsTr("Finished")
        case Line.LineState.Aborted: return qsTr("Aborted")
        }
        return qsTr("Idle")
    }

    function deviceStateText(state) {
        switch (state) {
        case Line.LineDeviceState.Waiting: return qsTr("Waiting")
        case Line.LineDeviceState.Queued: return qsTr("Queued")
        case Line.LineDeviceState.Running: return qsTr("Running")
        case Line.LineDeviceState.Retrying: return qsTr("Retrying")
        case Line.LineDeviceState.Succeeded: return qsTr("Done")
        case Line.LineDeviceState.Failed: return qsTr("Failed")
        case Line.LineDeviceState.Skipped: return qsTr("Skipped")
        case Line.LineDeviceState.Aborted: return qsTr("Aborted")
        }
        return ""
    }

    function deviceStateColor(state) {
        switch (state) {
        case Line.LineDeviceState.Succeeded: return Theme.success
        case Line.LineDeviceState.Failed: return Theme.danger
        case Line.LineDeviceState.Retrying: return Theme.warning
        case Line.LineDeviceState.Running: return Theme.accent
        }
        return Theme.textMuted
    }

    title: qsTr("Line")
    background: Rectangle { color: Theme.window }

    // Whoever started or closed the batch (a key, a button, a test, the screenshot tool): the focus
    // goes where the next input is typed, the sticker field or the form.
    Connections {
        target: root.controller
        function onShiftStartedChanged() {
            if (root.visible)
                root.focusSticker()
        }
    }

    // Shown with no batch running: is there one the record says was interrupted?
    onVisibleChanged: {
        if (root.visible && !root.controller.shiftStarted)
            root.controller.checkInterrupted()
    }

    // ---- keys of the interrupted batch's offer (on the start-of-shift form)
    Shortcut {
        sequences: ["Ctrl+Return", "Ctrl+Enter"]
        // Also without its profile: the controller says why it cannot (rather than Enter's new batch).
        enabled: root.visible && !root.controller.shiftStarted && root.controller.hasInterrupted
        onActivated: root.resumeShift()
    }
    Shortcut {
        sequence: "Ctrl+Shift+Delete"
        enabled: root.visible && !root.controller.shiftStarted && root.controller.hasInterrupted
        onActivated: root.controller.closeInterrupted()
    }

    // ---- keys of the running batch (window-wide while this page shows it)
    Shortcut {
        sequence: "F8"
        enabled: root.visible && root.controller.active
        onActivated: root.controller.togglePause()
    }
    Shortcut {
        sequence: "F9"
        enabled: root.visible && root.controller.active
        onActivated: root.controller.drain()
    }
    Shortcut {
        sequence: "F10"
        enabled: root.visible && root.controller.active
        onActivated: root.controller.finish()
    }
    Shortcut {
        sequence: "Ctrl+Shift+X"
        enabled: root.visible && root.controller.active
        onActivated: root.controller.abort()
    }
    Shortcut {
        sequence: "Ctrl+R"
        enabled: root.visible && root.controller.hasFailure
        onActivated: root.controller.retry(root.controller.failureKey)
    }
    Shortcut {
        sequence: "Ctrl+Shift+R"
        enabled: root.visible && root.controller.failedCount > 0
        onActivated: root.controller.retryAllFailed()
    }
    Shortcut {
        sequence: "Ctrl+Shift+S"
        enabled: root.visible && root.controller.hasFailure
        onActivated: root.controller.skip(root.controller.failureKey)
    }

    // ================================================================ start of shift
    ScrollView {
        id: formView
        objectName: "shiftForm"
        anchors.fill: parent
        visible: !root.controller.shiftStarted
        contentWidth: availableWidth

        ColumnLayout {
            width: formView.availableWidth
            spacing: Theme.spacingL

            // ---- a batch that was running when the station stopped
            Card {
                objectName: "interruptedOffer"
                Layout.fillWidth: true
                Layout.maximumWidth: 760
                Layout.leftMargin: Theme.spacingL
                Layout.rightMargin: Theme.spacingL
                Layout.topMargin: Theme.spacingL
                visible: root.controller.hasInterrupted
                title: qsTr("Interrupted batch")
                subtitle: qsTr("Type the passphrase below, then resume it; or close it for good.")

                Label {
                    objectName: "interruptedText"
                    Layout.fillWidth: true
                    text: root.controller.interruptedText
                    font.bold: true
                    wrapMode: Text.WordWrap
                }
                Label {
                    objectName: "interruptedProfileMissing"
                    Layout.fillWidth: true
                    visible: !root.controller.interruptedProfileAvailable
                    text: qsTr("Its profile (id and version) is not among the profiles shipped with this workstation: close it, or resume it with provctl batch --resume and the profile's file.")
                    color: Theme.danger
                    wrapMode: Text.WordWrap
                }
                RowLayout {
                    Layout.fillWidth: true
                    Item { Layout.fillWidth: true }
                    Button {
                        objectName: "closeInterruptedButton"
                        text: qsTr("Close it (Ctrl+Shift+Delete)")
                        focusPolicy: Qt.NoFocus
                        onClicked: root.controller.closeInterrupted()
                    }
                    Button {
                        objectName: "resumeButton"
                        text: qsTr("Resume (Ctrl+Enter)")
                        focusPolicy: Qt.NoFocus
                        highlighted: true
                        enabled: root.controller.interruptedProfileAvailable
                        onClicked: root.resumeShift()
                    }
                }
            }

            Card {
                Layout.fillWidth: true
                Layout.maximumWidth: 760
                Layout.margins: Theme.spacingL
                title: qsTr("Start of shift")
                subtitle: qsTr("Set up once; then feed devices or scan their stickers. Enter starts.")

                GridLayout {
                    Layout.fillWidth: true
                    columns: 2
                    columnSpacing: Theme.spacingM
                    rowSpacing: Theme.spacingS

                    Label { text: qsTr("Product profile") }
                    ComboBox {
                        id: profileBox
                        objectName: "profileBox"
                        Layout.fillWidth: true
                        model: root.controller.profiles
                        textRole: "name"
                        currentIndex: root.controller.profileIndex
                        onActivated: index => root.controller.profileIndex = index
                    }
                    Item { implicitWidth: 1; implicitHeight: 1 }
                    Label {
                        objectName: "profileInfo"
                        Layout.fillWidth: true
                        visible: root.controller.profileId.length > 0
                        text: qsTr("id %1 · version %2 · network %3")
                              .arg(root.controller.profileId).arg(root.controller.profileVersion)
                              .arg(root.controller.profileSsid)
                        color: Theme.textMuted
                        wrapMode: Text.WordWrap
                    }
                    Item { implicitWidth: 1; implicitHeight: 1; visible: profileErrorLabel.visible }
                    Label {
                        id: profileErrorLabel
                        objectName: "profileError"
                        Layout.fillWidth: true
                        visible: root.controller.profileError.length > 0
                        text: root.controller.profileError
                        color: Theme.danger
                        wrapMode: Text.WordWrap
                    }

                    Label { text: qsTr("Network passphrase") }
                    PassphraseField {
                        id: passphrase
                        objectName: "linePassphrase"
                        Layout.fillWidth: true
                        field.objectName: "linePassphraseField"
                        placeholderText: root.controller.passphraseRequired
                                         ? qsTr("Passphrase of %1 (kept in memory only)").arg(root.controller.profileSsid)
                                         : qsTr("Open network: none needed")
                        onAccepted: root.startShift()
                    }

                    Label { text: qsTr("Device PoP / password"); visible: root.controller.credentialsPrompt }
                    PassphraseField {
                        id: secret
                        objectName: "lineSecret"
                        Layout.fillWidth: true
                        visible: root.controller.credentialsPrompt
                        field.objectName: "lineSecretField"
                        placeholderText: qsTr("The same for every device of the profile (kept in memory only)")
                        onAccepted: root.startShift()
                    }
                    Label { text: qsTr("Security 2 username"); visible: root.controller.credentialsPrompt }
                    TextField {
                        id: usernameField
                        objectName: "lineUsername"
                        Layout.fillWidth: true
                        visible: root.controller.credentialsPrompt
                        placeholderText: qsTr("wifiprov")
                        onAccepted: root.startShift()
                    }

                    Label { text: qsTr("Devices' SoftAP password"); visible: root.controller.profileAllowsSoftAp }
                    PassphraseField {
                        id: softApPassword
                        objectName: "lineSoftApPassword"
                        Layout.fillWidth: true
                        visible: root.controller.profileAllowsSoftAp
                        field.objectName: "lineSoftApPasswordField"
                        placeholderText: qsTr("Optional: for SoftAP devices joined by Wi-Fi whose sticker gives none (kept in memory only)")
                        onAccepted: root.startShift()
                    }

                    Label { text: qsTr("Operator") }
                    TextField {
                        id: operatorField
                        objectName: "lineOperator"
                        Layout.fillWidth: true
                        text: root.controller.operatorName
                        onAccepted: root.startShift()
                    }
                    Label { text: qsTr("Station") }
                    TextField {
                        id: stationField
                        objectName: "lineStation"
                        Layout.fillWidth: true
                        text: root.controller.stationName
                        enabled: !root.controller.stationLocked
                        onAccepted: root.startShift()
                    }
                    Label { text: qsTr("Lanes") }
                    SpinBox {
                        id: lanesBox
                        objectName: "lanesBox"
                        from: 1
                        to: root.controller.maxLanes
                        value: root.controller.lanes
                        editable: true
                        onValueModified: root.controller.lanes = value
                        Keys.onReturnPressed: root.startShift()
                        Keys.onEnterPressed: root.startShift()
                    }
                }

                Label {
                    objectName: "startError"
                    Layout.fillWidth: true
                    visible: root.controller.lastError.length > 0
                    text: root.controller.lastError
                    color: Theme.danger
                    wrapMode: Text.WordWrap
                }
                RowLayout {
                    Layout.fillWidth: true
                    Item { Layout.fillWidth: true }
                    Button {
                        objectName: "startButton"
                        text: qsTr("Start shift (Enter)")
                        highlighted: true
                        enabled: root.controller.profileError.length === 0
                        onClicked: root.startShift()
                    }
                }
            }
        }
    }

    // ================================================================ the running batch
    ColumnLayout {
        id: runningView
        objectName: "runningView"
        anchors.fill: parent
        anchors.margins: Theme.spacingL
        visible: root.controller.shiftStarted
        spacing: Theme.spacingM

        // ---- title and verbs
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingS
            ColumnLayout {
                Layout.fillWidth: true
                spacing: 0
                Label {
                    Layout.fillWidth: true
                    text: qsTr("%1 — %2").arg(root.controller.profileName).arg(root.stateText(root.controller.state))
                    font.pixelSize: Theme.fontHeading
                    font.bold: true
                    elide: Text.ElideRight
                }
                Label {
                    Layout.fillWidth: true
                    text: qsTr("%1 version %2 · %3 · %4 · batch %5").arg(root.controller.profileId)
                          .arg(root.controller.profileVersion).arg(root.controller.stationName)
                          .arg(root.controller.operatorName).arg(root.controller.batchId)
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                    elide: Text.ElideRight
                }
            }
            Button {
                objectName: "pauseButton"
                focusPolicy: Qt.NoFocus
                visible: root.controller.active
                enabled: root.controller.state === Line.LineState.Running
                         || root.controller.state === Line.LineState.Paused
                text: root.controller.state === Line.LineState.Paused ? qsTr("Resume (F8)") : qsTr("Pause (F8)")
                onClicked: root.controller.togglePause()
            }
            Button {
                objectName: "drainButton"
                focusPolicy: Qt.NoFocus
                visible: root.controller.active
                enabled: root.controller.state === Line.LineState.Running
                         || root.controller.state === Line.LineState.Paused
                text: qsTr("Drain (F9)")
                onClicked: root.controller.drain()
            }
            Button {
                objectName: "finishButton"
                focusPolicy: Qt.NoFocus
                visible: root.controller.active
                text: qsTr("Finish (F10)")
                onClicked: root.controller.finish()
            }
            Button {
                objectName: "abortButton"
                focusPolicy: Qt.NoFocus
                visible: root.controller.active
                enabled: root.controller.state !== Line.LineState.Aborting
                text: qsTr("Abort (Ctrl+Shift+X)")
                palette.buttonText: Theme.danger
                onClicked: root.controller.abort()
            }
            Button {
                objectName: "newShiftButton"
                focusPolicy: Qt.NoFocus
                visible: root.ended
                highlighted: true
                text: qsTr("New batch")
                onClicked: {
                    if (root.controller.closeBatch())
                        passphrase.field.forceActiveFocus()
                }
            }
        }

        // ---- duplicate-guard warnings (profile `duplicates: warn`): provisioned, but not for the first time
        Rectangle {
            objectName: "duplicateWarning"
            Layout.fillWidth: true
            visible: root.controller.duplicateWarning.length > 0
            implicitHeight: visible ? duplicateWarningLabel.implicitHeight + 2 * Theme.spacingS : 0
            radius: 4
            color: "#fff4d6"
            border.color: "#e0b44c"
            Label {
                id: duplicateWarningLabel
                x: Theme.spacingM
                y: Theme.spacingS
                width: parent.width - 2 * Theme.spacingM
                wrapMode: Text.WordWrap
                text: root.controller.duplicateWarningCount > 1
                      ? qsTr("%1 devices were provisioned before; the last: %2").arg(root.controller.duplicateWarningCount).arg(root.controller.duplicateWarning)
                      : root.controller.duplicateWarning
            }
        }

        // ---- the failure banner: large, red, device + typed reason + advice
        Rectangle {
            objectName: "failureBanner"
            Layout.fillWidth: true
            visible: root.controller.hasFailure
            implicitHeight: visible ? bannerColumn.implicitHeight + 2 * Theme.spacingL : 0
            radius: Theme.radius
            color: Theme.danger

            ColumnLayout {
                id: bannerColumn
                x: Theme.spacingL
                y: Theme.spacingL
                width: parent.width - 2 * Theme.spacingL
                spacing: Theme.spacingXs
                RowLayout {
                    Layout.fillWidth: true
                    Label {
                        objectName: "failureDevice"
                        Layout.fillWidth: true
                        text: qsTr("%1 FAILED: %2").arg(root.controller.failureDevice).arg(root.controller.failureHeadline)
                        color: "#ffffff"
                        font.pixelSize: Theme.fontHeading + 6
                        font.bold: true
                        wrapMode: Text.WordWrap
                    }
                    Button {
                        objectName: "bannerRetry"
                        focusPolicy: Qt.NoFocus
                        text: qsTr("Retry (Ctrl+R)")
                        onClicked: root.controller.retry(root.controller.failureKey)
                    }
                    Button {
                        objectName: "bannerSkip"
                        focusPolicy: Qt.NoFocus
                        text: qsTr("Skip (Ctrl+Shift+S)")
                        onClicked: root.controller.skip(root.controller.failureKey)
                    }
                }
                Label {
                    objectName: "failureAdvice"
                    Layout.fillWidth: true
                    text: root.controller.failureAdvice
                    color: "#ffffff"
                    font.pixelSize: Theme.fontTitle
                    wrapMode: Text.WordWrap
                }
                Label {
                    objectName: "failureReason"
                    Layout.fillWidth: true
                    text: qsTr("%1 after %2 attempt(s)%3").arg(root.controller.failureName)
                          .arg(root.controller.failureAttempts)
                          .arg(root.controller.failureDetail.length > 0 ? " — " + root.controller.failureDetail : "")
                    color: "#ffe3e3"
                    font.family: Theme.monoFamily
                    font.pixelSize: Theme.fontSmall
                    wrapMode: Text.WordWrap
                }
            }
        }

        // ---- counters and pace
        RowLayout {
            objectName: "counters"
            Layout.fillWidth: true
            spacing: Theme.spacingL
            Repeater {
                model: [
                    { name: "doneCounter", label: qsTr("Done"), value: root.controller.doneCount, color: Theme.success },
                    { name: "failedCounter", label: qsTr("Failed"), value: root.controller.failedCount, color: Theme.danger },
                    { name: "retryingCounter", label: qsTr("Retrying"), value: root.controller.retryingCount, color: Theme.warning },
                    { name: "runningCounter", label: qsTr("Running"), value: root.controller.runningCount, color: Theme.accent },
                    { name: "queuedCounter", label: qsTr("Queued"), value: root.controller.queuedCount, color: Theme.text },
                    { name: "waitingCounter", label: qsTr("Waiting"), value: root.controller.waitingCount, color: Theme.textMuted }
                ]
                delegate: ColumnLayout {
                    required property var modelData
                    objectName: modelData.name
                    spacing: 0
                    Label {
                        text: parent.modelData.value
                        color: parent.modelData.color
                        font.pixelSize: Theme.fontHeading + 4
                        font.bold: true
                    }
                    Label {
                        text: parent.modelData.label
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                }
            }
            Item { Layout.fillWidth: true }
            ColumnLayout {
                spacing: 0
                Label {
                    objectName: "throughput"
                    Layout.alignment: Qt.AlignRight
                    text: qsTr("%1 devices/h").arg(Math.round(root.controller.throughputPerHour))
                    font.pixelSize: Theme.fontTitle
                    font.bold: true
                }
                Label {
                    objectName: "eta"
                    Layout.alignment: Qt.AlignRight
                    text: qsTr("ETA %1 · elapsed %2").arg(root.formatDuration(root.controller.etaMs))
                          .arg(root.formatDuration(root.controller.elapsedMs))
                    color: Theme.textMuted
                }
            }
        }

        // ---- the sticker field: keeps the focus for the handheld scanner
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingS
            TextField {
                id: stickerField
                objectName: "stickerField"
                Layout.fillWidth: true
                enabled: root.controller.active
                placeholderText: qsTr("Scan a device sticker (the field keeps the focus)")
                inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                onAccepted: {
                    root.controller.submitSticker(text)
                    text = "" // the payload carries the PoP: it does not linger
                }
            }
            Label {
                objectName: "stickerMessage"
                Layout.preferredWidth: 320
                text: root.controller.stickerMessage
                color: root.controller.stickerRejected ? Theme.danger : Theme.textMuted
                elide: Text.ElideRight
            }
        }
        Label {
            objectName: "ignored"
            Layout.fillWidth: true
            visible: root.controller.ignoredCount > 0
            text: root.controller.ignoredText
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }

        // ---- lanes
        Flow {
            objectName: "lanes"
            Layout.fillWidth: true
            spacing: Theme.spacingS
            Repeater {
                model: root.controller.lanesModel
                delegate: LaneTile {
                    required property int index
                    required busy
                    required serviceName
                    required step
                    required progress
                    required elapsedMs
                    required attempt
                    objectName: "laneTile" + index
                    width: 230
                    lane: index
                }
            }
        }

        // ---- failed list and queue
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacingM

            Card {
                Layout.fillHeight: true
                Layout.preferredWidth: 420
                title: qsTr("Failed (%1)").arg(root.controller.failedCount)
                actions: Button {
                    objectName: "retryAllButton"
                    focusPolicy: Qt.NoFocus
                    enabled: root.controller.failedCount > 0 && root.controller.active
                    text: qsTr("Retry all (Ctrl+Shift+R)")
                    onClicked: root.controller.retryAllFailed()
                }
                ListView {
                    objectName: "failedList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: root.controller.failedModel
                    delegate: RowLayout {
                        required property string key
                        required property string serviceName
                        required property string errorHeadline
                        required property int attempts
                        width: ListView.view.width
                        spacing: Theme.spacingS
                        ColumnLayout {
                            Layout.fillWidth: true
                            spacing: 0
                            Label { text: serviceName; font.bold: true }
                            Label {
                                Layout.fillWidth: true
                                text: qsTr("%1 · %2 attempt(s)").arg(errorHeadline).arg(attempts)
                                color: Theme.danger
                                elide: Text.ElideRight
                            }
                        }
                        ToolButton {
                            focusPolicy: Qt.NoFocus
                            text: qsTr("Retry")
                            onClicked: root.controller.retry(key)
                        }
                        ToolButton {
                            focusPolicy: Qt.NoFocus
                            text: qsTr("Skip")
                            onClicked: root.controller.skip(key)
                        }
                    }
                }
            }
            Card {
                Layout.fillWidth: true
                Layout.fillHeight: true
                title: qsTr("Queue (%1 devices)").arg(root.controller.totalCount)
                ListView {
                    objectName: "queueList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: root.controller.devicesModel
                    delegate: RowLayout {
                        // `state` is also Item's: the row reads the roles through `model`.
                        required property var model
                        width: ListView.view.width
                        spacing: Theme.spacingM
                        Label { Layout.preferredWidth: 150; text: parent.model.serviceName; elide: Text.ElideRight }
                        Label { Layout.preferredWidth: 60; text: parent.model.transportText; color: Theme.textMuted }
                        Label {
                            Layout.preferredWidth: 80
                            text: root.deviceStateText(parent.model.state)
                            color: root.deviceStateColor(parent.model.state)
                            font.bold: true
                        }
                        Label { Layout.preferredWidth: 70; text: parent.model.rssiText; color: Theme.textMuted }
                        Label { Layout.preferredWidth: 70; text: qsTr("×%1").arg(parent.model.attempts); color: Theme.textMuted }
                        Label {
                            Layout.fillWidth: true
                            text: parent.model.errorHeadline
                            color: Theme.danger
                            elide: Text.ElideRight
                        }
                    }
                }
            }
        }
    }
}
