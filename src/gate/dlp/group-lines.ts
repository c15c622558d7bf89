/**
 * A text's joined groups (`joined-groups.ts`) with all their texts in one string, one
 * per line, as `find-hits.ts` searches them: decoded stretches and what a group may
 * hold are looked for over all the lines at once (no alphabet, format prefix, held
 * form or financial candidate holds a line break, so what is found in a line is its
 * group's alone).
 */

import { type JoinedGroup, sequences } from "./joined-groups.ts";

/** Joined groups as lines of one string: group `i`'s text is
 * `joined.slice(offsets[i], offsets[i + 1] - 1)` (a `\n` ends each line). */
export type GroupLines = {
  /** How many groups. */
  count: number;
  /** Every group's text, each followed by a line break. */
  joined: string;
  /** Where each group's line starts in `joined`, and `joined.length` last. */
  offsets: Int32Array;
  /** Each group's span `[start, end)` in the text and its width. */
  starts: Int32Array;
  ends: Int32Array;
  widths: Int32Array;
  /** 1 where a group's text holds a character other than a letter or a digit. */
  punctuated: Uint8Array;
};

const ALNUM = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ALNUM[char.charCodeAt(0)] = 1;

/** The lines are ASCII: a UTF-8 decode of them took a quarter of the time of a Latin-1
 * `Buffer.toString` (Bun 1.4.5). */
const ASCII = new TextDecoder();

/** The lines of a text without groups (shared: nothing writes to it). */
const NO_LINES: GroupLines = {
  count: 0,
  joined: "",
  offsets: new Int32Array(1),
  starts: new Int32Array(0),
  ends: new Int32Array(0),
  widths: new Int32Array(0),
  punctuated: new Uint8Array(0),
};

/** Scratch space for the lines' characters, reused (the scan is synchronous). */
let scratch = new Uint8Array(64 * 1024);
let scratchBuffer = Buffer.from(scratch.buffer, scratch.byteOffset, scratch.byteLength);

/**
 * The {@link GroupLines} of `text`: the same groups, texts and spans as
 * `groupLines(joinedGroups(text))`, made without a string per group. Each sequence's
 * characters but its separator are copied into one buffer (they are all ASCII: group
 * characters and separators), a line break after each, and `joined` is one decode of
 * it. A slice, a replace and an object per group, then a concatenation of them all,
 * were a fifth of the scan of a MiB of short CSV cells (38,000 three-cell lines, each
 * one group; Bun 1.4.5 profile). A group's text is made only when asked for
 * ({@link groupOfLine}).
 */
export function joinedGroupLines(text: string): GroupLines {
  // The lines are at most twice as long as the text: a group is in two sequences at
  // most (the shorter one that ends a sequence starts the next), and each sequence's
  // line break takes the place of one of its separators.
  if (scratch.length < 2 * text.length + 1) {
    scratch = new Uint8Array(2 * text.length + 1);
    scratchBuffer = Buffer.from(scratch.buffer, scratch.byteOffset, scratch.byteLength);
  }
  const bytes = scratch;
  const found = sequences(text, true);
  const count = found.length / 4;
  // Most texts (decoded stretches, prose) hold no sequence: no arrays for them.
  if (count === 0) return NO_LINES;
  const offsets = new Int32Array(count + 1);
  const starts = new Int32Array(count);
  const ends = new Int32Array(count);
  const widths = new Int32Array(count);
  const punctuated = new Uint8Array(count);
  let write = 0;
  for (let index = 0; index < count; index++) {
    const start = found[4 * index] as number;
    const end = found[4 * index + 1] as number;
    const width = found[4 * index + 2] as number;
    const separator = found[4 * index + 3] as number;
    offsets[index] = write;
    starts[index] = start;
    ends[index] = end;
    widths[index] = width;
    // `\r\n` separates by two characters, neither a group character.
    const copied = width >= WIDE_GROUP ? copyWide(text, start, end, separator, write) : copyJoined(text, start, end, separator === 0x0d0a ? 13 : separator, separator === 0x0d0a ? 10 : separator, bytes, write);
    write = copied < 0 ? -copied : copied;
    punctuated[index] = copied < 0 ? 1 : 0;
  }
  offsets[count] = write;
  const joined = write === 0 ? "" : ASCII.decode(bytes.subarray(0, write));
  return { count, joined, offsets, starts, ends, widths, punctuated };
}

/** Copies `text[start, end)` but the characters `first` and `second` into `bytes` at
 * `write`, then a line break; returns where the copy ends, negated when it holds a
 * character other than a letter or a digit. */
function copyJoined(text: string, start: number, end: number, first: number, second: number, bytes: Uint8Array, write: number): number {
  let at = write;
  let other = 0;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === first || code === second) continue;
    bytes[at++] = code;
    other |= 1 - (ALNUM[code] as number);
  }
  bytes[at++] = 10;
  return other === 0 ? at : -at;
}

/** By default, sequences of groups this wide are copied natively: a line of MIME
 * base64 or PEM, or a sequence of long lines, copied a character at a time cost a
 * tenth more than the one slice and replace per sequence `joinedGroups` makes (Bun
 * 1.4.5). */
const WIDE_GROUP = 32;

const NOT_ALNUM = /[^A-Za-z0-9]/;

/** {@link copyJoined} by one native replace (the separator, `\r\n` or one character
 * code) and one write of the result into the scratch space. */
function copyWide(text: string, start: number, end: number, separator: number, write: number): number {
  const piece = text.slice(start, end).replaceAll(separator === 0x0d0a ? "\r\n" : String.fromCharCode(separator), "");
  let at = write + scratchBuffer.write(piece, write, "latin1");
  (scratch as Uint8Array)[at++] = 10;
  return NOT_ALNUM.test(piece) ? -at : at;
}

/** The {@link GroupLines} of groups already made (what {@link joinedGroupLines} must
 * equal; tests build lines from chosen groups with it). */
export function groupLines(groups: readonly JoinedGroup[]): GroupLines {
  const offsets: number[] = [];
  let joined = "";
  for (const group of groups) {
    offsets.push(joined.length);
    joined += `${group.text}\n`;
  }
  offsets.push(joined.length);
  return {
    count: groups.length,
    joined,
    offsets: Int32Array.from(offsets),
    starts: Int32Array.from(groups, (group) => group.start),
    ends: Int32Array.from(groups, (group) => group.end),
    widths: Int32Array.from(groups, (group) => group.width),
    punctuated: Uint8Array.from(groups, (group) => (/[^A-Za-z0-9]/.test(group.text) ? 1 : 0)),
  };
}

/** Group `index` of `lines` as a {@link JoinedGroup} (its text sliced from `joined`). */
export function groupOfLine(lines: GroupLines, index: number): JoinedGroup {
  return {
    text: lines.joined.slice(lines.offsets[index] as number, (lines.offsets[index + 1] as number) - 1),
    start: lines.starts[index] as number,
    end: lines.ends[index] as number,
    width: lines.widths[index] as number,
  };
}
