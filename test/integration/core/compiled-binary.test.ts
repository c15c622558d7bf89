import { beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { VERSION } from "../../../src/core/version.ts";
import { compile, ENTRY } from "../../../scripts/compile.ts";

let binary = "";
let cwd = "";
let marker = "";
let env: Record<string, string> = {};

/**
 * A directory a user might start bottle from: a `.env` that would point bottle at a
 * manifest that does not exist, and a `bunfig.toml` whose preload leaves a marker file.
 */
async function hostileCwd(root: string): Promise<void> {
  cwd = join(root, "project");
  marker = join(root, "preloaded");
  await mkdir(cwd);
  await writeFile(join(cwd, ".env"), "BOTTLE_MANIFEST=/nonexistent/bottle-from-dotenv.yaml\n");
  await writeFile(join(cwd, "bunfig.toml"), 'preload = ["./preload.ts"]\n');
  await writeFile(join(cwd, "preload.ts"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");\n`);
  // No user manifest either: the built-in default must be what validate checks.
  env = { HOME: root, XDG_CONFIG_HOME: join(root, "config") };
}

describe("the compiled binary", () => {
  beforeAll(async () => {
    expect(process.env.BOTTLE_MANIFEST).toBeUndefined();
    const root = await mkdtemp(join(tmpdir(), "bottle-binary-"));
    binary = await compile({ outfile: join(root, "bottle") });
    await hostileCwd(root);
  }, 300_000);

  test("prints its version", async () => {
    const { stdout } = await processRunner.run([binary, "--version"]);
    expect(stdout).toBe(`bottle ${VERSION}\n`);
  });

  test("the probe works: `bun` itself loads the .env and bunfig.toml of its cwd", async () => {
    const result = await processRunner.run([process.execPath, ENTRY, "validate"], { cwd, env, check: false });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("bottle-from-dotenv.yaml");
    expect(existsSync(marker)).toBe(true);
  });

  test("ignores a .env and a bunfig.toml in its cwd", async () => {
    await rm(marker, { force: true });
    const result = await processRunner.run([binary, "validate"], { cwd, env, check: false });
    expect(result.stderr).not.toContain("bottle-from-dotenv.yaml");
    expect(result.exitCode).toBe(0);
    expect(existsSync(marker)).toBe(false);
  });
});
