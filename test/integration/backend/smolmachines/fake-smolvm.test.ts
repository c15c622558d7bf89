import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { prepareArtifact } from "../../../../src/backend/smolmachines/prepare-artifact.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { describeEngine } from "../../../helpers/engine.ts";
import { ensureRegistryImage } from "../../../fixtures/registry/registry-image.ts";
import { writeAgentContext } from "../../../fixtures/smolvm/agent-context.ts";
import { useFakeSmolvm } from "../../../fixtures/smolvm/fake-env.ts";

const smolvm = (args: string[], options: { stdin?: string } = {}) => processRunner.run(["smolvm", ...args], { check: false, ...options });

/** The fake's machine lifecycle against the real engine: what bottle relies on behaves as smolvm 1.9.x. */
describeEngine("fake smolvm machines (real engine)", () => {
  let dir: string;
  let artifact: string;
  let fake: ReturnType<typeof useFakeSmolvm>;
  const name = `fake-check-${process.pid}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "bottle-fake-smolvm-"));
    fake = useFakeSmolvm(dir);
    const context = join(dir, "agent");
    const dockerfile = await writeAgentContext(context, processRunner, "fake");
    const env = { XDG_CACHE_HOME: join(dir, "cache"), BOTTLE_REGISTRY_IMAGE: await ensureRegistryImage(processRunner) };
    const packed = await prepareArtifact(
      { ref: `bottle-smolvm-test-agent:fake-${process.pid}`, build: { dockerfile, context, args: {} } },
      { runner: processRunner, paths: bottlePaths(env), env, settings: {}, log: () => {} },
    );
    artifact = packed.path;
  }, 180_000);
  afterAll(async () => {
    await smolvm(["machine", "delete", "--name", name, "-f"]);
    await processRunner.run(["docker", "rmi", "-f", `bottle-smolvm-test-agent:fake-${process.pid}`], { check: false });
    fake.restore();
    await rm(dir, { recursive: true, force: true });
  });

  test("create → ls --json → start → exec exit codes → stop → delete asks [y/N]", async () => {
    const workspace = await mkdtemp(join(dir, "ws-"));
    const missing = await smolvm(["machine", "create", "--from", artifact, "--name", name, "-v", `${join(dir, "nope")}:/workspace`]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toStartWith("Error: volume host path is not an existing directory");
    const relative = await smolvm(["machine", "create", "--from", artifact, "--name", name, "-v", `${workspace}:workspace`]);
    expect(relative.stderr).toStartWith("Error: invalid volume");

    const created = await smolvm(["machine", "create", "--from", artifact, "--name", name, "--cpus", "1", "--mem", "256", "-v", `${workspace}:/workspace`, "--label", "dev.bottle.identity=x", "-e", "GREETING=hi"]);
    expect(created).toMatchObject({ exitCode: 0, stdout: `Created machine: ${name}\n` });
    const again = await smolvm(["machine", "create", "--from", artifact, "--name", name]);
    expect(again.stderr).toBe(`Error: machine '${name}' already exists\n`);

    const listed = JSON.parse((await smolvm(["machine", "ls", "--json"])).stdout) as Record<string, unknown>[];
    expect(listed.find((m) => m.name === name)).toMatchObject({ name, state: "created", cpus: 1, memory_mib: 256, labels: { "dev.bottle.identity": "x" } });

    const notRunning = await smolvm(["machine", "exec", "--name", name, "--", "true"]);
    expect(notRunning.stderr).toBe(`Error: machine '${name}' is not running\n`);
    expect((await smolvm(["machine", "start", "--name", name])).exitCode).toBe(0);
    const exec = await smolvm(["machine", "exec", "--name", name, "-w", "/workspace", "-e", "EXTRA=1", "--", "sh", "-c", 'echo "$GREETING $EXTRA $(pwd)" > out; exit 3']);
    expect(exec.exitCode).toBe(3);
    expect(await Bun.file(join(workspace, "out")).text()).toBe("hi 1 /workspace\n");
    const piped = await smolvm(["machine", "exec", "--name", name, "-i", "--", "cat"], { stdin: "through stdin" });
    expect(piped.stdout).toBe("through stdin");

    expect(await smolvm(["machine", "stop", "--name", name])).toMatchObject({ exitCode: 0, stdout: `Stopped machine: ${name}\n` });
    const cancelled = await smolvm(["machine", "delete", "--name", name], { stdin: "n\n" });
    expect(cancelled).toMatchObject({ exitCode: 0 });
    expect(cancelled.stdout).toContain("Cancelled");
    expect(JSON.parse((await smolvm(["machine", "ls", "--json"])).stdout).some((m: { name: string }) => m.name === name)).toBe(true);
    const deleted = await smolvm(["machine", "delete", "--name", name], { stdin: "y\n" });
    expect(deleted.exitCode).toBe(0);
    expect(JSON.parse((await smolvm(["machine", "ls", "--json"])).stdout).some((m: { name: string }) => m.name === name)).toBe(false);
    const container = await processRunner.run(["docker", "ps", "-a", "--filter", `name=^smolvm-fake-${name}$`, "--format", "{{.Names}}"]);
    expect(container.stdout.trim()).toBe("");
  }, 120_000);

  test("pack create proves the push: an image the registry does not hold fails", async () => {
    const registry = await processRunner.run(
      ["docker", "run", "-d", "--rm", "--name", `bottle-registry-fakecheck-${process.pid}`, "--label", "dev.bottle.role=registry", "-p", "127.0.0.1::5000", await ensureRegistryImage(processRunner)],
    );
    try {
      const port = /127\.0\.0\.1:(\d+)/.exec((await processRunner.run(["docker", "port", registry.stdout.trim(), "5000/tcp"])).stdout)![1];
      let packed = await smolvm(["pack", "create", "--image", `localhost:${port}/never-pushed:1`, "--output", join(dir, "never")]);
      for (let i = 0; i < 50 && /ECONNREFUSED|Unable to connect|reset/i.test(packed.stderr); i++) {
        await Bun.sleep(100);
        packed = await smolvm(["pack", "create", "--image", `localhost:${port}/never-pushed:1`, "--output", join(dir, "never")]);
      }
      expect(packed.exitCode).toBe(1);
      expect(packed.stderr).toMatch(/^Error: failed to pull image: .*HTTP 404\n$/);
    } finally {
      await processRunner.run(["docker", "rm", "-f", registry.stdout.trim()], { check: false });
    }
  }, 60_000);

  test("the guest reaches host loopback at 100.96.0.1 only with --allow-cidr, and large bodies arrive intact", async () => {
    const body = new Uint8Array(8 * 1024 * 1024).map((_, i) => (i * 7919) % 251);
    const digest = new Bun.CryptoHasher("sha256").update(body).digest("hex");
    using server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(body) });
    const env = { SMOLVM_FAKE_HOST_PORTS: String(server.port) };
    const run = (args: string[]) => processRunner.run(["smolvm", ...args], { check: false, env });
    const fetchBig = `curl -s --max-time 30 http://100.96.0.1:${server.port}/big | sha256sum`;
    for (const [machine, allow] of [[`${name}-open`, ["--allow-cidr", "100.96.0.1/32"]], [`${name}-closed`, []]] as const) {
      try {
        expect((await run(["machine", "create", "--from", artifact, "--name", machine, ...allow])).exitCode).toBe(0);
        expect((await run(["machine", "start", "--name", machine])).exitCode).toBe(0);
        const result = await run(["machine", "exec", "--name", machine, "--", "sh", "-c", fetchBig]);
        if (allow.length > 0) expect(result.stdout.split(" ")[0]).toBe(digest);
        else expect(result.stdout.split(" ")[0]).not.toBe(digest);
      } finally {
        await run(["machine", "delete", "--name", machine, "-f"]);
      }
    }
  }, 120_000);
});
