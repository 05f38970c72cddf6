#!/usr/bin/env bash
# Installs every Debian 12 package that tern's build, tests and demo need.
# Idempotent: packages already present are not touched. Run as root.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config g++ clang-14 lld-14
  clang-format clang-tidy
  libfuzzer-14-dev libclang-rt-14-dev
  # libraries (Debian 12 packages only; nothing is downloaded at build time)
  libssl-dev libfmt-dev libspdlog-dev libtomlplusplus-dev libcli11-dev
  nlohmann-json3-dev libasio-dev libgtest-dev libgmock-dev libbenchmark-dev
  # tests and demo
  tshark iproute2 iputils-ping iperf3 nftables conntrack python3 jq systemd util-linux
  charon-systemd strongswan-swanctl libcharon-extra-plugins libstrongswan-extra-plugins
  libstrongswan-standard-plugins
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing packages: ${missing[*]} (run as root to install them)" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  # policy-rc.d keeps package scripts from starting services (charon) on the host.
  prc=/usr/sbin/policy-rc.d
  made_prc=0
  if [[ ! -e $prc ]]; then printf '#!/bin/sh\nexit 101\n' >"$prc"; chmod +x "$prc"; made_prc=1; fi
  trap '[[ $made_prc -eq 1 ]] && rm -f "$prc"' EXIT
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
echo "bootstrap: all packages present"
