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

/**
 * The views of `text` that the finders run over: the text, each round of
 * percent-decoding, string escapes and quoted-printable undone (on each of those),
 * and for URLs the same with punctuation noise removed. Views are only built when
 * their trigger is present, so ordinary text is scanned once.
 */
/** A view to scan; `decodeOnly` views only rejoin encodings (held forms and decoding,
 * no formats or key/value pairs in their glued-together text). */
type ScanView = TextView & { decodeOnly?: boolean };

function viewsOf(text: string, profile: TextProfile, hits: Hit[]): ScanView[] {
  const plus = profile === "form";
  const percent: TextView[] = [identityView(text)];
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
  const views: ScanView[] = [];
  for (const view of percent) {
    views.push(view);
    const unescaped = hasStringEscape(view.text) ? unescapeStringView(view) : undefined;
    if (unescaped !== undefined) views.push(unescaped);
    for (const base of unescaped === undefined ? [view] : [view, unescaped]) {
      if (profile !== "url" && hasQuotedPrintable(base.text)) views.push(quotedPrintableView(base));
    }
  }
  if (profile === "url") {
    for (const view of [...views]) {
      URL_NOISE.lastIndex = 0;
      if (URL_NOISE.test(view.text)) views.push(replaceView(view, URL_NOISE, () => ""));
      if (view.text.includes("/")) views.push({ ...replaceView(view, URL_NOISE_AND_SLASHES, () => ""), decodeOnly: true });
    }
  }
  return views;
}

/** The finder options per profile: URLs strip URL delimiters, text only in-token punctuation. */
function optionsFor(profile: TextProfile, held: HeldSecretForms): FindHitsOptions {
  return { held, compact: profile === "url" ? "url" : "text", decode: true, structured: true };
}

/**
 * Every secret in `text` read as `profile`, in any view, with spans in `text`'s own
 * coordinates: the scanner's findings and the audit log's redaction both come from
 * here, so whatever is detected is also what gets redacted.
 */
export function scanText(text: string, profile: TextProfile, held: HeldSecretForms, cache: DecodedCache = new Map()): Hit[] {
  const hits: Hit[] = [];
  const options = optionsFor(profile, held);
  const decodeOnly: FindHitsOptions = { ...options, compact: false, structured: false, formats: false };
  for (const view of viewsOf(text, profile, hits)) {
    for (const [from, to] of windowsOf(view)) {
      const part = from === 0 && to === view.text.length ? view.text : view.text.slice(from, to);
      for (const hit of findHits(part, view.decodeOnly === true ? decodeOnly : options, 0, cache)) {
        const [start, end] = originalSpan(view, from + hit.start, from + hit.end);
        hits.push({ kind: hit.kind, start, end: Math.max(end, start + 1) });
      }
    }
  }
  return hits;
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
  for (const at of changes) {
    const from = Math.max(0, at - VIEW_WINDOW);
    const to = Math.min(length, at + VIEW_WINDOW);
    const last = windows[windows.length - 1];
    if (last !== undefined && from <= last[1]) last[1] = to;
    else windows.push([from, to]);
  }
  return windows;
}
