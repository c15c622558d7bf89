import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../../src/core/config-file.ts";
import { BottleError } from "../../../src/core/errors.ts";
import { DEFAULT_MANIFEST } from "../../../src/manifest/default-manifest.ts";
import { BUILT_IN, displayPath, findManifest, loadManifest } from "../../../src/manifest/load.ts";

let root: string;
let cwd: string;
let config: string;
const manifestNaming = (agent: string) => `version: 1\nagents:\n  ${agent}: {}\n`;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "bottle-load-"));
  cwd = join(root, "project");
  config = join(root, "config");
  mkdirSync(cwd);
  mkdirSync(join(config, "bottle"), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("loadManifest discovery", () => {
  test("with nothing anywhere, the built-in default serves", async () => {
    const loaded = await loadManifest({ env: { XDG_CONFIG_HOME: config }, cwd });
    expect(loaded).toEqual({ manifest: DEFAULT_MANIFEST, file: BUILT_IN, dir: cwd });
    expect(loaded.manifest).not.toBe(DEFAULT_MANIFEST);
  });

  test("order: --manifest, $BOTTLE_MANIFEST, ./bottle.yaml, $XDG_CONFIG_HOME/bottle/bottle.yaml", async () => {
    writeFileSync(join(config, "bottle", "bottle.yaml"), manifestNaming("user"));
    const env = { XDG_CONFIG_HOME: config, BOTTLE_MANIFEST: join(root, "from-env.yaml") };
    writeFileSync(env.BOTTLE_MANIFEST, manifestNaming("env"));
    writeFileSync(join(cwd, "bottle.yaml"), manifestNaming("here"));
    writeFileSync(join(cwd, "flag.yaml"), manifestNaming("flag"));
    const agent = async (options: Parameters<typeof loadManifest>[0]) => Object.keys((await loadManifest(options)).manifest.agents)[0];

    expect(await agent({ flag: "flag.yaml", env, cwd })).toBe("flag");
    expect(await agent({ env, cwd })).toBe("env");
    expect(await agent({ env: { ...env, BOTTLE_MANIFEST: "" }, cwd })).toBe("here");
    rmSync(join(cwd, "bottle.yaml"));
    expect(await agent({ env: { XDG_CONFIG_HOME: config }, cwd })).toBe("user");
  });

  test("dir is the manifest's folder, for relative paths in it", async () => {
    mkdirSync(join(root, "elsewhere"));
    writeFileSync(join(root, "elsewhere", "m.yaml"), manifestNaming("a"));
    const loaded = await loadManifest({ flag: "../elsewhere/m.yaml", env: {}, cwd });
    expect(loaded.file).toBe(join(root, "elsewhere", "m.yaml"));
    expect(loaded.dir).toBe(join(root, "elsewhere"));
  });

  test("an explicit path that does not exist is an error naming where it came from", () => {
    expect(() => findManifest({ flag: "missing.yaml", env: {}, cwd })).toThrow("manifest not found: missing.yaml (from --manifest)");
    expect(() => findManifest({ env: { BOTTLE_MANIFEST: "/nope.yaml" }, cwd })).toThrow("(from $BOTTLE_MANIFEST)");
    try {
      findManifest({ flag: "missing.yaml", env: {}, cwd });
    } catch (error) {
      expect((error as BottleError).hint).toContain("bottle init");
    }
  });

  test("a directory given as the manifest is a clear error", async () => {
    await expect(loadManifest({ flag: ".", env: {}, cwd })).rejects.toThrow("manifest is a directory");
  });

  test("problems come back all at once in a ConfigError, with the path relative to cwd", async () => {
    writeFileSync(join(cwd, "bottle.yaml"), "version: 3\nagents:\n  a:\n    comand: x\n");
    const error = await loadManifest({ env: {}, cwd }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      '2 problems in bottle.yaml:\nbottle.yaml:1:10: unsupported version 3: this bottle reads version 1\nbottle.yaml:4:5: unknown key "comand" (did you mean "command"?)',
    );
  });

  test("displayPath keeps paths outside cwd absolute", () => {
    expect(displayPath("/a/b/c.yaml", "/a")).toBe("b/c.yaml");
    expect(displayPath("/x/c.yaml", "/a")).toBe("/x/c.yaml");
  });
});
