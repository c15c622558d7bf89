import { CUT_ANYWHERE, type LeadOffsets, NOT_CUT } from "./decode-aligned.ts";
import { hasQuotedPrintable, hasStringEscape, quotedPrintableView, unescapeStringView } from "./escape-views.ts";
import { findHits, type DecodedCache, type FindHitsOptions, type Hit } from "./find-hits.ts";
import type { HeldSecretForms } from "./held-secret-forms.ts";
import { hasPercentEscape, percentDecodeView } from "./percent-decode.ts";
import { identityView, originalSpan, replaceView, type TextView } from "./text-view.ts";

/** How a text is read: as part of a URL, a header, or a body (form-encoded or not). */
export type TextProfile = "url" | "header" | "body" | "form";

/** By default, at most this many rounds of percent-decoding. */
const MAX_PERCENT_ROUNDS = 4;
/** Text that needs this many rounds of percent-decoding is hiding something: no
 * client encodes a value three times over (issue 9: it is itself a finding). */
export const NESTED_PERCENT_ROUNDS = 3;

/** URL punctuation an agent can sprinkle into base64 (`c2st.YW50`, `c2st!YW50`):
 * removed in one extra URL view, so the decoders see the token whole. */
const URL_NOISE = /[.!~*'(),;:@$]+/g;
/** The same and `/` too: an encoding split over path segments (`<hex>/<hex>`) joins. */
const URL_NOISE_AND_SLASHES = /[/.!~*'(),;:@$]+/g;

const NOTHING_FOUND: ReadonlySet<string> = new Set();

/** A view to scan; `decodeOnly` views only rejoin encodings (held forms and decoding,
 * no formats or key/value pairs in their glued-together text). */
type ScanView = TextView & { decodeOnly?: boolean };

/** The finder options per profile: URLs strip URL delimiters, text only in-token punctuation. */
function optionsFor(profile: TextProfile, held: HeldSecretForms): FindHitsOptions {
  return { held, compact: profile === "url" ? "url" : "text", decode: true, structured: true };
}

/**
 * The `=` positions in `view` that separate a key from a value already found as a
 * key/value secret (`password=4Fx…`, the value starting right after the `=`). Read as
 * quoted-printable, such an `=4F` decodes too, but scanning around it again finds
 * nothing new: the value is a finding already and covers the escape. Random
 * `password=` pairs put an `=XX` every ~240 characters, so the quoted-printable view
 * was scanned whole a second time (the costliest hostile shape, 170 ms/MiB). Escapes
 * anywhere else (`ghp=5F=41…`, a value the key/value finder let pass) still count.
 */
function flaggedSeparators(view: TextView, viewHits: readonly Hit[]): Set<number> | undefined {
  let quiet: Set<number> | undefined;
  for (const hit of viewHits) {
    if (hit.kind !== "key-value-secret" || view.text.charCodeAt(hit.start - 1) !== 61 /* = */) continue;
    (quiet ??= new Set()).add(hit.start - 1);
  }
  return quiet;
}

/**
 * Every secret in `text` read as `profile`, in any view, with spans in `text`'s own
 * coordinates: the scanner's findings and the audit log's redaction both come from
 * here, so whatever is detected is also what gets redacted. With `jwtsFound`, the
 * text itself is not searched for JWTs (a body's whole text was). `found` holds the
 * kinds a caller that keeps only kinds (a body's slices) has found already: with
 * `key-value-secret` among them, pairs are only looked at where they quiet an escape.
 *
 * The views: the text, each round of percent-decoding, string escapes and
 * quoted-printable undone (on each of those), and for URLs the same with punctuation
 * noise removed. Views are only built when their trigger is present, so ordinary text
 * is scanned once.
 */
export function scanText(
  text: string,
  profile: TextProfile,
  held: HeldSecretForms,
  cache: DecodedCache = new Map(),
  jwtsFound = false,
  found: ReadonlySet<string> = NOTHING_FOUND,
  lead: LeadOffsets = NOT_CUT,
  startsInside = lead !== NOT_CUT,
): Hit[] {
  const hits: Hit[] = [];
  const options: FindHitsOptions = { ...optionsFor(profile, held), pairsFound: found.has("key-value-secret") };
  // `jwtsFound`: the caller searched the text (as it is) for JWTs already, over more
  // than this slice; the other views still look for them.
  const rawOptions: FindHitsOptions = jwtsFound ? { ...options, skipJwt: true } : options;
  const decodeOnly: FindHitsOptions = { ...options, compact: false, structured: false, formats: false };
  /** Scans `view` (around its changes), adds its hits to `hits` and returns them in
   * the view's own coordinates. */
  const scan = (view: ScanView): Hit[] => {
    const found: Hit[] = [];
    for (const [from, to] of windowsOf(view)) {
      const part = from === 0 && to === view.text.length ? view.text : view.text.slice(from, to);
      const chosen = view.decodeOnly === true ? decodeOnly : view.base === undefined ? rawOptions : options;
      const partLead = leadOf(view, from, lead, startsInside);
      for (const hit of findHits(part, partLead === NOT_CUT ? chosen : { ...chosen, lead: partLead }, 0, cache)) found.push({ kind: hit.kind, start: from + hit.start, end: from + hit.end });
    }
    if (view.edits !== undefined && view.changes !== undefined && view.edits.length / 4 > view.changes.length) {
      // Quiet changes are not scanned around; a held secret may still span one.
      const all: Hit[] = [];
      for (const hit of findHits(view.text, { held, compact: false, decode: false, structured: false, formats: false })) all.push(hit);
      found.push(...all);
    }
    for (const hit of found) {
      const [start, end] = originalSpan(view, hit.start, hit.end);
      hits.push({ kind: hit.kind, start, end: Math.max(end, start + 1) });
    }
    return found;
  };

  const percent: TextView[] = [identityView(text)];
  const plus = profile === "form";
  let current = percent[0] as TextView;
  for (let round = 0; round < MAX_PERCENT_ROUNDS && hasPercentEscape(current.text, plus); round++) {
    const next = percentDecodeView(current, plus);
    if (next.text === current.text) break;
    percent.push(next);
    current = next;
  }
  if (percent.length > NESTED_PERCENT_ROUNDS) {
    hits.push({ kind: "nested-encoding", start: 0, end: text.length });
  }
  const scanned: TextView[] = [];
  for (const view of percent) {
    const bases: [TextView, Hit[]][] = [[view, scan(view)]];
    scanned.push(view);
    if (hasStringEscape(view.text)) {
      const unescaped = unescapeStringView(view);
      bases.push([unescaped, scan(unescaped)]);
      scanned.push(unescaped);
    }
    if (profile === "url") continue;
    for (const [base, baseHits] of bases) {
      if (hasQuotedPrintable(base.text)) scan(quotedPrintableView(base, flaggedSeparators(base, baseHits)));
    }
  }
  if (profile === "url") {
    for (const view of scanned) {
      URL_NOISE.lastIndex = 0;
      if (URL_NOISE.test(view.text)) scan(replaceView(view, URL_NOISE, () => ""));
      if (view.text.includes("/")) scan({ ...replaceView(view, URL_NOISE_AND_SLASHES, () => ""), decodeOnly: true });
    }
  }
  return hits;
}

/** Characters a run of an encoding may hold (base64 of either alphabet, so hex and base32 too). */
const RUN_CHARS = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_") RUN_CHARS[char.charCodeAt(0)] = 1;

/**
 * Where the groups of a run that `view.text[from…]` starts inside fall: the text's
 * own `lead` for the text itself; for a decoded view of a text that `startsInside`
 * more text (a body's later slice: decoding may join a run across what cut the text's
 * own, `%2B` in form-encoded base64), or a window that starts inside a run, not known:
 * every offset is read.
 */
function leadOf(view: TextView, from: number, lead: LeadOffsets, startsInside: boolean): LeadOffsets {
  if (from === 0) return view.base === undefined ? lead : startsInside ? CUT_ANYWHERE : NOT_CUT;
  const before = view.text.charCodeAt(from - 1);
  return before < 128 && RUN_CHARS[before] === 1 ? CUT_ANYWHERE : NOT_CUT;
}

/** By default, a decoded view is scanned only this far either side of each place it
 * changed, when that is less than the whole: what lies further off is the same as in
 * the text already scanned, and any form the finders detect is shorter. A stray
 * `%4a` or `=3D` in a binary body no longer costs a second scan of all of it. */
export const VIEW_WINDOW = 2048;

/** The spans of `view` worth scanning: all of it, or windows around its changes. */
function windowsOf(view: TextView): [number, number][] {
  const length = view.text.length;
  const changes = view.changes;
  if (changes === undefined || changes.length * 2 * VIEW_WINDOW >= length) return [[0, length]];
  const windows: [number, number][] = [];
  for (let index = 0; index < changes.length; index++) {
    const at = changes[index] as number;
    const from = Math.max(0, at - VIEW_WINDOW);
    const to = Math.min(length, at + VIEW_WINDOW);
    const last = windows[windows.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = to;
    else windows.push([from, to]);
  }
  return windows;
}
