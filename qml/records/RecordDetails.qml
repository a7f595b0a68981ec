// SPDX-License-Identifier: Apache-2.0
// Details of the selected record (RecordsController.selectedRecord), the body of RecordsPage's
// details Card (which shows titleText / subtitleText and the outcome badge): identity, the
// failure in words from the app's advice table (code name in the tool tip), device facts, the
// batch (line mode: lane shown 1-based, attempt number) and product profile, phases
// with their durations, custom endpoint calls and the proto-ver JSON as received.
// Keyboard (when focused, e.g. Enter in the records table): Up/Down/PageUp/PageDown/Home/End
// scroll, Esc hands the focus back (backRequested()).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Prov.Workstation

Item {
    id: details

    /// The app's Theme singleton, handed down by RecordsPage: files in this sub-folder are loaded
    /// through a directory import that does not see the module's QML types (Theme, Card).
    required property QtObject theme

    /// RecordsController.selectedRecord (empty map: nothing selected).
    property var record: ({})
    /// function(ms) -> text
    property var formatDuration: function(ms) { return ms + " ms" }

    readonly property bool hasRecord: record !== undefined && record.attemptId !== undefined
    readonly property bool hasFailure: hasRecord && (record.failureCode || 0) !== 0
    /// For the card around the details: its title and subtitle.
    readonly property string titleText: hasRecord ? (record.serviceName || "") : qsTr("Details")
    readonly property string transportText: hasRecord ? (record.transportText || "") : ""
    readonly property string subtitleText: !hasRecord ? ""
        : (record.address ? qsTr("%1 · %2").arg(transportText).arg(record.address) : transportText)

    /// Esc while the details have the keyboard focus.
    signal backRequested()

    function scrollBy(dy) {
        const flick = scroll.contentItem
        const maxY = Math.max(0, flick.contentHeight - flick.height)
        flick.contentY = Math.max(0, Math.min(maxY, flick.contentY + dy))
    }

    objectName: "recordDetails"
    activeFocusOnTab: true
    Accessible.name: qsTr("Record details")

    Keys.onUpPressed: scrollBy(-40)
    Keys.onDownPressed: scrollBy(40)
    Keys.onEscapePressed: backRequested()
    Keys.onPressed: (event) => {
        if (event.key === Qt.Key_PageUp)
            scrollBy(-scroll.height * 0.9)
        else if (event.key === Qt.Key_PageDown)
            scrollBy(scroll.height * 0.9)
        else if (event.key === Qt.Key_Home)
            scrollBy(-scroll.contentItem.contentHeight)
        else if (event.key === Qt.Key_End)
            scrollBy(scroll.contentItem.contentHeight)
        else
            return
        event.accepted = true
    }

    Label {
        anchors.fill: parent
        visible: !details.hasRecord
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        wrapMode: Text.WordWrap
        text: qsTr("Select a record to see its details.")
        color: details.theme.textMuted
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        visible: details.hasRecord
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: scroll.availableWidth
            spacing: details.theme.spacingS

            // ---- the failure in words (plain positioning: wrapped text must not drive a layout)
            Rectangle {
                objectName: "recordFailure"
                Layout.fillWidth: true
                visible: details.hasFailure
                implicitHeight: failureColumn.implicitHeight + 2 * details.theme.spacingS
                radius: details.theme.radius
                color: details.theme.dangerSoft
                Column {
                    id: failureColumn
                    x: details.theme.spacingS
                    y: details.theme.spacingS
                    width: parent.width - 2 * details.theme.spacingS
                    spacing: 2
                    Label {
                        objectName: "recordFailureHeadline"
                        width: parent.width
                        text: details.hasFailure ? details.record.failureHeadline : ""
                        font.bold: true
                        color: details.theme.danger
                        wrapMode: Text.Wrap
                        HoverHandler { id: headlineHover }
                        ToolTip.visible: headlineHover.hovered
                        ToolTip.delay: 400
                        ToolTip.text: details.hasFailure ? qsTr("%1 (code %2)").arg(details.record.failureName)
                                                                             .arg(details.record.failureCode) : ""
                    }
                    Label {
                        width: parent.width
                        text: details.hasFailure ? details.record.failureAdvice : ""
                        color: details.theme.text
                        font.pixelSize: details.theme.fontSmall
                        wrapMode: Text.Wrap
                    }
                    Label {
                        width: parent.width
                        visible: text.length > 0
                        text: details.hasFailure ? (details.record.failureDetail || "") : ""
                        color: details.theme.textMuted
                        font.pixelSize: details.theme.fontSmall
                        wrapMode: Text.WrapAnywhere
                    }
                }
            }

            // ---- facts
            Repeater {
                model: details.hasRecord ? [
                    [qsTr("Started"), details.record.startedLocal],
                    [qsTr("Started (UTC)"), details.record.startedUtc],
                    [qsTr("Duration"), details.formatDuration(details.record.durationMs)],
                    [qsTr("SSID"), details.record.ssid || "—"],
                    [qsTr("Firmware"), details.record.firmwareVersion || "—"],
                    [qsTr("Security"), details.record.secVer >= 0
                                       ? (details.record.secPatchVer >= 0
                                          ? qsTr("Security %1, patch %2").arg(details.record.secVer).arg(details.record.secPatchVer)
                                          : qsTr("Security %1").arg(details.record.secVer))
                                       : "—"],
                    [qsTr("Station"), details.record.station || "—"],
                    [qsTr("Operator"), details.record.operatorName || "—"],
                    [qsTr("Batch"), details.record.batchId
                                    ? (details.record.lane >= 0
                                       ? qsTr("%1 · lane %2 · attempt %3").arg(details.record.batchId)
                                             .arg(details.record.lane + 1).arg(details.record.attemptNumber)
                                       : qsTr("%1 · attempt %2").arg(details.record.batchId)
                                             .arg(details.record.attemptNumber))
                                    : "—"],
                    [qsTr("Profile"), details.record.profileId
                                      ? qsTr("%1 %2").arg(details.record.profileId)
                                            .arg(details.record.profileVersion || "")
                                      : "—"],
                    [qsTr("Attempt id"), details.record.attemptId]
                ] : []
                delegate: Item {
                    id: field
                    required property var modelData
                    Layout.fillWidth: true
                    implicitHeight: Math.max(key.implicitHeight, value.implicitHeight)
                    Label {
                        id: key
                        width: 88
                        text: field.modelData[0]
                        color: details.theme.textMuted
                        font.pixelSize: details.theme.fontSmall
                        elide: Text.ElideRight
                    }
                    Label {
                        id: value
                        anchors.left: key.right
                        anchors.leftMargin: details.theme.spacingS
                        anchors.right: parent.right
                        text: field.modelData[1] === undefined ? "" : String(field.modelData[1])
                        color: details.theme.text
                        wrapMode: Text.WrapAnywhere
                    }
                }
            }

            Label {
                Layout.topMargin: details.theme.spacingS
                text: qsTr("Phases")
                font.bold: true
                color: details.theme.text
            }
            Label {
                visible: !details.record.phases || details.record.phases.length === 0
                text: qsTr("No phase recorded.")
                color: details.theme.textMuted
                font.pixelSize: details.theme.fontSmall
            }
            Repeater {
                model: details.record.phases || []
                delegate: RowLayout {
                    id: phaseRow
                    required property var modelData
                    Layout.fillWidth: true
                    spacing: details.theme.spacingS
                    Label {
                        Layout.fillWidth: true
                        text: phaseRow.modelData.phase
                        color: details.theme.text
                        elide: Text.ElideRight
                    }
                    Label {
                        text: qsTr("%1 ms").arg(phaseRow.modelData.durationMs)
                        color: details.theme.textMuted
                        font.pixelSize: details.theme.fontSmall
                        font.family: details.theme.monoFamily
                    }
                }
            }

            Label {
                Layout.topMargin: details.theme.spacingS
                text: qsTr("Custom endpoint calls")
                font.bold: true
                color: details.theme.text
            }
            Label {
                visible: !details.record.customCalls || details.record.customCalls.length === 0
                text: qsTr("None.")
                color: details.theme.textMuted
                font.pixelSize: details.theme.fontSmall
            }
            Repeater {
                model: details.record.customCalls || []
                delegate: Label {
                    required property var modelData
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: details.theme.text
                    font.pixelSize: details.theme.fontSmall
                    text: qsTr("%1: %2 B sent, %3 B received, %4%5")
                          .arg(modelData.endpoint)
                          .arg(modelData.requestBytes)
                          .arg(modelData.responseBytes)
                          .arg(modelData.errorCode === 0 ? qsTr("ok") : modelData.errorName)
                          .arg(modelData.payloadRecorded ? qsTr(" (payload recorded)") : "")
                }
            }

            Label {
                Layout.topMargin: details.theme.spacingS
                text: qsTr("proto-ver")
                font.bold: true
                color: details.theme.text
            }
            TextArea {
                Layout.fillWidth: true
                readOnly: true
                selectByMouse: true
                activeFocusOnTab: false
                wrapMode: TextEdit.WrapAnywhere
                font.family: details.theme.monoFamily
                font.pixelSize: details.theme.fontSmall
                color: details.theme.text
                text: details.record.protoVerJson || "—"
                Accessible.name: qsTr("proto-ver JSON")
                background: Rectangle {
                    color: details.theme.surfaceAlt
                    radius: details.theme.radius
                    border.color: details.theme.border
                }
            }
        }
    }
}
