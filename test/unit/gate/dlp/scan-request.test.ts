import { expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { fakeCredentials } from "./fake-credentials.ts";

/** Issue 9, finding 5 (behaviour, not speed: that is bench/dlp): the async scan
 * gives the event loop back between slices, stops at its budget and says so. */

const scanner = createScanner({ heldSecrets: [] });
const github = fakeCredentials(5)["github-token"] ?? "";
const hostile = new TextEncoder().encode(`eyJ${"ey".repeat(524_288)}`);

test("a 1 MiB hostile body is scanned in slices: other callbacks run meanwhile", async () => {
  let turns = 0;
  let scanning = true;
  const tick = (): void => {
    if (!scanning) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  // sliceMs 0: give the loop back after every slice (by default, after ~4 ms of work).
  const report = await scanner.scanRequest({ target: "/upload", body: hostile, contentType: "text/plain" }, { sliceMs: 0 });
  scanning = false;
  expect(report.findings).toEqual([]);
  // A turn per 64 KiB slice at least (16 in a MiB): a synchronous scan would give none.
  expect(turns).toBeGreaterThanOrEqual(16);
});

test("the same findings as the synchronous scan, for every part", async () => {
  const body = new TextEncoder().encode(`{"k":"${github}"}`);
  const report = await scanner.scanRequest({ target: `http://h.example/x?t=${github}`, headers: ["X-Token", github], body });
  for (const where of ["url.query", "header:x-token", "body"]) expect(report.findings).toContainEqual({ kind: "github-token", where });
  // `X-Token: <value>` is also a key/value pair.
  expect(report.findings).toContainEqual({ kind: "key-value-secret", where: "header:x-token" });
  expect(report.incomplete).toEqual([]);
});

test("a scan that reaches its budget stops and says so", async () => {
  const report = await scanner.scanRequest({ body: hostile }, { maxScanMs: 0, sliceMs: 0 });
  expect(report.incomplete).toContain("scan-budget");
});

test("header names are scanned as sent: a case-sensitive secret in a name is found", async () => {
  const name = Buffer.from(github).toString("base64url");
  const report = await scanner.scanRequest({ headers: [name, "1"] });
  expect(report.findings).toContainEqual({ kind: "github-token", where: "header:[REDACTED]" });
  // What lower-casing the names first (as the handlers did) hides:
  expect(scanner.scanHeaders([[name.toLowerCase(), "1"]])).toEqual([]);
});

test("a body prefix is said to be one", async () => {
  const report = await scanner.scanRequest({ body: new TextEncoder().encode("first MiB"), bodyTruncated: true });
  expect(report.incomplete).toEqual(["body-beyond-prefix"]);
});
