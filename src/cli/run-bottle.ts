import { launchBottle } from "../backend/lifecycle/launch-bottle.ts";
import type { Backend, BackendDeps, Bottle, StartSpec } from "../backend/types.ts";
import { ExitCode, UsageError } from "../core/errors.ts";
import { backendDeps } from "./backend-deps.ts";
import { writeJsonOut, type CommandContext } from "./context.ts";

/** How `start`/`resume` hand the bottle over once it is ready. */
export interface RunBottleOptions {
  /** Return once ready, leaving it running. */
  detach: boolean;
  /** Run the agent non-interactively with this prompt and exit with its code. */
  prompt: string | undefined;
  json: boolean;
  /** `--rm`: delete the bottle, work included, when it exits. By default its work is kept. */
  remove?: boolean;
}

/** Flags that contradict each other are a usage error before anything is read or started. */
export function checkHandOver(options: RunBottleOptions): void {
  // A detached bottle would silently never run the prompt.
  if (options.detach && options.prompt !== undefined) {
    throw new UsageError("--prompt and --detach contradict each other", "--prompt runs the agent once and exits with its code; --detach leaves it idle for `bottle attach`");
  }
  if (options.detach && options.remove) {
    throw new UsageError("--rm and --detach contradict each other", "--rm deletes the bottle when its agent exits; a detached bottle is ended by `bottle stop` and deleted by `bottle rm`");
  }
}

/**
 * Attaching hands the agent the terminal: without one on stdin, the agent ran with
 * nothing to read (Claude Code printed its own "Input must be provided either
 * through stdin or as a prompt argument") and a stopped bottle was left for nothing.
 * Refused before anything is made, with the two ways that need no terminal.
 */
export function checkTerminal(context: CommandContext, options: RunBottleOptions, command: string): void {
  if (options.detach || options.prompt !== undefined || context.terminal) return;
  throw new UsageError(`${command} attaches your terminal to the agent, and stdin is not a terminal`, "pass --prompt TEXT to run the agent once and exit with its code, or --detach to leave it running for `bottle attach`");
}

/**
 * prepare → launch → attach / `--prompt` / `--detach`. The bottle is an `await using`
 * resource: however this returns (the agent exits, an error, SIGINT/SIGTERM/SIGHUP),
 * it is torn down, once, unless it was detached.
 */
export async function runBottle(context: CommandContext, backend: Backend, spec: StartSpec, options: RunBottleOptions): Promise<number> {
  checkHandOver(options);
  const deps = backendDeps(context);
  const plan = await backend.prepare(spec, deps);
  await using bottle = await launchBottle(backend, plan, deps);
  // A signal that landed just as launch finished still means "stop": tear down, do not detach.
  if (deps.signal?.aborted) {
    deps.log("bottle: interrupted: the bottle was torn down");
    return ExitCode.cancelled;
  }
  const summary = {
    identity: bottle.identity,
    backend: backend.name,
    agent: spec.agentName,
    containers: bottle.containers,
    networks: bottle.networks,
    volumes: bottle.volumes,
  };
  if (options.detach) {
    await bottle.detach();
    if (options.json) writeJsonOut(context.stdout, { ...summary, status: "running" });
    else {
      context.stdout.write(`${bottle.identity}\n`);
      context.stderr.write(`bottle ${bottle.identity} is running: \`bottle attach ${bottle.identity}\`, \`bottle stop ${bottle.identity}\`\n`);
    }
    return ExitCode.ok;
  }
  if (options.prompt !== undefined) {
    // With --json, stdout is the one JSON object: the agent's output goes to stderr.
    const exitCode = await bottle.runPrompt(options.prompt, options.json ? { onOutput: (chunk: string) => context.stderr.write(chunk) } : {});
    if (options.json) writeJsonOut(context.stdout, { ...summary, exitCode });
    return ended(bottle, deps, options, exitCode);
  }
  if (options.json) writeJsonOut(context.stdout, summary);
  return ended(bottle, deps, options, await bottle.attach());
}

/**
 * The agent exited: says what becomes of the bottle's work, and with `--rm` marks it
 * for deletion by the one teardown. A Ctrl-C or a closed terminal is not a considered
 * "delete my work", so an interrupted `--rm` keeps it.
 */
function ended(bottle: Bottle, deps: BackendDeps, options: RunBottleOptions, exitCode: number): number {
  const interrupted = deps.signal?.aborted === true;
  if (options.remove === true && !interrupted) bottle.removeOnExit();
  kept(deps.log, bottle.identity, options.remove === true && !interrupted, options.remove === true);
  return interrupted ? ExitCode.cancelled : exitCode;
}

/** Says what becomes of the bottle's work: kept for `resume` (each start keeps one), or deleted with `--rm`. */
function kept(log: (line: string) => void, identity: string, removed: boolean, asked: boolean): void {
  if (removed) log(`bottle ${identity} removed (--rm): its workspace, home and state are deleted`);
  else if (asked) log(`bottle ${identity} was interrupted, so --rm kept it: \`bottle resume ${identity}\` continues it, \`bottle rm ${identity}\` deletes it`);
  else log(`bottle ${identity} stopped; its workspace and home are kept: \`bottle resume ${identity}\` (\`bottle rm ${identity}\` deletes it)`);
}
