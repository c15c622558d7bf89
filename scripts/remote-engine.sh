#!/usr/bin/env bash
# A second Docker engine that behaves like a remote one, for tests: dockerd in a network
# namespace of its own (own data root, exec root, pidfile, config file, bridge range),
# reachable from this host only over a veth pair, on TCP with TLS client certificates and
# over ssh:// through a real sshd in that namespace. Nothing is pulled: images come from
# the main engine (`load`). Needs root. Every command is idempotent.
#
#   bash scripts/remote-engine.sh start [--holder ID]    # start (or join) it; ID is PID or PID.N
#   bash scripts/remote-engine.sh release ID             # drop a holder; the last one stops it
#   bash scripts/remote-engine.sh stop                   # stop it whoever holds it
#   bash scripts/remote-engine.sh purge                  # stop it and delete its data root
#   bash scripts/remote-engine.sh status                 # exit 0 when it answers
#   bash scripts/remote-engine.sh env tls|ssh|unix       # KEY=VALUE lines to reach it
#   bash scripts/remote-engine.sh load IMAGE…            # copy images from the main engine
#
# Environment: BOTTLE_REMOTE_ENGINE_ROOT (by default, /var/lib/bottle-remote-engine).
#
# Addresses: the veth pair is 198.18.0.1/30 (host) and 198.18.0.2/30 (engine), in the
# RFC 2544 benchmarking range 198.18.0.0/15. The engine's bridges take 198.19.0.0/16.
# This host marks the whole /15 unreachable (the veth's own /30 is more specific while
# it exists): a CLI that polls a container's bridge address (as a local engine allows)
# fails at once here, as it would against a real remote engine, and no packet for the
# range ever leaves the machine, not even one sent to the engine after it stopped. The
# route stays after `stop` for that reason; `purge` removes it.
set -euo pipefail

ROOT="${BOTTLE_REMOTE_ENGINE_ROOT:-/var/lib/bottle-remote-engine}"
NETNS=bottle-remote
HOST_IF=bottle-re0
ENGINE_IF=bottle-re1
HOST_ADDR=198.18.0.1
ENGINE_ADDR=198.18.0.2
BRIDGE_RANGE=198.19.0.0/16
TEST_RANGE=198.18.0.0/15
TLS_PORT=2376
SOCK="$ROOT/run/engine.sock"

die() { echo "remote-engine: $*" >&2; exit 1; }
say() { echo "remote-engine: $*" >&2; }

engine() { docker --host "unix://$SOCK" "$@"; }
engine_up() { [[ -S "$SOCK" ]] && engine version --format '{{.Server.Version}}' >/dev/null 2>&1; }
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# One start/stop at a time: tests in parallel processes may start it together. Every
# long-lived child is started with fd 9 closed, or it would hold the lock for ever.
lock() {
  mkdir -p "$ROOT"
  exec 9>"$ROOT/lock"
  flock 9
}

network_up() {
  [[ -e "/run/netns/$NETNS" ]] || ip netns add "$NETNS"
  if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
    ip link add "$HOST_IF" type veth peer name "$ENGINE_IF"
    ip link set "$ENGINE_IF" netns "$NETNS"
    ip addr add "$HOST_ADDR/30" dev "$HOST_IF"
    ip -n "$NETNS" addr add "$ENGINE_ADDR/30" dev "$ENGINE_IF"
  fi
  ip link set "$HOST_IF" up
  ip -n "$NETNS" link set "$ENGINE_IF" up
  ip -n "$NETNS" link set lo up
  ip route replace unreachable "$TEST_RANGE"
}

# A CA, a server certificate for the engine's address and a client certificate, made
# here with openssl; the client's trio is laid out as DOCKER_CERT_PATH expects.
certificates() {
  local dir="$ROOT/certs"
  [[ -f "$dir/client/key.pem" ]] && return
  rm -rf "$dir" && mkdir -p "$dir/client" && chmod 700 "$dir"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" -days 30 -subj /CN=bottle-remote-engine-ca 2>/dev/null
  openssl req "${ec[@]}" -keyout "$dir/server-key.pem" -out "$dir/server.csr" -subj /CN=bottle-remote-engine 2>/dev/null
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 30 \
    -extfile <(printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$ENGINE_ADDR") -out "$dir/server-cert.pem" 2>/dev/null
  openssl req "${ec[@]}" -keyout "$dir/client/key.pem" -out "$dir/client.csr" -subj /CN=bottle-test-client 2>/dev/null
  openssl x509 -req -in "$dir/client.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" -CAcreateserial -days 30 \
    -extfile <(printf 'extendedKeyUsage=clientAuth\n') -out "$dir/client/cert.pem" 2>/dev/null
  cp "$dir/ca.pem" "$dir/client/ca.pem"
  chmod 600 "$dir"/*.pem "$dir/client"/*.pem
}

dockerd_up() {
  engine_up && return
  mkdir -p "$ROOT/data" "$ROOT/run" "$ROOT/exec"
  # Its own config file: the main engine's /etc/docker/daemon.json must not apply here.
  echo '{}' >"$ROOT/daemon.json"
  say "starting dockerd in netns $NETNS (log: $ROOT/dockerd.log)"
  # nsenter switches only the network namespace; `ip netns exec` would also remount /sys
  # and hide the cgroup hierarchy from dockerd (seen with iproute2 6.1, Docker 20.10).
  # A mount namespace of its own with empty /tmp, /root and /home: a bind mount of the
  # CLI's files (its state folder, a test's temp dir) finds nothing there, as on an
  # engine on another machine, instead of silently working because the disk is shared.
  setsid nohup nsenter --net="/run/netns/$NETNS" unshare --mount --propagation private sh -c \
    'for dir in /tmp /root /home; do mount -t tmpfs -o mode=1777 bottle-remote-engine "$dir"; done; exec dockerd "$@"' dockerd \
    --config-file "$ROOT/daemon.json" \
    --data-root "$ROOT/data" --exec-root "$ROOT/exec" --pidfile "$ROOT/run/dockerd.pid" \
    --host "unix://$SOCK" --host "tcp://$ENGINE_ADDR:$TLS_PORT" \
    --tlsverify --tlscacert "$ROOT/certs/ca.pem" --tlscert "$ROOT/certs/server-cert.pem" --tlskey "$ROOT/certs/server-key.pem" \
    --bip 198.19.128.1/24 --default-address-pool base=198.19.192.0/18,size=24 \
    --cgroup-parent bottle-remote-engine --shutdown-timeout 2 --log-level warn \
    >"$ROOT/dockerd.log" 2>&1 </dev/null 9>&- &
  local deadline=$((SECONDS + 90))
  until engine_up; do
    ((SECONDS < deadline)) || { tail -n 30 "$ROOT/dockerd.log" >&2; die "dockerd did not answer within 90 s; its log ends above"; }
    sleep 0.5
  done
}

# sshd in the namespace; its sessions' DOCKER_HOST is this engine's socket, so the docker
# CLI's `ssh HOST docker system dial-stdio` reaches this engine and not the main one. Their
# HOME is an empty folder: root's own ~/.bashrc (bash reads it for ssh commands) may be
# slow (a pyenv init here cost 0.3 s per docker command).
sshd_up() {
  local dir="$ROOT/ssh"
  mkdir -p "$dir/home" "$ROOT/bin" /run/sshd && chmod 700 "$dir"
  [[ -f "$dir/host_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_ed25519"
  [[ -f "$dir/client_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -f "$dir/client_ed25519"
  cp "$dir/client_ed25519.pub" "$dir/authorized_keys"
  echo "$ENGINE_ADDR $(cut -d' ' -f1,2 "$dir/host_ed25519.pub")" >"$dir/known_hosts"
  cat >"$dir/sshd_config" <<EOF
ListenAddress $ENGINE_ADDR:22
HostKey $dir/host_ed25519
PidFile $ROOT/run/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers root
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
SetEnv DOCKER_HOST=unix://$SOCK HOME=$dir/home
EOF
  # The client side: a config naming the key, the pinned host key and a shared master
  # connection (each docker command over ssh:// is one ssh session; the master keeps the
  # handshake to one per minute, as Docker's docs suggest for ssh hosts).
  cat >"$dir/ssh_config" <<EOF
Host $ENGINE_ADDR
  User root
  IdentityFile $dir/client_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $dir/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
  ControlMaster auto
  ControlPath $ROOT/run/ssh-%C
  ControlPersist 60
EOF
  # The docker CLI runs `ssh` from PATH with no way to add -F: this wrapper adds it.
  printf '#!/bin/sh\nexec /usr/bin/ssh -F %s "$@"\n' "$dir/ssh_config" >"$ROOT/bin/ssh"
  chmod 755 "$ROOT/bin/ssh"
  alive "$ROOT/run/sshd.pid" && return
  nsenter --net="/run/netns/$NETNS" /usr/sbin/sshd -f "$dir/sshd_config" -E "$ROOT/sshd.log" 9>&-
}

# Contexts in a docker config folder of the engine's own, so the user's ~/.docker is untouched.
contexts_up() {
  local config="$ROOT/docker-config"
  mkdir -p "$config"
  [[ -f "$config/config.json" ]] || echo '{}' >"$config/config.json"
  local certs="$ROOT/certs/client"
  DOCKER_CONFIG="$config" docker context inspect bottle-remote-tls >/dev/null 2>&1 ||
    DOCKER_CONFIG="$config" docker context create bottle-remote-tls \
      --docker "host=tcp://$ENGINE_ADDR:$TLS_PORT,ca=$certs/ca.pem,cert=$certs/cert.pem,key=$certs/key.pem" >/dev/null 2>&1
  DOCKER_CONFIG="$config" docker context inspect bottle-remote-ssh >/dev/null 2>&1 ||
    DOCKER_CONFIG="$config" docker context create bottle-remote-ssh --docker "host=ssh://root@$ENGINE_ADDR" >/dev/null 2>&1
}

start() {
  local holder="${1:-}"
  lock
  network_up
  certificates
  dockerd_up
  sshd_up
  contexts_up
  if [[ -n "$holder" ]]; then mkdir -p "$ROOT/holders" && : >"$ROOT/holders/$holder"; fi
  say "engine $(engine version --format '{{.Server.Version}}') answers on tcp://$ENGINE_ADDR:$TLS_PORT (TLS) and ssh://root@$ENGINE_ADDR"
}

stop_all() {
  for master in "$ROOT"/run/ssh-*; do
    [[ -S "$master" ]] && ssh -F "$ROOT/ssh/ssh_config" -o ControlPath="$master" -O exit "$ENGINE_ADDR" >/dev/null 2>&1 || true
  done
  if alive "$ROOT/run/sshd.pid"; then kill "$(cat "$ROOT/run/sshd.pid")" || true; fi
  if alive "$ROOT/run/dockerd.pid"; then
    local pid deadline=$((SECONDS + 30))
    pid="$(cat "$ROOT/run/dockerd.pid")"
    kill "$pid" || true
    while kill -0 "$pid" 2>/dev/null; do
      ((SECONDS < deadline)) || { kill -9 "$pid" 2>/dev/null || true; break; }
      sleep 0.2
    done
  fi
  ip link del "$HOST_IF" 2>/dev/null || true
  [[ -e "/run/netns/$NETNS" ]] && ip netns del "$NETNS"
  rm -rf "$ROOT/holders" "$ROOT/run"
  say "stopped"
}

# Drops a holder (`PID` or `PID.N`); the engine stops 15 s later if no live holder is
# left by then (a crashed test run's pid no longer counts, so one dead run never keeps
# it up for ever). The grace lets the next test file of the same run join it instead of
# paying a restart.
release() {
  local holder="$1"
  lock
  rm -f "$ROOT/holders/$holder"
  exec 9>&-
  setsid nohup bash "$0" stop-unheld "${BOTTLE_REMOTE_ENGINE_GRACE:-15}" >/dev/null 2>&1 </dev/null &
}

# Stops the engine after `grace` seconds unless a live holder appeared meanwhile.
stop_unheld() {
  sleep "$1"
  lock
  for file in "$ROOT"/holders/*; do
    [[ -e "$file" ]] || continue
    local pid
    pid="$(basename "$file")" && pid="${pid%%.*}"
    if kill -0 "$pid" 2>/dev/null; then return; fi
    rm -f "$file"
  done
  stop_all
}

# Copies images from the main engine; one already there (same image ID) is skipped.
load() {
  engine_up || die "not running: bash scripts/remote-engine.sh start"
  for image in "$@"; do
    local id
    id="$(docker image inspect --format '{{.Id}}' "$image")" || die "the main engine has no image $image"
    [[ "$(engine image inspect --format '{{.Id}}' "$image" 2>/dev/null)" == "$id" ]] && continue
    docker save "$image" | engine load -q >/dev/null
  done
}

env_for() {
  case "$1" in
    tls)
      echo "DOCKER_HOST=tcp://$ENGINE_ADDR:$TLS_PORT"
      echo "DOCKER_TLS_VERIFY=1"
      echo "DOCKER_CERT_PATH=$ROOT/certs/client"
      ;;
    ssh)
      echo "DOCKER_HOST=ssh://root@$ENGINE_ADDR"
      echo "PATH=$ROOT/bin:$PATH"
      ;;
    unix) echo "DOCKER_HOST=unix://$SOCK" ;;
    *) die "env tls|ssh|unix" ;;
  esac
  echo "DOCKER_CONFIG=$ROOT/docker-config"
  echo "BOTTLE_REMOTE_ENGINE_ADDR=$ENGINE_ADDR"
  echo "BOTTLE_REMOTE_ENGINE_BRIDGES=$BRIDGE_RANGE"
}

[[ $(id -u) -eq 0 ]] || die "needs root (network namespaces, a second dockerd)"
case "${1:-}" in
  start) if [[ "${2:-}" == "--holder" ]]; then start "${3:?--holder ID}"; else start; fi ;;
  release) release "${2:?release ID}" ;;
  stop-unheld) stop_unheld "${2:-15}" ;;
  stop) lock && stop_all ;;
  purge) lock && stop_all && { ip route del unreachable "$TEST_RANGE" 2>/dev/null || true; } && rm -rf "$ROOT" ;;
  status) engine_up ;;
  env) env_for "${2:-}" ;;
  load) shift && load "$@" ;;
  *) die "usage: $0 start [--holder PID] | release PID | stop | purge | status | env tls|ssh|unix | load IMAGE…" ;;
esac
