import { LABEL } from "../../core/labels.ts";
import type { Backend } from "../types.ts";
import { volumeUsage } from "./volume-sizes.ts";

/**
 * The workspace volumes' sizes now, as the engine measures them (`list --size`).
 * Volumes are matched by label (owner, identity), named `<identity>-workspace`.
 */
export const workspaceSizes: Backend["workspaceSizes"] = async (deps) => {
  const sizes: Record<string, number> = {};
  for (const volume of await volumeUsage(deps)) {
    const identity = volume.labels[LABEL.identity];
    if (volume.labels[LABEL.owner] !== deps.paths.state || identity === undefined || volume.name !== `${identity}-workspace` || volume.bytes === undefined) continue;
    sizes[identity] = volume.bytes;
  }
  return sizes;
};
