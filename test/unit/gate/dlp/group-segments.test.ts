import { expect, test } from "bun:test";
import { decodedSegments } from "../../../../src/gate/dlp/decode-aligned.ts";
import { groupSegments } from "../../../../src/gate/dlp/find-hits.ts";
import { groupLines } from "../../../../src/gate/dlp/group-lines.ts";
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
      const indexOf = new Map(groups.map((group, index) => [group.start, index]));
      for (const { segment, group } of groupSegments(groupLines(groups), minText)) {
        expect(groups[indexOf.get(group.start)!]).toEqual(group);
        together[indexOf.get(group.start)!]!.push(segment.text);
      }
      for (const list of together) list.sort();
      expect([each, together]).toEqual([each, alone]);
      stretches += alone.flat().length;
    }
  }
  // Not vacuous: the texts hold many groups that decode.
  expect(stretches).toBeGreaterThan(3000);
});

test("no groups, no stretches", () => {
  expect(groupSegments(groupLines([]), 13)).toEqual([]);
});

/** Groups `groupsToRead` leaves out are ones `findHits` (without decoding) finds nothing in,
 * with either compaction (text compaction reads the groups with a delimiter by what they hold). */
for (const compact of ["url", "text"] as const) test(`every group left unread holds nothing findHits finds, ${compact} compaction, on 3,000 generated texts (and the read ones include every group with a hit)`, async () => {
  const { buildHeldSecretForms } = await import("../../../../src/gate/dlp/held-secret-forms.ts");
  const { findHits, groupsToRead } = await import("../../../../src/gate/dlp/find-hits.ts");
  const { financialHits } = await import("../../../../src/gate/dlp/financial-ids.ts");
  const secret = "hUNTER29f8e7d6c5b4a";
  // One with delimiters of its own: its compact form is held too.
  const dashed = "corp-Held.Value_9x8Q";
  const held = buildHeldSecretForms([secret, "Zx9QwErTyU", dashed]);
  // Cells that hold what each part of findHits looks for, among random ones.
  const special = [
    "ghp" + "_" + source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36),
    "AKIA" + source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    "eyJhbGciOiJIUzI1NiJ9",
    "4111111111111111",
    "GB82WEST12345698765432",
    // An IBAN without a card-like digit run in it (the other is also a card run).
    "NL91ABNA0417164300",
    "1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
    secret,
    "Zx9QwErTyU",
    Buffer.from(secret).toString("base64"),
    "pass=word",
    // What only a group with a delimiter can hold (`_`, `=`, `+`, `/` are group
    // characters, the others split groups): a pair's key, a prefix or held form that
    // compaction joins, a financial candidate after punctuation, a prefix with a `_`.
    "token=" + source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 20),
    "api_key=" + source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 20),
    "gh_p" + source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36),
    "AK=IA" + source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
    dashed,
    "corpHeld_Value9x8Q",
    "x=GB82WEST12345698765432",
    "a/1BoatSLRHtKNngkdXEeobR76b53LETtpyT",
    "sk_live_" + source.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24),
  ];
  const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  /** A line of equal-width cells: random, or a special token (after a random cell or not) cut into cells. */
  const line = (width: number, separator: string): string => {
    const token = int(3) === 0 ? `${int(2) === 0 ? "" : source.chars(ALNUM, width)}${special[int(special.length)]}` : source.chars(int(4) === 0 ? `${ALNUM}+/=_` : ALNUM, 3 * width);
    const cells: string[] = [];
    for (let at = 0; at < token.length; at += width) cells.push(token.slice(at, at + width));
    return cells.join(separator);
  };
  const options = { held, compact, decode: false, structured: true, formats: true, pairsFound: false };
  let left = 0;
  let withHits = 0;
  let financial = 0;
  for (let round = 0; round < 3000; round++) {
    const width = 2 + int(12);
    const separator = [",", " ", "-", ":", "."][int(5)] as string;
    const lines = Array.from({ length: 1 + int(30) }, () => line(width, separator));
    const groups = joinedGroups(lines.join("\n"));
    const toRead = groupsToRead(groupLines(groups), held, undefined, compact);
    for (const group of toRead) expect(groups).toContainEqual(group);
    const read = new Set(toRead.map((group) => group.start));
    // Those only a financial candidate marks: findHits finds there what financialHits does.
    const financialOnly: typeof groups = [];
    const whole = groupsToRead(groupLines(groups), held, financialOnly, compact);
    expect(new Set([...whole, ...financialOnly].map((group) => group.start))).toEqual(read);
    for (const group of financialOnly) {
      financial++;
      expect([group.text, findHits(group.text, options)]).toEqual([group.text, financialHits(group.text)]);
    }
    for (const group of groups) {
      const hits = findHits(group.text, options);
      if (hits.length > 0) withHits++;
      if (read.has(group.start)) continue;
      left++;
      expect([group.text, hits]).toEqual([group.text, []]);
    }
  }
  // Not vacuous: many groups are left out, and many hold something.
  expect(left).toBeGreaterThan(2000);
  expect(withHits).toBeGreaterThan(500);
  expect(financial).toBeGreaterThan(200);
});
