import { CLI_DIED_NOTE, writeLiveMarker } from "../../core/live-marker.ts";
import { BottleError } from "../../core/errors.ts";
import type { Backend, BottleSummary } from "../types.ts";
import { kubectlExec } from "./exec-in-pod.ts";
import type { KubeDetails } from "./kube-plan.ts";
import { savedKubeBottle, savedKubeBottles, type SavedKubeBottle } from "./saved-bottles.ts";
import { tearDownKube } from "./teardown.ts";
import { gateAuditArgv } from "./save-gate-audit.ts";
import { copyWithPod } from "./copy-with-pod.ts";

type Kube = Backend<KubeDetails>;

const agentPod = (bottle: SavedKubeBottle) => bottle.details.bottle.names.agentPod;
const gatePod = (bottle: SavedKubeBottle) => bottle.details.bottle.names.gatePod;

/** `bottle list`: from the state folders; a live CLI's (or a detached) bottle is running. */
export const list: Kube["list"] = async (deps) =>
  (await savedKubeBottles(deps)).map((bottle): BottleSummary => {
    const summary: BottleSummary = {
      identity: bottle.identity,
      agent: bottle.metadata?.agent ?? "?",
      backend: "kubernetes",
      status: bottle.liveness === "live" ? "running" : "stopped",
      createdAt: bottle.metadata?.createdAt ?? "",
    };
    const note = bottle.liveness === "dead" ? CLI_DIED_NOTE : bottle.marker?.note;
    return note === undefined ? summary : { ...summary, note };
  });

/** `bottle stop`: deletes the pods and everything but the claims; the work stays. */
export const stop: Kube["stop"] = async (identity, deps) => {
  const bottle = await savedKubeBottle(deps, identity);
  const alreadyStopped = bottle.liveness === "stopped";
  const removed = await tearDownKube(deps, bottle, { work: "keep" });
  await writeLiveMarker(deps.paths.bottleState(identity), "stopped");
  return { removed, alreadyStopped };
};

/** `bottle cleanup`: dead bottles lose their running parts; `--all` deletes stopped ones whole. */
export const cleanup: Kube["cleanup"] = async (deps, options) => {
  const removed = [];
  for (const bottle of await savedKubeBottles(deps, options.identity)) {
    if (bottle.liveness === "live") continue;
    if (options.includeStopped) removed.push(...(await tearDownKube(deps, bottle, { work: "remove", dryRun: options.dryRun === true })));
    else if (bottle.liveness === "dead") {
      removed.push(...(await tearDownKube(deps, bottle, { work: "keep", dryRun: options.dryRun === true })));
      if (!options.dryRun) await writeLiveMarker(deps.paths.bottleState(bottle.identity), "stopped", process.pid, CLI_DIED_NOTE);
    }
  }
  return { removed };
};

/** `bottle rm`: everything, claims and state included; a running bottle only with `force`. */
export const remove: Kube["remove"] = async (identity, deps, { force }) => {
  const bottle = await savedKubeBottle(deps, identity);
  if (bottle.liveness === "live" && !force) {
    throw new BottleError(`${identity} is running`, { hint: `stop it first (\`bottle stop ${identity}\`), or \`bottle rm --force ${identity}\``, exitCode: 2 });
  }
  return { removed: await tearDownKube(deps, bottle, { work: "remove" }) };
};

/**
 * `bottle logs`: the agent's pod log; with `--gate` (asked here while the bottle runs:
 * the CLI reads its own copy once a stop saved it), the audit log on the gate's claim,
 * its JSON lines as written, by `kubectl exec` of `bottle gate audit`.
 */
export const logs: Kube["logs"] = async (identity, deps, { gate, follow }) => {
  const bottle = await savedKubeBottle(deps, identity);
  const { target, namespace } = bottle.details.bottle;
  if (gate) {
    // stdin stays this terminal's: a follower in the gate ends when it closes (see `bottle gate audit`).
    const audit = kubectlExec(target, namespace, gatePod(bottle), gateAuditArgv(follow), { interactive: follow, tty: false }, "gate");
    return (await deps.runner.run(audit, { stdio: "inherit", ...(follow ? { stdin: "inherit" as const } : {}), check: false, signal: deps.signal })).exitCode;
  }
  const argv = kubectlExec(target, namespace, agentPod(bottle), [], { interactive: false, tty: false });
  // `kubectl … exec POD --container agent --` → `kubectl … logs POD [--follow]`.
  const logsArgv = [...argv.slice(0, argv.indexOf("exec")), "logs", agentPod(bottle), ...(follow ? ["--follow"] : [])];
  return (await deps.runner.run(logsArgv, { stdio: "inherit", check: false, signal: deps.signal })).exitCode;
};

/** `bottle attach`: the agent's command in its pod, on this terminal (`kubectl exec -it`). */
export const attach: Kube["attach"] = async (identity, deps) => {
  const bottle = await savedKubeBottle(deps, identity);
  const command = bottle.metadata?.spec.agent.command ?? ["sh"];
  const argv = kubectlExec(bottle.details.bottle.target, bottle.details.bottle.namespace, agentPod(bottle), command, { interactive: true, tty: Boolean(process.stdin.isTTY) });
  return (await deps.runner.run(argv, { stdio: "inherit", stdin: "inherit", check: false, signal: deps.signal })).exitCode;
};

/** `bottle shell`: a shell (or a command) in the agent's pod. */
export const shell: Kube["shell"] = async (identity, deps, options) => {
  const bottle = await savedKubeBottle(deps, identity);
  const tty = options.tty ?? Boolean(process.stdin.isTTY);
  const argv = kubectlExec(bottle.details.bottle.target, bottle.details.bottle.namespace, agentPod(bottle), options.command ?? ["sh"], { interactive: true, tty });
  return (await deps.runner.run(argv, { stdio: "inherit", stdin: "inherit", check: false, signal: deps.signal })).exitCode;
};

/**
 * `bottle cp`: tar over the exec API with the agent's pod. A stopped bottle has no pod
 * (its claims keep the work, but nothing mounts them until `resume`).
 */
export const copy: Kube["copy"] = async (identity, deps, request) => {
  const bottle = await savedKubeBottle(deps, identity);
  if (bottle.liveness !== "live") {
    throw new BottleError(`${identity} is not running: copying needs its agent's pod`, { hint: `\`bottle resume ${identity} --detach\` first (its claims kept the work)` });
  }
  await copyWithPod(await bottle.connect(), deps.runner, agentPod(bottle), request, deps.signal);
};

/** `bottle list --size`: unknown on Kubernetes (a claim's usage is the storage driver's). */
export const workspaceSizes: Kube["workspaceSizes"] = async () => ({});
