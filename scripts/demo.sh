#!/usr/bin/env bash
# tern's demo, as far as tern exists today. From a clone on Debian 12:
#   bash scripts/demo.sh
# 1. installs the Debian packages it needs (scripts/bootstrap.sh, idempotent;
#    needs root only if something is missing);
# 2. builds tern-exchange-demo (cmake + ninja in build/demo);
# 3. runs two tern IKEv2 engines (ike::Endpoint, the sans-I/O state machine)
#    in one process over an in-memory network: IKE_SA_INIT + IKE_AUTH with a
#    PSK (X25519, AES-GCM) and the first CHILD_SA; prints the engines' events
#    and writes the datagrams to a pcap and the IKE keys to a Wireshark keylog
#    in a temp dir;
# 4. has tshark dissect and decrypt that pcap with the keylog (scratch HOME,
#    so your own Wireshark settings are neither used nor touched) and prints
#    the interesting lines.
# The daemon (ternd) is not written yet: when it is, this becomes two daemons
# in network namespaces bringing up a tunnel. Exit status 0 on success.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${TERN_JOBS:-$(nproc)}
suite=${TERN_DEMO_SUITE:-aes128gcm16-prfsha256-x25519}

bash scripts/bootstrap.sh

echo "=== build tern-exchange-demo (build/demo)"
cmake -S "$root" -B build/demo -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTERN_TESTS=OFF >/dev/null
ninja -C build/demo -j "$jobs" tern-exchange-demo >/dev/null
demo=$root/build/demo/src/tools/tern-exchange-demo

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tern-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
home=$tmp/home  # tshark's scratch HOME: its ikev2_decryption_table is tern's keylog
mkdir -p "$home/.config/wireshark"
keylog=$home/.config/wireshark/ikev2_decryption_table

echo
echo "=== tern: two IKEv2 engines, suite $suite"
"$demo" --engine --suite "$suite" --pcap "$tmp/exchange.pcap" --keylog "$keylog"

tshark_() { env -u XDG_CONFIG_HOME HOME="$home" tshark "$@" 2>/dev/null; }

echo
echo "=== tshark: the capture tern wrote"
tshark_ -r "$tmp/exchange.pcap"

echo
echo "=== tshark: dissected and decrypted with tern's keylog (selected lines of tshark -V)"
tshark_ -r "$tmp/exchange.pcap" -V -O isakmp | grep -E \
  -e '^Frame [0-9]+' -e '^Internet Protocol' -e 'Exchange type:' -e 'Flags: ' -e 'Message ID:' \
  -e 'Payload: (Security Association|Key Exchange|Nonce|Notify|Encrypted|Identification|Authentication|Traffic Selector)' \
  -e 'Transform ID' -e 'Transform Attribute' -e 'DH Group #' -e 'Nonce DATA' -e 'Encrypted Data' -e 'Decrypted Data' \
  -e 'Identification Data' -e 'Authentication Method' -e '(Starting|Ending) Addr' -e 'SPI: ' \
  -e 'Integrity Checksum Data' |
  sed -E 's/^(Frame .*)$/\n\1/'

bad=$(tshark_ -r "$tmp/exchange.pcap" -Y '_ws.malformed || _ws.expert.severity >= warning')
correct=$(tshark_ -r "$tmp/exchange.pcap" -V -O isakmp | grep -c 'Integrity Checksum Data: .*\[correct\]' || true)
echo
if [[ -z $bad && $correct -eq 2 ]]; then
  echo "tshark: no malformed packets, no expert warnings; both Encrypted payloads decrypted, ICVs correct."
else
  echo "tshark reports problems ($correct of 2 ICVs correct):"
  echo "$bad"
  exit 1
fi
echo
echo "Note: ternd, the daemon, and the ESP data plane are not written yet. This demo runs tern's IKEv2"
echo "engine in one process (no sockets, no namespaces): the IKE SA and CHILD_SA keys are agreed, but no"
echo "tunnel device is set up and no ESP traffic flows."
