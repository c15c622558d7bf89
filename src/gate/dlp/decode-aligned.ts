/**
 * Decodes every run of hex, base32 or base64 characters at every alignment and keeps
 * the stretches that decode to text. Trying every alignment (2 for hex, 8 for base32,
 * 4 for base64) is what finds an encoded secret glued to other characters
 * (`upload/<base64>`, `id-<hex>`) or cut out of a larger encoding, in one linear pass
 * per alignment: the old approach, trying every sub-range between `/`, `+`, `-`
 * delimiters, was quadratic and cost 1.4 s on a MiB of random 16-character pieces
 * joined by `/` (issue 9, finding 5).
 */

/** A stretch of decoded text and the source run `[start, end)` it was decoded from
 * (the whole run: redacting only part of it could leave part of an encoding). */
export type DecodedSegment = { text: string; start: number; end: number };

/** By default, runs longer than this are decoded only from their first character
 * (the alignment of an encoder that started there: an inline image, a file), not at
 * every alignment: 4× less work on a MiB of base64. A credential's encoding is far
 * shorter, so one glued into a shorter run is still found at any alignment. */
export const MAX_ALIGNED_RUN = 4096;

/** Decoded text shorter than this is not worth scanning (no credential is shorter). */
export const MIN_DECODED_TEXT = 8;

type Alphabet = { values: Int8Array; bits: number; group: number };

function table(alphabet: string, caseless: boolean): Int8Array {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i++) {
    values[alphabet.charCodeAt(i)] = i;
    if (caseless) values[alphabet.toLowerCase().charCodeAt(i)] = i;
  }
  return values;
}

const BASE64_VALUES = table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", false);
BASE64_VALUES["-".charCodeAt(0)] = 62;
BASE64_VALUES["_".charCodeAt(0)] = 63;

/** Hex, base32 (either case: DNS lowercases it) and base64 (both alphabets). */
const ALPHABETS: readonly Alphabet[] = [
  { values: table("0123456789ABCDEF", true), bits: 4, group: 2 },
  { values: table("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", true), bits: 5, group: 8 },
  { values: BASE64_VALUES, bits: 6, group: 4 },
];

/** Scratch space for decoded bytes, reused across calls (the scan is synchronous). */
let scratch = new Uint8Array(64 * 1024);

/**
 * Decodes `text[from, to)` (all valid characters of `alphabet`) starting at `from`,
 * and adds each stretch of at least {@link MIN_DECODED_TEXT} printable bytes. The
 * bytes go to a reused buffer and only qualifying stretches become strings: this
 * loop runs over every character of every run at every alignment.
 */
function decodeFrom(text: string, from: number, to: number, runStart: number, alphabet: Alphabet, out: DecodedSegment[]): void {
  const { values, bits } = alphabet;
  const need = Math.ceil(((to - from) * bits) / 8) + 1;
  if (scratch.length < need) scratch = new Uint8Array(need * 2);
  const bytes = scratch;
  let accumulator = 0;
  let held = 0;
  let length = 0;
  let printableFrom = 0;
  for (let i = from; i < to; i++) {
    accumulator = ((accumulator << bits) | (values[text.charCodeAt(i)] as number)) & 0xffff;
    held += bits;
    if (held < 8) continue;
    held -= 8;
    const byte = (accumulator >> held) & 0xff;
    if ((byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d) {
      bytes[length++] = byte;
    } else {
      if (length - printableFrom >= MIN_DECODED_TEXT) out.push({ text: latin1(bytes, printableFrom, length), start: runStart, end: to });
      printableFrom = length;
    }
  }
  if (length - printableFrom >= MIN_DECODED_TEXT) out.push({ text: latin1(bytes, printableFrom, length), start: runStart, end: to });
}

/**
 * {@link decodeFrom} for base64, four characters to three bytes per step (the
 * generic bit accumulator costs ~2× more per character, Bun 1.4.5).
 */
function decodeBase64From(text: string, from: number, to: number, runStart: number, out: DecodedSegment[]): void {
  const need = Math.ceil(((to - from) * 3) / 4) + 3;
  if (scratch.length < need) scratch = new Uint8Array(need * 2);
  const bytes = scratch;
  const values = BASE64_VALUES;
  let length = 0;
  let printableFrom = 0;
  // Printable bytes are stored; a non-printable one ends the current stretch.
  let i = from;
  const flushStretch = (): void => {
    if (length - printableFrom >= MIN_DECODED_TEXT) out.push({ text: latin1(bytes, printableFrom, length), start: runStart, end: to });
    printableFrom = length;
  };
  for (; i + 4 <= to; i += 4) {
    const value =
      ((values[text.charCodeAt(i)] as number) << 18) |
      ((values[text.charCodeAt(i + 1)] as number) << 12) |
      ((values[text.charCodeAt(i + 2)] as number) << 6) |
      (values[text.charCodeAt(i + 3)] as number);
    // Written out three times: a helper call per byte doubled the cost (Bun 1.4.5).
    const b0 = (value >> 16) & 0xff;
    if ((b0 >= 0x20 && b0 < 0x7f) || b0 === 0x09 || b0 === 0x0a || b0 === 0x0d) bytes[length++] = b0;
    else if (length - printableFrom >= MIN_DECODED_TEXT) flushStretch();
    else printableFrom = length;
    const b1 = (value >> 8) & 0xff;
    if ((b1 >= 0x20 && b1 < 0x7f) || b1 === 0x09 || b1 === 0x0a || b1 === 0x0d) bytes[length++] = b1;
    else if (length - printableFrom >= MIN_DECODED_TEXT) flushStretch();
    else printableFrom = length;
    const b2 = value & 0xff;
    if ((b2 >= 0x20 && b2 < 0x7f) || b2 === 0x09 || b2 === 0x0a || b2 === 0x0d) bytes[length++] = b2;
    else if (length - printableFrom >= MIN_DECODED_TEXT) flushStretch();
    else printableFrom = length;
  }
  // 2 or 3 trailing characters still make 1 or 2 bytes (missing ones count as 0).
  if (to - i >= 2) {
    const third = to - i === 3 ? (values[text.charCodeAt(i + 2)] as number) : 0;
    const value = ((values[text.charCodeAt(i)] as number) << 18) | ((values[text.charCodeAt(i + 1)] as number) << 12) | (third << 6);
    for (let k = 0; k < to - i - 1; k++) {
      const byte = (value >> (16 - 8 * k)) & 0xff;
      if ((byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d) bytes[length++] = byte;
      else if (length - printableFrom >= MIN_DECODED_TEXT) flushStretch();
    else printableFrom = length;
    }
  }
  flushStretch();
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString("latin1");
}

function isMixedCase(text: string, from: number, to: number): boolean {
  let upper = false;
  let lower = false;
  for (let i = from; i < to; i++) {
    const code = text.charCodeAt(i);
    if (code >= 65 && code <= 90) upper = true;
    else if (code >= 97 && code <= 122) lower = true;
    if (upper && lower) return true;
  }
  return false;
}

/**
 * Every stretch of text that `text[from, to)` decodes to, as hex, base32 or base64 at
 * any alignment, that is at least {@link MIN_DECODED_TEXT} printable bytes long.
 * Runs shorter than `minRun` characters of an alphabet are skipped. Random data
 * decodes to such a stretch about once per 3,000 bytes; an encoded credential always
 * does, whatever surrounds it.
 */
export function decodedSegments(text: string, from: number, to: number, minRun: number): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  const [hex, base32] = ALPHABETS as [Alphabet, Alphabet, Alphabet];
  const hexValues = hex.values;
  const base32Values = base32.values;
  // One walk finds the base64 runs and, inside them, the hex and base32 runs (both
  // alphabets are subsets of base64's): three walks cost 3× as much.
  let i = from;
  while (i < to) {
    const code = text.charCodeAt(i);
    if (code >= 128 || (BASE64_VALUES[code] as number) < 0) {
      i++;
      continue;
    }
    const start = i;
    let hexStart = -1;
    let base32Start = -1;
    while (i <= to) {
      const next = i < to ? text.charCodeAt(i) : 128;
      const inBase64 = next < 128 && (BASE64_VALUES[next] as number) >= 0;
      const inHex = inBase64 && (hexValues[next] as number) >= 0;
      const inBase32 = inBase64 && (base32Values[next] as number) >= 0;
      if (inHex) {
        if (hexStart === -1) hexStart = i;
      } else if (hexStart !== -1) {
        if (i - hexStart >= minRun) alignedDecode(text, hexStart, i, hex, out);
        hexStart = -1;
      }
      if (inBase32) {
        if (base32Start === -1) base32Start = i;
      } else if (base32Start !== -1) {
        // Base32 is written in one case (DNS lowercases it): a mixed-case run is not it.
        if (i - base32Start >= minRun && !isMixedCase(text, base32Start, i)) alignedDecode(text, base32Start, i, base32, out);
        base32Start = -1;
      }
      if (!inBase64) break;
      i++;
    }
    if (i - start >= minRun) {
      const alignments = i - start > MAX_ALIGNED_RUN ? 1 : 4;
      for (let offset = 0; offset < alignments && start + offset < i; offset++) decodeBase64From(text, start + offset, i, start, out);
    }
  }
  return out;
}

/** Decodes `[from, to)` at each alignment of `alphabet` (only the first for long runs). */
function alignedDecode(text: string, from: number, to: number, alphabet: Alphabet, out: DecodedSegment[]): void {
  const alignments = to - from > MAX_ALIGNED_RUN ? 1 : alphabet.group;
  for (let offset = 0; offset < alignments && from + offset < to; offset++) decodeFrom(text, from + offset, to, from, alphabet, out);
}
