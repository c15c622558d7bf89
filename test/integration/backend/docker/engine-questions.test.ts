import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineQuestions } from "../../../../src/backend/docker/engine-questions.ts";
import type { BackendDeps } from "../../../../src/backend/types.ts";
import { LABEL } from "../../../../src/core/labels.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { processRunner, type Runner } from "../../../../src/core/runner.ts";
import { readSettings } from "../../../../src/core/settings.ts";
import { socketGet, type SocketGet } from "../../../../src/core/socket-get.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { BASE_IMAGE, ensureBaseImage, ensureBusyboxImage } from "../../../helpers/images.ts";

const state = await mkdtemp(join(tmpdir(), "bottle-engine-questions-"));
const name = `bottle-questions-${process.pid}`;
afterAll(async () => {
  await processRunner.run(["docker", "rm", "--force", name], { check: false });
  await rm(state, { recursive: true, force: true });
});

/** A runner that refuses every command: what the API path answers, it answered alone. */
const noProcesses: Runner = {
  ...processRunner,
  run: async (argv) => {
    throw new Error(`the API path ran ${argv.slice(0, 3).join(" ")}`);
  },
};

function deps(runner: Runner, get?: SocketGet): BackendDeps {
  const env = { ...process.env, XDG_STATE_HOME: state };
  return { runner, paths: bottlePaths(env), env, settings: readSettings(env), log: () => {}, ...(get === undefined ? {} : { socketGet: get }) };
}

describeEngine("prepare's engine questions: the real engine's API and its docker CLI agree", () => {
  test("runtimes, location, container names and images, with no process on the API side", async () => {
    const busybox = await ensureBusyboxImage();
    await ensureBaseImage();
    await processRunner.run(["docker", "create", "--name", name, "--label", `${LABEL.owner}=${state}`, busybox]);
    const asked: string[] = [];
    const api = engineQuestions(deps(noProcesses, (socket, path, options) => (asked.push(path), socketGet(socket, path, options))));
    const cli = engineQuestions(deps(processRunner));

    expect(await api.engine()).toEqual(await cli.engine());
    const [apiNames, cliNames] = await Promise.all([api.containerNames(), cli.containerNames()]);
    expect(apiNames.has(name) && cliNames.has(name)).toBe(true);
    for (const ref of [busybox, BASE_IMAGE, "bottle-no-such-image:0"]) {
      expect({ ref, config: await api.imageConfig(ref) }).toEqual({ ref, config: await cli.imageConfig(ref) });
      expect(await api.imagePresent(ref)).toBe(await cli.imagePresent(ref));
    }
    expect(await api.imagePresent("bottle-no-such-image:0")).toBe(false);
    expect(asked).toContain("/info");

    await processRunner.run(["docker", "rm", "--force", name]);
    expect((await api.containerNames()).has(name)).toBe(false);
  }, 300_000);
});
