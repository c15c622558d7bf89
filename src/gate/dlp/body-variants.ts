/**
 * Other readings of a body's bytes that the agent can choose as easily as UTF-8, each
 * scanned as a body of its own (as UTF-8): the text of a UTF-16 or UTF-32 body (`iconv
 * -t UTF-16`, a `charset=utf-16` request), and the text normalised: invisible
 * characters and a few stray NULs removed (a zero-width space, a soft hyphen or a NUL
 * inside a key), fullwidth letters made ASCII, HTML numeric references undone. Read as Latin-1, a
 * UTF-16 body is every character with a NUL beside it, an invisible or fullwidth
 * character two or three bytes, `&#115;` five: the held secret, `ghp_…` and `AKIA…`
 * each passed so under `dlp: block` (a hunt for leaks, this round). Most bodies have neither: the
 * checks read a prefix or search for a few byte sequences, and make nothing.
 */

/** By default, how much of a body's start is read to tell UTF-16 or UTF-32. */
const SNIFF = 4096;

type WideEncoding = "utf-16le" | "utf-16be" | "utf-32le" | "utf-32be";

/** The wide encoding `bytes` are in: by byte-order mark, or by where NULs fall in the
 * first {@link SNIFF} bytes (ASCII as UTF-16 has a NUL at every other place, as
 * UTF-32 three in every four); undefined for anything else. */
export function wideEncoding(bytes: Uint8Array): WideEncoding | undefined {
  const [a, b, c, d] = bytes;
  if (a === 0xff && b === 0xfe) return c === 0 && d === 0 ? "utf-32le" : "utf-16le";
  if (a === 0xfe && b === 0xff) return "utf-16be";
  if (a === 0 && b === 0 && c === 0xfe && d === 0xff) return "utf-32be";
  const length = Math.min(bytes.length, SNIFF) & ~3;
  if (length < 16) return undefined;
  const nulsAt = new Int32Array(4);
  for (let at = 0; at < length; at++) if (bytes[at] === 0) nulsAt[at & 3] = (nulsAt[at & 3] as number) + 1;
  const quarter = length / 4;
  // UTF-32: NULs at three of every four places, in 90% of them or more.
  const mostly = (count: number) => count >= quarter * 0.9;
  const rarely = (count: number) => count <= quarter * 0.1;
  const [n0 = 0, n1 = 0, n2 = 0, n3 = 0] = nulsAt;
  if (rarely(n0) && mostly(n1) && mostly(n2) && mostly(n3)) return "utf-32le";
  if (mostly(n0) && mostly(n1) && mostly(n2) && rarely(n3)) return "utf-32be";
  // UTF-16: NULs at one of every two places in a fifth of them or more, at the other in
  // 2% at most (random binary: 0.4% at each). Not 90%: a zero-width space between every
  // character is half the characters outside Latin-1 (a review of this round).
  const half = length / 2;
  const even = n0 + n2;
  const odd = n1 + n3;
  if (odd >= half * 0.2 && even <= half * 0.02) return "utf-16le";
  if (even >= half * 0.2 && odd <= half * 0.02) return "utf-16be";
  return undefined;
}

/** Named references to the punctuation a key or its encoding holds (`&lowbar;` for `_`),
 * as a browser reads them; other names are not undone (prose is full of `&amp;`). */
const NAMED_REFERENCES: Record<string, string> = { lowbar: "_", UnderBar: "_", hyphen: "-", dash: "-", minus: "-", sol: "/", plus: "+", equals: "=", period: ".", colon: ":" };
const NAMED_REFERENCE = new RegExp(`&(${Object.keys(NAMED_REFERENCES).join("|")});`, "g");
/** Nonspacing marks, removed before NFKC (which would compose `g` and an acute into one non-ASCII letter). */
const NONSPACING = /\p{Mn}/gu;

/** Byte sequences that mark a body worth a normalised reading: the UTF-8 lead bytes of
 * format characters and other invisible ones (U+2000–U+206F, byte-order mark,
 * variation selectors, soft hyphen, combining grapheme joiner, Mongolian vowel
 * separator, Hangul fillers, tag characters), of fullwidth ASCII (U+FF01–FF5E), and an
 * HTML numeric character reference. A mark is not a change: the text is normalised
 * and scanned again only where that changed something (curly quotes share a lead
 * with the zero-width space, and cost a decode, not a scan). */
const MARKS = [
  [0xe2, 0x80], [0xe2, 0x81], [0xef, 0xbb, 0xbf], [0xef, 0xb8], [0xc2, 0xad], [0xcd, 0x8f], [0xe1, 0xa0, 0x8e], [0xe3, 0x85, 0xa4], [0xe1, 0x85, 0x9f], [0xe1, 0x85, 0xa0], [0xf3, 0xa0], [0xef, 0xbc], [0xef, 0xbd], [0x26, 0x23],
  // Combining marks (U+0300–U+036F) and the mathematical alphanumerics (U+1D400–U+1D7FF),
  // which NFKC makes ASCII: `𝐠𝐡𝐩_…` and a mark between a key's characters passed (a hunt, this round).
  [0xcc], [0xcd], [0xf0, 0x9d],
].map((bytes) => Buffer.from(bytes)).concat(Object.keys(NAMED_REFERENCES).map((name) => Buffer.from(`&${name};`)));
/** By default, a body with at most this many NULs has them removed in its normalised
 * reading (a NUL inside a key); binary data has far more, and is left alone. */
const MAX_STRAY_NULS = 256;

/** Format characters (`\p{Cf}`: zero-width, bidi controls, word joiner, invisible
 * operators, tags, byte-order mark, soft hyphen…) and the other invisible ones. */
const INVISIBLE = /[\p{Cf}\u034f\u115f\u1160\u180e\u3164\ufe00-\ufe0f]/gu;
const FULLWIDTH = /[\uff01-\uff5e]/g;
/** Zero-padded too (`&#00000115;`): a browser reads them so. */
const CHARACTER_REFERENCE = /&#(?:0*(\d{1,7})|[xX]0*([0-9a-fA-F]{1,6}));?/g;

/** `text` with invisible characters and (`nuls`) NULs removed, fullwidth ASCII made
 * ASCII, and HTML numeric character references undone. */
export function normalise(text: string, nuls: boolean): string {
  let out = text.replace(INVISIBLE, "").replace(FULLWIDTH, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0));
  out = out.replace(NONSPACING, "").normalize("NFKC").replace(NAMED_REFERENCE, (_, name: string) => NAMED_REFERENCES[name] as string);
  out = out.replace(CHARACTER_REFERENCE, (reference, decimal: string | undefined, hex: string | undefined) => {
    const point = decimal !== undefined ? Number(decimal) : Number.parseInt(hex as string, 16);
    return point > 0 && point <= 0x10ffff ? String.fromCodePoint(point) : reference;
  });
  return nuls ? out.replaceAll("\u0000", "") : out;
}

/** By default, a reading is made this many bytes at a time, the scan yielding
 * between: made at once, the readings of an 8 MiB decoded body held the event loop
 * ~230 ms in one step (a review of this round), past the scheduler's 2 ms slices. */
const CHUNK = 256 * 1024;
/** A character reference is at most this long (`&#x0010ffff;` and a few zeros more). */
const REFERENCE_CARRY = 64;

/** A streaming decoder for `encoding` (UTF-32 by hand: it is not a WHATWG encoding). */
function decoderFor(encoding: WideEncoding | "utf-8"): (chunk: Uint8Array, last: boolean) => string {
  if (encoding !== "utf-32le" && encoding !== "utf-32be") {
    const decoder = new TextDecoder(encoding);
    return (chunk, last) => decoder.decode(chunk, { stream: !last });
  }
  const little = encoding === "utf-32le";
  return (chunk) => {
    const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength & ~3);
    const points: number[] = [];
    for (let at = 0; at + 4 <= view.byteLength; at += 4) {
      const point = view.getUint32(at, little);
      points.push(point <= 0x10ffff && (point < 0xd800 || point > 0xdfff) ? point : 0xfffd);
    }
    let text = "";
    for (let at = 0; at < points.length; at += 4096) text += String.fromCodePoint(...points.slice(at, at + 4096));
    return text;
  };
}

/** `bytes` read as `encoding` and normalised, as UTF-8, a chunk per step; undefined
 * when `onlyIfChanged` and normalising changed nothing. */
function* reading(bytes: Uint8Array, encoding: WideEncoding | "utf-8", nuls: boolean, onlyIfChanged: boolean): Generator<void, Uint8Array | undefined> {
  const decode = decoderFor(encoding);
  const pieces: Buffer[] = [];
  let changed = false;
  let carry = "";
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const last = at + CHUNK >= bytes.length;
    let text = carry + decode(bytes.subarray(at, Math.min(bytes.length, at + CHUNK)), last);
    carry = "";
    // A reference cut by the chunk's end waits for the rest.
    const amp = text.lastIndexOf("&");
    if (!last && amp !== -1 && amp >= text.length - REFERENCE_CARRY) {
      carry = text.slice(amp);
      text = text.slice(0, amp);
    }
    const normalised = normalise(text, nuls);
    if (normalised !== text) changed = true;
    pieces.push(Buffer.from(normalised, "utf8"));
    yield;
  }
  if (carry !== "") pieces.push(Buffer.from(normalise(carry, nuls), "utf8"));
  return onlyIfChanged && !changed ? undefined : Buffer.concat(pieces);
}

/** How many NULs `bytes` holds. */
function nulCount(bytes: Uint8Array): number {
  let count = 0;
  for (let at = 0; at < bytes.length; at++) if (bytes[at] === 0) count++;
  return count;
}

/** Whether `bytes` reads as UTF-8 text (few invalid sequences in its first
 * {@link SNIFF} bytes): binary data holds the marks' byte pairs by chance, and its
 * normalised reading is no text an agent wrote. */
function looksLikeText(bytes: Buffer): boolean {
  const start = new TextDecoder().decode(bytes.subarray(0, SNIFF));
  let invalid = 0;
  for (let at = start.indexOf("\ufffd"); at !== -1 && invalid <= 8; at = start.indexOf("\ufffd", at + 1)) invalid++;
  return invalid <= 8;
}

/** The other readings of `bytes` worth a scan of their own, as UTF-8 (none for most
 * bodies), made a chunk per step: a generator for the scan's slices. */
export function* bodyVariants(bytes: Uint8Array): Generator<void, Uint8Array[]> {
  const variants: Uint8Array[] = [];
  const wide = wideEncoding(bytes);
  if (wide !== undefined) variants.push((yield* reading(bytes, wide, true, false)) as Uint8Array);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // UTF-16 or UTF-32 text in only part of a body (after an ASCII prefix, one JSON value)
  // escapes the sniff at its start; with NULs in a 32nd of its bytes, the body is
  // read once more with them removed, which is that text where it is ASCII.
  // (Also for a body the sniff called wide: its text may start at an odd byte.)
  const nulsIn = nulCount(bytes);
  // At least a 32nd of the bytes (random binary has 1 in 256).
  if (bytes.length >= 64 && nulsIn * 32 >= bytes.length) {
    variants.push(Buffer.from(buffer.toString("latin1").replaceAll("\u0000", ""), "latin1"));
    yield;
  }
  // Native searches for a few short sequences; a decode and replaces only where one is.
  const nuls = wide === undefined && nulsIn > 0 && nulsIn <= MAX_STRAY_NULS;
  if ((nuls || MARKS.some((mark) => buffer.indexOf(mark, 1) !== -1)) && looksLikeText(buffer)) {
    const normalised = yield* reading(bytes, "utf-8", nuls, true);
    if (normalised !== undefined) variants.push(normalised);
  }
  return variants;
}
