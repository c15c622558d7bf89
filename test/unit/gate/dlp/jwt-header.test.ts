import { expect, test } from "bun:test";
import { isJwt, isJwtAt } from "../../../../src/gate/dlp/credential-patterns.ts";
import { FakeSource } from "./fake-credentials.ts";

/** The check before the prefilter: parse the header, an object with an `alg` key. */
function parsedSays(match: string): boolean {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(match.slice(0, match.indexOf(".")), "base64url").toString("utf8"));
    return typeof parsed === "object" && parsed !== null && "alg" in parsed;
  } catch {
    return false;
  }
}

const source = new FakeSource(519);
const int = (n: number): number => ((source.bytes(2)[0] as number) * 256 + (source.bytes(1)[0] as number)) % n;
const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

test("isJwt gives the parse's answer on 6,000 headers: random, objects with and without alg, escaped keys, whitespace, arrays", () => {
  const jsons = [
    '{"alg":"HS256"}',
    ' \n\t{"typ":"JWT","alg":"none"}',
    '{"\\u0061lg":"RS256"}',
    '{"a\\u006cg":1}',
    '{"x":"alg"}',
    '["alg"]',
    '{"alg"',
    '\u00a0{"alg":1}',
    '{"kid":"k","alg":{"nested":true}}',
    '{"ALG":"x"}',
    'null',
  ];
  let valid = 0;
  for (let round = 0; round < 6000; round++) {
    const pick = int(3);
    const header = pick === 0 ? Buffer.from(jsons[int(jsons.length)] as string).toString("base64url") : pick === 1 ? `eyJ${source.chars(B64URL, 7 + int(30))}` : Buffer.from(`{"${source.chars("algtypkid\\u0061", int(8))}":${int(9)}}`).toString("base64url");
    const match = `${header}.${source.chars(B64URL, 10)}.${source.chars(B64URL, 4)}`;
    const expected = parsedSays(match);
    if (expected) valid++;
    expect([match, isJwt(match)]).toEqual([match, expected]);
  }
  expect(valid).toBeGreaterThan(500);
});

test("isJwtAt in a text gives the parse's answer for each span, a header of the same length as the one before or the same one again", () => {
  // Valid and invalid headers of one length, in runs and alternating: the answer
  // remembered for the header before must not be given for another.
  const headers = ['{"alg":"HS256"}', '{"alh":"HS256"}', '{"alg":"HS257"}', '{"xlg":"HS256"}'].map((json) => Buffer.from(json).toString("base64url"));
  const spans: string[] = [];
  for (let round = 0; round < 400; round++) spans.push(`${headers[int(4) % headers.length]}.${source.chars(B64URL, 10)}.${source.chars(B64URL, 4)}`);
  const text = spans.join(" ");
  let at = 0;
  const answers = spans.map((span) => {
    const answer = isJwtAt(text, at);
    at += span.length + 1;
    return [span, answer];
  });
  expect(answers).toEqual(spans.map((span) => [span, parsedSays(span)]));
  expect(new Set(answers.map(([, answer]) => answer)).size).toBe(2);
});
