import { existsSync, statSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackendDeps, StartSpec, WorkspaceOrigin } from "../backend/types.ts";
import { UsageError } from "../core/errors.ts";
import { NAME_PATTERN } from "../core/identity.ts";
import type { Runner } from "../core/runner.ts";
import { allBottles } from "./bottle-ids.ts";

/**
 * `start --name NAME`: the identity becomes `<agent>-<name>` instead of a random suffix.
 * The name must be identity-shaped; one already in use (by any backend, or a state
 * folder) is a usage error: two bottles never share an identity.
 */
export async function namedIdentity(spec: StartSpec, name: string, deps: BackendDeps): Promise<string> {
  if (!NAME_PATTERN.test(name) || name.length > 40) {
    throw new UsageError(`--name ${JSON.stringify(name)} is not a valid name`, "use lowercase letters, digits, '.', '_' and '-' (at most 40), starting with a letter or digit");
  }
  const identity = `${spec.agentName}-${name}`;
  if (existsSync(deps.paths.bottleState(identity)) || (await allBottles(deps)).some((bottle) => bottle.identity === identity)) {
    throw new UsageError(`a bottle ${identity} already exists`, `pick another --name, \`bottle resume ${identity}\`, or \`bottle rm ${identity}\` first`);
  }
  return identity;
}

/** Where a fresh workspace comes from (see `StartSpec.origin`): the copied folder, its
 * git HEAD and the tree of its files as copied. */
export async function workspaceOrigin(runner: Runner, folder: string | undefined): Promise<WorkspaceOrigin | undefined> {
  if (folder === undefined) return undefined;
  const head = await copiedHead(runner, folder);
  const tree = head === undefined ? undefined : await copiedTree(runner, folder);
  return { folder, head, ...(tree === undefined ? {} : { tree }) };
}

/**
 * The tree of `folder`'s files as they are (HEAD with uncommitted edits and untracked
 * files, `.gitignore` respected), written into its object store before the copy takes
 * the store along: what `bottle diff` compares against, so the patch holds the agent's
 * changes alone. Against HEAD, a file the person had not committed came back as new,
 * and \`bottle diff ID | git apply\` in the checkout it came from failed ("already
 * exists in working directory", a newcomer's run). A throwaway index (a copy of the
 * real one) leaves the person's staging alone; the objects are unreferenced, and a
 * `git gc` prunes them in time. Undefined when git cannot (the diff then uses HEAD).
 */
export async function copiedTree(runner: Runner, folder: string): Promise<string | undefined> {
  const scratch = await mkdtemp(join(tmpdir(), "bottle-tree-"));
  try {
    const index = join(scratch, "index");
    const real = await runner.run(["git", "-C", folder, "rev-parse", "--path-format=absolute", "--git-path", "index"], { check: false });
    if (real.exitCode === 0 && existsSync(real.stdout.trim())) await copyFile(real.stdout.trim(), index);
    const env = { GIT_INDEX_FILE: index };
    const added = await runner.run(["git", "-C", folder, "add", "-A"], { check: false, env });
    if (added.exitCode !== 0) return undefined;
    const tree = await runner.run(["git", "-C", folder, "write-tree"], { check: false, env });
    const id = tree.stdout.trim();
    return tree.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(id) ? id : undefined;
  } catch {
    return undefined;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * The commit `HEAD` of `folder` when it is a git repository's top folder (its `.git`
 * is a folder that the copy takes along), for `bottle diff`; undefined otherwise (not
 * a repository, a subfolder of one, a worktree, no commit yet, or no git here).
 */
export async function copiedHead(runner: Runner, folder: string | undefined): Promise<string | undefined> {
  if (folder === undefined) return undefined;
  const gitDir = join(folder, ".git");
  if (!existsSync(gitDir) || !statSync(gitDir).isDirectory()) return undefined;
  try {
    const head = await runner.run(["git", "-C", folder, "rev-parse", "--verify", "--quiet", "HEAD^{commit}"], { check: false });
    const commit = head.stdout.trim();
    return head.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(commit) ? commit : undefined;
  } catch {
    // git is not installed: nothing to record, and `bottle diff` will say why.
    return undefined;
  }
}
