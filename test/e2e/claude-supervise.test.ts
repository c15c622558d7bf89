import { afterAll, expect, test } from "bun:test";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../src/core/runner.ts";
import { describeEngine } from "../helpers/engine.ts";
import { ensureBaseImage } from "../helpers/images.ts";

const ROOT = join(import.meta.dir, "../..");
let root = "";
let env: Record<string, string> = {};
/** The detached bottle, once started: `cleanup --all` leaves a running bottle alone. */
let identity = "";
const bottle = (args: string[]) => processRunner.run([process.execPath, join(ROOT, "src/cli/main.ts"), ...args], { env, cwd: join(root, "work"), check: false, timeoutMs: 1_800_000 });

afterAll(async () => {
  if (root === "") return;
  if (identity !== "") await bottle(["rm", "--force", identity]);
  await bottle(["cleanup", "--yes", "--all"]);
  // Nothing of this test's state is left running on the engine.
  const left = await processRunner.run(["docker", "ps", "-a", "--filter", `label=dev.bottle.owner=${join(root, "state", "bottle")}`, "--format", "{{.Names}}"]);
  expect(left.stdout.trim()).toBe("");
  await rm(root, { recursive: true, force: true });
}, 120_000);

describeEngine("e2e: Claude Code sees the supervise server", () => {
  test("`claude mcp list` in the real agent image shows the gate's MCP server connected (no model needed)", async () => {
    await ensureBaseImage();
    root = await mkdtemp(join(tmpdir(), "bottle-e2e-supervise-"));
    await mkdir(join(root, "work"));
    const manifest = join(root, "bottle.yaml");
    await writeFile(manifest, "version: 1\nagents:\n  claude:\n    image: default\n    command: [claude]\nbottles:\n  default:\n    egress: {}\n    supervise: true\n");
    env = {
      XDG_STATE_HOME: join(root, "state"),
      XDG_CACHE_HOME: process.env.BOTTLE_TEST_CACHE ?? join(tmpdir(), "bottle-test-cache"),
      BOTTLE_MANIFEST: manifest,
      CI: "1",
    };
    const started = await bottle(["start", "claude", "--detach", "--json"]);
    expect({ code: started.exitCode, stderr: started.stderr.split("\n").slice(-20).join("\n") }).toMatchObject({ code: 0 });
    ({ identity } = JSON.parse(started.stdout) as { identity: string });
    // As the agent runs: its user, its env (proxies, NO_PROXY with the gate), its home.
    const listed = await processRunner.run(["docker", "exec", "--user", "agent", `${identity}-agent`, "claude", "mcp", "list"], { check: false, timeoutMs: 120_000 });
    expect(`${listed.stdout}${listed.stderr}`).toMatch(new RegExp(`bottle: http://${identity}-gate:8081/mcp \\(HTTP\\) - ✔ Connected`));
    // The token reached Claude's config, not a command line: the file is the agent's, mode 0600.
    const file = await processRunner.run(["docker", "exec", `${identity}-agent`, "stat", "-c", "%U %a", "/home/agent/.claude.json"]);
    expect(file.stdout.trim()).toBe("agent 600");
  }, 1_800_000);
});
