import { afterAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { processRunner } from "../../../../src/core/runner.ts";

const ROOT = join(import.meta.dir, "../../../..");
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const gate = (args: string[]) => processRunner.run([process.execPath, join(ROOT, "src/cli/main.ts"), "gate", ...args], { check: false, timeoutMs: 60_000 });

describe("bottle gate audit (a backend reads the log of a gate whose files it cannot see)", () => {
  test("prints the audit log's lines as written; no file yet is an empty log; --follow ends with its reader; a gate without an audit file says so", async () => {
    const dir = await mkdtemp(join(tmpdir(), "bottle-gate-audit-"));
    dirs.push(dir);
    const audit = join(dir, "audit.jsonl");
    const config = join(dir, "gate.json");
    await writeFile(config, JSON.stringify({ listen: "127.0.0.1:0", audit }));
    const empty = await gate(["audit", "--config", config]);
    expect({ code: empty.exitCode, stdout: empty.stdout }).toEqual({ code: 0, stdout: "" });
    const lines = ['{"decision":"allow","host":"a.example"}', '{"decision":"block","host":"b.example"}'];
    await writeFile(audit, `${lines.join("\n")}\n`);
    const printed = await gate(["audit", "--config", config]);
    expect({ code: printed.exitCode, stdout: printed.stdout }).toEqual({ code: 0, stdout: `${lines.join("\n")}\n` });
    // Following ends when its reader goes (stdin closes: the exec that ran it ended), not never.
    const followed = await processRunner.run([process.execPath, join(ROOT, "src/cli/main.ts"), "gate", "audit", "--config", config, "--follow"], { check: false, stdin: "", timeoutMs: 20_000 });
    expect({ code: followed.exitCode, timedOut: followed.timedOut, stdout: followed.stdout }).toEqual({ code: 0, timedOut: false, stdout: `${lines.join("\n")}\n` });
    const none = join(dir, "none.json");
    await writeFile(none, JSON.stringify({ listen: "127.0.0.1:0" }));
    const refused = await gate(["audit", "--config", none]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("has no audit key");
  });
});
