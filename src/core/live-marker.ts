import { readFileSync } from "node:fs";
import { bottleFiles } from "./paths.ts";
import { readJson, writeJson } from "./state.ts";

/**
 * Who keeps a bottle alive. `launching`/`attached`: the CLI process `pid` owns it and
 * tears it down on exit; `detached`: it runs on its own until `bottle stop`; `stopped`:
 * its engine objects are gone but its state and workspace remain for `resume`.
 */
export type LiveMode = "launching" | "attached" | "detached" | "stopped";

/** The live marker, `<state>/<identity>/live.json`. */
export interface LiveMarker {
  mode: LiveMode;
  pid: number;
  /** The owner's start time as the kernel reports it, so a recycled pid is not mistaken for the owner. */
  pidStart: string | null;
  updatedAt: string;
  /** Why it is in this mode when that is news to its owner: `its CLI died`. */
  note?: string;
}

/** Whether a bottle's owner is still there, as `cleanup` and `list` need to know. */
export type Liveness = "live" | "stopped" | "dead";

/**
 * The start time of `pid` (field 22 of /proc/PID/stat, in clock ticks since boot), or
 * null where /proc does not exist (macOS): then the pid alone decides.
 */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

/** True while `pid` runs and, where /proc tells, is still the process that started at `start`. */
export function processAlive(pid: number, start: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return start === null || processStart(pid) === start;
}

/** Path of the marker inside a bottle's state folder. */
export function liveMarkerPath(stateDir: string): string {
  return bottleFiles(stateDir).live;
}

/** Records that this process (or nobody, for `detached`/`stopped`) owns the bottle now. */
export async function writeLiveMarker(stateDir: string, mode: LiveMode, pid: number = process.pid, note?: string): Promise<void> {
  const marker: LiveMarker = { mode, pid, pidStart: processStart(pid), updatedAt: new Date().toISOString(), ...(note === undefined ? {} : { note }) };
  await writeJson(liveMarkerPath(stateDir), marker);
}

/** What `list` says of a bottle whose CLI died: it is stopped, not lost. */
export const CLI_DIED_NOTE = "its CLI died; `bottle resume` brings it back";

/** Reads the marker; undefined when the bottle has none (never launched, or reaped). */
export async function readLiveMarker(stateDir: string): Promise<LiveMarker | undefined> {
  return readJson<LiveMarker>(liveMarkerPath(stateDir));
}

/**
 * Live when detached or when its owning CLI still runs; stopped when it was stopped on
 * purpose; dead when its CLI died (kill -9, crash, power loss) or there is no marker.
 */
export function liveness(marker: LiveMarker | undefined): Liveness {
  if (marker === undefined) return "dead";
  if (marker.mode === "detached") return "live";
  if (marker.mode === "stopped") return "stopped";
  return processAlive(marker.pid, marker.pidStart) ? "live" : "dead";
}
