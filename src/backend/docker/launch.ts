import { existsSync } from "node:fs";
import { BottleError } from "../../core/errors.ts";
import { failure } from "../../core/runner.ts";
import { writeLiveMarker } from "../../core/live-marker.ts";
import { ensurePrivateDir, removeDir, writeJson, writePrivateFile } from "../../core/state.ts";
import { liveBottle } from "../lifecycle/live-bottle.ts";
import type { Backend, BackendDeps, Bottle, BottleMetadata, Plan } from "../types.ts";
import { envFileText } from "../agent/agent-env.ts";
import { agentCommand } from "../agent/agent-command.ts";
import { ensureAgentImage } from "../images/ensure-agent-image.ts";
import { dockerDetails, type DockerDetails } from "./docker-plan.ts";
import { gateConfig } from "../gate-runtime/gate-config.ts";
import { waitForGate } from "../gate-runtime/wait-for-gate.ts";
import { ensureGateImage } from "../images/gate-image.ts";
import { launchCommands, networkCreate, WORKSPACE } from "./launch-commands.ts";
import { pickSubnet, subnetTaken } from "./subnet.ts";
import { stateFiles } from "./prepare.ts";
import { provision } from "./provision.ts";
import { reapDead } from "./reap.ts";

function interrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BottleError("interrupted: the bottle was torn down", { exitCode: 130 });
}

/** Secret values by name, read from the host env at the last moment, never stored. */
function secretEnv(details: DockerDetails, env: BackendDeps["env"]): { gate: Record<string, string>; agent: Record<string, string> } {
  const gate: Record<string, string> = {};
  for (const name of details.gateSecrets) gate[name] = env[name] ?? "";
  const agent: Record<string, string> = {};
  for (const { key, from } of details.forwarded) agent[key] = env[from] ?? "";
  return { gate, agent };
}

/**
 * Creates a planned bottle: state files, images, networks, workspace, gate (ready on
 * `/healthz`), agent, provisioning. Each object's removal is deferred on an
 * AsyncDisposableStack *before* it is created, so an error or a signal at any step
 * unwinds exactly what exists, in reverse. Create commands are not killed mid-flight
 * (a killed `docker run` may still create its container); the signal is checked
 * between steps instead, and only image builds and the readiness wait are cut short.
 */
export const launch: Backend["launch"] = async (plan, deps) => {
  const details = dockerDetails(plan);
  const { spec } = plan;
  const { runner, signal, log } = deps;
  const commands = launchCommands(details, spec.identity);
  const files = stateFiles(details.stateDir);
  const secrets = secretEnv(details, deps.env);
  const quiet = async (argv: string[]) => {
    await runner.run(argv, { check: false });
  };
  const stack = new AsyncDisposableStack();
  let keepWorkspace = details.resume;
  try {
    // The live marker comes first: from here on, cleanup can tell this bottle is ours and alive.
    await ensurePrivateDir(details.stateDir);
    await writeLiveMarker(details.stateDir, "launching");
    stack.defer(async () => {
      // `bottle stop` + `cleanup --all` may have reaped it meanwhile: do not resurrect a bare folder.
      if (keepWorkspace && existsSync(files.docker)) await writeLiveMarker(details.stateDir, "stopped");
      else if (!keepWorkspace) await removeDir(details.stateDir);
    });
    const metadata: BottleMetadata = { identity: spec.identity, backend: "docker", agent: spec.agentName, createdAt: new Date().toISOString(), spec: { ...spec, prompt: undefined } };
    await Promise.all([
      details.resume ? Promise.resolve() : writeJson(files.metadata, metadata),
      writeJson(files.docker, details),
      writePrivateFile(files.envFile, envFileText(spec.env.literal)),
      writeJson(files.gateConfig, gateConfig(spec.bottle.egress, details.gatePort)),
    ]);

    // Dead bottles go first (every start reaps), alongside the image checks.
    log(`preparing images for ${spec.identity}…`);
    const [, , agentConfig] = await Promise.all([
      // A failed reap must not stop this start: the dead bottle stays for `bottle cleanup`.
      reapDead(deps, details.resume ? spec.identity : undefined).catch((error: Error) => log(`could not reap dead bottles: ${error.message}`)),
      ensureGateImage(details.gateImage, runner, log),
      ensureAgentImage(details.agentImage, runner, log, signal),
    ]);
    interrupted(signal);

    log("creating networks and workspace…");
    // One removal for both networks (and below, both containers): half the engine round trips on the way out.
    stack.defer(() => quiet(["docker", "network", "rm", details.names.internal, details.names.egress]));
    if (!details.resume) {
      stack.defer(async () => {
        if (!keepWorkspace) await quiet(commands.workspace.remove);
      });
    }
    const network = async (which: "internal" | "egress") => {
      let result = await runner.run(commands[which].create, { check: false });
      for (let attempt = 0; result.exitCode !== 0 && subnetTaken(result.stderr) && attempt < 20; attempt++) {
        result = await runner.run(networkCreate(details, spec.identity, which, pickSubnet(deps.env.BOTTLE_SUBNET_POOL)), { check: false });
      }
      if (result.exitCode !== 0) throw failure(result);
    };
    await Promise.all([
      network("internal"),
      network("egress"),
      details.resume ? Promise.resolve() : runner.run(commands.workspace.create),
    ]);
    interrupted(signal);

    log("starting the gate and the agent…");
    stack.defer(() => quiet(["docker", "rm", "--force", details.names.agent, details.names.gate]));
    await runner.run(commands.gate.create, { secretEnv: secrets.gate });
    await Promise.all([runner.run(commands.gate.connect), runner.run(commands.agent.create, { secretEnv: secrets.agent })]);
    interrupted(signal);

    log("waiting for the gate…");
    await waitForGate(runner, { gate: details.names.gate, network: details.names.egress, port: details.gatePort, signal, log });
    interrupted(signal);

    const command = agentCommand(details.command, agentConfig);
    log("provisioning the workspace…");
    await provision(runner, {
      agent: details.names.agent,
      user: agentConfig.user ?? "",
      copyFrom: spec.copyFrom,
      skills: details.skills,
      claude: command[0]?.split("/").pop() === "claude",
    });
    interrupted(signal);
    await writeLiveMarker(details.stateDir, "attached");
    keepWorkspace = true;
    return bottle(plan, deps, stack.move(), command, agentConfig.user ?? "");
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
};

function bottle(plan: Plan, deps: BackendDeps, stack: AsyncDisposableStack, command: string[], user: string): Bottle {
  const asUser = user === "" ? [] : ["--user", user];
  const details = dockerDetails(plan);
  const { names } = details;
  return liveBottle({
    plan,
    deps,
    stack,
    stateDir: details.stateDir,
    command,
    objects: { containers: [names.gate, names.agent], networks: [names.internal, names.egress], volumes: [names.workspace] },
    exec: (argv, { interactive, tty }) => [
      "docker", "exec", ...(interactive ? ["--interactive"] : []), ...(tty ? ["--tty"] : []),
      "--workdir", WORKSPACE, ...asUser, names.agent, ...argv,
    ],
  });
}
