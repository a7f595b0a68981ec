// SPDX-License-Identifier: Apache-2.0
// Stands in for DeviceController.
import QtQuick

QtObject {
    property QtObject session: null
    property string selectedKey: ""
    property string recordProblem: ""
    property string duplicateNote: ""
    property QtObject bleSource: null
    property QtObject wifiSource: null
    property string lastAddress: ""
    function select(key) { selectedKey = key; return true }
    function setAddress(key, address) { lastAddress = address; return address.indexOf(":") > 0 }
    function close(key) { if (key === selectedKey) { selectedKey = ""; session = null } }
    function dismissRecordProblem() { recordProblem = "" }
}
