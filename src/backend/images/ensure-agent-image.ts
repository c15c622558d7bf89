import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";
import { writePrivateFile } from "../../core/state.ts";
import type { ImagePlan } from "./agent-image.ts";
import { agentImageCommand } from "./image-commands.ts";

/** The parts of an image's config the agent's command depends on. */
export interface ImageConfig {
  entrypoint: string[] | null;
  cmd: string[] | null;
  /** The image's `USER` (empty: root); the agent runs as it. */
  user?: string;
}

async function inspect(runner: Runner, ref: string): Promise<ImageConfig | undefined> {
  const result = await runner.run(["docker", "image", "inspect", "--format", "{{json .Config.Entrypoint}}\t{{json .Config.Cmd}}\t{{json .Config.User}}", ref], { check: false });
  if (result.exitCode !== 0) return undefined;
  const [entrypoint = "null", cmd = "null", user = '""'] = result.stdout.trim().split("\t");
  return { entrypoint: JSON.parse(entrypoint) as string[] | null, cmd: JSON.parse(cmd) as string[] | null, user: JSON.parse(user) as string };
}

/**
 * Makes the agent image available: present → used as is (a content-keyed tag means an
 * unchanged Dockerfile is never rebuilt); a Dockerfile → `docker build` with its
 * progress shown; a plain reference → `docker pull`. Returns the image's command config.
 */
export async function ensureAgentImage(plan: ImagePlan, runner: Runner, log: (line: string) => void, signal?: AbortSignal): Promise<ImageConfig> {
  const existing = await inspect(runner, plan.ref);
  if (existing !== undefined) return existing;
  const progress = (chunk: string) => {
    for (const line of chunk.split("\n")) if (line.trim() !== "") log(`  ${line}`);
  };
  if (plan.build !== undefined) {
    log(`building the agent image ${plan.ref} (cached afterwards)…`);
    if (plan.build.dockerfileText !== undefined) {
      // The embedded default Dockerfile copies nothing: its context is a folder holding only it.
      await writePrivateFile(plan.build.dockerfile, plan.build.dockerfileText);
    }
    await runner.run(agentImageCommand(plan), {
      onOutput: progress,
      signal,
      timeoutMs: 3_600_000,
    });
  } else {
    log(`pulling the agent image ${plan.ref}…`);
    const pulled = await runner.run(agentImageCommand(plan), { onOutput: progress, signal, check: false });
    if (pulled.exitCode !== 0) {
      throw new BottleError(`the agent image ${plan.ref} is not on this engine and could not be pulled`, {
        hint: "build or load it first (`docker build -t …`), or point `image:` at a Dockerfile",
      });
    }
  }
  const built = await inspect(runner, plan.ref);
  if (built === undefined) throw new BottleError(`the agent image ${plan.ref} is missing after it was made`);
  return built;
}
