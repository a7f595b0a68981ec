#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Whole-process provisioning benchmark on loopback (docs/performance.md).
#
#   bench/provision_e2e.sh [BUILD_DIR] [RUNS]
#
# Starts one prov-sim with RUNS devices (connect and DHCP delay 0, one ephemeral port each on
# 127.0.0.1), then runs `provctl provision` once against each device, so every run meets a fresh,
# unprovisioned device without restarting the simulator inside the timed region. Each run is timed
# from process start to process exit (wall clock) and must succeed. Prints min/median/p90/max ms.
# BUILD_DIR defaults to "build" (relative to the working directory); RUNS defaults to 20 and must
# be at least 10. Only one provctl runs at a time.
set -euo pipefail

build_dir=${1:-build}
runs=${2:-20}

sim="$build_dir/app/prov-sim/prov-sim"
ctl="$build_dir/app/provctl/provctl"

die() {
    echo "provision_e2e: $*" >&2
    exit 1
}

[[ "$runs" =~ ^[0-9]+$ ]] || die "RUNS must be a number, got '$runs'"
((runs >= 10)) || die "RUNS must be at least 10, got $runs"
[[ -x "$sim" ]] || die "$sim not found or not executable (build the prov-sim target)"
[[ -x "$ctl" ]] || die "$ctl not found or not executable (build the provctl target)"
command -v python3 >/dev/null || die "python3 is required (JSON parsing and statistics)"

# stamp VAR: microseconds since the epoch into VAR. Bash 5's EPOCHREALTIME needs no fork, so no
# helper process start is charged to a run; older shells fall back to date(1).
stamp() {
    if [[ -n "${EPOCHREALTIME:-}" ]]; then
        printf -v "$1" '%s' "${EPOCHREALTIME/[.,]/}"
    else
        printf -v "$1" '%s' "$(($(date +%s%N) / 1000))"
    fi
}

workdir=$(mktemp -d)
sim_pid=
cleanup() {
    if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$sim" --connect-delay 0 --dhcp-delay 0 --devices "$runs" --no-auto-stop --host 127.0.0.1 --port 0 \
    >"$workdir/sim.out" 2>"$workdir/sim.err" &
sim_pid=$!

# prov-sim prints one JSON line per device, then {"devices":N,"ready":true}.
for ((i = 0; i < 100; ++i)); do
    grep -q '"ready":true' "$workdir/sim.out" 2>/dev/null && break
    kill -0 "$sim_pid" 2>/dev/null || die "prov-sim exited early: $(cat "$workdir/sim.err")"
    sleep 0.1
done
grep -q '"ready":true' "$workdir/sim.out" || die "prov-sim not ready after 10 s"

mapfile -t ports < <(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    obj = json.loads(line)
    if "port" in obj:
        print(obj["port"])
' "$workdir/sim.out")
((${#ports[@]} == runs)) || die "expected $runs device ports from prov-sim, got ${#ports[@]}"

start=0
end=0
: >"$workdir/times"
for ((i = 0; i < runs; ++i)); do
    port=${ports[i]}
    stamp start
    if ! "$ctl" provision --service-name "127.0.0.1:$port" --sec2-username wifiprov --sec2-pwd abcd1234 \
        --ssid myssid --passphrase mypassword --quiet --poll-interval 50 >"$workdir/ctl.out" 2>"$workdir/ctl.err"; then
        cat "$workdir/ctl.err" >&2
        die "run $((i + 1)) (port $port) failed"
    fi
    stamp end
    echo $((end - start)) >>"$workdir/times"
done

python3 - "$workdir/times" "$runs" <<'EOF'
import math, statistics, sys
ms = sorted(int(line) / 1e3 for line in open(sys.argv[1]))
p90 = ms[math.ceil(0.9 * len(ms)) - 1]  # nearest rank
print(f"provision_e2e: {sys.argv[2]} runs, wall ms: min {ms[0]:.1f}  median {statistics.median(ms):.1f}  "
      f"p90 {p90:.1f}  max {ms[-1]:.1f}")
EOF
