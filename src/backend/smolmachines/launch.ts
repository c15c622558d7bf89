import { existsSync } from "node:fs";
import { BottleError } from "../../core/errors.ts";
import { writeLiveMarker } from "../../core/live-marker.ts";
import { ensurePrivateDir, removeDir, writeJson } from "../../core/state.ts";
import { agentCommand } from "../agent/agent-command.ts";
import { agentEnv } from "../agent/agent-env.ts";
import { GATE_PORT, gateConfig } from "../gate-runtime/gate-config.ts";
import { waitForGate } from "../gate-runtime/wait-for-gate.ts";
import { ensureGateImage } from "../images/gate-image.ts";
import { liveBottle } from "../lifecycle/live-bottle.ts";
import type { Backend, BackendDeps, Bottle, BottleMetadata, Plan } from "../types.ts";
import { ensureSmolmachinesAvailable } from "./availability.ts";
import { guestExec, smolCommands } from "./machine-commands.ts";
import { reapOrphanRegistries } from "./orphan-registries.ts";
import { prepareArtifact } from "./prepare-artifact.ts";
import { reapSmolBottle } from "./reap.ts";
import { surveySmolBottles } from "./survey.ts";
import { prepareMounts, provisionGuest, shareMounts } from "./provision.ts";
import { HOST_GATEWAY, type SmolDetails, smolDetails, smolStateFiles, WORKSPACE } from "./smol-plan.ts";

function interrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BottleError("interrupted: the bottle was torn down", { exitCode: 130 });
}

/** The gate's published port on 127.0.0.1, from `docker port`. */
function publishedPort(output: string, gate: string): number {
  const match = /^127\.0\.0\.1:(\d+)$/m.exec(output);
  if (match === null) throw new BottleError(`the gate ${gate} has no port published on 127.0.0.1`, { hint: `\`docker logs ${gate}\` shows why it stopped` });
  return Number(match[1]);
}

/** The guest's env file: the manifest's literals and the forwarded host values (read now, never stored). */
function guestEnv(plan: Plan, details: SmolDetails, env: BackendDeps["env"]): Record<string, string> {
  const values: Record<string, string> = { ...plan.spec.env.literal };
  for (const { key, from } of details.forwarded) values[key] = env[from] ?? "";
  return values;
}

/**
 * Starts a smolmachines bottle: the packed artifact (cached by image ID), the gate as a
 * Docker container on 127.0.0.1, then the microVM that reaches it at 100.96.0.1, and
 * provisioning through `machine exec`. Each step's undo is deferred on an
 * AsyncDisposableStack before the step runs, so an error or Ctrl-C at any point tears
 * down exactly what exists, in reverse: machine stop, machine delete, gate, state.
 */
export const launch: Backend["launch"] = async (plan, deps) => {
  const details = smolDetails(plan);
  const { spec } = plan;
  const { runner, signal, log } = deps;
  await ensureSmolmachinesAvailable(deps);
  const files = smolStateFiles(details.stateDir);
  const quiet = async (argv: string[]) => {
    await runner.run(argv, { check: false });
  };
  const stack = new AsyncDisposableStack();
  // A resumed bottle's state holds its workspace: a failed resume must not delete it.
  let keepState = existsSync(files.metadata);
  await reapBeforeLaunch(deps, spec.identity);
  try {
    await ensurePrivateDir(details.stateDir);
    await writeLiveMarker(details.stateDir, "launching");
    stack.defer(async () => {
      if (keepState) await writeLiveMarker(details.stateDir, "stopped");
      else await removeDir(details.stateDir);
    });
    const metadata: BottleMetadata = { identity: spec.identity, backend: "smolmachines", agent: spec.agentName, createdAt: new Date().toISOString(), spec: { ...spec, prompt: undefined } };
    await Promise.all([
      keepState ? Promise.resolve() : writeJson(files.metadata, metadata),
      writeJson(files.details, details),
      writeJson(files.gateConfig, gateConfig(spec.bottle.egress, GATE_PORT)),
      prepareMounts({ workspace: details.workspace, skillsDir: details.skillsDir, copyFrom: spec.copyFrom, skills: details.skills }),
    ]);

    log(`preparing the microVM image for ${spec.identity}…`);
    const [artifact] = await Promise.all([prepareArtifact(details.agentImage, deps), ensureGateImage(details.gateImage, runner, log)]);
    interrupted(signal);

    log("starting the gate…");
    const gateSecrets = Object.fromEntries(details.gateSecrets.map((name) => [name, deps.env[name] ?? ""]));
    const planned = smolCommands(details, spec.identity, artifact.path);
    stack.defer(() => quiet(planned.gate.remove));
    await runner.run(planned.gate.create, { secretEnv: gateSecrets });
    const port = publishedPort((await runner.run(planned.gate.port)).stdout, details.gate);
    await waitForGate(runner, { gate: details.gate, network: "bridge", port: GATE_PORT, signal, log });
    interrupted(signal);

    log("starting the microVM…");
    const live: SmolDetails = { ...details, agentEnv: agentEnv(spec, HOST_GATEWAY, port).fixed };
    const commands = smolCommands(live, spec.identity, artifact.path);
    stack.defer(() => quiet(commands.machine.remove));
    await runner.run(commands.machine.create);
    stack.defer(() => quiet(commands.machine.stop));
    await runner.run(commands.machine.start);
    interrupted(signal);

    const command = agentCommand(details.command, artifact.imageConfig);
    log("provisioning the guest…");
    await shareMounts(runner, { machine: details.machine, folders: existsSync(details.skillsDir) ? [details.workspace, details.skillsDir] : [details.workspace], log, signal });
    await provisionGuest(runner, {
      machine: details.machine,
      env: guestEnv(plan, details, deps.env),
      skills: details.skills.length > 0,
      claude: command[0]?.split("/").pop() === "claude",
      signal,
    });
    interrupted(signal);
    await writeJson(files.details, { ...live, command });
    await writeLiveMarker(details.stateDir, "attached");
    keepState = true;
    return smolBottle(plan, deps, stack.move(), command);
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
};

/**
 * Every start reaps first, as the docker backend does: bottles whose CLI died, and this
 * identity's own leftovers when it is resumed after a crash (its machine name would
 * otherwise be taken), and registries a killed run left. State and workspace of the
 * resumed bottle stay.
 */
async function reapBeforeLaunch(deps: BackendDeps, identity: string): Promise<void> {
  for (const { name } of await reapOrphanRegistries(deps)) deps.log(`removed the registry ${name} a killed run left`);
  for (const found of await surveySmolBottles(deps)) {
    if (found.identity === identity && found.liveness !== "live") {
      await reapSmolBottle(deps, found, { keepState: true });
    } else if (found.identity !== identity && found.liveness === "dead") {
      deps.log(`removing dead bottle ${found.identity}`);
      await reapSmolBottle(deps, found, { keepState: false });
    }
  }
}

function smolBottle(plan: Plan, deps: BackendDeps, stack: AsyncDisposableStack, command: string[]): Bottle {
  const details = smolDetails(plan);
  return liveBottle({
    plan,
    deps,
    stack,
    stateDir: details.stateDir,
    command,
    objects: { containers: [details.gate], networks: [], volumes: [] },
    exec: (argv, mode) => guestExec(details.machine, argv, { ...mode, workdir: WORKSPACE }),
  });
}
