#!/bin/bash
# tunnel_throughput.sh TERND TERNCTL [SECONDS] — iperf3 TCP throughput through
# an IKEv2/ESP tunnel between two network namespaces on this machine, for:
#   1. plain veth (no tunnel: the ceiling),
#   2. ternd <-> ternd (tern's userspace ESP over TUN, plain ESP),
#   3. ternd <-> ternd with encap = true (ESP in UDP 4500),
#   4. strongSwan <-> strongSwan (charon kernel-libipsec: its userspace ESP),
# each with AES-128-GCM, one TCP stream, SECONDS (default 10) per run.
# Prints one line per setup with Mbit/s (sender) and the ratio to strongSwan.
# A benchmark, not a test: it asserts nothing but that each tunnel came up.
# Needs root; removes its namespaces and processes at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
source "$root/tests/net/lib/netns.sh"
source "$root/tests/net/lib/strongswan.sh"
source "$root/tests/net/lib/ternd.sh"
TERND=${1:?usage: tunnel_throughput.sh TERND TERNCTL [SECONDS]}
TERNCTL=${2:?usage: tunnel_throughput.sh TERND TERNCTL [SECONDS]}
secs=${3:-10}
netns_init
netns_require_cmd iperf3 jq

declare -A result
psk="benchmark pre-shared key"

# topology NAME — two fresh namespaces joined by veth, inner addresses on lo.
topology() {
  a=$(netns_name "$1-a")
  b=$(netns_name "$1-b")
  netns_create "$a" "$b"
  netns_link "$a" veth0 198.51.100.1/24 "$b" veth0 198.51.100.2/24
  netns_addr "$a" lo 192.0.2.1/32
  netns_addr "$b" lo 203.0.113.1/32
}

# iperf NS_CLIENT NS_SERVER SERVER_ADDR BIND_ADDR — Mbit/s received by the server.
iperf() {
  local out
  netns_spawn "$2" "$NETNS_TMP/iperf3-server-$2.log" iperf3 -s -1 -B "$3"
  sleep 0.5
  out=$(netns_exec "$1" timeout $((secs + 20)) iperf3 -c "$3" -B "$4" -t "$secs" -J)
  jq '.end.sum_received.bits_per_second / 1e6 | floor' <<<"$out"
}

echo "=== plain veth"
topology veth
netns_exec "$a" ip route add 203.0.113.1/32 via 198.51.100.2
netns_exec "$b" ip route add 192.0.2.1/32 via 198.51.100.1
result[veth]=$(iperf "$a" "$b" 203.0.113.1 192.0.2.1)

for mode in esp udp; do
  echo "=== ternd <-> ternd ($mode)"
  topology "tern-$mode"
  A=$NETNS_TMP/tern-$mode-a
  B=$NETNS_TMP/tern-$mode-b
  td_write_psk_conf "$A" name=b local_addr=198.51.100.1 remote_addr=198.51.100.2 local_id=a.example.org \
    remote_id=b.example.org psk="$psk" proposal=aes128gcm16-prfsha256-x25519 local_ts=192.0.2.1/32 \
    remote_ts=203.0.113.1/32
  td_write_psk_conf "$B" name=a local_addr=198.51.100.2 remote_addr=198.51.100.1 local_id=b.example.org \
    remote_id=a.example.org psk="$psk" proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.1/32 \
    remote_ts=192.0.2.1/32
  if [[ $mode == udp ]]; then sed -i 's/^start_action = /encap = true\nstart_action = /' "$A/tern.toml" "$B/tern.toml"; fi
  sed -i 's/^log_level = .*/log_level = "notice"/' "$A/tern.toml" "$B/tern.toml"
  td_start "$A" "$a"
  td_start "$B" "$b"
  td_ctl "$A" up b >/dev/null
  result[tern-$mode]=$(iperf "$a" "$b" 203.0.113.1 192.0.2.1)
  echo "  sender:   $(td_ctl "$A" stats --json | jq -c '.data_plane | {tun_packets, tun_super_packets, batches_sent, udp_gso_sends, send_errors}')"
  echo "  receiver: $(td_ctl "$B" stats --json | jq -c '.data_plane | {esp_received, udp_gro_runs, coalesced, decap_failed, tun_write_errors}')"
  td_stop "$A"
  td_stop "$B"
done

echo "=== strongSwan <-> strongSwan (kernel-libipsec)"
topology sw
SA=$NETNS_TMP/sw-a
SB=$NETNS_TMP/sw-b
sw_start "$SA" "$a"
sw_start "$SB" "$b"
sw_write_psk_conn "$SA" name=bench local_addr=198.51.100.1 remote_addr=198.51.100.2 local_id=a.example.org \
  remote_id=b.example.org psk="$psk" ike_proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
  local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32
sw_write_psk_conn "$SB" name=bench local_addr=198.51.100.2 remote_addr=198.51.100.1 local_id=b.example.org \
  remote_id=a.example.org psk="$psk" ike_proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
  local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32
sw_load "$SA"
sw_load "$SB"
sw_initiate "$SA" bench
result[strongswan]=$(iperf "$a" "$b" 203.0.113.1 192.0.2.1)
sw_stop "$SA"
sw_stop "$SB"

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), kernel $(uname -r)"
echo "iperf3 TCP, 1 stream, ${secs}s, AES-128-GCM, tunnel between two namespaces on this machine"
for k in veth strongswan tern-esp tern-udp; do
  ratio=$(awk -v x="${result[$k]}" -v s="${result[strongswan]}" 'BEGIN { printf "%.1f", x / s }')
  printf "  %-12s %8s Mbit/s   (%sx strongSwan kernel-libipsec)\n" "$k" "${result[$k]}" "$ratio"
done
