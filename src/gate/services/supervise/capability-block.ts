import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import * as v from "valibot";
import { writeJson, writePrivateFile } from "../../../core/state.ts";

/** The build arg a proposed Dockerfile builds on: `ARG BOTTLE_IMAGE` + `FROM ${BOTTLE_IMAGE}` is the image the bottle runs now. */
export const BOTTLE_IMAGE_ARG = "BOTTLE_IMAGE";

/** Where a bottle's capability-block files live: `<state>/<identity>/supervise/`. */
export function capabilityFiles(stateDir: string) {
  const dir = join(stateDir, "supervise");
  return {
    /** The approved Dockerfile `resume` builds the bottle's own image from (0600). */
    dockerfile: join(dir, "Dockerfile"),
    /** Present while the bottle is stopped for an approved image change: `bottle list` shows `blocked`. */
    blocked: join(dir, "blocked.json"),
    /** The build context of the bottle's own image: empty (the Dockerfile's `COPY` has nothing to take). */
    context: join(dir, "image-context"),
  };
}

const BlockedSchema = v.strictObject({
  /** Why the bottle stopped, as `bottle list` and `resume` say it. */
  reason: v.string(),
  request: v.string(),
  time: v.string(),
});

/** Why a bottle is blocked. */
export type Blocked = v.InferOutput<typeof BlockedSchema>;

/**
 * Records an approved Dockerfile and blocks the bottle on it: the Dockerfile (0600) and
 * `blocked.json` in its state. The caller then stops the bottle (workspace and home
 * kept); `resume` builds the image and clears the block.
 */
export async function blockOnDockerfile(stateDir: string, dockerfile: string, blocked: Blocked): Promise<void> {
  const files = capabilityFiles(stateDir);
  await writePrivateFile(files.dockerfile, dockerfile);
  await writeJson(files.blocked, v.parse(BlockedSchema, blocked));
}

/** The block on a bottle, or undefined (none, or a file that does not validate). */
export function readBlocked(stateDir: string): Blocked | undefined {
  const file = capabilityFiles(stateDir).blocked;
  if (!existsSync(file)) return undefined;
  try {
    const parsed = v.safeParse(BlockedSchema, JSON.parse(readFileSync(file, "utf8")));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

/** The bottle's approved Dockerfile, if a person approved one. */
export function approvedDockerfile(stateDir: string): string | undefined {
  const file = capabilityFiles(stateDir).dockerfile;
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

/** Lifts the block once the new image is built (the Dockerfile stays: later resumes reuse the image). */
export function clearBlocked(stateDir: string): void {
  rmSync(capabilityFiles(stateDir).blocked, { force: true });
}
