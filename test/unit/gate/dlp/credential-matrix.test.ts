import { describe, expect, test } from "bun:test";
import { createScanner, type Finding } from "../../../../src/gate/dlp/create-scanner.ts";
import { base32, fakeCredentials, percentAll } from "./fake-credentials.ts";

/**
 * Every credential kind × every encoding × every location must be detected, with the
 * right kind and location, and the finding must not carry the credential.
 */

const credentials = fakeCredentials();
const scanner = createScanner({ heldSecrets: [] });

type Encoding = { name: string; encode: (secret: string) => string; urlSafe: boolean };

/** `urlSafe: false` encodings get `encodeURIComponent` in URLs, as a client would send them. */
const encodings: Encoding[] = [
  { name: "raw", encode: (s) => s, urlSafe: false },
  { name: "percent-every-byte", encode: percentAll, urlSafe: true },
  { name: "double percent", encode: (s) => encodeURIComponent(percentAll(s)), urlSafe: true },
  { name: "base64 padded", encode: (s) => Buffer.from(s).toString("base64"), urlSafe: false },
  { name: "base64url unpadded", encode: (s) => Buffer.from(s).toString("base64url"), urlSafe: true },
  { name: "base32", encode: (s) => base32(s), urlSafe: false },
  { name: "base32 lower unpadded", encode: (s) => base32(s).replace(/=+$/, "").toLowerCase(), urlSafe: true },
  { name: "hex", encode: (s) => Buffer.from(s).toString("hex"), urlSafe: true },
  { name: "HEX", encode: (s) => Buffer.from(s).toString("hex").toUpperCase(), urlSafe: true },
  { name: "base64(hex)", encode: (s) => Buffer.from(Buffer.from(s).toString("hex")).toString("base64url"), urlSafe: true },
  { name: "base64(percent)", encode: (s) => Buffer.from(percentAll(s)).toString("base64url"), urlSafe: true },
];

const inUrl = (encoding: Encoding, secret: string): string => {
  const encoded = encoding.encode(secret);
  return encoding.urlSafe ? encoded : encodeURIComponent(encoded);
};

function expectFound(findings: Finding[], kind: string, where: string, secret: string): void {
  expect(findings).toContainEqual({ kind, where });
  const serialized = JSON.stringify(findings);
  for (let i = 0; i + 8 <= secret.length; i += 4) expect(serialized).not.toContain(secret.slice(i, i + 8));
}

for (const [kind, secret] of Object.entries(credentials)) {
  describe(kind, () => {
    for (const encoding of encodings) {
      test(`${encoding.name} in the URL path`, () => {
        expectFound(scanner.scanUrl(`http://upload.example/v1/files/${inUrl(encoding, secret)}/meta`), kind, "url.path", secret);
      });
      test(`${encoding.name} in the query`, () => {
        expectFound(scanner.scanUrl(`http://search.example/q?page=2&data=${inUrl(encoding, secret)}&x=1`), kind, "url.query", secret);
      });
      test(`${encoding.name} in a header`, () => {
        const value = encoding.encode(secret).replaceAll("\n", " ");
        expectFound(scanner.scanHeaders([["accept", "*/*"], ["X-Trace-Data", value]]), kind, "header:x-trace-data", secret);
      });
      test(`${encoding.name} in a JSON body`, () => {
        const body = new TextEncoder().encode(JSON.stringify({ note: "attached", data: encoding.encode(secret) }));
        expectFound(scanner.scanBody(body, "application/json"), kind, "body", secret);
      });
      test(`${encoding.name} in a form body`, () => {
        const body = new TextEncoder().encode(`a=1&data=${encodeURIComponent(encoding.encode(secret))}`);
        expectFound(scanner.scanBody(body, "application/x-www-form-urlencoded"), kind, "body", secret);
      });
    }

    test("unencoded standard base64 (with / and +) in the path", () => {
      // Clients don't have to escape `/` or `+` in a path; the scanner must still align.
      const encoded = Buffer.from(`note: ${secret}`).toString("base64");
      expectFound(scanner.scanUrl(`http://upload.example/v1/${encoded}/x`), kind, "url.path", secret);
    });

    test("embedded in other text, JSON-escaped", () => {
      const escaped = JSON.stringify({ text: `token is ${secret} ok` }).replace(/-/g, "\\u002d");
      expectFound(scanner.scanBody(new TextEncoder().encode(escaped), "application/json"), kind, "body", secret);
    });

    if (kind !== "jwt" && kind !== "private-key") {
      // JWT dots are structural (a JWT split mid-part is not found); private keys are
      // found by their BEGIN line wherever the block is cut.
      const middle = Math.floor(secret.length / 2);
      test("split across path segments", () => {
        expectFound(scanner.scanUrl(`http://x.example/${secret.slice(0, middle)}/${secret.slice(middle)}`), kind, "url.path", secret);
      });
      test("split across query parameters", () => {
        expectFound(scanner.scanUrl(`http://x.example/?a=${secret.slice(0, middle)}&b=${secret.slice(middle)}`), kind, "url.query", secret);
      });
      test("split into dotted and colon-joined chunks", () => {
        const chunks = secret.match(/.{1,6}/g) ?? [];
        expectFound(scanner.scanUrl(`http://x.example/p/${chunks.join(".")}`), kind, "url.path", secret);
        expectFound(scanner.scanUrl(`http://x.example/p?d=${chunks.join(":")}`), kind, "url.query", secret);
      });
    }

    test("in the userinfo", () => {
      expectFound(scanner.scanUrl(`http://user:${encodeURIComponent(secret)}@x.example/`), kind, "url.userinfo", secret);
    });
  });
}

describe("hostname", () => {
  /** Encoded credential split into DNS labels of at most 60 characters. */
  const asLabels = (encoded: string): string => (encoded.match(/.{1,60}/g) ?? []).join(".");
  let cases = 0;
  for (const [kind, secret] of Object.entries(credentials)) {
    for (const [name, encoded] of [
      ["hex", Buffer.from(secret).toString("hex")],
      ["base32", base32(secret).replace(/=+$/, "").toLowerCase()],
      ["base64url", Buffer.from(secret).toString("base64url")],
    ] as const) {
      // A CONNECT host carries at most four joined labels of data (see hostname-kinds.ts).
      if (encoded.length > 240) continue;
      cases++;
      test(`${kind} as ${name} labels`, () => {
        expectFound(scanner.scanHostname(`${asLabels(encoded)}.exfil.example:443`), kind, "hostname", secret);
      });
    }
  }
  test("covers most kinds", () => {
    expect(cases).toBeGreaterThanOrEqual(25);
  });
  test("raw AWS key as a label", () => {
    expectFound(scanner.scanHostname(`${credentials["aws-access-key"]}.exfil.example`), "aws-access-key", "hostname", "");
  });
});

describe("split keys across many generated credentials", () => {
  // Compact matching must accept random tokens and reject word-made paths; the
  // documented miss rates (credential-patterns.ts) are ~0.1–0.5%, AWS ~3%.
  test("at least 99% (AWS 95%) of 300 seeded keys per kind are found when split", () => {
    const found = new Map<string, number>();
    for (let seed = 100; seed < 400; seed++) {
      for (const [kind, secret] of Object.entries(fakeCredentials(seed))) {
        if (kind === "jwt" || kind === "private-key") continue;
        const third = Math.floor(secret.length / 3);
        const url = `http://x.example/a/${secret.slice(0, third)}/${secret.slice(third, 2 * third)}/${secret.slice(2 * third)}`;
        if (scanner.scanUrl(url).some((finding) => finding.kind === kind)) found.set(kind, (found.get(kind) ?? 0) + 1);
      }
    }
    for (const kind of Object.keys(credentials)) {
      if (kind === "jwt" || kind === "private-key") continue;
      expect({ kind, found: (found.get(kind) ?? 0) >= (kind === "aws-access-key" ? 285 : 297) }).toEqual({ kind, found: true });
    }
  });
});
