/** By default, percent-decoding stops after this many rounds (`%25252e` is three). */
const MAX_DECODE_ROUNDS = 4;

/**
 * What some decoder on the way may read as a dot or a separator, byte by byte (the
 * path is decoded as Latin-1): overlong UTF-8 (`%c0%ae` is `.`, `%c0%af` is `/` to an
 * old Java or IIS decoder), the fullwidth and ideographic full stops and the fullwidth
 * solidus (which Unicode normalization turns into `.` and `/`).
 */
const LOOKALIKES: [RegExp, string][] = [
  [/\xC0\xAE|\xE0\x80\xAE|\xEF\xBC\x8E|\xE3\x80\x82|\uFF0E|\u3002/g, "."],
  [/\xC0\xAF|\xE0\x80\xAF|\xEF\xBC\x8F|\uFF0F|\xC1\x9C|\xEF\xBC\xBC|\uFF3C/g, "/"],
];

/**
 * Percent-decodes (`%XX`, and IIS's `%uXXXX`) until nothing changes (or the round
 * limit), then maps {@link LOOKALIKES}; bad escapes stay as written.
 */
function decodeFully(text: string): string {
  let current = text;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = current
      .replace(/%[uU]([0-9A-Fa-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (next === current) break;
    current = next;
  }
  for (const [pattern, to] of LOOKALIKES) current = current.replace(pattern, to);
  return current;
}

/**
 * Whether a decoded segment is a dot segment, as some server on the way may read it:
 * servlet containers (Tomcat, Jetty) drop a `;param` suffix (`..;x` climbs there as
 * `..` does), C and some Java servers stop at a NUL, others trim spaces and controls,
 * and Windows ones drop trailing dots (`...` is `..`). So any segment of dots alone
 * once those are gone counts: two or more climb.
 */
function dotSegment(segment: string): "." | ".." | undefined {
  const beforeParams = segment.split(";", 1)[0]!;
  // Cut at a NUL, or with NULs dropped: whichever reading climbs more.
  const readings = [beforeParams.split("\x00", 1)[0]!, beforeParams].map((text) => text.replace(/[\x00-\x20\x7f]/g, ""));
  const dots = readings.filter((bare) => /^\.+$/.test(bare));
  if (dots.length === 0) return undefined;
  return dots.some((bare) => bare.length > 1) ? ".." : ".";
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
  const dotOf = (segment: string) => dotSegment(decodeFully(segment));
  if (!resolveSegments(rawSegments, dotOf, forwarded)) return undefined;
  const decodedSegments = decodeFully(rest).split(/[/\\]/).filter((segment) => segment !== "");
  if (!resolveSegments(decodedSegments, dotSegment, [])) return undefined;
  const trailing = forwarded.length > 0 && /[/\\]$/.test(rest) ? "/" : "";
  return `${base}/${forwarded.join("/")}${trailing}`;
}
