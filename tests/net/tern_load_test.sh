#!/bin/bash
# tern_load_test.sh TERND TERNCTL TERN_LOAD — tern-load against ternd and
# against strongSwan (charon-systemd, kernel-libipsec), PSK + X25519, a small
# bounded count each.
#
#   ns "load" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "resp" 198.51.100.2 (lo 203.0.113.1)
#
#   1. ternd responds: 200 setups, 20 in flight, every one succeeds (IKE_SA_INIT,
#      IKE_AUTH with the CHILD_SA installed), ternd then lists 200 ESTABLISHED
#      IKE SAs (INITIAL_CONTACT is off, so none replaced another);
#   2. ternd, --delete: 50 more setups, each IKE SA deleted once up; ternd still
#      lists 200 (the deleted ones are gone); with several workers the kernel's
#      steering program put every datagram on its worker's socket (`ternctl
#      stats`: daemon.steering "bpf", daemon.datagrams_forwarded 0); with
#      TERND_STEERING=off (no program: the kernel hashes, the threads forward)
#      every setup still succeeds and datagrams_forwarded counts the hops;
#   3. strongSwan responds (it floats to UDP 4500 as behind a NAT): 200 setups,
#      20 in flight, every one succeeds, charon lists 200 IKE_SAs; then 50 with --delete.
# With TD_DATA_PLANE=none (ternd's data_plane = "none", the benchmark's
# setting): 1-2 only, and ternd made no TUN device, lists a CHILD_SA on each
# IKE SA all the same, and says data_plane "none" in its stats.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/ternd.sh"

usage="usage: tern_load_test.sh TERND TERNCTL TERN_LOAD"
TERND=${1:?$usage}
TERNCTL=${2:?$usage}
TERN_LOAD=${3:?$usage}

netns_init
netns_require_cmd jq
td_pair_topology load resp  # tern-load in ns_a (198.51.100.1), the responder in ns_b (198.51.100.2)
psk="tern-load test shared secret"
ids=(--local-id load.example.org --remote-id resp.example.org)
SW_EXTRA_CONF="block_threshold = 1000
  cookie_threshold = 1000
  init_limit_half_open = 0"

load() {  # NAME ARGS... — run tern-load in ns_a (bounded by its own --duration/--timeout), JSON in $NETNS_TMP/NAME.json
  local name=$1
  shift
  timeout 120 ip netns exec "$ns_a" "$TERN_LOAD" --target 198.51.100.2 --local 198.51.100.1 --psk "$psk" \
    "${ids[@]}" --local-ts 192.0.2.1/32 --remote-ts 203.0.113.1/32 --duration 30s --timeout 10s --json "$@" \
    >"$NETNS_TMP/$name.json" 2>"$NETNS_TMP/$name.err" || true
  echo "$name: $(cat "$NETNS_TMP/$name.json" "$NETNS_TMP/$name.err")"
}

expect() {  # NAME FIELD WANT
  local got
  got=$(jq -r ".$2" "$NETNS_TMP/$1.json" 2>/dev/null || echo "no JSON")
  [[ $got == "$3" ]] || fail "$1: $2 is $got, want $3 ($(jq -c .failures "$NETNS_TMP/$1.json" 2>/dev/null))"
}

# 1-2. ternd
td_write_psk_conf "$B" name=load local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=resp.example.org remote_id=load.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32
sed -i 's/^log_level = .*/log_level = "notice"/' "$B/tern.toml"
td_start "$B" "$ns_b"
load ternd --count 200 --concurrency 20
expect ternd started 200
expect ternd succeeded 200
expect ternd failed 0
td_ike_count_is "$B" 200 ESTABLISHED || fail "ternd lists $(td_ike_count "$B" ESTABLISHED) ESTABLISHED IKE SAs, want 200"
children=$(td_sas "$B" | jq '[.[] | .children | length] | add')
[[ $children == 200 ]] || fail "ternd lists $children CHILD_SAs on its 200 IKE SAs, want 200"
data_plane=$(td_ctl "$B" stats --json | jq -r .daemon.data_plane)
tun_device=$(ip -n "$ns_b" -o link show type tun | wc -l)
if [[ ${TD_DATA_PLANE:-tun} == none ]]; then
  [[ $data_plane == none && $tun_device == 0 ]] ||
    fail "data_plane = \"none\": ternd says data_plane $data_plane, $tun_device TUN device(s) in its namespace, want none and 0"
else
  [[ $data_plane == tun && $tun_device == 1 ]] ||
    fail "ternd says data_plane $data_plane, $tun_device TUN device(s) in its namespace, want tun and 1"
fi
load ternd_delete --count 50 --concurrency 10 --delete
expect ternd_delete succeeded 50
expect ternd_delete deleted 50
expect ternd_delete failed 0
td_wait_ike_count "$B" 200 ESTABLISHED 5 || fail "after --delete ternd lists $(td_ike_count "$B"), want 200"
# Each deleted IKE SA took its CHILD_SA with it, counted by reason (also without a data plane).
removed=$(td_ctl "$B" stats --json | jq '[.child_teardown_reasons[]] | add // 0')
[[ $removed == 50 ]] || fail "ternd counts $removed CHILD_SA teardowns after 50 deleted IKE SAs, want 50"
stats=$(td_ctl "$B" stats --json | jq -c '.daemon | {workers, steering, datagrams_forwarded}')
echo "ternd stats: $stats"
if [[ $(jq -r .workers <<<"$stats") == 1 ]]; then
  want=$(jq -c '{workers, steering: "none (one worker)", datagrams_forwarded: 0}' <<<"$stats")
elif [[ ${TERND_STEERING:-} == off ]]; then
  # One source address and port: the kernel's hash puts everything on one socket of three.
  want=$(jq -c '{workers, steering: "off (forwarding only)", datagrams_forwarded}' <<<"$stats")
  (($(jq -r .datagrams_forwarded <<<"$stats") > 0)) || fail "no datagram forwarded without the steering program"
else
  want=$(jq -c '{workers, steering: "bpf", datagrams_forwarded: 0}' <<<"$stats")
fi
[[ $stats == "$want" ]] || fail "ternd stats $stats, want $want"
td_stop "$B" 5
if [[ ${TD_DATA_PLANE:-tun} == none ]]; then
  checks_finish tern_load_test "logs: NETNS_KEEP_TMP=1"
  exit
fi

# 3. strongSwan
S=$NETNS_TMP/sw
mkdir -p "$S"
sw_start "$S" "$ns_b"
sw_write_psk_conn "$S" name=load local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=resp.example.org remote_id=load.example.org psk="$psk" \
  ike_proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
  local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32
sw_load "$S"
load charon --count 200 --concurrency 20
expect charon started 200
expect charon succeeded 200
expect charon failed 0
sw_count=$(sw_swanctl "$S" --list-sas --raw | grep -o 'state=ESTABLISHED' | wc -l)
[[ $sw_count == 200 ]] || fail "charon lists $sw_count ESTABLISHED IKE_SAs, want 200"
load charon_delete --count 50 --concurrency 10 --delete
expect charon_delete succeeded 50
expect charon_delete deleted 50
expect charon_delete failed 0
sw_stop "$S"

checks_finish tern_load_test "logs: NETNS_KEEP_TMP=1"
