import { decodeRound, dotSegment } from "../../egress/disguised-dots.ts";

/** By default, percent-decoding stops after this many rounds (`%25252e` is three). */
const MAX_DECODE_ROUNDS = 4;

/** Decodes (see `decodeRound`) until nothing changes, or the round limit. */
function decodeFully(text: string): string {
  let current = text;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = decodeRound(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Resolves dot segments against a stack; false when a `..` would climb above it. */
function resolveSegments(segments: readonly string[], isDot: (segment: string) => "." | ".." | undefined, out: string[]): boolean {
  for (const segment of segments) {
    const dot = isDot(segment);
    if (dot === ".") continue;
    if (dot === "..") {
      if (out.length === 0) return false;
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return true;
}

/**
 * The upstream path of a route request: the route's base path joined with `rest`
 * (what follows `/r/<name>/`) after its dot segments are resolved, or undefined when
 * `rest` would leave the base (403 `route-escape`).
 *
 * Upstreams and the URL parser in between resolve dot segments however they are
 * spelled, so every spelling counts: `..`, `%2e%2e`, `.%2E`, nested encodings, and
 * `\` or an encoded `/` or `\` as a separator. The path is checked twice — as
 * forwarded (raw segments, dot segments resolved, `\` sent as `/`), and fully decoded
 * with every decoded separator splitting — and must stay inside the base both times.
 * Other segments are forwarded as written (`group%2Fproject` stays one segment).
 */
export function routePath(basePath: string, rest: string): string | undefined {
  const base = basePath.replace(/\/+$/, "");
  const rawSegments = rest.split(/[/\\]/).filter((segment) => segment !== "");
  const forwarded: string[] = [];
  const dotOf = (segment: string) => dotSegment(decodeFully(segment), true);
  if (!resolveSegments(rawSegments, dotOf, forwarded)) return undefined;
  const decodedSegments = decodeFully(rest).split(/[/\\]/).filter((segment) => segment !== "");
  if (!resolveSegments(decodedSegments, (segment) => dotSegment(segment, true), [])) return undefined;
  const trailing = forwarded.length > 0 && /[/\\]$/.test(rest) ? "/" : "";
  return `${base}/${forwarded.join("/")}${trailing}`;
}
