import { describe, expect, test } from "bun:test";
import { joinedGroups } from "../../../../src/gate/dlp/joined-groups.ts";
import { FakeSource } from "./fake-credentials.ts";

/** After a stretch too short to hold a sequence, the walk skips ahead to the next
 * long one: the same sequences (text, span, width) as the plain walk of every
 * character, on texts made of groups, separators and the characters that end them. */

const source = new FakeSource(53);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
const separators = ["-", ":", ".", ",", " ", "\t", "\n", "\r\n", "\r"];
const breakers = ["&", "\u0000", "ÿ", "\u4e00", "%", "\\", "\u007f", "\u00a0"];
const group = (width: number): string => source.chars("ABCDEFabcdef0123456789+/=_", width);

/** A sequence of `count` groups of `width` split by one separator, maybe a shorter last one. */
const sequence = (): string => {
  const width = 1 + int(int(2) === 0 ? 6 : 80);
  const separator = separators[int(separators.length)] as string;
  const groups = Array.from({ length: 1 + int(6) }, () => group(width));
  if (int(2) === 0) groups.push(group(1 + int(width)));
  return groups.join(separator);
};
const text = (): string =>
  Array.from({ length: 1 + int(30) }, () => {
    const pick = int(4);
    if (pick === 0) return sequence();
    if (pick === 1) return breakers[int(breakers.length)] as string;
    if (pick === 2) return Buffer.from(source.bytes(int(24))).toString("latin1");
    return `${group(int(20))}${separators[int(separators.length)]}`;
  }).join("");

const byStart = (groups: ReturnType<typeof joinedGroups>) => groups.toSorted((a, b) => a.start - b.start || a.end - b.end);

describe("joined groups: skipping short stretches", () => {
  test("the same sequences as the plain walk on 5,000 generated texts", () => {
    let sequences = 0;
    for (let round = 0; round < 5000; round++) {
      const each = text();
      // In span order: a run split by its own `=`, `+`, `/` or `_` is a sequence of its
      // own, met where the run is, and the open sequence around it may end later.
      const plain = byStart(joinedGroups(each, false));
      sequences += plain.length;
      expect([each, byStart(joinedGroups(each))]).toEqual([each, plain]);
    }
    expect(sequences).toBeGreaterThan(2000);
  });

  test("a sequence right after short stretches, at the start and at the end of the text", () => {
    const hex = "41-4b-49-41-51-5a-58-59-4e-37";
    for (const each of [hex, `ab&c\u0000d(${hex}`, `${"x&".repeat(40)}${hex}`, `${hex}&ab&${hex}`, `&${hex}&`, `ÿÿÿ${hex}ÿÿÿ`]) {
      expect(joinedGroups(each)).toEqual(joinedGroups(each, false));
      expect(joinedGroups(each).map((joined) => joined.text)).toContain("414b494151 5a58594e37".replace(" ", ""));
    }
  });
});
