// SPDX-License-Identifier: Apache-2.0
// Records page: the factory record as a filterable list (time range, outcome, service name), the
// details of the selected attempt (phases, custom calls, proto-ver) and CSV/JSON export.
// Everything is read on RecordsController's worker thread; this page only binds and calls verbs.
// Keyboard: Tab walks filter bar -> list -> details; Up/Down move in the list; Enter selects;
// Ctrl+F focuses the name search.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Prov.Workstation

Page {
    id: root

    required property RecordsController controller

    title: qsTr("Records")

    function formatDuration(ms) {
        if (ms < 0)
            return "—"
        if (ms < 1000)
            return qsTr("%1 ms").arg(ms)
        return qsTr("%1 s").arg((ms / 1000).toFixed(1))
    }

    // Opens a save dialog with a dated file name in its current folder.
    function openExportDialog(dialog, extension) {
        const folder = dialog.currentFolder.toString()
        if (folder.length > 0)
            dialog.selectedFile = folder + "/" + root.controller.suggestedFileName(extension)
        dialog.open()
    }

    function focusSearch() {
        nameField.forceActiveFocus()
        nameField.selectAll()
    }

    Shortcut {
        sequence: StandardKey.Find
        enabled: root.visible
        onActivated: root.focusSearch()
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 8
            anchors.rightMargin: 8
            spacing: 8

            ComboBox {
                id: timeCombo
                objectName: "recordsTimeRange"
                Accessible.name: qsTr("Time range")
                textRole: "text"
                valueRole: "value"
                model: [
                    { text: qsTr("Last 24 hours"), value: RecordsController.Last24Hours },
                    { text: qsTr("Last 7 days"), value: RecordsController.Last7Days },
                    { text: qsTr("All time"), value: RecordsController.AllTime }
                ]
                // count: re-evaluated once the model is set
                currentIndex: count > 0 ? indexOfValue(root.controller.timeRange) : -1
                onActivated: root.controller.timeRange = currentValue
            }
            ComboBox {
                id: outcomeCombo
                objectName: "recordsOutcome"
                Accessible.name: qsTr("Outcome")
                implicitWidth: 170
                textRole: "text"
                valueRole: "value"
                model: [
                    { text: qsTr("All outcomes"), value: RecordsController.AnyOutcome },
                    { text: qsTr("Provisioned"), value: RecordsController.Provisioned },
                    { text: qsTr("Failed"), value: RecordsController.Failed },
                    { text: qsTr("Cancelled"), value: RecordsController.Cancelled },
                    { text: qsTr("Interrupted"), value: RecordsController.Interrupted },
                    { text: qsTr("In progress"), value: RecordsController.InProgress }
                ]
                currentIndex: count > 0 ? indexOfValue(root.controller.outcomeFilter) : -1
                onActivated: root.controller.outcomeFilter = currentValue
            }
            TextField {
                id: nameField
                objectName: "recordsNameFilter"
                Layout.fillWidth: true
                Layout.minimumWidth: 160
                placeholderText: qsTr("Service name contains… (Ctrl+F)")
                Accessible.name: qsTr("Service name filter")
                selectByMouse: true
                text: root.controller.nameFilter
                onTextEdited: root.controller.nameFilter = text
                // Enter applies at once instead of waiting for the debounce, then goes to the list.
                Keys.onReturnPressed: { root.controller.refresh(); list.forceActiveFocus() }
                Keys.onEnterPressed: { root.controller.refresh(); list.forceActiveFocus() }
            }
            BusyIndicator {
                Layout.preferredHeight: 28
                Layout.preferredWidth: 28
                running: root.controller.busy
                visible: running
            }
            Label {
                objectName: "recordsCount"
                text: root.controller.totalCount < 0
                      ? qsTr("…")
                      : (root.controller.loadedCount < root.controller.totalCount
                         ? qsTr("%1 of %2 records").arg(root.controller.loadedCount).arg(root.controller.totalCount)
                         : (root.controller.totalCount === 1 ? qsTr("1 record")
                                                             : qsTr("%1 records").arg(root.controller.totalCount)))
            }
            ToolButton {
                text: qsTr("Refresh")
                onClicked: root.controller.refresh()
            }
            Button {
                objectName: "exportCsvButton"
                text: qsTr("Export CSV…")
                enabled: !root.controller.exporting
                onClicked: {
                    root.openExportDialog(csvDialog, "csv")
                }
            }
            Button {
                objectName: "exportJsonButton"
                text: qsTr("Export JSON…")
                enabled: !root.controller.exporting
                onClicked: {
                    root.openExportDialog(jsonDialog, "json")
                }
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Storage / export errors and export results.
        Frame {
            id: banner
            objectName: "recordsBanner"
            property string message: root.controller.lastError
            property bool isError: true
            Layout.fillWidth: true
            visible: message.length > 0
            background: Rectangle { color: banner.isError ? "#fde7e7" : "#e2f4e9" }
            RowLayout {
                anchors.fill: parent
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: banner.message
                    color: banner.isError ? "#8c1b20" : "#155c32"
                }
                ToolButton {
                    text: qsTr("Dismiss")
                    onClicked: { banner.message = ""; root.controller.clearError() }
                }
            }
        }

        SplitView {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ColumnLayout {
                SplitView.fillWidth: true
                SplitView.minimumWidth: 480
                spacing: 0

                RecordsTableHeader {
                    Layout.fillWidth: true
                }

                ListView {
                    id: list
                    objectName: "recordsList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: root.controller.model
                    activeFocusOnTab: true
                    keyNavigationEnabled: true
                    highlightMoveDuration: 0
                    currentIndex: -1
                    boundsBehavior: Flickable.StopAtBounds
                    ScrollBar.vertical: ScrollBar { }
                    Accessible.name: qsTr("Provisioning records")

                    // Next page when the end comes into view (the model pages by 500 rows).
                    onAtYEndChanged: if (atYEnd && count > 0) root.controller.model.fetchNextPage()
                    onCurrentIndexChanged: {
                        if (currentItem)
                            root.controller.select(currentItem.attemptId)
                    }
                    Keys.onReturnPressed: if (currentItem) root.controller.select(currentItem.attemptId)
                    Keys.onEnterPressed: if (currentItem) root.controller.select(currentItem.attemptId)

                    delegate: RecordRow {
                        width: ListView.view.width
                        current: ListView.isCurrentItem
                        durationText: root.formatDuration(durationMs)
                        onClicked: {
                            list.currentIndex = index
                            list.forceActiveFocus()
                        }
                    }

                    Label {
                        anchors.centerIn: parent
                        visible: list.count === 0 && !root.controller.busy
                        text: qsTr("No records match the filter.")
                        opacity: 0.7
                    }
                }
            }

            RecordDetails {
                SplitView.preferredWidth: 380
                SplitView.minimumWidth: 280
                record: root.controller.selectedRecord
                formatDuration: root.formatDuration
            }
        }
    }

    // A new filter is a new list: nothing stays selected (Down or a click selects again).
    Connections {
        target: root.controller.model
        function onModelReset() {
            list.currentIndex = -1
            root.controller.select("")
        }
    }

    Connections {
        target: root.controller
        function onExportFinished(ok, rows, filePath, error) {
            banner.isError = !ok
            banner.message = ok ? qsTr("Exported %1 records to %2").arg(rows).arg(filePath) : error
        }
        function onLastErrorChanged() {
            banner.isError = true
            banner.message = root.controller.lastError
        }
    }

    FileDialog {
        id: csvDialog
        title: qsTr("Export records as CSV")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "csv"
        nameFilters: [qsTr("CSV files (*.csv)")]
        onAccepted: root.controller.exportCsv(selectedFile)
    }
    FileDialog {
        id: jsonDialog
        title: qsTr("Export records as JSON")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "json"
        nameFilters: [qsTr("JSON files (*.json)")]
        onAccepted: root.controller.exportJson(selectedFile)
    }
}
