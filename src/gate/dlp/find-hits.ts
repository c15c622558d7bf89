import { credentialPatterns, looksRandom } from "./credential-patterns.ts";
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

/** Runs of base64/base32/hex characters long enough to hide a credential in. */
const TOKEN_RUN = /[A-Za-z0-9+/_-]{16,}={0,2}/g;
/** By default, tokens longer than this are not decoded: a credential encodes to far
 * less, and a large blob (an inline image) would cost time for nothing. Held secrets
 * inside large blobs are still found through their precomputed aligned forms. */
const MAX_DECODED_TOKEN = 4096;
/** base64(hex(secret)) is found; deeper nesting is not worth the time. */
const MAX_DEPTH = 2;
const COMPACT_DELIMITER = /[.\-_/=&+,:\s]/;

function patternHits(text: string, hits: Hit[]): void {
  for (const pattern of credentialPatterns) {
    pattern.raw.lastIndex = 0;
    for (const match of text.matchAll(pattern.raw)) {
      if (pattern.accept !== undefined && !pattern.accept(match[0])) continue;
      hits.push({ kind: pattern.kind, start: match.index, end: match.index + match[0].length });
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

function compactHits(text: string, held: HeldSecretForms, hits: Hit[]): void {
  let compacted = "";
  const map: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? "";
    if (COMPACT_DELIMITER.test(char)) continue;
    compacted += char;
    map.push(i);
  }
  for (const pattern of credentialPatterns) {
    if (pattern.compact === undefined) continue;
    const accept = pattern.acceptCompact ?? looksRandom;
    for (const match of compacted.matchAll(pattern.compact)) {
      if (!accept(match[0])) continue;
      const last = match.index + match[0].length - 1;
      hits.push({ kind: pattern.kind, start: map[match.index] ?? 0, end: (map[last] ?? 0) + 1 });
    }
  }
  substringHits(compacted, held.compact, hits, map);
}

/** By default, at most this many pieces of a run are recombined (quadratic). */
const MAX_PIECES = 16;

/**
 * Adds every contiguous range of `separator`-joined pieces of `run` that is long
 * enough to decode: standard base64 contains `/` and `+`, so `upload/<base64>/x`
 * must be tried as `<base64>` too, and `<base64 with a slash>` must not be cut at it.
 */
function addSpans(run: string, runStart: number, separator: string, candidates: Map<string, number>): void {
  const pieces = run.split(separator);
  if (pieces.length > MAX_PIECES) {
    let offset = 0;
    for (const piece of pieces) {
      if (piece.length >= 16) candidates.set(piece, runStart + offset);
      offset += piece.length + 1;
    }
    return;
  }
  let startOffset = 0;
  for (let first = 0; first < pieces.length; first++) {
    let joined = "";
    for (let last = first; last < pieces.length; last++) {
      joined = last === first ? (pieces[first] ?? "") : `${joined}${separator}${pieces[last] ?? ""}`;
      if (joined.length >= 16 && joined.length < run.length) candidates.set(joined, runStart + startOffset);
    }
    startOffset += (pieces[first] ?? "").length + 1;
  }
}

function decodedHits(text: string, options: FindHitsOptions, depth: number, hits: Hit[]): void {
  // Decoded text is whatever the agent chose to encode, so a credential in it may be
  // glued to other characters: the boundary-free compact pass is what finds it there.
  const inner: FindHitsOptions = { ...options, compact: true };
  for (const run of text.matchAll(TOKEN_RUN)) {
    if (run[0].length > MAX_DECODED_TOKEN) continue;
    // A run may glue a token to its neighbours (`v1/<base64>` in a path, `id-<hex>`),
    // which shifts the decoding; also try the pieces between those delimiters.
    const candidates = new Map<string, number>([[run[0], run.index]]);
    for (const separator of ["/", "+", "-", "_"]) {
      if (run[0].includes(separator)) addSpans(run[0], run.index, separator, candidates);
    }
    for (const [candidate, start] of candidates) {
      for (const decoded of decodeToken(candidate)) {
        const found = findHits(decoded, inner, depth + 1);
        if (decoded.includes("%")) found.push(...findHits(percentDecodeOnce(decoded, false), inner, depth + 1));
        for (const hit of found) hits.push({ kind: hit.kind, start, end: start + candidate.length });
      }
    }
  }
}

/**
 * Every credential and held secret in `text`: known formats, held values in any
 * precomputed encoding, optionally inside decodable tokens and across delimiters.
 * Spans index into `text` (a decoded token's hit covers the whole token).
 */
export function findHits(text: string, options: FindHitsOptions, depth = 0): Hit[] {
  const hits: Hit[] = [];
  patternHits(text, hits);
  substringHits(text, options.held.exact, hits);
  if (options.compact) compactHits(text, options.held, hits);
  if (options.decode && depth < MAX_DEPTH) decodedHits(text, options, depth, hits);
  return hits;
}
