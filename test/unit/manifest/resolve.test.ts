import { describe, expect, test } from "bun:test";
import { BottleError, UsageError } from "../../../src/core/errors.ts";
import { isIdentity } from "../../../src/core/identity.ts";
import { DEFAULT_MANIFEST } from "../../../src/manifest/default-manifest.ts";
import { BUILT_IN, type LoadedManifest } from "../../../src/manifest/load.ts";
import { parseManifest } from "../../../src/manifest/parse-manifest.ts";
import { agentNames, resolveStart } from "../../../src/manifest/resolve.ts";

function loaded(text: string): LoadedManifest {
  const { manifest, problems } = parseManifest("bottle.yaml", text);
  if (manifest === undefined) throw new Error(problems.map((problem) => problem.message).join("\n"));
  return { manifest, file: "/p/bottle.yaml", dir: "/p" };
}

const two = loaded(`version: 1
agents:
  claude:
    env:
      GIT_AUTHOR_NAME: Bottle
      GH_TOKEN: \${GH_TOKEN}
      GITHUB_TOKEN: \${MY_GH}
  shell:
    command: [bash]
    bottle: tight
bottles:
  tight:
    runtime: runsc
`);

describe("resolveStart", () => {
  test("the built-in default resolves to claude in the default bottle", () => {
    const spec = resolveStart({ manifest: DEFAULT_MANIFEST, file: BUILT_IN, dir: "/w" }, { env: {} });
    expect(spec.agentName).toBe("claude");
    expect(spec.bottleName).toBe("default");
    expect(spec.agent.command).toEqual(["claude", "--dangerously-skip-permissions"]);
    expect(spec.bottle.egress.routes[0]?.roles).toEqual(["claude_code_oauth"]);
    expect(isIdentity(spec.identity)).toBe(true);
    expect(spec.identity.startsWith("claude-")).toBe(true);
    expect(spec.manifestDir).toBe("/w");
  });

  test("splits env into literal values and forwarded names, never copying host values", () => {
    const spec = resolveStart(two, { agent: "claude", env: { GH_TOKEN: "secret-value", MY_GH: "other-secret" }, copyFrom: "/src", prompt: "hi", identity: "claude-abcdefgh" });
    // `forwarded` pairs each agent key with the host variable it comes from, by name only.
    expect(spec.env).toEqual({
      literal: { GIT_AUTHOR_NAME: "Bottle" },
      forwarded: [
        { key: "GH_TOKEN", from: "GH_TOKEN" },
        { key: "GITHUB_TOKEN", from: "MY_GH" },
      ],
    });
    expect(JSON.stringify(spec)).not.toContain("secret");
    expect(spec).toMatchObject({ identity: "claude-abcdefgh", copyFrom: "/src", prompt: "hi", manifestDir: "/p" });
  });

  test("a missing forwarded host variable is an error naming it and where it is used", () => {
    const call = () => resolveStart(two, { agent: "claude", env: { GH_TOKEN: "x" } });
    expect(call).toThrow(BottleError);
    expect(call).toThrow('host variable MY_GH is not set (agent "claude" forwards it as env GITHUB_TOKEN in /p/bottle.yaml)');
  });

  test("an agent's named bottle is resolved", () => {
    const spec = resolveStart(two, { agent: "shell", env: {} });
    expect(spec.bottleName).toBe("tight");
    expect(spec.bottle.runtime).toBe("runsc");
  });

  test("with several agents and none named, a usage error names AGENT and the picker", () => {
    const call = () => resolveStart(two, { env: { GH_TOKEN: "x", MY_GH: "y" } });
    expect(call).toThrow(UsageError);
    expect(call).toThrow("/p/bottle.yaml defines 2 agents (claude, shell): name one");
    try {
      call();
    } catch (error) {
      expect((error as UsageError).hint).toContain("AGENT");
      expect((error as UsageError).exitCode).toBe(2);
    }
  });

  test("an unknown agent is a usage error listing the agents", () => {
    expect(() => resolveStart(two, { agent: "nope", env: {} })).toThrow('no agent "nope" in /p/bottle.yaml');
  });

  test("agentNames lists agents in manifest order", () => {
    expect(agentNames(two)).toEqual(["claude", "shell"]);
  });
});

describe("prompt_file", () => {
  const withPromptFile = (dir: string, file: string): LoadedManifest => {
    const { manifest } = parseManifest("bottle.yaml", `version: 1\nagents:\n  claude:\n    prompt_file: ${file}\n`);
    return { manifest: manifest!, file: `${dir}/bottle.yaml`, dir };
  };

  test("is read from the manifest's folder into the agent's first prompt", async () => {
    const dir = (await import("node:fs")).mkdtempSync(`${(await import("node:os")).tmpdir()}/prompt-file-`);
    await Bun.write(`${dir}/prompts/first.md`, "Fix the failing test.\nThen run it.\n\n");
    const spec = resolveStart(withPromptFile(dir, "./prompts/first.md"), { env: {} });
    expect(spec.agent.prompt).toBe("Fix the failing test.\nThen run it.");
  });

  test("a missing or empty file stops the start, naming the agent and the path", async () => {
    const dir = (await import("node:fs")).mkdtempSync(`${(await import("node:os")).tmpdir()}/prompt-file-`);
    const missing = (() => {
      try {
        resolveStart(withPromptFile(dir, "gone.md"), { env: {} });
      } catch (error) {
        return error;
      }
    })();
    expect(missing).toBeInstanceOf(BottleError);
    expect((missing as BottleError).message).toBe(`agent "claude" has prompt_file ${dir}/gone.md, which cannot be read (ENOENT)`);
    await Bun.write(`${dir}/empty.md`, "\n");
    expect(() => resolveStart(withPromptFile(dir, "empty.md"), { env: {} })).toThrow("which is empty");
  });
});
