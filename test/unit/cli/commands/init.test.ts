import { describe, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../../../src/cli/commands/init.ts";
import { BottleError } from "../../../../src/core/errors.ts";
import { parseManifest } from "../../../../src/manifest/parse-manifest.ts";
import { commandContext, workdir } from "../context.ts";

describe("bottle init", () => {
  test("writes a valid, commented bottle.yaml", async () => {
    const { cwd, env } = workdir();
    const { context, stdout } = commandContext({ cwd, env });
    expect(await run(context)).toBe(0);
    const text = readFileSync(join(cwd, "bottle.yaml"), "utf8");
    expect(parseManifest("bottle.yaml", text).problems).toEqual([]);
    expect(text).toContain("# ");
    expect(statSync(join(cwd, "bottle.yaml")).isFile()).toBe(true);
    expect(stdout.text()).toContain("bottle validate");
  });

  test("refuses to overwrite without --force, with a hint", async () => {
    const { cwd, env } = workdir("mine\n");
    const { context } = commandContext({ cwd, env });
    const error = await run(context).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BottleError);
    expect((error as BottleError).message).toContain("bottle.yaml already exists");
    expect((error as BottleError).hint).toContain("--force");
    expect(readFileSync(join(cwd, "bottle.yaml"), "utf8")).toBe("mine\n");
  });

  test("--force overwrites", async () => {
    const { cwd, env } = workdir();
    writeFileSync(join(cwd, "bottle.yaml"), "mine\n");
    const { context } = commandContext({ cwd, env, flags: { force: true } });
    expect(await run(context)).toBe(0);
    expect(readFileSync(join(cwd, "bottle.yaml"), "utf8")).toContain("version: 1");
  });
});
