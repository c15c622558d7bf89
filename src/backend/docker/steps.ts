import { failure } from "../../core/runner.ts";
import { gateTls } from "../../manifest/tls-schema.ts";
import { writePrivateFile } from "../../core/state.ts";
import { agentCommand } from "../agent/agent-command.ts";
import { envFileText } from "../agent/agent-env.ts";
import { isClaude, resumeArgs } from "../agent/agent-home.ts";
import { GATE_CONFIG_MOUNT, GATE_CONTROL_PORT, writeGateFiles } from "../gate-runtime/gate-config.ts";
import { approvedImage, ensureApprovedImage } from "../images/approved-image.ts";
import { clearBlocked } from "../../gate/services/supervise/capability-block.ts";
import { newSuperviseToken, supervisePlan } from "../../gate/services/supervise/supervise-plan.ts";
import { forwardedValues, routeSecretValues } from "../gate-runtime/host-values.ts";
import { gitTokenValues } from "../gate-runtime/git-gate.ts";
import { GATE_BINARY, probeGate } from "../gate-runtime/probe-gate.ts";
import { writeRequestRelay } from "../gate-runtime/request-relay.ts";
import { writeAuditRelay } from "../gate-runtime/audit-relay.ts";
import { trustGateCa } from "../gate-runtime/trust-gate-ca.ts";
import { waitForGate } from "../gate-runtime/wait-for-gate.ts";
import { ensureAgentImage, type ImageConfig } from "../images/ensure-agent-image.ts";
import { ensureGateImage } from "../images/gate-image.ts";
import type { Backend, LaunchStep } from "../types.ts";
import type { DockerDetails } from "./docker-plan.ts";
import { saveGateAudit } from "./gate-files.ts";
import { launchCommands, networkCreate, WORKSPACE } from "./launch-commands.ts";
import { apiContainerNetworks, apiNetworkConnect, execStdout } from "./engine-container-api.ts";
import { engineApi } from "./engine-query.ts";
import { earlyCaInstall, type EarlyCaInstall } from "./early-ca-install.ts";
import { installCaByApi } from "./install-ca-by-api.ts";
import { provision, type Provisioned } from "./provision.ts";
import { reapDead } from "./reap.ts";
import { pickSubnet, subnetTaken } from "./subnet.ts";
import { recordWorkspaceSize } from "./workspace-size-at-stop.ts";

const nothing = async () => {};

/**
 * A docker bottle's launch as steps for `launchBottle`: its files, dead bottles'
 * running parts, both images, both networks and the volumes (workspace, home, and the
 * gate's on a remote engine) at once; then the gate (joining its second network and
 * answering) and the agent (provisioned) at once; then the agent trusts the gate's CA.
 * Independent engine commands run concurrently, which is where a start beats typing
 * the same commands one by one.
 */
export const steps: Backend<DockerDetails>["steps"] = async (plan, deps) => {
  const { spec, details, stateDir } = plan;
  const { runner, signal, log } = deps;
  const quiet = async (argv: string[]) => {
    await runner.run(argv, { check: false });
  };
  // Read now, not stored: an unset route secret fails before anything is made.
  const gateSecrets = { ...routeSecretValues(spec, deps.env), ...gitTokenValues(details.git, deps.env) };
  const agentSecrets = forwardedValues(spec, deps.env);
  // Docker installs the gate's CA in the agent, so the bottle's decision goes to the gate as written (by default, inspect).
  const gateEgress = { ...spec.bottle.egress, tls: gateTls(spec.bottle.egress) };
  // Supervise: a token minted for this launch goes to the gate and the agent, by name.
  const supervise = supervisePlan(spec.bottle, { stateDir, gateHost: details.names.gate, controlPort: GATE_CONTROL_PORT, attended: deps.attended === true });
  const superviseToken = supervise === undefined ? undefined : newSuperviseToken();
  if (supervise !== undefined) gateSecrets[supervise.tokenEnv] = agentSecrets[supervise.tokenEnv] = superviseToken!;
  // A Dockerfile a person approved (capability block): the bottle's own image, built on its usual one.
  // A local engine's API answers the waits and execs on the way to ready without a docker CLI process each.
  const api = engineApi(deps);
  const ownImage = approvedImage(details.agentImage, stateDir, spec.identity);
  let image: ImageConfig | undefined;
  let provisioned: Provisioned = { hasHistory: false };
  let provisioning: Promise<Provisioned> | undefined;
  let caInstall: EarlyCaInstall | undefined;
  // The gate's /healthz from this host, where it routes to the bridge (the CA is read there too).
  let health: string | undefined;
  // The bridge address only where this host routes to it; elsewhere the gate's own probe, by exec.
  const gateReady = async (): Promise<string | undefined> => {
    if (!details.engine.reachesBridges) return void (await probeGate(runner, { gate: details.names.gate, signal, log }));
    const networks = api === undefined ? {} : { networks: () => apiContainerNetworks(api, details.names.gate) };
    return waitForGate(runner, { gate: details.names.gate, network: details.names.egress, port: details.gatePort, signal, log, ...networks });
  };
  // Only the agent's `docker run` reads the home, and it runs after the image step set it.
  const commands = () => launchCommands(details, spec, stateDir, { agentHome: image?.home ?? "/", ...(ownImage === undefined ? {} : { agentImageRef: ownImage.ref }) });
  const network = (which: "internal" | "egress"): LaunchStep => ({
    name: `${which}-network`,
    async create() {
      let result = await runner.run(commands()[which].create, { check: false });
      for (let attempt = 0; result.exitCode !== 0 && subnetTaken(result.stderr) && attempt < 20; attempt++) {
        result = await runner.run(networkCreate(details, spec.identity, which, pickSubnet(deps.settings.BOTTLE_SUBNET_POOL)), { check: false });
      }
      if (result.exitCode !== 0) throw failure(result);
    },
    undo: () => quiet(commands()[which].remove),
  });
  const volume = (which: "workspace" | "home"): LaunchStep => ({
    name: `${which}-volume`,
    work: true,
    create: async () => void (await runner.run(commands()[which].create)),
    undo: () => quiet(commands()[which].remove),
  });
  const files: LaunchStep = {
    name: "files",
    says: `preparing images, networks and volumes for ${spec.identity}…`,
    create: () =>
      Promise.all([
        writePrivateFile(details.envFilePath, envFileText(spec.env.literal)),
        writeGateFiles(stateDir, gateEgress, details.gatePort, supervise?.gateConfig, details.git),
        // Supervise on an engine that cannot share the requests folder: the CLI relays it by `docker exec` of the gate.
        writeRequestRelay(stateDir, supervise !== undefined && !details.engine.sharesFiles ? ["docker", "exec", "--interactive", details.names.gate, GATE_BINARY, "gate", "requests", "--config", GATE_CONFIG_MOUNT] : undefined),
        // Its audit log is in a volume there: `logs --gate` of the running bottle reads it by `docker exec` too.
        writeAuditRelay(stateDir, details.engine.sharesFiles ? undefined : ["docker", "exec", "--interactive", details.names.gate, GATE_BINARY, "gate", "audit", "--config", GATE_CONFIG_MOUNT]),
      ]).then(nothing),
    undo: nothing,
  };
  const reap: LaunchStep = {
    // A failed reap must not stop this start: the dead bottle stays for `bottle cleanup`.
    name: "reap-dead",
    create: () => reapDead(deps, plan.resume ? spec.identity : undefined).then(nothing, (error: Error) => log(`could not reap dead bottles: ${error.message}`)),
    undo: nothing,
  };
  const images: LaunchStep[] = [
    // Prepare asked the engine for both images: only a missing one is asked about again, and made.
    {
      name: "gate-image",
      create: async () => {
        if (!details.found.gateImage) await ensureGateImage(details.gateImage, runner, log);
      },
      undo: nothing,
    },
    {
      name: "agent-image",
      async create() {
        image = details.found.agentImage ?? (await ensureAgentImage(details.agentImage, runner, log, signal));
        if (ownImage !== undefined) {
          image = await ensureApprovedImage(ownImage, image, runner, log, signal);
          // The image the person approved exists now: the bottle is no longer blocked on it.
          clearBlocked(stateDir);
        }
      },
      undo: nothing,
    },
  ];
  const objects: LaunchStep[] = [
    network("internal"),
    network("egress"),
    volume("workspace"),
    volume("home"),
    {
      // An engine that cannot see this host's files gets the gate's in volumes (see gateFiles).
      name: "gate-volumes",
      work: true,
      create: () => Promise.all(commands().gate.volumes.map((argv) => runner.run(argv))).then(nothing),
      undo: () => Promise.all(commands().gate.volumes.map((argv) => quiet(["docker", "volume", "rm", "--force", argv.at(-1)!]))).then(nothing),
    },
  ];
  return {
    // Independent engine commands go together. A resume first clears its own leftovers
    // (a crash's containers and networks): only then may its networks be made again.
    steps: [
      ...(plan.resume ? [[files, reap, ...images], objects] : [[files, reap, ...images, ...objects]]),
      // The agent's container needs only the internal network, the gate's only the egress one.
      // Each goes on as soon as it runs: the gate joins the internal network and is waited
      // for, the agent is provisioned, whichever container the engine starts first.
      [
        {
          name: "gate",
          says: "starting the gate and the agent…",
          async create() {
            const gate = commands().gate;
            await runner.run(gate.create, { secretEnv: gateSecrets });
            await Promise.all(gate.copyIn.map((argv) => runner.run(argv)));
            if (gate.start !== undefined) await runner.run(gate.start);
            // Readiness is probed on the egress network: joining the internal one runs alongside.
            const connected = api === undefined ? Promise.reject() : apiNetworkConnect(api, details.names.internal, details.names.gate);
            [, health] = await Promise.all([connected.catch(() => runner.run(gate.connect)), gateReady()]);
          },
          // The audit log goes back to the state folder before its gate does (a remote engine's volume).
          undo: () => saveGateAudit(runner, details.names.gate, stateDir).then(() => quiet(commands().gate.remove)),
        },
        {
          name: "agent",
          async create() {
            await runner.run(commands().agent.create, { secretEnv: agentSecrets });
            // The CA's install waits in the agent for the gate's certificate (see earlyCaInstall).
            if (gateEgress.tls.inspect) {
              const agent = details.names.agent;
              caInstall = earlyCaInstall(runner, agent, api === undefined ? undefined : (certificate) => installCaByApi(api, runner, agent, certificate));
            }
            // Provisioning starts now, alongside the gate's wait; the next stage's step waits for it.
            provisioning = provision(runner, {
              agent: details.names.agent,
              user: image!.user,
              copyFrom: spec.copyFrom,
              skills: spec.skills,
              claude: isClaude(agentCommand(spec.agent.command ?? [], image!)),
              ...(supervise === undefined ? {} : { supervise: { url: supervise.url, token: superviseToken! } }),
              ...(api === undefined ? {} : { exec: (argv: string[], user: string) => execStdout(api, details.names.agent, argv, user) }),
            });
            // Its failure is that step's; a launch unwound before it never asks (the container is gone).
            provisioning.catch(() => {});
          },
          undo: () => {
            caInstall?.abandon();
            return quiet(commands().agent.remove);
          },
        },
      ],
      [
        // The gate made its CA as it started: the agent trusts its certificate from now on.
        {
          name: "gate-ready",
          create: async () => {
            if (!gateEgress.tls.inspect) return;
            await trustGateCa(runner, {
              agent: details.names.agent,
              gateBase: health?.replace(/\/healthz$/, ""),
              gateInBottle: `http://${details.names.gate}:${details.gatePort}`,
              gate: details.names.gate,
              ...(caInstall === undefined ? {} : { install: (certificate: string) => caInstall!.finish(certificate) }),
            });
          },
          undo: nothing,
        },
        {
          name: "provision",
          says: "the gate is ready; provisioning the workspace…",
          create: async () => void (provisioned = await provisioning!),
          // On the way down, before the agent's container goes: `bottle list` shows a stopped bottle's size.
          undo: () => recordWorkspaceSize(runner, details.names.agent, stateDir),
        },
      ],
    ],
    agent() {
      const command = agentCommand(spec.agent.command ?? [], image!);
      const asUser = image!.user === "" ? [] : ["--user", image!.user];
      const { names } = details;
      return {
        command,
        resumeArgs: resumeArgs(command, provisioned.hasHistory),
        objects: { containers: [names.gate, names.agent], networks: [names.internal, names.egress], volumes: [names.workspace, names.home] },
        exec: (argv, { interactive, tty }) => [
          "docker", "exec", ...(interactive ? ["--interactive"] : []), ...(tty ? ["--tty"] : []),
          "--workdir", WORKSPACE, ...asUser, names.agent, ...argv,
        ],
      };
    },
  };
};
