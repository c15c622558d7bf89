import { decodeRound, dotSegment } from "../egress/disguised-dots.ts";

/** How many rounds of percent-decoding a segment is looked at in: an origin (or a proxy behind it) may decode twice. */
const DECODE_ROUNDS = 3;

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
      const decoded = decodeRound(view);
      if (decoded === view && round > 0) break;
      if (/[/\\\x00]/.test(decoded)) return true;
      if (dotSegment(decoded) !== undefined) return true;
      view = decoded;
    }
    // The raw segment too: `..;x` needs no decoding to be a dot segment to Tomcat.
    if (dotSegment(segment) !== undefined) return true;
  }
  return false;
}
