import { credentialPatterns, looksRandomCompact } from "./credential-patterns.ts";
import { decodeToken } from "./decode-token.ts";
import type { HeldSecretForms } from "./held-secret-forms.ts";
import { percentDecodeOnce } from "./percent-decode.ts";

/** A detected secret inside a scanned text: its kind and the span to redact. */
export type Hit = { kind: string; start: number; end: number };

/** What {@link findHits} looks for and how hard it tries. */
export type FindHitsOptions = {
  held: HeldSecretForms;
  /** Also match delimiter-stripped text (URL paths and queries, see `credential-patterns.ts`). */
  compact: boolean;
  /** Also decode base64/base32/hex tokens and scan what they decode to. */
  decode: boolean;
};

/** Tokens shorter than this are not decoded: 16 base64 characters are 12 bytes,
 * less than any credential we look for. */
const MIN_TOKEN = 16;
/** By default, tokens longer than this are not decoded: a credential encodes to far
 * less, and a large blob (an inline image) would cost time for nothing. Held secrets
 * inside large blobs are still found through their precomputed aligned forms. */
const MAX_DECODED_TOKEN = 4096;
/** base64(hex(secret)) is found; deeper nesting is not worth the time. */
const MAX_DEPTH = 2;
/** By default, at most this many pieces of a run are recombined (quadratic). */
const MAX_PIECES = 16;

// Character tables: a `charCodeAt` lookup is much cheaper than a regex per character,
// and `matchAll` costs ~10 µs per call in Bun 1.3.14, so loops use `exec` or scan by hand.
const TOKEN_CHARS = new Uint8Array(128);
const ALNUM = new Uint8Array(128);
const COMPACT_DELIMITERS = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") {
  ALNUM[char.charCodeAt(0)] = 1;
  TOKEN_CHARS[char.charCodeAt(0)] = 1;
}
for (const char of "+/_-") TOKEN_CHARS[char.charCodeAt(0)] = 1;
for (const char of ".-_/=&+,: \t\r\n") COMPACT_DELIMITERS[char.charCodeAt(0)] = 1;

function followsAlnum(text: string, index: number): boolean {
  const code = index > 0 ? text.charCodeAt(index - 1) : 128;
  return code < 128 && ALNUM[code] === 1;
}

function patternHits(text: string, hits: Hit[]): void {
  for (const pattern of credentialPatterns) {
    if (!pattern.prefixes.some((prefix) => text.indexOf(prefix) !== -1)) continue;
    const regex = pattern.raw;
    const memo = {};
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      if (match[0].length === 0) regex.lastIndex++;
      if (pattern.kind !== "private-key" && followsAlnum(text, match.index)) continue;
      if (pattern.accept !== undefined && !pattern.accept(match[0])) continue;
      const end = match.index + match[0].length;
      hits.push({ kind: pattern.kind, start: match.index, end: pattern.extendEnd?.(text, end, memo) ?? end });
    }
  }
}

function substringHits(text: string, forms: readonly string[], hits: Hit[], map?: number[]): void {
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) {
      const start = map === undefined ? at : (map[at] ?? 0);
      const end = map === undefined ? at + form.length : (map[at + form.length - 1] ?? 0) + 1;
      hits.push({ kind: "held-secret", start, end });
    }
  }
}

/**
 * Credential formats and held secrets in `text` with its delimiters removed. With
 * `atBoundary`, a format match must start where a token could in the original text
 * (not after a letter or digit, so `task-…` is not `sk-…`); decoded text, where the
 * agent may glue a key to anything, passes false.
 */
function compactHits(text: string, held: HeldSecretForms, atBoundary: boolean, hits: Hit[]): void {
  const kept: string[] = [];
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 128 && COMPACT_DELIMITERS[code] === 1) continue;
    kept.push(text[i] ?? "");
    map.push(i);
  }
  const compacted = kept.join("");
  for (const pattern of credentialPatterns) {
    const regex = pattern.compact;
    if (regex === undefined) continue;
    const accept = pattern.acceptCompact ?? looksRandomCompact;
    regex.lastIndex = 0;
    for (let match = regex.exec(compacted); match !== null; match = regex.exec(compacted)) {
      if (atBoundary && followsAlnum(text, map[match.index] ?? 0)) continue;
      if (!accept(match.slice(1).find((group) => group !== undefined) ?? match[0])) continue;
      const last = match.index + match[0].length - 1;
      hits.push({ kind: pattern.kind, start: map[match.index] ?? 0, end: (map[last] ?? 0) + 1 });
    }
  }
  substringHits(compacted, held.compact, hits, map);
}

/**
 * Adds contiguous ranges of `separator`-joined pieces of `run` long enough to decode.
 * Standard base64 contains `/` and `+`, so `upload/<base64>/x` must be tried as
 * `<base64>`, and a `<base64 with a slash>` must not be cut at it: for those, every
 * range (when `all`). For `-` and `_` (in base64url, and in slugs and UUIDs, which
 * are common and never decode) only the ranges that drop a prefix or a suffix, to
 * un-glue `id-<token>` without paying a quadratic number of decodes per UUID.
 */
function addSpans(run: string, runStart: number, separator: string, all: boolean, candidates: Map<string, number>): void {
  const starts = [0];
  for (let at = run.indexOf(separator); at !== -1; at = run.indexOf(separator, at + 1)) starts.push(at + 1);
  const count = starts.length;
  // Piece i spans [starts[i], ends[i]); ends exclude the separator.
  const endOf = (i: number): number => (i + 1 < count ? (starts[i + 1] ?? 0) - 1 : run.length);
  const add = (from: number, to: number): void => {
    if (to - from >= MIN_TOKEN && to - from < run.length) candidates.set(run.slice(from, to), runStart + from);
  };
  if (all && count <= MAX_PIECES) {
    for (let first = 0; first < count; first++) {
      for (let last = first; last < count; last++) add(starts[first] ?? 0, endOf(last));
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    // Empty pieces (`----` in a banner) would only repeat the same text shifted.
    if (starts[i] !== endOf(i)) {
      add(starts[i] ?? 0, run.length); // drop a prefix
      add(0, endOf(i)); // drop a suffix
      add(starts[i] ?? 0, endOf(i)); // a single piece
    }
  }
}

/** Calls `visit` with each run of base64/base32/hex characters (plus `=` padding) of
 * at least {@link MIN_TOKEN} and at most {@link MAX_DECODED_TOKEN} characters. */
function forEachTokenRun(text: string, visit: (run: string, start: number) => void): void {
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code >= 128 || TOKEN_CHARS[code] !== 1) {
      i++;
      continue;
    }
    const start = i;
    while (i < text.length) {
      const next = text.charCodeAt(i);
      if (next >= 128 || TOKEN_CHARS[next] !== 1) break;
      i++;
    }
    let end = i;
    while (end < text.length && end - i < 2 && text.charCodeAt(end) === 61) end++; // "=" padding
    const length = end - start;
    if (length >= MIN_TOKEN && length <= MAX_DECODED_TOKEN) visit(text.slice(start, end), start);
  }
}

/** Kinds found inside each decoded candidate token, per top-level scan: a body that
 * repeats one token thousands of times is decoded and scanned once. */
type DecodedCache = Map<string, string[]>;

function decodedKinds(candidate: string, inner: FindHitsOptions, depth: number, cache: DecodedCache): string[] {
  // Keyed by depth too: a token met deeper is scanned less deeply.
  const key = `${depth}:${candidate}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const kinds: string[] = [];
  for (const decoded of decodeToken(candidate)) {
    const found = findHits(decoded, inner, depth + 1, cache);
    if (decoded.includes("%")) found.push(...findHits(percentDecodeOnce(decoded, false), inner, depth + 1, cache));
    for (const hit of found) if (!kinds.includes(hit.kind)) kinds.push(hit.kind);
  }
  cache.set(key, kinds);
  return kinds;
}

function decodedHits(text: string, options: FindHitsOptions, depth: number, hits: Hit[], cache: DecodedCache): void {
  // Decoded text is whatever the agent chose to encode, so a credential in it may be
  // glued to other characters: the boundary-free compact pass is what finds it there.
  const inner: FindHitsOptions = { ...options, compact: true };
  forEachTokenRun(text, (run, runStart) => {
    // A run may glue a token to its neighbours (`v1/<base64>` in a path, `id-<hex>`),
    // which shifts the decoding; also try the pieces between those delimiters.
    const candidates = new Map<string, number>([[run, runStart]]);
    for (const separator of ["/", "+", "-", "_"]) {
      if (run.includes(separator)) addSpans(run, runStart, separator, separator === "/" || separator === "+", candidates);
    }
    for (const [candidate, start] of candidates) {
      for (const kind of decodedKinds(candidate, inner, depth, cache)) hits.push({ kind, start, end: start + candidate.length });
    }
  });
}

/**
 * Every credential and held secret in `text`: known formats, held values in any
 * precomputed encoding, optionally inside decodable tokens and across delimiters.
 * Spans index into `text` (a decoded token's hit covers the whole token).
 */
export function findHits(text: string, options: FindHitsOptions, depth = 0, cache: DecodedCache = new Map()): Hit[] {
  const hits: Hit[] = [];
  patternHits(text, hits);
  substringHits(text, options.held.exact, hits);
  if (options.compact) compactHits(text, options.held, depth === 0, hits);
  if (options.decode && depth < MAX_DEPTH) decodedHits(text, options, depth, hits, cache);
  return hits;
}
