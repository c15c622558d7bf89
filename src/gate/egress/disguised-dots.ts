/**
 * How servers on the way may read a path segment that the gate checks as written:
 * one place for route confinement (`services/routes/route-path.ts`) and inspected
 * method/path rules (`tls/ambiguous-path.ts`), so both know the same disguises
 * (review round 2: `..;/`, `..%00`, overlong UTF-8, `%u002e`, fullwidth dots).
 */

/** Byte sequences some decoders read as a dot or a slash: overlong UTF-8 (`%c0%ae`, `%e0%80%ae`; `%c0%af`, `%e0%80%af`). */
const OVERLONG_DOT = /\xc0\xae|\xe0\x80\xae/g;
const OVERLONG_SLASH = /\xc0\xaf|\xe0\x80\xaf|\xc1\x9c/g;
/** Characters that are a dot after NFKC or to IDNA-minded code: fullwidth and ideographic full stops, one-dot leader. */
const DOT_LIKE = /[\uff0e\u3002\uff61\u2024]/g;

/**
 * One round of percent-decoding (and IIS's `%uXXXX`), the bytes read as UTF-8 where
 * they are, overlong dots and slashes as what they spell, and the result NFKC-folded
 * with look-alike dots as dots (the fullwidth solidus folds to `/`).
 */
export function decodeRound(text: string): string {
  const unicode = text.replace(/%u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const latin1 = unicode.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(OVERLONG_DOT, ".").replace(OVERLONG_SLASH, "/");
  // Characters the client sent unencoded (above U+00FF) survive as they were.
  const decoded = /[^\x00-\xff]/.test(latin1) ? latin1 : Buffer.from(latin1, "latin1").toString("utf8");
  return decoded.normalize("NFKC").replace(DOT_LIKE, ".");
}

/**
 * Whether a (decoded) segment is a dot segment to some server: servlet containers
 * (Tomcat, Jetty) drop a `;param` suffix (`..;x` climbs there as `..` does), C and
 * some Java servers stop at a NUL (others drop it), others trim blanks and controls.
 * Whichever reading climbs more wins. With `trailingDots`, a segment of three or
 * more dots climbs too, as Windows servers that drop trailing dots read it: routes
 * take that reading, since a request they pass carries the injected credential;
 * path rules refuse what they cannot read, so they leave `...` an ordinary name.
 */
export function dotSegment(segment: string, trailingDots = false): "." | ".." | undefined {
  const beforeParams = segment.split(";", 1)[0]!;
  const readings = [beforeParams.split("\x00", 1)[0]!, beforeParams].map((text) => text.replace(/[\x00-\x20\x7f]/g, ""));
  const dots = readings.filter((bare) => (trailingDots ? /^\.+$/.test(bare) : bare === "." || bare === ".."));
  if (dots.length === 0) return undefined;
  return dots.some((bare) => bare.length > 1) ? ".." : ".";
}
