import { writeLiveMarker } from "../../core/live-marker.ts";
import { promptArgs } from "../agent/agent-command.ts";
import type { BackendDeps, Bottle, LaunchedAgent, Plan } from "../types.ts";

/** What `launchBottle` hands over once every step ran. */
export interface LiveBottleOptions {
  plan: Plan;
  deps: BackendDeps;
  /** Teardown, in reverse order of creation; runs on dispose unless detached. */
  stack: AsyncDisposableStack;
  agent: LaunchedAgent;
  /** Shared with the teardown: `work` false makes it delete the work too (`--rm`). */
  keep: { work: boolean };
}

/**
 * A launched bottle, the same for every backend: attach hands the terminal over,
 * runPrompt runs the agent once, detach leaves everything running (and marked so
 * `cleanup` does not take it for dead), dispose tears down once, however often asked.
 */
export function liveBottle(options: LiveBottleOptions): Bottle {
  const { plan, deps, stack, agent } = options;
  const initialPrompt = plan.spec.agent.prompt;
  let detached = false;
  let teardown: Promise<void> | undefined;
  return {
    identity: plan.spec.identity,
    plan,
    ...agent.objects,
    async attach() {
      // A resumed agent continues its conversation; a first prompt is only for a fresh one.
      const extra = plan.resume ? agent.resumeArgs : initialPrompt ? [initialPrompt] : [];
      const argv = agent.exec([...agent.command, ...extra], { interactive: true, tty: Boolean(process.stdin.isTTY) });
      const result = await deps.runner.run(argv, { stdio: "inherit", stdin: "inherit", check: false, signal: deps.signal });
      return result.exitCode;
    },
    async runPrompt(prompt, { onOutput } = {}) {
      const argv = agent.exec([...agent.command, ...promptArgs(agent.command, prompt)], { interactive: false, tty: false });
      const output = onOutput === undefined ? { stdio: "inherit" as const } : { stdio: "capture" as const, onOutput: (chunk: string) => onOutput(chunk) };
      const result = await deps.runner.run(argv, { ...output, check: false, signal: deps.signal });
      return result.exitCode;
    },
    async detach() {
      detached = true;
      await writeLiveMarker(plan.stateDir, "detached");
    },
    removeOnExit() {
      options.keep.work = false;
    },
    async [Symbol.asyncDispose]() {
      if (detached) return;
      teardown ??= stack.disposeAsync();
      await teardown;
    },
  };
}
