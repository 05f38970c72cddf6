#!/bin/bash
# strongswan_rekey_test.sh TERND TERNCTL — CHILD_SA rekeying between ternd
# and a real strongSwan (charon-systemd + swanctl, kernel-libipsec), PSK, with
# PFS (esp_proposals aes128gcm16-x25519 on both):
#
#   ns "tern" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "sw" 198.51.100.2 (lo 203.0.113.1)
#
# tern initiates. While a ping runs every 0.05 s:
#  1. `ternctl rekey sw/net`: tern's child gets new SPIs, strongSwan shows the
#     same pair (tern's spi_in is its spi-out and back) and no old one;
#  2. `swanctl --rekey --child tern` (strongSwan initiates the rekey): the
#     same checks the other way;
# and no ping is lost across either; the rekeyed children name the PFS group
# (strongSwan dh-group=CURVE_25519, tern's proposal .../CURVE25519). Then,
# under the same ping, the IKE SA (RFC 7296 §1.3.2, §2.18):
#  3. `ternctl rekey sw`, then `swanctl --rekey --ike tern`: new IKE SPIs,
#     the same on both sides, one IKE SA each, the CHILD_SA kept (same SPIs);
#  4. `ternctl rekey --reauth sw`, then `swanctl --rekey --ike tern --reauth`
#     (strongSwan with make_before_break = yes): new IKE SPIs and a new
#     CHILD_SA pair, one of each on both sides;
# and no ping is lost across any of them.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/ternd.sh"

TERND=${1:?usage: strongswan_rekey_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: strongswan_rekey_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq ping
td_pair_topology tern sw  # tern in ns_a (198.51.100.1), strongSwan in ns_b (198.51.100.2)
ns_t=$ns_a ns_s=$ns_b T=$A S=$B
psk="rekey interop shared secret"

td_write_psk_conf "$T" name=sw local_addr=198.51.100.1 remote_addr=198.51.100.2 \
  local_id=tern.example.org remote_id=sw.example.org psk="$psk" proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16-x25519 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net
sw_write_psk_conn "$S" name=tern local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=sw.example.org remote_id=tern.example.org psk="$psk" ike_proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16-x25519 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32
td_start "$T" "$ns_t"
sw_start "$S" "$ns_s"
sw_load "$S"

out=$(td_ctl "$T" up sw 2>&1) || fail "ternctl up sw: $out"
sw_wait_established "$S" tern 10 || fail "strongSwan not ESTABLISHED"

tern_spis() { # "spi_in spi_out" of tern's only child, or "-"
  td_sas "$T" | jq -r 'if (length == 1 and (.[0].children | length) == 1)
                       then "\(.[0].children[0].spi_in) \(.[0].children[0].spi_out)" else "-" end'
}
sw_spis() { # "spi-in spi-out" of strongSwan's INSTALLED children, one line each
  sw_swanctl "$S" --list-sas --ike tern --raw | grep -o 'state=INSTALLED[^}]*' |
    sed -E 's/.*spi-in=([0-9a-f]+).*spi-out=([0-9a-f]+).*/\1 \2/'
}
paired() { # tern's child and strongSwan's only installed child are one pair
  local t s
  t=$(tern_spis)
  s=$(sw_spis)
  [[ $t != - && $(wc -l <<<"$s") == 1 && ${t%% *} == "${s##* }" && ${t##* } == "${s%% *}" ]]
}

rekey_under_ping() { # LABEL COMMAND...
  local label=$1 before after pinger summary
  shift
  wait_for 10 "one tern/strongSwan pair before $label" paired || fail "$label: no single pair before (tern $(tern_spis), strongSwan $(sw_spis | tr '\n' ';'))"
  before=$(tern_spis)
  netns_exec "$ns_t" ping -q -c 120 -i 0.05 -W 1 203.0.113.1 >"$NETNS_TMP/ping.txt" 2>&1 &
  pinger=$!
  sleep 2
  "$@" >"$NETNS_TMP/rekey.out" 2>&1 || fail "$label: $(cat "$NETNS_TMP/rekey.out")"
  wait "$pinger" || true
  changed() { paired && [[ $(tern_spis) != "$before" ]]; }
  if wait_for 10 "the pair to change ($label)" changed; then
    after=$(tern_spis)
    echo "  $label: tern child $before -> $after, strongSwan $(sw_spis)"
  else
    fail "$label: no new single pair (tern $before -> $(tern_spis), strongSwan $(sw_spis | tr '\n' ';'))"
  fi
  summary=$(grep -E 'packets transmitted' "$NETNS_TMP/ping.txt" || true)
  echo "  $label: ping during the rekey: $summary"
  grep -qE '120 packets transmitted, 120 received' <<<"$summary" || fail "$label: pings lost: $summary"
}

rekey_under_ping "tern rekeys" td_ctl "$T" rekey sw/net
[[ $(td_ctl "$T" stats --json | jq .counters.child_rekeys_completed) == 1 ]] ||
  fail "tern: child_rekeys_completed is not 1: $(td_ctl "$T" stats --json | jq -c .counters)"
# PFS: both sides name the group of the rekeyed child.
sw_swanctl "$S" --list-sas --ike tern --raw | grep -o 'state=INSTALLED[^}]*' | grep -q 'dh-group=CURVE_25519' ||
  fail "strongSwan's rekeyed child has no PFS group: $(sw_swanctl "$S" --list-sas --ike tern --raw)"
td_sas "$T" | jq -e '.[0].children[0].proposal | test("CURVE25519")' >/dev/null ||
  fail "tern's rekeyed child has no PFS group: $(td_sas "$T" | jq -c '.[0].children[0].proposal')"
rekey_under_ping "strongSwan rekeys" sw_swanctl "$S" --rekey --child tern
[[ $(td_ctl "$T" stats --json | jq .counters.child_rekeys_answered) == 1 ]] ||
  fail "tern: child_rekeys_answered is not 1: $(td_ctl "$T" stats --json | jq -c .counters)"

# --- the IKE SA: rekey and reauthentication, from each side
tern_ike() { td_sas "$T" | jq -r 'if length == 1 then "\(.[0].spi_i) \(.[0].spi_r)" else "-" end'; }
sw_ike() { # "spi_i spi_r" of strongSwan's only IKE_SA, or "-"
  local raw
  raw=$(sw_swanctl "$S" --list-sas --ike tern --raw | grep -o 'initiator-spi=[0-9a-f]* responder-spi=[0-9a-f]*' || true)
  [[ $(grep -c . <<<"$raw") == 1 ]] || { echo -; return; }
  sed -E 's/initiator-spi=([0-9a-f]+) responder-spi=([0-9a-f]+)/\1 \2/' <<<"$raw"
}
renew_under_ping() { # LABEL same-child|new-child COMMAND...
  local label=$1 child_rule=$2 ike_before child_before pinger summary
  shift 2
  wait_for 10 "one tern/strongSwan pair before $label" paired || fail "$label: no single pair before"
  ike_before=$(tern_ike)
  child_before=$(tern_spis)
  netns_exec "$ns_t" ping -q -c 120 -i 0.05 -W 1 203.0.113.1 >"$NETNS_TMP/ping.txt" 2>&1 &
  pinger=$!
  sleep 2
  "$@" >"$NETNS_TMP/renew.out" 2>&1 || fail "$label: $(cat "$NETNS_TMP/renew.out")"
  wait "$pinger" || true
  renewed() { local t; t=$(tern_ike); [[ $t != - && $t != "$ike_before" && $t == "$(sw_ike)" ]] && paired; }
  wait_for 10 "new IKE SPIs on both sides ($label)" renewed ||
    fail "$label: IKE SPIs tern $ike_before -> $(tern_ike), strongSwan $(sw_ike); pair: tern $(tern_spis), strongSwan $(sw_spis | tr '\n' ';')"
  echo "  $label: IKE SPIs $ike_before -> $(tern_ike) (strongSwan: $(sw_ike)); child $child_before -> $(tern_spis)"
  if [[ $child_rule == same-child ]]; then
    [[ $(tern_spis) == "$child_before" ]] || fail "$label: the CHILD_SA changed ($child_before -> $(tern_spis))"
  else
    [[ $(tern_spis) != "$child_before" ]] || fail "$label: the CHILD_SA was not replaced ($child_before)"
  fi
  summary=$(grep -E 'packets transmitted' "$NETNS_TMP/ping.txt" || true)
  echo "  $label: ping: $summary"
  grep -qE '120 packets transmitted, 120 received' <<<"$summary" || fail "$label: pings lost: $summary"
}
renew_under_ping "tern rekeys the IKE SA" same-child td_ctl "$T" rekey sw
renew_under_ping "strongSwan rekeys the IKE SA" same-child sw_swanctl "$S" --rekey --ike tern
renew_under_ping "tern reauthenticates" new-child td_ctl "$T" rekey --reauth sw
renew_under_ping "strongSwan reauthenticates" new-child sw_swanctl "$S" --rekey --ike tern --reauth
counters=$(td_ctl "$T" stats --json | jq -c '.counters | {ike_rekeys_completed, ike_rekeys_answered, ike_reauths_completed}')
echo "  tern: $counters"
[[ $counters == '{"ike_rekeys_completed":1,"ike_rekeys_answered":1,"ike_reauths_completed":1}' ]] ||
  fail "tern's IKE renewal counters: $counters"

td_stop "$T"
sw_stop "$S"
checks_finish strongswan_rekey_test "see $T/ternd.log and $S/charon.log"
