import { beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { LABEL } from "../../../src/core/labels.ts";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine } from "../../helpers/engine.ts";
import { BASE_IMAGE, ensureBaseImage } from "../../helpers/images.ts";

const script = join(import.meta.dir, "../../../scripts/base-image.sh");
const imageId = async () => (await processRunner.run(["docker", "image", "inspect", "--format", "{{.Id}}", BASE_IMAGE])).stdout.trim();

describeEngine("scripts/base-image.sh", () => {
  beforeAll(async () => {
    await ensureBaseImage();
  }, 600_000);

  test("is idempotent: with the image there it changes nothing", async () => {
    const before = await imageId();
    const { stdout } = await processRunner.run(["bash", script]);
    expect(stdout).toBe(`base-image: ${BASE_IMAGE} already exists\n`);
    expect(await imageId()).toBe(before);
  });

  test("makes a Debian bookworm image whose apt sees updates and security fixes", async () => {
    const { stdout } = await processRunner.run(
      ["docker", "run", "--rm", "--label", "dev.bottle.test=base-image", BASE_IMAGE, "sh", "-c", ". /etc/os-release; echo $VERSION_CODENAME; cat /etc/apt/sources.list"],
      { timeoutMs: 120_000 },
    );
    const [codename, ...sources] = stdout.trim().split("\n");
    expect(codename).toBe("bookworm");
    expect(sources.join("\n")).toContain(" bookworm-updates main");
    expect(sources.join("\n")).toContain(" bookworm-security main");
  });

  test("carries no dev.bottle.role label, which every container of it would inherit", async () => {
    const { stdout } = await processRunner.run(["docker", "image", "inspect", "--format", "{{json .Config.Labels}}", BASE_IMAGE]);
    expect(Object.keys(JSON.parse(stdout) ?? {})).not.toContain(LABEL.role);
  });
});
