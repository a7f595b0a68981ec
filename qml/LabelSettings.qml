// SPDX-License-Identifier: Apache-2.0
// Settings → Labels: the label template (size in mm, printer dpi, the fields, a free text line) and
// where labels go (PDF folder, system printer, ZPL to a TCP printer or a file). Every change goes
// through LabelController, which remembers it (never a secret; the template is stored while valid).
// Duck-typed `labels` (LabelController) so that Qt Quick Test can run it on a fake.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Prov.Workstation

Card {
    id: root

    required property QtObject labels

    title: qsTr("Labels")
    subtitle: qsTr("Printed from the Device page (Ctrl+P after a success), the Records page (reprint) and, when the product profile asks, after each success on the line. The QR code may carry the device's PoP: that is what the sticker is for; it never goes to logs or records.")

    GridLayout {
        Layout.fillWidth: true
        columns: 2
        columnSpacing: Theme.spacingL
        rowSpacing: Theme.spacingS

        Label { text: qsTr("Size") }
        RowLayout {
            spacing: Theme.spacingS
            SpinBox {
                objectName: "labelWidthBox"
                from: 10; to: 300; editable: true
                value: Math.round(root.labels.widthMm)
                onValueModified: root.labels.widthMm = value
                Accessible.name: qsTr("Label width in mm")
            }
            Label { text: qsTr("×") }
            SpinBox {
                objectName: "labelHeightBox"
                from: 10; to: 300; editable: true
                value: Math.round(root.labels.heightMm)
                onValueModified: root.labels.heightMm = value
                Accessible.name: qsTr("Label height in mm")
            }
            Label { text: qsTr("mm"); color: Theme.textMuted }
            ComboBox {
                objectName: "labelDpiBox"
                model: root.labels.dpiChoices
                displayText: qsTr("%1 dpi").arg(currentValue)
                currentIndex: Math.max(0, root.labels.dpiChoices.indexOf(root.labels.dpi))
                onActivated: root.labels.dpi = currentValue
                Accessible.name: qsTr("Printer resolution")
            }
        }

        Label { text: qsTr("Shows"); Layout.alignment: Qt.AlignTop }
        Flow {
            Layout.fillWidth: true
            spacing: Theme.spacingS
            Repeater {
                model: root.labels.fieldChoices
                CheckBox {
                    required property var modelData
                    text: modelData.text
                    checked: modelData.shown
                    onToggled: root.labels.setFieldShown(modelData.field, checked)
                }
            }
        }

        Label { text: qsTr("Free text") }
        TextField {
            objectName: "labelFreeTextField"
            Layout.fillWidth: true
            text: root.labels.freeText
            placeholderText: qsTr("One line, e.g. the product name")
            selectByMouse: true
            onEditingFinished: root.labels.freeText = text
        }

        Item { width: 1; height: 1; visible: root.labels.templateProblem.length > 0 }
        Label {
            objectName: "labelTemplateProblem"
            visible: text.length > 0
            Layout.fillWidth: true
            text: root.labels.templateProblem
            color: Theme.danger
            wrapMode: Text.WordWrap
        }

        Label { text: qsTr("Output") }
        ComboBox {
            id: outputBox
            objectName: "labelOutputBox"
            Layout.fillWidth: true
            textRole: "text"
            valueRole: "value"
            model: [
                { text: qsTr("PDF file in a folder"), value: LabelController.Pdf },
                { text: qsTr("System printer (CUPS)"), value: LabelController.SystemPrinter },
                { text: qsTr("ZPL to a network printer (raw TCP)"), value: LabelController.ZplTcp },
                { text: qsTr("ZPL to a file or device"), value: LabelController.ZplFile }
            ]
            currentIndex: count > 0 ? indexOfValue(root.labels.output) : -1
            onActivated: root.labels.output = currentValue
        }

        Label { text: qsTr("PDF folder"); visible: root.labels.output === LabelController.Pdf }
        TextField {
            objectName: "labelPdfFolderField"
            visible: root.labels.output === LabelController.Pdf
            Layout.fillWidth: true
            text: root.labels.pdfFolder
            selectByMouse: true
            onEditingFinished: root.labels.pdfFolder = text
        }

        Label { text: qsTr("Printer"); visible: root.labels.output === LabelController.SystemPrinter }
        ComboBox {
            objectName: "labelPrinterBox"
            visible: root.labels.output === LabelController.SystemPrinter
            Layout.fillWidth: true
            editable: true
            model: root.labels.printers
            editText: root.labels.printerName
            onAccepted: root.labels.printerName = editText
            onActivated: root.labels.printerName = currentText
            Component.onCompleted: root.labels.refreshPrinters()
        }

        Label { text: qsTr("ZPL printer"); visible: root.labels.output === LabelController.ZplTcp }
        TextField {
            objectName: "labelZplAddressField"
            visible: root.labels.output === LabelController.ZplTcp
            Layout.fillWidth: true
            text: root.labels.zplAddress
            placeholderText: qsTr("host or host:port (port 9100 when none is given)")
            selectByMouse: true
            onEditingFinished: root.labels.zplAddress = text
        }

        Label { text: qsTr("ZPL file"); visible: root.labels.output === LabelController.ZplFile }
        TextField {
            objectName: "labelZplFileField"
            visible: root.labels.output === LabelController.ZplFile
            Layout.fillWidth: true
            text: root.labels.zplFile
            placeholderText: qsTr("e.g. /dev/usb/lp0 or a file a spooler picks up")
            selectByMouse: true
            onEditingFinished: root.labels.zplFile = text
        }
    }
}
