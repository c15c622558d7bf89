import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { run } from "../../../../src/cli/commands/validate.ts";
import { commandContext, workdir } from "../context.ts";

const BAD = "version: 1\nagents:\n  claude:\n    comand: [claude]\n    bottle: nowhere\n";

describe("bottle validate", () => {
  test("a valid ./bottle.yaml prints `FILE: ok` and exits 0", async () => {
    const { cwd, env } = workdir("version: 1\nagents:\n  claude: {}\n");
    const { context, stdout, stderr } = commandContext({ cwd, env });
    expect(await run(context)).toBe(0);
    expect(stdout.text()).toBe("bottle.yaml: ok\n");
    expect(stderr.text()).toBe("");
  });

  test("every problem goes to stderr as FILE:LINE:COL, exit 1", async () => {
    const { cwd, env } = workdir();
    writeFileSync(join(cwd, "other.yaml"), BAD);
    const { context, stdout, stderr } = commandContext({ cwd, env, positionals: ["other.yaml"] });
    expect(await run(context)).toBe(1);
    expect(stdout.text()).toBe("");
    expect(stderr.text()).toBe(
      [
        'other.yaml:4:5: unknown key "comand" (did you mean "command"?)',
        'other.yaml:5:13: agent "claude" uses bottle "nowhere", which is not defined under `bottles` (known: default)',
        "other.yaml: 2 problems",
        "",
      ].join("\n"),
    );
  });

  test("--json prints { ok, file, problems } on stdout", async () => {
    const { cwd, env } = workdir(BAD);
    const { context, stdout } = commandContext({ cwd, env, flags: { json: true, manifest: "bottle.yaml" } });
    expect(await run(context)).toBe(1);
    const report = JSON.parse(stdout.text());
    expect(report.ok).toBe(false);
    expect(report.file).toBe("bottle.yaml");
    expect(report.problems[0]).toEqual({ file: "bottle.yaml", line: 4, col: 5, message: 'unknown key "comand" (did you mean "command"?)' });
    expect(report.problems).toHaveLength(2);
  });

  test("with no manifest anywhere it checks the built-in one", async () => {
    const { cwd, env } = workdir();
    const { context, stdout } = commandContext({ cwd, env, flags: { json: true } });
    expect(await run(context)).toBe(0);
    expect(JSON.parse(stdout.text())).toEqual({ ok: true, file: "<built-in>", problems: [] });
  });

  test("a FILE that does not exist is a BottleError with a hint", async () => {
    const { cwd, env } = workdir();
    const { context } = commandContext({ cwd, env, positionals: ["missing.yaml"] });
    await expect(run(context)).rejects.toThrow("manifest not found: missing.yaml");
  });
});
