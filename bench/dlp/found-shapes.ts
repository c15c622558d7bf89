/**
 * Hostile bodies found by a search for DLP inputs over 50 ms per MiB (issue 9's
 * bound), in the same form as `inputs.ts`: `SHAPES=found bun bench/dlp/ab.ts REF`
 * measures them. Each is deterministic (its own seeded generator, so one shape does
 * not depend on another), and the comment above each names the pass it made costly
 * when it was found (`RESULTS.md` has the figures before and after).
 */
import { gzipSync } from "node:zlib";

import { fill, type Input, MiB } from "./inputs.ts";

/** A seeded generator (the LCG of `inputs.ts`), one per shape so shapes do not depend on order. */
function rng(seed: number) {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const pick = (alphabet: string, length: number): string => {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
    return out;
  };
  return { random, pick };
}
const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64URL = `${ALNUM}-_`;
const BECH32_UPPER = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L";
const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
/** Printable ASCII without the quote, `%`, `=`, `\`, `+`, `-`, `/`, `:`, `'`, `"`, `_`. */
const PRINTABLE = " !#$&()*,.0123456789;<>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^`abcdefghijklmnopqrstuvwxyz{|}~";
const enc = (text: string): Uint8Array => new TextEncoder().encode(text);

/** `text` with `marker` after every `every` characters (cut back to 1 MiB). */
function sprinkle(text: string, marker: string, every: number): string {
  const parts: string[] = [];
  for (let at = 0; at < text.length; at += every) parts.push(text.slice(at, at + every), marker);
  return parts.join("").slice(0, MiB);
}
/** `encoded` cut into lines of `width` characters (LF), cut to 1 MiB. */
function lines(encoded: string, width: number): string {
  const out: string[] = [];
  let length = 0;
  for (let at = 0; length < MiB && at < encoded.length; at += width) {
    out.push(encoded.slice(at, at + width));
    length += width + 1;
  }
  return out.join("\n").slice(0, MiB);
}
/** RFC 4648 base32, upper case, unpadded. */
function base32(text: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  let out = "";
  for (let i = 0; i < text.length; i++) {
    value = ((value << 8) | text.charCodeAt(i)) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += alphabet[(value >> bits) & 31];
    }
  }
  return out;
}
/** The bench's CSV shape: three 8-character cells a line under a header naming secret columns. */
const csvCells = (seed: number): string => {
  const r = rng(seed);
  return `password,token,secret\n${fill(() => `${r.pick(ALNUM, 8)},${r.pick(ALNUM, 8)},${r.pick(ALNUM, 8)}`, "\n")}`;
};
/** Two percent rounds (`%2541` -> `%41` -> `A`), a string escape and a quoted-printable
 * soft break: 3 percent views x (itself + unescaped) x (itself + quoted-printable) = 12
 * views, each scanned whole when it changes once per 4 KiB (`VIEW_WINDOW` 2048). No
 * finding of its own (two rounds are not `nested-encoding`). */
const VIEWS = "%2541\\u0041=\n";

const bech32 = (seed: number): string => {
  const r = rng(seed);
  return fill(() => `BC1${r.pick(BECH32_UPPER, 9)}`, " ");
};

/** A messages request in French as ASCII-only JSON (`\u00e9` for é, as clients that escape
 * non-ASCII send it), with Python lines ending in `=` and URLs with `%20`: not hostile,
 * yet three kinds of views (percent, string escapes, quoted-printable), each dense. */
function frenchMessages(): string {
  const prose = "La fonction calculeTotaux parcourt les t\u00e2ches et additionne leurs dur\u00e9es, puis r\u00e9sume l'\u00e9tat. ";
  const code = "total =\n  sum(t.duration for t in tasks)\nurl = 'https://example.com/a%20b/c%2Fd'\n";
  const messages: { role: string; content: string }[] = [];
  let length = 0;
  for (let i = 0; length < MiB; i++) {
    const content = `${prose.repeat(6)}\n\`\`\`py\n${code.repeat(3)}\`\`\`\ncommit ${i.toString(16).padStart(32, "0")}`;
    messages.push({ role: i % 2 === 0 ? "user" : "assistant", content });
    length += content.length + 60;
  }
  return JSON.stringify({ model: "m", messages }).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).slice(0, MiB);
}

/** The found shapes, by what they are. */
export const foundShapes: Record<string, Input> = {

  // financialHits -> bech32Valid: @scure/base bech32.decode and bech32m.decode each throw
  // (an Error with a stack) on every candidate that fails its checksum; 80,000 a MiB.
  "bech32 candidates: BC1 + 9 upper-case, space-separated": { body: enc(bech32(2)), hostile: true },
  // The same candidate costs the same each time (nothing remembered), so it compresses:
  // ~104 KiB of gzip (ratio 78, under the bound of 100) is 7.9 MiB of text to scan.
  "gzip: 104 KiB -> 7.9 MiB of bech32 candidates (ms per MiB decoded)": (() => {
    const r = rng(3);
    const decoded = enc(fill((i) => `BC1${i % 64 === 0 ? r.pick(BECH32_UPPER, 9) : "QQQQQQQQQ"}`, " ", 8 * MiB - 64 * 1024));
    return { body: gzipSync(decoded, { level: 9 }), type: "text/plain", encoding: "gzip", hostile: true, scanned: decoded.length };
  })(),
  // financialHits -> base58checkPayload: base58.decode (quadratic) and two createHash
  // sha256 objects per candidate; 40,000 a MiB.
  "base58 candidates: 1 + 25, space-separated": (() => {
    const r = rng(4);
    return { body: enc(fill(() => `1${r.pick(BASE58, 25)}`, " ")), hostile: true };
  })(),
  // scanBody's whole-text JWT search -> isJwt: a base64url decode and a JSON.parse that
  // throws, per span with a header not seen before (the cache only helps repeats).
  "JWT-shaped spans with distinct headers (eyJ+7.8.1;)": (() => {
    const r = rng(5);
    return { body: enc(fill(() => `eyJ${r.pick(B64URL, 7)}.${r.pick(B64URL, 8)}.${r.pick(B64URL, 1)};`)), hostile: true };
  })(),
  // decodedHits -> decodedKinds: every line decodes to a printable stretch of >= 13
  // bytes, and each such stretch gets a findHits of its own (all passes, decoding again).
  "base64url of printable text, 26-column lines": (() => {
    const r = rng(6);
    return { body: enc(lines(Buffer.from(r.pick(PRINTABLE, 800_000), "latin1").toString("base64url"), 26)), hostile: true };
  })(),
  "hex of printable text, 26-column lines": (() => {
    const r = rng(7);
    return { body: enc(lines(Buffer.from(r.pick(PRINTABLE, 520_000), "latin1").toString("hex"), 26)), hostile: true };
  })(),
  "base32 of printable text, 21-column lines": (() => {
    const r = rng(8);
    return { body: enc(lines(base32(r.pick(PRINTABLE, 660_000)), 21)), hostile: true };
  })(),
  // decodedSegments -> alignedDecode: base32 runs (one case) up to 4096 characters are
  // decoded by a JS loop at all 8 alignments; hex and base64 are batched natively.
  "lower-case base32 runs of 40, space-separated": (() => {
    const r = rng(9);
    return { body: enc(fill(() => r.pick("abcdefghijklmnopqrstuvwxyz234567", 40), " ")), hostile: true };
  })(),
  // keyValueHits on pairs that never become a finding (so no slice skips them), and
  // their values are 1-case base32 runs (above).
  "token= values that fail the secret test (40 of a-h)": (() => {
    const r = rng(10);
    return { body: enc(fill(() => `token=${r.pick("abcdefgh", 40)}`, "&")), hostile: true };
  })(),
  // compactHits: with "T3BlbkFJ" in a slice, the OpenAI compact regex
  // /sk(?:…)?[A-Za-z0-9]{8,160}T3BlbkFJ…/ backtracks ~160 steps at every "sk".
  "compact gates in every slice, then sk repeated": {
    body: enc(sprinkle("sk".repeat(MiB / 2), " skant T3BlbkFJ AKIA ghp githubpat glpat xoxb live AIza npm pypi PRIVATEKEY a.b ", 8000)),
    hostile: true,
  },
  // The same regex with windows around each T3BlbkFJ: an anchor every 169 characters,
  // never followed by the 8 characters a match needs, made the windows the whole text.
  "T3BlbkFJ (then a space) after every 80 sk": { body: enc(fill(() => `a.b ${"sk".repeat(80)}T3BlbkFJ `)), hostile: true },
  // groupsToRead: a group whose text holds a non-alphanumeric (`_` is a group character,
  // not a separator) is read by findHits on its own: one findHits per line again.
  "CSV cells with an underscore inside": (() => {
    const r = rng(11);
    const cell = (): string => `${r.pick(ALNUM, 3)}_${r.pick(ALNUM, 4)}`;
    return { body: enc(fill(() => `${cell()},${cell()},${cell()}`, "\n")), hostile: true };
  })(),
  // The same with an `=` inside one cell a line (found by the CSV work).
  "CSV cells with an = inside one": (() => {
    const r = rng(28);
    return { body: enc(fill(() => `${r.pick(ALNUM, 3)}=${r.pick(ALNUM, 4)},${r.pick(ALNUM, 8)},${r.pick(ALNUM, 8)}`, "\n")), hostile: true };
  })(),
  // The same re-read through the financial mark: 4-digit groups split by spaces are a
  // joined group per line, a card candidate, so each line's group gets a findHits
  // (financialHits, cardNetworkLengths) besides the slice's own. Every line is a valid
  // Visa number (a finding, but the cost is paid first).
  "Luhn-valid card numbers in 4-digit groups, one a line": (() => {
    const r = rng(25);
    return { body: enc(fill(() => {
      const digits = `4${r.pick("0123456789", 14)}`;
      let sum = 0;
      for (let i = 0; i < 15; i++) {
        let x = digits.charCodeAt(14 - i) - 48;
        if (i % 2 === 0) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
        sum += x;
      }
      return (`${digits}${(10 - (sum % 10)) % 10}`.match(/..../g) ?? []).join(" ");
    }, "\n")), hostile: true };
  })(),
  // ibanValid on both the slice and each line's group (same mark): DE + 20 digits in groups of 4.
  "DE IBAN-shaped groups (DE00 0000 0000 0000 0000 00), space-separated": (() => {
    const r = rng(26);
    const d = (n: number): string => r.pick("0123456789", n);
    return { body: enc(fill(() => `DE${d(2)} ${d(4)} ${d(4)} ${d(4)} ${d(4)} ${d(2)}`, " ")), hostile: true };
  })(),
  // keyBefore: a 120-character mixed-case key before every `Token=` is walked back,
  // snake-cased by two regex replaces and lower-cased, per pair (never a finding).
  "120-character camelCase keys before Token= (value fails)": (() => {
    const r = rng(27);
    return { body: enc(fill(() => `${"aB".repeat(60)}Token=${r.pick("abcdefgh", 8)}`, "&")), hostile: true };
  })(),
  // csvHits: a header naming a secret column at each slice start (every 32 KiB), and then
  // up to 10,000 lines per text, each sliced, split and trimmed, never a finding.
  "a CSV header at every slice start, 3-character lines": (() => {
    const r = rng(12);
    const rows = fill(() => `${r.pick("abc", 1)},${r.pick("xyz", 1)}`, "\n");
    const parts: string[] = [];
    for (let at = 0; at < MiB; at += 32768) parts.push(`password,x\n${rows.slice(at + 11, at + 32768)}`);
    return { body: enc(parts.join("").slice(0, MiB)), hostile: true };
  })(),
  // decodeRuns: digit runs are hex (and base64 with the letters), decoded at every alignment.
  "xoxb + 60 digits, space-separated": (() => {
    const r = rng(13);
    return { body: enc(fill(() => `xoxb${r.pick("0123456789", 60)}`, " ")), hostile: true };
  })(),

  // joinedGroups + groupSegments: each line is a group of 16 two-character groups split
  // by `:` (a fingerprint, `xxd`-like dumps), joined and decoded at both alignments.
  "random bytes as colon hex, 16 a line": (() => {
    const r = rng(23);
    const hex = Buffer.from(Uint8Array.from({ length: 360_000 }, () => Math.floor(r.random() * 256))).toString("hex");
    const out: string[] = [];
    for (let at = 0; at < hex.length; at += 32) out.push((hex.slice(at, at + 32).match(/../g) ?? []).join(":"));
    return { body: enc(out.join("\n").slice(0, MiB)), hostile: true };
  })(),

  // --- views: each one rescans the slice whole when it changes once per 4 KiB ---
  "quoted-printable soft breaks every 76 columns, over CSV cells": { body: enc(csvCells(14).replace(/\n/g, " ").replace(/.{75}/g, "$&=\n").slice(0, MiB)), hostile: true },
  "form body: one + per 3000 characters, over CSV cells": { body: enc(sprinkle(csvCells(15), "+", 3000)), type: "application/x-www-form-urlencoded", hostile: true },
  "one %2541 per 3000 characters, over CSV cells": { body: enc(sprinkle(csvCells(16), "%2541", 3000)), hostile: true },
  "one \\u0041 per 3000 characters, over CSV cells": { body: enc(sprinkle(csvCells(17), "\\u0041", 3000)), hostile: true },

  "messages JSON in French: \\u escapes, code lines ending in =, %20 URLs (not hostile)": { body: enc(frenchMessages()), type: "application/json", hostile: false },
  "same in plain ASCII: no escapes, no = line ends, no %20 (not hostile)": { body: enc(frenchMessages().replace(/\\u00[0-9a-f]{2}/g, "e").replace(/=\\n/g, ";\\n").replace(/%2/g, "_2")), type: "application/json", hostile: false },

  // --- compositions: a multiplier over a costly pass ---
  "12 views (%2541 \\u0041 =LF per 3000) over CSV cells": { body: enc(sprinkle(csvCells(18), VIEWS, 3000)), hostile: true },
  "12 views over random base64 in 76-column lines (no finding)": (() => {
    const r = rng(19);
    const b64 = Buffer.from(Uint8Array.from({ length: 770_000 }, () => Math.floor(r.random() * 256))).toString("base64").replace(/.{76}/g, "$&\n");
    return { body: enc(sprinkle(b64, VIEWS, 3000)), hostile: true };
  })(),
  "12 views over bech32 candidates": { body: enc(sprinkle(bech32(20), VIEWS, 3000)), hostile: true },
  // The smallest request found that spends the whole 500 ms budget: 256 KiB of the
  // shape above (candidates mostly repeated: they cost the same), gzipped.
  "gzip: 4 KB -> 256 KiB of 12 views over bech32 candidates (ms per MiB decoded)": (() => {
    const r = rng(24);
    const text = sprinkle(fill((i) => `BC1${i % 64 === 0 ? r.pick(BECH32_UPPER, 9) : "QQQQQQQQQ"}`, " "), VIEWS, 3000).slice(0, 256 * 1024);
    const decoded = enc(text);
    return { body: gzipSync(decoded, { level: 9 }), type: "text/plain", encoding: "gzip", hostile: true, scanned: decoded.length };
  })(),
  "base64 (20-column lines) of bech32 candidates": (() => {
    const r = rng(21);
    const text = fill(() => `bc1${r.pick(BECH32_UPPER.toLowerCase(), 9)}`, " ", 750_000);
    return { body: enc(lines(Buffer.from(text, "latin1").toString("base64"), 20)), hostile: true };
  })(),
  "base64 (76-column lines) of CSV cells": { body: enc(lines(Buffer.from(csvCells(22).slice(0, 780_000), "latin1").toString("base64"), 76)), hostile: true },
};
