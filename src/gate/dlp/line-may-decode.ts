/**
 * Whether one line of joined group texts (`group-lines.ts`) can decode to anything
 * `decodedSegments` keeps: a cheap test per line, so that only the lines that pass are
 * decoded. A MiB of short CSV cells is 38,000 lines of 24 letters and digits, each a
 * base64 run and most a base32 run too; finding and probing those runs in all the
 * lines was a third of that body's scan (Bun 1.4.5 profile), for lines of which about
 * one in five passes this test and none decodes to text.
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

/**
 * Whether `text[from, to)` (one line: group characters only) may hold a hex, base32
 * or base64 run that decodes, at some alignment, to a stretch of `minText` printable
 * bytes. False only when it cannot: no `2 · minText` hex characters in a row (fewer
 * bytes than that), no `8 · minText / 5` base32 characters in a row of one case
 * (`decodedSegments` decodes no mixed-case base32 run: DNS lowercases it), and every
 * base64 run fails, at each of its four alignments, the probe `decode-runs.ts` puts
 * on it first (see {@link base64MayHold}). With `alnum` (the line is letters and
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
  // A base64 run of `2 · minText` bytes passes the probe at once (a long line is
  // not walked character by character for its runs).
  if (holdsRun(text, from, to, Math.ceil((16 * minText) / 6), BASE64_CHARS)) return true;
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
 * characters may decode to `minText` printable bytes in a row: of the `valid` whole
 * bytes at an alignment, such a stretch holds every byte from `valid - minText` to
 * `minText - 1`, so when that range is not empty each byte in it must be printable
 * (`mayHoldStretch` in `decode-runs.ts` probes three of them; all of them leave
 * almost no random line, at about the same cost: most fail at the first). A range
 * left empty passes, which also keeps the long runs `decode-runs.ts` decodes at one
 * alignment only.
 */
function base64MayHold(text: string, start: number, end: number, minText: number): boolean {
  for (let offset = 0; offset < 4; offset++) {
    const length = end - start - offset;
    const valid = (length * 6) >> 3;
    if (valid < minText) return false;
    const low = valid - minText;
    const high = minText - 1;
    let byte = low;
    while (byte <= high && printableAt(text, start, offset, byte)) byte++;
    if (byte > high) return true;
  }
  return false;
}

/** Whether byte `j` of the base64 run at `start` read from its `offset`-th character
 * (its bits `[6·offset + 8j, +8)`, within two characters) is printable. */
function printableAt(text: string, start: number, offset: number, j: number): boolean {
  const bit = 6 * offset + 8 * j;
  const at = start + ((bit / 6) | 0);
  return ((PRINTABLE_PAIR[text.charCodeAt(at) * 128 + text.charCodeAt(at + 1)] as number) & (1 << ((bit % 6) >> 1))) !== 0;
}
