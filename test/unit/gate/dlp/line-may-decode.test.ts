import { expect, test } from "bun:test";
import { decodedSegments } from "../../../../src/gate/dlp/decode-aligned.ts";
import { lineMayDecode } from "../../../../src/gate/dlp/line-may-decode.ts";
import { base32, FakeSource } from "./fake-credentials.ts";

/** A line the test turns away decodes to nothing `decodedSegments` keeps (as
 * `groupSegments` searches it: runs of 16 and more, stretches of `minText`), on lines
 * of random group characters and lines holding text encoded at exactly the length
 * that decodes to `minText` bytes (the bounds), after a few random characters. */

const source = new FakeSource(131);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const GROUP = `${ALNUM}+/=_`;
const printable = (length: number): string => source.chars(`${ALNUM} _-=:{}"!.,\t`, length);
/** Characters that may extend a run of the encoding on either side. */
const filler = (): string => source.chars([ALNUM, GROUP, "0123456789abcdef", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "abcdefghijklmnopqrstuvwxyz234567"][int(5)] as string, int(7));
const encodedLine = (minText: number): string => {
  const plain = printable(minText + int(3) - (int(4) === 0 ? 1 : 0));
  const pick = int(6);
  let encoded: string;
  if (pick === 0) encoded = Buffer.from(plain).toString("hex");
  else if (pick === 1) encoded = Buffer.from(plain).toString("hex").toUpperCase();
  else if (pick === 2) encoded = base32(plain).replace(/=+$/, "");
  else if (pick === 3) encoded = base32(plain).replace(/=+$/, "").toLowerCase();
  else if (pick === 4) encoded = Buffer.from(plain).toString("base64").replace(int(2) === 0 ? /=+$/ : /$/, "");
  else encoded = Buffer.from(plain).toString("base64url");
  return `${filler()}${encoded}${filler()}`;
};
const line = (minText: number): string => {
  const pick = int(4);
  if (pick <= 1) return encodedLine(minText);
  if (pick === 2) return source.chars(ALNUM, 24);
  return source.chars(int(2) === 0 ? GROUP : ALNUM, 8 + int(60));
};

test("every line turned away decodes to nothing, on 40,000 generated lines", () => {
  let turnedAway = 0;
  let decoding = 0;
  for (let round = 0; round < 40000; round++) {
    const minText = [8, 9, 11, 13][int(4)] as number;
    const each = line(minText);
    const segments = decodedSegments(each, 0, each.length, 16, minText);
    if (segments.length > 0) decoding++;
    if (lineMayDecode(each, 0, each.length, minText, /^[A-Za-z0-9]*$/.test(each))) continue;
    turnedAway++;
    expect([each, minText, segments]).toEqual([each, minText, []]);
  }
  // Not vacuous: many lines turned away, many that decode (each of which passed).
  expect(turnedAway).toBeGreaterThan(6000);
  expect(decoding).toBeGreaterThan(10000);
});

test("a line is read within its bounds only", () => {
  const hex = Buffer.from("secret-value-1").toString("hex");
  const text = `${hex}\n${"Zq".repeat(12)}`;
  expect(lineMayDecode(text, 0, hex.length, 13, true)).toBe(true);
  expect(lineMayDecode(text, hex.length + 1, text.length, 13, true)).toBe(false);
  // Shorter than the shortest run that gives 13 bytes (18 base64 characters).
  expect(lineMayDecode(Buffer.from("secret-value-").toString("base64"), 0, 17, 13, false)).toBe(false);
});
