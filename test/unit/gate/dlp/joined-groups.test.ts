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

/** The rule `innerSeparator` implements, read plainly: the first `=`, `+`, `/` or `_`
 * (in that order of preference) within the run's first 64 characters past its second
 * sets the width, and that separator stands at every place `width + k·(width + 1)`
 * in the run with a character after it, three groups or more and at least 16 other
 * characters in all; `+` and `/` only in runs of hex and that separator, groups up to 8 wide. The token
 * is the run without that separator (one out of place goes too). */
function innerSplitByRule(run: string): string | undefined {
  for (const separator of "=+/_") {
    const width = run.indexOf(separator, 2);
    if (width === -1 || width > 64) continue;
    const places: number[] = [];
    for (let place = width; place < run.length; place += width + 1) places.push(place);
    if (places.some((place) => run[place] !== separator || place + 1 >= run.length)) continue;
    if (places.length + 1 < 3 || run.length - places.length < 16) continue;
    if ((separator === "+" || separator === "/") && (width > 8 || !/^[0-9a-fA-F]*$/.test(run.replaceAll(separator, "")))) continue;
    return run.replaceAll(separator, "");
  }
  return undefined;
}

describe("joined groups: a run split by its own group characters", () => {
  test("the same joined token as the rule read plainly, on 20,000 generated runs", () => {
    const alphabet = ["ABCDEFabcdef0123456789", "0123456789abcdef", "ABCDEFabcdef0123456789+/=_"];
    let joined = 0;
    for (let round = 0; round < 20_000; round++) {
      const width = 1 + int(int(3) === 0 ? 40 : 10);
      const separator = "=+/_"[int(4)] as string;
      const letters = alphabet[int(alphabet.length)] as string;
      const groups = Array.from({ length: 1 + int(7) }, () => source.chars(letters, width));
      if (int(2) === 0) groups.push(source.chars(letters, 1 + int(width + 3)));
      let run = groups.join(separator);
      if (int(5) === 0) {
        // A separator out of place, or one missing.
        const at = int(run.length);
        run = `${run.slice(0, at)}${int(2) === 0 ? separator : ""}${run.slice(at + 1)}`;
      }
      // Runs of group characters only: a `-` each side ends the run (and joins nothing).
      const expected = innerSplitByRule(run);
      const found = joinedGroups(`-${run}-`).filter((each) => each.start === 1 && each.end === run.length + 1 && each.text !== run);
      if (expected !== undefined) joined++;
      expect([run, found.map((each) => each.text)]).toEqual([run, expected === undefined ? [] : [expected]]);
    }
    expect(joined).toBeGreaterThan(3000);
  });
});
