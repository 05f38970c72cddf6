#!/bin/bash
# mobike_path_test.sh TERND TERNCTL — MOBIKE path failure (RFC 4555 §3.5),
# ternd to ternd: the initiator has two addresses from the start (it
# announces the second as ADDITIONAL_IP4_ADDRESS); the path from the first
# one breaks while both addresses stay (nft in b drops what comes from
# 192.0.2.1). No address event tells a anything: its liveness check
# (dpd_delay 2 s) gets no answer, and after two retransmissions it tries its
# other address with UPDATE_SA_ADDRESSES instead of declaring b dead.
#
#   ns "a" veth0 192.0.2.1/24    ---- link 1 ----  ns "b" veth0 192.0.2.2/24
#   ns "a" veth1 198.51.100.1/24 ---- link 2 ----  ns "b" veth1 198.51.100.2/24
#   inner: a lo 203.0.113.1, b lo 203.0.113.2 (the tunnel's selectors)
#
#  1. up over 192.0.2.1, ping crosses;
#  2. b drops everything from 192.0.2.1; a pings every 0.2 s: within 10 s of
#     the break (dpd_delay 2 s, two retransmits of lib/ternd.sh's 1 s
#     retransmit_timeout, the 1 s data-plane poll) pings cross again (the
#     time is printed);
#  3. both ends still have one IKE SA with the SPIs of before, a now on
#     198.51.100.1:4500, b sees it there; a's log says it tried the other
#     address pair; no "peer not responding".
# Needs root and nft; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: mobike_path_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: mobike_path_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq nft ping
ns_a=$(netns_name pa)
ns_b=$(netns_name pb)
netns_create "$ns_a" "$ns_b"
netns_link "$ns_a" veth0 192.0.2.1/24 "$ns_b" veth0 192.0.2.2/24
netns_link "$ns_a" veth1 198.51.100.1/24 "$ns_b" veth1 198.51.100.2/24
netns_addr "$ns_a" lo 203.0.113.1/32
netns_addr "$ns_b" lo 203.0.113.2/32
for ns in "$ns_a" "$ns_b"; do
  netns_exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
done
A=$NETNS_TMP/a B=$NETNS_TMP/b
mkdir -p "$A" "$B"
psk="mobike path secret"
td_write_psk_conf "$A" name=to-b local_addr=192.0.2.1 remote_addr=192.0.2.2 listen=0.0.0.0 \
  local_id=a.example.org remote_id=b.example.org psk="$psk" dpd_delay=2s \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.1/32 remote_ts=203.0.113.2/32 child=net
td_write_psk_conf "$B" name=to-a local_addr=192.0.2.2 remote_addr=192.0.2.1 listen=0.0.0.0 \
  local_id=b.example.org remote_id=a.example.org psk="$psk" \
  proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.2/32 remote_ts=203.0.113.1/32 child=net
td_start "$A" "$ns_a"
td_start "$B" "$ns_b"

# --- 1. up over link 1
td_ctl "$A" up to-b >/dev/null || fail "ternctl up failed"
td_wait_ike_count "$B" 1 ESTABLISHED 10 || fail "b has no ESTABLISHED IKE SA"
ping_ok() { netns_exec "$ns_a" ping -c 1 -W 0.2 -I 203.0.113.1 203.0.113.2 >/dev/null 2>&1; }
wait_for 5 "ping over link 1" ping_ok || fail "no ping through the tunnel over link 1"
before_a=$(td_sas "$A")
before_b=$(td_sas "$B")
[[ $(jq -r '.[0].local_addr' <<<"$before_a") == 192.0.2.1 ]] || fail "a is not on 192.0.2.1: $before_a"

# --- 2. the path from 192.0.2.1 breaks; both addresses stay
netns_exec "$ns_b" nft -f - <<'NFT'
table inet pathcut {
  chain in {
    type filter hook input priority -10; policy accept;
    ip saddr 192.0.2.1 counter drop
  }
}
NFT
t0=$(date +%s%N)
for _ in $(seq 75); do
  ping_ok && break
  sleep 0.2
done
t1=$(date +%s%N)
ping_ok || fail "no ping through the tunnel within 15 s of the break"
took_ms=$(((t1 - t0) / 1000000))
echo "  path from 192.0.2.1 cut: ping through the tunnel back after ${took_ms} ms"
((took_ms <= 10000)) || fail "traffic came back after ${took_ms} ms, want <= 10000"

# --- 3. the same IKE SA, on a's other address
after_a=$(td_sas "$A")
after_b=$(td_sas "$B")
[[ $(jq length <<<"$after_a") == 1 && $(jq length <<<"$after_b") == 1 ]] || fail "not one IKE SA each"
for f in spi_i spi_r; do
  [[ $(jq -r ".[0].$f" <<<"$before_a") == $(jq -r ".[0].$f" <<<"$after_a") ]] || fail "a's $f changed"
  [[ $(jq -r ".[0].$f" <<<"$before_b") == $(jq -r ".[0].$f" <<<"$after_b") ]] || fail "b's $f changed"
done
[[ $(jq -r '.[0].children[0].spi_in' <<<"$after_a") == $(jq -r '.[0].children[0].spi_in' <<<"$before_a") ]] ||
  fail "a's CHILD_SA was replaced"
[[ $(jq -r '.[0].local_addr' <<<"$after_a") == 198.51.100.1 ]] || fail "a's local_addr: $(jq -r '.[0].local_addr' <<<"$after_a")"
[[ $(jq -r '.[0].remote_addr' <<<"$after_b") == 198.51.100.1 ]] || fail "b's remote_addr: $(jq -r '.[0].remote_addr' <<<"$after_b")"
grep -q "trying other address pairs" "$A/ternd.log" || fail "a's log does not say it tried another address pair"
if grep -q "peer not responding" "$A/ternd.log"; then fail "a declared b dead"; fi
echo "  IKE SPIs $(jq -r '.[0].spi_i + "_i " + .[0].spi_r + "_r"' <<<"$after_a") kept; b sees a at $(jq -r '.[0].remote_addr + ":" + (.[0].remote_port|tostring)' <<<"$after_b")"

checks_finish mobike_path_test "logs: NETNS_KEEP_TMP=1"
