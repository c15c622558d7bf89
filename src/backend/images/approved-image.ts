import { join } from "node:path";
import { approvedDockerfile, BOTTLE_IMAGE_ARG, capabilityFiles } from "../../gate/services/supervise/capability-block.ts";
import type { ImagePlan } from "./agent-image.ts";
import { contentKey } from "./content-key.ts";

/**
 * The bottle's own agent image, when a person approved a Dockerfile for it (the
 * supervise capability block): built FROM the image it ran on (`ARG BOTTLE_IMAGE`),
 * in an empty context, tagged by the Dockerfile's text and that base, so a resume
 * that changes neither reuses it. Undefined when nothing was approved.
 */
export function approvedImage(base: ImagePlan, stateDir: string, identity: string): ImagePlan | undefined {
  const text = approvedDockerfile(stateDir);
  if (text === undefined) return undefined;
  const { context } = capabilityFiles(stateDir);
  const args = { [BOTTLE_IMAGE_ARG]: base.ref };
  return {
    ref: `bottle-agent-${identity}:${contentKey([text, JSON.stringify(args)])}`,
    build: { dockerfile: join(context, "Dockerfile"), context, args, dockerfileText: text },
  };
}
