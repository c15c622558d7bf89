import { expect, test } from "bun:test";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { seedContainerName, seedHome } from "../../../../src/backend/smolmachines/seed-home.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

const options = (folder: string, resume = false) => ({ identity: "smol-abc", image: "bottle-agent:test", home: "/home/agent/", folder, resume });

test("a fresh, empty home is copied out of a never-started container of the image, which is removed after", async () => {
  const { runner, calls } = recordingRunner();
  expect(await seedHome(runner, options(await mkdtemp(join(tmpdir(), "seed-"))))).toBe(true);
  const name = seedContainerName("smol-abc");
  expect(calls.map((call) => call.argv.join(" "))).toEqual([
    `docker rm --force ${name}`,
    `docker create --name ${name} --entrypoint /bottle-home-seed bottle-agent:test`,
    expect.stringMatching(new RegExp(`^docker cp ${name}:/home/agent/\\. /`)),
    `docker rm --force ${name}`,
  ]);
  expect(calls.some((call) => call.argv.includes("start"))).toBe(false);
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
