import { type CredentialPattern, credentialPatterns, looksRandomCompact } from "./credential-patterns.ts";
import { CUT_ANYWHERE, type DecodedSegment, decodedSegments, type LeadOffsets, NOT_CUT } from "./decode-aligned.ts";
import { MIN_FORMAT_TEXT } from "./decode-token.ts";
import { holdsExactForm, holdsFoldedForm } from "./exact-form-index.ts";
import { anchoredCandidates, anchoredMayStart, financialHits, unanchoredCandidates } from "./financial-ids.ts";
import type { HeldSecretForms } from "./held-secret-forms.ts";
import { type GroupLines, groupOfLine, joinedGroupLines } from "./group-lines.ts";
import type { JoinedGroup } from "./joined-groups.ts";
import { keyValueHits, pairKeySpans } from "./key-value-secrets.ts";
import { lineMayDecode } from "./line-may-decode.ts";
import { lastAtOrBefore } from "./last-at-or-before.ts";
import { percentDecodeOnce } from "./percent-decode.ts";

/** A detected secret inside a scanned text: its kind and the span to redact. */
export type Hit = { kind: string; start: number; end: number };

/** What {@link findHits} looks for and how hard it tries. */
export type FindHitsOptions = {
  held: HeldSecretForms;
  /** Also match delimiter-stripped text (see `credential-patterns.ts`): `url` strips
   * URL delimiters and whitespace, `text` only punctuation inside tokens (an
   * inserted `-`), so prose words are never glued into a "token". */
  compact: "url" | "text" | false;
  /** Also decode base64/base32/hex tokens and scan what they decode to. */
  decode: boolean;
  /** Also look for key/value secrets and checksum-valid financial identifiers. */
  structured: boolean;
  /** By default, credential formats are matched in the text itself; false for a view
   * made only to rejoin an encoding (its words glued together are not keys). */
  formats?: boolean;
  /** Skip the JWT format: a body's text was searched for JWTs whole already. */
  skipJwt?: boolean;
  /** The caller found a key/value secret already and keeps only kinds (a body): pairs
   * are then only reported where one could quiet a quoted-printable escape (see
   * `keyValueHits`), the rest would add nothing. Not passed on to decoded text or
   * joined groups: only a text's own pairs are skipped. */
  pairsFound?: boolean;
  /** Where the groups of a run the text starts inside fall, when the text may start
   * inside one (a body's slice, a view's window); by default it starts where its runs
   * do. Not passed on to decoded text, which starts where its own runs do. */
  lead?: LeadOffsets;
};

/** Runs shorter than this are not decoded: 16 base64 characters are 12 bytes, less
 * than any credential we look for. */
const MIN_TOKEN = 16;
/** base64(hex(secret)) is found; deeper nesting is not worth the time. */
const MAX_DEPTH = 2;

// Character tables: a `charCodeAt` lookup is much cheaper than a regex per character,
// and `matchAll` costs ~10 µs per call in Bun 1.3.14, so loops use `exec` or scan by hand.
const ALNUM = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ALNUM[char.charCodeAt(0)] = 1;
/** URL text loses every delimiter; other text only punctuation inside a token
 * (between two letters or digits: the kept first character is `$1`). */
// One `|`, `\`, `^`, `<`, `>`, a bracket, a brace or a backtick inside a key hid it
// (a hunt for leaks, this round): no key holds them, and text rarely puts them between
// two letters. Quotes, `?`, `&`, `#` and `%` stay out of text's set: joined across
// `","` or a query, a package-lock's URLs and hashes read as an npm token.
const URL_DELIMITER_RUNS = /[.\-_/=&+,:;!~*'()$@\s|"\\^<>[\]{}`]+/g;
const TEXT_DELIMITER_RUNS = /([A-Za-z0-9])[.\-_/=+,:!~|\\^<>[\]{}`]+(?=[A-Za-z0-9])/g;
/** The delimiters that also stand between tokens in code (`a[i]`, `a|b`): with one in
 * a text, a compact match after a letter in the compacted text may still start a
 * token in the original, so that is where it is judged. Without one (base64, prose),
 * the compacted text's letter decides alone. */
const STRUCTURAL = /[|\\^<>[\]{}`]/;

const TOKEN_CHARS = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-") TOKEN_CHARS[char.charCodeAt(0)] = 1;

/** Whether `text[index - 1]` could be part of the same token (base64 included): in
 * text, a compact match must start a token, or random base64 would be full of
 * "keys" (`/npm` + 30 random characters). */
function followsTokenChar(text: string, index: number): boolean {
  const code = index > 0 ? text.charCodeAt(index - 1) : 128;
  return code < 128 && TOKEN_CHARS[code] === 1;
}

function followsAlnum(text: string, index: number): boolean {
  const code = index > 0 ? text.charCodeAt(index - 1) : 128;
  return code < 128 && ALNUM[code] === 1;
}

const escapeRegex = (literal: string): string => literal.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
/** One literal-alternation regex per pattern: JSC's regex search for literals is
 * several times faster than `indexOf` per prefix on text with common first letters
 * (`e` of `eyJ`), Bun 1.4.5. */
const rawGates = credentialPatterns.map((pattern) => new RegExp(pattern.prefixes.map(escapeRegex).join("|")));
const compactGates = credentialPatterns.map((pattern) =>
  pattern.compactPrefixes === undefined ? undefined : new RegExp(pattern.compactPrefixes.map(escapeRegex).join("|")),
);

/** Matches where any pattern's prefix occurs: a text without one (most short texts,
 * the joined groups of a CSV line) is asked once instead of once per pattern (a gate
 * test per pattern per short group was the costliest line of a MiB of CSV cells,
 * Bun 1.4.5 profile). A gate matches only where this does. */
export const anyRawGate = new RegExp(credentialPatterns.flatMap((pattern) => pattern.prefixes.map(escapeRegex)).join("|"));
/** The same for the compact prefixes: a compacted text without any (most decoded
 * stretches) skips the gate per pattern (eleven tests per stretch were a tenth of a
 * MiB of hex of printable text in 26-column lines, Bun 1.4.5 profile). A pattern
 * without compact prefixes always runs. */
const anyCompactGate = new RegExp(credentialPatterns.flatMap((pattern) => (pattern.compactPrefixes ?? []).map(escapeRegex)).join("|"));
const anyCompactGateGlobal = new RegExp(anyCompactGate.source, "g");
const compactAlwaysRuns = credentialPatterns.some((pattern) => pattern.compact !== undefined && pattern.compactPrefixes === undefined);

function patternHits(text: string, hits: Hit[], skipJwt: boolean): void {
  if (!anyRawGate.test(text)) return;
  for (let index = 0; index < credentialPatterns.length; index++) {
    const pattern = credentialPatterns[index] as (typeof credentialPatterns)[number];
    if (skipJwt && pattern.kind === "jwt") continue;
    if (!(rawGates[index] as RegExp).test(text)) continue;
    const memo = {};
    const found: [number, number][] = [];
    if (typeof pattern.raw === "function") {
      found.push(...pattern.raw(text));
    } else {
      const regex = pattern.raw;
      regex.lastIndex = 0;
      for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
        if (match[0].length === 0) regex.lastIndex++;
        found.push([match.index, match.index + match[0].length]);
      }
    }
    for (const [start, end] of found) {
      if (pattern.kind !== "private-key" && followsAlnum(text, start) && !(pattern.glued === true || pattern.glued?.(text.slice(start, end)) === true)) continue;
      if (pattern.accept !== undefined && !pattern.accept(text.slice(start, end))) continue;
      hits.push({ kind: pattern.kind, start, end: pattern.extendEnd?.(text, end, memo) ?? end });
    }
  }
}

function substringHits(text: string, forms: readonly string[], hits: Hit[]): void {
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) hits.push({ kind: "held-secret", start: at, end: at + form.length });
  }
}

/** Every occurrence of every exact held form in `text`: the same as
 * {@link substringHits} over `held.exact`, asked of the forms' index first (a text
 * holds a form exactly when it says so), so a text without any costs one skip-ahead
 * pass instead of a search per form. */
function exactHeldHits(text: string, held: HeldSecretForms, hits: Hit[]): void {
  if (!holdsExactForm(text, held.exactIndex)) return;
  substringHits(text, held.exact, hits);
}

/**
 * Credential formats and held secrets in `text` with its delimiters removed. With
 * `atBoundary`, a format match must start where a token could in the original text
 * (not after a letter or digit, so `task-…` is not `sk-…`); decoded text, where the
 * agent may glue a key to anything, passes false.
 */
function compactHits(text: string, profile: "url" | "text", held: HeldSecretForms, atBoundary: boolean, hits: Hit[]): void {
  // The compacted text is built by one native replace; the map back to the original
  // is only walked for a hit (rare), not kept per character: a 4 MiB index array per
  // MiB of body was the largest cost of the text pass.
  const delimiters = profile === "url" ? URL_DELIMITER_RUNS : TEXT_DELIMITER_RUNS;
  const keep = profile === "url" ? 0 : 1;
  delimiters.lastIndex = 0;
  if (!delimiters.test(text)) {
    // Nothing to remove: the raw passes already saw this text. Held compact forms
    // still apply (a secret with its own delimiters removed).
    substringHits(text, held.compact, hits);
    return;
  }
  const compacted = text.replace(delimiters, keep === 1 ? "$1" : "");
  // Built on the first hit: where each removed run starts (in compacted
  // coordinates) and how many characters were removed up to and including it.
  let marks: Int32Array | undefined;
  let removedUpTo: Int32Array | undefined;
  const toOriginal = (index: number): number => {
    if (marks === undefined || removedUpTo === undefined) {
      const starts: number[] = [];
      const totals: number[] = [];
      let removed = 0;
      delimiters.lastIndex = 0;
      for (let match = delimiters.exec(text); match !== null; match = delimiters.exec(text)) {
        starts.push(match.index + keep - removed);
        removed += match[0].length - keep;
        totals.push(removed);
      }
      marks = Int32Array.from(starts);
      removedUpTo = Int32Array.from(totals);
    }
    // The last removed run that starts at or before `index`.
    const found = lastAtOrBefore(marks, index);
    return index + (found === -1 ? 0 : (removedUpTo[found] as number));
  };
  const span = (start: number, end: number): Hit["start"][] => [toOriginal(start), toOriginal(end - 1) + 1];
  let structural: boolean | undefined;
  // A long text holds some prefix anyway: the one regex would only add to the gates'.
  const anyGate = compactAlwaysRuns || compacted.length > 256 || anyCompactGate.test(compacted);
  for (let index = 0; anyGate && index < credentialPatterns.length; index++) {
    const pattern = credentialPatterns[index] as (typeof credentialPatterns)[number];
    const regex = pattern.compact;
    if (regex === undefined) continue;
    if (compactGates[index]?.test(compacted) === false) continue;
    const accept = pattern.acceptCompact ?? looksRandomCompact;
    for (const [from, to] of compactWindows(compacted, pattern.compactWindow)) {
      const searched = from === 0 && to === compacted.length ? compacted : compacted.slice(from, to);
      regex.lastIndex = 0;
      for (let match = regex.exec(searched); match !== null; match = regex.exec(searched)) {
        const at = from + match.index;
        // In text, only in-token punctuation is removed: a letter or digit before the
        // match in the compacted text means it does not start a token. Checked before
        // mapping back, which costs a walk of the text on first use.
        if (atBoundary && profile === "text" && followsAlnum(compacted, at) && !(structural ??= STRUCTURAL.test(text))) continue;
        const [start = 0, end = 0] = span(at, at + match[0].length);
        if (atBoundary && (profile === "text" ? followsTokenChar(text, start) : followsAlnum(text, start))) continue;
        if (!accept(match.slice(1).find((group) => group !== undefined) ?? match[0])) continue;
        if (pattern.compactShape !== undefined && !hasShape(text.slice(start, end), pattern.compactShape)) continue;
        hits.push({ kind: pattern.kind, start, end });
      }
    }
  }
  for (const form of held.compact) {
    for (let at = compacted.indexOf(form); at !== -1; at = compacted.indexOf(form, at + 1)) {
      const [start = 0, end = 0] = span(at, at + form.length);
      hits.push({ kind: "held-secret", start, end });
    }
  }
}

/** Whether `original` (a compact match's span) starts as its format does once every
 * character but letters, digits and the format's own separator is taken out. */
function hasShape(original: string, shape: NonNullable<CredentialPattern["compactShape"]>): boolean {
  let kept = "";
  for (let at = 0; at < original.length && kept.length < 16; at++) {
    const char = original[at] as string;
    if (char === shape.separator || isAlnumAt(original, at)) kept += char;
  }
  return shape.start.test(kept);
}

/** Where a compact regex must run in `compacted`: all of it, or the merged windows
 * around each occurrence of the pattern's literal (`CredentialPattern.compactWindow`),
 * cut to the letters and digits around it (both sides of a compact match are letters
 * and digits) and left out where fewer than `minAfter` follow it. A literal every
 * 169 characters without 8 letters or digits after it (`sk`×80 + `T3BlbkFJ `) made
 * the windows cover the text and every `sk` backtrack again: 82 ms per MiB
 * (hostile-input search, Bun 1.4.5). */
export function compactWindows(compacted: string, window: CredentialPattern["compactWindow"]): [number, number][] {
  if (window === undefined) return [[0, compacted.length]];
  const windows: [number, number][] = [];
  for (let at = compacted.indexOf(window.literal); at !== -1; at = compacted.indexOf(window.literal, at + 1)) {
    const literalEnd = at + window.literal.length;
    let after = literalEnd;
    const furthest = Math.min(compacted.length, literalEnd + window.after);
    while (after < furthest && isAlnumAt(compacted, after)) after++;
    if (after - literalEnd < window.minAfter) continue;
    let from = at;
    const earliest = Math.max(0, at - window.before);
    while (from > earliest && isAlnumAt(compacted, from - 1)) from--;
    const last = windows[windows.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], after);
    else windows.push([from, after]);
  }
  return windows;
}

function isAlnumAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  return code < 128 && ALNUM[code] === 1;
}

/** Kinds found inside each decoded text, per top-level scan: a body that repeats one
 * token thousands of times is scanned once. */
export type DecodedCache = Map<string, string[]>;

/** By default, at most this many decoded texts are remembered per scan. */
const MAX_CACHED = 4096;

function decodedKinds(decoded: string, inner: FindHitsOptions, depth: number, cache: DecodedCache): string[] {
  if (decoded.length < MIN_FORMAT_TEXT) {
    const short: Hit[] = [];
    exactHeldHits(decoded, inner.held, short);
    return short.length === 0 ? [] : ["held-secret"];
  }
  const key = `${depth}:${decoded}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const found = findHits(decoded, inner, depth + 1, cache);
  if (decoded.includes("%")) found.push(...findHits(percentDecodeOnce(decoded, false), inner, depth + 1, cache));
  const kinds = [...new Set(found.map((hit) => hit.kind))];
  if (cache.size < MAX_CACHED && decoded.length <= 4096) cache.set(key, kinds);
  return kinds;
}

/** The shortest decoded stretch of `text` that can matter: {@link MIN_FORMAT_TEXT},
 * or the shortest exact held form when that is shorter and `text` holds an encoding
 * of such a form (`HeldSecretForms.shortFormEncodings`); a stretch shorter than both
 * can hold nothing. Random decoded stretches of 8–12 bytes, thousands per slice of
 * JWT-like fragments or binary, are then not even made into strings. */
function minDecodedText(held: HeldSecretForms, text: string): number {
  return held.shortestExact < MIN_FORMAT_TEXT && holdsFoldedForm(text, held.shortFormEncodings) ? held.shortestExact : MIN_FORMAT_TEXT;
}

function decodedHits(text: string, options: FindHitsOptions, depth: number, hits: Hit[], cache: DecodedCache): void {
  // Nothing shorter than a token decodes (a run of MIN_TOKEN) or joins (MIN_JOINED,
  // also 16): a decoded stretch of 13–15 bytes (a 26-column line of hex) skips the
  // setup of both, ~40,000 times per MiB of such lines.
  if (text.length < MIN_TOKEN) return;
  // Decoded text is whatever the agent chose to encode, so a credential in it may be
  // glued to other characters: the boundary-free URL compact pass is what finds it there.
  const inner: FindHitsOptions = { ...options, compact: "url", formats: true, skipJwt: false, pairsFound: false, lead: undefined };
  const minText = minDecodedText(options.held, text);
  // The kinds of the segment before: the copies of a repeated run come one after
  // another with the same text (`decode-aligned.ts`), and the kinds of a text are the
  // same each time (a held-form search per copy of a 12-byte stretch was most of a MiB
  // of JWT-like fragments with an 8-character held secret, Bun 1.4.5 profile).
  let lastText: string | undefined;
  let lastKinds: string[] = [];
  for (const segment of decodedSegments(text, 0, text.length, MIN_TOKEN, minText, true, options.lead)) {
    if (segment.text !== lastText) {
      lastText = segment.text;
      lastKinds = decodedKinds(segment.text, inner, depth, cache);
    }
    for (const kind of lastKinds) hits.push({ kind, start: segment.start, end: segment.end });
  }
  const lines = joinedGroupLines(text);
  // Short groups (`41-4b-…`, `ghp_ abcd efgh …`) are read as text too; long lines
  // (MIME, PEM) only decoded: their text was already read line by line.
  // A group only a financial candidate marks is letters and digits with no format
  // prefix or held form: only the financial check can find anything in it (card
  // numbers or IBANs in 4-digit groups one a line gave a whole `findHits` per line,
  // 104–141 ms per MiB, hostile-input search, Bun 1.4.5).
  const financialOnly: JoinedGroup[] = [];
  for (const group of groupsToRead(lines, options.held, financialOnly, options.compact)) {
    if (group.width >= 16) continue;
    for (const hit of findHits(group.text, { ...options, decode: false, pairsFound: false }, depth, cache)) hits.push({ kind: hit.kind, start: group.start, end: group.end });
  }
  for (const group of options.structured ? financialOnly : []) {
    if (group.width >= 16) continue;
    for (const hit of financialHits(group.text)) hits.push({ kind: hit.kind, start: group.start, end: group.end });
  }
  for (const { segment, group } of groupSegments(lines, minDecodedText(options.held, lines.joined), options.lead)) {
    for (const kind of decodedKinds(segment.text, inner, depth, cache)) hits.push({ kind, start: group.start, end: group.end });
  }
}

/** The format prefixes of letters and digits only, as one search: a prefix with any
 * other character can only lie in a line that holds one, and such a line is read
 * anyway. Searching the lines of a MiB of CSV cells for all prefixes cost three
 * times as much (Bun 1.4.5). */
/** Every format prefix, over the lines: for groups with a delimiter (`punctuatedMarks`). */
const anyRawGateGlobal = new RegExp(anyRawGate.source, "g");
const alnumRawGate = new RegExp(
  credentialPatterns
    .flatMap((pattern) => pattern.prefixes)
    .filter((prefix) => /^[A-Za-z0-9]+$/.test(prefix))
    .map(escapeRegex)
    .join("|"),
  "g",
);

/** The index of the group whose line holds `position` (the last starting at or before it). */
function groupAt(offsets: ArrayLike<number>, position: number): number {
  return Math.max(0, lastAtOrBefore(offsets, position));
}

/**
 * The groups whose text `findHits` (without decoding) could find anything in; in the
 * others it finds nothing, so they need not be read one by one, which was most of a
 * MiB of short CSV cells (a group of three cells a line, 38,000 lines: one `findHits`
 * each, Bun 1.4.5 profile). The lines are searched at once for what every part of
 * `findHits` needs: a group with a character other than a letter or digit (a
 * delimiter: compaction, pairs) is read; so is one that holds a format prefix (the
 * gate of every format; one with a character other than a letter or a digit is in
 * a line read already), an exact or compact held form, or a financial candidate
 * (card run or bech32 match; an IBAN or base58 one starts a token, which in a line
 * of letters and digits is its start). None of those holds a line break, so one
 * in a group's text is found in its line, and their boundaries read the line break
 * as the text's start or end. A group touched by any match is kept (a superset).
 * With `financialOnly`, the groups that only a financial candidate marks go there
 * instead: letters and digits without a format prefix or a held form, in which only
 * `financialHits` can find anything.
 */
export function groupsToRead(lines: GroupLines, held: HeldSecretForms, financialOnly?: JoinedGroup[], compact: FindHitsOptions["compact"] = "url"): readonly JoinedGroup[] {
  const { count, joined, offsets, punctuated } = lines;
  if (count < 2) return Array.from({ length: count }, (_, index) => groupOfLine(lines, index));
  // Per group: 1 read whole, 2 only a financial candidate marks it. With URL
  // compaction (which removes line breaks too), a group with a delimiter is read whole:
  // flagged when its line was made. Otherwise such a group is read only where what
  // its delimiters serve could match (`punctuatedMarks`).
  // (A compact pattern without prefixes would run on any compacted group: never narrow then.)
  const narrow = compact !== "url" && !compactAlwaysRuns && punctuated.includes(1);
  const keep = narrow ? new Uint8Array(count) : punctuated.slice();
  const mark = (start: number, end: number, as: number): void => {
    for (let index = groupAt(offsets, start); index < count && (offsets[index] as number) < Math.max(end, start + 1); index++) if (keep[index] !== 1) keep[index] = as;
  };
  const gate = narrow ? anyRawGateGlobal : alnumRawGate;
  gate.lastIndex = 0;
  for (let match = gate.exec(joined); match !== null; match = gate.exec(joined)) mark(match.index, match.index + match[0].length, 1);
  if (narrow) punctuatedMarks(lines, held, compact, keep, mark);
  const forms = holdsExactForm(joined, held.exactIndex) ? [...held.exact, ...held.compact] : held.compact;
  for (const form of forms) {
    for (let at = joined.indexOf(form); at !== -1; at = joined.indexOf(form, at + 1)) mark(at, at + form.length, 1);
  }
  const candidates = unanchoredCandidates(joined);
  for (let index = 0; index < candidates.length; index += 2) mark(candidates[index] as number, candidates[index + 1] as number, 2);
  // The other financial candidates start a token: in a line of letters and digits
  // (the others are read already, or searched in `punctuatedMarks`), its start.
  for (let index = 0; index < count; index++) if (keep[index] === 0 && punctuated[index] === 0 && anchoredMayStart(joined, offsets[index] as number, (offsets[index + 1] as number) - 1)) keep[index] = 2;
  const read: JoinedGroup[] = [];
  for (let index = 0; index < count; index++) {
    if (keep[index] === 1 || (keep[index] === 2 && financialOnly === undefined)) read.push(groupOfLine(lines, index));
    else if (keep[index] === 2) financialOnly?.push(groupOfLine(lines, index));
  }
  return read;
}

/**
 * What a group with a delimiter needs for `findHits` (without decoding) to find
 * anything beyond the format prefixes and held forms `groupsToRead` marks itself: a
 * pair's key (keyword and separator), a compact prefix or held compact form once its
 * delimiters are removed (text compaction never joins two lines, so the lines'
 * compaction is each group's), or an IBAN or base58 candidate, which starts after any
 * character other than a letter or digit. None holds a line break. Each group with a
 * delimiter was read whole: CSV cells with an `=` inside one cost 255–283 ms per MiB,
 * a `findHits` per line (Bun 1.4.5).
 */
function punctuatedMarks(lines: GroupLines, held: HeldSecretForms, compact: FindHitsOptions["compact"], keep: Uint8Array, mark: (start: number, end: number, as: number) => void): void {
  const { count, joined } = lines;
  const keys = pairKeySpans(joined);
  for (let index = 0; index < keys.length; index += 2) mark(keys[index] as number, keys[index + 1] as number, 1);
  if (compact === "text") {
    const compacted = joined.replace(TEXT_DELIMITER_RUNS, "$1");
    // Line `k` of the compacted lines is group `k`'s compaction.
    const lineStarts = new Int32Array(count + 1);
    for (let index = 1, at = compacted.indexOf("\n"); index <= count && at !== -1; index++, at = compacted.indexOf("\n", at + 1)) lineStarts[index] = at + 1;
    const markLine = (at: number): void => {
      const index = Math.max(0, lastAtOrBefore(lineStarts, at));
      if (index < count) keep[index] = 1;
    };
    anyCompactGateGlobal.lastIndex = 0;
    for (let match = anyCompactGateGlobal.exec(compacted); match !== null; match = anyCompactGateGlobal.exec(compacted)) markLine(match.index);
    for (const form of held.compact) for (let at = compacted.indexOf(form); at !== -1; at = compacted.indexOf(form, at + 1)) markLine(at);
  }
  const anchored = anchoredCandidates(joined);
  for (let index = 0; index < anchored.length; index += 2) mark(anchored[index] as number, anchored[index + 1] as number, 2);
}

/**
 * The decoded stretches of every joined group, each with its group: one search over
 * the groups' lines. No alphabet holds a line break, so no run crosses one and the
 * stretches are those of each group searched alone; a search per group cost most of
 * a MiB of short CSV cells (a group of three 8-character cells per line, 37,000
 * lines: 220 ms, Bun 1.4.5 profile). Only the lines that may decode to a stretch
 * (`line-may-decode.ts`) are searched: the others hold none.
 */
export function groupSegments(lines: GroupLines, minText: number, lead?: LeadOffsets): { segment: DecodedSegment; group: JoinedGroup }[] {
  const { count, joined, offsets } = lines;
  const kept: number[] = [];
  for (let index = 0; index < count; index++) if (lineMayDecode(joined, offsets[index] as number, (offsets[index + 1] as number) - 1, minText, lines.punctuated[index] === 0)) kept.push(index);
  if (kept.length === 0) return [];
  // The kept lines as one text, and where each starts in it.
  let searched = joined;
  let searchedOffsets: ArrayLike<number> = offsets;
  if (kept.length < count) {
    searched = kept.map((index) => joined.slice(offsets[index] as number, offsets[index + 1] as number)).join("");
    const starts: number[] = [];
    let at = 0;
    for (const index of kept) {
      starts.push(at);
      at += (offsets[index + 1] as number) - (offsets[index] as number);
    }
    searchedOffsets = starts;
  }
  // A sequence of lines that begins at the text's start (its lines wrapped at a width
  // that is no whole number of groups) may be the rest of one the cut began before:
  // its first line is no group boundary of the encoding, so it is read at every offset.
  const first = kept[0] as number;
  const cut = lead !== undefined && lead !== NOT_CUT && (lines.starts[first] as number) <= 2 * (lines.widths[first] as number) + 2;
  return decodedSegments(searched, 0, searched.length, MIN_TOKEN, minText, true, cut ? CUT_ANYWHERE : NOT_CUT).map((segment) => {
    const line = groupAt(searchedOffsets, segment.start);
    return { segment, group: groupOfLine(lines, kept.length < count ? (kept[line] as number) : line) };
  });
}

/**
 * Every credential and held secret in `text`: known formats, held values in any
 * precomputed encoding, optionally inside decodable tokens (at every alignment, and
 * joined from equal-width groups), across delimiters, as key/value pairs and as
 * checksum-valid financial identifiers. Spans index into `text` (a decoded token's
 * hit covers the whole run it was decoded from).
 */
export function findHits(text: string, options: FindHitsOptions, depth = 0, cache: DecodedCache = new Map()): Hit[] {
  const hits: Hit[] = [];
  if (options.formats !== false) patternHits(text, hits, options.skipJwt === true);
  exactHeldHits(text, options.held, hits);
  if (options.compact !== false) {
    // A compact match starting where a raw one of its kind does is that key read
    // greedily across delimiters (`ghp_…&page=2` → `ghp…page2`): the raw span is right.
    const compact: Hit[] = [];
    compactHits(text, options.compact, options.held, depth === 0, compact);
    // Without raw hits (most texts) there is nothing to compare with.
    const rawStarts = hits.length === 0 ? undefined : new Set(hits.map((hit) => `${hit.kind}@${hit.start}`));
    for (const hit of compact) if (rawStarts === undefined || !rawStarts.has(`${hit.kind}@${hit.start}`)) hits.push(hit);
  }
  if (options.structured) {
    hits.push(...keyValueHits(text, options.pairsFound === true));
    hits.push(...financialHits(text));
  }
  if (options.decode && depth < MAX_DEPTH) decodedHits(text, options, depth, hits, cache);
  return hits;
}
