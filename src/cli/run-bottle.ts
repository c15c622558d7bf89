import type { Backend, StartSpec } from "../backend/types.ts";
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
  /** `start --rm`: the caller deletes the bottle afterwards, so no "its workspace is kept" note. */
  removeAfter?: boolean;
}

/**
 * prepare → launch → attach / `--prompt` / `--detach`. The bottle is an `await using`
 * resource: however this returns (the agent exits, an error, SIGINT/SIGTERM/SIGHUP),
 * it is torn down, unless it was detached.
 */
export async function runBottle(context: CommandContext, backend: Backend, spec: StartSpec, options: RunBottleOptions): Promise<number> {
  // Checked before anything starts: a detached bottle would silently never run the prompt.
  if (options.detach && options.prompt !== undefined) {
    throw new UsageError("--prompt and --detach contradict each other", "--prompt runs the agent once and exits with its code; --detach leaves it idle for `bottle attach`");
  }
  const deps = backendDeps(context);
  const plan = await backend.prepare(spec, deps);
  await using bottle = await backend.launch(plan, deps);
  // A signal that landed just as launch finished still means "stop": tear down, do not detach.
  if (deps.signal?.aborted) {
    context.stderr.write("bottle: interrupted: the bottle was torn down\n");
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
    const exitCode = await bottle.runPrompt(options.prompt, options.json ? { onOutput: (chunk) => context.stderr.write(chunk) } : {});
    if (options.json) writeJsonOut(context.stdout, { ...summary, exitCode });
    if (options.removeAfter !== true) kept(context, bottle.identity);
    return deps.signal?.aborted ? ExitCode.cancelled : exitCode;
  }
  if (options.json) writeJsonOut(context.stdout, summary);
  const exitCode = await bottle.attach();
  if (options.removeAfter !== true) kept(context, bottle.identity);
  return deps.signal?.aborted ? ExitCode.cancelled : exitCode;
}

/** Says that the bottle's workspace outlives it: each start keeps one until cleaned up. */
function kept(context: CommandContext, identity: string): void {
  context.stderr.write(`bottle ${identity} stopped; its workspace is kept: \`bottle resume ${identity}\` (\`bottle cleanup --all --yes\` removes stopped bottles)\n`);
}
