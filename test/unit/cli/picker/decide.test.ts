import { describe, expect, test } from "bun:test";
import { decideStart, type DecideStartOptions } from "../../../../src/cli/picker/decide.ts";

const agents = [{ name: "claude", hint: "claude --dangerously-skip-permissions" }, { name: "shell" }];
const backends = [
  { name: "docker", hint: "containers", usable: true },
  { name: "smolmachines", hint: "microVMs", usable: true },
];
const base: DecideStartOptions = { agents, backends, flags: {}, answers: {}, mode: "picker", cwd: "/home/me/app" };
const decide = (overrides: Partial<DecideStartOptions>) => decideStart({ ...base, ...overrides });

describe("decideStart in the picker", () => {
  test("asks for the agent first, preselecting the first one", () => {
    expect(decide({})).toMatchObject({ kind: "ask", question: { key: "agent", message: "Which agent?", initial: "claude" } });
  });

  test("never asks which agent when there is only one", () => {
    expect(decide({ agents: [{ name: "claude" }] })).toMatchObject({ kind: "ask", question: { key: "backend" } });
  });

  test("lists every agent with its command as a hint", () => {
    const decision = decide({});
    if (decision.kind !== "ask" || decision.question.key !== "agent") throw new Error(`unexpected ${JSON.stringify(decision)}`);
    expect(decision.question.options).toEqual([
      { value: "claude", label: "claude", hint: "claude --dangerously-skip-permissions" },
      { value: "shell", label: "shell" },
    ]);
  });

  test("then the backend, defaulting to docker", () => {
    const decision = decide({ answers: { agent: "shell" } });
    expect(decision.kind === "ask" && decision.question.key).toBe("backend");
    if (decision.kind === "ask" && decision.question.key === "backend") {
      expect(decision.question.initial).toBe("docker");
      expect(decision.question.options.map((option) => option.value)).toEqual(["docker", "smolmachines"]);
    }
  });

  test("then whether to copy the current directory, defaulting to no", () => {
    const decision = decide({ answers: { agent: "shell", backend: "docker" } });
    expect(decision).toEqual({
      kind: "ask",
      question: { key: "copyCwd", message: "Copy /home/me/app into the workspace?", initial: false },
    });
  });

  test("lists the registered backends with their own summaries; one that cannot run here is shown disabled with why", () => {
    const decision = decide({
      answers: { agent: "shell" },
      backends: [{ name: "docker", usable: false, reason: "the Docker engine is not running" }, ...backends.slice(1), { name: "kubernetes", usable: true }],
    });
    if (decision.kind !== "ask" || decision.question.key !== "backend") throw new Error(`unexpected ${JSON.stringify(decision)}`);
    expect(decision.question.options).toEqual([
      { value: "docker", label: "docker", hint: "cannot run here: the Docker engine is not running", disabled: true },
      { value: "smolmachines", label: "smolmachines", hint: "microVMs" },
      { value: "kubernetes", label: "kubernetes" },
    ]);
    // The default backend cannot run here: the first one that can is preselected.
    expect(decision.question.initial).toBe("smolmachines");
  });

  test("no backend that can run here is a usage error naming each one's reason", () => {
    const decision = decide({ answers: { agent: "shell" }, backends: [{ name: "docker", usable: false, reason: "docker is not installed" }] });
    expect(decision).toEqual({ kind: "usage", message: "no backend can run here (docker: docker is not installed)", hint: "`bottle doctor` says what is missing and how to fix it" });
  });

  test("--dry-run never asks to start", () => {
    expect(decide({ flags: { dryRun: true }, answers: { agent: "shell", backend: "docker", copyCwd: false } })).toMatchObject({ kind: "ready", confirm: false });
  });

  test("ends ready, asking for confirmation", () => {
    const decision = decide({ answers: { agent: "shell", backend: "smolmachines", copyCwd: true } });
    expect(decision).toEqual({ kind: "ready", agent: "shell", backend: "smolmachines", copyCwd: true, confirm: true });
  });

  test("flags skip their questions and win over answers; --yes skips the confirmation", () => {
    expect(decide({ flags: { agent: "shell" } })).toMatchObject({ kind: "ask", question: { key: "backend" } });
    expect(decide({ flags: { agent: "shell", backend: "docker" } })).toMatchObject({ kind: "ask", question: { key: "copyCwd" } });
    const decision = decide({
      flags: { agent: "shell", backend: "smolmachines", copyCwd: false, yes: true },
      answers: { agent: "claude", backend: "docker", copyCwd: true },
    });
    expect(decision).toEqual({ kind: "ready", agent: "shell", backend: "smolmachines", copyCwd: false, confirm: false });
  });
});

describe("decideStart without a person", () => {
  test("an ambiguous agent is a usage error naming AGENT and the choices", () => {
    const decision = decide({ mode: "none" });
    expect(decision.kind).toBe("usage");
    if (decision.kind === "usage") {
      expect(decision.message).toBe("no agent chosen: pass AGENT (one of: claude, shell) or run on a terminal");
      expect(decision.hint).toContain("bottle start claude");
    }
  });

  test("a single agent proceeds with the defaults: docker, empty workspace, no confirmation", () => {
    expect(decide({ mode: "none", agents: [{ name: "claude" }] })).toEqual({
      kind: "ready",
      agent: "claude",
      backend: "docker",
      copyCwd: false,
      confirm: false,
    });
  });

  test("bare `bottle` (the picker) is a usage error even with one agent: nobody to pick", () => {
    const decision = decide({ mode: "none", picker: true, agents: [{ name: "claude" }] });
    expect(decision.kind).toBe("usage");
    if (decision.kind === "usage") {
      expect(decision.message).toContain("needs a terminal");
      expect(decision.hint).toContain("bottle start claude");
    }
  });

  test("flags still count", () => {
    expect(decide({ mode: "none", flags: { agent: "shell", backend: "smolmachines", copyCwd: true } })).toEqual({
      kind: "ready",
      agent: "shell",
      backend: "smolmachines",
      copyCwd: true,
      confirm: false,
    });
  });
});

describe("decideStart for a command on a terminal", () => {
  test("asks only which agent, when there are several", () => {
    expect(decide({ mode: "terminal" })).toMatchObject({ kind: "ask", question: { key: "agent" } });
    expect(decide({ mode: "terminal", answers: { agent: "shell" } })).toEqual({
      kind: "ready",
      agent: "shell",
      backend: "docker",
      copyCwd: false,
      confirm: false,
    });
    expect(decide({ mode: "terminal", agents: [{ name: "claude" }] })).toMatchObject({ kind: "ready", agent: "claude" });
  });
});

describe("decideStart refuses", () => {
  test("an unknown agent, with a did-you-mean", () => {
    expect(decide({ flags: { agent: "shel" } })).toEqual({
      kind: "usage",
      message: "unknown agent: shel (one of: claude, shell)",
      hint: "did you mean `shell`?",
    });
  });

  test("a manifest without agents", () => {
    expect(decide({ agents: [] })).toMatchObject({ kind: "usage", message: "the manifest defines no agents" });
  });
});
