# shellcheck shell=bash
# nat.sh — a NAT box between two links, for NAT-traversal tests.
#
# Sourced by scripts under tests/net/ after lib/netns.sh. Layout (all
# documentation addresses):
#
#   ns_i  veth0 198.51.100.2/24 (lo 192.0.2.1)  --- in0 198.51.100.1/24  ns_n
#   ns_n  out0 203.0.113.1/24                   --- veth0 203.0.113.2/24 ns_r (lo 198.18.0.1)
#
# ns_n forwards and masquerades what leaves out0 (nftables, table ip
# tern_nat): the responder sees the initiator as 203.0.113.1 and has no
# route back to 198.51.100.0/24. ns_i's default route is the NAT.
#
# nat_remap PORTS — the NAT "reboots": UDP leaving out0 is masqueraded to
# source ports PORTS (e.g. 20000-20999) from now on, and the conntrack table
# is flushed, so the next datagram of every flow gets a new mapping (new
# outside port). Needs the `conntrack` tool (Debian package conntrack).
#
# Failure: functions print "nat: ..." on stderr and return non-zero.
#
# Usage:
#   nat_topology                  # sets ns_i ns_n ns_r, I=$NETNS_TMP/i R=$NETNS_TMP/r
#   nat_remap 20000-20999
#   nat_udp_mappings              # print conntrack's UDP entries in ns_n

nat_die() {
  echo "nat: $*" >&2
  return 1
}

nat_topology() {
  ns_i=$(netns_name ini)
  ns_n=$(netns_name nat)
  ns_r=$(netns_name res)
  netns_create "$ns_i" "$ns_n" "$ns_r"
  netns_link "$ns_i" veth0 198.51.100.2/24 "$ns_n" in0 198.51.100.1/24
  netns_link "$ns_n" out0 203.0.113.1/24 "$ns_r" veth0 203.0.113.2/24
  netns_addr "$ns_i" lo 192.0.2.1/32
  netns_addr "$ns_r" lo 198.18.0.1/32
  ip -n "$ns_i" route add default via 198.51.100.1 || nat_die "no default route in $ns_i" || return 1
  ip netns exec "$ns_n" sysctl -qw net.ipv4.ip_forward=1 || nat_die "cannot enable forwarding" || return 1
  nat_rules "" || return 1
  I=$NETNS_TMP/i
  R=$NETNS_TMP/r
  mkdir -p "$I" "$R"
}

# nat_rules [PORTS] — (re)write the masquerade rules; PORTS empty: keep source ports when free.
nat_rules() {
  local ports=${1:-}
  local udp_rule="meta l4proto udp masquerade"
  [[ -z $ports ]] || udp_rule="meta l4proto udp masquerade to :$ports"
  ip netns exec "$ns_n" nft -f - <<RULES || nat_die "nft rules in $ns_n refused"
table ip tern_nat
delete table ip tern_nat
table ip tern_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "out0" $udp_rule
    oifname "out0" masquerade
  }
}
RULES
}

nat_remap() {
  command -v conntrack >/dev/null 2>&1 ||
    nat_die "the conntrack tool is missing (apt-get install conntrack)" || return 1
  nat_rules "$1" || return 1
  ip netns exec "$ns_n" conntrack -F >/dev/null 2>&1 || nat_die "conntrack -F in $ns_n failed" || return 1
}

nat_udp_mappings() {
  ip netns exec "$ns_n" conntrack -L -p udp 2>/dev/null
}
