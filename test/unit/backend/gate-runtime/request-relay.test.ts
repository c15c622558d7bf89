import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { relayFile, syncBottleRequests, writeRequestRelay } from "../../../../src/backend/gate-runtime/request-relay.ts";
import { processRunner } from "../../../../src/core/runner.ts";
import { requestsDir } from "../../../../src/gate/services/supervise/bottle-requests.ts";
import { RequestStore } from "../../../../src/gate/services/supervise/request-store.ts";

const ROOT = join(import.meta.dir, "../../../..");
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/**
 * A "gate" folder and a bottle state folder on this host, joined only by the relay: the
 * real `bottle gate requests` run as a process, as `docker exec` would run it.
 */
async function world() {
  const root = await mkdtemp(join(tmpdir(), "bottle-relay-"));
  dirs.push(root);
  const gateDir = join(root, "gate-requests");
  const config = join(root, "gate.json");
  await writeFile(config, JSON.stringify({ listen: "127.0.0.1:0", supervise: { requests: gateDir } }));
  const stateDir = join(root, "state", "claude-abcdefgh");
  await writeRequestRelay(stateDir, [process.execPath, join(ROOT, "src/cli/main.ts"), "gate", "requests", "--config", config]);
  return { gate: new RequestStore(gateDir), mirror: new RequestStore(requestsDir(stateDir)), stateDir };
}

let asked = Date.now();
/** A request, each a millisecond after the one before (lists are oldest first). */
const request = (id: string) => ({
  id,
  time: new Date(++asked).toISOString(),
  expires_at: new Date(Date.now() + 60_000).toISOString(),
  tool: "request-egress" as const,
  arguments: { host: "example.org" },
  justification: "docs",
});

describe("the supervise requests relay (a gate folder this host cannot share)", () => {
  test("requests come into the mirror 0600; a decision made here goes to the gate; the gate's first decision wins", async () => {
    const { gate, mirror, stateDir } = await world();
    gate.create(request("req-aaaaaaaaaa"));
    gate.create(request("req-bbbbbbbbbb"));
    await syncBottleRequests(processRunner, stateDir);
    expect(mirror.list().map((view) => [view.request.id, view.status])).toEqual([["req-aaaaaaaaaa", "pending"], ["req-bbbbbbbbbb", "pending"]]);
    expect(statSync(join(mirror.dir, "req-aaaaaaaaaa.json")).mode & 0o777).toBe(0o600);

    // Here a person approves a; there the gate (or another person) already denied b.
    mirror.decide("req-aaaaaaaaaa", { status: "approved", time: new Date().toISOString(), by: "person" });
    gate.decide("req-bbbbbbbbbb", { status: "denied", note: "first", time: new Date().toISOString(), by: "gate" });
    mirror.decide("req-bbbbbbbbbb", { status: "approved", time: new Date().toISOString(), by: "person" });
    await syncBottleRequests(processRunner, stateDir);
    expect(gate.read("req-aaaaaaaaaa")?.status).toBe("approved");
    expect(gate.read("req-bbbbbbbbbb")).toMatchObject({ status: "denied", decision: { note: "first" } });
    // The mirror is the gate's folder again: b's local approval did not stand.
    expect(mirror.read("req-bbbbbbbbbb")).toMatchObject({ status: "denied", decision: { note: "first" } });
    // No temp files are left in the mirror.
    expect((await readdir(mirror.dir)).filter((name) => name.startsWith("."))).toEqual([]);
  });

  test("a file the gate no longer has leaves the mirror; a gate that cannot be reached is an error naming it", async () => {
    const { gate, mirror, stateDir } = await world();
    gate.create(request("req-cccccccccc"));
    await syncBottleRequests(processRunner, stateDir);
    await rm(join(gate.dir, "req-cccccccccc.json"));
    await syncBottleRequests(processRunner, stateDir);
    expect(mirror.list()).toEqual([]);

    await writeRequestRelay(stateDir, ["false"]);
    await expect(syncBottleRequests(processRunner, stateDir)).rejects.toThrow("cannot reach the gate's requests (false exited 1)");
    // No relay: a local folder, left alone.
    await writeRequestRelay(stateDir, undefined);
    expect(existsSync(relayFile(stateDir))).toBe(false);
    await syncBottleRequests(processRunner, stateDir);
  });
});
