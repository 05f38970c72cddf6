#!/bin/bash
# strongswan_pfs_mismatch_test.sh TERND TERNCTL — two peers that disagree
# about PFS groups (tern: esp_proposals aes128gcm16-x25519; strongSwan:
# aes128gcm16-ecp256) against a real strongSwan (charon-systemd + swanctl,
# kernel-libipsec), PSK:
#
#   ns "tern" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "sw" 198.51.100.2 (lo 203.0.113.1)
#
# tern initiates. The CHILD_SA is made in IKE_AUTH without a Diffie-Hellman
# exchange, so both agree at first. tern's child has rekey_time 5s,
# rand_time 1s, life_time 20s (strongSwan keeps its defaults, 1h): its
# CREATE_CHILD_SA rekey with KEi(x25519) is refused by strongSwan
# (NO_PROPOSAL_CHOSEN), once more about halfway to life_time, and then at
# life_time tern deletes the child (INFORMATIONAL D(ESP)) with a reason.
# Checks, while a ping runs every 0.2 s until shortly before life_time:
#  - no ping is lost: the old child carries the traffic (same SPIs throughout);
#  - ternd's log says why, in plain words, exactly once;
#  - `ternctl status` shows the problem ("rekeying:  FAILS: ...") and
#    `list-sas --json` has it as the child's rekey_problem;
#  - stats: child_rekeys_failed_pfs is 2 (the first try and the one retry);
#  - `swanctl --rekey` (strongSwan's KEi ecp256) is refused by tern, which
#    says why (peer offers ecp256, we allow x25519) and counts it;
#  - at life_time the child is deleted on both ends, the reason names the
#    problem, and the IKE SA stays.
# Needs root; every namespace and process is removed at exit. About 35 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/ternd.sh"

TERND=${1:?usage: strongswan_pfs_mismatch_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: strongswan_pfs_mismatch_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq ping
td_pair_topology tern sw  # tern in ns_a (198.51.100.1), strongSwan in ns_b (198.51.100.2)
ns_t=$ns_a ns_s=$ns_b T=$A S=$B
psk="pfs mismatch interop shared secret"

td_write_psk_conf "$T" name=sw local_addr=198.51.100.1 remote_addr=198.51.100.2 \
  local_id=tern.example.org remote_id=sw.example.org psk="$psk" proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16-x25519 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net \
  child_rekey_time=5s
# The lib writes rekey_time only: add life_time and rand_time after it.
sed -i 's/^  rekey_time = "5s"$/&\n  life_time = "20s"\n  rand_time = "1s"/' "$T/tern.toml"
grep -q '^  life_time = "20s"' "$T/tern.toml" || td_die "could not add life_time to tern's config"
sw_write_psk_conn "$S" name=tern local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=sw.example.org remote_id=tern.example.org psk="$psk" ike_proposal=aes128gcm16-prfsha256-x25519 \
  esp_proposal=aes128gcm16-ecp256 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32
td_start "$T" "$ns_t"
sw_start "$S" "$ns_s"
sw_load "$S"

out=$(td_ctl "$T" up sw 2>&1) || fail "ternctl up sw: $out"
up_at=$SECONDS
sw_wait_established "$S" tern 10 || fail "strongSwan not ESTABLISHED"

tern_children() { td_sas "$T" | jq -r '[.[0].children[] | "\(.spi_in) \(.spi_out)"] | join(";")'; }
sw_installed() { sw_swanctl "$S" --list-sas --ike tern --raw | grep -o 'state=INSTALLED' | wc -l; }
first=$(tern_children)
[[ $first =~ ^[0-9a-f]{8}\ [0-9a-f]{8}$ ]] || fail "tern has not exactly one child after up: '$first'"
echo "  child installed: $first"

# Ping until ~2 s before life_time (20 s after the child was installed).
netns_exec "$ns_t" ping -q -c 80 -i 0.2 -W 1 203.0.113.1 >"$NETNS_TMP/ping.txt" 2>&1 &
pinger=$!

refused() { grep -q "NO_PROPOSAL_CHOSEN to the PFS group x25519 for child net" "$T/ternd.log"; }
wait_for 15 "tern's rekey to be refused over PFS" refused || fail "no PFS refusal in ternd's log"
grep "x25519 for child net" "$T/ternd.log" | head -n 1 | sed 's/^/  ternd: /'

# status and list-sas show it; the child is the same one.
status=$(td_ctl "$T" status)
grep -q "rekeying:  FAILS: peer 198.51.100.2 answered NO_PROPOSAL_CHOSEN to the PFS group x25519" <<<"$status" ||
  fail "ternctl status does not show the rekey problem: $status"
problem=$(td_sas "$T" | jq -r '.[0].children[0].rekey_problem')
[[ $problem == "peer 198.51.100.2 answered NO_PROPOSAL_CHOSEN to the PFS group x25519 for child net,"* ]] ||
  fail "list-sas rekey_problem is '$problem'"
[[ $(tern_children) == "$first" ]] || fail "the child changed after a refused rekey: $first -> $(tern_children)"

# The one retry (about halfway between the refusal and life_time), refused too.
retried() { [[ $(td_ctl "$T" stats --json | jq .counters.child_rekeys_failed_pfs) == 2 ]]; }
wait_for 12 "the one retry to be refused as well" retried ||
  fail "child_rekeys_failed_pfs is not 2: $(td_ctl "$T" stats --json | jq -c .counters)"
[[ $(tern_children) == "$first" ]] || fail "the child changed after the retry: $first -> $(tern_children)"
[[ $(sw_installed) == 1 ]] || fail "strongSwan does not have exactly one installed child"

# strongSwan rekeys too (KEi ecp256): tern refuses (NO_PROPOSAL_CHOSEN) and says why, once.
sw_swanctl "$S" --rekey --child tern >"$NETNS_TMP/sw-rekey.out" 2>&1 || fail "swanctl --rekey: $(cat "$NETNS_TMP/sw-rekey.out")"
peer_refused() { grep -q "pfs_mismatch\|offers PFS groups ecp256 for child net, we allow: x25519" "$T/ternd.log"; }
wait_for 5 "tern to refuse strongSwan's rekey over PFS" peer_refused || fail "no pfs_mismatch in ternd's log"
grep "offers PFS groups" "$T/ternd.log" | head -n 1 | sed 's/^/  ternd: /'
[[ $(td_ctl "$T" stats --json | jq .counters.peer_rekeys_refused_pfs) -ge 1 ]] ||
  fail "peer_rekeys_refused_pfs is 0: $(td_ctl "$T" stats --json | jq -c .counters)"
[[ $(tern_children) == "$first" ]] || fail "the child changed after strongSwan's refused rekey"

wait "$pinger" || true
summary=$(grep -E 'packets transmitted' "$NETNS_TMP/ping.txt" || true)
echo "  ping while the rekeys failed: $summary"
grep -qE '80 packets transmitted, 80 received' <<<"$summary" || fail "pings lost: $summary"

# life_time: the child goes on both ends, with the reason; the IKE SA stays.
gone() { [[ -z $(tern_children) && $(sw_installed) == 0 ]]; }
wait_for 10 "the child to be deleted at life_time" gone ||
  fail "child not deleted at life_time: tern '$(tern_children)', strongSwan $(sw_installed) installed"
echo "  child deleted $((SECONDS - up_at)) s after up"
grep -q "reached its hard limit (life_time = 20s) without a successful rekey: deleting it" "$T/ternd.log" ||
  fail "ternd's log does not say why the child was deleted"
stats=$(td_ctl "$T" stats --json)
jq -e '.child_teardown_reasons["CHILD_SA lifetime reached (life_time = 20s), not rekeyed"] == 1' <<<"$stats" \
  >/dev/null || fail "teardown reason missing: $(jq -c .child_teardown_reasons <<<"$stats")"
[[ $(td_ike_count "$T" ESTABLISHED) == 1 ]] || fail "tern's IKE SA did not stay"
sw_ike_established "$S" tern || fail "strongSwan's IKE SA did not stay"

# Said once: one log line for the refusals (the retry is counted, not logged again).
n=$(grep -c "rekeying CHILD_SA net .* failed: peer 198.51.100.2" "$T/ternd.log" || true)
[[ $n == 1 ]] || fail "the refusal was logged $n times: $(grep "failed: peer" "$T/ternd.log")"
# (the child's removal at life_time repeats the problem as its reason: not counted here)
n=$(grep "offers PFS groups ecp256 for child net, we allow: x25519" "$T/ternd.log" | grep -vc "lifetime reached" || true)
[[ $n == 1 ]] || fail "strongSwan's refused rekey was logged $n times: $(grep "offers PFS" "$T/ternd.log")"
[[ $(jq .counters.child_rekeys_failed_pfs <<<"$stats") == 2 ]] || fail "child_rekeys_failed_pfs changed"

td_stop "$T"
sw_stop "$S"
checks_finish strongswan_pfs_mismatch_test "see $T/ternd.log and $S/charon.log"
