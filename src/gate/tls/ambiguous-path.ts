/** How many rounds of percent-decoding a segment is looked at in: an origin (or a proxy behind it) may decode twice. */
const DECODE_ROUNDS = 3;

/** Byte sequences some decoders read as a dot: overlong UTF-8 (`%c0%ae`, `%e0%80%ae`). */
const OVERLONG_DOT = /\xc0\xae|\xe0\x80\xae/g;
/** Characters that are a dot after NFKC or to IDNA-minded code: fullwidth and ideographic full stops, one-dot leader. */
const DOT_LIKE = /[\uff0e\u3002\uff61\u2024]/g;

/** One round of percent-decoding (and IIS's `%uXXXX`), bytes read as UTF-8 where they are. */
function decodeOnce(text: string): string {
  const unicode = text.replace(/%u([0-9a-f]{4})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const latin1 = unicode.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const bytes = Buffer.from(latin1.replace(OVERLONG_DOT, "."), "latin1");
  // Characters the client sent unencoded (above U+00FF) survive as they were.
  return /[^\x00-\xff]/.test(latin1) ? latin1.replace(OVERLONG_DOT, ".") : bytes.toString("utf8");
}

/**
 * The segment as an origin that strips path parameters (`;jsessionid=…`, as Tomcat
 * and Spring do), stops at a NUL or trims blanks and control characters, and folds
 * look-alike dots would see it.
 */
function originView(segment: string): string {
  const cut = segment.split(/[;\x00]/, 1)[0]!;
  return cut.normalize("NFKC").replace(DOT_LIKE, ".").replace(/^[\x00-\x20\x7f]+|[\x00-\x20\x7f]+$/g, "");
}

/**
 * True when a path (already normalised by WHATWG URL parsing: raw and `%2e` dot
 * segments resolved, backslashes turned to slashes) has a segment that some origin
 * would read as another path than the one the gate checks against a path rule: a
 * dot segment in disguise (`..;`, `%2e%2e;`, `..%3b`, `..%00`, `..%09`, `%252e%252e`,
 * overlong or fullwidth dots, `%u002e`), an encoded slash or backslash (at any
 * decoding depth), or a NUL. `/ok/..;/nope` passed `paths: ["/ok/"]` and reached
 * `/nope` on such an origin (review round 2, finding 6). Refusing these costs nothing
 * a real client sends.
 */
export function ambiguousPath(path: string): boolean {
  for (const segment of path.split("/")) {
    let view = segment;
    for (let round = 0; round < DECODE_ROUNDS; round++) {
      const decoded = decodeOnce(view);
      if (decoded === view && round > 0) break;
      if (/[/\\\x00]/.test(decoded)) return true;
      const seen = originView(decoded);
      if (seen === "." || seen === "..") return true;
      view = decoded;
    }
    // The raw segment too: `..;x` needs no decoding to be a dot segment to Tomcat.
    const raw = originView(segment);
    if (raw === "." || raw === "..") return true;
  }
  return false;
}
