import { describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { processRunner } from "../../../src/core/runner.ts";
import { EXPECTED } from "../../fixtures/manifests/expected.ts";

const fixtures = join(import.meta.dir, "../../fixtures/manifests");
const main = join(import.meta.dir, "../../../src/cli/main.ts");
/** By default, the source through the bun running the tests; `BOTTLE_BIN=dist/bottle` tests the binary. */
const BOTTLE = process.env.BOTTLE_BIN ? [resolve(process.env.BOTTLE_BIN)] : [process.execPath, main];

// The real CLI as a person runs it (a process, real files, real exit codes): each error
// class prints its exact FILE:LINE:COL lines on stderr; a valid file prints `FILE: ok`.
describe("bottle validate FILE (the CLI process) on every fixture", () => {
  test("prints each fixture's problems and exits 1, or `FILE: ok` and exits 0", async () => {
    const results = await Promise.all(
      Object.keys(EXPECTED).map((file) =>
        processRunner.run([...BOTTLE, "validate", file], { cwd: fixtures, check: false, timeoutMs: 60_000 }),
      ),
    );
    Object.entries(EXPECTED).forEach(([file, expected], index) => {
      const result = results[index]!;
      if (expected.length === 0) {
        expect({ file, exitCode: result.exitCode, stdout: result.stdout }).toEqual({ file, exitCode: 0, stdout: `${file}: ok\n` });
        return;
      }
      const summary = expected.length === 1 ? "1 problem" : `${expected.length} problems`;
      expect({ file, exitCode: result.exitCode, stderr: result.stderr.split("\n") }).toEqual({
        file,
        exitCode: 1,
        stderr: [...expected, `${file}: ${summary}`, ""],
      });
    });
  }, 120_000);

  test("--json reports the same problems as data", async () => {
    const result = await processRunner.run([...BOTTLE, "validate", "--json", "unknown-key.yaml"], { cwd: fixtures, check: false, timeoutMs: 60_000 });
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; problems: { file: string; line: number; col: number; message: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems.map(({ file, line, col, message }) => `${file}:${line}:${col}: ${message}`)).toEqual(EXPECTED["unknown-key.yaml"]!);
  }, 60_000);
});
