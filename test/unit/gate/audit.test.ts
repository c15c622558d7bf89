import { expect, test } from "bun:test";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openAuditLog, type AuditEntry } from "../../../src/gate/audit.ts";

const entry = (path: string): AuditEntry => ({
  time: "2026-01-01T00:00:00.000Z",
  client: "127.0.0.1:1",
  method: "GET",
  host: "a.test",
  path,
  decision: "allow",
  status: 200,
  bytes_up: 0,
  bytes_down: 10,
  duration_ms: 1.5,
});

test("appends one JSON line per decision to a 0600 file, all flushed by close", async () => {
  const dir = await mkdtemp(join(tmpdir(), "audit-"));
  try {
    const file = join(dir, "audit.jsonl");
    const first = openAuditLog(file);
    for (let index = 0; index < 100; index++) first.record(entry(`/${index}`));
    await first.close();
    const second = openAuditLog(file);
    second.record(entry("/again"));
    await second.close();
    const lines = (await readFile(file, "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line) as AuditEntry);
    expect(lines.map((line) => line.path)).toEqual([...Array.from({ length: 100 }, (_, index) => `/${index}`), "/again"]);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
