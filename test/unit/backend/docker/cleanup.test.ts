import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup } from "../../../../src/backend/docker/cleanup.ts";
import { list } from "../../../../src/backend/docker/list.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { readLiveMarker, writeLiveMarker } from "../../../../src/core/live-marker.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { writeJson } from "../../../../src/core/state.ts";
import { recordingRunner, type Reply } from "../../../helpers/recording-runner.ts";

const DEAD_PID = 2 ** 22 + 17; // above Linux's pid_max default: never a running process

/** Three bottles on a scripted engine: one live (this process), one stopped, one whose CLI died. */
async function world(extra: Reply[] = []) {
  const root = await mkdtemp(join(tmpdir(), "bottle-cleanup-unit-"));
  const paths = bottlePaths({ XDG_STATE_HOME: join(root, "state"), HOME: root });
  const containers = ["live-aaaaaaaa", "dead-cccccccc"].flatMap((id) => [`${id}-agent\t${id}\tagent\trunning`, `${id}-gate\t${id}\tgate\trunning`]);
  const volumes = ["live-aaaaaaaa", "stop-bbbbbbbb", "dead-cccccccc"].map((id) => `${id}-workspace\t${id}\tvolume\t`);
  const recorder = recordingRunner([
    ...extra,
    { match: /^docker ps /, stdout: `${containers.join("\n")}\n` },
    { match: /^docker volume ls /, stdout: `${volumes.join("\n")}\n` },
    { match: /^docker network ls /, stdout: "dead-cccccccc-internal\tdead-cccccccc\tnetwork\t\n" },
  ]);
  for (const [id, mode] of [["live-aaaaaaaa", "attached"], ["stop-bbbbbbbb", "stopped"], ["dead-cccccccc", "attached"]] as const) {
    const dir = paths.bottleState(id);
    await writeJson(join(dir, "docker.json"), {});
    await writeJson(join(dir, "metadata.json"), { identity: id, backend: "docker", agent: id.split("-")[0], createdAt: new Date().toISOString() });
    await writeLiveMarker(dir, mode, id.startsWith("dead") ? DEAD_PID : process.pid);
  }
  const deps: BackendDeps = { runner: recorder.runner, paths, env: {}, settings: {}, log: () => {} };
  const removals = () => recorder.calls.filter((call) => /^docker (rm|network rm|volume rm)/.test(call.argv.join(" "))).map((call) => call.argv.join(" "));
  return { deps, paths, removals };
}

describe("docker cleanup", () => {
  test("list shows running and stopped; a dead CLI's bottle is stopped with a note", async () => {
    const { deps } = await world();
    const listed = await list(deps);
    const statuses = Object.fromEntries(listed.map((bottle) => [bottle.identity, bottle.status]));
    expect(statuses).toEqual({ "live-aaaaaaaa": "running", "stop-bbbbbbbb": "stopped", "dead-cccccccc": "stopped" });
    expect(listed.find((bottle) => bottle.identity === "dead-cccccccc")?.note).toContain("its CLI died");
    expect(listed.find((bottle) => bottle.identity === "live-aaaaaaaa")?.note).toBeUndefined();
  });

  test("a stray folder in the state root (not an identity) is not a bottle, and breaks nothing", async () => {
    const { deps, paths } = await world();
    await mkdir(join(paths.state, "Not A Bottle"), { recursive: true });
    expect((await list(deps)).map((bottle) => bottle.identity).toSorted()).toEqual(["dead-cccccccc", "live-aaaaaaaa", "stop-bbbbbbbb"]);
  });

  test("by default only a dead bottle's running parts go: its volume and state stay, and it is stopped", async () => {
    const { deps, paths, removals } = await world();
    const report = await cleanup(deps, {});
    expect(report.removed.map((entry) => entry.name).toSorted()).toEqual(["dead-cccccccc-agent", "dead-cccccccc-gate", "dead-cccccccc-internal"]);
    expect(removals()[0]).toBe("docker rm --force --volumes dead-cccccccc-agent dead-cccccccc-gate");
    expect(removals().slice(1)).toEqual(["docker network rm dead-cccccccc-internal"]);
    expect(removals().join("\n")).not.toContain("volume rm");
    expect(existsSync(paths.bottleState("dead-cccccccc"))).toBe(true);
    expect(await readLiveMarker(paths.bottleState("dead-cccccccc"))).toMatchObject({ mode: "stopped", note: expect.stringContaining("its CLI died") });
    expect(existsSync(paths.bottleState("stop-bbbbbbbb"))).toBe(true);
  });

  test("--all as a dry run lists stopped and dead bottles whole, with sizes, and removes nothing", async () => {
    const { deps, paths, removals } = await world([{ match: /^docker system df/, stdout: JSON.stringify([{ Name: "stop-bbbbbbbb-workspace", Size: "12kB" }]) }]);
    const report = await cleanup(deps, { includeStopped: true, dryRun: true });
    const names = report.removed.map((entry) => entry.name);
    expect(names).toContain("stop-bbbbbbbb-workspace");
    expect(names).toContain("dead-cccccccc-workspace");
    expect(names).toContain(paths.bottleState("stop-bbbbbbbb"));
    expect(names.join("\n")).not.toContain("live-aaaaaaaa");
    expect(report.removed.find((entry) => entry.name === "stop-bbbbbbbb-workspace")?.size).toBe("12kB");
    expect(report.removed.find((entry) => entry.name === paths.bottleState("stop-bbbbbbbb"))?.size).toMatch(/^\d+(\.\d)?[kM]?B$/);
    expect(removals()).toEqual([]);
    expect(existsSync(paths.bottleState("stop-bbbbbbbb"))).toBe(true);
  });

  test("--all deletes stopped bottles' work too; a live one is never reaped", async () => {
    const { deps, paths, removals } = await world();
    await cleanup(deps, { includeStopped: true });
    expect(removals().join("\n")).toContain("stop-bbbbbbbb-workspace");
    expect(removals().join("\n")).not.toContain("live-aaaaaaaa");
    expect(existsSync(paths.bottleState("stop-bbbbbbbb"))).toBe(false);
    const error = await cleanup(deps, { identity: "live-aaaaaaaa" }).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain("is running");
  });
});
