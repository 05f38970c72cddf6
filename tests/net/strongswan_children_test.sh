#!/bin/bash
# strongswan_children_test.sh TERND TERNCTL — two CHILD_SAs on one IKE SA
# between ternd and a real strongSwan (charon-systemd + swanctl,
# kernel-libipsec), PSK (RFC 7296 §1.3.1):
#
#   ns "tern" 198.51.100.1 (lo 192.0.2.1, 192.0.2.129) ---veth--- ns "sw" 198.51.100.2 (lo 203.0.113.1, 203.0.113.129)
#
# Children: tern "net" = strongSwan "tern" (192.0.2.1 <-> 203.0.113.1, no PFS)
# and tern "second" = strongSwan "second" (192.0.2.129 <-> 203.0.113.129,
# aes128gcm16-x25519: PFS in its CREATE_CHILD_SA).
#  1. tern initiates (`ternctl up sw`): IKE_AUTH makes "net", tern's
#     CREATE_CHILD_SA makes "second" and strongSwan picks its child config by
#     the selectors; both ends show both children, paired by SPI; a ping
#     crosses each. `ternctl down sw/second` leaves "net" working.
#  2. strongSwan initiates (`swanctl --initiate --child tern`, then
#     `--child second` on the same IKE_SA): tern answers the CREATE_CHILD_SA,
#     chooses its "second" by the selectors; both children carry a ping.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/ternd.sh"

TERND=${1:?usage: strongswan_children_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: strongswan_children_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq ping
sw_require
td_pair_topology tern sw  # tern in ns_a (198.51.100.1), strongSwan in ns_b (198.51.100.2)
ns_t=$ns_a ns_s=$ns_b T=$A S=$B
netns_addr "$ns_t" lo 192.0.2.129/32
netns_addr "$ns_s" lo 203.0.113.129/32
psk="children interop shared secret"

td_write_psk_conf "$T" name=sw local_addr=198.51.100.1 remote_addr=198.51.100.2 \
  local_id=tern.example.org remote_id=sw.example.org psk="$psk" proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net
td_add_child "$T" name=second local_ts=192.0.2.129/32 remote_ts=203.0.113.129/32 esp_proposal=aes128gcm16-x25519
sw_write_psk_conn "$S" name=tern local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=sw.example.org remote_id=tern.example.org psk="$psk" ike_proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32
sw_add_child "$S" name=second local_ts=203.0.113.129/32 remote_ts=192.0.2.129/32 esp_proposal=aes128gcm16-x25519
td_start "$T" "$ns_t"
sw_start "$S" "$ns_s"
sw_load "$S"

tern_children() { # "name:spi_in:spi_out ..." sorted, or "-" unless one IKE SA
  td_sas "$T" | jq -r 'if length == 1 then ([.[0].children[] | "\(.name):\(.spi_in):\(.spi_out)"] | sort | join(" "))
                       else "-" end'
}
sw_children() { # "name:spi_in:spi_out ..." of strongSwan's INSTALLED children, sorted
  sw_swanctl "$S" --list-sas --ike tern --raw |
    grep -oE '\{name=[a-z]+ [^}]*state=INSTALLED[^}]*' |
    sed -E 's/^\{name=([a-z]+) .*spi-in=([0-9a-f]+).*spi-out=([0-9a-f]+).*/\1:\2:\3/' | sort | tr '\n' ' ' |
    sed 's/ $//'
}
# paired — tern's net/second and strongSwan's tern/second are one pair each.
paired() {
  local t s
  t=$(tern_children)
  s=$(sw_children)
  [[ $t != - ]] || return 1
  local tn ts sn ss
  tn=$(tr ' ' '\n' <<<"$t" | grep '^net:' || true)
  ts=$(tr ' ' '\n' <<<"$t" | grep '^second:' || true)
  sn=$(tr ' ' '\n' <<<"$s" | grep '^tern:' || true)
  ss=$(tr ' ' '\n' <<<"$s" | grep '^second:' || true)
  [[ $(wc -w <<<"$t") == 2 && $(wc -w <<<"$s") == 2 && -n $tn && -n $ts && -n $sn && -n $ss ]] || return 1
  IFS=: read -r _ tn_in tn_out <<<"$tn"
  IFS=: read -r _ ts_in ts_out <<<"$ts"
  IFS=: read -r _ sn_in sn_out <<<"$sn"
  IFS=: read -r _ ss_in ss_out <<<"$ss"
  [[ $tn_in == "$sn_out" && $tn_out == "$sn_in" && $ts_in == "$ss_out" && $ts_out == "$ss_in" ]]
}
ping_ok() { # SRC DST
  netns_exec "$ns_t" ping -c 3 -i 0.2 -W 2 -I "$1" "$2" >"$NETNS_TMP/ping.txt" 2>&1
}
check_both_carry_ping() { # LABEL
  ping_ok 192.0.2.1 203.0.113.1 || fail "$1: no ping over net: $(tail -n 2 "$NETNS_TMP/ping.txt")"
  ping_ok 192.0.2.129 203.0.113.129 || fail "$1: no ping over second: $(tail -n 2 "$NETNS_TMP/ping.txt")"
  echo "  $1: ping over net and over second: ok"
}

# --- 1. tern initiates both children
out=$(td_ctl "$T" up sw 2>&1) || fail "ternctl up sw: $out"
echo "  ternctl up sw: $out"
sw_wait_established "$S" tern 10 || fail "strongSwan not ESTABLISHED"
wait_for 10 "both children paired (tern initiated)" paired ||
  fail "tern initiated: tern $(tern_children), strongSwan $(sw_children)"
echo "  tern: $(tern_children); strongSwan: $(sw_children)"
check_both_carry_ping "tern initiated"
sw_swanctl "$S" --list-sas --ike tern --raw | grep -oE '\{name=second [^}]*' | grep -q 'dh-group=CURVE_25519' ||
  fail "strongSwan's second child has no PFS group: $(sw_swanctl "$S" --list-sas --ike tern --raw)"
out=$(td_ctl "$T" down sw/second 2>&1) || fail "ternctl down sw/second: $out"
only_net() { [[ $(sw_children) =~ ^tern:[0-9a-f]+:[0-9a-f]+$ && $(tern_children) =~ ^net: && $(td_sas "$T" | jq '.[0].children | length') == 1 ]]; }
wait_for 10 "only net on both ends" only_net || fail "after down sw/second: tern $(tern_children), strongSwan $(sw_children)"
ping_ok 192.0.2.1 203.0.113.1 || fail "no ping over net after down sw/second"
echo "  down sw/second: tern $(tern_children), strongSwan $(sw_children); ping over net: ok"
out=$(td_ctl "$T" down sw 2>&1) || fail "ternctl down sw: $out"
sw_wait_deleted "$S" tern 10 || fail "strongSwan's IKE_SA not deleted"
td_wait_ike_count "$T" 0 "" 10 || fail "tern still has an IKE SA"

# --- 2. strongSwan initiates both children (the second on the same IKE_SA)
sw_initiate "$S" tern || fail "swanctl --initiate --child tern"
sw_initiate "$S" second || fail "swanctl --initiate --child second"
wait_for 10 "both children paired (strongSwan initiated)" paired ||
  fail "strongSwan initiated: tern $(tern_children), strongSwan $(sw_children)"
echo "  tern: $(tern_children); strongSwan: $(sw_children)"
[[ $(td_ike_count "$T") == 1 ]] || fail "tern has $(td_ike_count "$T") IKE SAs, want 1"
[[ $(td_ctl "$T" stats --json | jq .counters.child_sas_additional_answered) == 1 ]] ||
  fail "tern: child_sas_additional_answered != 1: $(td_ctl "$T" stats --json | jq -c .counters)"
check_both_carry_ping "strongSwan initiated"

td_stop "$T"
sw_stop "$S"
checks_finish strongswan_children_test "see $T/ternd.log and $S/charon.log"
