import { existsSync } from "node:fs";
import { BottleError } from "../../core/errors.ts";
import { writeLiveMarker } from "../../core/live-marker.ts";
import { bottleFiles } from "../../core/paths.ts";
import { ensurePrivateDir, readJson, removeDir, writeJson } from "../../core/state.ts";
import type { AgentRecord, Backend, BackendDeps, Bottle, BottleMetadata, LaunchStep, Plan } from "../types.ts";
import { liveBottle } from "./live-bottle.ts";

/** Thrown between steps once the signal fired: everything made so far is unwound first. */
function interrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BottleError("interrupted: the bottle was torn down", { exitCode: 130 });
}

/**
 * The one launch lifecycle, for every backend. It writes the bottle's metadata, live
 * marker and plan once; runs the backend's steps in order (a stage's steps at once),
 * checking the abort signal between stages; and records every step's undo *before*
 * its create runs, so an error or a signal at any point unwinds exactly what exists,
 * in reverse. Steps holding work (`work: true`) are undone only when a fresh bottle
 * fails: a failed resume, a stop or a dead CLI never costs the workspace. Create
 * commands are not killed mid-flight (a killed `docker run` may still make its
 * container); steps that wait long (builds, readiness) take the signal themselves.
 */
export async function launchBottle<D>(backend: Backend<D>, plan: Plan<D>, deps: BackendDeps): Promise<Bottle> {
  const { spec, stateDir } = plan;
  const files = bottleFiles(stateDir);
  const stack = new AsyncDisposableStack();
  // Work is kept from the start when resuming, and once the launch succeeded; `--rm` drops it.
  const keep = { work: plan.resume };
  try {
    // The live marker comes first: from here on, cleanup can tell this bottle is ours and alive.
    await ensurePrivateDir(stateDir);
    await writeLiveMarker(stateDir, "launching");
    stack.defer(async () => {
      // `bottle rm` may have removed it meanwhile: do not resurrect a bare folder.
      if (keep.work && existsSync(files.metadata)) await writeLiveMarker(stateDir, "stopped");
      else if (!keep.work) await removeDir(stateDir);
    });
    const previous = await readJson<BottleMetadata>(files.metadata);
    const metadata: BottleMetadata = {
      identity: spec.identity,
      backend: backend.name,
      agent: spec.agentName,
      createdAt: previous?.createdAt ?? new Date().toISOString(),
      spec: { ...spec, prompt: undefined },
    };
    await Promise.all([writeJson(files.metadata, metadata), writeJson(files.details(backend.name), plan.details)]);

    const recipe = await backend.steps(plan, deps);
    for (const stage of recipe.steps) {
      const steps: readonly LaunchStep[] = Array.isArray(stage) ? stage : [stage as LaunchStep];
      for (const step of steps) deps.onStep?.(step.name);
      interrupted(deps.signal);
      for (const step of steps) if (step.says !== undefined) deps.log(step.says);
      // One stage's undos run together on the way out, as its creates did on the way in (started last to first).
      stack.defer(() => Promise.all(steps.toReversed().map((step) => (step.work && keep.work ? undefined : step.undo().catch(() => {})))).then(() => {}));
      const outcomes = await Promise.allSettled(steps.map((step) => step.create()));
      const failed = outcomes.find((outcome) => outcome.status === "rejected");
      if (failed !== undefined) throw failed.reason;
    }
    deps.onStep?.("ready");
    interrupted(deps.signal);
    const agent = recipe.agent();
    const record: AgentRecord = { command: agent.command };
    await writeJson(files.agent, record);
    await writeLiveMarker(stateDir, "attached");
    keep.work = true;
    return liveBottle({ plan, deps, stack: stack.move(), agent, keep });
  } catch (error) {
    await stack.disposeAsync();
    throw error;
  }
}
