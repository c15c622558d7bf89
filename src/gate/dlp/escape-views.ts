import { replaceView, type TextView } from "./text-view.ts";

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
const STRING_ESCAPE = /\\(?:u([0-9a-fA-F]{4})|u\{([0-9a-fA-F]{1,6})\}|x([0-9a-fA-F]{2})|([\\/"'bfnrt]))/g;
const SINGLE: Record<string, string> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

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
  return replaceView(base, STRING_ESCAPE, (match) => {
    const hex = match[1] ?? match[2] ?? match[3];
    if (hex !== undefined) {
      const code = Number.parseInt(hex, 16);
      // Astral code points are not credential characters; one stand-in keeps the view shrinking.
      return code > 0xffff ? "\ufffd" : String.fromCharCode(code);
    }
    const char = match[4] ?? "";
    return SINGLE[char] ?? char;
  });
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

/** `text` with quoted-printable escapes and soft line breaks undone. */
export function quotedPrintableView(base: TextView): TextView {
  return replaceView(base, QUOTED_PRINTABLE, (match) => (match[1] === undefined ? "" : String.fromCharCode(Number.parseInt(match[1], 16))));
}
