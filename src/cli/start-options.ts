import { existsSync, statSync } from "node:fs";
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

/** Where a fresh workspace comes from (see `StartSpec.origin`): the copied folder and its git HEAD. */
export async function workspaceOrigin(runner: Runner, folder: string | undefined): Promise<WorkspaceOrigin | undefined> {
  return folder === undefined ? undefined : { folder, head: await copiedHead(runner, folder) };
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
