import { expect, test } from "bun:test";
import { decodedSegments } from "../../../../src/gate/dlp/decode-aligned.ts";
import { groupSegments } from "../../../../src/gate/dlp/find-hits.ts";
import { joinedGroups } from "../../../../src/gate/dlp/joined-groups.ts";
import { base32, FakeSource } from "./fake-credentials.ts";

/** The decoded stretches of all joined groups, searched in one go, are those of each
 * group searched alone (what `decodedHits` did before), group by group. */

const source = new FakeSource(71);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
const printable = (length: number): string => source.chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-=:{}\"", length);
const encoded = (): string => {
  const plain = printable(8 + int(40));
  const pick = int(4);
  if (pick === 0) return Buffer.from(plain).toString("hex");
  if (pick === 1) return Buffer.from(plain).toString("base64");
  if (pick === 2) return base32(plain).replace(/=+$/, "");
  return source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 8 + int(60));
};
/** `token` cut into groups of one width (the last may be shorter), split by one separator. */
const grouped = (token: string): string => {
  const width = [2, 4, 8, 8, 12, 16, 64, 76][int(8)] as number;
  const separator = ["-", ":", ".", ",", " ", "\t", "\n", "\r\n"][int(8)] as string;
  const groups: string[] = [];
  for (let at = 0; at < token.length; at += width) groups.push(token.slice(at, at + width));
  return groups.join(separator);
};
const text = (): string =>
  Array.from({ length: 1 + int(40) }, () => {
    const pick = int(5);
    if (pick <= 1) return grouped(encoded());
    if (pick === 2) return `${encoded().slice(0, 8)},${encoded().slice(0, 8)},${encoded().slice(0, 8)}\n`;
    if (pick === 3) return printable(int(30));
    return ["&", "\u0000", "(", '"', "\n", " "][int(6)] as string;
  }).join(["\n", " ", "&", ""][int(4)] as string);

test("one search over all groups finds each group's stretches, on 3,000 generated texts", () => {
  let stretches = 0;
  for (let round = 0; round < 3000; round++) {
    const each = text();
    const groups = joinedGroups(each);
    for (const minText of [8, 13]) {
      const alone = groups.map((group) => decodedSegments(group.text, 0, group.text.length, 16, minText).map((segment) => segment.text).sort());
      const together: string[][] = groups.map(() => []);
      for (const { segment, group } of groupSegments(groups, minText)) together[groups.indexOf(group)]!.push(segment.text);
      for (const list of together) list.sort();
      expect([each, together]).toEqual([each, alone]);
      stretches += alone.flat().length;
    }
  }
  // Not vacuous: the texts hold many groups that decode.
  expect(stretches).toBeGreaterThan(3000);
});

test("no groups, no stretches", () => {
  expect(groupSegments([], 13)).toEqual([]);
});
