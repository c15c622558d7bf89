/**
 * Decodes every run of hex, base32 or base64 characters at every alignment and keeps
 * the stretches that decode to text. Trying every alignment (2 for hex, 8 for base32,
 * 4 for base64) is what finds an encoded secret glued to other characters
 * (`upload/<base64>`, `id-<hex>`) or cut out of a larger encoding, in one linear pass
 * per alignment: the old approach, trying every sub-range between `/`, `+`, `-`
 * delimiters, was quadratic and cost 1.4 s on a MiB of random 16-character pieces
 * joined by `/` (issue 9, finding 5).
 */

import { classRuns } from "./class-runs.ts";
import { base64StretchOffsets, decodeBase64Runs, decodeRuns, HEX_BATCH, readsAt } from "./decode-runs.ts";
import { BASE32, BASE64, HEX, MIN_DECODED_TEXT } from "./decode-token.ts";

/** A stretch of decoded text and the source run `[start, end)` it was decoded from
 * (the whole run: redacting only part of it could leave part of an encoding). */
export type DecodedSegment = { text: string; start: number; end: number };

/** By default, runs longer than this are decoded only from their first character
 * (the alignment of an encoder that started there: an inline image, a file), not at
 * every alignment: 4× less work on a MiB of base64. A credential's encoding is far
 * shorter, so one glued into a shorter run is still found at any alignment. */
export const MAX_ALIGNED_RUN = 4096;

export { MIN_DECODED_TEXT };

/**
 * Where the groups of a run that the scanned text starts inside fall (see `readsAt`
 * in `decode-runs.ts`), per alphabet, as a mask of offsets (bit `k`: read the run from
 * its `k`-th character). {@link NOT_CUT} for a text that starts where its runs do.
 */
export type LeadOffsets = { hex: number; base32: number; base64: number };
export const NOT_CUT: LeadOffsets = { hex: 1, base32: 1, base64: 1 };
/** The phase unknown: a run at the text's start is read at every offset. */
export const CUT_ANYWHERE: LeadOffsets = { hex: 0b11, base32: 0xff, base64: 0b1111 };

type Alphabet = { values: Int8Array; bits: number; group: number };

/** Hex, base32 (either case: DNS lowercases it) and base64 (both alphabets). */
const ALPHABETS: readonly Alphabet[] = [
  { values: HEX, bits: 4, group: 2 },
  { values: BASE32, bits: 5, group: 8 },
  { values: BASE64, bits: 6, group: 4 },
];

/** Scratch space for decoded bytes, reused across calls (the scan is synchronous). */
let scratch = new Uint8Array(64 * 1024);

/**
 * Decodes `text[from, to)` (all valid characters of `alphabet`) starting at `from`,
 * and adds each stretch of at least {@link MIN_DECODED_TEXT} printable bytes. The
 * bytes go to a reused buffer and only qualifying stretches become strings: this
 * loop runs over every character of every run at every alignment.
 */
function decodeFrom(text: string, from: number, to: number, runStart: number, alphabet: Alphabet, out: DecodedSegment[], minText: number): void {
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
      if (length - printableFrom >= minText) out.push({ text: latin1(bytes, printableFrom, length), start: runStart, end: to });
      printableFrom = length;
    }
  }
  if (length - printableFrom >= minText) out.push({ text: latin1(bytes, printableFrom, length), start: runStart, end: to });
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString("latin1");
}

/** Base32 in one case (digits 2–7 in both): a run of either is read as base32. */
const BASE32_UPPER = new Int8Array(128).fill(-1);
const BASE32_LOWER = new Int8Array(128).fill(-1);
for (let code = 0; code < 128; code++) {
  const value = BASE32[code] as number;
  if (value < 0) continue;
  if (code < 97 || code > 122) BASE32_UPPER[code] = value;
  if (code < 65 || code > 90) BASE32_LOWER[code] = value;
}

const isLetterIn = (text: string, at: number, low: number, high: number): boolean => {
  const code = text.charCodeAt(at);
  return code >= low && code <= high;
};

/**
 * The maximal runs of at least `minRun` base32 characters (either case) in
 * `text[from, to)` that are written in one case: base32 is (DNS lowercases it), so a
 * mixed-case run is not it. Found as the runs of each case that no letter of the
 * other case touches (one that does is part of a longer, mixed run); a run without
 * letters comes from the upper-case pass only. One scan per case: the caseless scan
 * walked nearly every character of base64 text (58 of its 64 characters are base32
 * in some case, so runs are long) to keep none of them, 2 ms per MiB per text against
 * 0.3 + 0.3 (Bun 1.4.5). In order of their start, as one caseless scan gives them.
 */
export function singleCaseBase32Runs(text: string, from: number, to: number, minRun: number, starts: number[], ends: number[]): void {
  const upperStarts: number[] = [];
  const upperEnds: number[] = [];
  classRuns(text, from, to, BASE32_UPPER, minRun, upperStarts, upperEnds);
  const lowerStarts: number[] = [];
  const lowerEnds: number[] = [];
  classRuns(text, from, to, BASE32_LOWER, minRun, lowerStarts, lowerEnds);
  const touches = (start: number, end: number, low: number, high: number): boolean => (start > from && isLetterIn(text, start - 1, low, high)) || (end < to && isLetterIn(text, end, low, high));
  let lower = 0;
  const takeLowerBefore = (limit: number): void => {
    for (; lower < lowerStarts.length && (lowerStarts[lower] as number) < limit; lower++) {
      const start = lowerStarts[lower] as number;
      const end = lowerEnds[lower] as number;
      if (touches(start, end, 65, 90) || !hasLetterIn(text, start, end, 97, 122)) continue;
      starts.push(start);
      ends.push(end);
    }
  };
  for (let upper = 0; upper < upperStarts.length; upper++) {
    const start = upperStarts[upper] as number;
    const end = upperEnds[upper] as number;
    takeLowerBefore(start);
    if (touches(start, end, 97, 122)) continue;
    starts.push(start);
    ends.push(end);
  }
  takeLowerBefore(to);
}

function hasLetterIn(text: string, from: number, to: number, low: number, high: number): boolean {
  for (let at = from; at < to; at++) if (isLetterIn(text, at, low, high)) return true;
  return false;
}

/**
 * Every stretch of text that `text[from, to)` decodes to, as hex, base32 or base64 at
 * any alignment, that is at least {@link MIN_DECODED_TEXT} printable bytes long.
 * Runs shorter than `minRun` characters of an alphabet are skipped, and stretches
 * shorter than `minText` (at least {@link MIN_DECODED_TEXT}) are not kept: a caller
 * that knows nothing shorter can matter saves making thousands of strings. Random data
 * decodes to such a stretch about once per 3,000 bytes; an encoded credential always
 * does, whatever surrounds it.
 */
export function decodedSegments(text: string, from: number, to: number, minRun: number, minText = MIN_DECODED_TEXT, tightRuns = true, lead: LeadOffsets = NOT_CUT): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  // A run too short to decode to `minText` bytes even from its first character (where
  // it gives the most) gives no stretch at any alignment, so it is not looked for:
  // 16-character base64 pieces (12 bytes) with `minText` 13, or 16-digit groups as hex
  // (8 bytes), were each sliced, tested and remembered for nothing (JWT-like fragments,
  // card-like groups). `tightRuns` off (the test against the old search) looks for
  // every run of `minRun`.
  const hexRun = tightRuns ? Math.max(minRun, 2 * minText) : minRun;
  const base32Run = tightRuns ? Math.max(minRun, Math.ceil((8 * minText) / 5)) : minRun;
  const base64Run = tightRuns ? Math.max(minRun, Math.ceil((8 * minText) / 6)) : minRun;
  const base32 = ALPHABETS[1] as Alphabet;
  // The runs of each alphabet are found by a skip-ahead scan (`class-runs.ts`): the
  // same maximal runs a greedy `/[class]{minRun,}/g` finds, without its retry at every
  // character of a short run. (A hand walk of every character cost ~6 ns a character,
  // Bun 1.4.5; the skip-ahead tests about one character in `minRun` off runs.)
  const hexStarts: number[] = [];
  const hexEnds: number[] = [];
  classRuns(text, from, to, HEX, hexRun, hexStarts, hexEnds);
  // A base32 run without a letter (digits 2–7 only, values 26–31) never decodes to
  // text: of every 5 bytes, two take their top bit from a value's set bit 4 or 3. A
  // region without letters (card-like digit groups) skips the scan, which cost as
  // much as the hex and base64 ones there (it tries each run of 2–7 digits).
  const region = from === 0 && to === text.length ? text : text.slice(from, to);
  if (LETTER.test(region)) {
    const base32Starts: number[] = [];
    const base32Ends: number[] = [];
    singleCaseBase32Runs(text, from, to, base32Run, base32Starts, base32Ends);
    for (let index = 0; index < base32Starts.length; index++) alignedDecode(text, base32Starts[index] as number, base32Ends[index] as number, base32, out, minText, lead.base32);
  }
  const base64Starts: number[] = [];
  const base64Ends: number[] = [];
  classRuns(text, from, to, BASE64, base64Run, base64Starts, base64Ends);
  // No run of any alphabet (most short decoded stretches): nothing to decode, and none
  // of the batches' setup (a decoded stretch of each of 40,000 short lines per MiB
  // paid it, Bun 1.4.5).
  if (base64Starts.length === 0 && hexStarts.length === 0) return out;
  const runStarts: number[] = [];
  const runEnds: number[] = [];
  // A short run met before in this text decodes to the same stretches: it is decoded
  // once and its stretches repeated with its own span (a MiB of repeated JWT-like
  // fragments is 61,000 copies of one run, each decoded at 4 alignments).
  const seen = new Map<string, number>();
  const repeats: number[] = [];
  // The run before, whether it had a low character, and the first copy's start when
  // it was remembered (-1 if not): a copy right after another is told by comparing
  // in place, without a slice and a lookup each (a MiB of one repeated run).
  let previous: string | undefined;
  let previousLow = false;
  let previousFirst = -1;
  for (let index = 0; index < base64Starts.length; index++) {
    // Every 3 decoded bytes start with one whose top 6 bits are a character's value,
    // and a printable byte is below 0x80: a run with no character worth under 32
    // (`A`–`Z`, `a`–`f`) decodes to no printable stretch at any alignment. Card-like
    // digit groups are such runs.
    const start = base64Starts[index] as number;
    const end = base64Ends[index] as number;
    // A run that decodes to no stretch at any offset is left before it costs a slice
    // (most random `password=` values, `decode-runs.ts`).
    if (base64StretchOffsets(text, start, end, minText, MAX_ALIGNED_RUN, lead.base64) === 0) continue;
    let run: string;
    if (previous !== undefined && previous.length === end - start && text.startsWith(previous, start)) {
      if (!previousLow) continue;
      if (previousFirst !== -1 && (repeats.length > 0 || seen.size < 256)) {
        repeats.push(previousFirst, start, end);
        continue;
      }
      run = previous;
    } else run = text.slice(start, end);
    previous = run;
    previousLow = LOW_BASE64.test(run);
    previousFirst = -1;
    if (!previousLow) continue;
    // Remembering costs a lookup per run: a text whose first runs never repeat
    // (random values) stops remembering.
    if (run.length <= MAX_REPEATED_RUN && (repeats.length > 0 || seen.size < 256)) {
      const first = seen.get(run);
      if (first !== undefined) {
        repeats.push(first, start, end);
        previousFirst = first;
        continue;
      }
      seen.set(run, start);
      previousFirst = start;
    }
    runStarts.push(start);
    runEnds.push(end);
  }
  for (let offset = 0; offset < 2; offset++) decodeRuns(text, hexStarts, hexEnds, offset, HEX_BATCH, out, minText, MAX_ALIGNED_RUN, lead.hex);
  const base64From = out.length;
  decodeBase64Runs(text, runStarts, runEnds, out, minText, MAX_ALIGNED_RUN, lead.base64);
  if (repeats.length > 0 && out.length > base64From) {
    const byStart = new Map<number, DecodedSegment[]>();
    for (let index = base64From; index < out.length; index++) {
      const segment = out[index] as DecodedSegment;
      const list = byStart.get(segment.start);
      if (list === undefined) byStart.set(segment.start, [segment]);
      else list.push(segment);
    }
    for (let index = 0; index < repeats.length; index += 3) {
      for (const segment of byStart.get(repeats[index] as number) ?? []) out.push({ text: segment.text, start: repeats[index + 1] as number, end: repeats[index + 2] as number });
    }
  }
  return out;
}

/** By default, base64 runs up to this long are decoded once per text however often they repeat. */
const MAX_REPEATED_RUN = 256;

/** A letter, in either case. */
const LETTER = /[A-Za-z]/;

/** A base64 character whose value is under 32. */
const LOW_BASE64 = /[A-Za-f]/;

/** Decodes `[from, to)` at each alignment of `alphabet` (only the first for long
 * runs) that {@link base32MayHoldStretch} leaves; base32 only: hex and base64 go
 * through `decode-runs.ts`. */
function alignedDecode(text: string, from: number, to: number, alphabet: Alphabet, out: DecodedSegment[], minText: number, leadMask: number): void {
  for (let offset = 0; offset < alphabet.group && from + offset < to; offset++) {
    if (Math.floor(((to - from - offset) * alphabet.bits) / 8) < minText) break;
    if (!readsAt(from, to, offset, MAX_ALIGNED_RUN, leadMask)) continue;
    if (base32MayHoldStretch(text, from + offset, to, minText)) decodeFrom(text, from + offset, to, from, alphabet, out, minText);
  }
}

/** Byte `j` of a base32 run is bits `[8j, 8j + 8)`: they start in character
 * `⌊8j/5⌋`, `8j mod 5` bits in, and lie in it and the next two. Tabulated, as in
 * `decode-runs.ts`, up to this many bytes (the ones looked at are below `minText`). */
const BASE32_TABULATED = 4096;
const BASE32_BYTE_CHARACTER = new Int32Array(BASE32_TABULATED);
const BASE32_BYTE_SHIFT = new Int32Array(BASE32_TABULATED);
for (let j = 0; j < BASE32_TABULATED; j++) {
  BASE32_BYTE_CHARACTER[j] = Math.floor((8 * j) / 5);
  BASE32_BYTE_SHIFT[j] = 7 - ((8 * j) % 5);
}

/**
 * Whether the base32 run `text[from, to)` can decode to a stretch of `minText`
 * printable bytes, read from `from`: of its `valid` bytes, such a stretch holds every
 * byte from `valid - minText` to `minText - 1`, so one of those not printable rules it
 * out (`base64StretchOffsets` in `decode-runs.ts` does the same for base64). Each byte
 * is read in place from the three characters it lies in. The decode of every
 * alignment of every run cost ~95 ms per MiB of `token=` + 40 of `a`–`h` (values
 * 0–7: bytes mostly below 0x20; hostile-input search, Bun 1.4.5).
 */
export function base32MayHoldStretch(text: string, from: number, to: number, minText: number): boolean {
  const valid = Math.floor(((to - from) * 5) / 8);
  if (valid < minText) return false;
  const low = valid - minText;
  const high = minText - 1;
  if (low > high) return true;
  return printableBase32Byte(text, from, to, low) && printableBase32Byte(text, from, to, high) && printableBase32Byte(text, from, to, (low + high) >> 1);
}

function printableBase32Byte(text: string, from: number, to: number, j: number): boolean {
  const at = from + (BASE32_BYTE_CHARACTER[j] as number);
  // The third character is only part of the byte when it lies in the run.
  const window = (base32Value(text, at) << 10) | (base32Value(text, at + 1) << 5) | (at + 2 < to ? base32Value(text, at + 2) : 0);
  const byte = (window >> (BASE32_BYTE_SHIFT[j] as number)) & 0xff;
  return (byte >= 0x20 && byte < 0x7f) || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function base32Value(text: string, at: number): number {
  const code = text.charCodeAt(at);
  return code < 128 ? (BASE32[code] as number) & 31 : 0;
}
