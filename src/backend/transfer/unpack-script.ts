/**
 * A POSIX sh script that unpacks the tar on its stdin with docker cp's meaning, for
 * the side that has no `docker cp` (a microVM's guest, or the host receiving from it).
 * Arguments: `$1` the destination, `$2` the packed name (`.` for a folder's contents),
 * `$3` extra tar flags (may be empty). An existing folder receives the source inside
 * it; otherwise the source becomes the destination: unpacked into a fresh folder next
 * to it, then moved into place, so a failed copy leaves nothing half-written there.
 * It uses only what busybox has.
 */
export const UNPACK_SCRIPT = [
  'set -e; dest="$1"; base="$2"; flags="$3"',
  'if [ "$base" = . ]; then mkdir -p "$dest"; tar $flags -C "$dest" -xf -; exit 0; fi',
  'if [ -d "$dest" ]; then tar $flags -C "$dest" -xf -; exit 0; fi',
  'parent=$(dirname "$dest")',
  'if [ ! -d "$parent" ]; then echo "no such folder: $parent" >&2; exit 1; fi',
  'tmp=$(mktemp -d "$parent/.bottle-cp.XXXXXX")',
  'trap \'rm -rf "$tmp"\' EXIT',
  'tar $flags -C "$tmp" -xf -',
  'if [ -d "$tmp/$base" ] && [ -e "$dest" ]; then echo "cannot copy a folder onto the file $dest" >&2; exit 1; fi',
  'mv -f "$tmp/$base" "$dest"',
].join("\n");
