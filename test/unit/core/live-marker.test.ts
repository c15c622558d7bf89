import { describe, expect, test } from "bun:test";
import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { liveMarkerPath, liveness, processStart, readLiveMarker, writeLiveMarker } from "../../../src/core/live-marker.ts";

describe("live marker", () => {
  test("this process is live; a stopped or detached bottle says so", async () => {
    const dir = await mkdtemp(join(tmpdir(), "live-"));
    await writeLiveMarker(dir, "attached");
    expect(liveness(await readLiveMarker(dir))).toBe("live");
    expect((await stat(liveMarkerPath(dir))).mode & 0o777).toBe(0o600);
    await writeLiveMarker(dir, "detached");
    expect(liveness(await readLiveMarker(dir))).toBe("live");
    await writeLiveMarker(dir, "stopped");
    expect(liveness(await readLiveMarker(dir))).toBe("stopped");
  });

  test("a dead owner, a recycled pid and a missing marker are dead", async () => {
    const child = processRunner.start(["true"]);
    await child.exited;
    expect(liveness({ mode: "attached", pid: child.pid, pidStart: null, updatedAt: "" })).toBe("dead");
    expect(liveness({ mode: "launching", pid: process.pid, pidStart: "1", updatedAt: "" })).toBe(processStart(process.pid) === null ? "live" : "dead");
    expect(liveness(undefined)).toBe("dead");
  });
});
