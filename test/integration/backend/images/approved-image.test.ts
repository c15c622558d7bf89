import { afterAll, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureApprovedImage } from "../../../../src/backend/images/approved-image.ts";
import { ensureAgentImage } from "../../../../src/backend/images/ensure-agent-image.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { BUSYBOX_IMAGE, busyboxImage, removeAgentImages } from "../docker/fixtures.ts";

const root = await mkdtemp(join(tmpdir(), "approved-image-"));
const marker = root.replace(/[^a-z0-9]/gi, "").toLowerCase().slice(-12);
const REPOSITORY = `bottle-agent-approvedtest${marker}`;
afterAll(async () => {
  await removeAgentImages(REPOSITORY);
  await rm(root, { recursive: true, force: true });
}, 120_000);

/** An image plan built from `text` in a folder of its own, as `approvedImage` makes one. */
async function plan(tag: string, text: string, base: string) {
  const context = join(root, tag);
  await Bun.write(join(context, "Dockerfile"), text);
  return { ref: `${REPOSITORY}:${tag}`, build: { dockerfile: join(context, "Dockerfile"), context, args: { BOTTLE_IMAGE: base }, dockerfileText: text } };
}

describeEngine("an approved Dockerfile keeps the agent's user", () => {
  test("USER 0 in what the agent proposed is refused and its image removed; switching back is built", async () => {
    await busyboxImage();
    const basePlan = await plan("base", `FROM ${BUSYBOX_IMAGE}\nLABEL dev.bottle.test=${marker}\nUSER 1000:1000\n`, BUSYBOX_IMAGE);
    const base = await ensureAgentImage(basePlan, processRunner, () => {});
    expect(base.user).toBe("1000:1000");

    const rooted = await plan("rooted", "ARG BOTTLE_IMAGE\nFROM ${BOTTLE_IMAGE}\nUSER 0:0\nRUN touch /made-as-root\n", basePlan.ref);
    const error = await ensureApprovedImage(rooted, base, processRunner, () => {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BottleError);
    expect((error as BottleError).message).toBe("the approved Dockerfile changes the agent's user from 1000:1000 to 0:0");
    expect((error as BottleError).hint).toContain(rooted.build.dockerfile);
    // Gone, so a later resume cannot find it under its content key and run it.
    expect((await processRunner.run(["docker", "image", "inspect", rooted.ref], { check: false })).exitCode).not.toBe(0);

    const restored = await plan("restored", "ARG BOTTLE_IMAGE\nFROM ${BOTTLE_IMAGE}\nUSER 0:0\nRUN touch /made-as-root\nUSER 1000:1000\n", basePlan.ref);
    expect((await ensureApprovedImage(restored, base, processRunner, () => {})).user).toBe("1000:1000");
  }, 300_000);
});
