#!/bin/bash
# workers.sh [BUILD_DIR] — ternd with `workers = 1` against `workers = 2`
# (docs/ternd.md "Workers"), in one sitting: tern-load in one namespace, ternd
# alone in another, PSK + X25519, one CHILD_SA per setup. ROUNDS rounds, each
# runs both worker counts back to back (so that the other sessions' load
# hits both alike):
#   - churn: COUNT setups, CONC in flight, each IKE SA deleted once up;
#   - kept:  KEPT setups, CONC in flight, the table grows to KEPT;
# and prints setups/s per run, the medians, and the CPU time each ternd
# thread used in the runs (from /proc/PID/task/*/stat: the event loop thread
# that reads the sockets and the workers). Not a test: it asserts nothing
# (docs/benchmarks.md records the figures). The load generator shares the
# machine's cores with ternd. Needs root; removes what it made.
#
#   sudo bench/workers.sh build            # ROUNDS=3 COUNT=3000 KEPT=2000 CONC=64
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=$(cd "${1:-$root/build}" && pwd)
TERND=$build/src/daemon/ternd
TERNCTL=$build/src/tools/ternctl
LOAD=$build/src/tools/tern-load
ROUNDS=${ROUNDS:-3}
COUNT=${COUNT:-3000}
KEPT=${KEPT:-2000}
CONC=${CONC:-64}
source "$root/tests/net/lib/netns.sh"
source "$root/tests/net/lib/ternd.sh"
for b in "$TERND" "$TERNCTL" "$LOAD"; do [[ -x $b ]] || { echo "missing $b (build it first)" >&2; exit 2; }; done

netns_init
netns_require_cmd jq
td_pair_topology load resp
psk="tern workers benchmark secret"

# Per thread of PID: "name utime+stime" in clock ticks.
thread_ticks() {
  local t
  for t in /proc/"$1"/task/*; do
    local stat name
    stat=$(<"$t/stat")
    name=$(<"$t/comm")
    # Fields after the ")" of the comm: state is 3rd, utime 14th, stime 15th.
    stat=${stat##*) }
    read -r -a f <<<"$stat"
    echo "$name $((f[11] + f[12]))"
  done
}

cpu_report() {  # BEFORE AFTER — per thread name, seconds of CPU between the two snapshots
  join <(sort "$1") <(sort "$2") | awk -v hz="$(getconf CLK_TCK)" \
    '{ d = ($3 - $2) / hz; if (d > 0.005) printf "%s %.2fs  ", $1, d } END { print "" }'
}

run() {  # WORKERS MODE(churn|kept) N
  local w=$1 mode=$2 n=$3 dir=$NETNS_TMP/w$1 extra=()
  [[ $mode == churn ]] && extra=(--delete)
  td_write_psk_conf "$dir" name=load local_addr=198.51.100.2 remote_addr=198.51.100.1 \
    local_id=resp.example.org remote_id=load.example.org psk="$psk" \
    proposal=aes128gcm16-prfsha256-x25519 local_ts=203.0.113.1/32 remote_ts=192.0.2.1/32 workers="$w"
  sed -i -e 's/^log_level = .*/log_level = "warning"/' \
    -e 's/^\[daemon\]$/[daemon]\ncookie_threshold = 100000\ncookie_threshold_ip = 100000/' "$dir/tern.toml"
  td_start "$dir" "$ns_b" >/dev/null
  local pid
  pid=$(<"$dir/ternd.pid")
  thread_ticks "$pid" >"$NETNS_TMP/before"
  timeout 300 ip netns exec "$ns_a" "$LOAD" --target 198.51.100.2 --local 198.51.100.1 --psk "$psk" \
    --local-id load.example.org --remote-id resp.example.org --local-ts 192.0.2.1/32 --remote-ts 203.0.113.1/32 \
    --count "$n" --concurrency "$CONC" --duration 240s --timeout 10s --json "${extra[@]}" \
    >"$NETNS_TMP/out.json" 2>/dev/null || true
  thread_ticks "$pid" >"$NETNS_TMP/after"
  local rate ok
  rate=$(jq -r '.setups_per_second | floor' "$NETNS_TMP/out.json" 2>/dev/null || echo 0)
  ok=$(jq -r '.succeeded' "$NETNS_TMP/out.json" 2>/dev/null || echo "?")
  printf 'workers=%s %-5s %5s setups/s (%s/%s ok, p50 %s us)  cpu: %s\n' "$w" "$mode" "$rate" "$ok" "$n" \
    "$(jq -r '.latency_us.p50' "$NETNS_TMP/out.json" 2>/dev/null)" "$(cpu_report "$NETNS_TMP/before" "$NETNS_TMP/after")"
  echo "$w $mode $rate" >>"$NETNS_TMP/rates"
  td_stop "$dir" 5 >/dev/null 2>&1 || true
}

echo "machine: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); ROUNDS=$ROUNDS COUNT=$COUNT KEPT=$KEPT CONC=$CONC"
for ((r = 1; r <= ROUNDS; r++)); do
  for w in 1 2; do run "$w" churn "$COUNT"; done
  for w in 1 2; do run "$w" kept "$KEPT"; done
done
echo "medians (setups/s):"
for mode in churn kept; do
  for w in 1 2; do
    printf '  workers=%s %-5s %s\n' "$w" "$mode" \
      "$(awk -v w="$w" -v m="$mode" '$1 == w && $2 == m { print $3 }' "$NETNS_TMP/rates" | sort -n |
        awk '{ a[NR] = $1 } END { print (NR ? a[int((NR + 1) / 2)] : "none") }')"
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
