# shellcheck shell=bash
# netns.sh — network namespaces for tern's network tests and maintainer tools.
#
# Sourced (never executed) by scripts under tests/net/. It creates namespaces
# and veth links between them, and keeps a cleanup registry so that a script
# leaves nothing behind: every namespace it made and every process it
# registered is removed by netns_cleanup, which netns_init installs on the
# EXIT trap (INT and TERM exit the script, so they reach EXIT too).
#
# Rules it enforces: only root may run it; addresses must be documentation
# ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 198.18.0.0/15,
# 2001:db8::/32); links are created directly inside the namespaces, so the
# host's own interfaces, routes and services are never touched. Namespace names
# carry the script's PID so two runs do not collide.
#
# Failure: functions print one line "netns: ..." on stderr and exit the script
# with status 1 (netns_die), so the EXIT trap cleans up; only wait_for and
# netns_owned return non-zero instead, for the caller to decide.
#
# Usage:
#   source tests/net/lib/netns.sh
#   netns_init                          # checks tools, trap, temp dir
#   a=$(netns_name ini); b=$(netns_name res)
#   netns_create "$a" "$b"
#   netns_link "$a" veth0 198.51.100.1/24 "$b" veth0 198.51.100.2/24
#   netns_addr "$a" lo 192.0.2.1/32
#   netns_spawn "$a" "$NETNS_TMP/d.log" some_daemon --flag   # PID registered
#   wait_for 10 "daemon socket" test -S "$NETNS_TMP/sock"
# wait_for bounds the polling, not one call of CMD: give CMD its own timeout
# if it can block.

# Registries filled by the functions below and emptied by netns_cleanup.
NETNS_CREATED=()  # namespaces this script created
NETNS_PIDS=()     # processes to stop, in registration order
NETNS_HOOKS=()    # extra cleanup commands (strings, run with eval) before PIDs
NETNS_TMP=""      # per-run scratch directory (set by netns_init)
NETNS_KEEP_TMP="${NETNS_KEEP_TMP:-0}"  # 1: keep $NETNS_TMP for inspection

# netns_die MESSAGE — print "netns: MESSAGE" on stderr and exit 1.
netns_die() {
  echo "netns: $*" >&2
  exit 1
}

# netns_require_cmd CMD... — fail with a clear message if a command is missing.
netns_require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 ||
      netns_die "required command '$c' not found (install its Debian package)"
  done
}

# netns_init — check root and tools, create $NETNS_TMP, install the traps.
# Call once, early, from the top-level script (not from a subshell).
netns_init() {
  [[ $EUID -eq 0 ]] || netns_die "must run as root (network namespaces)"
  netns_require_cmd ip timeout mktemp
  NETNS_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tern-net.XXXXXX") ||
    netns_die "cannot create a temp directory"
  trap netns_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# netns_name BASE — print a namespace name unique to this run: tern-BASE-PID.
netns_name() {
  echo "tern-$1-$$"
}

# netns_check_doc_addr ADDR[/PREFIX] — succeed only for documentation ranges.
netns_check_doc_addr() {
  local a="${1%/*}"
  case "$a" in
    192.0.2.* | 198.51.100.* | 203.0.113.* | 198.18.* | 198.19.*) return 0 ;;
    2001:db8:* | 2001:DB8:*) return 0 ;;
  esac
  netns_die "address '$1' is not in a documentation range"
}

# netns_create NS... — create each namespace (registered for cleanup) and
# bring up its loopback. Refuses a name that already exists.
netns_create() {
  local ns
  for ns in "$@"; do
    if ip netns list | awk '{print $1}' | grep -qx -- "$ns"; then
      netns_die "namespace '$ns' already exists"
    fi
    ip netns add "$ns" || netns_die "cannot create namespace '$ns'"
    NETNS_CREATED+=("$ns")
    ip -n "$ns" link set lo up || netns_die "cannot bring up lo in '$ns'"
  done
}

# netns_link NS_A IF_A ADDR_A/PREFIX NS_B IF_B ADDR_B/PREFIX — a veth pair
# between two namespaces this script created, with one address on each end,
# both ends up. The pair is created inside NS_A with its peer in NS_B, so it
# never appears among the host's interfaces; it goes away with the namespaces.
netns_link() {
  local ns_a=$1 if_a=$2 addr_a=$3 ns_b=$4 if_b=$5 addr_b=$6
  netns_check_doc_addr "$addr_a"
  netns_check_doc_addr "$addr_b"
  if ! netns_owned "$ns_a" || ! netns_owned "$ns_b"; then
    netns_die "netns_link: '$ns_a'/'$ns_b' were not created by this run"
  fi
  ip -n "$ns_a" link add "$if_a" type veth peer name "$if_b" netns "$ns_b" ||
    netns_die "cannot create veth $ns_a/$if_a <-> $ns_b/$if_b"
  if ! { ip -n "$ns_a" addr add "$addr_a" dev "$if_a" &&
    ip -n "$ns_b" addr add "$addr_b" dev "$if_b" &&
    ip -n "$ns_a" link set "$if_a" up &&
    ip -n "$ns_b" link set "$if_b" up; }; then
    netns_die "cannot configure veth $ns_a/$if_a <-> $ns_b/$if_b"
  fi
}

# netns_addr NS DEV ADDR/PREFIX — add a documentation address to DEV (e.g. lo
# for an "inner" address behind a tunnel) in a namespace this run created.
netns_addr() {
  netns_check_doc_addr "$3"
  netns_owned "$1" || netns_die "netns_addr: '$1' was not created by this run"
  ip -n "$1" addr add "$3" dev "$2" || netns_die "cannot add $3 to $1/$2"
}

# netns_owned NS — succeed if this run created NS.
netns_owned() {
  local ns
  for ns in "${NETNS_CREATED[@]}"; do
    [[ $ns == "$1" ]] && return 0
  done
  return 1
}

# netns_exec NS CMD... — run a command inside a namespace this run created.
netns_exec() {
  local ns=$1
  shift
  netns_owned "$ns" || netns_die "netns_exec: '$ns' was not created by this run"
  ip netns exec "$ns" "$@"
}

# netns_spawn NS OUTFILE CMD... — start CMD inside NS in the background with
# stdout+stderr to OUTFILE and stdin from /dev/null, register it for cleanup and
# leave its PID in NETNS_SPAWNED_PID. `ip netns exec` (and `env`) exec the
# command, so that PID is the command's own, not a wrapper shell's. To pass
# environment variables: netns_spawn NS OUT env VAR=value CMD...
NETNS_SPAWNED_PID=""
netns_spawn() {
  local ns=$1 out=$2
  shift 2
  netns_owned "$ns" || netns_die "netns_spawn: '$ns' was not created by this run"
  ip netns exec "$ns" "$@" >"$out" 2>&1 </dev/null &
  NETNS_SPAWNED_PID=$!
  netns_register_pid "$NETNS_SPAWNED_PID"
}

# netns_register_pid PID — stop PID (TERM, then KILL) in netns_cleanup.
netns_register_pid() {
  NETNS_PIDS+=("$1")
}

# netns_register_hook 'COMMAND' — run COMMAND (eval) first in netns_cleanup,
# e.g. to stop a daemon politely before its PID is signalled.
netns_register_hook() {
  NETNS_HOOKS+=("$1")
}

# netns_stop_pid PID [GRACE_S] — TERM, wait up to GRACE_S (default 5) seconds,
# then KILL. Succeeds if the process is gone (or was never there).
netns_stop_pid() {
  local pid=$1 grace=${2:-5} i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "netns: pid $pid ignored TERM for ${grace}s, sending KILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  return 0
}

# netns_cleanup — run hooks, stop registered PIDs (newest first), kill any
# process still inside our namespaces (by PID), delete the namespaces and the
# temp directory. Safe to call twice; never fails.
netns_cleanup() {
  local rc=$? i ns pid
  trap - EXIT INT TERM
  set +e
  for ((i = ${#NETNS_HOOKS[@]} - 1; i >= 0; i--)); do
    eval "${NETNS_HOOKS[i]}" >/dev/null 2>&1
  done
  NETNS_HOOKS=()
  for ((i = ${#NETNS_PIDS[@]} - 1; i >= 0; i--)); do
    netns_stop_pid "${NETNS_PIDS[i]}" 5
  done
  NETNS_PIDS=()
  for ns in "${NETNS_CREATED[@]}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do
      echo "netns: stopping leftover pid $pid in $ns" >&2
      netns_stop_pid "$pid" 2
    done
    ip netns del "$ns" 2>/dev/null ||
      echo "netns: could not delete namespace '$ns'" >&2
  done
  NETNS_CREATED=()
  if [[ -n $NETNS_TMP && -d $NETNS_TMP ]]; then
    if [[ $NETNS_KEEP_TMP == 1 ]]; then
      echo "netns: kept $NETNS_TMP" >&2
    else
      rm -rf -- "$NETNS_TMP"
    fi
  fi
  return "$rc"
}

# wait_for TIMEOUT_S WHAT CMD... — run CMD every 0.1 s until it succeeds;
# fail with "timed out after TIMEOUT_S s waiting for WHAT" otherwise.
wait_for() {
  local timeout_s=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout_s))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "netns: timed out after ${timeout_s}s waiting for $what" >&2
      return 1
    fi
    sleep 0.1
  done
}
