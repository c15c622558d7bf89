/**
 * Decodes every run of hex, base32 or base64 characters at every alignment and keeps
 * the stretches that decode to text. Trying every alignment (2 for hex, 8 for base32,
 * 4 for base64) is what finds an encoded secret glued to other characters
 * (`upload/<base64>`, `id-<hex>`) or cut out of a larger encoding, in one linear pass
 * per alignment: the old approach, trying every sub-range between `/`, `+`, `-`
 * delimiters, was quadratic and cost 1.4 s on a MiB of random 16-character pieces
 * joined by `/` (issue 9, finding 5).
 */

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
 * Runs shorter than `minRun` characters of an alphabet are skipped, and stretches
 * shorter than `minText` (at least {@link MIN_DECODED_TEXT}) are not kept: a caller
 * that knows nothing shorter can matter saves making thousands of strings. Random data
 * decodes to such a stretch about once per 3,000 bytes; an encoded credential always
 * does, whatever surrounds it.
 */
export function decodedSegments(text: string, from: number, to: number, minRun: number, minText = MIN_DECODED_TEXT): DecodedSegment[] {
  const out: DecodedSegment[] = [];
  const base32 = ALPHABETS[1] as Alphabet;
  // The runs of each alphabet are found by native regex scans: a hand walk with a
  // class table per character cost ~6 ns a character here (a third of a scan of
  // 76-column base64, Bun 1.4.5 profile). A greedy `{minRun,}` match starts where its
  // maximal run starts (any later start in the same run matches too), so these are
  // the same runs the walk found.
  const { hex: hexRuns, base32: base32Runs, base64: base64Runs } = runRegexes(minRun);
  const hexStarts: number[] = [];
  const hexEnds: number[] = [];
  const region = from === 0 && to === text.length ? text : text.slice(from, to);
  hexRuns.lastIndex = 0;
  for (let match = hexRuns.exec(region); match !== null; match = hexRuns.exec(region)) {
    hexStarts.push(from + match.index);
    hexEnds.push(from + match.index + match[0].length);
  }
  // A base32 run without a letter (digits 2–7 only, values 26–31) never decodes to
  // text: of every 5 bytes, two take their top bit from a value's set bit 4 or 3. A
  // region without letters (card-like digit groups) skips the scan, which cost as
  // much as the hex and base64 ones there (it tries each run of 2–7 digits).
  base32Runs.lastIndex = LETTER.test(region) ? 0 : region.length;
  for (let match = base32Runs.exec(region); match !== null; match = base32Runs.exec(region)) {
    // Base32 is written in one case (DNS lowercases it): a mixed-case run is not it.
    const start = from + match.index;
    const end = start + match[0].length;
    if (!isMixedCase(text, start, end)) alignedDecode(text, start, end, base32, out, minText);
  }
  const runStarts: number[] = [];
  const runEnds: number[] = [];
  // A short run met before in this text decodes to the same stretches: it is decoded
  // once and its stretches repeated with its own span (a MiB of repeated JWT-like
  // fragments is 61,000 copies of one run, each decoded at 4 alignments).
  const seen = new Map<string, number>();
  const repeats: number[] = [];
  base64Runs.lastIndex = 0;
  for (let match = base64Runs.exec(region); match !== null; match = base64Runs.exec(region)) {
    // Every 3 decoded bytes start with one whose top 6 bits are a character's value,
    // and a printable byte is below 0x80: a run with no character worth under 32
    // (`A`–`Z`, `a`–`f`) decodes to no printable stretch at any alignment. Card-like
    // digit groups are such runs.
    const run = match[0];
    if (!LOW_BASE64.test(run)) continue;
    const start = from + match.index;
    // Remembering costs a lookup per run: a text whose first runs never repeat
    // (random values) stops remembering.
    if (run.length <= MAX_REPEATED_RUN && (repeats.length > 0 || seen.size < 256)) {
      const first = seen.get(run);
      if (first !== undefined) {
        repeats.push(first, start, start + run.length);
        continue;
      }
      seen.set(run, start);
    }
    runStarts.push(start);
    runEnds.push(start + run.length);
  }
  for (let offset = 0; offset < 2; offset++) decodeRuns(text, hexStarts, hexEnds, offset, HEX_BATCH, out, minText);
  const base64From = out.length;
  for (let offset = 0; offset < 4; offset++) decodeRuns(text, runStarts, runEnds, offset, BASE64_BATCH, out, minText);
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

type RunRegexes = { hex: RegExp; base32: RegExp; base64: RegExp };
const runRegexCache = new Map<number, RunRegexes>();

/** The run-finding regexes for runs of at least `minRun` characters (a handful of
 * distinct lengths are used, so they are built once each). */
function runRegexes(minRun: number): RunRegexes {
  let regexes = runRegexCache.get(minRun);
  if (regexes === undefined) {
    regexes = {
      hex: new RegExp(`[0-9A-Fa-f]{${minRun},}`, "g"),
      base32: new RegExp(`[A-Za-z2-7]{${minRun},}`, "g"),
      base64: new RegExp(`[A-Za-z0-9+/_-]{${minRun},}`, "g"),
    };
    runRegexCache.set(minRun, regexes);
  }
  return regexes;
}

/** How runs of one encoding are batched into one native decode: characters per
 * group, bytes per group, the padding character and the separator, which decodes to
 * zero bytes (never printable), so no printable stretch crosses two runs. */
type Batch = { encoding: "hex" | "base64"; chars: number; bytes: number; pad: string; separator: string };
const HEX_BATCH: Batch = { encoding: "hex", chars: 2, bytes: 1, pad: "", separator: "00" };
const BASE64_BATCH: Batch = { encoding: "base64", chars: 4, bytes: 3, pad: "AAA", separator: "AAAA" };
/** Base64 padding of 0–3 `A`s, then the separator. */
const PAD_AND_SEPARATOR = [0, 1, 2, 3].map((pad) => BASE64_BATCH.pad.slice(0, pad) + BASE64_BATCH.separator);

/**
 * Decodes every run at one alignment in a single native call: the runs (from
 * `offset`, base64 padded with `A` to whole groups, hex cut to whole bytes) are joined
 * with the batch's zero separator (the padding's partial bytes are zeroed too). One
 * call per alignment instead of one per run: for short runs (a path of 16-character
 * pieces, card-like digit groups, which are hex) the per-call cost and the Buffer
 * per run were most of the time (Bun 1.4.5 profiles: `Buffer`, `get buffer`).
 */
function decodeRuns(text: string, starts: readonly number[], ends: readonly number[], offset: number, batch: Batch, out: DecodedSegment[], minText: number): void {
  const pieces: string[] = [];
  const runOf: number[] = [];
  const byteStarts: number[] = [];
  const partial: number[] = [];
  const { chars, bytes: perGroup, pad, separator } = batch;
  const separatorBytes = (separator.length / chars) * perGroup;
  let bytes = 0;
  for (let run = 0; run < starts.length; run++) {
    const start = starts[run] as number;
    const to = ends[run] as number;
    const from = start + offset;
    if (to - from < 2 || (offset > 0 && to - start > MAX_ALIGNED_RUN)) continue;
    // Too few characters left at this alignment to decode to `minText` bytes: 16
    // base64 characters are 12 bytes, so with long held forms a run of 16-character
    // pieces (JWT-like fragments, `/`-joined words) needs no decoding at all.
    if (Math.floor(((to - from) * (pad === "" ? 4 : 6)) / 8) < minText) continue;
    let groups: number;
    if (pad === "") {
      // Hex: whole bytes only (an odd last character is dropped).
      groups = Math.floor((to - from) / chars);
      pieces.push(text.slice(from, from + groups * chars), separator);
    } else {
      const length = to - from;
      groups = Math.ceil(length / chars);
      const valid = Math.floor((length * 6) / 8);
      // Padding and separator as one precomputed string: one piece fewer per run.
      pieces.push(text.slice(from, to), PAD_AND_SEPARATOR[groups * chars - length] as string);
      for (let at = bytes + valid; at < bytes + groups * perGroup; at++) partial.push(at);
    }
    runOf.push(run);
    byteStarts.push(bytes);
    bytes += groups * perGroup + separatorBytes;
  }
  if (pieces.length === 0) return;
  const decoded = Buffer.from(pieces.join(""), batch.encoding);
  // A plain view: indexed stores into a Buffer took a slow path (Bun 1.4.5).
  const view = new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  for (const at of partial) view[at] = 0;
  forEachPrintable(view, minText, (stretchStart, stretchEnd) => {
    // The run this stretch came from: the last whose bytes start at or before it.
    let low = 0;
    let high = byteStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((byteStarts[middle] as number) <= stretchStart) low = middle;
      else high = middle - 1;
    }
    const run = runOf[low] as number;
    out.push({ text: decoded.toString("latin1", stretchStart, stretchEnd), start: starts[run] as number, end: ends[run] as number });
  });
}

/** Calls `visit` with each stretch of at least `minText` printable
 * bytes. A byte loop: a regex over the Latin-1 string cost more on random bytes. */
function forEachPrintable(buffer: Uint8Array, minText: number, visit: (start: number, end: number) => void): void {
  // A plain view and a local length: `length` of a Buffer is a getter call per
  // iteration in this loop (Bun 1.4.5, `typedArrayViewLength` in profiles).
  const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const length = bytes.length;
  const last = minText - 1;
  // Skip-ahead: a stretch from `start` needs `start + last` printable, so that byte is
  // tested first; on random bytes (62% not printable) most tests skip 8 bytes at once.
  let start = 0;
  while (start + last < length) {
    let probe = start + last;
    if (PRINTABLE[bytes[probe] as number] === 0) {
      start = probe + 1;
      continue;
    }
    // Walk back: the last non-printable byte before the probe restarts the stretch.
    let back = probe - 1;
    while (back >= start && PRINTABLE[bytes[back] as number] === 1) back--;
    if (back >= start) {
      start = back + 1;
      continue;
    }
    // `[start, probe]` is printable: extend it forward.
    probe++;
    while (probe < length && PRINTABLE[bytes[probe] as number] === 1) probe++;
    visit(start, probe);
    start = probe + 1;
  }
}

/** Bytes a decoded stretch of text may hold: printable ASCII, tab, LF, CR. */
const PRINTABLE = new Uint8Array(256);
for (let byte = 0x20; byte < 0x7f; byte++) PRINTABLE[byte] = 1;
for (const byte of [0x09, 0x0a, 0x0d]) PRINTABLE[byte] = 1;

/** Decodes `[from, to)` at each alignment of `alphabet` (only the first for long
 * runs); base32 only: hex and base64 go through {@link decodeRuns}. */
function alignedDecode(text: string, from: number, to: number, alphabet: Alphabet, out: DecodedSegment[], minText: number): void {
  const alignments = to - from > MAX_ALIGNED_RUN ? 1 : alphabet.group;
  for (let offset = 0; offset < alignments && from + offset < to; offset++) {
    if (Math.floor(((to - from - offset) * alphabet.bits) / 8) < minText) break;
    decodeFrom(text, from + offset, to, from, alphabet, out, minText);
  }
}
