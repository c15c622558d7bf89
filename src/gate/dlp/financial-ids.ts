import { createHash } from "node:crypto";
import { base58 } from "@scure/base";

/**
 * Financial identifiers that are only reported when their checksum holds, so that
 * ids, hashes and counters in ordinary traffic are not taken for them: payment card
 * numbers (issuer prefix and length, Luhn), IBANs (country length, ISO 7064 mod 97),
 * Bitcoin addresses (base58check with a P2PKH/P2SH version byte; bech32/bech32m
 * `bc1…`) and WIF private keys (base58check, version 0x80). Base58 and bech32 come
 * from `@scure/base` (audited, no dependencies); checksums are computed here.
 */

/** A checksum-valid identifier: its kind and span. */
export type FinancialHit = { kind: "card-number" | "iban" | "bitcoin-address" | "bitcoin-private-key"; start: number; end: number };

const VISA: readonly number[] = [13, 16, 19];
const SIXTEEN: readonly number[] = [16];
const FIFTEEN: readonly number[] = [15];
const SIXTEEN_NINETEEN: readonly number[] = [16, 19];
const DINERS: readonly number[] = [14, 16, 19];
const NONE: readonly number[] = [];

/** Card networks by issuer prefix (`digits` holds digits only, 12 or more) and the
 * lengths they issue. The prefixes are read by arithmetic and the lists are shared:
 * two `Number(slice)` and a new array per candidate were 8% of a MiB of card numbers
 * in 4-digit groups (hostile-input search, Bun 1.4.5). */
function cardNetworkLengths(digits: string): readonly number[] {
  const digit = (at: number): number => digits.charCodeAt(at) - 48;
  const two = digit(0) * 10 + digit(1);
  const four = two * 100 + digit(2) * 10 + digit(3);
  if (digit(0) === 4) return VISA;
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return SIXTEEN; // Mastercard
  if (two === 34 || two === 37) return FIFTEEN; // American Express
  if (four === 6011 || two === 65 || (four >= 6440 && four <= 6499)) return SIXTEEN_NINETEEN; // Discover
  if (four >= 3528 && four <= 3589) return SIXTEEN_NINETEEN; // JCB
  if (two === 36 || two === 38 || (four >= 3000 && four <= 3059)) return DINERS;
  if (two === 62) return SIXTEEN_NINETEEN; // UnionPay
  return NONE;
}

/** Whether `digits` passes the Luhn check. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

// No lookbehind and no backtracking alternation: each regex takes a maximal run and
// the boundaries are checked in code (lookbehind makes JSC's regex several times
// slower, Bun 1.3.14; a nested `(?: ?X{1,4}){3,8}` backtracks exponentially).
/** A digit run with single spaces or dashes inside, as card numbers are written: the
 * matches of `/[0-9](?:[0-9]|[ -](?=[0-9])){12,22}/g`, found by {@link cardRuns}. */
export const CARD_RUN = /[0-9](?:[0-9]|[ -](?=[0-9])){12,22}/g;

const isDigit = (code: number): boolean => code >= 48 && code <= 57;

/**
 * The `[start, end)` of every match of {@link CARD_RUN} in `text`, by hand: the
 * regex retried every digit of every short run (`%25`, `\u0041`, digit groups), 10–16
 * ms per MiB of digit-heavy text (Bun 1.4.5). A match is a digit and then up to 22
 * units, each a digit or a space/dash followed by a digit, at least 12 of them. When
 * the units from a start end too soon at `q`, every later start before `q` ends there
 * too with fewer units, so the search goes on from `q`, as the regex would find no
 * match before it.
 */
export function cardRuns(text: string): number[] {
  const spans: number[] = [];
  const length = text.length;
  let start = 0;
  while (start < length) {
    if (!isDigit(text.charCodeAt(start))) {
      // A match from any start up to `start + 12` covers that character, so when it
      // is no digit, space or dash they all fail: skip past it (on text with few
      // digits, most characters are never looked at).
      // Past the end, no start has room for a match.
      const probe = start + 12;
      if (probe >= length) break;
      start = isCardChar(text.charCodeAt(probe)) ? start + 1 : probe + 1;
      continue;
    }
    let at = start + 1;
    let units = 0;
    while (units < 22 && at < length) {
      const code = text.charCodeAt(at);
      if (!isDigit(code) && !((code === 32 || code === 45) && at + 1 < length && isDigit(text.charCodeAt(at + 1)))) break;
      units++;
      at++;
    }
    if (units >= 12) spans.push(start, at);
    start = at;
  }
  return spans;
}

/** Digits, space and dash: what a card number is written with. */
const isCardChar = (code: number): boolean => isDigit(code) || code === 32 || code === 45;
/** How card numbers are grouped: 4-4-4-4(-1…3) or Amex 4-6-5, one separator. */
const CARD_GROUPS = /^(?:[0-9]{13,19}|[0-9]{4}([ -])[0-9]{4}\1[0-9]{4}\1[0-9]{1,4}(?:\1[0-9]{1,3})?|[0-9]{4}([ -])[0-9]{6}\2[0-9]{5})$/;

/** IBAN lengths by country (SWIFT registry, release 2024). */
const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28,
  HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, MC: 27, MD: 24, ME: 22, MK: 19, MR: 27, MT: 31, MU: 30, NL: 18, NO: 15, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29,
  RO: 24, RS: 22, SA: 24, SC: 31, SE: 24, SI: 19, SK: 24, SM: 27, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22,
  VG: 24, XK: 20,
};

/** An IBAN written whole or in groups of four split by single spaces. */
const IBAN = /(?:^|[^A-Za-z0-9])([A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?))/g;

/** Whether `iban` (no spaces) has its country's length and a mod-97 remainder of 1. */
export function ibanValid(iban: string): boolean {
  if (IBAN_LENGTHS[iban.slice(0, 2)] !== iban.length) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = char >= "A" ? char.charCodeAt(0) - 55 : char.charCodeAt(0) - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/** Base58 starting like a P2PKH/P2SH address (`1`, `3`) or a WIF key (`5`, `K`, `L`),
 * at a token start: the leading non-word character keeps the regex from trying
 * every position of a long alphanumeric run. */
const BASE58_RUN = /(?:^|[^A-Za-z0-9])([135KL][1-9A-HJ-NP-Za-km-z]{25,51})/g;
const BECH32_RUN = /(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{8,87}/g;

const ALNUM = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") ALNUM[char.charCodeAt(0)] = 1;

/** Whether `text[index]` is one of `chars` or an ASCII letter or digit. */
function isWordChar(text: string, index: number, chars = ""): boolean {
  if (index < 0 || index >= text.length) return false;
  const code = text.charCodeAt(index);
  return (code < 128 && ALNUM[code] === 1) || chars.includes(text[index] ?? "");
}

/** Whether the match stands alone: no word character (or `extra`) touches it. */
function standsAlone(text: string, start: number, end: number, before = "", after = ""): boolean {
  return !isWordChar(text, start - 1, before) && !isWordChar(text, end, after);
}

const sha256 = (bytes: Uint8Array): Buffer => createHash("sha256").update(bytes).digest();

/** The payload of a base58check string, or undefined when the checksum fails. */
/** Bits per base58 character, rounded up (log2 58 = 5.857981…): bounds computed with it stay wide. */
const BASE58_BITS = 5.858;
/** Bits per base58 character, rounded down. */
const BASE58_BITS_LOW = 5.857;

/**
 * Whether base58 `text` can decode to 25 bytes (an address: version, 20-byte hash,
 * checksum) or 37–38 (a WIF key), the only lengths {@link financialHits} reports:
 * each leading `1` is a zero byte, and the rest, a number of `R` digits (the first
 * not zero), takes between ⌈(R−1)·log2 58 / 8⌉ and ⌈R·log2 58 / 8⌉ bytes. Bounds a
 * little wider than those, so no candidate that could decode to such a length is
 * left out. A base58 decode and two SHA-256 per candidate cost ~130 ms per MiB of
 * `1` + 25 random characters, which decode to 20 bytes at most (Bun 1.4.5).
 */
export function mayDecodeToAddressOrKey(text: string): boolean {
  let zeros = 0;
  while (zeros < text.length && text.charCodeAt(zeros) === 49 /* 1 */) zeros++;
  const digits = text.length - zeros;
  const fewest = zeros + (digits === 0 ? 0 : Math.floor(((digits - 1) * BASE58_BITS_LOW) / 8));
  const most = zeros + Math.ceil((digits * BASE58_BITS + 1) / 8);
  return [25, 37, 38].some((length) => length >= fewest && length <= most);
}

function base58checkPayload(text: string): Uint8Array | undefined {
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(text);
  } catch {
    return undefined;
  }
  if (bytes.length < 5) return undefined;
  const payload = bytes.subarray(0, -4);
  const check = sha256(sha256(payload)).subarray(0, 4);
  return check.equals(bytes.subarray(-4)) ? payload : undefined;
}

/** The bech32 alphabet's values, either case (`BECH32_RUN` is matched in either). */
const BECH32_VALUES = new Int8Array(128).fill(-1);
for (const [value, char] of [..."qpzry9x8gf2tvdw0s3jn54khce6mua7l"].entries()) {
  BECH32_VALUES[char.charCodeAt(0)] = value;
  BECH32_VALUES[char.toUpperCase().charCodeAt(0)] = value;
}
const BECH32_GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
/** The polymod state after the expanded prefix `bc` (3, 3, 0, 2, 3): the same for every match. */
const BC_PREFIX_CHECKSUM = [3, 3, 0, 2, 3].reduce((checksum, value) => polymodStep(checksum, value), 1);
/** The checksum constants of bech32 (BIP 173) and bech32m (BIP 350). */
const BECH32_CONSTANT = 1;
const BECH32M_CONSTANT = 0x2bc830a3;

function polymodStep(checksum: number, value: number): number {
  const top = checksum >>> 25;
  let next = ((checksum & 0x1ffffff) << 5) ^ value;
  for (let bit = 0; bit < 5; bit++) if (((top >> bit) & 1) === 1) next ^= BECH32_GENERATORS[bit] as number;
  return next;
}

/**
 * Whether a `BECH32_RUN` match (`bc1` + 8–87 data characters, so the prefix is `bc`
 * and the length within the limit of 90) carries a valid bech32 or bech32m checksum:
 * BIP 173's polymod over the expanded prefix (`bc`: 3, 3, 0, 2, 3) and the data. By
 * hand, not `@scure/base`'s `decode` (the same answer, a test compares them), which
 * throws on every bad checksum: two exceptions per candidate cost 300–500 ms per
 * MiB of `BC1` + 9 letters (Bun 1.4.5).
 */
export function bech32Valid(match: string): boolean {
  let checksum = BC_PREFIX_CHECKSUM;
  for (let at = 3; at < match.length; at++) checksum = polymodStep(checksum, BECH32_VALUES[match.charCodeAt(at)] as number);
  return checksum === BECH32_CONSTANT || checksum === BECH32M_CONSTANT;
}

/**
 * The spans, as `[start, end)` pairs, of the candidates {@link financialHits} checks
 * before its checksums that may start anywhere: card runs and bech32 matches. The
 * others (IBAN, base58) start at a token start only (see {@link anchoredMayStart}).
 */
export function unanchoredCandidates(text: string): number[] {
  const spans = cardRuns(text);
  BECH32_RUN.lastIndex = 0;
  for (let match = BECH32_RUN.exec(text); match !== null; match = BECH32_RUN.exec(text)) spans.push(match.index, match.index + match[0].length);
  return spans;
}

/**
 * Whether an IBAN or base58 candidate of {@link financialHits} may lie in
 * `text[from, to)` read alone, when it holds letters and digits only: both regexes
 * start a match at the text's start or after a character that is neither, so here
 * only at `from`, with two capitals and two digits (an IBAN, at least 15
 * characters written whole; a grouped one needs spaces) or one of `135KL` and 25
 * more characters (base58). A search per regex over a MiB of such texts cost ten
 * times this test of their first characters (the joined groups of CSV lines).
 */
export function anchoredMayStart(text: string, from: number, to: number): boolean {
  const length = to - from;
  if (length >= 15 && isUpper(text.charCodeAt(from)) && isUpper(text.charCodeAt(from + 1)) && isDigit(text.charCodeAt(from + 2)) && isDigit(text.charCodeAt(from + 3))) return true;
  return length >= 26 && BASE58_FIRST.includes(text.charAt(from));
}

/** The spans, as `[start, end)` pairs, of the IBAN and base58 candidates of
 * {@link financialHits} (what {@link anchoredMayStart} must not miss). */
export function anchoredCandidates(text: string): number[] {
  const spans: number[] = [];
  for (const regex of [IBAN, BASE58_RUN]) {
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) spans.push(match.index, match.index + match[0].length);
  }
  return spans;
}

const isUpper = (code: number): boolean => code >= 65 && code <= 90;
/** The first characters of a base58 candidate (P2PKH, P2SH, WIF). */
const BASE58_FIRST = "135KL";

/** By default, texts up to this long are searched for `bc1` before the bech32 regex
 * runs: on a long text the two searches only add to the regex's. */
const SHORT_TEXT = 256;

/** Every checksum-valid financial identifier in `text`. */
export function financialHits(text: string): FinancialHit[] {
  const hits: FinancialHit[] = [];
  const runs = cardRuns(text);
  for (let index = 0; index < runs.length; index += 2) {
    const start = runs[index] as number;
    const end = runs[index + 1] as number;
    if (!standsAlone(text, start, end, "_.+-", "_-") || (text[end] === "." && isWordChar(text, end + 1))) continue;
    const run = text.slice(start, end);
    if (!CARD_GROUPS.test(run)) continue;
    const digits = run.replace(/[ -]/g, "");
    // Repeated digits (`4444 4444 …`) pass Luhn by accident of arithmetic; not data.
    if (cardNetworkLengths(digits).includes(digits.length) && luhnValid(digits) && !/^(\d)\1+$/.test(digits.slice(1))) {
      hits.push({ kind: "card-number", start, end });
    }
  }
  // Each regex only where it could match (an IBAN is at least 14 characters, a base58
  // candidate 26, a bech32 one holds `bc1`): a decoded stretch of a 26-column line is
  // 13 bytes, 40,000 per MiB, and three regex calls each were a tenth of its scan.
  IBAN.lastIndex = text.length < 14 ? text.length + 1 : 0;
  for (let match = IBAN.exec(text); match !== null; match = IBAN.exec(text)) {
    const iban = match[1] ?? "";
    const end = match.index + match[0].length;
    const start = end - iban.length;
    if (standsAlone(text, start, end) && ibanValid(iban.replaceAll(" ", ""))) hits.push({ kind: "iban", start, end });
  }
  BASE58_RUN.lastIndex = text.length < 26 ? text.length + 1 : 0;
  for (let match = BASE58_RUN.exec(text); match !== null; match = BASE58_RUN.exec(text)) {
    const candidate = match[1] ?? "";
    const end = match.index + match[0].length;
    const span = { start: end - candidate.length, end };
    if (!standsAlone(text, span.start, end) || !mayDecodeToAddressOrKey(candidate)) continue;
    const payload = base58checkPayload(candidate);
    if (payload === undefined) continue;
    // P2PKH (0x00) / P2SH (0x05) carry a 20-byte hash; WIF (0x80) a 32-byte key (+0x01 if compressed).
    if (payload.length === 21 && (payload[0] === 0x00 || payload[0] === 0x05)) hits.push({ kind: "bitcoin-address", ...span });
    else if (payload[0] === 0x80 && (payload.length === 33 || (payload.length === 34 && payload[33] === 0x01))) hits.push({ kind: "bitcoin-private-key", ...span });
  }
  BECH32_RUN.lastIndex = text.length > SHORT_TEXT || text.includes("bc1") || text.includes("BC1") ? 0 : text.length + 1;
  for (let match = BECH32_RUN.exec(text); match !== null; match = BECH32_RUN.exec(text)) {
    if (standsAlone(text, match.index, match.index + match[0].length) && bech32Valid(match[0])) hits.push({ kind: "bitcoin-address", start: match.index, end: match.index + match[0].length });
  }
  return hits;
}
