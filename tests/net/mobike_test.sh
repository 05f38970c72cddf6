#!/bin/bash
# mobike_test.sh TERND TERNCTL — MOBIKE (RFC 4555): the initiator's address
# goes away and a new one comes up on another link; the IKE SA and its
# CHILD_SA move (UPDATE_SA_ADDRESSES), the SPIs stay, traffic resumes.
#
#   ns "a" veth0 192.0.2.1/24    ---- link 1 ----  ns "b" veth0 192.0.2.2/24
#   ns "a" veth1 (198.51.100.1/24 later) -- link 2 -- ns "b" veth1 198.51.100.2/24
#   inner: a lo 203.0.113.1, b lo 203.0.113.2 (the tunnel's selectors)
#
# For each responder — ternd, then strongSwan (swanctl, mobike = yes by
# default, kernel-libipsec) — with ternd as the initiator (daemon.listen
# 0.0.0.0, so its sockets send from any new address):
#  1. the tunnel comes up over link 1, ping crosses it;
#  2. 192.0.2.1 is deleted from a's veth0, 198.51.100.1/24 is added to veth1
#     and, 0.3 s later, a route to 192.0.2.2 through 198.51.100.2: from that
#     moment (the new address usable) a ping every 0.1 s must be answered
#     within 2 s (the first UPDATE_SA_ADDRESSES found no route; the route
#     event sends it again, not the retransmit timer 1 s later); the time is
#     measured and printed;
#  3. both ends still have one IKE SA with the SPIs of before, now between
#     198.51.100.1 and 192.0.2.2, and the same CHILD_SA SPIs.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
source "$here/lib/strongswan.sh"
TERND=${1:?usage: mobike_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: mobike_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq

# topology NAME_A NAME_B — fresh namespaces $ns_a/$ns_b with the two links.
topology() {
  ns_a=$(netns_name "$1")
  ns_b=$(netns_name "$2")
  netns_create "$ns_a" "$ns_b"
  netns_link "$ns_a" veth0 192.0.2.1/24 "$ns_b" veth0 192.0.2.2/24
  netns_link "$ns_a" veth1 198.51.100.9/24 "$ns_b" veth1 198.51.100.2/24
  netns_exec "$ns_a" ip addr del 198.51.100.9/24 dev veth1  # link 2 is up, a has no address on it yet
  netns_addr "$ns_a" lo 203.0.113.1/32
  netns_addr "$ns_b" lo 203.0.113.2/32
  local ns
  for ns in "$ns_a" "$ns_b"; do
    netns_exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
  done
  A=$NETNS_TMP/$1
  mkdir -p "$A"
}

ping_ok() { netns_exec "$ns_a" ping -c 1 -W 0.2 -I 203.0.113.1 203.0.113.2 >/dev/null 2>&1; }

# move NAME — the address change on a, then the measurement (sets moved_ms).
move() {
  netns_exec "$ns_a" ip addr del 192.0.2.1/24 dev veth0
  # The new address first, the route to the peer through link 2 0.3 s later
  # (as DHCP does it): the first UPDATE_SA_ADDRESSES from the new address has
  # no route yet; the route event must send it again at once.
  netns_exec "$ns_a" ip addr add 198.51.100.1/24 dev veth1
  sleep 0.3
  netns_exec "$ns_a" ip route add 192.0.2.2/32 via 198.51.100.2 dev veth1
  local t0 t1
  t0=$(date +%s%N)
  for _ in $(seq 50); do
    ping_ok && break
    sleep 0.1
  done
  t1=$(date +%s%N)
  ping_ok || fail "$1: no ping through the tunnel within 5 s of the new address"
  moved_ms=$(((t1 - t0) / 1000000))
  echo "  $1: ping through the tunnel resumed ${moved_ms} ms after 198.51.100.1 became usable"
  ((moved_ms <= 2000)) || fail "$1: traffic resumed after ${moved_ms} ms, want <= 2000"
}

conf_a() {
  td_write_psk_conf "$A" name=to-b local_addr=192.0.2.1 remote_addr=192.0.2.2 listen=0.0.0.0 \
    local_id=a.example.org remote_id=b.example.org psk="mobike test secret" \
    proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.1/32 remote_ts=203.0.113.2/32 child=net "$@"
}

# --- 1. tern <-> tern
topology a b
B=$NETNS_TMP/b
mkdir -p "$B"
conf_a
td_write_psk_conf "$B" name=to-a local_addr=192.0.2.2 remote_addr=192.0.2.1 listen=0.0.0.0 \
  local_id=b.example.org remote_id=a.example.org psk="mobike test secret" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.2/32 remote_ts=203.0.113.1/32 child=net
td_start "$A" "$ns_a"
td_start "$B" "$ns_b"
td_ctl "$A" up to-b >/dev/null || fail "tern-tern: ternctl up failed"
td_wait_ike_count "$B" 1 ESTABLISHED 10 || fail "tern-tern: b has no ESTABLISHED IKE SA"
ping_ok || ping_ok || fail "tern-tern: no ping through the tunnel over link 1"
before_a=$(td_sas "$A")
before_b=$(td_sas "$B")
move tern-tern
after_a=$(td_sas "$A")
after_b=$(td_sas "$B")
for f in spi_i spi_r; do
  for side in a b; do
    b_var=before_$side a_var=after_$side
    [[ $(jq -r ".[0].$f" <<<"${!b_var}") == $(jq -r ".[0].$f" <<<"${!a_var}") ]] ||
      fail "tern-tern: $side's $f changed: $(jq -r ".[0].$f" <<<"${!b_var}") -> $(jq -r ".[0].$f" <<<"${!a_var}")"
  done
done
[[ $(jq length <<<"$after_a") == 1 && $(jq length <<<"$after_b") == 1 ]] || fail "tern-tern: not one IKE SA each"
[[ $(jq -r '.[0].children[0].spi_in' <<<"$after_a") == $(jq -r '.[0].children[0].spi_in' <<<"$before_a") ]] ||
  fail "tern-tern: a's CHILD_SA was replaced"
[[ $(jq -r '.[0].local_addr' <<<"$after_a") == 198.51.100.1 ]] || fail "tern-tern: a's local_addr: $(jq -r '.[0].local_addr' <<<"$after_a")"
[[ $(jq -r '.[0].remote_addr' <<<"$after_b") == 198.51.100.1 ]] || fail "tern-tern: b's remote_addr: $(jq -r '.[0].remote_addr' <<<"$after_b")"
echo "  tern-tern: IKE SPIs $(jq -r '.[0].spi_i + "_i " + .[0].spi_r + "_r"' <<<"$after_a") kept; b sees a at $(jq -r '.[0].remote_addr + ":" + (.[0].remote_port|tostring)' <<<"$after_b")"
grep -q "UPDATE_SA_ADDRESSES" "$A/ternd.log" || fail "tern-tern: a's log does not mention UPDATE_SA_ADDRESSES"
# When the first request found no route, the route event sent it again.
if grep -q "cannot send .* to 192.0.2.2:4500: Network is unreachable" "$A/ternd.log"; then
  grep -q "UPDATE_SA_ADDRESSES sent again at once" "$A/ternd.log" ||
    fail "tern-tern: the route came, but UPDATE_SA_ADDRESSES waited for its retransmission"
  echo "  tern-tern: the first UPDATE_SA_ADDRESSES had no route; the route event sent it again"
fi
td_stop "$A"
td_stop "$B"

# --- 2. tern initiator <-> strongSwan responder
if sw_require 2>/dev/null; then
  topology a2 s2
  S=$NETNS_TMP/s2
  conf_a
  sw_start "$S" "$ns_b"
  sw_write_psk_conn "$S" name=tern local_addr=192.0.2.2 remote_addr=%any \
    local_id=b.example.org remote_id=a.example.org psk="mobike test secret" \
    ike_proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
    local_ts=203.0.113.2/32 remote_ts=203.0.113.1/32
  sw_load "$S"
  td_start "$A" "$ns_a"
  td_ctl "$A" up to-b >/dev/null || fail "tern-strongSwan: ternctl up failed"
  sw_wait_established "$S" tern 10 || fail "tern-strongSwan: strongSwan has no ESTABLISHED IKE_SA"
  wait_for 5 "ping over link 1" ping_ok || fail "tern-strongSwan: no ping through the tunnel over link 1"
  before_a=$(td_sas "$A")
  sw_before=$(sw_swanctl "$S" --list-sas --ike tern --raw)
  move tern-strongSwan
  after_a=$(td_sas "$A")
  sw_after=$(sw_swanctl "$S" --list-sas --ike tern --raw)
  for f in spi_i spi_r; do
    [[ $(jq -r ".[0].$f" <<<"$before_a") == $(jq -r ".[0].$f" <<<"$after_a") ]] || fail "tern-strongSwan: a's $f changed"
  done
  field() { grep -o "$2=[^ ]*" <<<"$1" | head -n 1 | cut -d= -f2; }
  for f in initiator-spi responder-spi; do
    [[ -n $(field "$sw_after" $f) && $(field "$sw_before" $f) == $(field "$sw_after" $f) ]] ||
      fail "tern-strongSwan: strongSwan's $f changed: '$(field "$sw_before" $f)' -> '$(field "$sw_after" $f)'"
  done
  [[ $(jq -r '.[0].spi_i' <<<"$after_a") == $(field "$sw_after" initiator-spi) ]] ||
    fail "tern-strongSwan: SPIi of the two ends differ"
  [[ $(field "$sw_after" remote-host) == 198.51.100.1 ]] ||
    fail "tern-strongSwan: strongSwan sees a at $(field "$sw_after" remote-host), want 198.51.100.1"
  echo "  tern-strongSwan: IKE SPIs $(field "$sw_after" initiator-spi)_i $(field "$sw_after" responder-spi)_r kept; strongSwan sees a at 198.51.100.1"
  td_stop "$A"
  sw_stop "$S"
else
  fail "strongSwan is not installed: the tern-strongSwan half cannot run"
fi

checks_finish mobike_test
