import { folderBytes } from "../../core/folder-size.ts";
import { bottleFiles } from "../../core/paths.ts";
import type { Backend } from "../types.ts";
import { surveySmolBottles } from "./survey.ts";

/** A microVM's workspace is a host folder in its state: its size is a walk of that folder. */
export const workspaceSizes: Backend["workspaceSizes"] = async (deps) => {
  const sizes: Record<string, number> = {};
  for (const bottle of await surveySmolBottles(deps)) {
    if (bottle.hasState) sizes[bottle.identity] = await folderBytes(bottleFiles(deps.paths.bottleState(bottle.identity)).workspace);
  }
  return sizes;
};
