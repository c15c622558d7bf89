import { lastAtOrBefore } from "./last-at-or-before.ts";

/**
 * A decoded form of a scanned text (percent-decoded, JSON-unescaped, quoted-printable
 * decoded, line-joined…) that remembers where each of its characters came from, so a
 * secret found in the decoded form is redacted at the right place of the original.
 * This is what makes redaction derive from the scanner's own findings: every hit, in
 * whatever view, maps back to a span of the text the gate logs.
 *
 * A view keeps only its replacements (where each one sits in the view and which base
 * characters it stands for), not a map per character: spans are mapped back only for
 * hits, which are rare, while a per-character `Int32Array` built and composed for
 * every view was most of the cost of a MiB of `%25` or `\u0041` (Bun 1.4.5 profile).
 */
export type TextView = {
  text: string;
  /** The view this one was decoded from; undefined for the original. */
  base?: TextView;
  /** Per replacement, four numbers: its position in this view, the base span
   * `[from, to)` it replaced, and its length here. In view order. */
  edits?: ArrayLike<number>;
  /** Where in the view the decoding changed something (a replacement's position),
   * so a scan can look only around those places; undefined for the original. */
  changes?: ArrayLike<number>;
};

/** What an {@link EscapeDecoder} decoded: the character code it stands for, or -1
 * for nothing (a soft line break), and whether the change is `quiet` (decoded, but
 * no reason to scan around it: see `scan-text.ts`). Module state, so the hot loop
 * allocates nothing. */
export const decoded = { code: -1, quiet: false };

/** Reads the escape starting at `text[at]` (its trigger character): returns how many
 * characters it spans, 0 when it is not one, and sets {@link decoded}. */
export type EscapeDecoder = (text: string, at: number) => number;

/** Edit, code, change and output space for {@link decodeView}, reused (the scan is
 * synchronous): edits in their final layout, four numbers each (see `edits`). */
let codeScratch = new Int32Array(4 * 1024);
let editScratch = new Int32Array(codeScratch.length * 4);
let changeScratch = new Int32Array(codeScratch.length);
let narrow = new Uint8Array(64 * 1024);
let wide = new Uint16Array(64 * 1024);
const utf16 = new TextDecoder("utf-16le");

/** A copy of `array`'s first `keep` numbers in an array of `size`. */
function grown(array: Int32Array<ArrayBuffer>, size: number, keep: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(size);
  bigger.set(array.subarray(0, keep));
  return bigger;
}

/**
 * A view of `base` with every escape that starts with one of the `triggers` and that
 * `decode` accepts replaced by the one character (or nothing) it stands for. A hand
 * loop records the escapes in reused typed arrays, already laid out as the view's
 * edits and changes (each copied out by one native `slice`: a copy loop per edit was
 * two thirds of the cost of a MiB of `%25`, Bun 1.4.5 profile); the text is then
 * joined from slices when escapes are few (a binary body's stray `%4a`), or written
 * into a byte buffer when they are many (a MiB of `%25`). A regex `exec` per escape
 * (a match array each), and a string piece and four array pushes per escape, were
 * most of the cost of that MiB (Bun 1.4.5 profiles); a 16-bit output string made
 * every later regex over a binary body slower, so the text stays Latin-1 when it can.
 */
export function decodeView(base: TextView, triggers: readonly string[], decode: EscapeDecoder): TextView {
  const source = base.text;
  const total = source.length;
  let edits = editScratch;
  let codes = codeScratch;
  let changes = changeScratch;
  let count = 0;
  let loud = 0;
  let length = 0;
  let at = 0;
  let wideCodes = false;
  // From trigger to trigger by native `indexOf` (one per trigger character): a loop
  // over every character cost more on a binary body with a few escapes.
  // With one trigger, an escape right after the last is taken without a native call
  // (a MiB of `%25` is nothing but adjacent escapes).
  const single = triggers.length === 1 ? (triggers[0] as string) : undefined;
  const singleCode = single?.charCodeAt(0) ?? -1;
  const next = triggers.map((trigger) => source.indexOf(trigger));
  for (;;) {
    let which = 0;
    if (single === undefined) {
      which = -1;
      for (let t = 0; t < next.length; t++) {
        const position = next[t] as number;
        if (position !== -1 && (which === -1 || position < (next[which] as number))) which = t;
      }
      if (which === -1) break;
    } else if (next[0] === -1) break;
    const i = next[which] as number;
    const consumed = decode(source, i);
    if (consumed === 0) {
      next[which] = source.indexOf(triggers[which] as string, i + 1);
      continue;
    }
    if (count === codes.length) {
      // Room for twice as many escapes: four edit numbers, a code and a change each.
      edits = editScratch = grown(edits, count * 8, count * 4);
      codes = codeScratch = grown(codes, count * 2, count);
      changes = changeScratch = grown(changes, count * 2, loud);
    }
    const piece = decoded.code;
    length += i - at;
    const slot = count * 4;
    edits[slot] = length;
    edits[slot + 1] = i;
    edits[slot + 2] = i + consumed;
    edits[slot + 3] = piece === -1 ? 0 : 1;
    codes[count] = piece;
    if (!decoded.quiet) changes[loud++] = length;
    decoded.quiet = false;
    if (piece > 255) wideCodes = true;
    if (piece !== -1) length++;
    count++;
    at = i + consumed;
    if (single !== undefined) next[0] = source.charCodeAt(at) === singleCode ? at : source.indexOf(single, at);
    else for (let t = 0; t < next.length; t++) if ((next[t] as number) !== -1 && (next[t] as number) < at) next[t] = source.indexOf(triggers[t] as string, at);
  }
  if (count === 0) return { text: source, base, edits: new Int32Array(0), changes: [] };
  length += total - at;
  const text = buildText(source, edits, codes, count, length, wideCodes);
  return { text, base, edits: edits.slice(0, count * 4), changes: changes.slice(0, loud) };
}

/** The view's text from the source and its `count` edits and codes (see {@link decodeView}). */
function buildText(source: string, edits: Int32Array, codes: Int32Array, count: number, length: number, wideCodes: boolean): string {
  if (count * 16 < source.length) {
    // Few escapes: slices of the source between them.
    const pieces: string[] = [];
    let at = 0;
    for (let edit = 0; edit < count; edit++) {
      const from = edits[edit * 4 + 1] as number;
      if (from > at) pieces.push(source.slice(at, from));
      const code = codes[edit] as number;
      if (code !== -1) pieces.push(String.fromCharCode(code));
      at = edits[edit * 4 + 2] as number;
    }
    if (at < source.length) pieces.push(source.slice(at));
    return pieces.join("");
  }
  // Many: every character into a buffer, one string made at the end.
  const sourceWide = wideCodes || !/^[\u0000-\u00ff]*$/.test(source);
  const out: Uint8Array | Uint16Array = sourceWide ? (wide.length >= length ? wide : (wide = new Uint16Array(length * 2))) : narrow.length >= length ? narrow : (narrow = new Uint8Array(length * 2));
  let written = 0;
  let at = 0;
  for (let edit = 0; edit < count; edit++) {
    const from = edits[edit * 4 + 1] as number;
    for (let i = at; i < from; i++) out[written++] = source.charCodeAt(i);
    const code = codes[edit] as number;
    if (code !== -1) out[written++] = code;
    at = edits[edit * 4 + 2] as number;
  }
  for (let i = at; i < source.length; i++) out[written++] = source.charCodeAt(i);
  if (sourceWide) return utf16.decode((out as Uint16Array).subarray(0, written));
  return Buffer.from(out.buffer, out.byteOffset, written).toString("latin1");
}

/** The original text as a view of itself. */
export function identityView(text: string): TextView {
  return { text };
}

/** Where view character `index` (or the end, for `index === text.length`) begins in
 * `view.base`: inside a replacement, the base character it was decoded from. */
function baseIndex(view: TextView, index: number): number {
  const edits = view.edits as ArrayLike<number>;
  // The last replacement that starts at or before `index`.
  const found = lastAtOrBefore(edits, index, 4);
  if (found === -1) return index;
  const at = edits[found * 4] as number;
  const from = edits[found * 4 + 1] as number;
  const to = edits[found * 4 + 2] as number;
  const length = edits[found * 4 + 3] as number;
  if (index < at + length) return Math.min(from + (index - at), to - 1);
  return to + (index - at - length);
}

/** The span `[start, end)` of `view` as a span of the original text. */
export function originalSpan(view: TextView, start: number, end: number): [number, number] {
  let span: [number, number] = [start, end];
  for (let current: TextView | undefined = view; current?.base !== undefined; current = current.base) {
    span = [baseIndex(current, span[0]), baseIndex(current, span[1])];
  }
  return span;
}

/**
 * A view of `base` with every match of the global `pattern` replaced by
 * `replace(match)` (which must not be longer than the match: every decoding the
 * scanner uses shrinks text), the rest copied. The replacements are recorded for
 * mapping spans back. (An `exec` loop: a native `replace` with a callback measured
 * slower here, Bun 1.4.5.)
 */
export function replaceView(base: TextView, pattern: RegExp, replace: (match: RegExpExecArray) => string): TextView {
  const source = base.text;
  const edits: number[] = [];
  const changes: number[] = [];
  const pieces: string[] = [];
  let at = 0;
  let length = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(source); match !== null; match = pattern.exec(source)) {
    const matched = match[0].length;
    if (matched === 0) {
      pattern.lastIndex++;
      continue;
    }
    if (match.index > at) {
      pieces.push(source.slice(at, match.index));
      length += match.index - at;
    }
    const piece = replace(match);
    edits.push(length, match.index, match.index + matched, piece.length);
    changes.push(length);
    pieces.push(piece);
    length += piece.length;
    at = match.index + matched;
  }
  if (at < source.length) pieces.push(source.slice(at));
  return { text: pieces.join(""), base, edits, changes };
}
