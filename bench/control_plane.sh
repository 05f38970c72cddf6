#!/bin/bash
# control_plane.sh [BUILD_DIR] — the control-plane benchmark (issue 9): in one
# run on one machine, tern-load against ternd and against strongSwan charon
# (Debian charon-systemd, kernel-libipsec), each responder alone in its own
# network namespace, for PSK + X25519 and ECDSA P-256 certificates:
#   - setups/s (IKE_SA_INIT + IKE_AUTH with one CHILD_SA; COUNT setups,
#     CONC in flight), twice: "kept" (the responder keeps every SA, its
#     table grows to COUNT) and "churn" (tern-load deletes each IKE SA once
#     up, the table stays near CONC);
#   - CPU per setup: the responder's utime + stime (/proc/PID/stat, all its
#     threads) over each run divided by the setups, for ternd and charon;
#     setups per responder-CPU-second, charon/ternd on that basis, and the
#     fraction of the crypto bound (openssl speed's CPU per handshake side /
#     ternd's CPU per setup); and tern-load's own CPU per setup (when it is
#     as large as the responder's, the generator limits setups/s). On a
#     shared or small machine these are the fair figures: setups/s measure
#     the machine (tern-load shares its cores with the responder);
#   - median setup latency at concurrency 1 on an idle responder;
#   - RSS per IKE_SA + CHILD_SA: VmRSS of the responder before and after
#     RSS_SAS setups (ternd also up to RSS_SAS_BIG, charon as far as it gets
#     in the time left), the baseline after a warm-up of RSS_WARM (default
#     CONC) setups that are not counted (see rss_run);
#   - the crypto bound from `openssl speed` on this machine: handshake sides
#     per second per core that X25519 (keygen + derive), HMAC-SHA-256 and
#     AES-128-GCM allow (plus one ECDSA P-256 sign and two verifies with
#     certificates);
# and prints the ratios. Not a test: it asserts nothing but prints figures
# (docs/benchmarks.md records them). Bounded: every step gets its share of
# BENCH_BUDGET seconds (default 540), later steps shrink or are skipped.
# Needs root (namespaces); removes every namespace and process it made.
#
#   sudo bench/control_plane.sh build      # COUNT=5000 CONC=64 RSS_SAS=10000 RSS_SAS_BIG=100000
#   PARTS=rss RSS_RESPONDERS=ternd sudo -E bench/control_plane.sh build   # only ternd's RSS per SA
#   PARTS=rate RATE_RESPONDERS=ternd RATE_AUTHS=psk sudo -E bench/control_plane.sh build  # ~25 s: ternd PSK only
#   TERND_WORKERS=1 ...   # ternd's [daemon] workers (default "auto": one per CPU)
#   TERND_DATA_PLANE=none ...  # ternd's [daemon] data_plane for the "ternd" runs (default "tun")
#   MALLOC_COUNT=1 ...    # ternd under an LD_PRELOAD counter of malloc/calloc/realloc (bench/malloc_count.c,
#                         # built here with cc; or the path of a built .so): allocations per setup
#   PERF_EVENT=probe_libc:malloc PERF_FREQ=... # what perf samples (default: CPU time); this one needs
#                         # `perf probe -x /lib/x86_64-linux-gnu/libc.so.6 --add malloc` first (-d to remove)
#   PERF_DIR=/tmp/p ...   # also `perf record --call-graph dwarf` of the responder per run (CPU figures then include perf)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$(cd "${1:-$root/build}" && pwd)
TERND=$build/src/daemon/ternd
TERNCTL=$build/src/tools/ternctl
LOAD=$build/src/tools/tern-load
COUNT=${COUNT:-5000}
CONC=${CONC:-64}
LAT_COUNT=${LAT_COUNT:-300}
RSS_SAS=${RSS_SAS:-10000}
RSS_SAS_BIG=${RSS_SAS_BIG:-100000}
BENCH_BUDGET=${BENCH_BUDGET:-540}
PARTS=${PARTS:-rate,rss}                      # which parts run: rate (setups/s, latency), rss
RSS_RESPONDERS=${RSS_RESPONDERS:-ternd charon}  # whose RSS per SA is measured
# whose setups/s and CPU per setup are measured; ternd1: ternd with one worker (its event loop
# thread), PSK only, beside the default workers (see the CPU table's note); ternd_nodp: ternd
# with data_plane = "none" (CHILD_SAs negotiated, installed nowhere: the data plane out of the
# picture), PSK only
RATE_RESPONDERS=${RATE_RESPONDERS:-ternd ternd1 ternd_nodp charon}
RATE_AUTHS=${RATE_AUTHS:-psk ecdsa}
source "$root/tests/net/lib/netns.sh"
source "$root/tests/net/lib/strongswan.sh"
source "$root/tests/net/lib/ternd.sh"
for b in "$TERND" "$TERNCTL" "$LOAD"; do [[ -x $b ]] || { echo "missing $b (build it first)" >&2; exit 2; }; done

start_time=$SECONDS
mallocs() {  # PID: the counter's figure (0 without MALLOC_COUNT)
  [[ -n ${MALLOC_COUNT:-} ]] || { echo 0; return; }
  rm -f "$TERND.count"; kill -USR2 "$1"
  for _ in 1 2 3 4 5 6 7 8 9 10; do [[ -s $TERND.count ]] && break; sleep 0.05; done
  cat "$TERND.count" 2>/dev/null || echo 0
}
left() { echo $((BENCH_BUDGET - (SECONDS - start_time))); }

netns_init
if [[ -n ${MALLOC_COUNT:-} ]]; then  # ternd through a wrapper that keeps its PID (exec) and preloads the counter
  real_ternd=$TERND
  TERND=$NETNS_TMP/ternd-malloc
  if [[ $MALLOC_COUNT == 1 ]]; then
    MALLOC_COUNT=$TERND.so
    cc -O2 -shared -fPIC -o "$MALLOC_COUNT" "$here/malloc_count.c"
  fi
  printf '#!/bin/bash\nLD_PRELOAD=%q MALLOC_COUNT_FILE=%q exec %q "$@"\n' "$MALLOC_COUNT" "$TERND.count" "$real_ternd" >"$TERND"
  chmod +x "$TERND"
fi
netns_require_cmd jq openssl
td_pair_topology load resp  # tern-load in ns_a (198.51.100.1), the responder in ns_b (198.51.100.2)
psk="tern benchmark shared secret"
SW_LOG_DEFAULT=0
SW_LOG_IKE=0
SW_EXTRA_CONF="block_threshold = 100000
  cookie_threshold = 100000
  init_limit_half_open = 0"

# --- PKI: ECDSA P-256 CA, responder and initiator certificates --------------
pki=$NETNS_TMP/pki
mkdir -p "$pki"
genkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; chmod 600 "$1"; }
genkey "$pki/ca.key"
openssl req -x509 -new -key "$pki/ca.key" -subj "/C=CH/O=tern bench/CN=bench CA" -days 30 -out "$pki/ca.pem" \
  -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
for name in load resp; do
  genkey "$pki/$name.key"
  openssl req -new -key "$pki/$name.key" -subj "/C=CH/O=tern bench/CN=$name.example.org" -out "$pki/$name.csr" 2>/dev/null
  printf '%s\n' "basicConstraints=CA:false" "keyUsage=critical,digitalSignature" \
    "subjectAltName=DNS:$name.example.org" >"$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial -days 10 \
    -extfile "$pki/$name.ext" -out "$pki/$name.pem" 2>/dev/null
done

# --- responders ---------------------------------------------------------------
T=$B/ternd
S=$B/charon
mkdir -p "$T" "$S"

ternd_start() {  # AUTH(psk|ecdsa)
  local local_auth remote_auth secret=""
  if [[ $1 == psk ]]; then
    local_auth='auth = "psk"'$'\n''  id = "resp.example.org"'
    remote_auth='auth = "psk"'$'\n''  id = "load.example.org"'
    secret=$(printf '[[secret]]\ntype = "psk"\nids = ["resp.example.org", "load.example.org"]\nsecret = "%s"\n' "$psk")
  else
    local_auth="auth = \"pubkey\""$'\n'"  id = \"resp.example.org\""$'\n'"  cert = \"$pki/resp.pem\""$'\n'"  key = \"$pki/resp.key\""
    remote_auth="auth = \"pubkey\""$'\n'"  id = \"load.example.org\""$'\n'"  cacerts = [\"$pki/ca.pem\"]"
  fi
  cat >"$T/tern.toml" <<EOC
[daemon]
control_socket = "$T/control.sock"
listen = ["198.51.100.2"]
log_level = "warning"
workers = ${TERND_WORKERS:-\"auto\"}
data_plane = "${TERND_DATA_PLANE:-tun}"
cookie_threshold = 100000
cookie_threshold_ip = 100000

[[connection]]
name = "load"
local_addrs = ["198.51.100.2"]
remote_addrs = ["198.51.100.1"]
proposals = ["aes128gcm16-prfsha256-x25519"]
  [connection.local]
  $local_auth
  [connection.remote]
  $remote_auth
  [[connection.child]]
  name = "net"
  local_ts = ["203.0.113.1/32"]
  remote_ts = ["192.0.2.1/32"]
  esp_proposals = ["aes128gcm16"]

$secret
EOC
  td_start "$T" "$ns_b"
  responder_pid=$(<"$T/ternd.pid")
}
ternd_stop() { td_stop "$T" 5 >/dev/null 2>&1 || true; }
ternd1_start() { TERND_WORKERS=1 ternd_start "$@"; }
ternd1_stop() { ternd_stop; }
ternd_nodp_start() { TERND_DATA_PLANE=none ternd_start "$@"; }
ternd_nodp_stop() { ternd_stop; }

charon_start() {  # AUTH(psk|ecdsa)
  sw_start "$S" "$ns_b"
  if [[ $1 == psk ]]; then
    sw_write_psk_conn "$S" name=load local_addr=198.51.100.2 remote_addr=198.51.100.1 \
      local_id=resp.example.org remote_id=load.example.org psk="$psk" \
      ike_proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
      local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32
  else
    local sd=$S/swanctl
    mkdir -p "$sd/x509" "$sd/x509ca" "$sd/private"
    cp "$pki/resp.pem" "$sd/x509/"
    cp "$pki/ca.pem" "$sd/x509ca/"
    cp "$pki/resp.key" "$sd/private/"
    cat >"$sd/swanctl.conf" <<EOC
connections {
  load {
    version = 2
    local_addrs = 198.51.100.2
    remote_addrs = 198.51.100.1
    proposals = aes128gcm16-prfsha256-x25519
    local {
      auth = pubkey
      certs = resp.pem
      id = resp.example.org
    }
    remote {
      auth = pubkey
      id = load.example.org
    }
    children {
      load {
        local_ts = 203.0.113.1/32
        remote_ts = 192.0.2.1/32
        esp_proposals = aes128gcm16
        start_action = none
      }
    }
  }
}
EOC
  fi
  sw_load "$S"
  responder_pid=$(<"$S/charon.pid")
}
charon_stop() { sw_stop "$S" >/dev/null 2>&1 || true; rm -rf "$S/swanctl"; }

# --- tern-load ------------------------------------------------------------------
# CPU time of a process, all its threads: utime + stime from /proc/PID/stat
# (fields 14 and 15, after the parenthesised command name), in microseconds.
tck=$(getconf CLK_TCK)
cpu_us() { awk -v t="$tck" '{sub(/^.*\) /, ""); printf "%.0f", ($12 + $13) * 1e6 / t}' "/proc/$1/stat" 2>/dev/null || echo 0; }
declare -A cpu gen_cpu  # per run OUT: responder / tern-load CPU microseconds per setup
load() {  # OUT AUTH ARGS... — tern-load in ns_a; JSON in $NETNS_TMP/OUT.json
  local out=$1 auth=$2 before after n gen
  shift 2
  local creds=(--psk "$psk")
  [[ $auth == psk ]] || creds=(--auth pubkey --cert "$pki/load.pem" --key "$pki/load.key" --cacert "$pki/ca.pem")
  local perf_pid=""
  if [[ -n ${PERF_DIR:-} && $out != *_rss_* ]]; then  # a profile of the responder per run (CPU figures then include perf's cost)
    perf record -q ${PERF_EVENT:+-e "$PERF_EVENT"} -F "${PERF_FREQ:-1999}" -g --call-graph dwarf,16384 -p "$responder_pid" -o "$PERF_DIR/$out.data" \
      >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.5
  fi
  local m_before m_after
  m_before=$(mallocs "$responder_pid")
  before=$(cpu_us "$responder_pid")
  ip netns exec "$ns_a" /usr/bin/time -o "$NETNS_TMP/$out.time" -f '%U %S' "$LOAD" --target 198.51.100.2 \
    --local 198.51.100.1 "${creds[@]}" \
    --local-id load.example.org --remote-id resp.example.org --local-ts 192.0.2.1/32 --remote-ts 203.0.113.1/32 \
    --timeout 10s --json "$@" >"$NETNS_TMP/$out.json" 2>"$NETNS_TMP/$out.err" || true
  after=$(cpu_us "$responder_pid")
  m_after=$(mallocs "$responder_pid")
  if [[ -n $perf_pid ]]; then kill -INT "$perf_pid" 2>/dev/null || true; wait "$perf_pid" 2>/dev/null || true; fi
  n=$(get "$out" .succeeded)
  gen=$(awk '{printf "%.0f", ($1 + $2) * 1e6}' "$NETNS_TMP/$out.time" 2>/dev/null || echo 0)
  cpu[$out]=$(awk -v a="$after" -v b="$before" -v n="$n" 'BEGIN {printf "%.1f", (n > 0 ? (a - b) / n : 0)}')
  gen_cpu[$out]=$(awk -v g="$gen" -v n="$n" 'BEGIN {printf "%.1f", (n > 0 ? g / n : 0)}')
  jq -c '{succeeded, failed, setups_per_second, p50: .latency_us.p50, p99: .latency_us.p99, retransmits, failures}' \
    "$NETNS_TMP/$out.json" 2>/dev/null | sed "s/^/  $out: /" || echo "  $out: no report ($(head -c 300 "$NETNS_TMP/$out.err"))"
  echo "  $out: CPU per setup: responder ${cpu[$out]} us, tern-load ${gen_cpu[$out]} us"
  [[ -z ${MALLOC_COUNT:-} ]] ||
    echo "  $out: allocations per setup (responder): $(awk -v a="$m_after" -v b="$m_before" -v n="$n" 'BEGIN {printf "%.1f", (n > 0 ? (a - b) / n : 0)}')"
}
get() { jq -r "$2" "$NETNS_TMP/$1.json" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
# RSS_DETAIL=1: where the resident memory is (/proc/PID/smaps): the main
# thread's heap (glibc's main arena: ternd's loop thread, the data plane),
# other anonymous mappings (the worker threads' malloc arenas, 64 MB
# reservations each, thread stacks, large mmapped blocks), files.
rss_where() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = NF >= 6 ? $6 : "anon"; next }
       /^Rss:/ { if (name == "[heap]") h += $2; else if (name == "anon") { a += $2; if ($2 > 1024) n++ }
                 else f += $2 }
       END { printf "[heap] %d kB, anonymous %d kB (%d mappings over 1 MB: arenas), files and the rest %d kB", h, a, n, f }' \
    "/proc/$1/smaps"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(uname -r)"
echo "versions: strongSwan $(dpkg-query -W -f='${Version}' charon-systemd 2>/dev/null || echo '?'), tern $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- crypto bound (openssl speed, one core) ----------------------------------------
speed() { openssl speed -seconds 1 -mr "$@" 2>/dev/null; }
x25519=$(speed ecdhx25519 | awk -F: '/^\+F5:/ {print $4}')
ecdsa=$(speed ecdsap256 | awk -F: '/^\+F4:/ {print $4 " " $5}')
hmac=$(speed -bytes 64 -hmac sha256 | awk -F: '/^\+F:/ {print $4}')
gcm=$(speed -bytes 256 -evp aes-128-gcm | awk -F: '/^\+F:/ {print $4}')
read -r ecdsa_sign ecdsa_verify <<<"$ecdsa"
# One responder side of IKE_SA_INIT + IKE_AUTH (RFC 7296 §2.14-2.15):
#   X25519: a key pair and one derivation (2 scalar multiplications);
#   HMAC-SHA-256: SKEYSEED, prf+ for 7 IKE keys (5 blocks) and the CHILD_SA keys
#     (2 blocks), AUTH both ways with the PSK (2 x 2) and the ID MACs (2): 14;
#   AES-128-GCM: open the IKE_AUTH request, seal the answer (2 x 256 octets);
#   certificates: one ECDSA P-256 signature, two verifications (peer AUTH, its chain).
bound=$(awk -v x="$x25519" -v h="$hmac" -v g="$gcm" -v s="$ecdsa_sign" -v v="$ecdsa_verify" 'BEGIN {
  psk = 2 / x + 14 * 64 / h + 2 * 256 / g
  cert = psk + 1 / s + 2 / v
  printf "%.0f %.0f", 1 / psk, 1 / cert }')
read -r bound_psk bound_ecdsa <<<"$bound"
echo "openssl speed (1 core): X25519 ${x25519%.*}/s, ECDSA P-256 sign ${ecdsa_sign%.*}/s verify ${ecdsa_verify%.*}/s," \
  "HMAC-SHA-256 64 B $(awk -v h="$hmac" 'BEGIN {printf "%.0f", h / 64}')/s, AES-128-GCM 256 B $(awk -v g="$gcm" 'BEGIN {printf "%.0f", g / 256}')/s"
echo "crypto bound per core: PSK+X25519 $bound_psk handshake sides/s, ECDSA-P256 $bound_ecdsa"

# --- setups/s and latency ----------------------------------------------------------
declare -A rate p50 churn
for responder in $RATE_RESPONDERS; do
  [[ ,$PARTS, == *,rate,* ]] || break
  for auth in $RATE_AUTHS; do
    [[ $responder != ternd1 && $responder != ternd_nodp || $auth == psk ]] || continue
    if (($(left) < 60)); then echo "  $responder/$auth: skipped (time budget)"; continue; fi
    "${responder}_start" "$auth"
    sleep 0.5
    load "${responder}_${auth}_latency" "$auth" --count "$LAT_COUNT" --concurrency 1 --duration 20s
    load "${responder}_${auth}_rate" "$auth" --count "$COUNT" --concurrency "$CONC" --duration 40s
    rate[$responder/$auth]=$(get "${responder}_${auth}_rate" .setups_per_second)
    "${responder}_stop"
    "${responder}_start" "$auth"
    sleep 0.5
    # Churn: each IKE SA deleted once up, so the responder's table stays small.
    load "${responder}_${auth}_churn" "$auth" --count "$COUNT" --concurrency "$CONC" --duration 40s --delete
    churn[$responder/$auth]=$(get "${responder}_${auth}_churn" .setups_per_second)
    p50[$responder/$auth]=$(get "${responder}_${auth}_latency" .latency_us.p50)
    "${responder}_stop"
  done
done

# --- memory per SA -------------------------------------------------------------------
declare -A per_sa
rss_status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }  # PID FIELD (RssAnon, RssFile)
# The baseline is taken after a warm-up of RSS_WARM setups (default CONC), which
# stay and are not counted: the first handshakes page in the code they run
# (libcrypto's, libstdc++'s, ternd's own: file-backed pages, RssFile, ~2.3 MB
# for ternd) and create the worker threads' malloc arenas; that is memory of
# the process, not of its SAs, and divided by 10,000 SAs it would read as
# ~235 octets per SA. The figure from the start is printed too.
rss_run() {  # RESPONDER TARGET_SAS RESERVE_S (time left for what follows)
  local responder=$1 want=$2 reserve=$3 start before after made=0 warm step budget anon0 file0 anon file
  "${responder}_start" psk
  sleep 1
  start=$(rss_kb "$responder_pid")
  [[ -z ${RSS_DETAIL:-} ]] || echo "  $responder at start: $(rss_where "$responder_pid")"
  load "${responder}_rss_warm" psk --count "${RSS_WARM:-$CONC}" --concurrency "$CONC" --duration 20s
  warm=$(get "${responder}_rss_warm" .succeeded)
  made=$warm
  sleep 1
  before=$(rss_kb "$responder_pid")
  anon0=$(rss_status_kb "$responder_pid" RssAnon) file0=$(rss_status_kb "$responder_pid" RssFile)
  echo "  $responder: VmRSS ${start} kB at start, ${before} kB after a warm-up of $warm SAs (RssAnon ${anon0} kB, RssFile ${file0} kB)"
  [[ -z ${RSS_DETAIL:-} ]] || echo "    where: $(rss_where "$responder_pid")"
  for step in "$RSS_SAS" "$want"; do
    ((step > made)) || continue
    budget=$(($(left) - 30 - reserve))
    if ((budget < 10)); then echo "  $responder: stopped at $made SAs (time budget)"; break; fi
    load "${responder}_rss_$step" psk --count $((step - made)) --concurrency "$CONC" --duration "${budget}s"
    made=$((made + $(get "${responder}_rss_$step" .succeeded)))
    sleep 1
    after=$(rss_kb "$responder_pid")
    anon=$(rss_status_kb "$responder_pid" RssAnon) file=$(rss_status_kb "$responder_pid" RssFile)
    per_sa[$responder/$made]=$(awk -v a="$after" -v b="$before" -v n="$((made - warm))" 'BEGIN {printf "%.0f", (a - b) * 1024 / n}')
    echo "  $responder: $made SAs, VmRSS ${before} kB -> ${after} kB: ${per_sa[$responder/$made]} octets per IKE_SA + CHILD_SA" \
      "(RssAnon $(awk -v a="$anon" -v b="$anon0" -v n="$((made - warm))" 'BEGIN {printf "%.0f", (a - b) * 1024 / n}'), RssFile +$((file - file0)) kB;" \
      "from the start: $(awk -v a="$after" -v b="$start" -v n="$made" 'BEGIN {printf "%.0f", (a - b) * 1024 / n}'))"
    [[ -z ${RSS_DETAIL:-} ]] || echo "    where: $(rss_where "$responder_pid")"
  done
  "${responder}_stop"
}
if [[ ,$PARTS, == *,rss,* ]]; then
  [[ " $RSS_RESPONDERS " != *" ternd "* ]] || rss_run ternd "$RSS_SAS_BIG" \
    "$([[ " $RSS_RESPONDERS " == *" charon "* ]] && echo 120 || echo 0)"  # charon's turn keeps 120 s
  [[ " $RSS_RESPONDERS " != *" charon "* ]] || rss_run charon "$RSS_SAS_BIG" 0
fi

# --- summary -----------------------------------------------------------------------------
echo
echo "summary (setups/s: IKE_SA + CHILD_SA, $COUNT setups, $CONC in flight; kept: the responder keeps every SA;"
echo "  churn: each deleted once up; crypto bound: of one core; ternd runs ${TERND_WORKERS:-its default} workers, default one per CPU)"
for auth in $RATE_AUTHS; do
  t=${rate[ternd/$auth]:-0} c=${rate[charon/$auth]:-0}
  b=$([[ $auth == psk ]] && echo "$bound_psk" || echo "$bound_ecdsa")
  awk -v a="$auth" -v t="$t" -v c="$c" -v b="$b" -v lt="${p50[ternd/$auth]:-0}" -v lc="${p50[charon/$auth]:-0}" \
    -v tc="${churn[ternd/$auth]:-0}" -v cc="${churn[charon/$auth]:-0}" 'BEGIN {
    printf "  %-6s kept:  ternd %7.0f/s  charon %7.0f/s  ternd/charon %5.2fx  ternd/crypto bound (1 core) %5.1f %%\n",
      a, t, c, (c > 0 ? t / c : 0), (b > 0 ? 100 * t / b : 0)
    printf "  %-6s churn: ternd %7.0f/s  charon %7.0f/s  ternd/charon %5.2fx  ternd/crypto bound (1 core) %5.1f %%\n",
      a, tc, cc, (cc > 0 ? tc / cc : 0), (b > 0 ? 100 * tc / b : 0)
    printf "  %-6s p50 latency at concurrency 1: ternd %.3f ms, charon %.3f ms\n", a, lt / 1000, lc / 1000 }'
done
echo
echo "CPU per setup (utime + stime of the responder process, all threads, over each run; churn includes the"
echo "  delete; per CPU-second: setups per second of responder CPU; crypto bound: openssl speed's µs per"
echo "  handshake side / the responder's µs per setup; tern-load: the generator's own CPU per setup)"
for auth in $RATE_AUTHS; do
  b=$([[ $auth == psk ]] && echo "$bound_psk" || echo "$bound_ecdsa")
  for mode in rate churn; do
    awk -v a="$auth" -v m="$([[ $mode == rate ]] && echo kept || echo churn)" -v b="$b" \
      -v t="${cpu[ternd_${auth}_$mode]:-0}" -v c="${cpu[charon_${auth}_$mode]:-0}" \
      -v gt="${gen_cpu[ternd_${auth}_$mode]:-0}" -v gc="${gen_cpu[charon_${auth}_$mode]:-0}" 'BEGIN {
      printf "  %-6s %-5s ternd %6.1f us (%6.0f/CPU-s)  charon %7.1f us (%6.0f/CPU-s)  charon/ternd %5.2fx",
        a, m, t, (t > 0 ? 1e6 / t : 0), c, (c > 0 ? 1e6 / c : 0), (t > 0 ? c / t : 0)
      printf "  crypto bound %5.1f %%  tern-load %6.1f / %6.1f us\n", (t > 0 && b > 0 ? 100 * (1e6 / b) / t : 0), gt, gc }'
  done
done
if [[ -n ${cpu[ternd1_psk_rate]:-} ]]; then
  # The same engine on one thread: on a machine where tern-load shares the cores, ternd's
  # default workers (one per CPU) and the generator take turns on each core.
  for mode in rate churn; do
    awk -v m="$([[ $mode == rate ]] && echo kept || echo churn)" -v b="$bound_psk" -v t="${cpu[ternd1_psk_$mode]:-0}" 'BEGIN {
      printf "  psk    %-5s ternd with one worker (the event loop thread) %6.1f us (%6.0f/CPU-s)  crypto bound %5.1f %%\n",
        m, t, (t > 0 ? 1e6 / t : 0), (t > 0 && b > 0 ? 100 * (1e6 / b) / t : 0) }'
  done
fi
if [[ -n ${cpu[ternd_nodp_psk_rate]:-} ]]; then
  # Default workers, no data plane: the workers answer IKE_AUTH themselves; nothing
  # goes through the event loop thread for a setup.
  for mode in rate churn; do
    awk -v m="$([[ $mode == rate ]] && echo kept || echo churn)" -v b="$bound_psk" -v t="${cpu[ternd_nodp_psk_$mode]:-0}" \
      -v s="$([[ $mode == rate ]] && echo "${rate[ternd_nodp/psk]:-0}" || echo "${churn[ternd_nodp/psk]:-0}")" \
      -v g="${gen_cpu[ternd_nodp_psk_$mode]:-0}" 'BEGIN {
      printf "  psk    %-5s ternd with data_plane = \"none\" %6.1f us (%6.0f/CPU-s)  crypto bound %5.1f %%  %6.0f setups/s  tern-load %6.1f us\n",
        m, t, (t > 0 ? 1e6 / t : 0), (t > 0 && b > 0 ? 100 * (1e6 / b) / t : 0), s, g }'
  done
fi
for k in "${!per_sa[@]}"; do echo "  RSS per SA $k: ${per_sa[$k]} octets"; done | sort
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "elapsed: $((SECONDS - start_time)) s"
