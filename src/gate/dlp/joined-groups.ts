/**
 * Encoded data written in equal-width groups: MIME base64 (76 columns, the `base64`
 * tool's default), PEM (64), hex with delimiters (`41-4b-49-41`, `41:4b`, `41 4b`),
 * base64 in groups of four split by spaces. A run of at least three groups (two long
 * lines) of one
 * width (the last may be shorter), split by one repeated separator, is joined back
 * into one token for the decoders. Linear: each group is visited once.
 */

/** A joined token and the span `[start, end)` of the groups it came from. */
export type JoinedGroup = { text: string; start: number; end: number; width: number };

/** By default, joined tokens shorter than this are dropped: prose makes short ones. */
const MIN_JOINED = 16;
/** By default, wrapped lines this long or longer join even as a pair. */
const MIN_WRAPPED_LINE = 40;

const GROUP_CHARS = new Uint8Array(128);
// `_` belongs to groups (a key's `ghp_` is one group of `ghp_ AbCd EfGh …`), `-` is
// a separator (`41-4b-49`).
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_") GROUP_CHARS[char.charCodeAt(0)] = 1;
const isGroupChar = (code: number): boolean => code < 128 && GROUP_CHARS[code] === 1;

/** Every printable ASCII character that is not a group character separates groups
 * but `%` and `\` (the views undo their escapes; as separators, a MiB of `\u0041`
 * was one sequence to decode again, 1.39× its scan), and `&` only between narrow
 * groups (a form's pairs, each a group split by `&`, made a MiB of `password=` pairs
 * one sequence: 1.24×):
 * hex or base64 groups split by `|`, `;`, `#`, `~` or a quote are as easy to write
 * as by `-` or `:`, and with only those six (and white space) they passed the scan
 * (a held secret's hex in pairs split by any of 20 other characters; issue 9's
 * delimited encodings). The group characters `=`, `+`, `/` and `_` separate groups
 * too, but inside a run of group characters: see {@link innerSeparator}. */
const SEPARATORS = new Set([..."-:., \t\n!\"#$&'()*;<>?@[]^`{|}~", "\r\n"]);
/** By default, groups split by `&` are at most this wide (hex pairs and quads, base64
 * in fours and eights): a form's pairs are wider. */
const MAX_AMPERSAND_WIDTH = 8;

/** The separator between `end` and `start` as a code (a character code, or 0x0d0a
 * for `\r\n`), or -1 when the gap is not one separator. No slicing: this runs per
 * word of every body. */
function separatorCode(text: string, end: number, start: number): number {
  if (start - end === 1) {
    const code = text.charCodeAt(end);
    return code < 128 && SEPARATOR_CODES[code] === 1 ? code : -1;
  }
  return start - end === 2 && text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 0x0d0a : -1;
}

/** The one-character separators as a table: a `Set` lookup per word was a tenth of a
 * scan of random binary, where every few bytes end a word (Bun 1.4.5 profile). */
const SEPARATOR_CODES = new Uint8Array(128);
for (const separator of SEPARATORS) if (separator.length === 1) SEPARATOR_CODES[separator.charCodeAt(0)] = 1;

/** Group and separator characters (and the `\r` of `\r\n`): a sequence lies inside
 * one stretch of them. */
const SEQUENCE_CHARS = new Uint8Array(128);
for (let code = 0; code < 128; code++) if (GROUP_CHARS[code] === 1 || SEPARATOR_CODES[code] === 1) SEQUENCE_CHARS[code] = 1;
SEQUENCE_CHARS[13] = 1;
const inSequenceChars = (code: number): boolean => code < 128 && SEQUENCE_CHARS[code] === 1;
/** By default, the shortest stretch of sequence characters that can hold a sequence:
 * {@link MIN_JOINED} group characters and at least one separator (a lower bound:
 * three groups have two). */
const MIN_SEQUENCE = MIN_JOINED + 1;

/**
 * Where the next stretch of at least {@link MIN_SEQUENCE} sequence characters starts
 * in `text[from, to)`, or `to`: the 17th character from a possible start is tested
 * first, and a character outside them skips past it (as `class-runs.ts` does).
 */
function nextLongStretch(text: string, from: number, to: number): number {
  let start = from;
  while (start + MIN_SEQUENCE - 1 < to) {
    const probe = start + MIN_SEQUENCE - 1;
    if (!inSequenceChars(text.charCodeAt(probe))) {
      start = probe + 1;
      continue;
    }
    let back = probe - 1;
    while (back >= start && inSequenceChars(text.charCodeAt(back))) back--;
    if (back < start) return start;
    start = back + 1;
  }
  return to;
}

/**
 * Every equal-width group sequence in `text`, joined. State is one sequence at a
 * time (no list of groups): prose makes a group of every word. A character that is
 * neither a group character nor a separator ends the open sequence (the gap to the
 * next group is no single separator then), so after a stretch between such
 * characters too short to hold a sequence, the walk skips ahead to the next one
 * long enough (`skipShort`, off only for the test against the plain walk): walking
 * every character of a MiB of random binary, a "group" every few bytes, was a fifth
 * of its scan (Bun 1.4.5 profile). Text made of long stretches (pairs, tokens) is
 * walked as before, with no second look at its characters.
 */
export function joinedGroups(text: string, skipShort = true): JoinedGroup[] {
  const out: JoinedGroup[] = [];
  const found = sequences(text, skipShort);
  for (let at = 0; at < found.length; at += 4) {
    const start = found[at] as number;
    const end = found[at + 1] as number;
    const separator = found[at + 3] as number;
    // Between the groups there is only the one separator (no group character is a
    // separator), so one native replace joins them: a slice per group was most of
    // the cost of `sk-sk-sk-…` (one sequence of 2-wide groups, Bun 1.4.5 profile).
    const between = separator === 0x0d0a ? "\r\n" : String.fromCharCode(separator);
    out.push({ text: text.slice(start, end).replaceAll(between, ""), start, end, width: found[at + 2] as number });
  }
  return out;
}

/** Where {@link sequences} writes, reused and grown (the scan is synchronous). */
let records = new Int32Array(4 * 1024);

/**
 * The walk of {@link joinedGroups}: each sequence long enough to join, in order, as
 * four numbers (its span's start and end, its width, its separator code; see
 * {@link separatorCode}), without making its text (`group-lines.ts` copies it
 * instead). The view is of space the next call reuses: read it before that.
 */
export function sequences(text: string, skipShort: boolean): Int32Array {
  let out = records;
  let written = 0;
  const add = (start: number, end: number, width: number, separator: number): void => {
    // Digits split by a separator of tables and lists (`2297;7044;4668;6060`, a pipe
    // table) are numbers, not an encoding: joined, one row in ~30 read as a card
    // number (a review of this round). Only the classic separators join digits.
    if (!CLASSIC_SEPARATORS.has(separator) && digitsOnly(text, start, end, separator)) return;
    if (written + 4 > out.length) {
      const grown = new Int32Array(out.length * 2);
      grown.set(out);
      records = grown;
      out = grown;
    }
    out[written] = start;
    out[written + 1] = end;
    out[written + 2] = width;
    out[written + 3] = separator;
    written += 4;
  };
  // The open sequence: its first group's start, the last group's end, the width,
  // the count of full-width groups, and the separator code. Plain locals, no
  // closures over them: variables a closure writes live in a scope object, and
  // reading them so in this loop over every character cost a quarter of the walk
  // (Bun 1.4.5).
  let seqStart = -1;
  let seqEnd = -1;
  let width = 0;
  let count = 0;
  let separator = -1;
  let i = 0;
  // Where the current stretch of sequence characters began.
  let stretchStart = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code >= 128 || GROUP_CHARS[code] === 0) {
      i++;
      if (code < 128 && (SEQUENCE_CHARS[code] === 1 || !skipShort)) continue;
      // A character that ends any sequence: after a short stretch, skip to a long one.
      if (skipShort && i - 1 - stretchStart < MIN_SEQUENCE) {
        if (seqStart !== -1 && joins(seqStart, seqEnd, width, count, separator)) add(seqStart, seqEnd, width, separator);
        seqStart = -1;
        i = nextLongStretch(text, i, text.length);
      }
      stretchStart = i;
      continue;
    }
    const start = i;
    while (i < text.length && isGroupChar(text.charCodeAt(i))) i++;
    if (i - start > MIN_JOINED) {
      const inner = innerSeparator(text, start, i);
      if (inner > 0) add(start, i, inner >> 8, inner & 0xff);
    }
    const gap = seqStart === -1 ? -1 : separatorCode(text, seqEnd, start);
    const sameSeparator = gap !== -1 && (count === 1 ? true : gap === separator);
    if (sameSeparator && i - start === width) {
      separator = gap;
      count++;
      seqEnd = i;
      continue;
    }
    if (sameSeparator && i - start < width && (count >= 2 || ((gap === 0x0a || gap === 0x0d0a) && width >= MIN_WRAPPED_LINE))) {
      // A shorter group ends the sequence (the last line of MIME base64).
      separator = gap;
      if (joins(seqStart, i, width, count + 1, separator)) add(seqStart, i, width, separator);
    } else if (seqStart !== -1 && joins(seqStart, seqEnd, width, count, separator)) add(seqStart, seqEnd, width, separator);
    // A group of another width after one separator may start the next sequence.
    seqStart = start;
    seqEnd = i;
    width = i - start;
    count = 1;
    separator = -1;
  }
  if (seqStart !== -1 && joins(seqStart, seqEnd, width, count, separator)) add(seqStart, seqEnd, width, separator);
  return out.subarray(0, written);
}

/** The group characters that may also separate groups (`41=4b=…`, `41_4b_…`,
 * `Ym90/dGxl/…`), by code. */
const INNER_SEPARATORS = [61 /* = */, 43 /* + */, 47 /* / */, 95 /* _ */];
/** Each of {@link INNER_SEPARATORS}' place in it, by character code (-1 for others). */
const INNER_INDEX = new Int8Array(128).fill(-1);
for (const [index, code] of INNER_SEPARATORS.entries()) INNER_INDEX[code] = index;
/** By default, groups split by a group character are at most this wide. */
const MAX_INNER_WIDTH = 64;

/**
 * How the run of group characters `text[start, end)` splits into three or more groups
 * of one width (the last may be shorter, none empty) by one of
 * {@link INNER_SEPARATORS} at every place between them, as `(width << 8) | code`, or
 * 0 when it does not. Only the separator's places are read (the first within
 * {@link MAX_INNER_WIDTH} characters sets the width): a base64 run's `+` and `/` fall
 * at random places and fail at the second, an identifier's `_` (`ghp_…`,
 * `snake_case_name`) at uneven ones. A separator the places miss is removed with the
 * rest when the groups are joined: it was a group character out of place anyway.
 */
function innerSeparator(text: string, start: number, end: number): number {
  // Where each separator first stands in the run's head, in one walk of it (a walk per
  // separator read every 76-column base64 line's head four times).
  const first = [-1, -1, -1, -1];
  let unseen = INNER_SEPARATORS.length;
  // Three groups of `width` need `start + 2·width + 2 < end`: a separator first seen
  // further in splits the run into two at most, so the walk stops there (half of
  // each `password=…` pair's run was walked for nothing).
  const last = Math.min(end - 1, start + MAX_INNER_WIDTH, start + ((end - start - 3) >> 1));
  for (let at = start + 2; at <= last && unseen > 0; at++) {
    const code = text.charCodeAt(at);
    const index = code < 128 ? (INNER_INDEX[code] as number) : -1;
    if (index >= 0 && first[index] === -1) {
      first[index] = at;
      unseen--;
    }
  }
  for (const [index, code] of INNER_SEPARATORS.entries()) {
    let separator = first[index] as number;
    if (separator === -1) continue;
    const width = separator - start;
    let groups = 1;
    // Separator `k` is at `start + k·(width + 1) - 1`; each has a group after it, the
    // last one 1 to `width` characters up to `end`.
    for (;;) {
      if (text.charCodeAt(separator) !== code || separator + 1 >= end) {
        groups = 0;
        break;
      }
      groups++;
      const next = separator + width + 1;
      if (next >= end) break;
      separator = next;
    }
    if (groups < 3 || end - start - (groups - 1) < MIN_JOINED) continue;
    // `+` and `/` are base64's own: the run was decoded as it is, at every alignment.
    // Only hex groups (up to 8 wide) split by them are joined: joining 16-character
    // pieces split by `/` doubled the cost of issue 9's second hostile input, one a line.
    if ((code === 43 || code === 47) && (width > 8 || !hexExcept(text, start, end, code))) continue;
    return (width << 8) | code;
  }
  return 0;
}

/** The separators that joined groups before any printable one did: only they join digits. */
const CLASSIC_SEPARATORS = new Set([..."-:., \t\n"].map((char) => char.charCodeAt(0)).concat(0x0d0a));

/** Whether `text[start, end)` is decimal digits and `separator` only. */
function digitsOnly(text: string, start: number, end: number, separator: number): boolean {
  for (let at = start; at < end; at++) {
    const code = text.charCodeAt(at);
    if ((code < 48 || code > 57) && code !== separator && !(separator === 0x0d0a && (code === 13 || code === 10))) return false;
  }
  return true;
}

/** Whether `text[start, end)` is hex digits and `code` only. */
function hexExcept(text: string, start: number, end: number, code: number): boolean {
  for (let at = start; at < end; at++) {
    const char = text.charCodeAt(at);
    if (char !== code && !((char >= 48 && char <= 57) || ((char | 32) >= 97 && (char | 32) <= 102))) return false;
  }
  return true;
}

/** Whether `count` groups of `width` from `start` to `end` split by `separator` are
 * joined: three or more, or two long lines (MIME, PEM: a short base64 blob wraps
 * into one full line and a rest), of at least {@link MIN_JOINED} characters. */
function joins(start: number, end: number, width: number, count: number, separator: number): boolean {
  if (separator === 38 /* & */ && width > MAX_AMPERSAND_WIDTH) return false;
  const lines = separator === 0x0a || separator === 0x0d0a;
  const enough = count >= 3 || (count === 2 && lines && width >= MIN_WRAPPED_LINE);
  return enough && end - start - (count - 1) * (separator === 0x0d0a ? 2 : 1) >= MIN_JOINED;
}
