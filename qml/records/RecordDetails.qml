// SPDX-License-Identifier: Apache-2.0
// Details of the selected record (RecordsController.selectedRecord): identity, device facts,
// phases with their durations, custom endpoint calls and the proto-ver JSON as received.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: details

    /// RecordsController.selectedRecord (empty map: nothing selected).
    property var record: ({})
    /// function(ms) -> text
    property var formatDuration: function(ms) { return ms + " ms" }

    readonly property bool hasRecord: record !== undefined && record.attemptId !== undefined

    objectName: "recordDetails"
    padding: 12

    Label {
        anchors.centerIn: parent
        visible: !details.hasRecord
        text: qsTr("Select a record to see its details.")
        opacity: 0.7
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        visible: details.hasRecord
        contentWidth: availableWidth
        activeFocusOnTab: false

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 10

            RowLayout {
                Layout.fillWidth: true
                Label {
                    Layout.fillWidth: true
                    text: details.record.serviceName || ""
                    font.pixelSize: 18
                    font.bold: true
                    elide: Text.ElideRight
                }
                OutcomeBadge { outcome: details.record.outcome || 0 }
            }

            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 12
                rowSpacing: 4
                Repeater {
                    model: details.hasRecord ? [
                        [qsTr("Started"), details.record.startedLocal],
                        [qsTr("Started (UTC)"), details.record.startedUtc],
                        [qsTr("Duration"), details.formatDuration(details.record.durationMs)],
                        [qsTr("Transport"), details.record.transport],
                        [qsTr("Address"), details.record.address],
                        [qsTr("SSID"), details.record.ssid],
                        [qsTr("Failure"), details.record.failureName
                                          ? details.record.failureName + " (" + details.record.failureCode + ")" : "—"],
                        [qsTr("Detail"), details.record.failureDetail || "—"],
                        [qsTr("Firmware"), details.record.firmwareVersion || "—"],
                        [qsTr("Security"), details.record.secVer >= 0
                                           ? (details.record.secPatchVer >= 0
                                              ? qsTr("sec%1 (patch %2)").arg(details.record.secVer).arg(details.record.secPatchVer)
                                              : qsTr("sec%1").arg(details.record.secVer))
                                           : "—"],
                        [qsTr("Station"), details.record.station],
                        [qsTr("Operator"), details.record.operatorName],
                        [qsTr("Attempt id"), details.record.attemptId]
                    ] : []
                    delegate: Item {
                        required property var modelData
                        Layout.columnSpan: 2
                        Layout.fillWidth: true
                        implicitHeight: Math.max(key.implicitHeight, value.implicitHeight)
                        Label { id: key; width: 110; text: modelData[0]; opacity: 0.7 }
                        Label {
                            id: value
                            anchors.left: key.right
                            anchors.leftMargin: 8
                            anchors.right: parent.right
                            text: modelData[1] === undefined ? "" : String(modelData[1])
                            wrapMode: Text.WrapAnywhere
                        }
                    }
                }
            }

            Label { text: qsTr("Phases"); font.bold: true; Layout.topMargin: 6 }
            Label {
                visible: !details.record.phases || details.record.phases.length === 0
                text: qsTr("No phase recorded.")
                opacity: 0.7
            }
            Repeater {
                model: details.record.phases || []
                delegate: RowLayout {
                    required property var modelData
                    Layout.fillWidth: true
                    Label { text: modelData.phase; Layout.fillWidth: true }
                    Label { text: qsTr("%1 ms").arg(modelData.durationMs); horizontalAlignment: Text.AlignRight }
                }
            }

            Label { text: qsTr("Custom endpoint calls"); font.bold: true; Layout.topMargin: 6 }
            Label {
                visible: !details.record.customCalls || details.record.customCalls.length === 0
                text: qsTr("None.")
                opacity: 0.7
            }
            Repeater {
                model: details.record.customCalls || []
                delegate: Label {
                    required property var modelData
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: qsTr("%1: %2 B sent, %3 B received, %4%5")
                          .arg(modelData.endpoint)
                          .arg(modelData.requestBytes)
                          .arg(modelData.responseBytes)
                          .arg(modelData.errorCode === 0 ? qsTr("ok") : modelData.errorName)
                          .arg(modelData.payloadRecorded ? qsTr(" (payload recorded)") : "")
                }
            }

            Label { text: qsTr("proto-ver"); font.bold: true; Layout.topMargin: 6 }
            TextArea {
                Layout.fillWidth: true
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.WrapAnywhere
                font.family: "monospace"
                text: details.record.protoVerJson || "—"
                Accessible.name: qsTr("proto-ver JSON")
            }
        }
    }
}
