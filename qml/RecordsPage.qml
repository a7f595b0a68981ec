// SPDX-License-Identifier: Apache-2.0
// Records page: the factory record as a filterable table (time range, outcome, service name), the
// details of the selected attempt (failure in words, phases, custom calls, proto-ver) and CSV/JSON
// export. Everything is read on RecordsController's worker thread; this page only binds and calls
// verbs. Failure words come from the model's failureHeadline role (the app's advice table).
// Keyboard: Tab walks filter bar -> table -> details; Up/Down move the selection in the table
// (the details follow); Enter or a double click opens the details (keyboard focus, Esc returns);
// Ctrl+F focuses the name search, Enter there applies it and goes to the table.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Prov.Workstation

Page {
    id: root

    required property RecordsController controller
    /// Optional: without it (page tests) there is no "Reprint label".
    property LabelController labels: null
    readonly property bool canReprint: labels !== null && details.hasRecord

    function reprintLabel() { if (canReprint) labels.reprintSelectedRecord() }

    title: qsTr("Records")

    function formatDuration(ms) {
        if (ms === undefined || ms < 0)
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

    /// Keyboard focus to the details of the current row (Enter / double click in the table).
    function openDetails() {
        if (list.currentItem)
            details.forceActiveFocus()
    }

    background: Rectangle { color: Theme.window }

    Shortcut {
        sequence: "Ctrl+P"
        enabled: root.visible && root.canReprint
        onActivated: root.reprintLabel()
    }

    Shortcut {
        sequence: StandardKey.Find
        enabled: root.visible
        onActivated: root.focusSearch()
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: Theme.spacingL
        spacing: Theme.spacingM

        // ---- title + count
        RowLayout {
            Layout.fillWidth: true
            spacing: Theme.spacingS
            Label {
                text: qsTr("Records")
                font.pixelSize: Theme.fontHeading
                font.bold: true
                color: Theme.text
            }
            Label {
                objectName: "recordsCount"
                Layout.alignment: Qt.AlignBottom
                bottomPadding: 3
                color: Theme.textMuted
                text: root.controller.totalCount < 0
                      ? qsTr("…")
                      : (root.controller.loadedCount < root.controller.totalCount
                         ? qsTr("%1 of %2 records").arg(root.controller.loadedCount).arg(root.controller.totalCount)
                         : (root.controller.totalCount === 1 ? qsTr("1 record")
                                                             : qsTr("%1 records").arg(root.controller.totalCount)))
            }
            BusyIndicator {
                Layout.preferredHeight: 24
                Layout.preferredWidth: 24
                running: root.controller.busy
                visible: running
            }
            Item { Layout.fillWidth: true }
            Label {
                text: qsTr("Up/Down selects · Enter opens the details · Ctrl+F searches")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
                Layout.fillWidth: true
                Layout.maximumWidth: implicitWidth
                horizontalAlignment: Text.AlignRight
            }
        }

        // ---- storage / export errors and export results (plain positioning: wrapped text)
        Rectangle {
            id: banner
            objectName: "recordsBanner"
            property string message: root.controller.lastError
            property bool isError: true
            Layout.fillWidth: true
            visible: message.length > 0
            implicitHeight: Math.max(bannerText.implicitHeight, dismissButton.implicitHeight) + 2 * Theme.spacingS
            radius: Theme.radius
            color: banner.isError ? Theme.dangerSoft : Theme.successSoft
            Label {
                id: bannerText
                x: Theme.spacingM
                anchors.verticalCenter: parent.verticalCenter
                width: parent.width - dismissButton.width - 3 * Theme.spacingM
                wrapMode: Text.Wrap
                text: banner.message
                color: banner.isError ? Theme.danger : Theme.success
            }
            ToolButton {
                id: dismissButton
                anchors.right: parent.right
                anchors.rightMargin: Theme.spacingS
                anchors.verticalCenter: parent.verticalCenter
                text: qsTr("Dismiss")
                onClicked: { banner.message = ""; root.controller.clearError() }
            }
        }

        // ---- filter
        Card {
            objectName: "recordsFilter"
            Layout.fillWidth: true
            padding: Theme.spacingM

            RowLayout {
                Layout.fillWidth: true
                spacing: Theme.spacingS

                ComboBox {
                    id: scopeCombo
                    objectName: "recordsScope"
                    Accessible.name: qsTr("Whose records")
                    visible: root.controller.lineConfigured
                    Layout.preferredWidth: 140
                    textRole: "text"
                    valueRole: "value"
                    model: [
                        { text: qsTr("This station"), value: RecordsController.Station },
                        { text: qsTr("Whole line"), value: RecordsController.Line }
                    ]
                    currentIndex: count > 0 ? indexOfValue(root.controller.scope) : -1
                    onActivated: root.controller.scope = currentValue
                }
                ComboBox {
                    id: stationCombo
                    objectName: "recordsStation"
                    Accessible.name: qsTr("Station")
                    visible: root.controller.scope === RecordsController.Line
                    Layout.preferredWidth: 140
                    model: [qsTr("All stations")].concat(root.controller.stations)
                    currentIndex: root.controller.stationFilter.length === 0
                                  ? 0 : Math.max(0, root.controller.stations.indexOf(root.controller.stationFilter) + 1)
                    onActivated: index => root.controller.stationFilter = index === 0 ? "" : root.controller.stations[index - 1]
                }
                ComboBox {
                    id: timeCombo
                    objectName: "recordsTimeRange"
                    Accessible.name: qsTr("Time range")
                    Layout.preferredWidth: 130
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
                    Layout.preferredWidth: 130
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
                    Layout.preferredWidth: 140
                    Layout.minimumWidth: 120
                    placeholderText: qsTr("Service name contains… (Ctrl+F)")
                    Accessible.name: qsTr("Service name filter")
                    selectByMouse: true
                    text: root.controller.nameFilter
                    onTextEdited: root.controller.nameFilter = text
                    // Enter applies at once instead of waiting for the debounce, then goes to the table.
                    Keys.onReturnPressed: { root.controller.refresh(); list.forceActiveFocus() }
                    Keys.onEnterPressed: { root.controller.refresh(); list.forceActiveFocus() }
                }
                Button {
                    objectName: "refreshButton"
                    text: qsTr("Refresh")
                    icon.source: Theme.icon("refresh")
                    focusPolicy: Qt.TabFocus
                    onClicked: root.controller.refresh()
                }
                Button {
                    objectName: "exportCsvButton"
                    text: qsTr("Export CSV…")
                    icon.source: Theme.icon("file")
                    focusPolicy: Qt.TabFocus
                    enabled: !root.controller.exporting
                    onClicked: root.openExportDialog(csvDialog, "csv")
                }
                Button {
                    objectName: "exportJsonButton"
                    text: qsTr("Export JSON…")
                    icon.source: Theme.icon("file")
                    focusPolicy: Qt.TabFocus
                    enabled: !root.controller.exporting
                    onClicked: root.openExportDialog(jsonDialog, "json")
                }
            }
        }

        // ---- table + details
        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: Theme.spacingM

            Rectangle {
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.minimumWidth: 480
                radius: Theme.radius
                color: Theme.surface
                border.color: list.activeFocus ? Theme.accent : Theme.border

                ColumnLayout {
                    anchors.fill: parent
                    anchors.margins: 1
                    spacing: 0

                    // Column widths (px) shared by the header and the rows; the service name takes
                    // the rest. Narrower tables show the time without the year (then without the
                    // seconds) and give up the transport and SSID columns; all of it stays in the
                    // time's tool tip and in the details.
                    QtObject {
                        id: tableColumns
                        readonly property bool wide: list.width >= 900
                        readonly property bool narrow: list.width < 640
                        readonly property string timeFormat: wide ? "" : (narrow ? "MM-dd HH:mm" : "MM-dd HH:mm:ss")
                        readonly property int time: wide ? 128 : (narrow ? 76 : 96)
                        readonly property int nameMin: 90
                        readonly property int transport: narrow ? 0 : 64
                        readonly property int outcome: 88
                        readonly property int failure: wide ? 180 : (narrow ? 124 : 150)
                        readonly property int ssid: narrow ? 0 : (wide ? 120 : 88)
                        readonly property int duration: 60
                    }

                    RecordsTableHeader { Layout.fillWidth: true; columns: tableColumns; theme: Theme }

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
                        Keys.onReturnPressed: root.openDetails()
                        Keys.onEnterPressed: root.openDetails()
                        Keys.onPressed: (event) => {
                            if (count === 0)
                                return
                            if (event.key === Qt.Key_Home)
                                currentIndex = 0
                            else if (event.key === Qt.Key_End)
                                currentIndex = count - 1
                            else
                                return
                            event.accepted = true
                        }

                        delegate: RecordRow {
                            width: ListView.view.width
                            theme: Theme
                            columns: tableColumns
                            current: ListView.isCurrentItem
                            durationText: root.formatDuration(durationMs)
                            onClicked: {
                                list.currentIndex = index
                                list.forceActiveFocus()
                            }
                            onOpened: {
                                list.currentIndex = index
                                root.openDetails()
                            }
                        }

                        Label {
                            anchors.centerIn: parent
                            width: parent.width * 0.7
                            visible: list.count === 0 && !root.controller.busy
                            horizontalAlignment: Text.AlignHCenter
                            wrapMode: Text.WordWrap
                            text: qsTr("No records match the filter.")
                            color: Theme.textMuted
                        }
                    }
                }
            }

            Card {
                objectName: "recordDetailsCard"
                Layout.fillHeight: true
                // Fixed: a width bound to the page's width is not re-applied when the StackLayout
                // shows the page (Qt 6.4). The page's implicit width stays under the 848 px it gets
                // at the 1024 px minimum window width (the pages share the widest one's).
                Layout.preferredWidth: 280
                title: details.titleText
                subtitle: details.subtitleText
                actions: [
                    OutcomeBadge {
                        theme: Theme
                        visible: details.hasRecord
                        outcome: details.hasRecord ? details.record.outcome : 0
                    }
                ]
                background: Rectangle {
                    color: Theme.surface
                    radius: Theme.radius
                    border.color: details.activeFocus ? Theme.accent : Theme.border
                    border.width: details.activeFocus ? 2 : 1
                }

                RecordDetails {
                    id: details
                    theme: Theme
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    record: root.controller.selectedRecord
                    formatDuration: root.formatDuration
                    onBackRequested: list.forceActiveFocus()
                }
                // Reprint from the record's fields. The record never holds the PoP: the QR code has it
                // only while this workstation still holds the device's sticker / manifest credentials.
                Button {
                    objectName: "reprintLabelButton"
                    visible: root.canReprint
                    text: qsTr("Reprint label")
                    icon.source: Theme.icon("qr")
                    enabled: !root.labels || !root.labels.busy
                    focusPolicy: Qt.TabFocus
                    onClicked: root.reprintLabel()
                    ToolTip.visible: hovered
                    ToolTip.text: qsTr("Ctrl+P")
                }
                Label {
                    objectName: "reprintNote"
                    visible: root.canReprint
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    font.pixelSize: Theme.fontSmall
                    color: root.labels && root.labels.lastErrorCode !== 0 ? Theme.danger : Theme.textMuted
                    text: {
                        if (!root.canReprint)
                            return ""
                        if (root.labels.lastErrorCode !== 0)
                            return root.labels.lastError
                        return root.labels.holdsCredentials(details.record.serviceName)
                            ? qsTr("The QR code will carry the device's PoP (this workstation still holds its sticker).")
                            : qsTr("The QR code will not carry the PoP: records never hold it, and this workstation no longer does.")
                    }
                }
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
        function onExportFinished(ok, rows, filePath, errorCode, error) {
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
