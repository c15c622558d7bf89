#!/usr/bin/env bash
# The engine's floor for one bottle: the same engine commands `bottle start --detach`
# issues, typed by hand in order, then the same /healthz wait. No state files, no
# probes, no image checks. Usage:
#   floor.sh up   ID GATE_IMAGE AGENT_IMAGE GATE_CONFIG ENV_FILE AUDIT_DIR
#   floor.sh down ID
set -euo pipefail
cmd=$1 id=$2
if [[ $cmd == down ]]; then
  docker rm --force "$id-agent" "$id-gate" >/dev/null
  docker network rm "$id-internal" "$id-egress" >/dev/null
  exit 0
fi
gate=$3 agent=$4 config=$5 envfile=$6 audit=$7
n=$((RANDOM % 4000))
docker network create --internal --opt com.docker.network.bridge.inhibit_ipv4=true --subnet "10.214.$((n / 16)).$(((n % 16) * 16))/28" "$id-internal" >/dev/null
docker network create --subnet "10.215.$((n / 16)).$(((n % 16) * 16))/28" "$id-egress" >/dev/null
docker volume create "$id-workspace" >/dev/null
docker volume create "$id-home" >/dev/null
docker run --detach --name "$id-gate" --network "$id-egress" --user "$(id -u):$(id -g)" \
  --cap-drop ALL --security-opt no-new-privileges --read-only \
  --volume "$config:/etc/bottle/gate.json:ro" --volume "$audit:/var/log/bottle" "$gate" --config /etc/bottle/gate.json >/dev/null
docker network connect "$id-internal" "$id-gate"
docker run --detach --name "$id-agent" --hostname "$id" --network "$id-internal" --user 0 --init \
  --security-opt no-new-privileges --cap-drop NET_RAW \
  --dns 127.0.0.1 --dns-option timeout:1 --dns-option attempts:1 --env-file "$envfile" \
  --env "HTTPS_PROXY=http://$id-gate:8080" --env "HTTP_PROXY=http://$id-gate:8080" \
  --volume "$id-workspace:/workspace" --workdir /workspace --volume "$id-home:/root" --env HOME=/root --entrypoint sleep "$agent" 2147483647 >/dev/null
ip=$(docker inspect --format "{{(index .NetworkSettings.Networks \"$id-egress\").IPAddress}}" "$id-gate")
until curl -sf "http://$ip:8080/healthz" >/dev/null; do sleep 0.02; done
