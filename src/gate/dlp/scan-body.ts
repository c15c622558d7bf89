import { isFormContentType } from "./body-text.ts";
import { bodyVariants } from "./body-variants.ts";
import { decodeContent } from "./content-encoding.ts";
import { findJwts, isJwtAt } from "./credential-patterns.ts";
import { findHits, type DecodedCache, type FindHitsOptions } from "./find-hits.ts";
import type { HeldSecretForms } from "./held-secret-forms.ts";
import { joinedValues } from "./pair-values.ts";
import { csvLayout, csvRowHits, type KeyValueHit } from "./key-value-secrets.ts";
import type { SlicedResult } from "./scan-budget.ts";
import { CUT_ANYWHERE, NOT_CUT } from "./decode-aligned.ts";
import { BASE32, BASE64, HEX } from "./decode-token.ts";
import { scanText } from "./scan-text.ts";

/**
 * By default, bodies are scanned in slices this long (overlapping by
 * {@link SLICE_OVERLAP}): each slice costs a few ms at worst, and the scan yields
 * between slices. A secret, in any form the scanner knows, is shorter than the
 * overlap, so it lies whole inside at least one slice.
 */
export const SLICE = 32 * 1024;
/** Longer than any form found within a slice (a key, its encodings, a key/value
 * pair, MIME lines of an encoded key). JWTs can be longer (up to ~12 KiB): they are
 * also looked for over the whole text, in a step of their own. */
export const SLICE_OVERLAP = 4 * 1024;
/** The values of a text that reads as `name=value` pairs (two or more, split on `&` or
 * `;`, at least half the pieces holding a `=`), joined; undefined for any other text. */
function formValues(text: string): string | undefined {
  if (!text.includes("=") || (!text.includes("&") && !text.includes(";"))) return undefined;
  const joined = joinedValues(text, /[&;]/);
  return joined.pairs < 2 || joined.pairs * 2 < joined.pieces ? undefined : joined.text;
}

/** By default, decoded text past this is not pattern-scanned (held secrets still are). */
export const MAX_SCANNED_TEXT = 8 * 1024 * 1024;

function addFinding(result: SlicedResult, kind: string, found?: Set<string>): void {
  found?.add(kind);
  if (!result.findings.some((finding) => finding.kind === kind && finding.where === "body")) result.findings.push({ kind, where: "body" });
}

/**
 * The body scan as slices of work: held secrets by byte search over all of it
 * (compressed or not), `Content-Encoding` undone under its bounds, then every slice
 * of the text through the same finder as URLs and headers. The content type is not
 * trusted to switch anything off: it is the agent's to choose (issue 9, finding 6).
 * Fills `result` as it goes, so a stop at the budget keeps what was found.
 */
export function* scanBodySlices(
  body: Uint8Array,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  held: HeldSecretForms,
  heldBytes: readonly Buffer[],
  result: SlicedResult,
  continues = false,
): Generator<void, void> {
  const raw = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  let bytes: Uint8Array = raw;
  if (contentEncoding !== undefined) {
    const decoded = decodeContent(raw, contentEncoding);
    yield;
    if (!decoded.ok) {
      addFinding(result, decoded.reason);
      return;
    }
    if (decoded.truncated) result.incomplete.push("decoded-size");
    bytes = decoded.bytes;
    // The bytes as sent are scanned too: a decoder reads its stream and ignores what
    // lies around it, so plaintext after a deflate, br or zstd stream, after a gzip
    // member's zero padding, or in a gzip header's name, comment or extra field
    // reached the origin unscanned under `dlp: block` (a hunt for leaks, this round).
    // What is compressed reads as random bytes: ~40 ms per MiB sent, at most the 1 MiB
    // prefix.
    yield* scanTextSlices(raw, contentType, held, heldBytes, result, continues);
  }
  yield* scanTextSlices(bytes, contentType, held, heldBytes, result, continues);
  for (const variant of yield* bodyVariants(bytes)) yield* scanTextSlices(variant, contentType, held, heldBytes, result, continues);
}

/**
 * The start of the run of `table`'s characters that ends at `text[at - 1]` (`at` when
 * that is none), read back no further than `floor`, whose run starts at `floorStart`.
 * Each slice reads back only to the one before, so the walks cost one pass at most.
 */
function runStartBefore(text: string, at: number, table: Int8Array, floor: number, floorStart: number): number {
  for (let i = at - 1; i >= floor; i--) {
    const code = text.charCodeAt(i);
    if (code >= 128 || (table[code] as number) < 0) return i + 1;
  }
  return floorStart;
}

/** A slice starting at `at` inside a run that began at `runStart`: the offset of the run's first whole group in the slice, as a mask. */
function phaseMask(text: string, at: number, runStart: number, table: Int8Array, group: number): number {
  const code = text.charCodeAt(at);
  if (runStart === at || code >= 128 || (table[code] as number) < 0) return 1;
  return 1 << ((((runStart - at) % group) + group) % group);
}

/** The text scan of {@link scanBodySlices}: `bytes` read as Latin-1 text, in slices. */
function* scanTextSlices(
  bytes: Uint8Array,
  contentType: string | undefined,
  held: HeldSecretForms,
  heldBytes: readonly Buffer[],
  result: SlicedResult,
  continues: boolean,
): Generator<void, void> {
  if (bytes.length > MAX_SCANNED_TEXT) {
    // Past the text scan, held secrets are still searched for, byte-wise.
    result.incomplete.push("body-size");
    const rest = Buffer.from(bytes.buffer, bytes.byteOffset + MAX_SCANNED_TEXT, bytes.length - MAX_SCANNED_TEXT);
    if (heldBytes.some((form) => rest.includes(form))) addFinding(result, "held-secret");
  }
  // A held form longer than the overlap (a long key, or a 3 KiB one percent-encoded)
  // may lie whole in no slice: those are searched for over the whole text, byte-wise.
  const scanned = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, MAX_SCANNED_TEXT));
  if (scanned.length > SLICE && heldBytes.some((form) => form.length > SLICE_OVERLAP && scanned.includes(form))) {
    addFinding(result, "held-secret");
  }
  const text = scanned.toString("latin1");
  const profile = isFormContentType(contentType) ? "form" : "body";
  const cache: DecodedCache = new Map();
  // JWTs can be longer than a slice's overlap, so the text is searched for them whole
  // (and its slices then skip that format: it was a fifth of a MiB of JWT-like fragments).
  const jwtsFound = text.length > SLICE;
  if (jwtsFound) {
    // In slice-sized steps too: a MiB of JWT-like fragments took ~20 ms in one go.
    const search = { from: 0, until: 0 };
    while (search.from < text.length) {
      search.until = search.from + SLICE;
      for (const [start] of findJwts(text, search)) if (isJwtAt(text, start)) addFinding(result, "jwt");
      yield;
    }
  }
  // The kinds the slices found: a body keeps kinds, so a kind found once need not be
  // found again where that costs (key/value pairs, see `scanText`).
  const found = new Set<string>();
  // A CSV's header is its first line, which only the first slice starts with (the
  // others read their own first line as a header, and a text's rows only up to
  // 10,000): a body's rows are read against it here, in slice-sized steps, until one
  // holds a secret. A secret cell past the first 32 KiB of a CSV body was not found.
  const csv = text.length > SLICE ? csvLayout(text) : undefined;
  if (csv !== undefined) {
    const rows: KeyValueHit[] = [];
    for (let from = 0; from < text.length && rows.length === 0; from += SLICE) {
      csvRowHits(text, csv, from, from + SLICE, rows);
      yield;
    }
    if (rows.length > 0) addFinding(result, "key-value-secret", found);
  }
  // A form's values joined, as a query's are (detect-parts.ts): a key cut into short
  // values (`f0=ghp_tJ0w&f1=…`) is whole only so (a hunt for leaks, this round). For a
  // body that reads as `name=value` pairs (split on `&` or `;`, most pieces holding a
  // `=`), whatever its content type, in slices as the text is. The joined text is read
  // for formats and held secrets, not decoded again: the values were decoded one by one
  // already, and a second whole scan of a MiB of `password=` pairs cost a third more.
  const joined = formValues(text);
  if (joined !== undefined) {
    const formatsAndHeld: FindHitsOptions = { held, compact: "url", decode: false, structured: false };
    for (let start = 0; start < joined.length; start += SLICE) {
      for (const hit of findHits(joined.slice(start, start + SLICE + SLICE_OVERLAP), formatsAndHeld, 0, cache)) addFinding(result, hit.kind, found);
      yield;
    }
  }
  // A slice that starts inside a run of an encoding reads it from where its groups
  // fall, as the run's own start does (see `readsAt` in `decode-runs.ts`); a body that
  // continues text before it (a frame's carried tail) may start inside one anywhere.
  let hexStart = 0;
  let base32Start = 0;
  let base64Start = 0;
  let previous = 0;
  for (let start = 0; start < text.length; start += SLICE) {
    const slice = text.slice(start, Math.min(text.length, start + SLICE + SLICE_OVERLAP));
    let lead = start === 0 && continues ? CUT_ANYWHERE : NOT_CUT;
    if (start > 0) {
      // Hex and base32 (of either case: a mixed run is not decoded whole, and its phase
      // is harmless) are base64 characters too: their runs lie inside base64's.
      base64Start = runStartBefore(text, start, BASE64, previous, base64Start);
      // Neither reaches back past the base64 run's start, nor past the slice before (whose start they carry).
      const inside = base64Start > previous;
      const floor = inside ? base64Start : previous;
      hexStart = base64Start === start ? start : runStartBefore(text, start, HEX, floor, inside ? floor : hexStart);
      base32Start = base64Start === start ? start : runStartBefore(text, start, BASE32, floor, inside ? floor : base32Start);
      previous = start;
      lead = { hex: phaseMask(text, start, hexStart, HEX, 2), base32: phaseMask(text, start, base32Start, BASE32, 8), base64: phaseMask(text, start, base64Start, BASE64, 4) };
      if (lead.hex === 1 && lead.base32 === 1 && lead.base64 === 1) lead = NOT_CUT;
    }
    for (const hit of scanText(slice, profile, held, cache, jwtsFound, found, lead, start > 0 || continues)) addFinding(result, hit.kind, found);
    yield;
  }
}
