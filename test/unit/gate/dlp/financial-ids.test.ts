import { describe, expect, test } from "bun:test";
import { anchoredCandidates, anchoredMayStart, CARD_RUN, cardRuns } from "../../../../src/gate/dlp/financial-ids.ts";
import { FakeSource } from "./fake-credentials.ts";

/** The card-run scanner replaced a regex: it must find exactly the regex's matches. */

const source = new FakeSource(1213);
const int = (n: number): number => ((source.bytes(1)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n;

/** The old search: every match of the regex, as flat `[start, end)` pairs. */
function regexRuns(text: string): number[] {
  const spans: number[] = [];
  CARD_RUN.lastIndex = 0;
  for (let match = CARD_RUN.exec(text); match !== null; match = CARD_RUN.exec(text)) spans.push(match.index, match.index + match[0].length);
  return spans;
}

describe("cardRuns", () => {
  test("edge cases: lengths around 13 and 23, separators at the ends, doubled, other characters", () => {
    const cases = [
      "",
      "1",
      "123456789012",
      "1234567890123",
      "12345678901234567890123",
      "123456789012345678901234",
      "1".repeat(100),
      "4111 1111 1111 1111",
      "4111-1111-1111-1111-",
      "4111  1111 1111 1111",
      "4111 -1111 1111 1111 1111",
      " 4111111111111111 ",
      "-4111111111111111-",
      "x4111111111111111y",
      "411111111111 1",
      "41111111111 1 1",
      "1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5",
      "%25".repeat(40),
      "\\u0041".repeat(40),
      "٣٤٥٦٧٨٩٠١٢٣٤٥٦", // Arabic-Indic digits are not [0-9]
    ];
    for (const text of cases) expect(cardRuns(text)).toEqual(regexRuns(text));
  });

  test("agrees with the regex on generated digit-heavy texts", () => {
    const alphabets = ["0123456789 -", "0123456789 -x.", "0123456789", "01 ", "9-", "0123456789 -\n%u"];
    let matches = 0;
    for (let round = 0; round < 4000; round++) {
      const alphabet = alphabets[round % alphabets.length] as string;
      // Mostly digits with a separator now and then, in runs of varying length.
      const parts: string[] = [];
      for (let piece = int(8); piece >= 0; piece--) {
        parts.push("0123456789".repeat(3).slice(int(10), int(10) + int(21)));
        parts.push(source.chars(alphabet, int(4)));
      }
      const text = parts.join("");
      const expected = regexRuns(text);
      matches += expected.length / 2;
      expect(cardRuns(text)).toEqual(expected);
    }
    // The generator reaches both outcomes, so the comparison is not of empty lists only.
    expect(matches).toBeGreaterThan(1000);
  });
});

describe("anchoredMayStart", () => {
  const source = new FakeSource(211);
  const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
  const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const BODIES = [ALNUM, `${UPPER}0123456789`, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"];
  /** A line of letters and digits that may start like an IBAN or base58 candidate,
   * around the lengths each needs (15, 26). */
  const line = (): string => {
    const pick = int(3);
    const start = pick === 0 ? `${source.chars(UPPER, 2)}${source.chars("0123456789", 2)}` : pick === 1 ? source.chars("135KL", 1) : "";
    return `${start}${source.chars(BODIES[int(3)] as string, 8 + int(24))}`;
  };

  test("a line of letters and digits holding an IBAN or base58 candidate may start one, on 20,000 generated lines", () => {
    let holding = 0;
    let turnedAway = 0;
    for (let round = 0; round < 20000; round++) {
      // Lines one after another, as joined groups are: each read within its bounds.
      const lines = [line(), line(), line()];
      const text = `${lines.join("\n")}\n`;
      let from = 0;
      for (const each of lines) {
        const holds = anchoredCandidates(each).length > 0;
        const may = anchoredMayStart(text, from, from + each.length);
        if (holds) holding++;
        if (!may) turnedAway++;
        if (holds) expect([each, may]).toEqual([each, true]);
        from += each.length + 1;
      }
    }
    // Not vacuous: many lines hold a candidate, many are turned away.
    expect(holding).toBeGreaterThan(5000);
    expect(turnedAway).toBeGreaterThan(20000);
  });
});
