import type { DoctorCheck, DoctorDeps } from "./doctor-check.ts";

const GIB = 1024 ** 3;

/** By default, below this much free space `doctor` warns: an agent image is ~1 GiB and builds need room. */
export const LOW_DISK_BYTES = 4 * GIB;

/** Renders bytes the way `df -h` does: `12.3 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Free space where bottle keeps its state (workspace copies, mirrors, logs). */
export async function checkDisk(deps: Pick<DoctorDeps, "freeBytes" | "stateDir">): Promise<DoctorCheck> {
  let free: number;
  try {
    free = await deps.freeBytes(deps.stateDir);
  } catch (error) {
    // A folder we may not stat is worth a warning, not a crashed doctor.
    return { name: "disk", status: "warn", summary: `cannot measure free space for ${deps.stateDir}: ${(error as Error).message}` };
  }
  const summary = `${formatBytes(free)} free for ${deps.stateDir}`;
  if (free >= LOW_DISK_BYTES) return { name: "disk", status: "ok", summary };
  return {
    name: "disk",
    status: "warn",
    summary,
    hint: "free some space: `docker image prune` removes unused images, `bottle cleanup` removes dead bottles",
  };
}
