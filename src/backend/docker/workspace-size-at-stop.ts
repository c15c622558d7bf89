import { existsSync } from "node:fs";
import * as v from "valibot";
import { bottleFiles } from "../../core/paths.ts";
import type { Runner } from "../../core/runner.ts";
import { readJson, writeJson } from "../../core/state.ts";
import { WORKSPACE } from "./launch-commands.ts";

/** A workspace's size as measured when its bottle stopped: what `bottle list` shows without `--size`. */
export interface WorkspaceSizeAtStop {
  bytes: number;
  /** When it was measured (ISO 8601). */
  at: string;
}

const SizeRecord = v.object({ bytes: v.pipe(v.number(), v.integer(), v.minValue(0)), at: v.string() });

/**
 * The engine's own measure of a volume (moby's `directory.Size`, what `docker system df
 * -v` and `bottle list --size` show): the bytes of everything but folders, a file with
 * several hard links once. POSIX find/stat/awk, so GNU and busybox images alike.
 */
const MEASURE = `find ${WORKSPACE} ! -type d -exec stat -c '%i %s' {} + | awk '!seen[$1]++ { bytes += $2 } END { print bytes + 0 }'`;

/**
 * Measures the workspace in the agent's container as it stops and records it in the state folder.
 * One `docker exec` on the way down, so `bottle list` can show a stopped bottle's size
 * without the engine walking every volume (`docker system df -v`, ~95 ms on Docker
 * 20.10, whose API 1.41 has no per-volume size). Best effort: a container that is not
 * running, or an image without a shell, leaves the last record as it was.
 */
export async function recordWorkspaceSize(runner: Runner, agent: string, stateDir: string, now: () => Date = () => new Date()): Promise<void> {
  // As root, as provisioning execs: only the image's own tools run (find, stat, awk from
  // the image's PATH), which an agent cannot replace unless it is root in there already;
  // file names never reach the output, and only a number is taken from it.
  const result = await runner
    .run(["docker", "exec", "--user", "0", agent, "sh", "-c", MEASURE], { check: false, timeoutMs: 15_000 })
    .catch(() => undefined);
  const bytes = Number(/^(\d+)\n?$/.exec(result?.stdout ?? "")?.[1]);
  // A folder removed meanwhile (`rm`, `--rm`) is not made again for a record.
  if (result?.exitCode !== 0 || !Number.isSafeInteger(bytes) || !existsSync(stateDir)) return;
  const record: WorkspaceSizeAtStop = { bytes, at: now().toISOString() };
  await writeJson(bottleFiles(stateDir).workspaceSize, record).catch(() => {});
}

/** The size recorded when the bottle last stopped, or undefined (never measured, or a record bottle cannot read). */
export async function workspaceSizeAtStop(stateDir: string): Promise<WorkspaceSizeAtStop | undefined> {
  const parsed = v.safeParse(SizeRecord, await readJson(bottleFiles(stateDir).workspaceSize).catch(() => undefined));
  return parsed.success ? parsed.output : undefined;
}
