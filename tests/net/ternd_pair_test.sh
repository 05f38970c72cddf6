#!/bin/bash
# ternd_pair_test.sh TERND TERNCTL — two ternd daemons, the way an operator
# runs them:
#
#   ns "a" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "b" 198.51.100.2 (lo 203.0.113.1)
#
#  1. `ternctl up` on a exits 0 and prints the outcome; `ternctl events` on b
#     saw the IKE SA established; `status` on both shows the SA; `list-sas
#     --json` on both names the same SPIs (b's child spi_in is a's spi_out);
#     tshark decrypts the captured exchange with a's keylog, nothing malformed;
#     ping and iperf3 cross the tunnel (plain ESP) and list-sas counts the
#     packets; a packet routed into tern0 outside the selectors is dropped
#     and counted.
#  2. ternctl errors: up of an unknown connection, rekey --reauth of a child and
#     an unknown child exit 1 with a reason.
#  3. reload: an unchanged file keeps the IKE SA (same SPIs); a file with a
#     mistake is refused (file:line in the answer) and the SA stays; a changed
#     connection loses its IKE SA (Delete, both sides) and, with start_action
#     = "start", comes back by itself; SIGHUP reloads too; with start_action =
#     "trap" the first ping starts the negotiation and is answered.
#  4. SIGTERM on a: a deletes its IKE SA (b forgets it: "deleted by peer")
#     and exits 0.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: ternd_pair_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: ternd_pair_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq tshark dumpcap
td_pair_topology
conf_a() {
  td_write_psk_conf "$A" name=to-b local_addr=198.51.100.1 remote_addr=198.51.100.2 \
    local_id=a.example.org remote_id=b.example.org psk="pair test secret" \
    proposal=aes128gcm16-prfsha256-x25519 local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net "$@"
}
conf_a
td_write_psk_conf "$B" name=to-a local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=b.example.org remote_id=a.example.org psk="pair test secret" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 child=net
td_start "$A" "$ns_a"
td_start "$B" "$ns_b"

# --- 1. up, events, status, list-sas, tshark
ip netns exec "$ns_a" dumpcap -q -i veth0 -f udp -w "$NETNS_TMP/pair.pcap" >"$NETNS_TMP/dumpcap.log" 2>&1 &
cap=$!
netns_register_pid "$cap"
timeout 20 "$TERNCTL" --socket "$B/control.sock" events >"$NETNS_TMP/events-b.txt" 2>&1 &
ev=$!
netns_register_pid "$ev"
sleep 1
if out=$(td_ctl "$A" up to-b 2>&1); then
  echo "  up: $out"
else
  fail "ternctl up to-b: $out"
fi
td_wait_ike_count "$B" 1 ESTABLISHED 10 || fail "b has no ESTABLISHED IKE SA"
sleep 0.5
netns_stop_pid "$cap" 5
grep -qi "established" "$NETNS_TMP/events-b.txt" || fail "ternctl events on b did not show the IKE SA established: $(cat "$NETNS_TMP/events-b.txt")"
netns_stop_pid "$ev" 2

status_a=$(td_ctl "$A" status) || fail "ternctl status on a failed"
status_b=$(td_ctl "$B" status) || fail "ternctl status on b failed"
echo "--- ternctl status (a)"; echo "$status_a"
echo "--- ternctl status (b)"; echo "$status_b"
grep -q "to-b" <<<"$status_a" && grep -q "ESTABLISHED" <<<"$status_a" || fail "status on a lacks the SA"
grep -q "to-a" <<<"$status_b" && grep -q "ESTABLISHED" <<<"$status_b" || fail "status on b lacks the SA"

ja=$(td_sas "$A")
jb=$(td_sas "$B")
for f in spi_i spi_r; do
  [[ $(jq -r ".[0].$f" <<<"$ja") == $(jq -r ".[0].$f" <<<"$jb") ]] || fail "$f differs: a $(jq -r ".[0].$f" <<<"$ja"), b $(jq -r ".[0].$f" <<<"$jb")"
done
[[ $(jq -r '.[0].children[0].spi_in' <<<"$ja") == $(jq -r '.[0].children[0].spi_out' <<<"$jb") ]] || fail "a's spi_in is not b's spi_out"
[[ $(jq -r '.[0].children[0].spi_out' <<<"$ja") == $(jq -r '.[0].children[0].spi_in' <<<"$jb") ]] || fail "a's spi_out is not b's spi_in"
[[ $(jq -r '.[0].initiator' <<<"$ja") == true && $(jq -r '.[0].initiator' <<<"$jb") == false ]] || fail "initiator flags wrong"
[[ $(jq -r '.[0].remote_id' <<<"$jb") == *a.example.org* ]] || fail "b's remote_id: $(jq -r '.[0].remote_id' <<<"$jb")"
[[ $(jq -r '.[0].children[0].local_ts[0]' <<<"$ja") == 192.0.2.1/32 ]] || fail "a's local_ts: $(jq -c '.[0].children[0].local_ts' <<<"$ja")"
spi_before=$(jq -r '.[0].spi_i' <<<"$ja")

# Traffic crosses the tunnel (plain ESP, IP protocol 50, between the veth addresses).
if out=$(netns_exec "$ns_a" ping -c 3 -i 0.2 -W 2 203.0.113.1 2>&1); then
  echo "  ping 192.0.2.1 -> 203.0.113.1 through the tunnel: $(grep -o '[0-9]* received' <<<"$out")"
else
  fail "ping through the tunnel failed: $out"
fi
# TCP too: a short iperf3 run (bounded: 2 s).
netns_spawn "$ns_b" "$NETNS_TMP/iperf3-server.log" iperf3 -s -1 -B 203.0.113.1
sleep 0.5
if out=$(netns_exec "$ns_a" timeout 20 iperf3 -c 203.0.113.1 -B 192.0.2.1 -t 2 -J 2>&1); then
  echo "  iperf3 through the tunnel: $(jq '.end.sum_received.bits_per_second / 1e6 | floor' <<<"$out") Mbit/s"
else
  fail "iperf3 through the tunnel failed: $(tail -n 3 <<<"$out")"
fi
# A packet the kernel routes into the TUN device but no CHILD_SA's selectors cover is dropped and counted.
netns_exec "$ns_a" ip route add 203.0.113.200/32 dev tern0
netns_exec "$ns_a" ping -c 2 -i 0.2 -W 1 203.0.113.200 >/dev/null 2>&1 && fail "a ping outside the selectors got an answer"
[[ $(td_ctl "$A" stats --json | jq .data_plane.no_policy) -ge 2 ]] ||
  fail "packets outside the selectors not counted: $(td_ctl "$A" stats --json | jq -c .data_plane)"
ja=$(td_sas "$A")
[[ $(jq -r '.[0].children[0].packets_out' <<<"$ja") -ge 3 ]] || fail "a's child counted $(jq -r '.[0].children[0].packets_out' <<<"$ja") packets out, want >= 3"
[[ $(jq -r '.[0].children[0].packets_in' <<<"$ja") -ge 3 ]] || fail "a's child counted $(jq -r '.[0].children[0].packets_in' <<<"$ja") packets in, want >= 3"

home=$NETNS_TMP/tshark-home
mkdir -p "$home/.config/wireshark"
cp "$A/keylog" "$home/.config/wireshark/ikev2_decryption_table"
v=$(env -u XDG_CONFIG_HOME HOME="$home" tshark -r "$NETNS_TMP/pair.pcap" -V 2>&1 || true)
bad=$(env -u XDG_CONFIG_HOME HOME="$home" tshark -r "$NETNS_TMP/pair.pcap" -Y '_ws.malformed || _ws.expert.severity >= warning' 2>/dev/null || true)
grep -q "Payload: Identification - Initiator" <<<"$v" || fail "tshark did not decrypt IDi with a's keylog"
grep -q "Payload: Identification - Responder" <<<"$v" || fail "tshark did not decrypt IDr with a's keylog"
[[ -z $bad ]] || fail "tshark: malformed packets or warnings: $bad"

# --- 2. errors a ternctl user gets
out=$(td_ctl "$A" up nosuch 2>&1) && fail "up nosuch succeeded"
grep -q "no connection named 'nosuch'" <<<"$out" || fail "up nosuch: $out"
out=$(td_ctl "$A" up to-b/other 2>&1) && fail "up to-b/other succeeded"
grep -q "no child named 'other'" <<<"$out" || fail "up to-b/other: $out"
out=$(td_ctl "$A" rekey --reauth to-b/net 2>&1) && fail "rekey --reauth of a child succeeded"
grep -q "name the connection, not a child" <<<"$out" || fail "rekey --reauth to-b/net: $out"
out=$(td_ctl "$A" rekey nosuch 2>&1) && fail "rekey nosuch succeeded"
grep -q "no connection named 'nosuch'" <<<"$out" || fail "rekey nosuch: $out"
td_ctl "$A" stats --json | jq -e '.counters.ike_sas_established == 1' >/dev/null || fail "stats: ike_sas_established != 1"

# --- 3. reload
td_ctl "$A" reload >/dev/null || fail "reload of an unchanged file failed"
[[ $(td_sas "$A" | jq -r '.[0].spi_i') == "$spi_before" ]] || fail "an unchanged reload replaced the IKE SA"
cp "$A/tern.toml" "$A/tern.toml.good"
sed -i 's/^dpd_delay = .*/dpd_delay = "soon"/' "$A/tern.toml"
out=$(td_ctl "$A" reload 2>&1) && fail "reload of a broken file succeeded"
grep -q "tern.toml:[0-9]*:[0-9]*: connection\[0\].dpd_delay" <<<"$out" || fail "refused reload does not name file:line: $out"
[[ $(td_sas "$A" | jq -r '.[0].spi_i') == "$spi_before" ]] || fail "a refused reload touched the IKE SA"
conf_a dpd_delay=30s start_action=start
td_ctl "$A" reload >/dev/null || fail "reload with a changed connection failed"
wait_for 10 "the old IKE SA to go from b" bash -c "[[ \$(timeout 5 '$TERNCTL' --socket '$B/control.sock' list-sas --json | jq -r '[.[] | select(.spi_i == \"$spi_before\")] | length') == 0 ]]" ||
  fail "b still has the IKE SA of the changed connection"
td_wait_ike_count "$A" 1 ESTABLISHED 10 || fail "start_action = start did not bring the changed connection up"
spi_new=$(td_sas "$A" | jq -r '.[0].spi_i')
[[ $spi_new != "$spi_before" ]] || fail "the changed connection kept its old IKE SA"
kill -HUP "$(<"$A/ternd.pid")"
sleep 1
[[ $(td_sas "$A" | jq -r '.[0].spi_i') == "$spi_new" ]] || fail "SIGHUP with an unchanged file replaced the IKE SA"
grep -q "SIGHUP: reloading" "$A/ternd.log" || fail "SIGHUP was not logged as a reload"

# --- 3b. start_action = "trap": no SA until traffic; the first packet starts the
# negotiation and is kept, so a single ping gets its answer.
conf_a dpd_delay=30s start_action=trap
td_ctl "$A" reload >/dev/null || fail "reload with start_action = trap failed"
td_wait_ike_count "$A" 0 "" 10 || fail "the trap connection still has an IKE SA after the reload"
td_wait_ike_count "$B" 0 "" 10 || fail "b still has the IKE SA of the connection that became a trap"
if out=$(netns_exec "$ns_a" ping -c 1 -W 5 203.0.113.1 2>&1); then
  echo "  trap: the first packet started the negotiation and was delivered: $(grep -o '[0-9]* received' <<<"$out")"
else
  fail "trap: the single ping that should start the negotiation got no answer: $out"
fi
td_wait_ike_count "$A" 1 ESTABLISHED 10 || fail "trap: no IKE SA after the matching packet"
[[ $(td_ctl "$A" stats --json | jq .data_plane.trapped) -ge 1 ]] || fail "trap: no packet counted as trapped"

# --- 4. SIGTERM: Delete to the peer, clean exit
pid_a=$(<"$A/ternd.pid")
kill -TERM "$pid_a"
rc=0
for _ in $(seq 100); do kill -0 "$pid_a" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid_a" 2>/dev/null; then fail "ternd a did not exit within 10 s of SIGTERM"; else wait "$pid_a" || rc=$?; fi
[[ $rc == 0 ]] || fail "ternd a exited with $rc after SIGTERM"
rm -f "$A/ternd.pid"
td_wait_ike_count "$B" 0 "" 5 || fail "b still has an IKE SA after a's SIGTERM"
grep -qi "deleted by peer\|peer deleted" "$B/ternd.log" || fail "b's log does not say the peer deleted the IKE SA"
[[ ! -e $A/control.sock ]] || fail "a left its control socket behind"

td_stop "$B"
checks_finish ternd_pair_test
