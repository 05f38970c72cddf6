#!/bin/bash
# ternd_lifetime_test.sh TERND TERNCTL — a CHILD_SA's volume lifetime, acted
# on by ternd (docs/esp.md "Life cycle"):
#
#   ns "a" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "b" 198.51.100.2 (lo 203.0.113.1)
#
# a's child has life_packets = 50 (and no rekey_packets: a soft limit would
# rekey it, and the new child starts counting afresh; ternd_rekey_test.sh
# covers that); b's has none. A ping flood of 100 packets through the tunnel
# takes a past it: a deletes the CHILD_SA at the hard limit (INFORMATIONAL
# D(ESP)). Within a few seconds `ternctl list-sas
# --json` on both sides shows the child gone while the IKE SA stays
# ESTABLISHED, and `ternctl stats --json` gives the reason on both sides
# (a: "CHILD_SA lifetime reached (life_packets = 50)", b: "deleted by peer").
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: ternd_lifetime_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: ternd_lifetime_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq
td_pair_topology
td_write_psk_conf "$A" name=to-b local_addr=198.51.100.1 remote_addr=198.51.100.2 \
  local_id=a.example.org remote_id=b.example.org psk="lifetime test secret" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net
# The lib writes no lifetimes: add them to a's child (after its esp_proposals line).
sed -i 's/^  esp_proposals = .*/&\n  life_packets = 50/' "$A/tern.toml"
grep -q "^  life_packets = 50" "$A/tern.toml" || td_die "could not add life_packets to a's config"
td_write_psk_conf "$B" name=to-a local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=b.example.org remote_id=a.example.org psk="lifetime test secret" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 child=net
td_start "$A" "$ns_a"
td_start "$B" "$ns_b"
grep -q "life_packets:" "$A/ternd.log" && fail "ternd warned about life_packets, which it acts on: $(grep life_packets: "$A/ternd.log")"

out=$(td_ctl "$A" up to-b 2>&1) || fail "ternctl up to-b: $out"
td_wait_ike_count "$B" 1 ESTABLISHED 10 || fail "b has no ESTABLISHED IKE SA"
[[ $(td_sas "$A" | jq '.[0].children | length') == 1 ]] || fail "a has no CHILD_SA after up"
spi_a=$(td_sas "$A" | jq -r '.[0].spi_i')

# 100 packets each way, 10 ms apart: the child passes 50 packets
# in both directions; ternd polls its data plane once a second, so some of
# the later pings may find no CHILD_SA (not checked).
out=$(netns_exec "$ns_a" ping -c 100 -i 0.01 -W 1 203.0.113.1 2>&1) || true
echo "  ping flood: $(grep -o '[0-9]* received' <<<"$out" || echo "no summary")"

children_gone() {
  [[ $(td_sas "$1" | jq '[.[] | select(.state == "ESTABLISHED")] | length') == 1 &&
     $(td_sas "$1" | jq '[.[].children[]] | length') == 0 ]]
}
wait_for 5 "a's CHILD_SA to go" children_gone "$A" || fail "a: child not gone: $(td_sas "$A" | jq -c '.[] | {state, children: [.children[] | {name, packets_in, packets_out}]}')"
wait_for 5 "b's CHILD_SA to go" children_gone "$B" || fail "b: child not gone: $(td_sas "$B" | jq -c '.[] | {state, children: [.children[] | {name, packets_in, packets_out}]}')"
[[ $(td_sas "$A" | jq -r '.[0].spi_i') == "$spi_a" ]] || fail "the IKE SA was replaced"

sa=$(td_ctl "$A" stats --json)
sb=$(td_ctl "$B" stats --json)
echo "  a: counters $(jq -c '{child_soft_limits: .counters.child_soft_limits, child_hard_limits: .counters.child_hard_limits}' <<<"$sa"), child_teardown_reasons $(jq -c .child_teardown_reasons <<<"$sa")"
echo "  b: child_teardown_reasons $(jq -c .child_teardown_reasons <<<"$sb")"
jq -e '.child_teardown_reasons["CHILD_SA lifetime reached (life_packets = 50)"] == 1' <<<"$sa" >/dev/null ||
  fail "a's stats lack the teardown reason: $(jq -c .child_teardown_reasons <<<"$sa")"
jq -e '.counters.child_hard_limits == 1 and .counters.child_soft_limits == 0' <<<"$sa" >/dev/null ||
  fail "a's limit counters: $(jq -c .counters <<<"$sa")"
jq -e '.child_teardown_reasons["deleted by peer"] == 1' <<<"$sb" >/dev/null ||
  fail "b's stats lack the teardown reason: $(jq -c .child_teardown_reasons <<<"$sb")"
jq -e '.ike_sas == 1 and .teardown_reasons == {}' <<<"$sa" >/dev/null || fail "a lost its IKE SA: $(jq -c . <<<"$sa")"
[[ $(grep -c "reached its soft limit" "$A/ternd.log" || true) == $(jq .counters.child_soft_limits <<<"$sa") ]] ||
  fail "a's log and counter disagree on the soft limit: $(grep "soft limit" "$A/ternd.log")"
grep -q "reached its hard limit (life_packets = 50): deleting it" "$A/ternd.log" || fail "a's log does not say why it deleted the CHILD_SA"

td_stop "$A"
td_stop "$B"
checks_finish ternd_lifetime_test
