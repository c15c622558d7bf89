import { resolve } from "node:path";
import { BottleError } from "../../core/errors.ts";
import { agentEnv } from "../agent/agent-env.ts";
import { agentImage } from "../images/agent-image.ts";
import { resolveBaseImage } from "../images/base-image.ts";
import { gateSecretNames } from "../gate-runtime/gate-config.ts";
import { gateImage } from "../images/gate-image.ts";
import { imageCommands } from "../images/image-commands.ts";
import type { Backend, Plan } from "../types.ts";
import { DEFAULT_REGISTRY_IMAGE } from "./ephemeral-registry.ts";
import { smolCommands } from "./machine-commands.ts";
import { plannedPack } from "./pack-commands.ts";
import { HOST_GATEWAY, memoryMib, type SmolDetails, smolStateFiles } from "./smol-plan.ts";

/**
 * Resolves a StartSpec into a frozen smolmachines plan. Like the docker backend's, it
 * creates nothing and writes nothing (`bottle plan` runs it): the image build and the
 * pack happen in launch, where a cached artifact makes them free.
 */
export const prepare: Backend["prepare"] = async (spec, deps) => {
  const stateDir = deps.paths.bottleState(spec.identity);
  const files = smolStateFiles(stateDir);
  const gateSecrets = gateSecretNames(spec.bottle.egress);
  const missing = gateSecrets.filter((name) => deps.env[name] === undefined || deps.env[name] === "");
  if (missing.length > 0) {
    throw new BottleError(`bottle "${spec.bottleName}" routes inject ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not set on the host`, {
      hint: `export ${missing[0]}=… (for Claude: \`claude setup-token\` prints a CLAUDE_CODE_OAUTH_TOKEN), or remove the route`,
    });
  }
  // The gate's host port is published by Docker at launch: the plan shows `<gate-port>`,
  // and launch recomputes the env with the real one.
  const env = agentEnv(spec, HOST_GATEWAY, "<gate-port>");
  const cpus = spec.bottle.resources.cpus;
  const details: SmolDetails = {
    stateDir,
    owner: deps.paths.state,
    machine: `bottle-${spec.identity}`,
    gate: `${spec.identity}-gate`,
    agentImage: agentImage(spec, deps.env, await resolveBaseImage(deps.runner, deps.env), deps.paths),
    gateImage: gateImage(deps.env, deps.paths),
    gateConfigPath: files.gateConfig,
    gateSecrets,
    agentEnv: env.fixed,
    forwarded: env.forwarded,
    command: spec.agent.command ?? [],
    skills: spec.agent.skills.map((skill) => resolve(spec.manifestDir, skill)),
    cpus: cpus === undefined ? undefined : Math.max(1, Math.ceil(cpus)),
    memMib: memoryMib(spec.bottle.resources.memory),
    workspace: files.workspace,
    skillsDir: files.skills,
    gateUser: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
  };
  const [images, pack] = await Promise.all([
    imageCommands(deps.runner, details.agentImage, details.gateImage),
    plannedPack(deps, details.agentImage, deps.env.BOTTLE_REGISTRY_IMAGE || DEFAULT_REGISTRY_IMAGE),
  ]);
  const commands = smolCommands(details, spec.identity, pack.artifact);
  const plan: Plan = {
    backend: "smolmachines",
    spec,
    // Image builds first, then (unless the artifact is cached) the registry, push and pack.
    commands: [
      ...images,
      ...pack.commands,
      commands.gate.create,
      commands.gate.port,
      commands.machine.create,
      commands.machine.start,
    ],
    details: details as unknown as Record<string, unknown>,
  };
  return Object.freeze(plan);
};
