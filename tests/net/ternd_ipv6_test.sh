#!/bin/bash
# ternd_ipv6_test.sh TERND TERNCTL — IPv6 outside and inside the tunnel:
#
#   ns "a" 2001:db8:1::1 (lo 2001:db8:a::1, 192.0.2.1) ---veth--- ns "b" 2001:db8:1::2 (lo 2001:db8:b::1, 203.0.113.1)
#
#  1. IKE over IPv6, plain ESP over IPv6 (raw socket), IPv6 inside: ping6 crosses.
#  2. IKE over IPv6, ESP in UDP over IPv6 (encap = true), IPv4 inside: ping
#     crosses; a 2 s iperf3 crosses, a's ESP leaves in UDP_SEGMENT sends and b
#     receives coalesced UDP_GRO runs (io/udp_gso.h) that it splits correctly
#     (no decapsulation failure).
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: ternd_ipv6_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: ternd_ipv6_test.sh TERND TERNCTL}
netns_init
netns_require_cmd jq
a=$(netns_name v6a)
b=$(netns_name v6b)
netns_create "$a" "$b"
for ns in "$a" "$b"; do  # no duplicate address detection delay in a two-namespace link
  netns_exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
netns_link "$a" veth0 2001:db8:1::1/64 "$b" veth0 2001:db8:1::2/64
netns_addr "$a" lo 2001:db8:a::1/128
netns_addr "$b" lo 2001:db8:b::1/128
netns_addr "$a" lo 192.0.2.1/32
netns_addr "$b" lo 203.0.113.1/32
A=$NETNS_TMP/a
B=$NETNS_TMP/b
conf() {  # LOCAL_TS_A REMOTE_TS_A [extra line for both connections]
  td_write_psk_conf "$A" name=to-b local_addr=2001:db8:1::1 remote_addr=2001:db8:1::2 local_id=a.example.org \
    remote_id=b.example.org psk="ipv6 test secret" proposal=aes128gcm16-prfsha256-x25519 local_ts="$1" \
    remote_ts="$2" child=net
  td_write_psk_conf "$B" name=to-a local_addr=2001:db8:1::2 remote_addr=2001:db8:1::1 local_id=b.example.org \
    remote_id=a.example.org psk="ipv6 test secret" proposal=aes128gcm16-prfsha256-x25519 local_ts="$2" \
    remote_ts="$1" child=net
  if [[ -n ${3:-} ]]; then sed -i "s/^start_action = /$3\nstart_action = /" "$A/tern.toml" "$B/tern.toml"; fi
}

# --- 1. IPv6 everywhere, plain ESP
conf 2001:db8:a::/64 2001:db8:b::/64
td_start "$A" "$a"
td_start "$B" "$b"
out=$(td_ctl "$A" up to-b 2>&1) || fail "up over IPv6: $out"
if out=$(netns_exec "$a" ping -c 3 -i 0.2 -W 2 2001:db8:b::1 2>&1); then
  echo "  IPv6 in IPv6 (plain ESP): $(grep -o '[0-9]* received' <<<"$out")"
else
  fail "ping6 through the IPv6 tunnel failed: $out"
fi
j=$(td_sas "$A")
[[ $(jq -r '.[0].remote_addr' <<<"$j") == 2001:db8:1::2 ]] || fail "remote_addr: $(jq -r '.[0].remote_addr' <<<"$j")"
[[ $(jq -r '.[0].children[0].encap' <<<"$j") == false ]] || fail "plain ESP expected"
[[ $(jq -r '.[0].children[0].packets_in' <<<"$j") -ge 3 ]] || fail "packets_in: $(jq -c '.[0].children[0]' <<<"$j")"

# --- 2. IPv4 inside, ESP in UDP over IPv6
conf 192.0.2.1/32 203.0.113.1/32 "encap = true"
td_ctl "$A" reload >/dev/null || fail "reload (encap) on a"
td_ctl "$B" reload >/dev/null || fail "reload (encap) on b"
td_wait_ike_count "$B" 0 "" 10 || fail "b kept the IKE SA of the changed connection"
out=$(td_ctl "$A" up to-b 2>&1) || fail "up with encap over IPv6: $out"
if out=$(netns_exec "$a" ping -c 3 -i 0.2 -W 2 203.0.113.1 2>&1); then
  echo "  IPv4 in IPv6 (ESP in UDP): $(grep -o '[0-9]* received' <<<"$out")"
else
  fail "ping through the UDP-encapsulated IPv6 tunnel failed: $out"
fi
j=$(td_sas "$A")
[[ $(jq -r '.[0].children[0].encap' <<<"$j") == true ]] || fail "encap expected: $(jq -c '.[0].children[0]' <<<"$j")"
[[ $(jq -r '.[0].remote_port' <<<"$j") == 4500 ]] || fail "remote_port $(jq -r '.[0].remote_port' <<<"$j"), want 4500"
netns_spawn "$b" "$NETNS_TMP/iperf3-server.log" iperf3 -s -1 -B 203.0.113.1
sleep 0.5
if out=$(netns_exec "$a" timeout 20 iperf3 -c 203.0.113.1 -B 192.0.2.1 -t 2 -J 2>&1); then
  echo "  iperf3, IPv4 in ESP in UDP over IPv6: $(jq '.end.sum_received.bits_per_second / 1e6 | floor' <<<"$out") Mbit/s"
else
  fail "iperf3 through the UDP-encapsulated IPv6 tunnel failed: $(tail -n 3 <<<"$out")"
fi
sa=$(td_ctl "$A" stats --json | jq -c .data_plane)
sb=$(td_ctl "$B" stats --json | jq -c .data_plane)
echo "  a: $(jq -c '{udp_gso_sends, send_errors}' <<<"$sa")  b: $(jq -c '{esp_received, udp_gro_runs, decap_failed}' <<<"$sb")"
[[ $(jq .udp_gso_sends <<<"$sa") -gt 0 ]] || fail "a sent no UDP_SEGMENT batch: $sa"
[[ $(jq .udp_gro_runs <<<"$sb") -gt 0 ]] || fail "b received no UDP_GRO run: $sb"
[[ $(jq .decap_failed <<<"$sb") -eq 0 ]] || fail "b failed to decapsulate: $sb"

td_stop "$A"
td_stop "$B"
checks_finish ternd_ipv6_test
