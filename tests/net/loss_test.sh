#!/bin/bash
# loss_test.sh TERND TERNCTL — two ternd over a link that loses 30 % of the
# packets at random, each direction (issue 10, "Loss"):
#
#   ns "a" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "b" 198.51.100.2 (lo 203.0.113.1)
#                                       nft in b: numgen random mod 100 < 30 drop (in and out)
#
#  1. `ternctl up` from a: the IKE SA and CHILD_SA still establish
#     (IKE_SA_INIT and IKE_AUTH retransmitted, RFC 7296 §2.1), both ends
#     agree on the SPIs, and pings get through the tunnel.
#  2. With short lifetimes on a (child rekey_time 8s, IKE rekey_time 15s,
#     generous hard limits), a rekeys the CHILD_SA and the IKE SA by itself,
#     through the same loss: a's counters show at least one completed child
#     rekey and one completed IKE rekey, and both ends end with one IKE SA
#     and one CHILD_SA whose SPIs pair up.
# Retransmits every second (retransmit_base 1.0) with 12 tries, so one
# exchange fails only if 13 request/response pairs in a row lose a packet
# (0.51^13, about 1 in 6000). Bounded: the whole test takes under 90 s.
# Needs root and nft; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/ternd.sh"
TERND=${1:?usage: loss_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: loss_test.sh TERND TERNCTL}

netns_init
netns_require_cmd jq ping nft
td_pair_topology
started=$SECONDS

# 30 % of the packets on b's end of the link are dropped, each direction.
netns_exec "$ns_b" nft -f - <<'EOF'
table inet loss {
  chain in {
    type filter hook input priority 0; policy accept;
    iifname "veth0" numgen random mod 100 < 30 counter drop
  }
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "veth0" numgen random mod 100 < 30 counter drop
  }
}
EOF

td_write_psk_conf "$A" name=to-b local_addr=198.51.100.1 remote_addr=198.51.100.2 \
  local_id=a.example.org remote_id=b.example.org psk="loss test secret" \
  proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
  local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net \
  ike_rekey_time=15s rand_time=1s child_rekey_time=8s child_rand_time=1s child_life_time=60s
td_write_psk_conf "$B" name=to-a local_addr=198.51.100.2 remote_addr=198.51.100.1 \
  local_id=b.example.org remote_id=a.example.org psk="loss test secret" \
  proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
  local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 child=net
for dir in "$A" "$B"; do
  sed -i -e 's/^retransmit_tries = .*/retransmit_tries = 12\nretransmit_base = 1.0/' "$dir/tern.toml"
done
# A hard limit far away, so that a rekey slowed down by the loss is not cut short.
sed -i -e 's/^rekey_time = \(.*\)/rekey_time = \1\nover_time = "60s"/' "$A/tern.toml"
grep -q '^over_time = "60s"' "$A/tern.toml" || td_die "could not add over_time to a's config"

td_start "$A" "$ns_a"
td_start "$B" "$ns_b"

# --- 1. the tunnel comes up through the loss
out=$(td_ctl "$A" up to-b 2>&1) || fail "ternctl up to-b: $out"
if ! td_wait_ike_count "$B" 1 ESTABLISHED 30 || ! td_wait_ike_count "$A" 1 ESTABLISHED 10; then
  fail "no ESTABLISHED IKE SA on both ends within 40 s of 30 % loss"
  checks_finish loss_test "see the ternd logs under $NETNS_TMP"
fi
echo "  established after $((SECONDS - started)) s; a retransmitted $(td_ctl "$A" stats --json | jq -r .counters.retransmits_sent) requests"

# Both ends: one ESTABLISHED IKE SA with the same SPIs, one child each, SPIs paired. (An
# old IKE SA may linger in DELETING on a when the answer to its Delete was lost: b has
# deleted it and answers the retransmits only with an unprotected N(INVALID_IKE_SPI),
# which a must not trust (RFC 7296 §1.5), so a waits until its retransmits run out.)
pair_up() {
  local a b
  a=$(td_sas "$A" | jq -r '[.[] | select(.state == "ESTABLISHED")] |
        if length == 1 and (.[0].children | length) == 1
        then "\(.[0].spi_i) \(.[0].spi_r) \(.[0].children[0].spi_in) \(.[0].children[0].spi_out)" else "-" end')
  b=$(td_sas "$B" | jq -r '[.[] | select(.state == "ESTABLISHED")] |
        if length == 1 and (.[0].children | length) == 1
        then "\(.[0].spi_i) \(.[0].spi_r) \(.[0].children[0].spi_out) \(.[0].children[0].spi_in)" else "-" end')
  [[ $a != - && $a == "$b" ]]
}
wait_for 10 "both ends to agree on the SAs" pair_up || fail "a and b disagree: a $(td_sas "$A" | jq -c .), b $(td_sas "$B" | jq -c .)"
ping_out=$(netns_exec "$ns_a" ping -q -c 20 -i 0.1 -W 1 203.0.113.1 2>&1 || true)
echo "  ping through the tunnel: $(grep -E 'packets transmitted' <<<"$ping_out" || echo none)"
grep -qE ' [1-9][0-9]* received' <<<"$ping_out" || fail "no ping got through the tunnel (30 % loss each way): $ping_out"

# --- 2. a rekeys the child and the IKE SA by itself, through the loss
counter() { td_ctl "$1" stats --json | jq -r ".counters.$2"; }
rekeyed() {
  (($(counter "$A" child_rekeys_completed) >= 1 && $(counter "$A" ike_rekeys_completed) >= 1))
}
if ! wait_for $((85 - (SECONDS - started))) "a child rekey and an IKE rekey to complete" rekeyed; then
  fail "within 85 s: child_rekeys_completed $(counter "$A" child_rekeys_completed), ike_rekeys_completed $(counter "$A" ike_rekeys_completed) (started $(counter "$A" child_rekeys_started) / $(counter "$A" ike_rekeys_started))"
fi
echo "  after $((SECONDS - started)) s: a completed $(counter "$A" child_rekeys_completed) child and $(counter "$A" ike_rekeys_completed) IKE rekeys; failed $(counter "$A" child_rekeys_failed) / $(counter "$A" ike_rekeys_failed)"
wait_for 10 "both ends to agree on the SAs after the rekeys" pair_up ||
  fail "after the rekeys a and b disagree: a $(td_sas "$A" | jq -c .), b $(td_sas "$B" | jq -c .)"
echo "  nft dropped: $(netns_exec "$ns_b" nft list table inet loss | grep -o 'packets [0-9]*' | tr '\n' ' ')"
((SECONDS - started < 90)) || fail "took $((SECONDS - started)) s (bound: 90 s)"

td_stop "$A"
td_stop "$B"
checks_finish loss_test "see the ternd logs under $NETNS_TMP"
