import { join } from "node:path";
import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";
import { approvedDockerfile, BOTTLE_IMAGE_ARG, capabilityFiles } from "../../gate/services/supervise/capability-block.ts";
import type { ImagePlan } from "./agent-image.ts";
import { contentKey } from "./content-key.ts";
import { ensureAgentImage, type ImageConfig } from "./ensure-agent-image.ts";

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

/**
 * Makes the approved image (see `approvedImage`) and checks it runs the agent as the
 * base image's user. The Dockerfile was written by the agent: a `USER root` a person
 * overlooked while approving "install ripgrep" would hand the agent root in its next
 * life. Such an image is removed again (so no resume picks it up) and refused; the
 * bottle stays blocked until a Dockerfile that keeps the user is approved.
 */
export async function ensureApprovedImage(
  own: ImagePlan,
  base: ImageConfig,
  runner: Runner,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<ImageConfig> {
  const built = await ensureAgentImage(own, runner, log, signal);
  if (built.user === base.user) return built;
  await runner.run(["docker", "image", "rm", own.ref], { check: false });
  const named = (user: string) => (user === "" ? "root" : user);
  throw new BottleError(`the approved Dockerfile changes the agent's user from ${named(base.user)} to ${named(built.user)}`, {
    hint: `the agent keeps its image's user: make \`USER ${named(base.user)}\` the last USER line of ${own.build?.dockerfile ?? "the approved Dockerfile"}, then resume`,
  });
}
