import { existsSync } from "node:fs";
import { LABEL } from "../../core/labels.ts";
import { bottleFiles } from "../../core/paths.ts";
import { PLANNED_PORT } from "../agent/agent-env.ts";
import { agentImage } from "../images/agent-image.ts";
import { resolveBaseImage } from "../images/base-image.ts";
import { inspectImage } from "../images/ensure-agent-image.ts";
import { gateImage } from "../images/gate-image.ts";
import { imageCommands } from "../images/image-commands.ts";
import type { Backend, Plan } from "../types.ts";
import { routeSecretValues } from "../gate-runtime/host-values.ts";
import { DEFAULT_REGISTRY_IMAGE } from "./ephemeral-registry.ts";
import { gateCommands, machineCommands, publishesControlPort } from "./machine-commands.ts";
import { plannedPack } from "./pack-commands.ts";
import { seedHomeCommands } from "./seed-home.ts";
import { memoryMib, type SmolDetails } from "./smol-plan.ts";
import { gitTokenValues } from "../gate-runtime/git-gate.ts";
import { planGitGate } from "../../gate/services/git/plan-git-gate.ts";

/**
 * Resolves a StartSpec into a frozen smolmachines plan. Like the docker backend's, it
 * creates nothing and writes nothing (`bottle plan` runs it): the image build and the
 * pack happen in launch, where a cached artifact makes them free.
 */
export const prepare: Backend<SmolDetails>["prepare"] = async (spec, deps) => {
  const stateDir = deps.paths.bottleState(spec.identity);
  // An unset route secret fails here, before anything is asked of the engine.
  routeSecretValues(spec, deps.env);
  // The git gate's host keys are pinned and its keys checked now: a problem is a plan-time error.
  const git = await planGitGate(spec.bottle.git, { runner: deps.runner, manifestDir: spec.manifestDir, home: deps.env.HOME });
  gitTokenValues(git, deps.env);
  const cpus = spec.bottle.resources.cpus;
  const details: SmolDetails = {
    owner: deps.paths.state,
    machine: `bottle-${spec.identity}`,
    gate: `${spec.identity}-gate`,
    agentImage: agentImage(spec, deps.settings, await resolveBaseImage(deps.runner, deps.settings.BOTTLE_BASE_IMAGE), deps.paths),
    gateImage: gateImage(deps.settings.BOTTLE_GATE_IMAGE, deps.paths),
    cpus: cpus === undefined ? undefined : Math.max(1, Math.ceil(cpus)),
    memMib: memoryMib(spec.bottle.resources.memory),
    gateUser: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    git,
  };
  const [images, pack, image] = await Promise.all([
    imageCommands(deps.runner, details.agentImage, details.gateImage),
    plannedPack(deps, details.agentImage, deps.settings.BOTTLE_REGISTRY_IMAGE ?? DEFAULT_REGISTRY_IMAGE),
    inspectImage(deps.runner, details.agentImage.ref).catch(() => undefined),
  ]);
  const gate = gateCommands(details, spec, stateDir);
  // The gate's ports are published by Docker at launch: the plan shows `<gate-port>` and `<control-port>`.
  const control = publishesControlPort(details, spec);
  const machine = machineCommands(details, spec, stateDir, {
    gatePort: PLANNED_PORT,
    artifact: pack.artifact,
    agentHome: image?.home ?? "<the image's home>",
    ...(control ? { controlPort: PLANNED_PORT } : {}),
  });
  // A fresh bottle's home is seeded from the image's (an empty folder only: see seedHome).
  const resume = existsSync(bottleFiles(stateDir).metadata);
  const seed = seedHomeCommands(spec.identity, details.agentImage.ref, image?.home ?? "<the image's home>", bottleFiles(stateDir).home, {
    [LABEL.smolmachinesOwner]: details.owner,
    [LABEL.registryCreator]: "<pid>:<start>",
  });
  const plan: Plan<SmolDetails> = {
    backend: "smolmachines",
    spec,
    stateDir,
    resume,
    // Image builds first, then (unless the artifact is cached) the registry, push and pack.
    commands: [
      ...images,
      ...pack.commands,
      ...(resume ? [] : [seed.create, seed.copy, seed.remove]),
      gate.create, gate.port, ...(control ? [gate.controlPort] : []),
      machine.create, machine.start,
    ],
    details,
  };
  return Object.freeze(plan);
};
