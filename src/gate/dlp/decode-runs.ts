/**
 * Batch decoding of the hex and base64 runs `decode-aligned.ts` found: every run of a
 * text at one alignment in one native call, and the printable stretches of what they
 * decode to. For base64 only the first alignment is decoded natively; the other three
 * are the same bits read from 6, 12 and 18 bits in, so they are shifted out of the
 * first's bytes instead of decoded again.
 */

import type { DecodedSegment } from "./decode-aligned.ts";
import { lastAtOrBefore } from "./last-at-or-before.ts";

/** How runs of one encoding are batched into one native decode: characters per
 * group, bytes per group, the padding character and the separator, which decodes to
 * zero bytes (never printable), so no printable stretch crosses two runs. */
export type Batch = { encoding: "hex" | "base64"; chars: number; bytes: number; pad: string; separator: string };
/** Hex runs: whole bytes, joined by a zero byte. */
export const HEX_BATCH: Batch = { encoding: "hex", chars: 2, bytes: 1, pad: "", separator: "00" };
/** Base64 runs: padded with `A` to whole groups, joined by `AAAA` (three zero bytes). */
export const BASE64_BATCH: Batch = { encoding: "base64", chars: 4, bytes: 3, pad: "AAA", separator: "AAAA" };
/** Base64 padding of 0–3 `A`s, then the separator. */
const PAD_AND_SEPARATOR = [0, 1, 2, 3].map((pad) => BASE64_BATCH.pad.slice(0, pad) + BASE64_BATCH.separator);

/** The runs of one batch decoded at one alignment: the decoded bytes (padding's
 * partial bytes not yet zeroed), where each decoded run's bytes start, which run
 * each is, and the partial bytes. */
type Decoded = { view: Uint8Array; runOf: number[]; byteStarts: number[]; partial: number[] };

function decodeBatch(text: string, starts: readonly number[], ends: readonly number[], offset: number, batch: Batch, minText: number, maxAlignedRun: number, leadMask: number): Decoded | undefined {
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
    if (to - from < 2 || !readsAt(start, to, offset, maxAlignedRun, leadMask)) continue;
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
  if (pieces.length === 0) return undefined;
  const decoded = Buffer.from(pieces.join(""), batch.encoding);
  // A plain view: indexed stores into a Buffer took a slow path (Bun 1.4.5).
  return { view: new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength), runOf, byteStarts, partial };
}

/** Adds a segment for each printable stretch of `view` (of at least `minText`
 * bytes), with the span of the run whose bytes it lies in. */
function addStretches(text: string, starts: readonly number[], ends: readonly number[], view: Uint8Array, runOf: readonly number[], byteStarts: readonly number[], out: DecodedSegment[], minText: number): void {
  forEachPrintable(view, minText, (stretchStart, stretchEnd) => {
    // The run this stretch came from: the last whose bytes start at or before it.
    const run = runOf[Math.max(0, lastAtOrBefore(byteStarts, stretchStart))] as number;
    out.push({ text: latin1(view, stretchStart, stretchEnd), start: starts[run] as number, end: ends[run] as number });
  });
}

function latin1(view: Uint8Array, from: number, to: number): string {
  return Buffer.from(view.buffer, view.byteOffset + from, to - from).toString("latin1");
}

/**
 * Decodes every run at one alignment in a single native call: the runs (from
 * `offset`, base64 padded with `A` to whole groups, hex cut to whole bytes) are joined
 * with the batch's zero separator (the padding's partial bytes are zeroed too). One
 * call per alignment instead of one per run: for short runs (a path of 16-character
 * pieces, card-like digit groups, which are hex) the per-call cost and the Buffer
 * per run were most of the time (Bun 1.4.5 profiles: `Buffer`, `get buffer`). Runs
 * longer than `maxAlignedRun` are decoded at offset 0 only (see {@link readsAt}).
 */
export function decodeRuns(text: string, starts: readonly number[], ends: readonly number[], offset: number, batch: Batch, out: DecodedSegment[], minText: number, maxAlignedRun: number, leadMask = 1): void {
  const decoded = decodeBatch(text, starts, ends, offset, batch, minText, maxAlignedRun, leadMask);
  if (decoded === undefined) return;
  for (const at of decoded.partial) decoded.view[at] = 0;
  addStretches(text, starts, ends, decoded.view, decoded.runOf, decoded.byteStarts, out, minText);
}

/** By default, runs are shifted (not decoded again) when they average at most this
 * many characters: a string piece per run is what a native decode costs on short
 * runs (20-character `password=` values: 13% less), while on 76-column lines the JS
 * shift loop cost 38% more than three native decodes (Bun 1.4.5). */
const MAX_SHIFTED_RUN = 32;

/**
 * Whether the run `[start, end)` is read from its `offset`-th character: a run up to
 * `maxAlignedRun` long at every offset, a longer one from its first character only —
 * unless it starts where the scanned text does, where it may be the tail of a longer
 * run that a body slice, a view's window or a frame's carried tail cut at a place the
 * agent chose. There it is read at the offsets `leadMask` names too (bit `k` for offset
 * `k`: where the groups of the run cut fall in this text, or every offset when that is
 * not known). Read from the cut, every slice of a base64 field after the first decoded
 * garbage (`{"file":"<base64>"}`: the run starts at byte 9, slices at multiples of
 * 32 KiB), and a key past its first ~36 KiB was never seen (a hunt for leaks, this round).
 */
export function readsAt(start: number, end: number, offset: number, maxAlignedRun: number, leadMask: number): boolean {
  // Offset 0 always: the other offsets of short runs are shifted from its bytes.
  if (offset === 0 || end - start <= maxAlignedRun) return true;
  if (start === 0) return ((leadMask >> offset) & 1) === 1;
  return offset === 0;
}

/** Scratch space for the shifted alignments, reused (the scan is synchronous). */
let shifted = new Uint8Array(64 * 1024);

/**
 * The base64 runs at all four alignments, with the same segments in the same order as
 * {@link decodeRuns} at offsets 0 to 3: offset 0 is decoded natively, and offset `k`
 * (the run read from its `k`-th character) is the run's bits from bit `6k` on, so its
 * byte `j` is bits `[6k + 8j, 6k + 8j + 8)`: two bytes of offset 0 shifted together.
 * Each run's bytes at offset `k` are those that depend on its characters alone (as
 * many as a decode of the run from there gives whole), then a zero byte. Three more
 * native decodes, with a string piece per run each, were a quarter of a MiB of
 * `password=…` pairs (Bun 1.4.5 profile). Long runs are decoded natively at every
 * offset (see {@link MAX_SHIFTED_RUN}).
 */
export function decodeBase64Runs(text: string, allStarts: readonly number[], allEnds: readonly number[], out: DecodedSegment[], minText: number, maxAlignedRun: number, leadMask = 1): void {
  // Runs that give no stretch at any offset are left out first (see `base64StretchOffsets`).
  const starts: number[] = [];
  const ends: number[] = [];
  const offsets: number[] = [];
  for (let run = 0; run < allStarts.length; run++) {
    const start = allStarts[run] as number;
    const end = allEnds[run] as number;
    const mask = base64StretchOffsets(text, start, end, minText, maxAlignedRun, leadMask);
    if (mask === 0) continue;
    starts.push(start);
    ends.push(end);
    offsets.push(mask);
  }
  const decoded = decodeBatch(text, starts, ends, 0, BASE64_BATCH, minText, maxAlignedRun, leadMask);
  if (decoded === undefined) return;
  const { view, runOf, byteStarts } = decoded;
  let characters = 0;
  for (const run of runOf) characters += (ends[run] as number) - (starts[run] as number);
  if (characters > runOf.length * MAX_SHIFTED_RUN) {
    // Long runs: the native decode of each offset is cheaper than shifting in JS.
    for (const at of decoded.partial) view[at] = 0;
    addStretches(text, starts, ends, view, runOf, byteStarts, out, minText);
    for (let offset = 1; offset < 4; offset++) decodeRuns(text, starts, ends, offset, BASE64_BATCH, out, minText, maxAlignedRun, leadMask);
    return;
  }
  // The shifted alignments first: they read the partial bytes offset 0 zeroes.
  if (shifted.length < view.length * 3) shifted = new Uint8Array(view.length * 6);
  const alignments: { from: number; to: number; runOf: number[]; byteStarts: number[] }[] = [];
  let write = 0;
  for (let offset = 1; offset < 4; offset++) {
    const from = write;
    const alignedRunOf: number[] = [];
    const alignedStarts: number[] = [];
    const skip = (6 * offset) >> 3;
    const shift = (6 * offset) & 7;
    for (let index = 0; index < runOf.length; index++) {
      const run = runOf[index] as number;
      const length = (ends[run] as number) - (starts[run] as number) - offset;
      // The conditions `decodeRuns` puts on a run at this offset.
      if (length < 2 || !readsAt(starts[run] as number, ends[run] as number, offset, maxAlignedRun, leadMask)) continue;
      const valid = Math.floor((length * 6) / 8);
      if (valid < minText || ((offsets[run] as number) & (1 << offset)) === 0) continue;
      alignedRunOf.push(run);
      alignedStarts.push(write);
      const base = (byteStarts[index] as number) + skip;
      for (let j = 0; j < valid; j++) shifted[write++] = (((view[base + j] as number) << shift) | ((view[base + j + 1] as number) >> (8 - shift))) & 0xff;
      shifted[write++] = 0;
    }
    alignments.push({ from, to: write, runOf: alignedRunOf, byteStarts: alignedStarts.map((at) => at - from) });
  }
  for (const at of decoded.partial) view[at] = 0;
  addStretches(text, starts, ends, view, runOf, byteStarts, out, minText);
  for (const { from, to, runOf: alignedRunOf, byteStarts: alignedStarts } of alignments) {
    if (alignedRunOf.length > 0) addStretches(text, starts, ends, shifted.subarray(from, to), alignedRunOf, alignedStarts, out, minText);
  }
}

/**
 * The offsets (bit `k` for offset `k`) at which the base64 run `text[start, end)`,
 * read from its `k`-th character, may decode to a stretch of `minText` printable
 * bytes, by the conditions `decodeRuns` puts on a run and a look at a few bytes: of
 * `valid` bytes, a stretch of `minText` holds every byte from `valid - minText` to
 * `minText - 1`, so one of those not printable rules it out. Each byte is two
 * characters' bits, read in place. 0: at no offset, so the run need not even be
 * sliced. On random 20-character values (15 bytes, `minText` 13) the three bytes
 * looked at leave ~5% of runs to decode: the decode of every `password=` value at
 * three offsets was a quarter of that body's scan (Bun 1.4.5 profile).
 */
export function base64StretchOffsets(text: string, start: number, end: number, minText: number, maxAlignedRun: number, leadMask = 1): number {
  let mask = 0;
  const high = minText - 1;
  for (let offset = 0; offset < 4; offset++) {
    const length = end - start - offset;
    if (length < 2 || !readsAt(start, end, offset, maxAlignedRun, leadMask)) continue;
    const valid = (length * 3) >> 2;
    if (valid < minText) continue;
    const low = valid - minText;
    // With room for a stretch that avoids any one byte, nothing is ruled out.
    if (low > high || (printableByte(text, start + offset, low) && printableByte(text, start + offset, high) && printableByte(text, start + offset, (low + high) >> 1))) mask |= 1 << offset;
  }
  return mask;
}

/** By default, bytes up to this index have their place in {@link BYTE_CHARACTER} and {@link BYTE_SHIFT}. */
const TABULATED_BYTES = 4096;
/** Byte `j` of a base64 run is bits `[8j, 8j + 8)`: they start in character
 * `⌊4j/3⌋`, `2·(j mod 3)` bits in. Tabulated: the float division and `Math.floor`
 * per byte made the look at three bytes of each run cost 130 ns (Bun 1.4.5). */
const BYTE_CHARACTER = new Int32Array(TABULATED_BYTES);
const BYTE_SHIFT = new Int32Array(TABULATED_BYTES);
for (let j = 0; j < TABULATED_BYTES; j++) {
  BYTE_CHARACTER[j] = j + Math.floor(j / 3);
  BYTE_SHIFT[j] = 4 - 2 * (j % 3);
}

/** Whether byte `j` of the base64 run starting at `start` is printable; `j` is below
 * {@link TABULATED_BYTES} (the bytes looked at are below `minText`). */
function printableByte(text: string, start: number, j: number): boolean {
  const at = start + (BYTE_CHARACTER[j] as number);
  const twelve = ((BASE64_VALUES[text.charCodeAt(at)] as number) << 6) | (BASE64_VALUES[text.charCodeAt(at + 1)] as number);
  return PRINTABLE[(twelve >> (BYTE_SHIFT[j] as number)) & 0xff] === 1;
}

/** Base64 character values, both alphabets (the runs hold nothing else); a table
 * over every UTF-16 code, so no range test. */
const BASE64_VALUES = new Uint8Array(65536);
for (const [value, char] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) BASE64_VALUES[char.charCodeAt(0)] = value;
BASE64_VALUES[45] = 62; // -
BASE64_VALUES[95] = 63; // _

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
