import { describe, expect, test } from "bun:test";
import { createLeafCache } from "../../../../src/gate/tls/leaf-cache.ts";

/** A cache whose mints are counted and return `host#n`. */
function counted(options: { max?: number; ttlMs?: number; now?: () => number; fail?: (host: string) => boolean; mintIntervalMs?: number } = {}) {
  const minted: string[] = [];
  const cache = createLeafCache<string>({
    mintIntervalMs: 0,
    ...options,
    mint: async (host) => {
      minted.push(host);
      if (options.fail?.(host)) throw new Error(`cannot mint ${host}`);
      return `${host}#${minted.length}`;
    },
  });
  return { cache, minted };
}

describe("createLeafCache", () => {
  test("a host is minted once and then served from the cache, in any case", async () => {
    const { cache, minted } = counted();
    expect(await cache.get("a.example")).toBe("a.example#1");
    expect(await cache.get("A.Example")).toBe("a.example#1");
    expect(minted).toEqual(["a.example"]);
  });

  test("concurrent first requests for one host share one mint", async () => {
    const { cache, minted } = counted();
    const values = await Promise.all(Array.from({ length: 10 }, () => cache.get("b.example")));
    expect(new Set(values)).toEqual(new Set(["b.example#1"]));
    expect(minted.length).toBe(1);
  });

  test("it holds at most `max` hosts and evicts the least recently used", async () => {
    const { cache, minted } = counted({ max: 2 });
    await cache.get("a");
    await cache.get("b");
    await cache.get("a"); // a is now the most recent
    await cache.get("c"); // evicts b
    expect(cache.size).toBe(2);
    await cache.get("a");
    expect(minted).toEqual(["a", "b", "c"]);
    await cache.get("b");
    expect(minted).toEqual(["a", "b", "c", "b"]);
    expect(cache.size).toBe(2);
  });

  test("an entry older than the TTL is minted again", async () => {
    let time = 0;
    const { cache, minted } = counted({ ttlMs: 1_000, now: () => time });
    await cache.get("a");
    time = 999;
    await cache.get("a");
    time = 1_000;
    expect(await cache.get("a")).toBe("a#2");
    expect(minted).toEqual(["a", "a"]);
  });

  test("a failed mint is not cached", async () => {
    let broken = true;
    const { cache, minted } = counted({ fail: () => broken });
    await expect(cache.get("a")).rejects.toThrow("cannot mint a");
    broken = false;
    expect(await cache.get("a")).toBe("a#2");
    expect(minted.length).toBe(2);
  });

  test("a hostile agent naming endless hosts keeps the cache at its bound", async () => {
    const { cache } = counted({ max: 16 });
    for (let index = 0; index < 500; index++) await cache.get(`h${index}.example`);
    expect(cache.size).toBe(16);
  });

  test("mints of new hosts start one at a time, paced: a flood of names waits its turn instead of taking the gate's thread", async () => {
    // The attack (a hunt, this round): CONNECTs to 236 new names a second, each a ~5 ms mint.
    const starts: number[] = [];
    let running = 0;
    let most = 0;
    const cache = createLeafCache<string>({
      mintIntervalMs: 15,
      mint: async (host) => {
        starts.push(performance.now());
        most = Math.max(most, ++running);
        await Bun.sleep(2);
        running--;
        return host;
      },
    });
    await Promise.all(Array.from({ length: 6 }, (_, index) => cache.get(`flood-${index}.example`)));
    expect(most).toBe(1);
    for (let index = 1; index < starts.length; index++) expect(starts[index]! - starts[index - 1]!).toBeGreaterThanOrEqual(15);
    // A cached host is not held up by the pacing.
    expect(await cache.get("flood-0.example")).toBe("flood-0.example");
  });
});
