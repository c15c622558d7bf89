import * as v from "valibot";
import { formatSize } from "../../core/folder-size.ts";
import type { BackendDeps } from "../types.ts";
import { parseSizeText } from "../transfer/size-text.ts";
import { engineSocket } from "./engine-socket.ts";

/** One volume as the engine measures it. */
export interface VolumeUsage {
  name: string;
  labels: Record<string, string>;
  /** Undefined when the engine could not say. */
  bytes: number | undefined;
}

/** `GET /system/df`'s volumes (Engine API 1.41; `UsageData.Size` is -1 when unknown). */
const ApiDf = v.looseObject({
  Volumes: v.nullish(
    v.array(v.looseObject({ Name: v.string(), Labels: v.nullish(v.record(v.string(), v.string()), {}), UsageData: v.nullish(v.looseObject({ Size: v.number() })) })),
    [],
  ),
});
/** `docker system df -v --format '{{json .Volumes}}'`: labels as `k=v,k=v`, sizes as text (`24.58kB`). */
const CliDf = v.array(v.looseObject({ Name: v.string(), Labels: v.optional(v.string(), ""), Size: v.optional(v.string(), "") }));

/** The engine's answer over its socket, or undefined when it cannot be asked (the CLI then is). */
async function fromApi(deps: BackendDeps): Promise<VolumeUsage[] | undefined> {
  const socket = deps.socketGet === undefined ? undefined : engineSocket(deps.env);
  if (socket === undefined) return undefined;
  // `type=volume` (API 1.42+) spares the engine the images and containers; 1.41 ignores it.
  const answer = await deps.socketGet!(socket, "/system/df?type=volume", { timeoutMs: 60_000 }).catch(() => undefined);
  const parsed = answer?.status === 200 ? v.safeParse(ApiDf, answer.body) : undefined;
  if (parsed === undefined || !parsed.success) return undefined;
  return parsed.output.Volumes.map((volume) => {
    const size = volume.UsageData?.Size ?? -1;
    return { name: volume.Name, labels: volume.Labels, bytes: size >= 0 ? size : undefined };
  });
}

/**
 * Every volume's size as the engine measures it (it walks every volume for this, the
 * one engine call that does: hence only on request, `list --size` and `cleanup --all`'s
 * listing). From the Engine API on its socket where it can (exact bytes), else from
 * `docker system df -v` (sizes as it prints them, to the kB). None when the engine
 * cannot say: sizes are a courtesy, never a reason to fail.
 */
export async function volumeUsage(deps: BackendDeps): Promise<VolumeUsage[]> {
  const api = await fromApi(deps);
  if (api !== undefined) return api;
  const result = await deps.runner.run(["docker", "system", "df", "--verbose", "--format", "{{json .Volumes}}"], { check: false, timeoutMs: 60_000 });
  if (result.exitCode !== 0) return [];
  let json: unknown;
  try {
    json = JSON.parse(result.stdout.trim() || "[]");
  } catch {
    return [];
  }
  const rows = v.safeParse(CliDf, json);
  if (!rows.success) return [];
  return rows.output.map((row) => ({
    name: row.Name,
    labels: Object.fromEntries(row.Labels.split(",").filter(Boolean).map((pair) => pair.split(/=(.*)/s, 2) as [string, string])),
    bytes: parseSizeText(row.Size),
  }));
}

/** Each volume's size for people (`12kB`), by name: what `cleanup --all` lists. */
export async function volumeSizes(deps: BackendDeps): Promise<Map<string, string>> {
  const sizes = new Map<string, string>();
  for (const volume of await volumeUsage(deps)) if (volume.bytes !== undefined) sizes.set(volume.name, formatSize(volume.bytes));
  return sizes;
}
