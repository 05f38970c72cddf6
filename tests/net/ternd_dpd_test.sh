#!/bin/bash
# ternd_dpd_test.sh TERND TERNCTL — dead peer detection between two ternd,
# with a small dpd_delay (2 s) and retransmit budget (1 s, x1.8, 2 tries:
# 1 + 1.8 + 3.24 = 6.04 s after the liveness check):
#
#   ns "a" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "b" 198.51.100.2 (lo 203.0.113.1)
#
#  1. b's ternd is killed with SIGKILL: a detects it within dpd_delay plus the
#     retransmit budget (not before the budget, not much after); with
#     dpd_action = restart it keeps initiating, and once b's ternd is started
#     again the tunnel is back within seconds (ping crosses).
#  2. b's ternd is killed and started again at once, between two liveness
#     checks: a's next check is answered INVALID_IKE_SPI, a reauthenticates
#     at once, and the tunnel is back well before the retransmit budget
#     would have run out.
#  3. a's ternd (start_action = start) is killed and started again: its new
#     IKE SA carries INITIAL_CONTACT and b deletes the stale one (one IKE SA left).
#     b runs two workers (workers = 2): a's restarts are repeated until the new
#     IKE SA has landed on the other worker than the stale one at least once
#     (each lands on either, by a hash of its SPI; ids tell the worker: worker
#     i of 2 numbers its IKE SAs i+1, i+3, ...), and after each restart b
#     holds exactly one IKE SA and the ping crosses.
#  4. dpd_action = clear: after b is killed, a removes everything and starts nothing.
#  5. dpd_action = trap: after b is killed, a installs the trap again; once b is
#     back, a ping matches the trap and the tunnel comes up again.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: ternd_dpd_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: ternd_dpd_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq ping bc
td_pair_topology
conf_a() {
  td_write_psk_conf "$A" name=to-b local_addr=198.51.100.1 remote_addr=198.51.100.2 \
    local_id=a.example.org remote_id=b.example.org psk="dpd test secret" \
    proposal=aes128gcm16-prfsha256-x25519 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net \
    dpd_delay=2s retransmit_timeout=1s retransmit_tries=2 "$@"
}
conf_b() {
  td_write_psk_conf "$B" name=to-a local_addr=198.51.100.2 remote_addr=198.51.100.1 \
    local_id=b.example.org remote_id=a.example.org psk="dpd test secret" \
    proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 child=net \
    workers=2
}
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
ping_once() { ip netns exec "$ns_a" ping -c 1 -W 1 -I 192.0.2.1 203.0.113.1 >/dev/null 2>&1; }
kill_ternd() {
  local pid
  pid=$(<"$1/ternd.pid")
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null || true
  rm -f "$1/ternd.pid"
}
log_count() { grep -c -- "$2" "$1/ternd.log" || true; }
# between LOW HIGH VALUE — LOW <= VALUE <= HIGH
between() { (($(echo "$1 <= $3 && $3 <= $2" | bc))); }

conf_a dpd_action=restart
conf_b
td_start "$A" "$ns_a"
td_start "$B" "$ns_b"
td_ctl "$A" up to-b >/dev/null || fail "ternctl up to-b failed"
wait_for 5 "ping through the tunnel" ping_once || fail "ping does not cross the tunnel"

# --- 1. SIGKILL: detection time, restart, back when b returns
kill_ternd "$B"
killed=$(now)
if wait_for 20 "a to notice that b is gone" grep -q "peer not responding (DPD)" "$A/ternd.log"; then
  took=$(since "$killed")
  echo "  b killed: a noticed after ${took} s (dpd_delay 2 s + retransmit budget 6.04 s)"
  # at least the budget; at most dpd_delay + budget + 1 s (the data plane's poll moves
  # last_received) + 1 s of slack for timers and this loop
  between 6.0 10.1 "$took" || fail "detection took ${took} s, want within [6.0, 10.1] s"
else
  fail "a never noticed that b was killed"
fi
grep -q "dpd_action restart" "$A/ternd.log" || fail "a did not apply dpd_action restart"
sleep 3  # b stays away longer than one IKE_SA_INIT retransmit round: a keeps trying
td_start "$B" "$ns_b"
started=$(now)
if wait_for 15 "the tunnel back after b restarted" ping_once; then
  took=$(since "$started")
  echo "  b started again: ping crosses after ${took} s"
  (($(echo "$took < 6" | bc))) || fail "the tunnel took ${took} s to come back, want < 6 s"
else
  fail "the tunnel did not come back after b restarted"
fi
td_wait_ike_count "$A" 1 ESTABLISHED 5 || fail "a does not have exactly one ESTABLISHED IKE SA: $(td_sas "$A")"

# --- 2. b restarts between two liveness checks: INVALID_IKE_SPI, reauthentication
wait_for 5 "ping before the quick restart" ping_once || fail "no ping before part 2"
sleep 0.5
kill_ternd "$B"
td_start "$B" "$ns_b"
restarted=$(now)
if wait_for 10 "the tunnel back after b's quick restart" ping_once; then
  took=$(since "$restarted")
  echo "  b restarted between two checks: ping crosses after ${took} s"
  (($(echo "$took < 5.5" | bc))) || fail "took ${took} s, want < 5.5 s (dpd_delay 2 s + a round trip)"
else
  fail "the tunnel did not come back after b's quick restart"
fi
grep -q "INVALID_IKE_SPI" "$A/ternd.log" || fail "a's log does not mention b's INVALID_IKE_SPI answer"
[[ $(td_ike_count "$B" ESTABLISHED) == 1 ]] || fail "b should have one IKE SA: $(td_sas "$B")"

# --- 3. a restarts (start_action = start): INITIAL_CONTACT replaces the stale SA on b
td_stop "$A"
td_wait_ike_count "$B" 0 "" 5 || fail "b kept a's IKE SA after a's SIGTERM"
conf_a dpd_action=restart start_action=start
td_start "$A" "$ns_a"
td_wait_ike_count "$B" 1 ESTABLISHED 10 || fail "a's start_action did not bring the tunnel up"
b_worker() { td_sas "$B" | jq '.[0].id - 1 | . % 2'; }
replaced_more_than() { (($(log_count "$B" "sent INITIAL_CONTACT on a new IKE SA") > $1)); }
across=0
for round in 1 2 3 4 5 6 7 8; do
  stale_worker=$(b_worker)
  replaced_before=$(log_count "$B" "sent INITIAL_CONTACT on a new IKE SA")
  kill_ternd "$A"
  td_start "$A" "$ns_a"
  wait_for 10 "b to replace the stale IKE SA (round $round)" replaced_more_than "$replaced_before" ||
    fail "b did not act on INITIAL_CONTACT (round $round)"
  td_wait_ike_count "$B" 1 ESTABLISHED 5 || fail "b should hold exactly the new IKE SA: $(td_sas "$B")"
  [[ $(td_sas "$B" | jq '[.[].children[]] | length') == 1 ]] || fail "b kept the stale CHILD_SA: $(td_sas "$B")"
  wait_for 5 "ping after a restarted" ping_once || fail "no ping after a restarted (round $round)"
  new_worker=$(b_worker)
  echo "  a restarted (round $round): stale IKE SA on b's worker $stale_worker, new one on worker $new_worker"
  if [[ $new_worker != "$stale_worker" ]]; then
    across=1
    break
  fi
done
((across)) || fail "in 8 restarts a's new IKE SA never landed on the other worker of b"

# --- 4. dpd_action = clear: everything goes, nothing restarts
td_stop "$A"
conf_a dpd_action=clear
td_start "$A" "$ns_a"
td_ctl "$A" up to-b >/dev/null || fail "ternctl up (clear) failed"
kill_ternd "$B"
wait_for 15 "a to notice that b is gone (clear)" grep -q "dpd_action clear" "$A/ternd.log" ||
  fail "a did not apply dpd_action clear"
sleep 2
[[ $(td_ike_count "$A") == 0 ]] || fail "with dpd_action clear a still has IKE SAs: $(td_sas "$A")"
[[ $(td_sas "$A" | jq '[.[].children[]] | length') == 0 ]] || fail "children left behind"

# --- 5. dpd_action = trap: the trap comes back, and the next packet brings the tunnel up again
td_stop "$A"
td_start "$B" "$ns_b"
conf_a dpd_action=trap
td_start "$A" "$ns_a"
td_ctl "$A" up to-b >/dev/null || fail "ternctl up (trap) failed"
wait_for 5 "ping (trap)" ping_once || fail "no ping before part 5"
kill_ternd "$B"
wait_for 15 "a to notice that b is gone (trap)" grep -q "dpd_action trap" "$A/ternd.log" ||
  fail "a did not apply dpd_action trap"
grep -q "trap installed for to-b" "$A/ternd.log" || fail "a did not install the trap again"
[[ $(td_ike_count "$A") == 0 ]] || fail "with dpd_action trap a still has IKE SAs: $(td_sas "$A")"
td_start "$B" "$ns_b"
wait_for 10 "the trap to bring the tunnel back" ping_once || fail "traffic did not bring the tunnel back"
td_wait_ike_count "$A" 1 ESTABLISHED 5 || fail "no IKE SA after the trap fired: $(td_sas "$A")"

checks_finish ternd_dpd_test "logs: NETNS_KEEP_TMP=1"
