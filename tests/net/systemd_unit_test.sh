#!/bin/bash
# systemd_unit_test.sh UNIT TERND TERNCTL — dist/ternd.service is a valid
# systemd unit with the sandboxing docs/ternd.md promises.
#
#   1. `systemd-analyze verify` (systemd 252, Debian 12) on a copy whose
#      ExecStart/ExecStartPre/ExecReload name the built ternd and ternctl:
#      exit 0 and not one warning (an unknown key or a value systemd cannot
#      parse is only a warning, so any output fails the test);
#   2. the sandboxing keys are there with the values the daemon relies on:
#      the capability bounding set holds what ternd keeps (io/privileges.h)
#      plus CAP_NET_BIND_SERVICE for port 500, and nothing else;
#   3. `systemd-analyze security --offline=yes` rates the exposure at most
#      3.0 ("OK"); the figure is printed.
# Needs no root and touches no system state (the copy lives in a temp dir).
set -euo pipefail
UNIT=${1:?usage: systemd_unit_test.sh UNIT TERND TERNCTL}
TERND=${2:?usage: systemd_unit_test.sh UNIT TERND TERNCTL}
TERNCTL=${3:?usage: systemd_unit_test.sh UNIT TERND TERNCTL}
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/checks.sh"
command -v systemd-analyze >/dev/null || { echo "systemd-analyze not found (Debian package systemd)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e "s|/usr/sbin/ternd|$TERND|g" -e "s|/usr/bin/ternctl|$TERNCTL|g" "$UNIT" >"$tmp/ternd.service"

# 1. verify
if ! out=$(systemd-analyze verify "$tmp/ternd.service" 2>&1); then
  fail "systemd-analyze verify failed: $out"
elif [[ -n $out ]]; then
  fail "systemd-analyze verify warns: $out"
else
  echo "  systemd-analyze verify: no warnings"
fi

# 2. keys
key() {  # NAME — the values of every NAME= line, space-joined
  sed -n "s/^$1=//p" "$UNIT" | tr '\n' ' ' | sed 's/ $//'
}
expect() {  # NAME WANT
  [[ $(key "$1") == "$2" ]] || fail "$1 is '$(key "$1")', want '$2'"
}
expect ProtectSystem strict
expect ProtectHome yes
expect PrivateTmp yes
expect NoNewPrivileges yes
expect RuntimeDirectory tern
expect RestrictAddressFamilies "AF_INET AF_INET6 AF_NETLINK AF_UNIX"
expect CapabilityBoundingSet "CAP_NET_ADMIN CAP_NET_RAW CAP_NET_BIND_SERVICE"
expect AmbientCapabilities ""
expect DeviceAllow "/dev/net/tun rw"
[[ $(key SystemCallFilter) == @system-service* ]] || fail "SystemCallFilter does not start from @system-service: $(key SystemCallFilter)"
grep -q "^ExecStart=/usr/sbin/ternd --config /etc/tern/tern.toml$" "$UNIT" || fail "ExecStart is not ternd --config /etc/tern/tern.toml"
grep -q "control.sock" "$UNIT" && grep -q '^RuntimeDirectory=tern$' "$UNIT" ||
  fail "the control socket is not under the RuntimeDirectory"

# 3. exposure
if out=$(systemd-analyze security --offline=yes "$tmp/ternd.service" 2>&1); then
  level=$(sed -n 's/.*Overall exposure level for ternd.service: \([0-9.]*\).*/\1/p' <<<"$out")
  echo "  systemd-analyze security: exposure $level"
  [[ -n $level ]] && awk -v l="$level" 'BEGIN { exit !(l <= 3.0) }' || fail "exposure level '$level', want <= 3.0"
else
  fail "systemd-analyze security failed: $out"
fi
checks_finish systemd_unit_test
