import type { Runner } from "../../core/runner.ts";
import type { ImagePlan } from "./agent-image.ts";
import type { GateImagePlan } from "./gate-image.ts";

/** Stands for the gate image's build context in `bottle plan`: launch makes a temporary folder. */
export const GATE_CONTEXT_PLACEHOLDER = "<gate-image-context>";

/**
 * The argv that makes a missing agent image: `docker build` of its Dockerfile (tagged
 * by content, so it runs once per change), or `docker pull` of a plain reference. One
 * builder for launch and `bottle plan`, so the plan shows what launch runs.
 */
export function agentImageCommand(plan: ImagePlan): string[] {
  if (plan.build === undefined) return ["docker", "pull", plan.ref];
  const args = Object.entries(plan.build.args).flatMap(([key, value]) => ["--build-arg", `${key}=${value}`]);
  return ["docker", "build", "--tag", plan.ref, "--file", plan.build.dockerfile, ...args, plan.build.context];
}

/** The argv that builds the gate image from a context folder holding its `FROM scratch` rootfs. */
export function gateImageCommand(ref: string, context: string): string[] {
  return ["docker", "build", "--quiet", "--tag", ref, context];
}

/** True when the engine has the image (a read-only `docker image inspect`); false without a docker CLI. */
export async function imagePresent(runner: Runner, ref: string): Promise<boolean> {
  const result = await runner
    .run(["docker", "image", "inspect", "--format", "{{.Id}}", ref], { check: false, timeoutMs: 30_000 })
    .catch(() => undefined);
  return result?.exitCode === 0;
}

/**
 * The image commands a start would run before its first container, for `bottle plan`:
 * the agent image's build or pull and the gate image's build, each only when the engine
 * lacks that image (a cached one costs nothing). A gate image named by
 * `BOTTLE_GATE_IMAGE` is used as given, never built.
 */
export async function imageCommands(runner: Runner, agent: ImagePlan, gate: GateImagePlan): Promise<string[][]> {
  const [agentThere, gateThere] = await Promise.all([imagePresent(runner, agent.ref), gateImagePresent(runner, gate)]);
  return missingImageCommands(agent, agentThere, gate, gateThere);
}

/** True when the gate image need not be built: it exists, or `BOTTLE_GATE_IMAGE` names one to use as given. */
export function gateImagePresent(runner: Runner, gate: GateImagePlan): Promise<boolean> {
  return gate.binary === undefined ? Promise.resolve(true) : imagePresent(runner, gate.ref);
}

/** The image commands for what is missing, given what the engine has (see `imageCommands`). */
export function missingImageCommands(agent: ImagePlan, agentThere: boolean, gate: GateImagePlan, gateThere: boolean): string[][] {
  return [...(agentThere ? [] : [agentImageCommand(agent)]), ...(gateThere ? [] : [gateImageCommand(gate.ref, GATE_CONTEXT_PLACEHOLDER)])];
}
