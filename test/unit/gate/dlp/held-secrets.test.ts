import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { buildHeldSecretForms, MIN_HELD_SECRET_LENGTH } from "../../../../src/gate/dlp/held-secret-forms.ts";
import { base32, FakeSource, percentAll } from "./fake-credentials.ts";

/** The secrets the gate holds, in every encoding, anywhere in a request. */

const source = new FakeSource(42);
// Deliberately not in any known credential format: only the held-value check can see it.
const held = `corp-internal.${source.token(28)}`;
const scanner = createScanner({ heldSecrets: [held, "short"] });

const b64 = (bytes: Uint8Array | string): string => Buffer.from(bytes).toString("base64");

/** `prefix` bytes before the secret shift the base64/base32 alignment. */
function embedded(prefix: number): Uint8Array {
  const text = `${"#".repeat(prefix)}${held}|trailer`;
  return new TextEncoder().encode(text);
}

const encodings: Record<string, string> = {
  raw: held,
  "encodeURIComponent": encodeURIComponent(held),
  "percent every byte": percentAll(held),
  "percent every byte, lower": percentAll(held).toLowerCase(),
  hex: Buffer.from(held).toString("hex"),
  HEX: Buffer.from(held).toString("hex").toUpperCase(),
  base32: base32(held),
  "base32 lower": base32(held).toLowerCase().replace(/=+$/, ""),
  "base32 at offset 3": base32(embedded(3)),
  "base64 padded": b64(held),
  "base64url unpadded": Buffer.from(held).toString("base64url"),
  "base64 at offset 1": b64(embedded(1)),
  "base64 at offset 2": b64(embedded(2)),
  "base64url at offset 1": Buffer.from(embedded(1)).toString("base64url"),
  // Too long to decode (> 4096 characters): only the precomputed aligned forms find these.
  "inside a large base64 blob, offset 0": b64(Buffer.concat([source.bytes(9000), Buffer.from(held), source.bytes(5000)])),
  "inside a large base64 blob, offset 1": b64(Buffer.concat([source.bytes(9001), Buffer.from(held), source.bytes(5000)])),
  "inside a large base64 blob, offset 2": b64(Buffer.concat([source.bytes(9002), Buffer.from(held), source.bytes(5000)])),
  "inside a large base32 blob, offset 3": base32(Buffer.concat([source.bytes(9003), Buffer.from(held), source.bytes(5000)])),
};

describe("held secrets", () => {
  for (const [name, encoded] of Object.entries(encodings)) {
    test(`${name} in the path, query, a header and a body`, () => {
      const inUrl = encodeURIComponent(encoded);
      expect(scanner.scanUrl(`http://x.example/u/${inUrl}`)).toContainEqual({ kind: "held-secret", where: "url.path" });
      expect(scanner.scanUrl(`http://x.example/u?v=${inUrl}`)).toContainEqual({ kind: "held-secret", where: "url.query" });
      expect(scanner.scanHeaders([["x-blob", encoded]])).toContainEqual({ kind: "held-secret", where: "header:x-blob" });
      const json = new TextEncoder().encode(JSON.stringify({ blob: encoded }));
      expect(scanner.scanBody(json, "application/json")).toContainEqual({ kind: "held-secret", where: "body" });
    });
  }

  test("raw in a binary body is found without a pattern scan", () => {
    const body = Buffer.concat([source.bytes(4096), Buffer.from(held), source.bytes(4096)]);
    expect(scanner.scanBody(body, "application/octet-stream")).toEqual([{ kind: "held-secret", where: "body" }]);
    expect(scanner.scanBody(body, "image/png")).toEqual([{ kind: "held-secret", where: "body" }]);
  });

  test("beyond the 1 MiB pattern bound of a text body", () => {
    const body = Buffer.concat([Buffer.from("x".repeat(1024 * 1024 + 10)), Buffer.from(held)]);
    expect(scanner.scanBody(body, "text/plain")).toEqual([{ kind: "held-secret", where: "body" }]);
  });

  test("in Basic authorization", () => {
    const basic = `Basic ${b64(`bot:${held}`)}`;
    expect(scanner.scanHeaders([["Authorization", basic]])).toEqual([{ kind: "held-secret", where: "header:authorization" }]);
  });

  test("split across path segments", () => {
    expect(scanner.scanUrl(`http://x.example/${held.slice(0, 10)}/${held.slice(10)}`)).toContainEqual({
      kind: "held-secret",
      where: "url.path",
    });
  });

  test("hex and base32 in hostname labels, any case", () => {
    const hex = Buffer.from(held).toString("hex");
    expect(scanner.scanHostname(`${hex.slice(0, 40)}.${hex.slice(40)}.exfil.example`)).toContainEqual({
      kind: "held-secret",
      where: "hostname",
    });
    expect(scanner.scanHostname(`${base32(held).replace(/=+$/, "")}.exfil.example`)).toContainEqual({
      kind: "held-secret",
      where: "hostname",
    });
  });

  test(`values shorter than ${MIN_HELD_SECRET_LENGTH} characters are ignored`, () => {
    expect(scanner.scanUrl("http://x.example/short/shortcake?q=short")).toEqual([]);
    expect(buildHeldSecretForms(["short", "1234567"]).exact).toEqual([]);
  });

  test("a header name that is not a plain name is not repeated in findings", () => {
    const findings = scanner.scanHeaders([[`x_${held.slice(0, 6)}.part`, held]]);
    expect(findings).toEqual([{ kind: "held-secret", where: "header:[REDACTED]" }]);
  });

  test("findings never carry the secret", () => {
    const findings = scanner.scanHeaders([[held, held]]);
    expect(findings.length).toBeGreaterThan(0);
    expect(JSON.stringify(findings)).not.toContain(held.slice(0, 8));
    expect(JSON.stringify(findings)).not.toContain(held.slice(-8));
  });
});

describe("held-secret forms", () => {
  test("every aligned base64 form occurs in the encoding of the secret at that offset", () => {
    const forms = buildHeldSecretForms([held]).exact;
    for (const prefix of [0, 1, 2]) {
      const encoded = b64(embedded(prefix));
      expect(forms.some((form) => form.length >= 30 && encoded.includes(form))).toBe(true);
    }
    for (const prefix of [0, 1, 2, 3, 4]) {
      const encoded = base32(embedded(prefix));
      expect(forms.some((form) => form.length >= 30 && encoded.includes(form))).toBe(true);
    }
  });
});
