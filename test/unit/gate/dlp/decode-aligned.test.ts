import { describe, expect, test } from "bun:test";
import { createScanner } from "../../../../src/gate/dlp/create-scanner.ts";
import { classRuns } from "../../../../src/gate/dlp/class-runs.ts";
import { base32MayHoldStretch, decodedSegments, singleCaseBase32Runs } from "../../../../src/gate/dlp/decode-aligned.ts";
import { BASE32, decodeBase32 } from "../../../../src/gate/dlp/decode-token.ts";
import { base32, FakeSource } from "./fake-credentials.ts";

/** RFC 4648 base32, upper case, no padding. */
const encodeBase32 = (bytes: Uint8Array): string => base32(bytes).replace(/=+$/, "");

/**
 * A short base64 run that repeats in a text is decoded once; each copy must still get
 * its own segment (its own span), or redaction would leave every copy but the first.
 */
const secret = "bottle-held-value-Zr81Qm4T";
const encoded = Buffer.from(`token ${secret}`).toString("base64");

test("each copy of a repeated run gets a segment with its own span", () => {
  const text = `a ${encoded} b ${encoded} c ${encoded}`;
  const starts = decodedSegments(text, 0, text.length, 16)
    .filter((segment) => segment.text.includes(secret))
    .map((segment) => segment.start);
  expect(new Set(starts)).toEqual(new Set([2, 2 + encoded.length + 3, 2 + 2 * (encoded.length + 3)]));
});

test("every copy of a repeated encoded secret is redacted", () => {
  const scanner = createScanner({ heldSecrets: [secret] });
  const redacted = scanner.redact(`/upload/${encoded}/again/${encoded}?x=${encoded}`);
  expect(redacted).not.toContain(encoded);
});

describe("runs too short to decode to minText bytes are not looked for", () => {
  const source = new FakeSource(71);
  const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
  /** Pieces near every threshold: encoded text cut to any length, hex, base32 in one case, noise. */
  const piece = (): string => {
    const plain = Buffer.from(`k=${source.token(3 + int(30))} ok`);
    const pick = int(5);
    const encoded = pick === 0 ? plain.toString("hex") : pick === 1 ? plain.toString("base64") : pick === 2 ? plain.toString("base64url") : pick === 3 ? encodeBase32(plain) : source.chars("abcdefABCDEF0123456789+/-_", int(40));
    return encoded.slice(int(3), int(3) + int(encoded.length + 1));
  };
  test("the same segments as the search for every run of minRun, on 3,000 generated texts", () => {
    let segments = 0;
    for (let round = 0; round < 3000; round++) {
      const text = Array.from({ length: 1 + int(8) }, piece).join([".", " ", "/", "\n", "%"][int(5)] as string);
      const minRun = [1, 8, 16][int(3)] as number;
      const minText = [8, 12, 13, 16, 21][int(5)] as number;
      const from = int(3) === 0 ? int(text.length) : 0;
      const expected = decodedSegments(text, from, text.length, minRun, minText, false);
      segments += expected.length;
      expect([text, minRun, minText, decodedSegments(text, from, text.length, minRun, minText)]).toEqual([text, minRun, minText, expected]);
    }
    expect(segments).toBeGreaterThan(1500);
  });
});

describe("single-case base32 runs", () => {
  const source = new FakeSource(73);
  const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
  /** The search it replaced: every caseless run, then those with one case of letter. */
  const caselessThenFiltered = (text: string, from: number, to: number, minRun: number): [number, number][] => {
    const starts: number[] = [];
    const ends: number[] = [];
    classRuns(text, from, to, BASE32, minRun, starts, ends);
    return starts.map((start, index) => [start, ends[index] as number] as [number, number]).filter(([start, end]) => !(/[A-Z]/.test(text.slice(start, end)) && /[a-z]/.test(text.slice(start, end))));
  };
  test("the same runs, in the same order, as the caseless search filtered by case, on 4,000 generated texts", () => {
    // Cases, digits in both cases' alphabet (2-7) and in neither (0, 1, 8, 9), and breaks.
    const alphabets = ["ABCXYZ234567", "abcxyz234567", "234567", "ABCabc234567", "ABCabc2345670189", "Ab2-. 8é"];
    let runs = 0;
    for (let round = 0; round < 4000; round++) {
      const text = Array.from({ length: 1 + int(6) }, () => source.chars(alphabets[int(alphabets.length)] as string, int(40))).join(["", "", ".", "1", "a", "A"][int(6)] as string);
      const minRun = [1, 4, 8, 16, 21][int(5)] as number;
      const from = int(3) === 0 ? int(text.length) : 0;
      const to = int(3) === 0 ? from + int(text.length - from + 1) : text.length;
      const expected = caselessThenFiltered(text, from, to, minRun);
      runs += expected.length;
      const starts: number[] = [];
      const ends: number[] = [];
      singleCaseBase32Runs(text, from, to, minRun, starts, ends);
      expect([text, from, to, minRun, starts.map((start, index) => [start, ends[index]])]).toEqual([text, from, to, minRun, expected]);
    }
    expect(runs).toBeGreaterThan(3000);
  });
});


describe("repeated runs", () => {
  const source = new FakeSource(73);
  const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
  const key = (segment: { text: string; start: number; end: number }): string => `${segment.start}-${segment.end}:${segment.text}`;
  /** Each piece decoded on its own (no run is met twice there), in the text's coordinates. */
  const alone = (pieces: string[], separator: string, minText: number): string[] => {
    const keys: string[] = [];
    let at = 0;
    for (const piece of pieces) {
      for (const segment of decodedSegments(piece, 0, piece.length, 16, minText)) keys.push(key({ ...segment, start: segment.start + at, end: segment.end + at }));
      at += piece.length + separator.length;
    }
    return keys.sort();
  };
  test("copies next to each other, apart, without low characters and past the first 256 runs: the same segments as each run decoded alone", () => {
    let segments = 0;
    for (let round = 0; round < 400; round++) {
      const pool = Array.from({ length: 1 + int(4) }, () => {
        const pick = int(4);
        if (pick === 0) return source.chars("0123456789+/", 16 + int(8)); // no character worth under 32
        if (pick === 1) return Buffer.from(`id=${source.token(8 + int(10))}`).toString("base64url");
        return Buffer.from(source.bytes(12 + int(12))).toString("base64").replace(/=+$/, "");
      });
      const distinct = round % 10 === 0 ? Array.from({ length: 300 }, () => source.token(16 + int(4))) : [];
      const pieces = [...distinct, ...Array.from({ length: 1 + int(60) }, () => pool[int(2) === 0 ? 0 : int(pool.length)] as string)];
      const separator = [".", " ", "\n"][int(3)] as string;
      const text = pieces.join(separator);
      const minText = [8, 13][int(2)] as number;
      const expected = alone(pieces, separator, minText);
      segments += expected.length;
      expect(decodedSegments(text, 0, text.length, 16, minText).map(key).sort()).toEqual(expected);
    }
    expect(segments).toBeGreaterThan(1000);
  });
});

describe("base32 runs that cannot decode to a stretch are not decoded", () => {
  const source = new FakeSource(3232);
  const int = (n: number): number => ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n;
  /** Whether decoding `run` from its first character gives `minText` printable bytes in a row. */
  const holdsStretch = (run: string, minText: number): boolean => new RegExp(`[\\x20-\\x7e\\t\\n\\r]{${minText}}`).test(decodeBase32(run) ?? "");
  test("no run turned away holds a stretch, on 20,000 runs: encoded text cut anywhere, text between random bytes, random", () => {
    let holding = 0;
    let away = 0;
    for (let round = 0; round < 20000; round++) {
      const pick = int(3);
      const bytes =
        pick === 0
          ? Buffer.from(source.chars("abc xyz=:,{}0123456789\t\n", 8 + int(40)))
          : pick === 1
            ? Buffer.concat([source.bytes(int(12)), Buffer.from(source.chars("abcdefgh 01", 8 + int(16))), source.bytes(int(12))])
            : source.bytes(5 + int(40));
      const encoded = encodeBase32(bytes);
      const run = encoded.slice(int(8), encoded.length - int(3));
      const text = `${int(2) === 0 ? "" : "-"}${int(2) === 0 ? run : run.toLowerCase()}.`;
      const from = text.startsWith("-") ? 1 : 0;
      const to = from + run.length;
      const minText = [8, 11, 13][int(3)] as number;
      const expected = holdsStretch(run, minText);
      if (expected) holding++;
      const kept = base32MayHoldStretch(text, from, to, minText);
      if (!kept) away++;
      if (expected) expect([text, minText, kept]).toEqual([text, minText, true]);
    }
    expect(holding).toBeGreaterThan(1000);
    expect(away).toBeGreaterThan(3000);
  });
});
