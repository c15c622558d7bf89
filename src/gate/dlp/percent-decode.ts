import { decoded, decodeView, type TextView } from "./text-view.ts";

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

/** Hex digit values by character code, -1 for others. */
const HEX_VALUE = new Int8Array(128).fill(-1);
for (const [index, char] of [..."0123456789abcdef"].entries()) {
  HEX_VALUE[char.charCodeAt(0)] = index;
  HEX_VALUE[char.toUpperCase().charCodeAt(0)] = index;
}

/** The value of the two hex digits at `text[at]`, or -1. */
export function hexPairAt(text: string, at: number): number {
  const high = text.charCodeAt(at);
  const low = text.charCodeAt(at + 1);
  if (!(high < 128 && low < 128)) return -1;
  const a = HEX_VALUE[high] as number;
  const b = HEX_VALUE[low] as number;
  return a < 0 || b < 0 ? -1 : (a << 4) | b;
}

const PERCENT_TRIGGERS = ["%"];
const PERCENT_OR_PLUS_TRIGGERS = ["%", "+"];

function percentEscape(text: string, at: number): number {
  if (text.charCodeAt(at) === 43) {
    decoded.code = 32; // `+`, in a form
    return 1;
  }
  const value = hexPairAt(text, at + 1);
  if (value < 0) return 0;
  decoded.code = value;
  return 3;
}

/** One round of {@link percentDecodeOnce} as a view that maps back to the original. */
export function percentDecodeView(base: TextView, plusIsSpace: boolean): TextView {
  return decodeView(base, plusIsSpace ? PERCENT_OR_PLUS_TRIGGERS : PERCENT_TRIGGERS, percentEscape);
}

/** Whether `text` has a `%XX` escape (or, for forms, a `+`) left to decode. */
export function hasPercentEscape(text: string, plusIsSpace: boolean): boolean {
  if (plusIsSpace && text.includes("+")) return true;
  PERCENT.lastIndex = 0;
  return PERCENT.test(text);
}
