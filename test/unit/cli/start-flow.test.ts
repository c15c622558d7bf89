import { describe, expect, test } from "bun:test";
import { CancelledError } from "../../../src/cli/picker/prompt.ts";
import { resolveStartChoices } from "../../../src/cli/start-flow.ts";
import { UsageError } from "../../../src/core/errors.ts";
import { commandContext, TWO_AGENTS, workdir } from "./context.ts";
import { KEY, scriptedTerminal } from "./scripted-terminal.ts";

const hostEnv = { GH_TOKEN: "ghp_notreallyasecretbutlooksone", CLAUDE_CODE_OAUTH_TOKEN: "sk-ant-oat-value" };
/** Both backends can run: the picker's answers do not depend on this host. */
const bothUsable = async () => [
  { name: "docker", hint: "containers", usable: true },
  { name: "smolmachines", hint: "microVMs", usable: true },
];

function pickerContext(flags: Record<string, string | boolean> = {}, positionals: string[] = []) {
  const { cwd, env } = workdir(TWO_AGENTS);
  return { cwd, ...commandContext({ cwd, env: { ...env, ...hostEnv }, interactive: true, flags: { picker: true, ...flags }, positionals }) };
}

describe("resolveStartChoices, the picker driven by keys", () => {
  test("asks agent, backend, workspace, shows a summary, and resolves what was picked", async () => {
    const { context, cwd } = pickerContext();
    const terminal = scriptedTerminal([
      { when: "Which agent?", keys: KEY.down + KEY.enter },
      { when: "Which backend?", keys: KEY.down + KEY.enter },
      { when: "into the workspace?", keys: KEY.left + KEY.enter },
      { when: "Start it?", keys: KEY.enter },
    ]);
    const { spec, backend, loaded } = await resolveStartChoices(context, { io: terminal.io, backendChoices: bothUsable });
    expect(terminal.pending()).toBe(0);
    expect(spec.agentName).toBe("shell");
    expect(spec.bottleName).toBe("locked");
    expect(backend).toBe("smolmachines");
    expect(spec.copyFrom).toBe(cwd);
    expect(loaded.file).toBe(`${cwd}/bottle.yaml`);
    const screen = terminal.screen();
    expect(screen).toContain("Ready to start");
    expect(screen).toMatch(/agent\s+shell/);
    expect(screen).toMatch(/egress\s+no hosts allowed; deny \*\.example\.com/);
    expect(screen).toMatch(new RegExp(`workspace\\s+copy of ${cwd}`));
    expect(screen).not.toContain(hostEnv.GH_TOKEN);
  });

  test("flags skip their questions; --yes skips the confirmation", async () => {
    const { context } = pickerContext({ backend: "docker", "no-cwd": true, yes: true }, ["claude"]);
    const terminal = scriptedTerminal([]);
    const { spec, backend } = await resolveStartChoices(context, { io: terminal.io, backendChoices: bothUsable });
    expect([spec.agentName, backend, spec.copyFrom]).toEqual(["claude", "docker", undefined]);
    expect(terminal.screen()).toBe("");
  });

  test("Ctrl-C cancels with exit code 130", async () => {
    const { context } = pickerContext();
    const terminal = scriptedTerminal([{ when: "Which agent?", keys: KEY.ctrlC }]);
    const error = await resolveStartChoices(context, { io: terminal.io, backendChoices: bothUsable }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CancelledError);
    expect((error as CancelledError).exitCode).toBe(130);
    expect((error as CancelledError).message).toBe("cancelled");
  });

  test("Esc cancels too", async () => {
    const { context } = pickerContext({}, ["claude"]);
    const terminal = scriptedTerminal([{ when: "Which backend?", keys: KEY.escape }]);
    await expect(resolveStartChoices(context, { io: terminal.io, backendChoices: bothUsable })).rejects.toBeInstanceOf(CancelledError);
  });

  test("declining the summary cancels", async () => {
    const { context } = pickerContext({ backend: "docker", cwd: true }, ["claude"]);
    const terminal = scriptedTerminal([{ when: "Start it?", keys: KEY.right + KEY.enter }]);
    await expect(resolveStartChoices(context, { io: terminal.io, backendChoices: bothUsable })).rejects.toBeInstanceOf(CancelledError);
  });

  test("an aborted signal cancels the open prompt", async () => {
    const { context } = pickerContext();
    const controller = new AbortController();
    const terminal = scriptedTerminal([]);
    const pending = resolveStartChoices(context, { io: { ...terminal.io, signal: controller.signal } });
    while (!terminal.screen().includes("Which agent?")) await Bun.sleep(5);
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
  });
});

describe("resolveStartChoices checks before it asks", () => {
  test("a route's unset secret stops the picker before `Start it?`", async () => {
    const { cwd, env } = workdir(TWO_AGENTS);
    const { context } = commandContext({ cwd, env: { ...env, GH_TOKEN: "x" }, interactive: true, flags: { picker: true, backend: "docker", "no-cwd": true }, positionals: ["claude"] });
    const terminal = scriptedTerminal([{ when: "Start it?", keys: KEY.enter }]);
    const error = await resolveStartChoices(context, { io: terminal.io, backendChoices: bothUsable }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('bottle "default" routes inject CLAUDE_CODE_OAUTH_TOKEN, which is not set on the host');
    expect(terminal.screen()).not.toContain("Start it?");
  });

  test("--dry-run picks as usual but never asks to start", async () => {
    const { context } = pickerContext({ "dry-run": true, backend: "docker", "no-cwd": true }, ["shell"]);
    const terminal = scriptedTerminal([]);
    const { spec } = await resolveStartChoices(context, { io: terminal.io, backendChoices: bothUsable });
    expect(spec.agentName).toBe("shell");
    expect(terminal.screen()).toBe("");
  });

  test("only the backends that can run here are offered, by default from each backend's own probe", async () => {
    const { context } = pickerContext({}, ["claude"]);
    const probed: string[] = [];
    const terminal = scriptedTerminal([{ when: "Which backend?", keys: KEY.escape }]);
    const choices = async () => {
      probed.push("asked");
      return [{ name: "docker", usable: true }, { name: "smolmachines", usable: false, reason: "smolvm is not installed" }];
    };
    await resolveStartChoices(context, { io: terminal.io, backendChoices: choices }).catch(() => undefined);
    expect(probed).toEqual(["asked"]);
    expect(terminal.screen()).toContain("cannot run here: smolvm is not installed");
  });
});

describe("resolveStartChoices never prompts without a person", () => {
  test("two agents and no AGENT is a usage error, with no prompt drawn", async () => {
    const { context } = pickerContext();
    const terminal = scriptedTerminal([]);
    const error = await resolveStartChoices({ ...context, interactive: false }, { io: terminal.io }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe("`bottle` alone is the interactive picker and needs a terminal (no TTY, or CI is set)");
    expect(terminal.screen()).toBe("");
  });

  test("--json keeps stdout for JSON: no prompts even on a terminal", async () => {
    const { context } = pickerContext({ json: true });
    const terminal = scriptedTerminal([]);
    await expect(resolveStartChoices(context, { io: terminal.io, backendChoices: bothUsable })).rejects.toBeInstanceOf(UsageError);
    expect(terminal.screen()).toBe("");
  });

  test("--cwd with --no-cwd and an unknown --backend are usage errors", async () => {
    const { context } = pickerContext({ cwd: true, "no-cwd": true });
    await expect(resolveStartChoices(context)).rejects.toThrow("--cwd and --no-cwd contradict each other");
    const other = pickerContext({ backend: "podman" }).context;
    await expect(resolveStartChoices(other)).rejects.toThrow("unknown backend: podman");
  });
});
