#!/usr/bin/env bash
# What bench/proxy needs beyond the repo (Debian, as root): the proxies it compares
# against and the load generator. CI does not install these: no test needs them.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
missing=()
for tool in squid tinyproxy wrk openssl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
[[ ${#missing[@]} -eq 0 ]] && exit 0
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
