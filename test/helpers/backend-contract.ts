import { expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { launchBottle } from "../../src/backend/lifecycle/launch-bottle.ts";
import type { Backend, BackendDeps, StartSpec } from "../../src/backend/types.ts";
import type { RecordedCall } from "./recording-runner.ts";

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

/** Runs launch to the end or to an error; the error, if any. */
async function launchOutcome(backend: Backend, spec: StartSpec, deps: BackendDeps): Promise<unknown> {
  const plan = await backend.prepare(spec, deps);
  return launchBottle(backend, plan, deps).then(
    async (bottle) => {
      await bottle[Symbol.asyncDispose]();
      return undefined;
    },
    (error: unknown) => error,
  );
}

/**
 * The one suite every backend runs against a real engine (STYLE rule 4): prepare
 * creates nothing, a launched bottle runs prompts and tears down on dispose,
 * detach/stop/resume/cleanup keep their promises, and an abort mid-launch (through
 * the `onStep` hook) leaves nothing of a fresh bottle.
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

  test("a launched bottle runs a prompt with its exit code and the workspace, then tears down to stopped", async () => {
    const subject = await create();
    const deps = await subject.deps();
    const spec = subject.spec();
    const plan = await subject.backend.prepare(spec, deps);
    {
      await using bottle = await launchBottle(subject.backend, plan, deps);
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

  test("detach leaves it running; stop keeps workspace and home; a second stop says so; resume finds both", async () => {
    const subject = await create();
    const deps = await subject.deps();
    const spec = subject.spec();
    {
      await using bottle = await launchBottle(subject.backend, await subject.backend.prepare(spec, deps), deps);
      expect(await bottle.runPrompt('echo kept > /workspace/mark && echo home > "$HOME/home-mark"')).toBe(0);
      await bottle.detach();
    }
    expect((await subject.backend.list(deps)).find((entry) => entry.identity === spec.identity)?.status).toBe("running");
    // A detached bottle is live: cleanup leaves it alone.
    await subject.backend.cleanup(deps, {});
    expect((await subject.backend.list(deps)).find((entry) => entry.identity === spec.identity)?.status).toBe("running");
    expect((await subject.backend.stop(spec.identity, deps)).alreadyStopped).toBe(false);
    expect((await subject.backend.stop(spec.identity, deps)).alreadyStopped).toBe(true);
    expect((await subject.backend.list(deps)).find((entry) => entry.identity === spec.identity)?.status).toBe("stopped");
    {
      const plan = await subject.backend.prepare({ ...spec, copyFrom: undefined }, deps);
      expect(plan.resume).toBe(true);
      await using resumed = await launchBottle(subject.backend, plan, deps);
      expect(await resumed.runPrompt('grep -q kept /workspace/mark && grep -q home "$HOME/home-mark"')).toBe(0);
    }
    await subject.backend.cleanup(deps, { includeStopped: true });
    expect(await subject.leftovers(spec.identity)).toEqual([]);
  }, timeout);

  test("an abort during launch (at the gate step) unwinds everything of a fresh bottle", async () => {
    const subject = await create();
    const base = await subject.deps();
    const spec = subject.spec();
    const controller = new AbortController();
    const deps: BackendDeps = { ...base, signal: controller.signal, onStep: (name) => void (name === "gate-ready" && controller.abort()) };
    const error = await launchOutcome(subject.backend, spec, deps);
    expect((error as { exitCode?: number })?.exitCode).toBe(130);
    expect(await subject.leftovers(spec.identity)).toEqual([]);
    expect(existsSync(base.paths.bottleState(spec.identity))).toBe(false);
  }, timeout);
}

/** What a backend's unit test hands the recorded contract: deps over a recording runner. */
export interface RecordedSubject {
  backend: Backend;
  /** Fresh deps over a fresh recording runner (its calls are returned too). */
  deps(): Promise<{ deps: BackendDeps; calls: RecordedCall[] }>;
  spec(): StartSpec;
}

/** An object a command makes, and the commands that remove it, as `kind name`. */
function created(argv: readonly string[]): string | undefined {
  const line = argv.join(" ");
  const name = (flag: string) => argv[argv.indexOf(flag) + 1];
  if (/^docker run /.test(line)) return `container ${name("--name")}`;
  if (/^docker (network|volume) create /.test(line)) return `${argv[1]} ${argv.at(-1)}`;
  if (/^smolvm machine create /.test(line)) return `machine ${name("--name")}`;
  return undefined;
}

function removed(argv: readonly string[]): string[] {
  const line = argv.join(" ");
  if (/^docker rm /.test(line)) return argv.slice(2).filter((arg) => !arg.startsWith("-")).map((target) => `container ${target}`);
  if (/^docker (network|volume) rm /.test(line)) return argv.slice(3).filter((arg) => !arg.startsWith("-")).map((target) => `${argv[1]} ${target}`);
  if (/^smolvm machine delete /.test(line)) return [`machine ${argv[argv.indexOf("--name") + 1]}`];
  return [];
}

/** The objects made and removed, in call order. */
function ledger(calls: readonly RecordedCall[]) {
  const made = calls.flatMap((call) => created(call.argv) ?? []);
  const gone = calls.flatMap((call) => removed(call.argv));
  return { made, gone };
}

/**
 * The contract against the recording runner, no engine needed: every object a launch
 * creates has an undo (a launch torn down with `--rm` removes all it made), and an
 * abort at each step, triggered through the `onStep` hook, unwinds what exists in
 * reverse order of creation and leaves no state folder.
 */
export function runRecordedContract(create: () => Promise<RecordedSubject>): void {
  test("every object a launch creates is removed by its undo (torn down with --rm)", async () => {
    const subject = await create();
    const { deps, calls } = await subject.deps();
    const spec = subject.spec();
    const plan = await subject.backend.prepare(spec, deps);
    const bottle = await launchBottle(subject.backend, plan, deps);
    bottle.removeOnExit();
    await bottle[Symbol.asyncDispose]();
    const { made, gone } = ledger(calls);
    expect(made.length).toBeGreaterThan(0);
    for (const object of made) expect(gone).toContain(object);
    expect(existsSync(plan.stateDir)).toBe(false);
  });

  test("an abort at each step unwinds what exists, in reverse order of creation", async () => {
    const subject = await create();
    const first = await subject.deps();
    const names: string[] = [];
    const spec = subject.spec();
    const bottle = await launchBottle(subject.backend, await subject.backend.prepare(spec, first.deps), { ...first.deps, onStep: (name) => void names.push(name) });
    await bottle[Symbol.asyncDispose]();
    expect(names.length).toBeGreaterThan(3);
    for (const at of names) {
      const { deps, calls } = await subject.deps();
      const controller = new AbortController();
      const fresh = subject.spec();
      const error = await launchOutcome(subject.backend, fresh, { ...deps, signal: controller.signal, onStep: (name) => void (name === at && controller.abort()) });
      expect({ at, exitCode: (error as { exitCode?: number })?.exitCode }).toEqual({ at, exitCode: 130 });
      const { made, gone } = ledger(calls);
      // Removals of what was made, in reverse: a later object always goes first.
      const order = made.map((object) => gone.lastIndexOf(object));
      expect({ at, missing: made.filter((_, index) => order[index] === -1) }).toEqual({ at, missing: [] });
      expect({ at, order }).toEqual({ at, order: order.toSorted((a, b) => b - a) });
      expect({ at, state: existsSync(deps.paths.bottleState(fresh.identity)) }).toEqual({ at, state: false });
    }
  });
}
