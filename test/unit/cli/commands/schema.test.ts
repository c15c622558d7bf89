import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../../../src/cli/commands/schema.ts";
import { commandContext, workdir } from "../context.ts";

describe("bottle schema", () => {
  test("prints the committed JSON Schema", async () => {
    const { cwd, env } = workdir();
    const { context, stdout } = commandContext({ cwd, env });
    expect(await run(context)).toBe(0);
    expect(stdout.text()).toBe(readFileSync(join(import.meta.dir, "../../../../src/manifest/bottle.schema.json"), "utf8"));
    expect(JSON.parse(stdout.text()).title).toContain("bottle");
  });
});
