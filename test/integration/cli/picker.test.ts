import { afterEach, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { openTerminal, shellQuote, tmuxAvailable, type Terminal } from "./tmux.ts";

const MAIN = resolve(import.meta.dir, "../../../src/cli/main.ts");
const FIXTURE = resolve(import.meta.dir, "fixtures/two-agents.yaml");
/** By default, the source through the bun running the tests; `BOTTLE_BIN=dist/bottle` tests the binary. */
const BOTTLE = process.env.BOTTLE_BIN ? [resolve(process.env.BOTTLE_BIN)] : [process.execPath, MAIN];

/**
 * A fresh project folder holding the two-agent manifest (or `manifest`) as bottle.yaml,
 * with XDG dirs inside. A `smolvm` that fails comes first on PATH, so on every host the
 * smolmachines backend cannot run and the picker must show it disabled.
 */
function project(manifest?: string) {
  const dir = mkdtempSync(join(tmpdir(), "bottle-picker-"));
  if (manifest === undefined) copyFileSync(FIXTURE, join(dir, "bottle.yaml"));
  else writeFileSync(join(dir, "bottle.yaml"), manifest);
  mkdirSync(join(dir, "bin"));
  writeFileSync(join(dir, "bin", "smolvm"), "#!/bin/sh\necho 'Error: broken on purpose' >&2\nexit 1\n", { mode: 0o755 });
  const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, ".config"), XDG_STATE_HOME: join(dir, ".state"), PATH: `${join(dir, "bin")}:${process.env.PATH}` };
  return { dir, env };
}

/** The shell command tmux runs: `bottle ARGS` in `dir`, with `CI` unset unless given. */
function bottleCommand(dir: string, env: Record<string, string>, args: string[]): string {
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  return `cd ${shellQuote(dir)} && env -u CI -u BOTTLE_MANIFEST ${assignments.join(" ")} ${[...BOTTLE, ...args].map(shellQuote).join(" ")}`;
}

const describeTmux = (await tmuxAvailable()) ? describe : describe.skip;
/** Per test: several processes start under a shared, busy machine; waits carry their own deadlines. */
const TIMEOUT = 120_000;

describeTmux("the picker, typed into a real terminal (tmux)", () => {
  let terminal: Terminal | undefined;
  afterEach(async () => {
    await terminal?.close();
    terminal = undefined;
  }, TIMEOUT);

  async function open(args: string[] = [], extraEnv: Record<string, string> = {}, manifest?: string) {
    const { dir, env } = project(manifest);
    terminal = await openTerminal(bottleCommand(dir, { ...env, ...extraEnv }, args));
    return { terminal, dir };
  }

  test("arrows and Enter pick agent, backend and workspace; it confirms a summary and starts", async () => {
    const { terminal, dir } = await open();
    const first = await terminal.waitFor("Which agent?");
    expect(first).toContain("claude (claude --dangerously-skip-permissions)");
    expect(first).toContain("shell");
    await terminal.keys("Down", "Enter");
    // A backend that cannot run here is shown, with why, and cannot be picked: Down skips it.
    const backends = await terminal.waitFor("Which backend?");
    expect(backends).toContain("docker");
    await terminal.keys("Down");
    expect(await terminal.waitFor("cannot run here")).toMatch(/smolmachines.*cannot run here: .*smolvm --version. failed/);
    await terminal.keys("Enter");
    expect(await terminal.waitFor("into the workspace?")).toContain(`Copy ${dir} into the workspace?`);
    await terminal.keys("Left", "Enter");
    const summary = await terminal.waitFor("Start it?");
    expect(summary).toContain("Ready to start");
    expect(summary).toMatch(/agent\s+shell/);
    expect(summary).toMatch(/bottle\s+locked/);
    expect(summary).toMatch(/backend\s+docker/);
    expect(summary).toMatch(/egress\s+no hosts allowed; deny \*\.example\.com/);
    expect(summary).toMatch(new RegExp(`workspace\\s+copy of ${dir}`));
    // No: nothing was started (a Yes would start a real bottle of an image that is not here).
    await terminal.keys("Right", "Enter");
    expect(await terminal.waitFor("[exit ")).toContain("[exit 130]");
  }, TIMEOUT);

  test("--dry-run asks the same questions, never `Start it?`, and ends at the plan", async () => {
    const { terminal, dir } = await open(["--dry-run"]);
    await terminal.waitFor("Which agent?");
    await terminal.keys("Down", "Enter");
    await terminal.waitFor("Which backend?");
    await terminal.keys("Enter");
    await terminal.waitFor("into the workspace?");
    await terminal.keys("Left", "Enter");
    const end = await terminal.waitFor("[exit ");
    expect(end).not.toContain("Start it?");
    expect(end).toMatch(/^agent +shell$/m);
    expect(end).toMatch(/^backend +docker$/m);
    expect(end).toMatch(new RegExp(`^workspace +copy of ${dir}$`, "m"));
    expect(end).toMatch(/^env literal +GIT_AUTHOR_NAME$/m);
    expect(end).toContain("[exit 0]");
  }, TIMEOUT);

  test("Enter all the way takes the preselected answers: the first agent, docker, an empty workspace", async () => {
    const { terminal } = await open(["--dry-run"]);
    for (const question of ["Which agent?", "Which backend?", "into the workspace?"]) {
      await terminal.waitFor(question);
      await terminal.keys("Enter");
    }
    const end = await terminal.waitFor("[exit ");
    expect(end).toMatch(/^agent +claude$/m);
    expect(end).toMatch(/^backend +docker$/m);
    expect(end).toMatch(/^workspace +empty$/m);
    expect(end).toContain("[exit 0]");
  }, TIMEOUT);

  test("Ctrl-C cancels: `cancelled`, exit 130, no stack, no plan", async () => {
    const { terminal } = await open();
    await terminal.waitFor("Which agent?");
    await terminal.keys("C-c");
    const end = await terminal.waitFor("[exit ");
    expect(end).toContain("bottle: cancelled");
    expect(end).toContain("[exit 130]");
    expect(end).not.toMatch(/^\s+at /m);
    expect(end).not.toContain("identity ");
  }, TIMEOUT);

  test("Esc at a later question cancels too, and answering No to the summary does", async () => {
    const { terminal } = await open(["--dry-run", "--backend", "docker"]);
    await terminal.waitFor("Which agent?");
    await terminal.keys("Enter");
    await terminal.waitFor("into the workspace?");
    await terminal.keys("Escape");
    expect(await terminal.waitFor("[exit ")).toContain("[exit 130]");
    await terminal.close();

    const second = await open(["--no-cwd", "claude"]);
    await second.terminal.waitFor("Which backend?");
    await second.terminal.keys("Enter");
    await second.terminal.waitFor("Start it?");
    await second.terminal.keys("Right", "Enter");
    const end = await second.terminal.waitFor("[exit ");
    expect(end).toContain("bottle: cancelled");
    expect(end).toContain("[exit 130]");
  }, TIMEOUT);

  test("one agent is no question; an unset route secret or forwarded variable is named before `Start it?`", async () => {
    const manifest = [
      "version: 1",
      "agents:",
      "  solo:",
      "    command: [sh]",
      "bottles:",
      "  default:",
      "    egress:",
      "      routes:",
      "        - { name: api, upstream: https://api.example.com, inject: { header: authorization, value: 'Bearer ${BOTTLE_TEST_UNSET_TOKEN}' } }",
      "",
    ].join("\n");
    const { terminal } = await open(["--no-cwd"], {}, manifest);
    await terminal.waitFor("Which backend?");
    await terminal.keys("Enter");
    const end = await terminal.waitFor("[exit ");
    expect(end).not.toContain("Which agent?");
    expect(end).not.toContain("Start it?");
    expect(end).toContain('bottle: bottle "default" routes inject BOTTLE_TEST_UNSET_TOKEN, which is not set on the host');
    expect(end).toContain("[exit 1]");
    await terminal.close();

    const forwarded = await open(["--no-cwd", "--backend", "docker"], {}, "version: 1\nagents:\n  solo:\n    env: { TOKEN: '${BOTTLE_TEST_UNSET_FORWARD}' }\n");
    const stopped = await forwarded.terminal.waitFor("[exit ");
    expect(stopped).not.toContain("Start it?");
    expect(stopped).toContain("bottle: host variable BOTTLE_TEST_UNSET_FORWARD is not set");
  }, TIMEOUT);

  test("flags skip their questions: `bottle --dry-run --backend docker shell --cwd --yes` asks nothing", async () => {
    const { terminal } = await open(["--dry-run", "--backend", "docker", "shell", "--cwd", "--yes"]);
    const end = await terminal.waitFor("[exit ");
    expect(end).not.toContain("Which");
    expect(end).toMatch(/^agent +shell$/m);
    expect(end).toContain("[exit 0]");
  }, TIMEOUT);

  test("`bottle start` on a terminal asks only which agent", async () => {
    const { terminal } = await open(["start", "--dry-run"]);
    await terminal.waitFor("Which agent?");
    await terminal.keys("Down", "Enter");
    const end = await terminal.waitFor("[exit ");
    expect(end).not.toContain("Which backend?");
    expect(end).toMatch(/^agent +shell$/m);
    expect(end).toMatch(/^backend +docker$/m);
    expect(end).toContain("[exit 0]");
  }, TIMEOUT);

  test("with CI set, even on a terminal, nothing prompts: a usage error naming `bottle start`, exit 2", async () => {
    const { terminal } = await open([], { CI: "1" });
    const end = await terminal.waitFor("[exit ");
    expect(end).not.toContain("Which agent?");
    expect(end).toContain("bottle: `bottle` alone is the interactive picker and needs a terminal (no TTY, or CI is set)");
    expect(end).toContain("[exit 2]");
  }, TIMEOUT);
});

describe("CI=1 bottle without a terminal", () => {
  test("exits 2 at once with the usage message, never waiting for input", async () => {
    const { dir, env } = project();
    // No stdin at all: a prompt would hang here; the deadline turns a hang into a failure.
    const result = await processRunner.run(BOTTLE, {
      cwd: dir,
      env: { ...env, CI: "1", BOTTLE_MANIFEST: "" },
      stdin: "ignore",
      check: false,
      timeoutMs: 60_000,
    });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toStartWith("bottle: `bottle` alone is the interactive picker and needs a terminal (no TTY, or CI is set)\n");
    expect(result.stderr).toContain("hint: name what to start: `bottle start claude`");
  }, TIMEOUT);

  test("`bottle start` with a single-agent manifest proceeds to the plan", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bottle-ci-"));
    await Bun.write(join(dir, "bottle.yaml"), "version: 1\nagents:\n  solo:\n    command: [sh]\n");
    const result = await processRunner.run([...BOTTLE, "start", "--dry-run"], {
      cwd: dir,
      env: { HOME: dir, XDG_CONFIG_HOME: join(dir, ".config"), CI: "1", BOTTLE_MANIFEST: "" },
      check: false,
      timeoutMs: 60_000,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^agent +solo$/m);
  }, TIMEOUT);
});
