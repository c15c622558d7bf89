import { normalise } from "./body-variants.ts";
import type { DecodedCache } from "./find-hits.ts";
import type { HeldSecretForms } from "./held-secret-forms.ts";
import { hostnameKinds } from "./hostname-kinds.ts";
import { joinedValues } from "./pair-values.ts";
import type { Hit } from "./find-hits.ts";
import { scanText, type TextProfile } from "./scan-text.ts";
import { splitUrl } from "./split-url.ts";

/**
 * A detection: a finding's kind and place, and the span of the scanned text it
 * covers. The span is what redaction removes; the finding (kind, where) is what the
 * handlers and the audit line see. Both come from this one finder.
 */
export type Detection = { kind: string; where: string; start: number; end: number };

/**
 * Hits of short texts a scanner has already scanned, by profile and text: the same
 * header names and values (`Accept`, a `User-Agent`) and URLs come with request after
 * request, and scanning them again was most of the gate's DLP cost per plain request
 * (Bun 1.4.5 profile under wrk). Hits depend only on the text and the scanner's held
 * secrets, so a scanner keeps its own. Bounded: texts up to {@link MEMO_TEXT}
 * characters, and cleared when {@link MEMO_SIZE} are kept.
 */
export type ScanMemo = Map<string, Hit[]>;

/** By default, texts longer than this are scanned each time. */
const MEMO_TEXT = 2048;
/** By default, a memo holds at most this many texts before it starts over. */
const MEMO_SIZE = 2048;

/** A URL's or header's text that may read otherwise to an origin that decodes it: a
 * percent escape of a non-ASCII byte or NUL, a non-ASCII byte (UTF-8 of an invisible or
 * fullwidth character), a NUL, an HTML reference. */
const MAY_NORMALISE = /%(?:[89a-f][0-9a-f]|00)|[\u0000\u0080-\uffff]|&#|%26(?:#|%23)|&[a-z]{3,9};|%26[a-z]{3,9}(?:;|%3b)/i;

/**
 * `text` as an origin may read it: percent escapes undone (URLs) and the bytes read as
 * UTF-8, then normalised as a body's text is (`body-variants.ts`: invisible characters
 * and NULs removed, fullwidth letters made ASCII, HTML references undone); undefined
 * when that changes nothing. A key with zero-width spaces, fullwidth letters, `%00`
 * or `&#NN;` between its characters passed in a query or a header while the same text
 * in a body was found (a hunt for leaks, this round).
 */
function normalisedReading(text: string, profile: TextProfile): string | undefined {
  if (!MAY_NORMALISE.test(text)) return undefined;
  const bytes = profile === "url" ? text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : text;
  const decoded = /[^\u0000-\u00ff]/.test(bytes) ? bytes : Buffer.from(bytes, "latin1").toString("utf8");
  const normalised = normalise(decoded, true);
  return normalised === decoded ? undefined : normalised;
}

/** {@link scanText} of `text`, and of its {@link normalisedReading} (hits of which span all of `text`). */
function scanWhole(text: string, profile: TextProfile, held: HeldSecretForms, cache: DecodedCache): Hit[] {
  const hits = scanText(text, profile, held, cache);
  if (profile !== "url" && profile !== "header") return hits;
  const reading = normalisedReading(text, profile);
  if (reading !== undefined) for (const hit of scanText(reading, profile, held, cache)) hits.push({ kind: hit.kind, start: 0, end: text.length });
  return hits;
}

/** {@link scanWhole} through `memo` (when given and `text` is short). */
function scanPart(text: string, profile: TextProfile, held: HeldSecretForms, cache: DecodedCache, memo: ScanMemo | undefined): Hit[] {
  if (memo === undefined || text.length > MEMO_TEXT) return scanWhole(text, profile, held, cache);
  const key = `${profile}\u0000${text}`;
  let hits = memo.get(key);
  if (hits === undefined) {
    hits = scanWhole(text, profile, held, cache);
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(key, hits);
  }
  return hits;
}

/** By default, a query value holding fewer characters of a split secret is kept:
 * 3 characters of a key are not the key. */
const MIN_SPLIT_PIECE = 4;

/** Where findings in a header go: its name, or `[REDACTED]` when the name itself is
 * not a plain header name or carries a secret. */
function headerWhere(name: string, nameClean: boolean): string {
  return nameClean && /^[A-Za-z0-9-]{1,64}$/.test(name) ? `header:${name.toLowerCase()}` : "header:[REDACTED]";
}

/** Every detection in a request target (absolute-, origin- or authority-form). */
export function detectUrl(target: string, held: HeldSecretForms, cache: DecodedCache = new Map(), memo?: ScanMemo): Detection[] {
  const out: Detection[] = [];
  const parts = splitUrl(target);
  const part = (text: string, start: number, where: string, profile: TextProfile = "url") => {
    if (text === "") return;
    for (const hit of scanPart(text, profile, held, cache, memo)) out.push({ kind: hit.kind, where, start: start + hit.start, end: start + hit.end });
  };
  part(parts.userinfo, parts.starts.userinfo, "url.userinfo");
  if (parts.host !== "") {
    for (const kind of hostnameKinds(parts.host, held)) out.push({ kind, where: "hostname", start: parts.starts.host, end: parts.starts.host + parts.host.length });
  }
  part(parts.path, parts.starts.path, "url.path");
  part(parts.query, parts.starts.query, "url.query");
  if (parts.query !== "") {
    // A key split over parameters (`a=AKIA…&b=…`) has the parameter names in between;
    // the values alone, concatenated, are the key again. Such a hit's span is every
    // value it touches.
    const joined = joinedValues(parts.query, /&/);
    if (joined.pieces > 1) {
      // Where each value starts in the joined text and in the target.
      const valueStarts = joined.values.map(([at, source, length]): [number, number, number] => [at, parts.starts.query + source, length]);
      for (const hit of scanPart(joined.text, "url", held, cache, memo)) {
        // Every value that holds 4+ characters of the hit: a greedy match that only
        // touches the next value (`token=<key>&page=2` read as `<key>2`) leaves it. When
        // those leave more than a few of the hit's characters out, the key was cut into
        // short values, and every value wholly inside it goes too (required 4+ alone, a
        // key in 3-character values was no finding at all, and an `AKIA` value marked
        // alone left 16 of 20 characters in the audit line: a hunt for leaks, this round).
        const overlaps = valueStarts.map(([from, , length]) => Math.max(0, Math.min(hit.end, from + length) - Math.max(hit.start, from)));
        const covered = overlaps.reduce((sum, overlap) => sum + (overlap >= MIN_SPLIT_PIECE ? overlap : 0), 0);
        const cut = hit.end - hit.start - covered > MIN_SPLIT_PIECE;
        valueStarts.forEach(([, at, length], index) => {
          const overlap = overlaps[index] as number;
          if (overlap >= MIN_SPLIT_PIECE || (cut && overlap > 0 && overlap === length)) out.push({ kind: hit.kind, where: "url.query", start: at, end: at + length });
        });
      }
    }
  }
  part(parts.fragment, parts.starts.fragment, "url.fragment");
  return out;
}

/** A header's detections carry the header's index and the span in its name (`part:
 * "name"`) or value. */
export type HeaderDetection = Detection & { header: number; part: "name" | "value" };

/**
 * Every detection in a header list, names as sent (case intact: a secret may be
 * case-sensitive). Besides each name and value, the concatenation of all values and
 * of all names is scanned: a secret split over two headers is found, and every
 * header it touches is marked for redaction.
 */
export function detectHeaders(
  headers: readonly (readonly [string, string])[],
  held: HeldSecretForms,
  cache: DecodedCache = new Map(),
  memo?: ScanMemo,
): HeaderDetection[] {
  const out: HeaderDetection[] = [];
  headers.forEach(([name, value], index) => {
    const nameHits = scanPart(name, "header", held, cache, memo);
    const where = headerWhere(name, nameHits.length === 0);
    for (const hit of nameHits) out.push({ kind: hit.kind, where: "header:[REDACTED]", start: hit.start, end: hit.end, header: index, part: "name" });
    for (const hit of scanPart(value, "header", held, cache, memo)) out.push({ kind: hit.kind, where, start: hit.start, end: hit.end, header: index, part: "value" });
    // `X-Api-Key: …` is a key/value pair across the name and the value.
    for (const hit of scanPart(`${name}: ${value}`, "header", held, cache, memo)) {
      if (hit.kind === "key-value-secret" && hit.start >= name.length + 2) {
        out.push({ kind: hit.kind, where, start: hit.start - name.length - 2, end: hit.end - name.length - 2, header: index, part: "value" });
      }
    }
  });
  if (headers.length > 1) {
    for (const part of ["name", "value"] as const) {
      const texts = headers.map((header) => (part === "name" ? header[0] : header[1]));
      const starts: number[] = [];
      let at = 0;
      for (const text of texts) {
        starts.push(at);
        at += text.length;
      }
      for (const hit of scanPart(texts.join(""), "header", held, cache, memo)) {
        texts.forEach((text, index) => {
          const start = starts[index] ?? 0;
          if (hit.start < start + text.length && hit.end > start) {
            out.push({ kind: hit.kind, where: part === "name" ? "header:[REDACTED]" : "headers", start: 0, end: text.length, header: index, part });
          }
        });
      }
    }
  }
  return out;
}

/** Every detection in a hostname (CONNECT or Host): the span is the labels under the
 * parent domain, or the whole name when it has no more than two labels. */
export function detectHostname(host: string, held: HeldSecretForms): Detection[] {
  const kinds = hostnameKinds(host, held);
  if (kinds.length === 0) return [];
  return kinds.map((kind) => ({ kind, where: "hostname", start: 0, end: host.length }));
}
