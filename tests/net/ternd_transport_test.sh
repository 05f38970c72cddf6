#!/bin/bash
# ternd_transport_test.sh TERND TERNCTL — transport-mode CHILD_SAs (RFC 4303
# §3.1.1) between two ternd, host to host, the traffic selectors being the
# two veth addresses themselves:
#
#   ns "a" 198.51.100.1, 2001:db8:1::1 ---veth--- ns "b" 198.51.100.2, 2001:db8:1::2
#
# For each case — IPv4 with plain ESP, IPv4 with ESP in UDP (encap = true),
# IPv6 with plain ESP:
#  1. `ternctl up` exits 0; on both sides the policy rule "not fwmark 0x7465
#     lookup 29797" and the peer's host route in table 29797 (dev tern0) are
#     there (io/transport_routing.h), so ternd's own marked IKE and ESP
#     datagrams still leave by veth0;
#  2. ping crosses (IPv4 cases: a short iperf3 TCP run too, 2 s);
#  3. `list-sas --json` on both sides shows mode "transport", the expected
#     encap flag and packets_in/packets_out > 0; no packet was refused or
#     dropped as a transport mismatch;
#  4. teardown: plain ESP — `ternctl down` (IKE still works: b learns of the
#     Delete) removes the rule and the table's routes on both sides, then the
#     daemons stop; ESP in UDP — the daemons are stopped (SIGTERM) with the SA
#     up, and the rule and routes are gone too.
# Then a trap: with start_action = "trap" on a, the peer's host route is in
# table 29797 before any SA, and the first ping to b starts the negotiation,
# is kept, and is answered through the new transport-mode CHILD_SA.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: ternd_transport_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: ternd_transport_test.sh TERND TERNCTL}

TABLE=29797  # 0x7465, io/transport_routing.h
MARK=0x7465

netns_init
netns_require_cmd jq iperf3
ns_a=$(netns_name ta)
ns_b=$(netns_name tb)
netns_create "$ns_a" "$ns_b"
for ns in "$ns_a" "$ns_b"; do  # no duplicate address detection delay in a two-namespace link
  netns_exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
netns_link "$ns_a" veth0 198.51.100.1/24 "$ns_b" veth0 198.51.100.2/24
netns_addr "$ns_a" veth0 2001:db8:1::1/64
netns_addr "$ns_b" veth0 2001:db8:1::2/64
A=$NETNS_TMP/a
B=$NETNS_TMP/b

# conf ADDR_A ADDR_B [encap] — a host-to-host transport-mode child on both sides.
conf() {
  local addr_a=$1 addr_b=$2 bits=32
  [[ $addr_a == *:* ]] && bits=128
  td_write_psk_conf "$A" name=to-b local_addr="$addr_a" remote_addr="$addr_b" local_id=a.example.org \
    remote_id=b.example.org psk="transport test secret" proposal=aes128gcm16-prfsha256-x25519 \
    local_ts="$addr_a/$bits" remote_ts="$addr_b/$bits" child=host
  td_write_psk_conf "$B" name=to-a local_addr="$addr_b" remote_addr="$addr_a" local_id=b.example.org \
    remote_id=a.example.org psk="transport test secret" proposal=aes128gcm16-prfsha256-x25519 \
    local_ts="$addr_b/$bits" remote_ts="$addr_a/$bits" child=host
  sed -i 's/^  esp_proposals = .*/&\n  mode = "transport"/' "$A/tern.toml" "$B/tern.toml"
  if [[ ${3:-} == encap ]]; then sed -i 's/^start_action = /encap = true\nstart_action = /' "$A/tern.toml" "$B/tern.toml"; fi
  grep -q '^  mode = "transport"' "$A/tern.toml" || fail "the config has no transport mode: $(cat "$A/tern.toml")"
}

# rule_count NS FAMILY(-4|-6) — how many "not fwmark MARK lookup TABLE" rules NS has.
rule_count() {
  ip -n "$1" "$2" rule show | grep -c "not from all fwmark $MARK lookup $TABLE" || true
}
# table_routes NS FAMILY — the routes in tern's transport table.
table_routes() {
  ip -n "$1" "$2" route show table "$TABLE" 2>/dev/null || true
}

# check_installed NAME FAMILY PEER_OF_A PEER_OF_B
check_installed() {
  local name=$1 fam=$2
  [[ $(rule_count "$ns_a" "$fam") == 1 ]] || fail "$name: a has no (or several) transport rules: $(ip -n "$ns_a" "$fam" rule show)"
  [[ $(rule_count "$ns_b" "$fam") == 1 ]] || fail "$name: b has no (or several) transport rules: $(ip -n "$ns_b" "$fam" rule show)"
  grep -q "^$3 dev tern0" <<<"$(table_routes "$ns_a" "$fam")" || fail "$name: a's table $TABLE lacks $3 dev tern0: $(table_routes "$ns_a" "$fam")"
  grep -q "^$4 dev tern0" <<<"$(table_routes "$ns_b" "$fam")" || fail "$name: b's table $TABLE lacks $4 dev tern0: $(table_routes "$ns_b" "$fam")"
  # ternd's own datagrams to the peer carry the mark and so stay on veth0.
  ip -n "$ns_a" route get "$3" mark "$MARK" | grep -q "dev veth0" || fail "$name: marked packets to $3 do not use veth0: $(ip -n "$ns_a" route get "$3" mark "$MARK")"
  ip -n "$ns_a" route get "$3" | grep -q "dev tern0" || fail "$name: unmarked packets to $3 do not use tern0: $(ip -n "$ns_a" route get "$3")"
}

# check_removed NAME FAMILY WHEN
check_removed() {
  local name=$1 fam=$2 when=$3 ns
  for ns in "$ns_a" "$ns_b"; do
    [[ $(rule_count "$ns" "$fam") == 0 ]] || fail "$name: $when, $ns keeps the transport rule: $(ip -n "$ns" "$fam" rule show)"
    [[ -z $(table_routes "$ns" "$fam") ]] || fail "$name: $when, $ns keeps routes in table $TABLE: $(table_routes "$ns" "$fam")"
  done
}

# check_sas NAME ENCAP — list-sas on both sides: transport, ENCAP, traffic both ways.
check_sas() {
  local name=$1 encap=$2 dir j c
  for dir in "$A" "$B"; do
    j=$(td_sas "$dir")
    c=$(jq -c '.[0].children[0] | {mode, encap, packets_in, packets_out, dropped_in}' <<<"$j")
    echo "  $name: $(basename "$dir"): $c"
    [[ $(jq -r '.[0].children[0].mode | ascii_downcase' <<<"$j") == transport ]] || fail "$name: $(basename "$dir")'s child is not in transport mode: $c"
    [[ $(jq -r '.[0].children[0].encap' <<<"$j") == "$encap" ]] || fail "$name: $(basename "$dir")'s encap is not $encap: $c"
    [[ $(jq -r '.[0].children[0].packets_in' <<<"$j") -gt 0 ]] || fail "$name: $(basename "$dir") counted no packets in: $c"
    [[ $(jq -r '.[0].children[0].packets_out' <<<"$j") -gt 0 ]] || fail "$name: $(basename "$dir") counted no packets out: $c"
    j=$(td_ctl "$dir" stats --json | jq -c '.data_plane | {transport_refused, transport_mismatches, decap_failed}')
    [[ $(jq -r '.transport_mismatches' <<<"$j") == 0 && $(jq -r '.decap_failed' <<<"$j") == 0 ]] ||
      fail "$name: $(basename "$dir") dropped inbound packets: $j"
  done
}

# run_case NAME ADDR_A ADDR_B FAMILY ENCAP(true|false)
run_case() {
  local name=$1 addr_a=$2 addr_b=$3 fam=$4 encap=$5 out
  echo "--- $name"
  conf "$addr_a" "$addr_b" "$([[ $encap == true ]] && echo encap)"
  td_start "$A" "$ns_a"
  td_start "$B" "$ns_b"
  if out=$(td_ctl "$A" up to-b 2>&1); then
    echo "  up: $out"
  else
    fail "$name: ternctl up to-b: $out"
  fi
  td_wait_ike_count "$B" 1 ESTABLISHED 10 || fail "$name: b has no ESTABLISHED IKE SA"
  check_installed "$name" "$fam" "$addr_b" "$addr_a"

  if out=$(netns_exec "$ns_a" ping "$fam" -c 3 -i 0.2 -W 2 "$addr_b" 2>&1); then
    echo "  ping $addr_a -> $addr_b in transport mode: $(grep -o '[0-9]* received' <<<"$out")"
  else
    fail "$name: ping in transport mode failed: $out"
  fi
  if [[ $fam == -4 ]]; then
    netns_spawn "$ns_b" "$NETNS_TMP/iperf3-server-$name.log" iperf3 -s -1 -B "$addr_b"
    sleep 0.5
    if out=$(netns_exec "$ns_a" timeout 20 iperf3 -c "$addr_b" -B "$addr_a" -t 2 -J 2>&1); then
      echo "  iperf3 in transport mode: $(jq '.end.sum_received.bits_per_second / 1e6 | floor' <<<"$out") Mbit/s," \
        "$(jq '.end.sum_sent.retransmits' <<<"$out") retransmissions"
    else
      fail "$name: iperf3 in transport mode failed: $(tail -n 3 <<<"$out")"
    fi
  fi
  check_sas "$name" "$encap"

  if [[ $encap == false ]]; then
    out=$(td_ctl "$A" down to-b 2>&1) || fail "$name: ternctl down to-b: $out"
    td_wait_ike_count "$A" 0 "" 10 || fail "$name: a kept its IKE SA after down"
    td_wait_ike_count "$B" 0 "" 10 || fail "$name: b kept its IKE SA after a's down (the Delete did not arrive)"
    check_removed "$name" "$fam" "after ternctl down"
    td_stop "$A"
    td_stop "$B"
  else
    td_stop "$A"
    td_stop "$B"
  fi
  check_removed "$name" "$fam" "after the daemons stopped"
  grep -q "transport mode: .*rule $TABLE: not fwmark $MARK lookup $TABLE" "$A/ternd.log" ||
    fail "$name: a's log does not show the transport rule"
  ! grep -q "tunnel mode only" "$A/ternd.log" || fail "$name: a still warns about tunnel mode only"
}

run_case ipv4-esp 198.51.100.1 198.51.100.2 -4 false
run_case ipv4-udp-encap 198.51.100.1 198.51.100.2 -4 true
run_case ipv6-esp 2001:db8:1::1 2001:db8:1::2 -6 false

echo "--- ipv4-trap"
conf 198.51.100.1 198.51.100.2
sed -i 's/^start_action = .*/start_action = "trap"/' "$A/tern.toml"
td_start "$A" "$ns_a"
td_start "$B" "$ns_b"
grep -q "^198.51.100.2 dev tern0" <<<"$(table_routes "$ns_a" -4)" ||
  fail "ipv4-trap: the trap put no route for the peer in table $TABLE: $(table_routes "$ns_a" -4)"
[[ $(td_ike_count "$A") == 0 ]] || fail "ipv4-trap: an IKE SA exists before any traffic"
if out=$(netns_exec "$ns_a" ping -c 1 -W 5 198.51.100.2 2>&1); then
  echo "  trap: the first packet started the negotiation and was answered: $(grep -o '[0-9]* received' <<<"$out")"
else
  fail "ipv4-trap: the first ping was not answered: $out"
fi
td_wait_ike_count "$B" 1 ESTABLISHED 10 || fail "ipv4-trap: b has no ESTABLISHED IKE SA"
[[ $(td_sas "$A" | jq -r '.[0].children[0].mode | ascii_downcase') == transport ]] || fail "ipv4-trap: no transport-mode child"
td_stop "$A"
td_stop "$B"
check_removed ipv4-trap -4 "after the daemons stopped"

checks_finish ternd_transport_test
