import { hexPairAt } from "./percent-decode.ts";
import { decoded, decodeView, type TextView } from "./text-view.ts";

/**
 * Views that undo the escapes a text format allows, so a credential written with
 * them (`gh\u0070_…`, `ghp=5F…`) is seen as itself. Both are lenient and work at any
 * size and on any content type: `JSON.parse` refused the > 1 MiB prefix, NDJSON, a
 * UTF-8 BOM and trailing bytes, and that was a way around the scan (issue 9,
 * finding 6). Over-decoding a text that was not JSON or quoted-printable only costs a
 * view that matches nothing.
 */

/** JSON and JavaScript string escapes: `\uXXXX`, `\u{X…}`, `\xXX`, `\/` and the
 * single-character ones. */
const SINGLE: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const SINGLE_CODES = new Int32Array(128).fill(-1);
for (const char of "\\/\"'bfnrt") SINGLE_CODES[char.charCodeAt(0)] = (SINGLE[char] ?? char).charCodeAt(0);
const BACKSLASH = ["\\"];

/** The string escape at `text[at]` (a backslash), see {@link decodeView}. */
function stringEscape(text: string, at: number): number {
  const kind = text.charCodeAt(at + 1);
  if (kind === 117 /* u */) {
    if (text.charCodeAt(at + 2) === 123 /* { */) {
      // `\u{X…}`: 1–6 hex digits and `}`.
      let value = 0;
      let end = at + 3;
      while (end < text.length && end - (at + 3) < 6) {
        const digit = hexPairAt(`0${text[end]}`, 0);
        if (digit < 0) break;
        value = value * 16 + digit;
        end++;
      }
      if (end === at + 3 || text.charCodeAt(end) !== 125 /* } */) return 0;
      // Astral code points are not credential characters; one stand-in keeps the view shrinking.
      decoded.code = value > 0xffff ? 0xfffd : value;
      return end + 1 - at;
    }
    const high = hexPairAt(text, at + 2);
    const low = high < 0 ? -1 : hexPairAt(text, at + 4);
    if (low < 0) return 0;
    decoded.code = (high << 8) | low;
    return 6;
  }
  if (kind === 120 /* x */) {
    const value = hexPairAt(text, at + 2);
    if (value < 0) return 0;
    decoded.code = value;
    return 4;
  }
  const single = kind < 128 ? (SINGLE_CODES[kind] as number) : -1;
  if (single < 0) return 0;
  decoded.code = single;
  return 2;
}

/** Escapes that can stand for a credential's characters: `\n`, `\t`, `\"` and
 * `\\` only make whitespace and quotes, which no credential holds, so a body whose
 * only escapes are those (code in a JSON string) needs no second view. */
const HIDING_ESCAPE = /\\(?:u[0-9a-fA-F{]|x[0-9a-fA-F]|\/)/;

/** Whether `text` has a string escape worth a view. */
export function hasStringEscape(text: string): boolean {
  return HIDING_ESCAPE.test(text);
}

/** `text` with JSON/JavaScript string escapes undone. */
export function unescapeStringView(base: TextView): TextView {
  return decodeView(base, BACKSLASH, stringEscape);
}

/** Quoted-printable (RFC 2045): `=XX` bytes and `=` soft line breaks. */
const QUOTED_PRINTABLE = /=(?:([0-9A-Fa-f]{2})|[ \t]*\r?\n)/g;

/** Whether `text` looks quoted-printable: a soft line break, or two `=XX` escapes. */
export function hasQuotedPrintable(text: string): boolean {
  QUOTED_PRINTABLE.lastIndex = 0;
  let count = 0;
  for (let match = QUOTED_PRINTABLE.exec(text); match !== null; match = QUOTED_PRINTABLE.exec(text)) {
    if (match[1] === undefined || ++count >= 2) return true;
  }
  return false;
}

const EQUALS = ["="];

/** Escapes (by position of their `=`) that {@link quotedPrintableEscape} decodes
 * quietly, for the view being built. */
let quietEscapes: ReadonlySet<number> | undefined;

/** The quoted-printable escape at `text[at]` (an `=`): `=XX`, or a soft line break
 * (`=`, optional spaces or tabs, a line end), see {@link decodeView}. */
function quotedPrintableEscape(text: string, at: number): number {
  const value = hexPairAt(text, at + 1);
  if (value >= 0) {
    decoded.code = value;
    decoded.quiet = quietEscapes?.has(at) === true;
    return 3;
  }
  let end = at + 1;
  while (text.charCodeAt(end) === 32 || text.charCodeAt(end) === 9) end++;
  if (text.charCodeAt(end) === 13) end++;
  if (text.charCodeAt(end) !== 10) return 0;
  decoded.code = -1;
  return end + 1 - at;
}

/** `text` with quoted-printable escapes and soft line breaks undone. The `=XX` at
 * each position of `quiet` is decoded but not marked as a change (see `scan-text.ts`:
 * the `=` of `password=4F…` whose value is already a finding). */
export function quotedPrintableView(base: TextView, quiet?: ReadonlySet<number>): TextView {
  quietEscapes = quiet;
  try {
    return decodeView(base, EQUALS, quotedPrintableEscape);
  } finally {
    quietEscapes = undefined;
  }
}
