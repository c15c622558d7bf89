import { BottleError } from "../../core/errors.ts";
import type { Runner } from "../../core/runner.ts";
import { writePrivateFile } from "../../core/state.ts";
import type { ImagePlan } from "./agent-image.ts";
import { agentHome } from "../agent/agent-home.ts";
import { agentImageCommand } from "./image-commands.ts";

/** The parts of an image's config the agent's command depends on. */
export interface ImageConfig {
  entrypoint: string[] | null;
  cmd: string[] | null;
  /** The image's `USER` (empty: root); the agent runs as it. */
  user: string;
  /** The agent user's home, where its per-bottle home volume is mounted (see `agentHome`). */
  home: string;
}

/** The `docker image inspect` format that `parseImageConfig` reads. */
export const IMAGE_CONFIG_FORMAT = "{{json .Config.Entrypoint}}\t{{json .Config.Cmd}}\t{{json .Config.User}}\t{{json .Config.Env}}";

/** Parses `IMAGE_CONFIG_FORMAT` output. */
export function parseImageConfig(stdout: string): ImageConfig {
  const [entrypoint, cmd, user, env] = stdout.trim().split("\t").map((field) => field || "null");
  const parsedUser = (JSON.parse(user ?? "null") as string | null) ?? "";
  const vars = (JSON.parse(env ?? "null") as string[] | null) ?? [];
  return {
    entrypoint: JSON.parse(entrypoint ?? "null") as string[] | null,
    cmd: JSON.parse(cmd ?? "null") as string[] | null,
    user: parsedUser,
    home: agentHome(parsedUser, vars),
  };
}

/** The image's config, or undefined when the engine does not have it. */
export async function inspectImage(runner: Runner, ref: string): Promise<ImageConfig | undefined> {
  const result = await runner.run(["docker", "image", "inspect", "--format", IMAGE_CONFIG_FORMAT, ref], { check: false });
  if (result.exitCode !== 0) return undefined;
  return parseImageConfig(result.stdout);
}

/**
 * Makes the agent image available: present → used as is (a content-keyed tag means an
 * unchanged Dockerfile is never rebuilt); a Dockerfile → `docker build` with its
 * progress shown; a plain reference → `docker pull`. Returns the image's command config.
 */
export async function ensureAgentImage(plan: ImagePlan, runner: Runner, log: (line: string) => void, signal?: AbortSignal): Promise<ImageConfig> {
  const existing = await inspectImage(runner, plan.ref);
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
    try {
      await runner.run(agentImageCommand(plan), { onOutput: progress, signal, timeoutMs: 3_600_000 });
    } catch (error) {
      // Ctrl-C kills the build: say what the person did, not "`docker build` was killed by SIGTERM".
      if (signal?.aborted) throw new BottleError("cancelled: the agent image was not built", { exitCode: 130, cause: error });
      throw error;
    }
  } else {
    log(`pulling the agent image ${plan.ref}…`);
    const pulled = await runner.run(agentImageCommand(plan), { onOutput: progress, signal, check: false });
    if (pulled.exitCode !== 0) {
      throw new BottleError(`the agent image ${plan.ref} is not on this engine and could not be pulled`, {
        hint: "build or load it first (`docker build -t …`), or point `image:` at a Dockerfile",
      });
    }
  }
  const built = await inspectImage(runner, plan.ref);
  if (built === undefined) throw new BottleError(`the agent image ${plan.ref} is missing after it was made`);
  return built;
}
