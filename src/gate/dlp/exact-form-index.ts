/**
 * A skip-ahead search for the exact held forms (Wu–Manber: a shift table over
 * 3-character blocks). Every form is at least `window` characters long, so a form
 * occurring at `i` fills `text[i, i + window)`: the block ending that window either
 * ends some form's first `window` characters (shift 0, then each form hashed there is
 * compared) or tells how far the window can move without passing an occurrence.
 *
 * It replaces one regex alternation of all forms (54 for three secrets), which JSC
 * (Bun 1.4.5) tried at every character: 6–25 ms per MiB of hostile text, searched
 * over each text, view and decoded stretch, ~15% of a MiB of `password=` pairs. On
 * text that holds no form, the table skips ~30 characters a step with 36-character
 * forms: 0.2–2.5 ms per MiB (a micro-benchmark over the bench bodies).
 */

/** The precomputed table; built once per scanner with the forms. */
export type ExactFormIndex = {
  /** Every form's length is at least this; 0 when there are no forms. */
  window: number;
  /** Per block hash, how far the window may move (0: a form's window ends here). */
  shifts: Uint8Array;
  /** Per block hash with shift 0, the forms whose first `window` characters end in such a block. */
  candidates: Map<number, string[]>;
};

/**
 * One code per character a decoder reads alike: hex and base32 are read in either
 * case, base64 in either alphabet (`-` as `+`, `_` as `/`), so a text can spell one
 * encoding many ways. Every other ASCII character is itself; a code of 128 or more
 * is 0, which no folded form holds (forms are ASCII). A table over every UTF-16
 * code: no range test per character.
 */
const ENCODING_FOLD = new Uint8Array(65536);
for (let code = 0; code < 128; code++) ENCODING_FOLD[code] = code >= 65 && code <= 90 ? code + 32 : code;
ENCODING_FOLD[45] = 43; // - as +
ENCODING_FOLD[95] = 47; // _ as /

/** `text` with each character mapped as a decoder reads it (see {@link holdsFoldedForm}). */
export function foldEncoding(text: string): string {
  let out = "";
  for (let at = 0; at < text.length; at++) out += String.fromCharCode(ENCODING_FOLD[text.charCodeAt(at)] as number);
  return out;
}

/** Characters per block: with 2, the 4,096 base64 pairs are mostly in some form. */
const BLOCK = 3;
/** Hash values: the table is one byte per value. */
const HASH_MASK = 0xffff;

/** The hash of `text[at, at + 3)`. Collisions only make shifts smaller (never wrong):
 * a block's shift is the least over every block with its hash. */
function blockHash(text: string, at: number): number {
  return ((text.charCodeAt(at) * 31 + text.charCodeAt(at + 1)) * 31 + text.charCodeAt(at + 2)) & HASH_MASK;
}

/** Builds the index of `forms`. Forms shorter than 3 characters are not supported
 * (held forms are at least 8, `MIN_HELD_SECRET_LENGTH`). */
export function buildExactFormIndex(forms: readonly string[]): ExactFormIndex {
  const window = forms.length === 0 ? 0 : forms.reduce((shortest, form) => Math.min(shortest, form.length), Infinity);
  if (window > 0 && window < BLOCK) throw new Error(`exact held forms must be at least ${BLOCK} characters`);
  const last = window - BLOCK;
  // A shift over 255 does not fit a byte; a smaller shift is always safe.
  const shifts = new Uint8Array(HASH_MASK + 1).fill(Math.min(last + 1, 255));
  const candidates = new Map<number, string[]>();
  for (const form of forms) {
    for (let at = 0; at <= last; at++) {
      const hash = blockHash(form, at);
      shifts[hash] = Math.min(shifts[hash] as number, last - at);
    }
    const hash = blockHash(form, last);
    const list = candidates.get(hash);
    if (list === undefined) candidates.set(hash, [form]);
    else list.push(form);
  }
  return { window, shifts, candidates };
}

/**
 * Whether any indexed form occurs in `text`: the same answer as an `includes` per
 * form. Why no occurrence is skipped: for a form at `i`, every position `p` the
 * search stops at before `i + window - 3` moves to at most `i + window - 3` (a block
 * before `i` moves at most `window - 2`; a block inside the form's window was counted
 * in its shift), and at `i + window - 3` the shift is 0 and the form is compared.
 */
export function holdsExactForm(text: string, index: ExactFormIndex): boolean {
  const { window, shifts, candidates } = index;
  if (window === 0) return false;
  const back = window - BLOCK;
  const length = text.length;
  let at = back;
  while (at + BLOCK <= length) {
    const hash = ((text.charCodeAt(at) * 31 + text.charCodeAt(at + 1)) * 31 + text.charCodeAt(at + 2)) & HASH_MASK;
    const shift = shifts[hash] as number;
    if (shift !== 0) {
      at += shift;
      continue;
    }
    for (const form of candidates.get(hash) as string[]) if (text.startsWith(form, at - back)) return true;
    at++;
  }
  return false;
}

/**
 * Whether any form of `index` (built from folded forms, {@link foldEncoding}) occurs
 * in `text` read the way a decoder reads it (either case, either base64 alphabet):
 * the same answer as an `includes` per form in the folded text, without making it.
 * The walk of {@link holdsExactForm} with each character folded; kept apart so the
 * exact search, run over every text, pays no lookup per character.
 */
export function holdsFoldedForm(text: string, index: ExactFormIndex): boolean {
  const { window, shifts, candidates } = index;
  if (window === 0) return false;
  const fold = ENCODING_FOLD;
  const back = window - BLOCK;
  const length = text.length;
  let at = back;
  while (at + BLOCK <= length) {
    const hash = (((fold[text.charCodeAt(at)] as number) * 31 + (fold[text.charCodeAt(at + 1)] as number)) * 31 + (fold[text.charCodeAt(at + 2)] as number)) & HASH_MASK;
    const shift = shifts[hash] as number;
    if (shift !== 0) {
      at += shift;
      continue;
    }
    for (const form of candidates.get(hash) as string[]) if (foldedStartsWith(text, form, at - back)) return true;
    at++;
  }
  return false;
}

function foldedStartsWith(text: string, form: string, from: number): boolean {
  if (from + form.length > text.length) return false;
  for (let at = 0; at < form.length; at++) if (ENCODING_FOLD[text.charCodeAt(from + at)] !== form.charCodeAt(at)) return false;
  return true;
}
