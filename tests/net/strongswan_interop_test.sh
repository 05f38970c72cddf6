#!/bin/bash
# strongswan_interop_test.sh TERND TERNCTL [SUITE...] — ternd against a real
# strongSwan (Debian charon-systemd + swanctl, kernel-libipsec), PSK.
#
#   ns "tern" 198.51.100.1 (lo 192.0.2.1) ---veth--- ns "sw" 198.51.100.2 (lo 203.0.113.1)
#
# For each suite (IKE proposal / ESP proposal, default the four of issue 4) and
# each direction (tern initiates with `ternctl up`, strongSwan initiates with
# `swanctl --initiate`):
#   - the tunnel comes up: `ternctl up` exits 0, swanctl reports ESTABLISHED;
#   - both sides report the same IKE SPIs, the same CHILD_SA SPIs (tern's
#     spi_in is strongSwan's spi-out and back), and the suite we asked for, in
#     `ternctl list-sas --json` and `swanctl --list-sas --raw`;
#   - strongSwan's kernel-libipsec fakes a NAT: both float to UDP 4500;
#   - ping (and, when tern initiates, a 2 s iperf3) crosses the tunnel: tern's
#     userspace ESP in UDP <-> kernel-libipsec;
#   - the initiator deletes the IKE SA and both sides forget it;
#   - tshark decrypts the captured exchange with ternd's keylog (IDi/IDr
#     visible, ICVs correct, no IKE message malformed) — except ChaCha20-Poly1305,
#     which Wireshark 4.0 cannot decrypt.
# Then a mismatch: strongSwan accepts only aes256-sha256-modp2048 and tern
# offers aes128gcm16-prfsha256-x25519: `ternctl up` exits 1 and says why; and
# the reverse direction: ternd's log explains the mismatch it refused.
# Between cases both daemons keep running: tern's config changes with
# `ternctl reload`, strongSwan's with `swanctl --load-all`.
# Needs root; every namespace and process is removed at exit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib/netns.sh"
source "$here/lib/checks.sh"
source "$here/lib/strongswan.sh"
source "$here/lib/ternd.sh"

TERND=${1:?usage: strongswan_interop_test.sh TERND TERNCTL [SUITE...]}
TERNCTL=${2:?usage: strongswan_interop_test.sh TERND TERNCTL [SUITE...]}
shift 2
suites=("$@")
((${#suites[@]})) || suites=(
  "aes128gcm16-prfsha256-x25519/aes128gcm16"
  "aes256gcm16-prfsha384-ecp384/aes256gcm16"
  "aes256-sha256-modp2048/aes256-sha256"
  "chacha20poly1305-prfsha256-x25519/chacha20poly1305")

netns_init
netns_require_cmd jq tshark dumpcap
td_pair_topology tern sw  # tern in ns_a (198.51.100.1), strongSwan in ns_b (198.51.100.2)
ns_t=$ns_a ns_s=$ns_b T=$A S=$B
psk="interop shared secret for tern"

configure() {  # IKE_PROPOSAL ESP_PROPOSAL [SW_IKE_PROPOSAL]
  td_write_psk_conf "$T" name=sw local_addr=198.51.100.1 remote_addr=198.51.100.2 \
    local_id=tern.example.org remote_id=sw.example.org psk="$psk" proposal="$1" esp_proposal="$2" \
    local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 child=net
  sw_write_psk_conn "$S" name=tern local_addr=198.51.100.2 remote_addr=198.51.100.1 \
    local_id=sw.example.org remote_id=tern.example.org psk="$psk" ike_proposal="${3:-$1}" \
    esp_proposal="$2" local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32
}

# The suite as each side names it, for comparison: "ENCR_KEYSIZE[/INTEG]/PRF/GROUP".
sw_ike_suite() {  # RAW
  local raw=$1 encr size integ prf dh
  encr=$(grep -o 'encr-alg=[A-Z0-9_]*' <<<"$raw" | head -1 | cut -d= -f2)
  size=$(grep -o 'encr-keysize=[0-9]*' <<<"$raw" | head -1 | cut -d= -f2)
  integ=$(grep -o 'integ-alg=[A-Z0-9_]*' <<<"$raw" | head -1 | cut -d= -f2 || true)
  prf=$(grep -o 'prf-alg=[A-Z0-9_]*' <<<"$raw" | head -1 | cut -d= -f2)
  dh=$(grep -o 'dh-group=[A-Z0-9_]*' <<<"$raw" | head -1 | cut -d= -f2)
  [[ -n $size || $encr != CHACHA20_POLY1305 ]] || size=256  # swanctl prints no key size for ChaCha20
  echo "${encr}_${size}${integ:+/$integ}/${prf}/${dh}"
}

field() {  # RAW NAME [NTH] — the NTH (default 1) value of NAME= in swanctl --raw output
  grep -o "$2=[^ ]*" <<<"$1" | sed -n "${3:-1}p" | cut -d= -f2
}

capture_start() {  # PCAP
  ip netns exec "$ns_t" dumpcap -q -i veth0 -f udp -w "$1" >"$NETNS_TMP/dumpcap.log" 2>&1 &
  capture_pid=$!
  netns_register_pid "$capture_pid"
  wait_for 10 "dumpcap" grep -q "Capturing on" "$NETNS_TMP/dumpcap.log" || true
  sleep 0.3
}

capture_stop() {
  sleep 0.5
  netns_stop_pid "$capture_pid" 5
}

tshark_check() {  # PCAP LABEL
  local pcap=$1 label=$2 home=$NETNS_TMP/tshark-home out bad
  mkdir -p "$home/.config/wireshark"
  cp "$T/keylog" "$home/.config/wireshark/ikev2_decryption_table"
  out=$(env -u XDG_CONFIG_HOME HOME="$home" tshark -r "$pcap" -V 2>&1 || true)
  # The IKE datagrams only: tern sends ESP in UDP with UDP_SEGMENT, and a
  # capture tap sees such a send as one unsegmented super-packet (up to 64 KiB,
  # which tshark flags) before the kernel cuts it into datagrams; the traffic
  # checks above show what arrives.
  bad=$(env -u XDG_CONFIG_HOME HOME="$home" tshark -r "$pcap" -Y 'isakmp && (_ws.malformed || _ws.expert.severity >= warning)' 2>/dev/null || true)
  grep -q "Payload: Identification - Initiator" <<<"$out" || fail "$label: tshark did not decrypt IDi with tern's keylog"
  grep -q "Payload: Identification - Responder" <<<"$out" || fail "$label: tshark did not decrypt IDr with tern's keylog"
  grep -q "\[correct\]" <<<"$out" || fail "$label: tshark found no correct ICV"
  [[ -z $bad ]] || fail "$label: tshark reports malformed packets or warnings: $bad"
}

compare_sas() {  # LABEL IKE_EXPECTED ESP_EXPECTED INITIATOR(tern|sw)
  local label=$1 want_ike=$2 want_esp=$3 who=$4 tj sw
  tj=$(td_sas "$T")
  sw=$(sw_swanctl "$S" --list-sas --ike tern --raw)
  [[ $(jq length <<<"$tj") == 1 ]] || { fail "$label: tern has $(jq length <<<"$tj") IKE SAs, want 1"; return; }
  local t_spi_i t_spi_r t_in t_out t_ike t_esp t_init t_rport
  t_spi_i=$(jq -r '.[0].spi_i' <<<"$tj")
  t_spi_r=$(jq -r '.[0].spi_r' <<<"$tj")
  t_in=$(jq -r '.[0].children[0].spi_in' <<<"$tj")
  t_out=$(jq -r '.[0].children[0].spi_out' <<<"$tj")
  t_ike=$(jq -r '.[0].proposal' <<<"$tj")
  t_esp=$(jq -r '.[0].children[0].proposal' <<<"$tj")
  t_init=$(jq -r '.[0].initiator' <<<"$tj")
  t_rport=$(jq -r '.[0].remote_port' <<<"$tj")
  [[ $t_spi_i == "$(field "$sw" initiator-spi)" ]] || fail "$label: SPIi tern $t_spi_i, strongSwan $(field "$sw" initiator-spi)"
  [[ $t_spi_r == "$(field "$sw" responder-spi)" ]] || fail "$label: SPIr tern $t_spi_r, strongSwan $(field "$sw" responder-spi)"
  [[ $t_in == "$(field "$sw" spi-out)" ]] || fail "$label: tern child spi_in $t_in, strongSwan spi-out $(field "$sw" spi-out)"
  [[ $t_out == "$(field "$sw" spi-in)" ]] || fail "$label: tern child spi_out $t_out, strongSwan spi-in $(field "$sw" spi-in)"
  [[ $t_ike == "$want_ike" ]] || fail "$label: tern IKE proposal '$t_ike', want '$want_ike'"
  [[ $(sw_ike_suite "$sw") == "$(sed 's/CURVE25519/CURVE_25519/' <<<"$want_ike")" ]] ||
    fail "$label: strongSwan IKE suite '$(sw_ike_suite "$sw")', want '$want_ike'"
  [[ $t_esp == "$want_esp" ]] || fail "$label: tern ESP proposal '$t_esp', want '$want_esp'"
  [[ $t_rport == 4500 ]] || fail "$label: tern talks to port $t_rport, want 4500 (strongSwan fakes a NAT)"
  if [[ $who == tern ]]; then
    [[ $t_init == true ]] || fail "$label: tern should be the initiator"
  else
    [[ $t_init == false ]] || fail "$label: tern should be the responder"
  fi
  echo "  $label: SPIs $t_spi_i/$t_spi_r child $t_in/$t_out, $t_ike, $t_esp"
}

# Expected list-sas proposal texts per IKE keyword string (tern's naming).
declare -A ike_text=(
  [aes128gcm16-prfsha256-x25519]="AES_GCM_16_128/PRF_HMAC_SHA2_256/CURVE25519"
  [aes256gcm16-prfsha384-ecp384]="AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384"
  [aes256-sha256-modp2048]="AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
  [chacha20poly1305-prfsha256-x25519]="CHACHA20_POLY1305_256/PRF_HMAC_SHA2_256/CURVE25519")
declare -A esp_text=(
  [aes128gcm16]="AES_GCM_16_128/NO_ESN"
  [aes256gcm16]="AES_GCM_16_256/NO_ESN"
  [aes256-sha256]="AES_CBC_256/HMAC_SHA2_256_128/NO_ESN"
  [chacha20poly1305]="CHACHA20_POLY1305_256/NO_ESN")

configure "${suites[0]%/*}" "${suites[0]#*/}"
td_start "$T" "$ns_t"
sw_start "$S" "$ns_s"
sw_load "$S"

for suite in "${suites[@]}"; do
  ike=${suite%/*}
  esp=${suite#*/}
  configure "$ike" "$esp"
  td_ctl "$T" reload >/dev/null || fail "$suite: ternctl reload failed"
  sw_load "$S"
  for who in tern sw; do
    label="$ike ($who initiates)"
    pcap=$NETNS_TMP/$who-$ike.pcap
    capture_start "$pcap"
    if [[ $who == tern ]]; then
      if ! out=$(td_ctl "$T" up sw 2>&1); then
        fail "$label: ternctl up: $out"
        capture_stop
        continue
      fi
    else
      sw_initiate "$S" tern || { fail "$label: swanctl --initiate failed"; capture_stop; continue; }
    fi
    sw_wait_established "$S" tern 10 || fail "$label: strongSwan not ESTABLISHED"
    td_wait_ike_count "$T" 1 ESTABLISHED 10 || fail "$label: tern not ESTABLISHED"
    compare_sas "$label" "${ike_text[$ike]}" "${esp_text[$esp]}" "$who"
    # Traffic crosses: tern's userspace ESP (UDP-encapsulated) <-> strongSwan's kernel-libipsec.
    if [[ $who == tern ]]; then  # TCP too, once per suite (bounded: 2 s)
      netns_spawn "$ns_s" "$NETNS_TMP/iperf3-server.log" iperf3 -s -1 -B 203.0.113.1
      sleep 0.5
      if out=$(netns_exec "$ns_t" timeout 20 iperf3 -c 203.0.113.1 -B 192.0.2.1 -t 2 -J 2>&1); then
        echo "  $label: iperf3 through the tunnel: $(jq '.end.sum_received.bits_per_second / 1e6 | floor' <<<"$out") Mbit/s"
      else
        fail "$label: iperf3 through the tunnel failed: $(tail -n 3 <<<"$out")"
      fi
    fi
    if out=$(netns_exec "$ns_t" ping -c 3 -i 0.2 -W 2 203.0.113.1 2>&1); then
      echo "  $label: ping through the tunnel: $(grep -o '[0-9]* received' <<<"$out")"
    else
      fail "$label: ping 192.0.2.1 -> 203.0.113.1 through the tunnel failed: $(tail -n 1 <<<"$out");" \
        "tern's data plane: $(td_ctl "$T" stats --json | jq -c "[.data_plane, .daemon, .counters.datagrams_received, .counters.dropped_malformed]");" \
        "child: $(td_sas "$T" | jq -c '.[0].children[0] | {packets_in, packets_out, replay_drops, auth_failures, dropped_in}')"
    fi
    if [[ $who == tern ]]; then
      td_ctl "$T" down sw >/dev/null || fail "$label: ternctl down failed"
    else
      sw_terminate "$S" tern || fail "$label: swanctl --terminate failed"
    fi
    td_wait_ike_count "$T" 0 "" 10 || fail "$label: tern still has IKE SAs after the delete"
    sw_wait_deleted "$S" tern 10 || fail "$label: strongSwan still has the IKE SA after the delete"
    capture_stop
    [[ $ike == chacha20poly1305* ]] || tshark_check "$pcap" "$label"
  done
done

# Mismatch, tern initiates: strongSwan accepts only aes256-sha256-modp2048.
configure aes128gcm16-prfsha256-x25519 aes128gcm16 aes256-sha256-modp2048
td_ctl "$T" reload >/dev/null || fail "mismatch: ternctl reload failed"
sw_load "$S"
if out=$(td_ctl "$T" up sw 2>&1); then
  fail "mismatch: ternctl up succeeded: $out"
else
  grep -q "NO_PROPOSAL_CHOSEN" <<<"$out" || fail "mismatch: ternctl up did not say NO_PROPOSAL_CHOSEN: $out"
  echo "  mismatch (tern initiates): $out"
fi
# Mismatch, strongSwan initiates: tern's log explains what each side offered.
if sw_initiate "$S" tern 5 2>/dev/null; then fail "mismatch: strongSwan's initiate succeeded"; fi
grep -q "proposal" "$T/ternd.log" || fail "mismatch: ternd's log does not explain the refused proposal"
grep -i "no proposal\|proposal mismatch\|NO_PROPOSAL" "$T/ternd.log" | tail -n 1 | sed 's/^/  mismatch (strongSwan initiates): /'

td_stop "$T"
sw_stop "$S"
checks_finish strongswan_interop_test "logs: keep with NETNS_KEEP_TMP=1"
