import { expect, test } from "bun:test";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as v from "valibot";
import type { AuditEntry } from "../../../../../src/gate/audit.ts";
import { SuperviseConfigSchema } from "../../../../../src/gate/services/supervise/supervise-config.ts";
import { Supervisor } from "../../../../../src/gate/services/supervise/supervisor.ts";

test("unattended, requests are denied at once and recorded only up to the folder's cap", async () => {
  // The attack (a hunt for leaks, this round): denied at once, no request stayed
  // pending, so the pending cap never applied; 600 calls left 1,800 files on the host.
  const requests = await mkdtemp(join(tmpdir(), "supervisor-cap-"));
  const lines: AuditEntry[] = [];
  const supervisor = new Supervisor(v.parse(SuperviseConfigSchema, { requests, attended: false }), { record: (entry) => void lines.push(entry), close: async () => {} }, () => {}, 5);
  try {
    const answers = Array.from({ length: 8 }, (_, n) => supervisor.ask("request-egress", { host: `h${n}.example.com` }, `needed h${n}`, "agent"));
    expect(answers.map((answer) => (typeof answer === "string" ? answer : answer.status))).toEqual([...Array(5).fill("denied"), ...Array(3).fill("too-many-stored")]);
    const kept = supervisor.store.list();
    expect(kept).toHaveLength(5);
    // Nothing past the cap reached the folder: the five kept are the first five asked.
    expect(kept.map((view) => view.request.justification).sort()).toEqual(["needed h0", "needed h1", "needed h2", "needed h3", "needed h4"]);
    expect((await readdir(requests)).length).toBeGreaterThan(0);
    expect(lines.filter((line) => line.supervise !== undefined).length).toBe(10);
  } finally {
    supervisor.close();
    await rm(requests, { recursive: true, force: true });
  }
});
