import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allowEntry, approvedAllow, withApprovals } from "../../../../../src/gate/services/supervise/approved-egress.ts";
import type { SuperviseRequest } from "../../../../../src/gate/services/supervise/request-schema.ts";
import { newRequestId, RequestStore } from "../../../../../src/gate/services/supervise/request-store.ts";

const root = mkdtempSync(join(tmpdir(), "bottle-requests-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function egressRequest(host: string, expiresInMs = 60_000, ports?: number[]): SuperviseRequest {
  const now = Date.now();
  return {
    id: newRequestId(),
    time: new Date(now).toISOString(),
    expires_at: new Date(now + expiresInMs).toISOString(),
    tool: "request-egress",
    arguments: { host, ...(ports === undefined ? {} : { ports }) },
    justification: "because",
  };
}

test("requests and decisions are private files; the folder is 0700; no temp file is left", () => {
  const store = new RequestStore(join(root, "modes"));
  const request = egressRequest("a.example");
  store.create(request);
  store.decide(request.id, { status: "approved", time: new Date().toISOString(), by: "person" });
  expect(statSync(store.dir).mode & 0o777).toBe(0o700);
  for (const name of readdirSync(store.dir)) expect(statSync(join(store.dir, name)).mode & 0o777).toBe(0o600);
  expect(readdirSync(store.dir).sort()).toEqual([`${request.id}.decision.json`, `${request.id}.json`]);
});

test("the first decision wins; a second one is refused and changes nothing", () => {
  const store = new RequestStore(join(root, "race"));
  const request = egressRequest("b.example");
  store.create(request);
  expect(store.decide(request.id, { status: "denied", note: "no", time: new Date().toISOString(), by: "person" }).decided).toBe(true);
  const second = store.decide(request.id, { status: "approved", time: new Date().toISOString(), by: "person" });
  expect(second.decided).toBe(false);
  expect(store.read(request.id)?.status).toBe("denied");
});

test("an undecided request past its expiry reads as expired and cannot be approved", () => {
  const store = new RequestStore(join(root, "expiry"));
  const request = egressRequest("c.example", -1);
  store.create(request);
  expect(store.read(request.id)?.status).toBe("expired");
  expect(store.decide(request.id, { status: "approved", time: new Date().toISOString(), by: "person" }).decided).toBe(false);
});

test("ids are checked before they touch a path; files that do not validate are skipped", () => {
  const store = new RequestStore(join(root, "hostile"));
  store.create(egressRequest("d.example"));
  expect(store.read("../../etc/passwd")).toBeUndefined();
  writeFileSync(join(store.dir, "req-bbbbbbbbbb.json"), "{not json", { mode: 0o600 });
  writeFileSync(join(store.dir, "req-cccccccccc.json"), JSON.stringify({ id: "req-dddddddddd" }), { mode: 0o600 });
  expect(store.list().map((view) => view.request.arguments.host)).toEqual(["d.example"]);
});

test("only approved egress requests widen the policy, and deny still wins", () => {
  const store = new RequestStore(join(root, "fold"));
  const [yes, no, open] = [egressRequest("yes.example"), egressRequest("no.example"), egressRequest("open.example")];
  for (const request of [yes, no, open]) store.create(request);
  store.decide(yes.id, { status: "approved", time: new Date().toISOString(), by: "person" });
  store.decide(no.id, { status: "denied", time: new Date().toISOString(), by: "person" });
  const approved = approvedAllow(store.list());
  expect(approved).toEqual(["yes.example"]);
  const egress = withApprovals({ allow: ["base.example"], deny: ["yes.example"], allow_cidrs: [], routes: [], dlp: { action: "block" } }, approved);
  expect(egress.allow).toEqual(["base.example", "yes.example"]);
  expect(egress.deny).toEqual(["yes.example"]);
});

test("an approved request naming ports becomes an allow entry with them (the tunnel ports), sorted, once each", () => {
  expect(allowEntry("a.example.com", [8443, 443, 8443])).toBe("a.example.com:443,8443");
  expect(allowEntry("*.x.example", [9000])).toBe("*.x.example:9000");
  expect(allowEntry("b.example", undefined)).toBe("b.example");
  const store = new RequestStore(join(root, "ports"));
  const request = egressRequest("ports.example", 60_000, [8443]);
  store.create(request);
  store.decide(request.id, { status: "approved", time: new Date().toISOString(), by: "person" });
  expect(approvedAllow(store.list())).toEqual(["ports.example:8443"]);
});
