import { BottleError } from "../../core/errors.ts";
import { backendDeps } from "../backend-deps.ts";
import { oneIdWord, resolveBottleId } from "../bottle-ids.ts";
import type { CommandContext } from "../context.ts";

/**
 * Runs in the bottle, as the agent's user, in its workspace: stages everything (new
 * files too, .gitignore respected) into a throwaway index, so the agent's own index is
 * untouched, and diffs that against the commit the copy started from. `$1` is that
 * commit; the rest are git diff flags.
 */
export const DIFF_SCRIPT = [
  "set -e",
  'base="$1"; shift',
  'command -v git >/dev/null 2>&1 || { echo "bottle diff: git is not installed in this bottle" >&2; exit 127; }',
  'tmp=$(mktemp -d); trap \'rm -rf "$tmp"\' EXIT',
  'index=$(git rev-parse --git-path index)',
  'if [ -f "$index" ]; then cp "$index" "$tmp/index"; fi',
  'export GIT_INDEX_FILE="$tmp/index"',
  "git add -A",
  'git --no-pager diff --cached "$@" "$base" --',
].join("\n");

/**
 * `bottle diff ID [--stat]`: when `--cwd` copied a git repository, what the agent
 * changed — committed or not, new files included — against the files as copied (the
 * HEAD then, with the person's uncommitted edits and untracked files),
 * as git prints it (a patch `git apply` takes, or `--stat`). git runs inside the
 * bottle: the repository is the agent's to configure, so host git never reads it. A
 * stopped bottle's workspace works too where its backend keeps it (docker: its volume).
 */
export async function run(context: CommandContext): Promise<number> {
  const deps = backendDeps(context);
  const bottle = await resolveBottleId(deps, oneIdWord(context.positionals, "diff"));
  const origin = bottle.metadata?.spec.origin;
  const base = origin?.head === undefined ? undefined : (origin.tree ?? origin.head);
  if (base === undefined) {
    const from = origin === undefined ? "was not copied from a folder" : `was copied from ${origin.folder}, which was not a git repository's top folder`;
    throw new BottleError(`${bottle.identity}'s workspace ${from}`, {
      hint: "`bottle diff` needs a bottle started with --cwd in a repository's top folder; `bottle cp ID:. DEST` copies any workspace out",
    });
  }
  const flags = [...(context.flags.stat === true ? ["--stat"] : []), ...(process.stdout.isTTY ? ["--color=always"] : [])];
  return bottle.backend.shell(bottle.identity, deps, { command: ["sh", "-c", DIFF_SCRIPT, "bottle-diff", base, ...flags], tty: false, workspaceOnly: true });
}
