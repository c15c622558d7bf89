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

describe("an encoded run longer than a slice is read at its own alignment in every slice", () => {
  // The attack (a hunt for leaks, this round): slices start at multiples of 32 KiB, and a
  // run cut there was read from the cut. A JSON field's base64 starts at byte 9 or 12
  // (`{"file":"`, `{"content":"`): at three of four starts, every slice after the first
  // decoded garbage, and a key past the first ~36 KiB of the field was never seen.
  const token = `ghp_${"Zq7".repeat(12)}`;
  const line = "const total = items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n";
  const file = `${line.repeat(700)}// deploy token: ${token}\n${line.repeat(100)}`;

  for (const field of ["f", "fi", "fil", "file"]) {
    test(`base64 in {"${field}":…} (its run starts at ${field.length + 5})`, () => {
      expect(kinds(`{"${field}":"${Buffer.from(file).toString("base64")}"}`)).toContain("github-token");
    });
  }

  for (const prefix of ["{\"h\":\"", "{\"hx\":\""]) {
    test(`hex starting at ${prefix.length}`, () => {
      expect(kinds(`${prefix}${Buffer.from(file).toString("hex")}"}`)).toContain("github-token");
    });
  }

  test("base32 starting at every offset of its groups", () => {
    const base32 = (bytes: Buffer): string => {
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
      let bits = 0;
      let value = 0;
      let out = "";
      for (const byte of bytes) {
        value = (value << 8) | byte;
        bits += 8;
        while (bits >= 5) out += alphabet[(value >>> (bits -= 5)) & 31];
      }
      return out;
    };
    const encoded = base32(Buffer.from(file.slice(30_000)));
    for (let pad = 0; pad < 8; pad++) expect(kinds(`${"word ".repeat(6_000)}${" ".repeat(pad)}${encoded} end`)).toContain("github-token");
  });

  test("base64 with every 97th character a JSON escape is read at its own alignment in its decoded view's later slices", () => {
    // Only the string-escape view has the run whole (the raw text's runs end at each
    // backslash), and the body's slices cut it there, at a place the agent chose.
    const encoded = Buffer.from(file).toString("base64");
    const escaped = [...encoded].map((char, index) => (index % 97 === 96 ? `\\u00${char.charCodeAt(0).toString(16)}` : char)).join("");
    for (const field of ["d", "da", "dat", "data"]) expect(kinds(`{"${field}":"${escaped}"}`)).toContain("github-token");
  });

  test("a body that continues a frame's carried tail is read at every offset of a run it starts inside", () => {
    const encoded = Buffer.from(file).toString("base64");
    const at = Math.floor((file.indexOf(token) * 4) / 3) - 1_000;
    const continued = (shift: number) => new TextEncoder().encode(encoded.slice(at + shift));
    for (let shift = 0; shift < 4; shift++) {
      expect(scanner.scanBody(continued(shift), "text/plain", undefined, true).map((finding) => finding.kind)).toContain("github-token");
    }
  });
});
