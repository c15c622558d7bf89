import { describe, expect, test } from "bun:test";
import { COMMANDS } from "../../../src/cli/commands.ts";
import { isInteractive } from "../../../src/cli/context.ts";
import { main } from "../../../src/cli/main.ts";
import { VERSION } from "../../../src/core/version.ts";
import { recordingRunner, type Reply } from "../../helpers/recording-runner.ts";
import { collector, TWO_AGENTS, workdir } from "./context.ts";

/** Calls that would create, start or remove something: a dry run must make none. */
function changes(calls: { argv: string[] }[]) {
  return calls.filter(({ argv }) => /^docker (run|create|start|network create|volume create|rm|build|exec)\b/.test(argv.join(" ")));
}

/** Runs `bottle ARGS` in a fresh folder (holding `manifest` as bottle.yaml) without a terminal. */
async function bottle(
  args: string[],
  options: { manifest?: string; env?: Record<string, string>; interactive?: boolean; replies?: Reply[] } = {},
) {
  const { cwd, env } = workdir(options.manifest);
  const stdout = collector();
  const stderr = collector();
  // A recorder, so a test that reached a backend by mistake would start nothing real.
  const { runner, calls } = recordingRunner(options.replies);
  const code = await main(args, { ...env, ...options.env }, { cwd, stdout, stderr, runner, interactive: options.interactive ?? false, terminal: options.interactive ?? false });
  return { code, stdout: stdout.text(), stderr: stderr.text(), cwd, calls };
}

describe("bottle --version and --help", () => {
  test("--version prints the version", async () => {
    const { code, stdout } = await bottle(["--version"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`bottle ${VERSION}\n`);
  });

  test("--help lists every command", async () => {
    const { code, stdout } = await bottle(["--help"]);
    expect(code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(stdout).toMatch(new RegExp(`^  ${name}\\s`, "m"));
  });

  test.each(Object.keys(COMMANDS))("`%s --help` and `help %s` show its usage and flags", async (name) => {
    for (const args of [[name, "--help"], [name, "-h"], ["help", name]]) {
      const { code, stdout } = await bottle(args);
      expect(code).toBe(0);
      expect(stdout).toContain(COMMANDS[name]!.usage);
      expect(stdout).toContain("--help");
    }
  });
});

describe("bottle refuses bad calls with exit 2 and a hint", () => {
  test("an unknown command, with a did-you-mean", async () => {
    const { code, stderr } = await bottle(["strat"]);
    expect(code).toBe(2);
    expect(stderr).toBe("bottle: unknown command: strat\n  hint: did you mean `bottle start`?\n");
  });

  test("an unknown command far from any", async () => {
    const { code, stderr } = await bottle(["frobnicate"]);
    expect(code).toBe(2);
    expect(stderr).toContain("hint: run `bottle --help` for the list of commands; to start an agent by name: `bottle start frobnicate`");
  });

  test("an unknown flag, with a did-you-mean", async () => {
    const { code, stderr } = await bottle(["plan", "--bakend", "docker"]);
    expect(code).toBe(2);
    expect(stderr).toBe("bottle: unknown flag: --bakend (bottle plan)\n  hint: did you mean --backend?\n");
  });

  test("an unknown flag on the picker names `bottle`", async () => {
    const { code, stderr } = await bottle(["--frob"]);
    expect(code).toBe(2);
    expect(stderr).toContain("bottle: unknown flag: --frob (bottle)\n");
  });

  test("a flag missing its value", async () => {
    const { code, stderr } = await bottle(["plan", "--manifest"]);
    expect(code).toBe(2);
    expect(stderr).toContain("argument missing (bottle plan)");
    expect(stderr).not.toContain("    at ");
  });

  test("an extra argument", async () => {
    const { code, stderr } = await bottle(["plan", "claude", "shell"]);
    expect(code).toBe(2);
    expect(stderr).toContain("got an unexpected argument: shell");
  });

  test("an unknown backend", async () => {
    const { code, stderr } = await bottle(["start", "--backend", "podman"]);
    expect(code).toBe(2);
    expect(stderr).toContain("bottle: unknown backend: podman");
  });

  test("bare `bottle` without a terminal: the picker has nobody to ask", async () => {
    const { code, stdout, stderr } = await bottle([], { manifest: TWO_AGENTS });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toStartWith("bottle: `bottle` alone is the interactive picker and needs a terminal (no TTY, or CI is set)\n");
    expect(stderr).toContain("`bottle start claude` (agents: claude, shell)");
  });

  test("start to attach without a terminal on stdin: a usage error before anything is made", async () => {
    // Before, the agent ran with nothing to read and a stopped bottle was left behind.
    const { code, stdout, stderr, calls } = await bottle(["start", "shell"], { manifest: TWO_AGENTS, env: { GH_TOKEN: "gh-token-value" } });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toStartWith("bottle: bottle start attaches your terminal to the agent, and stdin is not a terminal\n  hint: pass --prompt TEXT");
    expect(changes(calls)).toEqual([]);
  });

  test("no agent chosen without a terminal, when the manifest has two", async () => {
    const { code, stdout, stderr } = await bottle(["start"], { manifest: TWO_AGENTS });
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toStartWith("bottle: no agent chosen: pass AGENT (one of: claude, shell) or run on a terminal\n");
  });
});

describe("bottle plan", () => {
  const secret = "ghp_S3cr3tValueThatMustNeverPrint";
  const env = { GH_TOKEN: secret, CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat01-another-secret" };

  test("prints aligned key/value lines of the resolved spec, env names but never values", async () => {
    const { code, stdout, cwd } = await bottle(["plan", "shell", "--cwd"], { manifest: TWO_AGENTS, env });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^identity {7}shell-[a-z2-7]{8} \(would be/m);
    expect(stdout).toContain(`manifest       ${cwd}/bottle.yaml\n`);
    expect(stdout).toContain("agent          shell\n");
    expect(stdout).toContain("bottle         locked\n");
    expect(stdout).toContain("backend        docker\n");
    expect(stdout).toContain("image          busybox-local\n");
    expect(stdout).toContain("command        sh\n");
    expect(stdout).toContain(`workspace      copy of ${cwd}\n`);
    expect(stdout).toContain("egress deny    *.example.com\n");
    expect(stdout).toContain("env literal    GIT_AUTHOR_NAME\n");
    expect(stdout).toContain("env forwarded  GH_TOKEN\n");
    expect(stdout).not.toContain(secret);
    expect(stdout).not.toContain("Bottle\n");
  });

  test("shows routes by name and upstream and which header they inject, never the value", async () => {
    const { code, stdout } = await bottle(["plan", "claude", "--backend", "smolmachines"], { manifest: TWO_AGENTS, env });
    expect(code).toBe(0);
    expect(stdout).toContain("backend        smolmachines\n");
    expect(stdout).toContain(
      "route          anthropic -> https://api.anthropic.com [claude_code_oauth], injects authorization from $CLAUDE_CODE_OAUTH_TOKEN\n",
    );
    expect(stdout).not.toContain("Bearer");
    expect(stdout).not.toContain(env.CLAUDE_CODE_OAUTH_TOKEN);
  });

  test("--json prints one object", async () => {
    const { code, stdout } = await bottle(["plan", "shell", "--json"], { manifest: TWO_AGENTS, env });
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan).toMatchObject({
      agent: "shell",
      bottle: "locked",
      backend: "docker",
      image: "busybox-local",
      command: ["sh"],
      workspace: { copyFrom: null },
      egress: { allow: [], deny: ["*.example.com"], routes: [] },
      env: { literal: ["GIT_AUTHOR_NAME"], forwarded: ["GH_TOKEN"] },
    });
    expect(plan.identity).toMatch(/^shell-[a-z2-7]{8}$/);
    expect(stdout).not.toContain(secret);
  });

  test("lists the engine commands the backend would run, with no secret values", async () => {
    const { code, stdout, calls } = await bottle(["plan", "claude"], {
      manifest: TWO_AGENTS,
      env,
      replies: [{ match: /^docker info/, stdout: '{"runc":{}}' }],
    });
    expect(code).toBe(0);
    expect(stdout).toContain("\nengine commands:\n");
    expect(stdout).toMatch(/^  docker network create --internal .*-internal$/m);
    expect(stdout).toMatch(/^  docker run .*--env CLAUDE_CODE_OAUTH_TOKEN /m);
    expect(stdout).not.toContain(env.CLAUDE_CODE_OAUTH_TOKEN);
    // A dry run only asks: nothing that creates, starts or removes reaches the engine.
    expect(changes(calls)).toEqual([]);
    expect(JSON.stringify(calls)).not.toContain(env.CLAUDE_CODE_OAUTH_TOKEN);
  });

  test("with the engine down, the spec still prints and stderr says why", async () => {
    const { code, stdout, stderr } = await bottle(["plan", "claude"], {
      manifest: TWO_AGENTS,
      env,
      replies: [{ match: /^docker info/, exitCode: 1, stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" }],
    });
    expect(code).toBe(0);
    expect(stdout).toContain("agent          claude\n");
    expect(stdout).not.toContain("engine commands:");
    expect(stderr).toContain("bottle: engine commands unavailable: the Docker engine is not running or not reachable");
  });

  test("--json carries the commands, or null and the reason", async () => {
    const known = await bottle(["plan", "claude", "--json"], { manifest: TWO_AGENTS, env, replies: [{ match: /^docker info/, stdout: '{"runc":{}}' }] });
    const commands = JSON.parse(known.stdout).commands as string[][];
    expect(commands.some((argv) => argv.join(" ").startsWith("docker network create --internal"))).toBe(true);
    const down = await bottle(["plan", "claude", "--json"], { manifest: TWO_AGENTS, env, replies: [{ match: /^docker info/, exitCode: 1 }] });
    expect(JSON.parse(down.stdout)).toMatchObject({ agent: "claude", commands: null, commandsUnavailable: expect.stringContaining("not running") });
  });

  test("a forwarded host variable that is not set fails with its name (exit 1)", async () => {
    const { code, stderr } = await bottle(["plan", "shell"], { manifest: TWO_AGENTS });
    expect(code).toBe(1);
    expect(stderr).toContain("host variable GH_TOKEN is not set");
  });

  test("the built-in manifest serves when there is none", async () => {
    const { code, stdout } = await bottle(["plan"]);
    expect(code).toBe(0);
    expect(stdout).toContain("manifest       <built-in>\n");
    expect(stdout).toContain("agent          claude\n");
  });
});

describe("bottle --dry-run: the start flow ending at the plan", () => {
  test("bare `bottle --dry-run` without a terminal is the picker's usage error, even with one agent", async () => {
    const { code, stderr, calls } = await bottle(["--dry-run"]);
    expect(code).toBe(2);
    expect(stderr).toStartWith("bottle: `bottle` alone is the interactive picker and needs a terminal (no TTY, or CI is set)\n");
    expect(calls).toEqual([]);
  });

  test("`start --dry-run` with a single agent and no terminal proceeds to the plan and starts nothing", async () => {
    const { code, stdout, calls } = await bottle(["start", "--dry-run"]);
    expect(code).toBe(0);
    expect(stdout).toContain("agent          claude\n");
    expect(changes(calls)).toEqual([]);
  });

  test("`start --dry-run --json` keeps stdout a single JSON object", async () => {
    const { code, stdout, calls } = await bottle(["start", "shell", "--dry-run", "--json"], { manifest: TWO_AGENTS, env: { GH_TOKEN: "x" } });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).agent).toBe("shell");
    expect(changes(calls)).toEqual([]);
  });

  test("without a terminal and with two agents, it is the same usage error as a real start", async () => {
    const { code, stderr } = await bottle(["start", "--dry-run"], { manifest: TWO_AGENTS });
    expect(code).toBe(2);
    expect(stderr).toStartWith("bottle: no agent chosen: pass AGENT (one of: claude, shell) or run on a terminal\n");
  });
});

describe("bottle's error handler", () => {
  test("an unexpected error is one line and a hint, its stack only with --debug", async () => {
    const stderr = collector();
    const broken = { write: () => { throw new Error("stdout is gone"); } };
    const code = await main(["--version"], {}, { stdout: broken, stderr, interactive: false });
    expect(code).toBe(1);
    expect(stderr.text()).toBe("bottle: unexpected error: stdout is gone\n  hint: run again with --debug and report it\n");
    const debug = collector();
    await main(["--version", "--debug"], {}, { stdout: broken, stderr: debug, interactive: false });
    expect(debug.text()).toContain("    at ");
  });

  test("--debug shows each command bottle runs", async () => {
    const replies = [{ match: /^docker info/, stdout: '{"runc":{}}' }];
    const quiet = await bottle(["plan", "claude"], { manifest: TWO_AGENTS, replies });
    expect(quiet.stderr).not.toContain("$ docker");
    const loud = await bottle(["plan", "claude", "--debug"], { manifest: TWO_AGENTS, replies });
    expect(loud.stderr).toContain("$ docker info --format '{{json .Runtimes}}'\n");
  });

  test("a BottleError shows its stack only with --debug", async () => {
    const plain = await bottle(["plan", "--manifest", "missing.yaml"]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toContain("bottle: manifest not found: missing.yaml");
    expect(plain.stderr).not.toContain("    at ");
    const debug = await bottle(["plan", "--manifest", "missing.yaml", "--debug"]);
    expect(debug.stderr).toContain("    at ");
  });
});

describe("isInteractive", () => {
  test("CI set means never prompt", () => {
    expect(isInteractive({ CI: "1" })).toBe(false);
    expect(isInteractive({ CI: "true" })).toBe(false);
  });
});

describe("global flags before or after the command", () => {
  test("`bottle --debug plan` is `bottle plan --debug`, not an agent called plan", async () => {
    const { code, stderr } = await bottle(["--debug", "plan", "shell"], { manifest: TWO_AGENTS, env: { GH_TOKEN: "x" } });
    expect(code).toBe(0);
    expect(stderr).not.toContain("unknown agent");
  });

  test("`bottle --json --manifest F plan AGENT` reads F and prints JSON", async () => {
    const { cwd } = workdir(TWO_AGENTS);
    const { code, stdout } = await bottle(["--json", "--manifest", `${cwd}/bottle.yaml`, "plan", "shell"], { env: { GH_TOKEN: "x" } });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).agent).toBe("shell");
    const after = await bottle(["plan", "shell", `--manifest=${cwd}/bottle.yaml`, "--json"], { env: { GH_TOKEN: "x" } });
    expect(JSON.parse(after.stdout).agent).toBe("shell");
  });

  test("a global flag the command does not take is a usage error naming the command", async () => {
    const { code, stderr } = await bottle(["--json", "init"]);
    expect(code).toBe(2);
    expect(stderr).toContain("unknown flag: --json (bottle init)");
  });

  test("`bottle --debug --version` still prints the version", async () => {
    const { code, stdout } = await bottle(["--debug", "--version"]);
    expect(code).toBe(0);
    expect(stdout).toBe(`bottle ${VERSION}\n`);
  });
});
