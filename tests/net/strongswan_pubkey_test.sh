#!/bin/bash
# strongswan_pubkey_test.sh TERND TERNCTL — ternd against a real strongSwan
# (charon-systemd + swanctl, kernel-libipsec) with X.509 certificates
# (auth = "pubkey" on both sides; docs/certificates.md).
#
#   ns "tern" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "sw" 198.51.100.2 (lo 203.0.113.1)
#
# The PKI is made at test time with the openssl command line (nothing is
# committed), one CA per case, the end entities with DNS subjectAltNames
# tern.example.org / sw.example.org, which are the IKE identities:
#   ecdsa    CA ECDSA P-256 -> end entities ECDSA P-256
#   ed25519  CA ECDSA P-256 -> end entities Ed25519 (RFC 8420, AUTH method 14)
#   rsa      CA RSA-2048    -> end entities RSA-2048 (2 levels)
#   rsa3072  CA RSA-3072 -> intermediate RSA-3072 -> end entities RSA-3072
#            (3 levels; tern's chain is in its cert file, strongSwan's
#            intermediate in x509/; each side sends it as a second CERT)
# For each case and each direction (tern initiates with `ternctl up`,
# strongSwan with `swanctl --initiate`): both sides report the IKE SA
# ESTABLISHED with the peer's identity, ternd's log names the AUTH methods,
# ping crosses the tunnel, the initiator deletes it.
#
# Then tern holds two certificates (RSA and ECDSA, from two CAs) and must sign
# with the one strongSwan's CERTREQ asks for, both directions.
#
# IKE fragmentation: the rsa3072 IKE_AUTH messages (about 3 KB) exceed
# tern's fragment_size (1280) and strongSwan's: both ends announce
# IKEV2_FRAGMENTATION_SUPPORTED, so they go as RFC 7383 fragments both ways,
# which the test checks in tern's counters.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/ternd.sh"

TERND=${1:?usage: strongswan_pubkey_test.sh TERND TERNCTL}
TERNCTL=${2:?usage: strongswan_pubkey_test.sh TERND TERNCTL}

netns_init
netns_require_cmd openssl
td_pair_topology tern sw
ns_t=$ns_a ns_s=$ns_b T=$A S=$B

# --- the PKI (openssl CLI) ---------------------------------------------------
pki=$NETNS_TMP/pki
mkdir -p "$pki"

genkey() {  # FILE TYPE(p256|ed25519|rsa2048)
  case $2 in
    p256) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null ;;
    ed25519) openssl genpkey -algorithm ED25519 -out "$1" 2>/dev/null ;;
    rsa2048) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null ;;
    rsa3072) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out "$1" 2>/dev/null ;;
  esac
  chmod 600 "$1"
}

make_pki() {  # CASE CA_TYPE EE_TYPE [intermediate]
  local d=$pki/$1 name issuer=ca
  mkdir -p "$d"
  genkey "$d/ca.key" "$2"
  openssl req -x509 -new -key "$d/ca.key" -subj "/C=CH/O=tern test/CN=$1 CA" -days 30 -out "$d/ca.pem" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  : >"$d/int.pem"
  if [[ ${4:-} == intermediate ]]; then
    genkey "$d/int.key" "$2"
    openssl req -new -key "$d/int.key" -subj "/C=CH/O=tern test/CN=$1 Intermediate CA" -out "$d/int.csr" 2>/dev/null
    printf '%s\n' "basicConstraints=critical,CA:true" "keyUsage=critical,keyCertSign,cRLSign" >"$d/int.ext"
    openssl x509 -req -in "$d/int.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 20 \
      -extfile "$d/int.ext" -out "$d/int.pem" 2>/dev/null
    issuer=int
  fi
  for name in tern sw; do
    genkey "$d/$name.key" "$3"
    openssl req -new -key "$d/$name.key" -subj "/C=CH/O=tern test/CN=$name.example.org" -out "$d/$name.csr" 2>/dev/null
    printf '%s\n' "basicConstraints=CA:false" "keyUsage=critical,digitalSignature" \
      "subjectAltName=DNS:$name.example.org" >"$d/$name.ext"
    openssl x509 -req -in "$d/$name.csr" -CA "$d/$issuer.pem" -CAkey "$d/$issuer.key" -CAcreateserial -days 10 \
      -extfile "$d/$name.ext" -out "$d/$name.pem" 2>/dev/null
  done
  # tern: the chain in the cert file (end entity, then the intermediate).
  cat "$d/tern.pem" "$d/int.pem" >"$d/tern-chain.pem"
}

make_pki ecdsa p256 p256
make_pki ed25519 p256 ed25519
make_pki rsa rsa2048 rsa2048
make_pki rsa3072 rsa3072 rsa3072 intermediate

# --- both sides' configuration for one case ----------------------------------
configure() {  # CASE
  local d=$pki/$1
  cat >"$T/tern.toml" <<EOF
[daemon]
control_socket = "$T/control.sock"
listen = ["198.51.100.1"]
log_level = "debug"
retransmit_timeout = "1s"
retransmit_tries = 3

[[connection]]
name = "sw"
local_addrs = ["198.51.100.1"]
remote_addrs = ["198.51.100.2"]
proposals = ["aes128gcm16-prfsha256-x25519"]
  [connection.local]
  auth = "pubkey"
  id = "tern.example.org"
  cert = "$d/tern-chain.pem"
  key = "$d/tern.key"
  [connection.remote]
  auth = "pubkey"
  id = "sw.example.org"
  cacerts = ["$d/ca.pem"]
  [[connection.child]]
  name = "net"
  local_ts = ["192.0.2.1/32"]
  remote_ts = ["203.0.113.1/32"]
  esp_proposals = ["aes128gcm16"]
EOF
  local sd=$S/swanctl
  rm -rf "$sd/x509" "$sd/x509ca" "$sd/private"
  mkdir -p "$sd/x509" "$sd/x509ca" "$sd/private"
  cp "$d/sw.pem" "$sd/x509/"
  [[ ! -s $d/int.pem ]] || cp "$d/int.pem" "$sd/x509/"  # strongSwan sends it with its own certificate
  cp "$d/ca.pem" "$sd/x509ca/"
  cp "$d/sw.key" "$sd/private/"
  cat >"$sd/swanctl.conf" <<EOF
# written by tests/net/strongswan_pubkey_test.sh
connections {
  tern {
    version = 2
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    proposals = aes128gcm16-prfsha256-x25519
    local {
      auth = pubkey
      certs = sw.pem
      id = sw.example.org
    }
    remote {
      auth = pubkey
      id = tern.example.org
    }
    children {
      tern {
        local_ts = 203.0.113.1/32
        remote_ts = 192.0.2.1/32
        esp_proposals = aes128gcm16
        start_action = none
      }
    }
  }
}
EOF
}

# --- run ----------------------------------------------------------------------
configure ecdsa
out=$("$TERND" --check-config "$T/tern.toml" 2>&1) || fail "ternd --check-config refused the pubkey config: $out"
grep -q "local certificate C=CH, O=tern test, CN=tern.example.org" <<<"$out" ||
  fail "ternd --check-config does not list the local certificate: $out"
td_start "$T" "$ns_t"
sw_start "$S" "$ns_s"

# ternctl list-certs: what ternd loaded, with the expiry.
certs=$(td_ctl "$T" list-certs --json) || fail "ternctl list-certs failed: $certs"
local_state=$(jq -r '[.[] | select(.role == "local")][0] | "\(.subject)|\(.state != "expired")|\(.days_left > 0)"' <<<"$certs")
[[ $local_state == "C=CH, O=tern test, CN=tern.example.org|true|true" ]] ||
  fail "ternctl list-certs: local certificate shows as '$local_state': $certs"
[[ $(jq '[.[] | select(.role == "ca")] | length' <<<"$certs") -ge 1 ]] ||
  fail "ternctl list-certs lists no CA certificate: $certs"
table=$(td_ctl "$T" list-certs) || fail "ternctl list-certs (table) failed"
grep -q "days left" <<<"$table" || fail "ternctl list-certs table lacks the days left: $table"
echo "  list-certs: $(jq -r '.[] | "\(.role) \(.subject) \(.state) \(.days_left)d"' <<<"$certs" | paste -sd ';')"

# One direction of one case: WHO (tern|sw) initiates; both sides reach
# ESTABLISHED, ternd's "IKE SA established" line holds EXPECT (when given),
# ping crosses the tunnel, the initiator deletes it.
establish_ping_delete() {  # LABEL WHO [EXPECT]
  local label=$1 who=$2 expect=${3:-} before line out rid
  before=$(grep -c "IKE SA established" "$T/ternd.log" || true)
  if [[ $who == tern ]]; then
    if ! out=$(td_ctl "$T" up sw 2>&1); then
      fail "$label: ternctl up: $out; ternd: $(grep -i 'auth' "$T/ternd.log" | tail -n 2)"
      return
    fi
  elif ! sw_initiate "$S" tern; then
    fail "$label: swanctl --initiate failed; ternd: $(grep -i 'auth' "$T/ternd.log" | tail -n 2)"
    return
  fi
  sw_wait_established "$S" tern 10 || fail "$label: strongSwan not ESTABLISHED"
  td_wait_ike_count "$T" 1 ESTABLISHED 10 || fail "$label: tern not ESTABLISHED"
  rid=$(td_sas "$T" | jq -r '.[0].remote_id')
  [[ $rid == "fqdn:sw.example.org" ]] || fail "$label: tern sees remote id '$rid'"
  line=$(grep "IKE SA established" "$T/ternd.log" | tail -n +$((before + 1)) | tail -n 1)
  [[ -z $expect ]] || grep -qF "$expect" <<<"$line" || fail "$label: expected '$expect' in: $line"
  echo "  $label: $(grep -o 'auth pubkey (sent .*' <<<"$line")"
  if out=$(netns_exec "$ns_t" ping -c 3 -i 0.2 -W 2 203.0.113.1 2>&1); then
    echo "  $label: ping through the tunnel: $(grep -o '[0-9]* received' <<<"$out")"
  else
    fail "$label: ping 192.0.2.1 -> 203.0.113.1 through the tunnel failed: $(tail -n 1 <<<"$out")"
  fi
  if [[ $who == tern ]]; then
    td_ctl "$T" down sw >/dev/null || fail "$label: ternctl down failed"
  else
    sw_terminate "$S" tern || fail "$label: swanctl --terminate failed"
  fi
  td_wait_ike_count "$T" 0 "" 10 || fail "$label: tern still has IKE SAs after the delete"
  sw_wait_deleted "$S" tern 10 || fail "$label: strongSwan still has the IKE SA after the delete"
}

for case in ecdsa ed25519 rsa rsa3072; do
  configure "$case"
  td_ctl "$T" reload >/dev/null || fail "$case: ternctl reload failed"
  sw_load "$S"
  for who in tern sw; do
    establish_ping_delete "$case ($who initiates)" "$who"
  done
done
frag=$(td_ctl "$T" stats --json | jq -r '"\(.counters.ike_messages_fragmented) \(.counters.ike_messages_reassembled)"')
read -r sent_frag got_frag <<<"$frag"
[[ $sent_frag -ge 1 && $got_frag -ge 1 ]] ||
  fail "rsa3072: tern fragmented $sent_frag and reassembled $got_frag IKE messages (RFC 7383); expected both"
echo "  IKE fragmentation (RFC 7383): tern sent $sent_frag messages as fragments, reassembled $got_frag"

# Two certificates for tern.example.org, RSA (rsa CA, listed first) and ECDSA
# (ecdsa CA); strongSwan trusts only the ecdsa CA, and its CERTREQ says so:
# tern must sign with the second one, in both directions.
configure ecdsa
sed -i -e "s|^  cert = .*|  cert = [\"$pki/rsa/tern-chain.pem\", \"$pki/ecdsa/tern-chain.pem\"]|" \
  -e "s|^  key = .*|  key = [\"$pki/rsa/tern.key\", \"$pki/ecdsa/tern.key\"]|" "$T/tern.toml"
td_ctl "$T" reload >/dev/null || fail "choice: ternctl reload failed"
sw_load "$S"
for who in tern sw; do
  establish_ping_delete "two certificates, CERTREQ chooses ($who initiates)" "$who" \
    "our certificate C=CH, O=tern test, CN=tern.example.org ($pki/ecdsa/tern-chain.pem)"
done

# A certificate from a CA tern does not trust: strongSwan initiates, tern refuses and says why.
configure ecdsa
sed -i "s|cacerts = \\[\"$pki/ecdsa/ca.pem\"\\]|cacerts = [\"$pki/rsa/ca.pem\"]|" "$T/tern.toml"
td_ctl "$T" reload >/dev/null || fail "untrusted: ternctl reload failed"
sw_load "$S"
if sw_initiate "$S" tern 5 >/dev/null 2>&1; then fail "untrusted: strongSwan's initiate succeeded"; fi
if line=$(grep -m 1 "is not a trusted CA" "$T/ternd.log"); then
  echo "  untrusted CA (strongSwan initiates): peer ${line#* peer }"
else
  fail "untrusted: ternd's log does not say the CA is not trusted: $(grep -i auth "$T/ternd.log" | tail -n 2)"
fi
stats=$(td_ctl "$T" stats --json | jq '.counters.authentication_failures')
[[ $stats -ge 1 ]] || fail "untrusted: authentication_failures is $stats"

# The same with tern initiating: strongSwan accepts tern and answers with its
# AUTH, tern refuses strongSwan's chain and tells it with an INFORMATIONAL
# N(AUTHENTICATION_FAILED) (RFC 7296 §2.21.2): strongSwan must not keep the
# IKE SA it believed established.
before=$(grep -c "is not a trusted CA" "$T/ternd.log" || true)
if td_ctl "$T" up sw >/dev/null 2>&1; then fail "untrusted: ternctl up succeeded"; fi
[[ $(grep -c "is not a trusted CA" "$T/ternd.log") -gt $before ]] ||
  fail "untrusted (tern initiates): ternd's log does not say the CA is not trusted"
if sw_wait_deleted "$S" tern 5; then
  echo "  untrusted CA (tern initiates): strongSwan removed its IKE SA after tern's AUTHENTICATION_FAILED"
else
  fail "untrusted (tern initiates): strongSwan still has the IKE SA tern refused: $(sw_swanctl "$S" --list-sas 2>&1 | head -n 3)"
fi

# And the other way round: strongSwan initiates, but trusts only the rsa CA:
# tern (responder) authenticates, strongSwan refuses tern's certificate and
# tells tern, which must remove the IKE SA at once rather than keep it.
configure ecdsa
rm -f "$S/swanctl/x509ca/"*
cp "$pki/rsa/ca.pem" "$S/swanctl/x509ca/"
td_ctl "$T" reload >/dev/null || fail "untrusted by strongSwan: ternctl reload failed"
# (charon keeps the CAs loaded before: clear them first)
sw_swanctl "$S" --load-creds --clear --noprompt >/dev/null 2>&1 || fail "untrusted by strongSwan: swanctl --load-creds --clear failed"
sw_load "$S"
before=$(grep -c "refused our authentication" "$T/ternd.log" || true)
if sw_initiate "$S" tern 5 >/dev/null 2>&1; then fail "untrusted by strongSwan: its initiate succeeded"; fi
if td_wait_ike_count "$T" 0 "" 5 && [[ $(grep -c "refused our authentication" "$T/ternd.log") -gt $before ]]; then
  echo "  untrusted by strongSwan: $(grep -o 'the peer .* refused our authentication[^;]*' "$T/ternd.log" | tail -n 1)"
else
  fail "untrusted by strongSwan: tern kept the IKE SA or did not say why: $(td_sas "$T" | jq -c '[.[].state]')"
fi

td_stop "$T"
sw_stop "$S"
checks_finish strongswan_pubkey_test "logs: keep with NETNS_KEEP_TMP=1"
