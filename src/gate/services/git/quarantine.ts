import { realpathSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Runner } from "../../../core/runner.ts";
import { isNullId, type RefUpdate } from "./ref-update.ts";
import { HERMETIC_GIT_ENV } from "./upstream-access.ts";

/**
 * The quarantine receive-pack made inside this mirror (`objects/tmp_objdir-incoming-*`),
 * or undefined for any other folder: the hook's word on where the objects are is
 * checked, never trusted.
 */
export function quarantineOf(mirrorPath: string, objectDir: string): string | undefined {
  try {
    const real = realpathSync(objectDir);
    const objects = realpathSync(join(mirrorPath, "objects"));
    return dirname(real) === objects && basename(real).startsWith("tmp_objdir-incoming-") ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Puts back refs a push moved without the hook's decision: git skips a hook it cannot
 * run, so this is the second line behind the start-up probe. Returns what it undid.
 */
export async function undoUndecided(runner: Runner, mirrorPath: string, commands: readonly RefUpdate[]): Promise<string[]> {
  const undone: string[] = [];
  for (const command of commands) {
    const now = await runner.run(["git", "rev-parse", "--verify", "--quiet", command.ref], { env: HERMETIC_GIT_ENV, cwd: mirrorPath, check: false });
    // A delete moved the ref if it is gone; any other update if the ref now names its new id.
    const moved = isNullId(command.new) ? now.exitCode !== 0 : now.stdout.trim() === command.new;
    if (!moved) continue;
    const restore = isNullId(command.old) ? ["update-ref", "-d", command.ref] : ["update-ref", command.ref, command.old];
    await runner.run(["git", ...restore], { env: HERMETIC_GIT_ENV, cwd: mirrorPath, check: false });
    undone.push(command.ref);
  }
  return undone;
}
