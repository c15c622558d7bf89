import { expect, test } from "bun:test";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../../src/cli/main.ts";
import { writeLiveMarker } from "../../../../src/core/live-marker.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { writeJson } from "../../../../src/core/state.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { collector } from "../context.ts";

const DEAD_PID = 2 ** 22 + 17;

/** A stopped docker bottle and a dead one, on a scripted engine. */
async function run(args: string[]) {
  const root = await mkdtemp(join(tmpdir(), "bottle-cleanup-hint-"));
  const env = { XDG_STATE_HOME: join(root, "state"), HOME: root };
  const paths = bottlePaths(env);
  for (const [id, mode] of [["stop-bbbbbbbb", "stopped"], ["dead-cccccccc", "attached"]] as const) {
    await writeJson(join(paths.bottleState(id), "docker.json"), {});
    await writeJson(join(paths.bottleState(id), "metadata.json"), { identity: id, backend: "docker", agent: id.split("-")[0], createdAt: new Date().toISOString() });
    await writeLiveMarker(paths.bottleState(id), mode, mode === "stopped" ? process.pid : DEAD_PID);
  }
  const { runner } = recordingRunner([{ match: /^smolvm/, stdout: "[]" }]);
  const stdout = collector();
  const stderr = collector();
  const code = await main(args, env, { cwd: root, stdout, stderr, runner, interactive: false });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

test("plain cleanup never deletes work; its hint names the flag that lists what --all would delete", async () => {
  const dead = await run(["cleanup"]);
  expect(dead.code).toBe(0);
  expect(dead.stdout).not.toContain("state");
  expect(dead.stderr).toContain("`bottle cleanup --all` lists stopped bottles to delete");
});

test("cleanup --all without --yes lists both bottles' state and names the flags that delete it", async () => {
  const all = await run(["cleanup", "--all"]);
  expect(all.stdout).toContain("would delete state");
  expect(all.stdout).toContain("stop-bbbbbbbb");
  expect(all.stdout).toContain("dead-cccccccc");
  expect(all.stderr).toContain("`bottle cleanup --all --yes` deletes these");
});
