import { describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordWorkspaceSize, workspaceSizeAtStop } from "../../../../src/backend/docker/workspace-size-at-stop.ts";
import { reapBottle } from "../../../../src/backend/docker/reap.ts";
import { bottleFiles, bottlePaths } from "../../../../src/core/paths.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

const AT = new Date("2026-12-01T12:00:00Z");

describe("a workspace's size recorded as its bottle stops", () => {
  test("one exec in the agent measures it; the record is 0600 and reads back", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "bottle-size-"));
    const { runner, calls } = recordingRunner([{ match: /^docker exec /, stdout: "12345\n" }]);
    await recordWorkspaceSize(runner, "bbtest-aaaaaaaa-agent", stateDir, () => AT);
    expect(calls.map((call) => call.argv.slice(0, 7))).toEqual([["docker", "exec", "--user", "0", "bbtest-aaaaaaaa-agent", "sh", "-c"]]);
    expect(calls[0]!.argv[7]).toContain("find /workspace ! -type d");
    expect(await workspaceSizeAtStop(stateDir)).toEqual({ bytes: 12345, at: AT.toISOString() });
    expect(statSync(bottleFiles(stateDir).workspaceSize).mode & 0o777).toBe(0o600);
  });

  test("a container that is gone, or an answer that is not a number, leaves the last record", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "bottle-size-"));
    await recordWorkspaceSize(recordingRunner([{ match: /^docker exec /, stdout: "29\n" }]).runner, "a", stateDir, () => AT);
    for (const reply of [
      { match: /^docker exec /, exitCode: 1, stderr: "Error: No such container: a" },
      { match: /^docker exec /, stdout: "sh: find: not found\n" },
      { match: /^docker exec /, stdout: "" },
    ]) {
      await recordWorkspaceSize(recordingRunner([reply]).runner, "a", stateDir, () => new Date());
    }
    expect(await workspaceSizeAtStop(stateDir)).toEqual({ bytes: 29, at: AT.toISOString() });
  });

  test("a state folder that is gone is not made again for a record", async () => {
    const stateDir = join(await mkdtemp(join(tmpdir(), "bottle-size-")), "removed-bottle");
    await recordWorkspaceSize(recordingRunner([{ match: /^docker exec /, stdout: "29\n" }]).runner, "a", stateDir, () => AT);
    expect(existsSync(stateDir)).toBe(false);
  });

  test("no record, or one bottle cannot read, is no size", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "bottle-size-"));
    expect(await workspaceSizeAtStop(stateDir)).toBeUndefined();
    for (const text of ["{not json", '{"bytes":-1,"at":"x"}', '{"bytes":"12"}']) {
      await writeFile(bottleFiles(stateDir).workspaceSize, text);
      expect(await workspaceSizeAtStop(stateDir)).toBeUndefined();
    }
  });
});

describe("reap records a running agent's workspace size before its container goes", () => {
  async function reaped(work: "keep" | "remove", state = "running") {
    const root = await mkdtemp(join(tmpdir(), "bottle-size-reap-"));
    const paths = bottlePaths({ XDG_STATE_HOME: join(root, "state"), HOME: root });
    const stateDir = paths.bottleState("bb-aaaaaaaa");
    const { runner, calls } = recordingRunner([{ match: /^docker exec /, stdout: "4096\n" }]);
    await mkdir(stateDir, { recursive: true });
    const objects = [
      { kind: "container" as const, name: "bb-aaaaaaaa-agent", identity: "bb-aaaaaaaa", role: "agent", state },
      { kind: "container" as const, name: "bb-aaaaaaaa-gate", identity: "bb-aaaaaaaa", role: "gate", state: "running" },
      { kind: "volume" as const, name: "bb-aaaaaaaa-workspace", identity: "bb-aaaaaaaa", role: "volume", state: "" },
    ];
    const found = { identity: "bb-aaaaaaaa", objects, liveness: "stopped" as const, marker: undefined, metadata: undefined, hasState: true };
    await reapBottle({ runner, paths, env: {}, settings: {}, log: () => {} }, found, { work });
    return { calls: calls.map((call) => call.argv.slice(0, 2).join(" ")), size: await workspaceSizeAtStop(stateDir) };
  }

  test("a stop measures first, then removes the containers", async () => {
    const { calls, size } = await reaped("keep");
    expect(calls.indexOf("docker exec")).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf("docker exec")).toBeLessThan(calls.indexOf("docker rm"));
    expect(size?.bytes).toBe(4096);
  });

  test("an agent that is not running, or a bottle deleted whole, is not measured", async () => {
    for (const [work, state] of [["keep", "exited"], ["remove", "running"]] as const) {
      const { calls, size } = await reaped(work, state);
      expect(calls).not.toContain("docker exec");
      expect(size).toBeUndefined();
    }
  });
});
