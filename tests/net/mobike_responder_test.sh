#!/bin/bash
# mobike_responder_test.sh TERND TERNCTL — MOBIKE (RFC 4555) with ternd as the
# responder: a strongSwan initiator (swanctl, mobike = yes by default,
# kernel-libipsec) moves to another link.
#
#   ns "s" veth0 192.0.2.1/24    ---- link 1 ----  ns "t" veth0 192.0.2.2/24   (ternd)
#   ns "s" veth1 (198.51.100.1/24 later) -- link 2 -- ns "t" veth1 198.51.100.2/24
#   inner: s lo 203.0.113.1, t lo 203.0.113.2 (the tunnel's selectors)
#
#  1. strongSwan initiates over link 1; ping from its side crosses the tunnel;
#  2. 192.0.2.1 is deleted from s's veth0, 198.51.100.1/24 is added to veth1
#     with a route to 192.0.2.2 through 198.51.100.2; strongSwan notices
#     (its own address events) and sends UPDATE_SA_ADDRESSES; from the moment
#     the new address is usable a ping every 0.1 s must be answered within
#     2 s (measured and printed);
#  3. ternd still has one IKE SA with the IKE SPIs of before, now with the
#     peer at 198.51.100.1:4500; its log says it followed the move; ternd's
#     route to the peer's inner address still goes through its TUN device
#     (tunnel-mode routes do not depend on the outer addresses).
# Needs root and strongSwan; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
source "$here/lib/strongswan.sh"
TERND=${1:?usage: mobike_responder_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: mobike_responder_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq
sw_require || fail "strongSwan is not installed"
ns_s=$(netns_name s)
ns_t=$(netns_name t)
netns_create "$ns_s" "$ns_t"
netns_link "$ns_s" veth0 192.0.2.1/24 "$ns_t" veth0 192.0.2.2/24
netns_link "$ns_s" veth1 198.51.100.9/24 "$ns_t" veth1 198.51.100.2/24
netns_exec "$ns_s" ip addr del 198.51.100.9/24 dev veth1  # link 2 is up, s has no address on it yet
netns_addr "$ns_s" lo 203.0.113.1/32
netns_addr "$ns_t" lo 203.0.113.2/32
for ns in "$ns_s" "$ns_t"; do
  netns_exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
S=$NETNS_TMP/s T=$NETNS_TMP/t
mkdir -p "$S" "$T"
psk="mobike responder secret"
sw_write_psk_conn "$S" name=tern local_addr=%any remote_addr=192.0.2.2 \
  local_id=s.example.org remote_id=t.example.org psk="$psk" \
  ike_proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
  local_ts=203.0.113.1/32 remote_ts=203.0.113.2/32
td_write_psk_conf "$T" name=to-s local_addr=192.0.2.2 remote_addr=192.0.2.1 listen=0.0.0.0 \
  local_id=t.example.org remote_id=s.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.2/32 remote_ts=203.0.113.1/32 child=net
td_start "$T" "$ns_t"
sw_start "$S" "$ns_s"
sw_load "$S"

# --- 1. up over link 1
sw_initiate "$S" tern || fail "swanctl --initiate failed"
td_wait_ike_count "$T" 1 ESTABLISHED 10 || fail "ternd did not establish strongSwan's IKE SA"
ping_ok() { netns_exec "$ns_s" ping -c 1 -W 0.2 -I 203.0.113.1 203.0.113.2 >/dev/null 2>&1; }
wait_for 5 "ping over link 1" ping_ok || fail "no ping through the tunnel over link 1"
before=$(td_sas "$T")
[[ $(jq -r '.[0].remote_addr' <<<"$before") == 192.0.2.1 ]] || fail "ternd does not see s at 192.0.2.1: $before"

# --- 2. strongSwan's address moves to link 2
netns_exec "$ns_s" ip addr del 192.0.2.1/24 dev veth0
printf '%s\n' "addr add 198.51.100.1/24 dev veth1" "route add 192.0.2.2/32 via 198.51.100.2 dev veth1" |
  netns_exec "$ns_s" ip -batch -
t0=$(date +%s%N)
for _ in $(seq 50); do
  ping_ok && break
  sleep 0.1
done
t1=$(date +%s%N)
ping_ok || fail "no ping through the tunnel within 5 s of the new address"
moved_ms=$(((t1 - t0) / 1000000))
echo "  strongSwan moved: ping through the tunnel resumed ${moved_ms} ms after 198.51.100.1 became usable"
((moved_ms <= 2000)) || fail "traffic resumed after ${moved_ms} ms, want <= 2000"

# --- 3. same IKE SA at ternd, at the new address
after=$(td_sas "$T")
[[ $(jq length <<<"$after") == 1 ]] || fail "ternd has not exactly one IKE SA: $after"
for f in spi_i spi_r; do
  [[ $(jq -r ".[0].$f" <<<"$before") == $(jq -r ".[0].$f" <<<"$after") ]] ||
    fail "ternd's $f changed: $(jq -r ".[0].$f" <<<"$before") -> $(jq -r ".[0].$f" <<<"$after")"
done
[[ $(jq -r '.[0].remote_addr' <<<"$after") == 198.51.100.1 ]] ||
  fail "ternd sees s at $(jq -r '.[0].remote_addr' <<<"$after"), want 198.51.100.1"
[[ $(jq -r '.[0].remote_port' <<<"$after") == 4500 ]] || fail "ternd's remote_port: $(jq -r '.[0].remote_port' <<<"$after")"
grep -q "peer moved the IKE SA" "$T/ternd.log" || fail "ternd's log does not say it followed UPDATE_SA_ADDRESSES"
route=$(ip -n "$ns_t" route get 203.0.113.1 from 203.0.113.2 2>&1 | head -n 1)
grep -q "dev tern0" <<<"$route" || fail "ternd's route to the peer's inner address left tern0: $route"
echo "  ternd: IKE SPIs $(jq -r '.[0].spi_i + "_i " + .[0].spi_r + "_r"' <<<"$after") kept; peer at $(jq -r '.[0].remote_addr + ":" + (.[0].remote_port|tostring)' <<<"$after"); $route"

checks_finish mobike_responder_test "logs: NETNS_KEEP_TMP=1"
