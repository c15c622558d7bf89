import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, dirname } from "node:path";
import { BottleError } from "../../core/errors.ts";
import type { StartSpec } from "../types.ts";
import { contentKey } from "./image-key.ts";

/** An image a bottle runs, and how to build it when it is missing. */
export interface ImagePlan {
  ref: string;
  build?: { dockerfile: string; context: string; args: Record<string, string> };
}

/** The repository's top-level Dockerfile, the `image: default` agent image (running from source). */
export const REPO_ROOT = join(import.meta.dir, "../../..");

/** By default, the local debootstrapped base (`scripts/base-image.sh`): nothing is pulled. */
export const DEFAULT_BASE_IMAGE = "bottle-base:bookworm";

/**
 * Resolves the agent's image. A plain reference is used as given. A Dockerfile (the
 * manifest's, or the top-level one for `default`) is built under a tag keyed by its
 * content, so an unchanged image is not rebuilt.
 */
export function agentImage(spec: StartSpec, env: Record<string, string | undefined>): ImagePlan {
  const image = spec.agent.image;
  if (typeof image === "string" && image !== "default") return { ref: image };
  const resolve = (path: string) => (isAbsolute(path) ? path : join(spec.manifestDir, path));
  const dockerfile = typeof image === "string" ? join(REPO_ROOT, "Dockerfile") : resolve(image.dockerfile);
  const context = typeof image === "string" ? REPO_ROOT : image.context === undefined ? dirname(dockerfile) : resolve(image.context);
  if (!existsSync(dockerfile)) {
    throw new BottleError(`agent "${spec.agentName}": Dockerfile not found: ${dockerfile}`, {
      hint: "fix `image.dockerfile` in the manifest (relative paths are from the manifest's folder)",
    });
  }
  const args: Record<string, string> = {};
  const text = readFileSync(dockerfile, "utf8");
  if (/^\s*ARG\s+BASE_IMAGE\b/m.test(text)) args.BASE_IMAGE = env.BOTTLE_BASE_IMAGE ?? DEFAULT_BASE_IMAGE;
  // The default image's context is the repository: only the Dockerfile and what it
  // copies matter, and walking the whole tree would cost every start.
  const dirs = typeof image === "string" ? [] : [context];
  const key = contentKey([text, JSON.stringify(args)], dirs);
  const name = typeof image === "string" ? "default" : spec.agentName;
  return { ref: `bottle-agent-${name}:${key}`, build: { dockerfile, context, args } };
}
