#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what a fresh Debian 12 machine lacks to build and test the project (Debian packages only).
set -euo pipefail

PACKAGES=(
  cmake ninja-build ccache g++ pkg-config clang-format python3
  qt6-base-dev qt6-base-dev-tools
  libprotobuf-dev protobuf-compiler libssl-dev qcoro-qt6-dev
  libgtest-dev libbenchmark-dev
  libqt6sql6-sqlite qt6-connectivity-dev dbus-daemon
  network-manager-dev
  postgresql libqt6sql6-psql
  qt6-declarative-dev qt6-declarative-dev-tools qt6-multimedia-dev libgl-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts qml6-module-qtquick-window
  qml6-module-qtquick-templates qml6-module-qtqml-workerscript qml6-module-qtquick-dialogs
  qml6-module-qtmultimedia qml6-module-qttest qml6-module-qtqml
  libzxing-dev libqrencode-dev qt6-svg-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  poppler-utils
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
