import { describe, expect, test } from "bun:test";
import { createScanner, type Finding } from "../../../../src/gate/dlp/create-scanner.ts";
import type { Hit } from "../../../../src/gate/dlp/find-hits.ts";
import { buildHeldSecretForms } from "../../../../src/gate/dlp/held-secret-forms.ts";
import { scanText, type TextProfile } from "../../../../src/gate/dlp/scan-text.ts";
import { FakeSource, fakeCredentials } from "./fake-credentials.ts";

/**
 * A body keeps kinds, so once one of its slices has a key/value finding the next
 * slices look at pairs only where one quiets a quoted-printable escape
 * (`password=4F…`). Against the full scan of the same text: every other hit is the
 * same (kind and span), the skipped pairs are key/value hits only, and every pair
 * that quiets an escape is still reported.
 */

const source = new FakeSource(47);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
const credentials = fakeCredentials(47);
const github = credentials["github-token"] ?? "";
const held = "dbpassword-Kq83vTz1Lw0pXr7N";
const forms = buildHeldSecretForms([held]);
const qp = (text: string): string => [...text].map((char) => `=${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("");
const pct = (text: string): string => [...text].map((char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`).join("");

const keys = ["password", "token", "page_token", "api_key", "client_secret", '"secret"', "pwd", "X-Api-Key", "next_token"];
const separators = ["=", ": ", "=>", "= ", ":"];
const values = (): string => {
  const pick = int(9);
  if (pick === 0) return `4F${source.token(18)}`; // a hex pair: the separator reads as an escape
  if (pick === 1) return `${source.chars("0123456789ABCDEF", 2)}${qp(github.slice(0, 4))}${github.slice(4)}`;
  if (pick === 2) return qp(github);
  if (pick === 3) return `"${source.token(20)}"`;
  if (pick === 4) return "changeme";
  if (pick === 5) return held.replace("-", "=2D");
  if (pick === 6) return pct(github);
  if (pick === 7) return `67${github.slice(1)}`;
  return source.token(8 + int(20));
};
const body = (): string =>
  Array.from({ length: 1 + int(40) }, () => `${keys[int(keys.length)]}${separators[int(separators.length)]}${values()}`).join(["&", "\n", ", ", " "][int(4)] as string);

const key = (hit: Hit): string => `${hit.kind}@${hit.start}-${hit.end}`;
const pairKeys = (hits: Hit[]): string[] => hits.filter((hit) => hit.kind === "key-value-secret").map(key).sort();
const otherKeys = (hits: Hit[]): string[] => hits.filter((hit) => hit.kind !== "key-value-secret").map(key).sort();

describe("scanText with a key/value finding already made", () => {
  for (const profile of ["body", "form"] as TextProfile[]) {
    test(`${profile}: 600 generated texts of pairs, escapes and keys: the same other hits, a subset of the pairs, every pair quieting an escape kept`, () => {
      let quieting = 0;
      let skipped = 0;
      for (let round = 0; round < 600; round++) {
        const text = body();
        const full = scanText(text, profile, forms);
        const fast = scanText(text, profile, forms, new Map(), false, new Set(["key-value-secret"]));
        expect([text, otherKeys(fast)]).toEqual([text, otherKeys(full)]);
        const fullPairs = pairKeys(full);
        const fastPairs = new Set(pairKeys(fast));
        for (const pair of fastPairs) expect(fullPairs).toContain(pair);
        skipped += fullPairs.length - fastPairs.size;
        for (const hit of full) {
          if (hit.kind !== "key-value-secret" || text[hit.start - 1] !== "=" || !/^[0-9A-Fa-f]{2}/.test(text.slice(hit.start))) continue;
          quieting++;
          expect(fastPairs.has(key(hit))).toBe(true);
        }
      }
      expect(quieting).toBeGreaterThan(80);
      expect(skipped).toBeGreaterThan(400);
    });
  }

  test("without that kind found, nothing is skipped (another kind found does not count)", () => {
    for (let round = 0; round < 200; round++) {
      const text = body();
      const full = scanText(text, "body", forms).map(key).sort();
      expect(scanText(text, "body", forms, new Map(), false, new Set(["github-token", "held-secret"])).map(key).sort()).toEqual(full);
    }
  });
});

describe("a body whose first slice has a key/value finding", () => {
  const scanner = createScanner({ heldSecrets: [held] });
  const kinds = (findings: Finding[]): string[] => findings.map((finding) => finding.kind);
  const pairs = (count: number): string => Array.from({ length: count }, (_, i) => `password=4F${(i * 7919).toString(36)}Zq9Lm2Xv`).join("&");
  /** Pairs over three slices (~100 KiB), then `tail`, then more pairs. */
  const scan = (tail: string): string[] => kinds(scanner.scanBody(new TextEncoder().encode(`${pairs(4000)}&${tail}&${pairs(200)}`), "text/plain"));
  test("a key with every letter escaped, in a later slice", () => {
    expect(scan(`note=${qp(github)}`)).toContain("github-token");
  });
  test("a key escaped right after a key the key/value finder ignores (page_token), in a later slice", () => {
    expect(scan(`page_token=${qp(github.slice(0, 1))}${github.slice(1)}`)).toContain("github-token");
  });
  test("a held secret whose escape is such a separator (dbpassword=2D…), in a later slice", () => {
    expect(scan(held.replace("-", "=2D"))).toContain("held-secret");
  });
  test("a key as a later pair's value, raw and percent-encoded", () => {
    expect(scan(`password=${github}`)).toContain("github-token");
    expect(scan(`api_key=${pct(github)}`)).toContain("github-token");
  });
  test("the pairs are still a key/value finding, once", () => {
    expect(scan("x=1")).toEqual(["key-value-secret"]);
  });
});
