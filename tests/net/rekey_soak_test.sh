#!/bin/bash
# rekey_soak_test.sh TERND TERNCTL PEER — two minutes of `ping -i 0.01`
# through a tunnel whose SAs are renewed all the time by both ends' timers
# (issue 6): PEER is "tern" (a second ternd) or "strongswan" (charon with
# kernel-libipsec, make_before_break = yes).
#
#   ns "a" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "b" 198.51.100.2 (lo 203.0.113.1)
#
# tern (a, the initiator): child rekey_time 10 s, IKE rekey_time 30 s,
# reauth_time 50 s, with jitter. The peer (b): child rekey_time 10 s and IKE
# rekey_time 30 s too, with jitter, so that both ends start renewals at
# nearly the same moments (collisions, RFC 7296 §2.8.1, §2.8.2, §2.25).
# Expectations after 120 s:
#   - not one ping lost (12,000 sent, 12,000 answered);
#   - the child SPIs changed at least 8 times, the IKE SPIs at least 3 times
#     and tern reauthenticated at least once (its counters);
#   - at the end one IKE SA and one CHILD_SA on each side, the two halves of
#     one pair (same IKE SPIs; tern's child spi_in is the peer's spi_out).
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: rekey_soak_test.sh TERND TERNCTL tern|strongswan}
TERNCTL=${2:?usage: rekey_soak_test.sh TERND TERNCTL tern|strongswan}
PEER=${3:?usage: rekey_soak_test.sh TERND TERNCTL tern|strongswan}
[[ $PEER == tern || $PEER == strongswan ]] || { echo "PEER must be tern or strongswan" >&2; exit 2; }
name=rekey_soak_$PEER
seconds=120

netns_init
netns_require_cmd jq ping
td_pair_topology
psk="soak test shared secret"

td_write_psk_conf "$A" name=to-b local_addr=198.51.100.1 remote_addr=198.51.100.2 \
  local_id=a.example.org remote_id=b.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16-x25519 \
  local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net \
  child_rekey_time=10s child_life_time=16s child_rand_time=2s ike_rekey_time=30s reauth_time=50s rand_time=3s
td_start "$A" "$ns_a"
if [[ $PEER == tern ]]; then
  td_write_psk_conf "$B" name=to-a local_addr=198.51.100.2 remote_addr=198.51.100.1 \
    local_id=b.example.org remote_id=a.example.org psk="$psk" \
    proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16-x25519 \
    local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 child=net \
    child_rekey_time=10s child_life_time=16s child_rand_time=2s ike_rekey_time=30s rand_time=2s
  td_start "$B" "$ns_b"
else
  sw_write_psk_conn "$B" name=net local_addr=198.51.100.2 remote_addr=198.51.100.1 \
    local_id=b.example.org remote_id=a.example.org psk="$psk" \
    ike_proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16-x25519 \
    local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 \
    ike_rekey_time=30s child_rekey_time=10s child_life_time=20s rand_time=3s
  sw_start "$B" "$ns_b"
  sw_load "$B"
fi

out=$(td_ctl "$A" up to-b 2>&1) || fail "ternctl up to-b: $out"
netns_exec "$ns_a" ping -c 2 -i 0.2 -W 2 203.0.113.1 >/dev/null 2>&1 || fail "no ping through the tunnel at the start"

counters() { td_ctl "$A" stats --json | jq -c '.counters | {child_rekeys_completed, child_rekeys_answered,
  ike_rekeys_completed, ike_rekeys_answered, ike_rekey_collisions, child_rekey_collisions, ike_reauths_completed,
  child_rekeys_failed, ike_rekeys_failed}'; }
# The outer packets on tern's side (headers only: the SPI and sequence number
# of each ESP packet), so that a lost ping can be placed: not sent, or sent
# and not answered, and on which SPI (printed on failure).
netns_require_cmd dumpcap tshark
netns_spawn "$ns_a" "$NETNS_TMP/dumpcap.txt" dumpcap -q -i veth0 -s 96 -f "udp port 4500" -w "$NETNS_TMP/outer.pcapng"
echo "  $(date +%T) pinging every 0.01 s for $seconds s while the SAs are renewed"
# -D -O: a timestamp on every line and a line for every unanswered request,
# so that a loss can be matched against the daemons' logs.
netns_exec "$ns_a" ping -D -O -c $((seconds * 100)) -i 0.01 -W 1 203.0.113.1 >"$NETNS_TMP/ping.txt" 2>&1 || true
summary=$(grep -E 'packets transmitted' "$NETNS_TMP/ping.txt" || echo "no ping summary: $(tail -n 3 "$NETNS_TMP/ping.txt")")
echo "  $(date +%T) ping: $summary"
c=$(counters)
echo "  tern: $c"
echo "  tern data plane: $(td_ctl "$A" stats --json | jq -c '.data_plane | {esp_received, esp_held, unknown_spi, decap_failed,
  no_policy, trapped, send_errors, tun_write_errors}')"
if ! grep -qE "^$((seconds * 100)) packets transmitted, $((seconds * 100)) received" <<<"$summary"; then
  fail "pings were lost while the SAs were renewed: $summary"
  grep -E 'no answer yet' "$NETNS_TMP/ping.txt" | head -n 20 >&2 || true
  sleep 1  # dumpcap writes what it has
  # ESP on the wire from 60 ms before to 20 ms after each lost request was
  # due (ping -O reports it when the next one goes): time, source, SPI and sequence
  # (ESP) or exchange type (IKE).
  while read -r lost; do
    echo "  outer packets around $lost:" >&2
    window=$(awk -v t="$lost" 'BEGIN {printf "frame.time_epoch >= %.3f && frame.time_epoch <= %.3f", t - 0.06, t + 0.02}')
    tshark -r "$NETNS_TMP/outer.pcapng" -Y "$window" \
      -T fields -e frame.time_epoch -e ip.src -e esp.spi -e esp.sequence -e isakmp.exchangetype 2>/dev/null |
      head -n 30 >&2 || true
  done < <(grep -oE '^\[[0-9.]+\] no answer yet' "$NETNS_TMP/ping.txt" | grep -oE '[0-9]+\.[0-9]+' | head -n 3)
fi

child_renewals=$(jq '.child_rekeys_completed + .child_rekeys_answered' <<<"$c")
ike_renewals=$(jq '.ike_rekeys_completed + .ike_rekeys_answered' <<<"$c")
((child_renewals >= 8)) || fail "only $child_renewals child rekeys in $seconds s (want >= 8)"
((ike_renewals >= 3)) || fail "only $ike_renewals IKE rekeys in $seconds s (want >= 3)"
(($(jq .ike_reauths_completed <<<"$c") >= 1)) || fail "tern did not reauthenticate in $seconds s"

# The end state: one IKE SA and one child on each side, halves of one pair.
# (A renewal may be under way at this very moment: allow it 10 s to settle.)
tern_state() { td_sas "$A" | jq -r 'if (length == 1 and (.[0].children | length) == 1 and .[0].state == "ESTABLISHED")
  then "\(.[0].spi_i) \(.[0].spi_r) \(.[0].children[0].spi_in) \(.[0].children[0].spi_out)" else "-" end'; }
peer_state() {
  if [[ $PEER == tern ]]; then
    td_sas "$B" | jq -r 'if (length == 1 and (.[0].children | length) == 1 and .[0].state == "ESTABLISHED")
      then "\(.[0].spi_i) \(.[0].spi_r) \(.[0].children[0].spi_out) \(.[0].children[0].spi_in)" else "-" end'
  else
    local raw ike child
    raw=$(sw_swanctl "$B" --list-sas --raw)
    ike=$(grep -o 'state=ESTABLISHED[^{]*initiator-spi=[0-9a-f]* responder-spi=[0-9a-f]*' <<<"$raw" |
      sed -E 's/.*initiator-spi=([0-9a-f]+) responder-spi=([0-9a-f]+)/\1 \2/')
    child=$(grep -o 'state=INSTALLED[^}]*' <<<"$raw" | sed -E 's/.*spi-in=([0-9a-f]+).*spi-out=([0-9a-f]+).*/\2 \1/')
    [[ $(grep -c . <<<"$ike") == 1 && $(grep -c . <<<"$child") == 1 ]] && echo "$ike $child" || echo -
  fi
}
settled() { local t; t=$(tern_state); [[ $t != - && $t == "$(peer_state)" ]]; }
wait_for 10 "one matching IKE SA and CHILD_SA pair on both sides" settled ||
  fail "end state: tern '$(tern_state)', $PEER '$(peer_state)'"
echo "  end state: $(tern_state)"

td_stop "$A"
if [[ $PEER == tern ]]; then td_stop "$B"; else sw_stop "$B"; fi
checks_finish "$name" "see $A/ternd.log and $B/"
