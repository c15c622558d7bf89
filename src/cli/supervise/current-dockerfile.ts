import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import * as v from "valibot";
import type { BottlePaths } from "../../core/paths.ts";
import DEFAULT_DOCKERFILE from "../../../Dockerfile" with { type: "text" };
import { approvedDockerfile } from "../../gate/services/supervise/capability-block.ts";


const ImageOrigin = v.object({
  spec: v.object({
    manifestDir: v.string(),
    agent: v.object({ image: v.union([v.string(), v.object({ dockerfile: v.string() })]) }),
  }),
});

/**
 * The Dockerfile a bottle runs on now, for diffing a proposal against: the one a
 * person approved for it, else its manifest's, else the built-in default's; for an
 * agent on a plain image reference, undefined (there is no text to diff).
 */
export function currentDockerfile(paths: BottlePaths, identity: string): string | undefined {
  const approved = approvedDockerfile(paths.bottleState(identity));
  if (approved !== undefined) return approved;
  let metadata: unknown;
  try {
    metadata = JSON.parse(readFileSync(join(paths.bottleState(identity), "metadata.json"), "utf8"));
  } catch {
    return undefined;
  }
  const parsed = v.safeParse(ImageOrigin, metadata);
  if (!parsed.success) return undefined;
  const { image } = parsed.output.spec.agent;
  if (image === "default") return DEFAULT_DOCKERFILE;
  if (typeof image === "string") return undefined;
  const file = isAbsolute(image.dockerfile) ? image.dockerfile : join(parsed.output.spec.manifestDir, image.dockerfile);
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}
