#!/bin/bash
# strongswan_rekey_collision_test.sh TERND TERNCTL — a true simultaneous
# CHILD_SA rekey (RFC 7296 §2.8.1) between ternd and a real strongSwan, and a
# rekey crossing a Delete (§2.25.1):
#
#   ns "tern" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "sw" 198.51.100.2 (lo 203.0.113.1)
#
# Veth latency is far too small for two rekeys to cross by chance, so nft
# rules hold IKE (UDP 500, and UDP 4500 with the non-ESP marker; ESP passes)
# into either namespace while both start:
#  1. tern takes no IKE in; `swanctl --rekey --child tern`: strongSwan's
#     request is lost; `ternctl rekey sw/net`: strongSwan answers it as usual
#     (it is rekeying that child too), the answer is lost;
#  2. both take no IKE responses in: strongSwan's retransmitted request
#     reaches tern, which answers it as usual while its own is outstanding;
#  3. tern takes everything: its retransmitted request gets strongSwan's
#     cached answer, so tern has both exchanges complete and decides on the
#     four nonces (and deletes either its redundant pair or the old one);
#  4. strongSwan takes everything: its retransmit gets tern's cached answer.
# Afterwards exactly one pair is left on both sides, the same one.
# Then `swanctl --terminate --child tern` crosses `ternctl rekey sw/net`: no
# CHILD_SA is left on either side, the IKE SA stays.
# A ping (every 0.05 s) runs through the collision and must not lose a packet,
# although IKE is held for seconds: tern sends on a pair it made as responder
# only once ESP arrives on it, and never on a pair that lost the tie-break
# (InstallChildSa::defer_outbound), so the old pair carries the traffic until
# strongSwan has the new one.
# Needs root and nft; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/ternd.sh"

TERND=${1:?usage: strongswan_rekey_collision_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: strongswan_rekey_collision_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq ping nft
td_pair_topology tern sw # tern in ns_a (198.51.100.1), strongSwan in ns_b (198.51.100.2)
ns_t=$ns_a ns_s=$ns_b T=$A S=$B
psk="rekey collision shared secret"

td_write_psk_conf "$T" name=sw local_addr=198.51.100.1 remote_addr=198.51.100.2 \
  local_id=tern.example.org remote_id=sw.example.org psk="$psk" proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net
sw_write_psk_conn "$S" name=tern local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=sw.example.org remote_id=tern.example.org psk="$psk" ike_proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32
td_start "$T" "$ns_t"
sw_start "$S" "$ns_s"
sw_load "$S"

out=$(td_ctl "$T" up sw 2>&1) || fail "ternctl up sw: $out"
sw_wait_established "$S" tern 10 || fail "strongSwan not ESTABLISHED"

tern_spis() { # "spi_in spi_out" of tern's only child, or "-"
  td_sas "$T" | jq -r 'if (length == 1 and (.[0].children | length) == 1)
                       then "\(.[0].children[0].spi_in) \(.[0].children[0].spi_out)" else "-" end'
}
tern_children() { td_sas "$T" | jq -r '[.[].children[]] | length'; }
sw_spis() { # "spi-in spi-out" of strongSwan's INSTALLED children, one line each
  sw_swanctl "$S" --list-sas --ike tern --raw | grep -o 'state=INSTALLED[^}]*' |
    sed -E 's/.*spi-in=([0-9a-f]+).*spi-out=([0-9a-f]+).*/\1 \2/' || true
}
paired() { # tern's child and strongSwan's only installed child are one pair
  local t s
  t=$(tern_spis)
  s=$(sw_spis)
  [[ $t != - && $(wc -l <<<"$s") == 1 && ${t%% *} == "${s##* }" && ${t##* } == "${s%% *}" ]]
}
counter() { td_ctl "$T" stats --json | jq ".counters.$1"; }

# IKE into namespace NS: UDP 500, and UDP 4500 whose first four octets are
# the non-ESP marker (RFC 3948 §2.2); with "responses", only messages with the
# IKE header's R flag (octet 19 of the header, 0x20).
hold_ike() { # NS all|responses|none
  netns_exec "$1" nft delete table inet hold 2>/dev/null || true
  [[ $2 == none ]] && return 0
  local r4500="" r500=""
  [[ $2 == responses ]] && r4500="@th,250,1 1" r500="@th,218,1 1"
  netns_exec "$1" nft -f - <<NFT
table inet hold {
  chain in {
    type filter hook input priority 0; policy accept;
    udp dport 4500 @th,64,32 0 $r4500 drop
    udp dport 500 $r500 drop
  }
}
NFT
}

wait_for 10 "one pair before the collision" paired || fail "no single pair before (tern $(tern_spis), strongSwan $(sw_spis | tr '\n' ';'))"
before=$(tern_spis)
netns_exec "$ns_t" ping -q -c 240 -i 0.05 -W 1 203.0.113.1 >"$NETNS_TMP/ping.txt" 2>&1 &
pinger=$!
sleep 1

hold_ike "$ns_t" all
sw_swanctl "$S" --rekey --child tern >"$NETNS_TMP/sw_rekey.out" 2>&1 || fail "swanctl --rekey: $(cat "$NETNS_TMP/sw_rekey.out")"
sleep 0.3
td_ctl "$T" rekey sw/net >"$NETNS_TMP/t_rekey.out" 2>&1 || fail "ternctl rekey: $(cat "$NETNS_TMP/t_rekey.out")"
sleep 0.3
hold_ike "$ns_s" responses
hold_ike "$ns_t" responses
answered() { [[ $(counter child_rekeys_answered) -ge 1 ]]; }
wait_for 10 "tern to answer strongSwan's retransmitted rekey" answered || fail "tern never answered strongSwan's rekey"
hold_ike "$ns_t" none
decided() { [[ $(counter child_rekey_collisions) -ge 1 ]]; }
wait_for 15 "tern to decide the collision" decided || fail "tern decided no collision: $(td_ctl "$T" stats --json | jq -c .counters)"
hold_ike "$ns_s" none
changed() { paired && [[ $(tern_spis) != "$before" ]]; }
wait_for 15 "one new pair on both sides" changed ||
  fail "after the collision: tern $(tern_spis) ($(tern_children) children), strongSwan $(sw_spis | tr '\n' ';')"
wait "$pinger" || true
echo "  collision: tern child $before -> $(tern_spis), strongSwan $(sw_spis)"
echo "  collisions lost by tern: $(counter child_rekey_collisions_lost); ping: $(grep -o '[0-9]* packets transmitted.*loss' "$NETNS_TMP/ping.txt")"
grep -qE '240 packets transmitted, 240 received' "$NETNS_TMP/ping.txt" ||
  fail "pings were lost through the collision: $(grep -o '[0-9]* packets transmitted.*loss' "$NETNS_TMP/ping.txt")"
[[ $(tern_children) == 1 ]] || fail "tern has $(tern_children) CHILD_SAs, want 1"
sleep 2
paired || fail "the pair did not stay: tern $(tern_spis), strongSwan $(sw_spis | tr '\n' ';')"

# A rekey crossing a Delete: strongSwan deletes the child while tern rekeys it.
hold_ike "$ns_t" all
sw_swanctl "$S" --terminate --child tern --timeout 1 >"$NETNS_TMP/sw_term.out" 2>&1 || true
sleep 0.3
td_ctl "$T" rekey sw/net >"$NETNS_TMP/t_rekey2.out" 2>&1 || fail "ternctl rekey: $(cat "$NETNS_TMP/t_rekey2.out")"
sleep 0.3
hold_ike "$ns_t" none
gone() { [[ $(tern_children) == 0 && -z $(sw_spis) ]]; }
wait_for 20 "the child gone on both sides" gone || fail "after delete/rekey: tern $(tern_children) children, strongSwan $(sw_spis | tr '\n' ';')"
[[ $(td_ike_count "$T") == 1 ]] || fail "tern's IKE SA did not stay"

td_stop "$T"
sw_stop "$S"
checks_finish strongswan_rekey_collision_test "see $T/ternd.log and $S/charon.log"
