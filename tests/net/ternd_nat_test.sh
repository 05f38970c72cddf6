#!/bin/bash
# ternd_nat_test.sh TERND TERNCTL — two ternd daemons with the initiator
# behind a NAT box (nftables masquerade, lib/nat.sh):
#
#   ini 198.51.100.2 (lo 192.0.2.1) -- NAT 198.51.100.1 | 203.0.113.1 -- res 203.0.113.2 (lo 198.18.0.1)
#
#  1. The initiator brings the tunnel up: both ends detect the NAT, IKE and
#     ESP run over UDP 4500 (list-sas: encap true; the responder sees the
#     initiator as 203.0.113.1), ping crosses.
#  2. The NAT changes its mapping in mid-traffic (masquerade to other ports,
#     conntrack flushed). DPD is off and keepalives are far away, so only the
#     initiator's ESP from the new port tells the responder: its data plane
#     reports authenticated ESP from a new address, the engine asks there with
#     a liveness check, and the answer moves IKE and ESP (RFC 7296 §2.23).
#     Pings resume within 5 s; the responder's list-sas shows the new port;
#     stats count the change. Done twice.
# Needs root and the conntrack tool; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
source "$here/lib/nat.sh"
TERND=${1:?usage: ternd_nat_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: ternd_nat_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq nft ping conntrack
nat_topology
td_write_psk_conf "$I" name=to-r local_addr=198.51.100.2 remote_addr=203.0.113.2 \
  local_id=i.example.org remote_id=r.example.org psk="nat test secret" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=192.0.2.1/32 remote_ts=198.18.0.1/32 child=net \
  nat_keepalive=60s
td_write_psk_conf "$R" name=to-i local_addr=203.0.113.2 remote_addr=203.0.113.1 \
  local_id=r.example.org remote_id=i.example.org psk="nat test secret" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=198.18.0.1/32 remote_ts=192.0.2.1/32 child=net
td_start "$I" "$ns_i"
td_start "$R" "$ns_r"

# --- 1. up over the NAT
td_ctl "$I" up to-r >/dev/null || fail "ternctl up to-r failed"
td_wait_ike_count "$R" 1 ESTABLISHED 10 || fail "the responder has no ESTABLISHED IKE SA"
ji=$(td_sas "$I")
jr=$(td_sas "$R")
[[ $(jq -r '.[0].children[0].encap' <<<"$ji") == true ]] || fail "initiator's CHILD_SA is not UDP-encapsulated: $ji"
[[ $(jq -r '.[0].children[0].encap' <<<"$jr") == true ]] || fail "responder's CHILD_SA is not UDP-encapsulated: $jr"
[[ $(jq -r '.[0].remote_port' <<<"$ji") == 4500 ]] || fail "initiator did not float to 4500: $ji"
[[ $(jq -r '.[0].remote_addr' <<<"$jr") == 203.0.113.1 ]] || fail "responder does not see the NAT's address: $jr"
echo "  up: responder sees the initiator at $(jq -r '.[0].remote_addr + ":" + (.[0].remote_port|tostring)' <<<"$jr")"
ping_once() { ip netns exec "$ns_i" ping -c 1 -W 1 -I 192.0.2.1 198.18.0.1 >/dev/null 2>&1; }
wait_for 5 "first ping through the tunnel" ping_once || fail "ping does not cross the tunnel"

# --- 2. the NAT's mapping changes in mid-traffic, twice
for ports in 20000-20999 21000-21999; do
  before=$(td_sas "$R" | jq -r '.[0].remote_port')
  nat_remap "$ports" || fail "nat_remap $ports"
  start=$(date +%s.%N)
  if wait_for 10 "pings after the NAT changed to $ports" ping_once; then
    took=$(echo "$(date +%s.%N) - $start" | bc)
    echo "  NAT mapped anew (ports $ports): pings back after ${took} s"
    (($(echo "$took < 5" | bc))) || fail "pings took ${took} s to come back (want < 5 s)"
  else
    fail "pings did not come back within 10 s after the NAT changed to $ports"
    nat_udp_mappings >&2 || true
  fi
  jr=$(td_sas "$R")
  after=$(jq -r '.[0].remote_port' <<<"$jr")
  lo=${ports%-*}
  hi=${ports#*-}
  ((after >= lo && after <= hi)) || fail "responder's remote_port is $after (was $before), want within $ports"
  [[ $(jq -r '.[0].spi_i' <<<"$jr") == $(jq -r '.[0].spi_i' <<<"$ji") ]] || fail "the IKE SA changed"
done
stats=$(td_ctl "$R" stats --json)
changes=$(jq -r '.. | objects | .nat_mapping_changes? // empty' <<<"$stats" | head -1)
checks=$(jq -r '.. | objects | .esp_source_changes? // empty' <<<"$stats" | head -1)
echo "  responder stats: nat_mapping_changes=$changes esp_source_changes=$checks"
[[ ${changes:-0} -ge 2 ]] || fail "nat_mapping_changes is ${changes:-none}, want >= 2"
[[ ${checks:-0} -ge 2 ]] || fail "esp_source_changes is ${checks:-none}, want >= 2"
grep -q "moved" "$R/ternd.log" || fail "the responder's log does not say the CHILD_SA moved"

checks_finish ternd_nat_test "logs: NETNS_KEEP_TMP=1"
