import { expect, test } from "bun:test";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepare } from "../../../../src/backend/smolmachines/prepare.ts";
import { seedContainerName, seedHome } from "../../../../src/backend/smolmachines/seed-home.ts";
import { bottleFiles, bottlePaths } from "../../../../src/core/paths.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";
import { testSpec } from "../../../helpers/start-spec.ts";

const options = (folder: string, resume = false) => ({ identity: "smol-abc", image: "bottle-agent:test", home: "/home/agent/", folder, resume, owner: "/state/bottle" });

test("a fresh, empty home is copied out of a never-started container of the image (labelled for the orphan reaper), which is removed after", async () => {
  const { runner, calls } = recordingRunner();
  expect(await seedHome(runner, options(await mkdtemp(join(tmpdir(), "seed-"))))).toBe(true);
  const name = seedContainerName("smol-abc");
  expect(calls.map((call) => call.argv.join(" "))).toEqual([
    `docker rm --force ${name}`,
    expect.stringMatching(new RegExp(`^docker create --name ${name} --label dev\\.bottle\\.identity=smol-abc --label dev\\.bottle\\.role=home-seed --label dev\\.bottle\\.version=\\S+ --label dev\\.bottle\\.smolmachines\\.owner=/state/bottle --label dev\\.bottle\\.registry\\.creator=${process.pid}:\\S* --entrypoint /bottle-home-seed bottle-agent:test$`)),
    expect.stringMatching(new RegExp(`^docker cp ${name}:/home/agent/\\. /`)),
    `docker rm --force ${name}`,
  ]);
  expect(calls.some((call) => call.argv.includes("start"))).toBe(false);
});

test("a resumed bottle's plan lists no seed; a fresh one's does", async () => {
  const state = await mkdtemp(join(tmpdir(), "seed-plan-"));
  const env = { HOME: "/home/u", XDG_STATE_HOME: state };
  const spec = testSpec({ manifestDir: "/tmp", agent: { image: "bottle-agent:test" }, bottle: { egress: { allow: [], deny: [], allow_cidrs: [], routes: [], dlp: { action: "block" } } } });
  const deps = { runner: recordingRunner().runner, paths: bottlePaths(env), env, settings: {}, log: () => {} };
  const seeds = (commands: readonly (readonly string[])[]) => commands.filter((argv) => argv.some((arg) => arg.startsWith(seedContainerName(spec.identity)))).map((argv) => argv.slice(0, 2).join(" "));
  expect(seeds((await prepare(spec, deps)).commands)).toEqual(["docker create", "docker cp", "docker rm"]);
  const files = bottleFiles(deps.paths.bottleState(spec.identity));
  await mkdir(join(files.metadata, ".."), { recursive: true });
  await writeFile(files.metadata, "{}");
  expect(seeds((await prepare(spec, deps)).commands)).toEqual([]);
});

test("a resume, a home that already holds anything, or a home of / is never seeded", async () => {
  const { runner, calls } = recordingRunner();
  const used = await mkdtemp(join(tmpdir(), "seed-"));
  await writeFile(join(used, ".profile"), "the agent's\n");
  expect(await seedHome(runner, options(used))).toBe(false);
  expect(await seedHome(runner, options(await mkdtemp(join(tmpdir(), "seed-")), true))).toBe(false);
  // HOME=/ in an image: copying "the home" would copy the whole image.
  expect(await seedHome(runner, { ...options(await mkdtemp(join(tmpdir(), "seed-"))), home: "/" })).toBe(false);
  expect(calls).toEqual([]);
});

test("an image without that home seeds nothing; any other copy failure is an error; the container goes either way", async () => {
  const missing = recordingRunner([{ match: /^docker cp /, exitCode: 1, stderr: "Error response from daemon: Could not find the file /home/agent in container bottle-home-seed-smol-abc" }]);
  expect(await seedHome(missing.runner, options(await mkdtemp(join(tmpdir(), "seed-"))))).toBe(false);
  expect(missing.calls.at(-1)!.argv.join(" ")).toBe(`docker rm --force ${seedContainerName("smol-abc")}`);
  const broken = recordingRunner([{ match: /^docker cp /, exitCode: 1, stderr: "no space left on device" }]);
  const error = await seedHome(broken.runner, options(await mkdtemp(join(tmpdir(), "seed-")))).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(BottleError);
  expect((error as Error).message).toContain("no space left on device");
  expect(broken.calls.at(-1)!.argv.join(" ")).toBe(`docker rm --force ${seedContainerName("smol-abc")}`);
});
