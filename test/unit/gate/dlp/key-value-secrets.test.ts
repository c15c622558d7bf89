import { describe, expect, test } from "bun:test";
import { isNonTrivialSecret, keyValueHits } from "../../../../src/gate/dlp/key-value-secrets.ts";
import { shannonEntropy } from "../../../../src/gate/dlp/shannon-entropy.ts";
import { FakeSource } from "./fake-credentials.ts";

/** The value test reads a value's characters from the text it came from, folds the
 * number and plain-URL regexes into its class walk and trims by hand only when an end
 * could be whitespace: the same answers as the code it replaced, written out here. */

const PLACEHOLDER =
  /^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_]+%|<.*>|\{\{.*\}\}|\{.*\}|%\(.*\)s|\[.*\]|(.)\1*|null|none|nil|true|false|undefined|changeme|change_?me|password\d*|secret|example|redacted|placeholder|dummy|sample|todo|tbd|unset|empty|default|string|required|optional|hidden|masked)$/i;
const PLACEHOLDER_WORDS = /example|placeholder|your[_-]|redacted|process\.env|os\.environ|getenv|<[a-z_-]+>|\*{3}|x{4}|\.\.\./i;

/** The value test before this change: a regex per check and per class. */
function oldIsNonTrivialSecret(value: string): boolean {
  if (value.length < 8 || value.length > 512) return false;
  if (PLACEHOLDER.test(value) || PLACEHOLDER_WORDS.test(value)) return false;
  if (/^[0-9.,:-]+$/.test(value)) return false;
  if (/^(?:https?:\/\/|\/)[^@]*$/.test(value)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((regex) => regex.test(value)).length;
  const entropy = shannonEntropy(value);
  return (classes >= 2 && entropy >= 2.5) || (value.length >= 16 && entropy >= 3.3);
}

const source = new FakeSource(31);
const int = (n: number): number => (n <= 0 ? 0 : ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n);
const pieces = ["a", "Z", "7", "0", "1", "2", "3", "4", "5", "6", "8", "9", "2024-11-30", "12:45", "1,5", ".", ",", ":", "-", "@", "/", "http://", "https://", "x", "ab", "Qz9", " ", "\t", "\u00a0", "\ufeff", "\u2028", "é", "ÿ", "\u4e00", "example", "${X}", "_", "+"];
const value = (): string => Array.from({ length: int(24) }, () => pieces[int(pieces.length)]).join("");

describe("key/value value test", () => {
  test("agrees with the regex checks on 20,000 generated values (numbers, URLs, @, whitespace, non-Latin-1)", () => {
    let secrets = 0;
    for (let round = 0; round < 20_000; round++) {
      const each = value();
      const expected = oldIsNonTrivialSecret(each);
      if (expected) secrets++;
      expect([each, isNonTrivialSecret(each)]).toEqual([each, expected]);
    }
    expect(secrets).toBeGreaterThan(2000);
    expect(secrets).toBeLessThan(18_000);
  });

  test("a pair in a text is a finding exactly when its trimmed value passes the old test (quoted values keep their inner whitespace)", () => {
    let found = 0;
    for (let round = 0; round < 5000; round++) {
      const each = value();
      const quoted = int(2) === 0 && !each.includes('"') && !each.includes("\n");
      const text = quoted ? `{"note": 1, "password": "${each}", "x": 2}` : `a=1&client_secret=${each.replace(/[\s"'&,;}\]<>)]/g, "")}&b=2`;
      const inner = quoted ? each : each.replace(/[\s"'&,;}\]<>)]/g, "");
      const expected = inner.length > 0 && oldIsNonTrivialSecret(inner.trim());
      const hits = keyValueHits(text);
      if (expected) found++;
      expect([text, hits.length]).toEqual([text, expected ? 1 : 0]);
      if (expected) expect(text.slice(hits[0]?.start, hits[0]?.end)).toBe(inner);
    }
    expect(found).toBeGreaterThan(500);
  });
});

describe("CSV under a header naming secret columns", () => {
  const secret = "Qw8vR2xZ7pLm4TnK";
  test("one finding per line holding a secret in any secret column, spanning the line (CRLF too)", () => {
    for (const newline of ["\n", "\r\n"]) {
      const rows = ["user,password,token", `ann,${secret},`, `bob,,${secret}`, `cy,${secret},${secret}`, "dee,changeme,", ""];
      const text = rows.join(newline);
      const lines: [number, number][] = [];
      let at = 0;
      for (const row of rows) {
        lines.push([at, at + row.length + (newline === "\r\n" && row !== "" ? 1 : 0)]);
        at += row.length + newline.length;
      }
      const hits = keyValueHits(text).map((hit) => [hit.start, hit.end]);
      expect([newline, hits]).toEqual([newline, lines.slice(1, 4)]);
    }
  });
});
