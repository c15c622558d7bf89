import { describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { recordWorkspaceSize, workspaceSizeAtStop } from "../../../../src/backend/docker/workspace-size-at-stop.ts";
import { bottleFiles } from "../../../../src/core/paths.ts";
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
