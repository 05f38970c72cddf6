#!/bin/bash
# ternd_children_test.sh TERND TERNCTL — two CHILD_SAs per connection between
# two ternd (RFC 7296 §1.3.1):
#
#   ns "a" 198.51.100.1 (lo 192.0.2.1, 192.0.2.129) ---veth--- ns "b" 198.51.100.2 (lo 203.0.113.1, 203.0.113.129)
#
# The connection has two children: "net" (192.0.2.1 <-> 203.0.113.1, no PFS,
# made in IKE_AUTH) and "second" (192.0.2.129 <-> 203.0.113.129, PFS x25519,
# made with its own CREATE_CHILD_SA).
#  1. `ternctl up to-b` brings up one IKE SA with both children; list-sas on
#     both ends shows both, paired by SPI; a ping crosses each.
#  2. `ternctl down to-b/second` deletes only that child on both ends: "net"
#     keeps its SPIs and still carries the ping.
#  3. `ternctl up to-b/second` makes it again on the IKE SA that is up (no new
#     IKE SA); a ping crosses it; a second `up to-b/second` is refused
#     ("already up"), and `up to-b/nope` names the children there are.
#  4. `ternctl rekey to-b/second` rekeys it with its own PFS group; both
#     children still carry the ping.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: ternd_children_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: ternd_children_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq ping
td_pair_topology
netns_addr "$ns_a" lo 192.0.2.129/32
netns_addr "$ns_b" lo 203.0.113.129/32

psk="two children test secret"
td_write_psk_conf "$A" name=to-b local_addr=198.51.100.1 remote_addr=198.51.100.2 \
  local_id=a.example.org remote_id=b.example.org psk="$psk" proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net
td_add_child "$A" name=second local_ts=192.0.2.129/32 remote_ts=203.0.113.129/32 esp_proposal=aes128gcm16-x25519
td_write_psk_conf "$B" name=to-a local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=b.example.org remote_id=a.example.org psk="$psk" proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 child=net
td_add_child "$B" name=second local_ts=203.0.113.129/32 remote_ts=192.0.2.129/32 esp_proposal=aes128gcm16-x25519
td_start "$A" "$ns_a"
td_start "$B" "$ns_b"

children() { # DIR -> "name:spi_in:spi_out ..." of the only IKE SA's children, sorted by name; "-" otherwise
  td_sas "$1" | jq -r 'if length == 1 then ([.[0].children[] | "\(.name):\(.spi_in):\(.spi_out)"] | sort | join(" "))
                       else "-" end'
}
names() { # DIR -> the child names, sorted, space-separated
  td_sas "$1" | jq -r '[.[].children[].name] | sort | join(" ")'
}
# paired NAMES — both ends have exactly these children, each pair a's spi_in = b's spi_out and back.
paired() {
  local want=$1 a b name
  [[ $(names "$A") == "$want" && $(names "$B") == "$want" ]] || return 1
  a=$(children "$A")
  b=$(children "$B")
  for name in $want; do
    local ca cb
    ca=$(tr ' ' '\n' <<<"$a" | grep "^$name:")
    cb=$(tr ' ' '\n' <<<"$b" | grep "^$name:")
    IFS=: read -r _ a_in a_out <<<"$ca"
    IFS=: read -r _ b_in b_out <<<"$cb"
    [[ $a_in == "$b_out" && $a_out == "$b_in" ]] || return 1
  done
}
spi_of() { # DIR NAME -> spi_in of that child
  td_sas "$1" | jq -r --arg n "$2" '[.[].children[] | select(.name == $n) | .spi_in] | join(" ")'
}
ping_ok() { # SRC DST
  netns_exec "$ns_a" ping -c 3 -i 0.2 -W 2 -I "$1" "$2" >"$NETNS_TMP/ping.txt" 2>&1
}

# --- 1. up: one IKE SA with both children
out=$(td_ctl "$A" up to-b 2>&1) || fail "ternctl up to-b: $out"
echo "  ternctl up to-b: $out"
wait_for 10 "both children on both ends" paired "net second" ||
  fail "not both children paired: a $(children "$A"), b $(children "$B")"
echo "  a: $(children "$A")"
echo "  b: $(children "$B")"
[[ $(td_ike_count "$A") == 1 && $(td_ike_count "$B") == 1 ]] || fail "not one IKE SA per end"
td_sas "$A" | jq -e '[.[0].children[] | select(.name == "second") | .proposal] | .[0] | test("CURVE25519")' \
  >/dev/null || fail "second child has no PFS group: $(td_sas "$A" | jq -c '[.[0].children[] | {name, proposal}]')"
td_sas "$A" | jq -e '[.[0].children[] | select(.name == "second") | .local_ts[0]] | .[0] == "192.0.2.129/32"' \
  >/dev/null || fail "second child's selectors: $(td_sas "$A" | jq -c '[.[0].children[] | {name, local_ts}]')"
ping_ok 192.0.2.1 203.0.113.1 || fail "no ping over net: $(cat "$NETNS_TMP/ping.txt")"
ping_ok 192.0.2.129 203.0.113.129 || fail "no ping over second: $(cat "$NETNS_TMP/ping.txt")"
echo "  ping over net and over second: ok"
[[ $(td_ctl "$A" stats --json | jq .counters.child_sas_additional_created) == 1 ]] ||
  fail "a: child_sas_additional_created != 1"
[[ $(td_ctl "$B" stats --json | jq .counters.child_sas_additional_answered) == 1 ]] ||
  fail "b: child_sas_additional_answered != 1"

# --- 2. down to-b/second: net stays
net_spi=$(spi_of "$A" net)
out=$(td_ctl "$A" down to-b/second 2>&1) || fail "ternctl down to-b/second: $out"
echo "  ternctl down to-b/second: $out"
wait_for 10 "only net on both ends" paired "net" || fail "after down: a $(children "$A"), b $(children "$B")"
[[ $(spi_of "$A" net) == "$net_spi" ]] || fail "net changed: $net_spi -> $(spi_of "$A" net)"
ping_ok 192.0.2.1 203.0.113.1 || fail "no ping over net after down to-b/second: $(cat "$NETNS_TMP/ping.txt")"
echo "  after down to-b/second: a $(children "$A"); ping over net: ok"

# --- 3. up to-b/second on the IKE SA that is up
ike_before=$(td_sas "$A" | jq -r '.[0].spi_i')
out=$(td_ctl "$A" up to-b/second 2>&1) || fail "ternctl up to-b/second: $out"
echo "  ternctl up to-b/second: $out"
wait_for 10 "both children again" paired "net second" || fail "after up: a $(children "$A"), b $(children "$B")"
[[ $(td_ike_count "$A") == 1 && $(td_sas "$A" | jq -r '.[0].spi_i') == "$ike_before" ]] ||
  fail "up to-b/second made a new IKE SA"
ping_ok 192.0.2.129 203.0.113.129 || fail "no ping over second after up: $(cat "$NETNS_TMP/ping.txt")"
if out=$(td_ctl "$A" up to-b/second 2>&1); then fail "a second up to-b/second succeeded: $out"; fi
grep -q "already up" <<<"$out" || fail "second up to-b/second: $out"
echo "  up to-b/second again: $out"
if out=$(td_ctl "$A" up to-b/nope 2>&1); then fail "up to-b/nope succeeded: $out"; fi
grep -q "has no child named 'nope' (it has: net, second)" <<<"$out" || fail "up to-b/nope: $out"
if out=$(td_ctl "$A" down to-b/nope 2>&1); then fail "down to-b/nope succeeded: $out"; fi
echo "  up/down to-b/nope: $out"

# --- 4. rekey to-b/second (its own PFS group)
second_before=$(spi_of "$A" second)
net_before=$(spi_of "$A" net)
out=$(td_ctl "$A" rekey to-b/second 2>&1) || fail "ternctl rekey to-b/second: $out"
rekeyed() { paired "net second" && [[ $(spi_of "$A" second) != "$second_before" ]]; }
wait_for 10 "second rekeyed" rekeyed || fail "rekey of second: a $(children "$A"), b $(children "$B")"
[[ $(spi_of "$A" net) == "$net_before" ]] || fail "rekey of second changed net"
ping_ok 192.0.2.1 203.0.113.1 || fail "no ping over net after the rekey: $(cat "$NETNS_TMP/ping.txt")"
ping_ok 192.0.2.129 203.0.113.129 || fail "no ping over second after the rekey: $(cat "$NETNS_TMP/ping.txt")"
echo "  rekey to-b/second: $second_before -> $(spi_of "$A" second); net kept $net_before; pings ok"

td_stop "$A"
td_stop "$B"
checks_finish ternd_children_test "see $A/ternd.log and $B/ternd.log"
