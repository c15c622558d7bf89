import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { SLICE, SLICE_OVERLAP } from "../../../../src/gate/dlp/scan-body.ts";

/**
 * A body's text is searched for JWTs whole, in slice-sized steps (so a MiB of
 * JWT-like fragments does not hold the event loop), and its slices then skip the
 * format. A JWT longer than the slices' overlap, across a step's end, must be found.
 */
const b64url = (value: string): string => Buffer.from(value).toString("base64url");
const jwt = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify({ sub: "agent", data: "q".repeat(6000) }))}.${"s".repeat(43)}`;
const scanner = createScanner({ heldSecrets: [] });
const kinds = (text: string): string[] => scanner.scanBody(new TextEncoder().encode(text), "text/plain").map((finding) => finding.kind);

test("a JWT longer than the slice overlap, starting just before a step's end", () => {
  expect(jwt.length).toBeGreaterThan(SLICE_OVERLAP + 100);
  const before = "word ".repeat(Math.floor((SLICE - 100) / 5));
  expect(kinds(`${before}${jwt} ${"tail ".repeat(SLICE / 5)}`)).toContain("jwt");
});

test("a JWT whose first dot lies in the second step", () => {
  expect(kinds(`${"word ".repeat(Math.floor((SLICE * 1.5) / 5))}${jwt} end`)).toContain("jwt");
});

test("a held secret longer than the slice overlap, in a body of a few slices, is found raw and percent-encoded", () => {
  const long = Array.from({ length: 3 * 1024 }, (_, i) => "abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7919) % 36]).join("");
  const holding = createScanner({ heldSecrets: [long] });
  const body = (inner: string) => new TextEncoder().encode(`${"word ".repeat(Math.floor((SLICE - 1000) / 5))}${inner} ${"tail ".repeat(SLICE / 5)}`);
  const heldKinds = (inner: string) => holding.scanBody(body(inner), "text/plain").map((finding) => finding.kind);
  // Every character percent-encoded: ~9 KiB, more than the 4 KiB overlap, across a slice's end.
  const percent = [...long].map((char) => `%${char.charCodeAt(0).toString(16).padStart(2, "0")}`).join("");
  expect(percent.length).toBeGreaterThan(SLICE_OVERLAP * 2);
  expect(heldKinds(percent)).toContain("held-secret");
  const huge = "k".repeat(64 * 1024 - 7) + "-secret";
  const hugeHolding = createScanner({ heldSecrets: [huge] });
  expect(hugeHolding.scanBody(new TextEncoder().encode(`x ${huge} y`), "text/plain").map((finding) => finding.kind)).toContain("held-secret");
});

describe("a CSV body is read against its header past the first slice", () => {
  const plain = createScanner({ heldSecrets: [] });
  const csvKinds = (body: string): string[] => plain.scanBody(new TextEncoder().encode(body), "text/csv").map((finding) => finding.kind);
  const rows = (count: number): string => Array.from({ length: count }, (_, index) => `pw,row${index}`).join("\n");

  test("a secret cell at row 5,000 (54 KB in) is found; without it nothing is", () => {
    expect(csvKinds(`password,name\n${rows(5000)}\nVq7xR2mK9pL4wN8z,last\n`)).toContain("key-value-secret");
    expect(csvKinds(`password,name\n${rows(5000)}\npw,last\n`)).not.toContain("key-value-secret");
  });

  test("a secret row on either side of every step boundary is found", () => {
    for (const pad of [0, 1, 7, 8, 9, 20]) {
      const head = `password,name\n${rows(4600)}`;
      const filler = "x".repeat(Math.max(0, 64 * 1024 - head.length - 1 - pad));
      expect([pad, csvKinds(`${head}\n${filler}\nVq7xR2mK9pL4wN8z,x\n${rows(100)}`)]).toEqual([pad, expect.arrayContaining(["key-value-secret"])]);
    }
  });
});
