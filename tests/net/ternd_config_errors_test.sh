#!/bin/bash
# ternd_config_errors_test.sh TERND — the daemon refuses a bad configuration:
# for each class of mistake an operator makes, `ternd --config FILE` and
# `ternd --check-config FILE` exit 1 and print one line naming FILE:LINE, the
# key, what is wrong and what is allowed; a valid file passes --check-config.
# Also the start-up failures that are not the file's fault: a port another
# process holds, a control socket a running ternd owns, a TUN device in use.
# Refused files never get as far as a socket; the daemons that do start run in
# a network namespace this test creates (they make a TUN device), binding
# 127.0.0.1 there and sending nothing. Everything is removed at exit.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
TERND=${1:?usage: ternd_config_errors_test.sh TERND}
netns_init
ns=$(netns_name config)
netns_create "$ns"
tmp=$NETNS_TMP

# A valid file; each case below edits one thing in it (the line numbers in the
# expectations are this file's).
base() {
  cat <<EOF
[daemon]
control_socket = "$tmp/control.sock"
listen = ["127.0.0.1"]
ike_port = ${PORT:-15500}
natt_port = ${NATT:-15501}

[[connection]]
name = "site-b"
local_addrs = ["127.0.0.1"]
remote_addrs = ["127.0.0.2"]
proposals = ["aes128gcm16-prfsha256-x25519", "aes256-sha256-modp2048"]
dpd_delay = "30s"
  [connection.local]
  auth = "psk"
  id = "a@example.org"
  [connection.remote]
  auth = "psk"
  id = "b@example.org"
  [[connection.child]]
  name = "net"
  local_ts = ["10.1.0.0/24"]
  remote_ts = ["10.2.0.0/24"]
  esp_proposals = ["aes128gcm16"]

[[secret]]
type = "psk"
ids = ["a@example.org", "b@example.org"]
secret = "a long enough pre-shared key"
EOF
}

# expect_refused NAME SED_EXPR EXPECTED_TEXT... — the edited file is refused by
# both modes with exit 1, and stderr contains every EXPECTED_TEXT.
expect_refused() {
  local name=$1 edit=$2
  shift 2
  local file=$tmp/$name.toml out rc mode
  base | sed -e "$edit" >"$file"
  for mode in --check-config --config; do
    out=$(timeout 10 "$TERND" "$mode" "$file" 2>&1)
    rc=$?
    [[ $rc == 1 ]] || fail "$name ($mode): exit status $rc, want 1; output: $out"
    for want in "$@"; do
      grep -qF -- "$want" <<<"$out" || fail "$name ($mode): no '$want' in: $out"
    done
  done
  echo "  $name: $(head -n 1 <<<"$out")"
}

base >"$tmp/ok.toml"
out=$("$TERND" --check-config "$tmp/ok.toml" 2>&1) || fail "valid file refused: $out"
grep -qF "OK (1 connection(s))" <<<"$out" || fail "valid file: unexpected output: $out"

expect_refused unknown_key 's/^dpd_delay = "30s"/dpd_delya = "30s"/' \
  "unknown_key.toml:12:" "unknown key 'dpd_delya'" "did you mean 'dpd_delay'" "allowed:"
expect_refused wrong_type 's/^ike_port = .*/ike_port = "500"/' \
  "wrong_type.toml:4:" "daemon.ike_port" "expected an integer"
expect_refused zero_workers 's/^natt_port = \(.*\)/natt_port = \1\nworkers = 0/' \
  "zero_workers.toml:6:" "daemon.workers" "workers must be 1..64" "got 0"
expect_refused bad_cidr_host_bits 's|10.2.0.0/24|10.2.0.1/24|' \
  "bad_cidr_host_bits.toml:22:" "remote_ts[0]" "host bits set"
expect_refused bad_cidr_prefix 's|10.1.0.0/24|10.1.0.0/33|' \
  "bad_cidr_prefix.toml:21:" "local_ts[0]"
expect_refused bad_cidr_text 's|10.1.0.0/24|10.1.0/24|' \
  "bad_cidr_text.toml:21:" "local_ts[0]"
expect_refused unknown_proposal_keyword 's/aes256-sha256-modp2048/aes129-sha256-modp2048/' \
  "unknown_proposal_keyword.toml:11:" "proposals[1]" "unknown keyword 'aes129'" "encryption:"
expect_refused aead_with_integrity 's/aes128gcm16-prfsha256-x25519/aes128gcm16-sha256-prfsha256-x25519/' \
  "aead_with_integrity.toml:11:" "proposals[0]"
expect_refused missing_group 's/aes256-sha256-modp2048/aes256-sha256/' \
  "missing_group.toml:11:" "proposals[1]"
expect_refused missing_secret 's/ids = \["a@example.org", "b@example.org"\]/ids = ["c@example.org"]/' \
  "missing_secret.toml:7:" "no [[secret]]"
expect_refused unsupported_auth '0,/auth = "psk"/s//auth = "eap-mschapv2"/' \
  "unsupported_auth.toml:14:" "eap-mschapv2" "supported: psk, pubkey"
expect_refused pubkey_without_files '0,/auth = "psk"/s//auth = "pubkey"/' \
  "pubkey_without_files.toml:" "missing required key 'cert'" "missing required key 'key'"
expect_refused bad_duration 's/dpd_delay = "30s"/dpd_delay = "30 parsecs"/' \
  "bad_duration.toml:12:" "dpd_delay"
expect_refused bad_port 's/^natt_port = .*/natt_port = 70000/' \
  "bad_port.toml:5:" "natt_port"
expect_refused bad_enum 's/^dpd_delay = "30s"/dpd_action = "explode"/' \
  "bad_enum.toml:12:" "dpd_action" "clear" "restart" "trap"
sed -n '6,22p' "$tmp/ok.toml" >"$tmp/connection.part"  # a blank line and the [[connection]]
expect_refused duplicate_name '$r '"$tmp/connection.part" \
  "duplicate_name.toml:31:" "connection[1].name" "site-b"
expect_refused not_toml 's/^\[daemon\]/[daemon/' "not_toml.toml:1:"

# Several problems in one file: all reported, in file order.
base | sed -e 's/^ike_port = .*/ike_port = "x"/' -e 's|10.2.0.0/24|10.2.0.1/24|' >"$tmp/several.toml"
out=$("$TERND" --check-config "$tmp/several.toml" 2>&1)
[[ $(grep -c "several.toml:" <<<"$out") -ge 2 ]] || fail "several: want both problems reported: $out"
[[ $(grep -n "several.toml:4:" <<<"$out" | cut -d: -f1) -lt $(grep -n "several.toml:22:" <<<"$out" | cut -d: -f1) ]] ||
  fail "several: problems not in file order: $out"

# A missing file.
out=$("$TERND" --config "$tmp/nope.toml" 2>&1)
[[ $? == 1 ]] || fail "missing file: want exit 1"
grep -qF "nope.toml" <<<"$out" || fail "missing file: the message does not name the file: $out"

# Usage error: no --config.
"$TERND" >/dev/null 2>&1
[[ $? == 2 ]] || fail "no arguments: want exit 2"

# Start-up failures that are not the file's fault (inside the namespace).
base >"$tmp/run.toml"
netns_spawn "$ns" "$tmp/run.log" "$TERND" --config "$tmp/run.toml"
for _ in $(seq 50); do [[ -S $tmp/control.sock ]] && break; sleep 0.1; done
[[ -S $tmp/control.sock ]] || fail "ternd did not create its control socket: $(cat "$tmp/run.log")"
[[ $(stat -c %a "$tmp/control.sock") == 600 ]] || fail "control socket mode $(stat -c %a "$tmp/control.sock"), want 600"
out=$(netns_exec "$ns" timeout 10 "$TERND" --config "$tmp/run.toml" 2>&1)
[[ $? == 1 ]] || fail "second ternd on the same ports: want exit 1"
grep -qF "cannot bind 127.0.0.1:15500" <<<"$out" || fail "port in use: unexpected message: $out"
PORT=15600 NATT=15601 base | sed 's/^\[daemon\]/[daemon]\ntun_device = "tern1"/' >"$tmp/run2.toml"
out=$(netns_exec "$ns" timeout 10 "$TERND" --config "$tmp/run2.toml" 2>&1)
[[ $? == 1 ]] || fail "second ternd on the same control socket: want exit 1"
grep -qF "is in use: is another ternd running?" <<<"$out" || fail "socket in use: unexpected message: $out"
PORT=15700 NATT=15701 base | sed "s|/control\\.sock|/control3.sock|" >"$tmp/run3.toml"
out=$(netns_exec "$ns" timeout 10 "$TERND" --config "$tmp/run3.toml" 2>&1)
[[ $? == 1 ]] || fail "second ternd on the same TUN device: want exit 1"
grep -qF "cannot create TUN device tern0: Device or resource busy" <<<"$out" ||
  fail "TUN device in use: unexpected message: $out"

checks_finish ternd_config_errors_test
