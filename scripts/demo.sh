#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# README's main-job command: set up, build, start the demo fleet (resources/demo/fleet.json: SoftAP
# devices with Security 0, 1 and 2, one with a fault, plus BLE devices on a private simulated radio),
# the SoftAP devices of resources/demo/softap.json behind a simulated NetworkManager (Scan Wi-Fi, F7)
# and a demo tray for the Line page (resources/demo/tray.json, with the demo-tray profile), and open the
# workstation on them, with the factory record in the user's data directory.
#
# The BLE devices and the Wi-Fi access points live on a private dbus-daemon (prov-sim's fake BlueZ and
# fake NetworkManager); only this script's processes see it, never the machine's real Bluetooth or
# NetworkManager. Without a display (no DISPLAY / WAYLAND_DISPLAY) the
# script runs the same job with the CLI instead (scripts/demo-cli.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "demo: no display found; running the command-line demo instead (scripts/demo-cli.sh)" >&2
  exec scripts/demo-cli.sh
fi
scripts/build.sh >/dev/null

run=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A private bus for the simulated BLE radio and Wi-Fi (fake org.bluez and NetworkManager), shared by
# prov-sim and the workstation.
. scripts/private-bus.sh
start_private_bus "$run"
pids+=("$PRIVATE_BUS_PID")

build/app/prov-sim/prov-sim --fleet resources/demo/fleet.json --no-auto-stop >"$run/fleet.jsonl" &
pids+=($!)
# The Line page's demo tray (resources/demo/tray.json): twelve SoftAP devices for the demo-tray
# profile, one with a wrong password on its sticker and one whose network refuses the passphrase.
build/app/prov-sim/prov-sim --fleet resources/demo/tray.json >"$run/tray.jsonl" &
pids+=($!)
# The Wi-Fi side: SoftAP devices (resources/demo/softap.json) that the workstation finds with "Scan Wi-Fi"
# (F7) and joins through prov-sim's fake NetworkManager on the same private bus. Joining a device moves
# the station's simulated wlan0 from its "Home" connection to the device's SoftAP (the device's HTTP on
# its own loopback gateway 127.0.0.2.., port $softap_port) and back afterwards. The real NetworkManager
# is never touched: the workstation's system bus is the private one.
softap_port=$(free_port)
build/app/prov-sim/prov-sim --nm --fleet resources/demo/softap.json --softap-port "$softap_port" \
  --no-auto-stop >"$run/softap.jsonl" &
pids+=($!)
for f in fleet tray softap; do
  for _ in $(seq 100); do grep -q '"ready"' "$run/$f.jsonl" 2>/dev/null && break; sleep 0.1; done
  grep -q '"ready"' "$run/$f.jsonl" || { echo "demo: prov-sim ($f) did not start" >&2; exit 1; }
done
cat "$run/fleet.jsonl" "$run/tray.jsonl" >"$run/manifest.jsonl"
echo "demo fleet (prov-sim):"
sed -n 's/.*"service_name":"\([^"]*\)".*"transport":"\([^"]*\)".*/  \1 (\2)/p' "$run/manifest.jsonl"
echo "Wi-Fi scan (F7) finds, through the simulated NetworkManager:"
sed -n 's/.*"service_name":"\([^"]*\)".*/  \1 (SoftAP; F7 lists it, opening it joins its access point on wlan0)/p' "$run/softap.jsonl"
echo "QR stickers for the SoftAP devices: resources/samples/"
echo "opening the workstation; the factory record is in your data directory (Settings shows the path)"
build/app/workstation/prov-workstation --manifest "$run/manifest.jsonl" --softap-port "$softap_port" "$@" &
pids+=($!)
wait "$!"
