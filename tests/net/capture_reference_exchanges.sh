#!/bin/bash
# capture_reference_exchanges.sh — maintainer tool, NOT part of the test suite.
#
# For each IKE suite, runs a strongSwan initiator and a strongSwan responder in
# two network namespaces of their own (198.51.100.1 <-> 198.51.100.2, PSK,
# initiator@example.org / responder@example.org), captures the exchanges on
# the responder's veth (IKE_SA_INIT, IKE_AUTH, then the INFORMATIONAL that
# deletes the IKE_SA) and stores under tests/data/strongswan/<suite>/:
#   exchange.pcap                      the capture (libpcap format)
#   messages/NN-<EXCHANGE>-<request|response>.hex   each IKE message (UDP
#                                      payload, non-ESP marker stripped)
#   keys.txt                           keys and inputs from the initiator's
#                                      charon log (ike = 4) and the packets
# tests/data/strongswan/README.md documents the formats.
#
# It then checks keys.txt against openssl (SKEYSEED and SK_d recomputed from
# Ni, Nr, g^ir, SPIs), that tshark dissects the capture without a malformed
# packet and, where Wireshark knows the algorithms, that a decryption-table
# line built from keys.txt decrypts IKE_AUTH (IDi and IDr visible, AUTH data
# equal to the logged AUTH).
#
# Usage (root): tests/net/capture_reference_exchanges.sh [-o OUTDIR] [-k] [SUITE...]
#   -o OUTDIR  where the suite directories go (default tests/data/strongswan)
#   -k         keep the scratch directory (charon logs, configs) for inspection
#   SUITE      strongSwan IKE proposal keywords; default: the reference list
# Exit status: 0 if every suite was captured and verified, 1 otherwise.
# Needs: iproute2, charon-systemd, strongswan-swanctl, libcharon-extra-plugins,
# libstrongswan-extra-plugins, libstrongswan-standard-plugins, tshark (dumpcap).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/netns.sh
source "$here/lib/netns.sh"
# shellcheck source=lib/strongswan.sh
source "$here/lib/strongswan.sh"

OUT="$here/../data/strongswan"
DEFAULT_SUITES=(
  aes128gcm16-prfsha256-x25519
  aes256-sha256-modp2048
  aes256gcm16-prfsha384-ecp384
  aes128-sha512-ecp521
  chacha20poly1305-prfsha256-x448
  aes256-sha384-modp3072
)
X448_FALLBACK=chacha20poly1305-prfsha256-ecp256
ESP_PROPOSAL=aes128gcm16
PSK=tern-reference-psk
ID_I=initiator@example.org
ID_R=responder@example.org
ADDR_I=198.51.100.1
ADDR_R=198.51.100.2
INNER_I=192.0.2.1/32  # an address inside TS_I, needed by kernel-libipsec
INNER_R=203.0.113.1/32
TS_I=192.0.2.0/24
TS_R=203.0.113.0/24

die() {
  echo "capture: $*" >&2
  exit 1
}

# ---- capture --------------------------------------------------------------

# capture_suite SUITE WORK — one initiator/responder run; leaves
# WORK/exchange.pcap and WORK/{ini,res}/charon.log.
capture_suite() {
  local suite=$1 work=$2 dumpcap_pid
  mkdir -p "$work"
  sw_start "$work/ini" "$NS_I"
  sw_start "$work/res" "$NS_R"
  sw_write_psk_conn "$work/ini" name=tern psk="$PSK" ike_proposal="$suite" \
    esp_proposal="$ESP_PROPOSAL" local_addr="$ADDR_I" remote_addr="$ADDR_R" \
    local_id="$ID_I" remote_id="$ID_R" local_ts="$TS_I" remote_ts="$TS_R"
  sw_write_psk_conn "$work/res" name=tern psk="$PSK" ike_proposal="$suite" \
    esp_proposal="$ESP_PROPOSAL" local_addr="$ADDR_R" remote_addr="$ADDR_I" \
    local_id="$ID_R" remote_id="$ID_I" local_ts="$TS_R" remote_ts="$TS_I"
  sw_load "$work/ini"
  sw_load "$work/res"

  # 6 packets: IKE_SA_INIT, IKE_AUTH, INFORMATIONAL (Delete), request+response.
  netns_spawn "$NS_R" "$work/dumpcap.out" timeout 60 dumpcap -q -P -i veth0 \
    -f "udp port 500 or udp port 4500" -a packets:6 -w "$work/exchange.pcap"
  dumpcap_pid=$NETNS_SPAWNED_PID
  wait_for 10 "dumpcap to start" grep -q "^Capturing on" "$work/dumpcap.out" ||
    die "dumpcap did not start: $(cat "$work/dumpcap.out")"

  sw_initiate "$work/ini" tern 10
  sw_wait_established "$work/ini" tern 10
  sw_wait_established "$work/res" tern 10
  sw_terminate "$work/ini" tern 10

  wait_for 5 "dumpcap to see 6 packets" pid_gone "$dumpcap_pid" ||
    echo "capture: $suite: fewer than 6 packets seen, stopping dumpcap" >&2
  netns_stop_pid "$dumpcap_pid" 5
  sw_stop "$work/ini"
  sw_stop "$work/res"
  [[ -s $work/exchange.pcap ]] || die "$suite: empty capture"
}

pid_gone() {
  ! kill -0 "$1" 2>/dev/null
}

# x448_supported — start a throw-away initiator and ask for CURVE_448.
x448_supported() {
  local dir="$NETNS_TMP/algs" rc=0
  sw_start "$dir" "$NS_I"
  sw_swanctl "$dir" --list-algs >"$dir/algs.txt" 2>&1 || rc=1
  sw_stop "$dir"
  ((rc == 0)) || die "swanctl --list-algs failed"
  grep -q "CURVE_448" "$dir/algs.txt"
}

# ---- extraction -----------------------------------------------------------

# exchange_name TYPE — RFC 7296 name of an IKEv2 exchange type number.
exchange_name() {
  case $1 in
    34) echo IKE_SA_INIT ;;
    35) echo IKE_AUTH ;;
    36) echo CREATE_CHILD_SA ;;
    37) echo INFORMATIONAL ;;
    *) echo "EXCHANGE$1" ;;
  esac
}

# extract_messages PCAP DIR — DIR/NN-<EXCHANGE>-<request|response>.hex for
# each IKE message in PCAP (keepalives and ESP-in-UDP skipped).
extract_messages() {
  local pcap=$1 dir=$2 sport dport hex n=0 type flags role
  mkdir -p "$dir"
  while IFS=$'\t' read -r sport dport hex; do
    hex=${hex,,}
    if [[ $sport == 4500 || $dport == 4500 ]]; then
      [[ $hex == 00000000* ]] || continue  # keepalive (ff) or ESP
      hex=${hex:8}
    fi
    ((${#hex} >= 56)) || continue  # shorter than an IKE header
    type=$((16#${hex:36:2}))
    flags=$((16#${hex:38:2}))
    role=request
    ((flags & 0x20)) && role=response
    n=$((n + 1))
    fold -w 64 <<<"$hex" >"$dir/$(printf %02d "$n")-$(exchange_name "$type")-$role.hex"
  done < <(HOME="$NETNS_TMP/home" tshark -r "$pcap" -Y udp -T fields \
    -e udp.srcport -e udp.dstport -e udp.payload 2>/dev/null)
  ((n > 0)) || die "no IKE message in $pcap"
}

# message_hex DIR GLOB — the hex of the first message file matching GLOB.
message_hex() {
  local f
  for f in "$1"/$2; do
    [[ -f $f ]] && tr -d '\n' <"$f" && return 0
  done
  return 1
}

# log_blocks LOG — print "label<TAB>hex" for every "label => N bytes @ 0x..."
# hex dump in a charon log (continuation lines matched by thread id; the
# byte count is checked).
log_blocks() {
  awk '
    function flush(t) { delete label[t]; delete need[t]; delete buf[t] }
    {
      t = ""; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\[[A-Z]+\]$/) { t = $i; break }
      if (t == "") next
      rest = substr($0, index($0, t) + length(t) + 1)
      if (rest ~ / => [0-9]+ bytes @ 0x[0-9a-f]+$/) {
        p = index(rest, " => ")
        n = substr(rest, p + 4); sub(/ bytes.*/, "", n)
        label[t] = substr(rest, 1, p - 1); need[t] = n + 0; buf[t] = ""
        if (need[t] == 0) { printf "%s\t\n", label[t]; flush(t) }
        next
      }
      if ((t in label) && rest ~ /^ *[0-9]+: /) {
        h = substr(rest, index(rest, ": ") + 2, 48); gsub(/ /, "", h)
        buf[t] = buf[t] tolower(h)
        if (length(buf[t]) >= 2 * need[t]) {
          if (length(buf[t]) == 2 * need[t] && buf[t] ~ /^[0-9a-f]+$/)
            printf "%s\t%s\n", label[t], buf[t]
          else
            printf "BAD_DUMP %s\t\n", label[t]
          flush(t)
        }
        next
      }
      flush(t)
    }' "$1"
}

# block NTH LABEL — hex of the NTH (1-based) block with LABEL from $BLOCKS.
block() {
  awk -F'\t' -v nth="$1" -v want="$2" \
    '$1 == want && ++seen == nth { print $2; exit }' "$BLOCKS"
}

# write_keys SUITE WORK MSGDIR OUT — keys.txt (format: README.md).
write_keys() {
  local suite=$1 work=$2 msgs=$3 out=$4 log="$2/ini/charon.log" k v resp
  BLOCKS="$work/blocks.tsv"
  log_blocks "$log" >"$BLOCKS"
  ! grep -q '^BAD_DUMP' "$BLOCKS" || die "$suite: unparsable hex dump in $log"
  resp=$(message_hex "$msgs" "*-IKE_SA_INIT-response.hex") ||
    die "$suite: no IKE_SA_INIT response"
  {
    echo "# strongSwan $(dpkg-query -W -f='${Version}' charon-systemd 2>/dev/null ||
      echo '?') reference exchange; format: ../README.md"
    echo "ike_proposal = $suite"
    echo "selected_proposal = $(grep -o 'selected proposal: IKE:[^ ]*' "$log" |
      head -n 1 | sed 's/.*IKE://')"
    echo "esp_proposal = $ESP_PROPOSAL"
    echo "psk = $PSK"
    echo "id_i = $ID_I"
    echo "id_r = $ID_R"
    echo "SPIi = ${resp:0:16}"
    echo "SPIr = ${resp:16:16}"
    echo "Ni = $(nonce_of "$work/exchange.pcap" 0)"
    echo "Nr = $(nonce_of "$work/exchange.pcap" 1)"
    for k in "g_ir:shared Diffie Hellman secret" "SKEYSEED:SKEYSEED" \
      "SK_d:Sk_d secret" "SK_ai:Sk_ai secret" "SK_ar:Sk_ar secret" \
      "SK_ei:Sk_ei secret" "SK_er:Sk_er secret" "SK_pi:Sk_pi secret" \
      "SK_pr:Sk_pr secret"; do
      echo "${k%%:*} = $(block 1 "${k#*:}")"
    done
    echo "RestOfInitIDPayload = $(block 1 "IDx'")"
    echo "InitiatorSignedOctets = $(block 1 "octets = message + nonce + prf(Sk_px, IDx')")"
    echo "AUTH_i = $(block 1 "AUTH = prf(prf(secret, keypad), octets)")"
    echo "RestOfRespIDPayload = $(block 2 "IDx'")"
    echo "ResponderSignedOctets = $(block 2 "octets = message + nonce + prf(Sk_px, IDx')")"
    echo "AUTH_r = $(block 2 "AUTH = prf(prf(secret, keypad), octets)")"
  } >"$out"
  for k in SPIi SPIr Ni Nr g_ir SKEYSEED SK_d SK_ei SK_er SK_pi SK_pr AUTH_i AUTH_r; do
    v=$(key_of "$out" "$k")
    [[ $v =~ ^[0-9a-f]+$ ]] || die "$suite: $k missing from $log / capture"
  done
}

# nonce_of PCAP RESPONSE_FLAG — Ni (0) or Nr (1) from the IKE_SA_INIT pair.
nonce_of() {
  HOME="$NETNS_TMP/home" tshark -r "$1" -T fields -e isakmp.nonce \
    -Y "isakmp.exchangetype == 34 && isakmp.flag_r == $2" 2>/dev/null |
    head -n 1 | tr -d ':' | tr 'A-F' 'a-f'
}

# key_of FILE NAME — the value of "NAME = value" in a keys.txt.
key_of() {
  awk -v k="$2" '$1 == k && $2 == "=" { print $3; exit }' "$1"
}

# ---- verification ---------------------------------------------------------

# check_dissection PCAP — no malformed packet, no error-level expert info.
check_dissection() {
  local v
  v=$(HOME="$NETNS_TMP/home" tshark -r "$1" -V 2>/dev/null) || return 1
  ! grep -q -E 'Malformed|\[Expert Info \(Error' <<<"$v"
}

# hmac DIGEST KEY_HEX DATA_HEX — HMAC with the openssl CLI, lower-case hex.
hmac() {
  # shellcheck disable=SC2001  # sed keeps the back-reference readable
  printf '%b' "$(sed 's/../\\x&/g' <<<"$3")" |
    openssl mac -digest "$1" -macopt "hexkey:$2" HMAC | tr 'A-F' 'a-f'
}

# check_key_schedule KEYS — recompute SKEYSEED = prf(Ni | Nr, g^ir) and
# SK_d = T1 of prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) (RFC 7296 2.14) with
# openssl; SK_d is one PRF output long for every PRF used here.
check_key_schedule() {
  local keys=$1 digest ni nr seed
  case $(key_of "$keys" selected_proposal) in
    */PRF_HMAC_SHA2_256/* | */PRF_HMAC_SHA2_256) digest=SHA256 ;;
    */PRF_HMAC_SHA2_384/* | */PRF_HMAC_SHA2_384) digest=SHA384 ;;
    */PRF_HMAC_SHA2_512/* | */PRF_HMAC_SHA2_512) digest=SHA512 ;;
    *) echo "unchecked (PRF)"; return 0 ;;
  esac
  ni=$(key_of "$keys" Ni)
  nr=$(key_of "$keys" Nr)
  seed=$(hmac "$digest" "$ni$nr" "$(key_of "$keys" g_ir)")
  [[ $seed == "$(key_of "$keys" SKEYSEED)" ]] ||
    { echo "FAILED (SKEYSEED)"; return 1; }
  [[ $(hmac "$digest" "$seed" "$ni$nr$(key_of "$keys" SPIi)$(key_of "$keys" SPIr)01") == \
    "$(key_of "$keys" SK_d)" ]] || { echo "FAILED (SK_d)"; return 1; }
  echo "ok"
}

# wireshark_alg SELECTED_PROPOSAL enc|integ — Wireshark's IKEv2 decryption
# table name for the proposal's algorithm; fails if Wireshark 4.0 has none.
wireshark_alg() {
  local p="/$1/"
  if [[ $2 == enc ]]; then
    case $p in
      */AES_GCM_16_128/*) echo "AES-GCM-128 with 16 octet ICV [RFC5282]" ;;
      */AES_GCM_16_256/*) echo "AES-GCM-256 with 16 octet ICV [RFC5282]" ;;
      */AES_CBC_128/*) echo "AES-CBC-128 [RFC3602]" ;;
      */AES_CBC_256/*) echo "AES-CBC-256 [RFC3602]" ;;
      *) return 1 ;;
    esac
  else
    case $p in
      */AES_GCM_*) echo "NONE [RFC4306]" ;;
      */HMAC_SHA2_256_128/*) echo "HMAC_SHA2_256_128 [RFC4868]" ;;
      */HMAC_SHA2_384_192/*) echo "HMAC_SHA2_384_192 [RFC4868]" ;;
      */HMAC_SHA2_512_256/*) echo "HMAC_SHA2_512_256 [RFC4868]" ;;
      *) return 1 ;;
    esac
  fi
}

# check_decryption SUITE_DIR — prints "ok", "unsupported (...)" or "FAILED (...)".
check_decryption() {
  local d=$1 keys="$1/keys.txt" sel enc integ line v auth
  sel=$(key_of "$keys" selected_proposal)
  if ! enc=$(wireshark_alg "$sel" enc) || ! integ=$(wireshark_alg "$sel" integ); then
    echo "unsupported (Wireshark 4.0 has no IKEv2 decryption for $sel)"
    return 0
  fi
  line="$(key_of "$keys" SPIi),$(key_of "$keys" SPIr),$(key_of "$keys" SK_ei)"
  line+=",$(key_of "$keys" SK_er),\"$enc\",$(key_of "$keys" SK_ai)"
  line+=",$(key_of "$keys" SK_ar),\"$integ\""
  v=$(HOME="$NETNS_TMP/home" tshark -r "$d/exchange.pcap" -V \
    -o "uat:ikev2_decryption_table:$line" 2>/dev/null) || true
  grep -q "Payload: Identification - Initiator" <<<"$v" ||
    { echo "FAILED (no Identification - Initiator)"; return 1; }
  grep -q "Payload: Identification - Responder" <<<"$v" ||
    { echo "FAILED (no Identification - Responder)"; return 1; }
  auth=$(HOME="$NETNS_TMP/home" tshark -r "$d/exchange.pcap" -T fields \
    -e isakmp.auth.data -Y "isakmp.exchangetype == 35" \
    -o "uat:ikev2_decryption_table:$line" 2>/dev/null | tr -d ':\n' | tr 'A-F' 'a-f')
  [[ $auth == "$(key_of "$keys" AUTH_i)$(key_of "$keys" AUTH_r)" ]] ||
    { echo "FAILED (decrypted AUTH data differs from the logged AUTH)"; return 1; }
  echo "ok"
}

# ---- main -----------------------------------------------------------------

main() {
  local suites=() opt suite work dest t0 ms status=0 dec sched summary=() i need
  while getopts "o:kh" opt; do
    case $opt in
      o) OUT=$OPTARG ;;
      k) NETNS_KEEP_TMP=1 ;;
      *) sed -n '2,28p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
    esac
  done
  shift $((OPTIND - 1))
  suites=("$@")
  ((${#suites[@]})) || suites=("${DEFAULT_SUITES[@]}")

  netns_init
  netns_require_cmd tshark dumpcap fold awk openssl dpkg-query
  sw_require || exit 1
  mkdir -p "$OUT" "$NETNS_TMP/home"
  OUT=$(cd "$OUT" && pwd)

  NS_I=$(netns_name ini)
  NS_R=$(netns_name res)
  netns_create "$NS_I" "$NS_R"
  netns_link "$NS_I" veth0 "$ADDR_I/24" "$NS_R" veth0 "$ADDR_R/24"
  netns_addr "$NS_I" lo "$INNER_I"
  netns_addr "$NS_R" lo "$INNER_R"

  for i in "${!suites[@]}"; do
    if [[ ${suites[i]} == *x448* ]] && ! x448_supported; then
      echo "capture: this strongSwan has no CURVE_448; using $X448_FALLBACK" >&2
      suites[i]=$X448_FALLBACK
    fi
  done

  for suite in "${suites[@]}"; do
    [[ $suite =~ ^[a-z0-9]+(-[a-z0-9]+)+$ ]] || die "bad suite name '$suite'"
    work="$NETNS_TMP/$suite"
    dest="$OUT/$suite"
    t0=$(date +%s%N)
    capture_suite "$suite" "$work"
    ms=$((($(date +%s%N) - t0) / 1000000))
    rm -rf -- "$dest"
    mkdir -p "$dest"
    install -m 0644 "$work/exchange.pcap" "$dest/exchange.pcap"
    extract_messages "$dest/exchange.pcap" "$dest/messages"
    write_keys "$suite" "$work" "$dest/messages" "$dest/keys.txt"
    for need in IKE_SA_INIT-request IKE_SA_INIT-response IKE_AUTH-request IKE_AUTH-response; do
      message_hex "$dest/messages" "*-$need.hex" >/dev/null ||
        die "$suite: no $need in the capture"
    done
    sched=$(check_key_schedule "$dest/keys.txt") || status=1
    if check_dissection "$dest/exchange.pcap"; then
      dec=$(check_decryption "$dest") || status=1
    else
      dec="not tried (malformed packet in tshark -V)"
      status=1
    fi
    summary+=("$(printf '%-32s %4d ms  %d messages  keys: %s  decrypt: %s' \
      "$suite" "$ms" "$(find "$dest/messages" -name '*.hex' | wc -l)" "$sched" "$dec")")
  done

  printf '%s\n' "${summary[@]}"
  netns_cleanup
  # Nothing of this run may survive: no namespace, no process we started.
  if ip netns list | grep -q -- "-$$\b"; then
    echo "capture: a namespace of this run is left" >&2
    status=1
  fi
  return "$status"
}

main "$@"
