import { describe, expect, test } from "bun:test";
import { classRuns } from "../../../../src/gate/dlp/class-runs.ts";
import { BASE32, BASE64, HEX } from "../../../../src/gate/dlp/decode-token.ts";
import { FakeSource } from "./fake-credentials.ts";

/** The skip-ahead run scan replaced greedy regex scans: it must find the same runs. */

const source = new FakeSource(77);
const int = (n: number): number => ((source.bytes(1)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n;

const classes = [
  { name: "hex", values: HEX, regex: "[0-9A-Fa-f]" },
  { name: "base32", values: BASE32, regex: "[A-Za-z2-7]" },
  { name: "base64", values: BASE64, regex: "[A-Za-z0-9+/_-]" },
];

/** The old search: `/[class]{minRun,}/g` over `text[from, to)`, in `text`'s coordinates. */
function regexRuns(text: string, from: number, to: number, regex: string, minRun: number): number[] {
  const spans: number[] = [];
  const runs = new RegExp(`${regex}{${minRun},}`, "g");
  const region = text.slice(from, to);
  for (let match = runs.exec(region); match !== null; match = runs.exec(region)) spans.push(from + match.index, from + match.index + match[0].length);
  return spans;
}

function newRuns(text: string, from: number, to: number, values: Int8Array, minRun: number): number[] {
  const starts: number[] = [];
  const ends: number[] = [];
  classRuns(text, from, to, values, minRun, starts, ends);
  return starts.flatMap((start, index) => [start, ends[index] as number]);
}

describe("classRuns", () => {
  test("edge cases: runs of minRun - 1, minRun, minRun + 1, at both ends, in non-ASCII text", () => {
    const texts = ["", "a", "abcdef0123456789", "abcdef012345678", "abcdef0123456789a", ".abcdef0123456789.", "éabcdef0123456789ü", "eyJhbGciOiJIUzI1.".repeat(5), "%25".repeat(30), "\\u0041".repeat(20)];
    for (const { values, regex } of classes) {
      for (const minRun of [1, 2, 8, 16]) {
        for (const text of texts) {
          expect(newRuns(text, 0, text.length, values, minRun)).toEqual(regexRuns(text, 0, text.length, regex, minRun));
          if (text.length > 4) expect(newRuns(text, 1, text.length - 2, values, minRun)).toEqual(regexRuns(text, 1, text.length - 2, regex, minRun));
        }
      }
    }
  });

  test("agrees with the regexes on generated texts (runs of every length near minRun, separators, binary)", () => {
    const alphabets = ["0123456789abcdefABCDEF", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abc", "ABCxyz0189+/_-", "aZ09.=%\\ \n\u00e9\u0100"];
    let runs = 0;
    for (let round = 0; round < 3000; round++) {
      const parts: string[] = [];
      for (let piece = int(10); piece >= 0; piece--) {
        parts.push(source.chars(alphabets[int(3)] as string, int(40)));
        parts.push(source.chars(alphabets[3] as string, int(3)));
      }
      if (round % 7 === 0) parts.push(Buffer.from(source.bytes(int(200))).toString("latin1"));
      const text = parts.join("");
      const from = int(3) === 0 ? int(text.length + 1) : 0;
      const to = int(3) === 0 ? from + int(text.length - from + 1) : text.length;
      for (const { values, regex } of classes) {
        const minRun = [1, 2, 8, 16, 20][int(5)] as number;
        const expected = regexRuns(text, from, to, regex, minRun);
        runs += expected.length / 2;
        expect(newRuns(text, from, to, values, minRun)).toEqual(expected);
      }
    }
    expect(runs).toBeGreaterThan(2000);
  });
});
