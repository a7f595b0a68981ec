// SPDX-License-Identifier: Apache-2.0
// Stateless look of the workstation: colours, spacing, type sizes. No logic, no controllers.
pragma Singleton
import QtQuick

QtObject {
    readonly property string appName: qsTr("Provisioning workstation")

    // ---- colours (light, high contrast for a bright factory floor)
    readonly property color window: "#f3f4f7"
    readonly property color surface: "#ffffff"
    readonly property color surfaceAlt: "#f7f8fa"
    readonly property color border: "#d8dce3"
    readonly property color text: "#1b2230"
    readonly property color textMuted: "#5b6475"
    readonly property color accent: "#2f6fd6"
    readonly property color accentSoft: "#e3edfc"
    readonly property color success: "#1d7f45"
    readonly property color successSoft: "#e2f4e9"
    readonly property color warning: "#a45d00"
    readonly property color warningSoft: "#fdf0dc"
    readonly property color danger: "#c0262d"
    readonly property color dangerSoft: "#fde7e7"
    readonly property color neutralSoft: "#eceef2"
    readonly property color sidebar: "#1e2532"
    readonly property color sidebarText: "#c8cfdb"
    readonly property color sidebarActive: "#2f3a4d"
    readonly property color selection: "#dbe7fb"

    // ---- spacing (px)
    readonly property int spacingXs: 4
    readonly property int spacingS: 8
    readonly property int spacingM: 12
    readonly property int spacingL: 16
    readonly property int spacingXl: 24
    readonly property int radius: 6
    readonly property int sidebarWidth: 176
    readonly property int rowHeight: 40
    readonly property int iconSize: 18

    // ---- type
    readonly property int fontSmall: 11
    readonly property int fontBody: 13
    readonly property int fontTitle: 16
    readonly property int fontHeading: 20
    readonly property string monoFamily: "DejaVu Sans Mono"

    readonly property string iconBase: "qrc:/qt/qml/Prov/Workstation/icons/"
    function icon(name) { return iconBase + name + ".svg" }
}
