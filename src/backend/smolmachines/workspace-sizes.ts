import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Backend } from "../types.ts";
import { bottleFiles } from "../../core/paths.ts";
import { surveySmolBottles } from "./survey.ts";

/** Bytes under a folder (files' sizes; links not followed); 0 for one that is gone. */
async function folderBytes(path: string): Promise<number> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) total += await folderBytes(child);
    else total += (await lstat(child).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** A microVM's workspace is a host folder in its state: its size is a walk of that folder. */
export const workspaceSizes: Backend["workspaceSizes"] = async (deps) => {
  const sizes: Record<string, number> = {};
  for (const bottle of await surveySmolBottles(deps)) {
    if (bottle.hasState) sizes[bottle.identity] = await folderBytes(bottleFiles(deps.paths.bottleState(bottle.identity)).workspace);
  }
  return sizes;
};
