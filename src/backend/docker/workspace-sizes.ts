import * as v from "valibot";
import { LABEL } from "../../core/labels.ts";
import { parseSizeText } from "../transfer/size-text.ts";
import type { Backend } from "../types.ts";

const VolumeRows = v.array(v.looseObject({ Name: v.string(), Labels: v.optional(v.string(), ""), Size: v.optional(v.string(), "") }));

/**
 * The workspace volumes' sizes from `docker system df -v` (Docker 20.10 computes them
 * for every volume at once, the one engine call that does: hence only on request).
 * Volumes are matched by label (owner, role), named `<identity>-workspace`.
 */
export const workspaceSizes: Backend["workspaceSizes"] = async (deps) => {
  const result = await deps.runner.run(["docker", "system", "df", "-v", "--format", "{{json .Volumes}}"], { check: false });
  if (result.exitCode !== 0) return {};
  const rows = v.safeParse(VolumeRows, JSON.parse(result.stdout.trim() || "[]"));
  if (!rows.success) return {};
  const sizes: Record<string, number> = {};
  for (const row of rows.output) {
    const labels = Object.fromEntries(row.Labels.split(",").map((pair) => pair.split(/=(.*)/s, 2) as [string, string]));
    const identity = labels[LABEL.identity];
    const bytes = parseSizeText(row.Size);
    if (labels[LABEL.owner] !== deps.paths.state || identity === undefined || row.Name !== `${identity}-workspace` || bytes === undefined) continue;
    sizes[identity] = bytes;
  }
  return sizes;
};
