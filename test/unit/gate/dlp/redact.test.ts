import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { base32, fakeCredentials, FakeSource, percentAll } from "./fake-credentials.ts";

/** The audit log gets `redact(path)`: no secret may survive in any encoding. */

const source = new FakeSource(11);
const held = `held.${source.token(30)}`;
const credentials: Record<string, string> = { ...fakeCredentials(3), "held-secret": held };
const scanner = createScanner({ heldSecrets: [held] });

/** No 10-character window of the secret, in raw or any encoding we sent, survives. */
function expectGone(redacted: string, secret: string, sent: string): void {
  for (const form of [secret, sent]) {
    for (let i = 0; i + 10 <= form.length; i += 5) expect(redacted).not.toContain(form.slice(i, i + 10));
  }
  expect(scanner.scanUrl(redacted)).toEqual([]);
}

const encodings: Record<string, (secret: string) => string> = {
  raw: encodeURIComponent,
  "percent every byte": percentAll,
  base64: (s) => encodeURIComponent(Buffer.from(s).toString("base64")),
  base64url: (s) => Buffer.from(s).toString("base64url"),
  base32: (s) => base32(s).replace(/=+$/, ""),
  hex: (s) => Buffer.from(s).toString("hex"),
  "split over segments": (s) => `${s.slice(0, 12)}/${s.slice(12)}`,
};

for (const [kind, secret] of Object.entries(credentials)) {
  describe(`redact ${kind}`, () => {
    for (const [name, encode] of Object.entries(encodings)) {
      if (name === "split over segments" && (kind === "jwt" || kind === "private-key")) continue;
      test(name, () => {
        const sent = encode(secret);
        const path = `/v1/upload/${sent}/meta?page=2`;
        const redacted = scanner.redact(path);
        expect(redacted).toContain("[REDACTED:");
        expectGone(redacted, secret, sent);
      });
    }
  });
}

describe("redact keeps what is clean", () => {
  test("the rest of the path is kept around a raw key", () => {
    const key = credentials["github-token"] ?? "";
    expect(scanner.redact(`/repos/o/r/issues?token=${key}&page=2`)).toBe("/repos/o/r/issues?token=[REDACTED:github-token]&page=2");
  });

  test("a private key block is removed whole", () => {
    const text = `before\n${credentials["private-key"] ?? ""}\nafter`;
    expect(scanner.redact(text)).toBe("before\n[REDACTED:private-key]\nafter");
  });

  test("clean text is returned unchanged", () => {
    const text = "/v1/messages?beta=true&task=task-1234&lib=sk-learn";
    expect(scanner.redact(text)).toBe(text);
  });
});
