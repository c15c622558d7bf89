import { existsSync } from "node:fs";
import { bottleFiles } from "../../core/paths.ts";
import { inspectsTls } from "../../manifest/tls-schema.ts";
import type { Backend, Plan } from "../types.ts";
import { routeSecretValues } from "../gate-runtime/host-values.ts";
import { agentEnv } from "../agent/agent-env.ts";
import { agentImage } from "../images/agent-image.ts";
import { resolveBaseImage } from "../images/base-image.ts";
import { gateImage } from "../images/gate-image.ts";
import { missingImageCommands } from "../images/image-commands.ts";
import { GATE_CONTROL_PORT, GATE_PORT } from "../gate-runtime/gate-config.ts";
import { gitTokenValues } from "../gate-runtime/git-gate.ts";
import { agentGitEnv, planGitGate } from "../../gate/services/git/plan-git-gate.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { engineQuestions } from "./engine-questions.ts";
import { launchCommands, launchOrder } from "./launch-commands.ts";
import { dockerNames } from "./names.ts";
import { resolveRuntime } from "./runtime.ts";
import { pickSubnet } from "./subnet.ts";

/**
 * Resolves a StartSpec into a frozen docker plan. It asks the engine (runtimes, names
 * in use, images present), all at once, but creates nothing and writes nothing:
 * `bottle plan` runs it too.
 */
export const prepare: Backend<DockerDetails>["prepare"] = async (spec, deps) => {
  const { settings } = deps;
  const stateDir = deps.paths.bottleState(spec.identity);
  const gate = gateImage(settings.BOTTLE_GATE_IMAGE, deps.paths);
  // Asked at once, of the engine's API where it can be (see engineQuestions).
  const ask = engineQuestions(deps);
  const engineAsked = ask.engine();
  const rest = Promise.all([
    ask.containerNames(),
    resolveBaseImage(deps.runner, settings.BOTTLE_BASE_IMAGE, ask.imagePresent),
    gate.binary === undefined ? Promise.resolve(true) : ask.imagePresent(gate.ref),
  ]);
  // An engine that is down is reported as the engine question words it (one line, the fix), whatever else failed first.
  rest.catch(() => {});
  const { info, location: engine } = await engineAsked;
  const [taken, baseImage, gateThere] = await rest;
  const runtime = resolveRuntime(spec.bottle.runtime, info.runtimes);
  // An unset route secret fails here, before anything is made (the engine's state comes first in messages).
  routeSecretValues(spec, deps.env);
  // The git gate's host keys are pinned and its keys checked now: a problem is a plan-time error.
  const git = await planGitGate(spec.bottle.git, { runner: deps.runner, manifestDir: spec.manifestDir, home: deps.env.HOME });
  gitTokenValues(git, deps.env);
  const names = dockerNames(spec.identity, { pinnedAgent: settings.BOTTLE_CONTAINER, taken });
  const files = bottleFiles(stateDir);
  // The agent image's tag depends on the base image: one more question, its config (present or not) in one.
  const agent = agentImage(spec, settings, baseImage, deps.paths);
  const image = await ask.imageConfig(agent.ref);
  const details: DockerDetails = {
    owner: deps.paths.state,
    names,
    runtime,
    subnets: { internal: pickSubnet(settings.BOTTLE_SUBNET_POOL), egress: pickSubnet(settings.BOTTLE_SUBNET_POOL) },
    agentImage: agent,
    gateImage: gate,
    gatePort: GATE_PORT,
    envFilePath: files.envFile,
    // Docker installs the gate's CA whenever the bottle inspects (steps.ts writes the same decision into the gate's config).
    agentEnv: { ...agentEnv(spec, names.gate, GATE_PORT, { trustsGateCa: inspectsTls(spec.bottle.egress) }), ...agentGitEnv(git, `http://${names.gate}:${GATE_CONTROL_PORT}`) },
    resources: { cpus: spec.bottle.resources.cpus, memory: spec.bottle.resources.memory },
    gateUser: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    git,
    engine,
    found: { agentImage: image, gateImage: gateThere },
  };
  const images = missingImageCommands(details.agentImage, image !== undefined, gate, gateThere);
  // The home volume's mount point is the image's home: known here only when the image exists.
  const agentHome = image?.home ?? "<the image's home>";
  const plan: Plan<DockerDetails> = {
    backend: "docker",
    spec,
    stateDir,
    resume: existsSync(files.metadata),
    commands: [...images, ...launchOrder(launchCommands(details, spec, stateDir, { agentHome }))],
    details,
  };
  return Object.freeze(plan);
};
