import { describe, expect, test } from "bun:test";
import { GitSlots } from "../../../../../src/gate/services/git/git-slots.ts";

describe("GitSlots", () => {
  test("runs up to its limit, then hands slots to waiters in the order they came", async () => {
    const slots = new GitSlots(2, 4);
    const first = (await slots.take())!;
    await slots.take();
    const order: string[] = [];
    const a = slots.take().then((slot) => (order.push("a"), slot));
    const b = slots.take().then((slot) => (order.push("b"), slot));
    await Bun.sleep(0);
    expect(order).toEqual([]);
    expect(slots.running).toBe(2);
    first();
    first(); // giving a slot back twice frees it once
    await Bun.sleep(0);
    expect(order).toEqual(["a"]);
    expect(slots.running).toBe(2);
    (await a)!();
    await b;
    expect(order).toEqual(["a", "b"]);
  });

  test("refuses beyond the queue, and a waiter whose client left takes no slot", async () => {
    const slots = new GitSlots(1, 1);
    const held = (await slots.take())!;
    const leaving = new AbortController();
    const waiting = slots.take(leaving.signal);
    expect(await slots.take()).toBeUndefined();
    leaving.abort();
    expect(await waiting).toBeUndefined();
    const next = slots.take();
    held();
    expect(await next).toBeFunction();
    expect(slots.running).toBe(1);
    const gone = new AbortController();
    gone.abort();
    expect(await slots.take(gone.signal)).toBeUndefined();
  });
});
