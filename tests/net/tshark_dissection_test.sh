#!/bin/bash
# tshark_dissection_test.sh DEMO [SUITE...] — tshark (Wireshark 4.0) reads
# tern-built IKEv2 messages the way tern meant them.
#
# For each suite (default: the four of src/tools/demo_suites.h) it runs DEMO
# (the tern-exchange-demo binary: tern's SCRIPTED IKE_SA_INIT + IKE_AUTH, not
# the daemon) into a temp dir with --pcap, --keylog and --json, then, with a
# scratch HOME whose ikev2_decryption_table is tern's keylog, checks:
#   1. no packet is malformed or carries expert info of severity warning or
#      error:  tshark -Y '_ws.malformed || _ws.expert.severity >= warning'
#      prints nothing;
#   2. tshark's fields equal the JSON summary: isakmp.ispi/rspi, exchangetype,
#      messageid, flags, length, payload types, NAT-D notifies, the IKE
#      transforms, nonces, KE group and data, and (decrypted) IDi/IDr type and
#      data, AUTH method, ESP SPIs and traffic selectors;
#   3. decryption works: -V shows "Identification - Initiator/Responder" in
#      the Encrypted payloads and both ICVs "[correct]" — and without the keylog
#      the identities are not visible (so the keylog is what decrypts them).
# Needs tshark and python3, no root. Prints one line per suite; on failure, a
# line naming the suite and the field, and exit status 1. Temp dirs are removed.
set -euo pipefail

demo=${1:?usage: tshark_dissection_test.sh DEMO [SUITE...]}
shift
suites=("$@")
((${#suites[@]})) || suites=(aes128gcm16-prfsha256-x25519 aes256-sha256-modp2048
  aes256gcm16-prfsha384-ecp384 aes128-sha512-ecp521)
for c in tshark python3; do
  command -v "$c" >/dev/null || { echo "tshark_dissection_test: '$c' not found" >&2; exit 1; }
done
[[ -x $demo ]] || { echo "tshark_dissection_test: $demo is not executable" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tern-tshark.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0

fields=(frame.number isakmp.ispi isakmp.rspi isakmp.exchangetype isakmp.messageid isakmp.flags
  isakmp.length isakmp.typepayload isakmp.notify.msgtype isakmp.notify.data isakmp.tf.id.encr
  isakmp.ike2.attr.key_length isakmp.tf.id.prf isakmp.tf.id.integ isakmp.tf.id.dh isakmp.nonce
  isakmp.key_exchange.dh_group isakmp.key_exchange.data isakmp.id.type isakmp.id.data.user_fqdn
  isakmp.id.data.fqdn isakmp.auth.method isakmp.spi isakmp.ts.start_ipv4 isakmp.ts.end_ipv4)

# run_tshark HOME ARGS... — tshark with a scratch HOME (its preferences and
# ikev2_decryption_table), never the caller's; stderr kept for error messages.
run_tshark() {
  local home=$1
  shift
  env -u XDG_CONFIG_HOME HOME="$home" tshark "$@" 2>>"$tmp/tshark.stderr"
}

# compare SUITE JSON FIELDS — field-by-field comparison, one line per mismatch.
compare() {
  python3 - "$@" <<'PY'
import json, sys
suite, json_path, fields_path = sys.argv[1:4]
x = json.load(open(json_path))
lines = open(fields_path).read().splitlines()
header = lines[0].split("\t")
frames = [dict(zip(header, l.split("\t"))) for l in lines[1:]]
errors = []

def check(n, field, got, want):
    if got != want:
        errors.append(f"suite {suite}: frame {n} {field}: tshark '{got}', tern '{want}'")

def values(f, field):
    return [v for v in f.get(field, "").split(",") if v != ""]

if len(frames) != 4:
    print(f"suite {suite}: tshark shows {len(frames)} frames, tern wrote 4")
    sys.exit(1)
t = x["ike_transforms"]
for n, (f, m) in enumerate(zip(frames, x["messages"]), 1):
    check(n, "isakmp.ispi", f["isakmp.ispi"], x["spi_i"])
    check(n, "isakmp.rspi", f["isakmp.rspi"], "0" * 16 if n == 1 else x["spi_r"])
    check(n, "isakmp.exchangetype", f["isakmp.exchangetype"], str(m["exchange"]))
    check(n, "isakmp.messageid", int(f["isakmp.messageid"], 16), m["message_id"])
    flags = int(f["isakmp.flags"], 16)
    check(n, "isakmp.flags (R)", bool(flags & 0x20), m["response"])
    check(n, "isakmp.flags (I)", bool(flags & 0x08), m["initiator"])
    check(n, "isakmp.length", f["isakmp.length"], str(m["length"]))
    # Payload types, proposals (2) and transforms (3) left out; SK's inner ones follow it.
    check(n, "isakmp.typepayload", [int(v) for v in values(f, "isakmp.typepayload") if v not in ("2", "3")],
          m["payloads"] + m["inner"])
    check(n, "isakmp.notify.msgtype", values(f, "isakmp.notify.msgtype"), [str(v["type"]) for v in m["notifies"]])
    check(n, "isakmp.notify.data", values(f, "isakmp.notify.data"), [v["data"] for v in m["notifies"]])
    if n <= 2:  # IKE_SA_INIT: SAi1/SAr1, KEi/KEr, Ni/Nr
        side = "i" if n == 1 else "r"
        check(n, "isakmp.tf.id.encr", values(f, "isakmp.tf.id.encr"), [str(t["encr"])])
        check(n, "isakmp.ike2.attr.key_length", values(f, "isakmp.ike2.attr.key_length"), [str(t["key_bits"])])
        check(n, "isakmp.tf.id.prf", values(f, "isakmp.tf.id.prf"), [str(t["prf"])])
        check(n, "isakmp.tf.id.integ", values(f, "isakmp.tf.id.integ"), [str(t["integ"])] if t["integ"] else [])
        check(n, "isakmp.tf.id.dh", values(f, "isakmp.tf.id.dh"), [str(t["ke"])])
        check(n, "isakmp.nonce", f["isakmp.nonce"], x["nonce_" + side])
        check(n, "isakmp.key_exchange.dh_group", f["isakmp.key_exchange.dh_group"], str(x["ke_group"]))
        check(n, "isakmp.key_exchange.data", f["isakmp.key_exchange.data"], x["ke_" + side])
    else:  # IKE_AUTH, decrypted: IDi/IDr, AUTH, SAi2/SAr2, TSi, TSr
        side = "i" if n == 3 else "r"
        ident = x["id_" + side]
        check(n, "isakmp.id.type", f["isakmp.id.type"], str(ident["type"]))
        data_field = "isakmp.id.data.user_fqdn" if ident["type"] == 3 else "isakmp.id.data.fqdn"
        check(n, data_field, f[data_field], ident["data"])
        check(n, "isakmp.auth.method", f["isakmp.auth.method"], str(x["auth_method"]))
        check(n, "isakmp.spi (ESP)", f["isakmp.spi"], x["esp_spi_" + side])
        check(n, "isakmp.tf.id.encr (ESP)", values(f, "isakmp.tf.id.encr"), ["20"])
        check(n, "isakmp.ts.start_ipv4", values(f, "isakmp.ts.start_ipv4"),
              [x["ts_i"].split("-")[0], x["ts_r"].split("-")[0]])
        check(n, "isakmp.ts.end_ipv4", values(f, "isakmp.ts.end_ipv4"),
              [x["ts_i"].split("-")[1].split()[0], x["ts_r"].split("-")[1].split()[0]])
for e in errors:
    print(e)
sys.exit(1 if errors else 0)
PY
}

fail() {  # SUITE MESSAGE
  echo "tshark_dissection_test: FAIL suite $1: $2" >&2
  status=1
}

# check_decrypted LABEL DIR HOME — tshark -V with the keylog shows IDi exactly
# once, IDr at least once (the engine's initiator also sends IDr, the identity
# it expects, §1.2), and both ICVs [correct].
check_decrypted() {
  local label=$1 dir=$2 home=$3
  run_tshark "$home" -r "$dir/x.pcap" -V -O isakmp >"$dir/verbose.txt"
  local v=$dir/verbose.txt
  [[ $(grep -c 'Payload: Identification - Initiator (35)' "$v") -eq 1 ]] ||
    fail "$label" "no decrypted 'Identification - Initiator' payload in tshark -V"
  [[ $(grep -c 'Payload: Identification - Responder (36)' "$v") -ge 1 ]] ||
    fail "$label" "no decrypted 'Identification - Responder' payload in tshark -V"
  [[ $(grep -c 'Integrity Checksum Data: .*\[correct\]' "$v") -eq 2 ]] ||
    fail "$label" "tshark does not report both Integrity Checksum Data as [correct]"
  ! grep -q '\[incorrect' "$v" || fail "$label" "tshark reports an incorrect ICV"
}

for suite in "${suites[@]}"; do
  dir=$tmp/$suite
  home=$dir/home
  mkdir -p "$home/.config/wireshark" "$dir/nokeys"
  keylog=$home/.config/wireshark/ikev2_decryption_table
  if ! "$demo" --suite "$suite" --pcap "$dir/x.pcap" --keylog "$keylog" --json >"$dir/x.json"; then
    fail "$suite" "tern-exchange-demo failed"
    continue
  fi

  # 1. Nothing malformed, no expert info of severity warning or error.
  bad=$(run_tshark "$home" -r "$dir/x.pcap" -Y '_ws.malformed || _ws.expert.severity >= warning') ||
    { fail "$suite" "tshark failed: $(tail -1 "$tmp/tshark.stderr")"; continue; }
  [[ -z $bad ]] || fail "$suite" "malformed packet or expert warning/error: $bad"

  # 2. Fields, decrypted with tern's keylog, against tern's own summary.
  args=()
  for f in "${fields[@]}"; do args+=(-e "$f"); done
  run_tshark "$home" -r "$dir/x.pcap" -T fields -E header=y -E occurrence=a -E aggregator=, "${args[@]}" \
    >"$dir/fields.tsv"
  if ! mismatches=$(compare "$suite" "$dir/x.json" "$dir/fields.tsv"); then
    fail "$suite" "fields differ:"$'\n'"$mismatches"
  fi

  # 3. Decryption: the identities inside SK, and both ICVs correct.
  check_decrypted "$suite" "$dir" "$home"
  [[ $(grep -c 'Payload: Identification - Responder (36)' "$dir/verbose.txt") -eq 1 ]] ||
    fail "$suite" "IDr should appear once (the scripted initiator does not send IDr)"
  # Without the keylog the identities stay hidden: the keylog is what decrypts.
  run_tshark "$dir/nokeys" -r "$dir/x.pcap" -V -O isakmp >"$dir/nokeys.txt"
  ! grep -q 'Payload: Identification - Initiator' "$dir/nokeys.txt" ||
    fail "$suite" "IDi visible without the keylog"

  ((status)) || echo "tshark_dissection_test: suite $suite: tshark dissects, decrypts and agrees"
done

# The same checks (but the field comparison, which needs the scripted
# summary) on messages built by tern's engine: two ike::Endpoints.
for suite in "${suites[@]}"; do
  dir=$tmp/engine-$suite
  home=$dir/home
  mkdir -p "$home/.config/wireshark"
  keylog=$home/.config/wireshark/ikev2_decryption_table
  if ! "$demo" --engine --suite "$suite" --pcap "$dir/x.pcap" --keylog "$keylog" >"$dir/events.txt"; then
    fail "engine $suite" "tern-exchange-demo --engine failed"
    continue
  fi
  bad=$(run_tshark "$home" -r "$dir/x.pcap" -Y '_ws.malformed || _ws.expert.severity >= warning') ||
    { fail "engine $suite" "tshark failed: $(tail -1 "$tmp/tshark.stderr")"; continue; }
  [[ -z $bad ]] || fail "engine $suite" "malformed packet or expert warning/error: $bad"
  check_decrypted "engine $suite" "$dir" "$home"
  ((status)) || echo "tshark_dissection_test: engine, suite $suite: tshark dissects and decrypts"
done

if ((status)); then
  echo "tshark_dissection_test: FAILED" >&2
else
  echo "tshark_dissection_test: all ${#suites[@]} suites passed (scripted and engine-built)"
fi
exit $status
