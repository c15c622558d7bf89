import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup } from "../../../../src/backend/docker/cleanup.ts";
import { list } from "../../../../src/backend/docker/list.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { writeLiveMarker } from "../../../../src/core/live-marker.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { writeJson } from "../../../../src/core/state.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

const DEAD_PID = 2 ** 22 + 17; // above Linux's pid_max default: never a running process

/** Three bottles on a scripted engine: one live (this process), one stopped, one whose CLI died. */
async function world() {
  const root = await mkdtemp(join(tmpdir(), "bottle-cleanup-unit-"));
  const paths = bottlePaths({ XDG_STATE_HOME: join(root, "state"), HOME: root });
  const containers = ["live-aaaaaaaa", "dead-cccccccc"].flatMap((id) => [`${id}-agent\t${id}\tagent\trunning`, `${id}-gate\t${id}\tgate\trunning`]);
  const volumes = ["live-aaaaaaaa", "stop-bbbbbbbb", "dead-cccccccc"].map((id) => `${id}-workspace\t${id}\tvolume\t`);
  const recorder = recordingRunner([
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
  const deps: BackendDeps = { runner: recorder.runner, paths, env: {}, log: () => {} };
  const removals = () => recorder.calls.filter((call) => /^docker (rm|network rm|volume rm)/.test(call.argv.join(" "))).map((call) => call.argv.join(" "));
  return { deps, paths, removals };
}

describe("docker cleanup", () => {
  test("list tells running, stopped and orphaned apart", async () => {
    const { deps } = await world();
    const statuses = Object.fromEntries((await list(deps)).map((bottle) => [bottle.identity, bottle.status]));
    expect(statuses).toEqual({ "live-aaaaaaaa": "running", "stop-bbbbbbbb": "stopped", "dead-cccccccc": "orphaned" });
  });

  test("a dry run reports the dead bottle and removes nothing", async () => {
    const { deps, paths, removals } = await world();
    const report = await cleanup(deps, { dryRun: true });
    expect(report.removed.map((entry) => entry.name).toSorted()).toEqual(
      ["dead-cccccccc-agent", "dead-cccccccc-gate", "dead-cccccccc-internal", "dead-cccccccc-workspace", paths.bottleState("dead-cccccccc")].toSorted(),
    );
    expect(removals()).toEqual([]);
    expect(existsSync(paths.bottleState("dead-cccccccc"))).toBe(true);
  });

  test("reaps only the dead bottle: containers first, then its network and volume, then its state", async () => {
    const { deps, paths, removals } = await world();
    await cleanup(deps, {});
    expect(removals()[0]).toBe("docker rm --force --volumes dead-cccccccc-agent dead-cccccccc-gate");
    expect(removals().slice(1).toSorted()).toEqual(["docker network rm dead-cccccccc-internal", "docker volume rm --force dead-cccccccc-workspace"]);
    expect(existsSync(paths.bottleState("dead-cccccccc"))).toBe(false);
    expect(existsSync(paths.bottleState("stop-bbbbbbbb"))).toBe(true);
    expect(existsSync(paths.bottleState("live-aaaaaaaa"))).toBe(true);
  });

  test("includeStopped also reaps the stopped bottle's workspace; a live one is never reaped", async () => {
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
