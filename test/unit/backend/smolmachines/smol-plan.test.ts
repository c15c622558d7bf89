import { describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { guestEnvText } from "../../../../src/backend/smolmachines/guest-env.ts";
import { cacheKey } from "../../../../src/backend/smolmachines/image-key.ts";
import { guestExec } from "../../../../src/backend/smolmachines/machine-commands.ts";
import { prepare } from "../../../../src/backend/smolmachines/prepare.ts";
import { memoryMib } from "../../../../src/backend/smolmachines/smol-plan.ts";
import type { StartSpec } from "../../../../src/backend/types.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { testSpec } from "../../../helpers/start-spec.ts";
import { recordingRunner } from "../../../helpers/recording-runner.ts";

function spec(): StartSpec {
  return testSpec({
    identity: "claude-abcdefgh",
    agentName: "claude",
    manifestDir: "/tmp",
    env: { GH_TOKEN: "x" },
    agent: { image: "bottle-agent:test", command: ["claude"], env: { GH_TOKEN: "${GH_TOKEN}", GIT_AUTHOR_NAME: "Bottle" } },
    bottle: { resources: { cpus: 2.5, memory: "4g" } },
  });
}

describe("smolmachines prepare (no engine, no smolvm)", () => {
  const env = { HOME: "/home/u", CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-secret-value", GH_TOKEN: "ghp_secretsecret" };

  test("runs nothing but image look-ups, and plans the issue's exact machine create", async () => {
    const { runner, calls } = recordingRunner();
    const plan = await prepare(spec(), { runner, paths: bottlePaths(env), env, settings: {}, log: () => {} });
    for (const call of calls) expect(call.argv.slice(0, 3).join(" ")).toBe("docker image inspect");
    expect(Object.isFrozen(plan)).toBe(true);
    const [gate, port, create, start] = plan.commands.slice(-4).map((argv) => [...argv]);
    expect(gate).toContain("127.0.0.1::8080");
    expect(gate!.slice(gate!.indexOf("--env"), gate!.indexOf("--env") + 2)).toEqual(["--env", "CLAUDE_CODE_OAUTH_TOKEN"]);
    expect(port).toEqual(["docker", "port", "claude-abcdefgh-gate", "8080/tcp"]);
    expect(create!.slice(0, 9)).toEqual([
      "smolvm", "machine", "create", "--from", "/home/u/.cache/bottle/smolmachines/<key>/agent.smolmachine", "--name", "bottle-claude-abcdefgh", "--allow-cidr", "100.96.0.1/32",
    ]);
    const line = create!.join(" ");
    expect(line).toContain("-e HTTPS_PROXY=http://100.96.0.1:<gate-port>");
    expect(line).toContain("-e HTTP_PROXY=http://100.96.0.1:<gate-port>");
    expect(line).toContain("-e NO_PROXY=100.96.0.1,localhost,127.0.0.1");
    expect(line).toContain("-v /home/u/.local/state/bottle/claude-abcdefgh/workspace:/workspace");
    // Whole CPUs (rounded up) and MiB: smolvm takes no fractions and has no --memory.
    expect(line).toContain("--cpus 3 --mem 4096");
    expect(line).not.toContain("--memory");
    expect(start).toEqual(["smolvm", "machine", "start", "--name", "bottle-claude-abcdefgh"]);
    // No secret value anywhere in the plan; literal values stay out of argv too.
    const text = JSON.stringify(plan);
    expect(text).not.toContain("sk-ant-oat01-secret-value");
    expect(text).not.toContain("ghp_secretsecret");
    expect(plan.commands.flat().join(" ")).not.toContain("Bottle");
    expect(plan.spec.env.forwarded).toEqual([{ key: "GH_TOKEN", from: "GH_TOKEN" }]);
    // The agent's home is a folder of the bottle's state, kept with its workspace.
    expect(line).toContain("-v /home/u/.local/state/bottle/claude-abcdefgh/home:");
  });

  test("an image the engine lacks puts its build (or pull) first in the plan's commands", async () => {
    const { runner } = recordingRunner([{ match: /^docker image inspect --format \{\{\.Id\}\} (bottle-agent:test|bottle-gate:)/, exitCode: 1 }]);
    const plan = await prepare(spec(), { runner, paths: bottlePaths(env), env, settings: {}, log: () => {} });
    const gateRef = plan.details.gateImage.ref;
    expect(plan.commands.slice(0, 2).map((argv) => [...argv])).toEqual([
      ["docker", "pull", "bottle-agent:test"],
      ["docker", "build", "--quiet", "--tag", gateRef, "<gate-image-context>"],
    ]);
    expect(plan.commands[2]!.slice(0, 6)).toEqual(["docker", "run", "-d", "--rm", "--name", "bottle-registry-<random>"]);
  });

  test("a miss lists the registry, push and pack with the image's key; a cached artifact lists none", async () => {
    const id = `sha256:${"ab12".repeat(16)}`;
    const root = await mkdtemp(join(tmpdir(), "smol-plan-"));
    const paths = bottlePaths({ ...env, XDG_CACHE_HOME: root });
    const { runner } = recordingRunner([{ match: /^docker image inspect --format \{\{\.Id\}\} bottle-agent:test$/, stdout: `${id}\n` }]);
    const missed = await prepare(spec(), { runner, paths, env, settings: {}, log: () => {} });
    const lines = missed.commands.map((argv) => argv.join(" "));
    const pushed = "localhost:<registry-port>/bottle-agent:ab12ab12ab12ab12";
    expect(lines.slice(0, 7)).toEqual([
      expect.stringMatching(/^docker run -d --rm --name bottle-registry-<random> --label dev\.bottle\.identity=smolmachines-ab12ab12ab12ab12 .*--label dev\.bottle\.registry\.creator=<pid>:<start> -p 127\.0\.0\.1::5000 registry:2\.8\.3@sha256:/),
      "docker port bottle-registry-<random> 5000/tcp",
      `docker tag bottle-agent:test ${pushed}`,
      `docker push ${pushed}`,
      `smolvm pack create --image ${pushed} --output ${join(root, "bottle", "smolmachines", "ab12ab12ab12ab12", "agent")}`,
      `docker rmi ${pushed}`,
      "docker rm -f bottle-registry-<random>",
    ]);
    await mkdir(join(root, "bottle", "smolmachines", "ab12ab12ab12ab12"), { recursive: true });
    await writeFile(join(root, "bottle", "smolmachines", "ab12ab12ab12ab12", "agent.smolmachine"), "");
    const cached = await prepare(spec(), { runner, paths, env, settings: {}, log: () => {} });
    // A fresh bottle: its home seeded from the image (create, cp, rm), then the gate and the machine.
    expect(cached.commands.map((argv) => argv.slice(0, 2).join(" "))).toEqual(["docker create", "docker cp", "docker rm", "docker run", "docker port", "smolvm machine", "smolvm machine"]);
    expect(cached.commands[5]).toContain(join(root, "bottle", "smolmachines", "ab12ab12ab12ab12", "agent.smolmachine"));
  });

  test("an unset route secret is a clear error with the fix", async () => {
    const { runner } = recordingRunner();
    const run = prepare(spec(), { runner, paths: bottlePaths({ HOME: "/h" }), env: { HOME: "/h" }, settings: {}, log: () => {} });
    await expect(run).rejects.toThrow(/routes inject CLAUDE_CODE_OAUTH_TOKEN, which is not set on the host/);
  });
});

describe("smolmachines helpers", () => {
  test("memoryMib reads the manifest's sizes, rounding up", () => {
    expect(memoryMib("4g")).toBe(4096);
    expect(memoryMib("512m")).toBe(512);
    expect(memoryMib("1.5G")).toBe(1536);
    expect(memoryMib("1000k")).toBe(1);
    expect(memoryMib("1073741824")).toBe(1024);
    expect(memoryMib(undefined)).toBeUndefined();
  });

  test("cacheKey is the first 16 hex digits of the image ID, and rejects anything else", () => {
    expect(cacheKey(`sha256:${"0123456789abcdef".repeat(4)}`)).toBe("0123456789abcdef");
    expect(() => cacheKey("bottle-agent:latest")).toThrow(/not an image ID/);
  });

  test("guestExec puts the command after --, with --name (never -n), and sources the env file", () => {
    const argv = guestExec("bottle-x", ["claude", "-p", "hi"], { interactive: true, tty: true, workdir: "/workspace" });
    expect(argv.slice(0, 10)).toEqual(["smolvm", "machine", "exec", "--name", "bottle-x", "-i", "-t", "-w", "/workspace", "--"]);
    expect(argv.slice(-3)).toEqual(["claude", "-p", "hi"]);
    expect(argv).not.toContain("-n");
  });

  test("the guest env file round-trips any value through sh, byte for byte", async () => {
    const values = { A: "it's", B: "$HOME `id` $(id) \\ \"q\"", C: "", D: "line=1;x" };
    const file = join(await mkdtemp(join(tmpdir(), "guest-env-")), "agent.env");
    await writeFile(file, guestEnvText(values));
    const result = await processRunner.run(["sh", "-c", `set -a; . ${file}; set +a; printf '%s\\n' "$A" "$B" "$C" "$D"`]);
    expect(result.stdout).toBe(`${Object.values(values).join("\n")}\n`);
  });
});
