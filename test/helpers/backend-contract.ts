import { expect, test } from "bun:test";
import type { Backend, BackendDeps, StartSpec } from "../../src/backend/types.ts";

/** What a backend's test hands the contract suite. */
export interface ContractSubject {
  backend: Backend;
  /** Fresh deps with a private state folder (cleanup must only see this suite's bottles). */
  deps(): Promise<BackendDeps>;
  /** A spec whose agent command is `sh -c`, so a prompt is a shell script. */
  spec(): StartSpec;
  /** Engine objects (or machines) of `identity` that still exist, one line each. */
  leftovers(identity: string): Promise<string[]>;
}

/**
 * The one suite every backend runs (STYLE rule 4): prepare creates nothing, a launched
 * bottle runs prompts and tears down on dispose, detach/stop/resume/cleanup keep their
 * promises, and an abort mid-launch leaves nothing.
 */
export function runBackendContract(create: () => Promise<ContractSubject>): void {
  // Engines on a loaded 2-core host take seconds per bottle; not a timed assertion.
  const timeout = 180_000;
  test("prepare resolves a frozen plan and creates nothing", async () => {
    const subject = await create();
    const spec = subject.spec();
    const plan = await subject.backend.prepare(spec, await subject.deps());
    expect(Object.isFrozen(plan)).toBe(true);
    expect(plan.backend).toBe(subject.backend.name);
    expect(plan.spec.identity).toBe(spec.identity);
    expect(plan.commands.length).toBeGreaterThan(0);
    expect(await subject.leftovers(spec.identity)).toEqual([]);
  }, timeout);

  test("a launched bottle runs a prompt with its exit code and the workspace, then tears down", async () => {
    const subject = await create();
    const deps = await subject.deps();
    const spec = subject.spec();
    const plan = await subject.backend.prepare(spec, deps);
    {
      await using bottle = await subject.backend.launch(plan, deps);
      expect(bottle.identity).toBe(spec.identity);
      expect(await bottle.runPrompt("test -d /workspace && exit 7")).toBe(7);
      const listed = await subject.backend.list(deps);
      expect(listed.find((entry) => entry.identity === spec.identity)?.status).toBe("running");
    }
    const after = await subject.backend.list(deps);
    expect(after.find((entry) => entry.identity === spec.identity)?.status).toBe("stopped");
    await subject.backend.cleanup(deps, { includeStopped: true });
    expect(await subject.leftovers(spec.identity)).toEqual([]);
    expect((await subject.backend.list(deps)).some((entry) => entry.identity === spec.identity)).toBe(false);
  }, timeout);

  test("detach leaves it running; stop keeps the workspace; resume finds it; cleanup --all removes all", async () => {
    const subject = await create();
    const deps = await subject.deps();
    const spec = subject.spec();
    {
      await using bottle = await subject.backend.launch(await subject.backend.prepare(spec, deps), deps);
      expect(await bottle.runPrompt("echo kept > /workspace/mark")).toBe(0);
      await bottle.detach();
    }
    expect((await subject.backend.list(deps)).find((entry) => entry.identity === spec.identity)?.status).toBe("running");
    // A detached bottle is live: cleanup leaves it alone.
    await subject.backend.cleanup(deps, {});
    expect((await subject.backend.list(deps)).find((entry) => entry.identity === spec.identity)?.status).toBe("running");
    await subject.backend.stop(spec.identity, deps);
    expect((await subject.backend.list(deps)).find((entry) => entry.identity === spec.identity)?.status).toBe("stopped");
    {
      await using resumed = await subject.backend.launch(await subject.backend.prepare({ ...spec, copyFrom: undefined }, deps), deps);
      expect(await resumed.runPrompt("grep -q kept /workspace/mark")).toBe(0);
    }
    await subject.backend.cleanup(deps, { includeStopped: true });
    expect(await subject.leftovers(spec.identity)).toEqual([]);
  }, timeout);

  test("an abort during launch unwinds everything", async () => {
    const subject = await create();
    const base = await subject.deps();
    const spec = subject.spec();
    const controller = new AbortController();
    // Abort at the first progress line after images: the bottle is half-made then.
    let lines = 0;
    const deps: BackendDeps = { ...base, signal: controller.signal, log: () => void (++lines === 2 && controller.abort()) };
    const plan = await subject.backend.prepare(spec, deps);
    const error = await subject.backend.launch(plan, deps).then(
      async (bottle) => {
        await bottle[Symbol.asyncDispose]();
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(error).toBeDefined();
    expect(await subject.leftovers(spec.identity)).toEqual([]);
  }, timeout);
}
