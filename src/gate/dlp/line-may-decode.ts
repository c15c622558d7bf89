/**
 * Whether one line of joined group texts (`group-lines.ts`) can decode to anything
 * `decodedSegments` keeps: a cheap test per line, so that only the lines that pass are
 * decoded. A MiB of short CSV cells is 38,000 lines of 24 letters and digits, each a
 * base64 run and most a base32 run too; finding and probing those runs in all the
 * lines was a third of that body's scan (Bun 1.4.5 profile), for lines of which
 * none decodes to text: 38 of them pass this test.
 */

import { BASE32, BASE64, HEX } from "./decode-token.ts";

/** Membership tables (ASCII: a line holds only group characters): hex, base32 in
 * upper case, base32 in lower case (its digits in both), base64. */
const HEX_CHARS = new Uint8Array(128);
const UPPER_BASE32 = new Uint8Array(128);
const LOWER_BASE32 = new Uint8Array(128);
const BASE64_CHARS = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const char = String.fromCharCode(code);
  HEX_CHARS[code] = (HEX[code] as number) >= 0 ? 1 : 0;
  UPPER_BASE32[code] = (BASE32[code] as number) >= 0 && !/[a-z]/.test(char) ? 1 : 0;
  LOWER_BASE32[code] = (BASE32[code] as number) >= 0 && !/[A-Z]/.test(char) ? 1 : 0;
  BASE64_CHARS[code] = (BASE64[code] as number) >= 0 ? 1 : 0;
}

/** Bytes a decoded stretch of text may hold: printable ASCII, tab, LF, CR (as `decode-runs.ts`). */
const PRINTABLE = new Uint8Array(256);
for (let byte = 0x20; byte < 0x7f; byte++) PRINTABLE[byte] = 1;
for (const byte of [0x09, 0x0a, 0x0d]) PRINTABLE[byte] = 1;

/** For two base64 characters (codes `a · 128 + b`): bit `s / 2` set when the byte
 * that starts `s` bits into `a` (s = 0, 2, 4) is printable. One lookup per byte
 * looked at instead of two values, a shift and a lookup. */
const PRINTABLE_PAIR = new Uint8Array(128 * 128);
for (let a = 0; a < 128; a++) {
  for (let b = 0; b < 128; b++) {
    if ((BASE64[a] as number) < 0 || (BASE64[b] as number) < 0) continue;
    const twelve = ((BASE64[a] as number) << 6) | (BASE64[b] as number);
    let bits = 0;
    for (let shift = 0; shift < 6; shift += 2) if (PRINTABLE[(twelve >> (4 - shift)) & 0xff] === 1) bits |= 1 << (shift >> 1);
    PRINTABLE_PAIR[a * 128 + b] = bits;
  }
}

/** By default, a line with a base64 run this long is decoded without a closer look. */
const LONG_BASE64_RUN = 64;

/**
 * Whether `text[from, to)` (one line: group characters only) may hold a hex, base32
 * or base64 run that decodes, at some alignment, to a stretch of `minText` printable
 * bytes. False only when it cannot: no `2 · minText` hex characters in a row (fewer
 * bytes than that), no `8 · minText / 5` base32 characters in a row of one case
 * (`decodedSegments` decodes no mixed-case base32 run: DNS lowercases it), no
 * base64 run of {@link LONG_BASE64_RUN}, and no shorter base64 run that decodes to
 * `minText` printable bytes in a row at any of four alignments (see
 * {@link base64MayHold}). With `alnum` (the line is letters and
 * digits only) the line is one base64 run. The runs of one case and of hex are looked
 * for by skipping ahead (as `class-runs.ts`): a walk of every character with a state
 * per alphabet cost as much as the decoding it saves (Bun 1.4.5).
 */
export function lineMayDecode(text: string, from: number, to: number, minText: number, alnum: boolean): boolean {
  const hexNeed = 2 * minText;
  const base32Need = Math.ceil((8 * minText) / 5);
  const base64Need = Math.ceil((8 * minText) / 6);
  // The shortest run that can give `minText` bytes is a base64 one.
  if (to - from < base64Need) return false;
  // A long base64 run is taken to decode (random base64 of a few dozen bytes
  // mostly does): a long line is not walked character by character for its runs.
  if (holdsRun(text, from, to, LONG_BASE64_RUN, BASE64_CHARS)) return true;
  if (holdsRun(text, from, to, hexNeed, HEX_CHARS)) return true;
  if (holdsRun(text, from, to, base32Need, UPPER_BASE32) || holdsRun(text, from, to, base32Need, LOWER_BASE32)) return true;
  if (alnum) return base64MayHold(text, from, to, minText);
  let start = from;
  for (let at = from; at <= to; at++) {
    if (at < to && BASE64_CHARS[text.charCodeAt(at)] === 1) continue;
    if (at - start >= base64Need && base64MayHold(text, start, at, minText)) return true;
    start = at + 1;
  }
  return false;
}

/** Whether `text[from, to)` holds `need` characters of `member` in a row: the last of
 * `need` from a start is tested first, and a miss skips past it. */
function holdsRun(text: string, from: number, to: number, need: number, member: Uint8Array): boolean {
  let start = from;
  while (start + need <= to) {
    const probe = start + need - 1;
    if (member[text.charCodeAt(probe)] !== 1) {
      start = probe + 1;
      continue;
    }
    let back = probe - 1;
    while (back >= start && member[text.charCodeAt(back)] === 1) back--;
    if (back < start) return true;
    start = back + 1;
  }
  return false;
}

/**
 * Whether the base64 run `text[start, end)` read from any of its first four
 * characters decodes to `minText` printable bytes in a row among its `valid` whole
 * bytes at that alignment (the stretches `decode-runs.ts` keeps; it decodes long
 * runs at one alignment only, so this is a superset). The bytes are read in place,
 * and a stretch is looked for by skipping ahead: the last byte of `minText` from a
 * start is read first, and one not printable skips past it, so most alignments of a
 * random line cost one or two bytes. (`mayHoldStretch` in `decode-runs.ts` reads
 * only the bytes every stretch must hold, which are none once `valid` reaches
 * `2 · minText`: with an 8-character held secret, every 24-character CSV line.)
 */
function base64MayHold(text: string, start: number, end: number, minText: number): boolean {
  for (let offset = 0; offset < 4; offset++) {
    const valid = ((end - start - offset) * 6) >> 3;
    if (valid < minText) return false;
    let from = 0;
    while (from + minText <= valid) {
      const probe = from + minText - 1;
      if (!printableAt(text, start, offset, probe)) {
        from = probe + 1;
        continue;
      }
      let back = probe - 1;
      while (back >= from && printableAt(text, start, offset, back)) back--;
      if (back < from) return true;
      from = back + 1;
    }
  }
  return false;
}

/** For byte `j` of a base64 run read from its first character: the character it
 * starts in (`⌊8j / 6⌋`) and its {@link PRINTABLE_PAIR} bit (`1 << (j mod 3)`, the
 * shift being `8j mod 6`), for the runs shorter than {@link LONG_BASE64_RUN} this is
 * asked about: a division and a remainder per byte looked at were a fifth of the
 * test (Bun 1.4.5). Read from the `offset`-th character, byte `j` is `6 · offset`
 * bits later: `offset` characters on, same shift. */
const CHAR_OF_BYTE = Uint8Array.from({ length: LONG_BASE64_RUN }, (_, j) => Math.floor((8 * j) / 6));
const BIT_OF_BYTE = Uint8Array.from({ length: LONG_BASE64_RUN }, (_, j) => 1 << (j % 3));

/** Whether byte `j` of the base64 run at `start` read from its `offset`-th character
 * (its bits `[6·offset + 8j, +8)`, within two characters) is printable. */
function printableAt(text: string, start: number, offset: number, j: number): boolean {
  if (j >= LONG_BASE64_RUN) {
    const bit = 6 * offset + 8 * j;
    const at = start + Math.floor(bit / 6);
    return ((PRINTABLE_PAIR[text.charCodeAt(at) * 128 + text.charCodeAt(at + 1)] as number) & (1 << ((bit % 6) >> 1))) !== 0;
  }
  const at = start + offset + (CHAR_OF_BYTE[j] as number);
  return ((PRINTABLE_PAIR[text.charCodeAt(at) * 128 + text.charCodeAt(at + 1)] as number) & (BIT_OF_BYTE[j] as number)) !== 0;
}
