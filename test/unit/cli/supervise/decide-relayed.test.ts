import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decideRequest } from "../../../../src/cli/supervise/decide-request.ts";
import { bottlePaths } from "../../../../src/core/paths.ts";
import { requestsDir } from "../../../../src/gate/services/supervise/bottle-requests.ts";
import { RequestStore } from "../../../../src/gate/services/supervise/request-store.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

const IDENTITY = "claude-abcdefgh";

/** A bottle whose requests folder is a mirror: the "gate's" folder is another store, joined only by `relay`. */
async function world() {
  const root = await mkdtemp(join(tmpdir(), "bottle-decide-relay-"));
  dirs.push(root);
  const paths = bottlePaths({ XDG_STATE_HOME: root });
  const mirror = new RequestStore(requestsDir(paths.bottleState(IDENTITY)));
  const gate = new RequestStore(join(root, "gate-folder"));
  const request = { id: "req-aaaaaaaaaa", time: new Date().toISOString(), expires_at: new Date(Date.now() + 60_000).toISOString(), tool: "request-egress" as const, arguments: { host: "example.org" }, justification: "docs" };
  gate.create(request);
  mirror.create(request);
  /** What `syncBottleRequests` does, in-process: the mirror's decisions to the gate (first wins), then the gate's folder back. */
  const relay = async () => {
    for (const view of mirror.list()) if (view.decision !== undefined) gate.decide(view.request.id, view.decision);
    await rm(mirror.dir, { recursive: true, force: true });
    for (const view of gate.list()) {
      mirror.create(view.request);
      if (view.decision !== undefined) mirror.decide(view.request.id, view.decision);
    }
  };
  return { paths, mirror, gate, relay };
}

describe("deciding a relayed bottle's request (a remote engine, a cluster)", () => {
  test("the decision reaches the gate's folder through the relay", async () => {
    const { paths, gate, relay } = await world();
    const result = await decideRequest(paths, "req-aaaaaaaaaa", { status: "approved", relay });
    expect(result.view.status).toBe("approved");
    expect(gate.read("req-aaaaaaaaaa")?.status).toBe("approved");
  });

  test("one the gate decided first stands: the person is told, and the mirror shows the gate's", async () => {
    const { paths, mirror, gate, relay } = await world();
    gate.decide("req-aaaaaaaaaa", { status: "denied", note: "by the gate", time: new Date().toISOString(), by: "gate" });
    await expect(decideRequest(paths, "req-aaaaaaaaaa", { status: "approved", relay })).rejects.toThrow("req-aaaaaaaaaa is denied already: the first decision stands");
    expect(mirror.read("req-aaaaaaaaaa")).toMatchObject({ status: "denied", decision: { note: "by the gate" } });
  });

  test("a gate that cannot be reached: the error, and the decision taken back (a later look does not deliver it unasked)", async () => {
    const { paths, mirror } = await world();
    const down = async () => {
      throw new Error("cannot reach the gate's requests");
    };
    await expect(decideRequest(paths, "req-aaaaaaaaaa", { status: "approved", relay: down })).rejects.toThrow("cannot reach the gate's requests");
    expect(mirror.read("req-aaaaaaaaaa")?.status).toBe("pending");
    expect(existsSync(join(mirror.dir, "req-aaaaaaaaaa.decision.json"))).toBe(false);
  });
});
