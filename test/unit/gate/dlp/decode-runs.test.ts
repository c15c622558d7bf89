import { describe, expect, test } from "bun:test";
import type { DecodedSegment } from "../../../../src/gate/dlp/decode-aligned.ts";
import { BASE64_BATCH, decodeBase64Runs, decodeRuns } from "../../../../src/gate/dlp/decode-runs.ts";
import { FakeSource } from "./fake-credentials.ts";

/** Base64 offsets 1–3 are shifted out of offset 0's bytes instead of decoded again:
 * the same segments (text, span, order) as a native decode per offset, for runs of
 * every length around the group and alignment limits, holding encoded text at any
 * alignment and random bytes. */

const source = new FakeSource(61);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";

/** A run: random characters, or text encoded after 0–2 bytes of junk and cut anywhere. */
const run = (): string => {
  if (int(3) === 0) return source.chars(ALPHABET, 2 + int(60));
  const junk = Buffer.from(source.bytes(int(3)));
  const textBytes = Buffer.from(`key=${source.token(4 + int(40))} and more text ${int(1000)}`);
  const encoded = Buffer.concat([junk, textBytes]).toString(int(2) === 0 ? "base64" : "base64url").replace(/=+$/, "");
  return encoded.slice(int(3), encoded.length - int(3));
};

/** Segments as decodeRuns gives them at offsets 0 to 3, one native decode each. */
function perOffset(text: string, starts: number[], ends: number[], minText: number, maxAligned: number): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  for (let offset = 0; offset < 4; offset++) decodeRuns(text, starts, ends, offset, BASE64_BATCH, out, minText, maxAligned);
  return out;
}

describe("base64 runs at four alignments", () => {
  test("the same segments as a decode per offset, on 3,000 generated run lists", () => {
    let segments = 0;
    for (let round = 0; round < 3000; round++) {
      const runs = Array.from({ length: 1 + int(12) }, () => (int(2) === 0 ? run().slice(0, 2 + int(30)) : run()));
      const text = runs.join(".");
      const starts: number[] = [];
      const ends: number[] = [];
      let at = 0;
      for (const each of runs) {
        starts.push(at);
        ends.push(at + each.length);
        at += each.length + 1;
      }
      const minText = [8, 12, 13, 20][int(4)] as number;
      const maxAligned = [4096, 24, 40][int(3)] as number;
      const expected = perOffset(text, starts, ends, minText, maxAligned);
      segments += expected.length;
      const actual: DecodedSegment[] = [];
      decodeBase64Runs(text, starts, ends, actual, minText, maxAligned);
      expect([text, minText, maxAligned, actual]).toEqual([text, minText, maxAligned, expected]);
    }
    expect(segments).toBeGreaterThan(3000);
  });

  test("every run length from 2 to 40 holding printable bytes at each offset", () => {
    for (let length = 2; length <= 40; length++) {
      const text = Buffer.from("A printable stretch, long enough for every offset!").toString("base64").slice(0, length);
      const expected = perOffset(text, [0], [length], 8, 4096);
      const actual: DecodedSegment[] = [];
      decodeBase64Runs(text, [0], [length], actual, 8, 4096);
      expect(actual).toEqual(expected);
    }
  });
});
