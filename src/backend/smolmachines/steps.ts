import { existsSync } from "node:fs";
import { BottleError } from "../../core/errors.ts";
import { bottleFiles } from "../../core/paths.ts";
import { agentCommand } from "../agent/agent-command.ts";
import { isClaude, resumeArgs } from "../agent/agent-home.ts";
import { GATE_PORT, writeGateFiles } from "../gate-runtime/gate-config.ts";
import { SUPERVISE_PREFIX } from "../../gate/services/supervise/supervise-config.ts";
import { newSuperviseToken, supervisePlan } from "../../gate/services/supervise/supervise-plan.ts";
import { clearBlocked } from "../../gate/services/supervise/capability-block.ts";
import { approvedImage, ensureApprovedImage } from "../images/approved-image.ts";
import { ensureAgentImage } from "../images/ensure-agent-image.ts";
import { forwardedValues, routeSecretValues } from "../gate-runtime/host-values.ts";
import { gitTokenValues } from "../gate-runtime/git-gate.ts";
import { fetchGateCa } from "../../gate/tls/agent-trust.ts";
import { waitForGate } from "../gate-runtime/wait-for-gate.ts";
import { ensureGateImage } from "../images/gate-image.ts";
import type { Backend } from "../types.ts";
import { ensureSmolmachinesAvailable } from "./availability.ts";
import { gateTls } from "../../manifest/tls-schema.ts";
import { trustGuestCa } from "./guest-trust.ts";
import { gateCommands, guestExec, machineCommands, publishesControlPort } from "./machine-commands.ts";
import { prepareArtifact, type SmolArtifact } from "./prepare-artifact.ts";
import { prepareMounts, provisionGuest, shareMounts } from "./provision.ts";
import { reapBeforeLaunch } from "./reap.ts";
import { seedHome } from "./seed-home.ts";
import { HOST_GATEWAY, type SmolDetails, WORKSPACE } from "./smol-plan.ts";

const nothing = async () => {};

/** The gate's published port on 127.0.0.1, from `docker port`. */
function publishedPort(output: string, gate: string): number {
  const match = /^127\.0\.0\.1:(\d+)$/m.exec(output);
  if (match === null) throw new BottleError(`the gate ${gate} has no port published on 127.0.0.1`, { hint: `\`docker logs ${gate}\` shows why it stopped` });
  return Number(match[1]);
}

/**
 * A smolmachines bottle's launch as steps for `launchBottle`: smolvm's availability,
 * the host folders it mounts, dead bottles' running parts, the packed artifact (cached
 * by image ID) and the gate image, all at once; then the gate as a Docker container on
 * 127.0.0.1 (its control port too, for the git gate and supervise) and its readiness;
 * the microVM, which reaches it at 100.96.0.1; and provisioning through `machine
 * exec`, which installs the bottle's CA when the gate inspects TLS. A fresh bottle's
 * home is seeded from the image's once the image exists.
 */
export const steps: Backend<SmolDetails>["steps"] = async (plan, deps) => {
  const { spec, details, stateDir } = plan;
  const { runner, signal, log } = deps;
  const files = bottleFiles(stateDir);
  const quiet = async (argv: string[]) => {
    await runner.run(argv, { check: false });
  };
  const gateSecrets = { ...routeSecretValues(spec, deps.env), ...gitTokenValues(details.git, deps.env) };
  // The bottle's TLS decision (by default, inspect) written into the gate's config: provisioning installs the CA to match.
  const gateEgress = { ...spec.bottle.egress, tls: gateTls(spec.bottle.egress) };
  const gate = gateCommands(details, spec, stateDir);
  // Supervise: the guest reaches the control port where it is published (known once the gate runs).
  const supervise = supervisePlan(spec.bottle, { stateDir, gateHost: HOST_GATEWAY, controlPort: 0, attended: deps.attended === true });
  const superviseToken = supervise === undefined ? undefined : newSuperviseToken();
  if (supervise !== undefined) gateSecrets[supervise.tokenEnv] = superviseToken!;
  let superviseUrl: string | undefined;
  // A Dockerfile a person approved (capability block): the bottle's own image, built on its usual one.
  const ownImage = approvedImage(details.agentImage, stateDir, spec.identity);
  let artifact: SmolArtifact | undefined;
  let gatePort: number | undefined;
  let controlPort: number | undefined;
  // The gate's address from this host (its bridge), where its CA certificate is read.
  let gateBase: string | undefined;
  let hasHistory = false;
  const machine = () =>
    machineCommands(details, spec, stateDir, {
      gatePort: gatePort!,
      artifact: artifact!.path,
      agentHome: artifact!.imageConfig.home,
      ...(superviseUrl === undefined ? {} : { superviseUrl }),
      ...(controlPort === undefined ? {} : { controlPort }),
    });
  const command = () => agentCommand(spec.agent.command ?? [], artifact!.imageConfig);
  return {
    steps: [
      [
        { name: "available", create: () => ensureSmolmachinesAvailable(deps), undo: nothing },
        {
          name: "files",
          says: `preparing the microVM image for ${spec.identity}…`,
          create: () =>
            Promise.all([
              writeGateFiles(stateDir, gateEgress, GATE_PORT, supervise?.gateConfig, details.git),
              prepareMounts({ workspace: files.workspace, home: files.home, skillsDir: files.skills, copyFrom: spec.copyFrom, skills: spec.skills }),
            ]).then(nothing),
          // The folders live in the state folder, which the lifecycle removes when a fresh launch fails.
          undo: nothing,
        },
        { name: "reap-dead", create: () => reapBeforeLaunch(deps, spec.identity), undo: nothing },
        {
          name: "artifact",
          async create() {
            if (ownImage === undefined) artifact = await prepareArtifact(details.agentImage, deps);
            else {
              // The approved Dockerfile builds on the usual image: that one first, then the bottle's own, packed.
              await ensureApprovedImage(ownImage, await ensureAgentImage(details.agentImage, runner, log, signal), runner, log, signal);
              artifact = await prepareArtifact(ownImage, deps);
              clearBlocked(stateDir);
            }
          },
          undo: nothing,
        },
        { name: "gate-image", create: () => ensureGateImage(details.gateImage, runner, log), undo: nothing },
      ],
      [
        {
          // Once the home folder and the image exist (the stage before; run with it, the
          // folder could be missing yet): a fresh home starts with what the image put there.
          name: "home-seed",
          create: async () =>
            void (await seedHome(runner, {
              identity: spec.identity,
              image: (ownImage ?? details.agentImage).ref,
              home: artifact!.imageConfig.home,
              folder: files.home,
              resume: plan.resume,
              owner: details.owner,
            })),
          // What it copied is in the home folder, part of the bottle's state.
          undo: nothing,
        },
        {
          name: "gate",
          says: "starting the gate…",
          create: async () => {
            await runner.run(gate.create, { secretEnv: gateSecrets });
            gatePort = publishedPort((await runner.run(gate.port)).stdout, details.gate);
            if (publishesControlPort(details, spec)) controlPort = publishedPort((await runner.run(gate.controlPort)).stdout, details.gate);
            if (supervise !== undefined) superviseUrl = `http://${HOST_GATEWAY}:${controlPort}${SUPERVISE_PREFIX}`;
          },
          undo: () => quiet(gate.remove),
        },
      ],
      {
        name: "gate-ready",
        create: async () => {
          const health = await waitForGate(runner, { gate: details.gate, network: "bridge", port: GATE_PORT, signal, log });
          gateBase = health.replace(/\/healthz$/, "");
        },
        undo: nothing,
      },
      { name: "machine", says: "starting the microVM…", create: async () => void (await runner.run(machine().create)), undo: () => quiet(machine().remove) },
      { name: "machine-start", create: async () => void (await runner.run(machine().start)), undo: () => quiet(machine().stop) },
      {
        name: "provision",
        says: "provisioning the guest…",
        async create() {
          const folders = [files.workspace, files.home, ...(existsSync(files.skills) ? [files.skills] : [])];
          await shareMounts(runner, { machine: details.machine, folders, log, signal });
          // The gate made its CA as it started: the guest trusts its certificate before the agent runs.
          if (gateEgress.tls.inspect) await trustGuestCa(runner, { machine: details.machine, certificate: await fetchGateCa(gateBase!, signal), signal });
          ({ hasHistory } = await provisionGuest(runner, {
            machine: details.machine,
            env: {
              ...spec.env.literal,
              ...forwardedValues(spec, deps.env),
              ...(supervise === undefined ? {} : { [supervise.tokenEnv]: superviseToken! }),
            },
            skills: spec.skills.length > 0,
            claude: isClaude(command()),
            ...(supervise === undefined ? {} : { supervise: { url: superviseUrl!, token: superviseToken! } }),
            signal,
          }));
        },
        undo: nothing,
      },
    ],
    agent: () => ({
      command: command(),
      resumeArgs: resumeArgs(command(), hasHistory),
      objects: { containers: [details.gate], networks: [], volumes: [] },
      exec: (argv, mode) => guestExec(details.machine, argv, { ...mode, workdir: WORKSPACE }),
    }),
  };
};
