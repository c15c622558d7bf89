import { describe, expect, test } from "bun:test";
import { INSIST_MS, shutdownController, type ShutdownHooks } from "../../../src/cli/shutdown-signal.ts";

/** Hooks with a hand-moved clock and a record of exits. */
function fakeProcess() {
  const listeners = new Map<string, () => void>();
  const exits: number[] = [];
  let clock = 1_000_000;
  const hooks: ShutdownHooks = {
    on: (name, listener) => void listeners.set(name, listener),
    exit: (code) => void exits.push(code),
    now: () => clock,
  };
  return {
    hooks,
    exits,
    send: (name: "SIGINT" | "SIGTERM" | "SIGHUP") => listeners.get(name)!(),
    wait: (ms: number) => void (clock += ms),
  };
}

describe("shutdown signal", () => {
  test("a closed terminal's burst of SIGHUPs (kernel and shell) tears down once and never exits", () => {
    const world = fakeProcess();
    const controller = shutdownController(world.hooks);
    world.send("SIGHUP");
    world.send("SIGHUP");
    world.wait(5_000);
    world.send("SIGHUP");
    world.send("SIGTERM");
    expect(controller.signal.aborted).toBe(true);
    expect(String(controller.signal.reason)).toContain("SIGHUP");
    expect(world.exits).toEqual([]);
  });

  test("SIGTERM repeated, however many, never exits mid-teardown", () => {
    const world = fakeProcess();
    shutdownController(world.hooks);
    for (let index = 0; index < 10; index++) {
      world.send("SIGTERM");
      world.wait(2_000);
    }
    expect(world.exits).toEqual([]);
  });

  test("a second Ctrl-C right after the first (one keypress echoed) is ignored", () => {
    const world = fakeProcess();
    shutdownController(world.hooks);
    world.send("SIGINT");
    world.wait(INSIST_MS - 1);
    world.send("SIGINT");
    expect(world.exits).toEqual([]);
  });

  test("a person's second Ctrl-C, a second later, exits at once with 130", () => {
    const world = fakeProcess();
    const controller = shutdownController(world.hooks);
    world.send("SIGINT");
    expect(controller.signal.aborted).toBe(true);
    world.wait(INSIST_MS);
    world.send("SIGINT");
    expect(world.exits).toEqual([130]);
  });

  test("after a hangup, a SIGINT is not a person insisting: no exit", () => {
    const world = fakeProcess();
    shutdownController(world.hooks);
    world.send("SIGHUP");
    world.wait(3_000);
    world.send("SIGINT");
    expect(world.exits).toEqual([]);
  });
});
