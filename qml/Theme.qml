// SPDX-License-Identifier: Apache-2.0
pragma Singleton
import QtQuick

QtObject {
    readonly property string appName: qsTr("Provisioning workstation")
}
