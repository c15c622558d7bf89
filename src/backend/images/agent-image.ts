import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { BottleError } from "../../core/errors.ts";
import type { BottlePaths } from "../../core/paths.ts";
import type { Settings } from "../../core/settings.ts";
import type { StartSpec } from "../types.ts";
import DEFAULT_DOCKERFILE from "../../../Dockerfile" with { type: "text" };
import { contentKey } from "./content-key.ts";

/** An image a bottle runs, and how to build it when it is missing. */
export interface ImagePlan {
  ref: string;
  /** `dockerfileText` set: the Dockerfile is written into an otherwise empty context. */
  build?: { dockerfile: string; context: string; args: Record<string, string>; dockerfileText?: string };
}

/** The repository root, when running from source. */
export const REPO_ROOT = join(import.meta.dir, "../../..");

/**
 * PEM text of the extra CA certificates the agent image should trust: the files under
 * `from` (`BOTTLE_EXTRA_CA_CERTS`: a file or a folder), by default the host's locally added
 * ones (`/usr/local/share/ca-certificates`, Debian's place). Empty when there are none.
 */
export function extraCaCerts(from: string = "/usr/local/share/ca-certificates"): string {
  if (!existsSync(from)) return "";
  const files = from.endsWith(".crt") || from.endsWith(".pem")
    ? [from]
    : (readdirSync(from, { recursive: true }) as string[]).filter((file) => file.endsWith(".crt")).sort().map((file) => join(from, file));
  return files.map((file) => readFileSync(file, "utf8").trim()).join("\n");
}

/**
 * Resolves the agent's image. A plain reference is used as given. A Dockerfile (the
 * manifest's, or the embedded top-level one for `default`) is built under a tag keyed
 * by its content and build args, so an unchanged image is never rebuilt. `baseImage`
 * fills the Dockerfile's `ARG BASE_IMAGE` (see `resolveBaseImage`).
 */
export function agentImage(spec: StartSpec, settings: Settings, baseImage: string, paths: BottlePaths): ImagePlan {
  const source = spec.image;
  if (source.kind === "ref") return { ref: source.ref };
  const fromManifest = source.kind === "dockerfile";
  const dockerfile = fromManifest ? source.dockerfile : join(paths.defaultAgentContext, "Dockerfile");
  if (fromManifest && !existsSync(dockerfile)) {
    throw new BottleError(`agent "${spec.agentName}": Dockerfile not found: ${dockerfile}`, {
      hint: "fix `image.dockerfile` in the manifest (relative paths are from the manifest's folder)",
    });
  }
  const context = fromManifest ? source.context : dirname(dockerfile);
  const text = fromManifest ? readFileSync(dockerfile, "utf8") : DEFAULT_DOCKERFILE;
  const args: Record<string, string> = {};
  if (/^\s*ARG\s+BASE_IMAGE\b/m.test(text)) args.BASE_IMAGE = baseImage;
  if (/^\s*ARG\s+EXTRA_CA_CERTS\b/m.test(text)) {
    const pem = extraCaCerts(settings.BOTTLE_EXTRA_CA_CERTS);
    if (pem !== "") args.EXTRA_CA_CERTS = pem;
  }
  const key = contentKey([text, JSON.stringify(args)], fromManifest ? [context] : []);
  const name = fromManifest ? spec.agentName : "default";
  return {
    ref: `bottle-agent-${name}:${key}`,
    build: { dockerfile, context, args, ...(fromManifest ? {} : { dockerfileText: DEFAULT_DOCKERFILE }) },
  };
}
