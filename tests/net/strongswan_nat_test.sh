#!/bin/bash
# strongswan_nat_test.sh TERND TERNCTL — a ternd initiator behind a NAT box
# (nftables masquerade, lib/nat.sh) and a strongSwan responder:
#
#   tern 198.51.100.2 (lo 192.0.2.1) -- NAT 198.51.100.1 | 203.0.113.1 -- strongSwan 203.0.113.2 (lo 198.18.0.1)
#
#  1. Up over the NAT: tern floats to UDP 4500 and encapsulates (list-sas:
#     encap true, remote_port 4500); strongSwan lists the peer at the NAT's
#     address; ping crosses.
#  2. The NAT maps tern anew in mid-traffic (other ports, conntrack flushed).
#     MOBIKE is negotiated (both defaults), so strongSwan does not follow the
#     new mapping by itself. strongSwan's ESP to the old mapping is lost, so
#     tern hears nothing; its liveness check (dpd_delay 2 s) carries
#     NAT_DETECTION payloads, strongSwan's answer shows the new mapping (its
#     NAT_DETECTION_DESTINATION_IP changed), tern sends UPDATE_SA_ADDRESSES and
#     strongSwan moves there (RFC 4555 §3.8): pings resume within 8 s
#     (dpd_delay 2 s, the 1 s data-plane poll, two exchanges, and strongSwan's
#     kernel-libipsec rekeys its CHILD_SA after the move).
#  3. The roles swapped (MOBIKE negotiated too): strongSwan behind the NAT
#     initiates to a ternd responder; the NAT maps strongSwan anew;
#     strongSwan's ESP from the new port makes ternd ask there with a liveness
#     check, whose answer moves IKE and ESP: pings from strongSwan's side
#     resume within 5 s.
# Needs root, strongSwan and the conntrack tool; everything is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/nat.sh"
TERND=${1:?usage: strongswan_nat_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: strongswan_nat_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq nft ping conntrack bc
nat_topology
psk="nat interop secret"
td_write_psk_conf "$I" name=to-sw local_addr=198.51.100.2 remote_addr=203.0.113.2 \
  local_id=tern.example.org remote_id=sw.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
  local_ts=192.0.2.1/32 remote_ts=198.18.0.1/32 child=net dpd_delay=2s
sw_write_psk_conn "$R" name=tern local_addr=203.0.113.2 remote_addr=203.0.113.1 \
  local_id=sw.example.org remote_id=tern.example.org psk="$psk" ike_proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16 local_ts=198.18.0.1/32 remote_ts=192.0.2.1/32
sw_start "$R" "$ns_r"
sw_load "$R"
td_start "$I" "$ns_i"

# --- 1. up over the NAT
td_ctl "$I" up to-sw >/dev/null || fail "ternctl up to-sw failed"
sw_wait_established "$R" tern 10 || fail "strongSwan did not establish the IKE SA"
ji=$(td_sas "$I")
[[ $(jq -r '.[0].children[0].encap' <<<"$ji") == true ]] || fail "tern's CHILD_SA is not UDP-encapsulated: $ji"
[[ $(jq -r '.[0].remote_port' <<<"$ji") == 4500 ]] || fail "tern did not float to 4500: $ji"
sw_list() { sw_swanctl "$R" --list-sas 2>/dev/null; }
sw_list | grep -q "203.0.113.1\[4500\]" || fail "strongSwan does not see tern at the NAT's address: $(sw_list)"
ping_once() { ip netns exec "$ns_i" ping -c 1 -W 1 -I 192.0.2.1 198.18.0.1 >/dev/null 2>&1; }
wait_for 5 "first ping through the tunnel" ping_once || fail "ping does not cross the tunnel"

# --- 2. the NAT's mapping changes in mid-traffic
# Quiet first: tern's first liveness check learns how strongSwan sees it on
# the 4500 path (it sends one UPDATE_SA_ADDRESSES then, as nothing was known).
wait_for 10 "tern's first liveness check with NAT_DETECTION" \
  grep -q "not known on this path yet" "$I/ternd.log" || fail "tern's liveness check carried no NAT_DETECTION"
wait_for 5 "ping after tern's first liveness check" ping_once || fail "ping does not cross after the first check"
nat_remap 20000-20999 || fail "nat_remap"
start=$(date +%s.%N)
if wait_for 15 "pings after the NAT changed" ping_once; then
  took=$(echo "$(date +%s.%N) - $start" | bc)
  echo "  NAT mapped anew: pings back after ${took} s"
  (($(echo "$took < 8" | bc))) || fail "pings took ${took} s to come back (want < 8 s)"
else
  fail "pings did not come back within 15 s after the NAT changed"
fi
sw_list | grep -Eq "203\.0\.113\.1\[20[0-9]{3}\]" || fail "strongSwan did not follow the new mapping: $(sw_list)"
[[ $(td_sas "$I" | jq -r '.[0].spi_i') == $(jq -r '.[0].spi_i' <<<"$ji") ]] || fail "the IKE SA changed"
grep -q "NAT_DETECTION_DESTINATION_IP changed" "$I/ternd.log" ||
  fail "tern did not notice its new mapping in a liveness check (RFC 4555 §3.8)"
updates=$(td_ctl "$I" stats --json | jq -r '.. | objects | .nat_mapping_updates_sent? // empty' | head -1)
echo "  tern stats: nat_mapping_updates_sent=$updates"
[[ ${updates:-0} -ge 1 ]] || fail "nat_mapping_updates_sent is ${updates:-none}, want >= 1"

# --- 3. strongSwan behind the NAT, ternd responding
td_stop "$I"
sw_stop "$R"
nat_rules "" || fail "nat_rules"
ip netns exec "$ns_n" conntrack -F >/dev/null 2>&1 || true
S=$NETNS_TMP/s T=$NETNS_TMP/t
mkdir -p "$S" "$T"
sw_write_psk_conn "$S" name=tern local_addr=198.51.100.2 remote_addr=203.0.113.2 \
  local_id=sw.example.org remote_id=tern.example.org psk="$psk" ike_proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16 local_ts=192.0.2.1/32 remote_ts=198.18.0.1/32
td_write_psk_conf "$T" name=to-sw local_addr=203.0.113.2 remote_addr=203.0.113.1 \
  local_id=tern.example.org remote_id=sw.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
  local_ts=198.18.0.1/32 remote_ts=192.0.2.1/32 child=net
td_start "$T" "$ns_r"
sw_start "$S" "$ns_i"
sw_load "$S"
sw_initiate "$S" tern || fail "swanctl --initiate failed"
td_wait_ike_count "$T" 1 ESTABLISHED 10 || fail "ternd did not establish strongSwan's IKE SA"
jt=$(td_sas "$T")
[[ $(jq -r '.[0].remote_addr' <<<"$jt") == 203.0.113.1 ]] || fail "ternd does not see strongSwan at the NAT: $jt"
[[ $(jq -r '.[0].children[0].encap' <<<"$jt") == true ]] || fail "ternd's CHILD_SA is not UDP-encapsulated: $jt"
wait_for 5 "first ping from strongSwan's side" ping_once || fail "ping does not cross (strongSwan initiator)"
nat_remap 22000-22999 || fail "nat_remap"
start=$(date +%s.%N)
if wait_for 15 "pings after the NAT changed (strongSwan behind it)" ping_once; then
  took=$(echo "$(date +%s.%N) - $start" | bc)
  echo "  strongSwan mapped anew: pings back after ${took} s"
  (($(echo "$took < 5" | bc))) || fail "pings took ${took} s to come back (want < 5 s)"
else
  fail "pings did not come back within 15 s after the NAT changed (strongSwan behind it)"
fi
port=$(td_sas "$T" | jq -r '.[0].remote_port')
((port >= 22000 && port <= 22999)) || fail "ternd's remote_port is $port, want within 22000-22999"
grep -q "asking there with a liveness check" "$T/ternd.log" ||
  fail "ternd did not check the new address with a liveness check"

checks_finish strongswan_nat_test "logs: NETNS_KEEP_TMP=1"
