import { afterAll, expect, test } from "bun:test";
import { mintIdentity } from "../../../src/core/identity.ts";
import { bottleLabels, LABEL, labelArgs } from "../../../src/core/labels.ts";
import { processRunner } from "../../../src/core/runner.ts";
import { describeEngine } from "../../helpers/engine.ts";
import { BUSYBOX_IMAGE, buildBusyboxImage, ensureBusyboxImage } from "../../helpers/images.ts";

// A unique identity per run: other engineers and CI jobs share this engine.
const identity = mintIdentity("scratch-test");
const tag = `bottle-${identity}:test`;
const docker = (...args: string[]) => processRunner.run(["docker", ...args], { timeoutMs: 120_000 });

afterAll(async () => {
  await processRunner.run(["docker", "rm", "-f", `bottle-${identity}-kept`], { check: false });
  await processRunner.run(["docker", "rmi", "-f", tag], { check: false });
});

describeEngine("an image built FROM scratch runs through the runner", () => {
  test("builds a labelled busybox image from scratch", async () => {
    await buildBusyboxImage(tag, bottleLabels(identity, "agent"));
    const { stdout } = await docker("image", "inspect", "--format", "{{json .Config.Labels}}", tag);
    expect(JSON.parse(stdout)).toMatchObject({ [LABEL.identity]: identity, [LABEL.role]: "agent" });
  });

  test("runs a labelled container, captures its output and passes its exit code", async () => {
    const name = `bottle-${identity}-run`;
    const ok = await docker("run", "--rm", "--name", name, ...labelArgs(bottleLabels(identity, "agent")), tag, "sh", "-c", "echo hello from scratch; uname -s");
    expect(ok.stdout).toBe("hello from scratch\nLinux\n");
    const failed = await processRunner.run(["docker", "run", "--rm", tag, "sh", "-c", "echo why >&2; exit 3"], { check: false });
    expect(failed.exitCode).toBe(3);
    expect(failed.stderr).toContain("why");
  });

  test("a secret reaches the container by name, never on argv", async () => {
    const secret = `secret-${crypto.randomUUID()}`;
    const argv = ["docker", "run", "--rm", "-e", "BOTTLE_TEST_SECRET", tag, "sh", "-c", 'printf %s "$BOTTLE_TEST_SECRET"'];
    const result = await processRunner.run(argv, { secretEnv: { BOTTLE_TEST_SECRET: secret }, timeoutMs: 120_000 });
    expect(result.stdout).toBe(secret);
    expect(result.argv.join(" ")).not.toContain(secret);
  });

  test("finds its container by label, then removes it", async () => {
    const name = `bottle-${identity}-kept`;
    await docker("create", "--name", name, ...labelArgs(bottleLabels(identity, "agent")), tag, "true");
    const filter = `label=${LABEL.identity}=${identity}`;
    expect((await docker("ps", "-a", "--filter", filter, "--format", "{{.Names}}")).stdout.trim()).toBe(name);
    await docker("rm", name);
    expect((await docker("ps", "-a", "--filter", filter, "--format", "{{.Names}}")).stdout.trim()).toBe("");
  });

  test("ensureBusyboxImage builds the shared busybox image once and it runs", async () => {
    const [first, second] = await Promise.all([ensureBusyboxImage(), ensureBusyboxImage()]);
    expect(first).toBe(BUSYBOX_IMAGE);
    expect(second).toBe(BUSYBOX_IMAGE);
    const { stdout } = await docker("run", "--rm", BUSYBOX_IMAGE, "sh", "-c", "echo ok; ls /bin/wget");
    expect(stdout).toBe("ok\n/bin/wget\n");
  });

  test("removes the image it built", async () => {
    await docker("rmi", tag);
    const gone = await processRunner.run(["docker", "image", "inspect", tag], { check: false });
    expect(gone.exitCode).not.toBe(0);
  });
});
