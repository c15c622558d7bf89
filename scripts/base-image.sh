#!/usr/bin/env bash
# Creates the local Debian base image `bottle-base:bookworm` (debootstrap + docker import),
# because nothing can be pulled from an image registry where bottle is built and tested.
# Idempotent: does nothing when the image exists (pass --force to rebuild). Safe to run
# concurrently: a lock serialises builders, the second one finds the image and returns.
# Its label is not a dev.bottle.role: images pass labels on to every container run
# from them, and only bottle objects may carry a role.
#
# Environment (by default, the values shown):
#   BOTTLE_BASE_IMAGE=bottle-base:bookworm   the tag to create
#   BOTTLE_DEBIAN_MIRROR=http://deb.debian.org/debian
#   BOTTLE_DEBIAN_SECURITY=http://deb.debian.org/debian-security
# Plain HTTP mirrors: apt verifies packages with Debian's keyring, and a TLS-intercepting
# proxy cannot then break the bootstrap before the extra CA is installed.
set -euo pipefail

image="${BOTTLE_BASE_IMAGE:-bottle-base:bookworm}"
mirror="${BOTTLE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security="${BOTTLE_DEBIAN_SECURITY:-http://deb.debian.org/debian-security}"
force=0
[[ "${1:-}" == "--force" ]] && force=1

die() { echo "base-image: $*" >&2; exit 1; }
command -v docker >/dev/null || die "docker is missing: apt-get install -y docker.io"
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || die "the Docker engine is not reachable (start dockerd)"

exists() { docker image inspect "$image" >/dev/null 2>&1; }
# Checked before asking for root: with the image there, anyone who may use docker is done.
if exists && [[ $force -eq 0 ]]; then
  echo "base-image: $image already exists"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || die "debootstrap needs root (run with sudo)"
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install -y debootstrap"

mkdir -p /var/lock
exec 9>"/var/lock/bottle-base-image.lock"
flock 9
# Another builder may have finished while this one waited for the lock.
if exists && [[ $force -eq 0 ]]; then
  echo "base-image: $image already exists"
  exit 0
fi

root="$(mktemp -d /var/tmp/bottle-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
started=$SECONDS
echo "base-image: debootstrap bookworm from $mirror (about a minute)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -n 20 "$root.log" >&2; rm -f "$root.log"; die "debootstrap failed"; }
rm -f "$root.log"

# The same suites the host uses, so `apt-get install` in image builds sees updates too.
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main
EOF
# Keep images small: no apt caches, docs or translations.
cat >"$root/etc/apt/apt.conf.d/90bottle" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* "$root"/usr/share/man/*

tar -C "$root" -c . | docker import \
  --change 'CMD ["/bin/bash"]' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'LABEL dev.bottle.base=bookworm' \
  - "$image" >/dev/null
echo "base-image: created $image in $((SECONDS - started))s"
