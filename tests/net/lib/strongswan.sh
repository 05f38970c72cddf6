# shellcheck shell=bash
# strongswan.sh — a strongSwan (charon-systemd) peer inside a network namespace.
#
# Sourced by scripts under tests/net/ after lib/netns.sh (it uses netns_exec,
# netns_register_pid, wait_for). One instance = one directory DIR, which is the
# handle every function takes:
#   DIR/strongswan.conf       its own config (STRONGSWAN_CONF), explicit plugins
#   DIR/charon.vici           private vici socket (swanctl talks only to this)
#   DIR/charon.log            filelog: default = 1, ike = 4 (prints derived keys)
#   DIR/charon.pid, DIR/netns the daemon's PID and namespace
#   DIR/swanctl/swanctl.conf  connection + secret written by sw_write_psk_conn
# Nothing is written to the host's journal/syslog, /etc or /var/run.
#
# Needs: charon-systemd, strongswan-swanctl, libcharon-extra-plugins
# (kernel-libipsec), libstrongswan-extra-plugins (curve25519, chapoly),
# libstrongswan-standard-plugins (openssl, gcm). The kernel has no ESP, so
# kernel-libipsec gives a userspace ESP over TUN (ipsec0); strongSwan then
# always floats to UDP 4500 as if behind a NAT.
#
# Failure: functions print "strongswan: ..." on stderr and return non-zero;
# every wait is bounded. The daemon is registered with netns_register_pid, so
# netns_cleanup stops it even if the caller never reaches sw_stop.
#
# Usage:
#   sw_start "$NETNS_TMP/ini" "$ns_ini"
#   sw_write_psk_conn "$NETNS_TMP/ini" name=tern local_addr=198.51.100.1 ...
#   sw_add_child "$NETNS_TMP/ini" name=second local_ts=... remote_ts=... esp_proposal=...
#   sw_load "$NETNS_TMP/ini"
#   sw_initiate "$NETNS_TMP/ini" tern
#   sw_wait_established "$NETNS_TMP/ini" tern 10
#   sw_stop "$NETNS_TMP/ini"

SW_PLUGIN_DIR="${SW_PLUGIN_DIR:-/usr/lib/ipsec/plugins}"
SW_PLUGINS=(random nonce openssl pem pkcs1 pkcs8 x509 revocation constraints
  pubkey curve25519 gmp aes sha1 sha2 hmac gcm chapoly kdf kernel-libipsec
  kernel-netlink socket-default vici)
SW_CMD_TIMEOUT="${SW_CMD_TIMEOUT:-20}"  # seconds, bound on every swanctl call
# charon.fragment_size (RFC 7383: the largest IP datagram of a sent IKE
# fragment) when set before sw_start; strongSwan's default (1280) otherwise.
SW_FRAGMENT_SIZE="${SW_FRAGMENT_SIZE:-}"
# More charon settings (lines inside charon-systemd { }) when set before
# sw_start, e.g. "block_threshold = 1000" for load tests (tern_load_test.sh).
SW_EXTRA_CONF="${SW_EXTRA_CONF:-}"
# The filelog's levels (default, ike); benchmarks lower them (bench/control_plane.sh).
SW_LOG_DEFAULT="${SW_LOG_DEFAULT:-1}"
SW_LOG_IKE="${SW_LOG_IKE:-4}"

sw_die() {
  echo "strongswan: $*" >&2
  return 1
}

# sw_require — fail with a clear message naming the missing package.
sw_require() {
  local p pkg
  command -v /usr/sbin/charon-systemd >/dev/null 2>&1 ||
    sw_die "charon-systemd missing (Debian package charon-systemd)" || return 1
  command -v swanctl >/dev/null 2>&1 ||
    sw_die "swanctl missing (Debian package strongswan-swanctl)" || return 1
  for p in "${SW_PLUGINS[@]}"; do
    [[ -f $SW_PLUGIN_DIR/libstrongswan-$p.so ]] && continue
    case $p in
      openssl | gcm) pkg=libstrongswan-standard-plugins ;;
      curve25519 | chapoly) pkg=libstrongswan-extra-plugins ;;
      kernel-libipsec) pkg=libcharon-extra-plugins ;;
      vici) pkg=strongswan-swanctl ;;
      *) pkg=libstrongswan ;;
    esac
    sw_die "strongSwan plugin '$p' missing (Debian package $pkg)" || return 1
  done
  [[ -c /dev/net/tun ]] || sw_die "/dev/net/tun missing (kernel-libipsec)"
}

# sw_uri DIR — print the instance's vici URI.
sw_uri() {
  echo "unix://$1/charon.vici"
}

# sw_swanctl DIR ARGS... — run swanctl against this instance, bounded.
sw_swanctl() {
  local dir=$1
  shift
  STRONGSWAN_CONF="$dir/strongswan.conf" timeout "$SW_CMD_TIMEOUT" \
    swanctl "$@" --uri "$(sw_uri "$dir")"
}

# sw_write_strongswan_conf DIR — the daemon's config (called by sw_start).
sw_write_strongswan_conf() {
  local dir=$1 fragment_line=""
  [[ -z $SW_FRAGMENT_SIZE ]] || fragment_line="fragment_size = $SW_FRAGMENT_SIZE"
  cat >"$dir/strongswan.conf" <<EOF
# written by tests/net/lib/strongswan.sh; no includes, nothing from /etc
charon-systemd {
  load = ${SW_PLUGINS[*]}
  $fragment_line
  $SW_EXTRA_CONF
  # Reauthentication as tern does it: the new IKE_SA and CHILD_SAs first, then the old ones go.
  make_before_break = yes
  plugins {
    vici {
      socket = unix://$dir/charon.vici
    }
  }
  filelog {
    tern {
      path = $dir/charon.log
      append = no
      flush_line = yes
      time_format = %H:%M:%S
      default = $SW_LOG_DEFAULT
      ike = $SW_LOG_IKE
    }
  }
  journal {
    default = -1
  }
  syslog {
    daemon {
      default = -1
    }
    auth {
      default = -1
    }
  }
}
EOF
}

# sw_start DIR NS — write DIR/strongswan.conf, start charon-systemd in NS in
# the background, wait (10 s) until its vici socket answers.
sw_start() {
  local dir=$1 ns=$2 pid
  sw_require || return 1
  mkdir -p "$dir/swanctl" || return 1
  sw_write_strongswan_conf "$dir"
  echo "$ns" >"$dir/netns"
  netns_spawn "$ns" "$dir/charon.stdout" \
    env STRONGSWAN_CONF="$dir/strongswan.conf" /usr/sbin/charon-systemd
  pid=$NETNS_SPAWNED_PID
  echo "$pid" >"$dir/charon.pid"
  if ! wait_for 10 "charon vici socket in $ns" sw_swanctl "$dir" --stats; then
    kill -0 "$pid" 2>/dev/null || sw_die "charon-systemd in $ns exited early" \
      "(see $dir/charon.log, $dir/charon.stdout)"
    return 1
  fi
}

# sw_write_psk_conn DIR key=value... — write DIR/swanctl/swanctl.conf with one
# IKEv2 PSK connection (IKE_SA and CHILD_SA both named `name`) and its secret.
# Keys (all required but name): name (default tern), local_addr, remote_addr,
# local_id, remote_id, psk (the shared secret as text), ike_proposal and
# esp_proposal (strongSwan keyword syntax), local_ts, remote_ts.
# With kernel-libipsec the CHILD_SA needs a route via ipsec0: the namespace
# must own an address inside local_ts (netns_addr NS lo ...), and the traffic
# selectors must not cover the peers' IKE addresses ("conflicts with IKE
# traffic"); otherwise the responder answers TS_UNACCEPTABLE.
sw_write_psk_conn() {
  local dir=$1 kv k
  shift
  local -A c=([name]=tern)
  for kv in "$@"; do
    [[ $kv == *=* ]] || sw_die "sw_write_psk_conn: '$kv' is not key=value" || return 1
    c[${kv%%=*}]=${kv#*=}
  done
  for k in local_addr remote_addr local_id remote_id psk ike_proposal \
    esp_proposal local_ts remote_ts; do
    [[ -n ${c[$k]:-} ]] || sw_die "sw_write_psk_conn: missing $k=" || return 1
  done
  # Lifetimes (optional; strongSwan's defaults otherwise): ike_rekey_time,
  # reauth_time, child_rekey_time, child_life_time, rand_time (both levels).
  local ike_lifetimes="" child_lifetimes=""
  [[ -z ${c[ike_rekey_time]:-} ]] || ike_lifetimes+="    rekey_time = ${c[ike_rekey_time]}"$'\n'
  [[ -z ${c[reauth_time]:-} ]] || ike_lifetimes+="    reauth_time = ${c[reauth_time]}"$'\n'
  [[ -z ${c[rand_time]:-} ]] || ike_lifetimes+="    rand_time = ${c[rand_time]}"$'\n'
  # IKE fragmentation (optional; strongSwan's default is yes): yes, accept, no.
  [[ -z ${c[fragmentation]:-} ]] || ike_lifetimes+="    fragmentation = ${c[fragmentation]}"$'\n'
  [[ -z ${c[child_rekey_time]:-} ]] || child_lifetimes+="        rekey_time = ${c[child_rekey_time]}"$'\n'
  [[ -z ${c[child_life_time]:-} ]] || child_lifetimes+="        life_time = ${c[child_life_time]}"$'\n'
  [[ -z ${c[rand_time]:-} ]] || child_lifetimes+="        rand_time = ${c[rand_time]}"$'\n'
  mkdir -p "$dir/swanctl"
  cat >"$dir/swanctl/swanctl.conf" <<EOF
# written by tests/net/lib/strongswan.sh
connections {
  ${c[name]} {
    version = 2
    local_addrs = ${c[local_addr]}
    remote_addrs = ${c[remote_addr]}
    proposals = ${c[ike_proposal]}
${ike_lifetimes}    local {
      auth = psk
      id = ${c[local_id]}
    }
    remote {
      auth = psk
      id = ${c[remote_id]}
    }
    children {
      ${c[name]} {
        local_ts = ${c[local_ts]}
        remote_ts = ${c[remote_ts]}
        esp_proposals = ${c[esp_proposal]}
${child_lifetimes}        start_action = none
      }
    }
  }
}
secrets {
  ike-${c[name]} {
    id-local = ${c[local_id]}
    id-remote = ${c[remote_id]}
    secret = "${c[psk]}"
  }
}
EOF
}

# sw_add_child DIR name=N local_ts=TS remote_ts=TS esp_proposal=P — one more
# child in the connection sw_write_psk_conn wrote (start_action = none).
sw_add_child() {
  local dir=$1 kv k
  shift
  local -A c=()
  for kv in "$@"; do
    [[ $kv == *=* ]] || sw_die "sw_add_child: '$kv' is not key=value" || return 1
    c[${kv%%=*}]=${kv#*=}
  done
  for k in name local_ts remote_ts esp_proposal; do
    [[ -n ${c[$k]:-} ]] || sw_die "sw_add_child: missing $k=" || return 1
  done
  local block
  block=$(printf '      %s {\n        local_ts = %s\n        remote_ts = %s\n        esp_proposals = %s\n        start_action = none\n      }' \
    "${c[name]}" "${c[local_ts]}" "${c[remote_ts]}" "${c[esp_proposal]}")
  awk -v block="$block" '{ print } /^    children \{$/ && !done { print block; done = 1 }' \
    "$dir/swanctl/swanctl.conf" >"$dir/swanctl/swanctl.conf.new" &&
    mv "$dir/swanctl/swanctl.conf.new" "$dir/swanctl/swanctl.conf"
}

# sw_load DIR — load DIR/swanctl/swanctl.conf (connections and secrets).
sw_load() {
  local dir=$1
  sw_swanctl "$dir" --load-all --noprompt --file "$dir/swanctl/swanctl.conf" \
    >"$dir/swanctl-load.out" 2>&1 ||
    sw_die "swanctl --load-all failed: $(grep -v '^opening directory' \
      "$dir/swanctl-load.out" | grep -i -m 3 -E 'fail|invalid|error')"
}

# sw_initiate DIR CHILD [TIMEOUT_S] — initiate CHILD (and its IKE_SA); swanctl
# returns once the CHILD_SA is up or failed (default 10 s).
sw_initiate() {
  local dir=$1 child=$2 t=${3:-10}
  SW_CMD_TIMEOUT=$((t + 5)) sw_swanctl "$dir" --initiate --child "$child" \
    --timeout "$t" >"$dir/swanctl-initiate.out" 2>&1 ||
    sw_die "initiate $child failed: $(tail -n 3 "$dir/swanctl-initiate.out")"
}

# sw_ike_established DIR IKE — succeed if IKE_SA IKE is ESTABLISHED now.
sw_ike_established() {
  local out
  out=$(sw_swanctl "$1" --list-sas --ike "$2" --raw 2>/dev/null) || return 1
  grep -q "state=ESTABLISHED" <<<"$out"
}

# sw_wait_established DIR IKE [TIMEOUT_S] — wait (default 10 s) for ESTABLISHED.
sw_wait_established() {
  wait_for "${3:-10}" "IKE_SA $2 ESTABLISHED in $1" sw_ike_established "$1" "$2"
}

# sw_wait_deleted DIR IKE [TIMEOUT_S] — wait (default 10 s) until IKE_SA IKE
# is gone (the instance must still answer on vici).
sw_wait_deleted() {
  wait_for "${3:-10}" "IKE_SA $2 deleted in $1" sw_ike_absent "$1" "$2"
}

sw_ike_absent() {
  local out
  out=$(sw_swanctl "$1" --list-sas --ike "$2" --raw) || return 1
  ! grep -q "state=" <<<"$out"
}

# sw_terminate DIR IKE [TIMEOUT_S] — delete IKE_SA IKE (INFORMATIONAL exchange
# with a Delete payload) and wait for it to finish (default 10 s).
sw_terminate() {
  local dir=$1 ike=$2 t=${3:-10}
  SW_CMD_TIMEOUT=$((t + 5)) sw_swanctl "$dir" --terminate --ike "$ike" \
    --timeout "$t" >"$dir/swanctl-terminate.out" 2>&1 ||
    sw_die "terminate $ike failed: $(tail -n 3 "$dir/swanctl-terminate.out")"
}

# sw_stop DIR — stop the daemon (TERM, KILL after 10 s) and wait for it.
sw_stop() {
  local dir=$1 pid
  [[ -f $dir/charon.pid ]] || return 0
  pid=$(<"$dir/charon.pid")
  netns_stop_pid "$pid" 10
  rm -f "$dir/charon.pid"
}
