// SPDX-License-Identifier: Apache-2.0
import QtQuick
import QtQuick.Controls

ApplicationWindow {
    visible: true
    width: 1280
    height: 800
    title: qsTr("Provisioning workstation")
    Label { anchors.centerIn: parent; text: Theme.appName }
}
