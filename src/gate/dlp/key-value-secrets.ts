import { hexPairAt } from "./percent-decode.ts";
import { shannonEntropy } from "./shannon-entropy.ts";

/**
 * Secrets written as key/value pairs in text: `"password": "…"` (JSON),
 * `api_key: …` (YAML), `API_TOKEN=…` (env, forms, query strings), `secret => …`,
 * and CSV whose header row names a secret column. A pair is only reported when its
 * value is non-trivial: placeholders (`${X}`, `<token>`, `changeme`, `xxxx`,
 * `your_api_key`, the agent's own `bottle-placeholder`), short values, booleans,
 * numbers and low-entropy words are ordinary traffic.
 */

/** A key/value secret: the span of its value. */
export type KeyValueHit = { kind: "key-value-secret"; start: number; end: number };

/** The end of a secret-looking key and its separator. Matching the keyword at the
 * separator (rather than every `key: value` pair) keeps this cheap on large JSON. */
const KEY_END = /(password|passwd|passphrase|pwd|secret|api[_-]?key|access[_-]?key|private[_-]?key|token|credentials?)["']?[ \t]*(?:=>|:|=)[ \t]*/gi;

const SEPARATOR = /[:=]/;

/** Keys ending in `token` that name something that is not a credential. */
const NOT_SECRET_KEY = /(?:^|_)(?:page|next|prev|previous|continuation|sync|csrf|xsrf|pagination|cursor|max|min|num|total|count|input|output|cache|stop|eos|bos|pad|start|end|cancellation)_?tokens?$/;

/** Values that stand for a secret rather than being one. */
const PLACEHOLDER =
  /^(?:\$\{.*\}|\$\(.*\)|\$[A-Za-z_][A-Za-z0-9_]*|%[A-Za-z_]+%|<.*>|\{\{.*\}\}|\{.*\}|%\(.*\)s|\[.*\]|(.)\1*|null|none|nil|true|false|undefined|changeme|change_?me|password\d*|secret|example|redacted|placeholder|dummy|sample|todo|tbd|unset|empty|default|string|required|optional|hidden|masked)$/i;
const PLACEHOLDER_WORDS = /example|placeholder|your[_-]|redacted|process\.env|os\.environ|getenv|<[a-z_-]+>|\*{3}|x{4}|\.\.\./i;

/** By default, values shorter than this are not secrets worth a block. */
const MIN_VALUE = 8;

/** Whether `value` is a real-looking secret: long enough, not a placeholder, varied. */
export function isNonTrivialSecret(value: string): boolean {
  return looksLikeSecret(value, value, 0);
}

/** {@link isNonTrivialSecret} of `value`, which is `source[from, from + value.length)`:
 * the character walks read `source`. A value sliced out of a body is a substring of
 * it, and reading a substring one character at a time took a slow path per character
 * in JSC (Bun 1.4.5: the class count over 20-character values was a fifth of a MiB of
 * `password=…` pairs), where the body's own text reads fast. */
function looksLikeSecret(value: string, source: string, from: number): boolean {
  if (value.length < MIN_VALUE || value.length > 512) return false;
  if (PLACEHOLDER.test(value) || PLACEHOLDER_WORDS.test(value)) return false;
  const to = from + value.length;
  const seen = classBits(source, from, to);
  // Numbers, dates, versions: nothing but digits and `.,:-`.
  if ((seen & NOT_NUMBER_LIKE) === 0) return false;
  // A URL or path without userinfo.
  if ((seen & AT_SIGN) === 0 && (value.charCodeAt(0) === 47 /* / */ || value.startsWith("http://") || value.startsWith("https://"))) return false;
  const classes = (seen & 1) + ((seen >> 1) & 1) + ((seen >> 2) & 1) + ((seen >> 3) & 1);
  const entropy = shannonEntropy(source, from, to);
  // `hunter2hunter2` (2 classes, 2.8 bits) counts; `production` (1 class) does not
  // unless long and varied, like a passphrase.
  return (classes >= 2 && entropy >= 2.5) || (value.length >= 16 && entropy >= 3.3);
}

/** The class bits (see {@link CLASS_BITS}) of every character of `source[from, to)`
 * or'd together, in one walk over a table: four regex tests per pair for the classes,
 * and two more for numbers and plain URLs, cost more on a body of pairs, and a
 * compare chain per character 5× more than the table (Bun 1.4.5). */
function classBits(source: string, from: number, to: number): number {
  let seen = 0;
  for (let i = from; i < to; i++) {
    const code = source.charCodeAt(i);
    seen |= code < 256 ? (CLASS_BITS[code] as number) : OTHER | NOT_NUMBER_LIKE;
  }
  return seen;
}

/** Per Latin-1 character: 1 lower-case, 2 upper-case, 4 digit, 8 anything else; and
 * {@link NOT_NUMBER_LIKE} for all but digits and `.,:-`, {@link AT_SIGN} for `@`. */
const OTHER = 8;
const NOT_NUMBER_LIKE = 16;
const AT_SIGN = 32;
const CLASS_BITS = new Uint8Array(256).fill(OTHER | NOT_NUMBER_LIKE);
for (let code = 97; code <= 122; code++) CLASS_BITS[code] = 1 | NOT_NUMBER_LIKE;
for (let code = 65; code <= 90; code++) CLASS_BITS[code] = 2 | NOT_NUMBER_LIKE;
for (let code = 48; code <= 57; code++) CLASS_BITS[code] = 4;
for (const char of ".,:-") CLASS_BITS[char.charCodeAt(0)] = OTHER;
CLASS_BITS[64] = OTHER | NOT_NUMBER_LIKE | AT_SIGN;

const KEY_CHARS = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") KEY_CHARS[char.charCodeAt(0)] = 1;
const VALUE_ENDS = new Uint8Array(128);
for (const char of " \t\r\n\f\v\"'&,;}]<>)") VALUE_ENDS[char.charCodeAt(0)] = 1;
const isKeyChar = (code: number): boolean => code < 128 && KEY_CHARS[code] === 1;
const isValueEnd = (code: number): boolean => code < 128 && VALUE_ENDS[code] === 1;

/** The key written before `end` (letters, digits, `_`, `-`, `.`), normalised to
 * snake case: `clientSecret` → `client_secret`. */
function keyBefore(text: string, end: number): string {
  let start = end;
  // Whether the key needs normalising (an upper-case letter, `-` or `.`): most keys of
  // a body do not, and two replaces per pair were a large part of a MiB of
  // `password=…` pairs (Bun 1.4.5 profile).
  let mixed = false;
  while (start > 0 && end - start < 128 && isKeyChar(text.charCodeAt(start - 1))) {
    const code = text.charCodeAt(start - 1);
    if ((code >= 65 && code <= 90) || code === 45 || code === 46) mixed = true;
    start--;
  }
  if (!mixed) return text.slice(start, end);
  return text
    .slice(start, end)
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[-.]/g, "_")
    .toLowerCase();
}

/** The value starting at `at`: quoted (JSON/YAML/env) or bare up to a delimiter. */
function valueAt(text: string, at: number): [number, number] | undefined {
  const quote = text[at];
  if (quote === '"' || quote === "'") {
    let end = at + 1;
    while (end < text.length && end - at <= 513 && text[end] !== quote && text[end] !== "\n") end += text[end] === "\\" ? 2 : 1;
    return text[end] === quote ? [at + 1, end] : undefined;
  }
  let end = at;
  while (end < text.length && end - at <= 513 && !isValueEnd(text.charCodeAt(end))) end++;
  return end > at ? [at, end] : undefined;
}

/** A CSV's first line read as a header naming secret columns: the delimiter (one
 * character), the columns' indexes, and where the rows start. */
export type CsvLayout = { delimiter: string; secretColumns: number[]; rowsFrom: number };

/** The layout of `text` read as CSV whose first line is a header with a secret column
 * (`password`, `api_key`, `token`, …), or undefined. */
export function csvLayout(text: string): CsvLayout | undefined {
  const firstLineEnd = text.indexOf("\n");
  // One line is no CSV (and the three splits below, per joined group of every body, were 8% of a MiB of short cells).
  if (firstLineEnd === -1) return undefined;
  const header = text.slice(0, firstLineEnd).replace(/^\uFEFF|^\u00EF\u00BB\u00BF/, "").replace(/\r$/, "");
  const delimiter = [",", ";", "\t", "|"].find((candidate) => header.split(candidate).length >= 2);
  if (delimiter === undefined) return undefined;
  const columns = header.split(delimiter).map((cell) => cell.trim().replace(/^["']|["']$/g, ""));
  const secretColumns = columns.flatMap((cell, index) => {
    const key = cell.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[-.\s]/g, "_").toLowerCase();
    return /(?:password|passwd|passphrase|pwd|secret|api_?key|access_?key|private_?key|token|credentials?)$/.test(key) && !NOT_SECRET_KEY.test(key) ? [index] : [];
  });
  return secretColumns.length === 0 ? undefined : { delimiter, secretColumns, rowsFrom: firstLineEnd + 1 };
}

/** The rows of `text` that start in `[from, until)` (at most `maxRows`) whose secret
 * cells hold a non-trivial secret, as `key-value-secret` hits spanning the row; a
 * row starts at `layout.rowsFrom` or after a line break. Returns where the next row
 * starts, so a long text is read in steps. */
export function csvRowHits(text: string, layout: CsvLayout, from: number, until: number, hits: KeyValueHit[], maxRows = Infinity): number {
  let lineStart = Math.max(from, layout.rowsFrom);
  if (lineStart > layout.rowsFrom && text.charCodeAt(lineStart - 1) !== 10) {
    const next = text.indexOf("\n", lineStart);
    lineStart = next === -1 ? text.length : next + 1;
  }
  const { secretColumns } = layout;
  const delimiter = layout.delimiter.charCodeAt(0);
  const lastColumn = Math.max(...secretColumns);
  const bounds = new Int32Array(2 * (lastColumn + 1));
  for (let row = 0; row < maxRows && lineStart < text.length && lineStart < until; row++) {
    const found = text.indexOf("\n", lineStart);
    const lineEnd = found === -1 ? text.length : found;
    // The row as `split` reads it (a trailing `\r` is not part of its last cell), its
    // cells found in place up to the last secret column: a slice, a replace and a split
    // per row of a MiB of short rows cost 40 ms (Bun 1.4.5).
    const rowEnd = lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
    let cellStart = lineStart;
    let cells = 0;
    while (cells <= lastColumn) {
      let cellEnd = cellStart;
      while (cellEnd < rowEnd && text.charCodeAt(cellEnd) !== delimiter) cellEnd++;
      bounds[2 * cells] = cellStart;
      bounds[2 * cells + 1] = cellEnd;
      cells++;
      if (cellEnd === rowEnd) break;
      cellStart = cellEnd + 1;
    }
    // A finding spans the whole row, so its first secret cell is enough: the others
    // would add the same span again (three value tests per line of a MiB of CSV
    // cells under three secret columns, Bun 1.4.5 profile).
    for (const index of secretColumns) {
      // Trimming and unquoting only shorten a cell: one shorter than a secret is none.
      if (index >= cells || (bounds[2 * index + 1] as number) - (bounds[2 * index] as number) < MIN_VALUE) continue;
      const cell = text.slice(bounds[2 * index] as number, bounds[2 * index + 1] as number).trim().replace(/^["']|["']$/g, "");
      if (!isNonTrivialSecret(cell)) continue;
      hits.push({ kind: "key-value-secret", start: lineStart, end: lineEnd });
      break;
    }
    lineStart = lineEnd + 1;
  }
  return lineStart;
}

function csvHits(text: string, hits: KeyValueHit[]): void {
  const layout = csvLayout(text);
  if (layout !== undefined) csvRowHits(text, layout, 0, text.length, hits, 10_000);
}

/** `text[start, end)` trimmed (`String.prototype.trim`), and where it starts in `text`. */
function trimmed(text: string, start: number, end: number): [string, number] {
  const raw = text.slice(start, end);
  // Only these can be trimmed: ASCII whitespace and controls are checked by `trim`
  // itself, the rest is Unicode whitespace (U+00A0, U+1680 and above).
  const first = text.charCodeAt(start);
  const last = text.charCodeAt(end - 1);
  if (first > 32 && last > 32 && first !== 0xa0 && last !== 0xa0 && first < 0x1680 && last < 0x1680) return [raw, start];
  return [raw.trim(), start + raw.length - raw.trimStart().length];
}

/**
 * Every key/value secret in `text`, each as the span of its value. With
 * `escapesOnly`, only those whose value follows an `=` and starts with two hex digits:
 * the pairs whose separator reads as a quoted-printable escape, which `scan-text.ts`
 * leaves quiet when the value is a finding. A body that has a key/value finding
 * already needs no other (it keeps kinds, not spans), and testing every value of a
 * MiB of `password=…` pairs was a third of its scan (Bun 1.4.5 profile).
 */
/** The spans, as `[start, end)` pairs, of every key a pair needs (a keyword, a quote
 * or not, the separator): {@link keyValueHits} finds no pair outside them (a CSV aside,
 * which needs a line break). */
export function pairKeySpans(text: string): number[] {
  const spans: number[] = [];
  KEY_END.lastIndex = 0;
  for (let match = KEY_END.exec(text); match !== null; match = KEY_END.exec(text)) spans.push(match.index, match.index + match[0].length);
  return spans;
}

export function keyValueHits(text: string, escapesOnly = false): KeyValueHit[] {
  const hits: KeyValueHit[] = [];
  // Every pair needs a `:` or `=`; without one (base64, prose) skip the regex.
  KEY_END.lastIndex = 0;
  const pairs = SEPARATOR.test(text);
  for (let match = pairs ? KEY_END.exec(text) : null; match !== null; match = KEY_END.exec(text)) {
    const valueStart = match.index + match[0].length;
    if (escapesOnly && !(text.charCodeAt(valueStart - 1) === 61 /* = */ && hexPairAt(text, valueStart) >= 0)) continue;
    // The keyword holds no quote, `:` or `=`, so the key ends where it does (a second
    // regex search per pair to find that was a tenth of a MiB of pairs).
    const keyword = match[1] as string;
    // Only keys ending in `token(s)` can name something that is not a credential, and a
    // key ends in its keyword: only then is the key read back (a walk of up to 128
    // characters and two replaces per pair: 120-character camelCase keys before every
    // `Token=` cost 70–120 ms per MiB, hostile-input search, Bun 1.4.5). `keyBefore`
    // lower-cases every key with an upper-case letter, so a plain `endsWith` is the
    // case-insensitive test (a regex per pair cost more).
    if (keyword.length === 5 && keyword.toLowerCase() === "token") {
      const key = keyBefore(text, match.index + keyword.length);
      if ((key.endsWith("token") || key.endsWith("tokens")) && NOT_SECRET_KEY.test(key)) continue;
    }
    const span = valueAt(text, valueStart);
    if (span === undefined) continue;
    const [value, from] = trimmed(text, span[0], span[1]);
    if (looksLikeSecret(value, text, from)) hits.push({ kind: "key-value-secret", start: span[0], end: span[1] });
  }
  // A CSV finding spans whole lines: never right after an `=`.
  if (!escapesOnly) csvHits(text, hits);
  return hits;
}
