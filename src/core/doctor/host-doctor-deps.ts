import { access, constants, statfs } from "node:fs/promises";
import { dirname } from "node:path";
import { bottlePaths } from "../paths.ts";
import type { Runner } from "../runner.ts";
import type { DoctorDeps } from "./doctor-check.ts";

async function exists(path: string): Promise<boolean> {
  return access(path, constants.F_OK).then(
    () => true,
    () => false,
  );
}

/** The real machine: `node:fs` for devices and disk, the given runner for commands. */
export function hostDoctorDeps(runner: Runner, env: Record<string, string | undefined>, baseImage: string): DoctorDeps {
  return {
    runner,
    baseImage,
    stateDir: bottlePaths(env).state,
    env,
    exists,
    canReadWrite: (path) =>
      access(path, constants.R_OK | constants.W_OK).then(
        () => true,
        () => false,
      ),
    freeBytes: async (path) => {
      // The state folder may not exist before the first start: measure its nearest parent.
      let target = path;
      while (!(await exists(target)) && dirname(target) !== target) target = dirname(target);
      const stats = await statfs(target);
      return stats.bavail * stats.bsize;
    },
  };
}
