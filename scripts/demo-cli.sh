#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The command-line main job (scripts/demo.sh runs it when there is no display): start a simulated
# Security 2 device (prov-sim) on 127.0.0.1 and provision it with provctl, printing each step and the
# outcome.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null

out=$(mktemp)
build/app/prov-sim/prov-sim --sec-ver 2 --service-name PROV_DEMO01 --connect-delay 1500 --dhcp-delay 500 >"$out" &
sim=$!
trap 'kill $sim 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q '"ready"' "$out" 2>/dev/null && break; sleep 0.1; done
port=$(sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$out" | head -n1)
echo "prov-sim: PROV_DEMO01 (Security 2) listening on 127.0.0.1:$port"
echo "provctl: scanning, then provisioning ssid \"myssid\""
build/app/provctl/provctl scan --service-name "127.0.0.1:$port" --sec2-username wifiprov --sec2-pwd abcd1234
build/app/provctl/provctl provision --service-name "127.0.0.1:$port" \
  --sec2-username wifiprov --sec2-pwd abcd1234 --ssid myssid --passphrase mypassword

# Line mode from the command line: the demo tray (resources/demo/tray.json, twelve SoftAP devices, two
# with injected faults) provisioned by `provctl batch` with the demo-tray profile on four lanes. The
# passphrase comes on standard input, never on the command line. Exit code 45: some devices failed.
tray=$(mktemp)
record=$(mktemp -d)
build/app/prov-sim/prov-sim --fleet resources/demo/tray.json >"$tray" &
traysim=$!
trap 'kill $sim $traysim 2>/dev/null || true; rm -rf "$out" "$tray" "$record"' EXIT
for _ in $(seq 50); do grep -q '"ready"' "$tray" 2>/dev/null && break; sleep 0.1; done
grep -q '"ready"' "$tray" || { echo "demo: prov-sim (tray) did not start" >&2; exit 1; }
echo
echo "provctl batch: the demo tray (12 devices) with resources/profiles/demo-tray.json on 4 lanes"
rc=0
printf 'passphrase=mypassword\n' | build/app/provctl/provctl batch --profile resources/profiles/demo-tray.json \
  --manifest "$tray" --parallel 4 --record "$record/line.sqlite" --station demo-station || rc=$?
echo "provctl batch exit code: $rc (0 = all provisioned, 45 = some failed; see docs/provctl.md)"
case $rc in 0 | 45) ;; *) exit "$rc" ;; esac # anything else is a real failure of the demo

# SoftAP through NetworkManager (docs/softap-join.md): provctl finds PROV_A1F001's access point, joins it
# through prov-sim's fake NetworkManager on a private bus (never the machine's NetworkManager),
# provisions it over HTTP bound to the joined link and brings the "Home" connection back.
nmrun=$(mktemp -d)
. scripts/private-bus.sh
start_private_bus "$nmrun"
nmbus=$PRIVATE_BUS_PID
trap 'kill $sim $traysim $nmbus ${nmsim:-} 2>/dev/null || true; rm -rf "$out" "$tray" "$record" "$nmrun"' EXIT
softap_port=$(free_port)
build/app/prov-sim/prov-sim --nm --fleet resources/demo/softap.json --softap-port "$softap_port" >"$nmrun/sim.jsonl" &
nmsim=$!
for _ in $(seq 50); do grep -q '"ready"' "$nmrun/sim.jsonl" 2>/dev/null && break; sleep 0.1; done
grep -q '"ready"' "$nmrun/sim.jsonl" || { echo "demo: prov-sim --nm did not start" >&2; exit 1; }
echo
echo "provctl: Wi-Fi scan through NetworkManager (strength in %, NetworkManager's own unit)"
build/app/provctl/provctl scan-devices --transport softap --timeout 2000
echo "provctl: joining PROV_A1F001's SoftAP on wlan0, provisioning it, then restoring wlan0's connection"
build/app/provctl/provctl provision --transport softap --service-name PROV_A1F001 --softap-port "$softap_port" \
  --pop abcd1234 --ssid myssid --passphrase mypassword
