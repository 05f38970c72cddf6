#!/bin/bash
# ternd_hardening_test.sh TERND TERNCTL — ternd's privileges, its control socket
# and secrets in its output (issue 10, "Hardening").
#
#   ns a 198.51.100.1 (lo 192.0.2.1) ---veth--- ns b 198.51.100.2 (lo 203.0.113.1), one ternd each
#
#   1. Capabilities: after start-up each ternd has CapEff = CapPrm = CapBnd =
#      CAP_NET_ADMIN + CAP_NET_RAW (0x3000), nothing inheritable or ambient,
#      and NoNewPrivs = 1 (/proc/PID/status).
#   2. With those, the tunnel works: up, ping, a CHILD_SA rekey and an IKE SA
#      rekey (ping after each), a reload that changes the connection (its SAs
#      are made again, routes included), ping.
#   3. Secrets: both ternd run at log_level "debug"; every log line, every
#      ternctl output (status, list-sas, stats, list-certs, events) is searched
#      for the PSK (as text and hex) and for every SK_e/SK_a key the keylog (the
#      one place allowed to hold them) lists, in either case: none may appear.
#   4. Control socket: mode 0600 in a 0700 directory; `nobody` (setpriv) is
#      refused by the file mode with a clear message; with the mode and the
#      directories opened up by hand, ternd itself refuses uid 65534
#      (SO_PEERCRED) with a clear message; root still works.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"

TERND=${1:?usage: ternd_hardening_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: ternd_hardening_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq ping setpriv
td_pair_topology
psk="hardening-test-PSK-7f3a9c"

conf_a() {
  td_write_psk_conf "$A" name=to-b local_addr=198.51.100.1 remote_addr=198.51.100.2 \
    local_id=a.example.org remote_id=b.example.org psk="$psk" esp_proposal=aes128gcm16-x25519 \
    proposal=aes128gcm16-prfsha256-x25519 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net "$@"
}
conf_a
td_write_psk_conf "$B" name=to-a local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=b.example.org remote_id=a.example.org psk="$psk" esp_proposal=aes128gcm16-x25519 \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 child=net
td_start "$A" "$ns_a"
td_start "$B" "$ns_b"
outputs=$NETNS_TMP/ternctl-outputs.txt
: >"$outputs"
ctl() {  # DIR ARGS... — ternctl, its output also kept for the secrets search
  local out rc=0
  out=$(td_ctl "$@" 2>&1) || rc=$?
  printf '%s\n' "$out" >>"$outputs"
  printf '%s\n' "$out"
  return $rc
}
timeout 60 "$TERNCTL" --socket "$A/control.sock" events >"$NETNS_TMP/events-a.txt" 2>&1 &
events_pid=$!
netns_register_pid "$events_pid"

# --- 1. capabilities
for d in "$A" "$B"; do
  status=/proc/$(<"$d/ternd.pid")/status
  for f in CapEff CapPrm CapBnd; do
    got=$(awk -v f="$f:" '$1 == f {print $2}' "$status")
    [[ $got == 0000000000003000 ]] || fail "$(basename "$d"): $f is $got, want 0000000000003000 (cap_net_admin,cap_net_raw)"
  done
  for f in CapInh CapAmb; do
    got=$(awk -v f="$f:" '$1 == f {print $2}' "$status")
    [[ $got == 0000000000000000 ]] || fail "$(basename "$d"): $f is $got, want none"
  done
  [[ $(awk '$1 == "NoNewPrivs:" {print $2}' "$status") == 1 ]] || fail "$(basename "$d"): NoNewPrivs is not set"
  grep -q "privileges: kept cap_net_admin,cap_net_raw" "$d/ternd.log" || fail "$(basename "$d"): the drop is not logged"
done
echo "  capabilities: $(grep -E '^(CapEff|CapBnd|NoNewPrivs)' "/proc/$(<"$A/ternd.pid")/status" | tr -s '\t\n' '  ')"

# --- 2. the tunnel works without the dropped capabilities
ping_ok() {  # WHAT
  local out
  if out=$(netns_exec "$ns_a" ping -c 3 -i 0.2 -W 2 -I 192.0.2.1 203.0.113.1 2>&1); then
    echo "  ping after $1: $(grep -o '[0-9]* received' <<<"$out")"
  else
    fail "ping after $1 failed: $out"
  fi
}
ctl "$A" up to-b >/dev/null || fail "ternctl up to-b failed"
td_wait_ike_count "$B" 1 ESTABLISHED 10 || fail "b has no ESTABLISHED IKE SA"
ping_ok "up"
child_spi=$(td_sas "$A" | jq -r '.[0].children[0].spi_in')
ctl "$A" rekey to-b/net >/dev/null || fail "ternctl rekey to-b/net failed"
wait_for 10 "a new CHILD_SA" bash -c "[[ \$(timeout 5 '$TERNCTL' --socket '$A/control.sock' list-sas --json | jq -r '.[0].children | map(select(.state == \"INSTALLED\")) | .[0].spi_in') != '$child_spi' ]]" ||
  fail "the CHILD_SA was not rekeyed"
ping_ok "the CHILD_SA rekey"
ike_spi=$(td_sas "$A" | jq -r '.[0].spi_i')
ctl "$A" rekey to-b >/dev/null || fail "ternctl rekey to-b failed"
wait_for 10 "a new IKE SA" bash -c "[[ \$(timeout 5 '$TERNCTL' --socket '$A/control.sock' list-sas --json | jq -r '.[0].spi_i') != '$ike_spi' ]]" ||
  fail "the IKE SA was not rekeyed"
ping_ok "the IKE SA rekey"
conf_a start_action=start dpd_delay=30s
ctl "$A" reload >/dev/null || fail "reload with a changed connection failed"
sleep 1
td_wait_ike_count "$A" 1 ESTABLISHED 10 || fail "the changed connection did not come up again after the reload"
ping_ok "the reload"
for d in "$A" "$B"; do
  ctl "$d" status >/dev/null || fail "status failed"
  ctl "$d" list-sas --json >/dev/null || fail "list-sas failed"
  ctl "$d" stats --json >/dev/null || fail "stats failed"
  ctl "$d" list-certs >/dev/null || true
done
grep -q "error" "$A/ternd.log" && echo "  (a's log has error lines: $(grep -c error "$A/ternd.log"))"

# --- 3. secrets in logs and outputs
netns_stop_pid "$events_pid" 2
cat "$NETNS_TMP/events-a.txt" >>"$outputs"
secrets=("$psk" "$(printf '%s' "$psk" | od -An -tx1 | tr -d ' \n')")
keys=0
while IFS=, read -r _spi_i _spi_r sk_ei sk_er _encr sk_ai sk_ar _integ; do
  for k in "$sk_ei" "$sk_er" "$sk_ai" "$sk_ar"; do
    [[ -n $k ]] || continue
    secrets+=("$k")
    keys=$((keys + 1))
  done
done < <(cat "$A/keylog" "$B/keylog")
((keys >= 6)) || fail "the keylogs hold only $keys keys, want those of 3+ IKE SAs"
haystack=("$A/ternd.log" "$B/ternd.log" "$outputs")
lines=$(cat "${haystack[@]}" | wc -l)
found=0
for s in "${secrets[@]}"; do
  for variant in "$s" "${s^^}" "${s,,}"; do
    if grep -rqF -- "$variant" "${haystack[@]}"; then
      fail "a secret (${variant:0:6}...) appears in: $(grep -lF -- "$variant" "${haystack[@]}" | tr '\n' ' ')"
      found=$((found + 1))
    fi
  done
done
echo "  secrets: ${#secrets[@]} (the PSK, its hex, $keys SK_e/SK_a keys) searched in $lines lines of logs and ternctl output: $found found"

# --- 4. the control socket refuses other users
sock=$A/control.sock
[[ $(stat -c %a "$sock") == 600 ]] || fail "control socket mode is $(stat -c %a "$sock"), want 600"
if out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$TERNCTL" --socket "$sock" status 2>&1); then
  fail "ternctl as nobody succeeded: $out"
else
  grep -q "Permission denied" <<<"$out" || fail "ternctl as nobody: unclear refusal: $out"
  echo "  nobody, file mode: $out"
fi
chmod o+x "$NETNS_TMP" "$A"
chmod 666 "$sock"
if out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$TERNCTL" --socket "$sock" status 2>&1); then
  fail "ternctl as nobody succeeded through an opened-up socket: $out"
else
  grep -q "permission denied: uid 65534 may not control ternd" <<<"$out" || fail "ternctl as nobody (socket 0666): unclear refusal: $out"
  echo "  nobody, socket opened up: $out"
fi
chmod 600 "$sock"
chmod o-x "$NETNS_TMP" "$A"
td_ctl "$A" status >/dev/null || fail "root can no longer use the control socket"

td_stop "$A" 5
td_stop "$B" 5
checks_finish ternd_hardening_test "logs: NETNS_KEEP_TMP=1"
