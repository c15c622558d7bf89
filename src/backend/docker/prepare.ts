import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { BottleError } from "../../core/errors.ts";
import { liveness, readLiveMarker } from "../../core/live-marker.ts";
import type { Backend, Plan } from "../types.ts";
import { agentEnv } from "../agent/agent-env.ts";
import { agentImage } from "../images/agent-image.ts";
import { resolveBaseImage } from "../images/base-image.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { engineInfo } from "./engine-info.ts";
import { findEngineObjects } from "./engine-objects.ts";
import { GATE_PORT, gateSecretNames } from "../gate-runtime/gate-config.ts";
import { gateImage } from "../images/gate-image.ts";
import { imageCommands } from "../images/image-commands.ts";
import { launchCommands, launchOrder } from "./launch-commands.ts";
import { dockerNames } from "./names.ts";
import { resolveRuntime } from "./runtime.ts";
import { pickSubnet } from "./subnet.ts";

/** The files of a docker bottle inside its state folder. */
export function stateFiles(stateDir: string) {
  return {
    metadata: join(stateDir, "metadata.json"),
    docker: join(stateDir, "docker.json"),
    envFile: join(stateDir, "agent.env"),
    gateConfig: join(stateDir, "gate", "config.json"),
  };
}

/**
 * Resolves a StartSpec into a frozen docker plan. It asks the engine (runtimes, names
 * in use, leftovers) but creates nothing, and writes nothing: `bottle plan` runs it too.
 */
export const prepare: Backend["prepare"] = async (spec, deps) => {
  const info = await engineInfo(deps.runner);
  const runtime = resolveRuntime(spec.bottle.runtime, info.runtimes);
  const owner = deps.paths.state;
  const stateDir = deps.paths.bottleState(spec.identity);
  const [inUse, objects, baseImage] = await Promise.all([
    deps.runner.run(["docker", "ps", "--all", "--format", "{{.Names}}"]),
    findEngineObjects(deps.runner, owner),
    resolveBaseImage(deps.runner, deps.env),
  ]);
  const taken = new Set(inUse.stdout.split("\n").filter((name) => name !== ""));
  const names = dockerNames(spec.identity, { pinnedAgent: deps.env.BOTTLE_CONTAINER, taken });

  const gateSecrets = gateSecretNames(spec.bottle.egress);
  const missing = gateSecrets.filter((name) => deps.env[name] === undefined || deps.env[name] === "");
  if (missing.length > 0) {
    throw new BottleError(`bottle "${spec.bottleName}" routes inject ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not set on the host`, {
      hint: `export ${missing[0]}=… (for Claude: \`claude setup-token\` prints a CLAUDE_CODE_OAUTH_TOKEN), or remove the route`,
    });
  }

  // Leftovers: bottles of this owner whose CLI died. Launch reaps them first; the plan shows them.
  const leftovers: string[] = [];
  for (const identity of new Set(objects.map((object) => object.identity))) {
    if (identity === spec.identity) continue;
    if (liveness(await readLiveMarker(deps.paths.bottleState(identity))) === "dead") leftovers.push(identity);
  }
  if (leftovers.length > 0) {
    deps.log(`found ${leftovers.length} dead bottle(s) (${leftovers.join(", ")}): \`bottle cleanup --yes\` removes them; start does so first`);
  }

  const env = agentEnv(spec, names.gate, GATE_PORT);
  const files = stateFiles(stateDir);
  const details: DockerDetails = {
    stateDir,
    owner,
    names,
    runtime,
    subnets: { internal: pickSubnet(deps.env.BOTTLE_SUBNET_POOL), egress: pickSubnet(deps.env.BOTTLE_SUBNET_POOL) },
    agentImage: agentImage(spec, deps.env, baseImage, deps.paths),
    gateImage: gateImage(deps.env, deps.paths),
    gatePort: GATE_PORT,
    gateConfigPath: files.gateConfig,
    gateSecrets,
    envFilePath: files.envFile,
    agentEnv: env.fixed,
    forwarded: env.forwarded,
    command: spec.agent.command ?? [],
    resources: { cpus: spec.bottle.resources.cpus, memory: spec.bottle.resources.memory },
    skills: spec.agent.skills.map((skill) => resolve(spec.manifestDir, skill)),
    gateUser: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    resume: existsSync(files.metadata),
    leftovers,
  };
  const plan: Plan = {
    backend: "docker",
    spec,
    commands: [
      ...(await imageCommands(deps.runner, details.agentImage, details.gateImage)),
      ...launchOrder(launchCommands(details, spec.identity)),
    ],
    details: details as unknown as Record<string, unknown>,
  };
  return Object.freeze(plan);
};
