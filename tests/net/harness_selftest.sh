#!/bin/bash
# harness_selftest.sh — checks the network-test harness itself (lib/netns.sh,
# lib/strongswan.sh) before any tern process is involved: two namespaces joined
# by a veth, strongSwan initiator <-> strongSwan responder with a PSK, then ESP
# traffic (ping) between the inner addresses through kernel-libipsec, then the
# IKE_SA deleted. Run by ctest (label net) as root; prints one line per step
# and exits non-zero with the reason on the first failure. Everything it made
# (namespaces, charon processes, temp dir) is removed on exit, also on failure
# or signal.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/netns.sh
source "$here/lib/netns.sh"
# shellcheck source=lib/strongswan.sh
source "$here/lib/strongswan.sh"

step() { echo "selftest: $*"; }

netns_init
netns_require_cmd ping
sw_require
ini=$(netns_name ini)
res=$(netns_name res)
netns_create "$ini" "$res"
netns_link "$ini" veth0 198.51.100.1/24 "$res" veth0 198.51.100.2/24
netns_addr "$ini" lo 192.0.2.1/32
netns_addr "$res" lo 203.0.113.1/32
netns_exec "$ini" ping -c 1 -W 2 198.51.100.2 >/dev/null ||
  netns_die "no ping across the veth"
step "veth 198.51.100.1 <-> 198.51.100.2 up"

sw_start "$NETNS_TMP/ini" "$ini"
sw_start "$NETNS_TMP/res" "$res"
common=(name=selftest psk=tern-selftest-psk esp_proposal=aes128gcm16
  ike_proposal=aes128gcm16-prfsha256-x25519)
sw_write_psk_conn "$NETNS_TMP/ini" "${common[@]}" local_addr=198.51.100.1 \
  remote_addr=198.51.100.2 local_id=initiator@example.org \
  remote_id=responder@example.org local_ts=192.0.2.0/24 remote_ts=203.0.113.0/24
sw_write_psk_conn "$NETNS_TMP/res" "${common[@]}" local_addr=198.51.100.2 \
  remote_addr=198.51.100.1 local_id=responder@example.org \
  remote_id=initiator@example.org local_ts=203.0.113.0/24 remote_ts=192.0.2.0/24
sw_load "$NETNS_TMP/ini"
sw_load "$NETNS_TMP/res"
step "two charon-systemd instances running, connections loaded"

sw_initiate "$NETNS_TMP/ini" selftest 10
sw_wait_established "$NETNS_TMP/ini" selftest 10
sw_wait_established "$NETNS_TMP/res" selftest 10
step "IKE_SA ESTABLISHED on both sides"

# ESP over UDP 4500 through ipsec0 (kernel-libipsec); allow for route setup.
wait_for 10 "ping 192.0.2.1 -> 203.0.113.1 through the tunnel" \
  netns_exec "$ini" ping -c 1 -W 1 -I 192.0.2.1 203.0.113.1
sas=$(sw_swanctl "$NETNS_TMP/res" --list-sas --raw)
grep -q -E 'packets-in=[1-9]' <<<"$sas" ||
  netns_die "responder's CHILD_SA counted no inbound packet"
step "ping through the CHILD_SA ok"

sw_terminate "$NETNS_TMP/ini" selftest 10
sw_wait_deleted "$NETNS_TMP/res" selftest 10
step "IKE_SA deleted"

sw_stop "$NETNS_TMP/ini"
sw_stop "$NETNS_TMP/res"
netns_cleanup
for ns in "$ini" "$res"; do
  if ip netns list | awk '{print $1}' | grep -qx -- "$ns"; then
    echo "selftest: namespace $ns left behind" >&2
    exit 1
  fi
done
step "cleanup ok"
