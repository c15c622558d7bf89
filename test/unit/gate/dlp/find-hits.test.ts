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
