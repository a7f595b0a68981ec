# SPDX-License-Identifier: Apache-2.0
# Sourced by the demo scripts: a private dbus-daemon that stands in for the system bus of the demo's
# processes only (prov-sim's fake BlueZ and fake NetworkManager live there; the machine's real
# Bluetooth and NetworkManager are never touched).
#
#   start_private_bus DIR   # starts it with its socket in DIR; sets and exports DBUS_SYSTEM_BUS_ADDRESS
#                           # and PRIVATE_BUS_PID (the caller kills it)
start_private_bus() {
  local dir=$1
  cat >"$dir/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=$dir</listen>
  <auth>EXTERNAL</auth>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
CONF
  dbus-daemon --config-file="$dir/bus.conf" --nofork --print-address=1 >"$dir/bus.addr" &
  PRIVATE_BUS_PID=$!
  for _ in $(seq 50); do [ -s "$dir/bus.addr" ] && break; sleep 0.1; done
  [ -s "$dir/bus.addr" ] || { echo "demo: the private dbus-daemon did not start" >&2; return 1; }
  DBUS_SYSTEM_BUS_ADDRESS=$(head -n1 "$dir/bus.addr")
  export DBUS_SYSTEM_BUS_ADDRESS PRIVATE_BUS_PID
}

# A TCP port free on 127.0.0.1 now, for the simulated SoftAP devices (18080 when python3 is missing).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null \
    || echo 18080
}
