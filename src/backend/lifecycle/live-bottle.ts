import { writeLiveMarker } from "../../core/live-marker.ts";
import { promptArgs } from "../agent/agent-command.ts";
import type { BackendDeps, Bottle, Plan } from "../types.ts";

/** What a backend supplies to turn its launched objects into a `Bottle`. */
export interface LiveBottleOptions {
  plan: Plan;
  deps: BackendDeps;
  /** Teardown, in reverse order of creation; runs on dispose unless detached. */
  stack: AsyncDisposableStack;
  stateDir: string;
  command: string[];
  objects: Pick<Bottle, "containers" | "networks" | "volumes">;
  /** The argv that runs `command` inside the agent (docker exec, smolvm machine exec). */
  exec(command: string[], mode: { interactive: boolean; tty: boolean }): string[];
}

/**
 * A launched bottle, the same for every backend: attach hands the terminal over,
 * runPrompt runs the agent once, detach leaves everything running (and marked so
 * `cleanup` does not take it for dead), dispose tears down.
 */
export function liveBottle(options: LiveBottleOptions): Bottle {
  const { plan, deps, stack, command } = options;
  const initialPrompt = plan.spec.agent.prompt;
  let detached = false;
  return {
    identity: plan.spec.identity,
    plan,
    ...options.objects,
    async attach() {
      const argv = options.exec([...command, ...(initialPrompt ? [initialPrompt] : [])], {
        interactive: true,
        tty: Boolean(process.stdin.isTTY),
      });
      const result = await deps.runner.run(argv, { stdio: "inherit", stdin: "inherit", check: false, signal: deps.signal });
      return result.exitCode;
    },
    async runPrompt(prompt, { onOutput } = {}) {
      const argv = options.exec([...command, ...promptArgs(command, prompt)], { interactive: false, tty: false });
      const output = onOutput === undefined ? { stdio: "inherit" as const } : { stdio: "capture" as const, onOutput: (chunk: string) => onOutput(chunk) };
      const result = await deps.runner.run(argv, { ...output, check: false, signal: deps.signal });
      return result.exitCode;
    },
    async detach() {
      detached = true;
      await writeLiveMarker(options.stateDir, "detached");
    },
    async [Symbol.asyncDispose]() {
      if (detached) return;
      await stack.disposeAsync();
    },
  };
}
