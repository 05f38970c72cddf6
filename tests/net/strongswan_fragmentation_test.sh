#!/bin/bash
# strongswan_fragmentation_test.sh TERND TERNCTL — IKE fragmentation (RFC 7383)
# between ternd and a real strongSwan, PSK, both directions.
#
#   ns "tern" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "sw" 198.51.100.2 (lo 203.0.113.1)
#
# Both ends fragment with small limits: ternd fragment_size = 200 and
# strongSwan charon.fragment_size = 200 (IP datagram sizes), so IKE_AUTH is
# cut into SKF fragments in each direction (strongSwan's kernel-libipsec
# floats both to UDP 4500, so tern's fragments carry the non-ESP marker).
# For tern initiating (`ternctl up`) and strongSwan initiating
# (`swanctl --initiate`):
#   - the tunnel comes up on both sides;
#   - tern sent fragments and reassembled strongSwan's (ternctl stats:
#     ike_fragments_sent, ike_messages_reassembled), strongSwan's log says it
#     reassembled ours, and the capture holds SKF datagrams (payload 53) from
#     both addresses, none of tern's bigger than 200 octets of IP datagram;
#   - ping crosses the tunnel;
#   - the initiator deletes the IKE SA.
# Then strongSwan with fragmentation = no: tern sends IKE_AUTH whole (no SKF
# from tern in the capture) and the tunnel still comes up.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/ternd.sh"

TERND=${1:?usage: strongswan_fragmentation_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: strongswan_fragmentation_test.sh TERND TERNCTL}
TERN_FRAGMENT_SIZE=200
SW_FRAGMENT_SIZE=200

netns_init
netns_require_cmd jq tshark dumpcap
td_pair_topology tern sw
ns_t=$ns_a ns_s=$ns_b T=$A S=$B
psk="fragmented shared secret for tern"

configure() {  # SW_FRAGMENTATION
  td_write_psk_conf "$T" name=sw local_addr=198.51.100.1 remote_addr=198.51.100.2 \
    local_id=tern.example.org remote_id=sw.example.org psk="$psk" proposal=aes128gcm16-prfsha256-x25519 \
    esp_proposal=aes128gcm16 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net \
    fragment_size=$TERN_FRAGMENT_SIZE fragmentation=yes
  sw_write_psk_conn "$S" name=tern local_addr=198.51.100.2 remote_addr=198.51.100.1 \
    local_id=sw.example.org remote_id=tern.example.org psk="$psk" ike_proposal=aes128gcm16-prfsha256-x25519 \
    esp_proposal=aes128gcm16 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 fragmentation="$1"
}

capture_start() {  # PCAP
  ip netns exec "$ns_t" dumpcap -q -i veth0 -f udp -w "$1" >"$NETNS_TMP/dumpcap.log" 2>&1 &
  capture_pid=$!
  netns_register_pid "$capture_pid"
  wait_for 10 "dumpcap" grep -q "Capturing on" "$NETNS_TMP/dumpcap.log" || true
  sleep 0.3
}

capture_stop() {
  sleep 0.5
  netns_stop_pid "$capture_pid" 5
}

counter() {  # NAME — one of ternd's engine counters
  td_ctl "$T" stats --json | jq -r ".counters.$1"
}

# SKF datagrams (IKE payload 53 right after the header) in PCAP sent from ADDR:
# "count max_ip_length".
skf_from() {  # PCAP ADDR
  tshark -r "$1" -Y "ip.src == $2 && isakmp.nextpayload == 53" -T fields -e ip.len 2>/dev/null |
    awk '{ n++; if ($1 > max) max = $1 } END { printf "%d %d\n", n, max }'
}

configure yes
td_start "$T" "$ns_t"
sw_start "$S" "$ns_s"
sw_load "$S"

for who in tern sw; do
  label="fragmented IKE_AUTH ($who initiates)"
  pcap=$NETNS_TMP/$who.pcap
  sent_before=$(counter ike_fragments_sent)
  reassembled_before=$(counter ike_messages_reassembled)
  capture_start "$pcap"
  if [[ $who == tern ]]; then
    out=$(td_ctl "$T" up sw 2>&1) || fail "$label: ternctl up: $out"
  else
    sw_initiate "$S" tern || fail "$label: swanctl --initiate failed"
  fi
  sw_wait_established "$S" tern 10 || fail "$label: strongSwan not ESTABLISHED"
  td_wait_ike_count "$T" 1 ESTABLISHED 10 || fail "$label: tern not ESTABLISHED"
  if out=$(netns_exec "$ns_t" ping -c 3 -i 0.2 -W 2 203.0.113.1 2>&1); then
    echo "  $label: ping through the tunnel: $(grep -o '[0-9]* received' <<<"$out")"
  else
    fail "$label: ping 192.0.2.1 -> 203.0.113.1 through the tunnel failed: $(tail -n 1 <<<"$out")"
  fi
  sent=$(($(counter ike_fragments_sent) - sent_before))
  reassembled=$(($(counter ike_messages_reassembled) - reassembled_before))
  ((sent >= 2)) || fail "$label: tern sent $sent IKE fragments, want at least 2"
  ((reassembled >= 1)) || fail "$label: tern reassembled $reassembled fragmented messages, want at least 1"
  if [[ $who == tern ]]; then
    td_ctl "$T" down sw >/dev/null || fail "$label: ternctl down failed"
  else
    sw_terminate "$S" tern || fail "$label: swanctl --terminate failed"
  fi
  td_wait_ike_count "$T" 0 "" 10 || fail "$label: tern still has IKE SAs after the delete"
  sw_wait_deleted "$S" tern 10 || fail "$label: strongSwan still has the IKE SA after the delete"
  capture_stop
  read -r t_count t_max < <(skf_from "$pcap" 198.51.100.1)
  read -r s_count _ < <(skf_from "$pcap" 198.51.100.2)
  ((t_count >= 2)) || fail "$label: the capture holds $t_count SKF datagrams from tern, want at least 2"
  ((s_count >= 2)) || fail "$label: the capture holds $s_count SKF datagrams from strongSwan, want at least 2"
  ((t_max <= TERN_FRAGMENT_SIZE)) || fail "$label: tern sent a $t_max-octet fragment, fragment_size is $TERN_FRAGMENT_SIZE"
  echo "  $label: tern sent $sent fragments (largest IP datagram $t_max octets), reassembled $reassembled" \
    "message(s); capture: $t_count SKF from tern, $s_count from strongSwan"
done
grep -qi "reassembled fragmented IKE message" "$S/charon.log" ||
  fail "strongSwan's log does not say it reassembled a fragmented IKE message"
echo "  strongSwan: $(grep -ci 'reassembled fragmented IKE message' "$S/charon.log") fragmented message(s) reassembled"

# strongSwan without fragmentation: no N(IKEV2_FRAGMENTATION_SUPPORTED) in its
# IKE_SA_INIT response, so tern sends IKE_AUTH whole (the kernel fragments the
# IP datagram if it must).
configure no
sw_load "$S"
label="strongSwan fragmentation = no"
pcap=$NETNS_TMP/no.pcap
capture_start "$pcap"
out=$(td_ctl "$T" up sw 2>&1) || fail "$label: ternctl up: $out"
td_wait_ike_count "$T" 1 ESTABLISHED 10 || fail "$label: tern not ESTABLISHED"
netns_exec "$ns_t" ping -c 2 -i 0.2 -W 2 203.0.113.1 >/dev/null 2>&1 || fail "$label: ping through the tunnel failed"
td_ctl "$T" down sw >/dev/null || fail "$label: ternctl down failed"
td_wait_ike_count "$T" 0 "" 10 || fail "$label: tern still has IKE SAs after the delete"
capture_stop
read -r t_count _ < <(skf_from "$pcap" 198.51.100.1)
((t_count == 0)) || fail "$label: tern sent $t_count SKF datagrams to a peer that did not announce support"
echo "  $label: tunnel up, tern sent IKE_AUTH whole ($t_count SKF datagrams)"

td_stop "$T"
sw_stop "$S"
checks_finish strongswan_fragmentation_test "logs: keep with NETNS_KEEP_TMP=1"
