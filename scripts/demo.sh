#!/usr/bin/env bash
# tern's demo: two ternd daemons bring up an IKEv2 tunnel between two network
# namespaces. From a clone on Debian 12, as root:
#   bash scripts/demo.sh
# 1. installs the Debian packages it needs (scripts/bootstrap.sh, idempotent);
# 2. builds ternd and ternctl (cmake + ninja in build/demo);
# 3. creates two namespaces joined by a veth pair (documentation addresses
#    198.51.100.1 and .2, inner subnets 192.0.2.0/24 and 203.0.113.0/24) and
#    starts one ternd in each with a PSK connection (X25519, AES-GCM);
# 4. `ternctl up` on the west side, a ping from 192.0.2.1 to 203.0.113.1
#    through the tunnel (tern's userspace ESP over its TUN device), then
#    `ternctl status` on both sides (with the packets counted), and tshark
#    decrypting the captured IKE exchange with west's Wireshark keylog;
# 5. stops both daemons (each deletes its IKE SA) and removes everything it
#    created, also when a step fails.
# Exit status 0 on success.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${TERN_JOBS:-$(nproc)}

bash scripts/bootstrap.sh

echo "=== build ternd and ternctl (build/demo)"
cmake -S "$root" -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERN_TESTS=OFF >/dev/null
ninja -C build/demo -j "$jobs" ternd ternctl >/dev/null
TERND=$root/build/demo/src/daemon/ternd
TERNCTL=$root/build/demo/src/tools/ternctl

source "$root/tests/net/lib/netns.sh"
source "$root/tests/net/lib/ternd.sh"
netns_init
west=$(netns_name west)
east=$(netns_name east)
netns_create "$west" "$east"
netns_link "$west" veth0 198.51.100.1/24 "$east" veth0 198.51.100.2/24
netns_addr "$west" lo 192.0.2.1/32   # a host inside each side's protected subnet
netns_addr "$east" lo 203.0.113.1/32
W=$NETNS_TMP/west
E=$NETNS_TMP/east
psk="demo pre-shared key, choose a long random one"
td_write_psk_conf "$W" name=east local_addr=198.51.100.1 remote_addr=198.51.100.2 \
  local_id=west.example.org remote_id=east.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=192.0.2.0/24 remote_ts=203.0.113.0/24 child=net
td_write_psk_conf "$E" name=west local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=east.example.org remote_id=west.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.0/24 remote_ts=192.0.2.0/24 child=net
sed -i 's/^log_level = .*/log_level = "info"/' "$W/tern.toml" "$E/tern.toml"

echo
echo "=== west's configuration ($W/tern.toml)"
grep -v '^#' "$W/tern.toml" | sed 's/^secret = .*/secret = "…"/'

td_start "$W" "$west"
td_start "$E" "$east"
ip netns exec "$west" dumpcap -q -i veth0 -f udp -w "$NETNS_TMP/ike.pcap" >/dev/null 2>&1 &
netns_register_pid $!
capture=$!
sleep 1

echo
echo "=== west: ternctl up east"
td_ctl "$W" up east
td_wait_ike_count "$E" 1 ESTABLISHED 10

echo
echo "=== west: ping 203.0.113.1 (east's side) from 192.0.2.1, through the tunnel"
netns_exec "$west" ping -c 3 -i 0.2 -W 2 203.0.113.1

echo
echo "=== west: ternctl status"
td_ctl "$W" status
echo
echo "=== east: ternctl status"
td_ctl "$E" status

sleep 0.5
netns_stop_pid "$capture" 5
home=$NETNS_TMP/tshark-home
mkdir -p "$home/.config/wireshark"
cp "$W/keylog" "$home/.config/wireshark/ikev2_decryption_table"
echo
echo "=== tshark: the IKE exchange on the veth, decrypted with west's keylog"
env -u XDG_CONFIG_HOME HOME="$home" tshark -r "$NETNS_TMP/ike.pcap" 2>/dev/null
env -u XDG_CONFIG_HOME HOME="$home" tshark -r "$NETNS_TMP/ike.pcap" -V -O isakmp 2>/dev/null |
  grep -E 'Payload: Identification|Identification Data|Integrity Checksum Data' | sed 's/^ */  /' | sort | uniq -c

echo
echo "=== stopping both daemons (SIGTERM: each deletes its IKE SA)"
td_stop "$W"
td_stop "$E"
grep -h -E "deleted|stopped" "$W/ternd.log" "$E/ternd.log" | sed 's/^/  /'
