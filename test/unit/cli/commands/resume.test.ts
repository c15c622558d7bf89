import { describe, expect, test } from "bun:test";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../../../src/cli/main.ts";
import { writeLiveMarker } from "../../../../src/core/live-marker.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { writeJson } from "../../../../src/core/state.ts";
import { loadManifest } from "../../../../src/manifest/load.ts";
import { resolveStart } from "../../../../src/manifest/resolve.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { collector } from "../context.ts";

const MANIFEST = "version: 1\nagents:\n  shell:\n    image: x:1\n    command: [sh]\nbottles:\n  default:\n    egress: {}\n";

/** A stopped bottle started from a manifest file, and that file changed (or gone) afterwards. */
async function stoppedBottle(now: string | undefined, terminal = true) {
  const root = await mkdtemp(join(tmpdir(), "bottle-resume-unit-"));
  const env = { XDG_STATE_HOME: join(root, "state"), HOME: root };
  const file = join(root, "bottle.yaml");
  await writeFile(file, MANIFEST);
  const spec = resolveStart(await loadManifest({ flag: file, env, cwd: root }), { agent: "shell", identity: "shell-aaaaaaaa", env });
  const dir = bottlePaths(env).bottleState("shell-aaaaaaaa");
  await writeJson(join(dir, "metadata.json"), { identity: "shell-aaaaaaaa", backend: "docker", agent: "shell", createdAt: new Date().toISOString(), spec });
  await writeJson(join(dir, "docker.json"), {});
  await writeLiveMarker(dir, "stopped");
  if (now === undefined) await Bun.file(file).delete();
  else await writeFile(file, now);
  const stdout = collector();
  const stderr = collector();
  const { runner, calls } = recordingRunner([{ match: /^smolvm/, stdout: "[]" }]);
  const resume = (...args: string[]) => main(["resume", "shell-aaaaaaaa", ...args], env, { cwd: root, stdout, stderr, runner, interactive: false, terminal });
  return { resume, stderr, calls, file };
}

describe("bottle resume reads the manifest it was started from", () => {
  test("an agent that is no longer there is a clear error naming it, before anything starts", async () => {
    const { resume, stderr, calls } = await stoppedBottle(MANIFEST.replace("shell:", "other:"));
    expect(await resume()).toBe(1);
    expect(stderr.text()).toContain('agent "shell", which shell-aaaaaaaa runs, is no longer in');
    expect(stderr.text()).toContain("--keep-spec");
    expect(calls.some(({ argv }) => argv[1] === "run" || argv.includes("create"))).toBe(false);
  });

  test("to attach without a terminal on stdin: a usage error before anything starts", async () => {
    const { resume, stderr, calls } = await stoppedBottle(MANIFEST, false);
    expect(await resume()).toBe(2);
    expect(stderr.text()).toContain("bottle resume attaches your terminal to the agent, and stdin is not a terminal");
    expect(calls.some(({ argv }) => argv[1] === "run" || argv.includes("create") || argv.includes("start"))).toBe(false);
  });

  test("a manifest that is gone names the file and the ways on", async () => {
    const { resume, stderr, file } = await stoppedBottle(undefined);
    expect(await resume()).toBe(1);
    expect(stderr.text()).toContain(`the manifest shell-aaaaaaaa was started from is gone: ${file}`);
    expect(stderr.text()).toContain("--manifest FILE");
  });

  test("what changed is printed before it is applied; --keep-spec prints nothing of the manifest", async () => {
    const changed = await stoppedBottle(MANIFEST.replace("egress: {}", "egress: { allow: [registry.npmjs.org] }"));
    await changed.resume();
    expect(changed.stderr.text()).toContain("which changed since it started:\n  egress allow: + registry.npmjs.org");
    const kept = await stoppedBottle(MANIFEST.replace("shell:", "other:"));
    await kept.resume("--keep-spec");
    expect(kept.stderr.text()).not.toContain("is no longer in");
    expect(kept.stderr.text()).not.toContain("changed since it started");
  });
});
