import { expect, test } from "bun:test";
import { credentialPatterns } from "../../../../src/gate/dlp/credential-patterns.ts";
import { compactWindows } from "../../../../src/gate/dlp/find-hits.ts";
import { FakeSource } from "./fake-credentials.ts";

/** A compact regex run over the windows around its literal finds what it finds over
 * the whole compacted text: the same matches at the same places. */

const source = new FakeSource(160);
const int = (n: number): number => ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n;

const matches = (regex: RegExp, text: string, windows: [number, number][]): string[] => {
  const found: string[] = [];
  for (const [from, to] of windows) {
    const searched = text.slice(from, to);
    regex.lastIndex = 0;
    for (let match = regex.exec(searched); match !== null; match = regex.exec(searched)) found.push(`${from + match.index}:${match[0]}`);
  }
  return found;
};

for (const pattern of credentialPatterns.filter((each) => each.compactWindow !== undefined)) {
  test(`${pattern.kind}: the windows find the whole text's matches, on 3,000 generated texts`, () => {
    const regex = pattern.compact as RegExp;
    const window = pattern.compactWindow as NonNullable<typeof pattern.compactWindow>;
    // Prefixes, the literal, and alphanumeric runs around every length the regex counts.
    const pieces = ["sk", "skproj", "sksvcacct", "skadmin", window.literal, window.literal.slice(0, 5), "-", "."];
    let found = 0;
    for (let round = 0; round < 3000; round++) {
      const parts: string[] = [];
      const alnum = (length: number): string => source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
      // Runs at the regex's bounds (7–9, 150–161 characters) and beyond them.
      const near = (): number => [int(10), 150 + int(12), 165 + int(200)][int(3)] as number;
      for (let i = int(6); i >= 0; i--) {
        const pick = int(3);
        if (pick === 0) parts.push(`${["sk", "skproj", "sksvcacct", "skadmin"][int(4)]}${alnum(near())}${window.literal}${alnum(near())}`);
        else if (pick === 1) parts.push(pieces[int(pieces.length)] as string);
        else parts.push(alnum(1 + int(400)));
      }
      const text = parts.join("");
      const whole = matches(regex, text, [[0, text.length]]);
      found += whole.length;
      expect([text, matches(regex, text, compactWindows(text, window))]).toEqual([text, whole]);
    }
    expect(found).toBeGreaterThan(60);
  });
}

test("a pattern without a window runs over the whole text", () => {
  expect(compactWindows("anything", undefined)).toEqual([[0, 8]]);
});
