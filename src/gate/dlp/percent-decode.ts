import { replaceView, type TextView } from "./text-view.ts";

/** By default, at most this many rounds of percent-decoding: enough for double and
 * triple encoding, bounded so a hostile URL cannot make us loop. */
const MAX_ROUNDS = 4;

/**
 * One round of tolerant percent-decoding: every `%XX` becomes the byte's Latin-1
 * character (credentials are ASCII, so this is enough to match them, and unlike
 * `decodeURIComponent` it never throws on malformed or non-UTF-8 input).
 */
export function percentDecodeOnce(text: string, plusIsSpace: boolean): string {
  const spaced = plusIsSpace ? text.replaceAll("+", " ") : text;
  if (!spaced.includes("%")) return spaced;
  return spaced.replace(/%([0-9a-fA-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * Every distinct form of `text` met while percent-decoding it until it is stable
 * (the original first), so `%2573k-ant…` yields `%73k-ant…` and `sk-ant…`.
 */
export function percentDecodeRounds(text: string, plusIsSpace: boolean): string[] {
  const forms = [text];
  let current = text;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const next = percentDecodeOnce(current, plusIsSpace);
    if (next === current) break;
    forms.push(next);
    current = next;
  }
  return forms;
}

const PERCENT = /%([0-9a-fA-F]{2})/g;
const PERCENT_OR_PLUS = /%([0-9a-fA-F]{2})|\+/g;

/** One round of {@link percentDecodeOnce} as a view that maps back to the original. */
export function percentDecodeView(base: TextView, plusIsSpace: boolean): TextView {
  return replaceView(base, plusIsSpace ? PERCENT_OR_PLUS : PERCENT, (match) =>
    match[1] === undefined ? " " : String.fromCharCode(Number.parseInt(match[1], 16)),
  );
}

/** Whether `text` has a `%XX` escape (or, for forms, a `+`) left to decode. */
export function hasPercentEscape(text: string, plusIsSpace: boolean): boolean {
  if (plusIsSpace && text.includes("+")) return true;
  PERCENT.lastIndex = 0;
  return PERCENT.test(text);
}
