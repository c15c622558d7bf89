import { isFormContentType } from "./body-text.ts";
import { bodyVariants } from "./body-variants.ts";
import { decodeContent } from "./content-encoding.ts";
import { findJwts, isJwtAt } from "./credential-patterns.ts";
import type { DecodedCache } from "./find-hits.ts";
import type { HeldSecretForms } from "./held-secret-forms.ts";
import { csvLayout, csvRowHits, type KeyValueHit } from "./key-value-secrets.ts";
import type { SlicedResult } from "./scan-budget.ts";
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
    yield* scanTextSlices(raw, contentType, held, heldBytes, result);
  }
  yield* scanTextSlices(bytes, contentType, held, heldBytes, result);
  for (const variant of yield* bodyVariants(bytes)) yield* scanTextSlices(variant, contentType, held, heldBytes, result);
}

/** The text scan of {@link scanBodySlices}: `bytes` read as Latin-1 text, in slices. */
function* scanTextSlices(
  bytes: Uint8Array,
  contentType: string | undefined,
  held: HeldSecretForms,
  heldBytes: readonly Buffer[],
  result: SlicedResult,
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
  for (let start = 0; start < text.length; start += SLICE) {
    const slice = text.slice(start, Math.min(text.length, start + SLICE + SLICE_OVERLAP));
    for (const hit of scanText(slice, profile, held, cache, jwtsFound, found)) addFinding(result, hit.kind, found);
    yield;
  }
}
