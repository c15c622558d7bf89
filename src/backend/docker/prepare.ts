import { existsSync } from "node:fs";
import { bottleFiles } from "../../core/paths.ts";
import { failure } from "../../core/runner.ts";
import { inspectsTls } from "../../manifest/tls-schema.ts";
import type { Backend, Plan } from "../types.ts";
import { routeSecretValues } from "../gate-runtime/host-values.ts";
import { agentEnv } from "../agent/agent-env.ts";
import { agentImage } from "../images/agent-image.ts";
import { resolveBaseImage } from "../images/base-image.ts";
import { inspectImage } from "../images/ensure-agent-image.ts";
import { gateImage } from "../images/gate-image.ts";
import { gateImagePresent, missingImageCommands } from "../images/image-commands.ts";
import { GATE_CONTROL_PORT, GATE_PORT } from "../gate-runtime/gate-config.ts";
import { gitTokenValues } from "../gate-runtime/git-gate.ts";
import { agentGitEnv, planGitGate } from "../../gate/services/git/plan-git-gate.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { engineInfo } from "./engine-info.ts";
import { engineLocation } from "./engine-location.ts";
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
  // Asked at once; `docker ps` does not throw, so an engine that is down is reported as `engineInfo` words it (one line, the fix).
  const gate = gateImage(settings.BOTTLE_GATE_IMAGE, deps.paths);
  const [info, inUse, baseImage, gateThere, engine] = await Promise.all([
    engineInfo(deps.runner),
    deps.runner.run(["docker", "ps", "--all", "--format", "{{.Names}}"], { check: false }),
    resolveBaseImage(deps.runner, settings.BOTTLE_BASE_IMAGE),
    gateImagePresent(deps.runner, gate),
    engineLocation(deps.runner),
  ]);
  if (inUse.exitCode !== 0) throw failure(inUse);
  const runtime = resolveRuntime(spec.bottle.runtime, info.runtimes);
  // An unset route secret fails here, before anything is made (the engine's state comes first in messages).
  routeSecretValues(spec, deps.env);
  // The git gate's host keys are pinned and its keys checked now: a problem is a plan-time error.
  const git = await planGitGate(spec.bottle.git, { runner: deps.runner, manifestDir: spec.manifestDir, home: deps.env.HOME });
  gitTokenValues(git, deps.env);
  const taken = new Set(inUse.stdout.split("\n").filter((name) => name !== ""));
  const names = dockerNames(spec.identity, { pinnedAgent: settings.BOTTLE_CONTAINER, taken });
  const files = bottleFiles(stateDir);
  const details: DockerDetails = {
    owner: deps.paths.state,
    names,
    runtime,
    subnets: { internal: pickSubnet(settings.BOTTLE_SUBNET_POOL), egress: pickSubnet(settings.BOTTLE_SUBNET_POOL) },
    agentImage: agentImage(spec, settings, baseImage, deps.paths),
    gateImage: gate,
    gatePort: GATE_PORT,
    envFilePath: files.envFile,
    // Docker installs the gate's CA whenever the bottle inspects (steps.ts writes the same decision into the gate's config).
    agentEnv: { ...agentEnv(spec, names.gate, GATE_PORT, { trustsGateCa: inspectsTls(spec.bottle.egress) }), ...agentGitEnv(git, `http://${names.gate}:${GATE_CONTROL_PORT}`) },
    resources: { cpus: spec.bottle.resources.cpus, memory: spec.bottle.resources.memory },
    gateUser: `${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0}`,
    git,
    engine,
  };
  // The agent image's tag depends on the base image: one more question, its config (present or not) in one.
  const image = await inspectImage(deps.runner, details.agentImage.ref).catch(() => undefined);
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
