# shellcheck shell=bash
# ternd.sh — a ternd daemon inside a network namespace, driven with ternctl.
#
# Sourced by scripts under tests/net/ after lib/netns.sh. One instance = one
# directory DIR (the handle every function takes):
#   DIR/tern.toml      the config (written by td_write_psk_conf or by the caller)
#   DIR/control.sock   its control socket
#   DIR/keylog         its Wireshark keylog
#   DIR/ternd.log      stdout+stderr of the daemon
#   DIR/ternd.pid, DIR/netns
# Binaries: $TERND and $TERNCTL (absolute paths; the caller sets them from the
# build, e.g. from ctest arguments). JSON is read with jq.
#
# Failure: functions print "ternd: ..." on stderr and return non-zero; every
# wait is bounded; the daemon is registered for netns_cleanup.
#
# Usage:
#   td_write_psk_conf "$NETNS_TMP/a" name=site local_addr=198.51.100.1 remote_addr=198.51.100.2 \
#     local_id=a.example.org remote_id=b.example.org psk=secret \
#     proposal=aes128gcm16-prfsha256-x25519 esp_proposal=aes128gcm16 \
#     local_ts=192.0.2.1/32 remote_ts=203.0.113.1/32 [start_action=none] [dpd_delay=0s]
#     [child=NAME] [child_rekey_time=5s] [child_life_time=8s] [child_rand_time=1s]
#     [ike_rekey_time=30s] [reauth_time=1m] [rand_time=2s]   (IKE SA lifetimes)
#     [fragment_size=256] [fragmentation=yes|accept|no]        (RFC 7383)
#     [mobike=true|false] [listen=0.0.0.0]                      (RFC 4555; daemon.listen, default local_addr)
#     [dpd_action=clear|restart|trap] [encap=true] [nat_keepalive=20s]
#     [retransmit_timeout=1s] [retransmit_tries=3]
#     [workers=2]                     (daemon.workers; TD_WORKERS=N sets it for every ternd)
#   td_add_child "$NETNS_TMP/a" name=second local_ts=192.0.2.129/32 remote_ts=203.0.113.129/32 \
#     [esp_proposal=aes128gcm16]          (one more [[connection.child]])
#   td_start "$NETNS_TMP/a" "$ns_a"
#   td_ctl "$NETNS_TMP/a" up site
#   td_stop "$NETNS_TMP/a"

TD_CMD_TIMEOUT="${TD_CMD_TIMEOUT:-30}"

td_die() {
  echo "ternd: $*" >&2
  return 1
}

# td_write_psk_conf DIR key=value... — DIR/tern.toml with one PSK connection.
td_write_psk_conf() {
  local dir=$1 kv k
  shift
  local -A c=([name]=site [start_action]=none [dpd_delay]=0s [esp_proposal]=aes128gcm16)
  for kv in "$@"; do
    [[ $kv == *=* ]] || td_die "td_write_psk_conf: '$kv' is not key=value" || return 1
    c[${kv%%=*}]=${kv#*=}
  done
  for k in local_addr remote_addr local_id remote_id psk proposal local_ts remote_ts; do
    [[ -n ${c[$k]:-} ]] || td_die "td_write_psk_conf: missing $k=" || return 1
  done
  local child_rekey_line="" ike_lifetime_lines=""
  [[ -z ${c[child_rekey_time]:-} ]] || child_rekey_line="  rekey_time = \"${c[child_rekey_time]}\""
  [[ -z ${c[child_life_time]:-} ]] || child_rekey_line+=$'\n'"  life_time = \"${c[child_life_time]}\""
  [[ -z ${c[child_rand_time]:-} ]] || child_rekey_line+=$'\n'"  rand_time = \"${c[child_rand_time]}\""
  [[ -z ${c[ike_rekey_time]:-} ]] || ike_lifetime_lines+="rekey_time = \"${c[ike_rekey_time]}\""$'\n'
  [[ -z ${c[reauth_time]:-} ]] || ike_lifetime_lines+="reauth_time = \"${c[reauth_time]}\""$'\n'
  [[ -z ${c[rand_time]:-} ]] || ike_lifetime_lines+="rand_time = \"${c[rand_time]}\""$'\n'
  [[ -z ${c[fragmentation]:-} ]] || ike_lifetime_lines+="fragmentation = \"${c[fragmentation]}\""$'\n'
  [[ -z ${c[mobike]:-} ]] || ike_lifetime_lines+="mobike = ${c[mobike]}"$'\n'
  [[ -z ${c[dpd_action]:-} ]] || ike_lifetime_lines+="dpd_action = \"${c[dpd_action]}\""$'\n'
  [[ -z ${c[encap]:-} ]] || ike_lifetime_lines+="encap = ${c[encap]}"$'\n'
  local daemon_lines=""
  [[ -z ${c[fragment_size]:-} ]] || daemon_lines+="fragment_size = ${c[fragment_size]}"$'\n'
  [[ -z ${c[nat_keepalive]:-} ]] || daemon_lines+="keep_alive = \"${c[nat_keepalive]}\""$'\n'
  # workers=N, or TD_WORKERS=N in the environment for every ternd of a test
  # (absent: ternd's default, one per CPU).
  local workers=${c[workers]:-${TD_WORKERS:-}}
  [[ -z $workers ]] || daemon_lines+="workers = $workers"$'\n'
  local data_plane=${c[data_plane]:-${TD_DATA_PLANE:-}}
  [[ -z $data_plane ]] || daemon_lines+="data_plane = \"$data_plane\""$'\n'
  mkdir -p "$dir"
  cat >"$dir/tern.toml" <<EOF
# written by tests/net/lib/ternd.sh
[daemon]
control_socket = "$dir/control.sock"
listen = ["${c[listen]:-${c[local_addr]}}"]
keylog = "$dir/keylog"
log_level = "debug"
retransmit_timeout = "${c[retransmit_timeout]:-1s}"
retransmit_tries = ${c[retransmit_tries]:-3}
${daemon_lines}
[[connection]]
name = "${c[name]}"
local_addrs = ["${c[local_addr]}"]
remote_addrs = ["${c[remote_addr]}"]
proposals = ["${c[proposal]}"]
dpd_delay = "${c[dpd_delay]}"
start_action = "${c[start_action]}"
${ike_lifetime_lines}  [connection.local]
  auth = "psk"
  id = "${c[local_id]}"
  [connection.remote]
  auth = "psk"
  id = "${c[remote_id]}"
  [[connection.child]]
  name = "${c[child]:-${c[name]}}"
  local_ts = ["${c[local_ts]}"]
  remote_ts = ["${c[remote_ts]}"]
  esp_proposals = ["${c[esp_proposal]}"]
${child_rekey_line}

[[secret]]
type = "psk"
ids = ["${c[local_id]}", "${c[remote_id]}"]
secret = "${c[psk]}"
EOF
}

# td_add_child DIR name=N local_ts=TS remote_ts=TS [esp_proposal=P] — append
# one more [[connection.child]] to the connection DIR/tern.toml has.
td_add_child() {
  local dir=$1 kv k
  shift
  local -A c=([esp_proposal]=aes128gcm16)
  for kv in "$@"; do
    [[ $kv == *=* ]] || td_die "td_add_child: '$kv' is not key=value" || return 1
    c[${kv%%=*}]=${kv#*=}
  done
  for k in name local_ts remote_ts; do
    [[ -n ${c[$k]:-} ]] || td_die "td_add_child: missing $k=" || return 1
  done
  local block
  block=$(printf '  [[connection.child]]\n  name = "%s"\n  local_ts = ["%s"]\n  remote_ts = ["%s"]\n  esp_proposals = ["%s"]\n' \
    "${c[name]}" "${c[local_ts]}" "${c[remote_ts]}" "${c[esp_proposal]}")
  awk -v block="$block" '/^\[\[secret\]\]/ && !done { print block; print ""; done = 1 } { print }' \
    "$dir/tern.toml" >"$dir/tern.toml.new" && mv "$dir/tern.toml.new" "$dir/tern.toml"
}

# td_ctl DIR ARGS... — ternctl against this instance, bounded.
td_ctl() {
  local dir=$1
  shift
  timeout "$TD_CMD_TIMEOUT" "$TERNCTL" --socket "$dir/control.sock" "$@"
}

# td_start DIR NS — start ternd with DIR/tern.toml in NS, wait (10 s) for its control socket.
td_start() {
  local dir=$1 ns=$2 pid
  [[ -x $TERND && -x $TERNCTL ]] || td_die "TERND/TERNCTL not set to the built binaries" || return 1
  echo "$ns" >"$dir/netns"
  netns_spawn "$ns" "$dir/ternd.log" "$TERND" --config "$dir/tern.toml"
  pid=$NETNS_SPAWNED_PID
  echo "$pid" >"$dir/ternd.pid"
  if ! wait_for 10 "ternd control socket in $ns" td_ctl "$dir" list-sas --json; then
    kill -0 "$pid" 2>/dev/null || td_die "ternd in $ns exited early: $(tail -n 5 "$dir/ternd.log")"
    return 1
  fi
}

# td_stop DIR [GRACE_S] — SIGTERM (ternd deletes its IKE SAs first) and wait.
td_stop() {
  local dir=$1 pid
  [[ -f $dir/ternd.pid ]] || return 0
  pid=$(<"$dir/ternd.pid")
  netns_stop_pid "$pid" "${2:-10}"
  rm -f "$dir/ternd.pid"
}

# td_sas DIR — print `ternctl list-sas --json`.
td_sas() {
  td_ctl "$1" list-sas --json
}

# td_ike_count DIR [STATE] — number of IKE SAs (in STATE, e.g. ESTABLISHED).
td_ike_count() {
  td_sas "$1" | jq --arg s "${2:-}" '[.[] | select($s == "" or .state == $s)] | length'
}

# td_wait_ike_count DIR N [STATE] [TIMEOUT_S] — wait until td_ike_count is N.
td_wait_ike_count() {
  wait_for "${4:-10}" "$2 IKE SA(s) ${3:-} in $1" td_ike_count_is "$1" "$2" "${3:-}"
}
td_ike_count_is() {
  [[ $(td_ike_count "$1" "$3") == "$2" ]]
}

# td_pair_topology [NAME_A NAME_B] — the two-site layout most tests use:
# namespaces $ns_a and $ns_b (named after NAME_A/NAME_B, default a and b)
# joined by veth0 (198.51.100.1/24 -- 198.51.100.2/24), the sites' inner
# addresses on lo (a: 192.0.2.1, b: 203.0.113.1), and the daemon directories
# A=$NETNS_TMP/NAME_A and B=$NETNS_TMP/NAME_B (created). Sets those four globals.
td_pair_topology() {
  local name_a=${1:-a} name_b=${2:-b}
  ns_a=$(netns_name "$name_a")
  ns_b=$(netns_name "$name_b")
  netns_create "$ns_a" "$ns_b"
  netns_link "$ns_a" veth0 198.51.100.1/24 "$ns_b" veth0 198.51.100.2/24
  netns_addr "$ns_a" lo 192.0.2.1/32
  netns_addr "$ns_b" lo 203.0.113.1/32
  A=$NETNS_TMP/$name_a
  B=$NETNS_TMP/$name_b
  mkdir -p "$A" "$B"
}
