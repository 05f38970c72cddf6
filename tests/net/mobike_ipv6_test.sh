#!/bin/bash
# mobike_ipv6_test.sh TERND TERNCTL — MOBIKE (RFC 4555) over IPv6, ternd to
# ternd: the initiator's address goes away and a new one comes up on another
# link; the IKE SA and its CHILD_SA move (UPDATE_SA_ADDRESSES), the SPIs stay,
# traffic resumes.
#
#   ns "a" veth0 2001:db8:1::1/64    ---- link 1 ----  ns "b" veth0 2001:db8:1::2/64
#   ns "a" veth1 (2001:db8:2::1/64 later) -- link 2 -- ns "b" veth1 2001:db8:2::2/64
#   inner: a lo 2001:db8:a::1, b lo 2001:db8:b::1 (the tunnel's selectors)
#
#  1. the tunnel comes up over link 1, ping crosses it;
#  2. 2001:db8:1::1 is deleted, 2001:db8:2::1/64 is added on link 2 with a
#     route to 2001:db8:1::2 through 2001:db8:2::2: from that moment a ping
#     every 0.1 s must be answered within 2 s (measured and printed);
#  3. both ends still have one IKE SA with the SPIs of before, now between
#     2001:db8:2::1 and 2001:db8:1::2, the same CHILD_SA SPIs, and both ends'
#     routes to the other's inner address still go through tern0.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: mobike_ipv6_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: mobike_ipv6_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq
ns_a=$(netns_name m6a)
ns_b=$(netns_name m6b)
netns_create "$ns_a" "$ns_b"
for ns in "$ns_a" "$ns_b"; do  # no duplicate address detection delay on these links
  netns_exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
done
netns_link "$ns_a" veth0 2001:db8:1::1/64 "$ns_b" veth0 2001:db8:1::2/64
netns_link "$ns_a" veth1 2001:db8:2::9/64 "$ns_b" veth1 2001:db8:2::2/64
netns_exec "$ns_a" ip addr del 2001:db8:2::9/64 dev veth1  # link 2 is up, a has no address on it yet
netns_addr "$ns_a" lo 2001:db8:a::1/128
netns_addr "$ns_b" lo 2001:db8:b::1/128
A=$NETNS_TMP/a B=$NETNS_TMP/b
mkdir -p "$A" "$B"
psk="mobike ipv6 secret"
td_write_psk_conf "$A" name=to-b local_addr=2001:db8:1::1 remote_addr=2001:db8:1::2 listen=:: \
  local_id=a.example.org remote_id=b.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=2001:db8:a::1/128 remote_ts=2001:db8:b::1/128 child=net
td_write_psk_conf "$B" name=to-a local_addr=2001:db8:1::2 remote_addr=2001:db8:1::1 listen=:: \
  local_id=b.example.org remote_id=a.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=2001:db8:b::1/128 remote_ts=2001:db8:a::1/128 child=net
td_start "$A" "$ns_a"
td_start "$B" "$ns_b"

# --- 1. up over link 1
td_ctl "$A" up to-b >/dev/null || fail "ternctl up failed"
td_wait_ike_count "$B" 1 ESTABLISHED 10 || fail "b has no ESTABLISHED IKE SA"
ping_ok() { netns_exec "$ns_a" ping -6 -c 1 -W 0.2 -I 2001:db8:a::1 2001:db8:b::1 >/dev/null 2>&1; }
wait_for 5 "ping over link 1" ping_ok || fail "no ping through the tunnel over link 1"
before_a=$(td_sas "$A")
before_b=$(td_sas "$B")

# --- 2. a's address moves to link 2
netns_exec "$ns_a" ip addr del 2001:db8:1::1/64 dev veth0
printf '%s\n' "addr add 2001:db8:2::1/64 dev veth1 nodad" "route add 2001:db8:1::2/128 via 2001:db8:2::2 dev veth1" |
  netns_exec "$ns_a" ip -6 -batch -
t0=$(date +%s%N)
for _ in $(seq 50); do
  ping_ok && break
  sleep 0.1
done
t1=$(date +%s%N)
ping_ok || fail "no ping through the tunnel within 5 s of the new address"
moved_ms=$(((t1 - t0) / 1000000))
echo "  IPv6: ping through the tunnel resumed ${moved_ms} ms after 2001:db8:2::1 became usable"
((moved_ms <= 2000)) || fail "traffic resumed after ${moved_ms} ms, want <= 2000"

# --- 3. the same SAs, on the new addresses; routes still through tern0
after_a=$(td_sas "$A")
after_b=$(td_sas "$B")
[[ $(jq length <<<"$after_a") == 1 && $(jq length <<<"$after_b") == 1 ]] || fail "not one IKE SA each"
for f in spi_i spi_r; do
  for side in a b; do
    b_var=before_$side a_var=after_$side
    [[ $(jq -r ".[0].$f" <<<"${!b_var}") == $(jq -r ".[0].$f" <<<"${!a_var}") ]] ||
      fail "$side's $f changed: $(jq -r ".[0].$f" <<<"${!b_var}") -> $(jq -r ".[0].$f" <<<"${!a_var}")"
  done
done
[[ $(jq -r '.[0].children[0].spi_in' <<<"$after_a") == $(jq -r '.[0].children[0].spi_in' <<<"$before_a") ]] ||
  fail "a's CHILD_SA was replaced"
[[ $(jq -r '.[0].local_addr' <<<"$after_a") == 2001:db8:2::1 ]] || fail "a's local_addr: $(jq -r '.[0].local_addr' <<<"$after_a")"
[[ $(jq -r '.[0].remote_addr' <<<"$after_b") == 2001:db8:2::1 ]] || fail "b's remote_addr: $(jq -r '.[0].remote_addr' <<<"$after_b")"
grep -q "UPDATE_SA_ADDRESSES" "$A/ternd.log" || fail "a's log does not mention UPDATE_SA_ADDRESSES"
route_a=$(ip -n "$ns_a" -6 route get 2001:db8:b::1 from 2001:db8:a::1 2>&1 | head -n 1)
route_b=$(ip -n "$ns_b" -6 route get 2001:db8:a::1 from 2001:db8:b::1 2>&1 | head -n 1)
grep -q "dev tern0" <<<"$route_a" || fail "a's route to b's inner address left tern0: $route_a"
grep -q "dev tern0" <<<"$route_b" || fail "b's route to a's inner address left tern0: $route_b"
echo "  IPv6: IKE SPIs $(jq -r '.[0].spi_i + "_i " + .[0].spi_r + "_r"' <<<"$after_a") kept; b sees a at $(jq -r '.[0].remote_addr' <<<"$after_b"); routes via tern0"

checks_finish mobike_ipv6_test "logs: NETNS_KEEP_TMP=1"
