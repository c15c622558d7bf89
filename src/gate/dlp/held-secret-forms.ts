/**
 * The encoded forms of the secret values the gate holds, computed once when the
 * scanner is built so that scanning is only substring search.
 *
 * Forms: raw; with delimiters removed (matched against compacted text); URL-encoded
 * (`encodeURIComponent`, and every byte as `%XX` in both cases); hex (both cases);
 * base64 (standard and URL-safe) and base32 (upper and lower case) each at every
 * alignment. "Every alignment" matters because a secret embedded in a longer blob is
 * encoded starting at byte offset 0, 1 or 2 of a base64 group (0–4 for base32), which
 * changes every character; for each offset we keep only the characters that depend
 * on the secret's bytes alone, so the form is found whatever surrounds it, and padded
 * or unpadded standalone encodings contain the offset-0 form.
 */

import { MIN_FORMAT_TEXT } from "./decode-token.ts";
import { buildExactFormIndex, type ExactFormIndex, foldEncoding } from "./exact-form-index.ts";

/** By default, held secrets shorter than this are ignored: a short value (a port, a
 * username like `admin`) would match ordinary traffic and make DLP useless. */
export const MIN_HELD_SECRET_LENGTH = 8;

/** Characters removed to build the compact form of text (see `credential-patterns.ts`). */
export const COMPACT_DELIMITERS = /[.\-_/=&+,:\s]/g;

/** Precomputed forms, split by how they must be compared. */
export type HeldSecretForms = {
  /** Case-sensitive forms, searched in text as-is. */
  exact: string[];
  /** Lower-cased forms of the case-insensitive encodings (raw, hex, base32), for
   * hostnames, which DNS treats case-insensitively. */
  caseless: string[];
  /** Raw secrets with delimiters removed, searched in compacted text. */
  compact: string[];
  /** The length of the shortest exact form (Infinity with none): decoded text shorter
   * than it cannot hold one. */
  shortestExact: number;
  /** Tells whether a text holds any exact form at all, in one skip-ahead pass
   * (`exact-form-index.ts`): an `indexOf` per form (54 for three secrets) was 7–22%
   * of every hostile shape's scan, one regex alternation of them 6–25 ms per MiB
   * (Bun 1.4.5 profiles). */
  exactIndex: ExactFormIndex;
  /** The encodings a decoder reads (base64 at each alignment, base32 at each, hex),
   * folded (`ENCODING_FOLD`), of each exact form shorter than `MIN_FORMAT_TEXT`:
   * decoded text holds such a form only where the text it was decoded from holds one
   * of these, so a text without any need not be decoded into stretches that short.
   * An 8-character held secret made every 12-byte stretch of random base64 worth a
   * search: 60–80 ms per MiB of JWT-like fragments, CSV cells, `password=` pairs
   * (Bun 1.4.5). Empty (window 0) when every exact form is longer. */
  shortFormEncodings: ExactFormIndex;
};

const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function encodeBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(value >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64").replace(/=+$/, "");
}

/**
 * The characters of `encode(zeros(offset) + secret + zeros)` that depend only on the
 * secret: from character ceil(8·offset / bits) up to floor(8·(offset+n) / bits).
 */
function alignedForms(secret: Uint8Array, bitsPerChar: number, groupBytes: number, encode: (bytes: Uint8Array) => string): string[] {
  const forms: string[] = [];
  for (let offset = 0; offset < groupBytes; offset++) {
    const padded = new Uint8Array(offset + secret.length + groupBytes);
    padded.set(secret, offset);
    const encoded = encode(padded);
    const start = Math.ceil((8 * offset) / bitsPerChar);
    const end = Math.floor((8 * (offset + secret.length)) / bitsPerChar);
    forms.push(encoded.slice(start, end));
  }
  return forms;
}

function percentEveryByte(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += `%${byte.toString(16).padStart(2, "0").toUpperCase()}`;
  return out;
}

/** Builds every form of every held secret of at least {@link MIN_HELD_SECRET_LENGTH}. */
export function buildHeldSecretForms(secrets: readonly string[]): HeldSecretForms {
  const exact = new Set<string>();
  const caseless = new Set<string>();
  const compact = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_HELD_SECRET_LENGTH) continue;
    const bytes = new TextEncoder().encode(secret);
    const hex = Buffer.from(bytes).toString("hex");
    const base64 = alignedForms(bytes, 6, 3, encodeBase64);
    const base32 = alignedForms(bytes, 5, 5, encodeBase32);
    const percent = percentEveryByte(bytes);
    for (const form of [
      secret,
      encodeURIComponent(secret),
      percent,
      percent.toLowerCase(),
      hex,
      hex.toUpperCase(),
      ...base64,
      ...base64.map((form) => form.replaceAll("+", "-").replaceAll("/", "_")),
      ...base32,
      ...base32.map((form) => form.toLowerCase()),
    ]) {
      // Alignment trimming can shorten a form; too short a form would match noise.
      if (form.length >= MIN_HELD_SECRET_LENGTH) exact.add(form);
    }
    for (const form of [secret, hex, ...base32]) caseless.add(form.toLowerCase());
    const compacted = secret.replace(COMPACT_DELIMITERS, "");
    if (compacted.length >= MIN_HELD_SECRET_LENGTH) compact.add(compacted);
  }
  const forms = [...exact];
  return {
    exact: forms,
    caseless: [...caseless],
    compact: [...compact],
    shortestExact: forms.reduce((shortest, form) => Math.min(shortest, form.length), Infinity),
    exactIndex: buildExactFormIndex(forms),
    shortFormEncodings: buildExactFormIndex([...new Set(forms.filter((form) => form.length < MIN_FORMAT_TEXT).flatMap(decoderEncodings))]),
  };
}

/** A decoded stretch holds only printable ASCII, tab, line feed and carriage return. */
const DECODABLE = /^[\x20-\x7e\t\n\r]*$/;

/**
 * What a decoder reads as `form` wherever it sits in the decoded bytes, folded: the
 * characters of its base64 and base32 encodings that depend on its bytes alone, at
 * each alignment (`alignedForms`), and its hex. A form a decoded stretch cannot hold
 * has none.
 */
function decoderEncodings(form: string): string[] {
  if (!DECODABLE.test(form)) return [];
  const bytes = Buffer.from(form, "latin1");
  return [...alignedForms(bytes, 6, 3, encodeBase64), ...alignedForms(bytes, 5, 5, encodeBase32), bytes.toString("hex")].map(foldEncoding);
}
