/**
 * Decoders for tokens that might be an encoded credential: base64 (standard and
 * URL-safe, padded or not), base32 (RFC 4648, either case) and hex (either case).
 * They are hand-written bit accumulators over lookup tables rather than `Buffer`
 * plus a validating regex: the scanner tries thousands of candidate tokens per large
 * body, and most are not text, so a decoder that gives up as soon as the output
 * turns binary is what keeps a 64 KiB body cheap.
 */

function table(alphabet: string, caseless: boolean): Int8Array {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) {
    values[alphabet.charCodeAt(i)] = i;
    if (caseless) values[alphabet.toLowerCase().charCodeAt(i)] = i;
  }
  return values;
}

/** Each character's value in base64 (both alphabets), base32 and hex (either case); -1 for none. */
export const BASE64 = table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", false);
BASE64["-".charCodeAt(0)] = 62;
BASE64["_".charCodeAt(0)] = 63;
export const BASE32 = table("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", true);
export const HEX = table("0123456789ABCDEF", true);

/** Decoded text shorter than this is not worth scanning (no credential is shorter). */
export const MIN_DECODED_TEXT = 8;
/** Decoded text shorter than this can only hold a held secret (≥ 8 characters): every
 * format, key/value pair and financial identifier is longer. Random data decodes to
 * such short stretches all the time, so they get only the held forms' search, and
 * only in a text that holds an encoding of a form that short
 * (`HeldSecretForms.shortFormEncodings`). */
export const MIN_FORMAT_TEXT = 13;
/** Share of non-printable bytes above which decoded bytes are not text: random bytes
 * are ~63% non-printable, a secret with a little framing is nearly 0%. */
const MAX_NON_PRINTABLE = 0.2;

function isPrintable(byte: number): boolean {
  return (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * Decodes `token` with `bits` bits per character; `undefined` when a character is
 * outside the alphabet, or (with `textOnly`) as soon as too many bytes are binary.
 */
function decodeBits(token: string, values: Int8Array, bits: number, textOnly: boolean): string | undefined {
  let length = token.length;
  while (length > 0 && token.charCodeAt(length - 1) === 61) length--; // "=" padding
  const expected = Math.floor((length * bits) / 8);
  if (textOnly && expected < MIN_DECODED_TEXT) return undefined;
  const maxBad = textOnly ? Math.floor(expected * MAX_NON_PRINTABLE) : Infinity;
  let bad = 0;
  let accumulator = 0;
  let held = 0;
  const bytes: number[] = [];
  for (let i = 0; i < length; i++) {
    const code = token.charCodeAt(i);
    const value = code < 128 ? (values[code] ?? -1) : -1;
    if (value < 0) return undefined;
    accumulator = ((accumulator << bits) | value) & 0xffff;
    held += bits;
    if (held >= 8) {
      held -= 8;
      const byte = (accumulator >> held) & 0xff;
      if (!isPrintable(byte) && ++bad > maxBad) return undefined;
      bytes.push(byte);
    }
  }
  return String.fromCharCode(...bytes);
}

/** Base64 in either alphabet, padding optional; `undefined` if not base64. */
export function decodeBase64(token: string): string | undefined {
  // A length of 1 mod 4 can't be base64 (6 bits don't make a byte).
  if (token.replace(/=+$/, "").length % 4 === 1) return undefined;
  return decodeBits(token, BASE64, 6, false);
}

/** RFC 4648 base32, case-insensitive (DNS lowercases it), padding optional. */
export function decodeBase32(token: string): string | undefined {
  return decodeBits(token, BASE32, 5, false);
}

/** Hex of even length, either case. */
export function decodeHex(token: string): string | undefined {
  return token.length % 2 === 0 ? decodeBits(token, HEX, 4, false) : undefined;
}

/**
 * Every text that `token` decodes to as hex, base32 or base64 (deduplicated): at
 * least {@link MIN_DECODED_TEXT} bytes, at least 80% printable ASCII. Binary (an
 * image, a git SHA read as hex) is dropped, cheaply, mid-decode.
 */
export function decodeToken(token: string): string[] {
  const texts: string[] = [];
  const hex = token.length % 2 === 0 ? decodeBits(token, HEX, 4, true) : undefined;
  if (hex !== undefined) texts.push(hex);
  const base32 = decodeBits(token, BASE32, 5, true);
  if (base32 !== undefined && !texts.includes(base32)) texts.push(base32);
  if (token.replace(/=+$/, "").length % 4 !== 1) {
    const base64 = decodeBits(token, BASE64, 6, true);
    if (base64 !== undefined && !texts.includes(base64)) texts.push(base64);
  }
  return texts;
}
