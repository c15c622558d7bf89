#!/usr/bin/env bash
# Makes a Docker engine answer on a Debian machine with no init system: installs
# docker.io (and debootstrap, for the local base image) plus any packages named as
# arguments, then starts dockerd in the background and waits for it. Needs root.
# Idempotent: installs only what is missing and starts dockerd only when none answers.
#
#   sudo bash scripts/engine.sh [PACKAGE…]
#
# Environment: BOTTLE_DOCKERD_LOG (by default, /var/log/bottle-dockerd.log).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

die() { echo "engine: $*" >&2; exit 1; }
log="${BOTTLE_DOCKERD_LOG:-/var/log/bottle-dockerd.log}"
engine_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

[[ $(id -u) -eq 0 ]] || die "installing and starting the engine needs root (run with sudo)"
command -v apt-get >/dev/null || die "no apt-get: install Docker for your system (https://docs.docker.com/engine/install/)"

missing=()
for package in docker.io debootstrap "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  apt-get update -q
  # No init system here: keep the packages' services (registry, tinyproxy, docker) from
  # starting on install; tests start their own, and dockerd is started below.
  created_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && created_policy=1
  fi
  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
  [[ $created_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d
fi

if ! engine_up; then
  echo "engine: starting dockerd (log: $log)"
  setsid nohup dockerd >"$log" 2>&1 </dev/null &
  deadline=$((SECONDS + 90))
  until engine_up; do
    if ((SECONDS > deadline)); then
      tail -n 30 "$log" >&2 || true
      die "dockerd did not answer within 90 s; its log ends above"
    fi
    sleep 1
  done
fi
echo "engine: Docker $(docker version --format '{{.Server.Version}}') is running"
