import { expect, test } from "bun:test";
import { groupLines, groupOfLine, joinedGroupLines } from "../../../../src/gate/dlp/group-lines.ts";
import { joinedGroups } from "../../../../src/gate/dlp/joined-groups.ts";
import { FakeSource } from "./fake-credentials.ts";

/** The lines copied straight from the text are those made from `joinedGroups`' own
 * groups (same groups, texts, spans, widths, delimiter flags), on texts of group
 * sequences with every separator, CSV-like lines, and characters that end groups. */

const source = new FakeSource(97);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
const separators = ["-", ":", ".", ",", " ", "\t", "\n", "\r\n", "\r"];
const breakers = ["&", "\u0000", "ÿ", "\u4e00", "(", '"', "%", "*", "#", "\n", "\r\n"];
const group = (width: number): string => source.chars(int(3) === 0 ? "ABCDEFabcdef0123456789+/=_" : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", width);
const sequence = (): string => {
  const width = 1 + int(int(2) === 0 ? 10 : 80);
  const separator = separators[int(separators.length)] as string;
  const groups = Array.from({ length: 1 + int(6) }, () => group(width));
  if (int(2) === 0) groups.push(group(1 + int(width)));
  return groups.join(separator);
};
const text = (): string =>
  Array.from({ length: 1 + int(40) }, () => {
    const pick = int(5);
    if (pick === 0) return sequence();
    if (pick === 1) return breakers[int(breakers.length)] as string;
    if (pick === 2) return Buffer.from(source.bytes(int(24))).toString("latin1");
    if (pick === 3) return `${group(8)},${group(8)},${group(8)}\n`;
    return `${group(int(20))}${separators[int(separators.length)]}`;
  }).join("");

test("lines longer than the text: each shorter last line of a sequence starts the next", () => {
  // Lines of 80, 79, …, 41 characters: every pair is a sequence, so every line but the
  // first and last is copied twice and the lines are nearly twice the text: more
  // than the reused buffer (64 KiB at first: this test runs first) for a text
  // between 32 and 64 KiB.
  const block = Array.from({ length: 40 }, (_, index) => group(80 - index)).join("\n");
  const text = Array.from({ length: 18 }, () => block).join("&");
  const lines = joinedGroupLines(text);
  expect(lines.joined.length).toBeGreaterThan(1.9 * text.length);
  expect(text.length).toBeLessThan(64 * 1024);
  expect(lines).toEqual(groupLines(joinedGroups(text)));
});

test("joinedGroupLines equals groupLines(joinedGroups(text)) on 5,000 generated texts", () => {
  let groups = 0;
  let punctuated = 0;
  for (let round = 0; round < 5000; round++) {
    const each = text();
    const made = joinedGroups(each);
    const lines = joinedGroupLines(each);
    expect([each, lines]).toEqual([each, groupLines(made)]);
    expect(Array.from({ length: lines.count }, (_, index) => groupOfLine(lines, index))).toEqual(made);
    groups += made.length;
    punctuated += lines.punctuated.reduce((sum, flag) => sum + flag, 0);
  }
  // Not vacuous: many groups, with and without delimiters.
  expect(groups).toBeGreaterThan(5000);
  expect(punctuated).toBeGreaterThan(1000);
  expect(groups - punctuated).toBeGreaterThan(1000);
});

test("no groups; a text longer than the reused buffer", () => {
  expect(joinedGroupLines("a&b").count).toBe(0);
  expect(joinedGroupLines("").joined).toBe("");
  const long = Array.from({ length: 20000 }, () => `${group(8)},${group(8)},${group(8)}`).join("\n");
  expect(joinedGroupLines(long)).toEqual(groupLines(joinedGroups(long)));
});
