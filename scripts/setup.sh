#!/usr/bin/env bash
# Sets up a checkout of bottle: gets the pinned Bun (from npm when none is on PATH),
# installs dependencies from the lockfile and compiles dist/bottle. As root on Debian it
# also installs and starts the Docker engine when none answers (scripts/engine.sh), and
# makes the local base image when Debian's cannot be pulled (scripts/base-image.sh);
# without root it only says what is missing. Idempotent.
#
#   bash scripts/setup.sh && ./dist/bottle
#
# Environment: BOTTLE_TOOLS (by default, ${XDG_CACHE_HOME:-~/.cache}/bottle/tools) is
# where a bootstrap Bun goes when none is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "setup: $*" >&2; exit 1; }
tools="${BOTTLE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/bottle/tools}"
want="$(sed -n 's/^ *"bun": *"\([0-9.]*\)".*/\1/p' package.json | head -n 1)"
[[ -n "$want" ]] || die "package.json pins no bun devDependency"

# The project's own pinned Bun (a devDependency) wins once installed; before that, any
# Bun of the pinned version; else one from npm into $tools.
bun=""
for candidate in "$PWD/node_modules/.bin/bun" "$tools/node_modules/.bin/bun" "$(command -v bun || true)"; do
  if [[ -n "$candidate" && -x "$candidate" ]] && [[ "$("$candidate" --version 2>/dev/null)" == "$want" ]]; then
    bun="$candidate"
    break
  fi
done
if [[ -z "$bun" ]]; then
  command -v npm >/dev/null || die "neither Bun $want nor npm is installed; install Node.js (npm) or Bun $want first"
  echo "setup: installing Bun $want from npm into $tools"
  npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "bun@$want"
  bun="$tools/node_modules/.bin/bun"
fi

"$bun" install --frozen-lockfile
"$bun" run build

is_root() { [[ $(id -u) -eq 0 ]]; }
engine_up() { docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }
if ! engine_up && is_root && command -v apt-get >/dev/null; then
  bash scripts/engine.sh
fi
# The default agent image builds on the local base when it exists, else on Debian's
# public image; where that cannot be pulled, make the local one now rather than fail
# at the first start.
if engine_up && ! docker image inspect bottle-base:bookworm >/dev/null 2>&1 \
  && ! docker image inspect debian:bookworm-slim >/dev/null 2>&1 \
  && ! docker pull -q debian:bookworm-slim >/dev/null 2>&1; then
  if is_root; then
    bash scripts/base-image.sh
  else
    echo "setup: debian:bookworm-slim cannot be pulled; make the local base: sudo bash scripts/base-image.sh" >&2
  fi
fi
if ! ./dist/bottle doctor >/dev/null 2>&1; then
  ./dist/bottle doctor >&2 || true
  die "dist/bottle is built, but Docker is not ready: fix the FAIL lines above, then run ./dist/bottle"
fi
echo "setup: ready. Run ./dist/bottle"
