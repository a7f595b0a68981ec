// SPDX-License-Identifier: Apache-2.0
// Stands in for WifiScanProxyModel: the WifiScanModel roles plus sortKey / reversed / sortBy().
// Sorting itself is C++'s job (tested in tst_devicelist / tst_devicesession); the fake only
// records what the page asked for.
import QtQuick

ListModel {
    id: model
    property int sortKey: 0
    property bool reversed: false
    property int sortCalls: 0
    function valueAt(row, role) { return undefined } // the pages do not call it; C++ tests do
    function sortBy(key) {
        sortCalls++
        if (key === sortKey) {
            reversed = !reversed
        } else {
            sortKey = key
            reversed = false
        }
    }

    ListElement { ssid: "myssid"; rssi: -45; bars: 4; channel: 6; band: 1; bandText: "2.4 GHz"; bssid: "02:1a:2b:3c:4d:01"; authMode: 3; authText: "WPA2-Personal"; secured: true; needsPassphrase: true; supported: true }
    ListElement { ssid: "CoffeeShop"; rssi: -71; bars: 2; channel: 11; band: 1; bandText: "2.4 GHz"; bssid: "02:1a:2b:3c:4d:03"; authMode: 0; authText: "Open"; secured: false; needsPassphrase: false; supported: true }
    ListElement { ssid: "Neighbor"; rssi: -83; bars: 1; channel: 3; band: 1; bandText: "2.4 GHz"; bssid: "02:1a:2b:3c:4d:04"; authMode: 6; authText: "WPA3-Personal"; secured: true; needsPassphrase: true; supported: true }
}
