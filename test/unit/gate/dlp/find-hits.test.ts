import { describe, expect, test } from "bun:test";
import { credentialPatterns } from "../../../../src/gate/dlp/credential-patterns.ts";
import { anyRawGate } from "../../../../src/gate/dlp/find-hits.ts";
import { FakeSource } from "./fake-credentials.ts";

/** The formats are only looked for in a text where some format's prefix occurs: the
 * one gate must match exactly when one of the prefixes does (an `includes` each). */

const source = new FakeSource(83);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
const prefixes = credentialPatterns.flatMap((pattern) => pattern.prefixes);
const holdsPrefix = (text: string): boolean => prefixes.some((prefix) => text.includes(prefix));

describe("the gate of all format prefixes", () => {
  test("every prefix alone and inside noise, and cut by one character", () => {
    expect(prefixes.length).toBeGreaterThan(20);
    for (const prefix of prefixes) {
      expect(anyRawGate.test(prefix)).toBe(true);
      expect(anyRawGate.test(`${source.token(9)}${prefix}${source.token(5)}`)).toBe(true);
      const cut = `${prefix.slice(0, -1)}\u0000${prefix.slice(-1)}`;
      expect(anyRawGate.test(cut)).toBe(holdsPrefix(cut));
    }
  });

  test("agrees with an includes per prefix on 5,000 generated texts (cuts of prefixes, regex syntax, noise)", () => {
    const pieces = [...prefixes, ".*", "|", "(", "\\", "-", "_", ""];
    let holding = 0;
    for (let round = 0; round < 5000; round++) {
      const text = Array.from({ length: 1 + int(6) }, () => {
        const piece = pieces[int(pieces.length)] as string;
        const from = int(2) === 0 ? 0 : int(piece.length);
        return `${piece.slice(from, from + 1 + int(piece.length))}${int(2) === 0 ? source.chars("AKIeysk-_x0", int(3)) : ""}`;
      }).join("");
      const expected = holdsPrefix(text);
      if (expected) holding++;
      expect([text, anyRawGate.test(text)]).toEqual([text, expected]);
    }
    expect(holding).toBeGreaterThan(500);
  });
});

describe("decoding a text shorter than a token", () => {
  test("adds nothing: the same hits with and without decoding on 5,000 texts of 0–15 characters", async () => {
    const { findHits } = await import("../../../../src/gate/dlp/find-hits.ts");
    const { buildHeldSecretForms } = await import("../../../../src/gate/dlp/held-secret-forms.ts");
    // Short held secrets: every 8-byte stretch is worth a look, so nothing is skipped for being short.
    const held = buildHeldSecretForms(["Ab3-Xy9Z", "secret12"]);
    const encodings = [Buffer.from("secret12").toString("base64"), Buffer.from("secret12").toString("hex"), "41-4b-49-41-51", "c2Vj cmV0 MTI=", "ghp_ abcd efgh"];
    for (let round = 0; round < 5000; round++) {
      const piece = encodings[int(encodings.length)] as string;
      const from = int(piece.length);
      const text = `${source.chars("ab=-. 01", int(4))}${piece.slice(from, from + 1 + int(15))}`.slice(0, int(16));
      const options = { held, compact: "url" as const, decode: false, structured: true };
      expect([text, findHits(text, { ...options, decode: true })]).toEqual([text, findHits(text, options)]);
    }
  });
});
